//! An assignment of a module, due at a moment entered in the cohort's zone.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub module_id: i32,
    pub position: i32,
    pub title: String,
    /// Markdown.
    pub instructions: String,
    pub due_at: Option<DateTimeUtc>,
    pub due_zone: Option<String>,
    /// The micro-credential part a response can be copied into: `overview` or
    /// `reflection`; `None` for neither.
    pub feeds_part: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
