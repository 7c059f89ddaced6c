//! Relay cursor pagination shared by every connection: argument checks,
//! opaque cursors over a `(sort key, id)` pair, and in-memory paging for
//! lists a DataLoader has already fetched whole.

use async_graphql::{Enum, InputObject, SimpleObject};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// Largest page a client may ask for (`first`/`last`).
pub const MAX_PAGE_SIZE: i32 = 100;
/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// A position in a list ordered by `(key, id)`; opaque to clients.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub key: String,
    pub id: Uuid,
}

impl Cursor {
    pub fn new(key: impl Into<String>, id: Uuid) -> Self {
        Cursor {
            key: key.into(),
            id,
        }
    }

    /// The opaque string a client passes back as `after`/`before`.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}{}", self.id, self.key))
    }

    /// Reads a cursor this server produced; anything else is bad input.
    pub fn decode(field: &str, value: &str) -> AppResult<Self> {
        let bad = || AppError::invalid(format!("`{field}` is not a valid cursor"));
        let bytes = URL_SAFE_NO_PAD.decode(value).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        if text.len() < 36 || !text.is_char_boundary(36) {
            return Err(bad());
        }
        let (id, key) = text.split_at(36);
        // No key of ours holds a NUL, which PostgreSQL text refuses.
        if key.contains('\0') {
            return Err(bad());
        }
        let id = Uuid::parse_str(id).map_err(|_| bad())?;
        Ok(Cursor::new(key, id))
    }
}

/// What a list is ordered by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderField {
    /// By code: a unit's code, a mandate's code, a document's number, a
    /// report's reporter by its place in the unit tree. The default.
    #[default]
    Code,
    /// By name in Vietnamese alphabetical order (a, ă, â, b, c, d, đ, …;
    /// syllable by syllable, tones không dấu, huyền, hỏi, ngã, sắc, nặng;
    /// numbers by value): a unit's name, a mandate's title, a document's
    /// subject (trích yếu), a report's reporting unit's name. The same on
    /// SQLite and PostgreSQL.
    Name,
}

crate::labels!(OrderField {
    Code => "Theo mã",
    Name => "Theo tên",
});

/// Which way a list runs.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Ascending (A to Z), the default.
    #[default]
    Asc,
    /// Descending (Z to A).
    Desc,
}

crate::labels!(OrderDirection {
    Asc => "Tăng dần",
    Desc => "Giảm dần",
});

/// How a list is ordered: by code (the default) or by Vietnamese name, up
/// or down. Items with the same key follow their ids, so pages never skip
/// or repeat an item. A cursor belongs to the field it was read with;
/// another field's cursor is BAD_USER_INPUT (the direction may change).
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct ListOrder {
    /// What to order by (default CODE).
    #[graphql(default)]
    pub field: OrderField,
    /// Which way (default ASC).
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// The mark a cursor of a list ordered by name starts its key with (no
/// code holds it), so that cursors of the two orders are never mixed.
const NAME_CURSOR: char = '\u{1}';

/// Checked Relay arguments: which slice of the ordered list to return.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: u64,
    pub after: Option<Cursor>,
    pub before: Option<Cursor>,
    /// True for `last`: the slice is taken from the end.
    pub backward: bool,
    /// True when the list runs downwards (`direction: DESC`).
    pub descending: bool,
}

impl PageRequest {
    /// Validates `first`/`after`/`last`/`before`: sizes between 0 and
    /// [`MAX_PAGE_SIZE`], not `first` and `last` together, cursors ours.
    pub fn parse(
        first: Option<i32>,
        after: Option<&str>,
        last: Option<i32>,
        before: Option<&str>,
    ) -> AppResult<Self> {
        let check = |name: &str, n: i32| {
            if !(0..=MAX_PAGE_SIZE).contains(&n) {
                Err(AppError::invalid(format!(
                    "`{name}` must be between 0 and {MAX_PAGE_SIZE}, got {n}"
                )))
            } else {
                Ok(n as u64)
            }
        };
        let (limit, backward) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(AppError::invalid("give either `first` or `last`, not both"));
            }
            (Some(n), None) => (check("first", n)?, false),
            (None, Some(n)) => (check("last", n)?, true),
            (None, None) => (DEFAULT_PAGE_SIZE as u64, false),
        };
        Ok(PageRequest {
            limit,
            after: after.map(|c| Cursor::decode("after", c)).transpose()?,
            before: before.map(|c| Cursor::decode("before", c)).transpose()?,
            backward,
            descending: false,
        })
    }

    /// The same request on a list ordered by `order`: its direction set,
    /// and its cursors checked to be of that order's field (a name
    /// cursor keeps its mark, as the items' cursors it is compared with
    /// in memory do; [`PageRequest::keyset`] compares the column with the
    /// key without it).
    pub fn ordered(mut self, order: Option<ListOrder>) -> AppResult<Self> {
        let order = order.unwrap_or_default();
        self.descending = order.direction == OrderDirection::Desc;
        for (name, cursor) in [("after", &self.after), ("before", &self.before)] {
            let Some(c) = cursor.as_ref() else { continue };
            let by_name = c.key.starts_with(NAME_CURSOR);
            if by_name != (order.field == OrderField::Name) {
                return Err(AppError::invalid(format!(
                    "`{name}` is a cursor of a list ordered by another field than {}",
                    if order.field == OrderField::Name {
                        "NAME"
                    } else {
                        "CODE"
                    }
                )));
            }
        }
        Ok(self)
    }
}

/// The cursor of an item at `key` in a list ordered by name (see
/// [`PageRequest::ordered`]).
pub fn name_cursor(key: &str, id: Uuid) -> Cursor {
    let mut marked = String::with_capacity(key.len() + 1);
    marked.push(NAME_CURSOR);
    marked.push_str(key);
    Cursor::new(marked, id)
}

/// The column a list ordered by `order` is keyed by: `code` or `name`.
pub fn order_column<C>(order: Option<ListOrder>, code: C, name: C) -> C {
    match order.unwrap_or_default().field {
        OrderField::Code => code,
        OrderField::Name => name,
    }
}

/// The cursor of an item at `code` (or at `name_key`, when the list is
/// ordered by name).
pub fn cursor_by(order: Option<ListOrder>, code: &str, name_key: &str, id: Uuid) -> Cursor {
    match order.unwrap_or_default().field {
        OrderField::Code => Cursor::new(code, id),
        OrderField::Name => name_cursor(name_key, id),
    }
}

impl PageRequest {
    /// The SQL order of the probe: descending when paging backward on an
    /// ascending list or forward on a descending one.
    pub fn order(&self) -> sea_orm::Order {
        if self.backward != self.descending {
            sea_orm::Order::Desc
        } else {
            sea_orm::Order::Asc
        }
    }

    /// One page of the `E` rows matching `cond`, ordered by `(key, id)` in
    /// the request's direction: the keyset, the order and the probe row
    /// every paged list shares.
    pub async fn fetch<E: sea_orm::EntityTrait>(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        cond: sea_orm::Condition,
        key: E::Column,
        id: E::Column,
    ) -> AppResult<Page<E::Model>> {
        let rows = self.window(E::find(), cond, key, id).all(db).await?;
        Ok(Page::from_probe(rows, self))
    }

    /// `select` narrowed to this page's probe: the rows matching `cond`
    /// past the cursors, ordered by `(key, id)` in the request's
    /// direction, one more than the page (the key may be a joined
    /// table's column).
    pub fn window<S, K, I>(&self, select: S, cond: sea_orm::Condition, key: K, id: I) -> S
    where
        S: sea_orm::QueryFilter + sea_orm::QueryOrder + sea_orm::QuerySelect,
        K: sea_orm::ColumnTrait,
        I: sea_orm::ColumnTrait,
    {
        select
            .filter(cond.add(self.keyset(key, id)))
            .order_by(key, self.order())
            .order_by(id, self.order())
            .limit(self.limit + 1)
    }

    /// The rows strictly between the cursors, for a list ordered by
    /// `(key, id)` in the request's direction (the key may be another
    /// table's column, joined).
    pub fn keyset<K: sea_orm::ColumnTrait, I: sea_orm::ColumnTrait>(
        &self,
        key: K,
        id: I,
    ) -> sea_orm::Condition {
        use sea_orm::Condition;
        // Past `c` in list order: above it on an ascending list, below it
        // on a descending one. `key >= c` besides the exact test lets the
        // database seek the (key) index to the cursor instead of scanning
        // it from the start on every page (on SQLite a whole export's
        // pages cost O(n²)).
        let past = |c: &Cursor, upwards: bool| {
            // The column's value: a name cursor's key without its mark.
            let k = c.key.strip_prefix(NAME_CURSOR).unwrap_or(&c.key);
            let (bound, strict, id_strict) = if upwards {
                (key.gte(k), key.gt(k), id.gt(c.id))
            } else {
                (key.lte(k), key.lt(k), id.lt(c.id))
            };
            Condition::all().add(bound).add(
                Condition::any()
                    .add(strict)
                    .add(Condition::all().add(key.eq(k)).add(id_strict)),
            )
        };
        let mut cond = Condition::all();
        if let Some(c) = &self.after {
            cond = cond.add(past(c, !self.descending));
        }
        if let Some(c) = &self.before {
            cond = cond.add(past(c, self.descending));
        }
        cond
    }
}

/// One page of an ordered list, with what lies beyond it.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    pub has_previous: bool,
}

impl<T> Page<T> {
    /// Builds a page from rows fetched with `LIMIT limit + 1` in the
    /// request's direction: the extra row only tells that more exist.
    pub fn from_probe(mut rows: Vec<T>, request: &PageRequest) -> Self {
        let more = rows.len() as u64 > request.limit;
        rows.truncate(request.limit as usize);
        if request.backward {
            rows.reverse();
            Page {
                items: rows,
                has_next: request.before.is_some(),
                has_previous: more,
            }
        } else {
            Page {
                items: rows,
                has_next: more,
                has_previous: request.after.is_some(),
            }
        }
    }

    /// Pages a whole list, sorting it by `cursor` in the request's
    /// direction.
    pub fn slice(items: Vec<T>, request: &PageRequest, cursor: impl Fn(&T) -> Cursor) -> Self {
        let mut keyed: Vec<(Cursor, T)> = items.into_iter().map(|i| (cursor(&i), i)).collect();
        keyed.sort_by(|(a, _), (b, _)| a.cmp(b));
        let items = keyed.into_iter().map(|(_, item)| item).collect();
        Self::slice_sorted(items, request, cursor)
    }

    /// Pages a whole list already in ascending order of `cursor`: no
    /// sorting, and no cursor computed unless `after` or `before` asks.
    pub fn slice_sorted(
        mut items: Vec<T>,
        request: &PageRequest,
        cursor: impl Fn(&T) -> Cursor,
    ) -> Self {
        if request.descending {
            items.reverse();
        }
        if request.after.is_some() || request.before.is_some() {
            // Past `a` in list order.
            let past = |c: &Cursor, a: &Cursor| if request.descending { c < a } else { c > a };
            items.retain(|item| {
                let c = cursor(item);
                request.after.as_ref().is_none_or(|a| past(&c, a))
                    && request.before.as_ref().is_none_or(|b| past(b, &c))
            });
        }
        let total = items.len();
        let limit = (request.limit as usize).min(total);
        let (start, end) = if request.backward {
            (total - limit, total)
        } else {
            (0, limit)
        };
        items.truncate(end);
        items.drain(..start);
        Page {
            has_previous: start > 0 || (!request.backward && request.after.is_some()),
            has_next: end < total || (request.backward && request.before.is_some()),
            items,
        }
    }

    /// The same page with each item converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next: self.has_next,
            has_previous: self.has_previous,
        }
    }
}

/// Relay `PageInfo`.
#[derive(Debug, Clone, SimpleObject)]
pub struct PageInfo {
    /// More items follow this page.
    pub has_next_page: bool,
    /// Items precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first edge, to page backwards with `before`.
    pub start_cursor: Option<String>,
    /// Cursor of the last edge, to page forwards with `after`.
    pub end_cursor: Option<String>,
}

impl PageInfo {
    /// The page info of `page`, given each item's cursor.
    pub fn of<T>(page: &Page<T>, cursor: impl Fn(&T) -> Cursor) -> Self {
        PageInfo {
            has_next_page: page.has_next,
            has_previous_page: page.has_previous,
            start_cursor: page.items.first().map(|i| cursor(i).encode()),
            end_cursor: page.items.last().map(|i| cursor(i).encode()),
        }
    }
}

/// Query complexity of a connection field: its own cost plus the page
/// size times the cost of one item, so that nested pages multiply.
pub fn page_complexity(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first
        .or(last)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE) as usize;
    1 + size * child_complexity
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<Cursor> {
        (0..5)
            .map(|i| Cursor::new(format!("{i:02}"), Uuid::from_u128(i)))
            .collect()
    }

    #[test]
    fn cursors_round_trip_and_reject_foreign_strings() {
        let c = Cursor::new("19-SNV", Uuid::now_v7());
        assert_eq!(Cursor::decode("after", &c.encode()).unwrap(), c);
        assert!(Cursor::decode("after", "bm90IGEgY3Vyc29y").is_err());
        assert!(Cursor::decode("after", "***").is_err());
        // A key with a NUL, which PostgreSQL text refuses, is bad input.
        let nul = Cursor::new("19\0SNV", Uuid::now_v7());
        assert!(Cursor::decode("after", &nul.encode()).is_err());
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert!(PageRequest::parse(Some(101), None, None, None).is_err());
        assert!(PageRequest::parse(Some(-1), None, None, None).is_err());
        assert!(PageRequest::parse(Some(1), None, Some(1), None).is_err());
        assert_eq!(
            PageRequest::parse(None, None, None, None).unwrap().limit,
            20
        );
    }

    #[test]
    fn slicing_pages_forward_and_backward() {
        let all = items();
        let req = PageRequest::parse(Some(2), Some(&all[0].encode()), None, None).unwrap();
        let page = Page::slice(all.clone(), &req, Clone::clone);
        assert_eq!(page.items, all[1..3].to_vec());
        assert!(page.has_next && page.has_previous);

        let req = PageRequest::parse(None, None, Some(2), Some(&all[4].encode())).unwrap();
        let page = Page::slice(all.clone(), &req, Clone::clone);
        assert_eq!(page.items, all[2..4].to_vec());
        assert!(page.has_next && page.has_previous);

        let req = PageRequest::parse(Some(10), None, None, None).unwrap();
        let page = Page::slice(all.clone(), &req, Clone::clone);
        assert_eq!(page.items.len(), 5);
        assert!(!page.has_next && !page.has_previous);
    }

    /// A list already in order pages as the sorting slice pages it
    /// shuffled: every size, cursor and direction.
    #[test]
    fn a_sorted_list_pages_as_a_shuffled_one() {
        let all = items();
        let mut shuffled = all.clone();
        shuffled.swap(0, 3);
        shuffled.swap(1, 4);
        let cursors: Vec<Option<String>> = std::iter::once(None)
            .chain(all.iter().map(|c| Some(c.encode())))
            .collect();
        let mut compared = 0;
        for n in [0, 1, 2, 5] {
            for cursor in &cursors {
                for descending in [false, true] {
                    let requests = [
                        PageRequest::parse(Some(n), cursor.as_deref(), None, None),
                        PageRequest::parse(None, None, Some(n), cursor.as_deref()),
                    ];
                    for mut req in requests.into_iter().map(Result::unwrap) {
                        req.descending = descending;
                        let sorted = Page::slice_sorted(all.clone(), &req, Clone::clone);
                        let slice = Page::slice(shuffled.clone(), &req, Clone::clone);
                        assert_eq!(sorted.items, slice.items, "{n} {cursor:?} {descending}");
                        assert_eq!(
                            (sorted.has_next, sorted.has_previous),
                            (slice.has_next, slice.has_previous)
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert_eq!(compared, 4 * 6 * 2 * 2);
        // Descending from the start: the largest first.
        let mut req = PageRequest::parse(Some(2), None, None, None).unwrap();
        req.descending = true;
        assert_eq!(
            Page::slice_sorted(all.clone(), &req, Clone::clone).items,
            vec![all[4].clone(), all[3].clone()]
        );
    }
}
