//! The catalogue of powers: the `Matter` object, its reads and the
//! mutations that keep it (ADMIN or LEGAL_REVIEWER).

use async_graphql::ComplexObject;
use entity::matter;

use super::*;
use crate::mandates::matters::{self, import};

/// The body the law assigns a matter to (its original holder).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::matter::MatterHolder")]
pub enum MatterHolder {
    /// Hội đồng nhân dân tỉnh (the provincial People's Council).
    HdndProvince,
    /// Ủy ban nhân dân tỉnh (the provincial People's Committee).
    UbndProvince,
    /// Chủ tịch Ủy ban nhân dân tỉnh (the chairman of the provincial committee).
    ChairProvince,
    /// A sở (provincial department), by law.
    DepartmentByLaw,
    /// Hội đồng nhân dân xã (the commune People's Council).
    HdndCommune,
    /// Ủy ban nhân dân xã (the commune People's Committee).
    UbndCommune,
    /// Chủ tịch Ủy ban nhân dân xã (the chairman of the commune committee).
    ChairCommune,
}

crate::labels!(MatterHolder {
    HdndProvince => "HĐND tỉnh",
    UbndProvince => "UBND tỉnh",
    ChairProvince => "Chủ tịch UBND tỉnh",
    DepartmentByLaw => "Sở (theo luật)",
    HdndCommune => "HĐND xã",
    UbndCommune => "UBND xã",
    ChairCommune => "Chủ tịch UBND xã",
});

/// A power in the catalogue.
pub struct Matter(pub matter::Model);

/// A power in the catalogue of powers (danh mục thẩm quyền): a matter
/// (việc) the law assigns to a body, which mandates delegate. Public.
#[Object]
impl Matter {
    /// Business code, e.g. "XD-GIAY-PHEP"; what `Mandate.matterCode` holds.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// What the power is, e.g. "Cấp giấy phép xây dựng công trình cấp II, III".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Sector (lĩnh vực).
    async fn sector(&self) -> Sector {
        self.0.sector.into()
    }

    /// The law (and article) that assigns it, as cited, e.g. "Luật Xây
    /// dựng 2014, Điều 103".
    async fn law(&self) -> &str {
        &self.0.law
    }

    /// That law as a registered document; null when none is linked.
    async fn law_document(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        match self.0.law_document_id {
            Some(id) => Ok(loaders(ctx).documents.load_one(id).await?.map(Document)),
            None => Ok(None),
        }
    }

    /// The body the law assigns it to (its original holder).
    async fn holder(&self) -> MatterHolder {
        self.0.holder.into()
    }

    /// For a power the law gives "a sở": which one, by the abbreviation
    /// its code and symbols carry (e.g. "SYT": Sở Y tế, unit 19-SYT); a
    /// devolution records that sở only. Null when not recorded (any sở).
    async fn holder_department(&self) -> Option<&str> {
        self.0.holder_department.as_deref()
    }

    /// The law forbids delegating it: issuing a phân cấp or ủy quyền of it
    /// is refused (NON_DELEGABLE; LAW.md §7.3 R8).
    async fn non_delegable(&self) -> bool {
        self.0.non_delegable
    }

    /// The provision that forbids delegating it; null unless `nonDelegable`.
    async fn non_delegable_basis(&self) -> Option<&str> {
        self.0.non_delegable_basis.as_deref()
    }

    /// It increases a public service unit's autonomy, the only kind of
    /// matter that may be authorized to one (LAW.md §7.3 R9).
    async fn autonomy_related(&self) -> bool {
        self.0.autonomy_related
    }

    /// Administrative procedure (TTHC) codes of the national database,
    /// e.g. "1.009993"; empty when none are linked.
    async fn procedure_codes(&self) -> Vec<String> {
        matters::procedure_codes(&self.0)
    }

    /// Delegating it changes an administrative procedure, so a mandate of
    /// it must cite the publication decision (LAW.md §7.3 R16).
    async fn changes_procedure(&self) -> bool {
        self.0.changes_procedure
    }

    /// First day in the catalogue; null since before the records begin.
    async fn valid_from(&self) -> Option<Date> {
        self.0.valid_from.map(Date)
    }

    /// Last day in the catalogue; null while it stays.
    async fn valid_to(&self) -> Option<Date> {
        self.0.valid_to.map(Date)
    }
}

/// What to list of the catalogue.
#[derive(InputObject, Default)]
pub struct MatterFilter {
    /// Words of the name (case and diacritics ignored: "giay phep"
    /// finds "giấy phép"), the start of the code, or a TTHC code; at most 100
    /// characters.
    #[graphql(validator(max_length = 100))]
    pub search: Option<String>,
    /// Of this sector.
    pub sector: Option<Sector>,
    /// Held by this body by law.
    pub holder: Option<MatterHolder>,
    /// Only the non-delegable (true) or only the delegable (false).
    pub non_delegable: Option<bool>,
}

/// A page of the catalogue (Relay connection), ordered by code.
pub struct MatterConnection {
    page: Page<matter::Model>,
    filter: matters::MatterFilter,
}

/// A page of the catalogue (Relay connection), ordered by code.
#[Object]
impl MatterConnection {
    /// The matters of this page with their cursors.
    async fn edges(&self) -> Vec<MatterEdge> {
        self.page
            .items
            .iter()
            .map(|m| MatterEdge {
                cursor: matters::cursor(m).encode(),
                node: Matter(m.clone()),
            })
            .collect()
    }

    /// The matters of this page.
    async fn nodes(&self) -> Vec<Matter> {
        self.page.items.iter().cloned().map(Matter).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, matters::cursor)
    }

    /// How many matters match, over all pages (counted when asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(matters::count(ctx.db(), &self.filter).await?)
    }
}

/// A matter and its cursor.
#[derive(SimpleObject)]
pub struct MatterEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The matter.
    node: Matter,
}

/// Reads of the catalogue of powers (public).
#[derive(Default)]
pub struct MatterQuery;

#[Object]
impl MatterQuery {
    /// The catalogue of powers, ordered by code.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn matters(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to list (default: the whole catalogue).")] filter: Option<
            MatterFilter,
        >,
        #[graphql(
            desc = "At most this many items from the start of the list (0 to 100; 20 when neither `first` nor `last` is given). Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Only items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "At most this many items from the end of the list (0 to 100). Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Only items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<MatterConnection> {
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let filter = filter.unwrap_or_default();
        let search = text::checked_opt("search", &filter.search, 100)?;
        let filter = matters::MatterFilter {
            search,
            sector: filter.sector.map(Into::into),
            holder: filter.holder.map(Into::into),
            non_delegable: filter.non_delegable,
        };
        let page = matters::list(ctx.db(), &filter, &page).await?;
        Ok(MatterConnection { page, filter })
    }

    /// A matter by its code; null when the catalogue has none.
    async fn matter(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The matter's code, e.g. \"XD-GIAY-PHEP\" (at most 64 characters).")]
        code: String,
    ) -> async_graphql::Result<Option<Matter>> {
        let code = text::checked("code", &code, 64)?;
        Ok(loaders(ctx)
            .matters
            .load_one(code.to_owned())
            .await?
            .map(Matter))
    }
}

/// A new matter of the catalogue.
#[derive(InputObject)]
pub struct CreateMatterInput {
    /// Business code: 2 to 64 letters, digits, `-`, `_`, `.` or `/`,
    /// unique (INVALID_CODE, DUPLICATE_CODE).
    #[graphql(validator(max_length = 64))]
    pub code: String,
    /// What the power is, 1 to 500 characters.
    #[graphql(validator(max_length = 500))]
    pub name: String,
    /// Sector (lĩnh vực).
    pub sector: Sector,
    /// The law (and article) that assigns it, 1 to 500 characters.
    #[graphql(validator(max_length = 500))]
    pub law: String,
    /// That law as a registered document.
    pub law_document: Option<ID>,
    /// The body the law assigns it to.
    pub holder: MatterHolder,
    /// For a DEPARTMENT_BY_LAW matter, the sở by its abbreviation
    /// (e.g. "SYT"), 2 to 12 letters.
    #[graphql(validator(max_length = 12))]
    pub holder_department: Option<String>,
    /// The law forbids delegating it (then give `nonDelegableBasis`).
    #[graphql(default)]
    pub non_delegable: bool,
    /// The provision that forbids delegating it, at most 500 characters;
    /// exactly when `nonDelegable` (NON_DELEGABLE_BASIS_REQUIRED).
    #[graphql(validator(max_length = 500))]
    pub non_delegable_basis: Option<String>,
    /// It increases a public service unit's autonomy (R9).
    #[graphql(default)]
    pub autonomy_related: bool,
    /// TTHC codes, each a digit, a dot and six digits, e.g. "1.009993"; at
    /// most 50 (INVALID_PROCEDURE_CODE), each at most 16 characters.
    #[graphql(default, validator(list, max_length = 16))]
    pub procedure_codes: Vec<String>,
    /// Delegating it changes an administrative procedure (R16).
    #[graphql(default)]
    pub changes_procedure: bool,
    /// First day in the catalogue.
    pub valid_from: Option<Date>,
    /// Last day in the catalogue, not before `validFrom`.
    pub valid_to: Option<Date>,
}

/// Changes to a matter; omitted fields stay.
#[derive(InputObject)]
pub struct UpdateMatterInput {
    /// The code of the matter to change.
    #[graphql(validator(max_length = 64))]
    pub code: String,
    /// A new code; refused while mandates name the matter (MATTER_IN_USE).
    #[graphql(validator(max_length = 64))]
    pub new_code: Option<String>,
    /// New name, 1 to 500 characters.
    #[graphql(validator(max_length = 500))]
    pub name: Option<String>,
    /// New sector.
    pub sector: Option<Sector>,
    /// New citation of the law, 1 to 500 characters.
    #[graphql(validator(max_length = 500))]
    pub law: Option<String>,
    /// That law as a registered document.
    pub law_document: Option<ID>,
    /// New original holder.
    pub holder: Option<MatterHolder>,
    /// New sở for a DEPARTMENT_BY_LAW matter; an empty text clears it.
    #[graphql(validator(max_length = 12))]
    pub holder_department: Option<String>,
    /// Whether the law forbids delegating it; false also clears
    /// `nonDelegableBasis`.
    pub non_delegable: Option<bool>,
    /// The provision that forbids delegating it, at most 500 characters.
    #[graphql(validator(max_length = 500))]
    pub non_delegable_basis: Option<String>,
    /// Whether it increases a public service unit's autonomy.
    pub autonomy_related: Option<bool>,
    /// Replaces the TTHC codes (each at most 16 characters).
    #[graphql(validator(list, max_length = 16))]
    pub procedure_codes: Option<Vec<String>>,
    /// Whether delegating it changes an administrative procedure.
    pub changes_procedure: Option<bool>,
    /// New first day in the catalogue.
    pub valid_from: Option<Date>,
    /// New last day in the catalogue.
    pub valid_to: Option<Date>,
}

/// An import of the catalogue from CSV.
#[derive(InputObject)]
pub struct ImportMattersInput {
    /// The CSV text, at most 65,536 characters: a header row naming the
    /// columns `code`, `name`, `sector`, `law`, `holder` (required) and
    /// optionally `non_delegable`, `non_delegable_basis`,
    /// `autonomy_related`, `procedure_codes` (`;`-separated),
    /// `changes_procedure` (true/false), `valid_from`, `valid_to`
    /// (YYYY-MM-DD); then one matter per row. A row creates the matter of
    /// its code or updates it.
    #[graphql(validator(max_length = 65536))]
    pub csv: String,
    /// Check and count without writing anything (no audit event either).
    #[graphql(default)]
    pub dry_run: bool,
}

/// The result of a change to one matter.
#[derive(SimpleObject)]
pub struct MatterPayload {
    /// The matter as changed; null when the change was refused.
    pub matter: Option<Matter>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A fault of an imported CSV file.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ImportLineError {
    /// Line in the file, 1-based, the header being line 1.
    pub line: i32,
    /// The column at fault; null when the whole line is.
    pub column: Option<String>,
    /// Which rule refused it.
    pub code: UserErrorCode,
    /// The English explanation (`message` gives it in the request's
    /// language).
    #[graphql(skip)]
    pub english: String,
}

#[ComplexObject]
impl ImportLineError {
    /// Explanation for a person: in Vietnamese (the code's label), or in
    /// English when the request prefers it (`Accept-Language: en`).
    async fn message(&self, ctx: &Context<'_>) -> String {
        crate::graphql::refusal_message(
            crate::labels::Lang::of(ctx),
            self.code,
            &self.english,
            None,
        )
    }
}

/// The result of an import: counts, or every fault (and nothing written).
#[derive(SimpleObject)]
pub struct ImportMattersPayload {
    /// Whether it only checked (`dryRun`).
    pub dry_run: bool,
    /// Matters created (or that would be, on a dry run).
    pub created: i32,
    /// Matters updated (or that would be).
    pub updated: i32,
    /// Rows identical to the catalogue.
    pub unchanged: i32,
    /// The faults by line and column; empty on success.
    pub line_errors: Vec<ImportLineError>,
    /// The same faults as user errors (`field` "csv", the message naming
    /// line and column); empty on success.
    pub user_errors: Vec<UserError>,
}

fn matter_payload(result: AppResult<matter::Model>) -> async_graphql::Result<MatterPayload> {
    let (m, user_errors) = split(result)?;
    Ok(MatterPayload {
        matter: m.map(Matter),
        user_errors,
    })
}

fn opt_doc(field: &str, id: &Option<ID>) -> AppResult<Option<Uuid>> {
    id.as_ref().map(|id| doc_id(field, id)).transpose()
}

/// Mutations of the catalogue (ADMIN or LEGAL_REVIEWER).
#[derive(Default)]
pub struct MatterMutation;

#[Object]
impl MatterMutation {
    /// Adds a matter to the catalogue of powers.
    #[graphql(guard = "RoleGuard(&[Role::Admin, Role::LegalReviewer])")]
    async fn create_matter(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The matter to add.")] input: CreateMatterInput,
    ) -> async_graphql::Result<MatterPayload> {
        let viewer = ctx.signed_in()?;
        let create = matters::MatterInput {
            law_document: opt_doc("lawDocument", &input.law_document)?,
            code: input.code,
            name: input.name,
            sector: input.sector.into(),
            law: input.law,
            holder: input.holder.into(),
            holder_department: input.holder_department,
            non_delegable: input.non_delegable,
            non_delegable_basis: input.non_delegable_basis,
            autonomy_related: input.autonomy_related,
            procedure_codes: input.procedure_codes,
            changes_procedure: input.changes_procedure,
            valid_from: input.valid_from.map(|d| d.0),
            valid_to: input.valid_to.map(|d| d.0),
        };
        matter_payload(matters::create_matter(ctx.db(), Authority::Viewer(viewer), create).await)
    }

    /// Changes a matter of the catalogue.
    #[graphql(guard = "RoleGuard(&[Role::Admin, Role::LegalReviewer])")]
    async fn update_matter(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The matter and the fields to change.")] input: UpdateMatterInput,
    ) -> async_graphql::Result<MatterPayload> {
        let viewer = ctx.signed_in()?;
        let patch = matters::MatterPatch {
            law_document: opt_doc("lawDocument", &input.law_document)?,
            code: input.new_code,
            name: input.name,
            sector: input.sector.map(Into::into),
            law: input.law,
            holder: input.holder.map(Into::into),
            holder_department: input.holder_department,
            non_delegable: input.non_delegable,
            non_delegable_basis: input.non_delegable_basis,
            autonomy_related: input.autonomy_related,
            procedure_codes: input.procedure_codes,
            changes_procedure: input.changes_procedure,
            valid_from: input.valid_from.map(|d| d.0),
            valid_to: input.valid_to.map(|d| d.0),
        };
        let db = ctx.db();
        matter_payload(
            matters::update_matter(db, Authority::Viewer(viewer), &input.code, patch).await,
        )
    }

    /// Imports matters from CSV, all or nothing: each row creates or
    /// updates the matter of its code; any fault is listed by line and
    /// column and nothing is written. Recorded as one audit event.
    #[graphql(guard = "RoleGuard(&[Role::Admin, Role::LegalReviewer])")]
    async fn import_matters(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The CSV and whether to only check it.")] input: ImportMattersInput,
    ) -> async_graphql::Result<ImportMattersPayload> {
        let viewer = ctx.signed_in()?;
        let db = ctx.db();
        let outcome =
            import::import_matters(db, Authority::Viewer(viewer), &input.csv, input.dry_run)
                .await?;
        Ok(match outcome {
            Ok(counts) => ImportMattersPayload {
                dry_run: input.dry_run,
                created: counts.created as i32,
                updated: counts.updated as i32,
                unchanged: counts.unchanged as i32,
                line_errors: Vec::new(),
                user_errors: Vec::new(),
            },
            Err(errors) => ImportMattersPayload {
                dry_run: input.dry_run,
                created: 0,
                updated: 0,
                unchanged: 0,
                user_errors: errors
                    .iter()
                    .map(|e| {
                        use crate::labels::Labelled;
                        let (en, vi) = match &e.column {
                            Some(c) => (
                                format!("line {}, column {c}: {}", e.line, e.message),
                                format!("Dòng {}, cột {c}: {}", e.line, e.code.label()),
                            ),
                            None => (
                                format!("line {}: {}", e.line, e.message),
                                format!("Dòng {}: {}", e.line, e.code.label()),
                            ),
                        };
                        UserError {
                            vi: Some(vi),
                            ..UserError::new(Some("csv".into()), e.code, en)
                        }
                    })
                    .collect(),
                line_errors: errors
                    .into_iter()
                    .map(|e| ImportLineError {
                        line: e.line.min(i32::MAX as u64) as i32,
                        column: e.column,
                        code: e.code,
                        english: e.message,
                    })
                    .collect(),
            },
        })
    }
}
