//! The catalogue of powers (danh mục thẩm quyền): one `matter` per power
//! the law assigns, which mandates reference by code. Every matter code
//! already on a mandate becomes a matter (named after the earliest mandate
//! with that code, of its sector, held by UBND tỉnh), so no mandate is left
//! pointing at nothing; and a mandate may cite the decision that publishes
//! the procedures its delegation changes (LAW.md §7.3 R16).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE TABLE matter (
        id uuid_text NOT NULL PRIMARY KEY,
        code varchar(64) NOT NULL UNIQUE,
        name varchar(500) NOT NULL,
        search_name varchar(500) NOT NULL,
        sector varchar(32) NOT NULL,
        law varchar(500) NOT NULL,
        law_document_id uuid_text NULL REFERENCES document (id),
        holder varchar(24) NOT NULL,
        non_delegable boolean NOT NULL,
        non_delegable_basis varchar(500) NULL,
        autonomy_related boolean NOT NULL,
        procedure_codes varchar(1000) NOT NULL,
        changes_procedure boolean NOT NULL,
        valid_from date_text NULL,
        valid_to date_text NULL
    )",
    "CREATE INDEX ix_matter_sector ON matter (sector, code)",
    // No REFERENCES: SQLite cannot drop a column that has one, and the
    // service checks the document exists before it writes the id.
    "ALTER TABLE mandate ADD COLUMN procedure_publication_id uuid_text NULL",
];

/// `mandate.matter_code` references `matter.code`. PostgreSQL takes the
/// foreign key; SQLite cannot add one to an existing table, so triggers
/// keep the same promise (and the index `ix_mandate_matter` leads with
/// `matter_code`).
const POSTGRES_REFERENCE: &[&str] = &["ALTER TABLE mandate ADD CONSTRAINT fk_mandate_matter
        FOREIGN KEY (matter_code) REFERENCES matter (code)"];

const SQLITE_REFERENCE: &[&str] = &[
    "CREATE TRIGGER tr_mandate_matter_insert BEFORE INSERT ON mandate
        WHEN NOT EXISTS (SELECT 1 FROM matter WHERE code = NEW.matter_code)
        BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: mandate.matter_code'); END",
    "CREATE TRIGGER tr_mandate_matter_update BEFORE UPDATE OF matter_code ON mandate
        WHEN NOT EXISTS (SELECT 1 FROM matter WHERE code = NEW.matter_code)
        BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: mandate.matter_code'); END",
    "CREATE TRIGGER tr_matter_code_update BEFORE UPDATE OF code ON matter
        WHEN OLD.code <> NEW.code AND EXISTS (SELECT 1 FROM mandate WHERE matter_code = OLD.code)
        BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: matter.code'); END",
    "CREATE TRIGGER tr_matter_delete BEFORE DELETE ON matter
        WHEN EXISTS (SELECT 1 FROM mandate WHERE matter_code = OLD.code)
        BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: matter.code'); END",
];

/// Folds text for search as `phancap::text::fold` does: lower case, no
/// diacritics (đ → d).
fn fold(text: &str) -> String {
    const FROM: &str = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
    const TO: &str = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd";
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .chars()
        .map(|c| match FROM.chars().position(|f| f == c) {
            Some(i) => TO.chars().nth(i).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// One matter per distinct `mandate.matter_code`: the name and sector of
/// the earliest mandate with that code (by creation, then id).
async fn catalogue_existing_codes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT matter_code, title, sector FROM mandate ORDER BY created_at, id",
        ))
        .await?;
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        let code: String = row.try_get("", "matter_code")?;
        if !seen.insert(code.clone()) {
            continue;
        }
        let name: String = row.try_get("", "title")?;
        let sector: String = row.try_get("", "sector")?;
        let (p, f) = match backend {
            DatabaseBackend::Postgres => ("$", false),
            _ => ("?", true),
        };
        let marks: Vec<String> = (1..=6)
            .map(|i| if f { p.to_owned() } else { format!("{p}{i}") })
            .collect();
        let sql = format!(
            "INSERT INTO matter (id, code, name, search_name, sector, law, holder,
                non_delegable, autonomy_related, procedure_codes, changes_procedure)
             VALUES ({}, {}, {}, {}, {}, {}, 'UBND_PROVINCE', FALSE, FALSE, '', FALSE)",
            marks[0], marks[1], marks[2], marks[3], marks[4], marks[5]
        );
        let values: Vec<Value> = vec![
            uuid::Uuid::now_v7().into(),
            code.into(),
            name.clone().into(),
            fold(&name).into(),
            sector.into(),
            "Chưa ghi căn cứ (chuyển từ mã việc của nhiệm vụ đã có)".into(),
        ];
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_script(manager, UP).await?;
        catalogue_existing_codes(manager).await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            crate::run_script(manager, POSTGRES_REFERENCE).await
        } else {
            crate::run_script(manager, SQLITE_REFERENCE).await
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        let db = manager.get_connection();
        if postgres {
            db.execute_unprepared("ALTER TABLE mandate DROP CONSTRAINT fk_mandate_matter")
                .await?;
        } else {
            for trigger in [
                "tr_mandate_matter_insert",
                "tr_mandate_matter_update",
                "tr_matter_code_update",
                "tr_matter_delete",
            ] {
                db.execute_unprepared(&format!("DROP TRIGGER {trigger}"))
                    .await?;
            }
        }
        db.execute_unprepared("ALTER TABLE mandate DROP COLUMN procedure_publication_id")
            .await?;
        crate::drop_tables(manager, &["matter"]).await
    }
}
