//! A term of a cohort (spring or fall) and the moment its competency choices lock.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "terms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cohort_id: i32,
    /// 1 for the first term, 2 for the second.
    pub position: i32,
    /// `spring` or `fall`.
    pub season: String,
    pub starts_on: Date,
    pub ends_on: Date,
    /// When fellows' choices for this term lock, in UTC.
    pub choices_lock_at: Option<DateTimeUtc>,
    /// The IANA time zone in which the lock time was entered.
    pub choices_lock_zone: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
