//! Test harness: starts the real router on port 0 against a fresh SQLite file or a fresh
//! PostgreSQL database, and removes it afterwards.

#![allow(dead_code)] // Each test binary uses a different part of the harness.

pub mod earning;
pub mod synthetic;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use app::auth::{Membership, Role};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Database, DatabaseConnection};
use server::config::Config;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// Server to create and drop test databases on. Override with `TLI_TEST_POSTGRES_URL`.
pub fn postgres_admin_url() -> String {
    std::env::var("TLI_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test only.
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    postgres_name: Option<String>,
    _dir: TempDir,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> TestDatabase {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        match backend {
            Backend::Sqlite => TestDatabase {
                url: format!("sqlite://{}", dir.path().join("test.db").display()),
                backend,
                postgres_name: None,
                _dir: dir,
            },
            Backend::Postgres => {
                let name = format!("tli_test_{}", unique_suffix());
                let admin = Database::connect(postgres_admin_url()).await.expect(
                    "connect to PostgreSQL at TLI_TEST_POSTGRES_URL (default 127.0.0.1:5432)",
                );
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the test database");
                admin.close().await.ok();
                TestDatabase {
                    url: replace_database_name(&postgres_admin_url(), &name),
                    backend,
                    postgres_name: Some(name),
                    _dir: dir,
                }
            }
        }
    }

    pub fn dir(&self) -> &Path {
        self._dir.path()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        // Drop runs outside any async context, so the cleanup gets a runtime of its own.
        let handle = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("build a cleanup runtime");
            runtime.block_on(async move {
                if let Ok(admin) = Database::connect(postgres_admin_url()).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    admin.close().await.ok();
                }
            });
        });
        let _ = handle.join();
    }
}

/// A running server with its own database, stopped when dropped.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base_url: String,
    pub client: reqwest::Client,
    /// A connection of the test's own, for arranging and inspecting data.
    pub db: DatabaseConnection,
    pub database: TestDatabase,
    pub site_dir: PathBuf,
    admin: tokio::sync::OnceCell<reqwest::Client>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        let database = TestDatabase::create(backend).await;
        Self::spawn_on(database, None).await
    }

    /// Starts a server on `database`; the server connects through `url_override` when
    /// given (a proxy, say) while the test's own connection goes direct.
    pub async fn spawn_on(database: TestDatabase, url_override: Option<String>) -> TestApp {
        Self::spawn_configured(database, url_override, &[]).await
    }

    /// Starts a server on `database` with extra configuration variables.
    pub async fn spawn_on_with(
        database: TestDatabase,
        extra: &[(&'static str, String)],
    ) -> TestApp {
        Self::spawn_configured(database, None, extra).await
    }

    /// Starts a server with extra configuration variables, such as `TLI_SMTP_URL`.
    pub async fn spawn_with(backend: Backend, extra: &[(&'static str, String)]) -> TestApp {
        let database = TestDatabase::create(backend).await;
        Self::spawn_configured(database, None, extra).await
    }

    async fn spawn_configured(
        database: TestDatabase,
        url_override: Option<String>,
        extra: &[(&'static str, String)],
    ) -> TestApp {
        let site_dir = database.dir().join("site");
        write_site_fixture(&site_dir);
        let data_dir = database.dir().join("data");

        let server_url = url_override.unwrap_or_else(|| database.url.clone());
        let mut config = test_config(&server_url, &data_dir, &site_dir);
        for (name, value) in extra {
            match *name {
                "TLI_SMTP_URL" => config.smtp_url = Some(value.clone()),
                "TLI_MAIL_FROM" => config.mail_from = value.clone(),
                "TLI_UPLOAD_MAX_MB" => config.upload_max_mb = value.parse().expect("megabytes"),
                "TLI_QUOTA_MB" => config.quota_mb = value.parse().expect("megabytes"),
                "TLI_PUBLIC_URL" => config.public_url = Some(value.clone()),
                other => panic!("the test harness cannot set {other}"),
            }
        }
        let db = server::db::connect(&config)
            .await
            .expect("connect the server");
        server::db::migrate(&db, &config)
            .await
            .expect("run migrations");

        let own_config = test_config(&database.url, &data_dir, &site_dir);
        let own_db = server::db::connect(&own_config)
            .await
            .expect("connect the test");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind port 0");
        let addr = listener.local_addr().expect("local address");
        let state = server::app_state(&config, db, addr).expect("build the application state");
        let (shutdown, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(server::serve(listener, state, async move {
            let _ = stopped.await;
        }));

        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("build the HTTP client");

        TestApp {
            addr,
            base_url: format!("http://{addr}"),
            client,
            db: own_db,
            database,
            site_dir,
            admin: tokio::sync::OnceCell::new(),
            shutdown: Some(shutdown),
            server: Some(server),
        }
    }

    /// Creates an account with [`TEST_PASSWORD`] and the given roles.
    pub async fn create_user(&self, email: &str, is_admin: bool, roles: &[(i32, Role)]) -> i32 {
        let user = app::entities::users::ActiveModel {
            email: Set(email.to_owned()),
            email_normalized: Set(email.to_lowercase()),
            display_name: Set(format!("Test {email}")),
            password_hash: Set(Some(test_password_hash().await)),
            is_admin: Set(is_admin),
            disabled: Set(false),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("create a user");
        for &(cohort_id, role) in roles {
            app::admin::store::insert_membership(&self.db, user.id, Membership { cohort_id, role })
                .await
                .expect("add a role");
        }
        user.id
    }

    /// Creates a cohort and returns its id.
    pub async fn create_cohort(&self, name: &str) -> i32 {
        let cohort = app::cohorts::input::NewCohort {
            name: name.to_owned(),
            year: 2027,
        };
        app::cohorts::store::insert(&self.db, &cohort)
            .await
            .expect("create a cohort")
            .id
    }

    /// Gives a cohort the default two terms of 2027 in New York time and returns the
    /// ids of the first term's modules (Learn, Design, Do, Reflect), in order.
    pub async fn schedule_first_term(&self, cohort: i32) -> Vec<i32> {
        use app::entities::{modules, terms};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        app::cohorts::schedule_store::create_schedule(
            &self.db,
            cohort,
            app::cohorts::schedule_store::zone_or_default("America/New_York"),
            &app::cohorts::schedule_store::default_plan(2027),
        )
        .await
        .expect("create the schedule");
        let term = terms::Entity::find()
            .filter(terms::Column::CohortId.eq(cohort))
            .filter(terms::Column::Position.eq(1))
            .one(&self.db)
            .await
            .unwrap()
            .expect("the cohort has a first term");
        modules::Entity::find()
            .filter(modules::Column::TermId.eq(term.id))
            .order_by_asc(modules::Column::Position)
            .all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .map(|module| module.id)
            .collect()
    }

    /// Records a submitted attempt of definition version `version_id` by `fellow`, in a
    /// new cohort, and a first review of it by `reviewer`. Returns the review id.
    pub async fn record_review(&self, version_id: i32, reviewer: i32, fellow: i32) -> i32 {
        use app::entities::{microcredential_versions, reviews, submission_attempts, submissions};
        use sea_orm::EntityTrait;
        let version = microcredential_versions::Entity::find_by_id(version_id)
            .one(&self.db)
            .await
            .unwrap()
            .expect("the version exists");
        let cohort = self
            .create_cohort(&format!("Reviewed cohort {}", unique_suffix()))
            .await;
        let now = chrono::Utc::now();
        let submission = submissions::ActiveModel {
            cohort_id: Set(cohort),
            fellow_user_id: Set(fellow),
            microcredential_id: Set(version.microcredential_id),
            state: Set("in_review".into()),
            attempts: Set(1),
            draft_version: Set(1),
            draft_content: Set("{}".into()),
            draft_saved_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("create a submission");
        let attempt = submission_attempts::ActiveModel {
            submission_id: Set(submission.id),
            number: Set(1),
            microcredential_version_id: Set(version_id),
            draft_version: Set(1),
            content: Set("{}".into()),
            submitted_at: Set(now),
            late: Set(false),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("create an attempt");
        reviews::ActiveModel {
            submission_attempt_id: Set(attempt.id),
            microcredential_version_id: Set(version_id),
            reviewer_user_id: Set(reviewer),
            fellow_user_id: Set(fellow),
            kind: Set("first".into()),
            state: Set("open".into()),
            scores: Set("{}".into()),
            draft_version: Set(1),
            assigned_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("create a review")
        .id
    }

    /// Returns the id of the account with `email`.
    pub async fn user_id(&self, email: &str) -> i32 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        app::entities::users::Entity::find()
            .filter(app::entities::users::Column::EmailNormalized.eq(email.to_lowercase()))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no account {email}"))
            .id
    }

    /// Creates an account with `role` in `cohort` and returns a client signed in as it.
    pub async fn signed_in_client_with_role(&self, cohort: i32, role: Role) -> reqwest::Client {
        let email = format!("{}-{}@test.example", role.as_str(), unique_suffix());
        self.create_user(&email, false, &[(cohort, role)]).await;
        self.signed_in_client(&email).await
    }

    /// Returns a client with its own cookie jar, signed in as `email` with [`TEST_PASSWORD`].
    pub async fn signed_in_client(&self, email: &str) -> reqwest::Client {
        let client = cookie_client();
        let response = client
            .post(self.url("/api/auth/sign-in"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .body(encode_form(&[
                ("email", email),
                ("password", TEST_PASSWORD),
            ]))
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status(), 302, "sign-in as {email} failed");
        client
    }

    /// Returns a client signed in as an administrator, created on first use.
    pub async fn admin(&self) -> &reqwest::Client {
        self.admin.get_or_init(|| self.admin_client()).await
    }

    pub async fn admin_get(&self, path_or_url: &str) -> reqwest::Response {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            self.url(path_or_url)
        };
        self.admin()
            .await
            .get(url)
            .send()
            .await
            .expect("GET request")
    }

    pub async fn admin_post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        post_form_as(self.admin().await, &self.url(path), fields).await
    }

    pub async fn admin_post_html_form(
        &self,
        path: &str,
        referer: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_html_form_as(self.admin().await, path, referer, fields)
            .await
    }

    /// Creates an administrator and returns a client signed in as them.
    pub async fn admin_client(&self) -> reqwest::Client {
        let email = format!("admin-{}@test.example", unique_suffix());
        self.create_user(&email, true, &[]).await;
        self.signed_in_client(&email).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("GET request")
    }

    /// Posts form fields the way a hydrated page calls a server function.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(encode_form(fields))
            .send()
            .await
            .expect("POST request")
    }

    /// Posts form fields the way a browser without JavaScript submits a form.
    pub async fn post_html_form(
        &self,
        path: &str,
        referer: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_html_form_as(&self.client, path, referer, fields)
            .await
    }

    /// Posts a form as a browser without the script does, checks that the server
    /// redirected back, and returns the page it redirected to, fetched as `client`.
    pub async fn rejected_form_page(
        &self,
        client: &reqwest::Client,
        path: &str,
        referer: &str,
        fields: &[(&str, &str)],
    ) -> String {
        let response = self.post_html_form_as(client, path, referer, fields).await;
        assert_eq!(response.status(), 302, "{path} did not redirect back");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.contains("__err="),
            "{path} was not rejected: {location}"
        );
        client
            .get(&location)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Like [`TestApp::post_html_form`], with `client`'s cookies.
    pub async fn post_html_form_as(
        &self,
        client: &reqwest::Client,
        path: &str,
        referer: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", self.url(referer))
            .body(encode_form(fields))
            .send()
            .await
            .expect("POST request")
    }

    /// Stops the server and returns the test's connection, the database and the site
    /// folder, for a test that runs the server as a separate process next.
    pub async fn stop_keeping_database(mut self) -> (DatabaseConnection, TestDatabase, PathBuf) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        (self.db, self.database, self.site_dir)
    }

    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

/// Maximum time a test waits for one response, so that a stuck request fails the test
/// instead of hanging the run.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The password of every account the tests create.
pub const TEST_PASSWORD: &str = "test password 1234";

async fn test_password_hash() -> String {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async {
        app::auth::password::hash_password(TEST_PASSWORD.to_owned())
            .await
            .expect("hash the test password")
    })
    .await
    .clone()
}

/// Returns the nearest-rank percentile `share` (0 to 1) of sorted latencies, for the
/// benchmarks.
pub fn percentile(sorted: &[std::time::Duration], share: f64) -> std::time::Duration {
    let index = ((sorted.len() as f64 * share).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

/// Returns a client that keeps cookies and does not follow redirects.
pub fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("build the HTTP client")
}

/// Posts form fields as a browser without JavaScript does, from a page of the same site.
pub async fn post_form_as(
    client: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .body(encode_form(fields))
        .send()
        .await
        .expect("POST request")
}

pub fn test_config(database_url: &str, data_dir: &Path, site_dir: &Path) -> Config {
    let vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", database_url.to_owned()),
        ("TLI_DATA_DIR", data_dir.display().to_string()),
        ("TLI_SITE_DIR", site_dir.display().to_string()),
    ]);
    Config::from_lookup(|name| vars.get(name).cloned()).expect("valid test configuration")
}

/// A small stand-in for the Trunk output: a bundle with a brotli copy, a stylesheet,
/// public files, and the skeleton index.html that must never be served.
fn write_site_fixture(site_dir: &Path) {
    let pkg = site_dir.join("pkg");
    let public = site_dir.join("public");
    std::fs::create_dir_all(&pkg).expect("create pkg");
    std::fs::create_dir_all(&public).expect("create public");
    std::fs::write(
        pkg.join("frontend.js"),
        "export default function init() {}\n",
    )
    .expect("write js");
    std::fs::write(pkg.join("frontend.js.br"), b"brotli-bytes").expect("write js.br");
    std::fs::write(pkg.join("main.css"), "body { margin: 0 }\n").expect("write css");
    std::fs::write(
        public.join("favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .expect("write favicon");
    std::fs::write(site_dir.join("index.html"), "<html>trunk skeleton</html>")
        .expect("write skeleton");
}

pub fn encode_form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(key, value)| format!("{}={}", percent_encode(key), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(text: &str) -> String {
    let mut encoded = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                encoded.push(byte as char)
            }
            b' ' => encoded.push('+'),
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    encoded
}

fn replace_database_name(url: &str, name: &str) -> String {
    let without_query = url.split('?').next().unwrap_or(url);
    match without_query.rfind('/') {
        Some(slash) if slash > "postgres://".len() => format!("{}/{name}", &without_query[..slash]),
        _ => format!("{without_query}/{name}"),
    }
}

pub fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Defines `mod sqlite` and `mod postgres`, each with one test per listed function.
/// Every function takes a [`Backend`].
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Postgres).await;
                }
            )*
        }
    };
}
