//! A module of a term (Learn, Design, Do, Reflect by default).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub term_id: i32,
    pub name: String,
    pub position: i32,
    pub opens_on: Option<Date>,
    /// When the module's assignments are due, in UTC.
    pub due_at: Option<DateTimeUtc>,
    /// The IANA time zone in which the due time was entered.
    pub due_zone: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
