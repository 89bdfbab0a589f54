//! The data lifecycle on SQLite and PostgreSQL: a backup restored into an empty
//! database gives back every row and file, a fellow's export contains everything of
//! theirs, a cohort export contains only what staff may see, deleting a fellow's data
//! removes rows and files and revokes credentials, and the startup sweep removes
//! files that nothing refers to.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use app::auth::Role;
use app::entities::{audit_log, credentials, evidence_items, exports, submissions, users};
use app::program::framework_store::{self, DEFAULT_TEMPLATE};
use common::{Backend, TestApp, TestDatabase, post_form_as, test_config};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};
use serde_json::Value;
use sha2::{Digest, Sha256};

on_both_backends!(
    backup_restore_drill,
    fellow_export_holds_everything,
    cohort_export_holds_staff_view,
    deleting_fellow_removes_data,
    startup_sweep_removes_orphans,
);

const FELLOW: &str = "fellow@district.example";
const CLASSMATE: &str = "classmate@district.example";
const REVIEWER: &str = "reviewer@example.org";
const FACILITATOR: &str = "facilitator@example.org";

/// A fellow with two uploaded files, one used in an earned micro-credential, and a
/// link item.
struct World {
    app: TestApp,
    cohort: i32,
    fellow: i32,
    fellow_client: reqwest::Client,
    /// SHA-256 and content of each uploaded file.
    uploads: Vec<(String, Vec<u8>)>,
    credential: credentials::Model,
}

fn sha256_hex(content: &[u8]) -> String {
    Sha256::digest(content)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Builds a PDF whose content differs by `seed`, so every upload is a new file.
fn pdf(seed: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {seed}\n1 0 obj << /Title (Plan) >> endobj\n%%EOF\n").into_bytes()
}

async fn upload(app: &TestApp, client: &reqwest::Client, name: &str, content: Vec<u8>) -> Value {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(content).file_name(name.to_owned()),
    );
    let response = client
        .post(app.url("/evidence/upload"))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 200, "upload of {name}");
    response.json().await.expect("upload JSON")
}

async fn arrange(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).expect("the template is valid");
    framework_store::import(&app.db, &file, None)
        .await
        .expect("import the template");
    let cohort = app.create_cohort("Ohio 2027").await;
    let staff = app.create_cohort("Reviewers").await;
    let fellow = app
        .create_user(FELLOW, false, &[(cohort, Role::Fellow)])
        .await;
    app.create_user(CLASSMATE, false, &[(cohort, Role::Fellow)])
        .await;
    let reviewer = app
        .create_user(REVIEWER, false, &[(staff, Role::Reviewer)])
        .await;
    let facilitator = app
        .create_user(
            FACILITATOR,
            false,
            &[(cohort, Role::Facilitator), (staff, Role::Facilitator)],
        )
        .await;

    let fellow_client = app.signed_in_client(FELLOW).await;
    let mut uploads = Vec::new();
    let mut ids = Vec::new();
    for (name, content) in [
        ("lesson plan.pdf", pdf("lesson plan")),
        ("unused notes.pdf", pdf("unused notes")),
    ] {
        let uploaded = upload(&app, &fellow_client, name, content.clone()).await;
        ids.push(uploaded["id"].as_i64().expect("an item id") as i32);
        uploads.push((sha256_hex(&content), content));
    }
    let credential = common::earning::earn_communication(
        &app,
        cohort,
        fellow,
        (reviewer, REVIEWER),
        facilitator,
        vec![Some(ids[0])],
    )
    .await;
    assert!(
        credential.document.is_some(),
        "the credential was signed at once"
    );
    World {
        app,
        cohort,
        fellow,
        fellow_client,
        uploads,
        credential,
    }
}

fn data_dir(database: &TestDatabase) -> PathBuf {
    database.dir().join("data")
}

/// Counts the rows of every table, as the backup manifest does.
async fn table_counts(db: &sea_orm::DatabaseConnection) -> BTreeMap<String, u64> {
    let backend = db.get_database_backend();
    let list = match backend {
        sea_orm::DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
    };
    let mut counts = BTreeMap::new();
    for row in db
        .query_all_raw(Statement::from_string(backend, list))
        .await
        .unwrap()
    {
        let name: String = row.try_get("", "name").unwrap();
        let count: i64 = db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM \"{name}\""),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "n")
            .unwrap();
        counts.insert(name, count as u64);
    }
    counts
}

fn stored_path(data: &Path, sha256: &str) -> PathBuf {
    data.join("files/blobs").join(&sha256[..2]).join(sha256)
}

async fn backup_restore_drill(backend: Backend) {
    let world = arrange(backend).await;
    let source_data = data_dir(&world.app.database);
    let source_config = test_config(&world.app.database.url, &source_data, &world.app.site_dir);
    let before = table_counts(&world.app.db).await;
    let backup_dir = tempfile::tempdir().unwrap();
    let target = backup_dir.path().join("nightly");

    let manifest = server::backup::backup(&source_config, &target)
        .await
        .expect("the backup succeeds");
    assert_eq!(manifest.tables, before, "the manifest counts every row");
    assert!(manifest.tables["users"] >= 4);
    assert_eq!(manifest.tables["credentials"], 1);
    let backed_up: Vec<&str> = manifest
        .files
        .iter()
        .map(|file| file.sha256.as_str())
        .collect();
    for (sha256, _) in &world.uploads {
        assert!(
            backed_up.contains(&sha256.as_str()),
            "{sha256} is in the backup"
        );
    }
    assert_eq!(manifest.keys.len(), 1, "the signing key is in the backup");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&target), 0o700, "only the owner opens the backup");
        assert_eq!(mode(&target.join("manifest.json")), 0o600);
        assert_eq!(mode(&target.join(&manifest.database_file)), 0o600);
        let first = &manifest.files[0].sha256;
        assert_eq!(
            mode(&target.join("files").join(&first[..2]).join(first)),
            0o600
        );
    }

    // A second backup into the same folder would mix two backups.
    let again = server::backup::backup(&source_config, &target).await;
    assert!(again.unwrap_err().contains("is not empty"));

    // Restore into a new, empty database and data folder.
    let fresh = TestDatabase::create(backend).await;
    let fresh_data = data_dir(&fresh);
    let fresh_config = test_config(&fresh.url, &fresh_data, &world.app.site_dir);
    let restored = server::backup::restore(&fresh_config, &target, false)
        .await
        .expect("the restore succeeds");
    assert_eq!(restored, manifest);

    // The restored server keeps the public address, which credentials name.
    let app =
        TestApp::spawn_on_with(fresh, &[("TLI_PUBLIC_URL", world.app.base_url.clone())]).await;
    let mut after = table_counts(&app.db).await;
    // The restore records itself in the audit log.
    *after.get_mut("audit_log").unwrap() -= 1;
    assert_eq!(
        after, before,
        "every table has the same rows after the restore"
    );
    for (sha256, content) in &world.uploads {
        let path = stored_path(&fresh_data, sha256);
        let bytes = std::fs::read(&path).unwrap_or_else(|_| panic!("{} restored", path.display()));
        assert_eq!(sha256_hex(&bytes), *sha256, "the restored file's checksum");
        assert_eq!(&bytes, content);
    }
    let source_key = std::fs::read_dir(source_data.join("keys"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let restored_key = std::fs::read(fresh_data.join("keys").join(source_key.file_name())).unwrap();
    assert_eq!(restored_key, std::fs::read(source_key.path()).unwrap());

    // The restored server serves the fellow's file and verifies the credential.
    let fellow = app.signed_in_client(FELLOW).await;
    let item = evidence_items::Entity::find()
        .filter(evidence_items::Column::FileSha256.eq(world.uploads[0].0.clone()))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let served = fellow
        .get(app.url(&format!("/evidence/{}/file", item.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().to_vec(), world.uploads[0].1);
    let report: Value = app
        .client
        .post(app.url("/verify.json"))
        .body(world.credential.document.clone().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|check| check[1] != "Passed")
            .count(),
        0,
        "{report:#}"
    );
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(app::audit_actions::BACKUP_RESTORED))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 1);

    // A restore never runs under a live server, and a database that contains people is
    // replaced only when asked.
    let running = server::backup::restore(&fresh_config, &target, false).await;
    if backend == Backend::Postgres {
        let error = running.unwrap_err();
        assert!(error.contains("other connection"), "{error}");
    }
    let (connection, restored_database, _site) = app.stop_keeping_database().await;
    connection.close().await.unwrap();
    let refused = server::backup::restore(&fresh_config, &target, false)
        .await
        .unwrap_err();
    assert!(refused.contains("--replace"), "{refused}");
    assert!(refused.contains("nothing was changed"), "{refused}");
    drop(restored_database);
    world.app.stop().await;
}

/// Bad backup folders fail with what is wrong, and change nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_rejects_bad_folders() {
    let world = arrange(Backend::Sqlite).await;
    let source_data = data_dir(&world.app.database);
    let config = test_config(&world.app.database.url, &source_data, &world.app.site_dir);
    let dir = tempfile::tempdir().unwrap();

    let missing = server::backup::check(dir.path()).await.unwrap_err();
    assert!(missing.contains("manifest.json"), "{missing}");

    let target = dir.path().join("backup");
    let manifest = server::backup::backup(&config, &target).await.unwrap();

    // A damaged file is found before anything changes.
    let damaged = target
        .join("files")
        .join(&manifest.files[0].sha256[..2])
        .join(&manifest.files[0].sha256);
    let mut bytes = std::fs::read(&damaged).unwrap();
    bytes[0] ^= 0xFF;
    std::fs::write(&damaged, &bytes).unwrap();
    let fresh = TestDatabase::create(Backend::Sqlite).await;
    let fresh_config = test_config(&fresh.url, &data_dir(&fresh), &world.app.site_dir);
    let error = server::backup::restore(&fresh_config, &target, false)
        .await
        .unwrap_err();
    assert!(error.contains("damaged"), "{error}");
    assert!(
        !fresh.dir().join("test.db").exists(),
        "a failed check creates no database"
    );
    bytes[0] ^= 0xFF;
    std::fs::write(&damaged, &bytes).unwrap();

    // So is a damaged key file.
    let key = target.join("keys").join(&manifest.keys[0].name);
    let original_key = std::fs::read(&key).unwrap();
    std::fs::write(&key, b"garbage").unwrap();
    let error = server::backup::check(&target).await.unwrap_err();
    assert!(error.contains("key file"), "{error}");
    std::fs::write(&key, &original_key).unwrap();

    // A damaged database copy is found too.
    let database = target.join(&manifest.database_file);
    let original = std::fs::read(&database).unwrap();
    let mut changed = original.clone();
    let last = changed.len() - 1;
    changed[last] ^= 0x01;
    std::fs::write(&database, &changed).unwrap();
    let error = server::backup::check(&target).await.unwrap_err();
    assert!(error.contains("database copy"), "{error}");
    std::fs::write(&database, &original).unwrap();

    // A running server blocks a restore: its lock on the data folder is taken.
    let lock = server::backup::hold_server_lock(&source_data).unwrap();
    let (connection, _database, _site) = world.app.stop_keeping_database().await;
    connection.close().await.unwrap();
    let running = server::backup::restore(&config, &target, true)
        .await
        .unwrap_err();
    assert!(running.contains("server is running"), "{running}");
    drop(lock);

    // Replacing a database with people backs the current data up first.
    server::backup::restore(&config, &target, true)
        .await
        .expect("restoring over the stopped server's data with --replace");
    let kept: Vec<_> = std::fs::read_dir(&source_data)
        .unwrap()
        .flatten()
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("before-restore-")
        })
        .collect();
    assert_eq!(kept.len(), 1, "the previous data is backed up");
    let previous = server::backup::check(&kept[0].path())
        .await
        .expect("a complete backup");
    assert_eq!(previous.files.len(), manifest.files.len(), "with its files");
}

/// Requests an export as `client` and returns its row.
async fn request_export(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    post_form_as(client, &app.url("/api/exports/request"), fields).await
}

async fn newest_export(app: &TestApp) -> exports::Model {
    use sea_orm::QueryOrder;
    exports::Entity::find()
        .order_by_desc(exports::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("an export was queued")
}

/// Prepares every waiting export as the server's background task does.
async fn run_exports(app: &TestApp) -> usize {
    let files = app::storage::FileStorage::local(&data_dir(&app.database).join("files")).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    app::lifecycle::jobs::run_waiting(&app.db, &files, &app.base_url, scratch.path())
        .await
        .unwrap()
}

async fn download_zip(
    app: &TestApp,
    client: &reqwest::Client,
    public_id: &str,
) -> zip::ZipArchive<std::io::Cursor<Vec<u8>>> {
    let response = client
        .get(app.url(&format!("/exports/{public_id}.zip")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap().to_vec();
    zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a valid ZIP archive")
}

fn read_entry(archive: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str) -> Vec<u8> {
    let mut entry = archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("the archive holds {name}"));
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).unwrap();
    bytes
}

fn names(archive: &zip::ZipArchive<std::io::Cursor<Vec<u8>>>) -> Vec<String> {
    archive.file_names().map(str::to_owned).collect()
}

async fn fellow_export_holds_everything(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;

    // Bad requests are rejected with their reason.
    let bad = request_export(app, &world.fellow_client, &[("kind", "everything")]).await;
    assert_eq!(bad.status(), 422);
    let foreign = request_export(
        app,
        &world.fellow_client,
        &[("kind", "cohort"), ("cohort_id", &world.cohort.to_string())],
    )
    .await;
    assert_eq!(foreign.status(), 403, "a fellow cannot export the cohort");
    let anonymous = request_export(app, &app.client, &[("kind", "fellow")]).await;
    assert_eq!(anonymous.status(), 401);

    let queued = request_export(app, &world.fellow_client, &[("kind", "fellow")]).await;
    assert!(queued.status().is_redirection() || queued.status().is_success());
    let again = request_export(app, &world.fellow_client, &[("kind", "fellow")]).await;
    assert!(again.status().is_redirection() || again.status().is_success());
    assert_eq!(
        exports::Entity::find().count(&app.db).await.unwrap(),
        1,
        "a repeated request reuses the queued export"
    );
    let export = newest_export(app).await;
    assert_eq!(export.state, "queued");

    let page = world
        .fellow_client
        .get(app.url("/my-data"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Waiting to start"),
        "the page shows the queued export"
    );
    assert!(
        html.contains(&format!("export-bar-{}", export.public_id)),
        "with a progress bar"
    );

    let live = |tag: &str| {
        world
            .fellow_client
            .post(app.url("/api/live"))
            .header("sec-fetch-site", "same-origin")
            .json(
                &serde_json::json!({"source": format!("export/{}", export.public_id), "tag": tag}),
            )
            .send()
    };
    let progress: Value = live("").await.unwrap().json().await.unwrap();
    assert_eq!(progress["texts"][1][1], "Waiting to start");
    assert_eq!(progress["reload"], false);
    let tag = progress["tag"].as_str().unwrap().to_owned();
    let unchanged: Value = live(&tag).await.unwrap().json().await.unwrap();
    assert!(unchanged.is_null(), "an unchanged export sends nothing");
    let foreign = app
        .signed_in_client(CLASSMATE)
        .await
        .post(app.url("/api/live"))
        .header("sec-fetch-site", "same-origin")
        .json(&serde_json::json!({"source": format!("export/{}", export.public_id), "tag": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        foreign.status(),
        404,
        "another person's export is not found"
    );

    assert_eq!(run_exports(app).await, 1);
    let export = newest_export(app).await;
    assert_eq!(export.state, "ready");
    assert_eq!(export.steps_done, export.steps_total);
    assert!(export.steps_total > 5);
    let finished: Value = live(&tag).await.unwrap().json().await.unwrap();
    assert_eq!(
        finished["reload"], true,
        "a finished export reloads the page for its link"
    );

    // Only the requester can download it.
    let classmate = app.signed_in_client(CLASSMATE).await;
    let stolen = classmate
        .get(app.url(&format!("/exports/{}.zip", export.public_id)))
        .send()
        .await
        .unwrap();
    assert_eq!(stolen.status(), 404);
    let anonymous = app
        .client
        .get(app.url(&format!("/exports/{}.zip", export.public_id)))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let mut archive = download_zip(app, &world.fellow_client, &export.public_id).await;
    let listed = names(&archive);
    for expected in [
        "README.txt",
        "profile.json",
        "evidence/evidence.json",
        "growth-ratings.json",
        "capstone.json",
        "discussion-posts.json",
        "coaching-sessions.json",
        "attendance.json",
    ] {
        assert!(
            listed.contains(&expected.to_owned()),
            "{expected} in {listed:?}"
        );
    }
    let profile: Value = serde_json::from_slice(&read_entry(&mut archive, "profile.json")).unwrap();
    assert_eq!(profile["account"]["email"], FELLOW);
    assert!(
        profile["account"].get("password_hash").is_none(),
        "no password hash"
    );

    // Both files, byte for byte, including the one no submission uses.
    let evidence: Value =
        serde_json::from_slice(&read_entry(&mut archive, "evidence/evidence.json")).unwrap();
    let evidence = evidence.as_array().unwrap();
    assert_eq!(evidence.len(), 2);
    for item in evidence {
        let path = item["archive_path"].as_str().unwrap();
        let bytes = read_entry(&mut archive, path);
        let sha256 = sha256_hex(&bytes);
        assert_eq!(
            item["file_sha256"],
            sha256.as_str(),
            "{path} matches its checksum"
        );
        assert!(world.uploads.iter().any(|(known, _)| *known == sha256));
    }

    // The submission with its draft and its attempt with the decision.
    let submission_file = listed
        .iter()
        .find(|name| name.starts_with("submissions/communication-"))
        .expect("the submission")
        .clone();
    let submission: Value =
        serde_json::from_slice(&read_entry(&mut archive, &submission_file)).unwrap();
    assert!(
        submission["submission"]["draft_content"].is_object(),
        "the draft is included"
    );
    let attempts = submission["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["outcome"], "earned");
    assert!(
        attempts[0]["scores"].is_object(),
        "released scores are included"
    );

    // The credential as JSON that verifies, and as a badge that contains the same JSON.
    let public_id = &world.credential.public_id;
    let document = read_entry(&mut archive, &format!("credentials/{public_id}.json"));
    assert_eq!(
        String::from_utf8(document.clone()).unwrap(),
        world.credential.document.clone().unwrap()
    );
    let badge = read_entry(&mut archive, &format!("credentials/{public_id}.png"));
    assert_eq!(
        app::credentials::baking::unbake(&badge).unwrap(),
        world.credential.document.clone().unwrap()
    );
    let report: Value = app
        .client
        .post(app.url("/verify.json"))
        .body(document)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|check| check[1] == "Passed"),
        "{report:#}"
    );

    let page = world
        .fellow_client
        .get(app.url("/my-data"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("/exports/{}.zip", export.public_id)),
        "the page links the download"
    );
    world.app.stop().await;
}

async fn cohort_export_holds_staff_view(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let facilitator = app.signed_in_client(FACILITATOR).await;
    let missing = request_export(app, &facilitator, &[("kind", "cohort")]).await;
    assert_eq!(missing.status(), 422, "a cohort export names its cohort");
    let queued = request_export(
        app,
        &facilitator,
        &[("kind", "cohort"), ("cohort_id", &world.cohort.to_string())],
    )
    .await;
    assert!(queued.status().is_redirection() || queued.status().is_success());
    assert_eq!(run_exports(app).await, 1);
    let export = newest_export(app).await;
    assert_eq!(export.state, "ready", "{:?}", export.error);
    let mut archive = download_zip(app, &facilitator, &export.public_id).await;
    let listed = names(&archive);
    let roster = String::from_utf8(read_entry(&mut archive, "roster.csv")).unwrap();
    assert!(
        roster.contains(FELLOW) && roster.contains(CLASSMATE),
        "{roster}"
    );
    let folder = format!("-{}/", world.fellow);
    let fellow_files: Vec<&String> = listed
        .iter()
        .filter(|name| name.contains(&folder))
        .collect();
    assert!(
        !fellow_files.is_empty(),
        "the fellow has a folder: {listed:?}"
    );
    assert!(
        listed
            .iter()
            .all(|name| !name.ends_with("coaching-sessions.json")),
        "no coaching notes"
    );
    assert!(
        listed
            .iter()
            .all(|name| !name.ends_with("discussion-posts.json"))
    );
    // Only the submitted file, not the unused one.
    let files: Vec<&String> = fellow_files
        .iter()
        .copied()
        .filter(|name| name.contains("/evidence/files/"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let submission_file = fellow_files
        .iter()
        .find(|name| name.contains("/submissions/"))
        .unwrap()
        .to_string();
    let submission: Value =
        serde_json::from_slice(&read_entry(&mut archive, &submission_file)).unwrap();
    assert!(
        submission["submission"].get("draft_content").is_none(),
        "no drafts for staff"
    );
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(app::audit_actions::COHORT_EXPORTED))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    world.app.stop().await;
}

/// Posts the deletion form as the administrator and returns the status.
async fn delete_as_admin(app: &TestApp, user_id: i32, confirm_email: &str) -> reqwest::StatusCode {
    app.admin_post_form(
        "/api/people/delete",
        &[
            ("user_id", &user_id.to_string()),
            ("confirm_email", confirm_email),
        ],
    )
    .await
    .status()
}

async fn deleting_fellow_removes_data(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let data = data_dir(&app.database);
    let path = format!("/admin/users/{}/delete", world.fellow);
    let preview = app.admin_get(&path).await;
    assert_eq!(preview.status(), 200);
    let html = preview.text().await.unwrap();
    assert!(html.contains("Evidence items: 2"), "{html}");
    assert!(
        html.contains("1 issued credential(s) will be revoked"),
        "{html}"
    );

    // Only administrators may delete, and only with the right address typed.
    let facilitator = app.signed_in_client(FACILITATOR).await;
    let forbidden = post_form_as(
        &facilitator,
        &app.url("/api/people/delete"),
        &[
            ("user_id", &world.fellow.to_string()),
            ("confirm_email", FELLOW),
        ],
    )
    .await;
    assert_eq!(forbidden.status(), 403);
    assert_eq!(
        delete_as_admin(app, world.fellow, "someone@else.example").await,
        422
    );
    assert_eq!(delete_as_admin(app, world.fellow, "").await, 422);
    assert_eq!(
        evidence_items::Entity::find().count(&app.db).await.unwrap(),
        2,
        "nothing was removed yet"
    );
    let staff = app.user_id(FACILITATOR).await;
    assert_eq!(
        delete_as_admin(app, staff, FACILITATOR).await,
        422,
        "staff roles must go first"
    );

    let deleted = app
        .admin_post_form(
            "/api/people/delete",
            &[
                ("user_id", &world.fellow.to_string()),
                ("confirm_email", &FELLOW.to_uppercase()),
            ],
        )
        .await;
    assert!(
        deleted.status().is_success() || deleted.status().is_redirection(),
        "{}",
        deleted.status()
    );

    assert_eq!(
        evidence_items::Entity::find()
            .filter(evidence_items::Column::OwnerUserId.eq(world.fellow))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        submissions::Entity::find()
            .filter(submissions::Column::FellowUserId.eq(world.fellow))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    for (sha256, _) in &world.uploads {
        assert!(
            !stored_path(&data, sha256).exists(),
            "{sha256} was removed from storage"
        );
    }
    let person = users::Entity::find_by_id(world.fellow)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(person.deleted_at.is_some());
    assert!(
        !person.email.contains("district"),
        "the address is gone: {}",
        person.email
    );
    assert!(person.password_hash.is_none());

    // The credential stays revoked, so a copy held elsewhere fails verification.
    let credential = credentials::Entity::find_by_id(world.credential.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(credential.revoked_at.is_some());
    assert!(
        credential.document.is_none(),
        "the signed document is removed"
    );
    let gone = app
        .client
        .get(app.url(&format!(
            "/credentials/{}/credential.json",
            credential.public_id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(
        gone.status(),
        410,
        "the address says the credential is gone"
    );
    let report: Value = app
        .client
        .post(app.url("/verify.json"))
        .body(world.credential.document.clone().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let revocation = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check[0] == "Status")
        .expect("a status step")
        .clone();
    assert!(
        revocation[1]["Failed"]
            .as_str()
            .unwrap_or_default()
            .contains("revoked"),
        "{report:#}"
    );

    // The deletion is in the audit log, and the person can no longer sign in.
    let entry = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(app::audit_actions::PERSON_DATA_DELETED))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the deletion is audited");
    assert_eq!(entry.subject, format!("user {}", world.fellow));
    let sign_in = common::cookie_client()
        .post(app.url("/api/auth/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(common::encode_form(&[
            ("email", FELLOW),
            ("password", common::TEST_PASSWORD),
        ]))
        .send()
        .await
        .unwrap();
    assert_ne!(sign_in.status(), 302, "a deleted person cannot sign in");
    let old_session = world
        .fellow_client
        .get(app.url("/evidence"))
        .send()
        .await
        .unwrap();
    assert_ne!(old_session.status(), 200, "their sessions ended");

    // Deleting again is rejected, because it was done.
    assert_eq!(delete_as_admin(app, world.fellow, FELLOW).await, 422);
    world.app.stop().await;
}

async fn startup_sweep_removes_orphans(backend: Backend) {
    use futures_util::stream;

    let world = arrange(backend).await;
    let app = &world.app;
    let data = data_dir(&app.database);
    let files = app::storage::FileStorage::local(&data.join("files")).unwrap();
    let orphan_content = pdf("orphan").repeat(10);
    let orphan = files
        .store(
            stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(orphan_content))]),
            1 << 20,
        )
        .await
        .unwrap();
    // The partial file a killed upload leaves behind.
    std::fs::create_dir_all(data.join("files/incoming")).unwrap();
    std::fs::write(data.join("files/incoming/0123abcd#1"), b"half an upload").unwrap();

    let now = chrono::Utc::now();
    let young =
        app::lifecycle::sweep::sweep(&app.db, &files, now - chrono::Duration::hours(1), now)
            .await
            .unwrap();
    assert_eq!(
        young.unreferenced_files, 0,
        "files younger than the grace period stay"
    );
    assert_eq!(young.kept_recent, 2);
    assert!(stored_path(&data, &orphan.sha256).exists());

    let later = now + chrono::Duration::seconds(5);
    let report = app::lifecycle::sweep::sweep(&app.db, &files, later, later)
        .await
        .unwrap();
    assert_eq!(report.unreferenced_files, 1);
    assert_eq!(report.unfinished_uploads, 1);
    assert!(
        !stored_path(&data, &orphan.sha256).exists(),
        "the orphan is gone"
    );
    assert!(
        !data.join("files/incoming/0123abcd#1").exists(),
        "the partial upload is gone"
    );
    for (sha256, _) in &world.uploads {
        assert!(stored_path(&data, sha256).exists(), "referenced files stay");
    }
    world.app.stop().await;
}

/// Every column that refers to a person is either removed or emptied by a deletion,
/// or filled only for staff, whose data this deletion refuses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_covers_every_user_column() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Foreign keys to users, and every column named as a user id, with or without one.
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "SELECT m.name AS source, f.\"from\" AS column_name FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f.\"table\" = 'users' \
             UNION SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND (c.name = 'user_id' OR c.name LIKE '%\\_user\\_id' ESCAPE '\\') \
             ORDER BY 1, 2",
        ))
        .await
        .unwrap();
    let mut found: Vec<(String, String)> = rows
        .into_iter()
        .map(|row| {
            (
                row.try_get("", "source").unwrap(),
                row.try_get("", "column_name").unwrap(),
            )
        })
        .collect();
    found.sort();
    let mut known: Vec<(String, String)> = app::lifecycle::erase::FELLOW_COLUMNS
        .iter()
        .chain(app::lifecycle::erase::STAFF_COLUMNS)
        .chain(app::lifecycle::erase::KEPT_COLUMNS)
        .map(|(table, column)| ((*table).to_owned(), (*column).to_owned()))
        .collect();
    known.sort();
    assert_eq!(
        found, known,
        "a new column refers to people: decide how deleting a fellow's data treats it"
    );
    app.stop().await;
}
