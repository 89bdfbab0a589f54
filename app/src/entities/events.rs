//! A module's virtual workshop or a face-to-face cohort meeting.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cohort_id: i32,
    pub module_id: Option<i32>,
    /// `workshop` or `meeting`.
    pub kind: String,
    pub title: String,
    pub starts_at: DateTimeUtc,
    /// The IANA zone the start was entered in.
    pub zone: String,
    pub duration_minutes: i32,
    pub join_url: Option<String>,
    pub location: Option<String>,
    /// Fellows may check themselves in from this many minutes before the start until
    /// this many minutes after it.
    pub check_in_minutes: i32,
    /// Incremented by every change, for calendar clients.
    pub sequence: i32,
    pub cancelled_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
