//! `auditEvents`: the trail, for ADMIN and INSPECTOR within their scope.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::audit_event;
use entity::role_grant::Role;

use super::service;
use crate::auth::{RoleGuard, Viewer};
use crate::graphql::ContextExt;
use crate::graphql::{DateTime, Json, NodeKind, decode_id, decode_id_of, encode_id};
use crate::pagination::{Page, PageInfo, PageRequest, page_complexity};

/// One recorded change.
pub struct AuditEvent(audit_event::Model);

/// One recorded change (nhật ký): who did what to which entity, with the
/// entity before and after. The trail is append-only and hash-chained, so
/// tampering is detectable.
#[Object]
impl AuditEvent {
    /// Position in the chain (1, 2, 3 … without gaps).
    async fn seq(&self) -> i64 {
        self.0.seq
    }

    /// When it happened (UTC).
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }

    /// Username of the actor (`cli` for the command line).
    async fn actor_username(&self) -> &str {
        &self.0.actor_username
    }

    /// Global id of the acting user; null for the command line.
    async fn actor(&self) -> Option<ID> {
        self.0.actor_id.map(|id| encode_id(NodeKind::User, id))
    }

    /// The role the change was allowed under, e.g. `ADMIN`; null when no
    /// grant was needed (the command line, your own password).
    async fn role(&self) -> Option<&str> {
        self.0.role.as_deref()
    }

    /// The mutation, e.g. `createUnit`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// Type of the changed entity, e.g. `Unit`.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    /// Global id of the changed entity.
    async fn entity(&self) -> ID {
        let kind = NodeKind::from_type_name(&self.0.entity_type).unwrap_or(NodeKind::Unit);
        encode_id(kind, self.0.entity_id)
    }

    /// The entity before the change (null when it did not exist).
    async fn before(&self) -> Option<Json> {
        self.0
            .before
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .map(Json)
    }

    /// The entity after the change.
    async fn after(&self) -> Option<Json> {
        self.0
            .after
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .map(Json)
    }

    /// SHA-256 of this event and the previous hash, chaining the trail.
    async fn hash(&self) -> &str {
        &self.0.hash
    }
}

/// A page of audit events, newest first.
pub struct AuditEventConnection {
    page: Page<audit_event::Model>,
    viewer: Viewer,
    filter: service::EventFilter,
}

/// A page of audit events, newest first (Relay connection).
#[Object]
impl AuditEventConnection {
    /// The events of this page with their cursors.
    async fn edges(&self) -> Vec<AuditEventEdge> {
        self.page
            .items
            .iter()
            .map(|e| AuditEventEdge {
                cursor: service::cursor(e).encode(),
                node: AuditEvent(e.clone()),
            })
            .collect()
    }

    /// The events of this page.
    async fn nodes(&self) -> Vec<AuditEvent> {
        self.page.items.iter().cloned().map(AuditEvent).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, service::cursor)
    }

    /// How many events match, over all pages (counted when asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let db = ctx.db();
        Ok(service::count(db, &self.viewer, &self.filter).await?)
    }
}

/// An audit event and its cursor.
#[derive(SimpleObject)]
pub struct AuditEventEdge {
    /// Pass as `after` to read older events.
    cursor: String,
    /// The event.
    node: AuditEvent,
}

/// Reads of the audit trail.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Audit events, newest first, about units within the scope of your
    /// ADMIN or INSPECTOR grants, and the national ones that concern no unit
    /// (the holiday calendar, documents of central bodies), which every
    /// ADMIN and INSPECTOR sees; optionally about one entity, by one actor,
    /// or since a time. Pages forward with `first`/`after` (at most 100).
    #[graphql(
        guard = "RoleGuard(&[Role::Admin, Role::Inspector])",
        complexity = "page_complexity(first, None, child_complexity)"
    )]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only events about this entity (any global id).")] entity: Option<ID>,
        #[graphql(desc = "Only events by this user.")] actor: Option<ID>,
        #[graphql(desc = "Only events that occurred at or after this instant.")] since: Option<
            DateTime,
        >,
        #[graphql(desc = "At most this many events (0 to 100; default 20).")] first: Option<i32>,
        #[graphql(
            desc = "Only events older than this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<AuditEventConnection> {
        let viewer = ctx.signed_in()?;
        let page = PageRequest::parse(first, after.as_deref(), None, None)?;
        let filter = service::EventFilter {
            entity: entity
                .map(|id| decode_id(&id).map(|(_, uuid)| uuid))
                .transpose()?,
            actor: actor
                .map(|id| decode_id_of(NodeKind::User, "actor", &id))
                .transpose()?,
            since: since.map(|s| s.0),
        };
        let db = ctx.db();
        let page = service::events(db, viewer, &filter, &page).await?;
        Ok(AuditEventConnection {
            page,
            viewer: viewer.clone(),
            filter,
        })
    }
}
