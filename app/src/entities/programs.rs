//! A program: the fellowship that cohorts run, such as the Teacher Leadership Institute.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub name: String,
    /// The title of the competency framework the program uses.
    pub framework_name: String,
    /// Business days from submission to a released decision.
    pub review_turnaround_days: i32,
    /// Whether reviewers are kept from fellows of a cohort where they are a fellow,
    /// coach or facilitator. Reviewers never review fellows they coach.
    pub review_exclude_own_cohort: bool,
    /// Reviewers whose calibration kappa is below this, in hundredths, are flagged.
    pub calibration_kappa_percent: i32,
    /// Days that do not count towards turnaround, as ISO dates separated by commas.
    pub review_holidays: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::cohorts::Entity")]
    Cohorts,
}

impl Related<super::cohorts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cohorts.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
