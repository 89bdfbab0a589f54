//! One version of a micro-credential's definition. A version that reviews have used never changes; editing it creates the next version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "microcredential_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub microcredential_id: i32,
    /// 1, 2, 3… per micro-credential.
    pub version: i32,
    /// The definition as JSON, in the framework file's shape.
    pub definition: String,
    pub created_by_user_id: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
