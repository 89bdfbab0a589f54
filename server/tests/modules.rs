//! Learning modules, coaching and the inbox on SQLite and PostgreSQL. Materials are
//! sanitised and tracked per person. Assignment responses move between fellow and
//! facilitator without lost updates and feed micro-credential drafts. Coaching notes
//! stay with the pair. Notifications reach the inbox, and mail at once or in the daily
//! digest as each person chose.

mod common;

use app::auth::Role;
use app::entities::{
    assignments, coaching_meetings, coaching_sessions, cohorts, competency_choices,
    material_progress, microcredentials, notifications, outbox, submission_attempts, submissions,
};
use app::program::framework_store::{self, DEFAULT_TEMPLATE};
use common::{Backend, TestApp, post_form_as};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

on_both_backends!(
    materials_are_sanitised_and_tracked,
    assignment_responses_round_trip,
    coaching_notes_stay_with_the_pair,
    notifications_reach_inbox_mail_and_digest,
);

const FELLOW: &str = "fellow@modules.example";
const OTHER_FELLOW: &str = "classmate@modules.example";
const FACILITATOR: &str = "facilitator@modules.example";
const COACH: &str = "coach@modules.example";
const OTHER_COACH: &str = "othercoach@modules.example";
const OUTSIDER: &str = "outsider@modules.example";

struct World {
    app: TestApp,
    cohort: i32,
    module: i32,
    fellow: i32,
    other_fellow: i32,
    coach: i32,
}

async fn arrange(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let cohort = app.create_cohort("Modules").await;
    let elsewhere = app.create_cohort("Elsewhere").await;
    let module = app.schedule_first_term(cohort).await[0];
    let fellow = app
        .create_user(FELLOW, false, &[(cohort, Role::Fellow)])
        .await;
    let other_fellow = app
        .create_user(OTHER_FELLOW, false, &[(cohort, Role::Fellow)])
        .await;
    app.create_user(FACILITATOR, false, &[(cohort, Role::Facilitator)])
        .await;
    let coach = app
        .create_user(COACH, false, &[(cohort, Role::Coach)])
        .await;
    app.create_user(OTHER_COACH, false, &[(cohort, Role::Coach)])
        .await;
    app.create_user(OUTSIDER, false, &[(elsewhere, Role::Fellow)])
        .await;
    World {
        app,
        cohort,
        module,
        fellow,
        other_fellow,
        coach,
    }
}

async fn ok(client: &reqwest::Client, app: &TestApp, path: &str, fields: &[(&str, &str)]) {
    let response = post_form_as(client, &app.url(path), fields).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(
        status.is_redirection() || status.is_success(),
        "{path}: {status}: {text}"
    );
}

async fn refused(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    status: u16,
    needle: &str,
) {
    let response = post_form_as(client, &app.url(path), fields).await;
    let got = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{path}: {text}");
    assert!(
        text.contains(needle),
        "{path}: expected {needle:?} in {text}"
    );
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn materials_are_sanitised_and_tracked(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let staff = app.signed_in_client(FACILITATOR).await;
    let fellow = app.signed_in_client(FELLOW).await;
    let cohort = world.cohort.to_string();
    let module = world.module.to_string();
    let module_path = format!("/cohorts/{cohort}/modules/{module}");

    ok(
        &staff,
        app,
        "/api/module/material",
        &[
            ("cohort_id", &cohort),
            ("module_id", &module),
            ("kind", "text"),
            ("title", "Leading from the classroom"),
            (
                "body",
                "Read **this** first.\n\n<script>alert('x')</script><img src=x onerror=alert(1)>[bad](javascript:alert(2))",
            ),
        ],
    )
    .await;
    refused(
        &staff,
        app,
        "/api/module/material",
        &[
            ("cohort_id", &cohort),
            ("module_id", &module),
            ("kind", "link"),
            ("title", "A link"),
            ("url", "javascript:alert(1)"),
        ],
        422,
        "https://",
    )
    .await;
    refused(
        &staff,
        app,
        "/api/module/material",
        &[
            ("cohort_id", &cohort),
            ("module_id", &module),
            ("kind", "text"),
            ("title", ""),
            ("body", "Some text"),
        ],
        422,
        "title",
    )
    .await;
    refused(
        &fellow,
        app,
        "/api/module/material",
        &[
            ("cohort_id", &cohort),
            ("module_id", &module),
            ("kind", "text"),
            ("title", "Mine"),
            ("body", "Text"),
        ],
        403,
        "Forbidden",
    )
    .await;
    // A preview returns the rendered text without saving anything.
    refused(
        &staff,
        app,
        "/api/module/material",
        &[
            ("cohort_id", &cohort),
            ("module_id", &module),
            ("kind", "video"),
            ("title", "A talk"),
            ("url", "https://video.example.org/talk"),
            ("preview", "1"),
        ],
        422,
        "Preview",
    )
    .await;
    let materials = app::entities::module_materials::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(materials.len(), 1, "only the valid material was saved");

    let (status, html) = page(&fellow, app, &module_path).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<strong>this</strong>"), "Markdown renders");
    assert!(!html.contains("<script>alert"), "scripts are removed");
    assert!(!html.contains("<img"), "raw HTML does not become elements");
    assert!(
        !html.contains("href=\"javascript:"),
        "script links are removed"
    );
    assert!(html.contains("finished 0 of 1"));

    let material = materials[0].id.to_string();
    for _ in 0..2 {
        ok(
            &fellow,
            app,
            "/api/module/material/done",
            &[("material_id", &material), ("done", "true")],
        )
        .await;
    }
    assert_eq!(
        material_progress::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        1,
        "marking twice keeps one row"
    );
    let (_, html) = page(&fellow, app, &module_path).await;
    assert!(html.contains("finished 1 of 1"), "{html}");
    let (_, html) = page(&staff, app, &module_path).await;
    assert!(html.contains("Done by 1 of 2 fellows"), "{html}");

    let outsider = app.signed_in_client(OUTSIDER).await;
    let (status, _) = page(&outsider, app, &module_path).await;
    assert_eq!(
        status, 403,
        "a member of another cohort cannot read the module"
    );
    let (status, _) = page(&outsider, app, &format!("/materials/{material}/file")).await;
    assert_eq!(status, 404);
    let (status, _) = page(&fellow, app, &format!("/cohorts/{cohort}/modules/999999")).await;
    assert_eq!(status, 404);
    let (status, _) = page(&fellow, app, &format!("{module_path}/edit")).await;
    assert_eq!(status, 403, "fellows do not edit modules");

    // A file material goes through the upload type check and is served to members.
    let upload = |client: &reqwest::Client, name: &'static str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("title", "Reading packet")
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        client
            .post(app.url(&format!("{module_path}/materials/upload")))
            .multipart(form)
            .send()
    };
    let response = upload(
        &staff,
        "page.html",
        b"<html><script>1</script></html>".to_vec(),
    )
    .await
    .unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("upload_error=type"), "{location}");
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let response = upload(&staff, "packet.pdf", pdf.clone()).await.unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("done=material_saved"), "{location}");
    let file = app::entities::module_materials::Entity::find()
        .filter(app::entities::module_materials::Column::Kind.eq("file"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the file material was recorded");
    let response = fellow
        .get(app.url(&format!("/materials/{}/file", file.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let response = upload(&fellow, "packet.pdf", pdf).await.unwrap();
    assert_eq!(response.status(), 403, "fellows do not upload materials");
}

async fn assignment_responses_round_trip(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).expect("the template is valid");
    framework_store::import(&app.db, &file, None)
        .await
        .expect("import the template");
    let staff = app.signed_in_client(FACILITATOR).await;
    let fellow = app.signed_in_client(FELLOW).await;
    let cohort = world.cohort.to_string();
    let module = world.module.to_string();

    refused(
        &staff,
        app,
        "/api/module/assignment",
        &[
            ("cohort_id", &cohort),
            ("module_id", &module),
            ("title", "Leadership story"),
            ("instructions", "Write your leadership story."),
            ("due_date", "2027-03-14"),
            ("due_time", "02:30"),
        ],
        422,
        "does not exist",
    )
    .await;
    ok(
        &staff,
        app,
        "/api/module/assignment",
        &[
            ("cohort_id", &cohort),
            ("module_id", &module),
            ("title", "Leadership story"),
            ("instructions", "Write your leadership story."),
            ("due_date", "2027-03-20"),
            ("due_time", "17:00"),
            ("feeds_part", "reflection"),
        ],
    )
    .await;
    let assignment = assignments::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("the assignment was saved");
    assert_eq!(
        assignment.due_at.unwrap().to_rfc3339(),
        "2027-03-20T21:00:00+00:00",
        "5 PM in New York after the clocks change is 21:00 UTC"
    );
    let id = assignment.id.to_string();

    ok(
        &fellow,
        app,
        "/api/assignment/response",
        &[
            ("assignment_id", &id),
            ("version", "0"),
            ("body", "My story began in a small classroom."),
        ],
    )
    .await;
    refused(
        &fellow,
        app,
        "/api/assignment/response",
        &[
            ("assignment_id", &id),
            ("version", "0"),
            ("body", "An older tab's text"),
        ],
        409,
        "another tab",
    )
    .await;
    let other = app.signed_in_client(OTHER_FELLOW).await;
    refused(
        &other,
        app,
        "/api/assignment/response",
        &[
            ("assignment_id", &id),
            ("version", "0"),
            ("body", ""),
            ("hand_in", "1"),
        ],
        422,
        "Write your response",
    )
    .await;
    ok(
        &fellow,
        app,
        "/api/assignment/response",
        &[
            ("assignment_id", &id),
            ("version", "1"),
            ("body", "My story began in a small classroom."),
            ("hand_in", "1"),
        ],
    )
    .await;
    refused(
        &fellow,
        app,
        "/api/assignment/response",
        &[
            ("assignment_id", &id),
            ("version", "2"),
            ("body", "Changed after handing in"),
        ],
        409,
        "no longer be changed",
    )
    .await;

    let response = app::modules::store::response_of(&app.db, assignment.id, world.fellow)
        .await
        .unwrap()
        .unwrap();
    let response_id = response.id.to_string();
    refused(
        &staff,
        app,
        "/api/assignment/decide",
        &[
            ("response_id", &response_id),
            ("version", &response.version.to_string()),
            ("outcome", "return"),
            ("feedback", " "),
        ],
        422,
        "what to revise",
    )
    .await;
    refused(
        &fellow,
        app,
        "/api/assignment/decide",
        &[
            ("response_id", &response_id),
            ("version", &response.version.to_string()),
            ("outcome", "complete"),
        ],
        403,
        "Forbidden",
    )
    .await;
    ok(
        &staff,
        app,
        "/api/assignment/decide",
        &[
            ("response_id", &response_id),
            ("version", &response.version.to_string()),
            ("outcome", "return"),
            ("feedback", "Add one example from this year."),
        ],
    )
    .await;
    let notes = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(world.fellow))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(notes.len(), 1, "the fellow is notified of the return");
    assert!(notes[0].title.contains("returned"), "{}", notes[0].title);
    let (_, html) = page(&fellow, app, &format!("/assignments/{id}")).await;
    assert!(html.contains("Add one example from this year."), "{html}");
    assert!(html.contains("Returned for revision"));

    // Handed in again and marked complete without a new comment, the response keeps
    // the comment the fellow revised to.
    let returned = app::modules::store::response_of(&app.db, assignment.id, world.fellow)
        .await
        .unwrap()
        .unwrap();
    ok(
        &fellow,
        app,
        "/api/assignment/response",
        &[
            ("assignment_id", &id),
            ("version", &returned.version.to_string()),
            (
                "body",
                "My story began in a small classroom. This year I led a team.",
            ),
            ("hand_in", "1"),
        ],
    )
    .await;
    let revised = app::modules::store::response_of(&app.db, assignment.id, world.fellow)
        .await
        .unwrap()
        .unwrap();
    ok(
        &staff,
        app,
        "/api/assignment/decide",
        &[
            ("response_id", &response_id),
            ("version", &revised.version.to_string()),
            ("outcome", "complete"),
            ("feedback", ""),
        ],
    )
    .await;
    let completed = app::modules::store::response_of(&app.db, assignment.id, world.fellow)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(completed.state, "complete");
    assert_eq!(
        completed.feedback.as_deref(),
        Some("Add one example from this year.")
    );

    // The response goes into the reflection of a chosen micro-credential's draft.
    let credential = microcredentials::Entity::find()
        .filter(microcredentials::Column::Key.eq("communication"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the template has a communication micro-credential");
    refused(
        &fellow,
        app,
        "/api/assignment/copy",
        &[
            ("assignment_id", &id),
            ("target", &credential.id.to_string()),
        ],
        422,
        "your own micro-credentials",
    )
    .await;
    competency_choices::ActiveModel {
        cohort_id: Set(world.cohort),
        fellow_user_id: Set(world.fellow),
        overarching_first_id: Set(Some(credential.competency_id)),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    ok(
        &fellow,
        app,
        "/api/assignment/copy",
        &[
            ("assignment_id", &id),
            ("target", &credential.id.to_string()),
        ],
    )
    .await;
    let draft = submissions::Entity::find()
        .filter(submissions::Column::FellowUserId.eq(world.fellow))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the draft was opened");
    let content = app::portfolio::submission_store::decode(&draft.draft_content);
    assert_eq!(
        content.reflection,
        "My story began in a small classroom. This year I led a team."
    );
}

async fn coaching_notes_stay_with_the_pair(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let staff = app.signed_in_client(FACILITATOR).await;
    let coach = app.signed_in_client(COACH).await;
    let other_coach = app.signed_in_client(OTHER_COACH).await;
    let fellow = app.signed_in_client(FELLOW).await;
    let classmate = app.signed_in_client(OTHER_FELLOW).await;
    let cohort = world.cohort.to_string();
    let fellow_id = world.fellow.to_string();

    refused(
        &staff,
        app,
        "/api/coaching/pair",
        &[
            ("cohort_id", &cohort),
            ("fellow_id", &fellow_id),
            ("coach_id", &world.other_fellow.to_string()),
        ],
        422,
        "coaches",
    )
    .await;
    refused(
        &coach,
        app,
        "/api/coaching/pair",
        &[
            ("cohort_id", &cohort),
            ("fellow_id", &fellow_id),
            ("coach_id", &world.coach.to_string()),
        ],
        403,
        "Forbidden",
    )
    .await;
    ok(
        &staff,
        app,
        "/api/coaching/pair",
        &[
            ("cohort_id", &cohort),
            ("fellow_id", &fellow_id),
            ("coach_id", &world.coach.to_string()),
        ],
    )
    .await;

    let schedule = |date: &str, time: &'static str| {
        vec![
            ("cohort_id", cohort.clone()),
            ("fellow_id", fellow_id.clone()),
            ("date", date.to_owned()),
            ("time", time.to_owned()),
            ("duration", "45".to_owned()),
            ("place", "Room 12".to_owned()),
        ]
    };
    let gap = schedule("2027-03-14", "02:30");
    refused(
        &coach,
        app,
        "/api/coaching/schedule",
        &as_refs(&gap),
        422,
        "does not exist",
    )
    .await;
    let too_old = schedule("2020-01-06", "16:00");
    refused(
        &coach,
        app,
        "/api/coaching/schedule",
        &as_refs(&too_old),
        422,
        "more than 30 days ago",
    )
    .await;
    // A session held two days ago, recorded afterwards.
    let two_days_ago = (chrono::Utc::now() - chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let good = schedule(&two_days_ago, "16:00");
    refused(
        &other_coach,
        app,
        "/api/coaching/schedule",
        &as_refs(&good),
        403,
        "Forbidden",
    )
    .await;
    ok(&coach, app, "/api/coaching/schedule", &as_refs(&good)).await;
    let session = coaching_sessions::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("the session was scheduled");
    let session_id = session.id.to_string();
    let future = schedule("2031-04-07", "16:00");
    ok(&coach, app, "/api/coaching/schedule", &as_refs(&future)).await;
    let upcoming = coaching_sessions::Entity::find()
        .filter(coaching_sessions::Column::Id.ne(session.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the upcoming session was scheduled");
    refused(
        &coach,
        app,
        "/api/coaching/log",
        &[
            ("session_id", &upcoming.id.to_string()),
            ("outcome", "held"),
            ("notes", "Early"),
        ],
        422,
        "has not started yet",
    )
    .await;
    const SECRET: &str = "Talked through the hard parent meeting";
    refused(
        &other_coach,
        app,
        "/api/coaching/log",
        &[
            ("session_id", &session_id),
            ("outcome", "held"),
            ("notes", "Someone else's notes"),
        ],
        403,
        "Forbidden",
    )
    .await;
    refused(
        &coach,
        app,
        "/api/coaching/log",
        &[
            ("session_id", &session_id),
            ("outcome", "finished"),
            ("notes", SECRET),
        ],
        422,
        "Choose held",
    )
    .await;
    ok(
        &coach,
        app,
        "/api/coaching/log",
        &[
            ("session_id", &session_id),
            ("outcome", "held"),
            ("notes", SECRET),
        ],
    )
    .await;

    let (_, html) = page(&coach, app, "/coaching").await;
    assert!(html.contains(SECRET), "the coach reads the notes");
    let (_, html) = page(&fellow, app, "/coaching").await;
    assert!(html.contains(SECRET), "the fellow reads the notes");
    for (who, client) in [
        ("another coach", &other_coach),
        ("a classmate", &classmate),
        ("the facilitator", &staff),
        ("an administrator", app.admin().await),
    ] {
        for path in [
            "/coaching".to_owned(),
            "/api/coaching".to_owned(),
            format!("/cohorts/{cohort}/coaching"),
            format!("/cohorts/{cohort}/fellows"),
            "/admin/audit".to_owned(),
        ] {
            let (_, body) = page(client, app, &path).await;
            assert!(!body.contains(SECRET), "{who} read the notes at {path}");
        }
    }
    let (_, html) = page(&staff, app, &format!("/cohorts/{cohort}/coaching")).await;
    assert!(html.contains("Test coach@modules.example"), "{html}");

    // A fellow with a not-yet decision waits for a coaching meeting; a held session
    // counts as that meeting.
    cohorts::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(world.cohort),
        not_yet_before_coaching: Set(1),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).expect("the template is valid");
    framework_store::import(&app.db, &file, None).await.unwrap();
    let credential = microcredentials::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let version = app::entities::microcredential_versions::Entity::find()
        .filter(
            app::entities::microcredential_versions::Column::MicrocredentialId.eq(credential.id),
        )
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let now = chrono::Utc::now();
    let submission = submissions::ActiveModel {
        cohort_id: Set(world.cohort),
        fellow_user_id: Set(world.fellow),
        microcredential_id: Set(credential.id),
        state: Set("not_yet".into()),
        attempts: Set(1),
        draft_version: Set(2),
        draft_content: Set("{}".into()),
        draft_saved_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    submission_attempts::ActiveModel {
        submission_id: Set(submission.id),
        number: Set(1),
        microcredential_version_id: Set(version.id),
        draft_version: Set(1),
        content: Set("{}".into()),
        submitted_at: Set(now),
        late: Set(false),
        outcome: Set(Some("not_yet".into())),
        decided_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    assert!(
        app::portfolio::submission_store::coaching_due(&app.db, &submission)
            .await
            .unwrap()
    );
    let (_, html) = page(&fellow, app, "/coaching").await;
    assert!(
        html.contains("Meet your coach before your next attempt"),
        "{html}"
    );
    refused(
        &coach,
        app,
        "/api/coaching/log",
        &[
            ("session_id", &session_id),
            ("outcome", "missed"),
            ("notes", SECRET),
            ("submission_id", &submission.id.to_string()),
        ],
        422,
        "Only a session that was held",
    )
    .await;
    ok(
        &coach,
        app,
        "/api/coaching/log",
        &[
            ("session_id", &session_id),
            ("outcome", "held"),
            ("notes", SECRET),
            ("submission_id", &submission.id.to_string()),
        ],
    )
    .await;
    assert_eq!(
        coaching_meetings::Entity::find()
            .filter(coaching_meetings::Column::SubmissionId.eq(submission.id))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    let meeting = coaching_meetings::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !meeting.notes.contains(SECRET),
        "the private notes stay in the session"
    );
    assert!(
        !app::portfolio::submission_store::coaching_due(&app.db, &submission)
            .await
            .unwrap(),
        "the logged session counts as the required meeting"
    );
}

async fn notifications_reach_inbox_mail_and_digest(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let fellow = app.signed_in_client(FELLOW).await;
    let other = app.signed_in_client(OTHER_FELLOW).await;
    refused(
        &fellow,
        app,
        "/api/inbox/preferences",
        &[
            ("mention", "sometimes"),
            ("reply", "digest"),
            ("assignment", "digest"),
            ("schedule", "digest"),
            ("coaching", "digest"),
        ],
        422,
        "Choose how",
    )
    .await;
    ok(
        &fellow,
        app,
        "/api/inbox/preferences",
        &[
            ("mention", "at_once"),
            ("reply", "digest"),
            ("assignment", "digest"),
            ("schedule", "never"),
            ("coaching", "digest"),
        ],
    )
    .await;
    let settings = app::mail::MailSettings {
        from: "TLI Hub <hub@test.example>".into(),
        smtp_url: None,
    };
    let mail = app::mail::Notifier {
        settings: &settings,
        public_url: "https://hub.test.example",
    };
    let both = [world.fellow, world.other_fellow, world.fellow];
    for (kind, title) in [
        (app::notify::Kind::Mention, "Ana mentioned you"),
        (app::notify::Kind::Schedule, "The Learn workshop moved"),
        (app::notify::Kind::Reply, "Ana replied to your post"),
    ] {
        app::notify::store::notify(
            &app.db,
            &mail,
            &both,
            app::notify::store::Note {
                kind,
                title,
                link: "/inbox",
            },
        )
        .await
        .unwrap();
    }
    let sent_to = |address: &'static str| async move {
        outbox::Entity::find()
            .filter(outbox::Column::ToAddress.eq(address))
            .all(&app.db)
            .await
            .unwrap()
    };
    let at_once = sent_to(FELLOW).await;
    assert_eq!(at_once.len(), 1, "only the mention is mailed at once");
    assert_eq!(at_once[0].subject, "Ana mentioned you");
    assert!(
        sent_to(OTHER_FELLOW).await.is_empty(),
        "the default is the digest"
    );

    let (_, html) = page(&fellow, app, "/inbox").await;
    assert!(html.contains("3 unread"), "{html}");
    assert!(html.contains("The Learn workshop moved"));

    let now = chrono::Utc::now();
    let run = app::notify::store::send_digests(&app.db, &mail, now)
        .await
        .unwrap();
    assert_eq!(run.sent, 2, "one digest per person");
    let fellow_mail = sent_to(FELLOW).await;
    let digest = fellow_mail.last().unwrap();
    assert!(
        digest.body.contains("Ana replied to your post"),
        "{}",
        digest.body
    );
    assert!(
        !digest.body.contains("workshop moved"),
        "kinds set to inbox only stay out of the digest"
    );
    assert!(
        !digest.body.contains("mentioned you"),
        "mailed items are not repeated"
    );
    let classmate_mail = sent_to(OTHER_FELLOW).await;
    assert_eq!(classmate_mail.len(), 1);
    assert!(classmate_mail[0].subject.contains("3 new notifications"));

    let again = app::notify::store::send_digests(&app.db, &mail, now)
        .await
        .unwrap();
    assert_eq!(again.sent, 0, "nothing new, nothing sent");
    app::notify::store::notify(
        &app.db,
        &mail,
        &[world.other_fellow],
        app::notify::store::Note {
            kind: app::notify::Kind::Coaching,
            title: "Your coach scheduled a session",
            link: "/coaching",
        },
    )
    .await
    .unwrap();
    let soon = app::notify::store::send_digests(&app.db, &mail, now + chrono::Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(soon.sent, 0, "at most one digest a day");
    let next_day =
        app::notify::store::send_digests(&app.db, &mail, now + chrono::Duration::hours(25))
            .await
            .unwrap();
    assert_eq!(next_day.sent, 1);

    // Opening an entry marks it read and goes to its link; others' entries stay closed.
    let entry = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(world.fellow))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let response = other
        .get(app.url(&format!("/api/inbox/open?id={}", entry.id)))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        404,
        "another person's entry is not found"
    );
    let response = fellow
        .get(app.url(&format!("/api/inbox/open?id={}", entry.id)))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection());
    ok(&fellow, app, "/api/inbox/read-all", &[]).await;
    let unread = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(world.fellow))
        .filter(notifications::Column::ReadAt.is_null())
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(unread, 0);
}

fn as_refs<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs
        .iter()
        .map(|(key, value)| (*key, value.as_str()))
        .collect()
}
