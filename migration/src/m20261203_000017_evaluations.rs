//! The annual evaluation of every delegated content (đánh giá hằng năm):
//! one round per province and year, one evaluation per mandate and holder
//! unit in force on the round's date, and the province's compiled result.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE TABLE evaluation_round (
        id uuid_text NOT NULL PRIMARY KEY,
        code varchar(64) NOT NULL UNIQUE,
        province_unit_id uuid_text NOT NULL REFERENCES unit (id),
        province_path path_text NOT NULL,
        year integer NOT NULL,
        as_of date_text NOT NULL,
        due_on date_text NOT NULL,
        status varchar(16) NOT NULL,
        opened_at timestamp_with_timezone_text NOT NULL,
        opened_by varchar(64) NOT NULL,
        compiled_at timestamp_with_timezone_text NULL,
        compiled_by varchar(64) NULL,
        assessment text NULL,
        recommendations text NULL,
        tables text NULL,
        accepted_at timestamp_with_timezone_text NULL,
        accepted_by varchar(64) NULL,
        directions text NULL,
        updated_at timestamp_with_timezone_text NOT NULL
    )",
    // One round per province and year: the race of two openings ends here
    // even where the advisory lock does not apply.
    "CREATE UNIQUE INDEX ux_evaluation_round_year ON evaluation_round (province_unit_id, year)",
    "CREATE TABLE evaluation (
        id uuid_text NOT NULL PRIMARY KEY,
        round_id uuid_text NOT NULL REFERENCES evaluation_round (id),
        mandate_id uuid_text NOT NULL REFERENCES mandate (id),
        holder_unit_id uuid_text NOT NULL REFERENCES unit (id),
        holder_path path_text NOT NULL,
        delegator_unit_id uuid_text NOT NULL REFERENCES unit (id),
        delegator_path path_text NOT NULL,
        status varchar(16) NOT NULL,
        version integer NOT NULL,
        result varchar(16) NULL,
        result_text text NULL,
        difficulties text NULL,
        recommendation varchar(16) NULL,
        recommendation_reason text NULL,
        drafted_at timestamp_with_timezone_text NULL,
        drafted_by varchar(64) NULL,
        self_assessed_at timestamp_with_timezone_text NULL,
        self_assessed_by varchar(64) NULL,
        return_reason text NULL,
        returned_at timestamp_with_timezone_text NULL,
        assessment varchar(16) NULL,
        assessment_text text NULL,
        delegator_recommendation varchar(16) NULL,
        assessed_at timestamp_with_timezone_text NULL,
        assessed_by varchar(64) NULL,
        updated_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE UNIQUE INDEX ux_evaluation_holder ON evaluation (round_id, mandate_id, holder_unit_id)",
    "CREATE INDEX ix_evaluation_round_path ON evaluation (round_id, holder_path)",
    "CREATE INDEX ix_evaluation_mandate ON evaluation (mandate_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::drop_tables(manager, &["evaluation", "evaluation_round"]).await
    }
}
