//! The "Your data" page, where people request and download exports, and the
//! administrators' page for deleting a fellow's data.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::api::{DeletePersonData, RequestExport, get_deletion_preview, get_my_data};
use super::{
    DeletionPreview, ExportRow, ExportState, MyDataView, PROGRESS_POLL_MS, ProgressReading, bar_id,
    progress_text, text_id,
};
use crate::error::AppError;
use crate::live::{LiveRegion, export_source};
use crate::portfolio::size_text;
use crate::ui::{
    ErrorNotice, FieldError, FormErrorNotice, SuccessNotice, field_message, posted_error,
    query_param,
};

#[component]
pub fn MyDataPage() -> impl IntoView {
    let queued = query_param("done").as_deref() == Some("queued");
    let data = get_my_data();
    let error = posted_error::<RequestExport>();
    view! {
        <leptos_meta::Title text="Your data"/>
        <h1>"Your data"</h1>
        <FormErrorNotice error=error.clone() fields=&["cohort_id"]/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <MyData view error=error.clone() queued/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MyData(view: MyDataView, error: Option<AppError>, queued: bool) -> impl IntoView {
    // The notice disappears once the archive is ready and the page reloads.
    let preparing = queued && view.exports.iter().any(|row| row.state.in_progress());
    let cohorts = view.cohorts;
    let cohort_message = field_message(&error, "cohort_id");
    view! {
        {preparing.then(|| view! {
            <SuccessNotice>"Your archive is being prepared. This page shows its progress; you can leave and come back."</SuccessNotice>
        })}
        <section class="panel" aria-labelledby="own-export">
            <h2 id="own-export">"Download everything of yours"</h2>
            <p>"One ZIP archive with your profile, your evidence library and its files, every submission with all attempts, feedback and released scores, your credentials as signed JSON and as badge images, your certificate, and your capstone, posts, coaching sessions and attendance. Large libraries take a few minutes; the archive stays available for 7 days."</p>
            <form method="post" action=RequestExport::url()>
                <input type="hidden" name="kind" value="fellow"/>
                <button type="submit">"Prepare my archive"</button>
            </form>
        </section>
        {(!cohorts.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="cohort-export">
                <h2 id="cohort-export">"Export a cohort"</h2>
                <p>"The roster, and each fellow's submitted attempts with decisions, feedback and released scores, the evidence those attempts use, growth ratings, assignment responses, submitted capstones, attendance and credentials. Drafts, unsubmitted evidence and coaching notes are not included."</p>
                <form method="post" action=RequestExport::url() class="stacked-form">
                    <input type="hidden" name="kind" value="cohort"/>
                    <label for="export-cohort">"Cohort"</label>
                    <select id="export-cohort" name="cohort_id" aria-describedby="export-cohort-error">
                        {cohorts.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                    </select>
                    <FieldError id="export-cohort-error" message=cohort_message/>
                    <button type="submit">"Prepare the cohort archive"</button>
                </form>
            </section>
        })}
        <section aria-labelledby="export-list">
            <h2 id="export-list">"Archives"</h2>
            <ExportTable rows=view.exports/>
        </section>
    }
}

#[component]
fn ExportTable(rows: Vec<ExportRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="placeholder">"No archives yet."</p> }.into_any();
    }
    let any_running = rows.iter().any(|row| row.state.in_progress());
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Archives">
            <table class="export-table">
                <thead>
                    <tr>
                        <th scope="col">"Archive"</th>
                        <th scope="col">"Requested"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <td>{row.label.clone()}</td>
                            <td>{row.requested.clone()}</td>
                            <td><ExportStatus row/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {any_running.then(|| view! {
            <p id="live-status" class="hint" role="status">"Progress updates by itself while this page is open. Without JavaScript, "<a href=super::api::MY_DATA_PATH>"reload the page"</a>" to see it."</p>
        })}
    }
    .into_any()
}

#[component]
fn ExportStatus(row: ExportRow) -> impl IntoView {
    let reading = ProgressReading {
        state: row.state,
        steps_done: row.steps_done,
        steps_total: row.steps_total,
    };
    match row.state {
        ExportState::Queued | ExportState::Running => {
            let label = format!("Progress of {}", row.label);
            view! {
                <progress id=bar_id(&row.public_id) max=row.steps_total.max(1).to_string() value=row.steps_done.to_string() aria-label=label></progress>
                " "
                <span id=text_id(&row.public_id)>{progress_text(&reading)}</span>
                <LiveRegion source=export_source(&row.public_id) tag=String::new() interval_ms=PROGRESS_POLL_MS/>
            }
            .into_any()
        }
        ExportState::Ready => {
            let size = row
                .size_bytes
                .map(|bytes| size_text(u64::try_from(bytes).unwrap_or(0)))
                .unwrap_or_default();
            view! {
                <a href=format!("/exports/{}.zip", row.public_id) download="">{format!("Download ZIP ({size})")}</a>
                {row.expires.map(|until| view! { <span class="hint">{format!(" until {until}")}</span> })}
            }
            .into_any()
        }
        ExportState::Failed => view! {
            <span class="field-error">{row.error.unwrap_or_else(|| "Failed. Request it again.".into())}</span>
        }
        .into_any(),
    }
}

#[component]
pub fn DeletePersonPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let Some(user_id) =
        params.with_untracked(|map| map.get("id").and_then(|id| id.parse::<i32>().ok()))
    else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such person.".into())/> }.into_any();
    };
    let done = query_param("done").as_deref() == Some("deleted");
    let data = get_deletion_preview(user_id);
    view! {
        <leptos_meta::Title text="Delete a fellow's data"/>
        <h1>"Delete a fellow's data"</h1>
        {done.then(|| view! { <SuccessNotice>"The data was deleted, and the deletion was recorded in the audit log."</SuccessNotice> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(preview) => view! { <DeletionForm preview/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn DeletionForm(preview: DeletionPreview) -> impl IntoView {
    if let Some(on) = preview.deleted_on {
        return view! { <p>{format!("This person's data was deleted on {on}. The account remains only as an anonymous placeholder for the audit log.")}</p> }.into_any();
    }
    let error = posted_error::<DeletePersonData>();
    let confirm_message = field_message(&error, "confirm_email");
    let confirm_invalid = confirm_message.get_untracked().is_some();
    view! {
        <p>{format!("{} <{}>", preview.display_name, preview.email)}</p>
        <FormErrorNotice error=error fields=&["confirm_email"]/>
        {match preview.blocked {
            Some(reason) => view! { <p class="field-error">{reason}</p> }.into_any(),
            None => view! {
                <p>"Deleting removes, for good:"</p>
                <ul>
                    {preview.counts.into_iter().map(|(label, count)| view! { <li>{format!("{label}: {count}")}</li> }).collect_view()}
                    <li>{format!("Stored files: {}", preview.files)}</li>
                </ul>
                <p>{format!("{} issued credential(s) will be revoked: anyone who checks a copy will see it revoked. The deletion itself stays in the audit log, and the account remains as an anonymous placeholder. If they asked for a copy of their data, have them download it from Your data first.", preview.credentials)}</p>
                <form method="post" action=DeletePersonData::url() class="stacked-form panel">
                    <input type="hidden" name="user_id" value=preview.user_id.to_string()/>
                    <label for="confirm-email">"Type their email address to confirm"</label>
                    <input id="confirm-email" name="confirm_email" type="email" autocomplete="off" required=true
                        aria-describedby="confirm-email-error" aria-invalid=confirm_invalid.then_some("true")
                        autofocus=confirm_invalid/>
                    <FieldError id="confirm-email-error" message=confirm_message/>
                    <button type="submit" class="button-danger">"Delete this fellow's data"</button>
                </form>
            }.into_any(),
        }}
    }
    .into_any()
}
