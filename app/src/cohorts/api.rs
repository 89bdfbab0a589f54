//! Server functions for cohorts.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::CohortSummary;
use crate::error::AppError;

/// Lists every cohort, newest year first.
#[server(prefix = "/api", endpoint = "cohorts/list", input = GetUrl)]
pub async fn list_cohorts() -> Result<Vec<CohortSummary>, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, fail, map_db_error};

    authorized(Action::ListCohorts)?;
    let db = db()?;
    match super::store::list(&db).await {
        Ok(cohorts) => Ok(cohorts),
        Err(error) => fail(map_db_error(error, "")),
    }
}

/// Adds a cohort to the program. `year` arrives as typed so that the server, not the
/// form encoding, reports a malformed year.
#[server(prefix = "/api", endpoint = "cohorts/create")]
pub async fn create_cohort(
    name: String,
    year: String,
    #[server(default)] time_zone: String,
) -> Result<CohortSummary, AppError> {
    use super::input::NewCohort;
    use crate::audit::{self, AuditEvent, actions};
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail, map_db_error};

    let actor = authorized(Action::CreateCohort)?;
    let cohort = match NewCohort::parse(&name, &year) {
        Ok(cohort) => cohort,
        Err(error) => return fail(error),
    };
    // Deadlines are entered in the cohort's zone; most cohorts are on Eastern time.
    let zone = match time_zone.trim() {
        "" => chrono_tz::America::New_York,
        typed => {
            crate::local_time::parse_zone("time_zone", typed).map_err(crate::context::reject)?
        }
    };
    let db = db()?;
    let conflict = format!(
        "A cohort named \"{}\" for {} already exists. Choose another name.",
        cohort.name, cohort.year
    );
    match super::store::name_taken(&db, &cohort).await {
        Ok(true) => return fail(AppError::Conflict(conflict)),
        Ok(false) => {}
        Err(error) => return fail(map_db_error(error, "")),
    }
    let inserted = async {
        use sea_orm::ActiveModelTrait;
        use sea_orm::TransactionTrait;
        let txn = db.begin().await?;
        let created = super::store::insert(&txn, &cohort).await?;
        crate::entities::cohorts::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(created.id),
            time_zone: sea_orm::ActiveValue::Set(zone.name().to_owned()),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        super::schedule_store::create_schedule(
            &txn,
            created.id,
            zone,
            &super::schedule_store::default_plan(created.year),
        )
        .await?;
        txn.commit().await?;
        Ok::<_, sea_orm::DbErr>(created)
    };
    match inserted.await {
        Ok(created) => {
            tracing::info!(cohort.id = created.id, "cohort created");
            audit::record(
                &db,
                AuditEvent {
                    actor_user_id: actor.user().map(|user| user.id),
                    action: actions::COHORT_CREATED,
                    subject: format!("{} ({})", created.name, created.year),
                    details: format!("cohort {}", created.id),
                },
            )
            .await
            .map_err(db_failure)?;
            Ok(created)
        }
        Err(error) => fail(map_db_error(error, &conflict)),
    }
}

/// Lists the cohorts in which the caller has `role` (`fellow`, `coach`, `reviewer` or
/// `facilitator`).
#[server(prefix = "/api", endpoint = "cohorts/mine", input = GetUrl)]
pub async fn list_my_cohorts(role: String) -> Result<Vec<CohortSummary>, AppError> {
    use crate::auth::{Action, Role};
    use crate::context::{authorized, db, db_failure, fail};

    let actor = authorized(Action::ViewOwnHome)?;
    let Some(role) = Role::parse(&role) else {
        return fail(AppError::invalid(
            "role",
            format!("\"{role}\" is not a role. Use fellow, coach, reviewer or facilitator."),
        ));
    };
    let ids: Vec<i32> = actor
        .user()
        .map(|user| {
            user.memberships
                .iter()
                .filter(|membership| membership.role == role)
                .map(|membership| membership.cohort_id)
                .collect()
        })
        .unwrap_or_default();
    super::store::list_by_ids(&db()?, ids)
        .await
        .map_err(db_failure)
}
