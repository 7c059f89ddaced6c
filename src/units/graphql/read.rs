//! Queries of the unit tree: lists, search, lookups by code and lineage
//! connections.

use super::*;

pub(super) enum TotalCount {
    Known(u64),
    Count(UnitFilter),
}

/// A page of units (Relay connection).
pub struct UnitConnection {
    pub(super) page: Page<Arc<unit::Model>>,
    pub(super) as_of: NaiveDate,
    pub(super) total: TotalCount,
    /// The order the list was read in, which its cursors follow.
    pub(super) order: Option<ListOrder>,
}

impl UnitConnection {
    pub(super) fn new(
        page: Page<Arc<unit::Model>>,
        as_of: NaiveDate,
        total: TotalCount,
        order: Option<ListOrder>,
    ) -> Self {
        UnitConnection {
            page,
            as_of,
            total,
            order,
        }
    }
}

/// A page of units (Relay connection).
#[Object]
impl UnitConnection {
    /// The units of this page with their cursors.
    pub(super) async fn edges(&self) -> Vec<UnitEdge> {
        self.page
            .items
            .iter()
            .map(|m| UnitEdge {
                cursor: service::cursor_in(self.order, m).encode(),
                node: Unit::new(m.clone(), self.as_of),
            })
            .collect()
    }

    /// The units of this page.
    pub(super) async fn nodes(&self) -> UnitNodes {
        UnitNodes(
            self.page
                .items
                .iter()
                .map(|m| Unit::new(m.clone(), self.as_of))
                .collect(),
        )
    }

    /// Where this page sits in the whole list.
    pub(super) async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, |m| service::cursor_in(self.order, m))
    }

    /// How many units match, over all pages.
    pub(super) async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
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
    pub(super) cursor: String,
    /// The unit.
    pub(super) node: Unit,
}

/// Queries of the unit tree; anonymous callers may use them.
#[derive(Default)]
pub struct UnitQuery;

#[Object]
impl UnitQuery {
    /// A unit by id; null when there is none.
    pub(super) async fn unit(
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
    pub(super) async fn unit_by_code(
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
    /// units whose name contains the text (ignoring case and diacritics,
    /// so "thai nguyen" finds "Tỉnh Thái Nguyên", "d" matches "đ") or whose
    /// code starts with it. `asOf` defaults to today (Vietnam time); when
    /// `within` or `parent` names a unit not in force today, to the nearest
    /// day it was (so the subtree of an abolished district reads as on its
    /// last day). `first`/`last` at most 100 (default 20).
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn units(
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
        #[graphql(
            desc = "By code (the default) or by name in Vietnamese alphabetical order, ascending or descending."
        )]
        order_by: Option<ListOrder>,
    ) -> async_graphql::Result<UnitConnection> {
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?
            .ordered(order_by)?;
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
        let lean = !super::needs_path(&ctx.look_ahead());
        let found = service::list(db, &filter, &page, order_by, lean).await?;
        Ok(UnitConnection::new(
            found.map(Arc::new),
            as_of,
            TotalCount::Count(filter),
            order_by,
        ))
    }
}

/// The unit an id argument names; an id of nothing is NOT_FOUND.
pub(super) async fn anchor(
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

/// The units of a page, as a connection's `nodes` answers them.
///
/// A list whose units are asked only for their own columns (see
/// [`Column`]) is answered here, unit by unit, without the future
/// async-graphql makes for each unit and each of its fields: the leaves of
/// a nested read (the communes of a province or of the country) are
/// nearly all of its units, and those futures were most of its work and
/// of its memory. Any other field (a nested list, a link, a count) sends
/// the whole list through async-graphql's own resolution. The answers are
/// the same either way (`a_plain_list_is_answered_as_async_graphql_would`).
pub struct UnitNodes(pub(super) Vec<Unit>);

impl async_graphql::OutputType for UnitNodes {
    fn type_name() -> std::borrow::Cow<'static, str> {
        <Vec<Unit> as async_graphql::OutputType>::type_name()
    }

    fn qualified_type_name() -> String {
        <Vec<Unit> as async_graphql::OutputType>::qualified_type_name()
    }

    fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
        <Vec<Unit> as async_graphql::OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &async_graphql::ContextSelectionSet<'_>,
        field: &async_graphql::Positioned<async_graphql::parser::types::Field>,
    ) -> async_graphql::ServerResult<async_graphql::Value> {
        match Column::selection(ctx) {
            Some(columns) => Ok(async_graphql::Value::List(
                self.0.iter().map(|unit| unit.columns(&columns)).collect(),
            )),
            None => {
                async_graphql::resolver_utils::resolve_list(ctx, field, &self.0, Some(self.0.len()))
                    .await
            }
        }
    }
}

/// A field of `Unit` that only shows the unit's own row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Typename,
    Id,
    Code,
    Name,
    Kind,
    AdminType,
    Depth,
    ValidFrom,
    ValidTo,
}

impl Column {
    fn of(field: &str) -> Option<Column> {
        Some(match field {
            "__typename" => Column::Typename,
            "id" => Column::Id,
            "code" => Column::Code,
            "name" => Column::Name,
            "kind" => Column::Kind,
            "adminType" => Column::AdminType,
            "depth" => Column::Depth,
            "validFrom" => Column::ValidFrom,
            "validTo" => Column::ValidTo,
            _ => return None,
        })
    }

    /// The fields asked of each unit of a list (`ctx`, the list's
    /// selection), by response key in the order async-graphql answers
    /// them (a key asked twice counts once, where first asked), when every
    /// one is a [`Column`]; None when any is not, or carries a directive
    /// (`@skip` and `@include` are gone by now: any left is the schema's).
    fn selection(
        ctx: &async_graphql::ContextSelectionSet<'_>,
    ) -> Option<Vec<(async_graphql::Name, Column)>> {
        let mut columns = Vec::new();
        Column::collect(ctx, &ctx.item.node, &mut columns).then_some(columns)
    }

    fn collect(
        ctx: &async_graphql::ContextSelectionSet<'_>,
        set: &async_graphql::parser::types::SelectionSet,
        columns: &mut Vec<(async_graphql::Name, Column)>,
    ) -> bool {
        use async_graphql::parser::types::Selection;
        set.items.iter().all(|selection| match &selection.node {
            Selection::Field(field) => {
                let Some(column) = Column::of(&field.node.name.node) else {
                    return false;
                };
                let key = field.node.response_key().node.clone();
                if !columns.iter().any(|(seen, _)| *seen == key) {
                    columns.push((key, column));
                }
                field.node.directives.is_empty()
            }
            Selection::FragmentSpread(spread) => {
                match ctx.query_env.fragments.get(&spread.node.fragment_name.node) {
                    Some(fragment) => {
                        !Column::applies(ctx, Some(&fragment.node.type_condition.node.on.node))
                            || Column::collect(ctx, &fragment.node.selection_set.node, columns)
                    }
                    None => false,
                }
            }
            Selection::InlineFragment(fragment) => {
                let on = fragment.node.type_condition.as_ref();
                !Column::applies(ctx, on.map(|condition| &condition.node.on.node))
                    || Column::collect(ctx, &fragment.node.selection_set.node, columns)
            }
        })
    }

    /// Whether a fragment on `condition` applies to a unit: on `Unit`, on
    /// an interface it implements (`Node`) or on no type.
    fn applies(
        ctx: &async_graphql::ContextSelectionSet<'_>,
        condition: Option<&async_graphql::Name>,
    ) -> bool {
        let unit = <Unit as async_graphql::OutputType>::type_name();
        condition.is_none_or(|on| {
            *on == *unit
                || ctx
                    .schema_env
                    .registry
                    .implements
                    .get(unit.as_ref())
                    .is_some_and(|interfaces| interfaces.contains(on.as_str()))
        })
    }
}

impl Unit {
    /// This unit's answer to a selection of [`Column`]s, as async-graphql
    /// would give it: an object in the selection's order, null when the
    /// selection is empty (fragments on other types only).
    fn columns(&self, columns: &[(async_graphql::Name, Column)]) -> async_graphql::Value {
        use async_graphql::{InputType, ScalarType, Value};
        if columns.is_empty() {
            return Value::Null;
        }
        let model = &self.model;
        let date =
            |day: Option<NaiveDate>| day.map_or(Value::Null, |d| ScalarType::to_value(&Date(d)));
        Value::Object(
            columns
                .iter()
                .map(|(key, column)| {
                    let value = match column {
                        Column::Typename => {
                            Value::String(<Unit as async_graphql::OutputType>::type_name().into())
                        }
                        Column::Id => Value::String(self.global_id().0),
                        Column::Code => Value::String(model.code.clone()),
                        Column::Name => Value::String(model.name.clone()),
                        Column::Kind => UnitKind::from(model.kind).to_value(),
                        Column::AdminType => AdminType::from(model.admin_type).to_value(),
                        Column::Depth => Value::from(model.depth),
                        Column::ValidFrom => date(model.valid_from),
                        Column::ValidTo => date(model.valid_to),
                    };
                    (key.clone(), value)
                })
                .collect(),
        )
    }
}
