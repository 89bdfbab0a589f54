//! The schedule, event and calendar pages. They are plain server-rendered HTML with
//! forms that post to server functions, so they work without the script bundle.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::api::{
    CancelEvent, CheckIn, ResetCalendarFeed, ScheduleEvent, TakeAttendance, UpdateEvent,
    done_message, get_calendar, get_event, get_schedule,
};
use super::{
    AttendanceCounts, AttendanceStatus, CHECK_IN_RANGE, CalendarPageData, CheckInWindow,
    DEFAULT_CHECK_IN_MINUTES, DEFAULT_DURATION_MINUTES, DURATION_RANGE, EventKind, EventPageData,
    EventSummary, ModuleChoice, RosterRow, SchedulePage, event_path, schedule_path,
};
use crate::cohorts::{DeadlineText, cohort_id_param};
use crate::error::AppError;
use crate::request::PostedForm;
use crate::ui::{
    ErrorNotice, FormErrorNotice, SuccessNotice, UserTitle, posted_error, posted_for, query_param,
    shown_value,
};

fn id_param() -> Option<i32> {
    use_params_map().with_untracked(|params| params.get("id").and_then(|id| id.parse().ok()))
}

fn module_path(cohort_id: i32, module_id: i32) -> String {
    format!("/cohorts/{cohort_id}/modules/{module_id}")
}

/// Renders a cohort's workshops and meetings, with the forms that schedule them for
/// its facilitators.
#[component]
pub fn EventsPage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return view! { <Title text="Workshops and meetings"/><ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/> }.into_any();
    };
    let form_error = posted_error::<ScheduleEvent>();
    let done = query_param("done").and_then(|code| done_message(&code));
    let data = Resource::new(move || cohort_id, get_schedule);
    view! {
        <Suspense fallback=|| view! { <p>"Loading the schedule…"</p> }>
            {move || {
                let form_error = form_error.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <ScheduleView page form_error done/> }.into_any(),
                        Err(error) => view! { <Title text="Workshops and meetings"/><ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ScheduleView(
    page: SchedulePage,
    form_error: Option<AppError>,
    done: Option<&'static str>,
) -> impl IntoView {
    let cohort_id = page.cohort_id;
    view! {
        <UserTitle text=format!("Workshops and meetings · {}", page.cohort_label)/>
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                <li><a href=format!("/cohorts/{cohort_id}")>{page.cohort_label.clone()}</a></li>
                <li><a href=schedule_path(cohort_id) aria-current="page">"Workshops and meetings"</a></li>
            </ol>
        </nav>
        <h1>"Workshops and meetings"</h1>
        <p class="lead">
            {format!("Times are shown in {}; ", page.viewer_zone)}
            <a href="/account">"change your time zone"</a>". "
            <a href="/calendar">"Add them to your calendar app"</a>"."
        </p>
        <FormErrorNotice error=form_error.clone() fields=&[]/>
        {done.filter(|_| form_error.is_none()).map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <section aria-labelledby="upcoming-heading" class="panel">
            <h2 id="upcoming-heading">"Upcoming"</h2>
            {page.upcoming.is_empty().then(|| view! { <p class="placeholder">"Nothing is scheduled yet."</p> })}
            <ul class="event-list">
                {page.upcoming.iter().cloned().map(|event| view! { <EventCard event cohort_id/> }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="past-heading" class="panel">
            <h2 id="past-heading">"Past"</h2>
            {page.past.is_empty().then(|| view! { <p class="placeholder">"No workshop or meeting has ended yet."</p> })}
            <ul class="event-list">
                {page.past.iter().cloned().map(|event| view! { <EventCard event cohort_id/> }).collect_view()}
            </ul>
        </section>
        {page.can_manage.then(|| view! {
            <ScheduleForm kind=EventKind::Workshop page=page.clone()/>
            <ScheduleForm kind=EventKind::Meeting page=page.clone()/>
        })}
    }
}

/// Shows the start of an event in the viewer's zone (and in its entry zone when that
/// differs), its end and its length.
#[component]
fn EventTime(event: EventSummary) -> impl IntoView {
    view! {
        <DeadlineText deadline=Some(event.starts.clone())/>
        {format!(", until {} ({} minutes)", event.ends, event.duration_minutes)}
    }
}

#[component]
fn EventCard(event: EventSummary, cohort_id: i32) -> impl IntoView {
    let heading = format!("event-{}-title", event.id);
    let place = match (&event.location, event.kind) {
        (Some(place), _) => place.clone(),
        (None, EventKind::Workshop) => "Online".to_owned(),
        (None, EventKind::Meeting) => "Place not set".to_owned(),
    };
    view! {
        <li id=format!("event-{}", event.id) class=if event.cancelled { "event-card event-cancelled" } else { "event-card" }>
            <h3 id=heading>
                <a href=event_path(event.id)>{event.title.clone()}</a>
                " " <span class="badge">{event.kind.label()}</span>
                {event.cancelled.then(|| view! { " " <span class="badge badge-cancelled">"Cancelled"</span> })}
            </h3>
            <p><EventTime event=event.clone()/></p>
            <p>
                {event.module.clone().map(|module| view! {
                    <a href=module_path(cohort_id, module.id)>{format!("{} module", module.name)}</a>". "
                })}
                {place}
            </p>
            {(event.past && !event.cancelled).then(|| view! {
                <p class="hint">{format!("Attendance: {}.", event.counts.sentence())}</p>
            })}
        </li>
    }
}

/// The fields of an event form, shown as typed after a failed post or as saved.
#[derive(Clone, Debug, Default)]
struct FormValues {
    module_id: String,
    title: String,
    date: String,
    time: String,
    offset: String,
    duration_minutes: String,
    join_url: String,
    location: String,
    check_in_minutes: String,
}

impl FormValues {
    /// Replaces each value with the posted one when `posted` came back with an error.
    fn or_posted(self, posted: &Option<PostedForm>) -> FormValues {
        FormValues {
            module_id: shown_value(posted, "module_id", self.module_id),
            title: shown_value(posted, "title", self.title),
            date: shown_value(posted, "date", self.date),
            time: shown_value(posted, "time", self.time),
            offset: shown_value(posted, "offset", self.offset),
            duration_minutes: shown_value(posted, "duration_minutes", self.duration_minutes),
            join_url: shown_value(posted, "join_url", self.join_url),
            location: shown_value(posted, "location", self.location),
            check_in_minutes: shown_value(posted, "check_in_minutes", self.check_in_minutes),
        }
    }
}

#[component]
fn ScheduleForm(kind: EventKind, page: SchedulePage) -> impl IntoView {
    let posted = posted_for(ScheduleEvent::url(), &[("kind", kind.name())]);
    let values = FormValues {
        duration_minutes: DEFAULT_DURATION_MINUTES.to_string(),
        check_in_minutes: DEFAULT_CHECK_IN_MINUTES.to_string(),
        ..Default::default()
    }
    .or_posted(&posted);
    let (heading, button) = match kind {
        EventKind::Workshop => (
            "Schedule a module's virtual workshop",
            "Schedule the workshop",
        ),
        EventKind::Meeting => ("Schedule a cohort meeting", "Schedule the meeting"),
    };
    let heading_id = format!("schedule-{}-heading", kind.name());
    view! {
        <section aria-labelledby=heading_id.clone() class="panel">
            <h2 id=heading_id.clone()>{heading}</h2>
            <p class="hint">"Members of the cohort get a notification, and the event appears in their calendar feeds."</p>
            <form method="post" action=ScheduleEvent::url() class="stacked-form event-form">
                <input type="hidden" name="cohort_id" value=page.cohort_id.to_string()/>
                <input type="hidden" name="kind" value=kind.name()/>
                <EventFields prefix=format!("new-{}", kind.name()) kind modules=page.modules.clone() values zone=page.cohort_zone.clone()/>
                <button type="submit">{button}</button>
            </form>
        </section>
    }
}

/// Renders the inputs that the schedule and edit forms share.
#[component]
fn EventFields(
    prefix: String,
    kind: EventKind,
    modules: Vec<ModuleChoice>,
    values: FormValues,
    /// The zone the date and time are entered in.
    zone: String,
) -> impl IntoView {
    let id = move |name: &str| format!("{prefix}-{name}");
    let title_hint = match kind {
        EventKind::Workshop => {
            "Leave empty to call it after the module, such as “Design workshop”."
        }
        EventKind::Meeting => "Leave empty to call it “Cohort meeting”.",
    };
    let selected_module = values.module_id.clone();
    view! {
        <div class="field">
            <label for=id("module")>{if kind == EventKind::Workshop { "Module" } else { "Module (optional)" }}</label>
            <select id=id("module") name="module_id" required=kind == EventKind::Workshop>
                {(kind == EventKind::Meeting).then(|| view! { <option value="">"No module"</option> })}
                {(kind == EventKind::Workshop).then(|| view! { <option value="" disabled=true selected=selected_module.is_empty()>"Choose a module"</option> })}
                {modules.into_iter().map(|module| {
                    let value = module.id.to_string();
                    let selected = value == selected_module;
                    view! { <option value=value selected=selected>{module.label}</option> }
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for=id("title")>"Title (optional)"</label>
            <input id=id("title") name="title" type="text" maxlength="200" value=values.title aria-describedby=id("title-hint")/>
            <p id=id("title-hint") class="hint">{title_hint}</p>
        </div>
        <fieldset class="editor-row">
            <legend>"Starts"</legend>
            <div class="field-row">
                <div class="field">
                    <label for=id("date")>"Date"</label>
                    <input id=id("date") name="date" type="date" required value=values.date/>
                </div>
                <div class="field">
                    <label for=id("time")>"Time (24-hour)"</label>
                    <input id=id("time") name="time" type="time" required value=values.time/>
                </div>
                <div class="field">
                    <label for=id("offset")>"UTC offset, only for a time that happens twice"</label>
                    <input id=id("offset") name="offset" type="text" size="9" placeholder="-05:00" value=values.offset/>
                </div>
            </div>
            <p class="hint">{format!("In {zone}.")}</p>
        </fieldset>
        <div class="field-row">
            <div class="field">
                <label for=id("duration")>"Length in minutes"</label>
                <input id=id("duration") name="duration_minutes" type="number" inputmode="numeric" required
                    min=DURATION_RANGE.start().to_string() max=DURATION_RANGE.end().to_string() value=values.duration_minutes/>
            </div>
            <div class="field">
                <label for=id("check-in")>"Check-in opens, minutes before the start"</label>
                <input id=id("check-in") name="check_in_minutes" type="number" inputmode="numeric"
                    min=CHECK_IN_RANGE.start().to_string() max=CHECK_IN_RANGE.end().to_string() value=values.check_in_minutes/>
            </div>
        </div>
        <div class="field">
            <label for=id("join")>{if kind == EventKind::Workshop { "Join link" } else { "Join link for those who join from afar (optional)" }}</label>
            <input id=id("join") name="join_url" type="url" inputmode="url" required=kind == EventKind::Workshop
                placeholder="https://" value=values.join_url aria-describedby=id("join-hint")/>
            <p id=id("join-hint") class="hint">"An https:// address from your video meeting service. Only members of the cohort see it."</p>
        </div>
        {(kind == EventKind::Meeting).then(|| view! {
            <div class="field">
                <label for=id("location")>"Where"</label>
                <input id=id("location") name="location" type="text" required maxlength="300" value=values.location.clone()
                    placeholder="School, street address, room"/>
            </div>
        })}
    }
}

/// Renders an event's details, check-in for fellows, and attendance and changes for
/// its cohort's facilitators.
#[component]
pub fn EventPage() -> impl IntoView {
    let Some(event_id) = id_param() else {
        return view! { <Title text="Event"/><ErrorNotice error=AppError::NotFound("There is no such workshop or meeting.".into())/> }.into_any();
    };
    let form_error = posted_error::<UpdateEvent>()
        .or_else(posted_error::<CancelEvent>)
        .or_else(posted_error::<TakeAttendance>)
        .or_else(posted_error::<CheckIn>);
    let done = query_param("done").and_then(|code| {
        if code == "attendance" {
            let changed: usize = query_param("changed")
                .and_then(|count| count.parse().ok())
                .unwrap_or(0);
            Some(match changed {
                0 => "Attendance saved: nothing changed.".to_owned(),
                1 => "Attendance saved: 1 person's status changed.".to_owned(),
                count => format!("Attendance saved: {count} people's status changed."),
            })
        } else {
            done_message(&code).map(str::to_owned)
        }
    });
    let data = Resource::new(move || event_id, get_event);
    view! {
        <Suspense fallback=|| view! { <p>"Loading the event…"</p> }>
            {move || {
                let form_error = form_error.clone();
                let done = done.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <EventView page form_error done/> }.into_any(),
                        Err(error) => view! { <Title text="Event"/><ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn EventView(
    page: EventPageData,
    form_error: Option<AppError>,
    done: Option<String>,
) -> impl IntoView {
    let event = page.event.clone();
    let noun = event.kind.label().to_lowercase();
    let cohort_id = page.cohort_id;
    view! {
        <UserTitle text=format!("{} · {}", event.title, page.cohort_label)/>
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                <li><a href=format!("/cohorts/{cohort_id}")>{page.cohort_label.clone()}</a></li>
                <li><a href=schedule_path(cohort_id)>"Workshops and meetings"</a></li>
                <li><a href=event_path(event.id) aria-current="page">{event.title.clone()}</a></li>
            </ol>
        </nav>
        <h1>{event.title.clone()}</h1>
        <p class="lead">
            <span class="badge">{event.kind.label()}</span>
            {event.cancelled.then(|| view! { " " <span class="badge badge-cancelled">"Cancelled"</span> })}
            {format!(" Times are shown in {}.", page.viewer_zone)}
        </p>
        <FormErrorNotice error=form_error.clone() fields=&[]/>
        {done.filter(|_| form_error.is_none()).map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        {page.cancelled_at.clone().map(|at| view! {
            <div class="notice notice-warning"><p>{format!("This {noun} was cancelled on {at}. It stays listed so that calendars can remove it.")}</p></div>
        })}
        <dl class="facts event-facts">
            <dt>"Starts"</dt>
            <dd><DeadlineText deadline=Some(event.starts.clone())/></dd>
            <dt>"Ends"</dt>
            <dd>{format!("{} ({} minutes)", event.ends, event.duration_minutes)}</dd>
            {event.module.clone().map(|module| view! {
                <dt>"Module"</dt>
                <dd><a href=module_path(cohort_id, module.id)>{module.label}</a></dd>
            })}
            {page.join_url.clone().filter(|_| !event.cancelled).map(|link| view! {
                <dt>"Join link"</dt>
                <dd><a href=link.clone() rel="noopener noreferrer external" class="join-link">{link.clone()}</a></dd>
            })}
            {event.location.clone().map(|place| view! {
                <dt>"Where"</dt>
                <dd>{place}</dd>
            })}
            <dt>"Check-in"</dt>
            <dd>{format!("Fellows check in from {} minutes before the start until the end; more than 10 minutes after the start counts as late.", page.check_in_minutes)}</dd>
        </dl>
        {page.is_fellow.then(|| view! { <CheckInSection page=page.clone()/> })}
        <AttendanceSection page=page.clone()/>
        {(page.can_manage && !event.cancelled).then(|| view! { <ManageSection page=page.clone()/> })}
    }
}

#[component]
fn CheckInSection(page: EventPageData) -> impl IntoView {
    let event = page.event.clone();
    let body = match (&page.own, event.cancelled) {
        (Some(own), _) => {
            let how = if own.by_facilitator {
                " Your facilitator recorded it.".to_owned()
            } else if !own.checked_in.is_empty() {
                format!(" You checked in at {}.", own.checked_in)
            } else {
                String::new()
            };
            view! { <p>"You are recorded as " <strong>{own.status.label().to_lowercase()}</strong>"." {how}</p> }.into_any()
        }
        (None, true) => view! { <p>"There is nothing to check in to."</p> }.into_any(),
        (None, false) => {
            let hint = match &page.window {
                CheckInWindow::NotYet(opens) => format!("Check-in opens at {opens}."),
                CheckInWindow::Open => "Check-in is open now.".to_owned(),
                CheckInWindow::Closed(ended) => format!(
                    "Check-in closed at {ended}. If you attended, ask your facilitator to record it."
                ),
            };
            view! {
                <p id="check-in-hint">{hint}</p>
                <form method="post" action=CheckIn::url() class="inline-form">
                    <input type="hidden" name="event_id" value=event.id.to_string()/>
                    <button type="submit" aria-describedby="check-in-hint">"Check in"</button>
                </form>
            }
            .into_any()
        }
    };
    view! {
        <section aria-labelledby="check-in-heading" class="panel">
            <h2 id="check-in-heading">"Your check-in"</h2>
            {body}
        </section>
    }
}

#[component]
fn AttendanceCountList(counts: AttendanceCounts) -> impl IntoView {
    let items = [
        ("Present", counts.present),
        ("Late", counts.late),
        ("Absent", counts.absent),
        ("Excused", counts.excused),
        ("Not recorded", counts.not_recorded),
    ];
    view! {
        <ul class="attendance-counts">
            {items.into_iter().map(|(label, count)| view! {
                <li><span class="count">{count.to_string()}</span>" " {label}</li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn AttendanceSection(page: EventPageData) -> impl IntoView {
    view! {
        <section aria-labelledby="attendance-heading" class="panel">
            <h2 id="attendance-heading">"Attendance"</h2>
            <AttendanceCountList counts=page.event.counts/>
            {page.can_manage.then(|| view! { <AttendanceForm page=page.clone()/> })}
        </section>
    }
}

#[component]
fn AttendanceForm(page: EventPageData) -> impl IntoView {
    let event_id = page.event.id.to_string();
    let posted = posted_for(TakeAttendance::url(), &[("event_id", &event_id)]);
    if page.roster.is_empty() {
        return view! { <p class="placeholder">"This cohort has no fellows yet."</p> }.into_any();
    }
    view! {
        <form method="post" action=TakeAttendance::url() class="attendance-form">
            <input type="hidden" name="event_id" value=event_id.clone()/>
            <p class="hint">"Choose each fellow's status and save once. Your choice replaces a fellow's own check-in; saving again changes only what you changed."</p>
            <div class="attendance-list">
                {page.roster.iter().cloned().map(|row| view! { <AttendanceRow row posted=posted.clone()/> }).collect_view()}
            </div>
            <button type="submit">"Save attendance"</button>
        </form>
    }
    .into_any()
}

#[component]
fn AttendanceRow(row: RosterRow, posted: Option<PostedForm>) -> impl IntoView {
    let name = format!("status[{}]", row.user_id);
    let loaded = row
        .status
        .map(|status| status.name().to_owned())
        .unwrap_or_default();
    let was = format!("was[{}]", row.user_id);
    let chosen = shown_value(&posted, &name, loaded.clone());
    let loaded = shown_value(&posted, &was, loaded);
    let choices: Vec<(String, &'static str)> = AttendanceStatus::ALL
        .into_iter()
        .map(|status| (status.name().to_owned(), status.label()))
        .chain(std::iter::once((String::new(), "Not recorded")))
        .collect();
    view! {
        <input type="hidden" name=was value=loaded/>
        <fieldset class="attendance-row">
            <legend>
                {row.name.clone()}
                {row.self_check_in.clone().map(|at| view! { " " <span class="hint">{format!("(checked in {at})")}</span> })}
            </legend>
            <div class="attendance-choices">
                {choices.into_iter().map(|(value, label)| {
                    let input_id = format!("attendance-{}-{}", row.user_id, if value.is_empty() { "none" } else { value.as_str() });
                    let checked = value == chosen;
                    view! {
                        <label class="choice" for=input_id.clone()>
                            <input id=input_id.clone() type="radio" name=name.clone() value=value checked=checked/>
                            {label}
                        </label>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

#[component]
fn ManageSection(page: EventPageData) -> impl IntoView {
    let event = page.event.clone();
    let id_text = event.id.to_string();
    let posted = posted_for(UpdateEvent::url(), &[("event_id", &id_text)]);
    let values = FormValues {
        module_id: event
            .module
            .as_ref()
            .map(|module| module.id.to_string())
            .unwrap_or_default(),
        title: event.title.clone(),
        date: event.starts.local_date.clone(),
        time: event.starts.local_time.clone(),
        offset: event.starts.offset.clone(),
        duration_minutes: event.duration_minutes.to_string(),
        join_url: page.join_url.clone().unwrap_or_default(),
        location: event.location.clone().unwrap_or_default(),
        check_in_minutes: page.check_in_minutes.to_string(),
    }
    .or_posted(&posted);
    let noun = event.kind.label().to_lowercase();
    view! {
        <section aria-labelledby="manage-heading" class="panel">
            <h2 id="manage-heading">{format!("Change or cancel this {noun}")}</h2>
            <details open=posted.is_some()>
                <summary>{format!("Edit the {noun}")}</summary>
                <form method="post" action=UpdateEvent::url() class="stacked-form event-form">
                    <input type="hidden" name="event_id" value=id_text.clone()/>
                    <EventFields prefix="edit".to_owned() kind=event.kind modules=page.modules.clone() values zone=event.starts.zone.clone()/>
                    <p class="hint">"Members are notified, and calendar feeds show the change."</p>
                    <button type="submit">"Save changes"</button>
                </form>
            </details>
            <form method="post" action=CancelEvent::url() class="inline-form">
                <input type="hidden" name="event_id" value=id_text/>
                <button type="submit" class="button-quiet button-danger">{format!("Cancel this {noun}")}</button>
                <span class="hint">" It stays listed as cancelled, and members are notified."</span>
            </form>
        </section>
    }
}

/// Renders the calendar feed page: creating or resetting the person's secret feed
/// address, and how to subscribe to it.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let form_error = posted_error::<ResetCalendarFeed>();
    let data = Resource::new(|| (), |_| get_calendar());
    view! {
        <Title text="Calendar feed"/>
        <h1>"Calendar feed"</h1>
        <p class="lead">"Subscribe to one private address to see your cohorts' workshops and meetings and your coaching sessions in Google Calendar, Outlook or Apple Calendar. Changes and cancellations appear when your calendar app next refreshes the feed, which can take several hours."</p>
        <FormErrorNotice error=form_error fields=&[]/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <FeedSection page/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
        <SubscribeHelp/>
    }
}

#[component]
fn FeedSection(page: CalendarPageData) -> impl IntoView {
    let status = match (&page.new_address, page.has_feed) {
        (Some(address), _) => view! {
            <SuccessNotice>"Your feed address is ready. Copy it now: it is shown only this once."</SuccessNotice>
            <div class="field">
                <label for="feed-address">"Your calendar feed address"</label>
                <input id="feed-address" type="text" readonly value=address.clone() class="feed-address" aria-describedby="feed-address-hint"/>
                <p id="feed-address-hint" class="hint">"TLI Hub keeps only a fingerprint of this address, so it cannot show it again. Anyone who has it can see your schedule: keep it to yourself."</p>
            </div>
        }
        .into_any(),
        (None, true) => view! {
            <p>"You have a feed address. For your privacy it was shown only when it was made. If you lost it, or someone else may have it, reset it: the old address stops working at once and your calendar app needs the new one."</p>
        }
        .into_any(),
        (None, false) => view! { <p>"You have no feed address yet."</p> }.into_any(),
    };
    let button = if page.has_feed {
        "Reset my feed address"
    } else {
        "Create my feed address"
    };
    view! {
        <section aria-labelledby="feed-heading" class="panel">
            <h2 id="feed-heading">"Your feed address"</h2>
            {status}
            <form method="post" action=ResetCalendarFeed::url() class="inline-form">
                <button type="submit" class=if page.has_feed { "button-quiet" } else { "" }>{button}</button>
            </form>
        </section>
    }
}

#[component]
fn SubscribeHelp() -> impl IntoView {
    view! {
        <section aria-labelledby="subscribe-heading" class="panel">
            <h2 id="subscribe-heading">"How to subscribe"</h2>
            <p>"Subscribe rather than import, so that changes reach your calendar. The steps below are for each app's current version; menus may differ a little in yours."</p>
            <h3>"Google Calendar"</h3>
            <ol>
                <li>"On a computer, open Google Calendar in the browser."</li>
                <li>"Next to “Other calendars”, select the plus sign, then “From URL”."</li>
                <li>"Paste the feed address and select “Add calendar”. The calendar then appears on your phone too."</li>
            </ol>
            <h3>"Outlook"</h3>
            <ol>
                <li>"Open the calendar in Outlook on the web or the new Outlook."</li>
                <li>"Select “Add calendar”, then “Subscribe from web”."</li>
                <li>"Paste the feed address, give the calendar a name such as TLI Hub, and select “Import”."</li>
            </ol>
            <h3>"Apple Calendar"</h3>
            <ol>
                <li>"On a Mac, choose File, then “New Calendar Subscription”. On an iPhone or iPad, open Settings, then Calendar, Accounts, Add Account, Other, “Add Subscribed Calendar”."</li>
                <li>"Paste the feed address and select Subscribe."</li>
                <li>"On a Mac, set “Auto-refresh” to every hour or every day, then select OK."</li>
            </ol>
        </section>
    }
}
