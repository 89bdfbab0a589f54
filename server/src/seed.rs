//! Demo data for trying TLI Hub on a laptop. Seeding twice changes nothing the second time.

use app::cohorts::input::NewCohort;
use app::cohorts::store;
use app::entities::cohorts;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

/// Demo cohorts as (name, year).
const DEMO_COHORTS: [(&str, i32); 2] = [("Ohio 2027", 2027), ("Nevada 2027", 2027)];

/// What a seeding run created.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub cohorts_created: usize,
}

/// Creates the default program and the demo cohorts that do not exist yet.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<SeedReport, DbErr> {
    let mut report = SeedReport::default();
    let program_id = store::default_program_id(db).await?;
    for (name, year) in DEMO_COHORTS {
        let existing = cohorts::Entity::find()
            .filter(cohorts::Column::ProgramId.eq(program_id))
            .filter(cohorts::Column::Name.eq(name))
            .filter(cohorts::Column::Year.eq(year))
            .count(db)
            .await?;
        if existing == 0 {
            let cohort = NewCohort {
                name: name.to_owned(),
                year,
            };
            store::insert(db, &cohort).await?;
            report.cohorts_created += 1;
        }
    }
    Ok(report)
}
