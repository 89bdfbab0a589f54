//! The cohorts page: the list of cohorts and the form that adds one.

use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;

use super::input::NAME_MAX_CHARS;
use super::{CohortSummary, CreateCohort, list_cohorts};
use crate::auth::{Action, authorize, current_actor};
use crate::error::AppError;
use crate::ui::{ErrorNotice, FieldError};

#[component]
pub fn CohortsPage() -> impl IntoView {
    let can_create = authorize(&current_actor(), Action::CreateCohort).is_ok();
    let cohorts = Resource::new(|| (), |_| list_cohorts());
    view! {
        <Title text="Cohorts"/>
        <h1>"Cohorts"</h1>
        <Suspense fallback=|| view! { <p>"Loading cohorts…"</p> }>
            {move || Suspend::new(async move {
                match cohorts.await {
                    Ok(list) => view! { <CohortsPanel initial=list can_create/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Renders the list and the form in one island, so that the list refreshes in place when
/// the form adds a cohort. The server renders it with the list it has just read.
#[island]
fn CohortsPanel(initial: Vec<CohortSummary>, can_create: bool) -> impl IntoView {
    let create = ServerAction::<CreateCohort>::new();
    let cohorts = RwSignal::new(initial);
    let refresh_error = RwSignal::new(None::<AppError>);

    // Re-read the list after each successful save, so it also shows other people's changes.
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            leptos::task::spawn_local(async move {
                match list_cohorts().await {
                    Ok(list) => {
                        cohorts.set(list);
                        refresh_error.set(None);
                    }
                    Err(error) => refresh_error.set(Some(error)),
                }
            });
        }
    });

    view! {
        <section aria-labelledby="cohort-list-heading">
            <h2 id="cohort-list-heading">"All cohorts"</h2>
            {move || refresh_error.get().map(|error| view! { <ErrorNotice error/> })}
            {move || view! { <CohortList cohorts=cohorts.get()/> }}
        </section>
        {can_create.then(|| view! {
            <section aria-labelledby="new-cohort-heading">
                <h2 id="new-cohort-heading">"Add a cohort"</h2>
                <NewCohortForm action=create/>
            </section>
        })}
    }
}

#[component]
fn CohortList(cohorts: Vec<CohortSummary>) -> impl IntoView {
    if cohorts.is_empty() {
        return view! { <p>"No cohorts yet."</p> }.into_any();
    }
    view! {
        <table class="data-table">
            <caption class="visually-hidden">"Cohorts by year"</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Year"</th>
                </tr>
            </thead>
            <tbody>
                {cohorts
                    .into_iter()
                    .map(|cohort| view! {
                        <tr>
                            <td><a href=format!("/cohorts/{}", cohort.id)>{cohort.name}</a></td>
                            <td>{cohort.year}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn NewCohortForm(action: ServerAction<CreateCohort>) -> impl IntoView {
    let form = NodeRef::<html::Form>::new();
    let result = action.value();
    let error = move || result.get().and_then(Result::err);
    let field_error = move |field: &'static str| {
        Signal::derive(move || error().and_then(|error| error.message_for(field)))
    };
    let name_error = field_error("name");
    let year_error = field_error("year");
    let zone_error = field_error("time_zone");
    let form_error = move || {
        error().filter(|error| !matches!(error, AppError::Invalid { field, .. } if field == "name" || field == "year" || field == "time_zone"))
    };

    // Clear the inputs once a cohort is saved, ready for the next one.
    Effect::new(move |_| {
        if let Some(Ok(_)) = result.get()
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });

    let status = move || {
        if action.pending().get() {
            "Saving…".to_owned()
        } else {
            match result.get() {
                Some(Ok(cohort)) => format!(
                    "Added {} ({}). Open it in the list to set its terms, modules and deadlines.",
                    cohort.name, cohort.year
                ),
                _ => String::new(),
            }
        }
    };

    // Without JavaScript the browser posts the form to the server function, which
    // redirects back here. With it, the submit is handled in place. This avoids
    // `ActionForm`, whose form-data decoder adds about 40 KB to the bundle.
    let name_input = NodeRef::<html::Input>::new();
    let year_input = NodeRef::<html::Input>::new();
    let zone_input = NodeRef::<html::Input>::new();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (Some(name), Some(year), Some(zone)) =
            (name_input.get(), year_input.get(), zone_input.get())
        else {
            return;
        };
        action.dispatch(CreateCohort {
            name: name.value(),
            year: year.value(),
            time_zone: zone.value(),
        });
    };

    let create_url = <CreateCohort as leptos::server_fn::ServerFn>::url();

    view! {
        <form
            method="post"
            action=create_url
            class="stacked-form"
            node_ref=form
            on:submit=on_submit
        >
            <div class="field">
                <label for="cohort-name">"Name"</label>
                <input
                    node_ref=name_input
                    id="cohort-name"
                    name="name"
                    type="text"
                    required
                    maxlength=NAME_MAX_CHARS.to_string()
                    autocomplete="off"
                    aria-describedby="cohort-name-hint cohort-name-error"
                    aria-invalid=move || name_error.get().is_some().to_string()
                />
                <p id="cohort-name-hint" class="hint">
                    {format!("For example, Ohio 2027. At most {NAME_MAX_CHARS} characters.")}
                </p>
                <FieldError id="cohort-name-error" message=name_error/>
            </div>
            <div class="field">
                <label for="cohort-year">"Year"</label>
                <input
                    node_ref=year_input
                    id="cohort-year"
                    name="year"
                    type="text"
                    inputmode="numeric"
                    required
                    size="4"
                    autocomplete="off"
                    aria-describedby="cohort-year-error"
                    aria-invalid=move || year_error.get().is_some().to_string()
                />
                <FieldError id="cohort-year-error" message=year_error/>
            </div>
            <div class="field">
                <label for="cohort-zone">"Time zone"</label>
                <input
                    node_ref=zone_input
                    id="cohort-zone"
                    name="time_zone"
                    type="text"
                    list="us-time-zones"
                    value="America/New_York"
                    autocomplete="off"
                    aria-describedby="cohort-zone-hint cohort-zone-error"
                    aria-invalid=move || zone_error.get().is_some().to_string()
                />
                <p id="cohort-zone-hint" class="hint">"Deadlines are entered in this zone. An IANA name such as America/Chicago."</p>
                <FieldError id="cohort-zone-error" message=zone_error/>
                <super::TimeZoneOptions/>
            </div>
            {move || form_error().map(|error| view! { <ErrorNotice error/> })}
            <button type="submit" disabled=move || action.pending().get()>"Add cohort"</button>
            <p class="form-status" role="status">{status}</p>
        </form>
    }
}
