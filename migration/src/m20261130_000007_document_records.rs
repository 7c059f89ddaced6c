//! Documents as records: trích yếu, signer title, recipients, links
//! between documents, and folded search columns on documents and mandates.
//!
//! Documents registered before this migration get an empty subject (the
//! subject was never recorded; the number is not one), no signer title and
//! no recipients. The folded columns are filled here for existing rows
//! with the server's own folding (`entity::search`), one function for both.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "ALTER TABLE document ADD COLUMN subject varchar(1000) NOT NULL DEFAULT ''",
    "ALTER TABLE document ADD COLUMN signer_title varchar(200) NULL",
    "ALTER TABLE document ADD COLUMN recipients text NOT NULL DEFAULT '[]'",
    "ALTER TABLE document ADD COLUMN number_key varchar(100) NOT NULL DEFAULT ''",
    "ALTER TABLE document ADD COLUMN search_text text NOT NULL DEFAULT ''",
    "CREATE INDEX ix_document_number_key ON document (number_key)",
    "ALTER TABLE mandate ADD COLUMN search_text text NOT NULL DEFAULT ''",
    "CREATE TABLE document_link (
        from_document_id uuid_text NOT NULL REFERENCES document (id),
        to_document_id uuid_text NOT NULL REFERENCES document (id),
        kind varchar(16) NOT NULL,
        created_at timestamp_with_timezone_text NOT NULL,
        PRIMARY KEY (from_document_id, to_document_id, kind)
    )",
    "CREATE INDEX ix_document_link_to ON document_link (to_document_id)",
];

const DOWN: &[&str] = &[
    "DROP TABLE document_link",
    "DROP INDEX ix_document_number_key",
    "ALTER TABLE mandate DROP COLUMN search_text",
    "ALTER TABLE document DROP COLUMN search_text",
    "ALTER TABLE document DROP COLUMN number_key",
    "ALTER TABLE document DROP COLUMN recipients",
    "ALTER TABLE document DROP COLUMN signer_title",
    "ALTER TABLE document DROP COLUMN subject",
];

/// Fills the folded columns of the rows already stored, keyed by their
/// unique business keys (a document's number and issuer, a mandate's code).
async fn backfill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use entity::search::{fold_all, number_key};
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let documents = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT number, issuer_name FROM document",
        ))
        .await?;
    for row in documents {
        let number: String = row.try_get("", "number")?;
        let issuer: String = row.try_get("", "issuer_name")?;
        let sql = match backend {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                "UPDATE document SET number_key = $1, search_text = $2 WHERE number = $3 AND issuer_name = $4"
            }
            _ => {
                "UPDATE document SET number_key = ?, search_text = ? WHERE number = ? AND issuer_name = ?"
            }
        };
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                number_key(&number).into(),
                fold_all(&[&number, &issuer]).into(),
                number.clone().into(),
                issuer.into(),
            ],
        ))
        .await?;
    }
    let mandates = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT code, title, matter_code FROM mandate",
        ))
        .await?;
    for row in mandates {
        let code: String = row.try_get("", "code")?;
        let title: String = row.try_get("", "title")?;
        let matter: String = row.try_get("", "matter_code")?;
        let sql = match backend {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                "UPDATE mandate SET search_text = $1 WHERE code = $2"
            }
            _ => "UPDATE mandate SET search_text = ? WHERE code = ?",
        };
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [fold_all(&[&code, &title, &matter]).into(), code.into()],
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await?;
        backfill(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, DOWN).await
    }
}
