//! DataLoaders for the unit tree: nested reads cost one statement per
//! level of the query, not one per row.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use chrono::NaiveDate;
use entity::unit::{self, UnitKind};
use entity::unit_lineage;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::service::{self, LineageSide, SubtreeRoot};
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
    pub fn new(db: &DatabaseConnection) -> Self {
        UnitLoaders {
            by_id: batched(UnitById(db.clone())),
            children: batched(Children(db.clone())),
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
    pub kind: Option<UnitKind>,
    pub as_of: NaiveDate,
}

/// Children of many parents, one statement per distinct `(kind, as_of)`.
pub struct Children(DatabaseConnection);

impl Loader<ChildrenKey> for Children {
    type Value = Vec<unit::Model>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ChildrenKey],
    ) -> Result<HashMap<ChildrenKey, Vec<unit::Model>>, AppError> {
        let mut groups: HashMap<(Option<UnitKind>, NaiveDate), Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups
                .entry((key.kind, key.as_of))
                .or_default()
                .push(key.parent);
        }
        let mut out: HashMap<ChildrenKey, Vec<unit::Model>> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for ((kind, as_of), parents) in groups {
            for child in service::children_of(&self.0, &parents, kind, as_of).await? {
                let Some(parent) = child.parent_id else {
                    continue;
                };
                let key = ChildrenKey {
                    parent,
                    kind,
                    as_of,
                };
                if let Some(list) = out.get_mut(&key) {
                    list.push(child);
                }
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
