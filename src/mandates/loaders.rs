//! DataLoaders for mandates: nested reads cost one statement per level.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use chrono::NaiveDate;
use entity::document_link::{self, LinkKind};
use entity::mandate::{self, MandateState};
use entity::{document, mandate_assignment};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::rules::{self, DatedStatus};
use super::service;
use crate::error::AppError;
use crate::graphql::batched;

/// The mandate loaders of one request.
pub struct MandateLoaders {
    pub by_id: DataLoader<MandateById>,
    pub documents: DataLoader<DocumentById>,
    pub assignments: DataLoader<AssignmentsOf>,
    pub onward: DataLoader<OnwardOf>,
    pub held: DataLoader<HeldBy>,
    pub delegated: DataLoader<DelegatedBy>,
    pub links: DataLoader<LinksOf>,
    pub matters: DataLoader<MatterByCode>,
    pub attachments: DataLoader<AttachmentsOf>,
}

impl MandateLoaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        MandateLoaders {
            by_id: batched(MandateById(db.clone())),
            documents: batched(DocumentById(db.clone())),
            assignments: batched(AssignmentsOf(db.clone())),
            onward: batched(OnwardOf(db.clone())),
            held: batched(HeldBy(db.clone())),
            delegated: batched(DelegatedBy(db.clone())),
            links: batched(LinksOf(db.clone())),
            matters: batched(MatterByCode(db.clone())),
            attachments: batched(AttachmentsOf(db.clone())),
        }
    }
}

/// Mandates by id.
pub struct MandateById(DatabaseConnection);

impl Loader<Uuid> for MandateById {
    type Value = mandate::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, mandate::Model>, AppError> {
        let rows = mandate::Entity::find()
            .filter(mandate::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|m| (m.id, m)).collect())
    }
}

/// Catalogued matters by code.
pub struct MatterByCode(DatabaseConnection);

impl Loader<String> for MatterByCode {
    type Value = entity::matter::Model;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, entity::matter::Model>, AppError> {
        let rows = super::matters::by_codes(&self.0, keys).await?;
        Ok(rows.into_iter().map(|m| (m.code.clone(), m)).collect())
    }
}

/// Documents by id.
pub struct DocumentById(DatabaseConnection);

impl Loader<Uuid> for DocumentById {
    type Value = document::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, document::Model>, AppError> {
        let rows = service::documents_by_id(&self.0, keys).await?;
        Ok(rows.into_iter().map(|d| (d.id, d)).collect())
    }
}

/// The files attached to documents, oldest first.
pub struct AttachmentsOf(DatabaseConnection);

impl Loader<Uuid> for AttachmentsOf {
    type Value = Vec<entity::attachment::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let mut out: HashMap<Uuid, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for a in super::attachments::of_documents(&self.0, keys).await? {
            out.entry(a.document_id).or_default().push(a);
        }
        Ok(out)
    }
}

/// The links of a document: `(id, false)` those it states (to earlier
/// documents), `(id, true)` those to it (from later ones); each the kind
/// and the document at the other end, ordered by that document's id.
pub struct LinksOf(DatabaseConnection);

impl Loader<(Uuid, bool)> for LinksOf {
    type Value = Vec<(LinkKind, Uuid)>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(Uuid, bool)],
    ) -> Result<HashMap<(Uuid, bool), Self::Value>, AppError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = document_link::Entity::find()
            .filter(
                Condition::any()
                    .add(document_link::Column::FromDocumentId.is_in(ids.clone()))
                    .add(document_link::Column::ToDocumentId.is_in(ids)),
            )
            .order_by_asc(document_link::Column::FromDocumentId)
            .order_by_asc(document_link::Column::ToDocumentId)
            .order_by_asc(document_link::Column::Kind)
            .all(&self.0)
            .await?;
        let mut out: HashMap<(Uuid, bool), Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for l in rows {
            if let Some(list) = out.get_mut(&(l.from_document_id, false)) {
                list.push((l.kind, l.to_document_id));
            }
            if let Some(list) = out.get_mut(&(l.to_document_id, true)) {
                list.push((l.kind, l.from_document_id));
            }
        }
        for list in out.values_mut() {
            list.sort_by_key(|(_, id)| *id);
        }
        Ok(out)
    }
}

/// The assignments of a mandate.
pub struct AssignmentsOf(DatabaseConnection);

impl Loader<Uuid> for AssignmentsOf {
    type Value = Vec<mandate_assignment::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let mut out: HashMap<Uuid, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for a in service::assignments_of(&self.0, keys).await? {
            out.entry(a.mandate_id).or_default().push(a);
        }
        Ok(out)
    }
}

/// The onward delegations resting on a mandate.
pub struct OnwardOf(DatabaseConnection);

impl Loader<Uuid> for OnwardOf {
    type Value = Vec<mandate::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        let rows = mandate::Entity::find()
            .filter(mandate::Column::ParentMandateId.is_in(keys.iter().copied()))
            .order_by_asc(mandate::Column::Code)
            .all(&self.0)
            .await?;
        let mut out: HashMap<Uuid, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for m in rows {
            if let Some(parent) = m.parent_mandate_id {
                out.entry(parent).or_default().push(m);
            }
        }
        Ok(out)
    }
}

/// The mandates a unit holds on a date (an active assignment to it).
pub struct HeldBy(DatabaseConnection);

impl Loader<(Uuid, NaiveDate)> for HeldBy {
    type Value = Vec<mandate::Model>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(Uuid, NaiveDate)],
    ) -> Result<HashMap<(Uuid, NaiveDate), Self::Value>, AppError> {
        let units: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let assignments = mandate_assignment::Entity::find()
            .filter(mandate_assignment::Column::DelegateeUnitId.is_in(units))
            .all(&self.0)
            .await?;
        let ids: Vec<Uuid> = assignments.iter().map(|a| a.mandate_id).collect();
        let mandates: HashMap<Uuid, mandate::Model> = mandate::Entity::find()
            .filter(mandate::Column::Id.is_in(ids))
            .filter(mandate::Column::State.ne(MandateState::Draft))
            .order_by_asc(mandate::Column::Code)
            .all(&self.0)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let mut out = HashMap::new();
        for (unit, date) in keys {
            let mut held: Vec<mandate::Model> = assignments
                .iter()
                .filter(|a| a.delegatee_unit_id == *unit && rules::covers(a, *date))
                .filter_map(|a| mandates.get(&a.mandate_id))
                .filter(|m| rules::dated_status(m, *date) == DatedStatus::Active)
                .cloned()
                .collect();
            held.sort_by(|a, b| a.code.cmp(&b.code));
            held.dedup_by_key(|m| m.id);
            out.insert((*unit, *date), held);
        }
        Ok(out)
    }
}

/// The mandates a unit has delegated that are in force on a date.
pub struct DelegatedBy(DatabaseConnection);

impl Loader<(Uuid, NaiveDate)> for DelegatedBy {
    type Value = Vec<mandate::Model>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(Uuid, NaiveDate)],
    ) -> Result<HashMap<(Uuid, NaiveDate), Self::Value>, AppError> {
        let units: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = mandate::Entity::find()
            .filter(mandate::Column::DelegatorUnitId.is_in(units))
            .filter(mandate::Column::State.ne(MandateState::Draft))
            .order_by_asc(mandate::Column::Code)
            .all(&self.0)
            .await?;
        let mut out = HashMap::new();
        for (unit, date) in keys {
            let list = rows
                .iter()
                .filter(|m| {
                    m.delegator_unit_id == *unit
                        && rules::dated_status(m, *date) == DatedStatus::Active
                })
                .cloned()
                .collect();
            out.insert((*unit, *date), list);
        }
        Ok(out)
    }
}
