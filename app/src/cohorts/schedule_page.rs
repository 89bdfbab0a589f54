//! The cohort page: its details and schedule for everyone in it, with the forms that
//! change them for its facilitators and administrators.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::cohort_label;
use super::schedule::{CohortOverview, Deadline, ModuleView, TermView};
use super::schedule_api::{
    AddModule, RemoveModule, SaveModule, SaveSubmissionRules, SaveTerm, UpdateCohortDetails,
    done_message, get_cohort_overview,
};
use crate::auth::{Action, Role, authorize, current_actor};
use crate::error::AppError;
use crate::request::PostedForm;
use crate::ui::{
    ErrorNotice, FormErrorNotice, SuccessNotice, UserTitle, posted_error, posted_for, query_param,
    shown_value,
};

/// Reads the `:id` route parameter as a cohort id.
pub fn cohort_id_param() -> Option<i32> {
    use_params_map().with_untracked(|params| params.get("id").and_then(|id| id.parse().ok()))
}

fn schedule_form_error() -> Option<AppError> {
    posted_error::<UpdateCohortDetails>()
        .or_else(posted_error::<SaveTerm>)
        .or_else(posted_error::<SaveModule>)
        .or_else(posted_error::<AddModule>)
        .or_else(posted_error::<RemoveModule>)
        .or_else(posted_error::<SaveSubmissionRules>)
}

#[component]
pub fn CohortPage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/> }.into_any();
    };
    let form_error = schedule_form_error();
    let done = query_param("done").and_then(|code| done_message(&code));
    let overview = Resource::new(move || cohort_id, get_cohort_overview);
    view! {
        <Suspense fallback=|| view! { <p>"Loading the cohort…"</p> }>
            {move || {
                let form_error = form_error.clone();
                Suspend::new(async move {
                    match overview.await {
                        Ok(overview) => view! { <CohortView overview form_error done/> }.into_any(),
                        Err(error) => view! { <Title text="Cohort"/><ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// Shows a deadline in the viewer's zone, and in the zone it was set in when that differs.
#[component]
pub fn DeadlineText(deadline: Option<Deadline>) -> impl IntoView {
    match deadline {
        None => view! { <span class="placeholder">"Not set"</span> }.into_any(),
        Some(deadline) => view! {
            <span>
                {deadline.shown}
                {(!deadline.entered.is_empty()).then(|| view! { <span class="hint">{format!(" (set as {})", deadline.entered)}</span> })}
            </span>
        }
        .into_any(),
    }
}

#[component]
fn CohortView(
    overview: CohortOverview,
    form_error: Option<AppError>,
    done: Option<&'static str>,
) -> impl IntoView {
    let actor = current_actor();
    let can_manage = authorize(&actor, Action::ManageCohort(overview.id)).is_ok();
    let is_fellow = actor
        .user()
        .is_some_and(|user| user.has_role_in(overview.id, Role::Fellow));
    let sees_fellows = authorize(&actor, Action::ViewFellowProgress(overview.id)).is_ok();
    let coaches_or_coached = is_fellow
        || actor
            .user()
            .is_some_and(|user| user.has_role_in(overview.id, Role::Coach));
    let label = cohort_label(&overview.name, overview.year);
    let id = overview.id;
    view! {
        <UserTitle text=label.clone()/>
        <h1>{label}</h1>
        <p class="lead">
            {(!overview.affiliate.is_empty()).then(|| format!("{}. ", overview.affiliate))}
            {format!("Deadlines are set in {}. Times on this page are shown in {}; ", overview.time_zone, overview.viewer_zone)}
            <a href="/account">"change your time zone"</a>"."
        </p>
        <FormErrorNotice error=form_error.clone() fields=&[]/>
        {done.filter(|_| form_error.is_none()).map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <ul class="link-list">
            {is_fellow.then(|| view! { <li><a href=format!("/cohorts/{id}/competencies")>"My competencies and growth"</a></li> })}
            {sees_fellows.then(|| view! { <li><a href=format!("/cohorts/{id}/dashboard")>"Dashboard: progress matrix, at-risk fellows and charts"</a></li> })}
            {sees_fellows.then(|| view! { <li><a href=format!("/cohorts/{id}/fellows")>"Fellows, their choices and growth"</a></li> })}
            <li><a href=format!("/cohorts/{id}/events")>"Workshops and meetings"</a></li>
            {can_manage.then(|| view! { <li><a href=format!("/cohorts/{id}/coaching")>"Coaching pairs"</a></li> })}
            {coaches_or_coached.then(|| view! { <li><a href="/coaching">"Coaching sessions"</a></li> })}
        </ul>
        {overview.terms.iter().cloned().map(|term| view! { <TermSection term can_manage cohort_id=id/> }).collect_view()}
        <section aria-labelledby="submissions-heading" class="panel">
            <h2 id="submissions-heading">"Micro-credential submissions"</h2>
            <dl class="facts">
                <dt>"Due"</dt>
                <dd><DeadlineText deadline=overview.submissions_due.clone()/></dd>
                <dt>"Late submissions"</dt>
                <dd>{if overview.late_submissions_allowed { "Accepted and marked late" } else { "Not accepted" }}</dd>
                <dt>"Coaching meeting"</dt>
                <dd>{match overview.not_yet_before_coaching {
                    0 => "Not required".to_owned(),
                    1 => "Required after a not-yet decision".to_owned(),
                    count => format!("Required after {count} not-yet decisions"),
                }}</dd>
            </dl>
            {can_manage.then(|| view! { <SubmissionRulesForm overview=overview.clone()/> })}
        </section>
        {can_manage.then(|| view! { <DetailsForm overview=overview.clone()/> })}
    }
}

#[component]
fn SubmissionRulesForm(overview: CohortOverview) -> impl IntoView {
    let posted = posted_for(SaveSubmissionRules::url(), &[]);
    let due = overview.submissions_due.clone();
    let due_date = shown_value(
        &posted,
        "due_date",
        due.as_ref()
            .map(|d| d.local_date.clone())
            .unwrap_or_default(),
    );
    let due_time = shown_value(
        &posted,
        "due_time",
        due.as_ref()
            .map(|d| d.local_time.clone())
            .unwrap_or_default(),
    );
    let limit = shown_value(
        &posted,
        "not_yet_before_coaching",
        overview.not_yet_before_coaching.to_string(),
    );
    let late = match &posted {
        Some(form) => form.value("late_allowed").is_some(),
        None => overview.late_submissions_allowed,
    };
    view! {
        <form method="post" action=SaveSubmissionRules::url() class="stacked-form">
            <input type="hidden" name="cohort_id" value=overview.id.to_string()/>
            <input type="hidden" name="due_offset" value=due.as_ref().map(|d| d.offset.clone()).unwrap_or_default()/>
            <div class="field">
                <label for="submissions-due-date">"Due date"</label>
                <input id="submissions-due-date" name="due_date" type="date" value=due_date aria-describedby="submissions-due-hint"/>
            </div>
            <div class="field">
                <label for="submissions-due-time">"Due time"</label>
                <input id="submissions-due-time" name="due_time" type="time" value=due_time aria-describedby="submissions-due-hint"/>
                <p id="submissions-due-hint" class="hint">{format!("In {}. Clear both for no deadline. The server's clock decides what is late.", overview.time_zone)}</p>
            </div>
            <label class="checkbox" for="late-allowed">
                <input id="late-allowed" name="late_allowed" type="checkbox" value="on" checked=late/>
                "Accept late submissions and mark them late"
            </label>
            <div class="field">
                <label for="coaching-after">"Not-yet decisions before a coaching meeting is required"</label>
                <input id="coaching-after" name="not_yet_before_coaching" type="number" min="0" max="10" required value=limit/>
            </div>
            <button type="submit">"Save submission rules"</button>
        </form>
    }
}

#[component]
fn TermSection(term: TermView, can_manage: bool, cohort_id: i32) -> impl IntoView {
    let heading = format!("term-{}", term.id);
    let title = term.title();
    let add_id = format!("term-{}-new-module", term.id);
    let term_id_text = term.id.to_string();
    let added_name = shown_value(
        &posted_for(AddModule::url(), &[("term_id", &term_id_text)]),
        "name",
        String::new(),
    );
    view! {
        <section aria-labelledby=heading.clone() class="panel">
            <h2 id=heading.clone()>{title.clone()} {term.in_progress.then(|| view! { " " <span class="badge badge-current">"In progress"</span> })}</h2>
            <p>{format!("{} to {}. ", term.starts_on, term.ends_on)}"Competency choices lock: " <DeadlineText deadline=term.choices_lock.clone()/></p>
            <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{title} modules")>
                <table class="data-table">
                    <thead>
                        <tr><th scope="col">"Module"</th><th scope="col">"Opens"</th><th scope="col">"Due"</th><th scope="col">"Status"</th></tr>
                    </thead>
                    <tbody>
                        {term.modules.iter().cloned().map(|module| view! {
                            <tr>
                                <td><a href=format!("/cohorts/{cohort_id}/modules/{}", module.id)>{module.name}</a></td>
                                <td>{if module.opens_on.is_empty() { "Not set".to_owned() } else { module.opens_on }}</td>
                                <td><DeadlineText deadline=module.due/></td>
                                <td><span class=format!("stage stage-{}", module.stage.label().to_lowercase())>{module.stage.label()}</span></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {can_manage.then(|| view! {
                <TermForm term=term.clone()/>
                {term.modules.iter().cloned().map(|module| view! { <ModuleForm module/> }).collect_view()}
                <form method="post" action=AddModule::url() class="inline-form">
                    <input type="hidden" name="term_id" value=term.id.to_string()/>
                    <label for=add_id.clone()>{format!("New module in {title}")}</label>
                    <input id=add_id name="name" type="text" required value=added_name/>
                    <button type="submit" class="button-small">"Add module"</button>
                </form>
            })}
        </section>
    }
}

/// Date, time and offset fields for a deadline in the cohort's zone.
#[component]
fn DeadlineFields(
    prefix: String,
    legend: String,
    deadline: Option<Deadline>,
    /// A failed post of this form, whose values are shown instead of the saved ones.
    posted: Option<PostedForm>,
) -> impl IntoView {
    let base = prefix.rsplit('-').next().unwrap_or_default().to_owned();
    let (date, time, offset) = deadline
        .as_ref()
        .map(|d| (d.local_date.clone(), d.local_time.clone(), d.offset.clone()))
        .unwrap_or_default();
    let date = shown_value(&posted, &format!("{base}_date"), date);
    let time = shown_value(&posted, &format!("{base}_time"), time);
    let offset = shown_value(&posted, &format!("{base}_offset"), offset);
    let zone = deadline.map(|d| d.zone).unwrap_or_default();
    let date_id = format!("{prefix}-date");
    let time_id = format!("{prefix}-time");
    let offset_id = format!("{prefix}-offset");
    let name = |suffix: &str| format!("{base}_{suffix}");
    view! {
        <fieldset class="editor-row">
            <legend>{legend}</legend>
            <div class="field-row">
                <div class="field">
                    <label for=date_id.clone()>"Date"</label>
                    <input id=date_id name=name("date") type="date" value=date/>
                </div>
                <div class="field">
                    <label for=time_id.clone()>"Time (24-hour)"</label>
                    <input id=time_id name=name("time") type="time" value=time/>
                </div>
                <div class="field">
                    <label for=offset_id.clone()>"UTC offset, only for a time that happens twice"</label>
                    <input id=offset_id name=name("offset") type="text" size="9" placeholder="-05:00" value=offset/>
                </div>
            </div>
            <p class="hint">{if zone.is_empty() { "In the cohort's time zone. Leave the date and time empty for no deadline.".to_owned() } else { format!("In {zone}. Leave the date and time empty for no deadline.") }}</p>
        </fieldset>
    }
}

#[component]
fn TermForm(term: TermView) -> impl IntoView {
    let id = term.id;
    let field = move |name: &str| format!("term-{id}-{name}");
    let id_text = id.to_string();
    let posted = posted_for(SaveTerm::url(), &[("term_id", &id_text)]);
    let season = shown_value(&posted, "season", term.season.clone());
    let starts_on = shown_value(&posted, "starts_on", term.starts_on.clone());
    let ends_on = shown_value(&posted, "ends_on", term.ends_on.clone());
    view! {
        <details open=posted.is_some()>
            <summary>{format!("Edit {}", term.title())}</summary>
            <form method="post" action=SaveTerm::url() class="stacked-form">
                <input type="hidden" name="term_id" value=id.to_string()/>
                <div class="field">
                    <label for=field("season")>"Season"</label>
                    <select id=field("season") name="season">
                        <option value="spring" selected=season == "spring">"Spring"</option>
                        <option value="fall" selected=season == "fall">"Fall"</option>
                    </select>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for=field("starts")>"First day"</label>
                        <input id=field("starts") name="starts_on" type="date" required value=starts_on/>
                    </div>
                    <div class="field">
                        <label for=field("ends")>"Last day"</label>
                        <input id=field("ends") name="ends_on" type="date" required value=ends_on/>
                    </div>
                </div>
                <DeadlineFields prefix=field("lock") legend="Competency choices lock at".to_owned() deadline=term.choices_lock.clone() posted=posted.clone()/>
                <button type="submit">{format!("Save {}", term.title())}</button>
            </form>
        </details>
    }
}

#[component]
fn ModuleForm(module: ModuleView) -> impl IntoView {
    let id = module.id;
    let field = move |name: &str| format!("module-{id}-{name}");
    let id_text = id.to_string();
    let posted = posted_for(SaveModule::url(), &[("module_id", &id_text)]);
    let name = shown_value(&posted, "name", module.name.clone());
    let position = shown_value(&posted, "position", module.position.to_string());
    let opens_on = shown_value(&posted, "opens_on", module.opens_on.clone());
    view! {
        <details open=posted.is_some()>
            <summary>{format!("Edit module {}", module.name)}</summary>
            <form method="post" action=SaveModule::url() class="stacked-form">
                <input type="hidden" name="module_id" value=id.to_string()/>
                <div class="field-row">
                    <div class="field">
                        <label for=field("name")>"Name"</label>
                        <input id=field("name") name="name" type="text" required value=name/>
                    </div>
                    <div class="field">
                        <label for=field("position")>"Order"</label>
                        <input id=field("position") name="position" type="text" inputmode="numeric" size="3" value=position/>
                    </div>
                    <div class="field">
                        <label for=field("opens")>"Opens"</label>
                        <input id=field("opens") name="opens_on" type="date" value=opens_on/>
                    </div>
                </div>
                <DeadlineFields prefix=field("due") legend="Due".to_owned() deadline=module.due.clone() posted=posted.clone()/>
                <button type="submit">{format!("Save module {}", module.name)}</button>
            </form>
            <form method="post" action=RemoveModule::url() class="inline-form">
                <input type="hidden" name="module_id" value=id.to_string()/>
                <button type="submit" class="button-small">{format!("Remove module {}", module.name)}</button>
            </form>
        </details>
    }
}

#[component]
fn DetailsForm(overview: CohortOverview) -> impl IntoView {
    let posted = posted_for(UpdateCohortDetails::url(), &[]);
    let name = shown_value(&posted, "name", overview.name.clone());
    let year = shown_value(&posted, "year", overview.year.to_string());
    let affiliate = shown_value(&posted, "affiliate", overview.affiliate.clone());
    let time_zone = shown_value(&posted, "time_zone", overview.time_zone.clone());
    view! {
        <section aria-labelledby="details-heading" class="panel">
            <h2 id="details-heading">"Cohort details"</h2>
            <form method="post" action=UpdateCohortDetails::url() class="stacked-form">
                <input type="hidden" name="cohort_id" value=overview.id.to_string()/>
                <div class="field">
                    <label for="cohort-name">"Name"</label>
                    <input id="cohort-name" name="name" type="text" required value=name/>
                </div>
                <div class="field">
                    <label for="cohort-year">"Year"</label>
                    <input id="cohort-year" name="year" type="text" inputmode="numeric" size="4" required value=year/>
                </div>
                <div class="field">
                    <label for="cohort-affiliate">"State or local affiliate"</label>
                    <input id="cohort-affiliate" name="affiliate" type="text" value=affiliate/>
                </div>
                <div class="field">
                    <label for="cohort-zone">"Time zone"</label>
                    <input id="cohort-zone" name="time_zone" type="text" list="us-time-zones" required value=time_zone aria-describedby="cohort-zone-hint"/>
                    <p id="cohort-zone-hint" class="hint">"An IANA name such as America/Chicago. New deadlines are entered in this zone; deadlines already set keep theirs."</p>
                </div>
                <TimeZoneOptions/>
                <button type="submit">"Save details"</button>
            </form>
        </section>
    }
}

/// US time zones offered as suggestions for time-zone fields.
pub const US_TIME_ZONES: [&str; 9] = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "Pacific/Guam",
];

#[component]
pub fn TimeZoneOptions() -> impl IntoView {
    view! {
        <datalist id="us-time-zones">
            {US_TIME_ZONES.into_iter().map(|zone| view! { <option value=zone></option> }).collect_view()}
        </datalist>
    }
}
