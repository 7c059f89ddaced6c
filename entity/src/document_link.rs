//! A link from one legal document to an earlier one: it answers, carries
//! out, amends or repeals it.

use sea_orm::entity::prelude::*;

/// How a document relates to the earlier one it links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum LinkKind {
    /// Issued on the proposal of the target (a Tờ trình, a report, a
    /// letter): the target led to this document.
    #[sea_orm(string_value = "RESPONDS_TO")]
    RespondsTo,
    /// Carries out the target (a plan implementing a resolution or law).
    #[sea_orm(string_value = "IMPLEMENTS")]
    Implements,
    /// Amends or supplements the target (sửa đổi, bổ sung).
    #[sea_orm(string_value = "AMENDS")]
    Amends,
    /// Repeals or replaces the target (bãi bỏ, thay thế).
    #[sea_orm(string_value = "REPEALS")]
    Repeals,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_link")]
pub struct Model {
    /// The later document, which states the link.
    #[sea_orm(primary_key, auto_increment = false)]
    pub from_document_id: Uuid,
    /// The earlier document it links to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub to_document_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: LinkKind,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
