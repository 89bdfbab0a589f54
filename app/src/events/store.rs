//! Reading and writing events, attendance and calendar feed tokens. Server only.
//!
//! Page reads take a fixed number of statements whatever the cohort's size: each table
//! is read once, with IN lists or subqueries for the rows of many people or events.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use rand::RngCore;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use sha2::{Digest, Sha256};

use super::input::{EventInput, Window, check_in_window, self_check_in_status};
use super::{
    AttendanceCounts, AttendanceStatus, CheckInWindow, EventKind, EventPageData, EventSummary,
    ModuleChoice, OwnAttendance, RosterRow, SchedulePage,
};
use crate::auth::Role;
use crate::cohorts::cohort_label;
use crate::cohorts::schedule_store::{deadline, zone_or_default};
use crate::entities::{attendance, cohort_memberships, cohorts, events, modules, terms, users};
use crate::local_time::format_in_zone;

/// Returns the workshops and meetings of `module_ids` that are not cancelled and have
/// not ended, soonest first, in one statement.
pub async fn upcoming_for_modules(
    db: &impl ConnectionTrait,
    module_ids: &[i32],
) -> Result<Vec<events::Model>, DbErr> {
    if module_ids.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    // No event lasts longer than the longest duration, so anything that started
    // earlier than that has ended; the exact end is checked below.
    let longest = Duration::minutes((*super::DURATION_RANGE.end()).into());
    let rows = events::Entity::find()
        .filter(events::Column::ModuleId.is_in(module_ids.iter().copied()))
        .filter(events::Column::CancelledAt.is_null())
        .filter(events::Column::StartsAt.gt(now - longest))
        .order_by_asc(events::Column::StartsAt)
        .order_by_asc(events::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|event| ends_at(event) > now)
        .collect())
}

/// Returns when `event` ends.
pub fn ends_at(event: &events::Model) -> DateTime<Utc> {
    event.starts_at + Duration::minutes(event.duration_minutes.into())
}

/// Returns the zone `event` was entered in.
pub fn entry_zone(event: &events::Model) -> Tz {
    zone_or_default(&event.zone)
}

/// Returns the event's kind, reading anything unknown as a meeting.
pub fn kind_of(event: &events::Model) -> EventKind {
    EventKind::parse(&event.kind).unwrap_or(EventKind::Meeting)
}

/// Reads a cohort's modules in term order, labelled with their term, in two statements.
pub async fn module_choices(
    db: &impl ConnectionTrait,
    cohort_id: i32,
) -> Result<Vec<ModuleChoice>, DbErr> {
    let term_rows = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(cohort_id))
        .order_by_asc(terms::Column::Position)
        .all(db)
        .await?;
    let module_rows = modules::Entity::find()
        .filter(modules::Column::TermId.is_in(term_rows.iter().map(|term| term.id)))
        .order_by_asc(modules::Column::Position)
        .order_by_asc(modules::Column::Id)
        .all(db)
        .await?;
    Ok(term_rows
        .iter()
        .flat_map(|term| {
            module_rows
                .iter()
                .filter(move |module| module.term_id == term.id)
                .map(move |module| ModuleChoice {
                    id: module.id,
                    name: module.name.clone(),
                    label: format!("Term {}: {}", term.position, module.name),
                })
        })
        .collect())
}

/// Selects the ids of a cohort's fellows, for use as a subquery.
fn fellow_ids(cohort_id: i32) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(cohort_memberships::Column::UserId)
        .from(cohort_memberships::Entity)
        .and_where(cohort_memberships::Column::CohortId.eq(cohort_id))
        .and_where(cohort_memberships::Column::Role.eq(Role::Fellow.as_str()))
        .to_owned()
}

/// Reads the names of a cohort's fellows whose accounts are enabled, by id, in one
/// statement.
pub async fn fellows(
    db: &impl ConnectionTrait,
    cohort_id: i32,
) -> Result<BTreeMap<i32, String>, DbErr> {
    let rows: Vec<(i32, String)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::DisplayName)
        .filter(users::Column::Id.in_subquery(fellow_ids(cohort_id)))
        .filter(users::Column::Disabled.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Reads the ids of everyone with a role in a cohort, in one statement.
pub async fn member_ids(db: &impl ConnectionTrait, cohort_id: i32) -> Result<Vec<i32>, DbErr> {
    let mut ids: Vec<i32> = cohort_memberships::Entity::find()
        .select_only()
        .column(cohort_memberships::Column::UserId)
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .into_tuple()
        .all(db)
        .await?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Returns the end of an event for the viewer: the time alone when it ends on the day
/// it starts, and the full date otherwise.
fn end_text(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, viewer: Tz) -> String {
    let (start, end) = (
        starts_at.with_timezone(&viewer),
        ends_at.with_timezone(&viewer),
    );
    if start.date_naive() == end.date_naive() {
        end.format("%-I:%M %p %Z").to_string()
    } else {
        format_in_zone(ends_at, viewer)
    }
}

/// Describes `event` for a viewer in `viewer`.
fn summary(
    event: &events::Model,
    modules: &[ModuleChoice],
    viewer: Tz,
    now: DateTime<Utc>,
    counts: AttendanceCounts,
) -> EventSummary {
    let ends = ends_at(event);
    EventSummary {
        id: event.id,
        kind: kind_of(event),
        title: event.title.clone(),
        starts: deadline(event.starts_at, entry_zone(event), viewer, now),
        ends: end_text(event.starts_at, ends, viewer),
        duration_minutes: event.duration_minutes,
        module: event
            .module_id
            .and_then(|id| modules.iter().find(|module| module.id == id))
            .cloned(),
        location: event.location.clone(),
        has_join_link: event.join_url.is_some(),
        cancelled: event.cancelled_at.is_some(),
        past: ends <= now,
        counts,
    }
}

/// Counts the statuses of `rows` among `fellows`. People who have left the cohort are
/// not counted.
fn count_statuses<'a>(
    rows: impl Iterator<Item = &'a attendance::Model>,
    fellows: &BTreeMap<i32, String>,
) -> AttendanceCounts {
    let mut counts = AttendanceCounts::default();
    for row in rows.filter(|row| fellows.contains_key(&row.user_id)) {
        if let Some(status) = AttendanceStatus::parse(&row.status) {
            counts.add(status, 1);
        }
    }
    counts.not_recorded = (fellows.len() as u32).saturating_sub(counts.recorded());
    counts
}

/// Reads a cohort's schedule in six statements, whatever its size: the terms, modules,
/// events, fellows and every event's attendance.
pub async fn schedule(
    db: &impl ConnectionTrait,
    cohort: &cohorts::Model,
    viewer: Tz,
    can_manage: bool,
    now: DateTime<Utc>,
) -> Result<SchedulePage, DbErr> {
    let modules = module_choices(db, cohort.id).await?;
    let rows = events::Entity::find()
        .filter(events::Column::CohortId.eq(cohort.id))
        .order_by_asc(events::Column::StartsAt)
        .order_by_asc(events::Column::Id)
        .all(db)
        .await?;
    let fellows = fellows(db, cohort.id).await?;
    let marks = attendance::Entity::find()
        .filter(attendance::Column::EventId.is_in(rows.iter().map(|event| event.id)))
        .all(db)
        .await?;
    let mut by_event: HashMap<i32, Vec<&attendance::Model>> = HashMap::new();
    for mark in &marks {
        by_event.entry(mark.event_id).or_default().push(mark);
    }
    let (mut past, upcoming): (Vec<EventSummary>, Vec<EventSummary>) = rows
        .iter()
        .map(|event| {
            let rows = by_event.get(&event.id).into_iter().flatten().copied();
            summary(event, &modules, viewer, now, count_statuses(rows, &fellows))
        })
        .partition(|event| event.past);
    past.reverse();
    Ok(SchedulePage {
        cohort_id: cohort.id,
        cohort_label: cohort_label(&cohort.name, cohort.year),
        cohort_zone: zone_or_default(&cohort.time_zone).name().to_owned(),
        viewer_zone: viewer.name().to_owned(),
        can_manage,
        modules: if can_manage { modules } else { Vec::new() },
        upcoming,
        past,
    })
}

/// The event page's viewer: their id, zone and roles in the event's cohort.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub user_id: i32,
    pub zone: Tz,
    pub can_manage: bool,
    pub is_fellow: bool,
}

/// Reads what the event page shows about `event` in five statements, whatever the
/// cohort's size: the terms, modules, fellows and the event's attendance.
pub async fn event_page(
    db: &impl ConnectionTrait,
    event: &events::Model,
    cohort: &cohorts::Model,
    viewer: Viewer,
    now: DateTime<Utc>,
) -> Result<EventPageData, DbErr> {
    let modules = module_choices(db, cohort.id).await?;
    let fellows = fellows(db, cohort.id).await?;
    let marks = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(event.id))
        .all(db)
        .await?;
    let counts = count_statuses(marks.iter(), &fellows);
    let zone = viewer.zone;
    let own = marks
        .iter()
        .find(|mark| mark.user_id == viewer.user_id)
        .and_then(|mark| {
            Some(OwnAttendance {
                status: AttendanceStatus::parse(&mark.status)?,
                checked_in: mark
                    .checked_in_at
                    .map(|at| format_in_zone(at, zone))
                    .unwrap_or_default(),
                by_facilitator: mark.recorded_by_user_id.is_some(),
            })
        });
    let roster = if viewer.can_manage {
        let mut rows: Vec<RosterRow> = fellows
            .iter()
            .map(|(&user_id, name)| {
                let mark = marks.iter().find(|mark| mark.user_id == user_id);
                RosterRow {
                    user_id,
                    name: name.clone(),
                    status: mark.and_then(|mark| AttendanceStatus::parse(&mark.status)),
                    self_check_in: mark
                        .and_then(|mark| mark.checked_in_at)
                        .map(|at| format_in_zone(at, zone)),
                }
            })
            .collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.user_id.cmp(&b.user_id)));
        rows
    } else {
        Vec::new()
    };
    let window = match check_in_window(
        event.starts_at,
        event.duration_minutes,
        event.check_in_minutes,
        now,
    ) {
        Window::Before(opens) => CheckInWindow::NotYet(format_in_zone(opens, zone)),
        Window::Open => CheckInWindow::Open,
        Window::After(ended) => CheckInWindow::Closed(format_in_zone(ended, zone)),
    };
    Ok(EventPageData {
        event: summary(event, &modules, zone, now, counts),
        cohort_id: cohort.id,
        cohort_label: cohort_label(&cohort.name, cohort.year),
        cohort_zone: zone_or_default(&cohort.time_zone).name().to_owned(),
        viewer_zone: zone.name().to_owned(),
        join_url: event.join_url.clone(),
        check_in_minutes: event.check_in_minutes,
        cancelled_at: event.cancelled_at.map(|at| format_in_zone(at, zone)),
        can_manage: viewer.can_manage,
        is_fellow: viewer.is_fellow,
        window,
        own,
        roster,
        modules: if viewer.can_manage {
            modules
        } else {
            Vec::new()
        },
    })
}

/// Stores a new event of `kind` for `cohort_id`, entered in `zone`.
pub async fn insert_event(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    kind: EventKind,
    zone: Tz,
    input: &EventInput,
    now: DateTime<Utc>,
) -> Result<events::Model, DbErr> {
    events::ActiveModel {
        cohort_id: Set(cohort_id),
        module_id: Set(input.module_id),
        kind: Set(kind.name().to_owned()),
        title: Set(input.title.clone()),
        starts_at: Set(input.starts_at),
        zone: Set(zone.name().to_owned()),
        duration_minutes: Set(input.duration_minutes),
        join_url: Set(input.join_url.clone()),
        location: Set(input.location.clone()),
        check_in_minutes: Set(input.check_in_minutes),
        sequence: Set(0),
        cancelled_at: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Replaces an event's details and increments its sequence, so that calendar apps
/// replace their copy. Returns `false` when the event is gone or cancelled.
pub async fn update_event(
    db: &impl ConnectionTrait,
    event_id: i32,
    input: &EventInput,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = events::Entity::update_many()
        .col_expr(events::Column::ModuleId, Expr::value(input.module_id))
        .col_expr(events::Column::Title, Expr::value(input.title.clone()))
        .col_expr(events::Column::StartsAt, Expr::value(input.starts_at))
        .col_expr(
            events::Column::DurationMinutes,
            Expr::value(input.duration_minutes),
        )
        .col_expr(events::Column::JoinUrl, Expr::value(input.join_url.clone()))
        .col_expr(
            events::Column::Location,
            Expr::value(input.location.clone()),
        )
        .col_expr(
            events::Column::CheckInMinutes,
            Expr::value(input.check_in_minutes),
        )
        .col_expr(
            events::Column::Sequence,
            Expr::col(events::Column::Sequence).add(1),
        )
        .col_expr(events::Column::UpdatedAt, Expr::value(now))
        .filter(events::Column::Id.eq(event_id))
        .filter(events::Column::CancelledAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks an event cancelled and increments its sequence; the row stays, so calendar
/// feeds can tell subscribers. Returns `false` when it was already cancelled or is gone.
pub async fn cancel_event(
    db: &impl ConnectionTrait,
    event_id: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = events::Entity::update_many()
        .col_expr(events::Column::CancelledAt, Expr::value(now))
        .col_expr(
            events::Column::Sequence,
            Expr::col(events::Column::Sequence).add(1),
        )
        .col_expr(events::Column::UpdatedAt, Expr::value(now))
        .filter(events::Column::Id.eq(event_id))
        .filter(events::Column::CancelledAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records a facilitator's attendance marks for an event and returns how many people's
/// status changed. A mark that equals the stored status leaves the row alone. A new
/// status replaces any earlier one, a fellow's own check-in included, but the check-in
/// time is kept. No status removes the row. Takes three statements at most, whatever
/// the number of marks.
pub async fn record_marks(
    db: &impl ConnectionTrait,
    event_id: i32,
    marks: &[(i32, Option<AttendanceStatus>)],
    recorded_by: i32,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let stored: HashMap<i32, String> = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(event_id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.user_id, row.status))
        .collect();
    let mut upserts = Vec::new();
    let mut removals = Vec::new();
    for &(user_id, status) in marks {
        let before = stored.get(&user_id).map(String::as_str);
        match status {
            Some(status) if before != Some(status.name()) => {
                upserts.push(attendance::ActiveModel {
                    event_id: Set(event_id),
                    user_id: Set(user_id),
                    status: Set(status.name().to_owned()),
                    checked_in_at: Set(None),
                    recorded_by_user_id: Set(Some(recorded_by)),
                    recorded_at: Set(now),
                    ..Default::default()
                })
            }
            None if before.is_some() => removals.push(user_id),
            _ => {}
        }
    }
    let changed = upserts.len() + removals.len();
    if !upserts.is_empty() {
        // One statement, whatever the number of rows. The unique (event, user) index
        // turns an existing row, such as a check-in that arrived meanwhile, into an
        // update that keeps its check-in time.
        attendance::Entity::insert_many(upserts)
            .on_conflict(
                OnConflict::columns([attendance::Column::EventId, attendance::Column::UserId])
                    .update_columns([
                        attendance::Column::Status,
                        attendance::Column::RecordedByUserId,
                        attendance::Column::RecordedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    if !removals.is_empty() {
        attendance::Entity::delete_many()
            .filter(attendance::Column::EventId.eq(event_id))
            .filter(attendance::Column::UserId.is_in(removals))
            .exec(db)
            .await?;
    }
    Ok(changed)
}

/// The outcome of a fellow's check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckIn {
    /// The check-in was recorded with this status.
    Recorded(AttendanceStatus),
    /// The fellow had already checked in; nothing changed.
    Already(attendance::Model),
    /// A facilitator had already recorded the fellow's attendance, which is kept.
    MarkedByFacilitator(attendance::Model),
}

/// Records `user_id`'s own check-in at `now`: present, or late more than 10 minutes
/// after the start. The caller checks the window first. An existing row is never
/// replaced, so a facilitator's mark is kept.
pub async fn check_in(
    db: &impl ConnectionTrait,
    event: &events::Model,
    user_id: i32,
    now: DateTime<Utc>,
) -> Result<CheckIn, DbErr> {
    let existing = |row: attendance::Model| {
        if row.recorded_by_user_id.is_some() {
            CheckIn::MarkedByFacilitator(row)
        } else {
            CheckIn::Already(row)
        }
    };
    let find = || {
        attendance::Entity::find()
            .filter(attendance::Column::EventId.eq(event.id))
            .filter(attendance::Column::UserId.eq(user_id))
            .one(db)
    };
    if let Some(row) = find().await? {
        return Ok(existing(row));
    }
    let status = self_check_in_status(event.starts_at, now);
    let inserted = attendance::ActiveModel {
        event_id: Set(event.id),
        user_id: Set(user_id),
        status: Set(status.name().to_owned()),
        checked_in_at: Set(Some(now)),
        recorded_by_user_id: Set(None),
        recorded_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => Ok(CheckIn::Recorded(status)),
        // A facilitator's mark or a second check-in arrived between the read and
        // the insert. The unique (event, user) index kept that row, and it is kept.
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            match find().await? {
                Some(row) => Ok(existing(row)),
                None => Err(error),
            }
        }
        Err(error) => Err(error),
    }
}

/// Returns the SHA-256 of a feed token in hex, as `users.calendar_token_hash` stores it.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Gives `user_id` a new calendar feed token, replacing any earlier one, and returns
/// it. Only its hash is stored, so the address can be shown only now.
pub async fn reset_feed_token(db: &impl ConnectionTrait, user_id: i32) -> Result<String, DbErr> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    users::Entity::update_many()
        .col_expr(
            users::Column::CalendarTokenHash,
            Expr::value(Some(token_hash(&token))),
        )
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(token)
}

/// Returns whether `user_id` has a calendar feed address.
pub async fn has_feed(db: &impl ConnectionTrait, user_id: i32) -> Result<bool, DbErr> {
    let hash: Option<Option<String>> = users::Entity::find_by_id(user_id)
        .select_only()
        .column(users::Column::CalendarTokenHash)
        .into_tuple()
        .one(db)
        .await?;
    Ok(hash.flatten().is_some())
}
