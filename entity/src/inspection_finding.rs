//! What an inspection found at one unit, about one mandate in scope or
//! the unit's work in general, with its evidence.

use sea_orm::entity::prelude::*;

/// What kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FindingKind {
    #[sea_orm(string_value = "COMPLIANT")]
    Compliant,
    #[sea_orm(string_value = "SHORTCOMING")]
    Shortcoming,
    #[sea_orm(string_value = "VIOLATION")]
    Violation,
}

/// What the finding recommends for its mandate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MandateAction {
    #[sea_orm(string_value = "NONE")]
    None,
    #[sea_orm(string_value = "AMEND")]
    Amend,
    #[sea_orm(string_value = "REVOKE")]
    Revoke,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_finding")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub inspection_id: Uuid,
    pub unit_id: Uuid,
    pub unit_path: String,
    pub mandate_id: Option<Uuid>,
    pub kind: FindingKind,
    pub text: String,
    /// JSON array of registered documents.
    pub evidence_document_ids: String,
    pub action: MandateAction,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
