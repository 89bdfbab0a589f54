//! A fellow's competency choices in one cohort. The first term has two overarching
//! competencies. The second has a pathway, a competency in it and a DECC focus area.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competency_choices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cohort_id: i32,
    pub fellow_user_id: i32,
    pub overarching_first_id: Option<i32>,
    pub overarching_second_id: Option<i32>,
    pub pathway_group_id: Option<i32>,
    pub pathway_competency_id: Option<i32>,
    pub decc_competency_id: Option<i32>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
