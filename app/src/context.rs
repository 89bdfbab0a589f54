//! Server-side context shared by every page render and server function.

use axum::extract::FromRef;
use leptos::prelude::{LeptosOptions, use_context};
use sea_orm::{DatabaseConnection, DbErr, SqlErr};

use crate::auth::session::{ClientAddress, SessionSettings};
use crate::auth::{Action, Actor, authorize, current_actor};
use crate::error::AppError;
use crate::mail::MailSettings;
use crate::request::current_request_id;

/// Everything a request handler needs. The server builds one at startup and provides it
/// as Leptos context to page renders and server functions alike.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub sessions: SessionSettings,
    pub mail: MailSettings,
    /// The address people use to reach TLI Hub, without a trailing slash; links in
    /// emails start with it.
    pub public_url: String,
    /// Whether to take the client address from `X-Forwarded-For` (behind a proxy).
    pub trust_proxy_headers: bool,
    /// The store for uploaded files.
    pub files: crate::storage::FileStorage,
    /// The largest upload and each fellow's quota.
    pub upload_limits: crate::portfolio::UploadLimits,
    /// Checks fellows' links before they submit.
    pub link_checker: crate::portfolio::link_check::LinkChecker,
    /// The keys that sign credentials.
    pub keys: crate::credentials::keys::KeyRing,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Returns the application state from context. It is missing only when the router was set up
/// without it, which is a programming error that the caller reports as internal.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the Leptos context");
        reject(AppError::Internal {
            request_id: current_request_id(),
        })
    })
}

/// Returns the database connection from context.
pub fn db() -> Result<DatabaseConnection, AppError> {
    Ok(app_state()?.db)
}

/// Maps a database error to the error shown to the user, logging its cause once.
///
/// Lost connections become `Unavailable` (503). Unique-key violations become `Conflict`
/// with `conflict_message`, unless it is empty. Anything else is `Internal` (500).
pub fn map_db_error(error: DbErr, conflict_message: &str) -> AppError {
    let request_id = current_request_id();
    let unique_violation = matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)));
    if unique_violation && !conflict_message.is_empty() {
        return reject(AppError::Conflict(conflict_message.to_owned()));
    }
    if is_connection_error(&error) {
        tracing::warn!(error = %error, "database unavailable");
        reject(AppError::Unavailable { request_id })
    } else {
        tracing::error!(error = %error, "database error");
        reject(AppError::Internal { request_id })
    }
}

/// Calls [`map_db_error`] with no conflict message, for operations where a unique
/// violation is a bug rather than the user's doing, so it is reported as internal.
pub fn db_failure(error: DbErr) -> AppError {
    map_db_error(error, "")
}

fn is_connection_error(error: &DbErr) -> bool {
    use sea_orm::sqlx;
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Query(sea_orm::RuntimeErr::SqlxError(inner))
        | DbErr::Exec(sea_orm::RuntimeErr::SqlxError(inner)) => matches!(
            inner.as_ref(),
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed
        ),
        _ => false,
    }
}

/// Records `error`'s HTTP status on the server function's response and returns it:
/// API callers get the error's own status, while plain HTML form posts keep the
/// redirect back to the form.
pub fn reject(error: AppError) -> AppError {
    if let Some(parts) = use_context::<http::request::Parts>() {
        let accepts_html = parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("text/html"));
        if !accepts_html {
            crate::request::set_page_status(error.status_code());
        }
    }
    error
}

/// `Err(reject(error))`, for returning from a server function.
pub fn fail<T>(error: AppError) -> Result<T, AppError> {
    Err(reject(error))
}

/// Returns the caller when the policy lets them perform `action`, and otherwise the
/// rejection (401 for anonymous callers, 403 for others).
pub fn authorized(action: Action) -> Result<Actor, AppError> {
    let actor = current_actor();
    authorize(&actor, action).map_err(reject)?;
    Ok(actor)
}

/// Logs an internal failure with its cause and returns the error shown to the user.
pub fn internal_error(failure: &str, cause: &dyn std::fmt::Display) -> AppError {
    tracing::error!(error = %cause, "{failure}");
    reject(AppError::Internal {
        request_id: current_request_id(),
    })
}

/// Returns the session of the current request.
pub async fn session_handle() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|error| internal_error("the session layer is missing", &error))
}

/// Returns the client address that the server's middleware recorded for this request.
pub fn client_address() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddress>().cloned())
        .map(|ClientAddress(address)| address)
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Redirects to `path` once the server function returns: a 302 for plain form posts,
/// and a `Location` header plus Leptos's redirect marker for script calls.
pub fn redirect_to(path: &str) {
    leptos_axum::redirect(path);
}
