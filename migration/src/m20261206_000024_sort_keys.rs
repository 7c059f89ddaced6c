//! Vietnamese alphabetical order: a sort key beside each name lists are
//! ordered by (a unit's name, a mandate's title, a document's subject),
//! computed by the server's own functions (`entity::collation`)
//! and compared bytewise on both databases (`key_text`: collation "C" on
//! PostgreSQL, SQLite's default BINARY). The rows already stored get
//! theirs here.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A key of a text.
type KeyOf = fn(&str) -> String;

/// The tables given a key, the column each key is computed from, and how.
const KEYED: [(&str, &str, KeyOf); 3] = [
    ("unit", "name", entity::collation::unit_name_key),
    ("mandate", "title", entity::collation::sort_key),
    ("document", "subject", entity::collation::sort_key),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut script = Vec::new();
        for (table, _, _) in KEYED {
            script.push(format!(
                "ALTER TABLE {table} ADD COLUMN name_key key_text NOT NULL DEFAULT ''"
            ));
            script.push(format!(
                "CREATE INDEX ix_{table}_name_key ON {table} (name_key, id)"
            ));
        }
        let script: Vec<&str> = script.iter().map(String::as_str).collect();
        crate::run_script(manager, &script).await?;
        backfill(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, _, _) in KEYED {
            db.execute_unprepared(&format!("DROP INDEX ix_{table}_name_key"))
                .await?;
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN name_key"))
                .await?;
        }
        Ok(())
    }
}

/// Fills the key of every row already stored.
async fn backfill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    for (table, column, key_of) in KEYED {
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT id, {column} FROM {table}"),
            ))
            .await?;
        let sql = match backend {
            DatabaseBackend::Postgres => format!("UPDATE {table} SET name_key = $1 WHERE id = $2"),
            _ => format!("UPDATE {table} SET name_key = ? WHERE id = ?"),
        };
        for row in rows {
            let id: uuid::Uuid = row.try_get("", "id")?;
            let name: String = row.try_get("", column)?;
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                &sql,
                [key_of(&name).into(), id.into()],
            ))
            .await?;
        }
    }
    Ok(())
}
