//! The `tli-hub` binary: startup errors, migrate, seed, logging and graceful shutdown.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_tli-hub");

/// Builds a command with a clean environment: only PATH and the variables given.
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
fn bad_storage_address_names_variable() {
    let output = run(&["migrate"], &[("TLI_STORAGE_URL", "/srv/files")]);
    assert_one_line_failure(&output, &["TLI_STORAGE_URL", "s3://BUCKET"]);
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

    let count = |sql: &'static str| {
        let db = &db;
        async move {
            db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap()
                .try_get::<i64>("", "n")
                .unwrap()
        }
    };
    let fellows_per_cohort = |name: &'static str| {
        let db = &db;
        async move {
            db.query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM cohort_memberships m JOIN cohorts c ON c.id = m.cohort_id WHERE c.name = ? AND m.role = 'fellow'",
                [name.into()],
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap()
        }
    };
    assert_eq!(fellows_per_cohort("Ohio 2027").await, 24);
    assert_eq!(fellows_per_cohort("Nevada 2027").await, 16);
    assert_eq!(count("SELECT COUNT(*) AS n FROM competencies").await, 21);
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM microcredentials").await,
        21
    );
    assert_eq!(count("SELECT COUNT(*) AS n FROM terms").await, 4);
    let chosen = count("SELECT COUNT(*) AS n FROM competency_choices").await;
    assert!(
        chosen > 0 && chosen < 40,
        "some fellows have chosen: {chosen}"
    );
    assert_eq!(
        count("SELECT COUNT(DISTINCT display_name) AS n FROM users").await,
        count("SELECT COUNT(*) AS n FROM users").await,
        "generated names are all different"
    );
    // The first term is in progress, with a closed, an open and an upcoming module.
    let today = chrono::Utc::now().date_naive().to_string();
    let in_progress = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM terms WHERE position = 1 AND starts_on <= ? AND ends_on >= ?",
            [today.clone().into(), today.into()],
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(in_progress, 2);
}

/// Reads JSON log lines from the child's stdout until one satisfies `found`.
fn read_log_until(
    lines: &mut impl Iterator<Item = Value>,
    expected: &str,
    found: impl Fn(&Value) -> bool,
) -> Value {
    lines
        .find(|line| found(line))
        .unwrap_or_else(|| panic!("the log never showed {expected}"))
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
    serve_log_request_and_stop("-TERM", "SIGTERM received, shutting down");
}

#[test]
fn serve_stops_gracefully_on_sigint() {
    serve_log_request_and_stop("-INT", "SIGINT received, shutting down");
}

/// Starts the server, checks the log line of one request, then stops the server with
/// `signal` and expects `farewell` in the log and a zero exit status.
fn serve_log_request_and_stop(signal: &str, farewell: &str) {
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

    let listening = read_log_until(&mut lines, "the listening line", |line| {
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

    let finished = read_log_until(&mut lines, "the request line", |line| {
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

    stop_with(&child, signal);
    read_log_until(&mut lines, farewell, |line| {
        line["fields"]["message"] == farewell
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

/// The address invitation links name in these tests.
const PUBLIC_URL: &[(&str, &str)] = &[("TLI_PUBLIC_URL", "http://127.0.0.1:3000")];

/// Runs `tli-hub` against `database` with its own data directory.
fn run_on(database: &common::TestDatabase, args: &[&str], extra: &[(&str, &str)]) -> Output {
    let data = database.dir().join("data").display().to_string();
    let mut vars = vec![
        ("TLI_DATA_DIR", data.as_str()),
        ("DATABASE_URL", database.url.as_str()),
    ];
    vars.extend_from_slice(extra);
    run(args, &vars)
}

async fn count(db: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

async fn roster_import_validates_everything_first(backend: common::Backend) {
    let database = common::TestDatabase::create(backend).await;
    assert!(run_on(&database, &["seed", "--demo"], &[]).status.success());
    let db = Database::connect(database.url.as_str()).await.unwrap();
    let users_before = count(&db, "users").await;

    let bad = database.dir().join("bad.csv");
    std::fs::write(
        &bad,
        "\u{feff}sourcedId,givenName,familyName,email,role,cohort\r\n\
         f-1,\"Lopez, Jr.\",Ana,ana@school.test,fellow,Ohio 2027\r\n\
         f-2,Bo,Li,bo@@school.test,fellow,Ohio 2027\r\n\
         f-3,Cy,Ng,cy@school.test,principal,Ohio 2027\r\n\
         f-4,Di,Wu,ANA@school.test,coach,Ohio 2027\r\n\
         f-5,Ed,Yu,ed@school.test,fellow,Atlantis 2027\r\n\
         f-6,Fa,Xu,fa@school.test,fellow\r\n",
    )
    .unwrap();
    let output = run_on(
        &database,
        &["import-roster", bad.to_str().unwrap()],
        PUBLIC_URL,
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "line 3: email",
        "line 4: unknown role \"principal\"",
        "line 5: the email ANA@school.test is already on line 2",
        "line 7: has 5 fields",
        "nothing was imported",
    ] {
        assert!(
            stderr.contains(expected),
            "{expected:?} missing from:\n{stderr}"
        );
    }
    assert_eq!(
        count(&db, "users").await,
        users_before,
        "a bad file must change nothing"
    );

    let unknown_cohort = database.dir().join("unknown-cohort.csv");
    std::fs::write(&unknown_cohort, "sourcedId,givenName,familyName,email,role,cohort\nf-1,Ed,Yu,ed@school.test,fellow,Atlantis 2027\n").unwrap();
    let output = run_on(
        &database,
        &["import-roster", unknown_cohort.to_str().unwrap()],
        &[],
    );
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("line 2: there is no cohort named \"Atlantis 2027\"")
    );

    let missing_column = database.dir().join("missing.csv");
    std::fs::write(
        &missing_column,
        "sourcedId,givenName,email,role,cohort,extra\nf-1,Ed,ed@school.test,fellow,Ohio 2027,x\n",
    )
    .unwrap();
    let output = run_on(
        &database,
        &["import-roster", missing_column.to_str().unwrap()],
        &[],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("missing column(s): familyName"), "{stderr}");
    assert!(stderr.contains("unknown column \"extra\""), "{stderr}");

    let good = database.dir().join("good.csv");
    std::fs::write(
        &good,
        "sourcedId,givenName,familyName,email,role,cohort\n\
         f-1,\"Lopez, Jr.\",Ana,ana@school.test,fellow,Ohio 2027\n\
         f-2,Thị Minh,Nguyễn,minh@school.test,fellow,ohio 2027\n\
         c-1,Corin,Vale,COACH@demo.tli-hub.test,reviewer,Nevada 2027\n",
    )
    .unwrap();
    let dry_run = run_on(
        &database,
        &["import-roster", good.to_str().unwrap(), "--dry-run"],
        &[],
    );
    assert!(
        dry_run.status.success(),
        "{}",
        String::from_utf8_lossy(&dry_run.stderr)
    );
    let summary = String::from_utf8_lossy(&dry_run.stdout);
    assert!(
        summary
            .contains("Dry run, nothing changed. 3 rows: 2 new people to invite, 1 roles to add"),
        "{summary}"
    );
    assert_eq!(count(&db, "users").await, users_before);

    let no_url = run_on(&database, &["import-roster", good.to_str().unwrap()], &[]);
    assert_one_line_failure(&no_url, &["TLI_PUBLIC_URL"]);
    let imported = run_on(
        &database,
        &["import-roster", good.to_str().unwrap()],
        PUBLIC_URL,
    );
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert_eq!(count(&db, "users").await, users_before + 2);
    assert!(
        count(&db, "outbox").await >= 2,
        "invitations must be in the outbox"
    );

    let again = run_on(
        &database,
        &["import-roster", good.to_str().unwrap()],
        PUBLIC_URL,
    );
    assert!(
        String::from_utf8_lossy(&again.stdout)
            .contains("0 new people invited, 0 roles added to existing accounts, 3 unchanged"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    db.close().await.ok();
}

async fn create_admin_and_invite_commands(backend: common::Backend) {
    let database = common::TestDatabase::create(backend).await;
    assert!(run_on(&database, &["seed", "--demo"], &[]).status.success());

    let short = run_on(
        &database,
        &[
            "create-admin",
            "--email",
            "boss@school.test",
            "--name",
            "Boss",
        ],
        &[("TLI_ADMIN_PASSWORD", "short")],
    );
    assert_one_line_failure(&short, &["password", "at least 12"]);
    let created = run_on(
        &database,
        &[
            "create-admin",
            "--email",
            "Boss@School.test",
            "--name",
            "Boss",
        ],
        &[("TLI_ADMIN_PASSWORD", "a long admin password")],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let duplicate = run_on(
        &database,
        &[
            "create-admin",
            "--email",
            "boss@school.test",
            "--name",
            "Boss",
        ],
        &[("TLI_ADMIN_PASSWORD", "a long admin password")],
    );
    assert_one_line_failure(&duplicate, &["already exists"]);

    let invited = run_on(
        &database,
        &[
            "invite",
            "--email",
            "new@school.test",
            "--name",
            "New Person",
            "--cohort",
            "Ohio 2027",
            "--role",
            "coach",
        ],
        PUBLIC_URL,
    );
    assert!(
        invited.status.success(),
        "{}",
        String::from_utf8_lossy(&invited.stderr)
    );
    let again = run_on(
        &database,
        &[
            "invite",
            "--email",
            "NEW@school.test",
            "--name",
            "New Person",
        ],
        PUBLIC_URL,
    );
    assert!(
        again.status.success(),
        "a person who never accepted gets a fresh invitation"
    );
    let in_use = run_on(
        &database,
        &["invite", "--email", "BOSS@school.test", "--name", "Boss"],
        PUBLIC_URL,
    );
    assert_one_line_failure(&in_use, &["already exists"]);
    let bad_cohort = run_on(
        &database,
        &[
            "invite",
            "--email",
            "x@school.test",
            "--name",
            "X",
            "--cohort",
            "Atlantis",
            "--role",
            "coach",
        ],
        PUBLIC_URL,
    );
    assert_one_line_failure(&bad_cohort, &["--cohort", "Atlantis"]);
}

on_both_backends!(
    roster_import_validates_everything_first,
    create_admin_and_invite_commands
);

#[test]
fn logs_never_contain_passwords_or_cookies() {
    const SECRET: &str = "Zebra-Secret-Marker-9931";
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let created = run(
        &[
            "create-admin",
            "--email",
            "secret@school.test",
            "--name",
            "Secret Keeper",
        ],
        &[("TLI_DATA_DIR", &data), ("TLI_ADMIN_PASSWORD", SECRET)],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );

    let mut child = tli_hub(
        &["serve"],
        &[
            ("TLI_DATA_DIR", &data),
            ("TLI_BIND", "127.0.0.1:0"),
            ("TLI_LOG_FORMAT", "json"),
            ("TLI_LOG", "debug"),
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("start tli-hub");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut raw_lines = stdout.lines().map_while(Result::ok);
    let url = raw_lines
        .by_ref()
        .filter_map(|line| serde_json::from_str::<Value>(&line).ok())
        .find(|line| line["fields"]["message"] == "TLI Hub is listening")
        .and_then(|line| line["fields"]["url"].as_str().map(str::to_owned))
        .expect("the server starts");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let cookie = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = client
            .post(format!("{url}/api/auth/sign-in"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .body(format!("email=secret%40school.test&password={SECRET}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302);
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let page = client
            .get(format!("{url}/admin"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        cookie
    });
    let cookie_value = cookie.split_once('=').unwrap().1.to_owned();

    stop_with(&child, "-TERM");
    let rest: Vec<String> = raw_lines.collect();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    child.wait().unwrap();
    let all = format!("{}\n{stderr}", rest.join("\n"));
    assert!(
        all.contains("signed in"),
        "the log must show the sign-in itself"
    );
    assert!(!all.contains(SECRET), "a password reached the log");
    assert!(!all.contains(&cookie_value), "a session id reached the log");
}
