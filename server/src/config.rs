//! Typed configuration, read once from the environment at startup.
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `TLI_BIND` | address and port the server listens on | `127.0.0.1:3000` |
//! | `TLI_DATA_DIR` | directory for the SQLite database and uploaded files | `./data` |
//! | `DATABASE_URL` | `sqlite://PATH` or `postgres://USER@HOST:PORT/DB` | SQLite file in the data directory |
//! | `TLI_SITE_DIR` | directory that contains the built browser assets (`pkg/`, `public/`) | `./target/site` |
//! | `TLI_LOG` | log filter in `tracing` `EnvFilter` syntax | `info,sqlx=warn` |
//! | `TLI_LOG_FORMAT` | `human` or `json` | `human` |
//! | `TLI_DB_MAX_CONNECTIONS` | database pool size, 1 to 1000 | 1 on SQLite, 10 on PostgreSQL |
//! | `TLI_PUBLIC_URL` | address people use to reach the site; `https://` makes cookies Secure | `http://` + `TLI_BIND` |
//! | `TLI_SESSION_IDLE_MINUTES` | minutes of inactivity that end a session, 5 to 10080 | 120 |
//! | `TLI_SESSION_REMEMBER_DAYS` | idle limit in days with "keep me signed in", 1 to 365 | 30 |
//! | `TLI_SESSION_MAX_DAYS` | days after sign-in that end any session, 1 to 365 | 30 |
//! | `TLI_TRUST_PROXY_HEADERS` | `true` to take client addresses from `X-Forwarded-For` | `false` |
//! | `TLI_SMTP_URL` | SMTP server in lettre's URL form, such as `smtps://user:pass@mail.example.org` | none: mail stays in the outbox |
//! | `TLI_MAIL_FROM` | sender of outgoing mail | `TLI Hub <no-reply@localhost>` |
//! | `TLI_STORAGE_URL` | `s3://BUCKET[/PREFIX]` for uploaded files, with `AWS_*` credentials | `TLI_DATA_DIR/files` on local disk |
//! | `TLI_UPLOAD_MAX_MB` | largest uploaded file, in megabytes, 1 to 10240 | 200 |
//! | `TLI_ORPHAN_GRACE_MINUTES` | age in minutes past which startup removes an unfinished upload or a stored file no row refers to, 0 to 10080 | 60 |
//! | `TLI_QUOTA_MB` | most a fellow's files may take together, in megabytes, 1 to 1048576 | 2048 |

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The database location.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file, created when missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, which may carry a password.
    Postgres(String),
}

impl DatabaseUrl {
    /// Returns the URL that sea-orm connects to.
    pub fn connection_url(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}?mode=rwc", path.display()),
            DatabaseUrl::Postgres(url) => url.clone(),
        }
    }
}

/// Shows the URL with any password replaced, so that it can be logged.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_password(&self.connection_url()))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// Folder of the private keys that sign credentials.
    pub keys_dir: PathBuf,
    pub database: DatabaseUrl,
    pub site_dir: PathBuf,
    pub log_filter: String,
    pub log_format: LogFormat,
    pub db_max_connections: Option<u32>,
    /// `None` means `http://` plus the address the server is bound to.
    pub public_url: Option<String>,
    pub session_idle_minutes: u64,
    pub session_remember_days: u64,
    pub session_max_days: u64,
    pub trust_proxy_headers: bool,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// The store for uploaded files: `None` is `TLI_DATA_DIR/files` on local disk, and
    /// otherwise an `s3://BUCKET[/PREFIX]` address.
    pub storage_url: Option<String>,
    pub upload_max_mb: u64,
    pub quota_mb: u64,
    /// Minutes an unreferenced file is kept before the startup sweep removes it, so
    /// that uploads in progress on other servers sharing the storage survive.
    pub orphan_grace_minutes: u64,
}

/// A variable whose value cannot be used. Its message names the variable, the problem
/// and the accepted form.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}={value:?} is invalid: {problem}. Expected {expected}.")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub problem: String,
    pub expected: &'static str,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`, which returns `None` for an unset variable.
    /// An empty value counts as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());

        let bind = match get("TLI_BIND") {
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            Some(value) => value.trim().parse().map_err(|_| ConfigError {
                variable: "TLI_BIND",
                problem: "it is not an IP address and port".into(),
                expected: "address:port, such as 127.0.0.1:3000 or 0.0.0.0:8080",
                value,
            })?,
        };

        let data_dir = PathBuf::from(get("TLI_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let keys_dir = get("TLI_KEYS_DIR").map_or_else(|| data_dir.join("keys"), PathBuf::from);

        let database = match get("DATABASE_URL") {
            None => DatabaseUrl::Sqlite(data_dir.join("tli-hub.db")),
            Some(value) => parse_database_url(value.trim())?,
        };

        let site_dir = PathBuf::from(get("TLI_SITE_DIR").unwrap_or_else(|| "./target/site".into()));

        let log_filter = get("TLI_LOG").unwrap_or_else(|| DEFAULT_LOG_FILTER.into());
        if let Err(error) = tracing_subscriber::EnvFilter::try_new(&log_filter) {
            return Err(ConfigError {
                variable: "TLI_LOG",
                problem: error.to_string(),
                expected: "a tracing filter such as info or info,tli_hub=debug",
                value: log_filter,
            });
        }

        let log_format = match get("TLI_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("human") => LogFormat::Human,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError {
                    variable: "TLI_LOG_FORMAT",
                    value: other.into(),
                    problem: "it is not a known format".into(),
                    expected: "human or json",
                });
            }
        };

        let db_max_connections = match get("TLI_DB_MAX_CONNECTIONS") {
            None => None,
            Some(value) => match value.trim().parse::<u32>() {
                Ok(count) if (1..=1000).contains(&count) => Some(count),
                _ => {
                    return Err(ConfigError {
                        variable: "TLI_DB_MAX_CONNECTIONS",
                        value,
                        problem: "it is not a whole number from 1 to 1000".into(),
                        expected: "a pool size such as 10",
                    });
                }
            },
        };

        let public_url = match get("TLI_PUBLIC_URL") {
            None => None,
            Some(value) => {
                let trimmed = value.trim().trim_end_matches('/');
                let valid = (trimmed.starts_with("http://") || trimmed.starts_with("https://"))
                    && trimmed.split_once("://").is_some_and(|(_, rest)| {
                        !rest.is_empty() && !rest.contains(char::is_whitespace)
                    });
                if !valid {
                    return Err(ConfigError {
                        variable: "TLI_PUBLIC_URL",
                        value,
                        problem: "it is not an http or https address".into(),
                        expected: "the address people type, such as https://tli.example.org",
                    });
                }
                Some(trimmed.to_owned())
            }
        };

        let session_idle_minutes = parse_bounded(
            &get,
            "TLI_SESSION_IDLE_MINUTES",
            120,
            5..=10_080,
            "minutes, such as 120",
        )?;
        let session_remember_days = parse_bounded(
            &get,
            "TLI_SESSION_REMEMBER_DAYS",
            30,
            1..=365,
            "days, such as 30",
        )?;
        let session_max_days = parse_bounded(
            &get,
            "TLI_SESSION_MAX_DAYS",
            30,
            1..=365,
            "days, such as 30",
        )?;

        let trust_proxy_headers = match get("TLI_TRUST_PROXY_HEADERS").as_deref().map(str::trim) {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ConfigError {
                    variable: "TLI_TRUST_PROXY_HEADERS",
                    value: other.into(),
                    problem: "it is neither true nor false".into(),
                    expected: "true (only behind a proxy that sets X-Forwarded-For) or false",
                });
            }
        };

        let smtp_url = get("TLI_SMTP_URL").map(|value| value.trim().to_owned());
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(ConfigError {
                variable: "TLI_SMTP_URL",
                value: redact_password(url),
                problem: "the scheme is neither smtp nor smtps".into(),
                expected: "smtps://USER:PASSWORD@HOST or smtp://HOST:25",
            });
        }
        let mail_from =
            get("TLI_MAIL_FROM").unwrap_or_else(|| "TLI Hub <no-reply@localhost>".into());

        let storage_url = get("TLI_STORAGE_URL").map(|value| value.trim().to_owned());
        if let Some(url) = &storage_url {
            let bucket = url
                .strip_prefix("s3://")
                .map(|rest| rest.split('/').next().unwrap_or(""));
            if bucket.is_none_or(|bucket| bucket.is_empty()) {
                return Err(ConfigError {
                    variable: "TLI_STORAGE_URL",
                    value: url.clone(),
                    problem: "it is not an s3:// address with a bucket".into(),
                    expected: "s3://BUCKET or s3://BUCKET/PREFIX, with credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and, for S3-compatible services, AWS_ENDPOINT; leave it unset to keep files in TLI_DATA_DIR/files",
                });
            }
        }

        let upload_max_mb = parse_bounded(
            &get,
            "TLI_UPLOAD_MAX_MB",
            200,
            1..=10_240,
            "megabytes, such as 200",
        )?;
        let quota_mb = parse_bounded(
            &get,
            "TLI_QUOTA_MB",
            2_048,
            1..=1_048_576,
            "megabytes, such as 2048",
        )?;
        let orphan_grace_minutes = parse_bounded(
            &get,
            "TLI_ORPHAN_GRACE_MINUTES",
            60,
            0..=10_080,
            "minutes, such as 60",
        )?;

        Ok(Config {
            bind,
            data_dir,
            keys_dir,
            database,
            site_dir,
            log_filter,
            log_format,
            db_max_connections,
            public_url,
            session_idle_minutes,
            session_remember_days,
            session_max_days,
            trust_proxy_headers,
            smtp_url,
            mail_from,
            storage_url,
            upload_max_mb,
            quota_mb,
            orphan_grace_minutes,
        })
    }
}

/// Reads a whole number within `range`, or `default` when the variable is unset.
fn parse_bounded(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
    expected: &'static str,
) -> Result<u64, ConfigError> {
    let Some(value) = get(variable) else {
        return Ok(default);
    };
    match value.trim().parse::<u64>() {
        Ok(number) if range.contains(&number) => Ok(number),
        _ => Err(ConfigError {
            variable,
            problem: format!(
                "it is not a whole number from {} to {}",
                range.start(),
                range.end()
            ),
            expected,
            value,
        }),
    }
}

/// Informational logs, without the database driver's notices (such as PostgreSQL's
/// "relation already exists, skipping" during migrations).
const DEFAULT_LOG_FILTER: &str = "info,sqlx=warn";

const DATABASE_URL_FORM: &str = "sqlite://PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE";

fn parse_database_url(value: &str) -> Result<DatabaseUrl, ConfigError> {
    let invalid = |problem: String| ConfigError {
        variable: "DATABASE_URL",
        value: redact_password(value),
        problem,
        expected: DATABASE_URL_FORM,
    };

    if let Some(rest) = value
        .strip_prefix("sqlite://")
        .or_else(|| value.strip_prefix("sqlite:"))
    {
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path == ":memory:" {
            return Err(invalid("it names no database file".into()));
        }
        return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
    }

    if value.starts_with("postgres://") || value.starts_with("postgresql://") {
        use sea_orm::sqlx::postgres::PgConnectOptions;
        return match value.parse::<PgConnectOptions>() {
            Ok(_) => Ok(DatabaseUrl::Postgres(value.to_owned())),
            Err(error) => Err(invalid(format!(
                "it cannot be parsed ({})",
                redact_password(&error.to_string())
            ))),
        };
    }

    Err(invalid("the scheme is neither sqlite nor postgres".into()))
}

/// Replaces the password in `user:password@host` with `***`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config_from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_use_sqlite_in_data_dir() {
        let config = config_from(&[]).expect("defaults are valid");
        assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(config.data_dir, PathBuf::from("./data"));
        assert_eq!(
            config.database,
            DatabaseUrl::Sqlite(PathBuf::from("./data/tli-hub.db"))
        );
        assert_eq!(config.log_format, LogFormat::Human);
    }

    #[test]
    fn bad_bind_names_variable_and_form() {
        let error = config_from(&[("TLI_BIND", "localhost")]).unwrap_err();
        assert_eq!(error.variable, "TLI_BIND");
        let message = error.to_string();
        assert!(message.contains("TLI_BIND=\"localhost\""), "{message}");
        assert!(message.contains("127.0.0.1:3000"), "{message}");
    }

    #[test]
    fn unknown_database_scheme_is_rejected() {
        let error = config_from(&[("DATABASE_URL", "mysql://root@localhost/tli")]).unwrap_err();
        assert_eq!(error.variable, "DATABASE_URL");
        assert!(error.problem.contains("neither sqlite nor postgres"));
    }

    #[test]
    fn malformed_postgres_url_is_rejected_without_password() {
        let error = config_from(&[("DATABASE_URL", "postgres://admin:hunter2@db:notaport/tli")])
            .unwrap_err();
        assert_eq!(error.variable, "DATABASE_URL");
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }

    #[test]
    fn postgres_url_is_accepted() {
        let config =
            config_from(&[("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tli")]).unwrap();
        assert!(matches!(config.database, DatabaseUrl::Postgres(_)));
    }

    #[test]
    fn sqlite_url_without_file_is_rejected() {
        for url in ["sqlite://", "sqlite::memory:"] {
            let error = config_from(&[("DATABASE_URL", url)]).unwrap_err();
            assert_eq!(error.variable, "DATABASE_URL", "{url}");
        }
    }

    #[test]
    fn log_format_and_pool_size_are_checked() {
        assert_eq!(
            config_from(&[("TLI_LOG_FORMAT", "xml")])
                .unwrap_err()
                .variable,
            "TLI_LOG_FORMAT"
        );
        assert_eq!(
            config_from(&[("TLI_DB_MAX_CONNECTIONS", "0")])
                .unwrap_err()
                .variable,
            "TLI_DB_MAX_CONNECTIONS"
        );
        assert_eq!(
            config_from(&[("TLI_LOG", "info,[")]).unwrap_err().variable,
            "TLI_LOG"
        );
        let json =
            config_from(&[("TLI_LOG_FORMAT", "json"), ("TLI_DB_MAX_CONNECTIONS", "20")]).unwrap();
        assert_eq!(json.log_format, LogFormat::Json);
        assert_eq!(json.db_max_connections, Some(20));
    }

    #[test]
    fn session_and_url_settings_are_checked() {
        let config = config_from(&[("TLI_PUBLIC_URL", "https://tli.example.org/")]).unwrap();
        assert_eq!(
            config.public_url.as_deref(),
            Some("https://tli.example.org")
        );
        assert_eq!(config_from(&[]).unwrap().public_url, None);
        assert_eq!(
            config_from(&[("TLI_PUBLIC_URL", "tli.example.org")])
                .unwrap_err()
                .variable,
            "TLI_PUBLIC_URL"
        );
        assert_eq!(
            config_from(&[("TLI_SESSION_IDLE_MINUTES", "1")])
                .unwrap_err()
                .variable,
            "TLI_SESSION_IDLE_MINUTES"
        );
        assert_eq!(
            config_from(&[("TLI_SESSION_MAX_DAYS", "many")])
                .unwrap_err()
                .variable,
            "TLI_SESSION_MAX_DAYS"
        );
        assert_eq!(
            config_from(&[("TLI_TRUST_PROXY_HEADERS", "yes")])
                .unwrap_err()
                .variable,
            "TLI_TRUST_PROXY_HEADERS"
        );
        assert_eq!(
            config_from(&[("TLI_SMTP_URL", "http://mail")])
                .unwrap_err()
                .variable,
            "TLI_SMTP_URL"
        );
        for bad in ["/var/files", "s3://", "https://bucket.example"] {
            assert_eq!(
                config_from(&[("TLI_STORAGE_URL", bad)])
                    .unwrap_err()
                    .variable,
                "TLI_STORAGE_URL",
                "{bad}"
            );
        }
        let s3 = config_from(&[("TLI_STORAGE_URL", " s3://evidence/tli ")]).unwrap();
        assert_eq!(s3.storage_url.as_deref(), Some("s3://evidence/tli"));
        assert_eq!(config_from(&[]).unwrap().storage_url, None);
    }

    #[test]
    fn redact_password_hides_only_the_password() {
        assert_eq!(
            redact_password("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_password("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_password("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
