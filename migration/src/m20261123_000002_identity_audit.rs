//! Users, role grants, login throttling and the hash-chained audit trail.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Unit {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    Username,
    FullName,
    HomeUnitId,
    Kind,
    PasswordHash,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RoleGrant {
    Table,
    Id,
    UserId,
    Role,
    ScopeUnitId,
    GrantedBy,
    GrantedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Username,
    Failures,
    WindowStartedAt,
    LockedUntil,
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    Seq,
    OccurredAt,
    ActorId,
    ActorUsername,
    Role,
    ScopeUnitId,
    Action,
    EntityType,
    EntityId,
    Before,
    After,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

/// The hash that precedes the first event.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AppUser::Table)
                    .col(ColumnDef::new(AppUser::Id).uuid().not_null().primary_key())
                    .col(
                        ColumnDef::new(AppUser::Username)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(AppUser::FullName).string_len(200).not_null())
                    .col(ColumnDef::new(AppUser::HomeUnitId).uuid().not_null())
                    .col(ColumnDef::new(AppUser::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(AppUser::PasswordHash).string_len(255).null())
                    .col(ColumnDef::new(AppUser::Active).boolean().not_null())
                    .col(
                        ColumnDef::new(AppUser::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AppUser::Table, AppUser::HomeUnitId)
                            .to(Unit::Table, Unit::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoleGrant::Table)
                    .col(
                        ColumnDef::new(RoleGrant::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RoleGrant::UserId).uuid().not_null())
                    .col(ColumnDef::new(RoleGrant::Role).string_len(16).not_null())
                    .col(ColumnDef::new(RoleGrant::ScopeUnitId).uuid().not_null())
                    .col(ColumnDef::new(RoleGrant::GrantedBy).uuid().null())
                    .col(
                        ColumnDef::new(RoleGrant::GrantedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RoleGrant::RevokedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoleGrant::Table, RoleGrant::UserId)
                            .to(AppUser::Table, AppUser::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoleGrant::Table, RoleGrant::ScopeUnitId)
                            .to(Unit::Table, Unit::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_role_grant_user")
                    .table(RoleGrant::Table)
                    .col(RoleGrant::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottle::Table)
                    .col(
                        ColumnDef::new(LoginThrottle::Username)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(LoginThrottle::Failures).integer().not_null())
                    .col(
                        ColumnDef::new(LoginThrottle::WindowStartedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LoginThrottle::LockedUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .col(
                        ColumnDef::new(AuditEvent::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AuditEvent::Seq)
                            .big_integer()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(AuditEvent::OccurredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEvent::ActorId).uuid().null())
                    .col(
                        ColumnDef::new(AuditEvent::ActorUsername)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEvent::Role).string_len(16).null())
                    .col(ColumnDef::new(AuditEvent::ScopeUnitId).uuid().null())
                    .col(ColumnDef::new(AuditEvent::Action).string_len(64).not_null())
                    .col(
                        ColumnDef::new(AuditEvent::EntityType)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEvent::EntityId).uuid().not_null())
                    .col(ColumnDef::new(AuditEvent::Before).text().null())
                    .col(ColumnDef::new(AuditEvent::After).text().null())
                    .col(
                        ColumnDef::new(AuditEvent::PrevHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEvent::Hash).string_len(64).not_null())
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_audit_event_entity", AuditEvent::EntityId),
            ("ix_audit_event_actor", AuditEvent::ActorId),
            ("ix_audit_event_scope", AuditEvent::ScopeUnitId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditEvent::Table)
                        .col(col)
                        .col(AuditEvent::Seq)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditHead::Table)
                    .col(
                        ColumnDef::new(AuditHead::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AuditHead::Seq).big_integer().not_null())
                    .col(ColumnDef::new(AuditHead::Hash).string_len(64).not_null())
                    .to_owned(),
            )
            .await?;
        // The chain's head is structure, not data: it must exist before the
        // first event can be appended.
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(AuditHead::Table)
                    .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
                    .values_panic([1.into(), 0i64.into(), GENESIS.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditHead::Table.into_iden(),
            AuditEvent::Table.into_iden(),
            LoginThrottle::Table.into_iden(),
            RoleGrant::Table.into_iden(),
            AppUser::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
