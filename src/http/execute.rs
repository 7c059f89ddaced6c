//! Running a request's operations: one context built for all of them (the
//! viewer, the client, the per-request loaders), the sign-in budget, the
//! shape plan, and how each ended.

use super::*;

/// An operation's response, how it ended, its metric label, and, for a
/// GET that may not run it, the refusal to send instead.
pub(super) struct Done {
    pub(super) response: Response,
    pub(super) outcome: Outcome,
    pub(super) label: String,
    pub(super) refusal: Option<axum::response::Response>,
}

impl Done {
    /// The same, counted under the operation's `label`.
    pub(super) fn labelled(mut self, label: String) -> Done {
        self.label = label;
        self
    }

    pub(super) fn error(code: &'static str, message: &str, outcome: Outcome) -> Done {
        Done {
            response: Response::from_errors(vec![coded_error(message, code)]),
            outcome,
            label: UNKNOWN.to_owned(),
            refusal: None,
        }
    }
}

/// Sign-ins one HTTP request may carry (a batch included): each costs a
/// password hash, so aliases and batches must not multiply them.
pub(super) const LOGINS_PER_REQUEST: usize = 1;

/// What the operations of one HTTP request share.
pub(super) struct Context<'a> {
    pub(super) state: &'a GraphqlState,
    pub(super) viewer: Option<&'a Viewer>,
    pub(super) client: ClientAddr,
    /// The language of messages (`Accept-Language`).
    pub(super) lang: crate::labels::Lang,
    pub(super) method: Method,
    /// Password checks (sign-ins and changes) run so far in this request.
    pub(super) logins: usize,
    /// Sign-ins among them, whose answers hold a token.
    pub(super) sign_ins: usize,
    /// Set when a sign-in went over the address's limit: seconds to wait.
    pub(super) retry_after: Option<u64>,
}

impl Context<'_> {
    /// Runs one operation and counts it.
    pub(super) async fn run(&mut self, operation: RawOperation) -> Done {
        let started = Instant::now();
        let done = self.run_inner(operation).await;
        self.state.metrics.record_request(
            &done.label,
            self.viewer.is_some(),
            done.outcome,
            started.elapsed(),
        );
        done
    }

    pub(super) async fn run_inner(&mut self, operation: RawOperation) -> Done {
        let state = self.state;

        let persisted = match operation.persisted_hash() {
            Ok(persisted) => persisted,
            Err(message) => return Done::error("BAD_USER_INPUT", message, Outcome::Rejected),
        };
        let query = match (&persisted, operation.query.filter(|q| !q.trim().is_empty())) {
            (Some(hash), None) => match state.persisted.get(hash).await {
                Some(query) => query.to_string(),
                None => {
                    return Done::error(
                        "PERSISTED_QUERY_NOT_FOUND",
                        "PersistedQueryNotFound",
                        Outcome::Rejected,
                    );
                }
            },
            (Some(hash), Some(query)) => {
                if sha256_hex(&query) != *hash {
                    return Done::error(
                        "PERSISTED_QUERY_HASH_MISMATCH",
                        "the persisted query's sha256Hash is not the SHA-256 of its query",
                        Outcome::Rejected,
                    );
                }
                query
            }
            (None, Some(query)) => query,
            (None, None) => unreachable!("checked when parsed"),
        };
        let mut request = Request::new(query.clone());
        if let Some(name) = operation.operation_name {
            request = request.operation_name(name);
        }
        if let Some(variables) = operation.variables {
            request = request.variables(Variables::from_json(variables));
        }
        for (path, upload) in operation.uploads.0 {
            request.set_upload(&path, upload);
        }
        let mut document = match async_graphql::parser::parse_query(&query) {
            Ok(document) => document,
            Err(error) => {
                let mut error = ServerError::from(error);
                set_code(&mut error);
                let mut done = Done::error("BAD_USER_INPUT", "", Outcome::Errors);
                done.response = Response::from_errors(vec![error]);
                return done;
            }
        };
        let plan = match Plan::new(
            &state.types,
            &mut document,
            request.operation_name.as_deref(),
        ) {
            Ok(plan) => plan,
            Err(Refused(message)) => {
                return Done::error("BAD_USER_INPUT", &message, Outcome::Rejected);
            }
        };
        request.set_parsed_query(document);
        if let Some(hash) = persisted {
            state.persisted.insert(hash, &query).await;
        }
        // Named only once the name is known to select an operation: a
        // client cannot fill the metric labels with names that run nothing.
        let label = match &plan {
            Some(_) => operation_label(request.operation_name.as_deref()).to_owned(),
            None => UNKNOWN.to_owned(),
        };
        if let Some(plan) = &plan {
            if self.method == Method::Get && plan.ty != OperationType::Query {
                let mut done = Done::error(
                    "BAD_USER_INPUT",
                    "only queries may be sent with GET; send mutations and subscriptions with POST",
                    Outcome::Rejected,
                );
                let mut refusal =
                    (StatusCode::METHOD_NOT_ALLOWED, Json(Body(&done.response))).into_response();
                refusal
                    .headers_mut()
                    .insert(ALLOW, HeaderValue::from_static("POST"));
                done.refusal = Some(refusal);
                done.label = label;
                return done;
            }
            // Each checks a password: a sign-in, or a change of password.
            let logins = match plan.ty {
                OperationType::Mutation => {
                    plan.root_fields_named("login") + plan.root_fields_named("changePassword")
                }
                _ => 0,
            };
            if plan.ty == OperationType::Mutation {
                self.sign_ins += plan.root_fields_named("login");
            }
            if logins > 0 {
                self.logins += logins;
                if self.logins > LOGINS_PER_REQUEST {
                    return Done::error(
                        "BAD_USER_INPUT",
                        "a request may check one password: send one `login` or `changePassword` per request",
                        Outcome::Rejected,
                    )
                    .labelled(label);
                }
                if let Err(wait) = state.login_limit.check(self.client.0).await {
                    self.retry_after = Some(wait);
                    return Done::error(
                        "RATE_LIMITED",
                        "too many sign-ins from this address",
                        Outcome::Rejected,
                    )
                    .labelled(label);
                }
            }
        }
        let mut request =
            request
                .data(self.client)
                .data(self.lang)
                .data(crate::turns::OperationTurn::new(
                    state.turns.clone(),
                    state.metrics.clone(),
                ));
        per_request(&mut request.data, &state.db);
        if let Some(viewer) = self.viewer {
            request = request.data(viewer.clone());
        }
        let mut response = state.schema.execute(request).await;
        crate::graphql::codes::translate(&mut response, self.lang);
        if let Some(plan) = &plan {
            plan.apply(&mut response);
        }
        let mut outcome = Outcome::Ok;
        for error in &mut response.errors {
            let code = set_code(error);
            outcome = outcome.max(if code == "INTERNAL" {
                Outcome::Internal
            } else {
                Outcome::Errors
            });
        }
        Done {
            response,
            outcome,
            label,
            refusal: None,
        }
    }
}
