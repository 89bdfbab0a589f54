//! Middleware that finds who is calling before any page or server function runs.

use std::net::SocketAddr;

use app::auth::Actor;
use app::auth::session::{ClientAddress, load_actor};
use app::context::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

/// Paths that never need to know the caller: static files and health checks.
fn is_anonymous_path(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path == "/healthz"
        || path == "/readyz"
        || path == "/favicon.svg"
        || path == "/robots.txt"
}

/// Puts the caller's [`Actor`] and [`ClientAddress`] into the request's extensions.
/// When the session or account cannot be read, the request ends with a 503 page rather
/// than continuing as if the person were signed out.
pub async fn identify_caller(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let address = client_address(&request, state.trust_proxy_headers);
    request.extensions_mut().insert(ClientAddress(address));

    if is_anonymous_path(request.uri().path()) {
        return next.run(request).await;
    }
    let actor = match request.extensions().get::<Session>() {
        Some(session) => match load_actor(&state.db, session, &state.sessions).await {
            Ok(actor) => actor,
            Err(error) => {
                tracing::warn!(error = %error, "cannot read the session or account");
                let request_id = request
                    .headers()
                    .get(app::request::REQUEST_ID_HEADER)
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or("unknown");
                return crate::error_pages::database_unavailable(request_id);
            }
        },
        None => Actor::Anonymous,
    };
    if let Actor::User(user) = &actor {
        tracing::Span::current().record("user.id", user.id);
    }
    request.extensions_mut().insert(actor);
    next.run(request).await
}

/// Returns the peer address, or with `trust_proxy_headers` the last address a proxy appended to
/// `X-Forwarded-For` (the one the load balancer saw).
fn client_address(request: &Request, trust_proxy_headers: bool) -> String {
    if trust_proxy_headers {
        let forwarded = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .map(str::trim)
            .filter(|value| !value.is_empty());
        if let Some(address) = forwarded {
            return address.chars().take(64).collect();
        }
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}
