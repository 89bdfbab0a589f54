//! The coaching page, for coaches and the fellows they coach, and the cohort's
//! pairing page for facilitators.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::api::{LogSession, PairCoach, ScheduleSession, done_message, get_coaching, get_pairing};
use super::{CoachingData, PairView, PairingData, SessionState, SessionView};
use crate::error::AppError;
use crate::ui::{
    ErrorNotice, FieldError, FormErrorNotice, SuccessNotice, UserTitle, field_message,
    posted_error, posted_for, query_param, shown_value, textarea_text,
};

#[component]
pub fn CoachingPage() -> impl IntoView {
    let done = query_param("done").and_then(|code| done_message(&code));
    let data = Resource::new(|| (), |_| get_coaching());
    view! {
        <leptos_meta::Title text="Coaching"/>
        <h1>"Coaching"</h1>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <CoachingView data/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CoachingView(data: CoachingData) -> impl IntoView {
    let schedule_error = posted_error::<ScheduleSession>();
    let log_error = posted_error::<LogSession>();
    let nothing = data.coaching.is_empty() && data.coached.is_empty();
    view! {
        <p class="lead">{format!("Times are in {}. ", data.zone)}<a href="/account">"Change your time zone"</a>". Session notes are seen only by the coach and the fellow."</p>
        {nothing.then(|| view! { <p class="placeholder">"You are not in a coaching pair. Facilitators pair coaches with fellows on each cohort's coaching page."</p> })}
        {data.coaching.iter().cloned().map(|pair| view! {
            <PairSection pair coach=true schedule_error=schedule_error.clone() log_error=log_error.clone()/>
        }).collect_view()}
        {data.coached.iter().cloned().map(|pair| view! {
            <PairSection pair coach=false schedule_error=None log_error=None/>
        }).collect_view()}
    }
}

#[component]
fn PairSection(
    pair: PairView,
    coach: bool,
    schedule_error: Option<AppError>,
    log_error: Option<AppError>,
) -> impl IntoView {
    let heading = format!(
        "pair-{}-{}-{}",
        pair.cohort_id,
        pair.fellow_id,
        if pair.current { "current" } else { "earlier" }
    );
    let title = match (coach, pair.current) {
        (true, true) => format!("Coaching {} ({})", pair.fellow_name, pair.cohort_label),
        (false, true) => format!("Your coach, {} ({})", pair.coach_name, pair.cohort_label),
        (true, false) => format!(
            "Earlier coaching of {} ({})",
            pair.fellow_name, pair.cohort_label
        ),
        (false, false) => format!(
            "Earlier coaching with {} ({})",
            pair.coach_name, pair.cohort_label
        ),
    };
    // Only the current pair schedules and logs; an earlier pair's sessions are read only.
    let coach = coach && pair.current;
    let fellow_text = pair.fellow_id.to_string();
    let cohort_text = pair.cohort_id.to_string();
    let posted = posted_for(
        &ScheduleSession::url(),
        &[("fellow_id", &fellow_text), ("cohort_id", &cohort_text)],
    );
    let schedule_error = posted.as_ref().and(schedule_error);
    let (upcoming, past): (Vec<SessionView>, Vec<SessionView>) = pair
        .sessions
        .iter()
        .cloned()
        .partition(|session| session.upcoming && session.state == SessionState::Scheduled);
    view! {
        <section aria-labelledby=heading.clone() class="panel">
            <h2 id=heading.clone()>{title}</h2>
            {(!pair.meetings_due.is_empty()).then(|| view! {
                <div class="notice" role="note">
                    <p>{if coach { "A coaching meeting is required before the next attempt of:" } else { "Meet your coach before your next attempt of:" }}</p>
                    <ul>{pair.meetings_due.iter().map(|due| view! { <li>{format!("{} (after {} not-yet decisions)", due.title, due.not_yet)}</li> }).collect_view()}</ul>
                    {coach.then(|| view! { <p class="hint">"Log a held session below and choose the submission it counts for."</p> })}
                </div>
            })}
            <h3>"Upcoming"</h3>
            {upcoming.is_empty().then(|| view! { <p class="placeholder">"No session scheduled."</p> })}
            <ul class="card-list">
                {upcoming.into_iter().map(|session| view! { <SessionCard session pair=pair.clone() coach log_error=log_error.clone()/> }).collect_view()}
            </ul>
            {coach.then(|| {
                let date = shown_value(&posted, "date", String::new());
                let time = shown_value(&posted, "time", String::new());
                let duration = shown_value(&posted, "duration", "45".into());
                let place = shown_value(&posted, "place", String::new());
                let id = |field: &str| format!("{heading}-{field}");
                view! {
                    <form method="post" action=ScheduleSession::url() class="stacked-form">
                        <h3>"Schedule a session"</h3>
                        <FormErrorNotice error=schedule_error.clone() fields=&["when", "duration", "place"]/>
                        <input type="hidden" name="cohort_id" value=cohort_text.clone()/>
                        <input type="hidden" name="fellow_id" value=fellow_text.clone()/>
                        <div class="field-row">
                            <div class="field">
                                <label for=id("date")>"Date"</label>
                                <input id=id("date") name="date" type="date" required value=date aria-describedby=id("when-error")/>
                            </div>
                            <div class="field">
                                <label for=id("time")>"Time (24-hour)"</label>
                                <input id=id("time") name="time" type="time" required value=time aria-describedby=id("when-error")/>
                            </div>
                            <div class="field">
                                <label for=id("duration")>"Minutes"</label>
                                <input id=id("duration") name="duration" type="number" min="10" max="240" value=duration aria-describedby=id("duration-error")/>
                            </div>
                        </div>
                        <div class="field">
                            <label for=id("offset")>"UTC offset, only for a time that happens twice"</label>
                            <input id=id("offset") name="offset" type="text" size="9" placeholder="-05:00" value=shown_value(&posted, "offset", String::new())/>
                        </div>
                        <FieldError id=id("when-error") message=field_message(&schedule_error, "when")/>
                        <FieldError id=id("duration-error") message=field_message(&schedule_error, "duration")/>
                        <div class="field">
                            <label for=id("place")>"Place or video link"</label>
                            <input id=id("place") name="place" type="text" maxlength="500" value=place/>
                        </div>
                        <button type="submit">"Schedule"</button>
                    </form>
                }
            })}
            <h3>"Past and logged sessions"</h3>
            {past.is_empty().then(|| view! { <p class="placeholder">"None yet."</p> })}
            <ul class="card-list">
                {past.into_iter().map(|session| view! { <SessionCard session pair=pair.clone() coach log_error=log_error.clone()/> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn SessionCard(
    session: SessionView,
    pair: PairView,
    coach: bool,
    log_error: Option<AppError>,
) -> impl IntoView {
    let id_text = session.id.to_string();
    let posted = posted_for(&LogSession::url(), &[("session_id", &id_text)]);
    let log_error = posted.as_ref().and(log_error);
    let notes = shown_value(&posted, "notes", session.notes.clone());
    let chosen = shown_value(&posted, "outcome", session.state.name().to_owned());
    let prefix = format!("session-{}", session.id);
    let id = |field: &str| format!("{prefix}-{field}");
    view! {
        <li id=prefix.clone() class="card">
            <h4>{session.when.clone()}" " <span class="badge">{session.state.label()}</span></h4>
            <p>{format!("{} minutes", session.duration_minutes)}{(!session.place.is_empty()).then(|| format!(". {}", session.place))}</p>
            {(!session.counted_for.is_empty()).then(|| view! { <p>{format!("Counted as the required coaching meeting for {}.", session.counted_for)}</p> })}
            {(!coach && !session.notes.is_empty()).then(|| view! {
                <h5>"Notes"</h5>
                <p class="prewrap">{session.notes.clone()}</p>
            })}
            {coach.then(|| view! {
                <details open=log_error.is_some()>
                    <summary>"Log this session"</summary>
                    <form method="post" action=LogSession::url() class="stacked-form">
                        <FormErrorNotice error=log_error.clone() fields=&["outcome", "notes", "submission_id"]/>
                        <input type="hidden" name="session_id" value=id_text.clone()/>
                        <fieldset>
                            <legend>"How did it go?"</legend>
                            {SessionState::ALL.into_iter().map(|state| {
                                let input = id(state.name());
                                view! {
                                    <label class="checkbox" for=input.clone()>
                                        <input id=input.clone() type="radio" name="outcome" value=state.name() checked=chosen == state.name()/>
                                        {state.label()}
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                        <div class="field">
                            <label for=id("notes")>"Notes (only you and the fellow see them)"</label>
                            <textarea id=id("notes") name="notes" rows="5" aria-describedby=id("notes-error")>{textarea_text(&notes)}</textarea>
                            <FieldError id=id("notes-error") message=field_message(&log_error, "notes")/>
                        </div>
                        {(!pair.meetings_due.is_empty()).then(|| view! {
                            <div class="field">
                                <label for=id("counts")>"Counts as the required coaching meeting for"</label>
                                <select id=id("counts") name="submission_id" aria-describedby=id("counts-error")>
                                    <option value="">"None"</option>
                                    {pair.meetings_due.iter().map(|due| view! { <option value=due.submission_id.to_string()>{due.title.clone()}</option> }).collect_view()}
                                </select>
                                <FieldError id=id("counts-error") message=field_message(&log_error, "submission_id")/>
                            </div>
                        })}
                        <button type="submit">"Save the log"</button>
                    </form>
                </details>
            })}
        </li>
    }
}

#[component]
pub fn PairsPage() -> impl IntoView {
    let Some(cohort_id) = crate::cohorts::cohort_id_param() else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/> }.into_any();
    };
    let done = query_param("done").and_then(|code| done_message(&code));
    let error = posted_error::<PairCoach>();
    let data = Resource::new(move || cohort_id, get_pairing);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let error = error.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <PairingView data done error/> }.into_any(),
                        Err(error) => view! { <leptos_meta::Title text="Coaching pairs"/><ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn PairingView(
    data: PairingData,
    done: Option<&'static str>,
    error: Option<AppError>,
) -> impl IntoView {
    let title = format!("Coaching pairs: {}", data.cohort_label);
    view! {
        <UserTitle text=title.clone()/>
        <h1>{title}</h1>
        <p><a href=format!("/cohorts/{}", data.cohort_id)>"Back to the cohort"</a></p>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <FormErrorNotice error fields=&[]/>
        {data.coaches.is_empty().then(|| view! { <p class="placeholder">"This cohort has no coaches yet. Add people with the coach role on the Users page."</p> })}
        <div class="table-scroll" tabindex="0" role="region" aria-label="Fellows and their coaches">
            <table class="data-table">
                <thead><tr><th scope="col">"Fellow"</th><th scope="col">"Coach"</th><th scope="col">"Sessions held"</th></tr></thead>
                <tbody>
                    {data.fellows.iter().cloned().map(|fellow| {
                        let select_id = format!("coach-for-{}", fellow.fellow_id);
                        view! {
                            <tr id=format!("fellow-{}", fellow.fellow_id)>
                                <th scope="row">{fellow.fellow_name.clone()}</th>
                                <td>
                                    <form method="post" action=PairCoach::url() class="inline-form">
                                        <input type="hidden" name="cohort_id" value=data.cohort_id.to_string()/>
                                        <input type="hidden" name="fellow_id" value=fellow.fellow_id.to_string()/>
                                        <label for=select_id.clone() class="visually-hidden">{format!("Coach for {}", fellow.fellow_name)}</label>
                                        <select id=select_id name="coach_id">
                                            <option value="" selected=fellow.coach_id.is_none()>"No coach"</option>
                                            {data.coaches.iter().map(|(id, name)| view! { <option value=id.to_string() selected=fellow.coach_id == Some(*id)>{name.clone()}</option> }).collect_view()}
                                        </select>
                                        <button type="submit" class="button-small">"Save"<span class="visually-hidden">{format!(" the coach for {}", fellow.fellow_name)}</span></button>
                                    </form>
                                </td>
                                <td>{fellow.sessions_held}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
