//! Program administration: users and their roles, the audit log, the mail outbox.

mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;
pub use pages::{AdminHomePage, AuditLogPage, OutboxPage, UsersPage};

use serde::{Deserialize, Serialize};

use crate::auth::Role;

/// A user as the administration pages list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i32,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    pub disabled: bool,
    /// Invited but has not set a password yet.
    pub invited: bool,
    pub roles: Vec<RoleRow>,
}

/// One role of a user, with the cohort's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRow {
    pub cohort_id: i32,
    pub cohort_name: String,
    pub role: Role,
}

/// A cohort to choose in a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortChoice {
    pub id: i32,
    pub label: String,
}

/// The users page's data: matching users and the cohorts roles can be given in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersListing {
    pub users: Vec<UserRow>,
    pub cohorts: Vec<CohortChoice>,
    /// True when more users matched than the page shows.
    pub truncated: bool,
}

/// One audit log entry for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i32,
    pub occurred_at: String,
    pub actor: Option<String>,
    pub action: String,
    pub subject: String,
    pub details: String,
    pub client_address: Option<String>,
}

/// One message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i32,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
    pub status: String,
}
