//! Downloading a finished export archive. Only the person who requested it may.

use app::auth::Actor;
use app::context::AppState;
use app::entities::exports;
use app::lifecycle::ExportState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// `GET /exports/{id}.zip`
pub async fn download(
    State(state): State<AppState>,
    actor: Option<axum::Extension<Actor>>,
    Path(file): Path<String>,
) -> Response {
    let actor = actor
        .map(|axum::Extension(actor)| actor)
        .unwrap_or_default();
    let Some(user) = actor.user() else {
        return (
            StatusCode::UNAUTHORIZED,
            "Sign in to download your archive.",
        )
            .into_response();
    };
    let not_found = || {
        (
            StatusCode::NOT_FOUND,
            "There is no such archive, or it has expired. Request a new one on the Your data page.",
        )
            .into_response()
    };
    let Some(public_id) = file.strip_suffix(".zip") else {
        return not_found();
    };
    let row = match exports::Entity::find()
        .filter(exports::Column::PublicId.eq(public_id))
        .filter(exports::Column::RequestedByUserId.eq(user.id))
        .one(&state.db)
        .await
    {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(error = %error, "reading an export failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "Try again in a minute.").into_response();
        }
    };
    if row.state != ExportState::Ready.name()
        || row.expires_at.is_some_and(|at| at < chrono::Utc::now())
    {
        return not_found();
    }
    let stream = match state
        .files
        .read_named(&app::lifecycle::jobs::archive_name(&row.public_id))
        .await
    {
        Ok(stream) => stream,
        Err(object_store::Error::NotFound { .. }) => return not_found(),
        Err(error) => {
            tracing::error!(error = %error, export = row.id, "reading an export archive failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The archive cannot be read right now. Try again in a minute.",
            )
                .into_response();
        }
    };
    let name = format!(
        "tli-hub-{}-{}.zip",
        row.kind,
        row.created_at.format("%Y-%m-%d")
    );
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Some(size) = row.size_bytes {
        headers.insert(
            header::CONTENT_LENGTH,
            HeaderValue::from(size.max(0) as u64),
        );
    }
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // A ZIP file is compressed already; this keeps the compression layer from
    // compressing it again, which would also drop the length the browser shows.
    headers.insert(
        header::CONTENT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    response
}
