//! What every mutation payload shares: `userErrors` for business-rule
//! failures, while authorization and malformed input stay GraphQL errors.

use async_graphql::SimpleObject;

use crate::error::{AppError, AppResult, UserErrorCode};

/// A business rule that refused the input; nothing was changed.
#[derive(Debug, Clone, SimpleObject)]
pub struct UserError {
    /// The input field at fault, when there is one.
    pub field: Option<String>,
    /// Which rule refused it (stable; switch on it, not on the message).
    pub code: UserErrorCode,
    /// Explanation for a person.
    pub message: String,
}

/// Splits a service result into a payload's object and `userErrors`;
/// any other error is raised as a GraphQL error.
pub fn split<T>(result: AppResult<T>) -> async_graphql::Result<(Option<T>, Vec<UserError>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(AppError::Rule {
            field,
            code,
            message,
        }) => Ok((
            None,
            vec![UserError {
                field: field.map(str::to_owned),
                code,
                message,
            }],
        )),
        Err(other) => Err(other.into()),
    }
}
