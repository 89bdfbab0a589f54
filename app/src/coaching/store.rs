//! Reading and writing coaching pairs and sessions. Session notes leave this module
//! only in views built for the session's own coach or fellow. Server only.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::{MeetingDue, PairView, SessionState, SessionView};
use crate::entities::{
    coaching_meetings, coaching_pairs, coaching_sessions, cohorts, microcredentials,
    submission_attempts, submissions, users,
};
use crate::portfolio::SubmissionState;

/// The side of a pair a person is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Pairs where the person coaches.
    Coach,
    /// Pairs where the person is coached.
    Fellow,
}

/// Finds the pair of `fellow_id` in `cohort_id`, if any.
pub async fn pair_of(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    fellow_id: i32,
) -> Result<Option<coaching_pairs::Model>, DbErr> {
    coaching_pairs::Entity::find()
        .filter(coaching_pairs::Column::CohortId.eq(cohort_id))
        .filter(coaching_pairs::Column::FellowUserId.eq(fellow_id))
        .one(db)
        .await
}

/// Pairs `fellow_id` with `coach_id` in the cohort, replacing an earlier coach, or
/// unpairs them with `None`. Sessions already held stay with the coach who held them.
pub async fn set_pair(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    fellow_id: i32,
    coach_id: Option<i32>,
) -> Result<(), DbErr> {
    let existing = pair_of(db, cohort_id, fellow_id).await?;
    match (existing, coach_id) {
        (Some(pair), Some(coach)) if pair.coach_user_id == coach => Ok(()),
        (Some(pair), Some(coach)) => {
            let mut row: coaching_pairs::ActiveModel = pair.into();
            row.coach_user_id = Set(coach);
            row.update(db).await.map(|_| ())
        }
        (Some(pair), None) => coaching_pairs::Entity::delete_by_id(pair.id)
            .exec(db)
            .await
            .map(|_| ()),
        (None, Some(coach)) => coaching_pairs::ActiveModel {
            cohort_id: Set(cohort_id),
            coach_user_id: Set(coach),
            fellow_user_id: Set(fellow_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .map(|_| ()),
        (None, None) => Ok(()),
    }
}

/// A new session's fields, already checked.
pub struct NewSession {
    pub cohort_id: i32,
    pub coach_id: i32,
    pub fellow_id: i32,
    pub starts_at: DateTime<Utc>,
    pub zone: String,
    pub duration_minutes: i32,
    pub place: Option<String>,
}

pub async fn schedule(
    db: &impl ConnectionTrait,
    session: NewSession,
) -> Result<coaching_sessions::Model, DbErr> {
    coaching_sessions::ActiveModel {
        cohort_id: Set(session.cohort_id),
        coach_user_id: Set(session.coach_id),
        fellow_user_id: Set(session.fellow_id),
        starts_at: Set(session.starts_at),
        zone: Set(session.zone),
        duration_minutes: Set(session.duration_minutes),
        place: Set(session.place),
        state: Set(SessionState::Scheduled.name().to_owned()),
        notes: Set(String::new()),
        submission_id: Set(None),
        sequence: Set(0),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Records how a session went, with the pair's private notes.
pub async fn log(
    db: &impl ConnectionTrait,
    session: &coaching_sessions::Model,
    state: SessionState,
    notes: &str,
    submission_id: Option<i32>,
) -> Result<(), DbErr> {
    coaching_sessions::Entity::update_many()
        .col_expr(coaching_sessions::Column::State, Expr::value(state.name()))
        .col_expr(coaching_sessions::Column::Notes, Expr::value(notes))
        .col_expr(
            coaching_sessions::Column::SubmissionId,
            Expr::value(submission_id),
        )
        .col_expr(
            coaching_sessions::Column::Sequence,
            Expr::col(coaching_sessions::Column::Sequence).add(1),
        )
        .col_expr(
            coaching_sessions::Column::UpdatedAt,
            Expr::value(Utc::now()),
        )
        .filter(coaching_sessions::Column::Id.eq(session.id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Lists the submissions of `fellow_ids` whose next attempt waits for a coaching
/// meeting, by fellow, in a fixed number of statements.
pub async fn meetings_due(
    db: &impl ConnectionTrait,
    fellow_ids: &[i32],
) -> Result<HashMap<i32, Vec<MeetingDue>>, DbErr> {
    let rows = submissions::Entity::find()
        .filter(submissions::Column::FellowUserId.is_in(fellow_ids.to_vec()))
        .filter(submissions::Column::State.eq(SubmissionState::NotYet.name()))
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
    let not_yet: HashMap<i32, i64> = submission_attempts::Entity::find()
        .select_only()
        .column(submission_attempts::Column::SubmissionId)
        .column_as(submission_attempts::Column::Id.count(), "n")
        .filter(submission_attempts::Column::SubmissionId.is_in(ids.clone()))
        .filter(submission_attempts::Column::Outcome.eq(SubmissionState::NotYet.name()))
        .group_by(submission_attempts::Column::SubmissionId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let meetings = coaching_meetings::Entity::find()
        .filter(coaching_meetings::Column::SubmissionId.is_in(ids))
        .all(db)
        .await?;
    let limits: HashMap<i32, i32> = cohorts::Entity::find()
        .filter(cohorts::Column::Id.is_in(rows.iter().map(|row| row.cohort_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|cohort| (cohort.id, cohort.not_yet_before_coaching))
        .collect();
    let titles = credential_titles(db, rows.iter().map(|row| row.microcredential_id)).await?;
    let mut due: HashMap<i32, Vec<MeetingDue>> = HashMap::new();
    for row in rows {
        let count = i32::try_from(not_yet.get(&row.id).copied().unwrap_or(0)).unwrap_or(0);
        let met = meetings.iter().any(|meeting| {
            meeting.submission_id == row.id && meeting.after_attempt >= row.attempts
        });
        let limit = limits.get(&row.cohort_id).copied().unwrap_or(0);
        if crate::portfolio::submission_store::coaching_required(limit, count, met) {
            due.entry(row.fellow_user_id).or_default().push(MeetingDue {
                submission_id: row.id,
                title: titles
                    .get(&row.microcredential_id)
                    .cloned()
                    .unwrap_or_default(),
                not_yet: count,
            });
        }
    }
    Ok(due)
}

/// Reads the current titles of micro-credentials, by id.
async fn credential_titles(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, String>, DbErr> {
    let credentials = microcredentials::Entity::find()
        .filter(microcredentials::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let program_id = crate::cohorts::store::default_program_id(db).await?;
    let versions = crate::program::framework_store::current_versions(db, program_id).await?;
    Ok(credentials
        .iter()
        .map(|credential| {
            (
                credential.id,
                crate::portfolio::submission_store::definition_title(&versions, credential),
            )
        })
        .collect())
}

/// Builds the views of every pair where `user_id` is on `side`, with their sessions.
pub async fn pairs_for(
    db: &impl ConnectionTrait,
    user_id: i32,
    side: Side,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<Vec<PairView>, DbErr> {
    let (pair_column, session_column) = match side {
        Side::Coach => (
            coaching_pairs::Column::CoachUserId,
            coaching_sessions::Column::CoachUserId,
        ),
        Side::Fellow => (
            coaching_pairs::Column::FellowUserId,
            coaching_sessions::Column::FellowUserId,
        ),
    };
    let current = coaching_pairs::Entity::find()
        .filter(pair_column.eq(user_id))
        .order_by_asc(coaching_pairs::Column::CohortId)
        .all(db)
        .await?;
    let sessions = coaching_sessions::Entity::find()
        .filter(session_column.eq(user_id))
        .order_by_desc(coaching_sessions::Column::StartsAt)
        .all(db)
        .await?;
    // Sessions of a pair that has since changed coach stay readable to the two people
    // who held them, under a pair that is no longer current.
    let mut pairs: Vec<(coaching_pairs::Model, bool)> =
        current.into_iter().map(|pair| (pair, true)).collect();
    for session in &sessions {
        let known = pairs.iter().any(|(pair, _)| {
            pair.cohort_id == session.cohort_id
                && pair.coach_user_id == session.coach_user_id
                && pair.fellow_user_id == session.fellow_user_id
        });
        if !known {
            pairs.push((
                coaching_pairs::Model {
                    id: 0,
                    cohort_id: session.cohort_id,
                    coach_user_id: session.coach_user_id,
                    fellow_user_id: session.fellow_user_id,
                    created_at: session.updated_at,
                },
                false,
            ));
        }
    }
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let people: Vec<i32> = pairs
        .iter()
        .flat_map(|(pair, _)| [pair.coach_user_id, pair.fellow_user_id])
        .collect();
    let names: HashMap<i32, String> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(users::Column::Id.is_in(people))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let cohort_labels: HashMap<i32, String> = cohorts::Entity::find()
        .filter(cohorts::Column::Id.is_in(pairs.iter().map(|(pair, _)| pair.cohort_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|cohort| {
            (
                cohort.id,
                crate::cohorts::cohort_label(&cohort.name, cohort.year),
            )
        })
        .collect();
    let fellow_ids: Vec<i32> = pairs
        .iter()
        .filter(|(_, current)| *current)
        .map(|(pair, _)| pair.fellow_user_id)
        .collect();
    let mut due = meetings_due(db, &fellow_ids).await?;
    let counted: Vec<i32> = sessions.iter().filter_map(|s| s.submission_id).collect();
    let counted_titles: HashMap<i32, String> = if counted.is_empty() {
        HashMap::new()
    } else {
        let rows = submissions::Entity::find()
            .filter(submissions::Column::Id.is_in(counted))
            .all(db)
            .await?;
        let titles = credential_titles(db, rows.iter().map(|row| row.microcredential_id)).await?;
        rows.iter()
            .map(|row| {
                (
                    row.id,
                    titles
                        .get(&row.microcredential_id)
                        .cloned()
                        .unwrap_or_default(),
                )
            })
            .collect()
    };
    Ok(pairs
        .iter()
        .map(|(pair, current)| PairView {
            current: *current,
            cohort_id: pair.cohort_id,
            cohort_label: cohort_labels
                .get(&pair.cohort_id)
                .cloned()
                .unwrap_or_default(),
            coach_name: names.get(&pair.coach_user_id).cloned().unwrap_or_default(),
            fellow_id: pair.fellow_user_id,
            fellow_name: names.get(&pair.fellow_user_id).cloned().unwrap_or_default(),
            sessions: sessions
                .iter()
                .filter(|session| {
                    session.cohort_id == pair.cohort_id
                        && session.fellow_user_id == pair.fellow_user_id
                        && session.coach_user_id == pair.coach_user_id
                })
                .map(|session| session_view(session, zone, now, &counted_titles))
                .collect(),
            meetings_due: if *current {
                due.remove(&pair.fellow_user_id).unwrap_or_default()
            } else {
                Vec::new()
            },
        })
        .collect())
}

fn session_view(
    session: &coaching_sessions::Model,
    zone: Tz,
    now: DateTime<Utc>,
    counted_titles: &HashMap<i32, String>,
) -> SessionView {
    let local = session.starts_at.with_timezone(&zone);
    SessionView {
        id: session.id,
        when: crate::local_time::format_in_zone(session.starts_at, zone),
        local_date: local.format("%Y-%m-%d").to_string(),
        local_time: local.format("%H:%M").to_string(),
        duration_minutes: session.duration_minutes,
        place: session.place.clone().unwrap_or_default(),
        state: SessionState::parse(&session.state).unwrap_or(SessionState::Scheduled),
        notes: session.notes.clone(),
        counted_for: session
            .submission_id
            .and_then(|id| counted_titles.get(&id).cloned())
            .unwrap_or_default(),
        upcoming: session.starts_at > now,
    }
}
