//! A person who can sign in. `email_normalized` is the lower-cased email that makes
//! addresses unique regardless of letter case; `email` keeps it as typed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    #[sea_orm(unique)]
    pub email_normalized: String,
    pub display_name: String,
    /// argon2id PHC string; `None` until an invited person sets a password.
    pub password_hash: Option<String>,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
    /// IANA time zone in which the person reads times; `None` shows each cohort's own.
    pub time_zone: Option<String>,
    /// SHA-256 of the secret in the person's calendar feed address, in hex.
    pub calendar_token_hash: Option<String>,
    /// Email choices per notification kind, as JSON (`crate::notify::Preferences`).
    pub notification_prefs: String,
    /// When the last daily digest was sent.
    pub digest_sent_at: Option<DateTimeUtc>,
    /// Recipient identification in credentials: `email` (a salted hash of the address) or
    /// `url` (`credential_recipient_url`).
    pub credential_recipient: String,
    /// The address that identifies the person in credentials when they chose `url`.
    pub credential_recipient_url: Option<String>,
    /// When the person's data was deleted on request. The row stays, without name or
    /// address, so that the audit log and revoked credentials keep their references.
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::cohort_memberships::Entity")]
    Memberships,
}

impl Related<super::cohort_memberships::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Memberships.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
