//! Reading the operations of a request: a JSON body (one operation or a
//! batch) or a GET's URL parameters, with persisted-query extensions.

use super::*;

/// One operation as a client sent it, before persisted queries are looked
/// up.
#[derive(Debug, Deserialize)]
pub(super) struct RawOperation {
    #[serde(default)]
    pub(super) query: Option<String>,
    #[serde(default, rename = "operationName")]
    pub(super) operation_name: Option<String>,
    #[serde(default)]
    pub(super) variables: Option<Value>,
    #[serde(default)]
    pub(super) extensions: Option<Value>,
    /// Files sent with it (multipart requests only).
    #[serde(skip)]
    pub(super) uploads: super::uploads::Uploads,
}

pub(super) enum Operations {
    Single(RawOperation),
    Batch(Vec<RawOperation>),
}

impl Operations {
    pub(super) fn count(&self) -> usize {
        match self {
            Operations::Single(_) => 1,
            Operations::Batch(ops) => ops.len(),
        }
    }
}

/// Reads one operation or a batch of at most `max_batch`; each must carry
/// a non-empty `query` or a persisted query's hash.
pub(super) fn parse_body(body: &[u8], max_batch: usize) -> Result<Operations, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    match value {
        Value::Array(items) if items.is_empty() => Err("the batch is empty".into()),
        Value::Array(items) if items.len() > max_batch => Err(format!(
            "a batch may hold at most {max_batch} operations, got {}",
            items.len()
        )),
        Value::Array(items) => Ok(Operations::Batch(
            items
                .into_iter()
                .map(parse_operation)
                .collect::<Result<_, _>>()?,
        )),
        value => Ok(Operations::Single(parse_operation(value)?)),
    }
}

pub(super) fn parse_operation(value: Value) -> Result<RawOperation, String> {
    let operation: RawOperation =
        serde_json::from_value(value).map_err(|e| format!("not a GraphQL request: {e}"))?;
    operation.check()?;
    Ok(operation)
}

/// The prefix async-graphql gives an uploaded file's place in the
/// variables.
const UPLOAD_MARK: &str = "#__graphql_file__";

/// `query` with its GraphQL unicode escapes (`\u0023`, `\u{23}`) decoded,
/// so that a marker spelled with them is seen as the parser will see it.
fn unescaped(query: &str) -> std::borrow::Cow<'_, str> {
    if !query.contains("\\u") {
        return std::borrow::Cow::Borrowed(query);
    }
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(at) = rest.find("\\u") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let (hex, used) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            },
            None => (after.get(..4).unwrap_or(""), 4),
        };
        match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
            Some(c) if used > 0 => {
                out.push(c);
                rest = &after[used..];
            }
            _ => {
                out.push_str("\\u");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

impl RawOperation {
    pub(super) fn check(&self) -> Result<(), String> {
        let has_query = self.query.as_deref().is_some_and(|q| !q.trim().is_empty());
        let persisted = self
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("persistedQuery").is_some());
        if !has_query && !persisted {
            return Err(
                "each operation needs a non-empty `query` string or a persisted query's hash"
                    .into(),
            );
        }
        if self
            .variables
            .as_ref()
            .is_some_and(|v| !v.is_object() && !v.is_null())
        {
            return Err("`variables` must be an object".into());
        }
        // async-graphql marks an uploaded file inside the variables with
        // this text; only the multipart `map` may put one there.
        let forged = self
            .query
            .as_deref()
            .is_some_and(|q| unescaped(q).contains(UPLOAD_MARK))
            || self
                .variables
                .as_ref()
                .is_some_and(|v| v.to_string().contains(UPLOAD_MARK));
        if forged {
            return Err(format!(
                "`{UPLOAD_MARK}` names an uploaded file: send files by the multipart request spec"
            ));
        }
        Ok(())
    }

    /// The SHA-256 (lower-case hex) of `extensions.persistedQuery`, when
    /// the operation has one; an error when it is not version 1 with a
    /// `sha256Hash` string.
    pub(super) fn persisted_hash(&self) -> Result<Option<String>, &'static str> {
        let Some(pq) = self
            .extensions
            .as_ref()
            .and_then(|e| e.get("persistedQuery"))
        else {
            return Ok(None);
        };
        if pq.get("version").and_then(Value::as_f64) != Some(1.0) {
            return Err("only version 1 of persisted queries is supported (`\"version\": 1`)");
        }
        match pq.get("sha256Hash").and_then(Value::as_str) {
            Some(hash) => Ok(Some(hash.to_ascii_lowercase())),
            None => Err("a persisted query needs its `sha256Hash` as a string"),
        }
    }
}

/// The operation of a GET's URL parameters; `variables` and `extensions`
/// are JSON text.
pub(super) fn operation_from_params(
    mut params: HashMap<String, String>,
) -> Result<RawOperation, String> {
    let json = |name: &str, text: Option<String>| -> Result<Option<Value>, String> {
        text.filter(|t| !t.is_empty())
            .map(|t| serde_json::from_str(&t).map_err(|e| format!("`{name}` is not JSON: {e}")))
            .transpose()
    };
    let operation = RawOperation {
        query: params.remove("query"),
        operation_name: params.remove("operationName").filter(|n| !n.is_empty()),
        variables: json("variables", params.remove("variables"))?,
        extensions: json("extensions", params.remove("extensions"))?,
        uploads: Default::default(),
    };
    operation.check()?;
    Ok(operation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_spelled_with_escapes_is_seen() {
        for query in [
            r##"{ a(f: "\u0023__graphql_file__:0") }"##,
            r##"{ a(f: "#\u005f_graphql_file__:x") }"##,
            r##"{ a(f: "\u{23}__graphql_file__:0") }"##,
        ] {
            assert!(unescaped(query).contains(UPLOAD_MARK), "{query}");
        }
        assert_eq!(
            unescaped(r##"{ a(f: "\u00e0 \uZZZZ") }"##),
            r##"{ a(f: "à \uZZZZ") }"##
        );
    }
}
