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
use common::synthetic::synthetic_cohort;
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
    statements_for_request(client.get(url), url).await
}

async fn statements_for_request(request: reqwest::RequestBuilder, url: &str) -> usize {
    STATEMENTS.store(0, Ordering::SeqCst);
    let response = request.send().await.unwrap();
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

    // Module, assignment, pairing and coaching pages do not grow with the cohort: every
    // fellow of each cohort marked the material done, handed in a response and is
    // coached, with a session each.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut module_paths = Vec::new();
    for (name, cohort, size) in [("small", small, 2), ("large", large, 30)] {
        let term = app::entities::terms::Entity::find()
            .filter(app::entities::terms::Column::CohortId.eq(cohort))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let module = app::entities::modules::Entity::find()
            .filter(app::entities::modules::Column::TermId.eq(term.id))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let material = app::modules::store::add_material(
            &app.db,
            module.id,
            app::modules::store::MaterialFields {
                kind: app::modules::MaterialKind::Text,
                title: "Reading".into(),
                body: "Read **this**.".into(),
                url: None,
            },
            None,
        )
        .await
        .unwrap();
        let assignment = app::modules::store::save_assignment(
            &app.db,
            module.id,
            None,
            app::modules::store::AssignmentFields {
                title: "Task".into(),
                instructions: "Do it.".into(),
                due: None,
                feeds_part: None,
            },
        )
        .await
        .unwrap();
        let coach = app
            .create_user(
                &format!("{name}-coach@test.example"),
                false,
                &[(cohort, Role::Coach)],
            )
            .await;
        for number in 0..size {
            let fellow = app.user_id(&format!("{name}-{number}@test.example")).await;
            app::modules::store::set_done(&app.db, material.id, fellow, true)
                .await
                .unwrap();
            app::modules::store::save_response(
                &app.db,
                assignment.id,
                fellow,
                0,
                "Mine",
                &[],
                true,
            )
            .await
            .unwrap();
            app::coaching::store::set_pair(&app.db, cohort, fellow, Some(coach))
                .await
                .unwrap();
            app::coaching::store::schedule(
                &app.db,
                app::coaching::store::NewSession {
                    cohort_id: cohort,
                    coach_id: coach,
                    fellow_id: fellow,
                    starts_at: chrono::Utc::now(),
                    zone: "America/New_York".into(),
                    duration_minutes: 45,
                    place: None,
                },
            )
            .await
            .unwrap();
        }
        let coach_client = app
            .signed_in_client(&format!("{name}-coach@test.example"))
            .await;
        module_paths.push((
            format!("/cohorts/{cohort}/modules/{}", module.id),
            format!("/assignments/{}", assignment.id),
            format!("/cohorts/{cohort}/coaching"),
            coach_client,
        ));
    }
    for (page, pick) in [
        ("module", 0),
        ("assignment", 1),
        ("coaching pairs", 2),
        ("coaching", 3),
    ] {
        let mut counts = Vec::new();
        for (module_path, assignment_path, pairs_path, coach_client) in &module_paths {
            counts.push(match pick {
                0 => statements_for(&admin, &app.url(module_path)).await,
                1 => statements_for(&admin, &app.url(assignment_path)).await,
                2 => statements_for(&admin, &app.url(pairs_path)).await,
                _ => statements_for(coach_client, &app.url("/coaching")).await,
            });
        }
        assert!(
            counts[0] > 0,
            "no statements were counted for the {page} page"
        );
        assert_eq!(
            counts[0], counts[1],
            "the {page} page ran {} statements for 2 fellows and {} for 30 ({backend:?})",
            counts[0], counts[1]
        );
    }

    // The schedule and event pages do not grow with the cohort either: each cohort has
    // a workshop that every fellow attended, seen by an administrator and by a fellow.
    let mut event_paths = Vec::new();
    for (name, cohort, size) in [("small", small, 2), ("large", large, 30)] {
        let now = chrono::Utc::now();
        let modules = app::events::store::module_choices(&app.db, cohort)
            .await
            .unwrap();
        let workshop = app::events::store::insert_event(
            &app.db,
            cohort,
            app::events::EventKind::Workshop,
            app::cohorts::schedule_store::zone_or_default("America/New_York"),
            &app::events::input::EventInput {
                module_id: Some(modules[0].id),
                title: "Learn workshop".into(),
                starts_at: now - chrono::Duration::days(1),
                duration_minutes: 90,
                join_url: Some("https://meet.example.org/learn".into()),
                location: None,
                check_in_minutes: 30,
            },
            now,
        )
        .await
        .unwrap();
        let fellows = app::events::store::fellows(&app.db, cohort).await.unwrap();
        let marks: Vec<_> = fellows
            .keys()
            .map(|&fellow| (fellow, Some(app::events::AttendanceStatus::Present)))
            .collect();
        let recorder = *fellows.keys().next().unwrap();
        app::events::store::record_marks(&app.db, workshop.id, &marks, recorder, now)
            .await
            .unwrap();
        let fellow_client = app
            .signed_in_client(&format!("{name}-{}@test.example", size - 1))
            .await;
        event_paths.push((
            format!("/cohorts/{cohort}/events"),
            format!("/events/{}", workshop.id),
            fellow_client,
        ));
    }
    for page in ["schedule", "event"] {
        for viewer in ["administrator", "fellow"] {
            let mut counts = Vec::new();
            for (schedule_path, event_path, fellow_client) in &event_paths {
                let path = if page == "schedule" {
                    schedule_path
                } else {
                    event_path
                };
                let client = if viewer == "fellow" {
                    fellow_client
                } else {
                    &admin
                };
                counts.push(statements_for(client, &app.url(path)).await);
            }
            assert!(
                counts[0] > 0,
                "no statements were counted for the {page} page"
            );
            assert_eq!(
                counts[0], counts[1],
                "the {page} page ran {} statements for 2 fellows and {} for 30, seen by a {viewer} ({backend:?})",
                counts[0], counts[1]
            );
        }
    }
    // The discussion page does not grow with its posts or the cohort's members: 2
    // posts among 2 fellows against 30 posts, some edited, with replies, among 30.
    {
        use app::discussions::store::{edit_post, ensure_discussion, insert_post};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let mut discussion_counts = Vec::new();
        for (name, cohort, posts) in [("small", small, 2), ("large", large, 30)] {
            let term = app::entities::terms::Entity::find()
                .filter(app::entities::terms::Column::CohortId.eq(cohort))
                .order_by_asc(app::entities::terms::Column::Position)
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            let module = app::entities::modules::Entity::find()
                .filter(app::entities::modules::Column::TermId.eq(term.id))
                .order_by_asc(app::entities::modules::Column::Position)
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            let discussion = ensure_discussion(&app.db, module.id).await.unwrap();
            let now = chrono::Utc::now();
            let mut parent = None;
            for number in 0..posts {
                let author = app
                    .user_id(&format!("{name}-{}@test.example", number % 2))
                    .await;
                let body = format!("Post {number}, thanks @Test {name}-1@test.example");
                let post = insert_post(&app.db, discussion.id, parent, author, &body, now)
                    .await
                    .unwrap();
                if number % 3 == 0 {
                    edit_post(&app.db, &post, "Edited **once**", now)
                        .await
                        .unwrap();
                }
                parent = (number % 2 == 0).then_some(post.id);
            }
            let path = format!("/cohorts/{cohort}/modules/{}/discussion", module.id);
            // The first visit sets the read marker; the counts compare later visits.
            statements_for(&admin, &app.url(&path)).await;
            discussion_counts.push(statements_for(&admin, &app.url(&path)).await);
        }
        assert!(
            discussion_counts[0] > 0,
            "no statements were counted for the discussion page"
        );
        assert_eq!(
            discussion_counts[0], discussion_counts[1],
            "the discussion page ran {} statements for 2 posts and {} for 30 ({backend:?})",
            discussion_counts[0], discussion_counts[1]
        );
    }
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
    dashboards_use_fixed_statement_counts(Backend::Sqlite).await;
    dashboards_use_fixed_statement_counts(Backend::Postgres).await;
}

/// Checks that every dashboard request runs the same number of statements for cohorts
/// of 30, 300 and 3,000 fellows: the pages, the fellow page, the CSV exports, the live
/// counts and the program view, which covers all the cohorts created so far.
async fn dashboards_use_fixed_statement_counts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).unwrap();
    framework_store::import(&app.db, &file, None).await.unwrap();
    let admin = app.admin().await.clone();
    let mut measured: Vec<(usize, Vec<(&str, usize)>)> = Vec::new();
    for size in [30, 300, 3000] {
        let world = synthetic_cohort(&app, &format!("Size {size}"), size).await;
        let facilitator = app.signed_in_client(&world.facilitator_email).await;
        let coach = app.signed_in_client(&world.coach_email).await;
        let cohort = world.cohort;
        let fellow = world.coached[0];
        let requests: [(&str, &reqwest::Client, String); 9] = [
            (
                "cohort dashboard",
                &facilitator,
                format!("/cohorts/{cohort}/dashboard"),
            ),
            (
                "sorted second page",
                &facilitator,
                format!("/cohorts/{cohort}/dashboard?sort=activity&order=desc&page=2"),
            ),
            (
                "coach's dashboard",
                &coach,
                format!("/cohorts/{cohort}/dashboard"),
            ),
            (
                "fellow progress",
                &facilitator,
                format!("/cohorts/{cohort}/dashboard/fellows/{fellow}"),
            ),
            (
                "matrix CSV",
                &facilitator,
                format!("/cohorts/{cohort}/dashboard/matrix.csv?show=at-risk"),
            ),
            (
                "at-risk CSV",
                &coach,
                format!("/cohorts/{cohort}/dashboard/at-risk.csv"),
            ),
            (
                "chart CSV",
                &facilitator,
                format!("/cohorts/{cohort}/dashboard/submission-pipeline.csv"),
            ),
            ("program dashboard", &admin, "/dashboard".to_owned()),
            ("program CSV", &admin, "/dashboard/cohorts.csv".to_owned()),
        ];
        let mut counts = Vec::new();
        for (name, client, path) in &requests {
            counts.push((*name, statements_for(client, &app.url(path)).await));
        }
        let live = app.url("/api/live");
        let poll = coach
            .post(&live)
            .json(&serde_json::json!({"source": format!("dashboard/{cohort}"), "tag": "none"}));
        counts.push(("live counts", statements_for_request(poll, &live).await));
        measured.push((size, counts));
    }
    let (_, first) = &measured[0];
    for (name, count) in first {
        assert!(*count > 0, "no statements were counted for the {name}");
    }
    for (size, counts) in &measured[1..] {
        assert_eq!(
            counts, first,
            "statements per request for {size} fellows differ from those for 30 ({backend:?})"
        );
    }
    app.stop().await;
}
