//! A file attached to a legal document (the signed scan, an annex),
//! stored by the SHA-256 of its content.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub document_id: Uuid,
    /// Lower-case hex SHA-256 of the content: its name in the file store.
    pub sha256: String,
    /// The name the uploader gave, e.g. `1883-QD-UBND.pdf`.
    pub file_name: String,
    /// The media type read from the content, e.g. `application/pdf`.
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
