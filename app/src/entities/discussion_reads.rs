//! The newest post a person has seen in a discussion.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discussion_reads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub discussion_id: i32,
    pub user_id: i32,
    pub last_read_post_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
