//! The framework file download. It is a plain route rather than a server function so
//! that browsers save it as a file.

use app::auth::{Action, Actor, authorize};
use app::context::AppState;
use app::error::AppError;
use app::program::framework_store;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderValue, StatusCode, header};

/// Sends the framework as `tli-framework.json`.
pub async fn export_framework(
    State(state): State<AppState>,
    actor: Option<axum::Extension<Actor>>,
) -> Response {
    let actor = actor
        .map(|axum::Extension(actor)| actor)
        .unwrap_or_default();
    match authorize(&actor, Action::ManageFramework) {
        Ok(()) => {}
        Err(AppError::Unauthenticated) => {
            return Redirect::to("/sign-in?next=/admin/framework").into_response();
        }
        Err(error) => return (StatusCode::FORBIDDEN, error.to_string()).into_response(),
    }
    match framework_store::export(&state.db).await {
        Ok(file) => {
            let mut response = framework_store::to_text(&file).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            headers.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"tli-framework.json\""),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => {
            tracing::error!(error = %error, "framework export failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The framework could not be read. Nothing was changed; try again in a minute.",
            )
                .into_response()
        }
    }
}
