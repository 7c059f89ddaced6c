//! Files attached to documents, stored content-addressed outside the
//! database.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE TABLE attachment (
        id uuid_text NOT NULL PRIMARY KEY,
        document_id uuid_text NOT NULL REFERENCES document (id),
        sha256 varchar(64) NOT NULL,
        file_name varchar(255) NOT NULL,
        content_type varchar(100) NOT NULL,
        size_bytes bigint NOT NULL,
        created_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE UNIQUE INDEX ux_attachment_document_sha ON attachment (document_id, sha256)",
    "CREATE INDEX ix_attachment_sha ON attachment (sha256)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::drop_tables(manager, &["attachment"]).await
    }
}
