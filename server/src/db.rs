//! Opening the database: SQLite settings for durability, PostgreSQL pool settings, and
//! migrations.

use std::path::Path;
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::config::{Config, DatabaseUrl};

/// How long SQLite waits for a lock held by another connection before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for a pooled connection; past it the request fails with 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A startup failure with a message that says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(
        "TLI_DATA_DIR={path:?} cannot be used: {cause}. Set TLI_DATA_DIR to a directory this process can create and write to."
    )]
    DataDir { path: String, cause: std::io::Error },
    #[error(
        "cannot open the database at {url}: {cause}. Check DATABASE_URL and that the database server is running and reachable."
    )]
    Connect { url: String, cause: sea_orm::DbErr },
    #[error("database migrations failed on {url}: {cause}")]
    Migrate { url: String, cause: sea_orm::DbErr },
}

/// Creates the data directory if needed and checks that files can be written in it.
pub fn prepare_data_dir(path: &Path) -> Result<(), StartupError> {
    let fail = |cause| StartupError::DataDir {
        path: path.display().to_string(),
        cause,
    };
    std::fs::create_dir_all(path).map_err(fail)?;
    let probe = path.join(".write-check");
    std::fs::write(&probe, b"ok").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}

/// Opens a connection pool. SQLite runs in WAL mode with foreign keys enforced, a busy
/// timeout, and `synchronous = FULL` so that a committed write survives a power cut.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, StartupError> {
    let url = config.database.connection_url();
    let mut options = ConnectOptions::new(url);
    options
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        // Every statement is logged at debug level under `sqlx::query`, which the default
        // log filter hides; tests count these events to keep statements per page flat.
        .sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Debug);

    match &config.database {
        DatabaseUrl::Sqlite(path) => {
            if let Some(parent) = path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty())
            {
                prepare_data_dir(parent)?;
            }
            // SQLite allows one writer at a time; a single connection queues writers
            // in the pool instead of failing them with SQLITE_BUSY.
            options.max_connections(config.db_max_connections.unwrap_or(1));
            options.map_sqlx_sqlite_opts(|sqlite| {
                sqlite
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
            });
        }
        DatabaseUrl::Postgres(_) => {
            options.max_connections(config.db_max_connections.unwrap_or(10));
        }
    }

    Database::connect(options)
        .await
        .map_err(|cause| StartupError::Connect {
            url: config.database.to_string(),
            cause,
        })
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection, config: &Config) -> Result<(), StartupError> {
    Migrator::up(db, None)
        .await
        .map_err(|cause| StartupError::Migrate {
            url: config.database.to_string(),
            cause,
        })
}
