//! The change feed: a `change` row for every insert, update and delete of
//! a table behind a GraphQL node, written by database triggers so that
//! every path (mutations, the unit import, the demo, sweeps, workers)
//! reaches it. Child tables (report figures, task updates, inspection
//! members, lineage edges…) record an UPDATED change of their parent.
//!
//! Commit order. On PostgreSQL a row's `seq` is NULL until its transaction
//! commits: a deferred constraint trigger takes one advisory lock and
//! numbers the transaction's rows from `change_seq` at commit, so seq order
//! is commit order and a reader that sees seq N also sees every seq below
//! it. On SQLite writers are serialised and `seq` is the AUTOINCREMENT id.
//! Names stay unqualified: the tests run each database in its own schema.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A table behind a GraphQL node.
struct NodeTable {
    table: &'static str,
    type_name: &'static str,
    /// The column naming the unit the row belongs to, if one is cheap, or
    /// an SQL expression over `{row}` (the row, `NEW` or `OLD`).
    scope: Option<&'static str>,
    /// When an update ends the entity (an SQL condition over OLD and NEW).
    ended: Option<&'static str>,
}

/// A table whose rows belong to a node and change what it shows.
struct ChildTable {
    table: &'static str,
    parent_type: &'static str,
    parent_column: &'static str,
}

const fn node(
    table: &'static str,
    type_name: &'static str,
    scope: Option<&'static str>,
    ended: Option<&'static str>,
) -> NodeTable {
    NodeTable {
        table,
        type_name,
        scope,
        ended,
    }
}

const fn child(
    table: &'static str,
    parent_type: &'static str,
    parent_column: &'static str,
) -> ChildTable {
    ChildTable {
        table,
        parent_type,
        parent_column,
    }
}

/// Every node table; the type names are those of `NodeKind`.
const NODES: &[NodeTable] = &[
    node(
        "unit",
        "Unit",
        Some("id"),
        Some("OLD.valid_to IS NULL AND NEW.valid_to IS NOT NULL"),
    ),
    node(
        "app_user",
        "User",
        Some("home_unit_id"),
        Some("OLD.active AND NOT NEW.active"),
    ),
    node(
        "role_grant",
        "RoleGrant",
        Some("scope_unit_id"),
        Some("OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL"),
    ),
    node(
        "document",
        "Document",
        Some("issuer_unit_id"),
        Some("OLD.effective_to IS NULL AND NEW.effective_to IS NOT NULL"),
    ),
    node(
        "mandate",
        "Mandate",
        Some("delegator_unit_id"),
        Some("OLD.state <> NEW.state AND NEW.state IN ('REVOKED', 'SUPERSEDED')"),
    ),
    // Assignments are deleted only from drafts, which only the
    // delegator's side reads: a deletion is scoped to the delegator, not
    // to the unit the draft named.
    node(
        "mandate_assignment",
        "MandateAssignment",
        Some("(SELECT m.delegator_unit_id FROM mandate m WHERE m.id = {row}.mandate_id)"),
        Some("OLD.valid_to IS NULL AND NEW.valid_to IS NOT NULL"),
    ),
    node(
        "reporting_regime",
        "Regime",
        Some("recipient_unit_id"),
        None,
    ),
    node("reporting_period", "ReportingPeriod", None, None),
    node("report", "Report", Some("reporter_unit_id"), None),
    node(
        "proposal",
        "Proposal",
        Some("proposing_unit_id"),
        Some("OLD.status <> NEW.status AND NEW.status IN ('REJECTED', 'WITHDRAWN')"),
    ),
    node(
        "opinion_request",
        "OpinionRequest",
        Some("body_unit_id"),
        None,
    ),
    node(
        "evaluation_round",
        "EvaluationRound",
        Some("province_unit_id"),
        None,
    ),
    node("evaluation", "Evaluation", Some("holder_unit_id"), None),
    node("plan", "Plan", Some("issuer_unit_id"), None),
    node("task", "Task", Some("monitor_unit_id"), None),
    node("notice", "Notice", Some("unit_id"), None),
    node(
        "webhook",
        "Webhook",
        None,
        Some("OLD.active AND NOT NEW.active"),
    ),
    node("delivery", "WebhookDelivery", None, None),
    node(
        "inspection",
        "Inspection",
        Some("inspecting_unit_id"),
        Some("OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL"),
    ),
    node(
        "inspection_finding",
        "InspectionFinding",
        Some("unit_id"),
        None,
    ),
    node(
        "inspection_recommendation",
        "InspectionRecommendation",
        Some("owner_unit_id"),
        Some("OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL"),
    ),
];

/// Child tables: a change of one of their rows is an UPDATED change of
/// the parent.
const CHILDREN: &[ChildTable] = &[
    child("unit_lineage", "Unit", "predecessor_id"),
    child("unit_lineage", "Unit", "successor_id"),
    child("role_grant", "User", "user_id"),
    child("attachment", "Document", "document_id"),
    child("document_link", "Document", "from_document_id"),
    child("regime_indicator", "Regime", "regime_id"),
    child("regime_rule", "Regime", "regime_id"),
    child("report_value", "Report", "report_id"),
    child("report_item", "Report", "report_id"),
    child("report_signature", "Report", "report_id"),
    child("compilation", "Report", "report_id"),
    child("compilation_source", "Report", "compiled_report_id"),
    child("proposal_event", "Proposal", "proposal_id"),
    child("appraisal", "Proposal", "proposal_id"),
    child("task_update", "Task", "task_id"),
    child("task_coordinator", "Task", "task_id"),
    child("inspection_member", "Inspection", "inspection_id"),
    child("inspection_unit", "Inspection", "inspection_id"),
    child("inspection_mandate", "Inspection", "inspection_id"),
];

/// The advisory lock that orders commits of changes (any constant; it
/// only has to be the same for every writer).
const COMMIT_LOCK: i64 = 7_216_031_601;

const SQLITE_NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
const PG_NOW: &str = "clock_timestamp()";

/// The INSERT of one change row taken from `row` (`NEW` or `OLD`); `op`
/// is an SQL expression. Rows whose entity column is NULL write nothing.
fn insert_change(type_name: &str, id: &str, op: &str, scope: Option<&str>, now: &str) -> String {
    let scope = scope.unwrap_or("NULL");
    format!(
        "INSERT INTO change (entity_type, entity_id, op, scope_unit_id, at) \
         SELECT '{type_name}', {id}, {op}, {scope}, {now} WHERE {id} IS NOT NULL;"
    )
}

/// A node's scope read from `row`: `row.column`, or the expression with
/// `{row}` replaced.
fn scope_of(scope: &str, row: &str) -> String {
    if scope.contains("{row}") {
        scope.replace("{row}", row)
    } else {
        format!("{row}.{scope}")
    }
}

/// The three statements (insert, update, delete) a row change writes, for
/// one node or child table.
fn statements(
    type_name: &str,
    id_column: &str,
    scope: Option<&str>,
    ended: Option<&str>,
    now: &str,
    child: bool,
) -> [String; 3] {
    let scoped = |row: &str| scope.map(|s| scope_of(s, row));
    let update_op = match ended {
        Some(cond) => format!("CASE WHEN {cond} THEN 'ENDED' ELSE 'UPDATED' END"),
        None => "'UPDATED'".into(),
    };
    let (insert_op, delete_op) = if child {
        ("'UPDATED'".to_string(), "'UPDATED'".to_string())
    } else {
        ("'CREATED'".to_string(), "'DELETED'".to_string())
    };
    [
        insert_change(
            type_name,
            &format!("NEW.{id_column}"),
            &insert_op,
            scoped("NEW").as_deref(),
            now,
        ),
        insert_change(
            type_name,
            &format!("NEW.{id_column}"),
            &update_op,
            scoped("NEW").as_deref(),
            now,
        ),
        insert_change(
            type_name,
            &format!("OLD.{id_column}"),
            &delete_op,
            scoped("OLD").as_deref(),
            now,
        ),
    ]
}

/// Every (trigger name, table, statements) the feed needs.
fn specs(now: &str) -> Vec<(String, &'static str, [String; 3])> {
    let mut out = Vec::new();
    for n in NODES {
        out.push((
            format!("change_{}", n.table),
            n.table,
            statements(n.type_name, "id", n.scope, n.ended, now, false),
        ));
    }
    for c in CHILDREN {
        out.push((
            format!("change_{}_{}", c.table, c.parent_column),
            c.table,
            statements(c.parent_type, c.parent_column, None, None, now, true),
        ));
    }
    out
}

fn sqlite_up() -> Vec<String> {
    let mut sql = vec![
        "CREATE TABLE change (
            id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
            seq integer NULL,
            entity_type varchar(40) NOT NULL,
            entity_id uuid_text NOT NULL,
            op varchar(8) NOT NULL,
            scope_unit_id uuid_text NULL,
            at timestamp_with_timezone_text NOT NULL
        )"
        .to_string(),
        "CREATE UNIQUE INDEX ix_change_seq ON change (seq)".into(),
        "CREATE INDEX ix_change_entity ON change (entity_id, at)".into(),
        // Writers are serialised: the commit order is the id order.
        "CREATE TRIGGER change_seq AFTER INSERT ON change BEGIN
            UPDATE change SET seq = NEW.id WHERE id = NEW.id;
         END"
        .into(),
    ];
    sql.extend(backfill(SQLITE_NOW));
    for (name, table, [ins, upd, del]) in specs(SQLITE_NOW) {
        sql.push(format!(
            "CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {ins} END"
        ));
        sql.push(format!(
            "CREATE TRIGGER {name}_update AFTER UPDATE ON {table} BEGIN {upd} END"
        ));
        sql.push(format!(
            "CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {del} END"
        ));
    }
    sql
}

fn postgres_up() -> Vec<String> {
    let mut sql = vec![
        "CREATE SEQUENCE change_seq".to_string(),
        "CREATE TABLE change (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            seq bigint NULL,
            entity_type varchar(40) NOT NULL,
            entity_id uuid NOT NULL,
            op varchar(8) NOT NULL,
            scope_unit_id uuid NULL,
            at timestamptz NOT NULL
        )"
        .into(),
        "CREATE UNIQUE INDEX ix_change_seq ON change (seq)".into(),
        "CREATE INDEX ix_change_entity ON change (entity_id, at)".into(),
        // Rows not yet numbered: only the writing transaction's own ones
        // are visible to it, so this stays as small as the open writes.
        "CREATE INDEX ix_change_unnumbered ON change (id) WHERE seq IS NULL".into(),
        // Fired at commit for each row; the first firing numbers all of
        // the transaction's rows under the lock, held until the commit
        // ends: seq order is commit order.
        format!(
            "CREATE FUNCTION change_number() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF EXISTS (SELECT 1 FROM change WHERE id = NEW.id AND seq IS NULL) THEN
                     PERFORM pg_advisory_xact_lock({COMMIT_LOCK});
                     UPDATE change c SET seq = n.seq, at = clock_timestamp()
                     FROM (SELECT o.id, nextval('change_seq') AS seq
                           FROM (SELECT id FROM change WHERE seq IS NULL ORDER BY id) o) n
                     WHERE c.id = n.id;
                 END IF;
                 RETURN NULL;
             END $$"
        ),
        "CREATE CONSTRAINT TRIGGER change_number AFTER INSERT ON change
             DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_number()"
            .into(),
    ];
    sql.extend(backfill(PG_NOW));
    for (name, table, [ins, upd, del]) in specs(PG_NOW) {
        sql.push(format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF TG_OP = 'INSERT' THEN {ins}
                 ELSIF TG_OP = 'UPDATE' THEN {upd}
                 ELSE {del}
                 END IF;
                 RETURN NULL;
             END $$"
        ));
        sql.push(format!(
            "CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table}
                 FOR EACH ROW EXECUTE FUNCTION {name}()"
        ));
    }
    sql
}

/// A CREATED change for every row already there, so that every node has
/// an `updatedAt` from the start.
fn backfill(now: &str) -> Vec<String> {
    NODES
        .iter()
        .map(|n| {
            let scope = n.scope.map_or("NULL".into(), |s| scope_of(s, n.table));
            format!(
                "INSERT INTO change (entity_type, entity_id, op, scope_unit_id, at) \
                 SELECT '{}', id, 'CREATED', {scope}, {now} FROM {} ORDER BY id",
                n.type_name, n.table
            )
        })
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let script = match manager.get_database_backend() {
            DatabaseBackend::Postgres => postgres_up(),
            _ => sqlite_up(),
        };
        let script: Vec<&str> = script.iter().map(String::as_str).collect();
        crate::run_script(manager, &script).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        for (name, table, _) in specs("") {
            if postgres {
                db.execute_unprepared(&format!("DROP TRIGGER {name} ON {table}"))
                    .await?;
                db.execute_unprepared(&format!("DROP FUNCTION {name}()"))
                    .await?;
            } else {
                for event in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER {name}_{event}"))
                        .await?;
                }
            }
        }
        db.execute_unprepared("DROP TABLE change").await?;
        if postgres {
            db.execute_unprepared("DROP FUNCTION change_number()")
                .await?;
            db.execute_unprepared("DROP SEQUENCE change_seq").await?;
        }
        Ok(())
    }
}
