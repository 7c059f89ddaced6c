//! Reads of the unit tree. Every read is dated (`as_of`); subtree reads are
//! range scans on the materialized `path`.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::unit::{self, AdminType, UnitKind};
use entity::unit_lineage;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query, UnionType};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait,
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::pagination::{Cursor, ListOrder, Page, PageRequest, cursor_by, order_column};
use crate::text;

/// Width of one path segment: a hyphenated UUID and its `/`.
const PATH_SEGMENT: usize = 37;

/// Units in force on `as_of` (an open end is unbounded).
pub fn valid_on(as_of: NaiveDate) -> Condition {
    Condition::all()
        .add(
            Condition::any()
                .add(unit::Column::ValidFrom.is_null())
                .add(unit::Column::ValidFrom.lte(as_of)),
        )
        .add(
            Condition::any()
                .add(unit::Column::ValidTo.is_null())
                .add(unit::Column::ValidTo.gte(as_of)),
        )
}

/// Strict descendants of the unit whose path is `path`: the paths that
/// extend it. Paths end in `/` and `0` is the next byte, so the prefix is
/// the half-open range `(path, path-without-slash + "0")`, an index range scan.
pub fn strictly_below(path: &str) -> Condition {
    let upper = format!("{}0", &path[..path.len() - 1]);
    Condition::all()
        .add(unit::Column::Path.gt(path))
        .add(unit::Column::Path.lt(upper))
}

/// The unit whose path is `path` and all its descendants.
pub fn subtree_of(path: &str) -> Condition {
    let upper = format!("{}0", &path[..path.len() - 1]);
    Condition::all()
        .add(unit::Column::Path.gte(path))
        .add(unit::Column::Path.lt(upper))
}

/// The path of a new unit under `parent` (or of a root when `None`).
pub fn child_path(parent: Option<&str>, id: Uuid) -> String {
    format!("{}{id}/", parent.unwrap_or("/"))
}

/// The province a unit belongs to: the root of its path (a province is
/// its own).
pub fn province_of(unit: &unit::Model) -> Option<Uuid> {
    path_ids(&unit.path).first().copied()
}

/// The abbreviation a provincial body's code carries after its province
/// code ("SNV" in "19-SNV"), by which documents and the catalogue name it.
pub fn abbreviation(unit: &unit::Model) -> Option<&str> {
    unit.code.split_once('-').map(|(_, own)| own)
}

/// Whether `unit` is the sở `abbr` names ("19-STP" is STP).
pub fn is_department(unit: &unit::Model, abbr: &str) -> bool {
    unit.kind == entity::unit::UnitKind::Department
        && abbreviation(unit).is_some_and(|own| own.eq_ignore_ascii_case(abbr))
}

/// The ids on a path, root first, the unit itself last.
pub fn path_ids(path: &str) -> Vec<Uuid> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect()
}

/// What a list of units is filtered by.
#[derive(Debug, Clone)]
pub struct UnitFilter {
    pub kind: Option<UnitKind>,
    /// Path of the unit whose strict descendants are wanted.
    pub within: Option<String>,
    pub parent: Option<Uuid>,
    /// Already folded with [`text::fold`].
    pub search: Option<String>,
    pub as_of: NaiveDate,
}

impl UnitFilter {
    fn condition(&self) -> Condition {
        let mut cond = valid_on(self.as_of);
        if let Some(kind) = self.kind {
            cond = cond.add(kind_is(kind));
        }
        if let Some(path) = &self.within {
            cond = cond.add(strictly_below(path));
        }
        if let Some(parent) = self.parent {
            cond = cond.add(unit::Column::ParentId.eq(parent));
        }
        if let Some(search) = self.search.as_deref().filter(|s| !s.is_empty()) {
            let escaped = escape_like(search);
            cond = cond.add(
                Condition::any()
                    .add(
                        unit::Column::SearchName
                            .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
                    )
                    .add(
                        unit::Column::Code.like(LikeExpr::new(format!("{escaped}%")).escape('\\')),
                    ),
            );
        }
        cond
    }
}

fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The cursor units are ordered and paged by by default: `(code, id)`.
pub fn cursor(unit: &unit::Model) -> Cursor {
    cursor_in(None, unit)
}

/// The cursor of `unit` in a list ordered by `order`: `(code, id)` or
/// `(name key, id)`.
pub fn cursor_in(order: Option<ListOrder>, unit: &unit::Model) -> Cursor {
    cursor_by(order, &unit.code, &unit.name_key, unit.id)
}

/// One page of the units matching `filter`, ordered by `order` (code or
/// Vietnamese name) then id; [`lean`] rows when `lean`.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &UnitFilter,
    page: &PageRequest,
    order: Option<ListOrder>,
    lean: bool,
) -> AppResult<Page<unit::Model>> {
    let key = order_column(order, unit::Column::Code, unit::Column::NameKey);
    let select = page.window(
        unit::Entity::find(),
        filter.condition(),
        key,
        unit::Column::Id,
    );
    Ok(Page::from_probe(read(db, select, lean).await?, page))
}

/// How many units match `filter`.
pub async fn count(db: &impl ConnectionTrait, filter: &UnitFilter) -> AppResult<u64> {
    Ok(unit::Entity::find()
        .filter(filter.condition())
        .count(db)
        .await?)
}

/// A unit by id, whatever its validity.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<unit::Model>> {
    Ok(unit::Entity::find_by_id(id).one(db).await?)
}

/// Units by id.
pub async fn find_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<unit::Model>> {
    Ok(unit::Entity::find()
        .filter(unit::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The unit that bears `code` on `as_of` (codes are reused over time).
pub async fn find_by_code(
    db: &impl ConnectionTrait,
    code: &str,
    kind: Option<UnitKind>,
    as_of: NaiveDate,
) -> AppResult<Option<unit::Model>> {
    let mut query = unit::Entity::find()
        .filter(unit::Column::Code.eq(code))
        .filter(valid_on(as_of));
    if let Some(kind) = kind {
        query = query.filter(kind_is(kind));
    }
    Ok(query.order_by_asc(unit::Column::Kind).one(db).await?)
}

/// The children of each of `parents` valid on `as_of`, ordered by code.
pub async fn children_of(
    db: &impl ConnectionTrait,
    parents: &[Uuid],
    kind: Option<UnitKind>,
    as_of: NaiveDate,
) -> AppResult<Vec<unit::Model>> {
    let level = ChildLevel {
        kind,
        as_of,
        lean: false,
    };
    level_below(db, parents, level).await
}

/// The children of `level` of each of `parents`, ordered by code then id,
/// [`lean`] when the level says so.
pub async fn level_below(
    db: &impl ConnectionTrait,
    parents: &[Uuid],
    level: ChildLevel,
) -> AppResult<Vec<unit::Model>> {
    read(db, level.below(unit::Entity::find(), parents), level.lean).await
}

/// The columns a lean read selects, in the order [`LeanRow`] decodes
/// them: all but the two that only writes and filters use, `search_name`
/// and `path` (the longest: a commune's path is 112 bytes).
const LEAN: [unit::Column; 10] = [
    unit::Column::Id,
    unit::Column::Code,
    unit::Column::Name,
    unit::Column::NameKey,
    unit::Column::Kind,
    unit::Column::AdminType,
    unit::Column::ParentId,
    unit::Column::Depth,
    unit::Column::ValidFrom,
    unit::Column::ValidTo,
];

/// `select` reading only the [`LEAN`] columns: how the tree's loaders and
/// lists read units where the query asks nothing that needs the path.
/// Nested reads of thousands of units skip decoding and holding it; the
/// path and search name come back empty, and a resolver that needs the
/// path reads the whole row by id ([`is_lean`]).
fn lean(select: sea_orm::Select<unit::Entity>) -> sea_orm::Select<unit::Entity> {
    select.select_only().columns(LEAN)
}

/// A [`lean`] row, decoded by position: no column is looked up by name
/// (hashing and comparing the names took about 6 % of the server's CPU on
/// nested queries).
struct LeanRow(unit::Model);

impl FromQueryResult for LeanRow {
    fn from_query_result(row: &QueryResult, _prefix: &str) -> Result<Self, DbErr> {
        let kind: String = row.try_get_by_index(4)?;
        let admin_type: String = row.try_get_by_index(5)?;
        Ok(LeanRow(unit::Model {
            id: row.try_get_by_index(0)?,
            code: row.try_get_by_index(1)?,
            name: row.try_get_by_index(2)?,
            name_key: row.try_get_by_index(3)?,
            search_name: String::new(),
            kind: UnitKind::try_from_value(&kind)?,
            admin_type: AdminType::try_from_value(&admin_type)?,
            parent_id: row.try_get_by_index(6)?,
            path: String::new(),
            depth: row.try_get_by_index(7)?,
            valid_from: row.try_get_by_index(8)?,
            valid_to: row.try_get_by_index(9)?,
        }))
    }
}

/// The units `select` finds, whole or [`lean`].
pub async fn read(
    db: &impl ConnectionTrait,
    select: sea_orm::Select<unit::Entity>,
    lean: bool,
) -> AppResult<Vec<unit::Model>> {
    let select = if lean { self::lean(select) } else { select };
    let statement = db.get_database_backend().build(&select.into_query());
    read_statement(db, statement, lean).await
}

/// The units a statement of whole or [`lean`] unit rows finds.
async fn read_statement(
    db: &impl ConnectionTrait,
    statement: sea_orm::Statement,
    lean: bool,
) -> AppResult<Vec<unit::Model>> {
    Ok(if lean {
        let rows = LeanRow::find_by_statement(statement).all(db).await?;
        rows.into_iter().map(|r| r.0).collect()
    } else {
        unit::Model::find_by_statement(statement).all(db).await?
    })
}

/// Whether `unit` was read by [`lean`] (every stored path is
/// `/<root id>/…/`, never empty).
pub fn is_lean(unit: &unit::Model) -> bool {
    unit.path.is_empty()
}

/// Which children of a set of parents: those of `kind` (any when None)
/// in force on `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChildLevel {
    pub kind: Option<UnitKind>,
    pub as_of: NaiveDate,
    /// Read [`lean`]: the query asks nothing of them that needs the path.
    pub lean: bool,
}

/// `kind = 'COMMUNE'` (or another level), the level written into the
/// statement rather than bound as a parameter.
///
/// PostgreSQL plans a prepared statement afresh at each execution while
/// the plans made for the values given look cheaper than one plan for any
/// value, which a bound level makes them: the two-level read of a
/// province's districts and communes spent 0.19 ms planning for 0.09 ms
/// running, every time. With the level written in, PostgreSQL keeps one
/// plan per statement and level after five executions (planning 0.007
/// ms). There are four levels, so at most four statements each; the text
/// is one of this enum's own values, never the caller's.
fn kind_is(kind: UnitKind) -> sea_orm::sea_query::SimpleExpr {
    Expr::col((unit::Entity, unit::Column::Kind)).eq(Expr::cust(format!("'{}'", kind.to_value())))
}

impl ChildLevel {
    /// `select` narrowed to the children of `parents` of this level,
    /// ordered by code then id.
    fn below(
        &self,
        select: sea_orm::Select<unit::Entity>,
        parents: &[Uuid],
    ) -> sea_orm::Select<unit::Entity> {
        select
            .filter(unit::Column::ParentId.is_in(parents.iter().copied()))
            .filter(self.condition())
            .order_by_asc(unit::Column::Code)
            .order_by_asc(unit::Column::Id)
    }

    fn condition(&self) -> Condition {
        let mut cond = valid_on(self.as_of);
        if let Some(kind) = self.kind {
            cond = cond.add(kind_is(kind));
        }
        cond
    }

    /// Whether `unit` is of this level (its parent aside).
    pub fn admits(&self, unit: &unit::Model) -> bool {
        self.kind.is_none_or(|k| k == unit.kind) && in_force(unit, self.as_of)
    }
}

/// Two levels in one statement: the `first` children of `parents` and
/// the `second` children of those, each unit once, ordered by code then
/// id ([`lean`] rows when both levels are). A row may be of both levels
/// (when `parents` holds a unit and its child); sort them with
/// [`ChildLevel::admits`] and the parent sets. The levels are a
/// `UNION ALL` of two reads of the parent index (a single `OR` of them
/// made PostgreSQL scan the table: 7 ms for a province).
pub async fn two_levels_below(
    db: &impl ConnectionTrait,
    parents: &[Uuid],
    first: ChildLevel,
    second: ChildLevel,
) -> AppResult<Vec<unit::Model>> {
    let level_one = first
        .condition()
        .add(unit::Column::ParentId.is_in(parents.iter().copied()));
    let children = Query::select()
        .column(unit::Column::Id)
        .from(unit::Entity)
        .cond_where(level_one.clone())
        .to_owned();
    let level_two = second
        .condition()
        .add(unit::Column::ParentId.in_subquery(children));
    let lean = first.lean && second.lean;
    let select = || {
        let all = unit::Entity::find();
        if lean { self::lean(all) } else { all }
    };
    let mut query = select().filter(level_one).into_query();
    query.union(UnionType::All, select().filter(level_two).into_query());
    let statement = db.get_database_backend().build(&query);
    let mut rows = read_statement(db, statement, lean).await?;
    rows.sort_unstable_by(|a, b| (&a.code, a.id).cmp(&(&b.code, b.id)));
    // A row of both levels (a child of one parent and a grandchild of
    // another) comes once from each read: keep one.
    rows.dedup_by_key(|row| row.id);
    Ok(rows)
}

/// A unit whose descendants are counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubtreeRoot {
    pub id: Uuid,
    pub path: String,
    pub depth: i32,
}

/// Roots whose descendants one statement counts.
const ROOTS_PER_STATEMENT: usize = 200;

/// For each root, how many strict descendants (of `kind`) are valid on
/// `as_of`: one grouped statement per distinct root depth and
/// [`ROOTS_PER_STATEMENT`] roots.
pub async fn descendant_counts(
    db: &impl ConnectionTrait,
    roots: &[SubtreeRoot],
    kind: Option<UnitKind>,
    as_of: NaiveDate,
) -> AppResult<HashMap<Uuid, u64>> {
    let mut by_depth: HashMap<i32, Vec<&SubtreeRoot>> = HashMap::new();
    for root in roots {
        by_depth.entry(root.depth).or_default().push(root);
    }
    let mut counts: HashMap<Uuid, u64> = roots.iter().map(|r| (r.id, 0)).collect();
    // A statement's roots are an `OR` of path ranges, which the query
    // builder and SQLite nest one level per root: a level of thousands
    // overflowed the server's stack (and SQLite's limit of 1,000). Chunks
    // of ROOTS_PER_STATEMENT keep both shallow.
    let chunks = by_depth.into_iter().flat_map(|(depth, roots)| {
        roots
            .chunks(ROOTS_PER_STATEMENT)
            .map(|chunk| (depth, chunk.to_vec()))
            .collect::<Vec<_>>()
    });
    for (depth, roots) in chunks {
        // The ancestor at `depth` is the path segment at that position.
        let start = 2 + PATH_SEGMENT as i32 * depth;
        // Literal numbers, not bind parameters: PostgreSQL only accepts the
        // grouped expression in the select list if the two are identical.
        let ancestor = Expr::cust(format!("SUBSTR(path, {start}, 36)"));
        let mut within = Condition::any();
        for root in &roots {
            within = within.add(strictly_below(&root.path));
        }
        let mut query = unit::Entity::find()
            .select_only()
            .expr_as(ancestor.clone(), "ancestor")
            .expr_as(Expr::col(unit::Column::Id).count(), "n")
            .filter(within)
            .filter(valid_on(as_of))
            .group_by(ancestor);
        if let Some(kind) = kind {
            query = query.filter(kind_is(kind));
        }
        for (ancestor, n) in query.into_tuple::<(String, i64)>().all(db).await? {
            if let Ok(id) = Uuid::parse_str(&ancestor) {
                counts.insert(id, n as u64);
            }
        }
    }
    Ok(counts)
}

/// Which side of a lineage edge the given units are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineageSide {
    /// Find the units these became.
    Successors,
    /// Find the units these came from.
    Predecessors,
}

/// Lineage edges leaving (`Successors`) or entering (`Predecessors`) units.
pub async fn lineage_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    side: LineageSide,
) -> AppResult<Vec<unit_lineage::Model>> {
    let column = match side {
        LineageSide::Successors => unit_lineage::Column::PredecessorId,
        LineageSide::Predecessors => unit_lineage::Column::SuccessorId,
    };
    Ok(unit_lineage::Entity::find()
        .filter(column.is_in(ids.iter().copied()))
        .order_by_asc(unit_lineage::Column::EffectiveDate)
        .order_by_asc(unit_lineage::Column::Id)
        .all(db)
        .await?)
}

/// The units `unit` became at a reorganisation, through lineage. A
/// district, which the 2025 reorganisation abolished without successor,
/// became whatever its communes became.
pub async fn successors_of(
    db: &impl ConnectionTrait,
    unit: &unit::Model,
) -> AppResult<Vec<unit::Model>> {
    let mut sources = vec![unit.id];
    if unit.kind == UnitKind::District {
        let last_day = unit.valid_to.unwrap_or(unit.valid_from.unwrap_or_default());
        let children = children_of(db, &[unit.id], None, last_day).await?;
        sources.extend(children.iter().map(|c| c.id));
    }
    let mut ids: Vec<Uuid> = lineage_of(db, &sources, LineageSide::Successors)
        .await?
        .into_iter()
        .map(|e| e.successor_id)
        .collect();
    ids.sort();
    ids.dedup();
    let mut found = find_many(db, &ids).await?;
    found.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(found)
}

/// A new unit under `parent`, not yet inserted.
pub struct NewUnit<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: UnitKind,
    pub admin_type: AdminType,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl NewUnit<'_> {
    /// The row to insert under `parent`, with a fresh id, path and depth.
    pub fn under(&self, parent: Option<&unit::Model>) -> unit::Model {
        let id = Uuid::now_v7();
        unit::Model {
            id,
            code: self.code.to_owned(),
            name: self.name.to_owned(),
            search_name: text::fold(self.name),
            name_key: text::unit_name_key(self.name),
            kind: self.kind,
            admin_type: self.admin_type,
            parent_id: parent.map(|p| p.id),
            path: child_path(parent.map(|p| p.path.as_str()), id),
            depth: parent.map_or(0, |p| p.depth + 1),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        }
    }
}

/// Whether `unit` is in force on `date` (the one definition every
/// domain uses).
pub fn in_force(unit: &unit::Model, date: NaiveDate) -> bool {
    unit.valid_from.is_none_or(|d| d <= date) && unit.valid_to.is_none_or(|d| d >= date)
}

/// The province row `unit` belongs to (itself for a province).
pub async fn province_row(db: &impl ConnectionTrait, unit: &unit::Model) -> AppResult<unit::Model> {
    let id = province_of(unit).ok_or(AppError::NotFound("province"))?;
    existing(db, id).await
}

/// Loads a unit that must exist (NOT_FOUND otherwise).
pub async fn existing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<unit::Model> {
    find(db, id).await?.ok_or(AppError::NotFound("unit"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A unit in force from `from` to `to`, for pure rules' tests.
    pub(crate) fn unit_valid(from: Option<NaiveDate>, to: Option<NaiveDate>) -> unit::Model {
        let id = Uuid::now_v7();
        unit::Model {
            id,
            code: "00001".into(),
            name: "Xã Thử".into(),
            search_name: "xa thu".into(),
            name_key: text::unit_name_key("Xã Thử"),
            kind: entity::unit::UnitKind::Commune,
            admin_type: entity::unit::AdminType::Xa,
            parent_id: None,
            path: child_path(None, id),
            depth: 0,
            valid_from: from,
            valid_to: to,
        }
    }

    #[test]
    fn paths_list_ancestors_root_first() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let root = child_path(None, a);
        let child = child_path(Some(&root), b);
        assert_eq!(child, format!("/{a}/{b}/"));
        assert_eq!(path_ids(&child), vec![a, b]);
        // The segment arithmetic used by descendant_counts.
        let start = 1 + PATH_SEGMENT; // 0-based start of segment 1
        assert_eq!(&child[start..start + 36], b.to_string());
    }

    #[test]
    fn like_wildcards_in_a_search_are_literal() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
