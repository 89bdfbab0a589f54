//! Reading and writing cohort schedules. Server only.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::schedule::{
    CohortOverview, DEFAULT_MODULES, Deadline, ModuleStage, ModuleView, TermView,
};
use crate::entities::{cohorts, modules, terms};
use crate::local_time::{format_in_zone, resolve};

/// Reads `zone`, falling back to New York for a name that no longer parses.
pub fn zone_or_default(zone: &str) -> Tz {
    zone.parse().unwrap_or(chrono_tz::America::New_York)
}

/// Returns whether a module is still to open, open, or past its due time on `today`.
pub fn module_stage(
    due: Option<&Deadline>,
    opens_on: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> ModuleStage {
    if due.is_some_and(|due| due.passed) {
        ModuleStage::Closed
    } else if opens_on.is_none_or(|opens| opens <= today) {
        ModuleStage::Open
    } else {
        ModuleStage::Upcoming
    }
}

/// Describes `instant`, entered in `entry_zone`, for a viewer in `viewer_zone`.
pub fn deadline(
    instant: DateTime<Utc>,
    entry_zone: Tz,
    viewer_zone: Tz,
    now: DateTime<Utc>,
) -> Deadline {
    let local = instant.with_timezone(&entry_zone);
    Deadline {
        shown: format_in_zone(instant, viewer_zone),
        entered: if entry_zone == viewer_zone {
            String::new()
        } else {
            format_in_zone(instant, entry_zone)
        },
        local_date: local.format("%Y-%m-%d").to_string(),
        local_time: local.format("%H:%M").to_string(),
        offset: crate::local_time::offset_text(&local),
        zone: entry_zone.name().to_owned(),
        passed: instant <= now,
    }
}

/// Reads a cohort and its schedule in three statements, whatever its size.
pub async fn overview(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    viewer_zone: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<CohortOverview>, DbErr> {
    let Some(cohort) = cohorts::Entity::find_by_id(cohort_id).one(db).await? else {
        return Ok(None);
    };
    let cohort_zone = zone_or_default(&cohort.time_zone);
    let viewer = viewer_zone
        .and_then(|zone| zone.parse::<Tz>().ok())
        .unwrap_or(cohort_zone);
    let term_rows = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(cohort_id))
        .order_by_asc(terms::Column::Position)
        .all(db)
        .await?;
    let term_ids: Vec<i32> = term_rows.iter().map(|term| term.id).collect();
    let module_rows = modules::Entity::find()
        .filter(modules::Column::TermId.is_in(term_ids))
        .order_by_asc(modules::Column::Position)
        .order_by_asc(modules::Column::Id)
        .all(db)
        .await?;
    let today = now.with_timezone(&cohort_zone).date_naive();
    let entry_zone =
        |stored: &Option<String>| stored.as_deref().map_or(cohort_zone, zone_or_default);
    let terms = term_rows
        .into_iter()
        .map(|term| TermView {
            id: term.id,
            position: term.position,
            season: term.season.clone(),
            starts_on: term.starts_on.to_string(),
            ends_on: term.ends_on.to_string(),
            choices_lock: term
                .choices_lock_at
                .map(|at| deadline(at, entry_zone(&term.choices_lock_zone), viewer, now)),
            in_progress: term.starts_on <= today && today <= term.ends_on,
            modules: module_rows
                .iter()
                .filter(|module| module.term_id == term.id)
                .map(|module| {
                    let due = module
                        .due_at
                        .map(|at| deadline(at, entry_zone(&module.due_zone), viewer, now));
                    let stage = module_stage(due.as_ref(), module.opens_on, today);
                    ModuleView {
                        id: module.id,
                        name: module.name.clone(),
                        position: module.position,
                        opens_on: module
                            .opens_on
                            .map(|day| day.to_string())
                            .unwrap_or_default(),
                        due,
                        stage,
                    }
                })
                .collect(),
        })
        .collect();
    let submissions_due = cohort.submissions_due_at.map(|due| {
        let entry = cohort
            .submissions_due_zone
            .as_deref()
            .map_or(cohort_zone, zone_or_default);
        deadline(due, entry, viewer, now)
    });
    Ok(Some(CohortOverview {
        submissions_due,
        late_submissions_allowed: cohort.late_submissions_allowed,
        not_yet_before_coaching: cohort.not_yet_before_coaching,
        id: cohort.id,
        name: cohort.name,
        year: cohort.year,
        affiliate: cohort.affiliate,
        time_zone: cohort.time_zone,
        viewer_zone: viewer.name().to_owned(),
        terms,
    }))
}

/// One term of a schedule to create. Deadlines fall at 11:59 PM in the cohort's zone.
#[derive(Debug, Clone, Copy)]
pub struct TermPlan {
    pub position: i32,
    pub season: &'static str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub choices_lock_on: NaiveDate,
}

/// Returns the schedule of a new cohort of `year`: spring and fall terms whose choices
/// lock four weeks in.
pub fn default_plan(year: i32) -> [TermPlan; 2] {
    let date = |month, day| NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default();
    [
        (1, "spring", date(1, 15), date(5, 31)),
        (2, "fall", date(8, 15), date(12, 15)),
    ]
    .map(|(position, season, starts_on, ends_on)| TermPlan {
        position,
        season,
        starts_on,
        ends_on,
        choices_lock_on: starts_on + Duration::weeks(4),
    })
}

/// Creates terms with Learn, Design, Do and Reflect modules that split each term
/// evenly; each module is due at the end of its share.
pub async fn create_schedule(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    zone: Tz,
    plans: &[TermPlan],
) -> Result<(), DbErr> {
    let end_of_day = |day: NaiveDate| {
        resolve(
            "due",
            zone,
            &day.format("%Y-%m-%d").to_string(),
            "23:59",
            None,
        )
        .ok()
    };
    for plan in plans {
        let term = terms::ActiveModel {
            cohort_id: Set(cohort_id),
            position: Set(plan.position),
            season: Set(plan.season.to_owned()),
            starts_on: Set(plan.starts_on),
            ends_on: Set(plan.ends_on),
            choices_lock_at: Set(end_of_day(plan.choices_lock_on)),
            choices_lock_zone: Set(Some(zone.name().to_owned())),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let span = (plan.ends_on - plan.starts_on).num_days() / DEFAULT_MODULES.len() as i64;
        for (index, name) in DEFAULT_MODULES.iter().enumerate() {
            let opens_on = plan.starts_on + Duration::days(span * index as i64);
            let due_on = if index + 1 == DEFAULT_MODULES.len() {
                plan.ends_on
            } else {
                opens_on + Duration::days(span - 1)
            };
            modules::ActiveModel {
                term_id: Set(term.id),
                name: Set((*name).to_owned()),
                position: Set(index as i32 + 1),
                opens_on: Set(Some(opens_on)),
                due_at: Set(end_of_day(due_on)),
                due_zone: Set(Some(zone.name().to_owned())),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
