//! A fellow's work towards one micro-credential in a cohort: the autosaved draft and
//! the submission's state.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submissions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cohort_id: i32,
    pub fellow_user_id: i32,
    pub microcredential_id: i32,
    /// One of `crate::portfolio::SubmissionState`'s names.
    pub state: String,
    /// How many attempts have been submitted.
    pub attempts: i32,
    /// Incremented by every save; a save names the version it edited.
    pub draft_version: i32,
    /// The draft as JSON (`crate::portfolio::DraftContent`).
    pub draft_content: String,
    pub draft_saved_at: DateTimeUtc,
    /// The pseudonymous code reviewers see instead of the fellow's name; set at the
    /// first submission and kept for every attempt.
    pub review_code: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
