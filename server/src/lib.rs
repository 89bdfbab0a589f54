//! The TLI Hub server: configuration, startup and the HTTP router. `main.rs` wraps it
//! in a command line; integration tests drive it directly.

pub mod config;
pub mod db;
pub mod http;
pub mod seed;
pub mod telemetry;

use std::future::Future;
use std::net::SocketAddr;

use app::context::AppState;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::config::Config;

/// Builds the application state from configuration and an open database.
pub fn app_state(config: &Config, db: DatabaseConnection, addr: SocketAddr) -> AppState {
    let leptos_options = LeptosOptions::builder()
        .output_name("frontend")
        .site_root(config.site_dir.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    AppState { leptos_options, db }
}

/// Serves requests on `listener` until `shutdown` completes, then finishes the requests
/// in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
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
