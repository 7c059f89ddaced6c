//! GraphQL face of the unit tree: `unit`, `unitByCode`, `units` and the
//! `Unit` type. Resolvers parse arguments, call the service or a loader,
//! and convert; the rules live in `service`.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::{unit, unit_lineage};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use entity::role_grant::Role;

use super::admin;
use super::loaders::{ChildrenKey, DescendantKey, UnitLoaders};
use super::service::{self, LineageSide, SubtreeRoot, UnitFilter};
use crate::auth::{Authority, RoleGuard};
use crate::calendar;
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::{Date, NodeKind, UserError, decode_id_of, encode_id, split};
use crate::pagination::{ListOrder, Page, PageInfo, PageRequest, page_complexity};
use crate::text;

mod read;
mod tree_admin;

pub use read::*;
pub use tree_admin::*;

/// Level of a unit in the tree.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::unit::UnitKind")]
pub enum UnitKind {
    /// UBND tỉnh / thành phố trực thuộc trung ương: the root of a province.
    Province,
    /// Sở, ban, ngành, Văn phòng UBND, Thanh tra tỉnh: a provincial body.
    Department,
    /// UBND huyện, quận, thị xã, thành phố thuộc tỉnh (until 2025-06-30).
    District,
    /// UBND xã, phường, thị trấn, đặc khu.
    Commune,
}

crate::labels!(UnitKind {
    Province => "Cấp tỉnh",
    Department => "Cơ quan cấp tỉnh",
    District => "Cấp huyện",
    Commune => "Cấp xã",
});

/// Legal type of a unit (loại đơn vị).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::unit::AdminType")]
pub enum AdminType {
    /// Tỉnh.
    Tinh,
    /// Thành phố: trực thuộc trung ương (a province) or thuộc tỉnh/thành
    /// phố (a district).
    ThanhPho,
    /// Quận.
    Quan,
    /// Huyện.
    Huyen,
    /// Thị xã.
    ThiXa,
    /// Xã.
    Xa,
    /// Phường.
    Phuong,
    /// Thị trấn (until 2025-06-30).
    ThiTran,
    /// Đặc khu (special zone, from 2025-07-01).
    DacKhu,
    /// Sở: a specialised department.
    So,
    /// Văn phòng UBND.
    VanPhong,
    /// Thanh tra tỉnh.
    ThanhTra,
    /// Ban or another body under the province.
    Ban,
    /// A public service unit (đơn vị sự nghiệp công lập) directly under
    /// UBND tỉnh; it receives decentralized powers, and authorized ones only
    /// where they increase its autonomy.
    Dvsncl,
}

crate::labels!(AdminType {
    Tinh => "Tỉnh",
    ThanhPho => "Thành phố",
    Quan => "Quận",
    Huyen => "Huyện",
    ThiXa => "Thị xã",
    Xa => "Xã",
    Phuong => "Phường",
    ThiTran => "Thị trấn",
    DacKhu => "Đặc khu",
    So => "Sở",
    VanPhong => "Văn phòng UBND",
    ThanhTra => "Thanh tra tỉnh",
    Ban => "Ban",
    Dvsncl => "Đơn vị sự nghiệp công lập",
});

/// What happened between a predecessor and a successor unit.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::unit_lineage::LineageKind")]
pub enum LineageKind {
    /// Several units (or parts of units) were merged into the successor.
    Merge,
    /// The predecessor was divided; this successor got part of it.
    Split,
    /// The same unit under a new name.
    Rename,
    /// The same unit with a new legal type (e.g. xã to phường, huyện to đặc khu).
    Reclassify,
    /// The same unit, unchanged, carried into the new structure (only its
    /// parent changed, e.g. when districts were abolished).
    Continuation,
}

crate::labels!(LineageKind {
    Merge => "Sáp nhập",
    Split => "Chia tách",
    Rename => "Đổi tên",
    Reclassify => "Chuyển đổi loại đơn vị",
    Continuation => "Giữ nguyên, chuyển tiếp",
});

/// A node of the administrative tree (đơn vị): a People's Committee or a
/// provincial body, valid over a range of dates.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Shared with the loaders' lists: a unit read in a level of a nested
    /// query is never copied.
    model: Arc<unit::Model>,
    /// The date this unit is being looked at: the default `asOf` of its
    /// nested fields.
    as_of: NaiveDate,
}

impl Unit {
    /// `model` seen as of `as_of`, moved inside its validity when it was
    /// not in force that day (an ended unit is seen on its last day).
    pub fn new(model: impl Into<Arc<unit::Model>>, as_of: NaiveDate) -> Self {
        let model = model.into();
        let as_of = calendar::clamp(as_of, model.valid_from, model.valid_to);
        Unit { model, as_of }
    }

    fn global_id(&self) -> ID {
        encode_id(NodeKind::Unit, self.model.id)
    }

    pub(crate) fn loaders<'a>(ctx: &'a Context<'_>) -> &'a UnitLoaders {
        ctx.per_request::<UnitLoaders>()
    }
}

/// A node of the administrative tree (đơn vị): a People's Committee (UBND
/// tỉnh, huyện, xã) or a provincial body (sở, ban), in force over a range
/// of dates. Nested fields read the tree as of the day the unit is looked
/// at.
#[Object]
impl Unit {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        self.global_id()
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.model.id).await?)
    }

    /// Stable code: GSO code (province 2 digits, district 3, commune 5,
    /// leading zeros kept) or a department's own code such as `19-SNV`.
    /// Unique only together with the validity: a code may be reused.
    async fn code(&self) -> &str {
        &self.model.code
    }

    /// Official name, e.g. "Tỉnh Thái Nguyên".
    async fn name(&self) -> &str {
        &self.model.name
    }

    /// A link (path-absolute) to this unit and its whole subtree as a
    /// file, read on `asOf` (default the day this unit is read on).
    /// Signed for the caller for 15 minutes, while the caller stays
    /// active under the same password. Null for an anonymous caller:
    /// exports need a sign-in.
    async fn export_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file's format.")] format: crate::exports::graphql::ExportFormat,
        #[graphql(desc = "The day the tree is read on (default: the day this unit is read on).")]
        as_of: Option<Date>,
    ) -> Option<String> {
        let as_of = as_of.map_or(self.as_of, |d| d.0);
        crate::exports::graphql::unit_url(ctx, self.model.id, as_of, format)
    }

    /// Level in the tree.
    async fn kind(&self) -> UnitKind {
        self.model.kind.into()
    }

    /// Legal type.
    async fn admin_type(&self) -> AdminType {
        self.model.admin_type.into()
    }

    /// Distance from the province (0 for a province).
    async fn depth(&self) -> i32 {
        self.model.depth
    }

    /// First day in force; null when in force since before the records
    /// begin (the legacy structure).
    async fn valid_from(&self) -> Option<Date> {
        self.model.valid_from.map(Date)
    }

    /// Last day in force; null while still in force.
    async fn valid_to(&self) -> Option<Date> {
        self.model.valid_to.map(Date)
    }

    /// The unit above this one (null for a province).
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Unit>> {
        let Some(parent_id) = self.model.parent_id else {
            return Ok(None);
        };
        let parent = Self::loaders(ctx).by_id.load_one(parent_id).await?;
        Ok(parent.map(|m| Unit::new(m, self.as_of)))
    }

    /// Every unit above this one, the province first.
    async fn ancestors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Unit>> {
        let whole = self.whole(ctx).await?;
        let mut ids = service::path_ids(&whole.path);
        ids.pop();
        let mut found = Self::loaders(ctx)
            .by_id
            .load_many(ids.iter().copied())
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.remove(id))
            .map(|m| Unit::new(m, self.as_of))
            .collect())
    }

    /// The units directly below, in force on `asOf` (default: the date this
    /// unit is looked at), ordered by code unless `orderBy` says otherwise.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only children of this level.")] kind: Option<UnitKind>,
        #[graphql(desc = "The day to read the tree on (default: the day this unit is looked at).")]
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
            desc = "By code (the default) or by name in Vietnamese alphabetical order, ascending or descending."
        )]
        order_by: Option<ListOrder>,
    ) -> async_graphql::Result<UnitConnection> {
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?
            .ordered(order_by)?;
        let as_of = as_of.map_or(self.as_of, |d| d.0);
        let grandchildren = asked_grandchildren(ctx);
        let key = ChildrenKey {
            parent: self.model.id,
            level: service::ChildLevel {
                kind: kind.map(Into::into),
                as_of,
                lean: !needs_path(&ctx.look_ahead()),
            },
            then: planned_children(&grandchildren, &page, as_of),
        };
        // Children of children: a subtree read, which takes a turn
        // ([`crate::turns`]) whatever its pages (a page of 49, the default
        // page or two grandchild levels under aliases read as much as a
        // planned one).
        if !grandchildren.is_empty()
            && let Some(turn) = ctx.data_opt::<crate::turns::OperationTurn>()
        {
            turn.hold().await;
        }
        let all = Self::loaders(ctx)
            .children
            .load_one(key)
            .await?
            .unwrap_or_default();
        let total = all.len() as u64;
        let cursor = |m: &Arc<unit::Model>| service::cursor_in(order_by, m);
        let page = match order_by {
            // The loader's lists come in code order.
            None => Page::slice_sorted(all, &page, cursor),
            Some(_) => Page::slice(all, &page, cursor),
        };
        Ok(UnitConnection::new(
            page,
            as_of,
            TotalCount::Known(total),
            order_by,
        ))
    }

    /// How many units lie anywhere below this one on `asOf` (default: the
    /// date this unit is looked at), optionally of one kind.
    async fn descendant_count(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Count only units of this level.")] kind: Option<UnitKind>,
        #[graphql(desc = "The day to read the tree on (default: the day this unit is looked at).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<u64> {
        let whole = self.whole(ctx).await?;
        let key = DescendantKey {
            root: SubtreeRoot {
                id: whole.id,
                path: whole.path.clone(),
                depth: whole.depth,
            },
            kind: kind.map(Into::into),
            as_of: as_of.map_or(self.as_of, |d| d.0),
        };
        Ok(Self::loaders(ctx)
            .descendant_counts
            .load_one(key)
            .await?
            .unwrap_or(0))
    }

    /// Mandates this unit holds on `asOf` (default: the date this unit is
    /// looked at): an active assignment names it.
    async fn mandates_held(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to read the tree on (default: the day this unit is looked at).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Vec<crate::mandates::graphql::Mandate>> {
        let as_of = as_of.map_or(self.as_of, |d| d.0);
        crate::mandates::graphql::held_by(ctx, self.model.id, as_of).await
    }

    /// Mandates this unit has delegated that are in force on `asOf`
    /// (default: the date this unit is looked at).
    async fn mandates_delegated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to read the tree on (default: the day this unit is looked at).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Vec<crate::mandates::graphql::Mandate>> {
        let as_of = as_of.map_or(self.as_of, |d| d.0);
        crate::mandates::graphql::delegated_by(ctx, self.model.id, as_of).await
    }

    /// The units this one came from at a reorganisation.
    async fn predecessors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<UnitLineage>> {
        self.lineage(ctx, LineageSide::Predecessors).await
    }

    /// The units this one became at a reorganisation.
    async fn successors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<UnitLineage>> {
        self.lineage(ctx, LineageSide::Successors).await
    }
}

/// The smallest page of children a plan is made for. The plan reads the
/// children of every child, shown or not: a page this large holds every
/// child of nearly every unit (a district has up to ~40 communes), so
/// little is read in vain, while a small page (`first: 1` over every
/// province) would read whole provinces to show one commune.
const PLAN_MIN_PAGE: u64 = 50;

/// The `children` fields a `children` field (`ctx`) asks of its units,
/// through `nodes` or `edges.node`, in a query; none in a mutation, whose
/// later fields may change what a list read ahead for an earlier one
/// holds.
fn asked_grandchildren<'a>(ctx: &'a Context<'_>) -> Vec<async_graphql::SelectionField<'a>> {
    use async_graphql::parser::types::OperationType;
    if ctx.query_env.operation.node.ty != OperationType::Query {
        return Vec::new();
    }
    let look = ctx.look_ahead();
    let mut fields = look.field("nodes").field("children").selection_fields();
    fields.extend(
        look.field("edges")
            .field("node")
            .field("children")
            .selection_fields(),
    );
    fields
}

/// The children the query asks of each child of a unit
/// ([`asked_grandchildren`]), when it asks for one level (kind and day)
/// of them: the level the children's loader reads in the same statement.
/// `page` is the page of children asked for and `as_of` the day they are
/// read on, the default of theirs. None when the page is smaller than
/// [`PLAN_MIN_PAGE`] or starts at a cursor, when the query asks for no
/// grandchildren, for several levels of them (aliases), or with arguments
/// that do not parse (their resolver reports those).
fn planned_children(
    grandchildren: &[async_graphql::SelectionField<'_>],
    page: &PageRequest,
    as_of: NaiveDate,
) -> Option<service::ChildLevel> {
    use async_graphql::{InputType, Value};
    if page.limit < PLAN_MIN_PAGE || page.after.is_some() || page.before.is_some() {
        return None;
    }
    let mut plan: Option<service::ChildLevel> = None;
    for &field in grandchildren {
        let mut level = service::ChildLevel {
            kind: None,
            as_of,
            lean: !needs_path(&field.into()),
        };
        for (name, value) in field.arguments().ok()? {
            match (name.as_str(), value) {
                (_, Value::Null) => {}
                ("kind", value) => {
                    level.kind = Some(UnitKind::parse(Some(value)).ok()?.into());
                }
                ("asOf", value) => level.as_of = Date::parse(Some(value)).ok()?.0,
                _ => {}
            }
        }
        if let Some(other) = plan {
            if (other.kind, other.as_of) != (level.kind, level.as_of) {
                return None;
            }
            // Whole rows serve both.
            level.lean &= other.lean;
        }
        plan = Some(level);
    }
    plan
}

/// Whether the units of a connection (`look`, a `children` field) are
/// asked for a field that needs their path; the others read them
/// [`service::lean`].
fn needs_path(look: &async_graphql::Lookahead<'_>) -> bool {
    [look.field("nodes"), look.field("edges").field("node")]
        .iter()
        .any(|unit| unit.field("ancestors").exists() || unit.field("descendantCount").exists())
}

impl Unit {
    /// The whole row: the unit's own when it has it, else (a
    /// [`service::lean`] row, which the look-ahead thought enough) read by
    /// id, in one batch per level.
    async fn whole(&self, ctx: &Context<'_>) -> async_graphql::Result<Arc<unit::Model>> {
        if !service::is_lean(&self.model) {
            return Ok(self.model.clone());
        }
        let found = Self::loaders(ctx).by_id.load_one(self.model.id).await?;
        Ok(Arc::new(crate::graphql::required(found, "unit")?))
    }

    async fn lineage(
        &self,
        ctx: &Context<'_>,
        side: LineageSide,
    ) -> async_graphql::Result<Vec<UnitLineage>> {
        let edges = Self::loaders(ctx)
            .lineage
            .load_one((self.model.id, side))
            .await?
            .unwrap_or_default();
        Ok(edges.into_iter().map(UnitLineage::from).collect())
    }
}

/// One lineage edge: `predecessor` became (part of) `successor`.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct UnitLineage {
    /// What happened.
    kind: LineageKind,
    /// First day of the successor structure.
    effective_date: Date,
    /// The legal act, as cited (e.g. "202/2025/QH15"); null when not recorded.
    document: Option<String>,
    #[graphql(skip)]
    predecessor_id: Uuid,
    #[graphql(skip)]
    successor_id: Uuid,
}

impl From<unit_lineage::Model> for UnitLineage {
    fn from(edge: unit_lineage::Model) -> Self {
        UnitLineage {
            kind: edge.kind.into(),
            effective_date: Date(edge.effective_date),
            document: edge.document,
            predecessor_id: edge.predecessor_id,
            successor_id: edge.successor_id,
        }
    }
}

#[ComplexObject]
impl UnitLineage {
    /// The unit before the change (seen on its last day).
    async fn predecessor(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        self.end(ctx, self.predecessor_id).await
    }

    /// The unit after the change (seen on its first day).
    async fn successor(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        self.end(ctx, self.successor_id).await
    }
}

impl UnitLineage {
    async fn end(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Unit> {
        let model = Unit::loaders(ctx)
            .by_id
            .load_one(id)
            .await?
            .ok_or(AppError::NotFound("unit"))?;
        Ok(Unit::new(model, self.effective_date.0))
    }
}

/// The unit `id` another object refers to, read as of `as_of` (None:
/// today, kept within the unit's life, so an ended unit reads as it last
/// stood). Every domain loads its related units here.
pub async fn unit_by_id(
    ctx: &Context<'_>,
    id: Uuid,
    as_of: Option<NaiveDate>,
) -> async_graphql::Result<Unit> {
    let found = Unit::loaders(ctx)
        .by_id
        .load_one(id)
        .await?
        .ok_or_else(|| AppError::internal(format!("unit {id} is referred to but missing")))?;
    Ok(Unit::new(found, as_of.unwrap_or_else(calendar::today)))
}

/// The `Node` resolution of a unit id.
pub async fn unit_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Unit>> {
    let found = Unit::loaders(ctx).by_id.load_one(id).await?;
    Ok(found.map(|m| Unit::new(m, calendar::today())))
}
