//! One Open Badges credential: what it recognizes, its signed document once issued,
//! and its revocation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credentials")]
pub struct Model {
    /// Also the credential's position in the revocation status list.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The random identifier in the credential's public address.
    #[sea_orm(unique)]
    pub public_id: String,
    /// `microcredential` (`crate::credentials::Kind`).
    pub kind: String,
    pub fellow_user_id: i32,
    pub cohort_id: i32,
    pub submission_id: Option<i32>,
    /// The earned attempt; at most one credential per attempt.
    pub attempt_id: Option<i32>,
    pub earned_at: DateTimeUtc,
    /// Ids of the evidence items the fellow chose to show, as a JSON array.
    pub public_evidence: String,
    /// The signed credential as JSON; `None` until it is issued.
    pub document: Option<String>,
    pub signing_key_id: Option<i32>,
    pub issued_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_reason: Option<String>,
    pub revoked_by_user_id: Option<i32>,
    /// The staff member who approved a certificate.
    pub approved_by_user_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
