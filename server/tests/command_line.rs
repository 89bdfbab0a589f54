//! The `tli-hub` binary: startup errors, migrate, seed, logging and graceful shutdown.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_tli-hub");

/// A command with a clean environment: only PATH and the variables given.
fn tli_hub(args: &[&str], vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BINARY);
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    command.args(args);
    for (name, value) in vars {
        command.env(name, value);
    }
    command
}

fn run(args: &[&str], vars: &[(&str, &str)]) -> Output {
    tli_hub(args, vars).output().expect("run tli-hub")
}

/// Asserts a failed start: non-zero exit and exactly one line on stderr that contains
/// every one of `needles`.
fn assert_one_line_failure(output: &Output, needles: &[&str]) {
    assert!(
        !output.status.success(),
        "expected failure, got {:?}",
        output.status
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr, got: {stderr}");
    for needle in needles {
        assert!(
            lines[0].contains(needle),
            "{needle:?} missing from: {}",
            lines[0]
        );
    }
}

#[test]
fn malformed_database_url_stops_startup() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let output = run(
        &["migrate"],
        &[
            ("TLI_DATA_DIR", &data),
            ("DATABASE_URL", "mysql://root@localhost/tli"),
        ],
    );
    assert_one_line_failure(&output, &["DATABASE_URL", "Expected sqlite://"]);
}

#[test]
fn bad_bind_address_names_variable() {
    let output = run(&["serve"], &[("TLI_BIND", "port 3000")]);
    assert_one_line_failure(&output, &["TLI_BIND", "127.0.0.1:3000"]);
}

#[test]
fn unreachable_postgres_stops_startup() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let started = Instant::now();
    let output = run(
        &["serve"],
        &[
            ("TLI_DATA_DIR", &data),
            ("DATABASE_URL", "postgres://postgres:secret@127.0.0.1:1/tli"),
        ],
    );
    assert_one_line_failure(&output, &["cannot open the database", "DATABASE_URL"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("secret"), "password leaked: {stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "startup failure took too long"
    );
}

#[test]
fn unusable_data_directory_stops_startup() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, "a file where the data directory should be").unwrap();
    let data = file.display().to_string();
    let output = run(&["serve"], &[("TLI_DATA_DIR", &data)]);
    assert_one_line_failure(&output, &["TLI_DATA_DIR", "cannot be used"]);
}

#[test]
fn seed_requires_demo_flag() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let output = run(&["seed"], &[("TLI_DATA_DIR", &data)]);
    assert_one_line_failure(&output, &["--demo"]);
}

#[tokio::test]
async fn migrate_then_seed_twice_creates_demo_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let vars = [("TLI_DATA_DIR", data.as_str())];

    assert!(run(&["migrate"], &vars).status.success());
    assert!(dir.path().join("tli-hub.db").exists());
    for _ in 0..2 {
        let output = run(&["seed", "--demo"], &vars);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    let db = Database::connect(format!("sqlite://{}/tli-hub.db", data))
        .await
        .unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM cohorts",
        ))
        .await
        .unwrap()
        .unwrap();
    let count: i64 = row.try_get("", "n").unwrap();
    assert_eq!(count, 2);
    let programs = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM programs",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(programs.try_get::<i64>("", "n").unwrap(), 1);
}

/// Reads JSON log lines from the child's stdout until one satisfies `found`.
fn read_log_until(
    lines: &mut impl Iterator<Item = Value>,
    found: impl Fn(&Value) -> bool,
) -> Value {
    lines
        .find(|line| found(line))
        .expect("the log line never appeared")
}

fn stop_with(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

#[test]
fn serve_logs_requests_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let mut child = tli_hub(
        &["serve"],
        &[
            ("TLI_DATA_DIR", &data),
            ("TLI_BIND", "127.0.0.1:0"),
            ("TLI_LOG_FORMAT", "json"),
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::inherit())
    .spawn()
    .expect("start tli-hub");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = stdout
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str::<Value>(&line).ok());

    let listening = read_log_until(&mut lines, |line| {
        line["fields"]["message"] == "TLI Hub is listening"
    });
    let url = listening["fields"]["url"].as_str().unwrap().to_owned();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .get(format!("{url}/healthz"))
            .header("x-request-id", "test-request-42")
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);

    let finished = read_log_until(&mut lines, |line| {
        line["fields"]["message"] == "request finished" && line["span"]["path"] == "/healthz"
    });
    let span = &finished["span"];
    assert_eq!(span["method"], "GET");
    assert_eq!(span["request.id"], "test-request-42");
    assert_eq!(span["status"], 200);
    assert!(
        span["latency_ms"].as_f64().is_some(),
        "latency missing: {finished}"
    );

    stop_with(&child, "-TERM");
    read_log_until(&mut lines, |line| {
        line["fields"]["message"] == "SIGTERM received, shutting down"
    });
    let exit = child.wait().expect("wait for tli-hub");
    assert!(
        exit.success(),
        "graceful shutdown must exit 0, got {exit:?}"
    );
}

#[tokio::test]
async fn migrations_give_same_schema_on_both_backends() {
    use common::{Backend, TestDatabase};

    let mut schemas = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let database = TestDatabase::create(backend).await;
        let config =
            common::test_config(&database.url, &database.dir().join("data"), database.dir());
        let db = server::db::connect(&config).await.unwrap();
        server::db::migrate(&db, &config).await.unwrap();
        let sql = match backend {
            Backend::Sqlite => {
                "SELECT m.name AS table_name, p.name AS column_name, \
                 CASE WHEN p.\"notnull\" = 1 OR p.pk > 0 THEN 'NO' ELSE 'YES' END AS nullable \
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
                 ORDER BY 1, 2"
            }
            Backend::Postgres => {
                "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                 is_nullable::text AS nullable FROM information_schema.columns \
                 WHERE table_schema = 'public' ORDER BY 1, 2"
            }
        };
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
        let columns: Vec<(String, String, String)> = rows
            .iter()
            .map(|row| {
                (
                    row.try_get("", "table_name").unwrap(),
                    row.try_get("", "column_name").unwrap(),
                    row.try_get("", "nullable").unwrap(),
                )
            })
            .collect();
        assert!(
            columns.iter().any(|(table, _, _)| table == "cohorts"),
            "{columns:?}"
        );
        schemas.push(columns);
        db.close().await.ok();
    }
    assert_eq!(
        schemas[0], schemas[1],
        "SQLite and PostgreSQL schemas differ"
    );
}
