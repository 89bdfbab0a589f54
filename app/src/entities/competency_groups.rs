//! A group of competencies in the framework: the overarching competencies, one pathway, or the diversity, equity and cultural competence (DECC) focus areas.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competency_groups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub program_id: i32,
    /// Stable identifier used by framework files.
    pub key: String,
    /// `overarching`, `pathway` or `decc`.
    pub kind: String,
    pub name: String,
    /// False while the name is a placeholder that program staff should confirm.
    pub name_confirmed: bool,
    pub description: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
