//! A submitted attempt that staff scored together as a calibration anchor: the agreed
//! scores are those of the anchor review, and new reviewers score the attempt before
//! they review live work.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calibration_anchors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub microcredential_id: i32,
    #[sea_orm(unique)]
    pub submission_attempt_id: i32,
    /// The staff review holding the agreed scores; final once they are agreed.
    pub review_id: Option<i32>,
    pub created_by_user_id: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
