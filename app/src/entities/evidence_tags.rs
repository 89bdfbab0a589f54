//! A competency tag on a piece of evidence.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence_tags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub evidence_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub competency_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
