//! A fellow's capstone project in a cohort and its portfolio.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "capstones")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cohort_id: i32,
    pub fellow_user_id: i32,
    pub title: String,
    /// The leadership challenge in the fellow's own setting.
    pub challenge: String,
    /// The pathway (a competency group of kind `pathway`) the project follows.
    pub pathway_group_id: Option<i32>,
    /// User ids of the collaborating fellows, as a JSON array.
    pub collaborators: String,
    /// Evidence item ids of the Capstone Portfolio, as a JSON array.
    pub evidence: String,
    /// The growth reflection.
    pub reflection: String,
    /// `draft`, `submitted` or `reviewed` (`crate::capstone::State`).
    pub state: String,
    /// Raised by every save, so that an older form cannot overwrite a newer one.
    pub version: i32,
    pub submitted_at: Option<DateTimeUtc>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub reviewer_user_id: Option<i32>,
    /// The coach's or facilitator's formative feedback.
    pub feedback: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
