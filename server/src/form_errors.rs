//! Binds the error that a plain form post carries back in the address (`__path` and
//! `__err`, Leptos's way of showing server function errors without JavaScript) to the
//! browser that made the post, so that a crafted link cannot put text of its own on
//! a TLI Hub page.
//!
//! When a form post is redirected with an error, the response also sets a short-lived
//! cookie with the error's SHA-256 hash. A page request whose `__err` does not match
//! that cookie has the two parameters removed before the page renders.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, Method, Uri, header};
use sha2::{Digest, Sha256};

const COOKIE: &str = "tli_form_error";

fn hash(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Returns the value of `name` in a query string, still percent-encoded.
fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

fn cookie_value<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

fn without_error_parameters(uri: &Uri) -> Option<Uri> {
    let query = uri.query()?;
    let remaining: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            !pair.starts_with("__err=") && !pair.starts_with("__path=") && !pair.is_empty()
        })
        .collect();
    let path_and_query = if remaining.is_empty() {
        uri.path().to_owned()
    } else {
        format!("{}?{}", uri.path(), remaining.join("&"))
    };
    path_and_query.parse().ok()
}

pub async fn bind_form_errors(mut request: Request, next: Next) -> Response {
    if request.method() == Method::GET {
        if let Some(error) = request
            .uri()
            .query()
            .and_then(|query| query_value(query, "__err"))
        {
            let genuine =
                cookie_value(&request, COOKIE).is_some_and(|cookie| cookie == hash(error));
            if !genuine && let Some(cleaned) = without_error_parameters(request.uri()) {
                *request.uri_mut() = cleaned;
            }
        }
        return next.run(request).await;
    }

    let mut response = next.run(request).await;
    let error = response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|location| location.split_once('?'))
        .and_then(|(_, query)| query_value(query, "__err"))
        .map(hash);
    if let Some(error_hash) = error {
        let cookie = format!("{COOKIE}={error_hash}; Path=/; Max-Age=300; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_parameters_are_removed_and_others_kept() {
        let uri: Uri = "/sign-in?reset=1&__path=%2Fapi&__err=abc".parse().unwrap();
        assert_eq!(without_error_parameters(&uri).unwrap(), "/sign-in?reset=1");
        let only: Uri = "/sign-in?__path=%2Fapi&__err=abc".parse().unwrap();
        assert_eq!(without_error_parameters(&only).unwrap(), "/sign-in");
    }

    #[test]
    fn query_value_finds_exact_names() {
        assert_eq!(query_value("a__err=1&__err=2", "__err"), Some("2"));
        assert_eq!(query_value("__path=x", "__err"), None);
    }
}
