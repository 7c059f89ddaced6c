//! DataLoaders for evaluations: a page of mandates reads its evaluations,
//! and a page of evaluations their rounds, in one statement each.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{evaluation, evaluation_round};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::batched;

/// The evaluation loaders of one request.
pub struct EvaluationLoaders {
    pub of_mandate: DataLoader<EvaluationsOf>,
    pub rounds: DataLoader<RoundById>,
}

impl EvaluationLoaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        EvaluationLoaders {
            of_mandate: batched(EvaluationsOf(db.clone())),
            rounds: batched(RoundById(db.clone())),
        }
    }
}

/// The evaluations of mandates, latest round first, down the tree.
pub struct EvaluationsOf(DatabaseConnection);

impl Loader<Uuid> for EvaluationsOf {
    type Value = Vec<evaluation::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = evaluation::Entity::find()
            .filter(evaluation::Column::MandateId.is_in(keys.iter().copied()))
            .order_by_desc(evaluation::Column::RoundId)
            .order_by_asc(evaluation::Column::HolderPath)
            .all(&self.0)
            .await?;
        let mut map: HashMap<Uuid, Vec<evaluation::Model>> = HashMap::new();
        for row in rows {
            map.entry(row.mandate_id).or_default().push(row);
        }
        Ok(map)
    }
}

/// Rounds by id.
pub struct RoundById(DatabaseConnection);

impl Loader<Uuid> for RoundById {
    type Value = evaluation_round::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        Ok(evaluation_round::Entity::find()
            .filter(evaluation_round::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect())
    }
}
