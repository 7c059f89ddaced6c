//! DataLoaders for inspections: a page of inspections reads its findings,
//! and its recommendations with their follow-up tasks, in one statement
//! each.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::inspection_finding as finding;
use entity::inspection_recommendation as recommendation;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::batched;

/// The inspection loaders of one request.
pub struct InspectionLoaders {
    pub findings: DataLoader<FindingsOf>,
    pub recommendations: DataLoader<RecommendationsOf>,
}

impl InspectionLoaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        InspectionLoaders {
            findings: batched(FindingsOf(db.clone())),
            recommendations: batched(RecommendationsOf(db.clone())),
        }
    }
}

/// The findings of inspections, down the unit tree.
pub struct FindingsOf(DatabaseConnection);

impl Loader<Uuid> for FindingsOf {
    type Value = Vec<finding::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = finding::Entity::find()
            .filter(finding::Column::InspectionId.is_in(keys.iter().copied()))
            .order_by_asc(finding::Column::UnitPath)
            .order_by_asc(finding::Column::Id)
            .all(&self.0)
            .await?;
        let mut map: HashMap<Uuid, Vec<finding::Model>> = HashMap::new();
        for row in rows {
            map.entry(row.inspection_id).or_default().push(row);
        }
        Ok(map)
    }
}

/// The recommendations of inspections by number and owner, each with
/// whether its follow-up task is accepted.
pub struct RecommendationsOf(DatabaseConnection);

impl Loader<Uuid> for RecommendationsOf {
    type Value = Vec<(recommendation::Model, bool)>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = recommendation::Entity::find()
            .filter(recommendation::Column::InspectionId.is_in(keys.iter().copied()))
            .order_by_asc(recommendation::Column::Number)
            .order_by_asc(recommendation::Column::OwnerPath)
            .order_by_asc(recommendation::Column::Id)
            .all(&self.0)
            .await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let accepted = super::service::accepted_follow_ups(&self.0, &ids).await?;
        let mut map: HashMap<Uuid, Self::Value> = HashMap::new();
        for row in rows {
            let done = accepted.contains(&row.id);
            map.entry(row.inspection_id).or_default().push((row, done));
        }
        Ok(map)
    }
}
