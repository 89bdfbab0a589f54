//! Pages, server functions, health checks and static files, on SQLite and PostgreSQL.

mod common;

use common::{Backend, TestApp};
use sea_orm::ConnectionTrait;
use serde_json::Value;

on_both_backends!(
    health_and_readiness_report_ok,
    home_page_has_layout_landmarks,
    unknown_route_gets_styled_404,
    cohort_created_by_server_function_persists,
    cohort_with_invalid_input_is_rejected_and_not_stored,
    duplicate_cohort_is_a_conflict,
    form_post_without_javascript_redirects_back,
    invalid_form_post_without_javascript_shows_error,
    crafted_form_error_link_is_ignored,
    database_error_page_shows_request_id_only,
    static_files_have_cache_headers_and_compression,
    trailing_slashes_redirect_to_the_page,
);

async fn health_and_readiness_report_ok(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");

    app.stop().await;
}

async fn home_page_has_layout_landmarks(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let request_id = response
        .headers()
        .get("x-request-id")
        .expect("every response carries a request id")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!request_id.is_empty());
    let html = response.text().await.unwrap();
    assert!(
        html.contains("<title>Home · TLI Hub</title>"),
        "title missing: {html}"
    );
    assert!(
        html.contains("<header class=\"site-header\">"),
        "header missing"
    );
    assert!(
        html.contains("<nav aria-label=\"Main\">"),
        "navigation missing"
    );
    assert!(html.contains("<main id=\"main\""), "main landmark missing");
    assert!(
        html.contains("href=\"/pkg/main.css\""),
        "stylesheet missing"
    );
    assert!(
        html.contains("/pkg/frontend.js"),
        "hydration script missing"
    );

    app.stop().await;
}

async fn unknown_route_gets_styled_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    for path in ["/no/such/page", "/index.html", "/pkg/missing.js"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        if path.starts_with("/pkg/") {
            continue;
        }
        let html = response.text().await.unwrap();
        assert!(html.contains("Page not found"), "{path}: {html}");
        assert!(
            html.contains("<nav aria-label=\"Main\">"),
            "{path}: layout missing"
        );
        assert!(
            !html.contains("trunk skeleton"),
            "{path}: Trunk's index.html was served"
        );
    }

    app.stop().await;
}

async fn cohort_created_by_server_function_persists(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = app
        .admin_post_form(
            "/api/cohorts/create",
            &[("name", "  Nuevo México 2027 "), ("year", "2027")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["name"], "Nuevo México 2027");
    assert_eq!(created["year"], 2027);

    let listed: Value = app
        .admin_get("/api/cohorts/list")
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|cohort| cohort["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Nuevo México 2027"]);

    // A new cohort starts with spring and fall terms of Learn, Design, Do and Reflect.
    use sea_orm::{EntityTrait, PaginatorTrait};
    let terms = app::entities::terms::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let seasons: Vec<&str> = terms.iter().map(|term| term.season.as_str()).collect();
    assert_eq!(seasons, ["spring", "fall"]);
    let modules = app::entities::modules::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(modules, 8);

    let page = app.admin_get("/cohorts").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains(">Nuevo México 2027</a></td>")
    );

    app.stop().await;
}

async fn cohort_with_invalid_input_is_rejected_and_not_stored(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let long_name = "x".repeat(121);

    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[("name", "   "), ("year", "2027")], "name"),
        (&[("name", long_name.as_str()), ("year", "2027")], "name"),
        (&[("name", "Ohio\u{7}"), ("year", "2027")], "name"),
        (&[("name", "Ohio"), ("year", "27")], "year"),
        (&[("name", "Ohio"), ("year", "next year")], "year"),
    ];
    for (fields, field) in cases {
        let response = app.admin_post_form("/api/cohorts/create", fields).await;
        assert_eq!(response.status(), 422, "{fields:?}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["Invalid"]["field"], field, "{fields:?}: {error}");
        assert!(!error["Invalid"]["message"].as_str().unwrap().is_empty());
    }

    let missing_year = app
        .admin_post_form("/api/cohorts/create", &[("name", "Ohio")])
        .await;
    assert!(missing_year.status().is_client_error() || missing_year.status().is_server_error());

    let listed: Value = app
        .admin_get("/api/cohorts/list")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        0,
        "nothing may be stored: {listed}"
    );

    app.stop().await;
}

async fn duplicate_cohort_is_a_conflict(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let fields = [("name", "Ohio 2027"), ("year", "2027")];

    assert_eq!(
        app.admin_post_form("/api/cohorts/create", &fields)
            .await
            .status(),
        200
    );
    let second = app.admin_post_form("/api/cohorts/create", &fields).await;
    assert_eq!(second.status(), 409);
    let other_case = app
        .admin_post_form(
            "/api/cohorts/create",
            &[("name", "OHIO 2027"), ("year", "2027")],
        )
        .await;
    assert_eq!(
        other_case.status(),
        409,
        "names that differ only in letter case are duplicates"
    );
    let error: Value = second.json().await.unwrap();
    let message = error["Conflict"].as_str().unwrap();
    assert!(message.contains("already exists"), "{message}");

    let listed: Value = app
        .admin_get("/api/cohorts/list")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);

    app.stop().await;
}

async fn form_post_without_javascript_redirects_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = app
        .admin_post_html_form(
            "/api/cohorts/create",
            "/cohorts",
            &[("name", "Nevada 2027"), ("year", "2027")],
        )
        .await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert_eq!(location.trim_end_matches('?'), app.url("/cohorts"));

    let page = app.admin_get("/cohorts").await.text().await.unwrap();
    assert!(page.contains(">Nevada 2027</a></td>"));

    app.stop().await;
}

async fn invalid_form_post_without_javascript_shows_error(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let response = app
        .admin_post_html_form(
            "/api/cohorts/create",
            "/cohorts",
            &[("name", "Nevada"), ("year", "soon")],
        )
        .await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");

    let page = app.admin_get(&location).await.text().await.unwrap();
    assert!(
        page.contains("is not a valid year"),
        "error not shown: {page}"
    );

    app.stop().await;
}

async fn database_error_page_shows_request_id_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.db
        .execute_unprepared("ALTER TABLE cohorts RENAME TO cohorts_gone")
        .await
        .expect("take the table away from the server");

    let response = app.admin_get("/cohorts").await;
    assert_eq!(response.status(), 500);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap().to_lowercase();
    assert!(
        html.contains(&request_id.to_lowercase()),
        "request id not shown: {html}"
    );
    for leak in [
        "no such table",
        "does not exist",
        "select",
        "sqlx",
        "relation",
    ] {
        assert!(
            !html.contains(leak),
            "database text {leak:?} leaked: {html}"
        );
    }

    app.stop().await;
}

async fn static_files_have_cache_headers_and_compression(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let favicon = app.get("/favicon.svg").await;
    assert_eq!(favicon.status(), 200);
    assert_eq!(favicon.headers()["cache-control"], "public, max-age=86400");
    assert_eq!(favicon.headers()["content-type"], "image/svg+xml");

    let bundle = app
        .client
        .get(app.url("/pkg/frontend.js"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(bundle.status(), 200);
    assert_eq!(bundle.headers()["content-encoding"], "br");
    assert_eq!(bundle.headers()["cache-control"], "no-cache");
    assert!(bundle.headers().contains_key("last-modified"));

    let page = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["content-encoding"], "gzip");

    app.stop().await;
}

async fn crafted_form_error_link_is_ignored(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // A link anyone could send: the error text in it never came from the server.
    let forged = "/sign-in?__path=%2Fapi%2Fauth%2Fsign-in&__err=eyJJbnZhbGlkIjogeyJmaWVsZCI6ICIiLCAibWVzc2FnZSI6ICJGT1JHRUQ6IGNhbGwgNTU1IDAxMDAifX0=";
    let page = app.get(forged).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("FORGED"),
        "crafted error text was shown: {html}"
    );

    app.stop().await;
}

async fn trailing_slashes_redirect_to_the_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = common::cookie_client();
    for (path, expected) in [
        ("/sign-in/", "/sign-in"),
        ("/cohorts/2/fellows/?x=1", "/cohorts/2/fellows?x=1"),
        ("//elsewhere.example/", "/elsewhere.example"),
    ] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 308, "{path}");
        assert_eq!(response.headers()["location"], expected, "{path}");
    }
    app.stop().await;
}
