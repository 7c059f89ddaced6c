//! How a unit of one structure became a unit of the next (sắp xếp đơn vị
//! hành chính): merges, splits, renames and reclassifications.

use sea_orm::entity::prelude::*;

/// What happened between a predecessor and a successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum LineageKind {
    #[sea_orm(string_value = "MERGE")]
    Merge,
    #[sea_orm(string_value = "SPLIT")]
    Split,
    #[sea_orm(string_value = "RENAME")]
    Rename,
    #[sea_orm(string_value = "RECLASSIFY")]
    Reclassify,
    #[sea_orm(string_value = "CONTINUATION")]
    Continuation,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unit_lineage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub predecessor_id: Uuid,
    pub successor_id: Uuid,
    pub kind: LineageKind,
    pub effective_date: Date,
    /// The legal act that made the change, as cited (e.g. `202/2025/QH15`).
    pub document: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::PredecessorId",
        to = "super::unit::Column::Id"
    )]
    Predecessor,
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::SuccessorId",
        to = "super::unit::Column::Id"
    )]
    Successor,
}

impl ActiveModelBehavior for ActiveModel {}
