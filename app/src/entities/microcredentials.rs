//! A micro-credential: it certifies exactly one competency. Its definition lives in versions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "microcredentials")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub program_id: i32,
    /// Stable identifier used by framework files.
    pub key: String,
    pub competency_id: i32,
    pub position: i32,
    /// Whether every attempt gets two independent reviews.
    pub double_scoring: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
