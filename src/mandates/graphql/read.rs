//! Queries of mandates: by id or code, lists, expiring authorizations and
//! coverage of a territory.

use super::*;

/// What to list.
#[derive(InputObject, Default)]
pub struct MandateFilter {
    /// Delegated by this unit.
    pub delegator: Option<ID>,
    /// Assigned to this unit.
    pub delegatee: Option<ID>,
    /// Delegator or a delegatee in this unit's subtree.
    pub within: Option<ID>,
    /// Of this sector (lĩnh vực).
    pub sector: Option<Sector>,
    /// Of this kind: phân cấp, ủy quyền or phân quyền.
    pub kind: Option<MandateKind>,
    /// Where they stand on `asOf`, as the `status` field reads.
    pub status: Option<MandateStatus>,
    /// Text in the code, title or matter code, ignoring case and
    /// diacritics ("giay phep" finds "Cấp giấy phép…"); at most 100
    /// characters.
    #[graphql(validator(max_length = 100))]
    pub search: Option<String>,
}

/// A page of mandates (Relay connection).
pub struct MandateConnection {
    page: Page<mandate::Model>,
    as_of: NaiveDate,
    viewer: Option<Viewer>,
    filter: service::MandateFilter,
    /// The order the list was read in, which its cursors follow.
    order: Option<ListOrder>,
}

/// A page of mandates (Relay connection).
#[Object]
impl MandateConnection {
    /// The mandates of this page with their cursors.
    async fn edges(&self) -> Vec<MandateEdge> {
        self.page
            .items
            .iter()
            .map(|m| MandateEdge {
                cursor: service::cursor_in(self.order, m).encode(),
                node: Mandate::new(m.clone(), self.as_of),
            })
            .collect()
    }

    /// The mandates of this page.
    async fn nodes(&self) -> Vec<Mandate> {
        self.page
            .items
            .iter()
            .map(|m| Mandate::new(m.clone(), self.as_of))
            .collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, |m| service::cursor_in(self.order, m))
    }

    /// How many mandates match, over all pages (counted when asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let viewer = self.viewer.as_ref();
        Ok(service::count(ctx.db(), viewer, &self.filter, self.as_of).await?)
    }
}

/// A mandate and its cursor.
#[derive(SimpleObject)]
pub struct MandateEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The mandate.
    node: Mandate,
}

/// Where a catalogued matter stands in a territory on a date.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "service::CoverageStatus")]
pub enum CoverageStatus {
    /// Delegatees hold it there, by a mandate in force.
    Delegated,
    /// The body the law assigns it to holds it: nothing delegates it there
    /// on the date (a scheduled, expired or revoked mandate gives the
    /// power back to it).
    Original,
    /// A mandate in force gives it there but every delegatee has ended; it
    /// awaits `transferAssignments` to their successors.
    Lapsed,
    /// Nobody holds it: no delegatee, and the body the law assigns it to
    /// does not exist there on the date (a gap).
    NoHolder,
}

crate::labels!(CoverageStatus {
    Delegated => "Đã phân cấp, ủy quyền",
    Original => "Theo thẩm quyền gốc",
    Lapsed => "Gián đoạn",
    NoHolder => "Không có cơ quan thực hiện",
});

/// A catalogued matter's coverage in a territory.
#[derive(SimpleObject)]
pub struct MatterCoverage {
    /// The matter (as in `Mandate.matterCode`).
    pub matter_code: String,
    /// The matter of the catalogue.
    pub matter: Matter,
    /// Who holds it on the date.
    pub status: CoverageStatus,
    /// The assignments that hold it on the date over the territory; empty
    /// unless DELEGATED.
    pub holders: Vec<MandateAssignment>,
    /// Assignments in force whose delegatee has ended (awaiting transfer).
    pub lapsed: Vec<MandateAssignment>,
    /// The body the law assigns it to (its original holder).
    pub original_holder: MatterHolder,
    /// The province or commune whose body that is, when one unit is; null
    /// when each commune of the territory holds it, or none exists there.
    pub original_holder_unit: Option<Unit>,
    /// Whether holders' territories overlap outside one chain of
    /// delegation (more than one lead).
    pub overlapping: bool,
    /// The latest mandate of the matter in the territory (by first day in
    /// force) that you may see; null when there is none.
    pub latest: Option<Mandate>,
}

/// Every catalogued matter of a territory on a date: who holds it, and
/// which have no holder, a lapsed holder or overlapping holders.
#[derive(SimpleObject)]
pub struct Coverage {
    /// The day the coverage is for.
    pub as_of: Date,
    /// How many matters the catalogue has on the date.
    pub matters: i32,
    /// Every matter of the catalogue on the date, by code.
    pub entries: Vec<MatterCoverage>,
    /// Matters nobody holds on the date (NO_HOLDER: no managing body).
    pub gaps: Vec<MatterCoverage>,
    /// Matters with an assignment whose delegatee has ended, awaiting
    /// transfer to its successors.
    pub lapsed: Vec<MatterCoverage>,
    /// Matters whose holders' territories overlap (more than one lead).
    pub overlaps: Vec<MatterCoverage>,
}

pub(super) async fn anchor(ctx: &Context<'_>, field: &str, id: &ID) -> AppResult<unit::Model> {
    let uuid = decode_id_of(NodeKind::Unit, field, id)?;
    crate::units::service::existing(ctx.db(), uuid).await
}

/// Queries of mandates and documents.
#[derive(Default)]
pub struct MandateQuery;

#[Object]
impl MandateQuery {
    /// A mandate by id; null when there is none. Anyone may read a mandate
    /// in force on `asOf`; any other needs a grant over its delegator
    /// (FORBIDDEN, or UNAUTHENTICATED for an anonymous caller).
    async fn mandate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate's global id.")] id: ID,
        #[graphql(desc = "The day to read the mandate on (default: today, Vietnam time).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Option<Mandate>> {
        let uuid = decode_id_of(NodeKind::Mandate, "id", &id)?;
        Ok(mandate_node(ctx, uuid, as_of.map_or_else(calendar::today, |d| d.0)).await?)
    }

    /// A mandate by its business code; null when no mandate has it
    /// (visibility as for `mandate`).
    async fn mandate_by_code(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mandate's code, e.g. \"19-PC-XD-01\" (at most 64 characters).")]
        code: String,
        #[graphql(desc = "The day to read the mandate on (default: today, Vietnam time).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Option<Mandate>> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let code = text::checked("code", &code, 64)?;
        let db = ctx.db();
        let found = mandate::Entity::find()
            .filter(mandate::Column::Code.eq(code))
            .one(db)
            .await?;
        match found {
            Some(m) => {
                Ok(mandate_node(ctx, m.id, as_of.map_or_else(calendar::today, |d| d.0)).await?)
            }
            None => Ok(None),
        }
    }

    /// Mandates the caller may see (anyone: those in force on `asOf`;
    /// signed-in users also the others delegated within their grants'
    /// scope), ordered by code unless `orderBy` says otherwise.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn mandates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to list (default: everything the caller may see).")] filter: Option<
            MandateFilter,
        >,
        #[graphql(
            desc = "The day statuses and visibility are read on (default: today, Vietnam time)."
        )]
        as_of: Option<Date>,
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
        #[graphql(
            desc = "By code (the default) or by title in Vietnamese alphabetical order, ascending or descending."
        )]
        order_by: Option<ListOrder>,
    ) -> async_graphql::Result<MandateConnection> {
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?
            .ordered(order_by)?;
        let as_of = as_of.map_or_else(calendar::today, |d| d.0);
        let filter = filter.unwrap_or_default();
        let within = match &filter.within {
            Some(id) => Some(anchor(ctx, "within", id).await?.path),
            None => None,
        };
        let search = text::checked_opt("search", &filter.search, 100)?;
        let query = service::MandateFilter {
            delegator: filter
                .delegator
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Unit, "delegator", id))
                .transpose()?,
            delegatee: filter
                .delegatee
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Unit, "delegatee", id))
                .transpose()?,
            within,
            sector: filter.sector.map(Into::into),
            kind: filter.kind.map(Into::into),
            status: filter.status.map(Into::into),
            search,
        };
        let viewer = ctx.viewer();
        let page = service::list(ctx.db(), viewer, &query, as_of, &page, order_by).await?;
        Ok(MandateConnection {
            page,
            as_of,
            viewer: viewer.cloned(),
            filter: query,
            order: order_by,
        })
    }

    /// Legal documents, public to everyone, ordered by number as folded
    /// text ("QĐ" sorts as "qd") unless `orderBy` says otherwise.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to list (default: every document).")] filter: Option<DocumentFilter>,
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
        #[graphql(
            desc = "By number (CODE, the default) or by subject (trích yếu, NAME) in Vietnamese alphabetical order, ascending or descending."
        )]
        order_by: Option<ListOrder>,
    ) -> async_graphql::Result<DocumentConnection> {
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?
            .ordered(order_by)?;
        let filter = filter.unwrap_or_default();
        let query = documents::DocumentFilter {
            search: text::checked_opt("search", &filter.search, 100)?,
            doc_type: filter.r#type.map(Into::into),
            issuer: filter
                .issuer
                .as_ref()
                .map(|id| decode_id_of(NodeKind::Unit, "issuer", id))
                .transpose()?,
            year: filter.year,
            number: text::checked_opt("number", &filter.number, 100)?,
        };
        let page = documents::list(ctx.db(), &query, &page, order_by).await?;
        Ok(DocumentConnection {
            page,
            filter: query,
            order: order_by,
        })
    }

    /// The document with this number (số, ký hiệu), of `issuer` when given;
    /// null when there is none. "QD" matches "QĐ" and spaces are ignored.
    /// BAD_USER_INPUT when several issuers have that number and no issuer
    /// is named. Documents are public.
    async fn document_by_number(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The number, e.g. \"15/2025/QĐ-UBND\" (at most 100 characters).")]
        number: String,
        #[graphql(desc = "The issuing unit, when several issuers use the number.")] issuer: Option<
            ID,
        >,
    ) -> async_graphql::Result<Option<Document>> {
        let number = text::checked("number", &number, 100)?;
        let issuer = issuer
            .as_ref()
            .map(|id| decode_id_of(NodeKind::Unit, "issuer", id))
            .transpose()?;
        Ok(documents::by_number(ctx.db(), number, issuer)
            .await?
            .map(Document))
    }

    /// Authorizations (ủy quyền) in force that end within `withinDays`
    /// (0 to 366) from today, delegated within `within` (default: your
    /// grants' scopes; everything for anonymous callers).
    async fn expiring_authorizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many days ahead to look, 0 to 366 (0: those ending today).")]
        within_days: i32,
        #[graphql(
            desc = "Only authorizations whose delegator or a delegatee lies in this unit's subtree."
        )]
        within: Option<ID>,
    ) -> async_graphql::Result<Vec<Mandate>> {
        if !(0..=366).contains(&within_days) {
            return Err(AppError::invalid("`withinDays` must be between 0 and 366").into());
        }
        let scope_paths: Vec<String> = match (&within, ctx.viewer()) {
            (Some(id), _) => vec![anchor(ctx, "within", id).await?.path],
            (None, Some(v)) => v.grants.iter().map(|g| g.scope.path.clone()).collect(),
            (None, None) => Vec::new(),
        };
        let paths: Vec<&str> = scope_paths.iter().map(String::as_str).collect();
        let today = calendar::today();
        let db = ctx.db();
        let found = service::expiring_authorizations(db, today, within_days as u64, &paths).await?;
        Ok(found.into_iter().map(|m| Mandate::new(m, today)).collect())
    }

    /// Every matter of the catalogue of powers over a unit's subtree on
    /// `asOf`: who holds it there (a delegatee, or failing that the body
    /// the law assigns it to), and which have no holder, a lapsed holder
    /// or overlapping holders (LAW.md §7.3 R10, R11). The mandates shown
    /// are those you may see. For users with a grant over that unit.
    async fn coverage(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit whose territory is checked; you need a grant over it.")]
        within: ID,
        #[graphql(desc = "The day to check (default: today, Vietnam time).")] as_of: Option<Date>,
    ) -> async_graphql::Result<Coverage> {
        let viewer = ctx.signed_in()?;
        let within = decode_id_of(NodeKind::Unit, "within", &within)?;
        let as_of = as_of.map_or_else(calendar::today, |d| d.0);
        let found = service::coverage_for(ctx.db(), viewer, within, as_of).await?;
        let assignment = |(a, m): (mandate_assignment::Model, mandate::Model)| MandateAssignment {
            model: a,
            mandate: m,
            as_of,
        };
        let convert = |c: &service::MatterCoverage| MatterCoverage {
            matter_code: c.matter.code.clone(),
            matter: Matter(c.matter.clone()),
            status: c.status.into(),
            holders: c.holders.iter().cloned().map(assignment).collect(),
            lapsed: c.lapsed.iter().cloned().map(assignment).collect(),
            original_holder: c.matter.holder.into(),
            original_holder_unit: c.original_holder.clone().map(|u| Unit::new(u, as_of)),
            overlapping: c.overlapping,
            latest: c.latest.clone().map(|m| Mandate::new(m, as_of)),
        };
        let pick = |keep: &dyn Fn(&service::MatterCoverage) -> bool| {
            found
                .matters
                .iter()
                .filter(|c| keep(c))
                .map(convert)
                .collect()
        };
        Ok(Coverage {
            as_of: Date(as_of),
            matters: found.matters.len() as i32,
            gaps: pick(&|c| c.status == service::CoverageStatus::NoHolder),
            lapsed: pick(&|c| !c.lapsed.is_empty()),
            overlaps: pick(&|c| c.overlapping),
            entries: pick(&|_| true),
        })
    }
}
