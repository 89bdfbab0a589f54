//! One audited event: a sign-in, a failed sign-in, a role change, an admin action.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub occurred_at: DateTimeUtc,
    pub actor_user_id: Option<i32>,
    pub action: String,
    /// Subject of the action, in words (an email, a cohort name, a file name).
    pub subject: String,
    pub details: String,
    pub client_address: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
