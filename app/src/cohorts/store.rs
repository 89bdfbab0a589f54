//! Database access for cohorts. Server only.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::CohortSummary;
use super::input::NewCohort;
use crate::entities::{cohorts, programs};

/// Name of the program that a fresh installation runs.
pub const DEFAULT_PROGRAM_NAME: &str = "Teacher Leadership Institute";

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<CohortSummary>, DbErr> {
    let rows = cohorts::Entity::find()
        .order_by_desc(cohorts::Column::Year)
        .order_by_asc(cohorts::Column::Name)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(summary).collect())
}

pub async fn list_by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> Result<Vec<CohortSummary>, DbErr> {
    let rows = cohorts::Entity::find()
        .filter(cohorts::Column::Id.is_in(ids))
        .order_by_desc(cohorts::Column::Year)
        .order_by_asc(cohorts::Column::Name)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(summary).collect())
}

pub async fn insert(db: &impl ConnectionTrait, cohort: &NewCohort) -> Result<CohortSummary, DbErr> {
    let program_id = default_program_id(db).await?;
    let model = cohorts::ActiveModel {
        program_id: Set(program_id),
        name: Set(cohort.name.clone()),
        year: Set(cohort.year),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(summary(model))
}

/// Finds the default program, creating it on first use. A concurrent creator may win
/// the race; its row is then read back.
pub async fn default_program_id(db: &impl ConnectionTrait) -> Result<i32, DbErr> {
    if let Some(id) = find_program_id(db).await? {
        return Ok(id);
    }
    let created = programs::ActiveModel {
        name: Set(DEFAULT_PROGRAM_NAME.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await;
    match created {
        Ok(model) => Ok(model.id),
        Err(error) => match find_program_id(db).await? {
            Some(id) => Ok(id),
            None => Err(error),
        },
    }
}

async fn find_program_id(db: &impl ConnectionTrait) -> Result<Option<i32>, DbErr> {
    Ok(programs::Entity::find()
        .filter(programs::Column::Name.eq(DEFAULT_PROGRAM_NAME))
        .one(db)
        .await?
        .map(|program| program.id))
}

fn summary(model: cohorts::Model) -> CohortSummary {
    CohortSummary {
        id: model.id,
        name: model.name,
        year: model.year,
    }
}
