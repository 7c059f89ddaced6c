//! Typed indicators (type, bounds, formula), text answers, and the
//! validation rules between a regime's indicators.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "ALTER TABLE regime_indicator ADD COLUMN value_type varchar(16) NOT NULL DEFAULT 'NUMBER'",
    "ALTER TABLE regime_indicator ADD COLUMN min_value double precision NULL",
    "ALTER TABLE regime_indicator ADD COLUMN max_value double precision NULL",
    "ALTER TABLE regime_indicator ADD COLUMN formula varchar(500) NULL",
    "ALTER TABLE report_value ADD COLUMN text_value text NULL",
    "CREATE TABLE regime_rule (
        id uuid_text NOT NULL PRIMARY KEY,
        regime_id uuid_text NOT NULL REFERENCES reporting_regime (id),
        code varchar(64) NOT NULL,
        name varchar(300) NOT NULL,
        left_expr varchar(500) NOT NULL,
        operator varchar(2) NOT NULL,
        right_expr varchar(500) NOT NULL,
        position integer NOT NULL
    )",
    "CREATE UNIQUE INDEX ux_rule_code ON regime_rule (regime_id, code)",
];

const DOWN: &[&str] = &[
    "DROP TABLE regime_rule",
    "ALTER TABLE report_value DROP COLUMN text_value",
    "ALTER TABLE regime_indicator DROP COLUMN formula",
    "ALTER TABLE regime_indicator DROP COLUMN max_value",
    "ALTER TABLE regime_indicator DROP COLUMN min_value",
    "ALTER TABLE regime_indicator DROP COLUMN value_type",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, DOWN).await
    }
}
