//! What every mutation payload shares: `userErrors` for business-rule
//! failures, while authorization and malformed input stay GraphQL errors.

use async_graphql::{ComplexObject, Context, SimpleObject};

use crate::error::{AppError, AppResult, UserErrorCode};
use crate::labels::Lang;

/// A business rule that refused the input; nothing was changed.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct UserError {
    /// The input field at fault, when there is one.
    pub field: Option<String>,
    /// Which rule refused it (stable; switch on it, not on the message).
    pub code: UserErrorCode,
    /// The English explanation.
    #[graphql(skip)]
    pub english: String,
    /// A Vietnamese explanation with particulars; the code's label when
    /// there is none.
    #[graphql(skip)]
    pub vi: Option<String>,
}

impl UserError {
    /// A refusal by `code`, explained in English by `english` and in
    /// Vietnamese by the code's label.
    pub fn new(field: Option<String>, code: UserErrorCode, english: impl Into<String>) -> Self {
        UserError {
            field,
            code,
            english: english.into(),
            vi: None,
        }
    }
}

#[ComplexObject]
impl UserError {
    /// Explanation for a person: in Vietnamese, or in English when the
    /// request prefers it (`Accept-Language: en`). Switch on `code`, not
    /// on this text.
    async fn message(&self, ctx: &Context<'_>) -> String {
        refusal_message(Lang::of(ctx), self.code, &self.english, self.vi.as_deref())
    }
}

/// The message of a refusal by `code` in `lang`: the English text, or the
/// Vietnamese one given, or else the code's Vietnamese label.
pub fn refusal_message(lang: Lang, code: UserErrorCode, english: &str, vi: Option<&str>) -> String {
    use crate::labels::Labelled;
    match lang {
        Lang::En => english.to_owned(),
        Lang::Vi => vi.unwrap_or_else(|| code.label()).to_owned(),
    }
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
            vi,
        }) => Ok((
            None,
            vec![UserError {
                field: field.map(str::to_owned),
                code,
                english: message,
                vi,
            }],
        )),
        Err(other) => Err(other.into()),
    }
}
