//! Benchmarks of the reviewer workspace's server side. The reviewer's queue and the
//! staff page (waiting list and reconciliation) are timed over 10,000 submissions of
//! one micro-credential and over 100 in the same run, and so is the rubric save. Ignored by the normal test run;
//! `scripts/bench.sh` runs them with `--ignored --nocapture --test-threads=1`, and each
//! prints Markdown table rows.

mod common;

use std::time::{Duration, Instant};

use app::auth::Role;
use app::entities::{microcredentials, reviews, submission_attempts, submissions, users};
use app::program::framework_store::{self, DEFAULT_TEMPLATE};
use common::{Backend, TestApp, percentile};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

/// Requests timed per page.
const SAMPLES: usize = 30;
/// Sequential rubric saves timed.
const SAVES: usize = 200;
/// Attempts whose two reviews disagree, out of each world's submissions.
const DISAGREEING_SHARE: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn review_pages_sqlite() {
    bench_pages(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn review_pages_postgres() {
    bench_pages(Backend::Postgres).await;
}

struct World {
    app: TestApp,
    reviewer: reqwest::Client,
    lead: reqwest::Client,
    open_review: i32,
}

/// Creates a program with `count` submitted attempts of the communication micro-credential,
/// double scored. Every attempt has a first review by one reviewer; one in ten also has
/// a disagreeing second review, both final, so it waits for reconciliation.
async fn arrange(backend: Backend, count: usize) -> World {
    let app = TestApp::spawn(backend).await;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).expect("the template is valid");
    framework_store::import(&app.db, &file, None)
        .await
        .expect("import the template");
    let cohort = app.create_cohort("Benchmark").await;
    let staff = app.create_cohort("Staff").await;
    let reviewer = app
        .create_user(
            "bench-reviewer@test.example",
            false,
            &[(staff, Role::Reviewer)],
        )
        .await;
    let second = app
        .create_user(
            "bench-second@test.example",
            false,
            &[(staff, Role::Reviewer)],
        )
        .await;
    app.create_user(
        "bench-lead@test.example",
        false,
        &[(staff, Role::Facilitator)],
    )
    .await;
    let credential = microcredentials::Entity::find()
        .filter(microcredentials::Column::Key.eq("communication"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    microcredentials::Entity::update_many()
        .col_expr(
            microcredentials::Column::DoubleScoring,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(microcredentials::Column::Id.eq(credential.id))
        .exec(&app.db)
        .await
        .unwrap();
    let version = app::portfolio::submission_store::current_version(&app.db, credential.id)
        .await
        .unwrap()
        .unwrap();
    let now = chrono::Utc::now();
    let content = json!({
        "answers": ["We planned a family night and wrote the invitation together."],
        "artifacts": [],
        "reflection": "Families read every word; plain language mattered.",
    })
    .to_string();
    let scores = |level: &str| {
        json!({"fields": {
            "level_overview_0": level, "level_overview_1": "Demonstrated",
            "level_artifacts_0": "Demonstrated", "level_reflection_0": "Demonstrated",
            "comment_overview_0": "Say who the audience was.",
        }})
        .to_string()
    };
    for start in (0..count).step_by(500) {
        let end = (start + 500).min(count);
        let fellows: Vec<users::ActiveModel> = (start..end)
            .map(|index| users::ActiveModel {
                email: Set(format!("bench-fellow-{index}@test.example")),
                email_normalized: Set(format!("bench-fellow-{index}@test.example")),
                display_name: Set(format!("Bench Fellow {index}")),
                password_hash: Set(None),
                is_admin: Set(false),
                disabled: Set(false),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        users::Entity::insert_many(fellows)
            .exec(&app.db)
            .await
            .unwrap();
        let ids: Vec<i32> = users::Entity::find()
            .filter(users::Column::Email.starts_with("bench-fellow-"))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|user| {
                let index: usize = user
                    .email
                    .trim_start_matches("bench-fellow-")
                    .trim_end_matches("@test.example")
                    .parse()
                    .ok()?;
                (start..end).contains(&index).then_some(user.id)
            })
            .collect();
        let rows: Vec<submissions::ActiveModel> = ids
            .iter()
            .map(|fellow| submissions::ActiveModel {
                cohort_id: Set(cohort),
                fellow_user_id: Set(*fellow),
                microcredential_id: Set(credential.id),
                state: Set("in_review".into()),
                attempts: Set(1),
                draft_version: Set(2),
                draft_content: Set(content.clone()),
                draft_saved_at: Set(now),
                review_code: Set(Some(format!("S-B{fellow:06}"))),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        submissions::Entity::insert_many(rows)
            .exec(&app.db)
            .await
            .unwrap();
        let inserted = submissions::Entity::find()
            .filter(submissions::Column::FellowUserId.is_in(ids.clone()))
            .all(&app.db)
            .await
            .unwrap();
        let attempts: Vec<submission_attempts::ActiveModel> = inserted
            .iter()
            .map(|submission| submission_attempts::ActiveModel {
                submission_id: Set(submission.id),
                number: Set(1),
                microcredential_version_id: Set(version.id),
                draft_version: Set(2),
                content: Set(content.clone()),
                submitted_at: Set(now - chrono::Duration::hours(submission.id as i64 % 500)),
                late: Set(false),
                ..Default::default()
            })
            .collect();
        submission_attempts::Entity::insert_many(attempts)
            .exec(&app.db)
            .await
            .unwrap();
        let attempts = submission_attempts::Entity::find()
            .filter(
                submission_attempts::Column::SubmissionId.is_in(
                    inserted
                        .iter()
                        .map(|submission| submission.id)
                        .collect::<Vec<_>>(),
                ),
            )
            .all(&app.db)
            .await
            .unwrap();
        let mut review_rows = Vec::new();
        for (offset, attempt) in attempts.iter().enumerate() {
            let fellow = inserted
                .iter()
                .find(|submission| submission.id == attempt.submission_id)
                .unwrap()
                .fellow_user_id;
            let disagree = (start + offset) % DISAGREEING_SHARE == 0;
            let review = |who: i32, kind: &str, level: &str, state: &str| reviews::ActiveModel {
                submission_attempt_id: Set(attempt.id),
                microcredential_version_id: Set(version.id),
                reviewer_user_id: Set(who),
                fellow_user_id: Set(fellow),
                kind: Set(kind.into()),
                state: Set(state.into()),
                scores: Set(scores(level)),
                draft_version: Set(1),
                saved_at: Set(None),
                assigned_at: Set(now),
                assigned_by_user_id: Set(None),
                due_on: Set(Some(
                    now.date_naive() + chrono::Duration::days((attempt.id % 20) as i64 - 5),
                )),
                finalized_at: Set(None),
                earned: Set(None),
                created_at: Set(now),
                ..Default::default()
            };
            if disagree {
                review_rows.push(review(reviewer, "first", "Demonstrated", "final"));
                review_rows.push(review(second, "second", "Progressing", "final"));
            } else {
                review_rows.push(review(reviewer, "first", "Demonstrated", "open"));
            }
        }
        reviews::Entity::insert_many(review_rows)
            .exec(&app.db)
            .await
            .unwrap();
    }
    let open_review = reviews::Entity::find()
        .filter(reviews::Column::State.eq("open"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an open review")
        .id;
    let reviewer = app.signed_in_client("bench-reviewer@test.example").await;
    let lead = app.signed_in_client("bench-lead@test.example").await;
    World {
        app,
        reviewer,
        lead,
        open_review,
    }
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

async fn time_get(client: &reqwest::Client, url: &str) -> Vec<Duration> {
    let mut times = Vec::new();
    for _ in 0..SAMPLES {
        let started = Instant::now();
        let response = client.get(url).send().await.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(status.is_success(), "{url}: {status}: {body}");
        times.push(started.elapsed());
    }
    times.sort();
    times
}

async fn time_saves(world: &World) -> Vec<Duration> {
    let mut times = Vec::new();
    let mut version = 1;
    for index in 0..SAVES {
        let level = if index % 2 == 0 {
            "Demonstrated"
        } else {
            "Progressing"
        };
        let started = Instant::now();
        let reply: Value = world
            .reviewer
            .post(world.app.url("/api/reviews/save"))
            .json(&json!({
                "review_id": world.open_review,
                "base_version": version,
                "fields": {"level_overview_0": level},
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        times.push(started.elapsed());
        version = reply["Saved"]["version"]
            .as_i64()
            .unwrap_or_else(|| panic!("the save was not stored: {reply}")) as i32;
    }
    times.sort();
    times
}

async fn bench_pages(backend: Backend) {
    let name = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    let mut results: Vec<(usize, Vec<(&str, Vec<Duration>)>)> = Vec::new();
    for count in [100, 10_000] {
        let started = Instant::now();
        let world = arrange(backend, count).await;
        eprintln!("arranged {count} submissions in {:?}", started.elapsed());
        let queue = world.app.url("/reviews");
        let last_page = world.app.url("/reviews?show=all&page=1000");
        let manage = world.app.url("/reviews/manage");
        let measured = vec![
            (
                "Reviewer queue, first page",
                time_get(&world.reviewer, &queue).await,
            ),
            (
                "Reviewer queue, last page",
                time_get(&world.reviewer, &last_page).await,
            ),
            (
                "Staff waiting list and reconciliation",
                time_get(&world.lead, &manage).await,
            ),
            ("Rubric save", time_saves(&world).await),
        ];
        results.push((count, measured));
        world.app.stop().await;
    }
    let date = chrono::Utc::now().format("%Y-%m-%d");
    println!(
        "| Date | Database | What | 100 submissions p50 / p95 | 10,000 submissions p50 / p95 | p95 ratio |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    let (small, large) = (&results[0].1, &results[1].1);
    for ((label, few), (_, many)) in small.iter().zip(large) {
        let (few95, many95) = (percentile(few, 0.95), percentile(many, 0.95));
        println!(
            "| {date} | {name} | {label} | {} / {} | {} / {} | {:.2} |",
            millis(percentile(few, 0.5)),
            millis(few95),
            millis(percentile(many, 0.5)),
            millis(many95),
            many95.as_secs_f64() / few95.as_secs_f64()
        );
    }
}
