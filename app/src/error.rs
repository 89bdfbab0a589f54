//! The one error type that server functions return and pages display.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// An error a person can act on. Causes of internal failures stay in the server log;
/// the browser gets only the request id that finds them there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input that failed validation; `field` is the form field's name.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// The thing asked for does not exist, or the caller may not know that it exists.
    #[error("{0}")]
    NotFound(String),
    /// The caller must sign in first.
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// The caller is signed in but lacks permission.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// Too many attempts. The message states when to try again.
    #[error("{0}")]
    TooManyRequests(String),
    /// The request clashes with existing data. The message states what to do instead.
    #[error("{0}")]
    Conflict(String),
    /// The database or another dependency cannot be reached right now.
    #[error(
        "TLI Hub cannot reach its database right now. Nothing was changed; try again in a minute. (Request {request_id})"
    )]
    Unavailable { request_id: String },
    /// A failure on the server whose cause is logged under `request_id`.
    #[error(
        "Something went wrong on our side. Nothing was changed; try again, and if it keeps happening, give support request id {request_id}."
    )]
    Internal { request_id: String },
    /// The browser could not reach the server or could not read its reply.
    #[error("The server could not be reached. Check your connection and try again.")]
    Network(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// Returns the message for `field` when this error is a validation error about it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid { field: f, message } if f == field => Some(message.clone()),
            _ => None,
        }
    }

    /// Returns the HTTP status that this error is sent with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Invalid { .. } => 422,
            AppError::NotFound(_) => 404,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::Unavailable { .. } => 503,
            AppError::Internal { .. } | AppError::Network(_) => 500,
        }
    }
}

/// On the server, a body that cannot be decoded is the caller's malformed request.
#[cfg(feature = "ssr")]
fn undecodable(detail: String) -> AppError {
    crate::context::reject(AppError::invalid(
        "",
        format!("The request was malformed ({detail}). Reload the page and try again."),
    ))
}

/// In the browser, a reply that cannot be decoded did not arrive whole.
#[cfg(not(feature = "ssr"))]
fn undecodable(detail: String) -> AppError {
    AppError::Network(detail)
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Deserialization(detail) => undecodable(detail),
            ServerFnErrorErr::Request(detail) => AppError::Network(detail),
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                let error = AppError::invalid(
                    "",
                    format!(
                        "The form was incomplete or malformed ({detail}). Reload the page and try again."
                    ),
                );
                #[cfg(feature = "ssr")]
                let error = crate::context::reject(error);
                error
            }
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed before its body ran");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal {
                    request_id: crate::request::current_request_id(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_for_matches_only_its_field() {
        let error = AppError::invalid("name", "Enter a name.");
        assert_eq!(error.message_for("name").as_deref(), Some("Enter a name."));
        assert_eq!(error.message_for("year"), None);
    }

    #[test]
    fn internal_error_shows_request_id_only() {
        let error = AppError::Internal {
            request_id: "7f3c".into(),
        };
        let text = error.to_string();
        assert!(text.contains("7f3c"));
        assert_eq!(error.status_code(), 500);
    }
}
