//! Reading the `change` table: a page after a position in commit order,
//! and the latest change of many entities.

use std::collections::HashMap;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use entity::change;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// Prefix of the text inside a feed cursor, so that other cursors of this
/// server are refused rather than misread.
const CURSOR_PREFIX: &str = "change:";

/// The opaque cursor of the position after the change numbered `seq`.
pub fn encode_cursor(seq: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{seq}"))
}

/// Reads a cursor [`encode_cursor`] produced; anything else is bad input
/// (BAD_USER_INPUT, nothing read).
pub fn decode_cursor(value: &str) -> AppResult<i64> {
    let bad = || AppError::invalid("`after` is not a valid change-feed cursor");
    let bytes = URL_SAFE_NO_PAD.decode(value).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let seq = text.strip_prefix(CURSOR_PREFIX).ok_or_else(bad)?;
    match seq.parse::<i64>() {
        Ok(n) if n >= 0 && seq == n.to_string() => Ok(n),
        _ => Err(bad()),
    }
}

/// The position of the latest committed change (0 for none).
pub async fn head(db: &impl ConnectionTrait) -> AppResult<i64> {
    let head: Option<Option<i64>> = change::Entity::find()
        .select_only()
        .column_as(change::Column::Seq.max(), "head")
        .into_tuple()
        .one(db)
        .await?;
    Ok(head.flatten().unwrap_or(0))
}

/// Up to `limit` committed changes after `after`, in commit order, of the
/// given GraphQL types (all when empty).
pub async fn after(
    db: &impl ConnectionTrait,
    after: i64,
    types: &[&str],
    limit: u64,
) -> AppResult<Vec<change::Model>> {
    let mut query = change::Entity::find().filter(change::Column::Seq.gt(after));
    if !types.is_empty() {
        query = query.filter(change::Column::EntityType.is_in(types.iter().copied()));
    }
    Ok(query
        .order_by_asc(change::Column::Seq)
        .limit(limit)
        .all(db)
        .await?)
}

/// The time of the latest change of each of `ids` (one statement).
pub async fn latest(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, DateTime<Utc>>> {
    let rows: Vec<(Uuid, DateTime<Utc>)> = change::Entity::find()
        .select_only()
        .column(change::Column::EntityId)
        .column_as(change::Column::At.max(), "at")
        .filter(change::Column::EntityId.is_in(ids.iter().copied()))
        .group_by(change::Column::EntityId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_strings_are_refused() {
        assert_eq!(decode_cursor(&encode_cursor(0)).unwrap(), 0);
        assert_eq!(decode_cursor(&encode_cursor(42)).unwrap(), 42);
        for bad in [
            "",
            "x",
            &URL_SAFE_NO_PAD.encode("change:-1"),
            &URL_SAFE_NO_PAD.encode("change:01"),
            &URL_SAFE_NO_PAD.encode("change:1x"),
            &URL_SAFE_NO_PAD.encode("other:1"),
        ] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }
}
