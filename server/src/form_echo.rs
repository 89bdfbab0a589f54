//! Keeps the fields of a plain form post that failed, so that the page it returns to
//! shows what the person typed rather than what is saved.
//!
//! Without JavaScript, a server function that fails redirects back to the form's page
//! with `__err` in the address. This middleware reads such posts' bodies, and when the
//! response is that redirect, stores the fields in the session. The next page request
//! with `__err` takes them out again and hands them to the page as a `PostedForm`.
//! Sign-in and password forms are left out, so passwords never reach the session.

use app::request::PostedForm;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode, header};
use tower_sessions::Session;

const SESSION_KEY: &str = "posted_form";
/// Largest form body kept, in bytes; larger posts are rejected with 413.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

fn header_contains(request: &Request, name: header::HeaderName, needle: &str) -> bool {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains(needle))
}

pub async fn keep_posted_form(mut request: Request, next: Next) -> Response {
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_owned();

    if request.method() == Method::GET {
        let returning_with_error = request
            .uri()
            .query()
            .is_some_and(|query| query.contains("__err="));
        if returning_with_error {
            match session.remove::<PostedForm>(SESSION_KEY).await {
                Ok(Some(form)) => {
                    request.extensions_mut().insert(form);
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(error = %error, "cannot read the posted form"),
            }
        }
        return next.run(request).await;
    }

    let is_form_post = request.method() == Method::POST
        && path.starts_with("/api/")
        && !path.starts_with("/api/auth/")
        && header_contains(
            &request,
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        && header_contains(&request, header::ACCEPT, "text/html");
    if !is_form_post {
        return next.run(request).await;
    }

    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::warn!(error = %error, path, "form body too large or unreadable");
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form is larger than 2 MB. Shorten the text and send it again.",
            )
                .into_response();
        }
    };
    let form = PostedForm::parse(&path, &String::from_utf8_lossy(&bytes));
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let failed = response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|location| location.contains("__err="));
    if failed && let Err(error) = session.insert(SESSION_KEY, form).await {
        tracing::warn!(error = %error, path, "cannot keep the posted form");
    }
    response
}
