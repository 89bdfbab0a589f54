//! One competency, described at the four developmental stages.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competencies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub program_id: i32,
    pub group_id: i32,
    /// Stable identifier used by framework files.
    pub key: String,
    pub name: String,
    /// False while the name is a placeholder that program staff should confirm.
    pub name_confirmed: bool,
    pub description: String,
    pub emerging: String,
    pub developing: String,
    pub performing: String,
    pub transforming: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
