//! Cohort and program dashboards on SQLite and PostgreSQL. Covered: the progress
//! matrix with its filters and order, the at-risk list and its reasons, charts with
//! their tables, and CSV exports with formulas neutralised. Also scopes for
//! facilitators, coaches and administrators, the live counts, and messages and coach
//! pairing from the dashboard.

mod common;

use app::auth::Role;
use app::entities::{audit_log, coaching_pairs, notifications, submissions, users};
use app::program::framework_store::{self, DEFAULT_TEMPLATE};
use common::synthetic::{Synthetic, synthetic_cohort};
use common::{Backend, TestApp, post_form_as};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

on_both_backends!(
    matrix_filters_sorts_and_explains_risks,
    csv_exports_match_the_filtered_matrix,
    each_viewer_sees_only_their_scope,
    live_counts_follow_submission_changes,
    staff_message_fellows_and_assign_coaches,
);

/// Fellows in the test cohort.
const SIZE: usize = 20;

async fn arrange(backend: Backend) -> (TestApp, Synthetic) {
    let app = TestApp::spawn(backend).await;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).unwrap();
    framework_store::import(&app.db, &file, None).await.unwrap();
    let world = synthetic_cohort(&app, "Spring", SIZE).await;
    (app, world)
}

fn name(index: usize) -> String {
    format!("Spring Fellow {index:04}")
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Returns the names in the matrix's rows, in order.
fn matrix_names(html: &str) -> Vec<String> {
    let start = html
        .find("id=\"progress-matrix\"")
        .expect("the page has the matrix");
    let body = &html[start..];
    let body = &body[..body.find("</table>").unwrap()];
    body.split("<tr data-fellow=")
        .skip(1)
        .map(|row| {
            let link = &row[row.find("<a href=").unwrap()..];
            let text = &link[link.find('>').unwrap() + 1..];
            text[..text.find('<').unwrap()].to_owned()
        })
        .collect()
}

/// Returns the at-risk list's section of the page.
fn at_risk_section(html: &str) -> &str {
    let start = html.find("id=\"at-risk-heading\"").unwrap();
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

async fn matrix_filters_sorts_and_explains_risks(backend: Backend) {
    let (app, world) = arrange(backend).await;
    let facilitator = app.signed_in_client(&world.facilitator_email).await;
    let base = format!("/cohorts/{}/dashboard", world.cohort);

    let (status, html) = page(&facilitator, &app, &base).await;
    assert_eq!(status, 200, "{html}");
    let names = matrix_names(&html);
    assert_eq!(names, (0..SIZE).map(name).collect::<Vec<_>>());
    // Charts are SVG with a text alternative and a table behind each.
    assert_eq!(
        html.matches("<svg role=\"img\" aria-labelledby=\"chart-")
            .count(),
        6
    );
    assert!(html.contains("Data table: Submission pipeline by week"));
    assert!(html.contains("Competency choices"));
    // Cells carry words as well as colour. Fellow 1 handed in both Learn tasks, was
    // present and has a submission waiting for a reviewer; fellow 3 was absent.
    let row_of_fellow = |index: usize| {
        let start = html
            .find(&format!("<tr data-fellow=\"{}\"", world.fellows[index]))
            .unwrap();
        let rest = &html[start..];
        rest[..rest.find("</tr>").unwrap()].to_owned()
    };
    let first_row = row_of_fellow(1);
    assert!(first_row.contains("Learn: 2 of 2 handed in, workshop present, 0 of 1 meetings"));
    assert!(first_row.contains("Submitted"));
    assert!(row_of_fellow(3).contains("Learn: 2 of 2 handed in, workshop absent"));
    assert!(row_of_fellow(0).contains("Learn: 0 of 2 handed in"));

    let risks = at_risk_section(&html);
    let row_of = |index: usize| {
        let start = risks
            .find(&format!(">{}</a>", name(index)))
            .unwrap_or_else(|| panic!("{} is not at risk: {risks}", name(index)));
        let rest = &risks[start..];
        rest[..rest.find("</tr>").unwrap()].to_owned()
    };
    assert!(row_of(0).contains("Missed the deadline of “Module 1 task 1”"));
    assert!(row_of(3).contains("Missed 2 workshops"));
    assert!(row_of(4).contains("2 not-yet decisions on"));
    assert!(
        !risks.contains(&format!(">{}</a>", name(1))),
        "fellow 1 handed everything in and attended"
    );

    // Filters, search and order come from the address, so they work without script.
    let (_, at_risk) = page(&facilitator, &app, &format!("{base}?show=at-risk")).await;
    let at_risk_rows = matrix_names(&at_risk);
    assert!(at_risk_rows.contains(&name(0)));
    assert!(at_risk_rows.contains(&name(3)));
    assert!(at_risk_rows.contains(&name(4)));
    assert!(!at_risk_rows.contains(&name(1)));
    let (_, searched) = page(&facilitator, &app, &format!("{base}?q=fellow+0007")).await;
    assert_eq!(matrix_names(&searched), vec![name(7)]);
    let (_, no_coach) = page(&facilitator, &app, &format!("{base}?show=no-coach")).await;
    assert_eq!(matrix_names(&no_coach), vec![name(9), name(19)]);
    let (_, reversed) = page(&facilitator, &app, &format!("{base}?order=desc")).await;
    assert_eq!(matrix_names(&reversed)[0], name(SIZE - 1));
    assert!(reversed.contains("aria-sort=\"descending\""));
    let (_, by_earned) = page(
        &facilitator,
        &app,
        &format!("{base}?sort=earned&order=desc"),
    )
    .await;
    // Fellows 3, 8, 13 and 18 earned; ties keep name order.
    assert_eq!(
        matrix_names(&by_earned)[..4],
        [name(3), name(8), name(13), name(18)]
    );

    // A fellow's detail page, linked from each cell.
    assert!(html.contains(&format!("{base}/fellows/{}#module-", world.fellows[0])));
    let (status, detail) = page(
        &facilitator,
        &app,
        &format!("{base}/fellows/{}", world.fellows[0]),
    )
    .await;
    assert_eq!(status, 200);
    assert!(detail.contains(&format!("{}: progress", name(0))));
    assert!(detail.contains(&format!("id=\"module-{}\"", world.modules[0])));
    assert!(detail.contains("id=\"credential-overarching-1\""));
    assert!(detail.contains("Module 1 task 1</a>: Not started"));

    // Invalid addresses get an error that names the value instead of a guess.
    for (query, needle) in [
        ("show=everyone", "is not one of the fellow filters"),
        ("sort=shoe-size", "is not a column the matrix sorts by"),
        ("order=sideways", "either asc or desc"),
        ("page=0", "Pages count from 1"),
        ("idle=0", "from 1 to 365"),
    ] {
        let (status, html) = page(&facilitator, &app, &format!("{base}?{query}")).await;
        assert_eq!(status, 422, "{query}");
        assert!(html.contains(needle), "{query}: {needle}");
        assert!(html.contains("Clear the filter"));
    }
    // A page past the end shows the last page.
    let (status, last) = page(&facilitator, &app, &format!("{base}?page=99")).await;
    assert_eq!(status, 200);
    assert_eq!(matrix_names(&last).len(), SIZE);
    let (status, _) = page(&facilitator, &app, &format!("{base}/fellows/999999")).await;
    assert_eq!(status, 404);

    // A fellow who joined today missed no earlier deadline or workshop.
    let newcomer = app
        .create_user(
            "newcomer@dash.example",
            false,
            &[(world.cohort, Role::Fellow)],
        )
        .await;
    let (_, later) = page(&facilitator, &app, &base).await;
    let newcomer_row = {
        let start = later
            .find(&format!("<tr data-fellow=\"{newcomer}\""))
            .unwrap();
        let rest = &later[start..];
        rest[..rest.find("</tr>").unwrap()].to_owned()
    };
    assert!(newcomer_row.contains("workshop before joining"));
    assert!(newcomer_row.ends_with("<td>None</td>"), "{newcomer_row}");
    assert!(!at_risk_section(&later).contains("Test newcomer@dash.example"));

    app.stop().await;
}

/// Posts a dashboard message as a hydrated page would.
async fn send_message(
    app: &TestApp,
    client: &reqwest::Client,
    cohort: &str,
    fellow: &str,
    message: &str,
) -> reqwest::Response {
    post_form_as(
        client,
        &app.url("/api/dashboard/message"),
        &[
            ("cohort_id", cohort),
            ("fellow_id", fellow),
            ("message", message),
        ],
    )
    .await
}

/// Returns the names in the at-risk list, in order.
fn at_risk_names(html: &str) -> Vec<String> {
    at_risk_section(html)
        .split("<th scope=\"row\">")
        .skip(1)
        .map(|row| {
            let text = &row[row.find('>').unwrap() + 1..];
            text[..text.find('<').unwrap()].to_owned()
        })
        .collect()
}

/// Parses CSV text with the byte order mark removed.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text
        .strip_prefix('\u{feff}')
        .expect("the CSV starts with a BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

async fn csv_exports_match_the_filtered_matrix(backend: Backend) {
    let (app, world) = arrange(backend).await;
    // A display name that a spreadsheet would run as a formula.
    let formula = "=HYPERLINK(\"https://evil.example\",\"open\")";
    let mut fellow: users::ActiveModel = users::Entity::find_by_id(world.fellows[5])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    fellow.display_name = Set(formula.into());
    fellow.update(&app.db).await.unwrap();
    let facilitator = app.signed_in_client(&world.facilitator_email).await;
    let base = format!("/cohorts/{}/dashboard", world.cohort);

    let filter = "?show=at-risk&sort=risk&order=desc";
    let (_, html) = page(&facilitator, &app, &format!("{base}{filter}")).await;
    let page_rows = matrix_names(&html);
    assert!(html.contains(&format!(
        "{base}/matrix.csv{}",
        filter.replace('&', "&amp;")
    )));
    let response = facilitator
        .get(app.url(&format!("{base}/matrix.csv{filter}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let rows = parse_csv(&response.text().await.unwrap());
    assert_eq!(rows[0][0], "Fellow");
    assert_eq!(rows[0].last().unwrap(), "Risks");
    let exported: Vec<String> = rows[1..].iter().map(|row| row[0].clone()).collect();
    assert_eq!(
        exported, page_rows,
        "the export contains the rows on the page"
    );

    let (_, everyone) = page(&facilitator, &app, &format!("{base}/matrix.csv")).await;
    let everyone = parse_csv(&everyone);
    assert_eq!(everyone.len(), SIZE + 1);
    let neutralised = everyone
        .iter()
        .find(|row| row[0].contains("HYPERLINK"))
        .unwrap();
    assert_eq!(neutralised[0], format!("'{formula}"));
    // The page shows the name as text.
    let (_, html) = page(&facilitator, &app, &base).await;
    assert!(
        html.contains("=HYPERLINK(&quot;https://evil.example&quot;")
            || html.contains("=HYPERLINK(\"https://evil.example\"")
    );

    let (_, pipeline) = page(
        &facilitator,
        &app,
        &format!("{base}/submission-pipeline.csv"),
    )
    .await;
    let pipeline = parse_csv(&pipeline);
    assert_eq!(
        pipeline[0],
        [
            "Week",
            "Draft",
            "Submitted",
            "In review",
            "Earned",
            "Not yet",
            "Total"
        ]
    );
    assert_eq!(pipeline.len(), 9, "eight weeks and a header");
    assert_eq!(
        pipeline[8][6],
        SIZE.to_string(),
        "every submission this week"
    );

    let (_, at_risk) = page(&facilitator, &app, &format!("{base}/at-risk.csv")).await;
    let at_risk = parse_csv(&at_risk);
    assert_eq!(at_risk[0], ["Fellow", "Coach", "Reasons"]);
    let (_, html) = page(&facilitator, &app, &base).await;
    let listed = at_risk_names(&html);
    let exported: Vec<String> = at_risk[1..].iter().map(|row| row[0].clone()).collect();
    assert_eq!(
        exported[..listed.len()],
        listed[..],
        "the export keeps the list's order"
    );
    assert!(
        at_risk
            .iter()
            .any(|row| row[0] == name(3) && row[2].contains("Missed 2 workshops"))
    );

    for (path, status) in [
        (format!("{base}/nonsense.csv"), 404),
        (format!("{base}/matrix.xlsx"), 404),
        (format!("{base}/matrix.csv?show=everyone"), 422),
    ] {
        let response = facilitator.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        assert!(!response.text().await.unwrap().is_empty());
    }
    app.stop().await;
}

async fn each_viewer_sees_only_their_scope(backend: Backend) {
    let (app, world) = arrange(backend).await;
    let other = synthetic_cohort(&app, "Autumn", 3).await;
    let base = format!("/cohorts/{}/dashboard", world.cohort);

    // A coach's dashboard lists only the fellows they coach.
    let coach = app.signed_in_client(&world.coach_email).await;
    let (status, html) = page(&coach, &app, &base).await;
    assert_eq!(status, 200);
    let coached: Vec<String> = world
        .fellows
        .iter()
        .enumerate()
        .filter(|(_, id)| world.coached.contains(id))
        .map(|(index, _)| name(index))
        .collect();
    assert_eq!(matrix_names(&html), coached);
    assert!(html.contains("fellows you coach"));
    let stranger = world
        .fellows
        .iter()
        .find(|id| !world.coached.contains(id))
        .unwrap();
    let (status, _) = page(&coach, &app, &format!("{base}/fellows/{stranger}")).await;
    assert_eq!(status, 404);
    let (_, csv) = page(&coach, &app, &format!("{base}/matrix.csv")).await;
    assert_eq!(parse_csv(&csv).len(), coached.len() + 1);
    // Coaches message their fellows but do not pair coaches.
    assert!(!html.contains("Assign coach"));

    // A facilitator of another cohort, a fellow and anonymous visitors are refused.
    let outsider = app.signed_in_client(&other.facilitator_email).await;
    let fellow = app
        .create_user(
            "fellow@dash.example",
            false,
            &[(world.cohort, Role::Fellow)],
        )
        .await;
    let _ = fellow;
    let fellow = app.signed_in_client("fellow@dash.example").await;
    for client in [&outsider, &fellow] {
        let (status, _) = page(client, &app, &base).await;
        assert_eq!(status, 403);
        let (status, _) = page(client, &app, &format!("{base}/matrix.csv")).await;
        assert_eq!(status, 403);
        let (status, _) = page(client, &app, "/dashboard").await;
        assert_eq!(status, 403);
        let (status, _) = page(client, &app, "/dashboard/cohorts.csv").await;
        assert_eq!(status, 403);
    }
    let anonymous = common::cookie_client();
    let response = anonymous
        .get(app.url(&format!("{base}/matrix.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/sign-in")
    );

    // Administrators see every cohort.
    let admin = app.admin().await;
    let (status, html) = page(admin, &app, "/dashboard").await;
    assert_eq!(status, 200);
    assert!(html.contains("Spring (2027)"));
    assert!(html.contains("Autumn (2027)"));
    assert!(html.contains(&format!("/cohorts/{}/dashboard", other.cohort)));
    let (status, csv) = page(admin, &app, "/dashboard/cohorts.csv").await;
    assert_eq!(status, 200);
    let rows = parse_csv(&csv);
    let spring = rows.iter().find(|row| row[0] == "Spring (2027)").unwrap();
    assert_eq!(
        spring[1],
        (SIZE + 1).to_string(),
        "the synthetic fellows and one more"
    );
    // Fellows 0–19 by i % 5: four drafts, four each of the other states.
    assert_eq!(&spring[2..7], ["4", "4", "4", "4", "4"]);
    let (status, _) = page(admin, &app, &base).await;
    assert_eq!(status, 200);
    app.stop().await;
}

async fn live_counts_follow_submission_changes(backend: Backend) {
    let (app, world) = arrange(backend).await;
    let facilitator = app.signed_in_client(&world.facilitator_email).await;
    let (_, html) = page(
        &facilitator,
        &app,
        &format!("/cohorts/{}/dashboard", world.cohort),
    )
    .await;
    assert!(html.contains("id=\"live-earned\""));
    let counts = |tag: String| {
        let facilitator = facilitator.clone();
        let url = app.url("/api/live");
        let body = serde_json::json!({"source": format!("dashboard/{}", world.cohort), "tag": tag});
        async move {
            let response = facilitator.post(url).json(&body).send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    // Drafts, submitted, in review, earned, not yet.
    let first = counts(String::new()).await;
    let values = |update: &serde_json::Value| -> Vec<String> {
        update["texts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|pair| pair[0] != "live-status")
            .map(|pair| pair[1].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(values(&first), ["4", "4", "4", "4", "4"]);
    assert_eq!(first["texts"][3][0], "live-earned");
    let tag = first["tag"].as_str().unwrap().to_owned();
    assert!(
        counts(tag.clone()).await.is_null(),
        "unchanged counts send nothing"
    );

    // A reviewer's decision changes the counts.
    let waiting = submissions::Entity::find()
        .filter(submissions::Column::CohortId.eq(world.cohort))
        .filter(submissions::Column::State.eq("submitted"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    app::portfolio::submission_store::start_review(&app.db, waiting.id)
        .await
        .unwrap();
    assert!(
        app::portfolio::submission_store::decide(
            &app.db,
            waiting.id,
            app::portfolio::draft::SubmissionState::Earned,
            "Well done."
        )
        .await
        .unwrap()
    );
    let changed = counts(tag.clone()).await;
    assert_eq!(values(&changed), ["4", "3", "4", "5", "4"]);
    assert_ne!(changed["tag"], tag.as_str());

    // Another cohort's counts are not the facilitator's to read.
    let other = synthetic_cohort(&app, "Autumn", 2).await;
    let response = facilitator
        .post(app.url("/api/live"))
        .json(&serde_json::json!({"source": format!("dashboard/{}", other.cohort), "tag": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    app.stop().await;
}

async fn staff_message_fellows_and_assign_coaches(backend: Backend) {
    let (app, world) = arrange(backend).await;
    let facilitator = app.signed_in_client(&world.facilitator_email).await;
    let base = format!("/cohorts/{}/dashboard", world.cohort);
    let fellow = world.fellows[0].to_string();
    let cohort = world.cohort.to_string();
    let back = format!("{base}?show=at-risk");

    let response = app
        .post_html_form_as(
            &facilitator,
            "/api/dashboard/message",
            &back,
            &[
                ("cohort_id", &cohort),
                ("fellow_id", &fellow),
                ("message", "Can we talk about the Module 1 tasks this week?"),
                ("back", &back),
            ],
        )
        .await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        response.headers()["location"],
        format!("{back}&done=messaged#fellow-{fellow}-actions").as_str()
    );
    let inbox = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(world.fellows[0]))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].kind, "message");
    assert!(
        inbox[0]
            .title
            .ends_with("wrote: Can we talk about the Module 1 tasks this week?")
    );
    assert_eq!(
        audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(app::audit_actions::MESSAGE_SENT))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );

    // Bad messages are refused with the reason, and nothing is sent. A coach writes
    // only to the fellows they coach.
    let long = "x".repeat(1001);
    let coach_id = app.user_id(&world.coach_email).await.to_string();
    let coach = app.signed_in_client(&world.coach_email).await;
    let stranger = world
        .fellows
        .iter()
        .find(|id| !world.coached.contains(id))
        .unwrap()
        .to_string();
    for (client, to, message, status, needle) in [
        (
            &facilitator,
            &fellow,
            "   ",
            422,
            "Write the message first.",
        ),
        (&facilitator, &fellow, long.as_str(), 422, "keep it to 1000"),
        (
            &facilitator,
            &fellow,
            "Hello\u{0}there",
            422,
            "control characters",
        ),
        (
            &facilitator,
            &coach_id,
            "Hello",
            422,
            "not a fellow of this cohort",
        ),
        (&coach, &stranger, "Hello", 403, ""),
    ] {
        let response = send_message(&app, client, &cohort, to, message).await;
        assert_eq!(response.status(), status, "{message:.20}");
        assert!(response.text().await.unwrap().contains(needle), "{needle}");
    }
    let own = world.coached[0].to_string();
    let response = send_message(&app, &coach, &cohort, &own, "See you Tuesday").await;
    assert!(response.status().is_success() || response.status().is_redirection());
    assert_eq!(
        notifications::Entity::find()
            .filter(notifications::Column::Kind.eq("message"))
            .count(&app.db)
            .await
            .unwrap(),
        2,
        "only the two accepted messages were sent"
    );

    // A long message to a fellow who wants email at once: the whole text reaches the
    // inbox and the email body, and the subject is one short line.
    let mut person: users::ActiveModel = users::Entity::find_by_id(world.fellows[1])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    person.notification_prefs = Set(r#"{"message":"AtOnce"}"#.into());
    person.update(&app.db).await.unwrap();
    let long_message = format!("First line.\n{}", "Please read the notes. ".repeat(40));
    let second = world.fellows[1].to_string();
    let response = send_message(&app, &facilitator, &cohort, &second, &long_message).await;
    assert!(response.status().is_success() || response.status().is_redirection());
    let mail = app::entities::outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|mail| mail.to_address.contains("spring-fellow-1@"))
        .expect("the message was emailed at once");
    // The stored body is quoted-printable: undo its soft line breaks.
    let body = mail.body.replace("=\r\n", "").replace("=\n", "");
    assert!(mail.subject.chars().count() <= 150, "{}", mail.subject);
    assert!(!mail.subject.contains('\n'));
    assert!(body.contains("Please read the notes. Please read the notes."));

    // A return address with a control character falls back to the dashboard.
    let response = app
        .post_html_form_as(
            &facilitator,
            "/api/dashboard/message",
            &base,
            &[
                ("cohort_id", &cohort),
                ("fellow_id", &fellow),
                ("message", "Once more"),
                ("back", &format!("{base}?x=\u{1}")),
            ],
        )
        .await;
    assert_eq!(
        response.headers()["location"],
        format!("{base}?done=messaged#fellow-{fellow}-actions").as_str()
    );

    // A posted return address outside the dashboard is replaced by the dashboard.
    let response = app
        .post_html_form_as(
            &facilitator,
            "/api/dashboard/message",
            &base,
            &[
                ("cohort_id", &cohort),
                ("fellow_id", &fellow),
                ("message", "Again"),
                ("back", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(
        response.headers()["location"],
        format!("{base}?done=messaged#fellow-{fellow}-actions").as_str()
    );

    // A fellow without a coach gets one from the at-risk list and stays on the page.
    let unpaired = world.fellows[9];
    let (_, html) = page(&facilitator, &app, &format!("{base}?show=no-coach")).await;
    assert!(html.contains("Assign coach"));
    let response = app
        .post_html_form_as(
            &facilitator,
            "/api/coaching/pair",
            &back,
            &[
                ("cohort_id", &cohort),
                ("fellow_id", &unpaired.to_string()),
                ("coach_id", &coach_id),
                ("back", &back),
            ],
        )
        .await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        response.headers()["location"],
        format!("{back}&done=paired#fellow-{unpaired}-actions").as_str()
    );
    let pair = coaching_pairs::Entity::find()
        .filter(coaching_pairs::Column::FellowUserId.eq(unpaired))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the fellow has a coach");
    assert_eq!(pair.coach_user_id.to_string(), coach_id);
    app.stop().await;
}
