//! Where the HS256 secret comes from: `PHANCAP_JWT_SECRET`, or, for the
//! embedded SQLite default only, a file generated at first start next to
//! the database (`<db>.jwt-secret`, mode 0600). An in-memory database gets
//! a secret that lives as long as the process.
//!
//! No secret is ever shipped: `*.jwt-secret` is ignored by git and CI fails
//! when a file named like a secret or a key is tracked. A secret file that
//! others may read, or one too short to resist guessing, stops the server
//! with a message that says how to fix it.

use std::path::{Path, PathBuf};

use super::tokens::MIN_SECRET_BYTES;
use crate::BoxError;

/// Secrets that have been public: the SHA-256 of each. Until November 2026
/// the repository held `phancap.db.jwt-secret`; a server still using it
/// would accept tokens anyone can sign.
const PUBLISHED: &[&str] = &["a130a7d538504838871050990e42813a15093cbd4dc03f14ac60dbf2bd9727e2"];

fn published(secret: &str) -> bool {
    let digest = crate::text::sha256_hex(secret.trim().as_bytes());
    PUBLISHED.contains(&digest.as_str())
}

/// The secret for `database_url`, given the configured one if any.
pub fn resolve(configured: Option<&str>, database_url: &str) -> Result<Vec<u8>, BoxError> {
    if configured.is_some_and(published) {
        return Err("PHANCAP_JWT_SECRET is a secret that was published in phancap's repository: anyone can sign tokens with it. Set a new one (openssl rand -hex 32)".into());
    }
    if let Some(secret) = configured.filter(|s| !s.is_empty()) {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "PHANCAP_JWT_SECRET has {} bytes; it needs at least {MIN_SECRET_BYTES} \
                 (generate one with: openssl rand -hex 32)",
                secret.len()
            )
            .into());
        }
        return Ok(secret.as_bytes().to_vec());
    }
    let Some(file) = sqlite_file(database_url) else {
        return Err("PHANCAP_JWT_SECRET must be set (at least 32 bytes, e.g. `openssl rand -hex 32`): only the embedded SQLite default generates its own".into());
    };
    let Some(db_path) = file else {
        return Ok(random_secret()?.into_bytes());
    };
    let path = PathBuf::from(format!("{}.jwt-secret", db_path.display()));
    match std::fs::read_to_string(&path) {
        Ok(secret) => {
            if published(&secret) {
                return Err(format!(
                    "{} holds the token secret that was published in phancap's repository: \
                     anyone can sign tokens with it. Delete the file; a new secret is \
                     generated at the next start (every token issued so far stops working)",
                    path.display()
                )
                .into());
            }
            check_private(&path)?;
            let secret = secret.trim();
            if secret.len() < MIN_SECRET_BYTES {
                return Err(format!(
                    "the token secret in {} has {} bytes; it needs at least {MIN_SECRET_BYTES}. \
                     Delete the file to have a new one generated at the next start \
                     (every token issued so far stops working)",
                    path.display(),
                    secret.len()
                )
                .into());
            }
            Ok(secret.as_bytes().to_vec())
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let secret = random_secret()?;
            write_private(&path, &secret)?;
            tracing::info!(path = %path.display(), "generated a token secret for the embedded database");
            Ok(secret.into_bytes())
        }
        Err(err) => Err(format!("cannot read {}: {err}", path.display()).into()),
    }
}

/// Refuses a secret file that anyone but its owner may read or write.
#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), BoxError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(format!(
            "the token secret {} may be read by others (mode {mode:04o}). If \
             anyone else may have read it, delete it: a new one is generated at \
             the next start (every token issued so far stops working). \
             Otherwise run `chmod 600 {}`",
            path.display(),
            path.display()
        )
        .into());
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), BoxError> {
    Ok(())
}

/// For a SQLite URL: Some(Some(file)) or Some(None) for an in-memory
/// database; None for any other database.
pub(crate) fn sqlite_file(url: &str) -> Option<Option<PathBuf>> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        Some(None)
    } else {
        Some(Some(PathBuf::from(path)))
    }
}

fn random_secret() -> Result<String, BoxError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness available: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn write_private(path: &Path, secret: &str) -> Result<(), BoxError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    file.write_all(secret.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> (PathBuf, String) {
        let dir = std::env::temp_dir().join(format!("phancap-secret-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("x.db").display());
        (dir, url)
    }

    #[test]
    fn only_sqlite_may_go_without_a_configured_secret() {
        assert!(resolve(None, "postgres://u@h/db").is_err());
        assert_eq!(
            resolve(Some("x".repeat(40).as_str()), "postgres://u@h/db")
                .unwrap()
                .len(),
            40
        );
        assert_eq!(resolve(None, "sqlite::memory:").unwrap().len(), 64);
    }

    #[test]
    fn a_configured_secret_shorter_than_32_bytes_is_refused() {
        let err = resolve(Some("x".repeat(31).as_str()), "postgres://u@h/db").unwrap_err();
        assert!(err.to_string().contains("at least 32"), "{err}");
    }

    #[test]
    fn the_embedded_secret_is_generated_once_private_and_kept() {
        let (dir, url) = scratch();
        let first = resolve(None, &url).unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(resolve(None, &url).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("x.db.jwt-secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_file_others_may_read_stops_the_server() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, url) = scratch();
        resolve(None, &url).unwrap();
        let path = dir.join("x.db.jwt-secret");
        for mode in [0o644, 0o640, 0o604, 0o620] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let err = resolve(None, &url).unwrap_err().to_string();
            assert!(err.contains("chmod 600"), "{mode:o}: {err}");
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert!(
            resolve(None, &url).is_ok(),
            "read-only for its owner is fine"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn the_published_secret_stops_the_server_from_a_file_or_the_environment() {
        let old = "e9d85fc0f7c1727c668eb5a64a8d323a548fdef2f55f61985dcef5b8b074f0d6";
        let err = resolve(Some(old), "postgres://u@h/db").unwrap_err();
        assert!(err.to_string().contains("published"), "{err}");
        let (dir, url) = scratch();
        write_private(&dir.join("x.db.jwt-secret"), &format!("{old}\n")).unwrap();
        let err = resolve(None, &url).unwrap_err().to_string();
        assert!(
            err.contains("published") && err.contains("Delete the file"),
            "{err}"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_short_secret_file_stops_the_server() {
        let (dir, url) = scratch();
        let path = dir.join("x.db.jwt-secret");
        write_private(&path, "too-short-a-secret").unwrap();
        let err = resolve(None, &url).unwrap_err().to_string();
        assert!(
            err.contains("at least 32") && err.contains("Delete the file"),
            "{err}"
        );
        std::fs::remove_dir_all(dir).ok();
    }
}
