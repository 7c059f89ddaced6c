//! Mutations of a mandate's life: draft, edit, issue, amend, revoke,
//! extend, transfer; and documents.

use super::*;

/// Resources that go with a power.
#[derive(InputObject, Default)]
pub struct ResourcesInput {
    /// Budget in đồng: 0 to 2^53 − 1 (NEGATIVE_RESOURCES, BUDGET_TOO_LARGE).
    pub budget_vnd: Option<i64>,
    /// Staff positions (biên chế), 0 or more.
    pub staff: Option<i32>,
    /// Facilities and equipment, as free text (at most 10,000 characters).
    #[graphql(validator(max_length = 10000))]
    pub facilities: Option<String>,
    /// Say why none go with it (and give no budget, staff or facilities);
    /// at most 10,000 characters.
    #[graphql(validator(max_length = 10000))]
    pub none_reason: Option<String>,
}

impl From<ResourcesInput> for service::Resources {
    fn from(r: ResourcesInput) -> Self {
        service::Resources {
            budget_vnd: r.budget_vnd,
            staff: r.staff,
            facilities: r.facilities,
            none_reason: r.none_reason,
        }
    }
}

/// A new mandate, drafted for issue.
#[derive(InputObject)]
pub struct DraftMandateInput {
    /// Stable business code, e.g. "19-PC-XD-01": 2 to 64 letters, digits,
    /// `-`, `_`, `.` or `/`, unique across mandates.
    #[graphql(validator(max_length = 64))]
    pub code: String,
    /// What is delegated, 1 to 500 characters.
    #[graphql(validator(max_length = 500))]
    pub title: String,
    /// Sector (lĩnh vực).
    pub sector: Sector,
    /// The code of the matter (việc) delegated, as catalogued (`matters`,
    /// UNKNOWN_MATTER otherwise), e.g. "XD-GIAY-PHEP"; the holding,
    /// two-level and one-lead rules compare mandates by it.
    #[graphql(validator(max_length = 64))]
    pub matter_code: String,
    /// Phân cấp, ủy quyền or phân quyền.
    pub kind: MandateKind,
    /// The delegating unit; you need APPROVER over it.
    pub delegator: ID,
    /// Whether the body as a whole, its head or its council delegates.
    #[graphql(default_with = "DelegatorCapacity::Collective")]
    pub delegator_capacity: DelegatorCapacity,
    /// Whether each delegatee unit receives as a body (UBND xã, a sở) or
    /// through its head (Chủ tịch UBND xã, Giám đốc Sở): an authorization
    /// from UBND tỉnh goes to the head of a sở, a decentralization to the
    /// sở itself.
    #[graphql(default_with = "DelegatorCapacity::Collective")]
    pub delegatee_capacity: DelegatorCapacity,
    /// The document it rests on (a normative one for a DECENTRALIZATION or
    /// DEVOLUTION); required to issue.
    pub legal_basis: Option<ID>,
    /// Article, clause, point of the basis (điều, khoản, điểm), at most 200
    /// characters.
    #[graphql(validator(max_length = 200))]
    pub legal_basis_article: Option<String>,
    /// Conditions of use, at most 10,000 characters; required to issue an
    /// AUTHORIZATION.
    #[graphql(validator(max_length = 10000))]
    pub conditions: Option<String>,
    /// Budget, staff or facilities that go with the power, or why none do;
    /// required to issue, except for a DEVOLUTION.
    #[graphql(default)]
    pub resources: ResourcesInput,
    /// First day in force.
    pub effective_from: Date,
    /// Last day in force, not before `effectiveFrom`; required for an
    /// AUTHORIZATION.
    pub effective_to: Option<Date>,
    /// Whether the delegatees may pass it on (never for an AUTHORIZATION).
    #[graphql(default)]
    pub allow_onward: bool,
    /// The mandate this one passes on (onward delegation).
    pub parent_mandate: Option<ID>,
    /// The receiving units, 1 to 500 distinct ids.
    pub delegatees: Vec<ID>,
    /// The decision of Chủ tịch UBND tỉnh (QD_CT_UBND, or a QD_UBND) of the
    /// delegator's province publishing the administrative procedures this
    /// delegation changes, issued on or before `effectiveFrom`; required
    /// to issue when the matter `changesProcedure` (PUBLICATION_REQUIRED,
    /// INVALID_PUBLICATION).
    pub procedure_publication: Option<ID>,
    /// The proposal it is drafted from: the proposal's drafting body
    /// (REPORTER or APPROVER) may then draft it while the proposal is
    /// DRAFTING or APPRAISED, for a matter it proposes
    /// (NOT_PROPOSED_MATTER); its decision issues it (decideProposal).
    pub proposal: Option<ID>,
}

impl TryFrom<DraftMandateInput> for service::MandateInput {
    type Error = AppError;

    fn try_from(input: DraftMandateInput) -> AppResult<Self> {
        Ok(service::MandateInput {
            code: input.code,
            title: input.title,
            sector: input.sector.into(),
            matter_code: input.matter_code,
            kind: input.kind.into(),
            delegator: decode_id_of(NodeKind::Unit, "delegator", &input.delegator)?,
            delegator_capacity: input.delegator_capacity.into(),
            delegatee_capacity: input.delegatee_capacity.into(),
            legal_basis: input
                .legal_basis
                .as_ref()
                .map(|id| doc_id("legalBasis", id))
                .transpose()?,
            legal_basis_article: input.legal_basis_article,
            conditions: input.conditions,
            resources: input.resources.into(),
            effective_from: input.effective_from.0,
            effective_to: input.effective_to.map(|d| d.0),
            allow_onward: input.allow_onward,
            parent: input
                .parent_mandate
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Mandate, "parentMandate", id))
                .transpose()?,
            delegatees: ids("delegatees", &input.delegatees)?,
            procedure_publication: input
                .procedure_publication
                .as_ref()
                .map(|id| doc_id("procedurePublication", id))
                .transpose()?,
            proposal: input
                .proposal
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Proposal, "proposal", id))
                .transpose()?,
        })
    }
}

/// The fields an edit of a draft and an amendment may change; omitted
/// fields keep their value.
#[derive(InputObject)]
pub struct MandateChanges {
    /// New title, 1 to 500 characters.
    #[graphql(validator(max_length = 500))]
    pub title: Option<String>,
    /// New article, clause, point of the basis, at most 200 characters.
    #[graphql(validator(max_length = 200))]
    pub legal_basis_article: Option<String>,
    /// New conditions of use, at most 10,000 characters.
    #[graphql(validator(max_length = 10000))]
    pub conditions: Option<String>,
    /// Replaces all the resources stated so far.
    pub resources: Option<ResourcesInput>,
    /// New last day in force.
    pub effective_to: Option<Date>,
    /// Whether the delegatees may pass it on (never for an AUTHORIZATION).
    pub allow_onward: Option<bool>,
    /// Replaces the receiving units: 1 to 500 distinct ids.
    pub delegatees: Option<Vec<ID>>,
    /// The decision publishing the administrative procedures the
    /// delegation changes (see `DraftMandateInput.procedurePublication`).
    pub procedure_publication: Option<ID>,
}

impl TryFrom<MandateChanges> for service::MandatePatch {
    type Error = AppError;

    fn try_from(changes: MandateChanges) -> AppResult<Self> {
        Ok(service::MandatePatch {
            title: changes.title,
            legal_basis_article: changes.legal_basis_article,
            conditions: changes.conditions,
            resources: changes.resources.map(Into::into),
            effective_to: changes.effective_to.map(|d| d.0),
            allow_onward: changes.allow_onward,
            delegatees: changes
                .delegatees
                .as_deref()
                .map(|l| ids("delegatees", l))
                .transpose()?,
            procedure_publication: changes
                .procedure_publication
                .as_ref()
                .map(|id| doc_id("procedurePublication", id))
                .transpose()?,
            ..Default::default()
        })
    }
}

/// Changes to a draft; omitted fields stay.
#[derive(InputObject)]
pub struct UpdateDraftMandateInput {
    /// The draft to change; an issued mandate is amended instead.
    pub id: ID,
    /// Sector (lĩnh vực).
    pub sector: Option<Sector>,
    /// Whether the delegatees receive as bodies or through their heads.
    pub delegatee_capacity: Option<DelegatorCapacity>,
    /// The document it rests on.
    pub legal_basis: Option<ID>,
    /// First day in force.
    pub effective_from: Option<Date>,
    /// What else changes.
    #[graphql(flatten)]
    pub changes: MandateChanges,
}

impl TryFrom<UpdateDraftMandateInput> for (Uuid, service::MandatePatch) {
    type Error = AppError;

    fn try_from(input: UpdateDraftMandateInput) -> AppResult<Self> {
        let patch = service::MandatePatch {
            sector: input.sector.map(Into::into),
            delegatee_capacity: input.delegatee_capacity.map(Into::into),
            legal_basis: input
                .legal_basis
                .as_ref()
                .map(|id| doc_id("legalBasis", id))
                .transpose()?,
            effective_from: input.effective_from.map(|d| d.0),
            ..input.changes.try_into()?
        };
        Ok((decode_id_of(NodeKind::Mandate, "id", &input.id)?, patch))
    }
}

/// A draft to issue (or to discard).
#[derive(InputObject)]
pub struct IssueMandateInput {
    /// The draft.
    pub id: ID,
}

/// An amendment: a new mandate that supersedes `id` from `effectiveFrom`.
#[derive(InputObject)]
pub struct AmendMandateInput {
    /// The issued mandate to amend; it must be in force on `effectiveFrom`.
    pub id: ID,
    /// Code of the new mandate (2 to 64 letters, digits, `-`, `_`, `.` or
    /// `/`; unique).
    #[graphql(validator(max_length = 64))]
    pub code: String,
    /// The amending document.
    pub legal_basis: ID,
    /// First day of the new mandate, after the amended one's first day;
    /// the amended one ends the day before.
    pub effective_from: Date,
    /// What the new version changes; the rest is the amended one's.
    #[graphql(flatten)]
    pub changes: MandateChanges,
}

impl TryFrom<AmendMandateInput> for (Uuid, service::Amendment) {
    type Error = AppError;

    fn try_from(input: AmendMandateInput) -> AppResult<Self> {
        let amendment = service::Amendment {
            code: input.code,
            legal_basis: doc_id("legalBasis", &input.legal_basis)?,
            effective_from: input.effective_from.0,
            patch: input.changes.try_into()?,
        };
        Ok((decode_id_of(NodeKind::Mandate, "id", &input.id)?, amendment))
    }
}

/// A revocation.
#[derive(InputObject)]
pub struct RevokeMandateInput {
    /// The issued mandate to revoke.
    pub id: ID,
    /// The revoking document.
    pub document: ID,
    /// Last day in force: from its first day to before its planned end.
    pub last_day: Date,
}

/// An extension of an authorization.
#[derive(InputObject)]
pub struct ExtendAuthorizationInput {
    /// The authorization (ủy quyền) to extend, in force or scheduled.
    pub id: ID,
    /// New last day, after the current one.
    pub effective_to: Date,
    /// The extending document.
    pub document: ID,
}

/// Carrying a lapsed assignment to successor units.
#[derive(InputObject)]
pub struct TransferAssignmentsInput {
    /// The lapsed assignment (`MandateAssignment.id`) whose delegatee ended.
    pub assignment: ID,
    /// The units that take it over (default: the delegatee's successors
    /// through lineage).
    pub successors: Option<Vec<ID>>,
    /// The document that decides the transfer.
    pub document: ID,
    /// First day for the successors.
    pub effective_from: Date,
}

/// The result of a mutation on a mandate.
#[derive(SimpleObject)]
pub struct MandatePayload {
    /// The mandate as changed (for an amendment, the new one); null when
    /// the change was refused.
    pub mandate: Option<Mandate>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

pub(super) fn mandate_payload(
    result: AppResult<mandate::Model>,
) -> async_graphql::Result<MandatePayload> {
    let (m, user_errors) = split(result)?;
    Ok(MandatePayload {
        mandate: m.map(|m| Mandate::new(m, calendar::today())),
        user_errors,
    })
}

pub(super) fn ids(field: &str, list: &[ID]) -> AppResult<Vec<Uuid>> {
    list.iter()
        .map(|id| decode_id_of(NodeKind::Unit, field, id))
        .collect()
}

pub(super) fn doc_id(field: &str, id: &ID) -> AppResult<Uuid> {
    decode_id_of(NodeKind::Document, field, id)
}

/// Mutations of mandates and documents (APPROVER over the delegator).
#[derive(Default)]
pub struct MandateMutation;

#[Object]
impl MandateMutation {
    /// Registers a legal document; its type must fit its number, and
    /// whether it is normative is read from the number.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn create_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document to register.")] input: CreateDocumentInput,
    ) -> async_graphql::Result<DocumentPayload> {
        let viewer = ctx.signed_in()?;
        let create = documents::CreateDocument {
            number: input.number,
            doc_type: input.r#type.into(),
            issuer_unit: input
                .issuer
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Unit, "issuer", id))
                .transpose()?,
            issuer_name: input.issuer_name,
            subject: input.subject,
            signer: input.signer,
            signer_title: input.signer_title,
            signer_capacity: input.signer_capacity.map(Into::into),
            recipients: input.recipients,
            links: input
                .links
                .iter()
                .map(|l| Ok((doc_id("links", &l.document)?, l.kind.into())))
                .collect::<AppResult<_>>()?,
            issued_date: input.issued_date.0,
            effective_from: input.effective_from.unwrap_or(input.issued_date).0,
            effective_to: input.effective_to.map(|d| d.0),
        };
        let db = ctx.db();
        let (doc, user_errors) =
            split(documents::create_document(db, Authority::Viewer(viewer), create).await)?;
        Ok(DocumentPayload {
            document: doc.map(Document),
            user_errors,
        })
    }

    /// Attaches a file to a document. Send it as a GraphQL multipart
    /// request (with the Authorization header); the content decides its
    /// type, and the same content attached twice is one attachment.
    #[graphql(guard = "RoleGuard(&[Role::Approver, Role::Admin])")]
    async fn attach_file(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document and the file.")] input: AttachFileInput,
    ) -> async_graphql::Result<AttachmentPayload> {
        let viewer = ctx.signed_in()?;
        let store = ctx.data::<attachments::FileStore>()?;
        let document = doc_id("document", &input.document)?;
        let upload = input.file.value(ctx)?;
        let db = ctx.db();
        let by = Authority::Viewer(viewer);
        let result =
            attachments::attach_file(db, store, by, document, &upload.filename, &upload.content)
                .await;
        let (attachment, user_errors) = split(result)?;
        Ok(AttachmentPayload {
            attachment: attachment.map(Attachment),
            user_errors,
        })
    }

    /// Removes a file attached to a document by mistake (audited; the
    /// content is deleted once no document has it). NOT_FOUND when the
    /// document has no attachment with that hash.
    #[graphql(guard = "RoleGuard(&[Role::Approver, Role::Admin])")]
    async fn detach_file(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document and the attachment's hash.")] input: DetachFileInput,
    ) -> async_graphql::Result<AttachmentPayload> {
        let viewer = ctx.signed_in()?;
        let store = ctx.data::<attachments::FileStore>()?;
        let document = doc_id("document", &input.document)?;
        let by = Authority::Viewer(viewer);
        let result = attachments::detach_file(ctx.db(), store, by, document, &input.sha256).await;
        let (attachment, user_errors) = split(result)?;
        Ok(AttachmentPayload {
            attachment: attachment.map(Attachment),
            user_errors,
        })
    }

    /// Drafts a mandate: APPROVER over the delegator, or the drafting body
    /// of its `proposal`; rules are checked when it is issued.
    #[graphql(guard = "RoleGuard(&[Role::Approver, Role::Reporter])")]
    async fn draft_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate to draft.")] input: DraftMandateInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = ctx.signed_in()?;
        let draft = input.try_into()?;
        let db = ctx.db();
        mandate_payload(service::draft_mandate(db, Authority::Viewer(viewer), draft).await)
    }

    /// Changes a draft (the same roles as drafting it).
    #[graphql(guard = "RoleGuard(&[Role::Approver, Role::Reporter])")]
    async fn update_draft_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft and the fields to change.")] input: UpdateDraftMandateInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = ctx.signed_in()?;
        let (id, patch) = input.try_into()?;
        let db = ctx.db();
        mandate_payload(service::update_draft(db, Authority::Viewer(viewer), id, patch).await)
    }

    /// Discards a draft never issued (the same roles as editing it); returns
    /// it as it was.
    #[graphql(guard = "RoleGuard(&[Role::Approver, Role::Reporter])")]
    async fn discard_draft_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft to discard.")] input: IssueMandateInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = ctx.signed_in()?;
        let id = decode_id_of(NodeKind::Mandate, "id", &input.id)?;
        let db = ctx.db();
        mandate_payload(service::discard_draft(db, Authority::Viewer(viewer), id).await)
    }

    /// Issues a draft after checking every rule.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn issue_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft to issue.")] input: IssueMandateInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = ctx.signed_in()?;
        let id = decode_id_of(NodeKind::Mandate, "id", &input.id)?;
        let db = ctx.db();
        mandate_payload(service::issue_mandate(db, Authority::Viewer(viewer), id).await)
    }

    /// Issues a new mandate that supersedes an issued one.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn amend_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate to amend and the new version.")] input: AmendMandateInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = ctx.signed_in()?;
        let (id, amendment) = input.try_into()?;
        let db = ctx.db();
        mandate_payload(service::amend_mandate(db, Authority::Viewer(viewer), id, amendment).await)
    }

    /// Revokes a mandate (and the onward delegations resting on it).
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn revoke_mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate, the revoking document and the last day.")]
        input: RevokeMandateInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = ctx.signed_in()?;
        let id = decode_id_of(NodeKind::Mandate, "id", &input.id)?;
        let document = doc_id("document", &input.document)?;
        let db = ctx.db();
        mandate_payload(
            service::revoke_mandate(
                db,
                Authority::Viewer(viewer),
                id,
                document,
                input.last_day.0,
            )
            .await,
        )
    }

    /// Moves an authorization's end date later.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn extend_authorization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The authorization, its new last day and the extending document.")]
        input: ExtendAuthorizationInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = ctx.signed_in()?;
        let id = decode_id_of(NodeKind::Mandate, "id", &input.id)?;
        let document = doc_id("document", &input.document)?;
        let db = ctx.db();
        mandate_payload(
            service::extend_authorization(
                db,
                Authority::Viewer(viewer),
                id,
                input.effective_to.0,
                document,
            )
            .await,
        )
    }

    /// Carries a lapsed assignment to the delegatee's successors.
    #[graphql(guard = "RoleGuard(&[Role::Approver])")]
    async fn transfer_assignments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lapsed assignment, its successors and the deciding document.")]
        input: TransferAssignmentsInput,
    ) -> async_graphql::Result<MandatePayload> {
        let viewer = ctx.signed_in()?;
        let assignment =
            decode_id_of(NodeKind::MandateAssignment, "assignment", &input.assignment)?;
        let successors = input
            .successors
            .as_deref()
            .map(|l| ids("successors", l))
            .transpose()?;
        let document = doc_id("document", &input.document)?;
        let db = ctx.db();
        let result = service::transfer_assignments(
            db,
            Authority::Viewer(viewer),
            assignment,
            successors,
            document,
            input.effective_from.0,
        )
        .await;
        mandate_payload(result)
    }
}
