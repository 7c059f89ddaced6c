//! Who receives a power in each delegatee unit: the body or its head.
//! Ủy quyền goes to a head (Giám đốc Sở, Chủ tịch UBND) in almost every
//! case of Luật 72/2025 Điều 14 k1, so existing authorizations are taken to
//! name heads; every other mandate names the body.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "ALTER TABLE mandate ADD COLUMN delegatee_capacity varchar(16) NOT NULL DEFAULT 'COLLECTIVE'",
    "UPDATE mandate SET delegatee_capacity = 'HEAD' WHERE kind = 'AUTHORIZATION'",
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
            .execute_unprepared("ALTER TABLE mandate DROP COLUMN delegatee_capacity")
            .await?;
        Ok(())
    }
}
