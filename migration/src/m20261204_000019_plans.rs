//! Plans (kế hoạch) and their tasks (nhiệm vụ): one lead unit, its
//! coordinators, an output and a time; progress reported by the lead,
//! contributions by coordinators, acceptance by the monitoring body.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE TABLE plan (
        id uuid_text NOT NULL PRIMARY KEY,
        code varchar(64) NOT NULL UNIQUE,
        document_id uuid_text NOT NULL UNIQUE REFERENCES document (id),
        title text NOT NULL,
        issuer_unit_id uuid_text NOT NULL REFERENCES unit (id),
        province_unit_id uuid_text NOT NULL REFERENCES unit (id),
        province_path path_text NOT NULL,
        monitor_unit_id uuid_text NOT NULL REFERENCES unit (id),
        issued_on date_text NOT NULL,
        created_at timestamp_with_timezone_text NOT NULL,
        created_by varchar(64) NOT NULL,
        updated_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE INDEX ix_plan_province_path ON plan (province_path)",
    "CREATE TABLE task (
        id uuid_text NOT NULL PRIMARY KEY,
        code varchar(64) NOT NULL UNIQUE,
        plan_id uuid_text NULL REFERENCES plan (id),
        parent_id uuid_text NULL REFERENCES task (id),
        recommendation_id uuid_text NULL,
        position integer NOT NULL,
        title text NOT NULL,
        content text NULL,
        output text NULL,
        lead_unit_id uuid_text NULL REFERENCES unit (id),
        lead_path path_text NULL,
        assignees varchar(64) NULL,
        coordinators_note text NULL,
        monitor_unit_id uuid_text NOT NULL REFERENCES unit (id),
        monitor_path path_text NOT NULL,
        time_kind varchar(16) NOT NULL,
        starts_on date_text NULL,
        ends_on date_text NULL,
        recurrence varchar(16) NULL,
        working_days integer NULL,
        trigger_note text NULL,
        trigger_document_id uuid_text NULL REFERENCES document (id),
        triggered_on date_text NULL,
        due_on date_text NULL,
        status varchar(16) NOT NULL,
        percent integer NOT NULL,
        version integer NOT NULL,
        note text NULL,
        cause text NULL,
        responsible_person text NULL,
        explained_due date_text NULL,
        completed_at timestamp_with_timezone_text NULL,
        completed_by varchar(64) NULL,
        return_reason text NULL,
        returned_at timestamp_with_timezone_text NULL,
        accepted_at timestamp_with_timezone_text NULL,
        accepted_by varchar(64) NULL,
        accepted_due date_text NULL,
        successor_of uuid_text NULL REFERENCES task (id),
        created_at timestamp_with_timezone_text NOT NULL,
        created_by varchar(64) NOT NULL,
        updated_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE INDEX ix_task_plan ON task (plan_id, position)",
    "CREATE INDEX ix_task_parent ON task (parent_id)",
    "CREATE INDEX ix_task_lead_path ON task (lead_path)",
    "CREATE INDEX ix_task_recommendation ON task (recommendation_id)",
    "CREATE INDEX ix_task_due ON task (status, due_on)",
    "CREATE TABLE task_coordinator (
        task_id uuid_text NOT NULL REFERENCES task (id),
        unit_id uuid_text NOT NULL REFERENCES unit (id),
        unit_path path_text NOT NULL,
        PRIMARY KEY (task_id, unit_id)
    )",
    "CREATE INDEX ix_task_coordinator_path ON task_coordinator (unit_path)",
    "CREATE TABLE task_update (
        id uuid_text NOT NULL PRIMARY KEY,
        task_id uuid_text NOT NULL REFERENCES task (id),
        kind varchar(16) NOT NULL,
        unit_id uuid_text NOT NULL REFERENCES unit (id),
        status varchar(16) NOT NULL,
        percent integer NULL,
        note text NULL,
        cause text NULL,
        responsible_person text NULL,
        evidence text NOT NULL,
        recorded_by varchar(64) NOT NULL,
        recorded_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE INDEX ix_task_update_task ON task_update (task_id, recorded_at)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::drop_tables(
            manager,
            &["task_update", "task_coordinator", "task", "plan"],
        )
        .await
    }
}
