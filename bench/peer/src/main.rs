//! The bare handler of `bench/peer.sh`: the physical limit of the nested
//! unit queries on PostgreSQL.
//!
//! `POST /tree` with `{"code": "19", "asOf": "2025-06-30"}` answers what
//! phancap answers to
//!
//! ```graphql
//! { unitByCode(code: "19", asOf: "2025-06-30") { name
//!     children(kind: DISTRICT, first: 100) { nodes { code name
//!       children(kind: COMMUNE, first: 100) { nodes { code name } } } } } }
//! ```
//!
//! and without `code` every province of that day (`units(kind: PROVINCE,
//! asOf:, first: 100) { nodes { code name children … } }`): one flat join
//! over the three levels, ordered by code, the nested JSON written by hand
//! into one buffer. No GraphQL, no per-level statements, no intermediate
//! values; pool connections are not pinged around each statement.
//!
//! Usage: `DATABASE_URL=postgres://… peer-bare 127.0.0.1:PORT`

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Row;

#[derive(Clone)]
struct App {
    pool: PgPool,
    one: &'static str,
    all: &'static str,
}

#[derive(Deserialize)]
struct Ask {
    code: Option<String>,
    #[serde(rename = "asOf")]
    as_of: String,
}

const IN_FORCE: &str = "(u.valid_from IS NULL OR u.valid_from <= $1::date) \
                        AND (u.valid_to IS NULL OR u.valid_to >= $1::date)";

fn tree_sql(one: bool) -> String {
    let f = |alias: &str| IN_FORCE.replace("u.", &format!("{alias}."));
    format!(
        "SELECT p.code, p.name, d.code, d.name, c.code, c.name \
         FROM unit p \
         LEFT JOIN unit d ON d.parent_id = p.id AND d.kind = 'DISTRICT' AND {} \
         LEFT JOIN unit c ON c.parent_id = d.id AND c.kind = 'COMMUNE' AND {} \
         WHERE p.kind = 'PROVINCE' AND {} {} \
         ORDER BY p.code, p.id, d.code, d.id, c.code, c.id",
        f("d"),
        f("c"),
        f("p"),
        if one { "AND p.code = $2" } else { "" }
    )
}

fn push_str(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec");
}

async fn tree(State(st): State<App>, body: Bytes) -> Response {
    let ask: Ask = match serde_json::from_slice(&body) {
        Ok(ask) => ask,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let one = ask.code.is_some();
    let sql = if one { st.one } else { st.all };
    let mut q = sqlx::query(sql).bind(&ask.as_of);
    if let Some(code) = &ask.code {
        q = q.bind(code);
    }
    let rows = match q.fetch_all(&st.pool).await {
        Ok(rows) => rows,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };

    let mut out = Vec::with_capacity(64 + rows.len() * 48);
    out.extend_from_slice(if one {
        b"{\"data\":{\"unitByCode\":"
    } else {
        b"{\"data\":{\"units\":{\"nodes\":["
    });
    if one && rows.is_empty() {
        out.extend_from_slice(b"null");
    }
    // Open levels: 0 none, 1 a province, 2 a district.
    let (mut province, mut district): (Option<String>, Option<String>) = (None, None);
    let (mut first_p, mut first_d, mut first_c) = (true, true, true);
    for row in &rows {
        let p_code: &str = row.get(0);
        let d_code: Option<&str> = row.get(2);
        let c_code: Option<&str> = row.get(4);
        if province.as_deref() != Some(p_code) {
            if province.is_some() {
                if district.is_some() {
                    out.extend_from_slice(b"]}}");
                }
                out.extend_from_slice(b"]}}");
            }
            if !first_p {
                out.push(b',');
            }
            first_p = false;
            out.push(b'{');
            if !one {
                out.extend_from_slice(b"\"code\":");
                push_str(&mut out, p_code);
                out.push(b',');
            }
            out.extend_from_slice(b"\"name\":");
            push_str(&mut out, row.get(1));
            out.extend_from_slice(b",\"children\":{\"nodes\":[");
            province = Some(p_code.to_owned());
            district = None;
            first_d = true;
        }
        let Some(d_code) = d_code else { continue };
        if district.as_deref() != Some(d_code) {
            if district.is_some() {
                out.extend_from_slice(b"]}}");
            }
            if !first_d {
                out.push(b',');
            }
            first_d = false;
            out.extend_from_slice(b"{\"code\":");
            push_str(&mut out, d_code);
            out.extend_from_slice(b",\"name\":");
            push_str(&mut out, row.get(3));
            out.extend_from_slice(b",\"children\":{\"nodes\":[");
            district = Some(d_code.to_owned());
            first_c = true;
        }
        let Some(c_code) = c_code else { continue };
        if !first_c {
            out.push(b',');
        }
        first_c = false;
        out.extend_from_slice(b"{\"code\":");
        push_str(&mut out, c_code);
        out.extend_from_slice(b",\"name\":");
        push_str(&mut out, row.get(5));
        out.push(b'}');
    }
    if province.is_some() {
        if district.is_some() {
            out.extend_from_slice(b"]}}");
        }
        out.extend_from_slice(b"]}}");
    }
    out.extend_from_slice(if one { b"}}" } else { b"]}}}" });
    ([(header::CONTENT_TYPE, "application/json")], out).into_response()
}

#[tokio::main]
async fn main() {
    let listen = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:18093".into());
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let size: u32 = std::env::var("POOL_SIZE").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let pool = PgPoolOptions::new()
        .max_connections(size)
        .min_connections(size)
        .test_before_acquire(false)
        .connect(&url)
        .await
        .expect("connecting to PostgreSQL");
    let app = Router::new().route("/tree", post(tree)).with_state(App {
        pool,
        one: tree_sql(true).leak(),
        all: tree_sql(false).leak(),
    });
    let listener = tokio::net::TcpListener::bind(&listen).await.expect("binding");
    axum::serve(listener, app).await.expect("serving");
}
