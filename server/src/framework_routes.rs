//! The framework file download, and the guard in front of the framework upload. The
//! download is a plain route rather than a server function so that browsers save it as
//! a file.

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

/// Rejects server function posts larger than 2 MB, and posts to the framework import
/// that are not `multipart/form-data` uploads with a boundary, which the server
/// function's decoder cannot handle.
pub async fn guard_server_function_bodies(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    // Server functions read at most 2 MB of form data, so larger bodies get 413 rather
    // than a 500.
    let declared_length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let is_import = request.uri().path() == app::program::IMPORT_URL;
    if request.uri().path().starts_with("/api/")
        && !is_import
        && declared_length.is_some_and(|length| length > 2 * 1024 * 1024)
    {
        // Read what the client is still sending (up to a bound) before responding, so
        // that it receives the 413 instead of a broken connection.
        use futures_util::StreamExt;
        let mut body = request.into_body().into_data_stream();
        let mut drained: usize = 0;
        while drained < 32 * 1024 * 1024 {
            match body.next().await {
                Some(Ok(chunk)) => drained += chunk.len(),
                _ => break,
            }
        }
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "The form is larger than 2 MB. Shorten the text and send it again.",
        )
            .into_response();
    }
    if request.method() == http::Method::POST && request.uri().path() == app::program::IMPORT_URL {
        let is_multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                value
                    .to_ascii_lowercase()
                    .starts_with("multipart/form-data")
                    && value.contains("boundary=")
            });
        if !is_multipart {
            tracing::warn!("framework import posted without a multipart body");
            return (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Upload the framework file as multipart/form-data with the file in a field named \"file\".",
            )
                .into_response();
        }
    }
    next.run(request).await
}
