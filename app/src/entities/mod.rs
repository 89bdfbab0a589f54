//! sea-orm entities, one module per table. Server only.

pub mod audit_log;
pub mod auth_tokens;
pub mod calibration_anchors;
pub mod coaching_meetings;
pub mod cohort_memberships;
pub mod cohorts;
pub mod competencies;
pub mod competency_choices;
pub mod competency_groups;
pub mod evidence_items;
pub mod evidence_tags;
pub mod growth_ratings;
pub mod microcredential_versions;
pub mod microcredentials;
pub mod modules;
pub mod outbox;
pub mod programs;
pub mod reviews;
pub mod sessions;
pub mod sign_in_failures;
pub mod submission_attempts;
pub mod submissions;
pub mod terms;
pub mod users;
