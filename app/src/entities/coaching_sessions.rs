//! A coaching session of a pair, scheduled and then logged.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coaching_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cohort_id: i32,
    pub coach_user_id: i32,
    pub fellow_user_id: i32,
    pub starts_at: DateTimeUtc,
    pub zone: String,
    pub duration_minutes: i32,
    /// A join link or a place.
    pub place: Option<String>,
    /// `scheduled`, `held`, `missed` or `cancelled`.
    pub state: String,
    /// Seen only by the coach and the fellow.
    pub notes: String,
    /// The submission whose required coaching meeting this session was.
    pub submission_id: Option<i32>,
    /// Incremented by every change, for calendar clients.
    pub sequence: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
