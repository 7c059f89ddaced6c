//! When a report item appeared and when it was closed: items follow the
//! mandates while a period is open, so an item may be added to a report
//! already submitted (`created_at` after its submission) or closed when
//! its mandate no longer applies to the window (`closed_at`). Items made
//! before this migration were made when their period opened, or by a later
//! save: they are dated by the opening.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    // SQLite adds a NOT NULL column only with a default; every row gets
    // its value just below and every insert gives one.
    "ALTER TABLE report_item ADD COLUMN created_at timestamp_with_timezone_text NOT NULL DEFAULT '2000-01-01 00:00:00+00:00'",
    "UPDATE report_item SET created_at = (SELECT p.opened_at FROM report r JOIN reporting_period p ON p.id = r.period_id WHERE r.id = report_item.report_id)",
    "ALTER TABLE report_item ADD COLUMN closed_at timestamp_with_timezone_text NULL",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm_migration::sea_orm::ConnectionTrait;
        for column in ["closed_at", "created_at"] {
            manager
                .get_connection()
                .execute_unprepared(&format!("ALTER TABLE report_item DROP COLUMN {column}"))
                .await?;
        }
        Ok(())
    }
}
