//! Server functions of the coaching pages.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{CoachingData, PairingData};
use crate::error::AppError;

/// Says what a finished action did, by the code in `?done=`.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "scheduled" => "Session scheduled. The fellow was notified.",
        "logged" => "Session logged. Only you and the fellow can read its notes.",
        "counted" => {
            "Session logged, and it counts as the required coaching meeting: the fellow can resubmit."
        }
        "paired" => "Coach saved.",
        "unpaired" => "The fellow has no coach now.",
        _ => return None,
    })
}

/// How many days back a coach may record a session that was not scheduled ahead.
pub const RECORD_BACK_DAYS: i64 = 30;

/// Returns the zone the viewer reads and enters times in: their own, or New York's.
#[cfg(feature = "ssr")]
fn own_zone(actor: &crate::auth::Actor) -> chrono_tz::Tz {
    actor.user().map_or(
        chrono_tz::America::New_York,
        crate::portfolio::evidence_api::viewer_zone,
    )
}

/// Reads the pairs where the caller coaches or is coached, with their sessions and
/// notes.
#[server(prefix = "/api", endpoint = "coaching", input = GetUrl)]
pub async fn get_coaching() -> Result<CoachingData, AppError> {
    use super::store::{Side, pairs_for};
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure};

    let actor = authorized(Action::ViewOwnHome)?;
    let user_id = actor.user().map_or(0, |user| user.id);
    let zone = own_zone(&actor);
    let db = db()?;
    let now = chrono::Utc::now();
    Ok(CoachingData {
        coaching: pairs_for(&db, user_id, Side::Coach, zone, now)
            .await
            .map_err(db_failure)?,
        coached: pairs_for(&db, user_id, Side::Fellow, zone, now)
            .await
            .map_err(db_failure)?,
        zone: zone.name().to_owned(),
    })
}

/// Returns the caller's pair with `fellow_id` in `cohort_id` when they coach that
/// fellow, and `Forbidden` otherwise.
#[cfg(feature = "ssr")]
async fn own_pair(
    db: &sea_orm::DatabaseConnection,
    cohort_id: i32,
    fellow_id: i32,
) -> Result<(crate::auth::Actor, crate::entities::coaching_pairs::Model), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db_failure, reject};

    let actor = authorized(Action::Coach(cohort_id))?;
    let user_id = actor.user().map_or(0, |user| user.id);
    let pair = super::store::pair_of(db, cohort_id, fellow_id)
        .await
        .map_err(db_failure)?
        .filter(|pair| pair.coach_user_id == user_id)
        .ok_or_else(|| reject(AppError::Forbidden))?;
    Ok((actor, pair))
}

/// Schedules a coach's session with one of their fellows. The time is entered in
/// the coach's zone.
#[server(prefix = "/api", endpoint = "coaching/schedule")]
pub async fn schedule_session(
    cohort_id: i32,
    fellow_id: i32,
    #[server(default)] date: String,
    #[server(default)] time: String,
    #[server(default)] offset: String,
    #[server(default)] duration: String,
    #[server(default)] place: String,
) -> Result<(), AppError> {
    use super::store::{self, NewSession};
    use crate::context::{app_state, db_failure, fail, redirect_to};
    use crate::notify::{Kind, store::Note};

    let state = app_state()?;
    let db = state.db.clone();
    let (actor, pair) = own_pair(&db, cohort_id, fellow_id).await?;
    let zone = own_zone(&actor);
    if date.trim().is_empty() || time.trim().is_empty() {
        return fail(AppError::invalid(
            "when",
            "Enter the session's date and time.",
        ));
    }
    let offset = Some(offset.trim()).filter(|offset| !offset.is_empty());
    let starts_at = crate::local_time::resolve("when", zone, &date, &time, offset)
        .map_err(crate::context::reject)?;
    let now = chrono::Utc::now();
    if starts_at < now - chrono::Duration::days(RECORD_BACK_DAYS) {
        return fail(AppError::invalid(
            "when",
            format!(
                "That date is more than {RECORD_BACK_DAYS} days ago. Enter the date of the session; sessions can be recorded up to {RECORD_BACK_DAYS} days after they happened."
            ),
        ));
    }
    let duration: i32 = match duration.trim().parse() {
        Ok(minutes) if (10..=240).contains(&minutes) => minutes,
        _ => {
            return fail(AppError::invalid(
                "duration",
                "Enter the length in minutes, from 10 to 240.",
            ));
        }
    };
    let place = place.trim();
    if place.chars().count() > 500 {
        return fail(AppError::invalid(
            "place",
            "Keep the place or link to 500 characters.",
        ));
    }
    store::schedule(
        &db,
        NewSession {
            cohort_id,
            coach_id: pair.coach_user_id,
            fellow_id,
            starts_at,
            zone: zone.name().to_owned(),
            duration_minutes: duration,
            place: Some(place.to_owned()).filter(|place| !place.is_empty()),
        },
    )
    .await
    .map_err(db_failure)?;
    let title = format!(
        "Your coach scheduled a coaching session for {}",
        crate::local_time::format_in_zone(starts_at, zone)
    );
    if starts_at > now {
        crate::notify::store::notify(
            &db,
            &crate::mail::Notifier::of(&state),
            &[fellow_id],
            Note {
                kind: Kind::Coaching,
                title: &title,
                link: "/coaching",
            },
        )
        .await
        .map_err(db_failure)?;
    }
    redirect_to("/coaching?done=scheduled");
    Ok(())
}

/// Records how a coach's session went, with notes only the pair reads. A held
/// session can count as the coaching meeting that one of the fellow's submissions
/// waits for.
#[server(prefix = "/api", endpoint = "coaching/log")]
pub async fn log_session(
    session_id: String,
    outcome: String,
    #[server(default)] notes: String,
    #[server(default)] submission_id: String,
) -> Result<(), AppError> {
    use super::{NOTES_MAX_CHARS, SessionState, store};
    use crate::audit::{self, AuditEvent};
    use crate::context::{app_state, db_failure, fail, redirect_to, reject};
    use crate::entities::{coaching_sessions, submissions};
    use sea_orm::EntityTrait;

    let state = app_state()?;
    let db = state.db.clone();
    let Some(session) =
        coaching_sessions::Entity::find_by_id(session_id.trim().parse::<i32>().unwrap_or(0))
            .one(&db)
            .await
            .map_err(db_failure)?
    else {
        return fail(AppError::NotFound(
            "That session no longer exists. Reload the page.".into(),
        ));
    };
    let (actor, _) = own_pair(&db, session.cohort_id, session.fellow_user_id).await?;
    let user_id = actor.user().map_or(0, |user| user.id);
    if session.coach_user_id != user_id {
        return fail(AppError::Forbidden);
    }
    let Some(outcome) = SessionState::parse(outcome.trim()) else {
        return fail(AppError::invalid(
            "outcome",
            "Choose held, missed, cancelled or still scheduled.",
        ));
    };
    if matches!(outcome, SessionState::Held | SessionState::Missed)
        && session.starts_at > chrono::Utc::now() + chrono::Duration::minutes(10)
    {
        return fail(AppError::invalid(
            "outcome",
            "This session has not started yet, so it cannot be logged as held or missed. Log it after it starts, or mark it cancelled.",
        ));
    }
    let length = notes.chars().count();
    if length > NOTES_MAX_CHARS {
        return fail(AppError::invalid(
            "notes",
            format!("The notes are {length} characters long; keep them to {NOTES_MAX_CHARS}."),
        ));
    }
    let counted = match submission_id.trim() {
        "" => None,
        raw => {
            if outcome != SessionState::Held {
                return fail(AppError::invalid(
                    "submission_id",
                    "Only a session that was held counts as the required coaching meeting.",
                ));
            }
            let due = store::meetings_due(&db, &[session.fellow_user_id])
                .await
                .map_err(db_failure)?;
            let wanted = raw.parse::<i32>().unwrap_or(0);
            if !due
                .get(&session.fellow_user_id)
                .is_some_and(|list| list.iter().any(|item| item.submission_id == wanted))
            {
                return fail(AppError::invalid(
                    "submission_id",
                    "That submission is not waiting for a coaching meeting. Reload the page.",
                ));
            }
            let submission = submissions::Entity::find_by_id(wanted)
                .one(&db)
                .await
                .map_err(db_failure)?
                .ok_or_else(|| {
                    reject(AppError::NotFound(
                        "That submission no longer exists.".into(),
                    ))
                })?;
            Some(submission)
        }
    };
    store::log(
        &db,
        &session,
        outcome,
        &notes,
        counted.as_ref().map(|s| s.id),
    )
    .await
    .map_err(db_failure)?;
    if let Some(submission) = &counted {
        let zone: chrono_tz::Tz = session.zone.parse().unwrap_or(chrono_tz::America::New_York);
        crate::portfolio::submission_store::record_coaching_meeting(
            &db,
            submission,
            user_id,
            session.starts_at.with_timezone(&zone).date_naive(),
            "Coaching session logged by the coach.",
        )
        .await
        .map_err(db_failure)?;
    }
    audit::record(
        &db,
        AuditEvent {
            actor_user_id: Some(user_id),
            action: audit::actions::COACHING_SESSION_LOGGED,
            subject: format!("coaching session {}", session.id),
            details: format!(
                "{}{}",
                outcome.name(),
                counted
                    .as_ref()
                    .map(|s| format!(", counted for submission {}", s.id))
                    .unwrap_or_default()
            ),
        },
    )
    .await
    .map_err(db_failure)?;
    crate::notify::store::notify(
        &db,
        &crate::mail::Notifier::of(&state),
        &[session.fellow_user_id],
        crate::notify::store::Note {
            kind: crate::notify::Kind::Coaching,
            title: "Your coach logged a coaching session",
            link: "/coaching",
        },
    )
    .await
    .map_err(db_failure)?;
    redirect_to(&format!(
        "/coaching?done={}#session-{}",
        if counted.is_some() {
            "counted"
        } else {
            "logged"
        },
        session.id
    ));
    Ok(())
}

/// Reads a cohort's fellows with their coaches, for the facilitators' pairing page.
#[server(prefix = "/api", endpoint = "coaching/pairs", input = GetUrl)]
pub async fn get_pairing(cohort_id: i32) -> Result<PairingData, AppError> {
    use super::PairingRow;
    use super::SessionState;
    use crate::auth::{Action, Role};
    use crate::context::{authorized, db, db_failure, fail};
    use crate::entities::{coaching_pairs, coaching_sessions, cohort_memberships, cohorts, users};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    use std::collections::HashMap;

    authorized(Action::PairCoaches(cohort_id))?;
    let db = db()?;
    let Some(cohort) = cohorts::Entity::find_by_id(cohort_id)
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound("There is no such cohort.".into()));
    };
    let members = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .filter(
            cohort_memberships::Column::Role.is_in([Role::Fellow.as_str(), Role::Coach.as_str()]),
        )
        .all(&db)
        .await
        .map_err(db_failure)?;
    let names: HashMap<i32, String> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(users::Column::Id.is_in(members.iter().map(|member| member.user_id)))
        .order_by_asc(users::Column::DisplayName)
        .into_tuple::<(i32, String)>()
        .all(&db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .collect();
    let pairs: HashMap<i32, i32> = coaching_pairs::Entity::find()
        .filter(coaching_pairs::Column::CohortId.eq(cohort_id))
        .all(&db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|pair| (pair.fellow_user_id, pair.coach_user_id))
        .collect();
    let held: HashMap<i32, i64> = coaching_sessions::Entity::find()
        .select_only()
        .column(coaching_sessions::Column::FellowUserId)
        .column_as(coaching_sessions::Column::Id.count(), "n")
        .filter(coaching_sessions::Column::CohortId.eq(cohort_id))
        .filter(coaching_sessions::Column::State.eq(SessionState::Held.name()))
        .group_by(coaching_sessions::Column::FellowUserId)
        .into_tuple::<(i32, i64)>()
        .all(&db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .collect();
    let name = |id: i32| names.get(&id).cloned().unwrap_or_default();
    let mut fellows: Vec<PairingRow> = members
        .iter()
        .filter(|member| member.role == Role::Fellow.as_str())
        .map(|member| PairingRow {
            fellow_id: member.user_id,
            fellow_name: name(member.user_id),
            coach_id: pairs.get(&member.user_id).copied(),
            sessions_held: u64::try_from(held.get(&member.user_id).copied().unwrap_or(0))
                .unwrap_or(0),
        })
        .collect();
    fellows.sort_by(|a, b| a.fellow_name.cmp(&b.fellow_name));
    let mut coaches: Vec<(i32, String)> = members
        .iter()
        .filter(|member| member.role == Role::Coach.as_str())
        .map(|member| (member.user_id, name(member.user_id)))
        .collect();
    coaches.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(PairingData {
        cohort_id,
        cohort_label: crate::cohorts::cohort_label(&cohort.name, cohort.year),
        fellows,
        coaches,
    })
}

/// Pairs a fellow with one of the cohort's coaches, or removes the pairing when
/// `coach_id` is empty.
#[server(prefix = "/api", endpoint = "coaching/pair")]
pub async fn pair_coach(
    cohort_id: i32,
    fellow_id: i32,
    #[server(default)] coach_id: String,
    #[server(default)] back: String,
) -> Result<(), AppError> {
    use crate::audit::{self, AuditEvent};
    use crate::auth::{Action, Role};
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use crate::entities::cohort_memberships;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let actor = authorized(Action::PairCoaches(cohort_id))?;
    let db = db()?;
    let coach = match coach_id.trim() {
        "" => None,
        raw => Some(raw.parse::<i32>().unwrap_or(0)),
    };
    let holds = |user: i32, role: Role| {
        cohort_memberships::Entity::find()
            .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
            .filter(cohort_memberships::Column::UserId.eq(user))
            .filter(cohort_memberships::Column::Role.eq(role.as_str()))
            .one(&db)
    };
    if holds(fellow_id, Role::Fellow)
        .await
        .map_err(db_failure)?
        .is_none()
    {
        return fail(AppError::invalid(
            "fellow_id",
            "That person is not a fellow of this cohort. Reload the page.",
        ));
    }
    if let Some(coach) = coach
        && holds(coach, Role::Coach)
            .await
            .map_err(db_failure)?
            .is_none()
    {
        return fail(AppError::invalid(
            "coach_id",
            "Choose one of this cohort's coaches.",
        ));
    }
    super::store::set_pair(&db, cohort_id, fellow_id, coach)
        .await
        .map_err(db_failure)?;
    audit::record(
        &db,
        AuditEvent {
            actor_user_id: actor.user().map(|user| user.id),
            action: audit::actions::COACH_PAIRED,
            subject: format!("fellow {fellow_id} of cohort {cohort_id}"),
            details: coach.map_or("no coach".to_owned(), |coach| format!("coach {coach}")),
        },
    )
    .await
    .map_err(db_failure)?;
    let done = if coach.is_some() {
        "paired"
    } else {
        "unpaired"
    };
    // Pairing from a dashboard returns there.
    if back.is_empty() {
        redirect_to(&format!(
            "/cohorts/{cohort_id}/coaching?done={done}#fellow-{fellow_id}"
        ));
    } else {
        let back = crate::dashboard::api::safe_back(&back, cohort_id);
        let separator = if back.contains('?') { '&' } else { '?' };
        redirect_to(&format!(
            "{back}{separator}done={done}#fellow-{fellow_id}-actions"
        ));
    }
    Ok(())
}
