//! The reporting cycle: the holiday calendar, regimes and their indicators,
//! periods, reports with items and indicator values, reminders, and the
//! rollups maintained on every status change.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    // Days that break the Monday–Friday pattern: a weekday off (HOLIDAY) or
    // a weekend day worked in exchange (WORKDAY).
    "CREATE TABLE holiday (
        day date_text NOT NULL PRIMARY KEY,
        kind varchar(8) NOT NULL,
        name varchar(200) NOT NULL,
        source varchar(300) NOT NULL,
        created_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE TABLE reporting_regime (
        id uuid_text NOT NULL PRIMARY KEY,
        code varchar(64) NOT NULL UNIQUE,
        name varchar(300) NOT NULL,
        content text NOT NULL,
        recipient_unit_id uuid_text NOT NULL REFERENCES unit (id),
        frequency varchar(16) NOT NULL,
        cutoff_rule varchar(16) NOT NULL,
        deadline_days integer NOT NULL,
        compiled_deadline_days integer NOT NULL,
        reporter_kinds varchar(100) NULL,
        reporter_units text NULL,
        created_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE INDEX ix_regime_recipient ON reporting_regime (recipient_unit_id)",
    "CREATE TABLE regime_indicator (
        id uuid_text NOT NULL PRIMARY KEY,
        regime_id uuid_text NOT NULL REFERENCES reporting_regime (id),
        code varchar(64) NOT NULL,
        name varchar(300) NOT NULL,
        measure varchar(50) NOT NULL,
        aggregation varchar(8) NOT NULL,
        position integer NOT NULL
    )",
    "CREATE UNIQUE INDEX ux_indicator_code ON regime_indicator (regime_id, code)",
    "CREATE TABLE reporting_period (
        id uuid_text NOT NULL PRIMARY KEY,
        regime_id uuid_text NOT NULL REFERENCES reporting_regime (id),
        code varchar(32) NOT NULL,
        data_from date_text NOT NULL,
        data_to date_text NOT NULL,
        deadline date_text NOT NULL,
        compiled_deadline date_text NOT NULL,
        opened_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE UNIQUE INDEX ux_period_regime_code ON reporting_period (regime_id, code)",
    "CREATE INDEX ix_period_code ON reporting_period (code)",
    "CREATE TABLE report (
        id uuid_text NOT NULL PRIMARY KEY,
        period_id uuid_text NOT NULL REFERENCES reporting_period (id),
        period_code varchar(32) NOT NULL,
        regime_id uuid_text NOT NULL REFERENCES reporting_regime (id),
        reporter_unit_id uuid_text NOT NULL REFERENCES unit (id),
        reporter_path path_text NOT NULL,
        recipient_unit_id uuid_text NOT NULL REFERENCES unit (id),
        compiled boolean NOT NULL,
        status varchar(16) NOT NULL,
        version integer NOT NULL,
        results text NULL,
        difficulties text NULL,
        proposals text NULL,
        return_reason text NULL,
        deadline_at timestamp_with_timezone_text NOT NULL,
        first_submitted_at timestamp_with_timezone_text NULL,
        submitted_at timestamp_with_timezone_text NULL,
        returned_at timestamp_with_timezone_text NULL,
        accepted_at timestamp_with_timezone_text NULL,
        reminder_count integer NOT NULL,
        last_reminded_at timestamp_with_timezone_text NULL,
        updated_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE UNIQUE INDEX ux_report_reporter ON report (period_id, reporter_unit_id, compiled)",
    "CREATE INDEX ix_report_scope ON report (period_code, reporter_path)",
    "CREATE INDEX ix_report_path ON report (reporter_path)",
    "CREATE INDEX ix_report_recipient ON report (recipient_unit_id, status)",
    "CREATE TABLE report_item (
        id uuid_text NOT NULL PRIMARY KEY,
        report_id uuid_text NOT NULL REFERENCES report (id),
        mandate_id uuid_text NOT NULL REFERENCES mandate (id),
        implementation_status varchar(16) NULL,
        procedures_received integer NULL,
        resolved_on_time integer NULL,
        resolved_late integer NULL,
        pending integer NULL,
        difficulties text NULL,
        proposal varchar(8) NULL,
        proposal_note text NULL
    )",
    "CREATE UNIQUE INDEX ux_item_mandate ON report_item (report_id, mandate_id)",
    "CREATE TABLE report_value (
        report_id uuid_text NOT NULL REFERENCES report (id),
        indicator_code varchar(64) NOT NULL,
        value double precision NOT NULL,
        PRIMARY KEY (report_id, indicator_code)
    )",
    "CREATE TABLE report_reminder (
        id uuid_text NOT NULL PRIMARY KEY,
        report_id uuid_text NOT NULL REFERENCES report (id),
        reminded_at timestamp_with_timezone_text NOT NULL,
        by_username varchar(100) NOT NULL
    )",
    "CREATE INDEX ix_reminder_report ON report_reminder (report_id)",
    // Counters per period and unit subtree, kept by every status change so
    // that progress is read, never recomputed.
    "CREATE TABLE report_rollup (
        period_id uuid_text NOT NULL REFERENCES reporting_period (id),
        unit_id uuid_text NOT NULL REFERENCES unit (id),
        parent_unit_id uuid_text NULL,
        expected integer NOT NULL,
        submitted integer NOT NULL,
        on_time integer NOT NULL,
        late integer NOT NULL,
        returned integer NOT NULL,
        accepted integer NOT NULL,
        PRIMARY KEY (period_id, unit_id)
    )",
    "CREATE INDEX ix_rollup_unit ON report_rollup (unit_id)",
    "CREATE INDEX ix_rollup_parent ON report_rollup (parent_unit_id)",
    "CREATE TABLE indicator_rollup (
        period_id uuid_text NOT NULL REFERENCES reporting_period (id),
        unit_id uuid_text NOT NULL REFERENCES unit (id),
        indicator_code varchar(64) NOT NULL,
        total double precision NOT NULL,
        reports integer NOT NULL,
        PRIMARY KEY (period_id, unit_id, indicator_code)
    )",
    "CREATE INDEX ix_indicator_rollup_unit ON indicator_rollup (unit_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::drop_tables(
            manager,
            &[
                "indicator_rollup",
                "report_rollup",
                "report_reminder",
                "report_value",
                "report_item",
                "report",
                "reporting_period",
                "regime_indicator",
                "reporting_regime",
                "holiday",
            ],
        )
        .await
    }
}
