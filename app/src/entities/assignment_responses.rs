//! A fellow's response to an assignment, with the facilitator's decision.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignment_responses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub assignment_id: i32,
    pub fellow_user_id: i32,
    pub body: String,
    /// Ids of evidence items from the fellow's library, as a JSON array.
    pub evidence_ids: String,
    /// `draft`, `submitted`, `complete` or `returned`.
    pub state: String,
    /// Incremented by every save; a save names the version it edited.
    pub version: i32,
    pub submitted_at: Option<DateTimeUtc>,
    pub feedback: Option<String>,
    pub reviewed_by_user_id: Option<i32>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
