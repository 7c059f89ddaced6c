//! The `changes` query: the change feed a client (another agency's system,
//! a service account) polls to mirror what it may read.

use std::collections::HashMap;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::change::{self, ChangeOp};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::graphql::{ContextExt, DateTime, NodeKind, encode_id};
use crate::schema::{Node, resolve_node};

/// Page size of `changes` when `first` is not given.
pub const DEFAULT_CHANGES: i32 = 50;
/// Largest `first` of `changes`.
pub const MAX_CHANGES: i32 = 100;
/// How many rows one call scans per change asked for: invisible changes
/// are skipped, and the scan stops there so that a call stays bounded.
pub const SCAN_FACTOR: u64 = 10;

/// What happened to an entity.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::change::ChangeOp")]
pub enum ChangeKind {
    /// The entity was created.
    Created,
    /// The entity, or something belonging to it (a report's figures, a
    /// task's updates, a user's grants…), changed.
    Updated,
    /// The entity ended: a unit dissolved, a mandate revoked or
    /// superseded, a user deactivated, a grant revoked, an inspection or
    /// recommendation closed, a proposal rejected or withdrawn.
    Ended,
    /// The entity was deleted.
    Deleted,
}

crate::labels!(ChangeKind {
    Created => "Tạo mới",
    Updated => "Cập nhật",
    Ended => "Kết thúc",
    Deleted => "Xóa",
});

/// One change of the feed.
#[derive(SimpleObject)]
pub struct Change {
    /// The position just after this change; pass it as `after` to resume
    /// from here.
    pub cursor: String,
    /// What happened.
    pub kind: ChangeKind,
    /// The GraphQL type of the entity.
    #[graphql(name = "type")]
    pub node_type: NodeKind,
    /// The entity's global id.
    pub id: ID,
    /// When the change was committed.
    pub at: DateTime,
    /// The entity as it is now (not as it was at the change): null when it
    /// was deleted.
    pub node: Option<Node>,
}

/// A page of the change feed.
#[derive(SimpleObject)]
pub struct ChangePage {
    /// The changes, in commit order; several changes of one entity within
    /// the page are given once, at its last change.
    pub items: Vec<Change>,
    /// Where this page stopped: pass it as `after` for the next page. It
    /// moves past changes the caller may not see, so it can advance on a
    /// page with no items.
    pub end_cursor: String,
    /// True when more changes were already committed after `endCursor`.
    pub has_more: bool,
}

/// The change-feed query.
#[derive(Default)]
pub struct FeedQuery;

#[Object]
impl FeedQuery {
    /// The changes committed after `after`, in commit order: every entity
    /// behind a node that was created, updated, ended or deleted, by any
    /// path (mutations, the unit import, sweeps). The same visibility as
    /// `node(id)`: changes of entities the caller may not read are skipped.
    /// Delivery is at least once; clients re-fetch `node` (or keep the one
    /// given) and resume from `endCursor`. Needs a token.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A cursor from an earlier page (`endCursor` or an item's `cursor`); from the start when absent."
        )]
        after: Option<String>,
        #[graphql(desc = "How many changes, 0 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Only changes of these types; all when absent or empty.")] types: Option<
            Vec<NodeKind>,
        >,
    ) -> async_graphql::Result<ChangePage> {
        Ok(changes(ctx, after.as_deref(), first, types.unwrap_or_default()).await?)
    }
}

/// Whether and how a changed entity shows in the caller's feed.
enum Seen {
    Visible(Option<Box<Node>>),
    /// Only its ENDED changes, without the node (see [`see`]).
    Ended,
    Hidden,
}

async fn changes(
    ctx: &Context<'_>,
    after: Option<&str>,
    first: Option<i32>,
    types: Vec<NodeKind>,
) -> AppResult<ChangePage> {
    let viewer = ctx.signed_in()?;
    let first = first.unwrap_or(DEFAULT_CHANGES);
    if !(0..=MAX_CHANGES).contains(&first) {
        return Err(AppError::invalid(format!(
            "`first` must be between 0 and {MAX_CHANGES}, got {first}"
        )));
    }
    let start = match after {
        Some(cursor) => super::service::decode_cursor(cursor)?,
        None => 0,
    };
    // A position past the last change was never given out: forged, or
    // kept from before the database was restored from an older backup
    // (its reader must start again, not wait for positions it skipped).
    if start > 0 && start > super::service::head(ctx.db()).await? {
        return Err(AppError::invalid(
            "`after` is past the feed's last change: it was not given by this server's feed (after a restore, sync again from the start)",
        ));
    }
    let first = first as usize;
    if first == 0 {
        return Ok(ChangePage {
            items: Vec::new(),
            end_cursor: super::service::encode_cursor(start),
            has_more: !super::service::after(ctx.db(), start, &type_names(&types), 1)
                .await?
                .is_empty(),
        });
    }
    let scan = first as u64 * SCAN_FACTOR;
    let mut rows = super::service::after(ctx.db(), start, &type_names(&types), scan + 1).await?;
    let more_rows = rows.len() as u64 > scan;
    rows.truncate(scan as usize);

    // Resolve every distinct entity of the scan at once, so that the
    // DataLoaders batch them (a bounded number per call).
    // One pass: each entity once, in order, with the scope of its last
    // change and whether one of its changes ended it.
    struct Entity {
        kind: NodeKind,
        id: Uuid,
        scope: Option<Uuid>,
        ended: bool,
    }
    let mut distinct: Vec<Entity> = Vec::new();
    let mut index: HashMap<Uuid, usize> = HashMap::new();
    for row in &rows {
        let Some(kind) = NodeKind::from_type_name(&row.entity_type) else {
            continue;
        };
        let at = *index.entry(row.entity_id).or_insert_with(|| {
            distinct.push(Entity {
                kind,
                id: row.entity_id,
                scope: None,
                ended: false,
            });
            distinct.len() - 1
        });
        distinct[at].scope = row.scope_unit_id;
        distinct[at].ended |= row.op == ChangeOp::Ended;
    }
    let mut seen = futures_util::future::join_all(distinct.iter().map(|e| async move {
        let seen = see(ctx, viewer, e.kind, e.id, e.scope, e.ended).await?;
        Ok::<_, AppError>((e.id, seen))
    }))
    .await
    .into_iter()
    .collect::<AppResult<HashMap<Uuid, Seen>>>()?;

    // Walk in commit order; an entity seen again moves to its later change.
    let mut items: Vec<(change::Model, NodeKind)> = Vec::new();
    let mut end = start;
    let mut stopped_early = false;
    for row in rows {
        let Some(kind) = NodeKind::from_type_name(&row.entity_type) else {
            end = row.seq.unwrap_or(end);
            continue;
        };
        let visible = match seen.get(&row.entity_id) {
            Some(Seen::Visible(_)) => true,
            Some(Seen::Ended) => row.op == ChangeOp::Ended,
            _ => false,
        };
        if visible {
            let already = items.iter().position(|(r, _)| r.entity_id == row.entity_id);
            if already.is_none() && items.len() == first {
                stopped_early = true;
                break;
            }
            if let Some(i) = already {
                items.remove(i);
            }
            end = row.seq.unwrap_or(end);
            items.push((row, kind));
        } else {
            end = row.seq.unwrap_or(end);
        }
    }
    let items = items
        .into_iter()
        .map(|(row, kind)| {
            let node = match seen.remove(&row.entity_id) {
                Some(Seen::Visible(node)) => node.map(|n| *n),
                _ => None,
            };
            Change {
                cursor: super::service::encode_cursor(row.seq.unwrap_or(start)),
                kind: row.op.into(),
                node_type: kind,
                id: encode_id(kind, row.entity_id),
                at: DateTime(row.at),
                node: if row.op == ChangeOp::Deleted {
                    None
                } else {
                    node
                },
            }
        })
        .collect();
    Ok(ChangePage {
        items,
        end_cursor: super::service::encode_cursor(end),
        has_more: stopped_early || more_rows,
    })
}

fn type_names(types: &[NodeKind]) -> Vec<&'static str> {
    types.iter().map(|k| k.type_name()).collect()
}

/// Whether the caller may see a change of entity `id`: exactly when
/// `node(id)` would give it. An entity that no longer exists is seen when
/// the unit its last change named is within one of the caller's grants.
/// The ENDED changes of a mandate (or of one of its assignments) are seen
/// by everyone, without the node: while in force every caller could read
/// it, and a copy kept by the feed must learn that it ended although only
/// the delegator's side may read it now.
async fn see(
    ctx: &Context<'_>,
    viewer: &crate::auth::Viewer,
    kind: NodeKind,
    id: Uuid,
    scope: Option<Uuid>,
    ended: bool,
) -> AppResult<Seen> {
    match resolve_node(ctx, &encode_id(kind, id)).await {
        Ok(Some(node)) => Ok(Seen::Visible(Some(Box::new(node)))),
        Err(AppError::Forbidden)
            if ended && matches!(kind, NodeKind::Mandate | NodeKind::MandateAssignment) =>
        {
            Ok(Seen::Ended)
        }
        Ok(None) | Err(AppError::NotFound(_)) => {
            let Some(scope) = scope else {
                return Ok(Seen::Hidden);
            };
            let unit = ctx
                .per_request::<crate::units::loaders::UnitLoaders>()
                .by_id
                .load_one(scope)
                .await?;
            Ok(match unit {
                Some(unit) if viewer.covers(&unit) => Seen::Visible(None),
                _ => Seen::Hidden,
            })
        }
        Err(AppError::Forbidden | AppError::Unauthenticated) => Ok(Seen::Hidden),
        Err(other) => Err(other),
    }
}
