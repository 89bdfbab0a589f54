//! Database statements per page do not grow with the size of a cohort. The server logs
//! every statement as a debug event under `sqlx::query`. This test counts those events
//! while it loads each page for a small and a large cohort.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use app::auth::Role;
use app::cohorts::schedule_store::{create_schedule, default_plan};
use app::program::format::GroupKind;
use app::program::framework_store::{self, DEFAULT_TEMPLATE, load_framework};
use app::program::plan_store::{self, ChoiceUpdate, NewRating};
use common::{Backend, TestApp};
use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

static STATEMENTS: AtomicUsize = AtomicUsize::new(0);

struct CountStatements;

impl<S: Subscriber> Layer<S> for CountStatements {
    fn on_event(&self, event: &tracing::Event<'_>, _context: Context<'_, S>) {
        if event.metadata().target().starts_with("sqlx::query") {
            STATEMENTS.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Creates a cohort of `size` fellows who have all chosen and rated. Returns the
/// cohort id and one fellow's id.
async fn cohort_of(app: &TestApp, name: &str, size: usize) -> (i32, i32) {
    let cohort = app.create_cohort(name).await;
    create_schedule(
        &app.db,
        cohort,
        "America/New_York".parse().unwrap(),
        &default_plan(2026),
    )
    .await
    .unwrap();
    let framework = load_framework(&app.db).await.unwrap();
    let overarching: Vec<i32> = framework
        .groups_of(GroupKind::Overarching)
        .flat_map(|group| group.competencies.iter().map(|c| c.id))
        .collect();
    let mut fellow = 0;
    for number in 0..size {
        fellow = app
            .create_user(
                &format!("{name}-{number}@test.example"),
                false,
                &[(cohort, Role::Fellow)],
            )
            .await;
        plan_store::save_choices(
            &app.db,
            cohort,
            fellow,
            &ChoiceUpdate::FirstTerm(overarching[0], overarching[1]),
        )
        .await
        .unwrap();
        plan_store::add_rating(
            &app.db,
            NewRating {
                cohort_id: cohort,
                fellow_id: fellow,
                competency_id: overarching[0],
                term: 1,
                moment: "start",
                stage: 2,
                rated_by: fellow,
                rater_role: "fellow",
                note: String::new(),
                at: chrono::Utc::now(),
            },
        )
        .await
        .unwrap();
    }
    (cohort, fellow)
}

async fn statements_for(client: &reqwest::Client, url: &str) -> usize {
    STATEMENTS.store(0, Ordering::SeqCst);
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.text().await.unwrap();
    STATEMENTS.load(Ordering::SeqCst)
}

async fn pages_use_fixed_statement_counts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).unwrap();
    framework_store::import(&app.db, &file, None).await.unwrap();
    let (small, small_fellow) = cohort_of(&app, "small", 2).await;
    let (large, large_fellow) = cohort_of(&app, "large", 30).await;
    let admin = app.admin().await.clone();

    for (page, small_path, large_path) in [
        (
            "cohort",
            format!("/cohorts/{small}"),
            format!("/cohorts/{large}"),
        ),
        (
            "fellows",
            format!("/cohorts/{small}/fellows"),
            format!("/cohorts/{large}/fellows"),
        ),
        (
            "fellow plan",
            format!("/cohorts/{small}/fellows/{small_fellow}"),
            format!("/cohorts/{large}/fellows/{large_fellow}"),
        ),
    ] {
        let for_small = statements_for(&admin, &app.url(&small_path)).await;
        let for_large = statements_for(&admin, &app.url(&large_path)).await;
        assert!(
            for_small > 0,
            "no statements were counted for the {page} page"
        );
        assert_eq!(
            for_small, for_large,
            "the {page} page ran {for_small} statements for 2 fellows and {for_large} for 30 ({backend:?})"
        );
    }

    // A fellow's own pages do not grow with their library either: the small cohort's
    // fellow has 1 piece of evidence and the large cohort's fellow 25.
    let framework = load_framework(&app.db).await.unwrap();
    let competency = framework
        .groups_of(GroupKind::Overarching)
        .flat_map(|group| group.competencies.iter())
        .next()
        .unwrap();
    let key = competency
        .microcredential
        .clone()
        .expect("a micro-credential");
    let mut fellow_paths = Vec::new();
    for (name, cohort, fellow, items) in [
        ("small", small, small_fellow, 1),
        ("large", large, large_fellow, 25),
    ] {
        for number in 0..items {
            app::portfolio::evidence_store::insert(
                &app.db,
                app::portfolio::evidence_store::NewEvidence {
                    owner: fellow,
                    kind: app::portfolio::EvidenceKind::Text,
                    title: format!("Piece {number}"),
                    description: String::new(),
                    file: None,
                    url: None,
                    body: Some("Notes".into()),
                },
            )
            .await
            .unwrap();
        }
        let size = if name == "small" { 2 } else { 30 };
        let client = app
            .signed_in_client(&format!("{name}-{}@test.example", size - 1))
            .await;
        let composer = format!("/cohorts/{cohort}/submissions/{key}");
        // The first visit starts the submission; the counts compare later visits.
        statements_for(&client, &app.url(&composer)).await;
        fellow_paths.push((client, composer));
    }
    for page in ["/fellow", "/evidence", "composer"] {
        // One request at a time, because the counter is global.
        let mut counts = Vec::new();
        for (client, composer) in &fellow_paths {
            let path = if page == "composer" {
                composer.as_str()
            } else {
                page
            };
            counts.push(statements_for(client, &app.url(path)).await);
        }
        assert!(counts[0] > 0, "no statements were counted for {page}");
        assert_eq!(
            counts[0], counts[1],
            "{page} ran {} statements for 1 piece of evidence and {} for 25 ({backend:?})",
            counts[0], counts[1]
        );
    }

    // Reviewing pages do not grow with the number of submissions: 2 waiting attempts
    // against 32, and a queue of 2 reviews against one of 30.
    let staff = app.create_cohort("staff").await;
    let reviewer_of_few = app
        .create_user("few@test.example", false, &[(staff, Role::Reviewer)])
        .await;
    let reviewer_of_many = app
        .create_user("many@test.example", false, &[(staff, Role::Reviewer)])
        .await;
    let lead = app
        .signed_in_client_with_role(staff, Role::Facilitator)
        .await;
    let credential = framework_store::microcredential_id(&app.db, &key)
        .await
        .unwrap()
        .unwrap();
    let mut manage_counts = Vec::new();
    let mut attempts: Vec<(i32, Vec<i32>)> = Vec::new();
    for (name, cohort, size, reviewer) in [
        ("small", small, 2, reviewer_of_few),
        ("large", large, 30, reviewer_of_many),
    ] {
        let mut ids = Vec::new();
        for number in 0..size {
            let fellow = app.user_id(&format!("{name}-{number}@test.example")).await;
            let submission =
                app::portfolio::submission_store::open(&app.db, cohort, fellow, credential)
                    .await
                    .unwrap();
            let attempt = app::portfolio::submission_store::submit(
                &app.db,
                submission.id,
                submission.draft_version,
                chrono::Utc::now(),
            )
            .await
            .unwrap()
            .expect("the attempt is submitted")
            .attempt;
            ids.push(attempt.id);
        }
        manage_counts.push(statements_for(&lead, &app.url("/reviews/manage")).await);
        attempts.push((reviewer, ids));
    }
    assert!(manage_counts[0] > 0);
    assert_eq!(
        manage_counts[0], manage_counts[1],
        "the reviewing page ran {} statements for 2 waiting attempts and {} for 32 ({backend:?})",
        manage_counts[0], manage_counts[1]
    );
    let mut queue_counts = Vec::new();
    let mut review_counts = Vec::new();
    for ((reviewer, ids), email) in attempts
        .iter()
        .zip(["few@test.example", "many@test.example"])
    {
        let mut first = 0;
        for id in ids {
            let review = app::review::store::assign(&app.db, *id, *reviewer, *reviewer)
                .await
                .expect("an eligible reviewer");
            if first == 0 {
                first = review.id;
            }
        }
        let client = app.signed_in_client(email).await;
        queue_counts.push(statements_for(&client, &app.url("/reviews")).await);
        review_counts.push(statements_for(&client, &app.url(&format!("/reviews/{first}"))).await);
    }
    assert_eq!(
        queue_counts[0], queue_counts[1],
        "the queue ran {} statements for 2 reviews and {} for 30 ({backend:?})",
        queue_counts[0], queue_counts[1]
    );
    assert_eq!(
        review_counts[0], review_counts[1],
        "the review page ran {} statements with 2 reviews queued and {} with 30 ({backend:?})",
        review_counts[0], review_counts[1]
    );
    app.stop().await;
}

/// One test runs both databases in turn, because the statement counter is global.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixed_statement_counts_both_databases() {
    tracing_subscriber::registry()
        .with(
            CountStatements.with_filter(tracing_subscriber::filter::filter_fn(|metadata| {
                metadata.target().starts_with("sqlx")
            })),
        )
        .try_init()
        .expect("install the statement counter");
    pages_use_fixed_statement_counts(Backend::Sqlite).await;
    pages_use_fixed_statement_counts(Backend::Postgres).await;
}
