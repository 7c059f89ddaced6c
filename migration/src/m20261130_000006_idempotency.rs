//! Idempotency keys: a retried mutation returns the first answer.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    // One row per (caller, key): the request it was first used for, and,
    // once answered, the answer. Times are Unix seconds.
    "CREATE TABLE idempotency_key (
        user_key varchar(100) NOT NULL,
        idem_key varchar(200) NOT NULL,
        request_hash varchar(64) NOT NULL,
        state varchar(8) NOT NULL,
        status integer NULL,
        response text NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (user_key, idem_key)
    )",
    "CREATE INDEX ix_idempotency_created ON idempotency_key (created_at)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::drop_tables(manager, &["idempotency_key"]).await
    }
}
