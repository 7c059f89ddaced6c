//! One delegatee of a mandate, with its own validity.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mandate_assignment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub mandate_id: Uuid,
    pub delegatee_unit_id: Uuid,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// Set when carried over to successor units.
    pub transferred: bool,
    /// The lapsed assignment this one carries over.
    pub successor_of: Option<Uuid>,
    pub transfer_document_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
