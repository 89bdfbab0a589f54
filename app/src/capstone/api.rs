//! Server functions for the capstone: the fellow's page and its forms, and the staff
//! list and review.

use leptos::prelude::*;

use super::{CapstoneRow, CapstoneView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub mod server {
    use chrono::Utc;
    use sea_orm::sea_query::Expr;
    use sea_orm::{
        ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
        QueryOrder, Set,
    };

    use super::super::{Choice, GrowthEntry, Milestone, State};
    use super::*;
    use crate::context::{db_failure, reject};
    use crate::entities::{
        capstone_milestones, capstones, cohort_memberships, cohorts, competencies,
        competency_groups, evidence_items, growth_ratings, users,
    };
    use crate::program::format::STAGES;

    fn ids(text: &str) -> Vec<i32> {
        serde_json::from_str(text).unwrap_or_default()
    }

    fn date(at: chrono::DateTime<Utc>) -> String {
        crate::local_time::long_date(at)
    }

    /// Finds the fellow's capstone in the cohort, if they started one.
    pub async fn find(
        db: &DatabaseConnection,
        cohort_id: i32,
        fellow_id: i32,
    ) -> Result<Option<capstones::Model>, DbErr> {
        capstones::Entity::find()
            .filter(capstones::Column::CohortId.eq(cohort_id))
            .filter(capstones::Column::FellowUserId.eq(fellow_id))
            .one(db)
            .await
    }

    /// Returns the fellow's capstone, creating an empty draft on first use.
    pub async fn find_or_create(
        db: &DatabaseConnection,
        cohort_id: i32,
        fellow_id: i32,
    ) -> Result<capstones::Model, DbErr> {
        if let Some(found) = find(db, cohort_id, fellow_id).await? {
            return Ok(found);
        }
        let created = capstones::ActiveModel {
            cohort_id: Set(cohort_id),
            fellow_user_id: Set(fellow_id),
            title: Set(String::new()),
            challenge: Set(String::new()),
            collaborators: Set("[]".into()),
            evidence: Set("[]".into()),
            reflection: Set(String::new()),
            state: Set(State::Draft.name().into()),
            version: Set(1),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await;
        match created {
            Ok(created) => Ok(created),
            // Another request created it first; the unique index kept one.
            Err(_) => find(db, cohort_id, fellow_id)
                .await?
                .ok_or(DbErr::RecordNotFound("capstone".into())),
        }
    }

    /// Ids of the cohort's fellows.
    pub async fn cohort_fellows(
        db: &DatabaseConnection,
        cohort_id: i32,
    ) -> Result<Vec<i32>, DbErr> {
        Ok(cohort_memberships::Entity::find()
            .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
            .filter(cohort_memberships::Column::Role.eq(crate::auth::Role::Fellow.as_str()))
            .all(db)
            .await?
            .into_iter()
            .map(|membership| membership.user_id)
            .collect())
    }

    /// Returns the fellows whose capstones `user` reviews in the cohort: every fellow for
    /// administrators and facilitators, and a coach's paired fellows.
    pub async fn reviewable_fellows(
        db: &DatabaseConnection,
        user: &crate::auth::CurrentUser,
        cohort_id: i32,
    ) -> Result<Vec<i32>, DbErr> {
        let fellows = cohort_fellows(db, cohort_id).await?;
        if user.is_admin || user.has_role_in(cohort_id, crate::auth::Role::Facilitator) {
            return Ok(fellows);
        }
        let paired: Vec<i32> = crate::entities::coaching_pairs::Entity::find()
            .filter(crate::entities::coaching_pairs::Column::CohortId.eq(cohort_id))
            .filter(crate::entities::coaching_pairs::Column::CoachUserId.eq(user.id))
            .all(db)
            .await?
            .into_iter()
            .map(|pair| pair.fellow_user_id)
            .collect();
        Ok(fellows
            .into_iter()
            .filter(|id| paired.contains(id))
            .collect())
    }

    /// Lists the pathway groups of the cohort's program.
    pub async fn pathways(
        db: &DatabaseConnection,
        cohort_id: i32,
    ) -> Result<Vec<competency_groups::Model>, DbErr> {
        let program = cohorts::Entity::find_by_id(cohort_id)
            .one(db)
            .await?
            .map(|cohort| cohort.program_id)
            .unwrap_or_default();
        competency_groups::Entity::find()
            .filter(competency_groups::Column::ProgramId.eq(program))
            .filter(competency_groups::Column::Kind.eq("pathway"))
            .order_by_asc(competency_groups::Column::Position)
            .all(db)
            .await
    }

    /// Builds the page's view of the fellow's capstone; an unstarted one is empty.
    pub async fn load_view(
        db: &DatabaseConnection,
        cohort_id: i32,
        fellow_id: i32,
        can_review: bool,
    ) -> Result<CapstoneView, AppError> {
        let capstone = find(db, cohort_id, fellow_id).await.map_err(db_failure)?;
        let fellow = users::Entity::find_by_id(fellow_id)
            .one(db)
            .await
            .map_err(db_failure)?
            .ok_or_else(|| reject(AppError::NotFound("There is no such fellow.".into())))?;
        let chosen_collaborators = capstone
            .as_ref()
            .map(|c| ids(&c.collaborators))
            .unwrap_or_default();
        let chosen_evidence = capstone
            .as_ref()
            .map(|c| ids(&c.evidence))
            .unwrap_or_default();
        let pathway = capstone.as_ref().and_then(|c| c.pathway_group_id);

        let pathways = pathways(db, cohort_id)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|group| Choice {
                chosen: pathway == Some(group.id),
                id: group.id,
                name: group.name,
            })
            .collect();
        let classmates: Vec<i32> = cohort_fellows(db, cohort_id)
            .await
            .map_err(db_failure)?
            .into_iter()
            .filter(|id| *id != fellow_id)
            .collect();
        let collaborators = users::Entity::find()
            .filter(users::Column::Id.is_in(classmates))
            .order_by_asc(users::Column::DisplayName)
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|user| Choice {
                chosen: chosen_collaborators.contains(&user.id),
                id: user.id,
                name: user.display_name,
            })
            .collect();
        let evidence = evidence_items::Entity::find()
            .filter(evidence_items::Column::OwnerUserId.eq(fellow_id))
            .order_by_desc(evidence_items::Column::UpdatedAt)
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|item| Choice {
                chosen: chosen_evidence.contains(&item.id),
                id: item.id,
                name: item.title,
            })
            .collect();
        let milestones = match &capstone {
            Some(capstone) => capstone_milestones::Entity::find()
                .filter(capstone_milestones::Column::CapstoneId.eq(capstone.id))
                .order_by_asc(capstone_milestones::Column::TermPosition)
                .order_by_asc(capstone_milestones::Column::DueOn)
                .order_by_asc(capstone_milestones::Column::Id)
                .all(db)
                .await
                .map_err(db_failure)?
                .into_iter()
                .map(|milestone| Milestone {
                    id: milestone.id,
                    term_position: milestone.term_position,
                    title: milestone.title,
                    due_on: milestone
                        .due_on
                        .map(|day| day.to_string())
                        .unwrap_or_default(),
                    done: milestone.done,
                })
                .collect(),
            None => Vec::new(),
        };
        let ratings = growth_ratings::Entity::find()
            .filter(growth_ratings::Column::CohortId.eq(cohort_id))
            .filter(growth_ratings::Column::FellowUserId.eq(fellow_id))
            .order_by_asc(growth_ratings::Column::TermPosition)
            .order_by_desc(growth_ratings::Column::Moment)
            .order_by_asc(growth_ratings::Column::CreatedAt)
            .all(db)
            .await
            .map_err(db_failure)?;
        let competency_ids: Vec<i32> = ratings.iter().map(|rating| rating.competency_id).collect();
        let names: std::collections::HashMap<i32, String> = competencies::Entity::find()
            .filter(competencies::Column::Id.is_in(competency_ids))
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|competency| (competency.id, competency.name))
            .collect();
        let growth = ratings
            .into_iter()
            .map(|rating| GrowthEntry {
                competency: names
                    .get(&rating.competency_id)
                    .cloned()
                    .unwrap_or_default(),
                when: format!("Term {} {}", rating.term_position, rating.moment),
                stage: STAGES
                    .get((rating.stage - 1).clamp(0, 3) as usize)
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
                rater: if rating.rater_role == "coach" {
                    "Coach"
                } else {
                    "Self"
                }
                .to_owned(),
                note: rating.note,
            })
            .collect();
        let reviewer = match capstone.as_ref().and_then(|c| c.reviewer_user_id) {
            Some(id) => users::Entity::find_by_id(id)
                .one(db)
                .await
                .map_err(db_failure)?
                .map(|user| user.display_name),
            None => None,
        };
        Ok(CapstoneView {
            cohort_id,
            fellow_id,
            fellow_name: fellow.display_name,
            title: capstone
                .as_ref()
                .map(|c| c.title.clone())
                .unwrap_or_default(),
            challenge: capstone
                .as_ref()
                .map(|c| c.challenge.clone())
                .unwrap_or_default(),
            pathways,
            collaborators,
            evidence,
            reflection: capstone
                .as_ref()
                .map(|c| c.reflection.clone())
                .unwrap_or_default(),
            milestones,
            growth,
            state: capstone
                .as_ref()
                .and_then(|c| State::parse(&c.state))
                .unwrap_or(State::Draft),
            version: capstone.as_ref().map_or(0, |c| c.version),
            submitted_on: capstone.as_ref().and_then(|c| c.submitted_at).map(date),
            feedback: capstone.as_ref().and_then(|c| c.feedback.clone()),
            reviewer,
            can_review,
        })
    }

    /// Rejects changes while the capstone waits for review.
    pub fn editable(capstone: &capstones::Model) -> Result<(), AppError> {
        if capstone.state == State::Submitted.name() {
            return Err(reject(AppError::Conflict(
                "Your capstone is waiting for review, so it cannot change now. You can revise it after your coach or facilitator gives feedback.".into(),
            )));
        }
        Ok(())
    }

    /// Raises the version of a capstone saved at `version`; returns false when another
    /// save came first.
    pub async fn bump(
        db: &DatabaseConnection,
        capstone_id: i32,
        version: i32,
    ) -> Result<bool, DbErr> {
        let result = capstones::Entity::update_many()
            .col_expr(capstones::Column::Version, Expr::value(version + 1))
            .col_expr(capstones::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(capstones::Column::Id.eq(capstone_id))
            .filter(capstones::Column::Version.eq(version))
            .exec(db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    pub fn stale() -> AppError {
        reject(AppError::Conflict(
            "Your capstone changed in another tab or device after this page loaded, so this form was not saved over it. Reload the page and make your change again.".into(),
        ))
    }

    pub fn too_long(field: &str, what: &str, max: usize) -> AppError {
        reject(AppError::Invalid {
            field: field.into(),
            message: format!("{what} can be at most {max} characters. Shorten it and save again."),
        })
    }
}

#[cfg(feature = "ssr")]
fn capstone_path(cohort_id: i32) -> String {
    format!("/cohorts/{cohort_id}/capstone")
}

/// Returns the signed-in fellow's capstone in a cohort.
#[server(prefix = "/api", endpoint = "capstone/get", input = server_fn::codec::GetUrl)]
pub async fn get_capstone(cohort_id: i32) -> Result<CapstoneView, AppError> {
    use crate::context::{authorized, db};
    let actor = authorized(crate::auth::Action::SubmitOwnWork(cohort_id))?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    server::load_view(&db()?, cohort_id, user.id, false).await
}

/// Saves the project and its portfolio: title, challenge, pathway, collaborators,
/// evidence and growth reflection.
#[server(prefix = "/api", endpoint = "capstone/save")]
#[allow(clippy::too_many_arguments)]
pub async fn save_capstone(
    cohort_id: i32,
    version: i32,
    title: String,
    challenge: String,
    #[server(default)] pathway: String,
    #[server(default)] collaborators: Vec<i32>,
    #[server(default)] evidence: Vec<i32>,
    #[server(default)] reflection: String,
) -> Result<(), AppError> {
    use super::{CHALLENGE_MAX_CHARS, REFLECTION_MAX_CHARS, TITLE_MAX_CHARS};
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use crate::entities::{capstones, evidence_items};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use server::*;

    let actor = authorized(crate::auth::Action::SubmitOwnWork(cohort_id))?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let db = db()?;
    let title = title.trim().to_owned();
    if title.chars().count() > TITLE_MAX_CHARS {
        return Err(too_long("title", "The title", TITLE_MAX_CHARS));
    }
    if challenge.chars().count() > CHALLENGE_MAX_CHARS {
        return Err(too_long("challenge", "The challenge", CHALLENGE_MAX_CHARS));
    }
    if reflection.chars().count() > REFLECTION_MAX_CHARS {
        return Err(too_long(
            "reflection",
            "The growth reflection",
            REFLECTION_MAX_CHARS,
        ));
    }
    let pathway = match pathway.trim() {
        "" => None,
        text => {
            let id: Option<i32> = text.parse().ok();
            let known = pathways(&db, cohort_id).await.map_err(db_failure)?;
            match id.filter(|id| known.iter().any(|group| group.id == *id)) {
                Some(id) => Some(id),
                None => {
                    return fail(AppError::Invalid {
                        field: "pathway".into(),
                        message: "Choose one of the listed pathways: Instructional, Policy or Association.".into(),
                    });
                }
            }
        }
    };
    let fellows = cohort_fellows(&db, cohort_id).await.map_err(db_failure)?;
    if let Some(stranger) = collaborators
        .iter()
        .find(|id| **id == user.id || !fellows.contains(id))
    {
        return fail(AppError::Invalid {
            field: "collaborators".into(),
            message: format!(
                "Person {stranger} is not another fellow of this cohort. Choose collaborators from the list."
            ),
        });
    }
    let owned = evidence_items::Entity::find()
        .filter(evidence_items::Column::Id.is_in(evidence.clone()))
        .filter(evidence_items::Column::OwnerUserId.eq(user.id))
        .count(&db)
        .await
        .map_err(db_failure)?;
    if owned as usize != evidence.len() {
        return fail(AppError::Invalid {
            field: "evidence".into(),
            message: "Some of the chosen evidence is not in your library. Choose from the list and save again.".into(),
        });
    }

    let capstone = find_or_create(&db, cohort_id, user.id)
        .await
        .map_err(db_failure)?;
    editable(&capstone)?;
    // Version 0 is the form of a capstone that did not exist yet: it may fill only the
    // empty draft, never a capstone saved since.
    let stored_version = if version == 0 && capstone.version == 1 {
        1
    } else {
        version
    };
    let result = capstones::Entity::update_many()
        .col_expr(capstones::Column::Title, Expr::value(title))
        .col_expr(capstones::Column::Challenge, Expr::value(challenge))
        .col_expr(capstones::Column::PathwayGroupId, Expr::value(pathway))
        .col_expr(
            capstones::Column::Collaborators,
            Expr::value(serde_json::to_string(&collaborators).unwrap_or_else(|_| "[]".into())),
        )
        .col_expr(
            capstones::Column::Evidence,
            Expr::value(serde_json::to_string(&evidence).unwrap_or_else(|_| "[]".into())),
        )
        .col_expr(capstones::Column::Reflection, Expr::value(reflection))
        .col_expr(capstones::Column::Version, Expr::value(stored_version + 1))
        .col_expr(
            capstones::Column::UpdatedAt,
            Expr::value(chrono::Utc::now()),
        )
        .filter(capstones::Column::Id.eq(capstone.id))
        .filter(capstones::Column::Version.eq(stored_version))
        .filter(capstones::Column::State.ne(super::State::Submitted.name()))
        .exec(&db)
        .await
        .map_err(db_failure)?;
    if result.rows_affected != 1 {
        return Err(stale());
    }
    redirect_to(&format!("{}?done=saved", capstone_path(cohort_id)));
    Ok(())
}

/// Adds a milestone to the fellow's capstone in term 1 or 2.
#[server(prefix = "/api", endpoint = "capstone/milestone/add")]
pub async fn add_milestone(
    cohort_id: i32,
    term_position: i32,
    title: String,
    #[server(default)] due_on: String,
) -> Result<(), AppError> {
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use crate::entities::capstone_milestones;
    use sea_orm::{ActiveModelTrait, Set};
    use server::*;

    let actor = authorized(crate::auth::Action::SubmitOwnWork(cohort_id))?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let title = title.trim().to_owned();
    if title.is_empty() {
        return fail(AppError::Invalid {
            field: "title".into(),
            message: "Name the milestone, such as \"Survey families about meeting times\".".into(),
        });
    }
    if title.chars().count() > super::TITLE_MAX_CHARS {
        return Err(too_long("title", "A milestone", super::TITLE_MAX_CHARS));
    }
    if !(1..=2).contains(&term_position) {
        return fail(AppError::Invalid {
            field: "term_position".into(),
            message: "Choose term 1 or term 2 for the milestone.".into(),
        });
    }
    let due_on = match due_on.trim() {
        "" => None,
        text => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                return fail(AppError::Invalid {
                    field: "due_on".into(),
                    message: format!(
                        "\"{text}\" is not a date. Use the date picker, or write it as 2027-03-15."
                    ),
                });
            }
        },
    };
    let db = db()?;
    let capstone = find_or_create(&db, cohort_id, user.id)
        .await
        .map_err(db_failure)?;
    editable(&capstone)?;
    capstone_milestones::ActiveModel {
        capstone_id: Set(capstone.id),
        term_position: Set(term_position),
        title: Set(title),
        due_on: Set(due_on),
        done: Set(false),
        ..Default::default()
    }
    .insert(&db)
    .await
    .map_err(db_failure)?;
    bump(&db, capstone.id, capstone.version)
        .await
        .map_err(db_failure)?;
    redirect_to(&format!(
        "{}?done=milestone#milestones",
        capstone_path(cohort_id)
    ));
    Ok(())
}

/// Marks a milestone done or not done, or removes it: `action` is `done`, `undone`
/// or `remove`.
#[server(prefix = "/api", endpoint = "capstone/milestone/change")]
pub async fn change_milestone(milestone_id: i32, action: String) -> Result<(), AppError> {
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use crate::entities::{capstone_milestones, capstones};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::*;

    let actor = authorized(crate::auth::Action::ViewOwnHome)?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let db = db()?;
    let not_found = || {
        crate::context::reject(AppError::NotFound(
            "There is no such milestone in your capstone.".into(),
        ))
    };
    let milestone = capstone_milestones::Entity::find_by_id(milestone_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .ok_or_else(not_found)?;
    let capstone = capstones::Entity::find_by_id(milestone.capstone_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .filter(|capstone| capstone.fellow_user_id == user.id)
        .ok_or_else(not_found)?;
    editable(&capstone)?;
    match action.as_str() {
        "done" | "undone" => {
            capstone_milestones::Entity::update_many()
                .col_expr(
                    capstone_milestones::Column::Done,
                    Expr::value(action == "done"),
                )
                .filter(capstone_milestones::Column::Id.eq(milestone.id))
                .exec(&db)
                .await
                .map_err(db_failure)?;
        }
        "remove" => {
            capstone_milestones::Entity::delete_by_id(milestone.id)
                .exec(&db)
                .await
                .map_err(db_failure)?;
        }
        other => {
            return fail(AppError::Invalid {
                field: "action".into(),
                message: format!(
                    "\"{other}\" is not a milestone change; use done, undone or remove."
                ),
            });
        }
    }
    bump(&db, capstone.id, capstone.version)
        .await
        .map_err(db_failure)?;
    redirect_to(&format!(
        "{}?done=milestone#milestones",
        capstone_path(capstone.cohort_id)
    ));
    Ok(())
}

/// Submits the capstone for formative review when nothing is missing.
#[server(prefix = "/api", endpoint = "capstone/submit")]
pub async fn submit_capstone(cohort_id: i32, version: i32) -> Result<(), AppError> {
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use crate::entities::capstones;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::*;

    let actor = authorized(crate::auth::Action::SubmitOwnWork(cohort_id))?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let db = db()?;
    let view = load_view(&db, cohort_id, user.id, false).await?;
    let missing = super::missing_for_submission(&view);
    if !missing.is_empty() {
        return fail(AppError::Conflict(format!(
            "Not submitted yet: {}",
            missing.join(" ")
        )));
    }
    let capstone = find_or_create(&db, cohort_id, user.id)
        .await
        .map_err(db_failure)?;
    editable(&capstone)?;
    let result = capstones::Entity::update_many()
        .col_expr(
            capstones::Column::State,
            Expr::value(super::State::Submitted.name()),
        )
        .col_expr(
            capstones::Column::SubmittedAt,
            Expr::value(chrono::Utc::now()),
        )
        .col_expr(capstones::Column::Version, Expr::value(version + 1))
        .filter(capstones::Column::Id.eq(capstone.id))
        .filter(capstones::Column::Version.eq(version))
        .exec(&db)
        .await
        .map_err(db_failure)?;
    if result.rows_affected != 1 {
        return Err(stale());
    }
    redirect_to(&format!("{}?done=submitted", capstone_path(cohort_id)));
    Ok(())
}

/// Lists the cohort's fellows with their capstones, for coaches and facilitators.
#[server(prefix = "/api", endpoint = "capstone/list", input = server_fn::codec::GetUrl)]
pub async fn list_capstones(cohort_id: i32) -> Result<Vec<CapstoneRow>, AppError> {
    use crate::context::{authorized, db, db_failure};
    use crate::entities::{capstones, users};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    let actor = authorized(crate::auth::Action::ReviewCapstones(cohort_id))?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let db = db()?;
    let fellows = server::reviewable_fellows(&db, user, cohort_id)
        .await
        .map_err(db_failure)?;
    let people = users::Entity::find()
        .filter(users::Column::Id.is_in(fellows))
        .order_by_asc(users::Column::DisplayName)
        .all(&db)
        .await
        .map_err(db_failure)?;
    let projects = capstones::Entity::find()
        .filter(capstones::Column::CohortId.eq(cohort_id))
        .all(&db)
        .await
        .map_err(db_failure)?;
    Ok(people
        .into_iter()
        .map(|person| {
            let project = projects
                .iter()
                .find(|project| project.fellow_user_id == person.id);
            CapstoneRow {
                fellow_id: person.id,
                fellow_name: person.display_name,
                title: project
                    .map(|project| project.title.clone())
                    .unwrap_or_default(),
                state: project.and_then(|project| super::State::parse(&project.state)),
                submitted_on: project
                    .and_then(|project| project.submitted_at)
                    .map(crate::local_time::long_date),
            }
        })
        .collect())
}

/// Returns one fellow's capstone for its coach or a facilitator of the cohort.
#[server(prefix = "/api", endpoint = "capstone/review", input = server_fn::codec::GetUrl)]
pub async fn get_capstone_review(cohort_id: i32, fellow_id: i32) -> Result<CapstoneView, AppError> {
    use crate::context::{authorized, db, db_failure, reject};
    let actor = authorized(crate::auth::Action::ReviewCapstones(cohort_id))?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let db = db()?;
    if !server::reviewable_fellows(&db, user, cohort_id)
        .await
        .map_err(db_failure)?
        .contains(&fellow_id)
    {
        return Err(reject(AppError::NotFound(
            "There is no such fellow among those whose capstones you review in this cohort.".into(),
        )));
    }
    server::load_view(&db, cohort_id, fellow_id, true).await
}

/// Gives formative feedback on a submitted capstone and notifies the fellow.
#[server(prefix = "/api", endpoint = "capstone/feedback")]
pub async fn give_capstone_feedback(
    cohort_id: i32,
    fellow_id: i32,
    feedback: String,
) -> Result<(), AppError> {
    use crate::context::{app_state, authorized, db, db_failure, fail, redirect_to};
    use crate::entities::capstones;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let actor = authorized(crate::auth::Action::ReviewCapstones(cohort_id))?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let feedback = feedback.trim().to_owned();
    if feedback.is_empty() || feedback.chars().count() > super::REFLECTION_MAX_CHARS {
        return fail(AppError::Invalid {
            field: "feedback".into(),
            message: format!(
                "Write the feedback for the fellow, in at most {} characters.",
                super::REFLECTION_MAX_CHARS
            ),
        });
    }
    let db = db()?;
    if !server::reviewable_fellows(&db, user, cohort_id)
        .await
        .map_err(db_failure)?
        .contains(&fellow_id)
    {
        return fail(AppError::NotFound(
            "There is no such fellow among those whose capstones you review in this cohort.".into(),
        ));
    }
    let result = capstones::Entity::update_many()
        .col_expr(
            capstones::Column::State,
            Expr::value(super::State::Reviewed.name()),
        )
        .col_expr(capstones::Column::Feedback, Expr::value(feedback))
        .col_expr(capstones::Column::ReviewerUserId, Expr::value(user.id))
        .col_expr(
            capstones::Column::ReviewedAt,
            Expr::value(chrono::Utc::now()),
        )
        .filter(capstones::Column::CohortId.eq(cohort_id))
        .filter(capstones::Column::FellowUserId.eq(fellow_id))
        .filter(capstones::Column::State.eq(super::State::Submitted.name()))
        .exec(&db)
        .await
        .map_err(db_failure)?;
    if result.rows_affected != 1 {
        return fail(AppError::Conflict(
            "This capstone is not waiting for review: it was not submitted, or someone already gave feedback. Reload the page to see its state.".into(),
        ));
    }
    let state = app_state()?;
    let notifier = crate::mail::Notifier::of(&state);
    let link = capstone_path(cohort_id);
    if let Err(error) = crate::notify::store::notify(
        &db,
        &notifier,
        &[fellow_id],
        crate::notify::store::Note {
            kind: crate::notify::Kind::Message,
            title: "Your capstone portfolio has feedback",
            link: &link,
        },
    )
    .await
    {
        tracing::warn!(error = %error, fellow_id, "telling the fellow about capstone feedback failed");
    }
    redirect_to(&format!("/cohorts/{cohort_id}/capstones?done=feedback"));
    Ok(())
}
