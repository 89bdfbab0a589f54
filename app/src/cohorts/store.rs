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

/// Returns whether a cohort of the same year already has this name, ignoring
/// letter case.
pub async fn name_taken(db: &impl ConnectionTrait, cohort: &NewCohort) -> Result<bool, DbErr> {
    use sea_orm::PaginatorTrait;
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let matching = cohorts::Entity::find()
        .filter(cohorts::Column::Year.eq(cohort.year))
        .filter(
            Expr::expr(Func::lower(Expr::col(cohorts::Column::Name)))
                .eq(cohort.name.to_lowercase()),
        )
        .count(db)
        .await?;
    Ok(matching > 0)
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

/// All cohorts, for finding one by what a person typed: its name, or its name with the
/// year (as lists show it), in any letter case.
pub struct CohortDirectory {
    cohorts: Vec<cohorts::Model>,
}

impl CohortDirectory {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        Ok(CohortDirectory {
            cohorts: cohorts::Entity::find().all(db).await?,
        })
    }

    /// Finds the one cohort that `text` names. The error states why none matched, or
    /// lists the cohorts between which `text` is ambiguous.
    pub fn resolve(&self, text: &str) -> Result<i32, String> {
        let requested = text.trim().to_lowercase();
        let label = |cohort: &cohorts::Model| super::cohort_label(&cohort.name, cohort.year);
        let by_label: Vec<&cohorts::Model> = self
            .cohorts
            .iter()
            .filter(|cohort| label(cohort).to_lowercase() == requested)
            .collect();
        let matches = if by_label.is_empty() {
            self.cohorts
                .iter()
                .filter(|cohort| cohort.name.to_lowercase() == requested)
                .collect()
        } else {
            by_label
        };
        match matches.as_slice() {
            [one] => Ok(one.id),
            [] => Err(format!(
                "there is no cohort named \"{}\"; create it first or fix the name",
                text.trim()
            )),
            several => {
                let mut labels: Vec<String> = several
                    .iter()
                    .map(|cohort| format!("\"{} ({})\"", cohort.name, cohort.year))
                    .collect();
                labels.sort();
                Err(format!(
                    "\"{}\" matches several cohorts: {}; add the year to tell them apart, as in {}",
                    text.trim(),
                    labels.join(", "),
                    labels[0]
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cohort(id: i32, name: &str, year: i32) -> cohorts::Model {
        cohorts::Model {
            id,
            program_id: 1,
            name: name.to_owned(),
            year,
            affiliate: String::new(),
            time_zone: "America/New_York".into(),
            created_at: Utc::now(),
            submissions_due_at: None,
            submissions_due_zone: None,
            late_submissions_allowed: false,
            not_yet_before_coaching: 3,
            certificate_rule: String::new(),
        }
    }

    #[test]
    fn directory_resolves_names_labels_and_ambiguity() {
        let directory = CohortDirectory {
            cohorts: vec![
                cohort(1, "Ohio 2027", 2027),
                cohort(2, "Ohio", 2027),
                cohort(3, "Ohio", 2028),
                cohort(4, "Texas A", 2028),
            ],
        };
        assert_eq!(
            directory.resolve("ohio 2027"),
            Ok(1),
            "a label match wins over a name match"
        );
        assert_eq!(directory.resolve("Ohio (2028)"), Ok(3));
        assert_eq!(directory.resolve("texas a"), Ok(4));
        let ambiguous = directory.resolve("Ohio").unwrap_err();
        assert!(
            ambiguous.contains("\"Ohio (2027)\", \"Ohio (2028)\""),
            "{ambiguous}"
        );
        assert!(
            directory
                .resolve("Atlantis")
                .unwrap_err()
                .contains("no cohort named \"Atlantis\"")
        );
    }
}
