//! Legal documents: the `Document` object, its list, and `createDocument`'s
//! input.

use super::*;

/// A legal document (văn bản).
pub struct Document(pub document::Model);

/// A legal document (văn bản): a law, decree, resolution, decision, plan,
/// report, submission or official letter, with its number, subject,
/// issuer, signer, recipients, dates and links to earlier documents.
/// Documents are public records: anyone may read them.
#[Object]
impl Document {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Document, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// Number and symbol as written, e.g. "57/NQ-HĐND".
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Type of document.
    async fn r#type(&self) -> DocumentType {
        self.0.doc_type.into()
    }

    /// A normative legal document (văn bản quy phạm pháp luật): read from
    /// the number, which carries the year only on one ("15/2025/QĐ-UBND"
    /// is, "902/QĐ-UBND" is not).
    async fn normative(&self) -> bool {
        self.0.normative
    }

    /// Trích yếu: what the document is about, e.g. "Về việc đẩy mạnh phân
    /// cấp trong quản lý nhà nước"; empty for documents registered before
    /// subjects were recorded.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// Nơi nhận: the recipients, in order.
    async fn recipients(&self) -> Vec<String> {
        documents::recipients_of(&self.0)
    }

    /// Earlier documents this one responds to, implements, amends or
    /// repeals.
    async fn links(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DocumentLink>> {
        Ok(link_list(ctx, self.0.id, false).await?)
    }

    /// Files attached to it (the signed scan, annexes), oldest first.
    async fn attachments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Attachment>> {
        let list = ctx
            .per_request::<MandateLoaders>()
            .attachments
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(list.into_iter().map(Attachment).collect())
    }

    /// Later documents that respond to, implement, amend or repeal this
    /// one.
    async fn linked_from(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DocumentLink>> {
        Ok(link_list(ctx, self.0.id, true).await?)
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

    /// The signer's title as printed, e.g. "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH";
    /// null when not recorded.
    async fn signer_title(&self) -> Option<&str> {
        self.0.signer_title.as_deref()
    }

    /// In which capacity it was signed (TM, KT, TL, TUQ); null when not
    /// recorded or signed in the signer's own name.
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

async fn link_list(ctx: &Context<'_>, id: Uuid, incoming: bool) -> AppResult<Vec<DocumentLink>> {
    let loaders = loaders(ctx);
    let links = loaders
        .links
        .load_one((id, incoming))
        .await?
        .unwrap_or_default();
    let docs = loaders
        .documents
        .load_many(links.iter().map(|(_, id)| *id))
        .await?;
    Ok(links
        .into_iter()
        .filter_map(|(kind, id)| {
            docs.get(&id).map(|d| DocumentLink {
                kind: kind.into(),
                document: Document(d.clone()),
            })
        })
        .collect())
}

/// A link between two documents, seen from one of them.
#[derive(SimpleObject)]
pub struct DocumentLink {
    /// How the later document relates to the earlier one.
    pub kind: DocumentLinkKind,
    /// The document at the other end of the link.
    pub document: Document,
}

/// The document `id` names (documents are public).
pub async fn document_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Document>> {
    Ok(loaders(ctx).documents.load_one(id).await?.map(Document))
}

/// A document to register. Whether it is normative is not given: it is
/// read from the number.
#[derive(InputObject)]
pub struct CreateDocumentInput {
    /// Number and symbol as written (số, ký hiệu): "số/năm/ký hiệu" for a
    /// legal normative document ("15/2025/QĐ-UBND"), "số/ký hiệu" for any
    /// other ("902/QĐ-UBND", "1785/UBND-NC"). The symbol must be the type's
    /// and name the issuer; the year must be the issue date's
    /// (MALFORMED_NUMBER, NUMBER_TYPE_MISMATCH, NUMBER_YEAR_REQUIRED,
    /// NUMBER_YEAR_NOT_ALLOWED, NUMBER_YEAR_MISMATCH,
    /// NUMBER_ISSUER_MISMATCH). "QD" may stand for "QĐ".
    #[graphql(validator(max_length = 100))]
    pub number: String,
    /// Type of document (loại văn bản).
    pub r#type: DocumentType,
    /// Trích yếu: what it is about, 1 to 1,000 characters.
    #[graphql(validator(max_length = 1000))]
    pub subject: String,
    /// The issuing unit, when it is in the tree (you need APPROVER over
    /// it); omit for a central body or one outside the tree.
    pub issuer: Option<ID>,
    /// The issuing body's name (default: the issuer unit's name).
    #[graphql(validator(max_length = 200))]
    pub issuer_name: Option<String>,
    /// Name of the signer, at most 200 characters.
    #[graphql(validator(max_length = 200))]
    pub signer: Option<String>,
    /// The signer's title as printed, e.g. "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH",
    /// at most 200 characters; its prefix (TM., KT., TL., TUQ.) gives the
    /// capacity when `signerCapacity` is omitted.
    #[graphql(validator(max_length = 200))]
    pub signer_title: Option<String>,
    /// In which capacity it was signed (TM, KT, TL, TUQ); must agree with
    /// the title's prefix when both are given (SIGNER_CAPACITY_MISMATCH).
    pub signer_capacity: Option<SignerCapacity>,
    /// Nơi nhận: up to 100 recipients, each 1 to 500 characters.
    #[graphql(default, validator(list, max_items = 100, max_length = 500))]
    pub recipients: Vec<String>,
    /// Earlier documents it responds to, implements, amends or repeals
    /// (at most 50; each issued no later than this one).
    #[graphql(default, validator(max_items = 50))]
    pub links: Vec<DocumentLinkInput>,
    /// Date of issue (ngày ban hành).
    pub issued_date: Date,
    /// First day in force, not before the issue date (default: the issue
    /// date).
    pub effective_from: Option<Date>,
    /// Last day in force, not before `effectiveFrom`; omit while it has no
    /// end date.
    pub effective_to: Option<Date>,
}

/// A link from the document being registered to an earlier one.
#[derive(InputObject)]
pub struct DocumentLinkInput {
    /// The earlier document.
    pub document: ID,
    /// How the new document relates to it.
    pub kind: DocumentLinkKind,
}

/// What documents to list.
#[derive(InputObject, Default)]
pub struct DocumentFilter {
    /// Text in the number, subject or issuer name, ignoring case and
    /// diacritics ("giay phep" finds "Giấy phép"); at most 100 characters.
    #[graphql(validator(max_length = 100))]
    pub search: Option<String>,
    /// Of this type.
    pub r#type: Option<DocumentType>,
    /// Issued by this unit.
    pub issuer: Option<ID>,
    /// Issued in this year.
    pub year: Option<i32>,
    /// With this number ("QD" matching "QĐ", spaces ignored); at most 100
    /// characters.
    #[graphql(validator(max_length = 100))]
    pub number: Option<String>,
}

/// A page of documents (Relay connection), ordered by number.
pub struct DocumentConnection {
    pub(super) page: Page<document::Model>,
    pub(super) filter: documents::DocumentFilter,
    /// The order the list was read in, which its cursors follow.
    pub(super) order: Option<ListOrder>,
}

/// A page of documents (Relay connection).
#[Object]
impl DocumentConnection {
    /// The documents of this page with their cursors.
    async fn edges(&self) -> Vec<DocumentEdge> {
        self.page
            .items
            .iter()
            .map(|d| DocumentEdge {
                cursor: documents::cursor_in(self.order, d).encode(),
                node: Document(d.clone()),
            })
            .collect()
    }

    /// The documents of this page.
    async fn nodes(&self) -> Vec<Document> {
        self.page.items.iter().cloned().map(Document).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, |d| documents::cursor_in(self.order, d))
    }

    /// How many documents match, over all pages (counted when asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(documents::count(ctx.db(), &self.filter).await?)
    }
}

/// A document and its cursor.
#[derive(SimpleObject)]
pub struct DocumentEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The document.
    node: Document,
}

/// The result of a mutation on a document.
#[derive(SimpleObject)]
pub struct DocumentPayload {
    /// The document registered; null when it was refused.
    pub document: Option<Document>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A file attached to a document, stored by the SHA-256 of its content.
pub struct Attachment(pub entity::attachment::Model);

/// A file attached to a document: the signed scan of a decision, an annex.
/// Anyone may download it, as anyone may read the document.
#[Object]
impl Attachment {
    /// The name the uploader gave, e.g. "1883-QD-UBND.pdf".
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }

    /// The media type read from the content, e.g. "application/pdf".
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }

    /// Size in bytes.
    async fn size_bytes(&self) -> f64 {
        self.0.size_bytes as f64
    }

    /// Lower-case hex SHA-256 of the content; a downloaded file can be
    /// checked against it.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Where to download it: a path on this server,
    /// `/attachments/{id}`, served with this attachment's name and type.
    async fn url(&self) -> String {
        format!("/attachments/{}", self.0.id)
    }
}

/// A file to attach to a document.
#[derive(InputObject)]
pub struct AttachFileInput {
    /// The document; you need APPROVER over its issuer.
    pub document: ID,
    /// The file, sent by the GraphQL multipart request spec (a PDF, PNG,
    /// JPEG, Word, Excel or OpenDocument file; at most
    /// PHANCAP_MAX_FILE_BYTES, 20 MiB by default).
    pub file: async_graphql::Upload,
}

/// The result of attachFile.
#[derive(SimpleObject)]
pub struct AttachmentPayload {
    /// The attachment attached (the existing one when the same content was
    /// already attached) or removed; null when refused.
    pub attachment: Option<Attachment>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A file to remove from a document.
#[derive(InputObject)]
pub struct DetachFileInput {
    /// The document; you need APPROVER over its issuer (ADMIN for a
    /// document of a body outside the tree).
    pub document: ID,
    /// The `sha256` of the attachment to remove.
    #[graphql(validator(max_length = 64))]
    pub sha256: String,
}
