//! Server functions for the submission composer: reading it, autosaving drafts,
//! the pre-submission check, submitting, and coaching meetings.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};
use serde::{Deserialize, Serialize};

use super::EvidenceView;
use super::draft::{CheckReport, DraftContent, SubmissionState};
use crate::cohorts::schedule::Deadline;
use crate::error::AppError;
use crate::program::format::Definition;

/// Returns the confirmation for a `done` code on the composer.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "Draft saved.",
        "submitted" => {
            "Submitted. Reviewers will score it against the rubric; you will find their feedback here."
        }
        "dismissed" => "Dismissed. The check no longer lists it.",
        "copied" => {
            "Your assignment response was added to the end of the part you chose. Check it below."
        }
        "coaching" => "Coaching meeting recorded. The fellow may submit again.",
        "withdrawn" => {
            "Withdrawn. Your draft is open again; submit it when it is ready. Reviewers' work on the withdrawn attempt stops."
        }
        _ => return None,
    })
}

/// Everything the composer shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Composer {
    pub submission_id: i32,
    pub cohort_id: i32,
    pub cohort_label: String,
    pub key: String,
    pub competency: String,
    pub definition: Definition,
    pub state: SubmissionState,
    pub attempts: i32,
    pub version: i32,
    pub saved_at: String,
    pub content: DraftContent,
    /// The fellow's whole library, for the artifact slots.
    pub library: Vec<EvidenceView>,
    pub deadline: Option<Deadline>,
    pub late_allowed: bool,
    pub coaching_due: bool,
    pub history: Vec<AttemptView>,
}

/// One submitted attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub number: i32,
    pub submitted_at: String,
    pub late: bool,
    pub outcome: Option<SubmissionState>,
    /// Whether the fellow took the attempt back before its decision.
    pub withdrawn: bool,
    pub feedback: Option<String>,
    /// Business days from submission to the decision, and the target then.
    pub turnaround: Option<(i32, i32)>,
}

/// A criterion's released level and comment, for the fellow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriterionResult {
    pub part: String,
    pub criterion: String,
    pub level: String,
    pub passed: bool,
    pub comment: String,
}

/// A submission with every attempt's content, for the history page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubmissionHistory {
    pub submission_id: i32,
    pub cohort_id: i32,
    pub key: String,
    pub title: String,
    pub fellow_name: String,
    pub state: SubmissionState,
    pub attempts: Vec<AttemptDetail>,
    /// Whether the viewer is the fellow.
    pub own: bool,
    /// Whether the viewer may record a coaching meeting now.
    pub may_record_coaching: bool,
    pub coaching_due: bool,
    pub meetings: Vec<String>,
}

/// An attempt as submitted, rendered for reading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptDetail {
    pub summary: AttemptView,
    pub definition: Definition,
    /// Sanitized HTML of each question's response.
    pub answers_html: Vec<String>,
    pub artifacts: Vec<Option<EvidenceView>>,
    pub reflection_html: String,
    /// Each criterion's released level and comment, once decided.
    pub results: Vec<CriterionResult>,
}

pub use super::autosave::SaveOutcome;

/// Reads the composer for the caller's submission of micro-credential `key`.
#[server(prefix = "/api", endpoint = "submission", input = GetUrl)]
pub async fn get_composer(cohort_id: i32, key: String) -> Result<Composer, AppError> {
    use super::{evidence_store, submission_store};
    use crate::context::{db, db_failure, fail};
    use sea_orm::EntityTrait;

    let (user, submission, credential) = own_submission_by_key(cohort_id, &key).await?;
    let db = db()?;
    let Some(version) = submission_store::current_version(&db, credential.id)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound(
            "This micro-credential has no definition yet; ask program staff to publish it.".into(),
        ));
    };
    let definition = crate::program::framework_store::decode_definition(&version.definition)
        .map_err(db_failure)?;
    let cohort = crate::entities::cohorts::Entity::find_by_id(cohort_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .ok_or_else(|| AppError::NotFound("There is no such cohort.".into()))?;
    let competency = crate::entities::competencies::Entity::find_by_id(credential.competency_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .map(|competency| competency.name)
        .unwrap_or_default();
    let zone = super::evidence_api::viewer_zone(&user);
    let competencies = evidence_store::competency_names(&db)
        .await
        .map_err(db_failure)?;
    let library = evidence_store::list(&db, user.id, &Default::default(), &competencies, zone)
        .await
        .map_err(db_failure)?;
    let coaching_due = submission_store::coaching_due(&db, &submission)
        .await
        .map_err(db_failure)?;
    let history = submission_store::attempts(&db, submission.id)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|attempt| attempt_view(&attempt, zone))
        .collect();
    let cohort_zone = crate::cohorts::schedule_store::zone_or_default(&cohort.time_zone);
    let deadline = cohort.submissions_due_at.map(|due| {
        let entry = cohort
            .submissions_due_zone
            .as_deref()
            .map(crate::cohorts::schedule_store::zone_or_default)
            .unwrap_or(cohort_zone);
        crate::cohorts::schedule_store::deadline(due, entry, zone, chrono::Utc::now())
    });
    Ok(Composer {
        submission_id: submission.id,
        cohort_id,
        cohort_label: crate::cohorts::cohort_label(&cohort.name, cohort.year),
        key,
        competency,
        definition,
        state: submission_store::state_of(&submission),
        attempts: submission.attempts,
        version: submission.draft_version,
        saved_at: crate::local_time::format_in_zone(submission.draft_saved_at, zone),
        content: submission_store::decode(&submission.draft_content),
        library,
        deadline,
        late_allowed: cohort.late_submissions_allowed,
        coaching_due,
        history,
    })
}

#[cfg(feature = "ssr")]
fn attempt_view(
    attempt: &crate::entities::submission_attempts::Model,
    zone: chrono_tz::Tz,
) -> AttemptView {
    AttemptView {
        number: attempt.number,
        submitted_at: crate::local_time::format_in_zone(attempt.submitted_at, zone),
        late: attempt.late,
        outcome: attempt.outcome.as_deref().and_then(SubmissionState::parse),
        withdrawn: attempt.outcome.as_deref() == Some(crate::review::store::WITHDRAWN),
        feedback: attempt
            .feedback
            .clone()
            .filter(|feedback| !feedback.is_empty()),
        turnaround: attempt.turnaround_days.zip(attempt.turnaround_target_days),
    }
}

/// Reads the released scores of an attempt against its rubric.
#[cfg(feature = "ssr")]
fn results(
    attempt: &crate::entities::submission_attempts::Model,
    definition: &Definition,
) -> Vec<CriterionResult> {
    let Some(scores) = attempt.scores.as_deref() else {
        return Vec::new();
    };
    let content = crate::review::store::decode(scores);
    crate::review::content::criteria(&definition.rubric)
        .into_iter()
        .filter_map(|(part, index, key)| {
            let criterion = &part.criteria(&definition.rubric)[index];
            let level = content.level(&key)?.to_owned();
            Some(CriterionResult {
                part: part.label().to_owned(),
                criterion: criterion.criterion.clone(),
                passed: criterion.passes(&level),
                level,
                comment: content.comment(&key).to_owned(),
            })
        })
        .collect()
}

/// Finds or starts the caller's submission for micro-credential `key` in a cohort,
/// refusing micro-credentials whose competency the fellow has not chosen.
#[cfg(feature = "ssr")]
async fn own_submission_by_key(
    cohort_id: i32,
    key: &str,
) -> Result<
    (
        crate::auth::CurrentUser,
        crate::entities::submissions::Model,
        crate::entities::microcredentials::Model,
    ),
    AppError,
> {
    use crate::auth::{Action, Role};
    use crate::context::{authorized, db, db_failure, fail};
    use crate::entities::microcredentials;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let actor = authorized(Action::SubmitOwnWork(cohort_id))?;
    let Some(user) = actor
        .user()
        .filter(|user| user.has_role_in(cohort_id, Role::Fellow))
        .cloned()
    else {
        return fail(AppError::NotFound(
            "You are not a fellow of this cohort; submissions belong to its fellows.".into(),
        ));
    };
    let db = db()?;
    let Some(credential) = microcredentials::Entity::find()
        .filter(microcredentials::Column::Key.eq(key))
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound(
            "There is no such micro-credential.".into(),
        ));
    };
    let choices = crate::program::plan_store::find_choices(&db, cohort_id, user.id)
        .await
        .map_err(db_failure)?;
    let chosen = crate::program::plan_store::choice_set(choices.as_ref()).competencies();
    if !chosen.contains(&credential.competency_id) {
        return fail(AppError::Conflict(format!(
            "You have not chosen the competency this micro-credential certifies. Choose it on your competencies page (/cohorts/{cohort_id}/competencies) first."
        )));
    }
    let submission = super::submission_store::open(&db, cohort_id, user.id, credential.id)
        .await
        .map_err(db_failure)?;
    Ok((user, submission, credential))
}

/// Reads a submission the caller owns.
#[cfg(feature = "ssr")]
pub(crate) async fn own_submission(
    submission_id: i32,
) -> Result<
    (
        crate::auth::CurrentUser,
        sea_orm::DatabaseConnection,
        crate::entities::submissions::Model,
    ),
    AppError,
> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail};
    use sea_orm::EntityTrait;

    let actor = authorized(Action::KeepPortfolio)?;
    let Some(user) = actor.user().cloned() else {
        return fail(AppError::Unauthenticated);
    };
    let db = db()?;
    match crate::entities::submissions::Entity::find_by_id(submission_id)
        .one(&db)
        .await
        .map_err(db_failure)?
    {
        Some(submission) if submission.fellow_user_id == user.id => Ok((user, db, submission)),
        _ => fail(AppError::NotFound(
            "There is no such submission, or it is not yours.".into(),
        )),
    }
}

/// Saves a draft edited from `base_version`. A save from an older version returns the
/// newer draft instead of overwriting it.
#[server(prefix = "/api", endpoint = "drafts/save", input = Json)]
pub async fn save_draft(
    submission_id: i32,
    base_version: i32,
    content: DraftContent,
) -> Result<SaveOutcome, AppError> {
    let (user, db, submission) = own_submission(submission_id).await?;
    store_draft(&user, &db, &submission, base_version, content).await
}

#[cfg(feature = "ssr")]
pub(crate) async fn store_draft(
    user: &crate::auth::CurrentUser,
    db: &sea_orm::DatabaseConnection,
    submission: &crate::entities::submissions::Model,
    base_version: i32,
    content: DraftContent,
) -> Result<SaveOutcome, AppError> {
    use super::submission_store::{self, Saved};
    use crate::context::{db_failure, fail};

    if let Some((field, message)) = content.too_long() {
        return fail(AppError::Invalid { field, message });
    }
    let zone = super::evidence_api::viewer_zone(user);
    // Dismissals are made through the pre-check, so a save keeps the stored ones.
    let stored = submission_store::decode(&submission.draft_content);
    let content = content.with_dismissed(&stored.dismissed);
    match submission_store::save_draft(db, submission.id, base_version, &content)
        .await
        .map_err(db_failure)?
    {
        Saved::Stored { version, saved_at } => Ok(SaveOutcome::Saved {
            version,
            saved_at: crate::local_time::format_in_zone(saved_at, zone),
        }),
        Saved::Conflict(current) => Ok(SaveOutcome::Conflict {
            version: current.draft_version,
            saved_at: crate::local_time::format_in_zone(current.draft_saved_at, zone),
            fields: submission_store::decode(&current.draft_content).to_fields(),
        }),
        Saved::Closed(state) => fail(AppError::Conflict(format!(
            "This submission is {} now, so the draft cannot change. Your text is still in the page; copy anything you want to keep.",
            state.label(submission.attempts).to_lowercase()
        ))),
    }
}

/// Saves the composer when it is posted without the browser script, then shows the
/// saved draft, or the pre-submission check when `then` is `check`.
#[server(prefix = "/api", endpoint = "drafts/save-form")]
pub async fn save_draft_form(
    submission_id: i32,
    base_version: i32,
    #[server(default)] fields: HashMap<String, String>,
    #[server(default)] then: String,
) -> Result<(), AppError> {
    use crate::context::{fail, redirect_to};
    let (user, db, submission) = own_submission(submission_id).await?;
    let path = composer_path(&db, &submission).await?;
    let content = DraftContent::from_fields(&fields);
    // Leaving a field to click a button starts an autosave of the same text, which can
    // land just before this post; a stored draft equal to the posted one is no conflict.
    let outcome = store_draft(&user, &db, &submission, base_version, content.clone()).await?;
    if let SaveOutcome::Conflict { fields: stored, .. } = outcome
        && stored != content.to_fields()
    {
        return fail(AppError::Conflict(
            "This draft was saved from another tab or device after you opened this page, so your changes were not saved over it. Your text is still below: copy what you need, reload the page and paste it in.".into(),
        ));
    }
    if then == "check" {
        redirect_to(&format!("{path}?check=1#check"));
    } else {
        redirect_to(&format!("{path}?done=saved"));
    }
    Ok(())
}

#[cfg(feature = "ssr")]
async fn composer_path(
    db: &sea_orm::DatabaseConnection,
    submission: &crate::entities::submissions::Model,
) -> Result<String, AppError> {
    use crate::context::db_failure;
    use sea_orm::EntityTrait;
    let key = crate::entities::microcredentials::Entity::find_by_id(submission.microcredential_id)
        .one(db)
        .await
        .map_err(db_failure)?
        .map(|credential| credential.key)
        .unwrap_or_default();
    Ok(format!(
        "/cohorts/{}/submissions/{key}",
        submission.cohort_id
    ))
}

/// Runs the pre-submission check on the saved draft.
#[server(prefix = "/api", endpoint = "submission/check", input = GetUrl)]
pub async fn check_submission(submission_id: i32) -> Result<CheckReport, AppError> {
    let (user, db, submission) = own_submission(submission_id).await?;
    run_check(&user, &db, &submission).await
}

#[cfg(feature = "ssr")]
async fn run_check(
    user: &crate::auth::CurrentUser,
    db: &sea_orm::DatabaseConnection,
    submission: &crate::entities::submissions::Model,
) -> Result<CheckReport, AppError> {
    use super::checks::{CheckInput, check};
    use super::submission_store;
    use crate::context::{app_state, db_failure, fail};
    use crate::entities::evidence_items;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let Some(version) = submission_store::current_version(db, submission.microcredential_id)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound(
            "This micro-credential has no definition yet.".into(),
        ));
    };
    let definition = crate::program::framework_store::decode_definition(&version.definition)
        .map_err(db_failure)?;
    let content = submission_store::decode(&submission.draft_content);
    let evidence = evidence_items::Entity::find()
        .filter(evidence_items::Column::OwnerUserId.eq(user.id))
        .all(db)
        .await
        .map_err(db_failure)?;
    let own_names = super::names::name_parts(&user.display_name);
    let mut report = check(
        CheckInput {
            definition: &definition,
            content: &content,
            evidence: &evidence,
            own_names: &own_names,
        },
        &app_state()?.link_checker,
    )
    .await;
    let cohort = crate::entities::cohorts::Entity::find_by_id(submission.cohort_id)
        .one(db)
        .await
        .map_err(db_failure)?;
    if let Some(cohort) = cohort
        && let Some(due) = cohort.submissions_due_at
        && due < chrono::Utc::now()
        && !cohort.late_submissions_allowed
    {
        let zone = crate::cohorts::schedule_store::zone_or_default(
            cohort
                .submissions_due_zone
                .as_deref()
                .unwrap_or(&cohort.time_zone),
        );
        report.blockers.insert(
            0,
            super::draft::Finding {
                key: "deadline".into(),
                message: format!(
                    "The deadline passed on {}, and this cohort does not accept late submissions. Your draft is kept; ask your facilitator about an extension.",
                    crate::local_time::format_in_zone(due, zone)
                ),
                field: None,
                dismissible: false,
            },
        );
    }
    Ok(report)
}

/// Marks a dismissible pre-check finding as a false alarm.
#[server(prefix = "/api", endpoint = "submission/dismiss")]
pub async fn dismiss_finding(submission_id: i32, key: String) -> Result<(), AppError> {
    use super::submission_store::{self, Saved};
    use crate::context::{db_failure, fail, redirect_to};

    let (_, db, mut submission) = own_submission(submission_id).await?;
    if !key.starts_with("name:") || key.chars().count() > 200 {
        return fail(AppError::Invalid {
            field: "key".into(),
            message: "Only possible names can be dismissed; fix the other findings.".into(),
        });
    }
    for _ in 0..5 {
        let mut content = submission_store::decode(&submission.draft_content);
        if !content.dismissed.contains(&key) {
            content.dismissed.push(key.clone());
        }
        match submission_store::save_draft(&db, submission.id, submission.draft_version, &content)
            .await
            .map_err(db_failure)?
        {
            Saved::Stored { .. } => {
                let path = composer_path(&db, &submission).await?;
                redirect_to(&format!("{path}?check=1&done=dismissed#check"));
                return Ok(());
            }
            Saved::Conflict(current) => submission = current,
            Saved::Closed(_) => break,
        }
    }
    fail(AppError::Conflict(
        "The draft is closed for changes. Reload the page to see its state.".into(),
    ))
}

/// Submits draft `version` after the pre-submission check passes. Submitting the same
/// version again shows the attempt already made.
#[server(prefix = "/api", endpoint = "submission/submit")]
pub async fn submit_draft(submission_id: i32, version: i32) -> Result<(), AppError> {
    use super::submission_store::{self, SubmitRejection};
    use crate::context::{db_failure, fail, redirect_to};

    let (user, db, submission) = own_submission(submission_id).await?;
    let path = composer_path(&db, &submission).await?;
    let already = submission_store::latest_attempt(&db, submission_id)
        .await
        .map_err(db_failure)?
        .is_some_and(|attempt| attempt.draft_version == version && attempt.outcome.is_none());
    if !already {
        let report = run_check(&user, &db, &submission).await?;
        if !report.ready() {
            let list = report
                .blockers
                .iter()
                .map(|finding| finding.message.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            return fail(AppError::Conflict(format!(
                "Fix these first, then submit: {list}"
            )));
        }
    }
    let outcome = submission_store::submit(&db, submission_id, version, chrono::Utc::now())
        .await
        .map_err(db_failure)?;
    match outcome {
        Ok(submitted) => {
            if submitted.newly_submitted {
                let _ = crate::audit::record(
                    &db,
                    crate::audit::AuditEvent {
                        actor_user_id: Some(user.id),
                        action: crate::audit_actions::SUBMISSION_SUBMITTED,
                        subject: path.clone(),
                        details: format!(
                            "attempt {}{}",
                            submitted.attempt.number,
                            if submitted.attempt.late { ", late" } else { "" }
                        ),
                    },
                )
                .await;
            }
            redirect_to(&format!("{path}?done=submitted"));
            Ok(())
        }
        Err(refusal) => fail(AppError::Conflict(match refusal {
            SubmitRejection::StaleDraft { .. } => {
                "The draft changed in another tab or device after this page loaded. Reload the page, check it again and submit.".to_owned()
            }
            SubmitRejection::NotOpen(state) => format!(
                "This submission is {} already; there is nothing to submit until reviewers return it.",
                state.label(submission.attempts).to_lowercase()
            ),
            SubmitRejection::PastDeadline { due_at, zone } => format!(
                "The deadline for submissions passed on {}, and this cohort does not accept late submissions. Your draft is kept; ask your facilitator about an extension.",
                crate::local_time::format_in_zone(
                    due_at,
                    crate::cohorts::schedule_store::zone_or_default(&zone)
                )
            ),
            SubmitRejection::CoachingNeeded { not_yet } => format!(
                "After {not_yet} not-yet decisions, a coaching meeting comes before the next attempt. Your draft is kept; ask your coach to record the meeting."
            ),
            SubmitRejection::NoDefinition => {
                "This micro-credential has no definition yet.".to_owned()
            }
        })),
    }
}

/// Reads a submission's attempts for the fellow or for staff who follow the fellow.
#[server(prefix = "/api", endpoint = "submission/history", input = GetUrl)]
pub async fn get_history(submission_id: i32) -> Result<SubmissionHistory, AppError> {
    use super::{evidence_store, submission_store};
    use crate::auth::{Action, authorize, current_actor};
    use crate::context::{db, db_failure, fail};
    use crate::entities::{
        coaching_meetings, evidence_items, microcredential_versions, microcredentials, submissions,
        users,
    };
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    let actor = current_actor();
    let Some(user) = actor.user() else {
        return fail(AppError::Unauthenticated);
    };
    let db = db()?;
    let missing =
        || AppError::NotFound("There is no such submission, or it is not yours to see.".into());
    let Some(submission) = submissions::Entity::find_by_id(submission_id)
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return fail(missing());
    };
    let own = submission.fellow_user_id == user.id;
    let staff = authorize(&actor, Action::ViewFellowProgress(submission.cohort_id)).is_ok();
    if !own && !staff {
        return fail(missing());
    }
    let zone = super::evidence_api::viewer_zone(user);
    let credential = microcredentials::Entity::find_by_id(submission.microcredential_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .ok_or_else(missing)?;
    let rows = submission_store::attempts(&db, submission.id)
        .await
        .map_err(db_failure)?;
    let version_ids: Vec<i32> = rows
        .iter()
        .map(|row| row.microcredential_version_id)
        .collect();
    let versions = microcredential_versions::Entity::find()
        .filter(microcredential_versions::Column::Id.is_in(version_ids))
        .all(&db)
        .await
        .map_err(db_failure)?;
    let items = evidence_items::Entity::find()
        .filter(evidence_items::Column::OwnerUserId.eq(submission.fellow_user_id))
        .all(&db)
        .await
        .map_err(db_failure)?;
    let competencies = evidence_store::competency_names(&db)
        .await
        .map_err(db_failure)?;
    let items = evidence_store::views(&db, items, &competencies, zone)
        .await
        .map_err(db_failure)?;
    let mut attempts = Vec::new();
    for row in &rows {
        let Some(version) = versions
            .iter()
            .find(|v| v.id == row.microcredential_version_id)
        else {
            continue;
        };
        let definition = crate::program::framework_store::decode_definition(&version.definition)
            .map_err(db_failure)?;
        let content = submission_store::decode(&row.content);
        attempts.push(AttemptDetail {
            summary: attempt_view(row, zone),
            answers_html: (0..definition.overview_questions.len())
                .map(|index| super::rich_text::to_html(content.answer(index)))
                .collect(),
            artifacts: (0..definition.artifacts.len())
                .map(|index| {
                    content
                        .artifact(index)
                        .and_then(|id| items.iter().find(|item| item.id == id).cloned())
                })
                .collect(),
            reflection_html: super::rich_text::to_html(&content.reflection),
            results: results(row, &definition),
            definition,
        });
    }
    let title = attempts
        .last()
        .map(|attempt| attempt.definition.title.clone())
        .unwrap_or_else(|| credential.key.clone());
    let fellow_name = users::Entity::find_by_id(submission.fellow_user_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .map(|fellow| fellow.display_name)
        .unwrap_or_default();
    let coaching_due = submission_store::coaching_due(&db, &submission)
        .await
        .map_err(db_failure)?;
    let meetings = coaching_meetings::Entity::find()
        .filter(coaching_meetings::Column::SubmissionId.eq(submission.id))
        .order_by_asc(coaching_meetings::Column::MetOn)
        .all(&db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|meeting| {
            let notes = if meeting.notes.is_empty() {
                String::new()
            } else {
                format!(": {}", meeting.notes)
            };
            format!(
                "{} (after attempt {}){notes}",
                meeting.met_on.format("%b %-d, %Y"),
                meeting.after_attempt
            )
        })
        .collect();
    Ok(SubmissionHistory {
        submission_id: submission.id,
        cohort_id: submission.cohort_id,
        key: credential.key,
        title,
        fellow_name,
        state: submission_store::state_of(&submission),
        attempts,
        own,
        may_record_coaching: authorize(&actor, Action::RecordCoachingMeeting(submission.cohort_id))
            .is_ok(),
        coaching_due,
        meetings,
    })
}

/// Records a coaching meeting for a submission, which lets the fellow submit again
/// after repeated not-yet decisions.
#[server(prefix = "/api", endpoint = "submission/coaching")]
pub async fn record_coaching(
    submission_id: i32,
    met_on: String,
    #[server(default)] notes: String,
) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use sea_orm::EntityTrait;

    if crate::auth::current_actor().user().is_none() {
        return fail(AppError::Unauthenticated);
    }
    let db = db()?;
    let Some(submission) = crate::entities::submissions::Entity::find_by_id(submission_id)
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound("There is no such submission.".into()));
    };
    let actor = authorized(Action::RecordCoachingMeeting(submission.cohort_id))?;
    let recorder = actor.user().ok_or(AppError::Unauthenticated)?.id;
    let Ok(date) = chrono::NaiveDate::parse_from_str(met_on.trim(), "%Y-%m-%d") else {
        return fail(AppError::Invalid {
            field: "met_on".into(),
            message: "Enter the meeting's date, such as 2027-03-15.".into(),
        });
    };
    if date > chrono::Utc::now().date_naive() + chrono::Duration::days(1) {
        return fail(AppError::Invalid {
            field: "met_on".into(),
            message: "The meeting's date is in the future; record a meeting once it has happened."
                .into(),
        });
    }
    if notes.chars().count() > super::evidence_api::DESCRIPTION_MAX_CHARS {
        return fail(AppError::Invalid {
            field: "notes".into(),
            message: format!(
                "Keep the notes to at most {} characters.",
                super::evidence_api::DESCRIPTION_MAX_CHARS
            ),
        });
    }
    super::submission_store::record_coaching_meeting(
        &db,
        &submission,
        recorder,
        date,
        notes.trim(),
    )
    .await
    .map_err(db_failure)?;
    let _ = crate::audit::record(
        &db,
        crate::audit::AuditEvent {
            actor_user_id: Some(recorder),
            action: crate::audit_actions::COACHING_MEETING_RECORDED,
            subject: format!("/submissions/{submission_id}"),
            details: format!("met on {date}"),
        },
    )
    .await;
    redirect_to(&format!("/submissions/{submission_id}?done=coaching"));
    Ok(())
}

/// One of a fellow's submissions, for the staff view of the fellow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubmissionSummary {
    pub id: i32,
    pub title: String,
    pub state: SubmissionState,
    pub attempts: i32,
    pub coaching_due: bool,
}

/// Lists a fellow's submissions in a cohort for its coaches and facilitators, in a
/// fixed number of statements.
#[server(prefix = "/api", endpoint = "cohort/fellow-submissions", input = GetUrl)]
pub async fn list_fellow_submissions(
    cohort_id: i32,
    fellow_id: i32,
) -> Result<Vec<SubmissionSummary>, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail};
    use crate::entities::{
        coaching_meetings, cohorts, microcredentials, submission_attempts, submissions,
    };
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    authorized(Action::ViewFellowProgress(cohort_id))?;
    let db = db()?;
    let Some(cohort) = cohorts::Entity::find_by_id(cohort_id)
        .one(&db)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound("There is no such cohort.".into()));
    };
    let rows = submissions::Entity::find()
        .filter(submissions::Column::CohortId.eq(cohort_id))
        .filter(submissions::Column::FellowUserId.eq(fellow_id))
        .order_by_asc(submissions::Column::Id)
        .all(&db)
        .await
        .map_err(db_failure)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
    let not_yets = submission_attempts::Entity::find()
        .filter(submission_attempts::Column::SubmissionId.is_in(ids.clone()))
        .filter(submission_attempts::Column::Outcome.eq(SubmissionState::NotYet.name()))
        .all(&db)
        .await
        .map_err(db_failure)?;
    let meetings = coaching_meetings::Entity::find()
        .filter(coaching_meetings::Column::SubmissionId.is_in(ids))
        .all(&db)
        .await
        .map_err(db_failure)?;
    let credentials = microcredentials::Entity::find()
        .all(&db)
        .await
        .map_err(db_failure)?;
    let program_id = crate::cohorts::store::default_program_id(&db)
        .await
        .map_err(db_failure)?;
    let versions = crate::program::framework_store::current_versions(&db, program_id)
        .await
        .map_err(db_failure)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let not_yet = not_yets
                .iter()
                .filter(|attempt| attempt.submission_id == row.id)
                .count() as i32;
            let met_since = meetings.iter().any(|meeting| {
                meeting.submission_id == row.id && meeting.after_attempt >= row.attempts
            });
            let title = credentials
                .iter()
                .find(|credential| credential.id == row.microcredential_id)
                .map(|credential| super::submission_store::definition_title(&versions, credential))
                .unwrap_or_default();
            SubmissionSummary {
                id: row.id,
                title,
                state: super::submission_store::state_of(&row),
                attempts: row.attempts,
                coaching_due: super::submission_store::coaching_required(
                    cohort.not_yet_before_coaching,
                    not_yet,
                    met_since,
                ),
            }
        })
        .collect())
}
