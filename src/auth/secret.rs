//! Where the HS256 secret comes from: `PHANCAP_JWT_SECRET`, or, for the
//! embedded SQLite default only, a file generated at first start next to
//! the database (`<db>.jwt-secret`, mode 0600). An in-memory database gets
//! a secret that lives as long as the process.

use std::path::PathBuf;

use crate::BoxError;

/// The secret for `database_url`, given the configured one if any.
pub fn resolve(configured: Option<&str>, database_url: &str) -> Result<Vec<u8>, BoxError> {
    if let Some(secret) = configured.filter(|s| !s.is_empty()) {
        return Ok(secret.as_bytes().to_vec());
    }
    let Some(file) = sqlite_file(database_url) else {
        return Err("PHANCAP_JWT_SECRET must be set (at least 32 bytes): only the embedded SQLite default generates its own".into());
    };
    let Some(db_path) = file else {
        return Ok(random_secret()?.into_bytes());
    };
    let path = PathBuf::from(format!("{}.jwt-secret", db_path.display()));
    match std::fs::read_to_string(&path) {
        Ok(secret) => Ok(secret.trim().as_bytes().to_vec()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let secret = random_secret()?;
            write_private(&path, &secret)?;
            tracing::info!(path = %path.display(), "generated a token secret for the embedded database");
            Ok(secret.into_bytes())
        }
        Err(err) => Err(format!("cannot read {}: {err}", path.display()).into()),
    }
}

/// For a SQLite URL: Some(Some(file)) or Some(None) for an in-memory
/// database; None for any other database.
fn sqlite_file(url: &str) -> Option<Option<PathBuf>> {
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

fn write_private(path: &PathBuf, secret: &str) -> Result<(), BoxError> {
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
    fn the_embedded_secret_is_generated_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("phancap-secret-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("x.db").display());
        let first = resolve(None, &url).unwrap();
        assert_eq!(resolve(None, &url).unwrap(), first);
        std::fs::remove_dir_all(dir).ok();
    }
}
