//! Server-side context shared by every page render and server function.

use axum::extract::FromRef;
use leptos::prelude::{LeptosOptions, use_context};
use sea_orm::{DatabaseConnection, DbErr, SqlErr};

use crate::error::AppError;
use crate::request::current_request_id;

/// Everything a request handler needs. The server builds one at startup and provides it
/// as Leptos context to page renders and server functions alike.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The application state from context. It is missing only when the router was set up
/// without it, which is a programming error that the caller reports as internal.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the Leptos context");
        AppError::Internal {
            request_id: current_request_id(),
        }
    })
}

/// The database connection from context.
pub fn db() -> Result<DatabaseConnection, AppError> {
    Ok(app_state()?.db)
}

/// Maps a database error to what the user sees, logging its cause once.
///
/// Lost connections become `Unavailable` (503); unique-key violations become
/// `Conflict` with `conflict_message`; anything else is `Internal` (500).
pub fn map_db_error(error: DbErr, conflict_message: &str) -> AppError {
    let request_id = current_request_id();
    if let Some(SqlErr::UniqueConstraintViolation(_)) = error.sql_err() {
        return AppError::Conflict(conflict_message.to_owned());
    }
    if is_connection_error(&error) {
        tracing::warn!(error = %error, "database unavailable");
        AppError::Unavailable { request_id }
    } else {
        tracing::error!(error = %error, "database error");
        AppError::Internal { request_id }
    }
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

/// Records `error` on the server function's response: API callers get the error's own
/// status, while plain HTML form posts keep the redirect back to the form.
pub fn fail<T>(error: AppError) -> Result<T, AppError> {
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
    Err(error)
}
