//! Benchmarks of the portfolio's write paths: draft autosaves from many fellows at once,
//! two tabs racing on one draft, and a 64 MiB video upload against a plain file write.
//! They are ignored by the normal test run. `scripts/bench.sh` runs them with
//! `--ignored --nocapture --test-threads=1`, and each prints Markdown table rows.
//!
//! The HTTP clients run in the same process and on the same two runtime threads as the
//! server, so the latencies include the clients' own work.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::auth::Role;
use app::cohorts::schedule_store::{TermPlan, create_schedule};
use app::entities::{competency_choices, evidence_items, microcredentials, submissions};
use app::program::format::GroupKind;
use app::program::framework_store::{self, DEFAULT_TEMPLATE, load_framework};
use common::{Backend, TestApp};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use tokio::sync::Barrier;

/// Fellows writing their own drafts at the same time.
const WRITERS: usize = 50;
/// Sequential saves by each writer.
const SAVES_PER_WRITER: usize = 40;
/// Rounds in which two tabs of the same fellow save from the same version.
const RACE_ROUNDS: usize = 20;
/// Size of each uploaded file: a short classroom video.
const UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// Uploads per backend. Each is compared with a plain file write of the same bytes.
const UPLOAD_RUNS: usize = 3;
/// Client-side limit for one upload, in place of the harness's 30 seconds, which is
/// meant for short requests.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn autosave_sqlite() {
    bench_autosave(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn autosave_postgres() {
    bench_autosave(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn upload_sqlite() {
    bench_upload(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn upload_postgres() {
    bench_upload(Backend::Postgres).await;
}

/// One fellow with an open draft and a signed-in client.
struct Writer {
    index: usize,
    submission_id: i32,
    client: reqwest::Client,
}

/// Results of one writer's saves.
struct WriterReport {
    latencies: Vec<Duration>,
    conflicts: usize,
    last_answer: String,
}

/// Results of one pair of racing tabs.
struct RaceReport {
    latencies: Vec<Duration>,
    wins: usize,
    conflicts: usize,
    last_answer: String,
}

async fn bench_autosave(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cohort = arrange_program(&app).await;
    let emails: Vec<String> = (0..WRITERS)
        .map(|index| format!("writer-{index}@test.example"))
        .collect();
    let submission_ids = arrange_fellows(&app, cohort, &emails).await;
    let mut writers = Vec::new();
    for (index, (email, submission_id)) in emails.iter().zip(&submission_ids).enumerate() {
        writers.push(Writer {
            index,
            submission_id: *submission_id,
            client: app.signed_in_client(email).await,
        });
    }
    let save_url = app.url("/api/drafts/save");

    // Phase 1: every fellow saves their own draft, so no save may conflict.
    let barrier = Arc::new(Barrier::new(WRITERS + 1));
    let mut tasks = Vec::new();
    for writer in &writers {
        let client = writer.client.clone();
        let url = save_url.clone();
        let barrier = barrier.clone();
        let (index, submission_id) = (writer.index, writer.submission_id);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            write_own_draft(&client, &url, index, submission_id).await
        }));
    }
    barrier.wait().await;
    let started = Instant::now();
    let mut reports = Vec::new();
    for task in tasks {
        reports.push(task.await.expect("a writer task panicked"));
    }
    let elapsed = started.elapsed();

    let mut latencies: Vec<Duration> = reports
        .iter()
        .flat_map(|report| report.latencies.iter().copied())
        .collect();
    let conflicts: usize = reports.iter().map(|report| report.conflicts).sum();
    assert_eq!(
        latencies.len(),
        WRITERS * SAVES_PER_WRITER,
        "every save returned"
    );
    assert_eq!(
        conflicts, 0,
        "saves of a draft that only its fellow writes reported a conflict"
    );
    for (writer, report) in writers.iter().zip(&reports) {
        let row = read_submission(&app, writer.submission_id).await;
        assert_eq!(
            row.draft_version,
            1 + SAVES_PER_WRITER as i32,
            "draft version of writer {} (submission {})",
            writer.index,
            writer.submission_id
        );
        assert_eq!(
            stored_answer(&row),
            report.last_answer,
            "stored text of writer {} (submission {})",
            writer.index,
            writer.submission_id
        );
    }

    // Phase 2: a second tab of every fellow saves from the same version as the first.
    let mut second_tabs = Vec::new();
    for email in &emails {
        second_tabs.push(app.signed_in_client(email).await);
    }
    let barrier = Arc::new(Barrier::new(WRITERS + 1));
    let mut tasks = Vec::new();
    for (writer, second_tab) in writers.iter().zip(second_tabs) {
        let first_tab = writer.client.clone();
        let url = save_url.clone();
        let barrier = barrier.clone();
        let (index, submission_id) = (writer.index, writer.submission_id);
        let base_version = 1 + SAVES_PER_WRITER as i32;
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            race_two_tabs(
                [&first_tab, &second_tab],
                &url,
                index,
                submission_id,
                base_version,
            )
            .await
        }));
    }
    barrier.wait().await;
    let race_started = Instant::now();
    let mut race_reports = Vec::new();
    for task in tasks {
        race_reports.push(task.await.expect("a racing task panicked"));
    }
    let race_elapsed = race_started.elapsed();

    let mut race_latencies: Vec<Duration> = race_reports
        .iter()
        .flat_map(|report| report.latencies.iter().copied())
        .collect();
    let wins: usize = race_reports.iter().map(|report| report.wins).sum();
    let race_conflicts: usize = race_reports.iter().map(|report| report.conflicts).sum();
    assert_eq!(wins, WRITERS * RACE_ROUNDS, "one save wins each round");
    assert_eq!(
        race_conflicts,
        WRITERS * RACE_ROUNDS,
        "one save loses each round"
    );
    for (writer, report) in writers.iter().zip(&race_reports) {
        let row = read_submission(&app, writer.submission_id).await;
        assert_eq!(
            row.draft_version,
            1 + (SAVES_PER_WRITER + RACE_ROUNDS) as i32,
            "draft version of writer {} after the races",
            writer.index
        );
        assert_eq!(
            stored_answer(&row),
            report.last_answer,
            "stored text of writer {} after the races",
            writer.index
        );
    }

    let name = backend_name(backend);
    println!();
    println!(
        "| Backend | Writers | Saves | p50 ms | p95 ms | p99 ms | max ms | saves/s | conflicts |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    print_latency_row(
        &format!("{name} | {WRITERS} own drafts | {}", latencies.len()),
        &mut latencies,
        elapsed,
        conflicts,
    );
    print_latency_row(
        &format!(
            "{name} | {} tabs on {WRITERS} drafts, {RACE_ROUNDS} rounds | {}",
            2 * WRITERS,
            race_latencies.len()
        ),
        &mut race_latencies,
        race_elapsed,
        race_conflicts,
    );
    app.stop().await;
}

/// Imports the TLI template and creates a cohort whose first term is under way.
/// Returns the cohort id.
async fn arrange_program(app: &TestApp) -> i32 {
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).expect("the template is valid");
    framework_store::import(&app.db, &file, None)
        .await
        .expect("import the template");
    let cohort = app.create_cohort("Benchmark").await;
    let today = chrono::Utc::now().date_naive();
    let days = chrono::Duration::days;
    let plan = [
        TermPlan {
            position: 1,
            season: "spring",
            starts_on: today - days(30),
            ends_on: today + days(60),
            choices_lock_on: today + days(30),
        },
        TermPlan {
            position: 2,
            season: "fall",
            starts_on: today + days(90),
            ends_on: today + days(180),
            choices_lock_on: today + days(120),
        },
    ];
    create_schedule(&app.db, cohort, "America/New_York".parse().unwrap(), &plan)
        .await
        .expect("create the schedule");
    cohort
}

/// Creates a fellow per email with two overarching competencies chosen and a draft
/// for the micro-credential of the first. Returns the submission ids in email order.
async fn arrange_fellows(app: &TestApp, cohort: i32, emails: &[String]) -> Vec<i32> {
    let framework = load_framework(&app.db).await.expect("read the framework");
    let overarching: Vec<i32> = framework
        .groups_of(GroupKind::Overarching)
        .flat_map(|group| group.competencies.iter().map(|competency| competency.id))
        .collect();
    assert!(
        overarching.len() >= 2,
        "the template has at least two overarching competencies"
    );
    let mut submission_ids = Vec::new();
    for (index, email) in emails.iter().enumerate() {
        let fellow = app
            .create_user(email, false, &[(cohort, Role::Fellow)])
            .await;
        let first = overarching[index % overarching.len()];
        let second = overarching[(index + 1) % overarching.len()];
        competency_choices::ActiveModel {
            cohort_id: Set(cohort),
            fellow_user_id: Set(fellow),
            overarching_first_id: Set(Some(first)),
            overarching_second_id: Set(Some(second)),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("record the fellow's choices");
        let credential = microcredentials::Entity::find()
            .filter(microcredentials::Column::CompetencyId.eq(first))
            .one(&app.db)
            .await
            .expect("read micro-credentials")
            .expect("every overarching competency has a micro-credential");
        let submission =
            app::portfolio::submission_store::open(&app.db, cohort, fellow, credential.id)
                .await
                .expect("open the draft");
        submission_ids.push(submission.id);
    }
    submission_ids
}

/// Saves the writer's draft [`SAVES_PER_WRITER`] times in a row, each save based on
/// the version the previous one returned.
async fn write_own_draft(
    client: &reqwest::Client,
    url: &str,
    index: usize,
    submission_id: i32,
) -> WriterReport {
    let mut base_version = 1;
    let mut latencies = Vec::with_capacity(SAVES_PER_WRITER);
    let mut conflicts = 0;
    let mut last_answer = String::new();
    for save in 0..SAVES_PER_WRITER {
        let answer = answer_text(&format!("Writer {index}, save {save}."));
        let (latency, outcome) =
            save_draft(client, url, submission_id, base_version, &answer).await;
        latencies.push(latency);
        match outcome {
            SaveOutcome::Saved { version } => {
                assert_eq!(
                    version,
                    base_version + 1,
                    "writer {index}, save {save}: version after saving from {base_version}"
                );
                base_version = version;
                last_answer = answer;
            }
            SaveOutcome::Conflict { version, .. } => {
                conflicts += 1;
                base_version = version;
            }
        }
    }
    WriterReport {
        latencies,
        conflicts,
        last_answer,
    }
}

/// Sends one save from each tab at the same time, from the same version, for
/// [`RACE_ROUNDS`] rounds. Asserts that one save wins each round and that the other
/// receives the winner's text as a conflict, so no save is lost unnoticed.
async fn race_two_tabs(
    tabs: [&reqwest::Client; 2],
    url: &str,
    index: usize,
    submission_id: i32,
    mut base_version: i32,
) -> RaceReport {
    let mut report = RaceReport {
        latencies: Vec::with_capacity(2 * RACE_ROUNDS),
        wins: 0,
        conflicts: 0,
        last_answer: String::new(),
    };
    for round in 0..RACE_ROUNDS {
        let answers = [
            answer_text(&format!("Writer {index}, round {round}, first tab.")),
            answer_text(&format!("Writer {index}, round {round}, second tab.")),
        ];
        let (first, second) = tokio::join!(
            save_draft(tabs[0], url, submission_id, base_version, &answers[0]),
            save_draft(tabs[1], url, submission_id, base_version, &answers[1]),
        );
        report.latencies.push(first.0);
        report.latencies.push(second.0);
        let outcomes = [first.1, second.1];
        let context =
            format!("writer {index}, round {round}, both tabs saving from version {base_version}");

        let winners: Vec<usize> = (0..2)
            .filter(|&tab| matches!(outcomes[tab], SaveOutcome::Saved { .. }))
            .collect();
        assert_eq!(
            winners.len(),
            1,
            "{context}: exactly one save wins, got {outcomes:?}"
        );
        let winner = winners[0];
        let loser = 1 - winner;
        assert_eq!(
            outcomes[winner],
            SaveOutcome::Saved {
                version: base_version + 1
            },
            "{context}: the winning save"
        );
        let SaveOutcome::Conflict { version, answer } = &outcomes[loser] else {
            unreachable!("{context}: only one save won");
        };
        assert_eq!(
            *version,
            base_version + 1,
            "{context}: version in the conflict"
        );
        assert_eq!(
            *answer, answers[winner],
            "{context}: the conflict carries the winning tab's text"
        );

        report.wins += 1;
        report.conflicts += 1;
        base_version += 1;
        report.last_answer = answers[winner].clone();
    }
    report
}

/// The save endpoint's reply, reduced to what the benchmark checks.
#[derive(Debug, PartialEq)]
enum SaveOutcome {
    Saved { version: i32 },
    Conflict { version: i32, answer: String },
}

/// Posts one autosave as the composer's script does. Returns the time from sending
/// the request to reading the whole response, and the outcome.
async fn save_draft(
    client: &reqwest::Client,
    url: &str,
    submission_id: i32,
    base_version: i32,
    answer: &str,
) -> (Duration, SaveOutcome) {
    let body = json!({
        "submission_id": submission_id,
        "base_version": base_version,
        "content": {
            "answers": [answer],
            "artifacts": [],
            "reflection": REFLECTION,
            "dismissed": [],
        },
    });
    let request = format!("POST {url} for submission {submission_id} from version {base_version}");

    let started = Instant::now();
    let response = client
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|error| panic!("{request} failed: {error}"));
    let status = response.status();
    let text = response
        .text()
        .await
        .unwrap_or_else(|error| panic!("{request}: reading the response failed: {error}"));
    let latency = started.elapsed();

    assert_eq!(status, 200, "{request} returned {status}: {text}");
    let reply: Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{request} returned invalid JSON ({error}): {text}"));
    let version_in = |outcome: &Value| {
        outcome["version"]
            .as_i64()
            .and_then(|version| i32::try_from(version).ok())
            .unwrap_or_else(|| panic!("{request} returned no version: {text}"))
    };
    let outcome = if let Some(saved) = reply.get("Saved") {
        SaveOutcome::Saved {
            version: version_in(saved),
        }
    } else if let Some(conflict) = reply.get("Conflict") {
        SaveOutcome::Conflict {
            version: version_in(conflict),
            answer: conflict["fields"]["answer_0"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        }
    } else {
        panic!("{request} returned neither Saved nor Conflict: {text}");
    };
    (latency, outcome)
}

/// A reflection of about 500 characters, sent with every save.
const REFLECTION: &str = "Planning the unit around a single driving question kept the students \
focused, but the second week showed that the quieter groups needed sentence starters before \
they would argue with each other's evidence. Next time I will model a disagreement with a \
colleague first, then let the groups try, and I will collect the exit tickets on paper so \
that I can sort them by misconception before the next lesson rather than after it.";

/// Returns an answer of about 1,500 characters that starts with `marker`. The length
/// is an estimate of a typical draft answer.
fn answer_text(marker: &str) -> String {
    let mut text = format!("{marker} ");
    while text.len() < 1_500 {
        text.push_str(
            "The students compared two primary sources and wrote a claim with evidence. ",
        );
    }
    text
}

async fn read_submission(app: &TestApp, submission_id: i32) -> submissions::Model {
    submissions::Entity::find_by_id(submission_id)
        .one(&app.db)
        .await
        .expect("read the submission")
        .unwrap_or_else(|| panic!("submission {submission_id} is missing"))
}

/// Returns the first answer of a stored draft.
fn stored_answer(row: &submissions::Model) -> String {
    let content: Value = serde_json::from_str(&row.draft_content).unwrap_or_else(|error| {
        panic!(
            "submission {} holds invalid JSON ({error}): {}",
            row.id, row.draft_content
        )
    });
    content["answers"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Prints a table row of latency percentiles (nearest rank) and throughput.
fn print_latency_row(label: &str, latencies: &mut [Duration], elapsed: Duration, conflicts: usize) {
    latencies.sort();
    let percentile = |fraction: f64| {
        let rank = (fraction * latencies.len() as f64).ceil() as usize;
        milliseconds(latencies[rank.clamp(1, latencies.len()) - 1])
    };
    println!(
        "| {label} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} | {conflicts} |",
        percentile(0.50),
        percentile(0.95),
        percentile(0.99),
        milliseconds(latencies[latencies.len() - 1]),
        latencies.len() as f64 / elapsed.as_secs_f64(),
    );
}

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

/// Uploads [`UPLOAD_RUNS`] different 64 MiB videos as one fellow and times each
/// against writing the same bytes to a file on the same file system, once with
/// `sync_all` and once without. The server's local store (object_store 0.12.5) never
/// calls fsync, so the write without sync is the comparable baseline.
async fn bench_upload(backend: Backend) {
    // The default limit of 200 MiB also admits 64 MiB, but setting it keeps a lower
    // default from failing the benchmark.
    let app = TestApp::spawn_with(backend, &[("TLI_UPLOAD_MAX_MB", "512".into())]).await;
    let cohort = app.create_cohort("Uploads").await;
    let email = "uploader@test.example";
    let fellow = app
        .create_user(email, false, &[(cohort, Role::Fellow)])
        .await;
    let client = app.signed_in_client(email).await;
    // The server stores files under the same temporary directory.
    let baseline_path = app.database.dir().join("baseline.mp4");
    let upload_url = app.url(app::portfolio::UPLOAD_URL);

    let mut rows = Vec::new();
    for run in 0..UPLOAD_RUNS {
        let content = video_content(run);
        let expected_sha256 = hex(&Sha256::digest(&content));

        let synced_write_time = time_file_write(&baseline_path, &content, true).await;
        let write_time = time_file_write(&baseline_path, &content, false).await;

        let file_part = reqwest::multipart::Part::bytes(content)
            .file_name(format!("lesson-{run}.mp4"))
            .mime_str("video/mp4")
            .expect("a valid media type");
        let form = reqwest::multipart::Form::new()
            .text("title", format!("Classroom video {run}"))
            .part("file", file_part);
        let request = format!("POST {upload_url} of {UPLOAD_BYTES} bytes (run {run})");

        let started = Instant::now();
        let response = client
            .post(&upload_url)
            .header("accept", "application/json")
            .multipart(form)
            .timeout(UPLOAD_TIMEOUT)
            .send()
            .await
            .unwrap_or_else(|error| panic!("{request} failed: {error}"));
        let status = response.status();
        let text = response
            .text()
            .await
            .unwrap_or_else(|error| panic!("{request}: reading the response failed: {error}"));
        let upload_time = started.elapsed();

        assert_eq!(status, 200, "{request} returned {status}: {text}");
        let reply: Value = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{request} returned invalid JSON ({error}): {text}"));
        assert_eq!(reply["duplicate"], false, "{request}: {text}");
        let id = reply["id"]
            .as_i64()
            .and_then(|id| i32::try_from(id).ok())
            .unwrap_or_else(|| panic!("{request} returned no id: {text}"));
        assert_eq!(
            reply["location"],
            format!("/evidence/{id}"),
            "{request}: {text}"
        );
        let item = evidence_items::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .expect("read the evidence item")
            .unwrap_or_else(|| panic!("{request}: evidence item {id} is missing"));
        assert_eq!(item.owner_user_id, fellow, "owner of evidence item {id}");
        assert_eq!(
            item.file_size,
            Some(UPLOAD_BYTES as i64),
            "size of evidence item {id}"
        );
        assert_eq!(
            item.file_mime.as_deref(),
            Some("video/mp4"),
            "media type of evidence item {id}"
        );
        assert_eq!(
            item.file_sha256.as_deref(),
            Some(expected_sha256.as_str()),
            "SHA-256 of evidence item {id}"
        );

        rows.push(UploadRun {
            upload_time,
            synced_write_time,
            write_time,
        });
    }

    let name = backend_name(backend);
    println!();
    println!(
        "| Backend | Run | Upload MiB/s | File write + sync MiB/s | File write MiB/s | Upload time ÷ write + sync time | Upload time ÷ write time |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (run, times) in rows.iter().enumerate() {
        println!(
            "| {name} | {} | {:.0} | {:.0} | {:.0} | {:.2} | {:.2} |",
            run + 1,
            mebibytes_per_second(times.upload_time),
            mebibytes_per_second(times.synced_write_time),
            mebibytes_per_second(times.write_time),
            times.upload_time.as_secs_f64() / times.synced_write_time.as_secs_f64(),
            times.upload_time.as_secs_f64() / times.write_time.as_secs_f64(),
        );
    }
    app.stop().await;
}

/// Timings of one upload and of writing the same bytes to a file.
struct UploadRun {
    upload_time: Duration,
    /// Create, write and `sync_all`.
    synced_write_time: Duration,
    /// Create and write, without waiting for the disk.
    write_time: Duration,
}

/// Writes `content` to a new file at `path`, waiting for the disk when `sync` is set,
/// and returns the time taken. Removes the file afterwards, outside the timing.
async fn time_file_write(path: &std::path::Path, content: &[u8], sync: bool) -> Duration {
    let started = Instant::now();
    let mut file = tokio::fs::File::create(path)
        .await
        .expect("create the baseline file");
    file.write_all(content)
        .await
        .expect("write the baseline file");
    if sync {
        file.sync_all().await.expect("sync the baseline file");
    } else {
        // Tokio's File finishes its last write in the background unless flushed.
        file.flush().await.expect("flush the baseline file");
    }
    let elapsed = started.elapsed();
    drop(file);
    tokio::fs::remove_file(path)
        .await
        .expect("remove the baseline file");
    elapsed
}

/// Returns [`UPLOAD_BYTES`] that content sniffing reads as MP4: an `ftyp` box with
/// brand `isom`, then pseudo-random bytes seeded from the clock and `run`, so that no
/// two uploads share content and none is stored as a duplicate.
fn video_content(run: usize) -> Vec<u8> {
    const FTYP_BOX: &[u8] = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";
    let mut content = Vec::with_capacity(UPLOAD_BYTES);
    content.extend_from_slice(FTYP_BOX);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos() as u64)
        .unwrap_or_default();
    let mut state = nanos ^ (run as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    while content.len() < UPLOAD_BYTES {
        // SplitMix64: cheap pseudo-random bytes that do not compress.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut value = state;
        value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        value ^= value >> 31;
        let remaining = UPLOAD_BYTES - content.len();
        content.extend_from_slice(&value.to_le_bytes()[..remaining.min(8)]);
    }
    content
}

fn mebibytes_per_second(duration: Duration) -> f64 {
    UPLOAD_BYTES as f64 / (1024.0 * 1024.0) / duration.as_secs_f64()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
