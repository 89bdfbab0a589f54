//! The dashboard pages: a cohort's dashboard, one fellow's progress, and the program
//! view across cohorts.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

use super::api::{
    MessageFellow, done_message, get_cohort_dashboard, get_fellow_progress, get_program_dashboard,
};
use super::chart::ChartFigure;
use super::{
    AT_RISK_TABLE, COHORTS_TABLE, CohortDashboard, Counts, CredentialCell, FellowProgress,
    FellowRow, MATRIX_TABLE, MESSAGE_MAX_CHARS, MatrixQuery, ModuleColumn, ProgramDashboard, Risk,
    Scope, Show, SortKey, count_of, percent,
};
use crate::coaching::api::PairCoach;
use crate::cohorts::cohort_id_param;
use crate::error::AppError;
use crate::live::{LiveRegion, dashboard_source};
use crate::ui::{
    ErrorNotice, FieldError, FormErrorNotice, SuccessNotice, UserTitle, field_message,
    posted_error, posted_for, query_param, shown_value, textarea_text,
};

fn param(name: &'static str) -> String {
    query_param(name).unwrap_or_default()
}

/// The current address, path and query, for forms that return to this page.
fn here() -> String {
    let location = leptos_router::hooks::use_location();
    let search = location.search.get_untracked();
    let search = search
        .trim_start_matches('?')
        .split('&')
        .filter(|part| !part.is_empty() && !part.starts_with("done="))
        .collect::<Vec<_>>()
        .join("&");
    if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!("{}?{search}", location.pathname.get_untracked())
    }
}

#[component]
pub fn CohortDashboardPage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/> }.into_any();
    };
    let done = query_param("done").and_then(|code| done_message(&code));
    // The address is read here, in the component, because the fetcher may run on
    // another thread where the router's context is not available.
    let filter = ["q", "show", "sort", "order", "page", "idle"].map(param);
    let [q, show, sort, order, page, idle] = filter;
    let data = get_cohort_dashboard(cohort_id, q, show, sort, order, page, idle);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <CohortDashboardView data done/> }.into_any(),
                    Err(error) => view! {
                        <Failed title="Dashboard" error cohort_id/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// Renders a page that failed to load: its title, the error and a way on. An invalid
/// filter offers the unfiltered dashboard, and other errors the cohort's page.
#[component]
fn Failed(title: &'static str, error: AppError, cohort_id: i32) -> impl IntoView {
    let (href, link) = if matches!(error, AppError::Invalid { .. }) {
        (
            format!("/cohorts/{cohort_id}/dashboard"),
            "Clear the filter",
        )
    } else {
        (format!("/cohorts/{cohort_id}"), "Go to the cohort's page")
    };
    view! {
        <leptos_meta::Title text=title/>
        <h1>{title}</h1>
        <ErrorNotice error/>
        <p><a href=href>{link}</a></p>
    }
}

/// Renders number tiles. The submission counts carry the ids the live island updates.
#[component]
fn CountTiles(
    counts: Counts,
    #[prop(optional)] extra: Vec<(&'static str, String)>,
) -> impl IntoView {
    view! {
        <ul class="tiles">
            {extra.into_iter().map(|(label, value)| view! {
                <li class="tile"><span class="tile-number">{value}</span><span class="tile-label">{label}</span></li>
            }).collect_view()}
            {counts.entries().into_iter().map(|(key, label, value)| view! {
                <li class="tile"><span class="tile-number" id=key>{value}</span><span class="tile-label">{label}</span></li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn CohortDashboardView(mut data: CohortDashboard, done: Option<&'static str>) -> impl IntoView {
    let title = format!("Dashboard: {}", data.cohort_label);
    let base = format!("/cohorts/{}/dashboard", data.cohort_id);
    let scope_note = match (data.scope, data.fellows_total) {
        (Scope::Cohort, 0) => {
            "The cohort has no fellows yet. Administrators add them on the Users page.".to_owned()
        }
        (Scope::Cohort, total) => format!(
            "Every fellow of the cohort: {}.",
            count_of(total, "fellow", "fellows")
        ),
        (Scope::Coached, 0) => "No fellow of this cohort is paired with you yet. Facilitators pair coaches with fellows on the cohort's coaching page.".to_owned(),
        (Scope::Coached, total) => format!(
            "The {} you coach. Facilitators see the whole cohort.",
            count_of(total, "fellow", "fellows")
        ),
    };

    let tag = data.counts.tag();
    let range = matrix_range(&data);
    let query = data.query.clone();
    let csv_query = query.href(query.sort, query.descending);

    let charts = std::mem::take(&mut data.charts);
    let rows = std::mem::take(&mut data.rows);
    let modules = std::mem::take(&mut data.modules);
    let pages = data.pages;
    view! {
        <UserTitle text=title.clone()/>
        <h1>{title}</h1>
        <p class="lead">{scope_note}" "<a href=format!("/cohorts/{}", data.cohort_id)>"Cohort page"</a></p>
        <nav aria-label="On this page" class="page-links">
            <a href="#at-risk-heading">"At risk"</a>
            <a href="#matrix-heading">"Progress matrix"</a>
            <a href="#charts-heading">"Charts"</a>
        </nav>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <section aria-labelledby="counts-heading" class="panel">
            <h2 id="counts-heading">"At a glance"</h2>
            <CountTiles counts=data.counts.clone() extra=vec![
                ("Fellows", data.fellows_total.to_string()),
                ("At risk", data.at_risk_total.to_string()),
            ]/>
            <p id="live-status" class="hint" role="status">"Submission counts update by themselves while this page is open."</p>
            <LiveRegion source=dashboard_source(data.cohort_id) tag interval_ms=10_000/>
        </section>
        <AtRiskSection data base=base.clone()/>
        <section aria-labelledby="matrix-heading" class="panel">
            <h2 id="matrix-heading">"Progress matrix"</h2>
            <MatrixFilter query=query.clone() base=base.clone()/>
            <p class="hint">
                {range}" "
                <a href=format!("{base}/{MATRIX_TABLE}.csv{csv_query}") download>"Download these fellows as CSV"</a>
            </p>
            {matrix(&rows, &modules, &query, &base)}
            <Pager query pages base=base.clone()/>
        </section>
        <section aria-labelledby="charts-heading" class="panel">
            <h2 id="charts-heading">"Charts"</h2>
            <div class="dashboard-charts">
                {charts.into_iter().map(|chart| view! { <ChartFigure chart csv_base=format!("{base}/")/> }).collect_view()}
            </div>
        </section>
    }
}

fn matrix_range(data: &CohortDashboard) -> String {
    if data.fellows_total == 0 {
        return "No fellows to show.".into();
    }
    if data.matching == 0 {
        return "No fellow matches the filter.".into();
    }
    if data.matching == 1 {
        return format!(
            "Showing the one matching fellow ({} in all).",
            data.fellows_total
        );
    }
    let first = (data.query.page - 1) * super::PAGE_ROWS + 1;
    let last = first + data.rows.len() - 1;
    format!(
        "Showing {first}–{last} of {} matching fellows ({} in all).",
        data.matching, data.fellows_total
    )
}

#[component]
fn MatrixFilter(query: MatrixQuery, base: String) -> impl IntoView {
    let clear = base.clone();
    view! {
        <form method="get" action=base class="filter-form" role="search" aria-label="Filter the matrix">
            <div class="field">
                <label for="matrix-search">"Name of fellow or coach"</label>
                <input id="matrix-search" name="q" type="search" maxlength="100" value=query.search.clone()/>
            </div>
            <div class="field">
                <label for="matrix-show">"Show"</label>
                <select id="matrix-show" name="show">
                    {Show::ALL.into_iter().map(|show| view! {
                        <option value=show.key() selected=show == query.show>{show.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="matrix-sort">"Sort by"</label>
                <select id="matrix-sort" name="sort">
                    {SortKey::ALL.into_iter().map(|sort| view! {
                        <option value=sort.key() selected=sort == query.sort>{sort.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="matrix-order">"Order"</label>
                <select id="matrix-order" name="order">
                    <option value="asc" selected=!query.descending>"Ascending"</option>
                    <option value="desc" selected=query.descending>"Descending"</option>
                </select>
            </div>
            <div class="field">
                <label for="matrix-idle">"At risk after days without activity"</label>
                <input id="matrix-idle" name="idle" type="number" min="1" max="365" value=query.idle_days.to_string()/>
            </div>
            <div class="field field-actions">
                <button type="submit">"Apply"</button>
                <a href=clear>"Clear"</a>
            </div>
        </form>
    }
}

/// Renders a column heading that sorts by its column. A second click reverses the
/// order.
fn sort_heading(query: &MatrixQuery, base: &str, sort: SortKey) -> impl IntoView + use<> {
    let active = query.sort == sort;
    let descending = active && !query.descending;
    let aria_sort = match (active, query.descending) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    let href = format!("{base}{}", query.href(sort, descending));
    let hint = if descending {
        "sort descending"
    } else {
        "sort ascending"
    };
    let arrow = active.then_some(if query.descending { " ▼" } else { " ▲" });
    view! {
        <th scope="col" aria-sort=aria_sort>
            <a href=href>{sort.label()}<span class="visually-hidden">{format!(", {hint}")}</span>
                {arrow.map(|arrow| view! { <span aria-hidden="true">{arrow}</span> })}
            </a>
        </th>
    }
}

/// Renders the matrix: one row per fellow on this page, with sticky headings.
fn matrix(
    rows: &[FellowRow],
    modules: &[ModuleColumn],
    query: &MatrixQuery,
    base: &str,
) -> impl IntoView + use<> {
    view! {
        <div class="table-scroll matrix-scroll" tabindex="0" role="region" aria-labelledby="matrix-heading">
            <table class="data-table matrix" id="progress-matrix">
                <thead>
                    <tr>
                        {sort_heading(query, base, SortKey::Name)}
                        {sort_heading(query, base, SortKey::Coach)}
                        {modules.iter().map(|module| view! {
                            <th scope="col" class="module-heading">{module.name.clone()}<span class="hint">{format!(" Term {}", module.term)}</span></th>
                        }).collect_view()}
                        {super::Slot::ALL.iter().map(|slot| view! { <th scope="col">{slot.label()}</th> }).collect_view()}
                        {sort_heading(query, base, SortKey::HandedIn)}
                        {sort_heading(query, base, SortKey::Earned)}
                        {sort_heading(query, base, SortKey::Activity)}
                        {sort_heading(query, base, SortKey::Risk)}
                    </tr>
                </thead>
                <tbody>
                    {rows.iter().map(|row| matrix_row(row, modules, base)).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Renders one fellow's row of the matrix; every cell links to the fellow's page.
fn matrix_row(row: &FellowRow, modules: &[ModuleColumn], base: &str) -> impl IntoView + use<> {
    let fellow = format!("{base}/fellows/{}", row.fellow_id);
    let risks = if row.risks.is_empty() {
        "None".to_owned()
    } else {
        row.risks
            .iter()
            .map(Risk::text)
            .collect::<Vec<_>>()
            .join("; ")
    };
    view! {
        <tr data-fellow=row.fellow_id.to_string()>
            <th scope="row"><a href=fellow.clone()>{row.name.clone()}</a></th>
            <td>{row.coach.clone().unwrap_or_else(|| "None".into())}</td>
            {row.modules.iter().zip(modules).map(|(cell, column)| {
                let short = if column.assignments > 0 {
                    format!("{}/{} {}", cell.handed_in, column.assignments, cell.workshop.symbol())
                } else {
                    format!("– {}", cell.workshop.symbol())
                };
                view! {
                    <td class=format!("cell {}", cell.class(column))>
                        <a href=format!("{fellow}#module-{}", column.id)>
                            <span aria-hidden="true">{short}</span>
                            <span class="visually-hidden">{format!("{}: {}", column.name, cell.text(column))}</span>
                        </a>
                    </td>
                }
            }).collect_view()}
            {row.credentials.iter().zip(super::Slot::ALL).map(|(cell, slot)| view! {
                <td class=format!("cell {}", cell.class())>
                    <a href=format!("{fellow}#credential-{}", slot.key())>
                        <span aria-hidden="true">{format!("{} ", cell.symbol())}</span>{cell.text()}
                    </a>
                </td>
            }).collect_view()}
            <td class="number">{row.handed_in()}</td>
            <td class="number">{row.earned()}</td>
            <td>{row.activity_text()}</td>
            <td>{risks}</td>
        </tr>
    }
}

#[component]
fn Pager(query: MatrixQuery, pages: usize, base: String) -> impl IntoView {
    (pages > 1).then(|| {
        let page = query.page;
        let link = move |page: usize| {
            let href = query.href(query.sort, query.descending);
            let separator = if href.is_empty() { '?' } else { '&' };
            format!("{base}{href}{separator}page={page}")
        };
        view! {
            <nav aria-label="Matrix pages" class="pager">
                {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">"Previous page"</a> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! { <a href=link(page + 1) rel="next">"Next page"</a> })}
            </nav>
        }
    })
}

#[component]
fn AtRiskSection(data: CohortDashboard, base: String) -> impl IntoView {
    let message_error = posted_error::<MessageFellow>();
    let pair_error = posted_error::<PairCoach>();
    let all_at_risk = format!(
        "{base}{}",
        MatrixQuery {
            show: Show::AtRisk,
            ..data.query.clone()
        }
        .href(SortKey::Risk, true)
    );
    view! {
        <section aria-labelledby="at-risk-heading" class="panel">
            <h2 id="at-risk-heading">{format!("At risk ({})", data.at_risk_total)}</h2>
            <p class="hint">{format!(
                "Reasons: a missed assignment deadline, no activity for {}, {} or more not-yet decisions on one micro-credential, or {} or more missed workshops.",
                count_of(usize::try_from(data.query.idle_days).unwrap_or(0), "day", "days"),
                super::NOT_YET_AT_RISK,
                super::MISSED_WORKSHOPS_AT_RISK
            )}</p>
            <FormErrorNotice error=pair_error fields=&[]/>
            {data.at_risk.is_empty().then(|| view! { <p class="placeholder">"No fellow is at risk."</p> })}
            {(!data.at_risk.is_empty()).then(|| view! {
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="at-risk-heading">
                    <table class="data-table at-risk-table">
                        <thead><tr><th scope="col">"Fellow"</th><th scope="col">"Reasons"</th><th scope="col">"Actions"</th></tr></thead>
                        <tbody>
                            {data.at_risk.iter().map(|row| view! {
                                <tr>
                                    <th scope="row"><a href=format!("{base}/fellows/{}", row.fellow_id)>{row.name.clone()}</a></th>
                                    <td><ul class="plain-list">{row.risks.iter().map(|risk| view! { <li>{risk.text()}</li> }).collect_view()}</ul></td>
                                    <td id=format!("fellow-{}-actions", row.fellow_id)>
            <FellowActions cohort_id=data.cohort_id fellow_id=row.fellow_id name=row.name.clone()
                                            coach=row.coach.clone() coaches=data.coaches.clone() can_message=data.can_message
                                            message_error=message_error.clone()/>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            <p>
                {(data.at_risk_total > data.at_risk.len()).then(|| view! { <a href=all_at_risk.clone()>{format!("See all {} at-risk fellows in the matrix", data.at_risk_total)}</a>" · " })}
                <a href=format!("{base}/{AT_RISK_TABLE}.csv?idle={}", data.query.idle_days) download>"Download the at-risk list as CSV"</a>
            </p>
        </section>
    }
}

/// Message the fellow, and pair them with a coach when they have none.
#[component]
fn FellowActions(
    cohort_id: i32,
    fellow_id: i32,
    name: String,
    coach: Option<String>,
    coaches: Vec<(i32, String)>,
    can_message: bool,
    message_error: Option<AppError>,
) -> impl IntoView {
    let fellow_text = fellow_id.to_string();
    let posted = posted_for(&MessageFellow::url(), &[("fellow_id", &fellow_text)]);
    let message_error = posted.as_ref().and(message_error);
    let back = here();
    let id = |part: &str| format!("fellow-{fellow_id}-{part}");
    view! {
        {can_message.then(|| view! {
            <details class="action-details" open=message_error.is_some()>
                <summary>{"Message "}<span class="visually-hidden">{name.clone()}</span></summary>
                <form method="post" action=MessageFellow::url() class="stacked-form">
                    <FormErrorNotice error=message_error.clone() fields=&["message"]/>
                    <input type="hidden" name="cohort_id" value=cohort_id.to_string()/>
                    <input type="hidden" name="fellow_id" value=fellow_text.clone()/>
                    <input type="hidden" name="back" value=back.clone()/>
                    <label for=id("message")>{format!("Message to {name}")}</label>
                    <textarea id=id("message") name="message" rows="3" maxlength=MESSAGE_MAX_CHARS.to_string()
                        aria-describedby=id("message-error")>{textarea_text(&shown_value(&posted, "message", String::new()))}</textarea>
                    <FieldError id=id("message-error") message=field_message(&message_error, "message")/>
                    <button type="submit" class="button-small">"Send"</button>
                </form>
            </details>
        })}
        {match (coach, coaches.is_empty()) {
            (Some(coach), _) => view! { <p class="hint">{format!("Coach: {coach}")}</p> }.into_any(),
            (None, true) => view! { <p class="hint">"No coach"</p> }.into_any(),
            (None, false) => view! {
                <form method="post" action=PairCoach::url() class="inline-form">
                    <input type="hidden" name="cohort_id" value=cohort_id.to_string()/>
                    <input type="hidden" name="fellow_id" value=fellow_text.clone()/>
                    <input type="hidden" name="back" value=back.clone()/>
                    <label for=id("coach") class="visually-hidden">{format!("Coach for {name}")}</label>
                    <select id=id("coach") name="coach_id" required>
                        <option value="" selected>"Choose a coach…"</option>
                        {coaches.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                    </select>
                    <button type="submit" class="button-small">"Assign coach"</button>
                </form>
            }.into_any(),
        }}
    }
}

#[component]
pub fn FellowProgressPage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/> }.into_any();
    };
    let fellow_id: i32 = use_params_map()
        .with_untracked(|params| params.get("fellow").and_then(|id| id.parse().ok()))
        .unwrap_or(0);
    let done = query_param("done").and_then(|code| done_message(&code));
    let data = get_fellow_progress(cohort_id, fellow_id);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <FellowProgressView data done/> }.into_any(),
                    Err(error) => view! {
                        <Failed title="Fellow progress" error cohort_id/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn FellowProgressView(data: FellowProgress, done: Option<&'static str>) -> impl IntoView {
    let row = data.row.clone();
    let title = format!("{}: progress", row.name);
    let base = format!("/cohorts/{}/dashboard", data.cohort_id);
    let message_error = posted_error::<MessageFellow>();
    let pair_error = posted_error::<PairCoach>();
    view! {
        <UserTitle text=title.clone()/>
        <h1>{title}</h1>
        <p class="lead">
            {data.cohort_label.clone()}" · "<a href=base.clone()>"Back to the dashboard"</a>
            {data.can_see_plan.then(|| view! { " · "<a href=format!("/cohorts/{}/fellows/{}", data.cohort_id, row.fellow_id)>"Competency choices and growth"</a> })}
        </p>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <FormErrorNotice error=pair_error fields=&[]/>
        <section aria-labelledby="summary-heading" class="panel">
            <h2 id="summary-heading">"Summary"</h2>
            <dl class="facts">
                <dt>"Coach"</dt><dd>{row.coach.clone().unwrap_or_else(|| "None".into())}</dd>
                <dt>"Last active"</dt><dd>{row.activity_text()}</dd>
                <dt>"Assignments handed in"</dt><dd>{row.handed_in()}</dd>
                <dt>"Micro-credentials earned"</dt><dd>{format!("{} of 4", row.earned())}</dd>
            </dl>
            <h3>"Risks"</h3>
            {row.risks.is_empty().then(|| view! { <p class="placeholder">"None."</p> })}
            <ul>{row.risks.iter().map(|risk| view! { <li>{risk.text()}</li> }).collect_view()}</ul>
            <div id=format!("fellow-{}-actions", row.fellow_id)>
            <FellowActions cohort_id=data.cohort_id fellow_id=row.fellow_id name=row.name.clone()
                coach=row.coach.clone() coaches=data.coaches.clone() can_message=data.can_message message_error/>
            </div>
        </section>
        <section aria-labelledby="credentials-heading" class="panel">
            <h2 id="credentials-heading">"Micro-credentials"</h2>
            <ul class="card-list">
                {data.slots.iter().map(|(slot, cell, _)| {
                    let detail = match cell {
                        CredentialCell::Started { attempts, not_yet, .. } => format!(
                            "{} submitted, {}.",
                            count_of(usize::try_from(*attempts).unwrap_or(0), "attempt", "attempts"),
                            count_of(*not_yet as usize, "not-yet decision", "not-yet decisions")
                        ),
                        _ => String::new(),
                    };
                    view! {
                        <li id=format!("credential-{}", slot.key()) class=format!("card {}", cell.class())>
                            <h3>{slot.label()}</h3>
                            <p><strong>{cell.title().to_owned()}</strong></p>
                            <p><span aria-hidden="true">{cell.symbol()}" "</span>{cell.text()}</p>
                            {(!detail.is_empty()).then(|| view! { <p class="hint">{detail}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="modules-heading" class="panel">
            <h2 id="modules-heading">"Modules"</h2>
            {data.modules.is_empty().then(|| view! { <p class="placeholder">"The cohort has no modules yet."</p> })}
            {data.modules.iter().map(|module| view! {
                <section id=format!("module-{}", module.column.id) aria-labelledby=format!("module-{}-heading", module.column.id) class=format!("module-detail {}", module.cell.class(&module.column))>
                    <h3 id=format!("module-{}-heading", module.column.id)>{format!("{} (term {})", module.column.name, module.column.term)}</h3>
                    <p>{module.cell.text(&module.column)}</p>
                    {(!module.assignments.is_empty()).then(|| view! {
                        <h4>"Assignments"</h4>
                        <ul>{module.assignments.iter().map(|(id, title, state)| view! {
                            <li><a href=format!("/assignments/{id}")>{title.clone()}</a>{format!(": {state}")}</li>
                        }).collect_view()}</ul>
                    })}
                    {(!module.events.is_empty()).then(|| view! {
                        <h4>"Workshops and meetings"</h4>
                        <ul>{module.events.iter().map(|(id, title, mark)| view! {
                            <li><a href=format!("/events/{id}")>{title.clone()}</a>{format!(": {mark}")}</li>
                        }).collect_view()}</ul>
                    })}
                </section>
            }).collect_view()}
        </section>
    }
}

#[component]
pub fn ProgramDashboardPage() -> impl IntoView {
    let data = get_program_dashboard();
    view! {
        <leptos_meta::Title text="Program dashboard"/>
        <h1>"Program dashboard"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <ProgramView data/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProgramView(data: ProgramDashboard) -> impl IntoView {
    let fellows: u64 = data.cohorts.iter().map(|cohort| cohort.fellows).sum();
    view! {
        <section aria-labelledby="program-counts" class="panel">
            <h2 id="program-counts">"Across all cohorts"</h2>
            <CountTiles counts=data.totals.clone() extra=vec![
                ("Cohorts", data.cohorts.len().to_string()),
                ("Fellows", fellows.to_string()),
            ]/>
        </section>
        <section aria-labelledby="cohorts-heading" class="panel">
            <h2 id="cohorts-heading">"Cohorts"</h2>
            {data.cohorts.is_empty().then(|| view! { <p class="placeholder">"No cohorts yet."</p> })}
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="cohorts-heading">
                <table class="data-table">
                    <thead><tr>
                        <th scope="col">"Cohort"</th><th scope="col">"Fellows"</th><th scope="col">"Drafts"</th>
                        <th scope="col">"Waiting for a reviewer"</th><th scope="col">"In review"</th>
                        <th scope="col">"Earned"</th><th scope="col">"Not yet"</th><th scope="col">"Attendance"</th>
                    </tr></thead>
                    <tbody>
                        {data.cohorts.iter().map(|cohort| view! {
                            <tr>
                                <th scope="row"><a href=format!("/cohorts/{}/dashboard", cohort.cohort_id)>{cohort.label.clone()}</a></th>
                                <td class="number">{cohort.fellows}</td>
                                <td class="number">{cohort.counts.drafts}</td>
                                <td class="number">{cohort.counts.submitted}</td>
                                <td class="number">{cohort.counts.in_review}</td>
                                <td class="number">{cohort.counts.earned}</td>
                                <td class="number">{cohort.counts.not_yet}</td>
                                <td class="number">{percent(cohort.attended, cohort.attendance_records)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p><a href=format!("/dashboard/{COHORTS_TABLE}.csv") download>"Download the cohorts as CSV"</a></p>
        </section>
        <section aria-labelledby="program-charts" class="panel">
            <h2 id="program-charts">"Charts"</h2>
            <div class="dashboard-charts">
                {data.charts.iter().cloned().map(|chart| view! { <ChartFigure chart csv_base="/dashboard/"/> }).collect_view()}
            </div>
        </section>
    }
}
