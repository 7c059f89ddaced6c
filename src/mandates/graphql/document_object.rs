//! Legal documents: the `Document` object and `createDocument`.

use super::*;

/// A legal document (văn bản).
pub struct Document(pub document::Model);

/// A legal document (văn bản): a law, decree, resolution, decision or
/// official letter, with its number, issuer, signer and dates. Documents
/// are public.
#[Object]
impl Document {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Document, self.0.id)
    }

    /// Number and symbol as written, e.g. "57/NQ-HĐND".
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Type of document.
    async fn r#type(&self) -> DocumentType {
        self.0.doc_type.into()
    }

    /// A normative legal document (văn bản quy phạm pháp luật).
    async fn normative(&self) -> bool {
        self.0.normative
    }

    /// Name of the issuing body.
    async fn issuer_name(&self) -> &str {
        &self.0.issuer_name
    }

    /// The issuing unit, when it is in the tree; null for a central body
    /// (Quốc hội, Chính phủ, a ministry).
    async fn issuer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Unit>> {
        match self.0.issuer_unit_id {
            Some(id) => Ok(Some(unit_by_id(ctx, id, Some(self.0.issued_date)).await?)),
            None => Ok(None),
        }
    }

    /// Who signed it, by name; null when not recorded.
    async fn signer(&self) -> Option<&str> {
        self.0.signer.as_deref()
    }

    /// In which capacity it was signed (TM, KT, TL, TUQ); null when not
    /// recorded.
    async fn signer_capacity(&self) -> Option<SignerCapacity> {
        self.0.signer_capacity.map(Into::into)
    }

    /// Date of issue.
    async fn issued_date(&self) -> Date {
        Date(self.0.issued_date)
    }

    /// First day in force.
    async fn effective_from(&self) -> Date {
        Date(self.0.effective_from)
    }

    /// Last day in force; null while it has no end date.
    async fn effective_to(&self) -> Option<Date> {
        self.0.effective_to.map(Date)
    }
}

/// The document `id` names (documents are public).
pub async fn document_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Document>> {
    Ok(loaders(ctx).documents.load_one(id).await?.map(Document))
}

/// A document to register.
#[derive(InputObject)]
pub struct CreateDocumentInput {
    /// Number and symbol as written, e.g. "57/NQ-HĐND".
    #[graphql(validator(max_length = 100))]
    pub number: String,
    /// Type of document (loại văn bản).
    pub r#type: DocumentType,
    /// A normative legal document (văn bản QPPL).
    pub normative: bool,
    /// The issuing unit, when it is in the tree (you need APPROVER over it).
    pub issuer: Option<ID>,
    /// The issuing body's name (default: the issuer unit's name).
    #[graphql(validator(max_length = 200))]
    pub issuer_name: Option<String>,
    /// Name of the signer, at most 200 characters.
    #[graphql(validator(max_length = 200))]
    pub signer: Option<String>,
    /// In which capacity it was signed (TM, KT, TL, TUQ).
    pub signer_capacity: Option<SignerCapacity>,
    /// Date of issue (ngày ban hành).
    pub issued_date: Date,
    /// First day in force, not before the issue date (default: the issue
    /// date).
    pub effective_from: Option<Date>,
    /// Last day in force, not before `effectiveFrom`; omit while it has no
    /// end date.
    pub effective_to: Option<Date>,
}

/// The result of a mutation on a document.
#[derive(SimpleObject)]
pub struct DocumentPayload {
    /// The document registered; null when it was refused.
    pub document: Option<Document>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}
