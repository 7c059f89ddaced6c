//! The way to a decision: proposals (đề xuất) from a unit to the body that
//! drafts, the opinions it gathers, Sở Tư pháp's appraisal (thẩm định) of
//! the draft mandates, and the decision that issues them; each mandate
//! remembers the proposal it came from. A province's delegation policy
//! says whether its authorizations need an appraisal too.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE TABLE proposal (
        id uuid_text NOT NULL PRIMARY KEY,
        kind varchar(16) NOT NULL,
        title varchar(500) NOT NULL,
        proposing_unit_id uuid_text NOT NULL REFERENCES unit (id),
        drafting_unit_id uuid_text NOT NULL REFERENCES unit (id),
        justification text NOT NULL,
        matter_codes text NOT NULL,
        target_unit_ids text NOT NULL,
        concerned_mandate_ids text NOT NULL,
        attachment_ids text NOT NULL,
        legal_basis_id uuid_text NULL REFERENCES document (id),
        legal_basis_article varchar(200) NULL,
        resource_budget_vnd bigint NULL,
        resource_staff integer NULL,
        resource_facilities text NULL,
        resource_none_reason text NULL,
        requires_resolution boolean NOT NULL,
        status varchar(32) NOT NULL,
        version integer NOT NULL,
        evaluation_id uuid_text NULL,
        submission_document_id uuid_text NULL REFERENCES document (id),
        decision_document_id uuid_text NULL REFERENCES document (id),
        decided_on date_text NULL,
        search_text text NOT NULL,
        created_at timestamp_with_timezone_text NOT NULL,
        updated_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE INDEX ix_proposal_proposing ON proposal (proposing_unit_id)",
    "CREATE INDEX ix_proposal_drafting ON proposal (drafting_unit_id)",
    "CREATE INDEX ix_proposal_status ON proposal (status)",
    "CREATE TABLE proposal_event (
        id uuid_text NOT NULL PRIMARY KEY,
        proposal_id uuid_text NOT NULL REFERENCES proposal (id),
        at timestamp_with_timezone_text NOT NULL,
        action varchar(32) NOT NULL,
        from_status varchar(32) NULL,
        to_status varchar(32) NOT NULL,
        actor varchar(64) NULL,
        unit_id uuid_text NULL REFERENCES unit (id),
        reason text NULL
    )",
    "CREATE INDEX ix_proposal_event_proposal ON proposal_event (proposal_id, at)",
    "CREATE TABLE opinion_request (
        id uuid_text NOT NULL PRIMARY KEY,
        proposal_id uuid_text NOT NULL REFERENCES proposal (id),
        body_unit_id uuid_text NOT NULL REFERENCES unit (id),
        requested_at timestamp_with_timezone_text NOT NULL,
        working_days integer NOT NULL,
        due_on date_text NOT NULL,
        answer varchar(32) NULL,
        text text NULL,
        document_id uuid_text NULL REFERENCES document (id),
        answered_at timestamp_with_timezone_text NULL,
        answered_by varchar(64) NULL
    )",
    "CREATE INDEX ix_opinion_request_proposal ON opinion_request (proposal_id)",
    "CREATE INDEX ix_opinion_request_body ON opinion_request (body_unit_id)",
    "CREATE TABLE appraisal (
        id uuid_text NOT NULL PRIMARY KEY,
        proposal_id uuid_text NULL REFERENCES proposal (id),
        report_document_id uuid_text NOT NULL REFERENCES document (id),
        conclusion varchar(32) NOT NULL,
        summary text NULL,
        appraised_at timestamp_with_timezone_text NOT NULL,
        appraised_by varchar(64) NULL
    )",
    "CREATE INDEX ix_appraisal_proposal ON appraisal (proposal_id)",
    "CREATE TABLE appraisal_mandate (
        appraisal_id uuid_text NOT NULL REFERENCES appraisal (id),
        mandate_id uuid_text NOT NULL REFERENCES mandate (id),
        note text NULL,
        amendment boolean NOT NULL,
        PRIMARY KEY (appraisal_id, mandate_id)
    )",
    "CREATE INDEX ix_appraisal_mandate_mandate ON appraisal_mandate (mandate_id)",
    "CREATE TABLE delegation_policy (
        province_unit_id uuid_text NOT NULL PRIMARY KEY REFERENCES unit (id),
        authorizations_need_appraisal boolean NOT NULL,
        updated_at timestamp_with_timezone_text NOT NULL
    )",
    "ALTER TABLE mandate ADD COLUMN proposal_id uuid_text NULL",
    "CREATE INDEX ix_mandate_proposal ON mandate (proposal_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm_migration::sea_orm::ConnectionTrait;
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS ix_mandate_proposal")
            .await?;
        db.execute_unprepared("ALTER TABLE mandate DROP COLUMN proposal_id")
            .await?;
        crate::drop_tables(
            manager,
            &[
                "delegation_policy",
                "appraisal_mandate",
                "appraisal",
                "opinion_request",
                "proposal_event",
                "proposal",
            ],
        )
        .await
    }
}
