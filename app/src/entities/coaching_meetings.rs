//! A coaching meeting recorded for a submission after repeated not-yet decisions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coaching_meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub submission_id: i32,
    pub recorded_by_user_id: i32,
    pub met_on: Date,
    pub notes: String,
    /// The number of attempts submitted when the meeting was recorded.
    pub after_attempt: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
