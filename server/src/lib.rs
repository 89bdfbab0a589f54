//! The TLI Hub server: configuration, startup and the HTTP router. `main.rs` wraps it
//! in a command line; integration tests drive it directly.

pub mod admin_commands;
pub mod auth_layer;
pub mod backup;
pub mod calendar_routes;
pub mod config;
pub mod credential_routes;
pub mod dashboard_routes;
pub mod db;
pub mod error_pages;
pub mod evidence_routes;
pub mod export_routes;
pub mod form_echo;
pub mod form_errors;
pub mod framework_routes;
pub mod http;
pub mod material_routes;
pub mod roster;
pub mod security;
pub mod seed;
pub mod session_store;
pub mod telemetry;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use app::auth::session::SessionSettings;
use app::context::AppState;
use app::mail::MailSettings;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::config::Config;

/// Builds the application state. Fails when the file storage cannot be used, such as
/// a local folder that cannot be created or an S3 address that is incomplete.
pub fn app_state(
    config: &Config,
    db: DatabaseConnection,
    addr: SocketAddr,
) -> Result<AppState, String> {
    let files = match &config.storage_url {
        Some(url) => app::storage::FileStorage::s3(url),
        None => app::storage::FileStorage::local(&config.data_dir.join("files")),
    }
    .map_err(|error| format!("cannot store uploaded files: {error}"))?;
    let leptos_options = LeptosOptions::builder()
        .output_name("frontend")
        .site_root(config.site_dir.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    Ok(AppState {
        leptos_options,
        db,
        sessions: SessionSettings {
            idle_timeout: Duration::from_secs(config.session_idle_minutes * 60),
            remember_me_timeout: Duration::from_secs(config.session_remember_days * 86_400),
            absolute_timeout: Duration::from_secs(config.session_max_days * 86_400),
        },
        mail: MailSettings {
            from: config.mail_from.clone(),
            smtp_url: config.smtp_url.clone(),
        },
        public_url: config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}")),
        trust_proxy_headers: config.trust_proxy_headers,
        files,
        upload_limits: app::portfolio::UploadLimits {
            max_file_bytes: config.upload_max_mb * 1024 * 1024,
            quota_bytes: config.quota_mb * 1024 * 1024,
        },
        link_checker: Default::default(),
        keys: app::credentials::keys::KeyRing::new(&config.keys_dir),
    })
}

/// Serves requests on `listener` until `shutdown` completes, then finishes the requests
/// in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;

    let router = http::router(state);
    // Without TCP_NODELAY, a response written in two small pieces (headers, then a
    // short body) waits for the client's delayed acknowledgement, about 40 ms on Linux.
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(error = %error, "setting TCP_NODELAY on a connection failed");
        }
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Returns a future that completes on SIGINT (Ctrl-C) or SIGTERM. The handlers are
/// installed when this is called, not when the future is first polled, so a signal
/// that arrives early still shuts the server down gracefully. Call it inside the
/// Tokio runtime.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};

    let interrupt = signal(SignalKind::interrupt());
    let terminate = signal(SignalKind::terminate());
    async move {
        let interrupt = async {
            match interrupt {
                Ok(mut stream) => {
                    stream.recv().await;
                }
                Err(error) => {
                    tracing::error!(error = %error, "cannot listen for SIGINT");
                    std::future::pending::<()>().await;
                }
            }
        };
        let terminate = async {
            match terminate {
                Ok(mut stream) => {
                    stream.recv().await;
                }
                Err(error) => {
                    tracing::error!(error = %error, "cannot listen for SIGTERM");
                    std::future::pending::<()>().await;
                }
            }
        };
        tokio::select! {
            () = interrupt => tracing::info!("SIGINT received, shutting down"),
            () = terminate => tracing::info!("SIGTERM received, shutting down"),
        }
    }
}

/// Deletes expired sessions once an hour, for as long as the server runs.
pub fn spawn_session_cleanup(db: DatabaseConnection) {
    let store = session_store::DatabaseSessionStore::new(db);
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(3600));
        loop {
            interval.tick().await;
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(error = %error, "deleting expired sessions failed");
            }
        }
    });
}

/// Signs credentials that are still pending every minute, for as long as the server
/// runs: those whose signing failed when they were earned, and those released by work
/// outside a request.
pub fn spawn_credential_issuing(state: AppState) {
    tokio::spawn(async move {
        let issuer = app::credentials::store::Issuer::of(&state);
        let mut interval = tokio::time::interval(Duration::from_secs(60));
        loop {
            interval.tick().await;
            match app::credentials::store::issue_pending(&state.db, &issuer).await {
                Ok(issued) if issued > 0 => tracing::info!(issued, "credentials issued"),
                Ok(_) => {}
                Err(error) => tracing::warn!(error = %error, "issuing credentials failed"),
            }
        }
    });
}

/// Sends the daily notification digests every 15 minutes, for as long as the server
/// runs. Each person is claimed by one conditional update, so several servers can run
/// this side by side without mailing anyone twice.
pub fn spawn_digests(state: AppState) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(15 * 60));
        loop {
            interval.tick().await;
            let notifier = app::mail::Notifier::of(&state);
            match app::notify::store::send_digests(&state.db, &notifier, chrono::Utc::now()).await {
                Ok(run) if run.sent > 0 => {
                    tracing::info!(sent = run.sent, listed = run.listed, "digests sent");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(error = %error, "sending digests failed"),
            }
        }
    });
}

/// Removes, once, what a crash or a deletion left in file storage: unfinished uploads
/// and files no row refers to that are older than `grace`, and expired export
/// archives. Runs in the background so that startup does not wait for a large store.
pub fn spawn_startup_sweep(state: AppState, grace: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let now = chrono::Utc::now();
        let cutoff = now - chrono::Duration::from_std(grace).unwrap_or_default();
        match app::lifecycle::sweep::sweep(&state.db, &state.files, cutoff, now).await {
            Ok(report) => tracing::info!(
                unfinished_uploads = report.unfinished_uploads,
                unreferenced_files = report.unreferenced_files,
                expired_exports = report.expired_exports,
                kept_recent = report.kept_recent,
                "startup sweep finished"
            ),
            Err(error) => {
                tracing::warn!(error = %error, "the startup sweep failed; it runs again at the next start")
            }
        }
    })
}

/// Prepares requested exports, checking for new ones every second, for as long as the
/// server runs. Archives are written in `scratch_dir` before they are stored.
pub fn spawn_exports(state: AppState, scratch_dir: std::path::PathBuf) {
    tokio::spawn(async move {
        if let Err(error) = std::fs::create_dir_all(&scratch_dir) {
            tracing::error!(error = %error, dir = %scratch_dir.display(), "cannot create the folder for preparing exports; exports stay queued");
            return;
        }
        // A server killed while writing an archive leaves it here, and its job is
        // claimed again later, so what is left at start is of no use.
        if let Ok(listing) = std::fs::read_dir(&scratch_dir) {
            for entry in listing.flatten() {
                if let Err(error) = std::fs::remove_file(entry.path()) {
                    tracing::warn!(error = %error, path = %entry.path().display(), "removing a partial export failed");
                }
            }
        }
        let mut interval = tokio::time::interval(Duration::from_secs(1));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            match app::lifecycle::jobs::run_waiting(
                &state.db,
                &state.files,
                &state.public_url,
                &scratch_dir,
            )
            .await
            {
                Ok(ran) if ran > 0 => tracing::info!(ran, "exports prepared"),
                Ok(_) => {}
                Err(error) => tracing::warn!(error = %error, "preparing exports failed"),
            }
        }
    });
}
