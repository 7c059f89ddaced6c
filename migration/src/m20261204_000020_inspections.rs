//! Inspections (thanh tra, kiểm tra) of how delegated powers are used: the
//! inspection with its scope (units, mandates), members and period; the
//! findings per unit and mandate with their evidence; the
//! recommendations of the conclusion, each followed up until closed; and
//! the finding a proposal was opened from.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE TABLE inspection (
        id uuid_text NOT NULL PRIMARY KEY,
        code varchar(64) NOT NULL UNIQUE,
        title varchar(1000) NOT NULL,
        inspecting_unit_id uuid_text NOT NULL REFERENCES unit (id),
        inspecting_path path_text NOT NULL,
        decision_document_id uuid_text NULL REFERENCES document (id),
        period_from date_text NOT NULL,
        period_to date_text NOT NULL,
        status varchar(16) NOT NULL,
        version integer NOT NULL,
        conclusion_document_id uuid_text NULL REFERENCES document (id),
        conclusion_summary text NULL,
        created_at timestamp_with_timezone_text NOT NULL,
        created_by varchar(64) NOT NULL,
        started_at timestamp_with_timezone_text NULL,
        concluded_at timestamp_with_timezone_text NULL,
        closed_at timestamp_with_timezone_text NULL,
        closed_by varchar(64) NULL,
        updated_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE INDEX ix_inspection_inspecting ON inspection (inspecting_path, code)",
    "CREATE TABLE inspection_unit (
        inspection_id uuid_text NOT NULL REFERENCES inspection (id),
        unit_id uuid_text NOT NULL REFERENCES unit (id),
        unit_path path_text NOT NULL,
        PRIMARY KEY (inspection_id, unit_id)
    )",
    "CREATE INDEX ix_inspection_unit_path ON inspection_unit (unit_path)",
    "CREATE TABLE inspection_mandate (
        inspection_id uuid_text NOT NULL REFERENCES inspection (id),
        mandate_id uuid_text NOT NULL REFERENCES mandate (id),
        PRIMARY KEY (inspection_id, mandate_id)
    )",
    "CREATE INDEX ix_inspection_mandate ON inspection_mandate (mandate_id)",
    "CREATE TABLE inspection_member (
        id uuid_text NOT NULL PRIMARY KEY,
        inspection_id uuid_text NOT NULL REFERENCES inspection (id),
        position integer NOT NULL,
        full_name varchar(200) NOT NULL,
        title varchar(200) NULL,
        member_role varchar(16) NOT NULL
    )",
    "CREATE INDEX ix_inspection_member ON inspection_member (inspection_id, position)",
    "CREATE TABLE inspection_finding (
        id uuid_text NOT NULL PRIMARY KEY,
        inspection_id uuid_text NOT NULL REFERENCES inspection (id),
        unit_id uuid_text NOT NULL REFERENCES unit (id),
        unit_path path_text NOT NULL,
        mandate_id uuid_text NULL REFERENCES mandate (id),
        kind varchar(16) NOT NULL,
        text text NOT NULL,
        evidence_document_ids text NOT NULL,
        action varchar(16) NOT NULL,
        created_at timestamp_with_timezone_text NOT NULL,
        created_by varchar(64) NOT NULL
    )",
    "CREATE INDEX ix_inspection_finding ON inspection_finding (inspection_id, unit_path)",
    "CREATE INDEX ix_inspection_finding_mandate ON inspection_finding (mandate_id)",
    "CREATE TABLE inspection_recommendation (
        id uuid_text NOT NULL PRIMARY KEY,
        inspection_id uuid_text NOT NULL REFERENCES inspection (id),
        finding_id uuid_text NULL REFERENCES inspection_finding (id),
        number varchar(32) NOT NULL,
        text text NOT NULL,
        owner_unit_id uuid_text NOT NULL REFERENCES unit (id),
        owner_path path_text NOT NULL,
        due_on date_text NOT NULL,
        closed_at timestamp_with_timezone_text NULL,
        closed_by varchar(64) NULL,
        close_note text NULL,
        created_at timestamp_with_timezone_text NOT NULL,
        created_by varchar(64) NOT NULL
    )",
    "CREATE UNIQUE INDEX ux_inspection_recommendation_number ON inspection_recommendation (inspection_id, number, owner_unit_id)",
    "CREATE INDEX ix_inspection_recommendation_owner ON inspection_recommendation (owner_path)",
    // The finding a proposal was opened from, as `evaluation_id` records
    // the evaluation.
    "ALTER TABLE proposal ADD COLUMN inspection_finding_id uuid_text NULL REFERENCES inspection_finding (id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm_migration::sea_orm::ConnectionTrait;
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE proposal DROP COLUMN inspection_finding_id")
            .await?;
        crate::drop_tables(
            manager,
            &[
                "inspection_recommendation",
                "inspection_finding",
                "inspection_member",
                "inspection_mandate",
                "inspection_unit",
                "inspection",
            ],
        )
        .await
    }
}
