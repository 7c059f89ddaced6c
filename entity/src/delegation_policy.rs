//! What a province decided about its own way to decisions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "delegation_policy")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_unit_id: Uuid,
    /// Authorizations (ủy quyền) need a favourable appraisal too; by law
    /// only decentralizations (normative decisions) do.
    pub authorizations_need_appraisal: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
