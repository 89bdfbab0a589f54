//! Reviewing on SQLite and PostgreSQL. The tests cover assignment rules and load
//! balancing, the earn rule with release to the fellow, and carried-forward criteria on
//! resubmission. They also cover saves that never overwrite newer scores, double
//! scoring with reconciliation, calibration agreement, and blind pages.

mod common;

use app::auth::Role;
use app::entities::{
    cohorts, competency_choices, microcredentials, outbox, reviews, submission_attempts,
    submissions, users,
};
use app::portfolio::DraftContent;
use app::portfolio::submission_store;
use app::program::framework_store::{self, DEFAULT_TEMPLATE};
use app::review::store::{self, AssignError, Ineligible};
use common::{Backend, TestApp, post_form_as};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::{Value, json};

on_both_backends!(
    assignment_follows_conflict_rules,
    earn_rule_releases_and_carries_forward,
    concurrent_saves_never_overwrite,
    double_scoring_reconciles_disagreement,
    calibration_measures_agreement,
    reviewer_pages_never_name_fellow,
);

const FELLOW_NAME: &str = "Maribel Quintanilla";
const FELLOW: &str = "mquintanilla@district.example";
const REVIEWER: &str = "reviewer@example.org";
const SECOND_REVIEWER: &str = "second@example.org";
const COACH: &str = "coach@example.org";
const CLASSMATE: &str = "classmate@example.org";
const LEAD: &str = "lead@example.org";

struct World {
    app: TestApp,
    fellow_id: i32,
    reviewer_id: i32,
    second_id: i32,
    coach_id: i32,
    classmate_id: i32,
    lead_id: i32,
    credential: microcredentials::Model,
    cohort: i32,
}

/// Two cohorts: the fellow's, where a coach and a classmate also review, and another
/// where two reviewers and a lead (a facilitator) belong.
async fn arrange(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).expect("the template is valid");
    framework_store::import(&app.db, &file, None)
        .await
        .expect("import the template");
    let cohort = app.create_cohort("Fellows").await;
    let staff_cohort = app.create_cohort("Reviewers").await;
    let fellow_id = app
        .create_user(FELLOW, false, &[(cohort, Role::Fellow)])
        .await;
    let mut fellow: users::ActiveModel = users::Entity::find_by_id(fellow_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    fellow.display_name = Set(FELLOW_NAME.into());
    fellow.update(&app.db).await.unwrap();
    let reviewer_id = app
        .create_user(REVIEWER, false, &[(staff_cohort, Role::Reviewer)])
        .await;
    let second_id = app
        .create_user(SECOND_REVIEWER, false, &[(staff_cohort, Role::Reviewer)])
        .await;
    let coach_id = app
        .create_user(
            COACH,
            false,
            &[(cohort, Role::Coach), (staff_cohort, Role::Reviewer)],
        )
        .await;
    let classmate_id = app
        .create_user(
            CLASSMATE,
            false,
            &[(cohort, Role::Fellow), (staff_cohort, Role::Reviewer)],
        )
        .await;
    let lead_id = app
        .create_user(LEAD, false, &[(staff_cohort, Role::Facilitator)])
        .await;
    let credential = microcredentials::Entity::find()
        .filter(microcredentials::Column::Key.eq("communication"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the template has a communication micro-credential");
    competency_choices::ActiveModel {
        cohort_id: Set(cohort),
        fellow_user_id: Set(fellow_id),
        overarching_first_id: Set(Some(credential.competency_id)),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    World {
        app,
        fellow_id,
        reviewer_id,
        second_id,
        coach_id,
        classmate_id,
        lead_id,
        credential,
        cohort,
    }
}

/// Submits the fellow's next attempt with `reflection` and returns it.
async fn submit(world: &World, reflection: &str) -> submission_attempts::Model {
    let db = &world.app.db;
    let submission = submission_store::open(db, world.cohort, world.fellow_id, world.credential.id)
        .await
        .unwrap();
    let content = DraftContent {
        answers: vec!["We met every week to plan the message.".into()],
        artifacts: vec![],
        reflection: reflection.into(),
        dismissed: vec![],
    };
    let saved = submission_store::save_draft(db, submission.id, submission.draft_version, &content)
        .await
        .unwrap();
    let version = match saved {
        submission_store::Saved::Stored { version, .. } => version,
        other => panic!("the draft did not save: {other:?}"),
    };
    submission_store::submit(db, submission.id, version, chrono::Utc::now())
        .await
        .unwrap()
        .expect("the draft submits")
        .attempt
}

/// Submits an empty draft for a new fellow of the world's cohort and returns the
/// attempt.
async fn submit_as_new_fellow(world: &World, email: &str) -> submission_attempts::Model {
    let db = &world.app.db;
    let fellow = world
        .app
        .create_user(email, false, &[(world.cohort, Role::Fellow)])
        .await;
    let submission = submission_store::open(db, world.cohort, fellow, world.credential.id)
        .await
        .unwrap();
    submission_store::submit(
        db,
        submission.id,
        submission.draft_version,
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .expect("the draft submits")
    .attempt
}

/// Lists every criterion key of the template's communication rubric with its levels.
async fn rubric(world: &World) -> Vec<(String, Vec<String>, String)> {
    let version = submission_store::current_version(&world.app.db, world.credential.id)
        .await
        .unwrap()
        .unwrap();
    let definition = store::definition_of(&world.app.db, version.id)
        .await
        .unwrap();
    app::review::content::criteria(&definition.rubric)
        .into_iter()
        .map(|(part, index, key)| {
            let criterion = &part.criteria(&definition.rubric)[index];
            (
                key,
                criterion.levels.clone(),
                criterion.passing_level.clone(),
            )
        })
        .collect()
}

/// Returns a level that does not pass.
fn failing(levels: &[String], passing: &str) -> String {
    levels
        .iter()
        .rev()
        .find(|level| *level != passing)
        .cloned()
        .expect("a rubric with a failing level")
}

async fn save(
    client: &reqwest::Client,
    world: &World,
    review: i32,
    base: i32,
    fields: Value,
) -> Value {
    let response = client
        .post(world.app.url("/api/reviews/save"))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"review_id": review, "base_version": base, "fields": fields}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: {text}"))
}

async fn finalize(client: &reqwest::Client, world: &World, review: i32) -> reqwest::Response {
    let version = reviews::Entity::find_by_id(review)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap()
        .draft_version;
    post_form_as(
        client,
        &world.app.url("/api/reviews/finalize"),
        &[
            ("review_id", &review.to_string()),
            ("version", &version.to_string()),
        ],
    )
    .await
}

async fn get_json(client: &reqwest::Client, world: &World, path: &str) -> Value {
    let response = client.get(world.app.url(path)).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: {status}: {text}"))
}

/// Posts a form and checks that it was accepted (a redirect or a success).
async fn post_ok(client: &reqwest::Client, world: &World, path: &str, fields: &[(&str, &str)]) {
    let response = post_form_as(client, &world.app.url(path), fields).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(
        status.is_redirection() || status.is_success(),
        "{path}: {status}: {text}"
    );
}

/// Finalizes a review and checks that it was accepted.
async fn finalize_ok(client: &reqwest::Client, world: &World, review: i32) {
    let response = finalize(client, world, review).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(
        status.is_redirection() || status.is_success(),
        "finalizing review {review}: {status}: {text}"
    );
}

/// Returns the one review of `kind`.
async fn review_of_kind(world: &World, kind: &str) -> reviews::Model {
    reviews::Entity::find()
        .filter(reviews::Column::Kind.eq(kind))
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no {kind} review"))
}

async fn review_row(world: &World, id: i32) -> reviews::Model {
    reviews::Entity::find_by_id(id)
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn assignment_follows_conflict_rules(backend: Backend) {
    let world = arrange(backend).await;
    let db = &world.app.db;
    let attempt = submit(&world, "What changed for me").await;

    let rejection = |result: Result<reviews::Model, AssignError>| match result {
        Err(AssignError::Ineligible(reason)) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        rejection(store::assign(db, attempt.id, world.coach_id, world.lead_id).await),
        Ineligible::Coaches
    );
    assert_eq!(
        rejection(store::assign(db, attempt.id, world.classmate_id, world.lead_id).await),
        Ineligible::SameCohort
    );
    assert_eq!(
        rejection(store::assign(db, attempt.id, world.fellow_id, world.lead_id).await),
        Ineligible::OwnWork
    );
    assert_eq!(
        rejection(store::assign(db, attempt.id, world.lead_id, world.lead_id).await),
        Ineligible::NotReviewer
    );

    // The assignment carries the due date from the business-day target.
    let review = store::assign(db, attempt.id, world.reviewer_id, world.lead_id)
        .await
        .expect("an eligible reviewer");
    let due = review.due_on.expect("a due date");
    let cohort = cohorts::Entity::find_by_id(world.cohort)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let zone = app::cohorts::schedule_store::zone_or_default(&cohort.time_zone);
    let start = attempt.submitted_at.with_timezone(&zone).date_naive();
    assert_eq!(due, app::review::turnaround::due_date(start, 10, &[]));
    assert!(matches!(
        store::assign(db, attempt.id, world.second_id, world.lead_id).await,
        Err(AssignError::Complete)
    ));
    let state = submissions::Entity::find_by_id(attempt.submission_id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .state;
    assert_eq!(state, "in_review");

    // Another reviewer cannot open it, and the message explains why.
    let second = world.app.signed_in_client(SECOND_REVIEWER).await;
    let response = second
        .get(
            world
                .app
                .url(&format!("/api/reviews/get?review_id={}", review.id)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("not assigned to you")
    );
    // A fellow may not ask for reviews at all.
    let fellow = world.app.signed_in_client(FELLOW).await;
    let response = fellow
        .get(world.app.url("/api/reviews/queue"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    // Balancing by load: with the cohort rule relaxed, the classmate may review, and
    // each new attempt goes to the reviewer with the fewest open reviews.
    let lead = world.app.signed_in_client(LEAD).await;
    let response = post_form_as(
        &lead,
        &world.app.url("/api/reviews/settings"),
        &[
            ("turnaround_days", "5"),
            ("kappa_percent", "60"),
            ("holidays", "not-a-date"),
        ],
    )
    .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("is not a date"));
    // Posted without the script, the form comes back with every entry and the bad
    // field marked.
    let page = world
        .app
        .rejected_form_page(
            &lead,
            "/api/reviews/settings",
            "/reviews/manage",
            &[
                ("turnaround_days", "100"),
                ("kappa_percent", "55"),
                ("holidays", "2026-12-24"),
                ("double[communication]", "on"),
            ],
        )
        .await;
    assert!(page.contains("from 1 to 60"), "the reason is shown");
    assert!(page.contains("value=\"100\""), "the bad value is kept");
    assert!(page.contains("value=\"55\""), "the other values are kept");
    assert!(page.contains("2026-12-24"));
    assert!(
        page.contains("aria-invalid=\"true\""),
        "the bad field is marked invalid"
    );
    post_ok(
        &lead,
        &world,
        "/api/reviews/settings",
        &[
            ("turnaround_days", "5"),
            ("kappa_percent", "60"),
            ("holidays", ""),
            ("double[communication]", "on"),
        ],
    )
    .await;
    let response = post_form_as(&lead, &world.app.url("/api/reviews/balance"), &[]).await;
    assert!(response.status().is_redirection() || response.status().is_success());
    let all = reviews::Entity::find()
        .filter(reviews::Column::SubmissionAttemptId.eq(attempt.id))
        .all(db)
        .await
        .unwrap();
    assert_eq!(all.len(), 2, "double scoring adds a second reviewer");
    let second_review = all.iter().find(|review| review.kind == "second").unwrap();
    assert_eq!(
        second_review.reviewer_user_id, world.second_id,
        "the least-loaded eligible reviewer; the coach and the classmate are excluded"
    );
    assert!(store::needing_reviewers().all(db).await.unwrap().is_empty());
    world.app.stop().await;
}

async fn earn_rule_releases_and_carries_forward(backend: Backend) {
    let world = arrange(backend).await;
    let db = &world.app.db;
    let attempt = submit(&world, "First reflection").await;
    let review = store::assign(db, attempt.id, world.reviewer_id, world.lead_id)
        .await
        .unwrap();
    let reviewer = world.app.signed_in_client(REVIEWER).await;
    let criteria = rubric(&world).await;

    // One criterion left unscored blocks finalizing, and so does a failing level
    // without a comment.
    let mut fields = serde_json::Map::new();
    for (key, _, passing) in criteria.iter().skip(1) {
        fields.insert(format!("level_{key}"), json!(passing));
    }
    let saved = save(
        &reviewer,
        &world,
        review.id,
        1,
        Value::Object(fields.clone()),
    )
    .await;
    assert_eq!(saved["Saved"]["version"], 2, "{saved}");
    let response = finalize(&reviewer, &world, review.id).await;
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("has no level yet"));

    let (first_key, first_levels, first_passing) = &criteria[0];
    fields.insert(
        format!("level_{first_key}"),
        json!(failing(first_levels, first_passing)),
    );
    save(
        &reviewer,
        &world,
        review.id,
        2,
        Value::Object(fields.clone()),
    )
    .await;
    let response = finalize(&reviewer, &world, review.id).await;
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("needs a comment"));

    // A level the rubric lacks is rejected when saved.
    let mut bad = fields.clone();
    bad.insert(format!("level_{first_key}"), json!("Superb"));
    let response = reviewer
        .post(world.app.url("/api/reviews/save"))
        .json(&json!({"review_id": review.id, "base_version": 3, "fields": bad}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("is not a level of"));

    fields.insert(
        format!("comment_{first_key}"),
        json!("Name the audience you wrote for."),
    );
    fields.insert("feedback".into(), json!("A clear plan; one gap."));
    save(
        &reviewer,
        &world,
        review.id,
        3,
        Value::Object(fields.clone()),
    )
    .await;
    finalize_ok(&reviewer, &world, review.id).await;

    let decided = submission_attempts::Entity::find_by_id(attempt.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(decided.outcome.as_deref(), Some("not_yet"));
    assert_eq!(decided.feedback.as_deref(), Some("A clear plan; one gap."));
    assert_eq!(decided.turnaround_days, Some(0));
    assert_eq!(decided.turnaround_target_days, Some(10));
    assert!(
        decided
            .scores
            .as_deref()
            .unwrap()
            .contains("Name the audience")
    );
    let mail = outbox::Entity::find()
        .filter(outbox::Column::ToAddress.eq(FELLOW))
        .all(db)
        .await
        .unwrap();
    assert_eq!(mail.len(), 1, "the fellow is notified once");
    assert!(mail[0].subject.contains("decision"));
    let link = format!("/submissions/{}", attempt.submission_id);
    assert!(
        mail[0]
            .body
            .lines()
            .any(|line| line.contains("http") && line.ends_with(&link)),
        "the link in the mail is absolute: {}",
        mail[0].body
    );
    // Saving after finalizing is rejected and changes nothing.
    let closed = reviewer
        .post(world.app.url("/api/reviews/save"))
        .json(&json!({"review_id": review.id, "base_version": 4, "fields": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 409);
    assert!(closed.text().await.unwrap().contains("final"));

    // The fellow revises; passed criteria carry forward and the changes show.
    let second = submit(&world, "Second reflection, with the audience named").await;
    assert_eq!(second.number, 2);
    let review = store::assign(db, second.id, world.reviewer_id, world.lead_id)
        .await
        .unwrap();
    let page = get_json(
        &reviewer,
        &world,
        &format!("/api/reviews/get?review_id={}", review.id),
    )
    .await;
    let carried = page["carried"].as_array().unwrap();
    assert_eq!(carried.len(), criteria.len() - 1, "{page}");
    assert!(
        carried.iter().all(|pair| pair[0] != json!(first_key)),
        "the criterion that did not pass is scored again"
    );
    let reflection_change = page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["label"] == "Reflection")
        .unwrap();
    assert!(
        reflection_change["diff_html"]
            .as_str()
            .unwrap()
            .contains("<ins>"),
        "{reflection_change}"
    );
    // A lead may reopen only a carried-forward criterion, and doing so does not mark the
    // review as started for its reviewer.
    let lead = world.app.signed_in_client(LEAD).await;
    let response = post_form_as(
        &lead,
        &world.app.url("/api/reviews/reopen"),
        &[("review_id", &review.id.to_string()), ("key", "bogus_key")],
    )
    .await;
    assert_eq!(response.status(), 422);
    let carried_key = carried[0][0].as_str().unwrap().to_owned();
    post_ok(
        &lead,
        &world,
        "/api/reviews/reopen",
        &[("review_id", &review.id.to_string()), ("key", &carried_key)],
    )
    .await;
    let reopened = review_row(&world, review.id).await;
    assert!(reopened.scores.contains(&carried_key));
    assert_eq!(reopened.saved_at, None);
    assert_eq!(
        reopened.draft_version, 1,
        "the reviewer's next save is no conflict"
    );
    let carried_level = criteria
        .iter()
        .find(|(key, _, _)| *key == carried_key)
        .map(|(_, _, passing)| passing.clone())
        .unwrap();
    let saved = save(
        &reviewer,
        &world,
        review.id,
        1,
        json!({
            format!("level_{first_key}"): first_passing,
            format!("level_{carried_key}"): carried_level,
        }),
    )
    .await;
    assert_eq!(saved["Saved"]["version"], 2, "{saved}");
    finalize_ok(&reviewer, &world, review.id).await;
    let state = submissions::Entity::find_by_id(second.submission_id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .state;
    assert_eq!(state, "earned");
    world.app.stop().await;
}

async fn concurrent_saves_never_overwrite(backend: Backend) {
    let world = arrange(backend).await;
    let db = &world.app.db;
    let attempt = submit(&world, "Reflection").await;
    let review = store::assign(db, attempt.id, world.reviewer_id, world.lead_id)
        .await
        .unwrap();
    let criteria = rubric(&world).await;
    let key = &criteria[0].0;
    let tab_one = world.app.signed_in_client(REVIEWER).await;
    let tab_two = world.app.signed_in_client(REVIEWER).await;

    // Two tabs save from the same version at once: one wins, the other gets the
    // winner's scores back.
    let (first, second) = tokio::join!(
        save(
            &tab_one,
            &world,
            review.id,
            1,
            json!({ format!("comment_{key}"): "From tab one" })
        ),
        save(
            &tab_two,
            &world,
            review.id,
            1,
            json!({ format!("comment_{key}"): "From tab two" })
        ),
    );
    let outcomes = [&first, &second];
    let saved = outcomes
        .iter()
        .filter(|outcome| outcome.get("Saved").is_some())
        .count();
    assert_eq!(saved, 1, "{first} {second}");
    let conflict = outcomes
        .iter()
        .find(|outcome| outcome.get("Conflict").is_some())
        .unwrap();
    let stored = review_row(&world, review.id).await;
    assert_eq!(stored.draft_version, 2);
    let winner = conflict["Conflict"]["fields"][format!("comment_{key}")].clone();
    assert!(stored.scores.contains(winner.as_str().unwrap()));

    // A stale tab never overwrites newer scores.
    let stale = save(
        &tab_one,
        &world,
        review.id,
        1,
        json!({ format!("comment_{key}"): "Stale" }),
    )
    .await;
    assert_eq!(stale["Conflict"]["version"], 2);
    assert!(!review_row(&world, review.id).await.scores.contains("Stale"));

    // Malformed bodies are rejected as such, not as server failures.
    for (path, body) in [
        (
            "/api/reviews/save",
            r#"{"review_id":1,"base_version":"x","fields":{}}"#,
        ),
        (
            "/api/autosave",
            r#"{"target":{"Review":1},"base_version":1}"#,
        ),
        ("/api/autosave", "not json"),
    ] {
        let response = tab_one
            .post(world.app.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{path} {body}");
        assert!(response.text().await.unwrap().contains("malformed"));
    }

    // The rubric is edited while the review is open: the review keeps its version.
    let before = review.microcredential_version_id;
    let version = submission_store::current_version(db, world.credential.id)
        .await
        .unwrap()
        .unwrap();
    let mut definition: app::program::format::Definition =
        serde_json::from_str(&version.definition).unwrap();
    definition.rubric.overview[0].criterion = "Edited while reviews are open".into();
    framework_store::store_definition(db, world.credential.id, &definition, None)
        .await
        .unwrap();
    let after = submission_store::current_version(db, world.credential.id)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        after.id, before,
        "a reviewed version is never edited in place"
    );
    let page = get_json(
        &tab_one,
        &world,
        &format!("/api/reviews/get?review_id={}", review.id),
    )
    .await;
    assert_ne!(
        page["definition"]["rubric"]["overview"][0]["criterion"],
        "Edited while reviews are open"
    );

    // The fellow withdraws during review: saving is rejected, and scores are kept.
    let fellow = world.app.signed_in_client(FELLOW).await;
    post_ok(
        &fellow,
        &world,
        "/api/submission/withdraw",
        &[("submission_id", &attempt.submission_id.to_string())],
    )
    .await;
    let response = tab_one
        .post(world.app.url("/api/reviews/save"))
        .json(&json!({"review_id": review.id, "base_version": 2, "fields": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("withdrew"));
    let kept = review_row(&world, review.id).await;
    assert_eq!(kept.state, "withdrawn");
    assert!(kept.scores.contains(winner.as_str().unwrap()));
    world.app.stop().await;
}

async fn double_scoring_reconciles_disagreement(backend: Backend) {
    let world = arrange(backend).await;
    let db = &world.app.db;
    let mut credential: microcredentials::ActiveModel = world.credential.clone().into();
    credential.double_scoring = Set(true);
    credential.update(db).await.unwrap();
    let attempt = submit(&world, "Reflection").await;
    let first = store::assign(db, attempt.id, world.reviewer_id, world.lead_id)
        .await
        .unwrap();
    let second = store::assign(db, attempt.id, world.second_id, world.lead_id)
        .await
        .unwrap();
    assert_eq!(second.kind, "second");
    let criteria = rubric(&world).await;
    let passing_all = |comment: &str| {
        let mut fields = serde_json::Map::new();
        for (key, _, passing) in &criteria {
            fields.insert(format!("level_{key}"), json!(passing));
        }
        fields.insert("feedback".into(), json!(comment));
        fields
    };
    let one = world.app.signed_in_client(REVIEWER).await;
    save(
        &one,
        &world,
        first.id,
        1,
        Value::Object(passing_all("Strong work.")),
    )
    .await;
    finalize_ok(&one, &world, first.id).await;
    let pending = submission_attempts::Entity::find_by_id(attempt.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pending.outcome, None, "the second review is not final yet");

    let two = world.app.signed_in_client(SECOND_REVIEWER).await;
    let mut disagreeing = passing_all("Good start.");
    let (key, levels, passing) = &criteria[0];
    disagreeing.insert(format!("level_{key}"), json!(failing(levels, passing)));
    disagreeing.insert(format!("comment_{key}"), json!("Say who the audience was."));
    save(&two, &world, second.id, 1, Value::Object(disagreeing)).await;
    finalize_ok(&two, &world, second.id).await;
    assert_eq!(
        store::needing_reconciliation().all(db).await.unwrap().len(),
        1
    );

    // The lead reconciles on one screen with both reviews composed.
    let lead = world.app.signed_in_client(LEAD).await;
    post_ok(
        &lead,
        &world,
        "/api/reviews/reconcile",
        &[("attempt_id", &attempt.id.to_string())],
    )
    .await;
    let reconcile = review_of_kind(&world, "reconcile").await;
    assert_eq!(reconcile.reviewer_user_id, world.lead_id);
    let page = get_json(
        &lead,
        &world,
        &format!("/api/reviews/get?review_id={}", reconcile.id),
    )
    .await;
    assert_eq!(page["others"].as_array().unwrap().len(), 2);
    assert_eq!(
        page["content"]["fields"][format!("comment_{key}")],
        "Say who the audience was."
    );
    assert_eq!(
        page["content"]["fields"]["feedback"],
        "Strong work.\n\nGood start."
    );
    assert!(
        page["content"]["fields"]
            .get(format!("level_{key}"))
            .is_none(),
        "the disagreed level is left to the lead"
    );
    let response = finalize(&lead, &world, reconcile.id).await;
    assert_eq!(response.status(), 409, "the lead must choose the level");
    let mut fields = page["content"]["fields"].as_object().unwrap().clone();
    fields.insert(format!("level_{key}"), json!(passing));
    save(&lead, &world, reconcile.id, 1, Value::Object(fields)).await;
    finalize_ok(&lead, &world, reconcile.id).await;
    let decided = submission_attempts::Entity::find_by_id(attempt.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(decided.outcome.as_deref(), Some("earned"));
    let originals = reviews::Entity::find()
        .filter(reviews::Column::Kind.is_in(["first", "second"]))
        .filter(reviews::Column::State.eq("final"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(originals, 2, "both original reviews are kept");

    // The lead reconciled this attempt, so their anchor scores would not be independent.
    let response = post_form_as(
        &lead,
        &world.app.url("/api/reviews/anchor"),
        &[("attempt_id", &attempt.id.to_string())],
    )
    .await;
    assert_eq!(response.status(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("You reviewed this attempt")
    );

    // Double scoring turned off after a first review is final releases that decision.
    let waiting = submit_as_new_fellow(&world, "late-fellow@example.org").await;
    let lone = store::assign(db, waiting.id, world.reviewer_id, world.lead_id)
        .await
        .unwrap();
    save(
        &one,
        &world,
        lone.id,
        1,
        Value::Object(passing_all("Well done.")),
    )
    .await;
    finalize_ok(&one, &world, lone.id).await;
    assert_eq!(
        submission_attempts::Entity::find_by_id(waiting.id)
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .outcome,
        None,
        "the second review is still needed"
    );
    post_ok(
        &lead,
        &world,
        "/api/reviews/settings",
        &[("turnaround_days", "10"), ("kappa_percent", "60")],
    )
    .await;
    let released = submission_attempts::Entity::find_by_id(waiting.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(released.outcome.as_deref(), Some("earned"));
    world.app.stop().await;
}

async fn calibration_measures_agreement(backend: Backend) {
    let world = arrange(backend).await;
    let db = &world.app.db;
    let attempt = submit(&world, "Reflection").await;
    let criteria = rubric(&world).await;

    // Live work never becomes an anchor.
    let lead = world.app.signed_in_client(LEAD).await;
    let anchor_form = [("attempt_id", attempt.id.to_string())];
    let anchor_fields: Vec<(&str, &str)> = anchor_form
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let response = post_form_as(&lead, &world.app.url("/api/reviews/anchor"), &anchor_fields).await;
    assert_eq!(response.status(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Only decided attempts")
    );

    // Once decided, staff record the agreed scores on it as an anchor.
    let decider = store::assign(db, attempt.id, world.second_id, world.lead_id)
        .await
        .unwrap();
    let second = world.app.signed_in_client(SECOND_REVIEWER).await;
    let mut passing_all = serde_json::Map::new();
    for (key, _, passing) in &criteria {
        passing_all.insert(format!("level_{key}"), json!(passing));
    }
    save(&second, &world, decider.id, 1, Value::Object(passing_all)).await;
    finalize_ok(&second, &world, decider.id).await;
    post_ok(&lead, &world, "/api/reviews/anchor", &anchor_fields).await;
    let anchor = review_of_kind(&world, "anchor").await;
    let mut agreed = serde_json::Map::new();
    for (key, _, passing) in &criteria {
        agreed.insert(format!("level_{key}"), json!(passing));
    }
    save(&lead, &world, anchor.id, 1, Value::Object(agreed)).await;
    finalize_ok(&lead, &world, anchor.id).await;

    // A live review waits until the reviewer has scored the anchor.
    let second_attempt = submit_as_new_fellow(&world, "other-fellow@example.org").await;
    let live = store::assign(db, second_attempt.id, world.reviewer_id, world.lead_id)
        .await
        .unwrap();
    let reviewer = world.app.signed_in_client(REVIEWER).await;
    let queue: Value = get_json(&reviewer, &world, "/api/reviews/queue").await;
    assert_eq!(queue["calibration_open"], 1, "{queue}");
    let response = reviewer
        .get(
            world
                .app
                .url(&format!("/api/reviews/get?review_id={}", live.id)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("calibration"));

    // The reviewer disagrees on one criterion of several.
    let calibration = review_of_kind(&world, "calibration").await;
    let mut mine = serde_json::Map::new();
    for (index, (key, levels, passing)) in criteria.iter().enumerate() {
        if index == 0 {
            mine.insert(format!("level_{key}"), json!(failing(levels, passing)));
            mine.insert(format!("comment_{key}"), json!("Audience unclear."));
        } else {
            mine.insert(format!("level_{key}"), json!(passing));
        }
    }
    save(&reviewer, &world, calibration.id, 1, Value::Object(mine)).await;
    finalize_ok(&reviewer, &world, calibration.id).await;
    let response = reviewer
        .get(
            world
                .app
                .url(&format!("/api/reviews/get?review_id={}", live.id)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "live reviews open after calibration"
    );

    let report: Value = get_json(&lead, &world, "/api/reviews/calibration").await;
    let row = &report["reviewers"][0];
    let total = criteria.len() as f64;
    assert_eq!(row["items"], criteria.len());
    let exact = row["exact"].as_f64().unwrap();
    assert!((exact - (total - 1.0) / total).abs() < 1e-9, "{row}");
    // The anchor gives every criterion the passing level, so chance agreement is the
    // reviewer's share of passing levels and kappa is 0: flagged at the 0.60 threshold.
    assert!(row["kappa"].as_f64().unwrap().abs() < 1e-9, "{row}");
    assert_eq!(row["flagged"], true);
    world.app.stop().await;
}

async fn reviewer_pages_never_name_fellow(backend: Backend) {
    let world = arrange(backend).await;
    let db = &world.app.db;
    // The fellow's artifact is a PDF named after them.
    let fellow = world.app.signed_in_client(FELLOW).await;
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("title", "Parent night slides")
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf)
                .file_name("Maribel Quintanilla slides.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let response = fellow
        .post(world.app.url("/evidence/upload"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success() || response.status().is_redirection());
    let evidence = app::entities::evidence_items::Entity::find()
        .one(db)
        .await
        .unwrap()
        .expect("the upload is stored");
    let submission = submission_store::open(db, world.cohort, world.fellow_id, world.credential.id)
        .await
        .unwrap();
    let content = DraftContent {
        answers: vec!["Answer".into()],
        artifacts: vec![Some(evidence.id)],
        reflection: "Reflection".into(),
        dismissed: vec![],
    };
    submission_store::save_draft(db, submission.id, submission.draft_version, &content)
        .await
        .unwrap();
    let attempt = submission_store::submit(
        db,
        submission.id,
        submission.draft_version + 1,
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap()
    .attempt;
    // The lead assigns it through the staff page, which mails the reviewer.
    let lead = world.app.signed_in_client(LEAD).await;
    post_ok(
        &lead,
        &world,
        "/api/reviews/assign",
        &[
            ("attempt_id", &attempt.id.to_string()),
            ("reviewer_id", &world.reviewer_id.to_string()),
        ],
    )
    .await;
    let review = review_of_kind(&world, "first").await;

    let reviewer = world.app.signed_in_client(REVIEWER).await;
    let forbidden = [
        FELLOW_NAME,
        "Maribel",
        "Quintanilla",
        FELLOW,
        "mquintanilla",
    ];
    let check = |label: &str, text: &str| {
        for word in forbidden {
            assert!(
                !text.to_lowercase().contains(&word.to_lowercase()),
                "{label} reveals “{word}”"
            );
        }
    };
    let pages = [
        "/".to_owned(),
        "/reviewer".to_owned(),
        "/reviews".to_owned(),
        "/reviews?show=all".to_owned(),
        format!("/reviews/{}", review.id),
        format!("/reviews/{}?pane=rubric", review.id),
        format!("/reviews/{}?confirm=1", review.id),
        "/api/reviews/queue?show=all".to_owned(),
        format!("/api/reviews/get?review_id={}", review.id),
    ];
    for page in &pages {
        let response = reviewer.get(world.app.url(page)).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{page}: {}",
            response.status()
        );
        let text = response.text().await.unwrap();
        check(page, &text);
        if page.starts_with("/reviews/") {
            assert!(text.contains("S-"), "{page} shows the code");
        }
    }
    let response = reviewer
        .get(
            world
                .app
                .url(&format!("/reviews/{}/artifacts/1", review.id)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    check("the download name", &disposition);
    assert!(disposition.contains("-artifact-1.pdf"), "{disposition}");
    // The fellow's own file address is not the reviewer's to fetch.
    let response = reviewer
        .get(world.app.url(&format!("/evidence/{}/file", evidence.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    // Another reviewer cannot fetch the artifact.
    let other = world.app.signed_in_client(SECOND_REVIEWER).await;
    let response = other
        .get(
            world
                .app
                .url(&format!("/reviews/{}/artifacts/1", review.id)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    // The assignment mail to the reviewer names no fellow either.
    let mail = outbox::Entity::find()
        .filter(outbox::Column::ToAddress.eq(REVIEWER))
        .all(db)
        .await
        .unwrap();
    assert_eq!(mail.len(), 1, "the reviewer hears of the assignment");
    for row in mail {
        check(
            "mail to the reviewer",
            &format!("{} {}", row.subject, row.body),
        );
    }

    // A lead gets the identity only after giving a reason, which is audited.
    let page = lead
        .get(world.app.url(&format!("/reviews/{}", review.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains(FELLOW_NAME));
    let response = post_form_as(
        &lead,
        &world.app.url("/api/reviews/reveal"),
        &[("review_id", &review.id.to_string()), ("reason", "short")],
    )
    .await;
    assert_eq!(response.status(), 422);
    post_ok(
        &lead,
        &world,
        "/api/reviews/reveal",
        &[
            ("review_id", &review.id.to_string()),
            (
                "reason",
                "The fellow asked for an extension on this attempt.",
            ),
        ],
    )
    .await;
    let page = lead
        .get(world.app.url(&format!("/reviews/{}", review.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(FELLOW_NAME));
    let audited = app::entities::audit_log::Entity::find()
        .filter(app::entities::audit_log::Column::Action.eq("identity_revealed"))
        .one(db)
        .await
        .unwrap()
        .expect("the reveal is audited");
    assert!(audited.details.contains("extension"));
    // The reviewer still gets only the code.
    let page = reviewer
        .get(world.app.url(&format!("/reviews/{}", review.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    check("the review page after a lead's reveal", &page);
    world.app.stop().await;
}
