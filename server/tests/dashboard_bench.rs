//! Benchmark of the cohort dashboard's server rendering for 300 and 3,000 fellows, on
//! SQLite and PostgreSQL. In the same run and on the same database it also times:
//!
//! - a hand-written render of the same data: the same store read and the same
//!   dashboard build, written out as HTML with `write!` instead of Leptos views, and
//!   served by a bare axum router on loopback;
//! - a static route of the real server (the style sheet), for the cost of the HTTP
//!   stack alone.
//!
//! Ignored by the normal test run; `scripts/bench.sh` runs it with `--ignored
//! --nocapture --test-threads=1`, and it prints Markdown table rows.

mod common;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use app::dashboard::{Chart, CohortDashboard, MatrixQuery, Risk, Scope, Slot, build, store};
use app::program::framework_store::{self, DEFAULT_TEMPLATE};
use common::synthetic::synthetic_cohort;
use common::{Backend, TestApp, percentile};

/// Requests timed per route and size.
const SAMPLES: usize = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn dashboard_sqlite() {
    bench(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn dashboard_postgres() {
    bench(Backend::Postgres).await;
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn hand_chart(out: &mut String, chart: &Chart) {
    let largest = chart
        .values
        .iter()
        .map(|values| values.iter().sum::<u32>())
        .max()
        .unwrap_or(1)
        .max(1);
    let _ = write!(
        out,
        "<figure class=\"chart\"><h3>{}</h3><p>{}</p><svg role=\"img\" viewBox=\"0 0 600 {}\"><title>{}</title>",
        escape(&chart.title),
        escape(&chart.summary),
        chart.categories.len() * 26 + 8,
        escape(&chart.title)
    );
    for (row, (category, values)) in chart.categories.iter().zip(&chart.values).enumerate() {
        let y = row * 26 + 4;
        let _ = write!(
            out,
            "<g><text x=\"184\" y=\"{}\" text-anchor=\"end\">{}</text>",
            y + 13,
            escape(category)
        );
        let mut x = 190;
        for (series, value) in values.iter().enumerate().filter(|(_, value)| **value > 0) {
            let width = (value * 360 / largest).max(1);
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"18\" fill=\"#1f5fa8\"><title>{}, {}: {value}</title></rect>",
                escape(category),
                escape(&chart.series[series])
            );
            x += width;
        }
        let _ = write!(out, "</g>");
    }
    out.push_str("</svg><details><summary>Data table</summary><table>");
    for row in chart.table() {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", escape(&cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></details></figure>");
}

/// Writes the dashboard's content by hand: tiles, at-risk list, matrix page and
/// charts.
fn hand_render(dashboard: &CohortDashboard) -> String {
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Dashboard: {}</title></head><body><main><h1>Dashboard: {}</h1><ul class=\"tiles\">",
        escape(&dashboard.cohort_label),
        escape(&dashboard.cohort_label)
    );
    for (key, label, value) in dashboard.counts.entries() {
        let _ = write!(
            out,
            "<li><span data-live=\"{key}\">{value}</span><span>{label}</span></li>"
        );
    }

    let _ = write!(
        out,
        "</ul><h2>At risk ({})</h2><table>",
        dashboard.at_risk_total
    );
    for row in &dashboard.at_risk {
        let _ = write!(out, "<tr><th>{}</th><td><ul>", escape(&row.name));
        for risk in &row.risks {
            let _ = write!(out, "<li>{}</li>", escape(&risk.text()));
        }
        out.push_str("</ul></td></tr>");
    }

    out.push_str("</table><table id=\"progress-matrix\"><thead><tr><th>Fellow</th><th>Coach</th>");
    for module in &dashboard.modules {
        let _ = write!(out, "<th>{}</th>", escape(&module.name));
    }
    for slot in Slot::ALL {
        let _ = write!(out, "<th>{}</th>", slot.label());
    }
    out.push_str(
        "<th>Handed in</th><th>Earned</th><th>Last active</th><th>Risks</th></tr></thead><tbody>",
    );

    let base = format!("/cohorts/{}/dashboard", dashboard.cohort_id);
    for row in &dashboard.rows {
        let fellow = format!("{base}/fellows/{}", row.fellow_id);
        let _ = write!(
            out,
            "<tr data-fellow=\"{}\"><th><a href=\"{fellow}\">{}</a></th><td>{}</td>",
            row.fellow_id,
            escape(&row.name),
            escape(row.coach.as_deref().unwrap_or("None"))
        );
        for (cell, column) in row.modules.iter().zip(&dashboard.modules) {
            let _ = write!(
                out,
                "<td class=\"cell {}\"><a href=\"{fellow}#module-{}\"><span aria-hidden=\"true\">{}/{} {}</span><span class=\"visually-hidden\">{}</span></a></td>",
                cell.class(column),
                column.id,
                cell.handed_in,
                column.assignments,
                cell.workshop.symbol(),
                escape(&cell.text(column))
            );
        }
        for (cell, slot) in row.credentials.iter().zip(Slot::ALL) {
            let _ = write!(
                out,
                "<td class=\"cell {}\"><a href=\"{fellow}#credential-{}\">{} {}</a></td>",
                cell.class(),
                slot.key(),
                cell.symbol(),
                cell.text()
            );
        }
        let risks: Vec<String> = row.risks.iter().map(Risk::text).collect();
        let _ = write!(
            out,
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            row.handed_in(),
            row.earned(),
            row.activity_text(),
            escape(&risks.join("; "))
        );
    }

    out.push_str("</tbody></table>");
    for chart in &dashboard.charts {
        hand_chart(&mut out, chart);
    }
    out.push_str("</main></body></html>");
    out
}

async fn hand_route(
    axum::extract::State(db): axum::extract::State<sea_orm::DatabaseConnection>,
    axum::extract::Path(cohort): axum::extract::Path<i32>,
) -> axum::response::Html<String> {
    let snapshot = store::load(&db, cohort).await.unwrap().unwrap();
    let dashboard = build::cohort_dashboard(
        &snapshot,
        Scope::Cohort,
        0,
        MatrixQuery::parse("", "", "", "", "", "").unwrap(),
        chrono::Utc::now(),
    );
    axum::response::Html(hand_render(&dashboard))
}

/// Serves the hand-written render on a loopback port and returns its address.
async fn serve_hand_render(db: sea_orm::DatabaseConnection) -> String {
    let router = axum::Router::new()
        .route("/hand/{cohort}", axum::routing::get(hand_route))
        .with_state(db);
    use axum::serve::ListenerExt;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    // The same socket setting as the real server.
    let listener = listener.tap_io(|stream| stream.set_nodelay(true).unwrap());
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    format!("http://{address}")
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Sequential requests: sorted latencies and requests per second.
async fn time_get(client: &reqwest::Client, url: &str) -> (Vec<Duration>, f64) {
    // One request first, so that caches and connections are warm.
    client.get(url).send().await.unwrap().bytes().await.unwrap();
    let mut times = Vec::new();
    let started = Instant::now();
    for _ in 0..SAMPLES {
        let begun = Instant::now();
        let response = client.get(url).send().await.unwrap();
        let status = response.status();
        let body = response.bytes().await.unwrap();
        assert!(status.is_success(), "{url}: {status}");
        assert!(!body.is_empty());
        times.push(begun.elapsed());
    }
    let throughput = SAMPLES as f64 / started.elapsed().as_secs_f64();
    times.sort();
    (times, throughput)
}

async fn bench(backend: Backend) {
    let database = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    let app = TestApp::spawn(backend).await;
    let file = framework_store::parse_file(DEFAULT_TEMPLATE).unwrap();
    framework_store::import(&app.db, &file, None).await.unwrap();
    let hand = serve_hand_render(app.db.clone()).await;
    let plain = common::cookie_client();
    let mut p95_by_size = Vec::new();
    for size in [300, 3000] {
        let started = Instant::now();
        let world = synthetic_cohort(&app, &format!("Bench {size}"), size).await;
        eprintln!("arranged {size} fellows in {:?}", started.elapsed());
        let facilitator = app.signed_in_client(&world.facilitator_email).await;
        let (page, page_rate) = time_get(
            &facilitator,
            &app.url(&format!("/cohorts/{}/dashboard", world.cohort)),
        )
        .await;
        let (written, written_rate) =
            time_get(&plain, &format!("{hand}/hand/{}", world.cohort)).await;
        let (fixed, fixed_rate) = time_get(&plain, &app.url("/pkg/main.css")).await;
        let p95 = percentile(&page, 0.95);
        p95_by_size.push(p95);
        println!(
            "| {database} | {size} | {:.1} ms / {:.1} ms | {page_rate:.1}/s | {:.1} ms / {:.1} ms | {written_rate:.1}/s | {:.2} | {:.1} ms / {:.1} ms | {fixed_rate:.0}/s | {:.1} |",
            millis(percentile(&page, 0.5)),
            millis(p95),
            millis(percentile(&written, 0.5)),
            millis(percentile(&written, 0.95)),
            page_rate / written_rate,
            millis(percentile(&fixed, 0.5)),
            millis(percentile(&fixed, 0.95)),
            p95.as_secs_f64() / percentile(&fixed, 0.95).as_secs_f64(),
        );
    }
    println!(
        "{database}: p95 at 3,000 fellows ÷ p95 at 300 = {:.2}",
        p95_by_size[1].as_secs_f64() / p95_by_size[0].as_secs_f64()
    );
    app.stop().await;
}
