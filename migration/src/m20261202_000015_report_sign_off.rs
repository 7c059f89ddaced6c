//! Sign-off inside the reporting unit, paper reports, and the compiled
//! report as a draft Sở Nội vụ writes: its texts, its tables, the unit
//! reports it includes (as they were compiled) and UBND tỉnh's directions;
//! the numbers reports went out under.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "ALTER TABLE reporting_regime ADD COLUMN sign_off boolean NOT NULL DEFAULT TRUE",
    "CREATE TABLE report_signature (
        report_id uuid_text NOT NULL PRIMARY KEY REFERENCES report (id),
        number varchar(64) NOT NULL,
        number_key varchar(64) NOT NULL,
        signer_name varchar(200) NOT NULL,
        signer_title varchar(200) NOT NULL,
        signed_on date_text NOT NULL,
        signed_by varchar(64) NULL,
        paper boolean NOT NULL,
        received_on date_text NULL,
        recorded_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE TABLE compilation (
        report_id uuid_text NOT NULL PRIMARY KEY REFERENCES report (id),
        compiled_at timestamp_with_timezone_text NOT NULL,
        assessment text NULL,
        recommendations text NULL,
        directions text NULL,
        tables text NOT NULL
    )",
    "CREATE TABLE compilation_source (
        compiled_report_id uuid_text NOT NULL REFERENCES report (id),
        report_id uuid_text NOT NULL REFERENCES report (id),
        report_version integer NOT NULL,
        PRIMARY KEY (compiled_report_id, report_id)
    )",
    "CREATE TABLE report_number (
        report_id uuid_text NOT NULL REFERENCES report (id),
        number_key varchar(64) NOT NULL,
        signed_year integer NOT NULL,
        PRIMARY KEY (report_id, number_key)
    )",
    "CREATE INDEX ix_compilation_source_report ON compilation_source (report_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm_migration::sea_orm::ConnectionTrait;
        crate::drop_tables(
            manager,
            &[
                "report_number",
                "compilation_source",
                "compilation",
                "report_signature",
            ],
        )
        .await?;
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE reporting_regime DROP COLUMN sign_off")
            .await?;
        Ok(())
    }
}
