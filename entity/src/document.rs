//! A legal document (văn bản): the basis of mandates and of their changes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Number and symbol as written, e.g. `57/NQ-HĐND`, `1785/UBND-NC`.
    pub number: String,
    /// LUAT, NQ_QH, NQ_UBTVQH, ND, QD_TTG, TT, NQ_HDND, QD_UBND, QD_CT_UBND, QD_SO, KH, CV, BC, TTR.
    pub doc_type: String,
    /// A normative legal document (văn bản quy phạm pháp luật).
    pub normative: bool,
    /// The issuing unit when it is in the tree (None for central bodies).
    pub issuer_unit_id: Option<Uuid>,
    pub issuer_name: String,
    pub signer: Option<String>,
    /// TM, KT, TL or TUQ.
    pub signer_capacity: Option<String>,
    pub issued_date: Date,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
