//! Server functions for fellows' competency choices and growth ratings.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::plan::{FellowPlan, FellowRow};
use crate::error::AppError;

/// Shortest reason accepted for changing locked choices, in characters.
pub const REASON_MIN_CHARS: usize = 10;
/// Maximum length of a note or reason, in characters.
pub const NOTE_MAX_CHARS: usize = 2_000;

/// Returns the confirmation for a `done` code on the plan pages.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "first_term" => "First-term choices saved.",
        "second_term" => "Second-term choices saved.",
        "changed" => "Choices changed. The change and its reason are in the audit log.",
        "rated" => "Rating saved. Earlier ratings stay in the history.",
        _ => return None,
    })
}

/// Reads a fellow's plan: the caller's own when `fellow_id` is blank, or a fellow's
/// in a cohort the caller coaches or facilitates.
#[server(prefix = "/api", endpoint = "plan", input = GetUrl)]
pub async fn get_fellow_plan(cohort_id: i32, fellow_id: String) -> Result<FellowPlan, AppError> {
    use super::plan::FellowPlan;
    use crate::context::{db, db_failure, fail};

    let (actor, fellow_id) = plan_access(cohort_id, &fellow_id, PlanUse::Read).await?;
    let db = db()?;
    let viewer_zone = actor.user().and_then(|user| user.time_zone.clone());
    let cohort = match crate::cohorts::schedule_store::overview(
        &db,
        cohort_id,
        viewer_zone.as_deref(),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(Some(cohort)) => cohort,
        Ok(None) => return fail(AppError::NotFound("There is no such cohort.".into())),
        Err(error) => return Err(db_failure(error)),
    };
    let framework = super::framework_store::load_framework(&db)
        .await
        .map_err(db_failure)?;
    let row = super::plan_store::find_choices(&db, cohort_id, fellow_id)
        .await
        .map_err(db_failure)?;
    let ratings = super::plan_store::ratings(&db, cohort_id, fellow_id, &cohort.viewer_zone)
        .await
        .map_err(db_failure)?;
    let fellow_name = crate::entities::users::Entity::find_by_id(fellow_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .map(|user| user.display_name)
        .unwrap_or_default();
    use sea_orm::EntityTrait;
    let today = cohort_today(&cohort.time_zone);
    let open_moments = super::plan::MOMENTS
        .iter()
        .filter(|(term, moment, _)| {
            cohort
                .term(*term)
                .and_then(|term| term.starts_on.parse::<chrono::NaiveDate>().ok())
                .is_none_or(|starts| today >= rating_opens(starts, moment))
        })
        .map(|(term, moment, _)| format!("{term}-{moment}"))
        .collect();
    Ok(FellowPlan {
        open_moments,
        fellow_id,
        fellow_name,
        cohort,
        framework,
        choices: super::plan_store::choice_set(row.as_ref()),
        ratings,
    })
}

/// The use a caller makes of a plan.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, PartialEq, Eq)]
enum PlanUse {
    Read,
    Rate,
    ChangeChoices,
}

/// Works out whose plan a request is about and whether the caller may use it so.
/// Returns the caller and the fellow's user id.
#[cfg(feature = "ssr")]
async fn plan_access(
    cohort_id: i32,
    fellow_id: &str,
    usage: PlanUse,
) -> Result<(crate::auth::Actor, i32), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, reject};
    use crate::entities::cohort_memberships;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    if fellow_id.trim().is_empty() {
        let actor = authorized(Action::ChooseOwnCompetencies(cohort_id))?;
        let Some(user) = actor
            .user()
            .filter(|user| user.has_role_in(cohort_id, crate::auth::Role::Fellow))
        else {
            return Err(reject(AppError::NotFound(
                "You are not a fellow of this cohort; competency choices and growth ratings belong to its fellows.".into(),
            )));
        };
        let id = user.id;
        return Ok((actor, id));
    }
    let action = match usage {
        PlanUse::Read => Action::ViewFellowProgress(cohort_id),
        PlanUse::Rate => Action::RateFellowGrowth(cohort_id),
        PlanUse::ChangeChoices => Action::ChangeFellowChoices(cohort_id),
    };
    let actor = authorized(action)?;
    let not_found = || {
        reject(AppError::NotFound(
            "That person is not a fellow of this cohort.".into(),
        ))
    };
    let fellow_id: i32 = fellow_id.trim().parse().map_err(|_| not_found())?;
    if usage != PlanUse::Read && actor.user().is_some_and(|user| user.id == fellow_id) {
        return Err(reject(AppError::invalid(
            "fellow_id",
            "Staff ratings and staff changes are for other fellows. Use your own competencies page for yours.",
        )));
    }
    let is_fellow = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .filter(cohort_memberships::Column::UserId.eq(fellow_id))
        .filter(cohort_memberships::Column::Role.eq("fellow"))
        .count(&db()?)
        .await
        .map_err(db_failure)?
        > 0;
    if !is_fellow {
        return Err(not_found());
    }
    Ok((actor, fellow_id))
}

/// Parses an optional id from a form; blank is `None`.
#[cfg(feature = "ssr")]
fn optional_id(field: &str, raw: &str) -> Result<Option<i32>, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        crate::context::reject(AppError::invalid(
            field,
            "The form sent a choice that is not in the list. Reload the page and choose again.",
        ))
    })
}

/// Returns the lock moment of a cohort's term when it has passed.
#[cfg(feature = "ssr")]
async fn lock_passed(
    db: &impl sea_orm::ConnectionTrait,
    cohort_id: i32,
    term: i32,
) -> Result<Option<(chrono::DateTime<chrono::Utc>, chrono_tz::Tz)>, AppError> {
    use crate::cohorts::schedule_store::zone_or_default;
    use crate::entities::terms;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let row = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(cohort_id))
        .filter(terms::Column::Position.eq(term))
        .one(db)
        .await
        .map_err(crate::context::db_failure)?;
    let Some(at) = row
        .and_then(|term| term.choices_lock_at)
        .filter(|at| *at <= chrono::Utc::now())
    else {
        return Ok(None);
    };
    // Pages show times in the cohort's zone to people who have not chosen one.
    let zone = crate::entities::cohorts::Entity::find_by_id(cohort_id)
        .one(db)
        .await
        .map_err(crate::context::db_failure)?
        .map_or(chrono_tz::America::New_York, |cohort| {
            zone_or_default(&cohort.time_zone)
        });
    Ok(Some((at, zone)))
}

/// Checks and saves one term's choices for `fellow_id`. Fellows cannot change choices
/// after the term's lock; staff can, with a reason, and every staff change is audited.
#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
async fn apply_choices(
    actor: &crate::auth::Actor,
    cohort_id: i32,
    fellow_id: i32,
    term: i32,
    overarching: &[String],
    pathway: &str,
    pathway_competency: &str,
    decc: &str,
    staff_reason: Option<&str>,
) -> Result<(), AppError> {
    use super::plan_store::{self, ChoiceUpdate};
    use crate::audit::{self, AuditEvent, actions};
    use crate::context::{db, db_failure, fail, reject};
    use sea_orm::TransactionTrait;

    let db = db()?;
    let catalog = super::framework_store::load_catalog(&db)
        .await
        .map_err(db_failure)?;
    let update = match term {
        1 => {
            let mut picked = Vec::new();
            for raw in overarching.iter().filter(|raw| !raw.trim().is_empty()) {
                picked.extend(optional_id("overarching", raw)?);
            }
            let (first, second) = super::choices::check_first_term(&catalog, &picked)
                .map_err(|problem| reject(AppError::invalid(problem.field, problem.message)))?;
            ChoiceUpdate::FirstTerm(first, second)
        }
        2 => {
            let pick = super::choices::check_second_term(
                &catalog,
                optional_id("pathway", pathway)?,
                optional_id("pathway_competency", pathway_competency)?,
                optional_id("decc", decc)?,
            )
            .map_err(|problem| reject(AppError::invalid(problem.field, problem.message)))?;
            ChoiceUpdate::SecondTerm(pick)
        }
        _ => return fail(AppError::invalid("term", "Choose term 1 or term 2.")),
    };
    let term_name = if term == 1 {
        "first-term"
    } else {
        "second-term"
    };
    let reason_field = if term == 1 { "reason_1" } else { "reason_2" };
    if let Some((locked_at, lock_zone)) = lock_passed(&db, cohort_id, term).await? {
        match staff_reason {
            None => {
                let zone = actor
                    .user()
                    .and_then(|user| user.time_zone.as_deref())
                    .map_or(lock_zone, crate::cohorts::schedule_store::zone_or_default);
                let when = crate::local_time::format_in_zone(locked_at, zone);
                return fail(AppError::Conflict(format!(
                    "Your {term_name} choices locked on {when}, so they can no longer be changed here. If they must change, ask your facilitator; they can change them and record why."
                )));
            }
            Some(reason) if crate::text::visible_chars(reason) < REASON_MIN_CHARS => {
                return fail(AppError::invalid(
                    reason_field,
                    format!(
                        "These choices are locked. Write why they must change, in at least {REASON_MIN_CHARS} characters; the reason goes in the audit log."
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(reason) = staff_reason {
        if reason.chars().count() > NOTE_MAX_CHARS {
            return fail(AppError::invalid(
                reason_field,
                format!("Shorten the reason to at most {NOTE_MAX_CHARS} characters."),
            ));
        }
        if reason.contains('\0') {
            return fail(AppError::invalid(
                reason_field,
                "The reason contains a NUL character (\\u0000); remove it.",
            ));
        }
    }
    let txn = db.begin().await.map_err(db_failure)?;
    let before = plan_store::choice_set(
        plan_store::find_choices(&txn, cohort_id, fellow_id)
            .await
            .map_err(db_failure)?
            .as_ref(),
    );
    plan_store::save_choices(&txn, cohort_id, fellow_id, &update)
        .await
        .map_err(|error| {
            if matches!(
                error.sql_err(),
                Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))
            ) {
                reject(AppError::Conflict(
                    "The framework changed while you were choosing. Reload the page and choose again.".into(),
                ))
            } else {
                db_failure(error)
            }
        })?;
    if let Some(reason) = staff_reason {
        let after = plan_store::choice_set(
            plan_store::find_choices(&txn, cohort_id, fellow_id)
                .await
                .map_err(db_failure)?
                .as_ref(),
        );
        let subject = fellow_subject(&txn, fellow_id, cohort_id).await?;
        audit::record(
            &txn,
            AuditEvent {
                actor_user_id: actor.user().map(|user| user.id),
                action: actions::CHOICES_CHANGED_BY_STAFF,
                subject,
                details: format!(
                    "{term_name} choices changed. Before: {}. After: {}. Reason: {}",
                    describe_choices(&catalog, &before),
                    describe_choices(&catalog, &after),
                    reason.trim()
                ),
            },
        )
        .await
        .map_err(db_failure)?;
    }
    txn.commit().await.map_err(db_failure)
}

/// Describes choices by name for the audit log, such as "overarching Communication and Group
/// Processes | pathway Policy Leadership: Policy Advocacy | DECC Valuing Diversity".
#[cfg(feature = "ssr")]
fn describe_choices(
    catalog: &super::choices::ChoiceCatalog,
    choices: &super::plan::ChoiceSet,
) -> String {
    let competency = |id: Option<i32>| {
        id.and_then(|id| catalog.competencies.get(&id))
            .map_or("none".to_owned(), |(_, name)| name.clone())
    };
    let group = |id: Option<i32>| {
        id.and_then(|id| catalog.groups.get(&id))
            .map_or("none".to_owned(), |(_, name)| name.clone())
    };
    let overarching: Vec<String> = choices
        .overarching
        .iter()
        .map(|id| competency(Some(*id)))
        .collect();
    format!(
        "overarching {} | pathway {}: {} | DECC {}",
        if overarching.is_empty() {
            "none".to_owned()
        } else {
            overarching.join(" and ")
        },
        group(choices.pathway_group),
        competency(choices.pathway_competency),
        competency(choices.decc)
    )
}

/// Names a fellow and their cohort for the audit log, as in "Fen Marlow (user 5) in
/// Ohio 2027".
#[cfg(feature = "ssr")]
async fn fellow_subject(
    db: &impl sea_orm::ConnectionTrait,
    fellow_id: i32,
    cohort_id: i32,
) -> Result<String, AppError> {
    use crate::entities::{cohorts, users};
    use sea_orm::EntityTrait;
    let name = users::Entity::find_by_id(fellow_id)
        .one(db)
        .await
        .map_err(crate::context::db_failure)?
        .map(|user| user.display_name)
        .unwrap_or_default();
    let cohort = cohorts::Entity::find_by_id(cohort_id)
        .one(db)
        .await
        .map_err(crate::context::db_failure)?
        .map(|cohort| crate::cohorts::cohort_label(&cohort.name, cohort.year))
        .unwrap_or_default();
    Ok(format!("{name} (user {fellow_id}) in {cohort}"))
}

/// Saves the caller's first-term choice: exactly two different overarching competencies.
#[server(prefix = "/api", endpoint = "choices/first-term")]
pub async fn choose_first_term(
    cohort_id: i32,
    #[server(default)] overarching: Vec<String>,
) -> Result<(), AppError> {
    use crate::context::redirect_to;
    let (actor, fellow_id) = plan_access(cohort_id, "", PlanUse::ChangeChoices).await?;
    apply_choices(
        &actor,
        cohort_id,
        fellow_id,
        1,
        &overarching,
        "",
        "",
        "",
        None,
    )
    .await?;
    redirect_to(&format!(
        "/cohorts/{cohort_id}/competencies?done=first_term"
    ));
    Ok(())
}

/// Saves the caller's second-term choice: a pathway, one competency in it, and one
/// DECC focus area.
#[server(prefix = "/api", endpoint = "choices/second-term")]
pub async fn choose_second_term(
    cohort_id: i32,
    #[server(default)] pathway: String,
    #[server(default)] pathway_competency: String,
    #[server(default)] decc: String,
) -> Result<(), AppError> {
    use crate::context::redirect_to;
    let (actor, fellow_id) = plan_access(cohort_id, "", PlanUse::ChangeChoices).await?;
    apply_choices(
        &actor,
        cohort_id,
        fellow_id,
        2,
        &[],
        &pathway,
        &pathway_competency,
        &decc,
        None,
    )
    .await?;
    redirect_to(&format!(
        "/cohorts/{cohort_id}/competencies?done=second_term"
    ));
    Ok(())
}

/// Changes a fellow's choices for one term on their behalf. After the lock, `reason`
/// is required; every change is audited with it.
#[server(prefix = "/api", endpoint = "choices/change")]
#[allow(clippy::too_many_arguments)]
pub async fn change_fellow_choices(
    cohort_id: i32,
    fellow_id: String,
    term: String,
    #[server(default)] overarching: Vec<String>,
    #[server(default)] pathway: String,
    #[server(default)] pathway_competency: String,
    #[server(default)] decc: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::context::{fail, redirect_to};
    if fellow_id.trim().is_empty() {
        return fail(AppError::invalid(
            "fellow_id",
            "Choose the fellow whose choices change.",
        ));
    }
    let (actor, fellow_id) = plan_access(cohort_id, &fellow_id, PlanUse::ChangeChoices).await?;
    let term: i32 = term.trim().parse().unwrap_or(0);
    apply_choices(
        &actor,
        cohort_id,
        fellow_id,
        term,
        &overarching,
        &pathway,
        &pathway_competency,
        &decc,
        Some(&reason),
    )
    .await?;
    redirect_to(&format!(
        "/cohorts/{cohort_id}/fellows/{fellow_id}?done=changed"
    ));
    Ok(())
}

/// Adds a growth rating on the four-stage continuum for one chosen competency: the
/// caller's own when `fellow_id` is blank, or a coach's rating of a fellow.
/// `moment` is `1-start`, `1-end`, `2-start` or `2-end`; `stage` is 1 to 4.
#[server(prefix = "/api", endpoint = "growth/rate")]
pub async fn rate_growth(
    cohort_id: i32,
    #[server(default)] fellow_id: String,
    competency_id: String,
    moment: String,
    #[server(default)] stage: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use super::plan::MOMENTS;
    use super::plan_store::{self, NewRating};
    use crate::audit::{self, AuditEvent, actions};
    use crate::context::{db, db_failure, fail, redirect_to};

    let by_coach = !fellow_id.trim().is_empty();
    let (actor, fellow) = plan_access(cohort_id, &fellow_id, PlanUse::Rate).await?;
    let Some((term, moment_name, _)) = MOMENTS
        .iter()
        .find(|(term, name, _)| format!("{term}-{name}") == moment.trim())
    else {
        return fail(AppError::invalid(
            "moment",
            "Choose when the rating is for: the start or end of term 1 or term 2.",
        ));
    };
    let stage: i32 = match stage.trim().parse() {
        Ok(number) if (1..=4).contains(&number) => number,
        _ => {
            return fail(AppError::invalid(
                "stage",
                "Choose a stage: Emerging, Developing, Performing or Transforming.",
            ));
        }
    };
    if note.chars().count() > NOTE_MAX_CHARS {
        return fail(AppError::invalid(
            "note",
            format!("Shorten the note to at most {NOTE_MAX_CHARS} characters."),
        ));
    }
    if note.contains('\0') {
        return fail(AppError::invalid(
            "note",
            "The note contains a NUL character (\\u0000); remove it.",
        ));
    }
    let db = db()?;
    let chosen = plan_store::choice_set(
        plan_store::find_choices(&db, cohort_id, fellow)
            .await
            .map_err(db_failure)?
            .as_ref(),
    )
    .competencies();
    let competency_id = optional_id("competency_id", &competency_id)?;
    let Some(competency_id) = competency_id.filter(|id| chosen.contains(id)) else {
        return fail(AppError::invalid(
            "competency_id",
            if chosen.is_empty() {
                "Choose competencies first; growth is rated for chosen competencies only."
            } else {
                "Rate one of the chosen competencies."
            },
        ));
    };
    check_rating_time(&db, cohort_id, *term, moment_name).await?;
    let rated_by = actor.user().map(|user| user.id).unwrap_or_default();
    let rater_role = if !by_coach {
        "fellow"
    } else if actor
        .user()
        .is_some_and(|user| user.has_role_in(cohort_id, crate::auth::Role::Coach))
    {
        "coach"
    } else {
        "administrator"
    };
    plan_store::add_rating(
        &db,
        NewRating {
            cohort_id,
            fellow_id: fellow,
            competency_id,
            term: *term,
            moment: moment_name,
            stage,
            rated_by,
            rater_role,
            note: note.trim().to_owned(),
            at: chrono::Utc::now(),
        },
    )
    .await
    .map_err(db_failure)?;
    if by_coach {
        audit::record(
            &db,
            AuditEvent {
                actor_user_id: Some(rated_by),
                action: actions::GROWTH_RATED_BY_COACH,
                subject: fellow_subject(&db, fellow, cohort_id).await?,
                details: format!(
                    "competency {competency_id}, term {term} {moment_name}, stage {stage}"
                ),
            },
        )
        .await
        .map_err(db_failure)?;
        redirect_to(&format!("/cohorts/{cohort_id}/fellows/{fellow}?done=rated"));
    } else {
        redirect_to(&format!("/cohorts/{cohort_id}/competencies?done=rated"));
    }
    Ok(())
}

/// Returns today's date in a cohort's zone, the calendar its terms are set in.
#[cfg(feature = "ssr")]
fn cohort_today(zone: &str) -> chrono::NaiveDate {
    let zone = crate::cohorts::schedule_store::zone_or_default(zone);
    chrono::Utc::now().with_timezone(&zone).date_naive()
}

/// Returns the first day a rating point takes ratings: two weeks before the term starts
/// for its start, and the day it starts for its end.
#[cfg(feature = "ssr")]
fn rating_opens(starts_on: chrono::NaiveDate, moment: &str) -> chrono::NaiveDate {
    if moment == "start" {
        starts_on - chrono::Duration::days(14)
    } else {
        starts_on
    }
}

/// Rejects a rating for a point of the year that has not come yet: a term's end before
/// the term starts, or its start more than two weeks ahead.
#[cfg(feature = "ssr")]
async fn check_rating_time(
    db: &impl sea_orm::ConnectionTrait,
    cohort_id: i32,
    term: i32,
    moment: &str,
) -> Result<(), AppError> {
    use crate::entities::terms;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let Some(row) = terms::Entity::find()
        .filter(terms::Column::CohortId.eq(cohort_id))
        .filter(terms::Column::Position.eq(term))
        .one(db)
        .await
        .map_err(crate::context::db_failure)?
    else {
        return Ok(());
    };
    let zone = crate::entities::cohorts::Entity::find_by_id(cohort_id)
        .one(db)
        .await
        .map_err(crate::context::db_failure)?
        .map(|cohort| cohort.time_zone)
        .unwrap_or_default();
    let today = cohort_today(&zone);
    let opens = rating_opens(row.starts_on, moment);
    if today < opens {
        return crate::context::fail(AppError::invalid(
            "moment",
            format!(
                "Term {term} starts on {}. Its {moment}-of-term rating opens on {opens}.",
                row.starts_on
            ),
        ));
    }
    Ok(())
}

/// Lists a cohort's fellows with their choices, for its coaches and facilitators.
#[server(prefix = "/api", endpoint = "cohort/fellows", input = GetUrl)]
pub async fn list_fellows(cohort_id: i32) -> Result<Vec<FellowRow>, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure};

    authorized(Action::ViewFellowProgress(cohort_id))?;
    let db = db()?;
    let exists = crate::entities::cohorts::Entity::find_by_id(cohort_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .is_some();
    if !exists {
        return crate::context::fail(AppError::NotFound("There is no such cohort.".into()));
    }
    use sea_orm::EntityTrait;
    let framework = super::framework_store::load_framework(&db)
        .await
        .map_err(db_failure)?;
    super::plan_store::fellows(&db, cohort_id, &framework)
        .await
        .map_err(db_failure)
}
