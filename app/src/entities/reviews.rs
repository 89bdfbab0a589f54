//! One reviewer's review of one submitted attempt, scored against the definition version
//! the attempt was submitted under, with the autosaved scores.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub submission_attempt_id: i32,
    pub microcredential_version_id: i32,
    pub reviewer_user_id: i32,
    pub fellow_user_id: i32,
    /// One of `crate::review::ReviewKind`'s names.
    pub kind: String,
    /// One of `crate::review::ReviewState`'s names.
    pub state: String,
    /// The scores as JSON (`crate::review::content::ReviewContent`).
    pub scores: String,
    /// Incremented by every save; a save names the version it edited.
    pub draft_version: i32,
    pub saved_at: Option<DateTimeUtc>,
    pub assigned_at: DateTimeUtc,
    pub assigned_by_user_id: Option<i32>,
    pub due_on: Option<Date>,
    pub finalized_at: Option<DateTimeUtc>,
    /// The earn rule applied to the finalized scores.
    pub earned: Option<bool>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
