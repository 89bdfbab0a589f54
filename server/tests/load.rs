//! Reviewers autosaving while fellows browse, at the same time, on loopback. The test
//! run uses a small, bounded load and checks correctness only: every save is stored in
//! order (no lost update) and no request fails. The ignored benchmark runs a larger
//! load and prints throughput and latency percentiles for BENCHMARKS.md, next to a
//! baseline of the same saves with no other traffic, measured in the same run.

mod common;

use std::time::{Duration, Instant};

use app::auth::Role;
use app::entities::{microcredentials, reviews, submission_attempts, submissions, users};
use app::program::framework_store::{self, DEFAULT_TEMPLATE};
use common::{Backend, TestApp, percentile};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

on_both_backends!(autosaves_and_browsing_lose_nothing);

/// The size of one load run.
#[derive(Clone, Copy)]
struct Load {
    reviewers: usize,
    saves_each: usize,
    fellows: usize,
}

/// The pages a fellow opens in turn.
const FELLOW_PAGES: [&str; 4] = ["/fellow", "/evidence", "/credentials", "/my-data"];

/// Upper bound on one run, so that a stuck server fails the test instead of hanging.
const RUN_LIMIT: Duration = Duration::from_secs(300);

struct World {
    app: TestApp,
    /// Each reviewer's signed-in client and the open review they score.
    reviewers: Vec<(reqwest::Client, i32)>,
    fellows: Vec<reqwest::Client>,
}

async fn arrange(backend: Backend, load: Load) -> World {
    let app = TestApp::spawn(backend).await;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).expect("the template is valid");
    framework_store::import(&app.db, &file, None)
        .await
        .expect("import the template");
    let cohort = app.create_cohort("Load").await;
    let staff = app.create_cohort("Load staff").await;
    let credential = microcredentials::Entity::find()
        .filter(microcredentials::Column::Key.eq("communication"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let version = app::portfolio::submission_store::current_version(&app.db, credential.id)
        .await
        .unwrap()
        .unwrap();
    let now = chrono::Utc::now();
    let content = json!({"answers": ["We planned a family night."], "artifacts": [], "reflection": "Plain language mattered."}).to_string();

    let mut fellows = Vec::new();
    for index in 0..load.fellows {
        let email = format!("load-fellow-{index}@test.example");
        app.create_user(&email, false, &[(cohort, Role::Fellow)])
            .await;
        fellows.push(app.signed_in_client(&email).await);
    }
    let mut reviewers = Vec::new();
    for index in 0..load.reviewers {
        let email = format!("load-reviewer-{index}@test.example");
        let reviewer = app
            .create_user(&email, false, &[(staff, Role::Reviewer)])
            .await;
        let fellow = users::ActiveModel {
            email: Set(format!("load-author-{index}@test.example")),
            email_normalized: Set(format!("load-author-{index}@test.example")),
            display_name: Set(format!("Load Author {index}")),
            is_admin: Set(false),
            disabled: Set(false),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let submission = submissions::ActiveModel {
            cohort_id: Set(cohort),
            fellow_user_id: Set(fellow.id),
            microcredential_id: Set(credential.id),
            state: Set("in_review".into()),
            attempts: Set(1),
            draft_version: Set(2),
            draft_content: Set(content.clone()),
            draft_saved_at: Set(now),
            review_code: Set(Some(format!("S-L{index:05}"))),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let attempt = submission_attempts::ActiveModel {
            submission_id: Set(submission.id),
            number: Set(1),
            microcredential_version_id: Set(version.id),
            draft_version: Set(2),
            content: Set(content.clone()),
            submitted_at: Set(now),
            late: Set(false),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let review = reviews::ActiveModel {
            submission_attempt_id: Set(attempt.id),
            microcredential_version_id: Set(version.id),
            reviewer_user_id: Set(reviewer),
            fellow_user_id: Set(fellow.id),
            kind: Set("first".into()),
            state: Set("open".into()),
            scores: Set(json!({"fields": {}}).to_string()),
            draft_version: Set(1),
            assigned_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        reviewers.push((app.signed_in_client(&email).await, review.id));
    }
    World {
        app,
        reviewers,
        fellows,
    }
}

/// What one run measured.
struct Outcome {
    elapsed: Duration,
    saves: Vec<Duration>,
    pages: Vec<Duration>,
    /// Requests that failed, as "METHOD path: status".
    failures: Vec<String>,
}

/// Runs `saves_each` autosaves per reviewer, each naming the version the last one
/// returned, while every fellow opens pages until the reviewers finish.
async fn run(world: &World, load: Load) -> Outcome {
    let started = Instant::now();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut savers = Vec::new();
    for (reviewer_index, (client, review)) in world.reviewers.iter().cloned().enumerate() {
        let url = world.app.url("/api/reviews/save");
        savers.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut failures = Vec::new();
            let mut version = 1;
            for save in 0..load.saves_each {
                let comment = format!("reviewer {reviewer_index}, save {save}");
                let started = Instant::now();
                let response = client
                    .post(&url)
                    .header("sec-fetch-site", "same-origin")
                    .json(&json!({
                        "review_id": review,
                        "base_version": version,
                        "fields": {"comment_overview_0": comment},
                    }))
                    .send()
                    .await;
                times.push(started.elapsed());
                let reply: Value = match response {
                    Ok(response) if response.status().is_success() => {
                        response.json().await.unwrap_or(Value::Null)
                    }
                    Ok(response) => {
                        failures.push(format!("POST save: {}", response.status()));
                        continue;
                    }
                    Err(error) => {
                        failures.push(format!("POST save: {error}"));
                        continue;
                    }
                };
                match reply["Saved"]["version"].as_i64() {
                    Some(next) => version = next as i32,
                    None => failures.push(format!("POST save: not stored: {reply}")),
                }
            }
            (times, failures)
        }));
    }
    let mut browsers = Vec::new();
    for client in world.fellows.iter().cloned() {
        let done = done.clone();
        let base = world.app.base_url.clone();
        browsers.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut failures = Vec::new();
            let mut index = 0;
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let path = FELLOW_PAGES[index % FELLOW_PAGES.len()];
                index += 1;
                let started = Instant::now();
                match client.get(format!("{base}{path}")).send().await {
                    Ok(response) if response.status().is_success() => {
                        response.bytes().await.ok();
                        times.push(started.elapsed());
                    }
                    Ok(response) => failures.push(format!("GET {path}: {}", response.status())),
                    Err(error) => failures.push(format!("GET {path}: {error}")),
                }
            }
            (times, failures)
        }));
    }
    let mut outcome = Outcome {
        elapsed: Duration::ZERO,
        saves: Vec::new(),
        pages: Vec::new(),
        failures: Vec::new(),
    };
    for saver in savers {
        let (times, failures) = saver.await.expect("a reviewer task");
        outcome.saves.extend(times);
        outcome.failures.extend(failures);
    }
    outcome.elapsed = started.elapsed();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    for browser in browsers {
        let (times, failures) = browser.await.expect("a fellow task");
        outcome.pages.extend(times);
        outcome.failures.extend(failures);
    }
    outcome.saves.sort();
    outcome.pages.sort();
    outcome
}

/// Checks that every review contains its reviewer's last save and a version that
/// counts every save, so one lost or reordered update fails it.
async fn assert_nothing_lost(world: &World, load: Load) {
    for (reviewer_index, (_, review)) in world.reviewers.iter().enumerate() {
        let row = reviews::Entity::find_by_id(*review)
            .one(&world.app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.draft_version as usize,
            1 + load.saves_each,
            "review {review}: every save raised the version once"
        );
        let scores: Value = serde_json::from_str(&row.scores).unwrap();
        let last = format!("reviewer {reviewer_index}, save {}", load.saves_each - 1);
        assert_eq!(
            scores["fields"]["comment_overview_0"],
            last.as_str(),
            "review {review}: the last save is stored"
        );
    }
}

async fn autosaves_and_browsing_lose_nothing(backend: Backend) {
    let load = Load {
        reviewers: 4,
        saves_each: 25,
        fellows: 6,
    };
    let world = arrange(backend, load).await;
    let outcome = tokio::time::timeout(RUN_LIMIT, run(&world, load))
        .await
        .expect("the load run finished within its limit");
    assert!(
        outcome.failures.is_empty(),
        "failed requests: {:?}",
        outcome.failures
    );
    assert_eq!(outcome.saves.len(), load.reviewers * load.saves_each);
    assert!(
        !outcome.pages.is_empty(),
        "the fellows opened pages during the saves"
    );
    assert_nothing_lost(&world, load).await;
    world.app.stop().await;
}

fn millis(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

async fn bench(backend: Backend) {
    let name = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    let load = Load {
        reviewers: 8,
        saves_each: 200,
        fellows: 16,
    };
    let baseline_load = Load {
        reviewers: 1,
        saves_each: 200,
        fellows: 0,
    };
    let baseline_world = arrange(backend, baseline_load).await;
    let baseline = run(&baseline_world, baseline_load).await;
    assert!(baseline.failures.is_empty(), "{:?}", baseline.failures);
    baseline_world.app.stop().await;

    let world = arrange(backend, load).await;
    let outcome = tokio::time::timeout(RUN_LIMIT, run(&world, load))
        .await
        .expect("the load run finished within its limit");
    assert!(
        outcome.failures.is_empty(),
        "failed requests: {:?}",
        outcome.failures
    );
    assert_nothing_lost(&world, load).await;
    let seconds = outcome.elapsed.as_secs_f64();
    let requests = outcome.saves.len() + outcome.pages.len();
    println!(
        "| {name} | {} reviewers × {} saves, {} fellows browsing | {:.0} requests/s ({} saves, {} pages in {:.1} s) | saves p50 {} / p95 {} / p99 {} ms | pages p50 {} / p95 {} / p99 {} ms | alone: saves p50 {} / p95 {} ms; p50 ratio {:.1} | 0 lost, 0 errors |",
        load.reviewers,
        load.saves_each,
        load.fellows,
        requests as f64 / seconds,
        outcome.saves.len(),
        outcome.pages.len(),
        seconds,
        millis(percentile(&outcome.saves, 0.50)),
        millis(percentile(&outcome.saves, 0.95)),
        millis(percentile(&outcome.saves, 0.99)),
        millis(percentile(&outcome.pages, 0.50)),
        millis(percentile(&outcome.pages, 0.95)),
        millis(percentile(&outcome.pages, 0.99)),
        millis(percentile(&baseline.saves, 0.50)),
        millis(percentile(&baseline.saves, 0.95)),
        percentile(&outcome.saves, 0.50).as_secs_f64()
            / percentile(&baseline.saves, 0.50).as_secs_f64(),
    );
    world.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn load_sqlite() {
    bench(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn load_postgres() {
    bench(Backend::Postgres).await;
}
