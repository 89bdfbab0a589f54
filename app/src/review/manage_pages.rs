//! Staff pages for reviewing: settings, the attempts waiting for reviewers, the
//! reconciliations waiting for a lead, and calibration with reviewer agreement.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::manage_api::{
    AgreementRow, AssignReview, BalanceReviews, CalibrationView, MakeAnchor, ManageView, Reconcile,
    SaveReviewSettings, get_calibration, get_manage,
};
use super::review_path;
use crate::error::AppError;
use crate::ui::{
    ErrorNotice, FormErrorNotice, SuccessNotice, field_message, posted_error, query_param,
};

#[component]
pub fn ManageReviewsPage() -> impl IntoView {
    let page = query_param("page")
        .and_then(|page| page.parse::<u64>().ok())
        .unwrap_or(1);
    let done = query_param("done").and_then(|code| super::api::done_message(&code));
    let released = query_param("released")
        .filter(|count| count != "0")
        .map(|count| format!("{count} attempt(s) waited only for a second review; their decisions were released to the fellows."));
    let balanced = query_param("balanced").map(|assigned| {
        let unassigned = query_param("unassigned").unwrap_or_default();
        match unassigned.as_str() {
            "" | "0" => format!("Balanced: {assigned} review(s) assigned."),
            _ => format!(
                "Balanced: {assigned} review(s) assigned. {unassigned} attempt(s) have no eligible reviewer; add reviewers or relax the cohort rule."
            ),
        }
    });
    let settings_error = posted_error::<SaveReviewSettings>();
    let other_error = posted_error::<AssignReview>()
        .or_else(posted_error::<Reconcile>)
        .or_else(posted_error::<BalanceReviews>)
        .or_else(posted_error::<SaveReviewSettings>);
    let view_data = Resource::new(move || page, get_manage);
    view! {
        <leptos_meta::Title text="Reviewing"/>
        <h1>"Reviewing"</h1>
        <p><a href="/reviews/calibration">"Calibration and reviewer agreement"</a></p>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        {balanced.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        {released.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <FormErrorNotice error=other_error fields=&[]/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let settings_error = settings_error.clone();
                Suspend::new(async move {
                    match view_data.await {
                        Ok(data) => view! { <ManageView data settings_error/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ManageView(data: ManageView, settings_error: Option<AppError>) -> impl IntoView {
    let invalid = |field: &'static str| {
        field_message(&settings_error, field)
            .get_untracked()
            .is_some()
            .to_string()
    };
    // A rejected settings form comes back with everything the lead entered.
    let posted = settings_error
        .as_ref()
        .and_then(|_| crate::ui::posted_for(&SaveReviewSettings::url(), &[]));
    let posted_or = |name: &str, saved: String| crate::ui::shown_value(&posted, name, saved);
    let ticked = |name: &str, saved: bool| match &posted {
        Some(form) => form.value(name).is_some(),
        None => saved,
    };
    let on_time = match data.turnaround.released {
        0 => "No decisions released yet.".to_owned(),
        released => format!(
            "{} of {released} decisions released within the target; median {} business day(s).",
            data.turnaround.on_time,
            data.turnaround.median_days.unwrap_or(0)
        ),
    };
    let page_link = |page: u64, label: &'static str, rel: &'static str| {
        view! { <a rel=rel href=format!("/reviews/manage?page={page}")>{label}</a> }
    };
    view! {
        <section aria-labelledby="waiting-heading">
            <h2 id="waiting-heading">{format!("Waiting for a reviewer ({})", data.waiting_total)}</h2>
            <p>{on_time}</p>
            <form method="post" action=BalanceReviews::url()>
                <button type="submit">"Assign all by current load"</button>
                <span class="hint">" Each attempt goes to the eligible reviewer with the fewest open reviews."</span>
            </form>
            {if data.waiting.is_empty() {
                view! { <p>"Every submitted attempt has its reviewers."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Attempts waiting for a reviewer">
                    <table class="data-table queue">
                        <caption class="visually-hidden">"Attempts waiting for a reviewer"</caption>
                        <thead><tr>
                            <th scope="col">"Submission"</th>
                            <th scope="col">"Micro-credential"</th>
                            <th scope="col">"Attempt"</th>
                            <th scope="col">"Due"</th>
                            <th scope="col">"Assigned"</th>
                            <th scope="col">"Assign"</th>
                        </tr></thead>
                        <tbody>
                            {data.waiting.into_iter().map(|item| {
                                let select_id = format!("reviewer-{}", item.attempt_id);
                                view! {
                                    <tr>
                                        <td>{item.code.clone()}</td>
                                        <td>{item.title}</td>
                                        <td>{item.attempt}</td>
                                        <td>{item.due}</td>
                                        <td>{if item.assigned.is_empty() { "Nobody yet".to_owned() } else { item.assigned.join(", ") }}</td>
                                        <td>
                                            <form method="post" action=AssignReview::url() class="inline-form">
                                                <input type="hidden" name="attempt_id" value=item.attempt_id.to_string()/>
                                                <label for=select_id.clone() class="visually-hidden">{format!("Reviewer for {}", item.code)}</label>
                                                <select id=select_id name="reviewer_id">
                                                    <option value="">"Choose a reviewer…"</option>
                                                    {item.eligible.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                                </select>
                                                <button type="submit" class="secondary">"Assign"</button>
                                            </form>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
            {(data.pages > 1).then(|| view! {
                <nav aria-label="Pages" class="pager">
                    {(data.page > 1).then(|| page_link(data.page - 1, "← Earlier", "prev"))}
                    <span>{format!(" Page {} of {} ", data.page, data.pages)}</span>
                    {(data.page < data.pages).then(|| page_link(data.page + 1, "Later →", "next"))}
                </nav>
            })}
        </section>
        <section aria-labelledby="reconcile-heading">
            <h2 id="reconcile-heading">{format!("Waiting for reconciliation ({})", data.reconcile_total)}</h2>
            {if data.reconcile.is_empty() {
                view! { <p>"No double-scored attempt has reviews that disagree."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {data.reconcile.into_iter().map(|item| view! {
                            <li>
                                {format!("{}: {}, attempt {} ", item.code, item.title, item.attempt)}
                                {match item.review_id {
                                    Some(id) => view! { <a href=review_path(id)>"Continue reconciling"</a> }.into_any(),
                                    None => view! {
                                        <form method="post" action=Reconcile::url() class="inline-form">
                                            <input type="hidden" name="attempt_id" value=item.attempt_id.to_string()/>
                                            <button type="submit" class="secondary">"Reconcile"</button>
                                        </form>
                                    }.into_any(),
                                }}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="reviewers-heading">
            <h2 id="reviewers-heading">"Reviewers"</h2>
            {if data.reviewers.is_empty() {
                view! { <p>"Nobody has the reviewer role yet. Give it on the Users page."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {data.reviewers.into_iter().map(|reviewer| view! {
                            <li>{format!("{}: {} open review(s)", reviewer.name, reviewer.open)}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Review settings"</h2>
            <FormErrorNotice error=settings_error.clone() fields=&["turnaround_days", "kappa_percent", "holidays"]/>
            <form method="post" action=SaveReviewSettings::url() class="stacked-form">
                <label for="turnaround_days">"Turnaround target, in business days"</label>
                <input id="turnaround_days" name="turnaround_days" inputmode="numeric" value=posted_or("turnaround_days", data.turnaround_days.to_string()) aria-describedby="turnaround-hint turnaround_days-error" aria-invalid=invalid("turnaround_days")/>
                <p id="turnaround-hint" class="hint">"Reviews are due this many business days after the fellow submits."</p>
                <crate::ui::FieldError id="turnaround_days-error" message=field_message(&settings_error, "turnaround_days")/>
                <label for="holidays">"Holidays that do not count"</label>
                <textarea id="holidays" name="holidays" rows="2" aria-describedby="holidays-hint holidays-error" aria-invalid=invalid("holidays")>{crate::ui::textarea_text(&posted_or("holidays", data.holidays.clone()))}</textarea>
                <p id="holidays-hint" class="hint">"Dates as year-month-day, separated by commas, such as 2027-05-31."</p>
                <crate::ui::FieldError id="holidays-error" message=field_message(&settings_error, "holidays")/>
                <label class="checkbox">
                    <input type="checkbox" name="exclude_own_cohort" checked=ticked("exclude_own_cohort", data.exclude_own_cohort)/>
                    " Keep reviewers from fellows of a cohort where they are a fellow or facilitator. Coaches never review fellows of the cohorts they coach."
                </label>
                <label for="kappa_percent">"Flag reviewers whose calibration kappa is below (in hundredths)"</label>
                <input id="kappa_percent" name="kappa_percent" inputmode="numeric" value=posted_or("kappa_percent", data.kappa_percent.to_string()) aria-describedby="kappa_percent-error" aria-invalid=invalid("kappa_percent")/>
                <crate::ui::FieldError id="kappa_percent-error" message=field_message(&settings_error, "kappa_percent")/>
                <fieldset>
                    <legend>"Double scoring: two independent reviews, reconciled by a lead when they disagree"</legend>
                    {data.credentials.into_iter().map(|credential| {
                        let id = format!("double-{}", credential.key);
                        view! {
                            <label class="checkbox" for=id.clone()>
                                <input type="checkbox" id=id.clone() name=format!("double[{}]", credential.key) checked=ticked(&format!("double[{}]", credential.key), credential.double_scoring)/>
                                {format!(" {}", credential.title)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit">"Save settings"</button>
            </form>
        </section>
    }
}

#[component]
pub fn CalibrationPage() -> impl IntoView {
    let error = posted_error::<MakeAnchor>();
    let data = Resource::new(|| (), |_| get_calibration());
    view! {
        <leptos_meta::Title text="Calibration"/>
        <p><a href="/reviews/manage">"← Reviewing"</a></p>
        <h1>"Calibration and reviewer agreement"</h1>
        <p>"Anchors are submissions that staff scored together. Reviewers score every anchor before their live reviews, and their scores are compared with the agreed ones."</p>
        <FormErrorNotice error fields=&[]/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <CalibrationView data/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AgreementTable(rows: Vec<AgreementRow>, caption: &'static str, threshold: f64) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No calibration reviews are final yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=caption>
        <table class="data-table agreement">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">"Name"</th>
                <th scope="col">"Criteria scored"</th>
                <th scope="col">"Exact agreement"</th>
                <th scope="col">"Cohen's kappa"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let percent = (row.exact * 100.0).round() as u32;
                    view! {
                        <tr data-flagged=row.flagged.then_some("true")>
                            <th scope="row">{row.label}{row.flagged.then(|| format!(" (below {threshold:.2})"))}</th>
                            <td>{row.items}</td>
                            <td>
                                <meter min="0" max="100" low="60" optimum="100" value=percent.to_string() aria-hidden="true"></meter>
                                {format!(" {percent}%")}
                            </td>
                            <td>{row.kappa.map_or_else(|| "undefined (one level only)".to_owned(), |kappa| format!("{kappa:.2}"))}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}

#[component]
fn CalibrationView(data: CalibrationView) -> impl IntoView {
    view! {
        <section aria-labelledby="anchors-heading">
            <h2 id="anchors-heading">"Anchors"</h2>
            {if data.anchors.is_empty() {
                view! { <p>"No anchors yet. Choose a decided submission below to make one."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {data.anchors.into_iter().map(|anchor| view! {
                            <li>
                                {format!("{}: {}, attempt {} · ", anchor.code, anchor.title, anchor.attempt)}
                                {if anchor.agreed { "agreed scores final" } else { "agreed scores not final yet" }}
                                {anchor.review_id.map(|id| view! { " · " <a href=review_path(id)>"Anchor scores"</a> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>"Make an anchor"</h3>
            {if data.candidates.is_empty() {
                view! { <p>"No decided submissions yet."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {data.candidates.into_iter().map(|candidate| view! {
                            <li>
                                <form method="post" action=MakeAnchor::url() class="inline-form">
                                    <input type="hidden" name="attempt_id" value=candidate.attempt_id.to_string()/>
                                    {format!("{}: {}, attempt {} ", candidate.code, candidate.title, candidate.attempt)}
                                    <button type="submit" class="secondary">"Make anchor and score it"</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="agreement-heading">
            <h2 id="agreement-heading">"Agreement with the anchors"</h2>
            <p class="hint">{format!("Reviewers and criteria with kappa below {:.2} are flagged. Where kappa is undefined, exact agreement is compared instead.", data.threshold)}</p>
            <AgreementTable rows=data.reviewers caption="By reviewer" threshold=data.threshold/>
            <AgreementTable rows=data.criteria caption="By criterion" threshold=data.threshold/>
        </section>
    }
}
