//! Workshops, meetings, attendance and the calendar feed on SQLite and PostgreSQL.
//! The tests cover scheduling with time-zone checks, editing and cancelling, taking
//! attendance twice, the self check-in window, and the feed's content, secrecy and
//! reset.

mod common;

use app::auth::Role;
use app::entities::{attendance, audit_log, coaching_sessions, events, notifications, users};
use app::events::input::EventInput;
use app::events::{EventKind, store as event_store};
use chrono::{Duration, Utc};
use common::{Backend, TestApp, post_form_as};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::Value;

on_both_backends!(
    workshop_scheduling_checks_input,
    edit_and_cancel_grow_sequence,
    schedule_page_shows_both_zones,
    attendance_taken_twice_updates_rows,
    attendance_rejects_bad_marks,
    self_check_in_follows_window,
    feed_lists_own_events_and_sessions,
    feed_reset_retires_old_address,
    upcoming_for_modules_skips_ended,
);

const FACILITATOR: &str = "facilitator@events.example";
const FELLOW: &str = "fellow@events.example";
const SECOND_FELLOW: &str = "second@events.example";
const COACH: &str = "coach@events.example";
const OUTSIDER: &str = "outsider@events.example";

struct World {
    app: TestApp,
    cohort: i32,
    other_cohort: i32,
    /// The first term's Learn module of `cohort`.
    module: i32,
    facilitator_id: i32,
    fellow_id: i32,
    second_fellow_id: i32,
    coach_id: i32,
    outsider_id: i32,
}

/// Two cohorts in New York time: the main one with its default schedule, a
/// facilitator, two fellows and a coach, and another whose only member is a fellow.
async fn arrange(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let cohort = app.create_cohort("Events").await;
    let other_cohort = app.create_cohort("Elsewhere").await;
    let module = app.schedule_first_term(cohort).await[0];
    let facilitator_id = app
        .create_user(FACILITATOR, false, &[(cohort, Role::Facilitator)])
        .await;
    let fellow_id = app
        .create_user(FELLOW, false, &[(cohort, Role::Fellow)])
        .await;
    let second_fellow_id = app
        .create_user(SECOND_FELLOW, false, &[(cohort, Role::Fellow)])
        .await;
    let coach_id = app
        .create_user(COACH, false, &[(cohort, Role::Coach)])
        .await;
    let outsider_id = app
        .create_user(OUTSIDER, false, &[(other_cohort, Role::Fellow)])
        .await;
    World {
        app,
        cohort,
        other_cohort,
        module,
        facilitator_id,
        fellow_id,
        second_fellow_id,
        coach_id,
        outsider_id,
    }
}

/// Returns the fields of a valid workshop form for the Learn module, at 5:00 PM on
/// March 16, 2027 in New York.
fn workshop_form(world: &World) -> Vec<(&'static str, String)> {
    vec![
        ("cohort_id", world.cohort.to_string()),
        ("kind", "workshop".into()),
        ("module_id", world.module.to_string()),
        ("title", String::new()),
        ("date", "2027-03-16".into()),
        ("time", "17:00".into()),
        ("offset", String::new()),
        ("duration_minutes", "90".into()),
        ("join_url", "https://meet.example.org/learn".into()),
        ("check_in_minutes", "30".into()),
    ]
}

/// Schedules the workshop of [`workshop_form`] as `facilitator`.
async fn schedule_workshop(world: &World, facilitator: &reqwest::Client) {
    let saved = post(
        facilitator,
        world,
        "/api/events/create",
        &workshop_form(world),
    )
    .await;
    assert_eq!(saved.status(), 200);
}

fn with(
    form: &[(&'static str, String)],
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    form.iter()
        .map(|(name, value)| {
            let changed = changes.iter().find(|(field, _)| field == name);
            (
                *name,
                changed.map_or(value.clone(), |(_, new)| (*new).to_owned()),
            )
        })
        .collect()
}

async fn post(
    client: &reqwest::Client,
    world: &World,
    path: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = form
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    post_form_as(client, &world.app.url(path), &fields).await
}

/// Returns the message of a rejected JSON call, whatever its kind.
async fn rejection(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("a JSON error");
    let message = body["Invalid"]["message"]
        .as_str()
        .or_else(|| body["Conflict"].as_str())
        .or_else(|| body["NotFound"].as_str())
        .unwrap_or_default()
        .to_owned();
    (status, message)
}

async fn only_event(world: &World) -> events::Model {
    let mut rows = events::Entity::find()
        .filter(events::Column::CohortId.eq(world.cohort))
        .all(&world.app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.remove(0)
}

/// Stores an event of the main cohort that starts `from_now` from now.
async fn event_starting(world: &World, from_now: Duration, title: &str) -> events::Model {
    event_store::insert_event(
        &world.app.db,
        world.cohort,
        EventKind::Workshop,
        "America/New_York".parse().unwrap(),
        &EventInput {
            module_id: Some(world.module),
            title: title.to_owned(),
            starts_at: Utc::now() + from_now,
            duration_minutes: 90,
            join_url: Some("https://meet.example.org/learn".into()),
            location: None,
            check_in_minutes: 30,
        },
        Utc::now(),
    )
    .await
    .unwrap()
}

async fn workshop_scheduling_checks_input(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let facilitator = app.signed_in_client(FACILITATOR).await;
    let form = workshop_form(&world);

    // A time inside the spring gap: 2:30 AM does not exist in New York on March 14, 2027.
    let gap = post(
        &facilitator,
        &world,
        "/api/events/create",
        &with(&form, &[("date", "2027-03-14"), ("time", "02:30")]),
    )
    .await;
    let (status, message) = rejection(gap).await;
    assert_eq!(status, 422);
    assert!(
        message.contains("does not exist in America/New_York"),
        "{message}"
    );
    assert!(message.contains("3:00 AM EDT"), "{message}");

    // 1:30 AM happens twice on November 7, 2027; without an offset it is ambiguous.
    let repeated = post(
        &facilitator,
        &world,
        "/api/events/create",
        &with(&form, &[("date", "2027-11-07"), ("time", "01:30")]),
    )
    .await;
    let (status, message) = rejection(repeated).await;
    assert_eq!(status, 422);
    assert!(message.contains("happens twice"), "{message}");

    let plain_http = post(
        &facilitator,
        &world,
        "/api/events/create",
        &with(&form, &[("join_url", "http://meet.example.org/learn")]),
    )
    .await;
    let (status, message) = rejection(plain_http).await;
    assert_eq!(status, 422);
    assert!(message.contains("is not an https:// address"), "{message}");

    for minutes in ["14", "601"] {
        let length = post(
            &facilitator,
            &world,
            "/api/events/create",
            &with(&form, &[("duration_minutes", minutes)]),
        )
        .await;
        let (status, message) = rejection(length).await;
        assert_eq!(status, 422, "{minutes} minutes");
        assert!(message.contains("from 15 to 600"), "{minutes}: {message}");
    }

    let other_module = post(
        &facilitator,
        &world,
        "/api/events/create",
        &with(&form, &[("module_id", "999999")]),
    )
    .await;
    let (status, message) = rejection(other_module).await;
    assert_eq!(status, 422);
    assert!(message.contains("not one of this cohort"), "{message}");

    let placeless = post(
        &facilitator,
        &world,
        "/api/events/create",
        &with(
            &form,
            &[("kind", "meeting"), ("module_id", ""), ("join_url", "")],
        ),
    )
    .await;
    let (status, message) = rejection(placeless).await;
    assert_eq!(status, 422);
    assert!(message.contains("where the cohort meets"), "{message}");

    // Nothing was stored by the rejected posts.
    let stored = events::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(stored, 0);

    // Without the script, the rejection comes back on the schedule page.
    let page = app
        .rejected_form_page(
            &facilitator,
            "/api/events/create",
            &format!("/cohorts/{}/events", world.cohort),
            &with(&form, &[("date", "2027-03-14"), ("time", "02:30")])
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert!(
        page.contains("does not exist in America/New_York"),
        "{page}"
    );
    assert!(
        page.contains("value=\"02:30\""),
        "the typed time is shown again"
    );

    // Fellows and coaches may not schedule.
    for email in [FELLOW, COACH] {
        let client = app.signed_in_client(email).await;
        let response = post(&client, &world, "/api/events/create", &form).await;
        assert_eq!(response.status(), 403, "{email}");
    }

    // A repeated time with its offset chosen, and a valid workshop.
    let chosen = post(
        &facilitator,
        &world,
        "/api/events/create",
        &with(
            &form,
            &[
                ("date", "2027-11-07"),
                ("time", "01:30"),
                ("offset", "-05:00"),
                ("title", "Late-night Learn"),
            ],
        ),
    )
    .await;
    assert_eq!(chosen.status(), 200);
    let saved = post(&facilitator, &world, "/api/events/create", &form).await;
    assert_eq!(saved.status(), 200);
    let rows = events::Entity::find()
        .filter(events::Column::CohortId.eq(world.cohort))
        .all(&app.db)
        .await
        .unwrap();
    let late = rows
        .iter()
        .find(|row| row.title == "Late-night Learn")
        .unwrap();
    assert_eq!(late.starts_at.to_rfc3339(), "2027-11-07T06:30:00+00:00");
    let workshop = rows
        .iter()
        .find(|row| row.title == "Learn workshop")
        .expect("the default title");
    assert_eq!(workshop.starts_at.to_rfc3339(), "2027-03-16T21:00:00+00:00");
    assert_eq!(workshop.zone, "America/New_York");
    assert_eq!(workshop.kind, "workshop");
    assert_eq!(workshop.module_id, Some(world.module));
    assert_eq!(workshop.duration_minutes, 90);
    assert_eq!(workshop.sequence, 0);
    assert_eq!(
        workshop.join_url.as_deref(),
        Some("https://meet.example.org/learn")
    );

    // Members other than the facilitator got a schedule notification.
    let link = format!("/events/{}", workshop.id);
    for (user, expected) in [
        (world.fellow_id, 1),
        (world.coach_id, 1),
        (world.facilitator_id, 0),
        (world.outsider_id, 0),
    ] {
        let count = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(user))
            .filter(notifications::Column::Link.eq(link.as_str()))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(count, expected, "notifications of user {user}");
    }
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("event_scheduled"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 2);

    world.app.stop().await;
}

async fn edit_and_cancel_grow_sequence(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let facilitator = app.signed_in_client(FACILITATOR).await;
    schedule_workshop(&world, &facilitator).await;
    let event = only_event(&world).await;
    let id = event.id.to_string();

    let mut edit: Vec<(&'static str, String)> = workshop_form(&world)
        .into_iter()
        .filter(|(name, _)| *name != "cohort_id" && *name != "kind")
        .collect();
    edit.push(("event_id", id.clone()));
    let moved = post(
        &facilitator,
        &world,
        "/api/events/update",
        &with(&edit, &[("time", "18:30"), ("duration_minutes", "120")]),
    )
    .await;
    assert_eq!(moved.status(), 200);
    let event = only_event(&world).await;
    assert_eq!(event.sequence, 1);
    assert_eq!(event.starts_at.to_rfc3339(), "2027-03-16T22:30:00+00:00");
    assert_eq!(event.duration_minutes, 120);

    let gap = post(
        &facilitator,
        &world,
        "/api/events/update",
        &with(&edit, &[("date", "2027-03-14"), ("time", "02:30")]),
    )
    .await;
    assert_eq!(rejection(gap).await.0, 422);
    assert_eq!(
        only_event(&world).await.sequence,
        1,
        "a rejected edit changes nothing"
    );

    let outsider_facilitator = app
        .signed_in_client_with_role(world.other_cohort, Role::Facilitator)
        .await;
    let foreign = post(
        &outsider_facilitator,
        &world,
        "/api/events/cancel",
        &[("event_id", id.clone())],
    )
    .await;
    assert_eq!(foreign.status(), 403);

    let cancelled = post(
        &facilitator,
        &world,
        "/api/events/cancel",
        &[("event_id", id.clone())],
    )
    .await;
    assert_eq!(cancelled.status(), 200);
    let event = only_event(&world).await;
    assert_eq!(event.sequence, 2);
    assert!(event.cancelled_at.is_some());

    let again = post(
        &facilitator,
        &world,
        "/api/events/cancel",
        &[("event_id", id.clone())],
    )
    .await;
    let (status, message) = rejection(again).await;
    assert_eq!(status, 409);
    assert!(message.contains("already cancelled"), "{message}");
    let edit_cancelled = post(&facilitator, &world, "/api/events/update", &edit).await;
    let (status, message) = rejection(edit_cancelled).await;
    assert_eq!(status, 409);
    assert!(message.contains("was cancelled"), "{message}");

    let fellow_notes = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(world.fellow_id))
        .all(&app.db)
        .await
        .unwrap();
    let titles: Vec<&str> = fellow_notes
        .iter()
        .map(|note| note.title.as_str())
        .collect();
    assert!(
        titles.iter().any(|title| title.contains("moved to")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|title| title.contains("was cancelled")),
        "{titles:?}"
    );

    // The page keeps the cancelled event and marks it cancelled.
    let fellow = app.signed_in_client(FELLOW).await;
    let page = fellow
        .get(app.url(&format!("/events/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("was cancelled on"), "{page}");
    assert!(
        !page.contains("https://meet.example.org/learn"),
        "no join link for a cancelled event"
    );

    world.app.stop().await;
}

async fn schedule_page_shows_both_zones(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let facilitator = app.signed_in_client(FACILITATOR).await;
    schedule_workshop(&world, &facilitator).await;

    // The fellow reads times in Los Angeles; the workshop was entered in New York.
    let mut fellow_row: users::ActiveModel = users::Entity::find_by_id(world.fellow_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    fellow_row.time_zone = Set(Some("America/Los_Angeles".into()));
    fellow_row.update(&app.db).await.unwrap();
    let fellow = app.signed_in_client(FELLOW).await;
    let path = format!("/cohorts/{}/events", world.cohort);
    let page = fellow.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Learn workshop"), "{page}");
    assert!(
        page.contains("Tue, Mar 16, 2027, 2:00 PM PDT (America/Los_Angeles)"),
        "{page}"
    );
    assert!(
        page.contains("Tue, Mar 16, 2027, 5:00 PM EDT (America/New_York)"),
        "{page}"
    );
    assert!(page.contains("3:30 PM PDT"), "the end time: {page}");
    assert!(
        !page.contains("Schedule the workshop"),
        "fellows see no scheduling form"
    );

    let event = only_event(&world).await;
    let event_page = fellow
        .get(app.url(&format!("/events/{}", event.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        event_page.contains("https://meet.example.org/learn"),
        "members see the join link"
    );
    assert!(
        event_page.contains(&format!(
            "/cohorts/{}/modules/{}",
            world.cohort, world.module
        )),
        "the module link"
    );

    let facilitator_page = facilitator
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(facilitator_page.contains("Schedule the workshop"));
    assert!(facilitator_page.contains("Schedule the meeting"));

    let outsider = app.signed_in_client(OUTSIDER).await;
    assert_eq!(
        outsider.get(app.url(&path)).send().await.unwrap().status(),
        403
    );
    let foreign_event = outsider
        .get(app.url(&format!("/events/{}", event.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign_event.status(), 403);
    assert_eq!(app.get(&path).await.status(), 401);

    world.app.stop().await;
}

async fn attendance_taken_twice_updates_rows(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let facilitator = app.signed_in_client(FACILITATOR).await;
    let event = event_starting(&world, -Duration::days(1), "Yesterday's workshop").await;
    let id = event.id.to_string();
    let first_key = format!("status[{}]", world.fellow_id);
    let second_key = format!("status[{}]", world.second_fellow_id);
    let take = |first: &str, second: &str| {
        vec![
            ("event_id", id.clone()),
            (first_key.as_str(), first.to_owned()),
            (second_key.as_str(), second.to_owned()),
        ]
    };
    let changed_in = |response: &reqwest::Response| {
        response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .and_then(|location| location.split("changed=").nth(1))
            .and_then(|rest| rest.split(['&', '#']).next())
            .map(str::to_owned)
    };

    let first = post_marks(&facilitator, &world, &take("present", "absent")).await;
    assert_eq!(first.status(), 200);
    assert_eq!(changed_in(&first).as_deref(), Some("2"));

    let second = post_marks(&facilitator, &world, &take("present", "excused")).await;
    assert_eq!(second.status(), 200);
    assert_eq!(
        changed_in(&second).as_deref(),
        Some("1"),
        "only the second fellow changed"
    );

    let rows = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(event.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "one row per person: {rows:?}");
    let status_of = |user: i32| {
        rows.iter()
            .find(|row| row.user_id == user)
            .map(|row| row.status.clone())
    };
    assert_eq!(status_of(world.fellow_id).as_deref(), Some("present"));
    assert_eq!(
        status_of(world.second_fellow_id).as_deref(),
        Some("excused")
    );
    assert!(
        rows.iter()
            .all(|row| row.recorded_by_user_id == Some(world.facilitator_id))
    );

    // Choosing "not recorded" removes a row.
    let cleared = post_marks(&facilitator, &world, &take("", "excused")).await;
    assert_eq!(changed_in(&cleared).as_deref(), Some("1"));
    let remaining = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(event.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(remaining, 1);

    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("attendance_recorded"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 3);

    // The page counts each status, and the saved choice is checked in the form.
    // Leptos marks text boundaries with `<!>`, which the checks below leave out.
    let page = facilitator
        .get(app.url(&format!("/events/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("<!>", "");
    assert!(
        page.contains(&format!(
            "id=\"attendance-{}-excused\"",
            world.second_fellow_id
        )),
        "{page}"
    );
    let checked = format!(
        "id=\"attendance-{}-excused\" type=\"radio\" name=\"status[{}]\" value=\"excused\" checked",
        world.second_fellow_id, world.second_fellow_id
    );
    assert!(page.contains(&checked), "{page}");
    assert!(
        page.contains("<span class=\"count\">1</span> Excused"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"count\">1</span> Not recorded"),
        "{page}"
    );

    // Fellows see counts only, never the roster.
    let fellow = app.signed_in_client(FELLOW).await;
    let fellow_page = fellow
        .get(app.url(&format!("/events/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(fellow_page.contains("Not recorded"));
    assert!(!fellow_page.contains(SECOND_FELLOW), "{fellow_page}");
    assert!(!fellow_page.contains("Save attendance"));

    world.app.stop().await;
}

async fn post_marks(
    client: &reqwest::Client,
    world: &World,
    form: &[(&str, String)],
) -> reqwest::Response {
    post(client, world, "/api/events/attendance", form).await
}

async fn attendance_rejects_bad_marks(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let facilitator = app.signed_in_client(FACILITATOR).await;
    let event = event_starting(&world, -Duration::days(1), "Yesterday's workshop").await;
    let id = event.id.to_string();

    let fellow_key = format!("status[{}]", world.fellow_id);
    let asleep = post_marks(
        &facilitator,
        &world,
        &[
            ("event_id", id.clone()),
            (fellow_key.as_str(), "asleep".into()),
        ],
    )
    .await;
    let (status, message) = rejection(asleep).await;
    assert_eq!(status, 422);
    assert!(
        message.contains("\"asleep\" is not an attendance status"),
        "{message}"
    );

    let outsider_key = format!("status[{}]", world.outsider_id);
    let stranger = post_marks(
        &facilitator,
        &world,
        &[
            ("event_id", id.clone()),
            (outsider_key.as_str(), "present".into()),
        ],
    )
    .await;
    let (status, message) = rejection(stranger).await;
    assert_eq!(status, 422);
    assert!(
        message.contains(&format!(
            "Person {} is not a fellow of this cohort",
            world.outsider_id
        )),
        "{message}"
    );

    let coach_key = format!("status[{}]", world.coach_id);
    let coach_marked = post_marks(
        &facilitator,
        &world,
        &[
            ("event_id", id.clone()),
            (coach_key.as_str(), "present".into()),
        ],
    )
    .await;
    assert_eq!(
        rejection(coach_marked).await.0,
        422,
        "coaches are not fellows"
    );

    let rows = attendance::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(rows, 0, "rejected forms record nothing");

    let fellow = app.signed_in_client(FELLOW).await;
    let by_fellow = post_marks(
        &fellow,
        &world,
        &[
            ("event_id", id.clone()),
            (fellow_key.as_str(), "present".into()),
        ],
    )
    .await;
    assert_eq!(by_fellow.status(), 403);

    let missing = post_marks(&facilitator, &world, &[("event_id", "999999".into())]).await;
    let (status, message) = rejection(missing).await;
    assert_eq!(status, 404);
    assert!(message.contains("no such workshop or meeting"), "{message}");

    let mut cancelled: events::ActiveModel = event.clone().into();
    cancelled.cancelled_at = sea_orm::ActiveValue::Set(Some(chrono::Utc::now()));
    sea_orm::ActiveModelTrait::update(cancelled, &app.db)
        .await
        .unwrap();
    let after_cancel = post_marks(
        &facilitator,
        &world,
        &[
            ("event_id", id.clone()),
            (fellow_key.as_str(), "present".into()),
        ],
    )
    .await;
    let (status, message) = rejection(after_cancel).await;
    assert_eq!(status, 409);
    assert!(message.contains("was cancelled"), "{message}");

    world.app.stop().await;
}

async fn self_check_in_follows_window(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let fellow = app.signed_in_client(FELLOW).await;
    let check_in = |event: &events::Model| vec![("event_id", event.id.to_string())];

    let later = event_starting(&world, Duration::hours(2), "Later today").await;
    let early = post(&fellow, &world, "/api/events/check-in", &check_in(&later)).await;
    let (status, message) = rejection(early).await;
    assert_eq!(status, 422);
    assert!(
        message.contains("Check-in for this virtual workshop opens at"),
        "{message}"
    );
    assert!(message.contains("30 minutes before it starts"), "{message}");

    let ended = event_starting(&world, -Duration::hours(3), "This morning").await;
    let late_arrival = post(&fellow, &world, "/api/events/check-in", &check_in(&ended)).await;
    let (status, message) = rejection(late_arrival).await;
    assert_eq!(status, 422);
    assert!(
        message.contains("Check-in closed when this virtual workshop ended at"),
        "{message}"
    );

    let started = event_starting(&world, -Duration::minutes(5), "Just started").await;
    let on_time = post(&fellow, &world, "/api/events/check-in", &check_in(&started)).await;
    assert_eq!(on_time.status(), 200);
    let twice = post(&fellow, &world, "/api/events/check-in", &check_in(&started)).await;
    assert_eq!(twice.status(), 200);
    assert!(
        twice.headers()["location"]
            .to_str()
            .unwrap()
            .contains("already_checked_in")
    );
    let row = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(started.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the check-in is stored");
    assert_eq!(row.status, "present");
    assert!(row.checked_in_at.is_some());
    assert_eq!(row.recorded_by_user_id, None);

    let underway = event_starting(&world, -Duration::minutes(20), "Underway").await;
    let after_ten = post(
        &fellow,
        &world,
        "/api/events/check-in",
        &check_in(&underway),
    )
    .await;
    assert_eq!(after_ten.status(), 200);
    let row = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(underway.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "late", "more than 10 minutes after the start");

    // A facilitator's form loaded before the check-in and saved unchanged leaves the
    // check-in alone.
    let facilitator = app.signed_in_client(FACILITATOR).await;
    let key = format!("status[{}]", world.fellow_id);
    let was = format!("was[{}]", world.fellow_id);
    let stale = post_marks(
        &facilitator,
        &world,
        &[
            ("event_id", started.id.to_string()),
            (key.as_str(), String::new()),
            (was.as_str(), String::new()),
        ],
    )
    .await;
    assert_eq!(stale.status(), 200);
    let kept = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(started.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the check-in survives an unchanged form");
    assert_eq!(kept.status, "present");

    // A facilitator's later mark replaces the check-in but keeps its time.
    let marked = post_marks(
        &facilitator,
        &world,
        &[
            ("event_id", started.id.to_string()),
            (key.as_str(), "excused".into()),
        ],
    )
    .await;
    assert_eq!(marked.status(), 200);
    let row = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(started.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "excused");
    assert_eq!(row.recorded_by_user_id, Some(world.facilitator_id));
    assert!(row.checked_in_at.is_some());

    // A facilitator's earlier mark is kept when the fellow checks in later.
    let second = app.signed_in_client(SECOND_FELLOW).await;
    let second_key = format!("status[{}]", world.second_fellow_id);
    post_marks(
        &facilitator,
        &world,
        &[
            ("event_id", underway.id.to_string()),
            (second_key.as_str(), "absent".into()),
        ],
    )
    .await;
    let overruled = post(
        &second,
        &world,
        "/api/events/check-in",
        &check_in(&underway),
    )
    .await;
    let (status, message) = rejection(overruled).await;
    assert_eq!(status, 409);
    assert!(
        message.contains("already recorded you as absent"),
        "{message}"
    );

    // Only fellows of the cohort check in.
    for email in [COACH, FACILITATOR] {
        let client = app.signed_in_client(email).await;
        let response = post(&client, &world, "/api/events/check-in", &check_in(&started)).await;
        let (status, message) = rejection(response).await;
        assert_eq!(status, 422, "{email}");
        assert!(message.contains("Only fellows of"), "{email}: {message}");
    }
    let outsider = app.signed_in_client(OUTSIDER).await;
    let response = post(
        &outsider,
        &world,
        "/api/events/check-in",
        &check_in(&started),
    )
    .await;
    assert_eq!(rejection(response).await.0, 422);

    // Cancelled events take no check-ins.
    event_store::cancel_event(&app.db, started.id, Utc::now())
        .await
        .unwrap();
    let third = app
        .create_user(
            "third@events.example",
            false,
            &[(world.cohort, Role::Fellow)],
        )
        .await;
    let third_client = app.signed_in_client("third@events.example").await;
    let response = post(
        &third_client,
        &world,
        "/api/events/check-in",
        &check_in(&started),
    )
    .await;
    let (status, message) = rejection(response).await;
    assert_eq!(status, 422);
    assert!(message.contains("was cancelled"), "{message}");
    let stored = attendance::Entity::find()
        .filter(attendance::Column::UserId.eq(third))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);

    // The page shows the window and the fellow's status.
    let page = fellow
        .get(app.url(&format!("/events/{}", later.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Check-in opens at"), "{page}");
    let page = fellow
        .get(app.url(&format!("/events/{}", underway.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("You are recorded as <strong>late</strong>"),
        "{page}"
    );

    world.app.stop().await;
}

/// Creates a feed for the person signed in on `client` and returns its address.
async fn create_feed(world: &World, client: &reqwest::Client) -> String {
    let created = post(client, world, "/api/calendar/reset", &[]).await;
    assert_eq!(created.status(), 200);
    let page = client
        .get(world.app.url("/calendar"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page
        .find("/calendar/feed/")
        .expect("the new address is shown");
    let token: String = page[start + "/calendar/feed/".len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 64, "{page}");
    format!("{}/calendar/feed/{token}.ics", world.app.base_url)
}

/// Fetches a feed and returns it unfolded, after checking its lines.
async fn fetch_feed(world: &World, address: &str) -> String {
    let response = world.app.client.get(address).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "private, max-age=300");
    let body = response.text().await.unwrap();
    assert!(body.ends_with("END:VCALENDAR\r\n"));
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "line longer than 75 octets: {line:?}");
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line break in {line:?}"
        );
    }
    body.replace("\r\n ", "")
}

/// Returns the VEVENT whose UID is `uid`.
fn vevent<'a>(feed: &'a str, uid: &str) -> &'a str {
    let at = feed
        .find(&format!("UID:{uid}\r\n"))
        .unwrap_or_else(|| panic!("no {uid} in {feed}"));
    let start = feed[..at].rfind("BEGIN:VEVENT").unwrap();
    let end = at + feed[at..].find("END:VEVENT").unwrap();
    &feed[start..end]
}

async fn feed_lists_own_events_and_sessions(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let facilitator = app.signed_in_client(FACILITATOR).await;
    schedule_workshop(&world, &facilitator).await;
    let workshop = only_event(&world).await;
    let meeting_form = with(
        &workshop_form(&world),
        &[
            ("kind", "meeting"),
            ("module_id", ""),
            ("title", "Spring meeting"),
            ("join_url", ""),
            ("date", "2027-04-10"),
            ("time", "09:00"),
        ],
    );
    let mut meeting_form = meeting_form;
    meeting_form.push((
        "location",
        "Lincoln Middle School, room 204; enter by the east door".into(),
    ));
    let meeting = post(&facilitator, &world, "/api/events/create", &meeting_form).await;
    assert_eq!(meeting.status(), 200);

    // An event of another cohort, and a coaching session with private notes.
    let elsewhere = event_store::insert_event(
        &app.db,
        world.other_cohort,
        EventKind::Meeting,
        "America/Chicago".parse().unwrap(),
        &EventInput {
            module_id: None,
            title: "Elsewhere meeting".into(),
            starts_at: Utc::now() + Duration::days(3),
            duration_minutes: 60,
            join_url: None,
            location: Some("Far away".into()),
            check_in_minutes: 30,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    let session = coaching_sessions::ActiveModel {
        cohort_id: Set(world.cohort),
        coach_user_id: Set(world.coach_id),
        fellow_user_id: Set(world.fellow_id),
        starts_at: Set(chrono::DateTime::parse_from_rfc3339("2027-03-20T15:00:00Z")
            .unwrap()
            .with_timezone(&Utc)),
        zone: Set("America/Phoenix".into()),
        duration_minutes: Set(45),
        place: Set(Some("Library, table 3".into())),
        state: Set("scheduled".into()),
        notes: Set("PRIVATE-NOTE: talked about the principal".into()),
        submission_id: Set(None),
        sequence: Set(0),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();

    let fellow = app.signed_in_client(FELLOW).await;
    let address = create_feed(&world, &fellow).await;
    let feed = fetch_feed(&world, &address).await;
    assert!(
        feed.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"),
        "{feed}"
    );
    assert!(
        feed.contains("BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n"),
        "{feed}"
    );
    assert!(
        feed.contains("BEGIN:VTIMEZONE\r\nTZID:America/Phoenix\r\n"),
        "{feed}"
    );
    assert!(
        feed.contains(
            "DTSTART:20270314T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT"
        ),
        "{feed}"
    );

    let uid = format!("event-{}@127.0.0.1", workshop.id);
    let entry = vevent(&feed, &uid);
    assert!(entry.contains("SEQUENCE:0\r\n"), "{entry}");
    assert!(
        entry.contains("DTSTART;TZID=America/New_York:20270316T170000\r\n"),
        "{entry}"
    );
    assert!(
        entry.contains("DTEND;TZID=America/New_York:20270316T183000\r\n"),
        "{entry}"
    );
    assert!(entry.contains("SUMMARY:Learn workshop\r\n"), "{entry}");
    assert!(entry.contains("STATUS:CONFIRMED\r\n"), "{entry}");
    assert!(entry.contains("https://meet.example.org/learn"), "{entry}");
    assert!(
        feed.contains("LOCATION:Lincoln Middle School\\, room 204\\; enter by the east door\r\n"),
        "{feed}"
    );

    let coaching = vevent(&feed, &format!("coaching-{}@127.0.0.1", session.id));
    assert!(
        coaching.contains("SUMMARY:Coaching session with Test coach@events.example\r\n"),
        "{coaching}"
    );
    assert!(
        coaching.contains("LOCATION:Library\\, table 3\r\n"),
        "{coaching}"
    );
    assert!(
        coaching.contains("DTSTART;TZID=America/Phoenix:20270320T080000\r\n"),
        "{coaching}"
    );
    assert!(
        !feed.contains("PRIVATE-NOTE"),
        "coaching notes never reach the feed"
    );
    assert!(
        !feed.contains("principal"),
        "coaching notes never reach the feed"
    );
    assert!(
        !feed.contains(&format!("event-{}@", elsewhere.id)),
        "another cohort's event"
    );
    assert!(!feed.contains("Elsewhere meeting"));

    // The coach's feed has the same session, under the same UID.
    let coach = app.signed_in_client(COACH).await;
    let coach_feed = fetch_feed(&world, &create_feed(&world, &coach).await).await;
    let coach_entry = vevent(&coach_feed, &format!("coaching-{}@127.0.0.1", session.id));
    assert!(
        coach_entry.contains(&format!("SUMMARY:Coaching session with Test {FELLOW}")),
        "{coach_entry}"
    );

    // An edit keeps the UID and raises SEQUENCE; a cancellation marks it cancelled.
    let mut edit: Vec<(&'static str, String)> = workshop_form(&world)
        .into_iter()
        .filter(|(name, _)| *name != "cohort_id" && *name != "kind")
        .collect();
    edit.push(("event_id", workshop.id.to_string()));
    let moved = post(
        &facilitator,
        &world,
        "/api/events/update",
        &with(&edit, &[("time", "18:00")]),
    )
    .await;
    assert_eq!(moved.status(), 200);
    let feed = fetch_feed(&world, &address).await;
    let entry = vevent(&feed, &uid);
    assert!(entry.contains("SEQUENCE:1\r\n"), "{entry}");
    assert!(
        entry.contains("DTSTART;TZID=America/New_York:20270316T180000\r\n"),
        "{entry}"
    );

    let cancelled = post(
        &facilitator,
        &world,
        "/api/events/cancel",
        &[("event_id", workshop.id.to_string())],
    )
    .await;
    assert_eq!(cancelled.status(), 200);
    let response = app.client.get(&address).send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let feed = response.text().await.unwrap().replace("\r\n ", "");
    let entry = vevent(&feed, &uid);
    assert!(entry.contains("SEQUENCE:2\r\n"), "{entry}");
    assert!(entry.contains("STATUS:CANCELLED\r\n"), "{entry}");
    assert_eq!(feed.matches(&format!("UID:{uid}\r\n")).count(), 1);

    // An unchanged feed returns 304 for its ETag.
    let unchanged = app
        .client
        .get(&address)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), 304);

    world.app.stop().await;
}

async fn feed_reset_retires_old_address(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let fellow = app.signed_in_client(FELLOW).await;

    let before = fellow
        .get(app.url("/calendar"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(before.contains("Create my feed address"), "{before}");

    let first = create_feed(&world, &fellow).await;
    fetch_feed(&world, &first).await;

    // Only the token's SHA-256 is stored.
    let token = first
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_owned();
    let stored = users::Entity::find_by_id(world.fellow_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .calendar_token_hash
        .expect("a hash is stored");
    assert_eq!(stored, event_store::token_hash(&token));
    assert_ne!(stored, token);

    // The address is shown once; later visits offer a reset instead.
    let later = fellow
        .get(app.url("/calendar"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!later.contains(&token), "the address is shown only once");
    assert!(later.contains("Reset my feed address"), "{later}");

    let second = create_feed(&world, &fellow).await;
    assert_ne!(first, second);
    fetch_feed(&world, &second).await;
    let retired = app.client.get(&first).send().await.unwrap();
    assert_eq!(retired.status(), 404);
    let text = retired.text().await.unwrap();
    assert!(
        text.contains("not valid: it was reset or never existed"),
        "{text}"
    );

    for malformed in [
        "abc.ics",
        &format!("{token}.txt"),
        &format!("{}.ics", token.to_uppercase()),
    ] {
        let response = app.get(&format!("/calendar/feed/{malformed}")).await;
        assert_eq!(response.status(), 404, "{malformed}");
        let text = response.text().await.unwrap();
        assert!(
            text.contains("is not a TLI Hub calendar feed address"),
            "{malformed}: {text}"
        );
    }

    // A disabled account's feed returns 404.
    let mut row: users::ActiveModel = users::Entity::find_by_id(world.fellow_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    row.disabled = Set(true);
    row.update(&app.db).await.unwrap();
    assert_eq!(app.client.get(&second).send().await.unwrap().status(), 404);

    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("calendar_feed_reset"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 2);
    assert_eq!(app.get("/calendar").await.status(), 401);

    world.app.stop().await;
}

async fn upcoming_for_modules_skips_ended(backend: Backend) {
    let world = arrange(backend).await;
    let app = &world.app;
    let ended = event_starting(&world, -Duration::hours(2), "Ended").await;
    let underway = event_starting(&world, -Duration::minutes(30), "Underway").await;
    let next_week = event_starting(&world, Duration::days(7), "Next week").await;
    let tomorrow = event_starting(&world, Duration::days(1), "Tomorrow").await;
    let cancelled = event_starting(&world, Duration::days(2), "Cancelled").await;
    event_store::cancel_event(&app.db, cancelled.id, Utc::now())
        .await
        .unwrap();

    let upcoming = event_store::upcoming_for_modules(&app.db, &[world.module])
        .await
        .unwrap();
    let ids: Vec<i32> = upcoming.iter().map(|event| event.id).collect();
    assert_eq!(ids, vec![underway.id, tomorrow.id, next_week.id]);
    assert!(!ids.contains(&ended.id));

    let none = event_store::upcoming_for_modules(&app.db, &[world.module + 1000])
        .await
        .unwrap();
    assert!(none.is_empty());
    let empty = event_store::upcoming_for_modules(&app.db, &[])
        .await
        .unwrap();
    assert!(empty.is_empty());

    world.app.stop().await;
}
