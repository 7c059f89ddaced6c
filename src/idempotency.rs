//! Idempotency keys for retries from clients on unreliable networks (the
//! mobile app): a signed-in caller's `POST /graphql` with an
//! `Idempotency-Key` header is executed once; the same key with the same
//! body returns the first answer, changing nothing more; the same key with
//! another body is refused (`IDEMPOTENCY_KEY_REUSED`); a retry while the
//! first is still running waits for nothing and is told so (`CONFLICT`).
//! Keys belong to their caller and expire after a configured time.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement, Value};

/// Longest key accepted.
pub const MAX_KEY: usize = 200;
/// Largest answer kept for a replay, in bytes; a larger one is not kept
/// (and its key freed), so that the table stays small.
pub const MAX_KEPT: usize = 256 * 1024;

/// What a key says about a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// First use: execute, then [`complete`] or [`release`].
    New,
    /// Answered before: this status and body.
    Replay { status: u16, body: String },
    /// Still being executed by an earlier request.
    InProgress,
    /// Used before for another request.
    Reused,
}

/// Whether `key` is one: 1 to [`MAX_KEY`] visible ASCII characters.
pub fn valid_key(key: &str) -> bool {
    (1..=MAX_KEY).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// `sql` with `?` placeholders as the backend writes them.
fn statement(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> Statement {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    out.push_str(&format!("${n}"));
                } else {
                    out.push(c);
                }
            }
            out
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Claims `key` of `user` for a request whose body hashes to `hash`, at
/// `now` (Unix seconds), forgetting keys older than `ttl` seconds.
pub async fn claim(
    db: &DatabaseConnection,
    user: &str,
    key: &str,
    hash: &str,
    now: i64,
    ttl: i64,
) -> Result<Claim, DbErr> {
    db.execute_raw(statement(
        db,
        "DELETE FROM idempotency_key WHERE created_at < ?",
        vec![(now - ttl).into()],
    ))
    .await?;
    let inserted = db
        .execute_raw(statement(
            db,
            "INSERT INTO idempotency_key (user_key, idem_key, request_hash, state, created_at) \
             VALUES (?, ?, ?, 'PENDING', ?) ON CONFLICT (user_key, idem_key) DO NOTHING",
            vec![user.into(), key.into(), hash.into(), now.into()],
        ))
        .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::New);
    }
    let row = db
        .query_one_raw(statement(
            db,
            "SELECT request_hash, state, status, response FROM idempotency_key \
             WHERE user_key = ? AND idem_key = ?",
            vec![user.into(), key.into()],
        ))
        .await?;
    let Some(row) = row else {
        // Expired and removed between the two statements: a retry may
        // claim it again.
        return Ok(Claim::InProgress);
    };
    let stored: String = row.try_get("", "request_hash")?;
    if stored != hash {
        return Ok(Claim::Reused);
    }
    let state: String = row.try_get("", "state")?;
    let status: Option<i32> = row.try_get("", "status")?;
    let body: Option<String> = row.try_get("", "response")?;
    Ok(match (state.as_str(), status, body) {
        ("DONE", Some(status), Some(body)) => Claim::Replay {
            status: u16::try_from(status).unwrap_or(200),
            body,
        },
        _ => Claim::InProgress,
    })
}

/// Keeps the answer of a claimed key.
pub async fn complete(
    db: &DatabaseConnection,
    user: &str,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), DbErr> {
    db.execute_raw(statement(
        db,
        "UPDATE idempotency_key SET state = 'DONE', status = ?, response = ? \
         WHERE user_key = ? AND idem_key = ?",
        vec![
            i32::from(status).into(),
            body.into(),
            user.into(),
            key.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Frees a claimed key whose request failed before it could change
/// anything (or whose answer is too large to keep): a retry executes anew.
pub async fn release(db: &DatabaseConnection, user: &str, key: &str) -> Result<(), DbErr> {
    db.execute_raw(statement(
        db,
        "DELETE FROM idempotency_key WHERE user_key = ? AND idem_key = ?",
        vec![user.into(), key.into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(valid_key("2f1c9a7e-retry-1"));
        assert!(!valid_key(""));
        assert!(!valid_key("with space"));
        assert!(!valid_key("khóa"));
        assert!(!valid_key(&"k".repeat(MAX_KEY + 1)));
    }
}
