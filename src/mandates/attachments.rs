//! Files attached to documents: the signed scan of a decision, its annex.
//! Content is stored once by its SHA-256 in a folder ([`FileStore`]) and
//! recorded per document; a file is accepted only if its first bytes show
//! one of the formats an office files (PDF, images, Word, Excel,
//! OpenDocument), whatever name or type the client claims. Documents are
//! public records, and so are their files.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;
use entity::attachment;
use entity::role_grant::Role;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use super::documents;
use crate::audit::{self, Change};
use crate::auth::Authority;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::units::service::existing as existing_unit;

/// Where attached files live: `<dir>/<first two hex digits>/<sha256>`.
#[derive(Debug, Clone)]
pub struct FileStore {
    pub dir: PathBuf,
    /// Largest file accepted, in bytes.
    pub max_bytes: usize,
}

/// Default largest file: 20 MiB, a long scanned decision.
pub const DEFAULT_MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

impl FileStore {
    /// Where files go when no folder is configured: beside the SQLite
    /// file (`phancap.db.files/`), in the system's temporary folder for an
    /// in-memory database, and `./phancap-files` for PostgreSQL.
    pub fn default_dir(database_url: &str) -> PathBuf {
        match crate::auth::secret::sqlite_file(database_url) {
            Some(Some(db)) => PathBuf::from(format!("{}.files", db.display())),
            Some(None) => {
                std::env::temp_dir().join(format!("phancap-files-{}", std::process::id()))
            }
            None => PathBuf::from("phancap-files"),
        }
    }

    /// The path of the content with `sha256` (a 64-hex-digit name only).
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let hex = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
        hex.then(|| {
            let sha = sha256.to_ascii_lowercase();
            self.dir.join(&sha[..2]).join(sha)
        })
    }

    /// Writes `bytes` under their hash (once: the same content is one
    /// file), through a temporary file renamed into place so that a
    /// reader never sees half a file.
    fn put(&self, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self
            .path_of(sha256)
            .ok_or_else(|| std::io::Error::other("bad hash"))?;
        if path.exists() {
            return Ok(());
        }
        let folder = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder)?;
        let temp = folder.join(format!(".{}.part", Uuid::now_v7()));
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, &path)
    }
}

/// The media type `bytes` show, checked against the name's extension
/// where the container is shared (a ZIP is a .docx, .xlsx or .odt; an OLE
/// file a .doc or .xls). None for anything else.
pub fn sniff(bytes: &[u8], file_name: &str) -> Option<&'static str> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    // The name's extension must be the content's too: a saved download
    // opens by its extension, and "scan.pdf.cmd" holding %PDF- is a script.
    if bytes.starts_with(b"%PDF-") {
        return (ext == "pdf").then_some("application/pdf");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return (ext == "png").then_some("image/png");
    }
    if bytes.starts_with(b"\xff\xd8\xff") {
        return matches!(ext.as_str(), "jpg" | "jpeg").then_some("image/jpeg");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return match ext.as_str() {
            "docx" => {
                Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            }
            "xlsx" => Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "odt" => Some("application/vnd.oasis.opendocument.text"),
            "ods" => Some("application/vnd.oasis.opendocument.spreadsheet"),
            _ => None,
        };
    }
    if bytes.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return match ext.as_str() {
            "doc" => Some("application/msword"),
            "xls" => Some("application/vnd.ms-excel"),
            _ => None,
        };
    }
    None
}

/// The document whose files `by` may keep: APPROVER over its issuer; a
/// document of a body outside the tree (a law, another province's letter)
/// belongs to no province's APPROVER, so only an ADMIN.
async fn keeper_of(
    txn: &sea_orm::DatabaseTransaction,
    by: Authority<'_>,
    document: Uuid,
) -> AppResult<(entity::document::Model, crate::audit::Actor)> {
    let doc = documents::existing(txn, document).await?;
    let actor = match doc.issuer_unit_id {
        Some(id) => by.require(Role::Approver, &existing_unit(txn, id).await?)?,
        None => by.require_anywhere(Role::Admin)?,
    };
    Ok((doc, actor))
}

pub use crate::text::sha256_hex;

/// Attaches `bytes` named `file_name` to `document`: APPROVER over the
/// issuer (ADMIN for a document of a body outside the tree).
/// The same content attached twice to one document is one attachment.
pub async fn attach_file(
    db: &DatabaseConnection,
    store: &FileStore,
    by: Authority<'_>,
    document: Uuid,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<attachment::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let (doc, actor) = keeper_of(&txn, by, document).await?;
    let name = file_name.trim();
    let bad_name = name.is_empty()
        || name.chars().count() > 255
        || !crate::text::readable(name)
        || name.starts_with('.')
        || name.contains(['/', '\\', ':', '"', '<', '>', '|', '?', '*']);
    if bad_name {
        return Err(AppError::rule(
            Some("file"),
            UserErrorCode::InvalidText,
            "a file name has 1 to 255 characters, does not start with a dot, and has no slash, colon, quote, <, >, |, ?, * or control character",
        ));
    }
    if bytes.len() > store.max_bytes {
        return Err(AppError::rule(
            Some("file"),
            UserErrorCode::FileTooLarge,
            format!("a file is at most {} bytes", store.max_bytes),
        ));
    }
    let Some(content_type) = sniff(bytes, name) else {
        return Err(AppError::rule(
            Some("file"),
            UserErrorCode::UnsupportedFileType,
            "attach a PDF, a PNG or JPEG image, or a Word, Excel or OpenDocument file",
        ));
    };
    let sha256 = sha256_hex(bytes);
    let existing = attachment::Entity::find()
        .filter(attachment::Column::DocumentId.eq(document))
        .filter(attachment::Column::Sha256.eq(sha256.as_str()))
        .one(&txn)
        .await?;
    if let Some(found) = existing {
        return Ok(found);
    }
    store.put(&sha256, bytes).map_err(AppError::internal)?;
    let row = attachment::Model {
        id: Uuid::now_v7(),
        document_id: document,
        sha256,
        file_name: name.to_owned(),
        content_type: content_type.to_owned(),
        size_bytes: bytes.len() as i64,
        created_at: Utc::now(),
    };
    row.clone().into_active_model().insert(&txn).await?;
    let change = Change {
        action: "attachFile",
        entity_type: "Document",
        entity_id: doc.id,
        scope_unit_id: doc.issuer_unit_id,
        before: None,
        after: Some(json!({
            "attachment": row.id, "fileName": row.file_name, "contentType": row.content_type,
            "sizeBytes": row.size_bytes, "sha256": row.sha256,
        })),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(row)
}

/// Removes the attachment of `document` with content `sha256` (a file
/// attached by mistake), with the same rights as attaching it; the stored
/// content is deleted once no attachment names it. Returns what was
/// removed.
pub async fn detach_file(
    db: &DatabaseConnection,
    store: &FileStore,
    by: Authority<'_>,
    document: Uuid,
    sha256: &str,
) -> AppResult<attachment::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let (doc, actor) = keeper_of(&txn, by, document).await?;
    let row = attachment::Entity::find()
        .filter(attachment::Column::DocumentId.eq(document))
        .filter(attachment::Column::Sha256.eq(sha256.to_ascii_lowercase()))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("attachment"))?;
    attachment::Entity::delete_by_id(row.id).exec(&txn).await?;
    let still_used = attachment::Entity::find()
        .filter(attachment::Column::Sha256.eq(row.sha256.as_str()))
        .one(&txn)
        .await?
        .is_some();
    let change = Change {
        action: "detachFile",
        entity_type: "Document",
        entity_id: doc.id,
        scope_unit_id: doc.issuer_unit_id,
        before: Some(json!({
            "attachment": row.id, "fileName": row.file_name, "contentType": row.content_type,
            "sizeBytes": row.size_bytes, "sha256": row.sha256,
        })),
        after: None,
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    if !still_used && let Some(path) = store.path_of(&row.sha256) {
        // Best effort: a file left behind is harmless, named by its hash.
        if let Err(err) = std::fs::remove_file(&path) {
            tracing::warn!(error = %err, sha256 = %row.sha256, "a detached file stays in the store");
        }
    }
    Ok(row)
}

/// The attachments of `documents`, oldest first.
pub async fn of_documents(
    db: &impl ConnectionTrait,
    documents: &[Uuid],
) -> AppResult<Vec<attachment::Model>> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::DocumentId.is_in(documents.iter().copied()))
        .order_by_asc(attachment::Column::CreatedAt)
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?)
}

/// An attachment by id, for a download: its own name and media type.
pub async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<attachment::Model>> {
    Ok(attachment::Entity::find_by_id(id).one(db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_the_type_not_the_name() {
        assert_eq!(sniff(b"%PDF-1.7 ...", "a.pdf"), Some("application/pdf"));
        assert_eq!(sniff(b"%PDF-1.7 ...", "scan.pdf.cmd"), None);
        assert_eq!(sniff(b"%PDF-1.7 <html>", "invoice.html"), None);
        assert_eq!(sniff(b"MZ\x90\x00", "scan.pdf"), None);
        assert!(sniff(b"PK\x03\x04....", "annex.docx").is_some());
        assert_eq!(sniff(b"PK\x03\x04....", "payload.jar"), None);
        assert_eq!(sniff(b"<html>", "a.png"), None);
    }

    #[test]
    fn only_a_hash_names_a_stored_file() {
        let store = FileStore {
            dir: PathBuf::from("/files"),
            max_bytes: 1,
        };
        let sha = sha256_hex(b"x");
        assert_eq!(
            store.path_of(&sha),
            Some(PathBuf::from(format!("/files/{}/{sha}", &sha[..2])))
        );
        assert_eq!(store.path_of("../../etc/passwd"), None);
        assert_eq!(store.path_of(&"g".repeat(64)), None);
    }
}
