//! A plan (kế hoạch): a registered KH document whose contents are tasks.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The plan's document number, e.g. `89/KH-UBND`.
    pub code: String,
    /// The registered KH document.
    pub document_id: Uuid,
    /// The document's subject (trích yếu).
    pub title: String,
    /// The document's issuer.
    pub issuer_unit_id: Uuid,
    /// The province the issuer belongs to.
    pub province_unit_id: Uuid,
    pub province_path: String,
    /// Who follows, urges and checks the plan (theo dõi, đôn đốc, kiểm
    /// tra): Sở Nội vụ unless said otherwise.
    pub monitor_unit_id: Uuid,
    /// The document's issue date: AFTER_ISSUE times count from it.
    pub issued_on: Date,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
