//! A cohort: one year's group of fellows in a state or local affiliate.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cohorts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub program_id: i32,
    pub name: String,
    pub year: i32,
    /// The state or local association that runs the cohort.
    pub affiliate: String,
    /// IANA time zone in which the cohort's deadlines are set.
    pub time_zone: String,
    pub created_at: DateTimeUtc,
    /// When micro-credential submissions are due, in UTC; `None` sets no deadline.
    pub submissions_due_at: Option<DateTimeUtc>,
    /// The IANA time zone in which the submission deadline was entered.
    pub submissions_due_zone: Option<String>,
    /// Whether submissions after the deadline are accepted and marked late.
    pub late_submissions_allowed: bool,
    /// Not-yet decisions after which a coaching meeting comes before the next attempt.
    pub not_yet_before_coaching: i32,
    /// Certificate completion rule, as JSON
    /// (`crate::certificate::Rule`); empty means the default rule.
    pub certificate_rule: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::programs::Entity",
        from = "Column::ProgramId",
        to = "super::programs::Column::Id"
    )]
    Program,
}

impl Related<super::programs::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Program.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
