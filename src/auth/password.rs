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
        .map_err(|e| AppError::internal(format!("password could not be hashed: {e}")))
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

/// Threads that hash passwords: each hash takes tens of milliseconds of
/// CPU and 19 MiB, so a flood of sign-ins queues here instead of taking
/// every core, and memory stays that of two hashes (threads of tokio's
/// blocking pool each kept their own allocator arena: 650 MiB after a
/// flood).
const HASHING_THREADS: usize = 2;

type Job = Box<dyn FnOnce() + Send>;

/// The queue of the hashing threads, started on first use.
fn hashing_queue() -> &'static std::sync::mpsc::Sender<Job> {
    static QUEUE: LazyLock<std::sync::mpsc::Sender<Job>> = LazyLock::new(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<Job>();
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        for n in 0..HASHING_THREADS {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("phancap-hash-{n}"))
                .spawn(move || {
                    loop {
                        let job = receiver.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        match job {
                            Ok(job) => {
                                job();
                                give_back_memory();
                            }
                            Err(_) => return,
                        }
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "a password hashing thread could not start");
            }
        }
        sender
    });
    &QUEUE
}

/// Returns the 19 MiB a hash used to the system. glibc keeps freed blocks
/// that large in the thread's heap: without this the server grew by about
/// 12 MiB a sign-in up to some 400 MiB and stayed there.
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator; it
    // takes no pointer and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Runs `work` (a hash or a verification) on the hashing threads, so that
/// the async workers keep answering queries meanwhile. Call it outside
/// any open transaction.
pub async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    hashing_queue()
        .send(Box::new(move || {
            let _ = reply.send(work());
        }))
        .map_err(|_| AppError::internal("password hashing is unavailable"))?;
    answer
        .await
        .map_err(|_| AppError::internal("password hashing failed"))
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
