//! Legal documents, mandates and their assignments.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE TABLE document (
        id uuid_text NOT NULL PRIMARY KEY,
        number varchar(100) NOT NULL,
        doc_type varchar(16) NOT NULL,
        normative boolean NOT NULL,
        issuer_unit_id uuid_text NULL REFERENCES unit (id),
        issuer_name varchar(200) NOT NULL,
        signer varchar(200) NULL,
        signer_capacity varchar(8) NULL,
        issued_date date_text NOT NULL,
        effective_from date_text NOT NULL,
        effective_to date_text NULL,
        created_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE UNIQUE INDEX ux_document_number_issuer ON document (number, issuer_name)",
    "CREATE TABLE mandate (
        id uuid_text NOT NULL PRIMARY KEY,
        code varchar(64) NOT NULL UNIQUE,
        title varchar(500) NOT NULL,
        sector varchar(32) NOT NULL,
        matter_code varchar(64) NOT NULL,
        kind varchar(20) NOT NULL,
        delegator_unit_id uuid_text NOT NULL REFERENCES unit (id),
        delegator_capacity varchar(16) NOT NULL,
        legal_basis_id uuid_text NULL REFERENCES document (id),
        legal_basis_article varchar(200) NULL,
        conditions text NULL,
        resource_budget_vnd bigint NULL,
        resource_staff integer NULL,
        resource_facilities text NULL,
        resource_none_reason text NULL,
        effective_from date_text NOT NULL,
        effective_to date_text NULL,
        allow_onward boolean NOT NULL,
        parent_mandate_id uuid_text NULL REFERENCES mandate (id),
        state varchar(16) NOT NULL,
        superseded_by_id uuid_text NULL REFERENCES mandate (id),
        ended_document_id uuid_text NULL REFERENCES document (id),
        created_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE INDEX ix_mandate_delegator ON mandate (delegator_unit_id, state)",
    "CREATE INDEX ix_mandate_matter ON mandate (matter_code, state)",
    "CREATE INDEX ix_mandate_parent ON mandate (parent_mandate_id)",
    "CREATE TABLE mandate_assignment (
        id uuid_text NOT NULL PRIMARY KEY,
        mandate_id uuid_text NOT NULL REFERENCES mandate (id),
        delegatee_unit_id uuid_text NOT NULL REFERENCES unit (id),
        valid_from date_text NOT NULL,
        valid_to date_text NULL,
        transferred boolean NOT NULL,
        successor_of uuid_text NULL REFERENCES mandate_assignment (id),
        transfer_document_id uuid_text NULL REFERENCES document (id)
    )",
    "CREATE INDEX ix_assignment_mandate ON mandate_assignment (mandate_id)",
    "CREATE INDEX ix_assignment_delegatee ON mandate_assignment (delegatee_unit_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::drop_tables(manager, &["mandate_assignment", "mandate", "document"]).await
    }
}
