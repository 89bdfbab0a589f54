//! CSV exports of the dashboards' tables: `GET /cohorts/{id}/dashboard/{table}.csv`
//! for a cohort, with the matrix filter in the query string, and
//! `GET /dashboard/{table}.csv` for the program view.
//!
//! Files are UTF-8 with a byte order mark, so spreadsheet programs read accents
//! correctly, and a header row. Cells that a spreadsheet would run as a formula are
//! neutralised.

use std::collections::HashMap;

use crate::http::plain_text;
use app::auth::{Action, Actor, authorize};
use app::context::AppState;
use app::dashboard::{
    AT_RISK_TABLE, COHORTS_TABLE, MATRIX_TABLE, at_risk_table, build, cohorts_table, matrix_table,
    neutralize_cell, store,
};
use app::error::AppError;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderValue, StatusCode, header};

/// Explains a failed export in words. A signed-out visitor is redirected to sign in
/// first.
fn error_response(error: &AppError, back: &str) -> Response {
    match error {
        AppError::Unauthenticated => Redirect::to(&format!("/sign-in?next={back}")).into_response(),
        AppError::Forbidden => plain_text(
            StatusCode::FORBIDDEN,
            "You cannot export this dashboard: it belongs to the cohort's facilitators and coaches.\n",
        ),
        AppError::NotFound(message) => plain_text(StatusCode::NOT_FOUND, format!("{message}\n")),
        AppError::Invalid { message, .. } => plain_text(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "{message} The export uses the same filter as the dashboard; open the dashboard and use its download link.\n"
            ),
        ),
        other => {
            tracing::error!(error = %other, "a dashboard export failed");
            unavailable()
        }
    }
}

fn unavailable() -> Response {
    plain_text(
        StatusCode::SERVICE_UNAVAILABLE,
        "The export could not be made right now. Nothing was changed; try again in a minute.\n",
    )
}

/// Returns the table name in `{table}.csv`, or `None` for any other file name.
fn table_of(file: &str) -> Option<&str> {
    file.strip_suffix(".csv").filter(|name| {
        !name.is_empty()
            && name
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte == b'-')
    })
}

/// Writes `rows` as CSV with a byte order mark, every cell neutralised.
pub fn to_csv(rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in rows {
        writer.write_record(row.iter().map(|cell| neutralize_cell(cell)))?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

fn attachment(rows: &[Vec<String>], name: &str) -> Response {
    match to_csv(rows) {
        Ok(body) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                        .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            body,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(error = %error, "writing a CSV export failed");
            unavailable()
        }
    }
}

fn query_value<'a>(query: &'a HashMap<String, String>, name: &str) -> &'a str {
    query.get(name).map_or("", String::as_str)
}

/// Serves a cohort dashboard table as CSV: the matrix with the filter in the query
/// string (every page), the at-risk list, or a chart's data table.
pub async fn cohort_export(
    State(state): State<AppState>,
    Path((cohort, file)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    actor: Option<axum::Extension<Actor>>,
) -> Response {
    let actor = actor
        .map(|axum::Extension(actor)| actor)
        .unwrap_or_default();
    let Ok(cohort_id) = cohort.parse::<i32>() else {
        return plain_text(StatusCode::NOT_FOUND, "There is no such cohort.\n");
    };
    let back = format!("/cohorts/{cohort_id}/dashboard");
    let Some(table) = table_of(&file) else {
        return plain_text(
            StatusCode::NOT_FOUND,
            "There is no such export. The dashboard's download links name every table.\n",
        );
    };
    let filter = match app::dashboard::api::matrix_query(
        query_value(&query, "q"),
        query_value(&query, "show"),
        query_value(&query, "sort"),
        query_value(&query, "order"),
        "",
        query_value(&query, "idle"),
    ) {
        Ok(filter) => filter,
        Err(error) => return error_response(&error, &back),
    };
    let (snapshot, scope, viewer) =
        match app::dashboard::api::scoped_snapshot(&state.db, &actor, cohort_id).await {
            Ok(found) => found,
            Err(error) => return error_response(&error, &back),
        };
    let now = chrono::Utc::now();
    let fellows = build::fellows_in_scope(&snapshot, scope, viewer);
    let (modules, rows) = build::all_rows(&snapshot, &fellows, now, filter.idle_days);
    let rows_out = match table {
        MATRIX_TABLE => matrix_table(&modules, &filter.apply(rows)),
        AT_RISK_TABLE => at_risk_table(&rows),
        chart_key => {
            let dashboard = build::cohort_dashboard(&snapshot, scope, viewer, filter, now);
            match dashboard
                .charts
                .into_iter()
                .find(|chart| chart.key == chart_key)
            {
                Some(chart) => chart.table(),
                None => {
                    return plain_text(
                        StatusCode::NOT_FOUND,
                        format!(
                            "The dashboard has no table called “{chart_key}”. Use the dashboard's download links.\n"
                        ),
                    );
                }
            }
        }
    };
    attachment(&rows_out, &format!("cohort-{cohort_id}-{table}.csv"))
}

/// Serves a program dashboard table as CSV: the cohorts or a chart's data table.
pub async fn program_export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    actor: Option<axum::Extension<Actor>>,
) -> Response {
    let actor = actor
        .map(|axum::Extension(actor)| actor)
        .unwrap_or_default();
    match authorize(&actor, Action::ViewProgramDashboard) {
        Ok(()) => {}
        Err(AppError::Forbidden) => {
            return plain_text(
                StatusCode::FORBIDDEN,
                "The program dashboard and its exports are for administrators. Facilitators and coaches export from their cohort's dashboard.\n",
            );
        }
        Err(error) => return error_response(&error, "/dashboard"),
    }
    let Some(table) = table_of(&file) else {
        return plain_text(
            StatusCode::NOT_FOUND,
            "There is no such export. The dashboard's download links name every table.\n",
        );
    };
    let snapshot = match store::load_program(&state.db).await {
        Ok(snapshot) => snapshot,
        Err(error) => {
            tracing::error!(error = %error, "reading the program dashboard failed");
            return unavailable();
        }
    };
    let dashboard = build::program_dashboard(&snapshot, chrono::Utc::now());
    let rows = if table == COHORTS_TABLE {
        cohorts_table(&dashboard.cohorts)
    } else if let Some(chart) = dashboard
        .charts
        .into_iter()
        .find(|chart| chart.key == table)
    {
        chart.table()
    } else {
        return plain_text(
            StatusCode::NOT_FOUND,
            format!(
                "The program dashboard has no table called “{table}”. Use its download links.\n"
            ),
        );
    };
    attachment(&rows, &format!("program-{table}.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_neutralises_cells() {
        let rows = vec![
            vec!["Fellow".to_owned(), "Note".to_owned()],
            vec!["=HYPERLINK(\"x\")".to_owned(), "a, \"b\"".to_owned()],
            vec!["José".to_owned(), "-1".to_owned()],
        ];
        let text = String::from_utf8(to_csv(&rows).unwrap()).unwrap();
        assert_eq!(
            text,
            "\u{feff}Fellow,Note\r\n\"'=HYPERLINK(\"\"x\"\")\",\"a, \"\"b\"\"\"\r\nJosé,'-1\r\n"
        );
    }

    #[test]
    fn table_names_are_lowercase_words() {
        assert_eq!(table_of("matrix.csv"), Some("matrix"));
        assert_eq!(table_of("at-risk.csv"), Some("at-risk"));
        for bad in ["matrix", ".csv", "../x.csv", "Matrix.csv", "a b.csv"] {
            assert_eq!(table_of(bad), None, "{bad}");
        }
    }
}
