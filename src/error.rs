//! The one error type of phancap and the stable codes clients see.

use std::sync::Arc;

use sea_orm::{DbErr, SqlErr};

/// Every failure a service or resolver can return. The variant decides the
/// `extensions.code` a client sees; internal causes are logged, never sent.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("internal error")]
    Internal(Arc<DbErr>),
    /// A business rule refused the input: reported in a mutation payload's
    /// `userErrors` with its own stable code, not as a GraphQL error.
    #[error("{message}")]
    Rule {
        field: Option<&'static str>,
        code: &'static str,
        message: String,
    },
}

/// Result of every service function.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The stable code under `extensions.code` (DESIGN §5).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "UNAUTHENTICATED",
            AppError::Forbidden => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::Invalid(_) => "BAD_USER_INPUT",
            AppError::Conflict(_) => "CONFLICT",
            AppError::Internal(_) => "INTERNAL",
            AppError::Rule { .. } => "BAD_USER_INPUT",
        }
    }

    /// A business-rule failure on `field` (an input field name) with a
    /// stable `code`.
    pub fn rule(
        field: Option<&'static str>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        AppError::Rule {
            field,
            code,
            message: message.into(),
        }
    }

    /// Shorthand for a `BAD_USER_INPUT` error.
    pub fn invalid(message: impl Into<String>) -> Self {
        AppError::Invalid(message.into())
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                AppError::Conflict("a record with the same key already exists".into())
            }
            _ => AppError::Internal(Arc::new(err)),
        }
    }
}
