//! The public halves of the keys that sign credentials. The private halves stay in
//! the key directory; retired keys remain here so that what they signed still verifies.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signing_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The Ed25519 public key as a Multikey (`z6Mk…`).
    #[sea_orm(unique)]
    pub public_key_multibase: String,
    pub created_at: DateTimeUtc,
    /// When a newer key took over signing.
    pub retired_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
