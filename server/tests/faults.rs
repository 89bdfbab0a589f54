//! Faults, on loopback only: the server process killed with SIGKILL in the middle of
//! an upload and of a submission, and the disk filling up during an upload. Nothing
//! partial survives, the startup sweep removes what a crash left in file storage,
//! and the last autosaved draft is intact.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::auth::Role;
use app::entities::{
    competency_choices, evidence_items, microcredentials, submission_attempts, submissions,
};
use app::program::framework_store::{self, DEFAULT_TEMPLATE};
use common::{Backend, TestApp, TestDatabase};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

on_both_backends!(
    killed_mid_upload_leaves_nothing,
    killed_mid_submission_keeps_draft
);

const BINARY: &str = env!("CARGO_BIN_EXE_tli-hub");
const FELLOW: &str = "fellow@district.example";

/// The `tli-hub` server as a separate process, so that it can be killed.
struct ServerProcess {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts the server on `database` with the data folder the test app used, and
    /// waits until it is ready.
    async fn start(database: &TestDatabase, site_dir: &Path, log_name: &str) -> ServerProcess {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("find a free port");
            listener.local_addr().unwrap().port()
        };
        let log = database.dir().join(log_name);
        let log_file = std::fs::File::create(&log).expect("create the log file");
        let child = Command::new(BINARY)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &database.url)
            .env("TLI_DATA_DIR", database.dir().join("data"))
            .env("TLI_SITE_DIR", site_dir)
            .env("TLI_BIND", format!("127.0.0.1:{port}"))
            .env("TLI_ORPHAN_GRACE_MINUTES", "0")
            .env("TLI_LOG_FORMAT", "json")
            .stdout(Stdio::from(log_file.try_clone().unwrap()))
            .stderr(Stdio::from(log_file))
            .spawn()
            .expect("start tli-hub");
        let server = ServerProcess { child, port, log };
        server.wait_for_log("startup sweep finished").await;
        let started = Instant::now();
        loop {
            let ready = reqwest::get(server.url("/readyz")).await;
            if ready.is_ok_and(|response| response.status() == 200) {
                return server;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the server did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    async fn wait_for_log(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(line) = log.lines().find(|line| line.contains(text)) {
                return line.to_owned();
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the log never showed {text:?}:\n{log}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends SIGKILL and waits for the process to end.
    fn kill(mut self) {
        self.child.kill().expect("send SIGKILL");
        self.child.wait().expect("wait for the killed server");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Signs the fellow in with `client` and returns the response, a redirect on success.
async fn sign_in(server: &ServerProcess, client: &reqwest::Client) -> reqwest::Response {
    let response = client
        .post(server.url("/api/auth/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .body(common::encode_form(&[
            ("email", FELLOW),
            ("password", common::TEST_PASSWORD),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302, "sign-in");
    response
}

/// Signs in and returns the session cookie, for requests written by hand.
async fn session_cookie(server: &ServerProcess) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = sign_in(server, &client).await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("tli_session="))
        .expect("a session cookie");
    cookie.split(';').next().unwrap().to_owned()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|entry| {
            if entry.path().is_dir() {
                files_under(&entry.path())
            } else {
                vec![entry.path()]
            }
        })
        .collect()
}

/// Starts an app with a cohort and a fellow who chose the communication
/// micro-credential, and returns it with the fellow's id.
async fn arrange(backend: Backend) -> (TestApp, i32) {
    let app = TestApp::spawn(backend).await;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).expect("the template is valid");
    framework_store::import(&app.db, &file, None).await.unwrap();
    let cohort = app.create_cohort("Faults").await;
    let fellow = app
        .create_user(FELLOW, false, &[(cohort, Role::Fellow)])
        .await;
    let credential = microcredentials::Entity::find()
        .filter(microcredentials::Column::Key.eq("communication"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    competency_choices::ActiveModel {
        cohort_id: Set(cohort),
        fellow_user_id: Set(fellow),
        overarching_first_id: Set(Some(credential.competency_id)),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    (app, fellow)
}

async fn killed_mid_upload_leaves_nothing(backend: Backend) {
    let (app, fellow) = arrange(backend).await;
    let (db, database, site_dir) = app.stop_keeping_database().await;
    let data = database.dir().join("data");

    let server = ServerProcess::start(&database, &site_dir, "first.log").await;
    let cookie = session_cookie(&server).await;

    // An upload of 12 MB that stops after 7 MB, as from a slow connection. Storage
    // writes in parts of 5 MB, so the first part reaches the disk.
    let boundary = "faultboundary";
    let mut head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"video.mp4\"\r\nContent-Type: video/mp4\r\n\r\n"
    )
    .into_bytes();
    let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
    let file_size = 12 * 1024 * 1024;
    let length = head.len() + file_size + tail.len();
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port))
        .await
        .unwrap();
    let request = format!(
        "POST /evidence/upload HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nCookie: {cookie}\r\nSec-Fetch-Site: same-origin\r\nAccept: application/json\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n",
        server.port
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    head.extend(b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2");
    stream.write_all(&head).await.unwrap();
    stream.write_all(&vec![7u8; 7 * 1024 * 1024]).await.unwrap();
    stream.flush().await.unwrap();

    // Waits until part of the upload is on disk, then kills the server.
    let incoming = data.join("files/incoming");
    let started = Instant::now();
    while files_under(&incoming)
        .iter()
        .all(|path| std::fs::metadata(path).map_or(0, |meta| meta.len()) == 0)
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the upload never reached the disk"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    drop(stream);

    assert!(
        !files_under(&incoming).is_empty(),
        "the kill left a partial upload"
    );
    let items = evidence_items::Entity::find()
        .filter(evidence_items::Column::OwnerUserId.eq(fellow))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(items, 0, "no row for the interrupted upload");

    // A file stored just before a crash, whose row was never written.
    let orphan_sha = "ab".repeat(32);
    let orphan = data.join("files/blobs/ab").join(&orphan_sha);
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"stored, never recorded").unwrap();

    let restarted = ServerProcess::start(&database, &site_dir, "second.log").await;
    let line = restarted.wait_for_log("startup sweep finished").await;
    let logged: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(logged["fields"]["unreferenced_files"], 1, "{line}");
    assert!(
        files_under(&incoming).is_empty(),
        "the sweep removed the partial upload"
    );
    assert!(!orphan.exists(), "the sweep removed the unrecorded file");

    // The restarted server takes uploads again.
    let cookie = session_cookie(&restarted).await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"%PDF-1.7\nafter the crash\n%%EOF".to_vec())
            .file_name("after.pdf"),
    );
    let uploaded = reqwest::Client::new()
        .post(restarted.url("/evidence/upload"))
        .header("cookie", cookie)
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 200);
    restarted.kill();
}

async fn killed_mid_submission_keeps_draft(backend: Backend) {
    let (app, fellow) = arrange(backend).await;
    let (db, database, site_dir) = app.stop_keeping_database().await;
    let mut server = ServerProcess::start(&database, &site_dir, "start.log").await;

    // The draft: uploads for both artifacts, then an autosave the server acknowledges.
    let client = common::cookie_client();
    sign_in(&server, &client).await;
    let composer = client
        .get(server.url("/cohorts/1/submissions/communication"))
        .send()
        .await
        .unwrap();
    assert_eq!(composer.status(), 200);
    let submission = submissions::Entity::find()
        .filter(submissions::Column::FellowUserId.eq(fellow))
        .one(&db)
        .await
        .unwrap()
        .expect("opening the composer starts the submission");
    let mut artifacts = Vec::new();
    for (name, content) in [
        ("notes.pdf", b"%PDF-1.7\nclassroom notes\n%%EOF".to_vec()),
        ("plan.pdf", b"%PDF-1.7\nunit plan\n%%EOF".to_vec()),
    ] {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(content).file_name(name),
        );
        let uploaded: Value = client
            .post(server.url("/evidence/upload"))
            .header("accept", "application/json")
            .header("sec-fetch-site", "same-origin")
            .multipart(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        artifacts.push(uploaded["id"].clone());
    }
    let words = "We planned the unit together and measured progress weekly. ".repeat(30);

    // Each round autosaves a new draft, starts a submission, and kills the server a
    // little later each time, so that the kill lands before, during and after it.
    let mut version = submission.draft_version;
    for (round, delay_ms) in [0u64, 2, 5, 15, 60].into_iter().enumerate() {
        let reflection =
            format!("Round {round}: I learned to name my audience and to listen first.");
        let content = json!({
            "answers": [words, words, words],
            "artifacts": artifacts,
            "reflection": reflection,
            "dismissed": []
        });
        let saved = client
            .post(server.url("/api/drafts/save"))
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"submission_id": submission.id, "base_version": version, "content": content}))
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), 200, "round {round}: autosave");
        let saved: Value = saved.json().await.unwrap();
        let Some(saved_version) = saved["Saved"]["version"].as_i64() else {
            // An earlier round's submission went through; nothing more to submit.
            assert!(
                saved.to_string().contains("ubmitted"),
                "round {round}: {saved}"
            );
            break;
        };
        version = saved_version as i32;

        let submit = client
            .post(server.url("/api/submission/submit"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(common::encode_form(&[
                ("submission_id", &submission.id.to_string()),
                ("version", &version.to_string()),
            ]))
            .send();
        let in_flight = tokio::spawn(submit);
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        server.kill();
        in_flight.abort();

        // Whatever the moment of the kill, the rows agree with each other, and the
        // draft is the one the server acknowledged.
        let row = submissions::Entity::find_by_id(submission.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let attempts = submission_attempts::Entity::find()
            .filter(submission_attempts::Column::SubmissionId.eq(submission.id))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            attempts.len() as i32,
            row.attempts,
            "round {round}: attempt rows match the count"
        );
        let draft: Value = serde_json::from_str(&row.draft_content).unwrap();
        assert_eq!(
            draft["reflection"],
            reflection.as_str(),
            "round {round}: the acknowledged draft is intact"
        );
        if let Some(attempt) = attempts.last() {
            let submitted: Value = serde_json::from_str(&attempt.content).unwrap();
            assert_eq!(
                submitted["reflection"], draft["reflection"],
                "round {round}: the attempt holds the whole draft"
            );
            assert_eq!(row.state, "submitted", "round {round}");
        }

        server = ServerProcess::start(&database, &site_dir, &format!("round-{round}.log")).await;
        sign_in(&server, &client).await;
        if !attempts.is_empty() {
            break;
        }
    }
    server.kill();
}

/// A small tmpfs mounted over the file storage, unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    /// Mounts `bytes` of tmpfs at `path`. Needs root, as on the CI machines.
    fn mount(path: &Path, bytes: u64) -> Result<SmallDisk, String> {
        std::fs::create_dir_all(path).unwrap();
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(path)
            .output()
            .map_err(|error| format!("cannot run mount: {error}"))?;
        if output.status.success() {
            Ok(SmallDisk {
                path: path.to_path_buf(),
            })
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_disk_upload_fails_cleanly() {
    let (app, fellow) = arrange(Backend::Sqlite).await;
    let files = app.database.dir().join("data/files");
    // Mounting needs root. CI runs as root, and elsewhere the test prints why it did not run.
    let disk = match SmallDisk::mount(&files, 2 * 1024 * 1024) {
        Ok(disk) => disk,
        Err(error) if !is_root() => {
            eprintln!("skipped: mounting a small tmpfs needs root ({error})");
            return;
        }
        Err(error) => panic!("mounting a small tmpfs failed: {error}"),
    };
    let client = app.signed_in_client(FELLOW).await;
    let upload = |name: &'static str, content: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(content).file_name(name),
        );
        client
            .post(app.url("/evidence/upload"))
            .header("accept", "application/json")
            .header("sec-fetch-site", "same-origin")
            .multipart(form)
            .send()
    };
    let small = b"%PDF-1.7\nfits on the disk\n%%EOF".to_vec();
    let kept = upload("small.pdf", small.clone()).await.unwrap();
    assert_eq!(kept.status(), 200);
    let kept: Value = kept.json().await.unwrap();

    let mut big = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2".to_vec();
    big.extend((0..6 * 1024 * 1024).map(|index: usize| (index % 251) as u8));
    let full = upload("big.mp4", big).await.unwrap();
    assert_eq!(full.status(), 507);
    let body: Value = full.json().await.unwrap();
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains("storage is full"), "{body}");
    assert!(
        message.contains("Everything saved before is safe"),
        "{body}"
    );

    let items = evidence_items::Entity::find()
        .filter(evidence_items::Column::OwnerUserId.eq(fellow))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(items, 1, "only the earlier upload is recorded");
    assert!(
        files_under(&files.join("incoming")).is_empty(),
        "no partial file stays on the full disk"
    );
    let served = client
        .get(app.url(&format!("/evidence/{}/file", kept["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(
        served.bytes().await.unwrap().to_vec(),
        small,
        "the earlier file is intact"
    );
    let again = upload(
        "again.pdf",
        b"%PDF-1.7\nstill room for this\n%%EOF".to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(
        again.status(),
        200,
        "small files still fit after the failure"
    );
    app.stop().await;
    drop(disk);
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}
