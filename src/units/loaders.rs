//! DataLoaders for the unit tree: nested reads cost one statement per
//! level of the query, not one per row.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_graphql::dataloader::{DataLoader, Loader};
use chrono::NaiveDate;
use entity::unit::{self, UnitKind};
use entity::unit_lineage;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::service::{self, ChildLevel, LineageSide, SubtreeRoot};
use crate::error::AppError;
use crate::graphql::batched;

/// The unit loaders of one request (their caches live as long as it).
pub struct UnitLoaders {
    pub by_id: DataLoader<UnitById>,
    pub children: DataLoader<Children>,
    pub descendant_counts: DataLoader<DescendantCounts>,
    pub lineage: DataLoader<Lineage>,
}

impl UnitLoaders {
    /// The loaders of one HTTP request: nested reads planned ahead.
    pub fn new(db: &DatabaseConnection) -> Self {
        Self::with(db, true)
    }

    /// The loaders of a websocket connection, which serve every event of
    /// its subscriptions: nothing planned, so that no list read for one
    /// event waits to answer a later one.
    pub fn unplanned(db: &DatabaseConnection) -> Self {
        Self::with(db, false)
    }

    fn with(db: &DatabaseConnection, plans: bool) -> Self {
        UnitLoaders {
            by_id: batched(UnitById(db.clone())),
            children: batched(Children {
                db: db.clone(),
                plans,
                planned: Mutex::default(),
            }),
            descendant_counts: batched(DescendantCounts(db.clone())),
            lineage: batched(Lineage(db.clone())),
        }
    }
}

/// Units by id.
pub struct UnitById(DatabaseConnection);

impl Loader<Uuid> for UnitById {
    type Value = unit::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, unit::Model>, AppError> {
        let rows = service::find_many(&self.0, keys).await?;
        Ok(rows.into_iter().map(|u| (u.id, u)).collect())
    }
}

/// The children of a unit of a kind on a date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChildrenKey {
    pub parent: Uuid,
    /// Which children (kind, day), and how they are read.
    pub level: ChildLevel,
    /// The children the query asks of each of these children, read in the
    /// same statement (see [`Children`]).
    pub then: Option<ChildLevel>,
}

/// A unit's children, shared: a level's list is handed to its resolver
/// and its connection without copying a row.
pub type ChildList = Vec<Arc<unit::Model>>;

/// Children of many parents: one statement per distinct level asked (kind,
/// day). A key that plans the level below (`then`, from the query's look
/// ahead) reads both levels in one statement; the lower level's lists wait
/// in `planned` until their resolvers ask, and cost no statement then. So
/// a province → districts → communes read costs two statements, not three.
pub struct Children {
    db: DatabaseConnection,
    /// Whether keys' plans are followed (HTTP requests) or ignored.
    plans: bool,
    planned: Mutex<HashMap<ChildrenKey, ChildList>>,
}

impl Loader<ChildrenKey> for Children {
    type Value = ChildList;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ChildrenKey],
    ) -> Result<HashMap<ChildrenKey, ChildList>, AppError> {
        let mut out: HashMap<ChildrenKey, ChildList> = HashMap::with_capacity(keys.len());
        let mut groups: HashMap<(ChildLevel, Option<ChildLevel>), Vec<Uuid>> = HashMap::new();
        {
            let mut planned = self.planned.lock().unwrap_or_else(|e| e.into_inner());
            for key in keys {
                // Whole rows serve a lean read too, and a list read
                // without its own children serves a key that plans them
                // (they are then read by their own resolvers).
                let whole = ChildLevel {
                    lean: false,
                    ..key.level
                };
                let found = [key.level, whole]
                    .into_iter()
                    .flat_map(|level| [key.then, None].map(|then| (level, then)))
                    .find_map(|(level, then)| {
                        planned.remove(&ChildrenKey {
                            parent: key.parent,
                            level,
                            then,
                        })
                    });
                match found {
                    Some(list) => {
                        out.insert(key.clone(), list);
                    }
                    None => groups
                        .entry((key.level, key.then))
                        .or_default()
                        .push(key.parent),
                }
            }
        }
        for ((level, then), parents) in groups {
            let key = |parent: Uuid| ChildrenKey {
                parent,
                level,
                then,
            };
            for parent in &parents {
                out.insert(key(*parent), Vec::new());
            }
            let Some(next) = then.filter(|_| self.plans) else {
                for child in service::level_below(&self.db, &parents, level).await? {
                    if let Some(list) = child.parent_id.and_then(|p| out.get_mut(&key(p))) {
                        list.push(Arc::new(child));
                    }
                }
                continue;
            };
            let rows = service::two_levels_below(&self.db, &parents, level, next).await?;
            let parents: HashSet<Uuid> = parents.into_iter().collect();
            let mut below: HashMap<Uuid, ChildList> = HashMap::new();
            let rows: Vec<Arc<unit::Model>> = rows.into_iter().map(Arc::new).collect();
            for row in &rows {
                let parent = row.parent_id.filter(|p| parents.contains(p));
                if let Some(parent) = parent
                    && level.admits(row)
                {
                    below.insert(row.id, Vec::new());
                    if let Some(list) = out.get_mut(&key(parent)) {
                        list.push(row.clone());
                    }
                }
            }
            for row in rows {
                if let Some(list) = row.parent_id.and_then(|p| below.get_mut(&p))
                    && next.admits(&row)
                {
                    list.push(row);
                }
            }
            let mut planned = self.planned.lock().unwrap_or_else(|e| e.into_inner());
            for (parent, list) in below {
                let key = ChildrenKey {
                    parent,
                    level: next,
                    then: None,
                };
                planned.insert(key, list);
            }
        }
        Ok(out)
    }
}

/// How many descendants of a kind a unit has on a date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DescendantKey {
    pub root: SubtreeRoot,
    pub kind: Option<UnitKind>,
    pub as_of: NaiveDate,
}

/// Descendant counts of many units, grouped per `(kind, as_of)`.
pub struct DescendantCounts(DatabaseConnection);

impl Loader<DescendantKey> for DescendantCounts {
    type Value = u64;
    type Error = AppError;

    async fn load(&self, keys: &[DescendantKey]) -> Result<HashMap<DescendantKey, u64>, AppError> {
        let mut groups: HashMap<(Option<UnitKind>, NaiveDate), Vec<SubtreeRoot>> = HashMap::new();
        for key in keys {
            groups
                .entry((key.kind, key.as_of))
                .or_default()
                .push(key.root.clone());
        }
        let mut out = HashMap::with_capacity(keys.len());
        for ((kind, as_of), roots) in groups {
            let counts = service::descendant_counts(&self.0, &roots, kind, as_of).await?;
            for root in roots {
                let n = counts.get(&root.id).copied().unwrap_or(0);
                out.insert(DescendantKey { root, kind, as_of }, n);
            }
        }
        Ok(out)
    }
}

/// Lineage edges on one side of a unit.
pub struct Lineage(DatabaseConnection);

impl Loader<(Uuid, LineageSide)> for Lineage {
    type Value = Vec<unit_lineage::Model>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(Uuid, LineageSide)],
    ) -> Result<HashMap<(Uuid, LineageSide), Vec<unit_lineage::Model>>, AppError> {
        let mut out: HashMap<(Uuid, LineageSide), Vec<unit_lineage::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for side in [LineageSide::Successors, LineageSide::Predecessors] {
            let ids: Vec<Uuid> = keys.iter().filter(|k| k.1 == side).map(|k| k.0).collect();
            if ids.is_empty() {
                continue;
            }
            for edge in service::lineage_of(&self.0, &ids, side).await? {
                let unit = match side {
                    LineageSide::Successors => edge.predecessor_id,
                    LineageSide::Predecessors => edge.successor_id,
                };
                if let Some(list) = out.get_mut(&(unit, side)) {
                    list.push(edge);
                }
            }
        }
        Ok(out)
    }
}
