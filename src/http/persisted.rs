//! Apollo's automatic persisted queries: queries kept by their SHA-256.

use super::*;

pub(super) fn sha256_hex(text: &str) -> String {
    sha256_hex_bytes(text.as_bytes())
}

pub(super) fn sha256_hex_bytes(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Queries registered by Apollo's automatic persisted queries protocol,
/// by SHA-256. Bounded in total size: the oldest go first. Each server
/// keeps its own; a client whose hash is unknown here sends the query
/// again, as the protocol provides.
pub struct PersistedQueries {
    pub(super) max_bytes: usize,
    pub(super) inner: Mutex<PersistedInner>,
}

#[derive(Default)]
pub(super) struct PersistedInner {
    pub(super) queries: HashMap<String, Arc<str>>,
    pub(super) order: VecDeque<String>,
    pub(super) bytes: usize,
}

impl PersistedQueries {
    /// A store holding at most `max_bytes` of query text.
    pub fn new(max_bytes: usize) -> Self {
        PersistedQueries {
            max_bytes,
            inner: Mutex::default(),
        }
    }

    pub(super) fn get(&self, hash: &str) -> Option<Arc<str>> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.queries.get(hash).cloned()
    }

    pub(super) fn insert(&self, hash: String, query: &str) {
        if query.len() > self.max_bytes {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.queries.contains_key(&hash) {
            return;
        }
        while inner.bytes + query.len() > self.max_bytes {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(gone) = inner.queries.remove(&oldest) {
                inner.bytes -= gone.len();
            }
        }
        inner.bytes += query.len();
        inner.order.push_back(hash.clone());
        inner.queries.insert(hash, Arc::from(query));
    }
}
