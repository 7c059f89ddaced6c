//! `/graphql/ws`: subscriptions over a websocket, signed in once per
//! connection and checked again at every event.

use super::*;
use crate::labels::Lang;

/// `GET /graphql/ws`: subscriptions over graphql-transport-ws (and the
/// older graphql-ws). The caller authenticates in `connection_init` with
/// `{"Authorization": "Bearer <token>"}`; a bad token closes the
/// connection, none subscribes anonymously (and is then refused).
pub async fn graphql_ws(
    State(state): State<GraphqlState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::WebSocketUpgrade,
) -> axum::response::Response {
    // Browsers do not apply CORS to websockets: the origin is checked here.
    if let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let same = origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host));
        if !same && !state.allowed_origins.iter().any(|o| o == origin) {
            return error_response(
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
                "this origin may not open the websocket (PHANCAP_CORS_ORIGINS)",
            );
        }
    }
    // Each connection counts as one anonymous request of its address.
    if let Err(wait) = state.anonymous_limit.check(peer.ip()).await {
        return too_many(
            &state,
            0,
            Instant::now(),
            wait,
            crate::labels::Lang::from_headers(&headers),
        );
    }
    // The language of the connection, from its upgrade request.
    let lang = Lang::from_headers(&headers);
    upgrade
        .max_message_size(WS_MAX_MESSAGE)
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let _open = state.metrics.websocket_opened();
            let schema = state.schema.clone();
            async_graphql_axum::GraphQLWebSocket::new(
                socket,
                SubscriptionsOnly(schema, lang),
                protocol,
            )
            .on_connection_init(move |payload| connection_data(state, payload, peer, lang))
            .serve()
            .await
        })
}

/// Largest websocket message: a subscription document and its variables.
pub(super) const WS_MAX_MESSAGE: usize = 64 * 1024;

/// The websocket's executor: only subscriptions, each within the size a
/// document may have. Queries and mutations (a sign-in among them) go to
/// `POST /graphql`, where the viewer is checked at every request and the
/// per-request limits apply.
#[derive(Clone)]
pub(super) struct SubscriptionsOnly(AppSchema, Lang);

/// `response` coded, its messages in `lang`.
fn answered(response: Response, lang: Lang) -> Response {
    let mut response = code_all(response);
    crate::graphql::codes::translate(&mut response, lang);
    response
}

impl SubscriptionsOnly {
    /// Why `request` is not served here, if it is not.
    pub(super) fn refusal(request: &Request) -> Option<ServerError> {
        let document = match async_graphql::parser::parse_query(&request.query) {
            Ok(document) => document,
            Err(error) => return Some(ServerError::from(error)),
        };
        if let Err(Refused(message)) = shape::check_size(&document) {
            return Some(coded_error(message, "BAD_USER_INPUT"));
        }
        let other = document
            .operations
            .iter()
            .any(|(_, op)| op.node.ty != OperationType::Subscription);
        other.then(|| {
            coded_error(
                "only subscriptions are served over the websocket; send queries and mutations to POST /graphql",
                "BAD_USER_INPUT",
            )
        })
    }
}

impl async_graphql::Executor for SubscriptionsOnly {
    async fn execute(&self, request: Request) -> Response {
        let lang = self.1;
        answered(
            match Self::refusal(&request) {
                Some(error) => Response::from_errors(vec![error]),
                None => async_graphql::Executor::execute(&self.0, request.data(lang)).await,
            },
            lang,
        )
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<async_graphql::Data>>,
    ) -> async_graphql::futures_util::stream::BoxStream<'static, Response> {
        use async_graphql::futures_util::StreamExt;
        // Every answer is coded here, a refusal made before the schema
        // runs as well as the schema's own.
        let lang = self.1;
        match Self::refusal(&request) {
            Some(error) => async_graphql::futures_util::stream::once(async move {
                answered(Response::from_errors(vec![error]), lang)
            })
            .boxed(),
            None => {
                async_graphql::Executor::execute_stream(&self.0, request.data(lang), session_data)
                    .map(move |r| answered(r, lang))
                    .boxed()
            }
        }
    }
}

pub(super) async fn connection_data(
    state: GraphqlState,
    payload: Value,
    peer: SocketAddr,
    lang: Lang,
) -> async_graphql::Result<async_graphql::Data> {
    let mut data = async_graphql::Data::default();
    per_request(&mut data, &state.db);
    // One set of loaders serves every event of the connection: unit lists
    // are read level by level, never planned ahead for a later event.
    data.insert(crate::units::loaders::UnitLoaders::unplanned(&state.db));
    data.insert(ClientAddr(peer.ip()));
    let header = ["Authorization", "authorization"]
        .iter()
        .find_map(|k| payload.get(*k).and_then(Value::as_str));
    let Some(header) = header else {
        return Ok(data);
    };
    match Viewer::from_authorization(&state.db, &state.tokens, header).await {
        Ok(Some((viewer, session))) => {
            data.insert(viewer);
            data.insert(session);
            Ok(data)
        }
        // The text is the close frame's reason: at most 123 bytes.
        Ok(None) => Err(async_graphql::Error::new(lang.pick(
            "Phiên đăng nhập không hợp lệ hoặc đã hết hạn; hãy đăng nhập lại.",
            "the access token is invalid or expired, or the user is inactive",
        ))),
        Err(err) => {
            tracing::error!(error = %err, "loading the viewer failed");
            Err(async_graphql::Error::new("internal error"))
        }
    }
}
