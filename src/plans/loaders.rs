//! DataLoaders for plans and tasks: a page of tasks reads its plans and
//! coordinators in one statement each, and the request's clock (today and
//! the working calendar) is read once.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{plan, task, task_coordinator};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::read::Clock;
use crate::error::{AppError, AppResult};
use crate::graphql::batched;

/// The plan loaders of one request.
pub struct PlanLoaders {
    pub plans: DataLoader<PlanById>,
    pub tasks: DataLoader<TaskById>,
    pub coordinators: DataLoader<CoordinatorsOf>,
    db: DatabaseConnection,
    clock: tokio::sync::OnceCell<Clock>,
}

impl PlanLoaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        PlanLoaders {
            plans: batched(PlanById(db.clone())),
            tasks: batched(TaskById(db.clone())),
            coordinators: batched(CoordinatorsOf(db.clone())),
            db: db.clone(),
            clock: tokio::sync::OnceCell::new(),
        }
    }

    /// Today and the working calendar, read once per request.
    pub async fn clock(&self) -> AppResult<&Clock> {
        self.clock.get_or_try_init(|| Clock::now(&self.db)).await
    }
}

/// Plans by id.
pub struct PlanById(DatabaseConnection);

impl Loader<Uuid> for PlanById {
    type Value = plan::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        Ok(plan::Entity::find()
            .filter(plan::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect())
    }
}

/// Tasks by id.
pub struct TaskById(DatabaseConnection);

impl Loader<Uuid> for TaskById {
    type Value = task::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        Ok(task::Entity::find()
            .filter(task::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect())
    }
}

/// The coordinating units of tasks (a group's, for its parts), by the
/// task that holds them.
pub struct CoordinatorsOf(DatabaseConnection);

impl Loader<Uuid> for CoordinatorsOf {
    type Value = Vec<Uuid>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let mut map: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for row in task_coordinator::Entity::find()
            .filter(task_coordinator::Column::TaskId.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?
        {
            map.entry(row.task_id).or_default().push(row.unit_id);
        }
        Ok(map)
    }
}
