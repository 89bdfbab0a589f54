//! Server functions for cohorts.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::CohortSummary;
use crate::error::AppError;

/// Lists every cohort, newest year first.
#[server(prefix = "/api", endpoint = "cohorts/list", input = GetUrl)]
pub async fn list_cohorts() -> Result<Vec<CohortSummary>, AppError> {
    use crate::context::{db, fail, map_db_error};

    let db = db()?;
    match super::store::list(&db).await {
        Ok(cohorts) => Ok(cohorts),
        Err(error) => fail(map_db_error(error, "")),
    }
}

/// Adds a cohort to the program. `year` arrives as typed so that the server, not the
/// form encoding, reports a malformed year.
#[server(prefix = "/api", endpoint = "cohorts/create")]
pub async fn create_cohort(name: String, year: String) -> Result<CohortSummary, AppError> {
    use super::input::NewCohort;
    use crate::context::{db, fail, map_db_error};

    let cohort = match NewCohort::parse(&name, &year) {
        Ok(cohort) => cohort,
        Err(error) => return fail(error),
    };
    let db = db()?;
    let conflict = format!(
        "A cohort named \"{}\" for {} already exists. Choose another name.",
        cohort.name, cohort.year
    );
    match super::store::insert(&db, &cohort).await {
        Ok(created) => {
            tracing::info!(cohort.id = created.id, "cohort created");
            Ok(created)
        }
        Err(error) => fail(map_db_error(error, &conflict)),
    }
}
