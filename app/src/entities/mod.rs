//! sea-orm entities, one module per table. Server only.

pub mod audit_log;
pub mod auth_tokens;
pub mod cohort_memberships;
pub mod cohorts;
pub mod outbox;
pub mod programs;
pub mod sessions;
pub mod sign_in_failures;
pub mod users;
