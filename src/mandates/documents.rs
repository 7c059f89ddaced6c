//! Legal documents (văn bản): registered once, cited by mandates. A
//! document's type is checked against its number, and whether it is a
//! legal normative document (VBQPPL) is read from the number (see
//! [`super::document_number`]), never taken from the caller. Documents are
//! public records: anyone may read them.

use chrono::{Datelike, NaiveDate, Utc};
use entity::document::{self, DocumentType, SignerCapacity};
use entity::document_link::{self, LinkKind};
use entity::role_grant::Role;
use sea_orm::ActiveEnum;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use super::document_number;
use crate::audit::{self, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::pagination::{Cursor, ListOrder, Page, PageRequest};
use crate::text::{check_text, fold_all, folded_contains, number_key};
use crate::units::service::existing as existing_unit;

/// Most recipients (nơi nhận) one document lists.
pub const MAX_RECIPIENTS: usize = 100;
/// Most links one document states.
pub const MAX_LINKS: usize = 50;

/// A document to register. Its normativity is not an input: it follows
/// from the number.
pub struct CreateDocument {
    pub number: String,
    pub doc_type: DocumentType,
    pub issuer_unit: Option<Uuid>,
    pub issuer_name: Option<String>,
    /// Trích yếu, required.
    pub subject: String,
    pub signer: Option<String>,
    /// As printed, e.g. "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH".
    pub signer_title: Option<String>,
    pub signer_capacity: Option<SignerCapacity>,
    /// Nơi nhận, in order.
    pub recipients: Vec<String>,
    /// Earlier documents this one answers, carries out, amends or repeals.
    pub links: Vec<(Uuid, LinkKind)>,
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

/// The capacity a signer title's prefix states: "KT. CHỦ TỊCH" → KT,
/// "TM. ỦY BAN NHÂN DÂN" → TM, "TL. …" → TL, "TUQ. …" → TUQ; None when
/// the title has no such prefix ("CHỦ TỊCH": signed in one's own name).
/// [NĐ 30/2020/NĐ-CP Phụ lục I mục II.7]
pub fn title_capacity(title: &str) -> Option<SignerCapacity> {
    let (prefix, _) = title.trim().split_once('.')?;
    match crate::text::fold(prefix).as_str() {
        "tm" => Some(SignerCapacity::Tm),
        "kt" => Some(SignerCapacity::Kt),
        "tl" => Some(SignerCapacity::Tl),
        "tuq" => Some(SignerCapacity::Tuq),
        _ => None,
    }
}

/// The recipients stored as a JSON array.
pub fn recipients_of(doc: &document::Model) -> Vec<String> {
    serde_json::from_str(&doc.recipients).unwrap_or_default()
}

/// Checks a new document's signer fields: the capacity agrees with the
/// title's prefix when both are given, and is read from the title when
/// only the title is.
fn signer_capacity(
    title: Option<&str>,
    capacity: Option<SignerCapacity>,
) -> AppResult<Option<SignerCapacity>> {
    let Some(title) = title else {
        return Ok(capacity);
    };
    let stated = title_capacity(title);
    match capacity {
        None => Ok(stated),
        Some(c) if stated == Some(c) => Ok(Some(c)),
        Some(c) => Err(AppError::rule(
            Some("signerCapacity"),
            UserErrorCode::SignerCapacityMismatch,
            format!(
                "signerCapacity {} disagrees with the signer title \"{title}\", which {}; the prefix TM., KT., TL. or TUQ. states the capacity [NĐ 30/2020/NĐ-CP Phụ lục I mục II.7]",
                c.to_value(),
                match stated {
                    Some(s) => format!("says {}", s.to_value()),
                    None => "has no prefix (signed in the signer's own name)".to_owned(),
                }
            ),
        )),
    }
}

/// Checks the links a new document issued on `issued` states: at most
/// [`MAX_LINKS`], none twice, each to an existing document issued no later.
///
/// A document amends or repeals only what its own issuer issued, and a
/// legal normative document only by another one (the same form and
/// authority): a decision of UBND tỉnh does not repeal a law, nor an
/// individual decision a VBQPPL (LINK_NOT_ALLOWED).
async fn check_links(
    db: &impl ConnectionTrait,
    links: &[(Uuid, LinkKind)],
    issued: NaiveDate,
    source: (Option<Uuid>, &str, bool, DocumentType),
) -> AppResult<()> {
    let (source_issuer, source_issuer_name, source_normative, source_type) = source;
    if links.len() > MAX_LINKS {
        return Err(AppError::invalid(format!("at most {MAX_LINKS} links")));
    }
    let mut seen = std::collections::HashSet::new();
    if !links.iter().all(|l| seen.insert(*l)) {
        return Err(AppError::rule(
            Some("links"),
            UserErrorCode::DuplicateLink,
            "state each link (document and kind) once",
        ));
    }
    let ids: Vec<Uuid> = links.iter().map(|(id, _)| *id).collect();
    let targets = document::Entity::find()
        .filter(document::Column::Id.is_in(ids))
        .all(db)
        .await?;
    for (id, kind) in links {
        let Some(target) = targets.iter().find(|t| t.id == *id) else {
            return Err(AppError::rule(
                Some("links"),
                UserErrorCode::UnknownDocument,
                "a linked document does not exist; register it first",
            ));
        };
        let changes = matches!(kind, LinkKind::Amends | LinkKind::Repeals);
        let same_issuer = match (source_issuer, target.issuer_unit_id) {
            (Some(a), Some(b)) => a == b,
            (None, None) => target.issuer_name == source_issuer_name,
            _ => false,
        };
        // The same body and form: a decision of UBND does not repeal a
        // resolution of HĐND of the same province, nor its Chủ tịch's.
        let same_form = target.doc_type == source_type;
        if changes && (!same_issuer || !same_form || (target.normative && !source_normative)) {
            return Err(AppError::rule(
                Some("links"),
                UserErrorCode::LinkNotAllowed,
                format!(
                    "{} is amended or repealed only by its issuer ({}) and, being {}, by a document of the same form",
                    target.number,
                    target.issuer_name,
                    if target.normative {
                        "a legal normative document"
                    } else {
                        "an individual document"
                    }
                ),
            ));
        }
        if target.issued_date > issued {
            return Err(AppError::rule(
                Some("links"),
                UserErrorCode::LinkDateOrder,
                format!(
                    "{} was issued on {}, after this document ({issued}); a document {} only one issued on or before its own date",
                    target.number,
                    target.issued_date,
                    match kind {
                        LinkKind::RespondsTo => "responds to",
                        LinkKind::Implements => "implements",
                        LinkKind::Amends => "amends",
                        LinkKind::Repeals => "repeals",
                    }
                ),
            ));
        }
    }
    Ok(())
}

/// Registers a document: APPROVER over its issuer (or anywhere for a
/// document of a central body or of a body outside the tree). The number
/// must fit the type, the issue year and the issuer
/// ([`document_number::check`]); normativity is read from it.
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
    let read = document_number::check_issued(
        &number,
        input.doc_type,
        input.issued_date.year(),
        issuer.as_ref(),
    )?;
    if input.issued_date > crate::calendar::today() {
        return Err(AppError::rule(
            Some("issuedDate"),
            UserErrorCode::InvalidDate,
            "a document is registered once it has been issued: issuedDate is today or earlier",
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
    let subject = check_text("subject", &input.subject, 1000)?;
    let signer_title = match input.signer_title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => Some(check_text("signerTitle", t, 200)?),
        _ => None,
    };
    let signer_capacity = signer_capacity(signer_title.as_deref(), input.signer_capacity)?;
    if input.recipients.len() > MAX_RECIPIENTS {
        return Err(AppError::invalid(format!(
            "at most {MAX_RECIPIENTS} recipients"
        )));
    }
    let recipients = input
        .recipients
        .iter()
        .map(|r| check_text("recipients", r, 500))
        .collect::<AppResult<Vec<_>>>()?;
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
    let key = number_key(&number);
    let duplicate = document::Entity::find()
        .filter(
            Condition::any()
                .add(document::Column::Number.eq(number.as_str()))
                .add(document::Column::NumberKey.eq(key.as_str())),
        )
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
    let source = (
        issuer.as_ref().map(|u| u.id),
        issuer_name.as_str(),
        read.normative(),
        input.doc_type,
    );
    check_links(&txn, &input.links, input.issued_date, source).await?;
    let doc = document::Model {
        id: Uuid::now_v7(),
        search_text: fold_all(&[&number, &subject, &issuer_name]),
        name_key: crate::text::sort_key(&subject),
        number_key: key,
        number,
        doc_type: input.doc_type,
        normative: read.normative(),
        issuer_unit_id: issuer.as_ref().map(|u| u.id),
        issuer_name,
        signer: input.signer.filter(|s| !s.trim().is_empty()),
        signer_capacity,
        issued_date: input.issued_date,
        effective_from: input.effective_from,
        effective_to: input.effective_to,
        created_at: Utc::now(),
        subject,
        signer_title,
        recipients: serde_json::to_string(&recipients).map_err(AppError::internal)?,
    };
    doc.clone().into_active_model().insert(&txn).await?;
    for (to, kind) in &input.links {
        document_link::Model {
            from_document_id: doc.id,
            to_document_id: *to,
            kind: *kind,
            created_at: doc.created_at,
        }
        .into_active_model()
        .insert(&txn)
        .await?;
    }
    let links: Vec<_> = input
        .links
        .iter()
        .map(|(to, kind)| json!({ "document": to, "kind": kind.to_value() }))
        .collect();
    let change = Change {
        action: "createDocument",
        entity_type: "Document",
        entity_id: doc.id,
        scope_unit_id: doc.issuer_unit_id,
        before: None,
        after: Some(json!({
            "number": doc.number, "type": doc.doc_type.to_value(), "normative": doc.normative,
            "issuer": doc.issuer_name, "subject": doc.subject, "signer": doc.signer,
            "signerTitle": doc.signer_title,
            "signerCapacity": doc.signer_capacity.map(|c| c.to_value()),
            "recipients": recipients, "links": links, "issuedDate": doc.issued_date,
            "effectiveFrom": doc.effective_from, "effectiveTo": doc.effective_to,
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(doc)
}

/// What a list of documents is filtered by.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    /// Text in the number, subject or issuer name, folded.
    pub search: Option<String>,
    pub doc_type: Option<DocumentType>,
    pub issuer: Option<Uuid>,
    /// Issued in this year.
    pub year: Option<i32>,
    /// This number, compared by [`number_key`].
    pub number: Option<String>,
}

impl DocumentFilter {
    fn condition(&self) -> Condition {
        let mut cond = Condition::all();
        if let Some(search) = self.search.as_deref().filter(|s| !s.trim().is_empty()) {
            cond = cond.add(document::Column::SearchText.like(folded_contains(search)));
        }
        if let Some(t) = self.doc_type {
            cond = cond.add(document::Column::DocType.eq(t));
        }
        if let Some(id) = self.issuer {
            cond = cond.add(document::Column::IssuerUnitId.eq(id));
        }
        if let Some(year) = self.year {
            match (
                NaiveDate::from_ymd_opt(year, 1, 1),
                NaiveDate::from_ymd_opt(year, 12, 31),
            ) {
                (Some(first), Some(last)) => {
                    cond = cond.add(document::Column::IssuedDate.between(first, last));
                }
                _ => cond = cond.add(document::Column::Id.is_null()),
            }
        }
        if let Some(number) = &self.number {
            cond = cond.add(document::Column::NumberKey.eq(number_key(number)));
        }
        cond
    }
}

/// The cursor of `doc` in a list ordered by `order`: `(number key, id)`
/// or `(subject key, id)`.
pub fn cursor_in(order: Option<ListOrder>, doc: &document::Model) -> Cursor {
    crate::pagination::cursor_by(order, &doc.number_key, &doc.name_key, doc.id)
}

/// One page of the documents matching `filter`, ordered by `order`
/// (number as folded text, or subject in Vietnamese order) then id.
/// Documents are public.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &DocumentFilter,
    page: &PageRequest,
    order: Option<ListOrder>,
) -> AppResult<Page<document::Model>> {
    let key = crate::pagination::order_column(
        order,
        document::Column::NumberKey,
        document::Column::NameKey,
    );
    page.fetch::<document::Entity>(db, filter.condition(), key, document::Column::Id)
        .await
}

/// How many documents match `filter`.
pub async fn count(db: &impl ConnectionTrait, filter: &DocumentFilter) -> AppResult<u64> {
    Ok(document::Entity::find()
        .filter(filter.condition())
        .count(db)
        .await?)
}

/// The document numbered `number` (compared by [`number_key`], so
/// "15/2025/QD-UBND" finds "15/2025/QĐ-UBND"), of `issuer` when given.
/// BAD_USER_INPUT when several issuers have that number and none is named.
pub async fn by_number(
    db: &impl ConnectionTrait,
    number: &str,
    issuer: Option<Uuid>,
) -> AppResult<Option<document::Model>> {
    let mut query =
        document::Entity::find().filter(document::Column::NumberKey.eq(number_key(number)));
    if let Some(id) = issuer {
        query = query.filter(document::Column::IssuerUnitId.eq(id));
    }
    let mut found = query
        .order_by_asc(document::Column::Id)
        .limit(2)
        .all(db)
        .await?;
    if found.len() > 1 {
        return Err(AppError::invalid(format!(
            "several issuers have a document numbered {number}; name the issuer"
        )));
    }
    Ok(found.pop())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signer_titles_prefix_states_the_capacity() {
        assert_eq!(
            title_capacity("KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"),
            Some(SignerCapacity::Kt)
        );
        assert_eq!(
            title_capacity("TM. ỦY BAN NHÂN DÂN CHỦ TỊCH"),
            Some(SignerCapacity::Tm)
        );
        assert_eq!(title_capacity("TL. CHỦ TỊCH"), Some(SignerCapacity::Tl));
        assert_eq!(
            title_capacity("TUQ. CHỦ TỊCH GIÁM ĐỐC SỞ NỘI VỤ"),
            Some(SignerCapacity::Tuq)
        );
        assert_eq!(title_capacity("kt. chủ tịch"), Some(SignerCapacity::Kt));
        assert_eq!(title_capacity("CHỦ TỊCH"), None);
        assert_eq!(title_capacity("Q. GIÁM ĐỐC"), None);
    }

    #[test]
    fn capacity_and_title_must_agree_when_both_are_given() {
        let kt = Some(SignerCapacity::Kt);
        assert_eq!(signer_capacity(Some("KT. CHỦ TỊCH"), None).unwrap(), kt);
        assert_eq!(signer_capacity(Some("KT. CHỦ TỊCH"), kt).unwrap(), kt);
        assert_eq!(signer_capacity(None, kt).unwrap(), kt);
        assert_eq!(signer_capacity(Some("CHỦ TỊCH"), None).unwrap(), None);
        assert!(signer_capacity(Some("TM. ỦY BAN NHÂN DÂN"), kt).is_err());
        assert!(signer_capacity(Some("CHỦ TỊCH"), kt).is_err());
    }
}
