//! Server functions for cohort schedules, events, attendance and the calendar feed.
//! Forms post to them as plain HTML; each redirects back with `?done=…`.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{CalendarPageData, EventPageData, SchedulePage};
use crate::error::AppError;

/// Returns the confirmation for a `done` code on the schedule, event and calendar
/// pages. Attendance confirmations carry a count and are built by the event page.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "scheduled" => "Event scheduled. The cohort's members were notified.",
        "updated" => "Event updated. The cohort's members were notified.",
        "cancelled" => "Event cancelled. The cohort's members were notified.",
        "checked_in" => "You are checked in.",
        "already_checked_in" => "You had already checked in; nothing changed.",
        "feed" => "Your calendar feed address is ready.",
        _ => return None,
    })
}

/// The session key under which a new feed token waits for the one page view that
/// shows it.
/// NOTE: until that page view, the session's database row contains the token itself.
#[cfg(feature = "ssr")]
const NEW_FEED_TOKEN: &str = "calendar_feed_token";

#[cfg(feature = "ssr")]
mod server {
    use chrono::Utc;
    use chrono_tz::Tz;
    use sea_orm::{DatabaseConnection, EntityTrait};

    use crate::auth::{Action, Actor, CurrentUser, Role};
    use crate::cohorts::schedule_store::zone_or_default;
    use crate::context::{app_state, authorized, db_failure, reject};
    use crate::entities::{cohorts, events};
    use crate::error::AppError;
    use crate::events::{EventKind, event_path, input, store};

    /// Returns the signed-in caller, or the rejection for an anonymous one.
    pub fn signed_in() -> Result<(Actor, CurrentUser), AppError> {
        let actor = authorized(Action::ViewOwnHome)?;
        let user = actor.user().cloned().ok_or(AppError::Unauthenticated)?;
        Ok((actor, user))
    }

    /// Rejects callers who facilitate no cohort before they learn whether an event
    /// exists.
    pub fn facilitator_somewhere(user: &CurrentUser) -> Result<(), AppError> {
        if user.is_admin || user.has_role(Role::Facilitator) {
            Ok(())
        } else {
            Err(reject(AppError::Forbidden))
        }
    }

    /// Reads an event and its cohort, or "not found".
    pub async fn event_and_cohort(
        db: &DatabaseConnection,
        event_id: i32,
    ) -> Result<(events::Model, cohorts::Model), AppError> {
        let missing = || {
            reject(AppError::NotFound(
                "There is no such workshop or meeting. It may have been removed with its cohort; open the cohort's schedule to see what is planned.".into(),
            ))
        };
        let event = events::Entity::find_by_id(event_id)
            .one(db)
            .await
            .map_err(db_failure)?
            .ok_or_else(missing)?;
        let cohort = cohorts::Entity::find_by_id(event.cohort_id)
            .one(db)
            .await
            .map_err(db_failure)?
            .ok_or_else(missing)?;
        Ok((event, cohort))
    }

    /// Returns the zone the caller reads times in: their own choice, or the cohort's.
    pub fn viewer_zone(user: &CurrentUser, cohort: &cohorts::Model) -> Tz {
        user.time_zone
            .as_deref()
            .and_then(|zone| zone.parse().ok())
            .unwrap_or_else(|| zone_or_default(&cohort.time_zone))
    }

    /// Puts a schedule note in the inbox of the cohort's members other than the actor.
    /// The change is already saved, so a failure here is logged and not reported.
    pub async fn notify_members(
        db: &DatabaseConnection,
        cohort_id: i32,
        actor_id: i32,
        title: &str,
        event_id: i32,
    ) {
        let recipients: Vec<i32> = match store::member_ids(db, cohort_id).await {
            Ok(ids) => ids.into_iter().filter(|id| *id != actor_id).collect(),
            Err(error) => {
                tracing::warn!(error = %error, cohort_id, event_id, "reading members to notify failed");
                return;
            }
        };
        let Ok(state) = app_state() else {
            return;
        };
        let link = event_path(event_id);
        let note = crate::notify::store::Note {
            kind: crate::notify::Kind::Schedule,
            title,
            link: &link,
        };
        let mail = crate::mail::Notifier::of(&state);
        if let Err(error) = crate::notify::store::notify(db, &mail, &recipients, note).await {
            tracing::warn!(error = %error, cohort_id, event_id, "notifying members of a schedule change failed");
        }
    }

    /// Appends a schedule change to the audit log.
    pub async fn audit(
        db: &DatabaseConnection,
        user: &CurrentUser,
        action: &str,
        event_id: i32,
        details: String,
    ) -> Result<(), AppError> {
        crate::audit::record(
            db,
            crate::audit::AuditEvent {
                actor_user_id: Some(user.id),
                action,
                subject: format!("event {event_id}"),
                details,
            },
        )
        .await
        .map_err(db_failure)
    }

    /// Describes when an event starts, in the zone it was entered in.
    pub fn start_text(event: &events::Model) -> String {
        crate::local_time::format_in_zone(event.starts_at, store::entry_zone(event))
    }

    /// Checks an event form, with the date and time entered in `zone`.
    pub async fn checked_input(
        db: &DatabaseConnection,
        cohort_id: i32,
        kind: EventKind,
        zone: Tz,
        fields: &input::EventFields<'_>,
    ) -> Result<input::EventInput, AppError> {
        let modules = store::module_choices(db, cohort_id)
            .await
            .map_err(db_failure)?;
        input::parse_event(kind, fields, zone, &modules).map_err(reject)
    }

    pub fn now() -> chrono::DateTime<Utc> {
        Utc::now()
    }
}

/// Reads a cohort's workshops and meetings, with times in the caller's zone.
#[server(prefix = "/api", endpoint = "events/schedule", input = GetUrl)]
pub async fn get_schedule(cohort_id: i32) -> Result<SchedulePage, AppError> {
    use crate::auth::{Action, authorize};
    use crate::context::{authorized, db, db_failure, fail};
    use crate::entities::cohorts;
    use sea_orm::EntityTrait;

    let actor = authorized(Action::ViewModules(cohort_id))?;
    let Some(user) = actor.user() else {
        return fail(AppError::Unauthenticated);
    };
    let db = db()?;
    let Some(cohort) = cohorts::Entity::find_by_id(cohort_id)
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound("There is no such cohort.".into()));
    };
    let can_manage = authorize(&actor, Action::ManageModules(cohort_id)).is_ok();
    super::store::schedule(
        &db,
        &cohort,
        server::viewer_zone(user, &cohort),
        can_manage,
        server::now(),
    )
    .await
    .map_err(db_failure)
}

/// Reads an event with its attendance: counts for every member, every fellow's status
/// for the cohort's facilitators, and the caller's own for fellows.
#[server(prefix = "/api", endpoint = "events/event", input = GetUrl)]
pub async fn get_event(event_id: i32) -> Result<EventPageData, AppError> {
    use crate::auth::{Action, Role, authorize};
    use crate::context::{authorized, db, db_failure};

    let (_, user) = server::signed_in()?;
    let db = db()?;
    let (event, cohort) = server::event_and_cohort(&db, event_id).await?;
    let actor = authorized(Action::ViewModules(cohort.id))?;
    let viewer = super::store::Viewer {
        user_id: user.id,
        zone: server::viewer_zone(&user, &cohort),
        can_manage: authorize(&actor, Action::ManageModules(cohort.id)).is_ok(),
        is_fellow: user.has_role_in(cohort.id, Role::Fellow),
    };
    super::store::event_page(&db, &event, &cohort, viewer, server::now())
        .await
        .map_err(db_failure)
}

/// Schedules a module's virtual workshop (`kind` = `workshop`) or a face-to-face
/// meeting (`meeting`), with the date and time entered in the cohort's zone, and
/// notifies the cohort's members.
#[server(prefix = "/api", endpoint = "events/create")]
#[allow(clippy::too_many_arguments)]
pub async fn schedule_event(
    cohort_id: i32,
    kind: String,
    #[server(default)] module_id: String,
    #[server(default)] title: String,
    #[server(default)] date: String,
    #[server(default)] time: String,
    #[server(default)] offset: String,
    #[server(default)] duration_minutes: String,
    #[server(default)] join_url: String,
    #[server(default)] location: String,
    #[server(default)] check_in_minutes: String,
) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::cohorts::schedule_store::zone_or_default;
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use crate::entities::cohorts;
    use sea_orm::EntityTrait;

    let actor = authorized(Action::ManageModules(cohort_id))?;
    let Some(user) = actor.user().cloned() else {
        return fail(AppError::Unauthenticated);
    };
    let Some(kind) = super::EventKind::parse(&kind) else {
        return fail(AppError::invalid(
            "kind",
            "Choose whether this is a module's virtual workshop or a cohort meeting.",
        ));
    };
    let db = db()?;
    let Some(cohort) = cohorts::Entity::find_by_id(cohort_id)
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound("There is no such cohort.".into()));
    };
    let zone = zone_or_default(&cohort.time_zone);
    let fields = super::input::EventFields {
        module_id: &module_id,
        title: &title,
        date: &date,
        time: &time,
        offset: &offset,
        duration_minutes: &duration_minutes,
        join_url: &join_url,
        location: &location,
        check_in_minutes: &check_in_minutes,
    };
    let input = server::checked_input(&db, cohort_id, kind, zone, &fields).await?;
    let event = super::store::insert_event(&db, cohort_id, kind, zone, &input, server::now())
        .await
        .map_err(db_failure)?;
    let when = server::start_text(&event);
    server::audit(
        &db,
        &user,
        crate::audit::actions::EVENT_SCHEDULED,
        event.id,
        format!(
            "{} \"{}\" in cohort {cohort_id} at {when}",
            kind.name(),
            event.title
        ),
    )
    .await?;
    server::notify_members(
        &db,
        cohort_id,
        user.id,
        &format!("{} scheduled for {when}", event.title),
        event.id,
    )
    .await;
    redirect_to(&format!(
        "{}?done=scheduled#event-{}",
        super::schedule_path(cohort_id),
        event.id
    ));
    Ok(())
}

/// Changes an event's details. The date and time are entered in the zone the event
/// was first entered in. Its sequence grows, so calendar apps replace their copy, and
/// the cohort's members are notified.
#[server(prefix = "/api", endpoint = "events/update")]
#[allow(clippy::too_many_arguments)]
pub async fn update_event(
    event_id: i32,
    #[server(default)] module_id: String,
    #[server(default)] title: String,
    #[server(default)] date: String,
    #[server(default)] time: String,
    #[server(default)] offset: String,
    #[server(default)] duration_minutes: String,
    #[server(default)] join_url: String,
    #[server(default)] location: String,
    #[server(default)] check_in_minutes: String,
) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail, redirect_to};

    let (_, user) = server::signed_in()?;
    server::facilitator_somewhere(&user)?;
    let db = db()?;
    let (event, cohort) = server::event_and_cohort(&db, event_id).await?;
    authorized(Action::ManageModules(cohort.id))?;
    if event.cancelled_at.is_some() {
        return fail(AppError::Conflict(
            "This event was cancelled, so it can no longer be changed. Schedule a new one on the cohort's schedule instead.".into(),
        ));
    }
    let kind = super::store::kind_of(&event);
    let zone = super::store::entry_zone(&event);
    let fields = super::input::EventFields {
        module_id: &module_id,
        title: &title,
        date: &date,
        time: &time,
        offset: &offset,
        duration_minutes: &duration_minutes,
        join_url: &join_url,
        location: &location,
        check_in_minutes: &check_in_minutes,
    };
    let input = server::checked_input(&db, cohort.id, kind, zone, &fields).await?;
    if !super::store::update_event(&db, event.id, &input, server::now())
        .await
        .map_err(db_failure)?
    {
        return fail(AppError::Conflict(
            "This event was cancelled while you were editing it, so your changes were not saved."
                .into(),
        ));
    }
    let moved =
        input.starts_at != event.starts_at || input.duration_minutes != event.duration_minutes;
    let when = crate::local_time::format_in_zone(input.starts_at, zone);
    server::audit(
        &db,
        &user,
        crate::audit::actions::EVENT_CHANGED,
        event.id,
        format!(
            "\"{}\" now at {when} for {} minutes{}",
            input.title,
            input.duration_minutes,
            if moved { ", moved" } else { "" }
        ),
    )
    .await?;
    let note = if moved {
        format!("{} moved to {when}", input.title)
    } else {
        format!("{} on {when} was updated", input.title)
    };
    server::notify_members(&db, cohort.id, user.id, &note, event.id).await;
    redirect_to(&format!("{}?done=updated", super::event_path(event.id)));
    Ok(())
}

/// Cancels an event. It stays on the schedule and in calendar feeds, marked cancelled,
/// and the cohort's members are notified.
#[server(prefix = "/api", endpoint = "events/cancel")]
pub async fn cancel_event(event_id: i32) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail, redirect_to};

    let (_, user) = server::signed_in()?;
    server::facilitator_somewhere(&user)?;
    let db = db()?;
    let (event, cohort) = server::event_and_cohort(&db, event_id).await?;
    authorized(Action::ManageModules(cohort.id))?;
    if !super::store::cancel_event(&db, event.id, server::now())
        .await
        .map_err(db_failure)?
    {
        return fail(AppError::Conflict(
            "This event was already cancelled.".into(),
        ));
    }
    let when = server::start_text(&event);
    server::audit(
        &db,
        &user,
        crate::audit::actions::EVENT_CANCELLED,
        event.id,
        format!("\"{}\" at {when}", event.title),
    )
    .await?;
    server::notify_members(
        &db,
        cohort.id,
        user.id,
        &format!("{} on {when} was cancelled", event.title),
        event.id,
    )
    .await;
    redirect_to(&format!("{}?done=cancelled", super::event_path(event.id)));
    Ok(())
}

/// Records attendance for the cohort's fellows: `status[USER_ID]` is `present`,
/// `late`, `absent`, `excused`, or empty for not recorded. `was[USER_ID]` is the status
/// the form showed when it loaded. A fellow whose posted status equals it is left as
/// stored, so a save does not undo a check-in or another facilitator's mark made since.
/// Taking it again updates the same rows, and the confirmation reports how many changed.
#[server(prefix = "/api", endpoint = "events/attendance")]
pub async fn take_attendance(
    event_id: i32,
    #[server(default)] status: HashMap<String, String>,
    #[server(default)] was: HashMap<String, String>,
) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, redirect_to, reject};

    let (_, user) = server::signed_in()?;
    server::facilitator_somewhere(&user)?;
    let db = db()?;
    let (event, cohort) = server::event_and_cohort(&db, event_id).await?;
    authorized(Action::ManageModules(cohort.id))?;
    if event.cancelled_at.is_some() {
        return Err(reject(AppError::Conflict(
            "This event was cancelled, so there is no attendance to record. Nothing was saved."
                .into(),
        )));
    }
    let fellows = super::store::fellows(&db, cohort.id)
        .await
        .map_err(db_failure)?;
    let status: HashMap<String, String> = status
        .into_iter()
        .filter(|(user, posted)| {
            was.get(user)
                .is_none_or(|loaded| loaded.trim() != posted.trim())
        })
        .collect();
    let marks = super::input::parse_marks(&status, &fellows).map_err(reject)?;
    let changed = super::store::record_marks(&db, event.id, &marks, user.id, server::now())
        .await
        .map_err(db_failure)?;
    let summary: Vec<String> = marks
        .iter()
        .map(|(user_id, status)| {
            format!(
                "{user_id}={}",
                status.map_or("not recorded", super::AttendanceStatus::name)
            )
        })
        .collect();
    server::audit(
        &db,
        &user,
        crate::audit::actions::ATTENDANCE_RECORDED,
        event.id,
        format!("{changed} changed: {}", summary.join(", ")),
    )
    .await?;
    redirect_to(&format!(
        "{}?done=attendance&changed={changed}#attendance-heading",
        super::event_path(event.id)
    ));
    Ok(())
}

/// Checks the calling fellow in: present until 10 minutes after the start, late after
/// that. Check-in is open from the event's check-in minutes before the start until
/// its end.
#[server(prefix = "/api", endpoint = "events/check-in")]
pub async fn check_in(event_id: i32) -> Result<(), AppError> {
    use super::input::{Window, check_in_window};
    use super::store::CheckIn;
    use crate::auth::Role;
    use crate::context::{db, db_failure, fail, redirect_to};
    use crate::local_time::format_in_zone;

    let (_, user) = server::signed_in()?;
    let db = db()?;
    let (event, cohort) = server::event_and_cohort(&db, event_id).await?;
    let noun = super::store::kind_of(&event).label().to_lowercase();
    if !user.has_role_in(cohort.id, Role::Fellow) {
        return fail(AppError::invalid(
            "check_in",
            format!(
                "Only fellows of {} check in to its events. Facilitators record attendance with the attendance form on this page.",
                crate::cohorts::cohort_label(&cohort.name, cohort.year)
            ),
        ));
    }
    if event.cancelled_at.is_some() {
        return fail(AppError::invalid(
            "check_in",
            format!("This {noun} was cancelled, so there is nothing to check in to."),
        ));
    }
    let zone = server::viewer_zone(&user, &cohort);
    let now = server::now();
    match check_in_window(
        event.starts_at,
        event.duration_minutes,
        event.check_in_minutes,
        now,
    ) {
        Window::Before(opens) => {
            return fail(AppError::invalid(
                "check_in",
                format!(
                    "Check-in for this {noun} opens at {}, {} minutes before it starts. Come back then.",
                    format_in_zone(opens, zone),
                    event.check_in_minutes
                ),
            ));
        }
        Window::After(ended) => {
            return fail(AppError::invalid(
                "check_in",
                format!(
                    "Check-in closed when this {noun} ended at {}. If you attended, ask your facilitator to record it.",
                    format_in_zone(ended, zone)
                ),
            ));
        }
        Window::Open => {}
    }
    let done = match super::store::check_in(&db, &event, user.id, now)
        .await
        .map_err(db_failure)?
    {
        CheckIn::Recorded(_) => "checked_in",
        CheckIn::Already(_) => "already_checked_in",
        CheckIn::MarkedByFacilitator(row) => {
            let status = super::AttendanceStatus::parse(&row.status)
                .map_or("recorded", super::AttendanceStatus::name);
            return fail(AppError::Conflict(format!(
                "Your facilitator has already recorded you as {status} at this {noun}, so your check-in was not recorded. Ask them if that should change."
            )));
        }
    };
    redirect_to(&format!("{}?done={done}", super::event_path(event.id)));
    Ok(())
}

/// Reads whether the caller has a calendar feed, and the new address once, on the
/// page view right after it was created or reset.
#[server(prefix = "/api", endpoint = "calendar", input = GetUrl)]
pub async fn get_calendar() -> Result<CalendarPageData, AppError> {
    use crate::context::{app_state, db_failure, internal_error, session_handle};

    let (_, user) = server::signed_in()?;
    let state = app_state()?;
    let session = session_handle().await?;
    let new_token = session
        .remove::<String>(NEW_FEED_TOKEN)
        .await
        .map_err(|error| internal_error("reading the new calendar feed token failed", &error))?;
    let has_feed = super::store::has_feed(&state.db, user.id)
        .await
        .map_err(db_failure)?;
    Ok(CalendarPageData {
        has_feed,
        new_address: new_token
            .filter(|_| has_feed)
            .map(|token| super::feed::feed_address(&state.public_url, &token)),
    })
}

/// Creates the caller's calendar feed address, or replaces it: the old address stops
/// working at once. The new one is shown on the next view of the calendar page only.
#[server(prefix = "/api", endpoint = "calendar/reset")]
pub async fn reset_calendar_feed() -> Result<(), AppError> {
    use crate::context::{db, db_failure, internal_error, redirect_to, session_handle};

    let (_, user) = server::signed_in()?;
    let db = db()?;
    let had_feed = super::store::has_feed(&db, user.id)
        .await
        .map_err(db_failure)?;
    let token = super::store::reset_feed_token(&db, user.id)
        .await
        .map_err(db_failure)?;
    session_handle()
        .await?
        .insert(NEW_FEED_TOKEN, token)
        .await
        .map_err(|error| internal_error("keeping the new calendar feed token failed", &error))?;
    crate::audit::record(
        &db,
        crate::audit::AuditEvent {
            actor_user_id: Some(user.id),
            action: crate::audit::actions::CALENDAR_FEED_RESET,
            subject: format!("user {}", user.id),
            details: if had_feed {
                "feed address replaced".to_owned()
            } else {
                "feed address created".to_owned()
            },
        },
    )
    .await
    .map_err(db_failure)?;
    redirect_to("/calendar?done=feed");
    Ok(())
}
