//! GraphQL face of the unit tree: `unit`, `unitByCode`, `units` and the
//! `Unit` type. Resolvers parse arguments, call the service or a loader,
//! and convert; the rules live in `service`.

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
use crate::pagination::{Page, PageInfo, PageRequest, page_complexity};
use crate::text;

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
}

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

/// A node of the administrative tree (đơn vị): a People's Committee or a
/// provincial body, valid over a range of dates.
#[derive(Debug, Clone)]
pub struct Unit {
    model: unit::Model,
    /// The date this unit is being looked at: the default `asOf` of its
    /// nested fields.
    as_of: NaiveDate,
}

impl Unit {
    /// `model` seen as of `as_of`, moved inside its validity when it was
    /// not in force that day (an ended unit is seen on its last day).
    pub fn new(model: unit::Model, as_of: NaiveDate) -> Self {
        let as_of = calendar::clamp(as_of, model.valid_from, model.valid_to);
        Unit { model, as_of }
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
        encode_id(NodeKind::Unit, self.model.id)
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
        let mut ids = service::path_ids(&self.model.path);
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
    /// unit is looked at), ordered by code.
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
    ) -> async_graphql::Result<UnitConnection> {
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let as_of = as_of.map_or(self.as_of, |d| d.0);
        let key = ChildrenKey {
            parent: self.model.id,
            kind: kind.map(Into::into),
            as_of,
        };
        let all = Self::loaders(ctx)
            .children
            .load_one(key)
            .await?
            .unwrap_or_default();
        let total = all.len() as u64;
        let page = Page::slice(all, &page, service::cursor);
        Ok(UnitConnection::new(page, as_of, TotalCount::Known(total)))
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
        let key = DescendantKey {
            root: SubtreeRoot {
                id: self.model.id,
                path: self.model.path.clone(),
                depth: self.model.depth,
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

impl Unit {
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

enum TotalCount {
    Known(u64),
    Count(UnitFilter),
}

/// A page of units (Relay connection).
pub struct UnitConnection {
    page: Page<unit::Model>,
    as_of: NaiveDate,
    total: TotalCount,
}

impl UnitConnection {
    fn new(page: Page<unit::Model>, as_of: NaiveDate, total: TotalCount) -> Self {
        UnitConnection { page, as_of, total }
    }
}

/// A page of units (Relay connection).
#[Object]
impl UnitConnection {
    /// The units of this page with their cursors.
    async fn edges(&self) -> Vec<UnitEdge> {
        self.page
            .items
            .iter()
            .map(|m| UnitEdge {
                cursor: service::cursor(m).encode(),
                node: Unit::new(m.clone(), self.as_of),
            })
            .collect()
    }

    /// The units of this page.
    async fn nodes(&self) -> Vec<Unit> {
        self.page
            .items
            .iter()
            .map(|m| Unit::new(m.clone(), self.as_of))
            .collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, service::cursor)
    }

    /// How many units match, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(match &self.total {
            TotalCount::Known(n) => *n,
            TotalCount::Count(filter) => service::count(ctx.db(), filter).await?,
        })
    }
}

/// A unit and its cursor.
#[derive(SimpleObject)]
pub struct UnitEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The unit.
    node: Unit,
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

/// Queries of the unit tree; anonymous callers may use them.
#[derive(Default)]
pub struct UnitQuery;

#[Object]
impl UnitQuery {
    /// A unit by id; null when there is none.
    async fn unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit's global id.")] id: ID,
    ) -> async_graphql::Result<Option<Unit>> {
        let id = decode_id_of(NodeKind::Unit, "id", &id)?;
        Ok(unit_node(ctx, id).await?)
    }

    /// The unit that bears `code` on `asOf` (default today, Vietnam time).
    /// Codes are reused over time, so the date matters: "19" is the legacy
    /// Thái Nguyên until 2025-06-30 and the merged one from 2025-07-01.
    async fn unit_by_code(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "GSO code (province 2 digits, district 3, commune 5, e.g. \"19\") or a body's code (e.g. \"19-SNV\"); at most 32 characters."
        )]
        code: String,
        #[graphql(desc = "The level, when a code could name units of different levels.")]
        kind: Option<UnitKind>,
        #[graphql(desc = "The day the code is read on (default: today, Vietnam time).")]
        as_of: Option<Date>,
    ) -> async_graphql::Result<Option<Unit>> {
        let code = text::checked("code", &code, 32)?;
        let as_of = as_of.map_or_else(calendar::today, |d| d.0);
        let db = ctx.db();
        let found = service::find_by_code(db, code, kind.map(Into::into), as_of).await?;
        Ok(found.map(|m| Unit::new(m, as_of)))
    }

    /// Units in force on `asOf`, ordered by code then id.
    ///
    /// `within` keeps the strict descendants of a unit (its whole subtree),
    /// `parent` its direct children, `kind` one level, and `search` the
    /// units whose name contains the text (ignoring case and diacritics:
    /// "thai nguyen" finds "Tỉnh Thái Nguyên", "d" matches "đ") or whose
    /// code starts with it. `asOf` defaults to today (Vietnam time); when
    /// `within` or `parent` names a unit not in force today, to the nearest
    /// day it was (so the subtree of an abolished district reads as on its
    /// last day). `first`/`last` at most 100 (default 20).
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn units(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only units of this level.")] kind: Option<UnitKind>,
        #[graphql(desc = "Only units strictly below this unit, at any depth.")] within: Option<ID>,
        #[graphql(desc = "Only the units directly below this unit.")] parent: Option<ID>,
        #[graphql(
            desc = "Text in the name (ignoring case and diacritics) or the start of the code; at most 100 characters."
        )]
        search: Option<String>,
        #[graphql(
            desc = "The day to read the tree on (default: today, or the nearest day `within`/`parent` was in force)."
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
    ) -> async_graphql::Result<UnitConnection> {
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let db = ctx.db();
        let within = anchor(db, "within", within.as_ref()).await?;
        let parent = anchor(db, "parent", parent.as_ref()).await?;
        let search = search
            .as_deref()
            .map(|s| text::checked("search", s, 100).map(text::fold))
            .transpose()?;
        let as_of = match (as_of, within.as_ref().or(parent.as_ref())) {
            (Some(date), _) => date.0,
            (None, Some(anchor)) => {
                calendar::clamp(calendar::today(), anchor.valid_from, anchor.valid_to)
            }
            (None, None) => calendar::today(),
        };
        let filter = UnitFilter {
            kind: kind.map(Into::into),
            within: within.map(|u| u.path),
            parent: parent.map(|u| u.id),
            search,
            as_of,
        };
        let found = service::list(db, &filter, &page).await?;
        Ok(UnitConnection::new(found, as_of, TotalCount::Count(filter)))
    }
}

/// The unit an id argument names; an id of nothing is NOT_FOUND.
async fn anchor(
    db: &DatabaseConnection,
    field: &str,
    id: Option<&ID>,
) -> AppResult<Option<unit::Model>> {
    let Some(id) = id else { return Ok(None) };
    let uuid = decode_id_of(NodeKind::Unit, field, id)?;
    service::find(db, uuid)
        .await?
        .map(Some)
        .ok_or(AppError::NotFound("unit"))
}

/// The `Node` resolution of a unit id.
pub async fn unit_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Unit>> {
    let found = Unit::loaders(ctx).by_id.load_one(id).await?;
    Ok(found.map(|m| Unit::new(m, calendar::today())))
}

/// A new department or other body under a province.
#[derive(InputObject)]
pub struct CreateUnitInput {
    /// Id of the province the body belongs to (in your ADMIN scope).
    pub parent: ID,
    /// 2 to 32 letters, digits or dashes with at least one letter, e.g. `19-SNV`.
    #[graphql(validator(max_length = 32))]
    pub code: String,
    /// Official name, 1 to 200 characters, e.g. "Sở Nội vụ".
    #[graphql(validator(max_length = 200))]
    pub name: String,
    /// SO, VAN_PHONG, THANH_TRA or BAN.
    pub admin_type: AdminType,
    /// First day in force (default today).
    pub valid_from: Option<Date>,
}

/// New values for a unit; give at least one.
#[derive(InputObject)]
pub struct UpdateUnitInput {
    /// The unit to change; it must be in force today and in your ADMIN scope.
    pub id: ID,
    /// New official name, 1 to 200 characters.
    #[graphql(validator(max_length = 200))]
    pub name: Option<String>,
    /// New type (SO, VAN_PHONG, THANH_TRA or BAN); only for a provincial
    /// body.
    pub admin_type: Option<AdminType>,
}

/// The end of a unit.
#[derive(InputObject)]
pub struct EndUnitInput {
    /// The unit to end; every unit below it must have ended by `validTo`.
    pub id: ID,
    /// Last day in force (not before its `validFrom`).
    pub valid_to: Date,
}

/// The result of a mutation on a unit.
#[derive(SimpleObject)]
pub struct UnitPayload {
    /// The unit as changed; null when the change was refused.
    pub unit: Option<Unit>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn unit_payload(result: AppResult<unit::Model>) -> async_graphql::Result<UnitPayload> {
    let (unit, user_errors) = split(result)?;
    Ok(UnitPayload {
        unit: unit.map(|m| Unit::new(m, calendar::today())),
        user_errors,
    })
}

/// ADMIN changes to the unit tree.
#[derive(Default)]
pub struct UnitMutation;

#[Object]
impl UnitMutation {
    /// Creates a department or other body under a province in your ADMIN scope.
    #[graphql(guard = "RoleGuard(&[Role::Admin])")]
    async fn create_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The body to create.")] input: CreateUnitInput,
    ) -> async_graphql::Result<UnitPayload> {
        let viewer = ctx.signed_in()?;
        let create = admin::CreateUnit {
            parent: decode_id_of(NodeKind::Unit, "parent", &input.parent)?,
            code: text::checked("code", &input.code, 64)?.to_owned(),
            name: input.name,
            admin_type: input.admin_type.into(),
            valid_from: input.valid_from.map_or_else(calendar::today, |d| d.0),
        };
        let db = ctx.db();
        unit_payload(admin::create_unit(db, Authority::Viewer(viewer), create).await)
    }

    /// Renames a unit in your ADMIN scope, or changes a body's type.
    #[graphql(guard = "RoleGuard(&[Role::Admin])")]
    async fn update_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit and its new values.")] input: UpdateUnitInput,
    ) -> async_graphql::Result<UnitPayload> {
        let viewer = ctx.signed_in()?;
        let id = decode_id_of(NodeKind::Unit, "id", &input.id)?;
        let db = ctx.db();
        let result = admin::update_unit(
            db,
            Authority::Viewer(viewer),
            id,
            input.name,
            input.admin_type.map(Into::into),
        )
        .await;
        unit_payload(result)
    }

    /// Ends a unit in your ADMIN scope (sets `validTo`; nothing is deleted).
    #[graphql(guard = "RoleGuard(&[Role::Admin])")]
    async fn end_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit and its last day.")] input: EndUnitInput,
    ) -> async_graphql::Result<UnitPayload> {
        let viewer = ctx.signed_in()?;
        let id = decode_id_of(NodeKind::Unit, "id", &input.id)?;
        let db = ctx.db();
        unit_payload(admin::end_unit(db, Authority::Viewer(viewer), id, input.valid_to.0).await)
    }
}
