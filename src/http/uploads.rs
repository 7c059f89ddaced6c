//! Files sent with a GraphQL operation by the GraphQL multipart request
//! spec (github.com/jaydenseric/graphql-multipart-request-spec): a
//! `multipart/form-data` body whose `operations` field is the usual JSON,
//! whose `map` field says which variable each file fills, and then the
//! files. The whole body is read within the upload limit first.

use async_graphql::UploadValue;

use super::*;

/// Most files one request carries.
pub(super) const MAX_FILES: usize = 10;

/// Most variables one file may fill.
pub(super) const MAX_PATHS: usize = 10;

/// The files of one operation, by variable path (`variables.input.file`).
#[derive(Default)]
pub(super) struct Uploads(pub(super) Vec<(String, UploadValue)>);

impl std::fmt::Debug for Uploads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let paths: Vec<&str> = self.0.iter().map(|(p, _)| p.as_str()).collect();
        f.debug_tuple("Uploads").field(&paths).finish()
    }
}

/// The boundary of a `multipart/form-data` content type, or None for any
/// other type.
pub(super) fn boundary(content_type: &str) -> Option<String> {
    multer::parse_boundary(content_type).ok()
}

/// Reads the operations and their files; an error message for a body that
/// does not follow the spec.
pub(super) async fn parse(
    body: Bytes,
    boundary: String,
    max_batch: usize,
) -> Result<Operations, String> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let bad = |e: multer::Error| format!("the multipart body is malformed: {e}");
    let mut operations: Option<Operations> = None;
    let mut map: Option<HashMap<String, Vec<String>>> = None;
    let mut files = 0;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "operations" if operations.is_none() => {
                let text = field.bytes().await.map_err(bad)?;
                operations = Some(parse_body(&text, max_batch)?);
            }
            "map" if map.is_none() && operations.is_some() => {
                let text = field.bytes().await.map_err(bad)?;
                if text.len() > 64 * 1024 {
                    return Err("`map` is at most 64 KiB".into());
                }
                map = Some(serde_json::from_slice(&text).map_err(|e| {
                    format!("`map` must map each file's field name to variable paths: {e}")
                })?);
            }
            _ => {
                let (Some(ops), Some(map)) = (operations.as_mut(), map.as_ref()) else {
                    return Err("send `operations`, then `map`, then the files".into());
                };
                let Some(paths) = map.get(&name) else {
                    return Err(format!("`map` does not name the file field `{name}`"));
                };
                if paths.len() > MAX_PATHS {
                    return Err(format!("a file fills at most {MAX_PATHS} variables"));
                }
                files += 1;
                if files > MAX_FILES {
                    return Err(format!("at most {MAX_FILES} files per request"));
                }
                let filename = field.file_name().unwrap_or_default().to_owned();
                if filename.len() > 1024 {
                    return Err("a file name has at most 255 characters".into());
                }
                let content_type = field.content_type().map(|m| m.to_string());
                let content = field.bytes().await.map_err(bad)?;
                for path in paths {
                    let (op, var_path) = target(ops, path)?;
                    op.uploads.0.push((
                        var_path,
                        UploadValue {
                            filename: filename.clone(),
                            content_type: content_type.clone(),
                            content: content.clone(),
                        },
                    ));
                }
            }
        }
    }
    match (operations, map) {
        (Some(ops), Some(_)) => Ok(ops),
        _ => Err("a multipart request has `operations` and `map` fields".into()),
    }
}

/// The operation a map path points into and the path within it:
/// `variables.file` for a single operation, `0.variables.file` in a batch.
fn target<'a>(
    ops: &'a mut Operations,
    path: &str,
) -> Result<(&'a mut RawOperation, String), String> {
    let bad = || format!("`map` path `{path}` does not point into an operation's variables");
    match ops {
        Operations::Single(op) if path.starts_with("variables.") => Ok((op, path.to_owned())),
        Operations::Batch(list) => {
            let (index, rest) = path.split_once('.').ok_or_else(bad)?;
            let index: usize = index.parse().map_err(|_| bad())?;
            let op = list.get_mut(index).ok_or_else(bad)?;
            rest.starts_with("variables.")
                .then(|| (op, rest.to_owned()))
                .ok_or_else(bad)
        }
        _ => Err(bad()),
    }
}

/// Bytes read from a stored file at a time when it is sent.
const CHUNK: usize = 64 * 1024;

/// `GET /attachments/{id}`: an attached file, to anyone (documents are
/// public records), under that attachment's own name and type, as a
/// download. Sent in chunks read as the client takes them, so a slow
/// reader holds one chunk, not the file. The content never changes under
/// an id, so it is cached for good.
pub async fn file_download(
    State(state): State<GraphqlState>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> axum::response::Response {
    let not_found = || error_response(StatusCode::NOT_FOUND, "NOT_FOUND", "no such file");
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found();
    };
    let row = match crate::mandates::attachments::by_id(&state.db, id).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(),
        Err(err) => {
            tracing::error!(error = %err, "reading an attachment");
            return error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            );
        }
    };
    let Some(path) = state.files.path_of(&row.sha256) else {
        return not_found();
    };
    let file = match tokio::task::spawn_blocking(move || std::fs::File::open(path)).await {
        Ok(Ok(file)) => file,
        _ => {
            tracing::error!(sha256 = %row.sha256, "an attached file is missing from the store");
            return not_found();
        }
    };
    let chunks = file_chunks(file);
    let encoded: String = row
        .file_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let disposition = format!("attachment; filename*=UTF-8''{encoded}");
    let mut response = (StatusCode::OK, axum::body::Body::from_stream(chunks)).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&row.content_type) {
        headers.insert(CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(axum::http::header::CONTENT_DISPOSITION, value);
    }
    if let Ok(value) = HeaderValue::from_str(&row.size_bytes.to_string()) {
        headers.insert(axum::http::header::CONTENT_LENGTH, value);
    }
    headers.insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Opened in a browser tab anyway, it runs nothing.
    headers.insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

/// A file's bytes as a body stream, read a chunk at a time on the blocking
/// pool as the client takes them (attachments, XLSX exports).
pub(crate) fn file_chunks(
    file: std::fs::File,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    // Fused: the compression layer may poll once more after the end.
    futures_util::StreamExt::fuse(futures_util::stream::unfold(
        Some(file),
        |file| async move {
            let mut file = file?;
            let read = tokio::task::spawn_blocking(move || {
                use std::io::Read;
                let mut buffer = vec![0; CHUNK];
                let n = file.read(&mut buffer)?;
                buffer.truncate(n);
                Ok::<_, std::io::Error>((buffer, file))
            })
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
            match read {
                Ok((buffer, _)) if buffer.is_empty() => None,
                Ok((buffer, file)) => Some((Ok(Bytes::from(buffer)), Some(file))),
                Err(e) => Some((Err(e), None)),
            }
        },
    ))
}
