//! Password hashing with Argon2id (PHC strings) and the password policy.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{AppError, AppResult};

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 10;
/// Longest password accepted (hashing cost grows with length).
pub const MAX_LENGTH: usize = 200;

/// A PHC string for `password` with a fresh random salt.
pub fn hash(password: &str) -> AppResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::invalid(format!("password could not be hashed: {e}")))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Spends the time of one verification, so that a sign-in with an unknown
/// username takes as long as one with a wrong password.
pub fn verify_nothing(password: &str) {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash("not a password anyone has").unwrap_or_default());
    let _ = verify(password, &DUMMY);
}

/// At most this many hashes run at once: each takes tens of milliseconds
/// of CPU and 19 MiB, so a flood of sign-ins queues here instead of taking
/// every core and gigabytes.
const CONCURRENT_HASHES: usize = 2;

static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);

/// Runs `work` (a hash or a verification) on the blocking pool, at most
/// [`CONCURRENT_HASHES`] at a time, so that the async workers keep
/// answering queries meanwhile. Call it outside any open transaction.
pub async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|_| AppError::invalid("the server is shutting down"))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::invalid(format!("password hashing failed: {e}")))
}

/// [`verify`] off the runtime; with no hash, spends the same time and is
/// false ([`verify_nothing`]).
pub async fn verify_async(password: &str, hash: Option<&str>) -> AppResult<bool> {
    let password = password.to_owned();
    let hash = hash.map(str::to_owned);
    off_the_runtime(move || match hash {
        Some(hash) => verify(&password, &hash),
        None => {
            verify_nothing(&password);
            false
        }
    })
    .await
}

/// [`hash`] off the runtime.
pub async fn hash_async(password: &str) -> AppResult<String> {
    let password = password.to_owned();
    off_the_runtime(move || hash(&password)).await?
}

/// The password policy: a length between [`MIN_LENGTH`] and [`MAX_LENGTH`].
pub fn check_policy(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        Err(format!("a password needs at least {MIN_LENGTH} characters"))
    } else if n > MAX_LENGTH {
        Err(format!("a password has at most {MAX_LENGTH} characters"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("anything", "not a phc string"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_policy("short").is_err());
        assert!(check_policy("long enough!").is_ok());
    }
}
