//! Which sở holds a power the law gives "a sở": by its abbreviation.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &["ALTER TABLE matter ADD COLUMN holder_department varchar(16) NULL"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm_migration::sea_orm::ConnectionTrait;
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE matter DROP COLUMN holder_department")
            .await?;
        Ok(())
    }
}
