//! Names of audited events, as stored in the audit log's `action` column.

pub const SIGN_IN: &str = "sign_in";
pub const SIGN_IN_FAILED: &str = "sign_in_failed";
pub const SIGN_IN_THROTTLED: &str = "sign_in_throttled";
pub const SIGN_OUT: &str = "sign_out";
pub const USER_INVITED: &str = "user_invited";
pub const INVITATION_ACCEPTED: &str = "invitation_accepted";
pub const PASSWORD_RESET_REQUESTED: &str = "password_reset_requested";
pub const PASSWORD_RESET: &str = "password_reset";
pub const USER_DISABLED: &str = "user_disabled";
pub const USER_ENABLED: &str = "user_enabled";
pub const ADMIN_GRANTED: &str = "admin_granted";
pub const ADMIN_REVOKED: &str = "admin_revoked";
pub const ROLE_ADDED: &str = "role_added";
pub const ROLE_REMOVED: &str = "role_removed";
pub const ADMIN_CREATED: &str = "admin_created";
pub const ROSTER_IMPORTED: &str = "roster_imported";
pub const COHORT_CREATED: &str = "cohort_created";
pub const COHORT_UPDATED: &str = "cohort_updated";
pub const FRAMEWORK_IMPORTED: &str = "framework_imported";
pub const FRAMEWORK_EDITED: &str = "framework_edited";
pub const DEFINITION_SAVED: &str = "definition_saved";
pub const CHOICES_CHANGED_BY_STAFF: &str = "choices_changed_by_staff";
pub const GROWTH_RATED_BY_COACH: &str = "growth_rated_by_coach";
pub const SUBMISSION_SUBMITTED: &str = "submission_submitted";
pub const COACHING_MEETING_RECORDED: &str = "coaching_meeting_recorded";
pub const REVIEW_ASSIGNED: &str = "review_assigned";
pub const REVIEWS_BALANCED: &str = "reviews_balanced";
pub const REVIEW_FINALIZED: &str = "review_finalized";
pub const DECISION_RELEASED: &str = "decision_released";
pub const SUBMISSION_WITHDRAWN: &str = "submission_withdrawn";
pub const IDENTITY_REVEALED: &str = "identity_revealed";
pub const REVIEW_SETTINGS_CHANGED: &str = "review_settings_changed";
pub const ANCHOR_CREATED: &str = "anchor_created";
pub const RECONCILIATION_STARTED: &str = "reconciliation_started";
pub const CRITERION_REOPENED: &str = "criterion_reopened";
pub const MODULE_CONTENT_CHANGED: &str = "module_content_changed";
pub const COACH_PAIRED: &str = "coach_paired";
pub const COACHING_SESSION_LOGGED: &str = "coaching_session_logged";
pub const DISCUSSION_POST_HIDDEN: &str = "discussion_post_hidden";
pub const DISCUSSION_POST_UNHIDDEN: &str = "discussion_post_unhidden";
pub const EVENT_SCHEDULED: &str = "event_scheduled";
pub const EVENT_CHANGED: &str = "event_changed";
pub const EVENT_CANCELLED: &str = "event_cancelled";
pub const ATTENDANCE_RECORDED: &str = "attendance_recorded";
pub const CALENDAR_FEED_RESET: &str = "calendar_feed_reset";
pub const MESSAGE_SENT: &str = "message_sent";
pub const CREDENTIAL_REVOKED: &str = "credential_revoked";
pub const SIGNING_KEY_ROTATED: &str = "signing_key_rotated";
pub const CERTIFICATE_APPROVED: &str = "certificate_approved";
pub const PERSON_DATA_DELETED: &str = "person_data_deleted";
pub const COHORT_EXPORTED: &str = "cohort_exported";
pub const BACKUP_RESTORED: &str = "backup_restored";

/// Every action, for the audit log's filter.
pub const ALL_ACTIONS: [&str; 52] = [
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_IN_THROTTLED,
    SIGN_OUT,
    USER_INVITED,
    INVITATION_ACCEPTED,
    PASSWORD_RESET_REQUESTED,
    PASSWORD_RESET,
    USER_DISABLED,
    USER_ENABLED,
    ADMIN_GRANTED,
    ADMIN_REVOKED,
    ROLE_ADDED,
    ROLE_REMOVED,
    ADMIN_CREATED,
    ROSTER_IMPORTED,
    COHORT_CREATED,
    COHORT_UPDATED,
    FRAMEWORK_IMPORTED,
    FRAMEWORK_EDITED,
    DEFINITION_SAVED,
    CHOICES_CHANGED_BY_STAFF,
    GROWTH_RATED_BY_COACH,
    SUBMISSION_SUBMITTED,
    COACHING_MEETING_RECORDED,
    REVIEW_ASSIGNED,
    REVIEWS_BALANCED,
    REVIEW_FINALIZED,
    DECISION_RELEASED,
    SUBMISSION_WITHDRAWN,
    IDENTITY_REVEALED,
    REVIEW_SETTINGS_CHANGED,
    ANCHOR_CREATED,
    RECONCILIATION_STARTED,
    CRITERION_REOPENED,
    MODULE_CONTENT_CHANGED,
    COACH_PAIRED,
    COACHING_SESSION_LOGGED,
    DISCUSSION_POST_HIDDEN,
    DISCUSSION_POST_UNHIDDEN,
    EVENT_SCHEDULED,
    EVENT_CHANGED,
    EVENT_CANCELLED,
    ATTENDANCE_RECORDED,
    CALENDAR_FEED_RESET,
    MESSAGE_SENT,
    CREDENTIAL_REVOKED,
    SIGNING_KEY_ROTATED,
    CERTIFICATE_APPROVED,
    PERSON_DATA_DELETED,
    COHORT_EXPORTED,
    BACKUP_RESTORED,
];
