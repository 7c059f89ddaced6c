//! The database schema of phancap, one migration per change. Migrations hold
//! structure only; data comes from `phancap import-units` and `phancap demo`
//! (a migration that adds a derived column, such as a folded search column,
//! fills it for the rows already there).

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_units;
mod m20261123_000002_identity_audit;
mod m20261123_000003_mandates;
mod m20261123_000004_reporting;
mod m20261130_000005_sign_in_hardening;
mod m20261130_000006_idempotency;
mod m20261130_000007_document_records;
mod m20261130_000008_matters;
mod m20261201_000010_delegatee_capacity;
mod m20261201_000011_attachments;
mod m20261201_000012_matter_holder_department;
mod m20261202_000013_item_lifetimes;
mod m20261202_000014_typed_figures;
mod m20261202_000015_report_sign_off;
mod m20261203_000016_proposals;
mod m20261203_000017_evaluations;
mod m20261204_000018_outbox;
mod m20261204_000019_plans;
mod m20261204_000020_inspections;
mod m20261205_000021_change_feed;
mod m20261205_000023_shared_state;
mod m20261206_000024_sort_keys;

/// Runs a script written once for both databases: the SQLite type names
/// sea-query uses (`uuid_text`, `date_text`, `timestamp_with_timezone_text`)
/// become PostgreSQL's native ones, and `path_text` (a path) and `key_text`
/// (a sort key) columns compared bytewise on both (collation "C" on
/// PostgreSQL, SQLite's default).
pub(crate) async fn run_script(manager: &SchemaManager<'_>, script: &[&str]) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
    let db = manager.get_connection();
    let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
    for sql in script {
        let sql = if postgres {
            sql.replace("uuid_text", "uuid")
                .replace("timestamp_with_timezone_text", "timestamptz")
                .replace("date_text", "date")
                .replace("path_text", "varchar(400) COLLATE \"C\"")
                .replace("key_text", "text COLLATE \"C\"")
        } else {
            sql.replace("path_text", "varchar(400)")
                .replace("key_text", "text")
        };
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

/// Drops `tables` in order.
pub(crate) async fn drop_tables(manager: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::ConnectionTrait;
    for table in tables {
        manager
            .get_connection()
            .execute_unprepared(&format!("DROP TABLE {table}"))
            .await?;
    }
    Ok(())
}

/// Applies phancap's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_units::Migration),
            Box::new(m20261123_000002_identity_audit::Migration),
            Box::new(m20261123_000003_mandates::Migration),
            Box::new(m20261123_000004_reporting::Migration),
            Box::new(m20261130_000005_sign_in_hardening::Migration),
            Box::new(m20261130_000006_idempotency::Migration),
            Box::new(m20261130_000007_document_records::Migration),
            Box::new(m20261130_000008_matters::Migration),
            Box::new(m20261201_000010_delegatee_capacity::Migration),
            Box::new(m20261201_000011_attachments::Migration),
            Box::new(m20261201_000012_matter_holder_department::Migration),
            Box::new(m20261202_000013_item_lifetimes::Migration),
            Box::new(m20261202_000014_typed_figures::Migration),
            Box::new(m20261202_000015_report_sign_off::Migration),
            Box::new(m20261203_000016_proposals::Migration),
            Box::new(m20261203_000017_evaluations::Migration),
            Box::new(m20261204_000018_outbox::Migration),
            Box::new(m20261204_000019_plans::Migration),
            Box::new(m20261204_000020_inspections::Migration),
            Box::new(m20261205_000021_change_feed::Migration),
            Box::new(m20261205_000023_shared_state::Migration),
            Box::new(m20261206_000024_sort_keys::Migration),
        ]
    }
}
