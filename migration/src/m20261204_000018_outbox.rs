//! The outbox of notices (written in the same transaction as the change
//! they tell of), the webhooks service accounts register, the delivery log
//! of every notice to every webhook and e-mail address, and users' e-mail.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "ALTER TABLE app_user ADD COLUMN email varchar(254) NULL",
    "CREATE TABLE notice (
        id uuid_text NOT NULL PRIMARY KEY,
        topic varchar(32) NOT NULL,
        entity_type varchar(32) NOT NULL,
        entity_id uuid_text NOT NULL,
        unit_id uuid_text NOT NULL REFERENCES unit (id),
        unit_path path_text NOT NULL,
        recipient_user_id uuid_text NULL REFERENCES app_user (id),
        recipient_unit_id uuid_text NULL REFERENCES unit (id),
        recipient_path path_text NULL,
        recipient_role varchar(16) NULL,
        subject varchar(400) NOT NULL,
        body text NOT NULL,
        payload text NOT NULL,
        dedupe_key varchar(200) NULL UNIQUE,
        created_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE INDEX ix_notice_recipient_user ON notice (recipient_user_id, id)",
    "CREATE INDEX ix_notice_recipient_path ON notice (recipient_path, id)",
    "CREATE INDEX ix_notice_created ON notice (created_at)",
    "CREATE TABLE webhook (
        id uuid_text NOT NULL PRIMARY KEY,
        owner_user_id uuid_text NOT NULL REFERENCES app_user (id),
        url varchar(2000) NOT NULL,
        secret varchar(128) NOT NULL,
        topics text NOT NULL,
        active boolean NOT NULL,
        created_at timestamp_with_timezone_text NOT NULL,
        deactivated_at timestamp_with_timezone_text NULL
    )",
    "CREATE INDEX ix_webhook_owner ON webhook (owner_user_id, id)",
    "CREATE TABLE delivery (
        id uuid_text NOT NULL PRIMARY KEY,
        notice_id uuid_text NOT NULL REFERENCES notice (id),
        channel varchar(16) NOT NULL,
        webhook_id uuid_text NULL REFERENCES webhook (id),
        email varchar(254) NULL,
        status varchar(16) NOT NULL,
        attempts integer NOT NULL,
        next_attempt_at timestamp_with_timezone_text NOT NULL,
        claimed_until timestamp_with_timezone_text NULL,
        last_error text NULL,
        last_status_code integer NULL,
        delivered_at timestamp_with_timezone_text NULL,
        created_at timestamp_with_timezone_text NOT NULL
    )",
    "CREATE INDEX ix_delivery_due ON delivery (status, next_attempt_at)",
    "CREATE INDEX ix_delivery_webhook ON delivery (webhook_id, id)",
    "CREATE INDEX ix_delivery_notice ON delivery (notice_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm_migration::sea_orm::ConnectionTrait;
        crate::drop_tables(manager, &["delivery", "webhook", "notice"]).await?;
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE app_user DROP COLUMN email")
            .await?;
        Ok(())
    }
}
