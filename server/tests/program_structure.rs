//! The program's structure on SQLite and PostgreSQL: framework import and export,
//! versioned definitions, fellows' choice rules (with randomized sets), lock dates and
//! staff changes, deadlines across daylight-saving changes, and growth ratings.

mod common;

use app::auth::Role;
use app::cohorts::schedule_store::{TermPlan, create_schedule};
use app::entities::{audit_log, competency_choices, microcredential_versions, reviews, terms};
use app::program::FrameworkView;
use app::program::format::GroupKind;
use app::program::framework_store::{self, DEFAULT_TEMPLATE, load_framework};
use common::{Backend, TestApp, post_form_as};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

on_both_backends!(
    framework_export_import_round_trip_is_identical,
    bad_framework_files_change_nothing,
    chosen_competency_removal_rejected,
    editing_a_reviewed_rubric_creates_a_new_version,
    first_term_rules_hold_for_random_choice_sets,
    second_term_rules_hold_for_random_choice_sets,
    locked_choices_change_only_by_staff_with_a_reason,
    deadlines_utc_and_dst_gaps_rejected,
    growth_ratings_keep_their_history,
    failed_form_posts_keep_typed_values,
    new_cohorts_take_a_time_zone,
);

/// Creates a cohort with a schedule around today, the TLI template, a fellow, a coach
/// and a facilitator. Returns (cohort id, fellow id).
async fn arrange(app: &TestApp) -> (i32, i32) {
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).expect("the template is valid");
    framework_store::import(&app.db, &file, None)
        .await
        .expect("import the template");
    let cohort = app.create_cohort("Structure").await;
    // The first term is under way and its choices are still open.
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
    let fellow = app
        .create_user("fellow@test.example", false, &[(cohort, Role::Fellow)])
        .await;
    app.create_user("coach@test.example", false, &[(cohort, Role::Coach)])
        .await;
    app.create_user(
        "facilitator@test.example",
        false,
        &[(cohort, Role::Facilitator)],
    )
    .await;
    (cohort, fellow)
}

async fn framework(app: &TestApp) -> FrameworkView {
    load_framework(&app.db).await.expect("read the framework")
}

fn ids_of(framework: &FrameworkView, kind: GroupKind) -> Vec<i32> {
    framework
        .groups_of(kind)
        .flat_map(|group| group.competencies.iter().map(|c| c.id))
        .collect()
}

async fn export(app: &TestApp) -> String {
    let response = app.admin_get("/admin/framework/export").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("tli-framework.json")
    );
    response.text().await.unwrap()
}

async fn import(app: &TestApp, text: &str) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("framework.json"),
    );
    app.admin()
        .await
        .post(app.url("/api/framework/import"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn error_message(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap();
    body["Invalid"]["message"]
        .as_str()
        .or_else(|| body["Conflict"].as_str())
        .or_else(|| body["NotFound"].as_str())
        .unwrap_or_default()
        .to_owned()
}

async fn framework_export_import_round_trip_is_identical(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let loaded = app
        .admin_post_form("/api/framework/load-template", &[])
        .await;
    assert_eq!(loaded.status(), 200);
    let first = export(&app).await;
    assert_eq!(first, DEFAULT_TEMPLATE, "the template exports as itself");

    let imported = import(&app, &first).await;
    assert_eq!(imported.status(), 200);
    assert_eq!(
        export(&app).await,
        first,
        "export, import, export is identical"
    );

    // An edited file comes back exactly as edited.
    let edited = first.replace(
        "\"name\": \"Communication\"",
        "\"name\": \"Communicating for Change\"",
    );
    assert_ne!(edited, first);
    assert_eq!(import(&app, &edited).await.status(), 200);
    assert_eq!(export(&app).await, edited);
    app.stop().await;
}

async fn bad_framework_files_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.admin_post_form("/api/framework/load-template", &[])
        .await;
    let before = export(&app).await;
    let mut value: Value = serde_json::from_str(&before).unwrap();
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut copy = value.clone();
        edit(&mut copy);
        serde_json::to_string_pretty(&copy).unwrap()
    };
    let cases: Vec<(String, &str)> = vec![
        ("{ not json".to_owned(), "line 1, column 3"),
        ("".to_owned(), "Choose a framework file"),
        (
            r#"{"format": "something-else", "schema_version": 1}"#.to_owned(),
            "not a TLI Hub framework file",
        ),
        (
            r#"{"format": "tli-hub-framework", "schema_version": 7}"#.to_owned(),
            "schema_version is 7",
        ),
        (
            with(&|file| file["groups"][0]["competencies"][1]["key"] = "communication".into()),
            "groups[0].competencies[1].key: the competency key \"communication\" is used twice",
        ),
        (
            with(&|file| file["microcredentials"][0]["competency"] = "no-such".into()),
            "microcredentials[0].competency: no competency has the key \"no-such\"",
        ),
        (
            with(&|file| {
                file["microcredentials"][0]["definition"]["rubric"]["overview"][0]["passing_level"] =
                    "Superb".into()
            }),
            "\"Superb\" is not one of the levels",
        ),
        (
            with(&|file| {
                file["microcredentials"][1]["definition"]["artifacts"][0]["evidence_types"] =
                    serde_json::json!(["hologram"])
            }),
            "unknown variant `hologram`",
        ),
        (
            with(&|file| {
                file["groups"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|g| g["kind"] != "decc")
            }),
            "exactly one group of kind \"decc\"",
        ),
        (" ".repeat(3 * 1024 * 1024), "larger than 2 MB"),
    ];
    value["name"] = "unused".into();
    for (text, expected) in cases {
        let response = import(&app, &text).await;
        assert_eq!(response.status(), 422, "expected a refusal for {expected}");
        let message = error_message(response).await;
        assert!(
            message.contains(expected),
            "{expected:?} not in {message:?}"
        );
        assert_eq!(export(&app).await, before, "a refused import changed data");
    }

    // A post that is not a file upload gets a clear status instead of a failure.
    let not_multipart = app
        .admin_post_form("/api/framework/import", &[("file", "{}")])
        .await;
    assert_eq!(not_multipart.status(), 415);

    // A file that starts with a byte-order mark is read like any other.
    assert_eq!(
        import(&app, &format!("\u{FEFF}{before}")).await.status(),
        200
    );

    // A plain form post comes back to the page with the message.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"[]".to_vec()).file_name("x.json"),
    );
    let response = app
        .admin()
        .await
        .post(app.url("/api/framework/import"))
        .header("accept", "text/html")
        .header("referer", app.url("/admin/framework"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let page = app.admin_get(&location).await.text().await.unwrap();
    assert!(page.contains("The framework was not imported"), "{page}");
    app.stop().await;
}

async fn chosen_competency_removal_rejected(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (cohort, _) = arrange(&app).await;
    let fellow = app.signed_in_client("fellow@test.example").await;
    let overarching = ids_of(&framework(&app).await, GroupKind::Overarching);
    let saved = post_form_as(
        &fellow,
        &app.url("/api/choices/first-term"),
        &[
            ("cohort_id", &cohort.to_string()),
            ("overarching[0]", &overarching[0].to_string()),
            ("overarching[1]", &overarching[1].to_string()),
        ],
    )
    .await;
    assert_eq!(saved.status(), 200);

    let before = export(&app).await;
    let mut file: Value = serde_json::from_str(&before).unwrap();
    file["groups"][0]["competencies"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    file["microcredentials"].as_array_mut().unwrap().remove(0);
    let response = import(&app, &serde_json::to_string_pretty(&file).unwrap()).await;
    assert_eq!(response.status(), 422);
    let message = error_message(response).await;
    assert!(
        message.contains("\"Communication\" (communication) is missing from the file, but fellows have chosen or rated it"),
        "{message}"
    );
    assert_eq!(export(&app).await, before);

    // An in-use competency keeps its group, and its group keeps its kind.
    let mut file: Value = serde_json::from_str(&before).unwrap();
    let moved = file["groups"][0]["competencies"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let decc = file["groups"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|group| group["kind"] == "decc")
        .unwrap();
    decc["competencies"].as_array_mut().unwrap().push(moved);
    let response = import(&app, &serde_json::to_string_pretty(&file).unwrap()).await;
    assert_eq!(response.status(), 422);
    let message = error_message(response).await;
    assert!(
        message.contains("moves from group \"overarching\" to \"decc\""),
        "{message}"
    );
    let mut file: Value = serde_json::from_str(&before).unwrap();
    file["groups"][0]["kind"] = "pathway".into();
    file["groups"][1]["kind"] = "overarching".into();
    let response = import(&app, &serde_json::to_string_pretty(&file).unwrap()).await;
    assert_eq!(response.status(), 422);
    assert!(
        error_message(response)
            .await
            .contains("changes from kind \"overarching\" to \"pathway\"")
    );
    assert_eq!(export(&app).await, before);

    // An unused competency can go.
    let mut file: Value = serde_json::from_str(&before).unwrap();
    file["groups"][0]["competencies"]
        .as_array_mut()
        .unwrap()
        .remove(7);
    file["microcredentials"].as_array_mut().unwrap().remove(7);
    let text = serde_json::to_string_pretty(&file).unwrap();
    assert_eq!(import(&app, &text).await.status(), 200);
    let exported: Value = serde_json::from_str(&export(&app).await).unwrap();
    assert_eq!(exported, file);
    app.stop().await;
}

async fn editing_a_reviewed_rubric_creates_a_new_version(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, fellow) = arrange(&app).await;
    let reviewer = app.create_user("reviewer@test.example", false, &[]).await;
    let form = |criterion: &'static str| {
        vec![
            ("key", "communication"),
            ("title", "Communication"),
            ("key_method", "Message mapping"),
            ("method_components", "Know the audience\nShape the message"),
            ("research", ""),
            ("resources", ""),
            ("questions[0][prompt]", "Who was your audience?"),
            ("questions[0][min_words]", "250"),
            ("questions[0][max_words]", "300"),
            ("artifacts[0][description]", "A message you delivered"),
            ("artifacts[0][video]", "on"),
            ("artifacts[0][written]", "on"),
            ("reflection_prompt", "What changed?"),
            ("criteria[0][part]", "overview"),
            ("criteria[0][criterion]", criterion),
            ("criteria[0][levels]", "Pass\nNot Yet"),
            ("criteria[0][passing_level]", "Pass"),
            ("criteria[1][part]", "artifacts"),
            ("criteria[1][criterion]", "The artifact shows the message"),
            ("criteria[1][levels]", "Pass\nNot Yet"),
            ("criteria[1][passing_level]", "Pass"),
            ("criteria[2][part]", "reflection"),
            ("criteria[2][criterion]", "The reflection names a change"),
            ("criteria[2][levels]", "Demonstrated\nProgressing\nNot Met"),
            ("criteria[2][passing_level]", "Demonstrated"),
        ]
    };
    let versions = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let credential = framework_store::microcredential_id(&db, "communication")
                .await
                .unwrap()
                .unwrap();
            microcredential_versions::Entity::find()
                .filter(microcredential_versions::Column::MicrocredentialId.eq(credential))
                .all(&db)
                .await
                .unwrap()
        }
    };

    // No review has used version 1: the edit changes it in place.
    let response = app
        .admin_post_form("/api/microcredential/save", &form("Names the audience"))
        .await;
    assert_eq!(response.status(), 200);
    let after_first = versions(&app).await;
    assert_eq!(after_first.len(), 1);
    assert!(after_first[0].definition.contains("Names the audience"));

    // A review uses version 1; the next edit creates version 2 and leaves 1 alone.
    app.record_review(after_first[0].id, reviewer, fellow).await;
    let response = app
        .admin_post_form(
            "/api/microcredential/save",
            &form("Names the audience and purpose"),
        )
        .await;
    assert_eq!(response.status(), 200);
    let mut after_second = versions(&app).await;
    after_second.sort_by_key(|version| version.version);
    assert_eq!(after_second.len(), 2);
    assert_eq!(
        after_second[0].definition, after_first[0].definition,
        "the reviewed version is unchanged"
    );
    assert!(after_second[1].definition.contains("audience and purpose"));
    let review = reviews::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(review.microcredential_version_id, after_first[0].id);

    // Saving the same definition again creates nothing.
    app.admin_post_form(
        "/api/microcredential/save",
        &form("Names the audience and purpose"),
    )
    .await;
    assert_eq!(versions(&app).await.len(), 2);

    // An import that changes the rubric of a reviewed version also makes a version.
    app.record_review(after_second[1].id, reviewer, fellow)
        .await;
    let text = export(&app).await.replace(
        "Names the audience and purpose",
        "Names audience, purpose and ask",
    );
    assert_eq!(import(&app, &text).await.status(), 200);
    assert_eq!(versions(&app).await.len(), 3);

    // A reviewed micro-credential keeps the competency it certifies.
    let mut moved: Value = serde_json::from_str(&export(&app).await).unwrap();
    moved["microcredentials"][0]["competency"] = "group-processes".into();
    let response = import(&app, &serde_json::to_string_pretty(&moved).unwrap()).await;
    assert_eq!(response.status(), 422);
    let message = error_message(response).await;
    assert!(
        message.contains("moves from competency \"communication\" to \"group-processes\""),
        "{message}"
    );
    let page = app
        .admin_get("/admin/microcredentials/communication?version=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("an earlier version") && page.contains("Names the audience"),
        "{page}"
    );

    // Bad editor input names the rows and saves nothing.
    let mut bad = form("x");
    bad.retain(|(name, _)| !name.starts_with("criteria[1]"));
    for field in bad
        .iter_mut()
        .filter(|(name, _)| *name == "questions[0][max_words]")
    {
        field.1 = "many";
    }
    let response = app.admin_post_form("/api/microcredential/save", &bad).await;
    assert_eq!(response.status(), 422);
    let message = error_message(response).await;
    assert!(
        message.contains(
            "Rubric, Part 2: artifacts: each part of the rubric needs at least one criterion"
        ),
        "{message}"
    );
    assert_eq!(versions(&app).await.len(), 3);
    app.stop().await;
}

/// Returns whether the first-term rule accepts `picks`, written independently of the
/// server's checker.
fn first_term_allowed(picks: &[i32], overarching: &[i32]) -> bool {
    picks.len() == 2 && picks[0] != picks[1] && picks.iter().all(|id| overarching.contains(id))
}

async fn saved_choices(
    app: &TestApp,
    cohort: i32,
    fellow: i32,
) -> Option<competency_choices::Model> {
    competency_choices::Entity::find()
        .filter(competency_choices::Column::CohortId.eq(cohort))
        .filter(competency_choices::Column::FellowUserId.eq(fellow))
        .one(&app.db)
        .await
        .unwrap()
}

async fn first_term_rules_hold_for_random_choice_sets(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (cohort, fellow_id) = arrange(&app).await;
    let fellow = app.signed_in_client("fellow@test.example").await;
    let framework = framework(&app).await;
    let overarching = ids_of(&framework, GroupKind::Overarching);
    let mut pool = overarching.clone();
    pool.extend(ids_of(&framework, GroupKind::Pathway));
    pool.extend(ids_of(&framework, GroupKind::Decc));
    pool.push(999_999);

    // Random picks of zero to four ids, repeats allowed, weighted toward overarching ones.
    let pick = prop_oneof![
        3 => proptest::sample::select(overarching.clone()),
        1 => proptest::sample::select(pool.clone()),
    ];
    // A third of the cases are two different overarching ids, which must pass, so every
    // run checks both outcomes.
    let strategy = prop_oneof![
        1 => proptest::sample::subsequence(overarching.clone(), 2),
        2 => proptest::collection::vec(pick, 0..=4),
    ];
    let mut runner = TestRunner::new(ProptestConfig::default());
    let mut accepted = 0;
    for case in 0..40 {
        let picks = strategy.new_tree(&mut runner).unwrap().current();
        let before = saved_choices(&app, cohort, fellow_id).await;
        let mut fields = vec![("cohort_id".to_owned(), cohort.to_string())];
        for (index, id) in picks.iter().enumerate() {
            fields.push((format!("overarching[{index}]"), id.to_string()));
        }
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let response = post_form_as(&fellow, &app.url("/api/choices/first-term"), &fields).await;
        let after = saved_choices(&app, cohort, fellow_id).await;
        if first_term_allowed(&picks, &overarching) {
            accepted += 1;
            assert_eq!(response.status(), 200, "case {case}: {picks:?} should pass");
            let row = after.expect("saved");
            assert_eq!(
                (row.overarching_first_id, row.overarching_second_id),
                (Some(picks[0]), Some(picks[1]))
            );
        } else {
            assert_eq!(response.status(), 422, "case {case}: {picks:?} should fail");
            let message = error_message(response).await;
            // The first pick that is not overarching decides the message.
            let first_stray = picks.iter().find(|id| !overarching.contains(id));
            let expected = if let Some(stray) = first_stray {
                if pool[..pool.len() - 1].contains(stray) {
                    "is not an overarching competency"
                } else {
                    "is not in the framework"
                }
            } else if picks.len() < 2 {
                "Choose two overarching competencies"
            } else if picks.len() > 2 {
                "Choose exactly two"
            } else {
                "twice"
            };
            assert!(
                message.contains(expected),
                "case {case}: {picks:?} gave {message:?}, wanted {expected:?}"
            );
            assert_eq!(after, before, "a refused choice changed the saved one");
        }
    }
    assert!(accepted > 0, "the random sets included no valid choice");
    app.stop().await;
}

async fn second_term_rules_hold_for_random_choice_sets(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (cohort, fellow_id) = arrange(&app).await;
    let fellow = app.signed_in_client("fellow@test.example").await;
    let framework = framework(&app).await;
    let pathway_groups: Vec<i32> = framework
        .groups_of(GroupKind::Pathway)
        .map(|g| g.id)
        .collect();
    let all_groups: Vec<i32> = framework.groups.iter().map(|g| g.id).collect();
    let pathway_competencies = ids_of(&framework, GroupKind::Pathway);
    let decc = ids_of(&framework, GroupKind::Decc);
    let all: Vec<i32> = framework
        .groups
        .iter()
        .flat_map(|g| g.competencies.iter().map(|c| c.id))
        .collect();
    let group_of = |id: i32| framework.competency(id).map(|c| c.group_id);

    let optional =
        |values: Vec<i32>| proptest::option::weighted(0.9, proptest::sample::select(values));
    let valid_pairs: Vec<(i32, i32)> = framework
        .groups_of(GroupKind::Pathway)
        .flat_map(|group| group.competencies.iter().map(|c| (group.id, c.id)))
        .collect();
    // Coherent picks, some of them valid, mixed with arbitrary ones.
    let strategy = prop_oneof![
        1 => (proptest::sample::select(valid_pairs), proptest::sample::select(decc.clone()))
            .prop_map(|((group, competency), focus)| (Some(group), Some(competency), Some(focus))),
        2 => (
            optional(pathway_groups.iter().copied().chain(all_groups.iter().copied()).collect()),
            optional(pathway_competencies.iter().copied().chain(all.iter().copied()).collect()),
            optional(decc.iter().copied().chain(all.iter().copied()).collect()),
        ),
    ];
    let mut runner = TestRunner::new(ProptestConfig::default());
    let mut accepted = 0;
    for case in 0..40 {
        let (pathway, competency, focus) = strategy.new_tree(&mut runner).unwrap().current();
        let text = |value: Option<i32>| value.map(|id| id.to_string()).unwrap_or_default();
        let before = saved_choices(&app, cohort, fellow_id).await;
        let response = post_form_as(
            &fellow,
            &app.url("/api/choices/second-term"),
            &[
                ("cohort_id", &cohort.to_string()),
                ("pathway", &text(pathway)),
                ("pathway_competency", &text(competency)),
                ("decc", &text(focus)),
            ],
        )
        .await;
        let expected = match (pathway, competency, focus) {
            (None, _, _) => Err("Choose a pathway"),
            (Some(p), _, _) if !pathway_groups.contains(&p) => Err("not one of the pathways"),
            (_, None, _) => Err("Choose one competency from the"),
            (Some(p), Some(c), _) if group_of(c) != Some(p) => {
                Err("pathway. Choose a competency from that pathway")
            }
            (_, _, None) => Err("Choose one diversity, equity and cultural competence"),
            (_, _, Some(d)) if !decc.contains(&d) => Err("is not a DECC focus area"),
            _ => Ok(()),
        };
        let after = saved_choices(&app, cohort, fellow_id).await;
        match expected {
            Ok(()) => {
                accepted += 1;
                assert_eq!(response.status(), 200, "case {case}");
                let row = after.expect("saved");
                assert_eq!(
                    (
                        row.pathway_group_id,
                        row.pathway_competency_id,
                        row.decc_competency_id
                    ),
                    (pathway, competency, focus)
                );
            }
            Err(wanted) => {
                assert_eq!(
                    response.status(),
                    422,
                    "case {case}: {pathway:?} {competency:?} {focus:?}"
                );
                let message = error_message(response).await;
                assert!(
                    message.contains(wanted),
                    "case {case}: {message:?} lacks {wanted:?}"
                );
                assert_eq!(after, before);
            }
        }
    }
    assert!(accepted > 0, "the random sets included no valid choice");
    app.stop().await;
}

async fn lock_term(app: &TestApp, cohort: i32, position: i32, at: chrono::DateTime<chrono::Utc>) {
    let term = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(cohort))
        .filter(terms::Column::Position.eq(position))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    terms::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(term.id),
        choices_lock_at: Set(Some(at)),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
}

async fn locked_choices_change_only_by_staff_with_a_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (cohort, fellow_id) = arrange(&app).await;
    let overarching = ids_of(&framework(&app).await, GroupKind::Overarching);
    let fellow = app.signed_in_client("fellow@test.example").await;
    let cohort_text = cohort.to_string();
    let pick = |a: usize, b: usize| {
        vec![
            ("overarching[0]".to_owned(), overarching[a].to_string()),
            ("overarching[1]".to_owned(), overarching[b].to_string()),
        ]
    };
    let post = |client: &reqwest::Client, path: &str, extra: Vec<(String, String)>| {
        let mut fields = vec![("cohort_id".to_owned(), cohort_text.clone())];
        fields.extend(extra);
        let client = client.clone();
        let url = app.url(path);
        async move {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            post_form_as(&client, &url, &fields).await
        }
    };
    assert_eq!(
        post(&fellow, "/api/choices/first-term", pick(0, 1))
            .await
            .status(),
        200
    );

    lock_term(
        &app,
        cohort,
        1,
        chrono::Utc::now() - chrono::Duration::hours(1),
    )
    .await;
    let refused = post(&fellow, "/api/choices/first-term", pick(2, 3)).await;
    assert_eq!(refused.status(), 409);
    let message = error_message(refused).await;
    assert!(
        message.contains("locked on") && message.contains("ask your facilitator"),
        "{message}"
    );
    // The second term is not locked yet.
    let framework = framework(&app).await;
    let pathway = framework.groups_of(GroupKind::Pathway).next().unwrap();
    let decc = ids_of(&framework, GroupKind::Decc);
    let second = vec![
        ("pathway".to_owned(), pathway.id.to_string()),
        (
            "pathway_competency".to_owned(),
            pathway.competencies[0].id.to_string(),
        ),
        ("decc".to_owned(), decc[0].to_string()),
    ];
    assert_eq!(
        post(&fellow, "/api/choices/second-term", second)
            .await
            .status(),
        200
    );

    let staff_change = |reason: &str| {
        let mut extra = pick(2, 3);
        extra.push(("fellow_id".to_owned(), fellow_id.to_string()));
        extra.push(("term".to_owned(), "1".to_owned()));
        extra.push(("reason".to_owned(), reason.to_owned()));
        extra
    };
    let coach = app.signed_in_client("coach@test.example").await;
    assert_eq!(
        post(
            &coach,
            "/api/choices/change",
            staff_change("Coach tries a change")
        )
        .await
        .status(),
        403
    );
    let facilitator = app.signed_in_client("facilitator@test.example").await;
    let no_reason = post(&facilitator, "/api/choices/change", staff_change("  ")).await;
    assert_eq!(no_reason.status(), 422);
    assert!(
        error_message(no_reason)
            .await
            .contains("Write why they must change")
    );
    let bad_pick = {
        let mut extra = staff_change("Fellow changed school placement");
        extra[1].1 = overarching[2].to_string();
        extra
    };
    assert_eq!(
        post(&facilitator, "/api/choices/change", bad_pick)
            .await
            .status(),
        422,
        "staff changes follow the choice rules too"
    );
    let changed = post(
        &facilitator,
        "/api/choices/change",
        staff_change("Fellow changed school placement"),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let row = saved_choices(&app, cohort, fellow_id).await.unwrap();
    assert_eq!(row.overarching_first_id, Some(overarching[2]));
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("choices_changed_by_staff"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the change is audited");
    assert!(
        audit.details.contains("Fellow changed school placement"),
        "{}",
        audit.details
    );

    // A facilitator of another cohort cannot change this one's choices.
    let other = app.create_cohort("Elsewhere").await;
    app.create_user("other@test.example", false, &[(other, Role::Facilitator)])
        .await;
    let outsider = app.signed_in_client("other@test.example").await;
    assert_eq!(
        post(
            &outsider,
            "/api/choices/change",
            staff_change("Not my cohort at all")
        )
        .await
        .status(),
        403
    );
    app.stop().await;
}

async fn deadlines_utc_and_dst_gaps_rejected(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (cohort, _) = arrange(&app).await;
    let term = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(cohort))
        .filter(terms::Column::Position.eq(1))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let term_id = term.id.to_string();
    let starts_on = term.starts_on.to_string();
    let ends_on = term.ends_on.to_string();
    // Choices may not lock after their term ends, so the lock times below go on the
    // last term, stretched to cover the daylight-saving dates of 2027.
    let last_term = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(cohort))
        .filter(terms::Column::Position.eq(2))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let owned_app = app;
    let app = &owned_app;
    let save = |date: &'static str, time: &'static str, offset: &'static str| {
        let term_id = last_term.id.to_string();
        let (starts_on, ends_on) = (last_term.starts_on.to_string(), "2099-12-31".to_owned());
        async move {
            app.admin_post_form(
                "/api/cohort/term",
                &[
                    ("term_id", &term_id),
                    ("season", "spring"),
                    ("starts_on", &starts_on),
                    ("ends_on", &ends_on),
                    ("lock_date", date),
                    ("lock_time", time),
                    ("lock_offset", offset),
                ],
            )
            .await
        }
    };
    let stored = || async {
        terms::Entity::find_by_id(last_term.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
    };

    let gap = save("2027-03-14", "02:30", "").await;
    assert_eq!(gap.status(), 422);
    let message = error_message(gap).await;
    assert!(
        message.contains("does not exist in America/New_York"),
        "{message}"
    );
    assert!(
        message.contains("1:59 AM EST (UTC-05:00)") && message.contains("3:00 AM EDT (UTC-04:00)"),
        "{message}"
    );

    let twice = save("2027-11-07", "01:30", "").await;
    assert_eq!(twice.status(), 422);
    assert!(error_message(twice).await.contains("happens twice"));
    let unchanged = stored().await;
    assert_eq!(
        unchanged.choices_lock_at, last_term.choices_lock_at,
        "refused times change nothing"
    );

    assert_eq!(save("2027-11-07", "01:30", "-05:00").await.status(), 200);
    let saved = stored().await;
    assert_eq!(
        saved.choices_lock_at.unwrap().to_rfc3339(),
        "2027-11-07T06:30:00+00:00"
    );
    assert_eq!(saved.choices_lock_zone.as_deref(), Some("America/New_York"));

    assert_eq!(save("2027-02-10", "17:00", "").await.status(), 200);
    assert_eq!(
        stored().await.choices_lock_at.unwrap().to_rfc3339(),
        "2027-02-10T22:00:00+00:00"
    );

    let bad_dates = app
        .admin_post_form(
            "/api/cohort/term",
            &[
                ("term_id", &term_id),
                ("season", "spring"),
                ("starts_on", "2027-05-31"),
                ("ends_on", "2027-01-15"),
                ("lock_date", ""),
                ("lock_time", ""),
            ],
        )
        .await;
    assert_eq!(bad_dates.status(), 422);
    assert!(
        error_message(bad_dates)
            .await
            .contains("ends (2027-01-15) before it starts")
    );

    // Terms keep their order and stay around their modules.
    let into_term_two = app
        .admin_post_form(
            "/api/cohort/term",
            &[
                ("term_id", &term_id),
                ("season", "spring"),
                ("starts_on", &starts_on),
                ("ends_on", "2099-01-01"),
                ("lock_date", ""),
                ("lock_time", ""),
            ],
        )
        .await;
    assert_eq!(into_term_two.status(), 422);
    assert!(
        error_message(into_term_two)
            .await
            .contains("would overlap term 2")
    );
    let late_lock = app
        .admin_post_form(
            "/api/cohort/term",
            &[
                ("term_id", &term_id),
                ("season", "spring"),
                ("starts_on", &starts_on),
                ("ends_on", &ends_on),
                ("lock_date", "2099-01-01"),
                ("lock_time", "17:00"),
            ],
        )
        .await;
    assert_eq!(late_lock.status(), 422);
    assert!(
        error_message(late_lock)
            .await
            .contains("after the term ends")
    );
    let shrunk = app
        .admin_post_form(
            "/api/cohort/term",
            &[
                ("term_id", &term_id),
                ("season", "spring"),
                ("starts_on", &ends_on),
                ("ends_on", &ends_on),
                ("lock_date", ""),
                ("lock_time", ""),
            ],
        )
        .await;
    assert_eq!(shrunk.status(), 422);
    assert!(
        error_message(shrunk)
            .await
            .contains("These modules have dates outside")
    );

    // Moving a module to another place renumbers the term's modules without ties.
    let modules = app::entities::modules::Entity::find()
        .filter(app::entities::modules::Column::TermId.eq(term.id))
        .all(&app.db)
        .await
        .unwrap();
    let learn = modules.iter().find(|m| m.name == "Learn").unwrap();
    let moved = app
        .admin_post_form(
            "/api/cohort/module",
            &[
                ("module_id", &learn.id.to_string()),
                ("name", "Learn"),
                ("position", "3"),
                ("opens_on", &learn.opens_on.unwrap().to_string()),
                ("due_date", ""),
                ("due_time", ""),
            ],
        )
        .await;
    assert_eq!(moved.status(), 200);
    let mut order: Vec<(i32, String)> = app::entities::modules::Entity::find()
        .filter(app::entities::modules::Column::TermId.eq(term.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.position, m.name))
        .collect();
    order.sort();
    let names: Vec<&str> = order.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(names, ["Design", "Do", "Learn", "Reflect"]);
    let positions: Vec<i32> = order.iter().map(|(position, _)| *position).collect();
    assert_eq!(positions, [1, 2, 3, 4]);

    // Each viewer sees the deadline in their own zone, with the zone named.
    let page = app
        .admin_get(&format!("/cohorts/{cohort}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Wed, Feb 10, 2027, 5:00 PM EST (America/New_York)"),
        "{page}"
    );
    let fellow = app.signed_in_client("fellow@test.example").await;
    let zone = post_form_as(
        &fellow,
        &app.url("/api/account/time-zone"),
        &[("time_zone", "america/los_angeles")],
    )
    .await;
    assert_eq!(zone.status(), 200);
    let fellow = app.signed_in_client("fellow@test.example").await;
    let page = fellow
        .get(app.url(&format!("/cohorts/{cohort}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Wed, Feb 10, 2027, 2:00 PM PST (America/Los_Angeles)"),
        "{page}"
    );
    assert!(
        page.contains("set as Wed, Feb 10, 2027, 5:00 PM EST (America/New_York)"),
        "{page}"
    );
    let bad_zone = post_form_as(
        &fellow,
        &app.url("/api/account/time-zone"),
        &[("time_zone", "Pacific Time")],
    )
    .await;
    assert_eq!(bad_zone.status(), 422);
    assert!(
        error_message(bad_zone)
            .await
            .contains("is not a time zone name")
    );

    // Changing the cohort's zone keeps deadlines already set.
    let details = app
        .admin_post_form(
            "/api/cohort/details",
            &[
                ("cohort_id", &cohort.to_string()),
                ("name", "Structure"),
                ("year", "2027"),
                ("affiliate", "Test affiliate"),
                ("time_zone", "America/Chicago"),
            ],
        )
        .await;
    assert_eq!(details.status(), 200);
    assert_eq!(
        stored().await.choices_lock_at.unwrap().to_rfc3339(),
        "2027-02-10T22:00:00+00:00"
    );

    // Saving the term again with the time as the form shows it (in the zone the lock
    // was entered in) keeps the same instant.
    assert_eq!(save("2027-02-10", "17:00", "").await.status(), 200);
    let resaved = stored().await;
    assert_eq!(
        resaved.choices_lock_at.unwrap().to_rfc3339(),
        "2027-02-10T22:00:00+00:00"
    );
    assert_eq!(
        resaved.choices_lock_zone.as_deref(),
        Some("America/New_York")
    );

    // Names people type are escaped in the page title as well as in the page.
    let hostile = "Ohio</title><meta http-equiv=\"refresh\" content=\"0;url=/x\">";
    let renamed = app
        .admin_post_form(
            "/api/cohort/details",
            &[
                ("cohort_id", &cohort.to_string()),
                ("name", hostile),
                ("year", "2027"),
                ("affiliate", ""),
                ("time_zone", "America/Chicago"),
            ],
        )
        .await;
    assert_eq!(renamed.status(), 200);
    let page = app
        .admin_get(&format!("/cohorts/{cohort}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<meta http-equiv"), "{page}");
    assert!(page.contains("Ohio&lt;/title&gt;"), "{page}");
    owned_app.stop().await;
}

async fn growth_ratings_keep_their_history(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (cohort, fellow_id) = arrange(&app).await;
    let overarching = ids_of(&framework(&app).await, GroupKind::Overarching);
    let fellow = app.signed_in_client("fellow@test.example").await;
    let cohort_text = cohort.to_string();
    let first = overarching[0].to_string();
    let rate = |client: reqwest::Client,
                fellow_field: String,
                competency: String,
                moment: &'static str,
                stage: &'static str| {
        let url = app.url("/api/growth/rate");
        let cohort_text = cohort_text.clone();
        async move {
            post_form_as(
                &client,
                &url,
                &[
                    ("cohort_id", &cohort_text),
                    ("fellow_id", &fellow_field),
                    ("competency_id", &competency),
                    ("moment", moment),
                    ("stage", stage),
                    ("note", "A note"),
                ],
            )
            .await
        }
    };
    let unchosen = rate(fellow.clone(), String::new(), first.clone(), "1-start", "1").await;
    assert_eq!(unchosen.status(), 422);
    assert!(
        error_message(unchosen)
            .await
            .contains("Choose competencies first")
    );

    post_form_as(
        &fellow,
        &app.url("/api/choices/first-term"),
        &[
            ("cohort_id", &cohort_text),
            ("overarching[0]", &first),
            ("overarching[1]", &overarching[1].to_string()),
        ],
    )
    .await;
    assert_eq!(
        rate(fellow.clone(), String::new(), first.clone(), "1-start", "1")
            .await
            .status(),
        200
    );
    assert_eq!(
        rate(fellow.clone(), String::new(), first.clone(), "1-start", "2")
            .await
            .status(),
        200
    );
    assert_eq!(
        rate(fellow.clone(), String::new(), first.clone(), "1-end", "3")
            .await
            .status(),
        200
    );
    for (moment, stage, wanted) in [
        ("1-start", "5", "Choose a stage"),
        ("1-start", "", "Choose a stage"),
        ("3-end", "2", "Choose when the rating is for"),
        ("2-end", "2", "Its end-of-term rating opens on"),
    ] {
        let response = rate(fellow.clone(), String::new(), first.clone(), moment, stage).await;
        assert_eq!(response.status(), 422);
        assert!(error_message(response).await.contains(wanted));
    }
    let not_chosen = rate(
        fellow.clone(),
        String::new(),
        overarching[5].to_string(),
        "1-start",
        "2",
    )
    .await;
    assert_eq!(not_chosen.status(), 422);

    let coach = app.signed_in_client("coach@test.example").await;
    assert_eq!(
        rate(
            coach.clone(),
            fellow_id.to_string(),
            first.clone(),
            "1-end",
            "2"
        )
        .await
        .status(),
        200
    );
    let facilitator = app.signed_in_client("facilitator@test.example").await;
    assert_eq!(
        rate(
            facilitator,
            fellow_id.to_string(),
            first.clone(),
            "1-end",
            "2"
        )
        .await
        .status(),
        403
    );

    let plan: Value = fellow
        .get(app.url(&format!("/api/plan?cohort_id={cohort}&fellow_id=")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ratings = plan["ratings"].as_array().unwrap();
    assert_eq!(ratings.len(), 4, "every rating is kept");
    assert_eq!(ratings.iter().filter(|r| r["by_coach"] == true).count(), 1);

    let page = fellow
        .get(app.url(&format!("/cohorts/{cohort}/competencies")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg"), "the page draws the chart");
    assert!(
        page.contains("Self-ratings: Term 1 start Developing, Term 1 end Performing. Coach and staff ratings: Term 1 end Developing."),
        "{page}"
    );
    let coach_page = coach
        .get(app.url(&format!("/cohorts/{cohort}/fellows/{fellow_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(coach_page.status(), 200);
    app.stop().await;
}

async fn failed_form_posts_keep_typed_values(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (cohort, _) = arrange(&app).await;
    let overarching = ids_of(&framework(&app).await, GroupKind::Overarching);
    let fellow = app.signed_in_client("fellow@test.example").await;
    let page_path = format!("/cohorts/{cohort}/competencies");
    let picked = overarching[3].to_string();

    // Without JavaScript, one ticked box is rejected and the page shows it still ticked.
    let page = app
        .rejected_form_page(
            &fellow,
            "/api/choices/first-term",
            &page_path,
            &[
                ("cohort_id", &cohort.to_string()),
                ("overarching[0]", &picked),
            ],
        )
        .await;
    assert!(page.contains("Choose two overarching competencies; you chose one."));
    let ticked = format!("value=\"{picked}\" checked");
    assert!(page.contains(&ticked), "the pick is shown again:\n{page}");

    // The kept values are for that one page view only.
    let again = fellow
        .get(app.url(&page_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&ticked));

    // The definition editor keeps every typed field after a rejected save.
    let admin = app.admin().await.clone();
    let page = app
        .rejected_form_page(
            &admin,
            "/api/microcredential/save",
            "/admin/microcredentials/communication",
            &[
                ("key", "communication"),
                ("title", "A title typed but not saved"),
                ("key_method", "Message mapping"),
                ("method_components", ""),
                ("research", ""),
                ("resources", ""),
                ("questions[0][prompt]", "Who is the audience?"),
                ("questions[0][min_words]", "250"),
                ("questions[0][max_words]", "lots"),
                ("reflection_prompt", "What changed?"),
            ],
        )
        .await;
    assert!(page.contains("The definition was not saved."), "{page}");
    assert!(
        page.contains("value=\"A title typed but not saved\""),
        "{page}"
    );
    assert!(page.contains("value=\"lots\""), "{page}");

    // A form body over 2 MB gets 413 and a message, not a server error.
    let huge = "x".repeat(3 * 1024 * 1024);
    let response = post_form_as(
        &fellow,
        &app.url("/api/growth/rate"),
        &[("cohort_id", &cohort.to_string()), ("note", &huge)],
    )
    .await;
    assert_eq!(response.status(), 413);
    app.stop().await;
}

async fn new_cohorts_take_a_time_zone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let bad = app
        .admin_post_form(
            "/api/cohorts/create",
            &[
                ("name", "Colorado"),
                ("year", "2028"),
                ("time_zone", "Mountain"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["Invalid"]["field"], "time_zone");

    let created = app
        .admin_post_form(
            "/api/cohorts/create",
            &[
                ("name", "Colorado"),
                ("year", "2028"),
                ("time_zone", "america/denver"),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let cohort = app::entities::cohorts::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cohort.time_zone, "America/Denver");
    let zones: Vec<Option<String>> = app::entities::modules::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|module| module.due_zone)
        .collect();
    assert_eq!(zones.len(), 8);
    assert!(
        zones
            .iter()
            .all(|zone| zone.as_deref() == Some("America/Denver"))
    );
    app.stop().await;
}
