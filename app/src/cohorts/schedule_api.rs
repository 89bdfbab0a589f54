//! Server functions for a cohort's details and schedule.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::schedule::CohortOverview;
use crate::error::AppError;

/// Returns the confirmation for a `done` code on the cohort page.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "details" => "Cohort details saved.",
        "term" => "Term saved.",
        "module" => "Module saved.",
        "module_added" => "Module added.",
        "module_removed" => "Module removed.",
        "submission_rules" => "Submission deadline and rules saved.",
        _ => return None,
    })
}

#[cfg(feature = "ssr")]
fn report_done(cohort_id: i32, code: &str) {
    crate::context::redirect_to(&format!("/cohorts/{cohort_id}?done={code}"));
}

/// Reads a cohort with its terms, modules and deadlines, shown in the caller's zone.
#[server(prefix = "/api", endpoint = "cohort", input = GetUrl)]
pub async fn get_cohort_overview(cohort_id: i32) -> Result<CohortOverview, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail};

    let actor = authorized(Action::ViewCohort(cohort_id))?;
    let viewer_zone = actor.user().and_then(|user| user.time_zone.clone());
    match super::schedule_store::overview(
        &db()?,
        cohort_id,
        viewer_zone.as_deref(),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(Some(overview)) => Ok(overview),
        Ok(None) => fail(AppError::NotFound("There is no such cohort.".into())),
        Err(error) => Err(db_failure(error)),
    }
}

#[cfg(feature = "ssr")]
async fn audit_change(
    db: &impl sea_orm::ConnectionTrait,
    actor: &crate::auth::Actor,
    cohort_id: i32,
    details: String,
) -> Result<(), AppError> {
    use crate::audit::{self, AuditEvent, actions};
    audit::record(
        db,
        AuditEvent {
            actor_user_id: actor.user().map(|user| user.id),
            action: actions::COHORT_UPDATED,
            subject: format!("cohort {cohort_id}"),
            details,
        },
    )
    .await
    .map_err(crate::context::db_failure)
}

/// Changes a cohort's name, year, affiliate and time zone. Deadlines already set keep
/// their instant and the zone they were entered in.
#[server(prefix = "/api", endpoint = "cohort/details")]
pub async fn update_cohort_details(
    cohort_id: i32,
    name: String,
    year: String,
    affiliate: String,
    time_zone: String,
) -> Result<(), AppError> {
    use super::input::NewCohort;
    use crate::auth::Action;
    use crate::context::{authorized, db, fail, map_db_error};
    use crate::entities::cohorts;
    use crate::local_time::parse_zone;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let actor = authorized(Action::ManageCohort(cohort_id))?;
    let cohort = NewCohort::parse(&name, &year).map_err(crate::context::reject)?;
    let affiliate = affiliate.trim().to_owned();
    if affiliate.chars().count() > super::input::NAME_MAX_CHARS
        || !crate::text::is_one_line(&affiliate)
    {
        return fail(AppError::invalid(
            "affiliate",
            format!(
                "Type the affiliate on one line, in at most {} characters.",
                super::input::NAME_MAX_CHARS
            ),
        ));
    }
    let zone = parse_zone("time_zone", &time_zone).map_err(crate::context::reject)?;
    let db = db()?;
    cohorts::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(cohort_id),
        name: Set(cohort.name.clone()),
        year: Set(cohort.year),
        affiliate: Set(affiliate),
        time_zone: Set(zone.name().to_owned()),
        ..Default::default()
    }
    .update(&db)
    .await
    .map_err(|error| match error {
        sea_orm::DbErr::RecordNotUpdated => {
            crate::context::reject(AppError::NotFound("There is no such cohort.".into()))
        }
        other => map_db_error(
            other,
            &format!(
                "A cohort named \"{}\" for {} already exists. Choose another name.",
                cohort.name, cohort.year
            ),
        ),
    })?;
    audit_change(
        &db,
        &actor,
        cohort_id,
        format!(
            "details: {} ({}), {}",
            cohort.name,
            cohort.year,
            zone.name()
        ),
    )
    .await?;
    report_done(cohort_id, "details");
    Ok(())
}

/// Finds the cohort a term belongs to and checks the caller may manage it.
#[cfg(feature = "ssr")]
async fn term_for_manager(
    db: &sea_orm::DatabaseConnection,
    term_id: &str,
) -> Result<
    (
        crate::auth::Actor,
        crate::entities::terms::Model,
        chrono_tz::Tz,
    ),
    AppError,
> {
    use crate::auth::Action;
    use crate::context::{authorized, db_failure, reject};
    use crate::entities::{cohorts, terms};
    use sea_orm::EntityTrait;

    let missing = || {
        reject(AppError::NotFound(
            "That term no longer exists. Reload the page.".into(),
        ))
    };
    let term = match term_id.trim().parse::<i32>() {
        Ok(id) => terms::Entity::find_by_id(id)
            .one(db)
            .await
            .map_err(db_failure)?,
        Err(_) => None,
    };
    let Some(term) = term else {
        // Only people who may manage some cohort learn that it is missing.
        authorized(Action::CreateCohort)?;
        return Err(missing());
    };
    let actor = authorized(Action::ManageCohort(term.cohort_id))?;
    let zone = cohorts::Entity::find_by_id(term.cohort_id)
        .one(db)
        .await
        .map_err(db_failure)?
        .map(|cohort| super::schedule_store::zone_or_default(&cohort.time_zone))
        .unwrap_or(chrono_tz::America::New_York);
    Ok((actor, term, zone))
}

/// Finds a module, its term and the cohort's zone, and checks the caller may manage
/// the cohort.
#[cfg(feature = "ssr")]
async fn module_for_manager(
    db: &sea_orm::DatabaseConnection,
    module_id: &str,
) -> Result<
    (
        crate::entities::modules::Model,
        crate::auth::Actor,
        crate::entities::terms::Model,
        chrono_tz::Tz,
    ),
    AppError,
> {
    use crate::auth::Action;
    use crate::context::{authorized, db_failure, reject};
    use crate::entities::modules;
    use sea_orm::EntityTrait;

    let module = match module_id.trim().parse::<i32>() {
        Ok(id) => modules::Entity::find_by_id(id)
            .one(db)
            .await
            .map_err(db_failure)?,
        Err(_) => None,
    };
    let Some(module) = module else {
        let actor = crate::auth::current_actor();
        let manages_some_cohort = actor
            .user()
            .is_some_and(|user| user.is_admin || user.has_role(crate::auth::Role::Facilitator));
        if !manages_some_cohort {
            authorized(Action::CreateCohort)?;
        }
        return Err(reject(AppError::NotFound(
            "That module no longer exists. Reload the page.".into(),
        )));
    };
    let (actor, term, zone) = term_for_manager(db, &module.term_id.to_string()).await?;
    Ok((module, actor, term, zone))
}

#[cfg(feature = "ssr")]
fn parse_date(field: &str, raw: &str, what: &str) -> Result<chrono::NaiveDate, AppError> {
    use chrono::Datelike;
    let parsed = chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|day| super::input::YEAR_RANGE.contains(&day.year()));
    parsed.ok_or_else(|| {
        crate::context::reject(AppError::invalid(
            field,
            if raw.trim().is_empty() {
                format!("Enter the {what}.")
            } else {
                format!(
                    "\"{}\" is not a date from {} to {}. Enter the {what} as 2027-03-14.",
                    raw.trim(),
                    super::input::YEAR_RANGE.start(),
                    super::input::YEAR_RANGE.end()
                )
            },
        ))
    })
}

/// Puts `module_id` at `position` (counting from 1) in its term and numbers the
/// term's modules 1, 2, 3… without gaps or ties.
#[cfg(feature = "ssr")]
async fn renumber_modules(
    db: &impl sea_orm::ConnectionTrait,
    term_id: i32,
    module_id: i32,
    position: i32,
) -> Result<(), sea_orm::DbErr> {
    use crate::entities::modules;
    use sea_orm::{
        ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    };
    let mut rows = modules::Entity::find()
        .filter(modules::Column::TermId.eq(term_id))
        .order_by_asc(modules::Column::Position)
        .order_by_asc(modules::Column::Id)
        .all(db)
        .await?;
    let Some(index) = rows.iter().position(|row| row.id == module_id) else {
        return Ok(());
    };
    let moved = rows.remove(index);
    let target = usize::try_from(position - 1).unwrap_or(0).min(rows.len());
    rows.insert(target, moved);
    for (index, row) in rows.into_iter().enumerate() {
        let number = index as i32 + 1;
        if row.position != number {
            modules::ActiveModel {
                id: sea_orm::ActiveValue::Unchanged(row.id),
                position: Set(number),
                ..Default::default()
            }
            .update(db)
            .await?;
        }
    }
    Ok(())
}

/// Checks that a term's new dates keep it apart from the cohort's other term and
/// around its modules.
#[cfg(feature = "ssr")]
async fn check_term_fits(
    db: &sea_orm::DatabaseConnection,
    term: &crate::entities::terms::Model,
    starts: chrono::NaiveDate,
    ends: chrono::NaiveDate,
) -> Result<(), AppError> {
    use crate::context::{db_failure, reject};
    use crate::entities::{modules, terms};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let others = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(term.cohort_id))
        .filter(terms::Column::Id.ne(term.id))
        .all(db)
        .await
        .map_err(db_failure)?;
    for other in others {
        let clash = if other.position < term.position {
            starts <= other.ends_on
        } else {
            ends >= other.starts_on
        };
        if clash {
            return Err(reject(AppError::invalid(
                "starts_on",
                format!(
                    "Term {} would overlap term {} ({} to {}). Terms follow each other in order; adjust the dates.",
                    term.position, other.position, other.starts_on, other.ends_on
                ),
            )));
        }
    }
    let outside: Vec<String> = modules::Entity::find()
        .filter(modules::Column::TermId.eq(term.id))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .filter(|module| {
            let due_day = module.due_at.map(|due| {
                due.with_timezone(&entry_zone(module.due_zone.as_deref(), chrono_tz::UTC))
                    .date_naive()
            });
            [module.opens_on, due_day]
                .into_iter()
                .flatten()
                .any(|day| day < starts || day > ends)
        })
        .map(|module| module.name)
        .collect();
    if !outside.is_empty() {
        return Err(reject(AppError::invalid(
            "ends_on",
            format!(
                "These modules have dates outside {starts} to {ends}: {}. Move their dates first, or keep the term longer.",
                outside.join(", ")
            ),
        )));
    }
    Ok(())
}

/// Returns the zone a deadline was entered in, or the cohort's zone for a new one.
#[cfg(feature = "ssr")]
fn entry_zone(stored: Option<&str>, cohort_zone: chrono_tz::Tz) -> chrono_tz::Tz {
    stored.map_or(cohort_zone, super::schedule_store::zone_or_default)
}

/// Reads an optional deadline from its date, time and offset fields: all blank means
/// no deadline.
#[cfg(feature = "ssr")]
pub fn parse_deadline(
    field: &str,
    zone: chrono_tz::Tz,
    date: &str,
    time: &str,
    offset: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
    if date.trim().is_empty() && time.trim().is_empty() {
        return Ok(None);
    }
    if date.trim().is_empty() {
        return Err(crate::context::reject(AppError::invalid(
            field,
            "Enter the date as well as the time, or clear both for no deadline.",
        )));
    }
    if time.trim().is_empty() {
        return Err(crate::context::reject(AppError::invalid(
            field,
            "Enter the time as well as the date, or clear both for no deadline.",
        )));
    }
    parse_date(field, date, "date")?;
    let offset = Some(offset.trim()).filter(|offset| !offset.is_empty());
    crate::local_time::resolve(field, zone, date, time, offset)
        .map(Some)
        .map_err(crate::context::reject)
}

/// Changes a term's season, dates and the moment its choices lock, entered in the
/// cohort's time zone. `lock_offset` picks the UTC offset of a time that happens twice.
#[server(prefix = "/api", endpoint = "cohort/term")]
#[allow(clippy::too_many_arguments)]
pub async fn save_term(
    term_id: String,
    season: String,
    starts_on: String,
    ends_on: String,
    lock_date: String,
    lock_time: String,
    #[server(default)] lock_offset: String,
) -> Result<(), AppError> {
    use crate::context::{db, db_failure, fail};
    use crate::entities::terms;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let db = db()?;
    let (actor, term, zone) = term_for_manager(&db, &term_id).await?;
    let season = match season.trim() {
        "spring" | "fall" => season.trim().to_owned(),
        _ => return fail(AppError::invalid("season", "Choose spring or fall.")),
    };
    let starts = parse_date("starts_on", &starts_on, "first day of the term")?;
    let ends = parse_date("ends_on", &ends_on, "last day of the term")?;
    if ends < starts {
        return fail(AppError::invalid(
            "ends_on",
            format!("The term ends ({ends}) before it starts ({starts}). Check both dates."),
        ));
    }
    check_term_fits(&db, &term, starts, ends).await?;
    // A lock already set keeps the zone it was entered in, which the form shows.
    let zone = entry_zone(term.choices_lock_zone.as_deref(), zone);
    let lock = parse_deadline("lock", zone, &lock_date, &lock_time, &lock_offset)?;
    // Choices may lock before the term starts, but not after it ends.
    if let Some(lock_day) = lock.map(|at| at.with_timezone(&zone).date_naive())
        && lock_day > ends
    {
        return fail(AppError::invalid(
            "lock",
            format!(
                "Choices would lock on {lock_day}, after the term ends on {ends}. Choose a day on or before the last day of the term."
            ),
        ));
    }
    terms::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(term.id),
        season: Set(season),
        starts_on: Set(starts),
        ends_on: Set(ends),
        choices_lock_at: Set(lock),
        choices_lock_zone: Set(lock.map(|_| zone.name().to_owned())),
        ..Default::default()
    }
    .update(&db)
    .await
    .map_err(db_failure)?;
    audit_change(
        &db,
        &actor,
        term.cohort_id,
        format!(
            "term {}: {starts} to {ends}, choices lock {}",
            term.position,
            lock.map_or("never".to_owned(), |at| at.to_rfc3339())
        ),
    )
    .await?;
    report_done(term.cohort_id, "term");
    Ok(())
}

/// Changes a module's name, order, opening day and due time (in the cohort's zone).
#[server(prefix = "/api", endpoint = "cohort/module")]
#[allow(clippy::too_many_arguments)]
pub async fn save_module(
    module_id: String,
    name: String,
    position: String,
    opens_on: String,
    due_date: String,
    due_time: String,
    #[server(default)] due_offset: String,
) -> Result<(), AppError> {
    use crate::context::{db, db_failure, fail};
    use crate::entities::modules;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, TransactionTrait};

    let db = db()?;
    let (module, actor, term, zone) = module_for_manager(&db, &module_id).await?;
    let name = module_name(&name)?;
    let position: i32 = match position.trim().parse() {
        Ok(number) if (1..=50).contains(&number) => number,
        _ => {
            return fail(AppError::invalid(
                "position",
                "Enter the module's place in the term as a number from 1 to 50.",
            ));
        }
    };
    let opens = if opens_on.trim().is_empty() {
        None
    } else {
        Some(parse_date("opens_on", &opens_on, "day the module opens")?)
    };
    let zone = entry_zone(module.due_zone.as_deref(), zone);
    let due = parse_deadline("due", zone, &due_date, &due_time, &due_offset)?;
    if let (Some(opens), Some(due)) = (opens, due)
        && due.with_timezone(&zone).date_naive() < opens
    {
        return fail(AppError::invalid(
            "due",
            format!("The module is due before it opens on {opens}. Check both dates."),
        ));
    }
    let due_day = due.map(|due| due.with_timezone(&zone).date_naive());
    for (day, what) in [(opens, "opens"), (due_day, "is due")] {
        if let Some(day) = day.filter(|day| *day < term.starts_on || *day > term.ends_on) {
            return fail(AppError::invalid(
                if what == "opens" { "opens_on" } else { "due" },
                format!(
                    "The module {what} on {day}, outside its term ({} to {}). Choose a day within the term, or change the term's dates first.",
                    term.starts_on, term.ends_on
                ),
            ));
        }
    }
    let txn = db.begin().await.map_err(db_failure)?;
    modules::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(module.id),
        name: Set(name.clone()),
        opens_on: Set(opens),
        due_at: Set(due),
        due_zone: Set(due.map(|_| zone.name().to_owned())),
        ..Default::default()
    }
    .update(&txn)
    .await
    .map_err(db_failure)?;
    renumber_modules(&txn, term.id, module.id, position)
        .await
        .map_err(db_failure)?;
    txn.commit().await.map_err(db_failure)?;
    audit_change(
        &db,
        &actor,
        term.cohort_id,
        format!(
            "module {name} of term {}: position {position}, due {}",
            term.position,
            due.map_or("never".to_owned(), |at| at.to_rfc3339())
        ),
    )
    .await?;
    report_done(term.cohort_id, "module");
    Ok(())
}

#[cfg(feature = "ssr")]
fn module_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if crate::text::is_blank(name) || name.chars().count() > 100 || !crate::text::is_one_line(name)
    {
        return Err(crate::context::reject(AppError::invalid(
            "name",
            "Enter the module's name on one line, in at most 100 characters, such as Learn.",
        )));
    }
    Ok(name.to_owned())
}

/// Adds a module at the end of a term.
#[server(prefix = "/api", endpoint = "cohort/module/add")]
pub async fn add_module(term_id: String, name: String) -> Result<(), AppError> {
    use crate::context::{db, db_failure};
    use crate::entities::modules;
    use sea_orm::{
        ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    };

    let db = db()?;
    let (actor, term, _) = term_for_manager(&db, &term_id).await?;
    let name = module_name(&name)?;
    let count = modules::Entity::find()
        .filter(modules::Column::TermId.eq(term.id))
        .count(&db)
        .await
        .map_err(db_failure)?;
    modules::ActiveModel {
        term_id: Set(term.id),
        name: Set(name.clone()),
        position: Set(count as i32 + 1),
        ..Default::default()
    }
    .insert(&db)
    .await
    .map_err(db_failure)?;
    audit_change(
        &db,
        &actor,
        term.cohort_id,
        format!("module {name} added to term {}", term.position),
    )
    .await?;
    report_done(term.cohort_id, "module_added");
    Ok(())
}

/// Removes a module from its term.
#[server(prefix = "/api", endpoint = "cohort/module/remove")]
pub async fn remove_module(module_id: String) -> Result<(), AppError> {
    use crate::context::{db, db_failure};
    use crate::entities::modules;
    use sea_orm::EntityTrait;

    let db = db()?;
    let (module, actor, term, _) = module_for_manager(&db, &module_id).await?;
    modules::Entity::delete_by_id(module.id)
        .exec(&db)
        .await
        .map_err(db_failure)?;
    audit_change(
        &db,
        &actor,
        term.cohort_id,
        format!("module {} removed from term {}", module.name, term.position),
    )
    .await?;
    report_done(term.cohort_id, "module_removed");
    Ok(())
}

/// Sets when micro-credential submissions are due (in the cohort's time zone, or
/// cleared), whether late submissions are accepted and marked late, and after how many
/// not-yet decisions a coaching meeting comes before the next attempt.
#[server(prefix = "/api", endpoint = "cohort/submission-rules")]
pub async fn save_submission_rules(
    cohort_id: i32,
    #[server(default)] due_date: String,
    #[server(default)] due_time: String,
    #[server(default)] due_offset: String,
    #[server(default)] late_allowed: Option<String>,
    not_yet_before_coaching: String,
) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail};
    use crate::entities::cohorts;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

    let actor = authorized(Action::ManageCohort(cohort_id))?;
    let db = db()?;
    let Some(cohort) = cohorts::Entity::find_by_id(cohort_id)
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound("There is no such cohort.".into()));
    };
    let limit: i32 = match not_yet_before_coaching.trim().parse() {
        Ok(number) if (0..=10).contains(&number) => number,
        _ => {
            return fail(AppError::invalid(
                "not_yet_before_coaching",
                "Enter a whole number from 0 to 10; 0 means no coaching meeting is required.",
            ));
        }
    };
    let cohort_zone = super::schedule_store::zone_or_default(&cohort.time_zone);
    let zone = entry_zone(cohort.submissions_due_zone.as_deref(), cohort_zone);
    let due = parse_deadline("submissions_due", zone, &due_date, &due_time, &due_offset)?;
    let late = late_allowed.is_some();
    cohorts::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(cohort_id),
        submissions_due_at: Set(due),
        submissions_due_zone: Set(due.map(|_| zone.name().to_owned())),
        late_submissions_allowed: Set(late),
        not_yet_before_coaching: Set(limit),
        ..Default::default()
    }
    .update(&db)
    .await
    .map_err(db_failure)?;
    audit_change(
        &db,
        &actor,
        cohort_id,
        format!(
            "submission rules: due {}, late {}, coaching after {limit} not-yet",
            due.map_or("not set".to_owned(), |due| due.to_rfc3339()),
            if late { "accepted" } else { "refused" }
        ),
    )
    .await?;
    report_done(cohort_id, "submission_rules");
    Ok(())
}
