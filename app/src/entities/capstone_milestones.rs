//! One milestone of a capstone project, in one of the cohort's terms.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "capstone_milestones")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub capstone_id: i32,
    /// 1 for the first term, 2 for the second.
    pub term_position: i32,
    pub title: String,
    pub due_on: Option<Date>,
    pub done: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
