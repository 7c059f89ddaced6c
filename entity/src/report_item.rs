//! A report's account of one mandate the reporter held in the period.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub report_id: Uuid,
    pub mandate_id: Uuid,
    pub implementation_status: Option<String>,
    pub procedures_received: Option<i32>,
    pub resolved_on_time: Option<i32>,
    pub resolved_late: Option<i32>,
    pub pending: Option<i32>,
    pub difficulties: Option<String>,
    pub proposal: Option<String>,
    pub proposal_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
