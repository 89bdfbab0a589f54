//! The personal calendar feed: `GET /calendar/feed/{TOKEN}.ics`. Calendar apps fetch
//! it without a session, so the secret in the address is the only credential.

use crate::http::plain_text;
use app::context::AppState;
use app::events::feed::{feed_for_token, token_of};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use sha2::{Digest, Sha256};

/// Calendar apps may keep a feed for five minutes, and shared caches may not keep it.
const FEED_CACHE: &str = "private, max-age=300";

/// Serves the feed of the person whose secret ends the address, as
/// `text/calendar`, with an ETag so that unchanged feeds cost a 304.
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = token_of(&file) else {
        return plain_text(
            StatusCode::NOT_FOUND,
            "This is not a TLI Hub calendar feed address: the last part should be a 64-character code followed by .ics. Copy the address again from the Calendar feed page in TLI Hub.\n",
        );
    };
    let body = match feed_for_token(&state.db, token, &state.public_url).await {
        Ok(Some(body)) => body,
        Ok(None) => {
            return plain_text(
                StatusCode::NOT_FOUND,
                "This calendar feed address is not valid: it was reset or never existed. Open the Calendar feed page in TLI Hub to get your current address, then subscribe to it in your calendar app.\n",
            );
        }
        Err(error) => {
            tracing::warn!(error = %error, "building a calendar feed failed");
            return plain_text(
                StatusCode::SERVICE_UNAVAILABLE,
                "The calendar feed is unavailable right now. Your calendar app will try again later.\n",
            );
        }
    };

    let digest = Sha256::digest(body.as_bytes());
    let tag: String = digest[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let etag = format!("\"{tag}\"");
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|candidate| candidate.trim().trim_start_matches("W/") == etag)
        });
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            )],
            body,
        )
            .into_response()
    };
    let response_headers = response.headers_mut();
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(FEED_CACHE));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response_headers.insert(header::ETAG, value);
    }
    response
}
