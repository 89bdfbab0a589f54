//! Password hashing with argon2id, off the async runtime. Server only.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

use crate::error::AppError;
use crate::request::current_request_id;

/// Hashes `password` with argon2id and a random salt. Runs on the blocking pool because
/// one hash takes tens of milliseconds of CPU.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    run_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| error.to_string())
    })
    .await
}

/// Checks `password` against a stored hash. With no hash (unknown email, or an invited
/// person who has not set a password yet) it checks against a fixed dummy hash and
/// returns false, so that the response takes as long either way.
pub async fn verify_password(
    password: String,
    stored_hash: Option<String>,
) -> Result<bool, AppError> {
    let dummy = dummy_hash().to_owned();
    run_blocking(move || {
        let (hash, real) = match stored_hash {
            Some(hash) => (hash, true),
            None => (dummy, false),
        };
        let parsed = PasswordHash::new(&hash).map_err(|error| error.to_string())?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(real && matches)
    })
    .await
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"not a real password", &salt)
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, AppError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => {
            tracing::error!(error = %error, "password hashing failed");
            Err(AppError::Internal {
                request_id: current_request_id(),
            })
        }
        Err(error) => {
            tracing::error!(error = %error, "password hashing task failed");
            Err(AppError::Internal {
                request_id: current_request_id(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(
            verify_password("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse battery".into(), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn missing_hash_never_verifies() {
        assert!(
            !verify_password("not a real password".into(), None)
                .await
                .unwrap()
        );
    }
}
