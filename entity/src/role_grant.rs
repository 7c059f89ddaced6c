//! A role held over a unit's subtree.

use sea_orm::entity::prelude::*;

/// What a grant lets its holder do (DESIGN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    #[sea_orm(string_value = "VIEWER")]
    Viewer,
    #[sea_orm(string_value = "REPORTER")]
    Reporter,
    #[sea_orm(string_value = "REVIEWER")]
    Reviewer,
    #[sea_orm(string_value = "APPROVER")]
    Approver,
    #[sea_orm(string_value = "COORDINATOR")]
    Coordinator,
    #[sea_orm(string_value = "LEGAL_REVIEWER")]
    LegalReviewer,
    #[sea_orm(string_value = "INSPECTOR")]
    Inspector,
    #[sea_orm(string_value = "ADMIN")]
    Admin,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "role_grant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub scope_unit_id: Uuid,
    /// None when granted from the command line.
    pub granted_by: Option<Uuid>,
    pub granted_at: DateTimeUtc,
    /// Set when revoked; a grant is never deleted.
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
