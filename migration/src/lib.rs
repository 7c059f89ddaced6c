//! The database schema of phancap, one migration per change. Migrations hold
//! structure only; data comes from `phancap import-units` and `phancap demo`.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_units;
mod m20261123_000002_identity_audit;
mod m20261123_000003_mandates;
mod m20261123_000004_reporting;

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
        ]
    }
}
