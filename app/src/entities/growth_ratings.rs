//! One growth self-assessment rating on the four-stage continuum. Ratings are only added, so the history stays.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "growth_ratings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cohort_id: i32,
    pub fellow_user_id: i32,
    pub competency_id: i32,
    pub term_position: i32,
    /// `start` or `end` of the term.
    pub moment: String,
    /// 1 Emerging, 2 Developing, 3 Performing, 4 Transforming.
    pub stage: i32,
    pub rated_by_user_id: i32,
    /// `fellow` or `coach`.
    pub rater_role: String,
    pub note: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
