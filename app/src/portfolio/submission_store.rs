//! The submission lifecycle in the database: drafts saved with a version check,
//! idempotent submits judged against the cohort's deadline by server time, decisions,
//! and coaching meetings. Server only.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set, SqlErr, TransactionTrait,
};

use super::draft::{DraftContent, SubmissionState};
use crate::entities::{
    coaching_meetings, cohorts, microcredential_versions, submission_attempts, submissions,
};

/// Returns the fellow's submission for a micro-credential, starting an empty draft the
/// first time. Two first visits at once both get the same row.
pub async fn open(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    fellow_id: i32,
    microcredential_id: i32,
) -> Result<submissions::Model, DbErr> {
    if let Some(found) = find(db, cohort_id, fellow_id, microcredential_id).await? {
        return Ok(found);
    }
    let now = Utc::now();
    let inserted = submissions::ActiveModel {
        cohort_id: Set(cohort_id),
        fellow_user_id: Set(fellow_id),
        microcredential_id: Set(microcredential_id),
        state: Set(SubmissionState::Draft.name().to_owned()),
        attempts: Set(0),
        draft_version: Set(1),
        draft_content: Set(encode(&DraftContent::default())),
        draft_saved_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(model) => Ok(model),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            find(db, cohort_id, fellow_id, microcredential_id)
                .await?
                .ok_or(error)
        }
        Err(error) => Err(error),
    }
}

pub async fn find(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    fellow_id: i32,
    microcredential_id: i32,
) -> Result<Option<submissions::Model>, DbErr> {
    submissions::Entity::find()
        .filter(submissions::Column::CohortId.eq(cohort_id))
        .filter(submissions::Column::FellowUserId.eq(fellow_id))
        .filter(submissions::Column::MicrocredentialId.eq(microcredential_id))
        .one(db)
        .await
}

pub fn encode(content: &DraftContent) -> String {
    serde_json::to_string(content).unwrap_or_else(|_| "{}".to_owned())
}

/// Reads stored content; content that cannot be read comes back empty rather than
/// failing the page, and is logged.
pub fn decode(text: &str) -> DraftContent {
    serde_json::from_str(text).unwrap_or_else(|error| {
        tracing::error!(error = %error, "stored draft content is not readable");
        DraftContent::default()
    })
}

pub fn state_of(submission: &submissions::Model) -> SubmissionState {
    SubmissionState::parse(&submission.state).unwrap_or(SubmissionState::Draft)
}

/// The result of saving a draft.
#[derive(Debug, PartialEq)]
pub enum Saved {
    /// Stored as `version`.
    Stored {
        version: i32,
        saved_at: DateTime<Utc>,
    },
    /// Another save came first; the stored draft is returned.
    Conflict(submissions::Model),
    /// The submission is with reviewers or decided, so the draft is closed.
    Closed(SubmissionState),
}

/// Stores `content` when the draft is still at `base_version`. The check and the write
/// are one statement, so of two saves from the same version exactly one wins.
pub async fn save_draft(
    db: &impl ConnectionTrait,
    submission_id: i32,
    base_version: i32,
    content: &DraftContent,
) -> Result<Saved, DbErr> {
    let now = Utc::now();
    let result = submissions::Entity::update_many()
        .col_expr(
            submissions::Column::DraftContent,
            Expr::value(encode(content)),
        )
        .col_expr(
            submissions::Column::DraftVersion,
            Expr::col(submissions::Column::DraftVersion).add(1),
        )
        .col_expr(submissions::Column::DraftSavedAt, Expr::value(now))
        .filter(submissions::Column::Id.eq(submission_id))
        .filter(submissions::Column::DraftVersion.eq(base_version))
        .filter(submissions::Column::State.is_in([
            SubmissionState::Draft.name(),
            SubmissionState::NotYet.name(),
        ]))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        return Ok(Saved::Stored {
            version: base_version + 1,
            saved_at: now,
        });
    }
    let current = submissions::Entity::find_by_id(submission_id)
        .one(db)
        .await?
        .ok_or(DbErr::RecordNotFound("submission".into()))?;
    let state = state_of(&current);
    if !state.editable() {
        return Ok(Saved::Closed(state));
    }
    Ok(Saved::Conflict(current))
}

/// The reason a submit was rejected.
#[derive(Debug, PartialEq)]
pub enum SubmitRejection {
    /// The draft changed after the fellow checked it (another tab saved).
    StaleDraft { current_version: i32 },
    /// The submission is with reviewers or decided.
    NotOpen(SubmissionState),
    /// The deadline has passed and the cohort does not accept late work.
    PastDeadline { due_at: DateTime<Utc>, zone: String },
    /// This many not-yet decisions call for a coaching meeting first.
    CoachingNeeded { not_yet: i32 },
    /// The micro-credential has no definition to submit against.
    NoDefinition,
}

/// A stored attempt and whether this call created it.
#[derive(Debug)]
pub struct Submitted {
    pub attempt: submission_attempts::Model,
    pub newly_submitted: bool,
}

/// Submits draft `version` as the next attempt, as of `now`. Submitting a version that
/// is already the latest attempt returns that attempt unchanged, so a double click or
/// a retried request never submits twice.
pub async fn submit(
    db: &DatabaseConnection,
    submission_id: i32,
    version: i32,
    now: DateTime<Utc>,
) -> Result<Result<Submitted, SubmitRejection>, DbErr> {
    // SQLite refuses a write in a transaction that read before another writer
    // committed; the submit is then run again from the start.
    let mut tries = 0;
    loop {
        match submit_once(db, submission_id, version, now).await {
            Err(error) if tries < 4 && is_busy(&error) => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(20 * tries)).await;
            }
            other => return other,
        }
    }
}

fn is_busy(error: &DbErr) -> bool {
    let text = error.to_string();
    text.contains("database is locked") || text.contains("database table is locked")
}

async fn submit_once(
    db: &DatabaseConnection,
    submission_id: i32,
    version: i32,
    now: DateTime<Utc>,
) -> Result<Result<Submitted, SubmitRejection>, DbErr> {
    let txn = db.begin().await?;
    let submission = submissions::Entity::find_by_id(submission_id)
        .one(&txn)
        .await?
        .ok_or(DbErr::RecordNotFound("submission".into()))?;
    if let Some(latest) = latest_attempt(&txn, submission_id).await?
        && latest.draft_version == version
        && latest.number == submission.attempts
        && latest.outcome.is_none()
    {
        return Ok(Ok(Submitted {
            attempt: latest,
            newly_submitted: false,
        }));
    }

    let state = state_of(&submission);
    if !state.editable() {
        return Ok(Err(SubmitRejection::NotOpen(state)));
    }

    if submission.draft_version != version {
        return Ok(Err(SubmitRejection::StaleDraft {
            current_version: submission.draft_version,
        }));
    }

    let cohort = cohorts::Entity::find_by_id(submission.cohort_id)
        .one(&txn)
        .await?
        .ok_or(DbErr::RecordNotFound("cohort".into()))?;
    let late = match cohort.submissions_due_at {
        Some(due_at) if now > due_at => {
            if !cohort.late_submissions_allowed {
                return Ok(Err(SubmitRejection::PastDeadline {
                    due_at,
                    zone: cohort
                        .submissions_due_zone
                        .clone()
                        .unwrap_or(cohort.time_zone.clone()),
                }));
            }
            true
        }
        _ => false,
    };

    let not_yet = not_yet_count(&txn, submission_id).await?;
    if coaching_needed(&txn, &submission, &cohort, not_yet).await? {
        return Ok(Err(SubmitRejection::CoachingNeeded { not_yet }));
    }

    let Some(definition) = current_version(&txn, submission.microcredential_id).await? else {
        return Ok(Err(SubmitRejection::NoDefinition));
    };

    let number = submission.attempts + 1;
    let inserted = submission_attempts::ActiveModel {
        submission_id: Set(submission_id),
        number: Set(number),
        microcredential_version_id: Set(definition.id),
        draft_version: Set(version),
        content: Set(submission.draft_content.clone()),
        submitted_at: Set(now),
        late: Set(late),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let attempt = match inserted {
        Ok(attempt) => attempt,
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            // A concurrent submit of the same draft won; return its attempt.
            drop(txn);
            let latest = latest_attempt(db, submission_id).await?.ok_or(error)?;
            return Ok(Ok(Submitted {
                attempt: latest,
                newly_submitted: false,
            }));
        }
        Err(error) => return Err(error),
    };
    let mut update = submissions::Entity::update_many()
        .col_expr(
            submissions::Column::State,
            Expr::value(SubmissionState::Submitted.name()),
        )
        .col_expr(submissions::Column::Attempts, Expr::value(number));
    if submission.review_code.is_none() {
        // Reviewers know the submission by this code alone, for every attempt.
        update = update.col_expr(
            submissions::Column::ReviewCode,
            Expr::value(crate::review::store::new_code()),
        );
    }
    update
        .filter(submissions::Column::Id.eq(submission_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Ok(Submitted {
        attempt,
        newly_submitted: true,
    }))
}

/// The newest version of a micro-credential's definition.
pub async fn current_version(
    db: &impl ConnectionTrait,
    microcredential_id: i32,
) -> Result<Option<microcredential_versions::Model>, DbErr> {
    microcredential_versions::Entity::find()
        .filter(microcredential_versions::Column::MicrocredentialId.eq(microcredential_id))
        .order_by_desc(microcredential_versions::Column::Version)
        .one(db)
        .await
}

pub async fn latest_attempt(
    db: &impl ConnectionTrait,
    submission_id: i32,
) -> Result<Option<submission_attempts::Model>, DbErr> {
    submission_attempts::Entity::find()
        .filter(submission_attempts::Column::SubmissionId.eq(submission_id))
        .order_by_desc(submission_attempts::Column::Number)
        .one(db)
        .await
}

/// Lists every attempt of a submission, oldest first.
pub async fn attempts(
    db: &impl ConnectionTrait,
    submission_id: i32,
) -> Result<Vec<submission_attempts::Model>, DbErr> {
    submission_attempts::Entity::find()
        .filter(submission_attempts::Column::SubmissionId.eq(submission_id))
        .order_by_asc(submission_attempts::Column::Number)
        .all(db)
        .await
}

async fn not_yet_count(db: &impl ConnectionTrait, submission_id: i32) -> Result<i32, DbErr> {
    Ok(attempts(db, submission_id)
        .await?
        .iter()
        .filter(|attempt| attempt.outcome.as_deref() == Some(SubmissionState::NotYet.name()))
        .count() as i32)
}

/// Returns whether the next attempt waits for a coaching meeting: the not-yet decisions
/// have reached the cohort's number and no meeting was recorded since the latest attempt.
pub async fn coaching_needed(
    db: &impl ConnectionTrait,
    submission: &submissions::Model,
    cohort: &cohorts::Model,
    not_yet: i32,
) -> Result<bool, DbErr> {
    if !coaching_required(cohort.not_yet_before_coaching, not_yet, false) {
        return Ok(false);
    }
    let met_since = coaching_meetings::Entity::find()
        .filter(coaching_meetings::Column::SubmissionId.eq(submission.id))
        .filter(coaching_meetings::Column::AfterAttempt.gte(submission.attempts))
        .one(db)
        .await?;
    Ok(met_since.is_none())
}

/// Applies the coaching rule: with `limit` above 0, reaching `limit` not-yet decisions
/// requires a meeting unless one was held since the latest attempt.
pub fn coaching_required(limit: i32, not_yet: i32, met_since_latest_attempt: bool) -> bool {
    limit > 0 && not_yet >= limit && !met_since_latest_attempt
}

/// Returns the title of a micro-credential's current definition, or its key when the
/// definition is missing or unreadable.
pub fn definition_title(
    versions: &std::collections::HashMap<i32, microcredential_versions::Model>,
    credential: &crate::entities::microcredentials::Model,
) -> String {
    versions
        .get(&credential.id)
        .and_then(|version| {
            crate::program::framework_store::decode_definition(&version.definition).ok()
        })
        .map(|definition| definition.title)
        .unwrap_or_else(|| credential.key.clone())
}

/// Returns whether a coaching meeting is due before the fellow's next attempt.
pub async fn coaching_due(
    db: &impl ConnectionTrait,
    submission: &submissions::Model,
) -> Result<bool, DbErr> {
    let Some(cohort) = cohorts::Entity::find_by_id(submission.cohort_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let not_yet = not_yet_count(db, submission.id).await?;
    coaching_needed(db, submission, &cohort, not_yet).await
}

/// Marks the latest attempt as being reviewed.
pub async fn start_review(db: &impl ConnectionTrait, submission_id: i32) -> Result<bool, DbErr> {
    let result = submissions::Entity::update_many()
        .col_expr(
            submissions::Column::State,
            Expr::value(SubmissionState::InReview.name()),
        )
        .filter(submissions::Column::Id.eq(submission_id))
        .filter(submissions::Column::State.eq(SubmissionState::Submitted.name()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records the decision on the latest attempt: `Earned` or `NotYet`, with feedback.
/// Returns false when the submission is not waiting for a decision.
pub async fn decide(
    db: &DatabaseConnection,
    submission_id: i32,
    outcome: SubmissionState,
    feedback: &str,
) -> Result<bool, DbErr> {
    debug_assert!(matches!(
        outcome,
        SubmissionState::Earned | SubmissionState::NotYet
    ));
    let txn = db.begin().await?;
    let result = submissions::Entity::update_many()
        .col_expr(submissions::Column::State, Expr::value(outcome.name()))
        .filter(submissions::Column::Id.eq(submission_id))
        .filter(submissions::Column::State.is_in([
            SubmissionState::Submitted.name(),
            SubmissionState::InReview.name(),
        ]))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    let Some(latest) = latest_attempt(&txn, submission_id).await? else {
        return Ok(false);
    };
    let mut attempt: submission_attempts::ActiveModel = latest.into();
    attempt.outcome = Set(Some(outcome.name().to_owned()));
    attempt.feedback = Set(Some(feedback.to_owned()));
    attempt.decided_at = Set(Some(Utc::now()));
    attempt.update(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

/// Records a coaching meeting held after the submission's latest attempt.
pub async fn record_coaching_meeting(
    db: &impl ConnectionTrait,
    submission: &submissions::Model,
    recorded_by: i32,
    met_on: NaiveDate,
    notes: &str,
) -> Result<coaching_meetings::Model, DbErr> {
    coaching_meetings::ActiveModel {
        submission_id: Set(submission.id),
        recorded_by_user_id: Set(recorded_by),
        met_on: Set(met_on),
        notes: Set(notes.to_owned()),
        after_attempt: Set(submission.attempts),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Lists the fellow's submissions in every cohort.
pub async fn for_fellow(
    db: &impl ConnectionTrait,
    fellow_id: i32,
) -> Result<Vec<submissions::Model>, DbErr> {
    submissions::Entity::find()
        .filter(submissions::Column::FellowUserId.eq(fellow_id))
        .order_by_desc(submissions::Column::DraftSavedAt)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::coaching_required;

    #[test]
    fn coaching_rule_counts_not_yets() {
        assert!(!coaching_required(3, 2, false));
        assert!(coaching_required(3, 3, false));
        assert!(!coaching_required(3, 3, true));
        assert!(!coaching_required(0, 5, false), "0 requires no meeting");
    }
}
