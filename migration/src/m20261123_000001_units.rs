//! The dated unit tree and the lineage between its structures.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Unit {
    Table,
    Id,
    Code,
    Name,
    SearchName,
    Kind,
    AdminType,
    ParentId,
    Path,
    Depth,
    ValidFrom,
    ValidTo,
}

#[derive(DeriveIden)]
enum UnitLineage {
    Table,
    Id,
    PredecessorId,
    SuccessorId,
    Kind,
    EffectiveDate,
    Document,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut path = ColumnDef::new(Unit::Path);
        path.string_len(200).not_null();
        if backend == DatabaseBackend::Postgres {
            // Subtree reads are range scans on `path`; byte order keeps a
            // prefix contiguous whatever the database's default collation.
            path.extra("COLLATE \"C\"");
        }
        manager
            .create_table(
                Table::create()
                    .table(Unit::Table)
                    .col(ColumnDef::new(Unit::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Unit::Code).string_len(32).not_null())
                    .col(ColumnDef::new(Unit::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Unit::SearchName).string_len(200).not_null())
                    .col(ColumnDef::new(Unit::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(Unit::AdminType).string_len(16).not_null())
                    .col(ColumnDef::new(Unit::ParentId).uuid().null())
                    .col(&mut path)
                    .col(ColumnDef::new(Unit::Depth).integer().not_null())
                    .col(ColumnDef::new(Unit::ValidFrom).date().null())
                    .col(ColumnDef::new(Unit::ValidTo).date().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Unit::Table, Unit::ParentId)
                            .to(Unit::Table, Unit::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_unit_parent_code",
                &[Unit::ParentId, Unit::Code, Unit::Id][..],
            ),
            ("ix_unit_path", &[Unit::Path][..]),
            ("ix_unit_code_id", &[Unit::Code, Unit::Id][..]),
            ("ix_unit_kind_code", &[Unit::Kind, Unit::Code, Unit::Id][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Unit::Table);
            for col in cols {
                index.col(*col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        // A code is reused across time (a merged commune may keep a
        // predecessor's code), so it is unique per start of validity. The
        // open start of the legacy structure is folded to one value so that
        // NULLs do not escape the constraint.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_unit_code_valid_from \
                 ON unit (code, kind, COALESCE(valid_from, '0001-01-01'))",
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UnitLineage::Table)
                    .col(
                        ColumnDef::new(UnitLineage::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(UnitLineage::PredecessorId).uuid().not_null())
                    .col(ColumnDef::new(UnitLineage::SuccessorId).uuid().not_null())
                    .col(ColumnDef::new(UnitLineage::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(UnitLineage::EffectiveDate).date().not_null())
                    .col(ColumnDef::new(UnitLineage::Document).string_len(200).null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitLineage::Table, UnitLineage::PredecessorId)
                            .to(Unit::Table, Unit::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitLineage::Table, UnitLineage::SuccessorId)
                            .to(Unit::Table, Unit::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_unit_lineage_edge")
                    .table(UnitLineage::Table)
                    .col(UnitLineage::PredecessorId)
                    .col(UnitLineage::SuccessorId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_unit_lineage_successor")
                    .table(UnitLineage::Table)
                    .col(UnitLineage::SuccessorId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UnitLineage::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Unit::Table).to_owned())
            .await
    }
}
