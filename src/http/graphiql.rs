//! GraphiQL served from the binary itself: the page, GraphiQL's, React's
//! and graphql-ws's builds from their npm packages at pinned versions
//! (`assets/graphiql/VERSIONS`, re-made by `assets/graphiql/vendor.sh`)
//! and their licences, so that it works on an intranet with no way out.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

macro_rules! assets {
    ($($name:literal),* $(,)?) => {
        /// Every file under `/graphiql/`, by name.
        pub const ASSETS: &[(&str, &[u8])] = &[
            $(($name, include_bytes!(concat!("../../assets/graphiql/", $name)))),*
        ];
    };
}

assets!(
    "graphiql.min.css",
    "graphiql.min.js",
    "graphql-ws.min.js",
    "react.production.min.js",
    "react-dom.production.min.js",
    "phancap-graphiql.js",
    "phancap-graphiql.css",
    "LICENSE.graphiql.txt",
    "LICENSE.graphql-ws.txt",
    "LICENSE.react.txt",
    "LICENSE.react-dom.txt",
    "VERSIONS",
);

const PAGE: &str = include_str!("../../assets/graphiql/index.html");

/// The GraphiQL page. Its scripts are all served from `/graphiql/`.
pub fn page() -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        PAGE,
    )
        .into_response()
}

/// `GET /graphiql/{file}`.
pub async fn asset(Path(name): Path<String>) -> Response {
    let Some((_, bytes)) = ASSETS.iter().find(|(n, _)| *n == name) else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    let kind = match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(kind)),
            // The files change only with the binary; a day is a fair wait.
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        *bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    /// The files compiled in are the ones `vendor.sh` lists.
    #[test]
    fn every_listed_file_is_served() {
        let listed: Vec<&str> = include_str!("../../assets/graphiql/FILES")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        let mut served: Vec<&str> = super::ASSETS.iter().map(|(n, _)| *n).collect();
        let mut listed_sorted = listed.clone();
        listed_sorted.sort_unstable();
        served.sort_unstable();
        assert_eq!(served, listed_sorted);
    }
}
