//! The HTTP router: pages, server functions, health checks, static assets, and the
//! middleware around them (request ids, request logging, compression, panic pages).

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use app::context::AppState;
use app::request::REQUEST_ID_HEADER;
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::FutureExt;
use http::{HeaderName, HeaderValue, Method, StatusCode, header};
use leptos::nonce::provide_nonce;
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::{Span, field};

use crate::auth_layer::identify_caller;
use crate::form_errors::bind_form_errors;
use crate::security::{reject_cross_site, security_headers};
use crate::session_store::DatabaseSessionStore;

/// Maximum time a request may take before the server ends it with 503, so that one
/// stuck request cannot hold a connection forever.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an upload or a file download may take: large videos on slow connections
/// need minutes.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(2 * 60 * 60);
/// How long `/readyz` waits for the database before reporting it unreachable.
const READY_TIMEOUT: Duration = Duration::from_secs(2);
/// Browser caching for files under `public/`, which change only with a release.
const PUBLIC_CACHE: &str = "public, max-age=86400";
/// The hydrate bundle keeps fixed names across releases, so browsers revalidate it
/// (a cheap 304 when unchanged) before each use.
const PKG_CACHE: &str = "no-cache";

/// Returns the application's routes, generated once per process.
///
/// NOTE: generating the list renders the app with resource loading switched off for
/// the whole process, and a resource first polled meanwhile, by a request to another
/// router in the same process, never finishes. Generating it once, before any router
/// can serve, keeps that window closed.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the full router around `state`.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let context_state = state.clone();
    let provide_state = move || {
        provide_context(context_state.clone());
        provide_nonce();
    };
    let sessions = SessionManagerLayer::new(DatabaseSessionStore::new(state.db.clone()))
        .with_name("tli_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.public_url.starts_with("https://"))
        .with_expiry(Expiry::OnInactivity(
            time::Duration::try_from(state.sessions.idle_timeout).unwrap_or(time::Duration::HOUR),
        ));
    let site_root = Path::new(&*state.leptos_options.site_root).to_path_buf();

    let pkg = ServeDir::new(site_root.join(&*state.leptos_options.site_pkg_dir))
        .precompressed_br()
        .precompressed_gzip();

    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(
            app::program::EXPORT_URL,
            get(crate::framework_routes::export_framework),
        )
        .route(
            app::portfolio::UPLOAD_URL,
            axum::routing::post(crate::evidence_routes::upload)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/evidence/{id}/file", get(crate::evidence_routes::download))
        .route("/exports/{file}", get(crate::export_routes::download))
        .route(
            "/cohorts/{cohort}/modules/{module}/materials/upload",
            axum::routing::post(crate::material_routes::upload)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/materials/{id}/file",
            get(crate::material_routes::download),
        )
        .route(
            "/reviews/{review}/artifacts/{number}",
            get(crate::evidence_routes::review_artifact),
        )
        .route("/calendar/feed/{file}", get(crate::calendar_routes::feed))
        .route(
            "/cohorts/{cohort}/dashboard/{file}",
            get(crate::dashboard_routes::cohort_export),
        )
        .route(
            "/dashboard/{file}",
            get(crate::dashboard_routes::program_export),
        )
        .route(
            "/credentials/{id}/credential.json",
            get(crate::credential_routes::credential_json),
        )
        .route(
            "/credentials/{id}/badge.png",
            get(crate::credential_routes::badge),
        )
        .route(
            "/credentials/{id}/certificate.pdf",
            get(crate::credential_routes::certificate_pdf),
        )
        .route(
            "/cohorts/{cohort}/clr.json",
            get(crate::credential_routes::clr),
        )
        .route(
            "/issuers/{program}",
            get(crate::credential_routes::issuer_profile),
        )
        .route(
            "/issuers/{program}/status/{list}",
            get(crate::credential_routes::status),
        )
        .route(
            app::credentials::pages::VERIFY_ACTION,
            axum::routing::post(crate::credential_routes::verify_form)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/verify.json",
            axum::routing::post(crate::credential_routes::verify_json).layer(
                axum::extract::DefaultBodyLimit::max(crate::credential_routes::JSON_BODY_LIMIT),
            ),
        )
        .leptos_routes_with_context(&state, routes, provide_state.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(PKG_CACHE),
                ))
                .service(pkg),
        )
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            identify_caller,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::credential_routes::negotiate,
        ))
        .layer(middleware::from_fn(crate::form_echo::keep_posted_form))
        .layer(sessions)
        .layer(middleware::from_fn(
            crate::framework_routes::guard_server_function_bodies,
        ))
        .layer(middleware::from_fn(drop_trailing_slash))
        .layer(middleware::from_fn(reject_cross_site))
        .layer(middleware::from_fn(bind_form_errors))
        .with_state(state)
        .layer(middleware::from_fn(limit_request_time))
        .layer(middleware::from_fn(catch_panic))
        .layer(middleware::from_fn(security_headers))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::new(HeaderName::from_static(
            REQUEST_ID_HEADER,
        )))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(record_response),
        )
        .layer(SetRequestIdLayer::new(
            HeaderName::from_static(REQUEST_ID_HEADER),
            MakeRequestUuid,
        ))
}

fn request_span(request: &Request<Body>) -> Span {
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map(|matched| matched.as_str().to_owned())
        .unwrap_or_else(|| request.uri().path().to_owned());
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("unknown");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %path,
        request.id = %request_id,
        user.id = field::Empty,
        status = field::Empty,
        latency_ms = field::Empty,
    )
}

fn record_response(response: &Response, latency: Duration, span: &Span) {
    span.record("status", response.status().as_u16());
    span.record("latency_ms", latency.as_secs_f64() * 1000.0);
    if response.status().is_server_error() {
        tracing::warn!("request failed");
    } else {
        tracing::info!("request finished");
    }
}

/// Returns a plain-text response, for routes outside the pages that explain a failure
/// in words.
pub fn plain_text(status: StatusCode, message: impl Into<Body>) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        message.into(),
    )
        .into_response()
}

/// Responds with 200 while the process is up and serving.
async fn healthz() -> &'static str {
    "ok"
}

/// Responds with 200 when the database responds, and with 503 otherwise.
async fn readyz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
        Err(_) => {
            tracing::warn!("readiness check: database timed out");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// Serves files from `public/` (the favicon, robots.txt) and renders the styled 404
/// page for every other unknown address.
async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let public_dir = Path::new(&*state.leptos_options.site_root).join("public");
        let mut probe = Request::builder()
            .method(request.method())
            .uri(request.uri());
        for name in [header::ACCEPT_ENCODING, header::IF_MODIFIED_SINCE] {
            if let Some(value) = request.headers().get(&name) {
                probe = probe.header(name, value);
            }
        }
        if let Ok(probe) = probe.body(Body::empty()) {
            let served = ServeDir::new(public_dir)
                .append_index_html_on_directories(false)
                .oneshot(probe)
                .await;
            let Ok(mut response) = served;
            let status = response.status();
            if status == StatusCode::OK || status == StatusCode::NOT_MODIFIED {
                response.headers_mut().insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(PUBLIC_CACHE),
                );
                return response.map(Body::new);
            }
        }
    }

    let context_state = state.clone();
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(
        move || {
            provide_context(context_state.clone());
            provide_nonce();
        },
        move || shell(options.clone()),
    );
    let mut response = render(request).await.into_response();
    if response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    response
}

/// Turns a panic in a handler into a plain error page that shows the request id.
async fn catch_panic(request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("unknown")
        .to_owned();
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!("handler panicked");
            crate::error_pages::server_error(&request_id)
        }
    }
}

/// Sends `GET /cohorts/2/` to `/cohorts/2`, since page routes are defined without a
/// trailing slash.
async fn drop_trailing_slash(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if request.method() == Method::GET && path.len() > 1 && path.ends_with('/') {
        // One leading slash only, so that `//host/` cannot become a link to another site.
        let trimmed = format!("/{}", path.trim_matches('/'));
        let target = match request.uri().query() {
            Some(query) => format!("{trimmed}?{query}"),
            None => trimmed,
        };
        return axum::response::Redirect::permanent(&target).into_response();
    }
    next.run(request).await
}

/// Ends requests that take too long with 503, allowing file transfers far longer than
/// page and server function requests.
async fn limit_request_time(request: Request<Body>, next: middleware::Next) -> Response {
    let path = request.uri().path();
    let transfer = path == app::portfolio::UPLOAD_URL
        || (path.starts_with("/evidence/") && path.ends_with("/file"));
    let limit = if transfer {
        TRANSFER_TIMEOUT
    } else {
        REQUEST_TIMEOUT
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
