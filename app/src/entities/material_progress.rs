//! A person marked one material as done.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "material_progress")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub material_id: i32,
    pub user_id: i32,
    pub completed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
