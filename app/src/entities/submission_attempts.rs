//! One submitted attempt: the content as submitted, and the decision and feedback on it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submission_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub submission_id: i32,
    /// 1 for the first attempt, 2 for the first resubmission, and so on.
    pub number: i32,
    pub microcredential_version_id: i32,
    /// The draft version that was submitted; a repeated submit of it is the same attempt.
    pub draft_version: i32,
    /// The submitted content as JSON (`crate::portfolio::DraftContent`).
    pub content: String,
    pub submitted_at: DateTimeUtc,
    pub late: bool,
    /// `earned` or `not_yet` once decided.
    pub outcome: Option<String>,
    pub feedback: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    /// The released scores as JSON (`crate::review::content::ReviewContent`).
    pub scores: Option<String>,
    /// Business days from submission to the released decision.
    pub turnaround_days: Option<i32>,
    /// The program's turnaround target when the decision was released.
    pub turnaround_target_days: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
