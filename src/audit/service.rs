//! Appending to and verifying the hash chain.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use entity::role_grant::Role;
use entity::unit;
use entity::{audit_event, audit_head};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::pagination::{Cursor, Page, PageRequest};
use crate::units::service::subtree_of;
use serde_json::{Value, json};
use uuid::Uuid;

/// Who did something, and under which role.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub username: String,
    pub role: Option<Role>,
}

impl Actor {
    /// The command line, run by whoever operates the server.
    pub fn cli() -> Self {
        Actor {
            user_id: None,
            username: "cli".into(),
            role: None,
        }
    }
}

/// One change to record.
pub struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Uuid,
    /// The unit the change concerns, which scopes who may read the event.
    pub scope_unit_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends one event after the chain's head. Call it inside the
/// transaction of the change it records: the head's row lock serialises
/// concurrent writers, and a rollback takes the event with it.
pub async fn record(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    change: Change<'_>,
) -> Result<audit_event::Model, DbErr> {
    audit_head::Entity::update_many()
        .col_expr(
            audit_head::Column::Seq,
            Expr::col(audit_head::Column::Seq).add(1),
        )
        .filter(audit_head::Column::Id.eq(1))
        .exec(txn)
        .await?;
    let head = audit_head::Entity::find_by_id(1)
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    let mut event = audit_event::Model {
        id: Uuid::now_v7(),
        seq: head.seq,
        // Stored to the microsecond on both databases; the hash must be
        // computed over what will be read back.
        occurred_at: Utc::now().trunc_subsecs(6),
        actor_id: actor.user_id,
        actor_username: actor.username.clone(),
        role: actor.role.map(|r| role_name(r).to_owned()),
        scope_unit_id: change.scope_unit_id,
        action: change.action.to_owned(),
        entity_type: change.entity_type.to_owned(),
        entity_id: change.entity_id,
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
        prev_hash: head.hash.clone(),
        hash: String::new(),
    };
    event.hash = hash_of(&event);
    let mut head = head.into_active_model();
    head.hash = Set(event.hash.clone());
    head.update(txn).await?;
    event.clone().into_active_model().insert(txn).await?;
    Ok(event)
}

/// The name a role is stored under.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Viewer => "VIEWER",
        Role::Reporter => "REPORTER",
        Role::Reviewer => "REVIEWER",
        Role::Approver => "APPROVER",
        Role::Coordinator => "COORDINATOR",
        Role::LegalReviewer => "LEGAL_REVIEWER",
        Role::Inspector => "INSPECTOR",
        Role::Admin => "ADMIN",
    }
}

fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// SHA-256 (hex) of every field but the hash itself, as a JSON array.
fn hash_of(e: &audit_event::Model) -> String {
    let canonical = json!([
        e.seq,
        timestamp(&e.occurred_at),
        e.actor_id,
        e.actor_username,
        e.role,
        e.scope_unit_id,
        e.action,
        e.entity_type,
        e.entity_id,
        e.before,
        e.after,
        e.prev_hash,
    ]);
    crate::text::sha256_hex(canonical.to_string().as_bytes())
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at event #{seq}: {reason}")]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

/// Walks the chain from the first event; returns how many events it holds
/// or the first broken link. Fails on a missing, edited or reordered event
/// and on a tail cut off behind the head.
pub async fn verify(db: &impl ConnectionTrait) -> Result<Result<i64, BrokenLink>, DbErr> {
    const PAGE: u64 = 1000;
    let mut expected_seq = 1;
    let mut prev_hash = audit_head_genesis();
    loop {
        let events = audit_event::Entity::find()
            .filter(audit_event::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_event::Column::Seq)
            .limit(PAGE)
            .all(db)
            .await?;
        let done = (events.len() as u64) < PAGE;
        for event in events {
            let broken = |reason: String| {
                Ok(Err(BrokenLink {
                    seq: event.seq,
                    reason,
                }))
            };
            if event.seq != expected_seq {
                return Ok(Err(BrokenLink {
                    seq: expected_seq,
                    reason: format!("event #{expected_seq} is missing"),
                }));
            }
            if event.prev_hash != prev_hash {
                return broken("it does not follow the previous event's hash".into());
            }
            if hash_of(&event) != event.hash {
                return broken("its content does not match its hash (edited)".into());
            }
            prev_hash = event.hash;
            expected_seq += 1;
        }
        if done {
            break;
        }
    }
    let head = audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    if head.seq != expected_seq - 1 || head.hash != prev_hash {
        return Ok(Err(BrokenLink {
            seq: expected_seq,
            reason: format!(
                "the chain ends at #{} but its head records #{}",
                expected_seq - 1,
                head.seq
            ),
        }));
    }
    Ok(Ok(expected_seq - 1))
}

fn audit_head_genesis() -> String {
    "0".repeat(64)
}
/// What `auditEvents` is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Events about this entity.
    pub entity: Option<Uuid>,
    /// Events by this user.
    pub actor: Option<Uuid>,
    /// Events at or after this instant.
    pub since: Option<DateTime<Utc>>,
}

/// The cursor events are paged by: their place in the chain.
pub fn cursor(event: &audit_event::Model) -> Cursor {
    Cursor::new(format!("{:020}", event.seq), event.id)
}

/// The events `viewer` may read that match `filter`: those about units
/// within their ADMIN or INSPECTOR grants, and the national ones that
/// concern no unit (the calendar is changed by any ADMIN, and central
/// bodies' documents concern every province).
fn events_condition(viewer: &Viewer, filter: &EventFilter) -> Condition {
    let mut scope = Condition::any().add(audit_event::Column::ScopeUnitId.is_null());
    for unit in viewer.scopes(&[Role::Admin, Role::Inspector]) {
        scope = scope.add(
            audit_event::Column::ScopeUnitId.in_subquery(
                Query::select()
                    .column(unit::Column::Id)
                    .from(unit::Entity)
                    .cond_where(subtree_of(&unit.path))
                    .to_owned(),
            ),
        );
    }
    let mut cond = Condition::all().add(scope);
    if let Some(entity) = filter.entity {
        cond = cond.add(audit_event::Column::EntityId.eq(entity));
    }
    if let Some(actor) = filter.actor {
        cond = cond.add(audit_event::Column::ActorId.eq(actor));
    }
    if let Some(since) = filter.since {
        cond = cond.add(audit_event::Column::OccurredAt.gte(since));
    }
    cond
}

/// One page of the events `viewer` may read, newest first.
pub async fn events(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &EventFilter,
    page: &PageRequest,
) -> AppResult<Page<audit_event::Model>> {
    let mut query = audit_event::Entity::find().filter(events_condition(viewer, filter));
    if let Some(after) = &page.after {
        let seq: i64 = after
            .key
            .parse()
            .map_err(|_| AppError::invalid("`after` is not a valid cursor"))?;
        query = query.filter(audit_event::Column::Seq.lt(seq));
    }
    let rows = query
        .order_by_desc(audit_event::Column::Seq)
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Page::from_probe(rows, page))
}

/// How many events `viewer` may read match `filter`.
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &EventFilter,
) -> AppResult<u64> {
    Ok(audit_event::Entity::find()
        .filter(events_condition(viewer, filter))
        .count(db)
        .await?)
}
