//! Legal documents (văn bản): registered once, cited by mandates.

use chrono::{NaiveDate, Utc};
use entity::document::{self, DocumentType, SignerCapacity};
use entity::role_grant::Role;
use sea_orm::ActiveEnum;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::units::service::existing as existing_unit;

/// A document to register.
pub struct CreateDocument {
    pub number: String,
    pub doc_type: DocumentType,
    pub normative: bool,
    pub issuer_unit: Option<Uuid>,
    pub issuer_name: Option<String>,
    pub signer: Option<String>,
    pub signer_capacity: Option<SignerCapacity>,
    pub issued_date: NaiveDate,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// A document that must exist.
pub async fn existing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<document::Model> {
    document::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("document"))
}

/// Registers a document: APPROVER over its issuer (or anywhere for a
/// document of a central body).
pub async fn create_document(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: CreateDocument,
) -> AppResult<document::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let issuer = match input.issuer_unit {
        Some(id) => Some(existing_unit(&txn, id).await?),
        None => None,
    };
    let actor = match &issuer {
        Some(unit) => by.require(Role::Approver, unit)?,
        None => by.require_anywhere(Role::Approver)?,
    };
    let number = input.number.trim().to_owned();
    if number.is_empty() || number.chars().count() > 100 || !crate::text::readable(&number) {
        return Err(AppError::rule(
            Some("number"),
            UserErrorCode::InvalidNumber,
            "a number has 1 to 100 characters, e.g. 57/NQ-HĐND",
        ));
    }
    if input.effective_from < input.issued_date
        || input
            .effective_to
            .is_some_and(|to| to < input.effective_from)
    {
        return Err(AppError::rule(
            Some("effectiveFrom"),
            UserErrorCode::InvalidDate,
            "a document takes effect on or after its issue and ends after it takes effect",
        ));
    }
    for (field, text) in [
        ("issuerName", &input.issuer_name),
        ("signer", &input.signer),
    ] {
        if text
            .as_deref()
            .is_some_and(|t| !t.trim().is_empty() && !crate::text::readable(t))
        {
            return Err(AppError::rule(
                Some(field),
                UserErrorCode::InvalidText,
                format!("{field} has no control or text-direction characters"),
            ));
        }
    }
    let issuer_name = match (&issuer, input.issuer_name.as_deref().map(str::trim)) {
        (_, Some(name)) if !name.is_empty() => name.to_owned(),
        (Some(unit), _) => unit.name.clone(),
        (None, _) => {
            return Err(AppError::rule(
                Some("issuerName"),
                UserErrorCode::MissingIssuer,
                "name the issuing body",
            ));
        }
    };
    let duplicate = document::Entity::find()
        .filter(document::Column::Number.eq(number.as_str()))
        .filter(document::Column::IssuerName.eq(issuer_name.as_str()))
        .count(&txn)
        .await?;
    if duplicate > 0 {
        return Err(AppError::rule(
            Some("number"),
            UserErrorCode::DuplicateDocument,
            "this issuer already has a document with that number",
        ));
    }
    let doc = document::Model {
        id: Uuid::now_v7(),
        number,
        doc_type: input.doc_type,
        normative: input.normative,
        issuer_unit_id: issuer.as_ref().map(|u| u.id),
        issuer_name,
        signer: input.signer.filter(|s| !s.trim().is_empty()),
        signer_capacity: input.signer_capacity,
        issued_date: input.issued_date,
        effective_from: input.effective_from,
        effective_to: input.effective_to,
        created_at: Utc::now(),
    };
    doc.clone().into_active_model().insert(&txn).await?;
    let change = Change {
        action: "createDocument",
        entity_type: "Document",
        entity_id: doc.id,
        scope_unit_id: doc.issuer_unit_id,
        before: None,
        after: Some(json!({
            "number": doc.number, "type": doc.doc_type.to_value(), "normative": doc.normative,
            "issuer": doc.issuer_name, "issuedDate": doc.issued_date,
            "effectiveFrom": doc.effective_from, "effectiveTo": doc.effective_to,
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(doc)
}
