//! What several servers over one database must agree on that used to live
//! in each server's memory: the per-address token buckets of the rate
//! limits and the queries registered by automatic persisted queries.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    // One bucket per limit (`scope`) and client address (IPv6 by /64);
    // `updated_at` is seconds since the epoch by the database's clock, and
    // `allowed` says whether the last request taken from it was let in.
    "CREATE TABLE rate_bucket (
        scope varchar(16) NOT NULL,
        address varchar(64) NOT NULL,
        tokens double precision NOT NULL,
        allowed boolean NOT NULL,
        updated_at double precision NOT NULL,
        PRIMARY KEY (scope, address)
    )",
    "CREATE INDEX ix_rate_bucket_updated ON rate_bucket (updated_at)",
    // Query text by its SHA-256 (lower-case hex), oldest evicted first.
    "CREATE TABLE persisted_query (
        hash varchar(64) NOT NULL PRIMARY KEY,
        query text NOT NULL,
        bytes bigint NOT NULL,
        created_at double precision NOT NULL
    )",
    "CREATE INDEX ix_persisted_query_created ON persisted_query (created_at, hash)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::drop_tables(manager, &["persisted_query", "rate_bucket"]).await
    }
}
