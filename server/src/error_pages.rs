//! Plain error pages with no dependencies on the app or the database, for when those
//! have failed. They show the request id so that support can find the log entry.

use axum::response::{Html, IntoResponse, Response};
use http::StatusCode;

/// Returns a 500 page for an unexpected failure.
pub fn server_error(request_id: &str) -> Response {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on our side",
        "Nothing you saved earlier was lost. Try again in a moment.",
        request_id,
    )
}

/// Returns a 503 page for when the database cannot be reached.
pub fn database_unavailable(request_id: &str) -> Response {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "TLI Hub cannot reach its database right now",
        "Nothing you saved earlier was lost. Try again in a minute.",
        request_id,
    )
}

fn page(status: StatusCode, heading: &str, advice: &str, request_id: &str) -> Response {
    let request_id: String = request_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect();
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{heading} · TLI Hub</title></head><body><main>\
         <h1>{heading}</h1><p>{advice}</p>\
         <p>If it keeps happening, give support this request id: <code>{request_id}</code></p>\
         <p><a href=\"/\">Go to the home page</a></p></main></body></html>"
    );
    (status, Html(body)).into_response()
}
