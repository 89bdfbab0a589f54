//! Server functions of the reviewer workspace: the queue, the review page, autosave,
//! finalizing, and the staff's assignment, reconciliation, calibration and identity
//! reveal. Reviewers only ever receive a submission's code, never the fellow's name.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};
use serde::{Deserialize, Serialize};

use super::content::ReviewContent;
use super::{ReviewKind, ReviewState};
use crate::error::AppError;
use crate::portfolio::autosave::{Fields, SaveOutcome};
use crate::program::format::Definition;

/// Returns the confirmation for a `done` code on the queue or a review.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "Scores saved.",
        "released-earned" => "Finalized. The decision, earned, has been released to the fellow.",
        "released-not-yet" => {
            "Finalized. The decision, not yet, and your feedback have been released to the fellow."
        }
        "awaiting-other" => {
            "Finalized. The decision is released when the second review is final too."
        }
        "needs-reconciliation" => {
            "Finalized. The two reviews disagree, so a lead reviewer reconciles them before the fellow hears."
        }
        "recorded" => "Finalized and recorded.",
        "assigned" => "Review assigned.",
        "settings" => "Review settings saved.",
        "reopened" => "Criterion reopened for scoring.",
        "revealed" => "Identity revealed. The reason is in the audit log.",
        _ => return None,
    })
}

/// The reviews a queue page lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueShow {
    Open,
    Overdue,
    Done,
    All,
}

impl QueueShow {
    pub fn parse(name: &str) -> QueueShow {
        match name {
            "overdue" => QueueShow::Overdue,
            "done" => QueueShow::Done,
            "all" => QueueShow::All,
            _ => QueueShow::Open,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            QueueShow::Open => "open",
            QueueShow::Overdue => "overdue",
            QueueShow::Done => "done",
            QueueShow::All => "all",
        }
    }
}

/// One line of a reviewer's queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    pub review_id: i32,
    pub code: String,
    pub title: String,
    pub attempt: i32,
    pub kind: ReviewKind,
    pub state: ReviewState,
    pub started: bool,
    /// The due date, such as "Mon, Mar 8, 2027".
    pub due: Option<String>,
    pub overdue: bool,
}

/// A reviewer's queue, one page of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    pub items: Vec<QueueItem>,
    pub open: u64,
    pub overdue: u64,
    pub done: u64,
    pub calibration_open: u64,
    pub page: u64,
    pub pages: u64,
    pub show: QueueShow,
    pub credential: String,
    /// Micro-credentials for the filter: key and title.
    pub credentials: Vec<(String, String)>,
    pub turnaround_days: u32,
}

/// Reviews shown on one queue page.
pub const QUEUE_PAGE: u64 = 50;

/// An artifact as shown to a reviewer, without the fellow's file name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlindArtifact {
    pub position: usize,
    pub requirement: String,
    pub type_label: String,
    pub title: String,
    pub description_html: String,
    /// `file`, `link` or `text`; empty when the fellow chose nothing.
    pub kind: String,
    pub url: Option<String>,
    pub text_html: Option<String>,
    pub file_url: Option<String>,
    pub file_mime: Option<String>,
    pub file_size: Option<String>,
}

/// One part of the submission and how it changed since the previous attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub label: String,
    /// Words added and removed, as HTML with `<ins>` and `<del>`; `None` when unchanged.
    pub diff_html: Option<String>,
}

/// Another review shown while reconciling: its label, levels and comments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OtherReview {
    pub label: String,
    pub content: ReviewContent,
}

/// A revealed identity, for staff who gave a reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

/// Everything the review page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewPage {
    pub review_id: i32,
    pub code: String,
    pub attempt: i32,
    pub kind: ReviewKind,
    pub state: ReviewState,
    /// Whether the caller may change the scores.
    pub editable: bool,
    pub version: i32,
    pub saved_at: String,
    pub due: Option<String>,
    pub definition: Definition,
    pub content: ReviewContent,
    pub answers_html: Vec<String>,
    pub artifacts: Vec<BlindArtifact>,
    pub reflection_html: String,
    /// Criteria that passed in the previous attempt: key and level.
    pub carried: Vec<(String, String)>,
    /// Changes since the previous attempt, for a resubmission.
    pub changes: Vec<Change>,
    pub others: Vec<OtherReview>,
    pub previous_review: Option<i32>,
    pub next_review: Option<i32>,
    /// Whether the caller is a lead reviewer: staff who reconcile and reopen criteria.
    pub lead: bool,
    pub identity: Option<Identity>,
    /// The decision finalizing would record now, earned or not; `None` while something
    /// blocks it.
    pub outcome_if_final: Option<bool>,
    /// Blockers of finalizing: the criterion's key and the message.
    pub blockers: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
mod server {
    use std::collections::{BTreeMap, HashMap, HashSet};

    use chrono::{NaiveDate, Utc};
    use sea_orm::{
        ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
        QuerySelect,
    };

    use super::super::content::criteria;
    use super::super::store;
    use super::*;
    use crate::auth::{Action, CurrentUser, authorize, current_actor};
    use crate::context::{db, db_failure, fail};
    use crate::entities::{
        audit_log, evidence_items, microcredentials, reviews, submission_attempts, submissions,
        users,
    };

    pub fn due_text(day: NaiveDate) -> String {
        day.format("%a, %b %-d, %Y").to_string()
    }

    pub fn today() -> NaiveDate {
        Utc::now().date_naive()
    }

    /// Returns the signed-in caller who may review, with the database.
    pub async fn reviewer() -> Result<(CurrentUser, DatabaseConnection), AppError> {
        let actor = current_actor();
        authorize(&actor, Action::ReviewSubmissions)
            .or_else(|_| authorize(&actor, Action::ManageReviews))
            .map_err(crate::context::reject)?;
        let user = actor.user().cloned().ok_or(AppError::Unauthenticated)?;
        Ok((user, db()?))
    }

    pub async fn staff() -> Result<(CurrentUser, DatabaseConnection), AppError> {
        let user = crate::context::authorized(Action::ManageReviews)?
            .user()
            .cloned()
            .ok_or(AppError::Unauthenticated)?;
        Ok((user, db()?))
    }

    pub fn is_lead(user: &CurrentUser) -> bool {
        authorize(
            &crate::auth::Actor::User(user.clone()),
            Action::ManageReviews,
        )
        .is_ok()
    }

    /// Loads a review the caller may see: their own, or any review for a lead, who
    /// gets it read-only unless it is theirs.
    pub async fn visible_review(
        db: &DatabaseConnection,
        user: &CurrentUser,
        review_id: i32,
    ) -> Result<reviews::Model, AppError> {
        let review = reviews::Entity::find_by_id(review_id)
            .one(db)
            .await
            .map_err(db_failure)?;
        match review {
            Some(review) if review.reviewer_user_id == user.id || is_lead(user) => Ok(review),
            _ => Err(not_assigned()),
        }
    }

    /// Returns the rejection for a review the caller may not open, with its status set.
    pub fn not_assigned() -> AppError {
        crate::context::reject(AppError::NotFound(
            "This submission is not assigned to you, so it cannot be opened. Your review queue lists the ones that are.".into(),
        ))
    }

    /// Loads the caller's own review for a change.
    pub async fn own_review(
        db: &DatabaseConnection,
        user: &CurrentUser,
        review_id: i32,
    ) -> Result<reviews::Model, AppError> {
        match reviews::Entity::find_by_id(review_id)
            .one(db)
            .await
            .map_err(db_failure)?
        {
            Some(review) if review.reviewer_user_id == user.id => Ok(review),
            _ => Err(not_assigned()),
        }
    }

    pub fn closed_message(state: ReviewState) -> String {
        match state {
            ReviewState::Final => {
                "This review is final, so its scores no longer change.".to_owned()
            }
            ReviewState::Withdrawn | ReviewState::Open => {
                "The fellow withdrew this submission to keep working on it, so it needs no scores now. Nothing was saved; your earlier scores are kept.".to_owned()
            }
        }
    }

    /// Checks that every level in `content` is one the rubric has.
    pub fn check_levels(definition: &Definition, content: &ReviewContent) -> Result<(), AppError> {
        for (part, index, key) in criteria(&definition.rubric) {
            let criterion = &part.criteria(&definition.rubric)[index];
            if let Some(level) = content.level(&key)
                && !criterion.levels.iter().any(|known| known == level)
            {
                return Err(AppError::invalid(
                    &super::super::content::form_name(&super::super::content::level_field(&key)),
                    format!(
                        "“{level}” is not a level of “{}”. Choose one of: {}.",
                        criterion.criterion,
                        criterion.levels.join(", ")
                    ),
                ));
            }
        }
        let known: HashSet<String> = criteria(&definition.rubric)
            .into_iter()
            .flat_map(|(_, _, key)| {
                [
                    super::super::content::level_field(&key),
                    super::super::content::comment_field(&key),
                ]
            })
            .chain([super::super::content::FEEDBACK.to_owned()])
            .collect();
        if let Some(name) = content.fields.keys().find(|name| !known.contains(*name)) {
            return Err(AppError::invalid(
                &super::super::content::form_name(name),
                "This rubric has no such criterion. Reload the page to get the rubric this review uses.",
            ));
        }
        Ok(())
    }

    pub async fn store_scores(
        db: &DatabaseConnection,
        user: &CurrentUser,
        review: &reviews::Model,
        base_version: i32,
        mut content: ReviewContent,
    ) -> Result<SaveOutcome, AppError> {
        let definition = store::definition_of(db, review.microcredential_version_id)
            .await
            .map_err(db_failure)?;
        check_levels(&definition, &content).map_err(crate::context::reject)?;
        if let Some((field, length)) = content.too_long() {
            return fail(AppError::Invalid {
                field: super::super::content::form_name(field),
                message: ReviewContent::too_long_message(&definition.rubric, field, length),
            });
        }
        content.reopened = store::decode(&review.scores).reopened;
        let zone = crate::portfolio::evidence_api::viewer_zone(user);
        match store::save(db, review.id, base_version, &content)
            .await
            .map_err(db_failure)?
        {
            store::Saved::Stored { version, saved_at } => Ok(SaveOutcome::Saved {
                version,
                saved_at: crate::local_time::format_in_zone(saved_at, zone),
            }),
            store::Saved::Conflict(current) => Ok(SaveOutcome::Conflict {
                version: current.draft_version,
                saved_at: current
                    .saved_at
                    .map(|at| crate::local_time::format_in_zone(at, zone))
                    .unwrap_or_default(),
                fields: store::decode(&current.scores).fields,
            }),
            store::Saved::Closed(state) => fail(AppError::Conflict(closed_message(state))),
        }
    }

    /// Titles of definition versions.
    pub async fn titles(
        db: &DatabaseConnection,
        versions: impl IntoIterator<Item = i32>,
    ) -> Result<HashMap<i32, String>, AppError> {
        let ids: Vec<i32> = versions
            .into_iter()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = crate::entities::microcredential_versions::Entity::find()
            .filter(crate::entities::microcredential_versions::Column::Id.is_in(ids))
            .all(db)
            .await
            .map_err(db_failure)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let title = serde_json::from_str::<Definition>(&row.definition)
                    .map(|definition| definition.title)
                    .unwrap_or_default();
                (row.id, title)
            })
            .collect())
    }

    pub async fn queue(
        user: &CurrentUser,
        db: &DatabaseConnection,
        show: QueueShow,
        credential: String,
        page: u64,
    ) -> Result<Queue, AppError> {
        let calibration_open = store::ensure_calibration(db, user.id)
            .await
            .map_err(db_failure)?;
        let today = today();
        let mine = || reviews::Entity::find().filter(reviews::Column::ReviewerUserId.eq(user.id));
        let open_filter = reviews::Column::State.eq(ReviewState::Open.name());
        let overdue_filter = reviews::Column::DueOn.lt(today);
        let count = |query: sea_orm::Select<reviews::Entity>| async move {
            query.count(db).await.map_err(db_failure)
        };
        let open = count(mine().filter(open_filter.clone())).await?;
        let overdue = count(
            mine()
                .filter(open_filter.clone())
                .filter(overdue_filter.clone()),
        )
        .await?;
        let done =
            count(mine().filter(reviews::Column::State.eq(ReviewState::Final.name()))).await?;

        let mut query = mine();
        query = match show {
            QueueShow::Open => query.filter(open_filter),
            QueueShow::Overdue => query.filter(open_filter).filter(overdue_filter),
            QueueShow::Done => query.filter(reviews::Column::State.eq(ReviewState::Final.name())),
            QueueShow::All => query,
        };
        let credentials = crate::program::framework_store::list_microcredentials(db)
            .await
            .map_err(db_failure)?;
        if !credential.is_empty() {
            let id = microcredentials::Entity::find()
                .filter(microcredentials::Column::Key.eq(credential.clone()))
                .one(db)
                .await
                .map_err(db_failure)?
                .map(|found| found.id)
                .unwrap_or(0);
            let versions: Vec<i32> = crate::entities::microcredential_versions::Entity::find()
                .select_only()
                .column(crate::entities::microcredential_versions::Column::Id)
                .filter(crate::entities::microcredential_versions::Column::MicrocredentialId.eq(id))
                .into_tuple()
                .all(db)
                .await
                .map_err(db_failure)?;
            query = query.filter(reviews::Column::MicrocredentialVersionId.is_in(versions));
        }
        let query = query
            .order_by_desc({
                use sea_orm::sea_query::ExprTrait;
                sea_orm::sea_query::Expr::col(reviews::Column::DueOn).is_null()
            })
            .order_by_asc(reviews::Column::DueOn)
            .order_by_asc(reviews::Column::Id);
        let paginator = query.paginate(db, QUEUE_PAGE);
        let pages = paginator.num_pages().await.map_err(db_failure)?.max(1);
        let page = page.clamp(1, pages);
        let rows = paginator.fetch_page(page - 1).await.map_err(db_failure)?;
        let attempts: HashMap<i32, submission_attempts::Model> = if rows.is_empty() {
            HashMap::new()
        } else {
            submission_attempts::Entity::find()
                .filter(
                    submission_attempts::Column::Id.is_in(
                        rows.iter()
                            .map(|row| row.submission_attempt_id)
                            .collect::<Vec<_>>(),
                    ),
                )
                .all(db)
                .await
                .map_err(db_failure)?
                .into_iter()
                .map(|attempt| (attempt.id, attempt))
                .collect()
        };
        let codes: HashMap<i32, String> = store::submissions_of(db, attempts.values())
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|(attempt, submission)| (attempt, store::code_of(&submission)))
            .collect();
        let titles = titles(db, rows.iter().map(|row| row.microcredential_version_id)).await?;
        let items = rows
            .into_iter()
            .map(|row| {
                let attempt = attempts.get(&row.submission_attempt_id);
                let state = ReviewState::parse(&row.state).unwrap_or(ReviewState::Open);
                QueueItem {
                    review_id: row.id,
                    code: codes
                        .get(&row.submission_attempt_id)
                        .cloned()
                        .unwrap_or_default(),
                    title: titles
                        .get(&row.microcredential_version_id)
                        .cloned()
                        .unwrap_or_default(),
                    attempt: attempt.map_or(0, |attempt| attempt.number),
                    kind: ReviewKind::parse(&row.kind).unwrap_or(ReviewKind::First),
                    state,
                    started: row.saved_at.is_some(),
                    due: row.due_on.map(due_text),
                    overdue: state == ReviewState::Open
                        && row.due_on.is_some_and(|day| day < today),
                }
            })
            .collect();
        let settings = store::settings(db).await.map_err(db_failure)?;
        Ok(Queue {
            items,
            open,
            overdue,
            done,
            calibration_open,
            page,
            pages,
            show,
            credential,
            credentials: credentials
                .into_iter()
                .map(|summary| (summary.key, summary.title))
                .collect(),
            turnaround_days: settings.turnaround_days,
        })
    }

    /// Returns the caller's open reviews before and after `review` in queue order.
    pub async fn neighbours(
        db: &DatabaseConnection,
        user: &CurrentUser,
        review: &reviews::Model,
    ) -> Result<(Option<i32>, Option<i32>), AppError> {
        let rows: Vec<(i32, Option<NaiveDate>)> = reviews::Entity::find()
            .select_only()
            .column(reviews::Column::Id)
            .column(reviews::Column::DueOn)
            .filter(reviews::Column::ReviewerUserId.eq(user.id))
            .filter(
                sea_orm::Condition::any()
                    .add(reviews::Column::State.eq(ReviewState::Open.name()))
                    .add(reviews::Column::Id.eq(review.id)),
            )
            .into_tuple()
            .all(db)
            .await
            .map_err(db_failure)?;
        let mut order = rows;
        order.sort_by_key(|(id, due)| (due.is_some(), *due, *id));
        let position = order.iter().position(|(id, _)| *id == review.id);
        Ok(match position {
            Some(index) => (
                index.checked_sub(1).map(|before| order[before].0),
                order.get(index + 1).map(|(id, _)| *id),
            ),
            None => (None, order.first().map(|(id, _)| *id)),
        })
    }

    pub async fn artifacts(
        db: &DatabaseConnection,
        review_id: i32,
        definition: &Definition,
        content: &crate::portfolio::draft::DraftContent,
    ) -> Result<Vec<BlindArtifact>, AppError> {
        let ids: Vec<i32> = content.artifacts.iter().flatten().copied().collect();
        let items: HashMap<i32, evidence_items::Model> = if ids.is_empty() {
            HashMap::new()
        } else {
            evidence_items::Entity::find()
                .filter(evidence_items::Column::Id.is_in(ids))
                .all(db)
                .await
                .map_err(db_failure)?
                .into_iter()
                .map(|item| (item.id, item))
                .collect()
        };
        let to_html = crate::portfolio::rich_text::to_html;
        Ok(definition
            .artifacts
            .iter()
            .enumerate()
            .map(|(position, requirement)| {
                let item = content.artifact(position).and_then(|id| items.get(&id));
                let mut artifact = BlindArtifact {
                    position,
                    requirement: requirement.description.clone(),
                    type_label: String::new(),
                    title: String::new(),
                    description_html: String::new(),
                    kind: String::new(),
                    url: None,
                    text_html: None,
                    file_url: None,
                    file_mime: None,
                    file_size: None,
                };
                if let Some(item) = item {
                    let kind = crate::portfolio::EvidenceKind::parse(&item.kind)
                        .unwrap_or(crate::portfolio::EvidenceKind::Text);
                    artifact.type_label =
                        crate::portfolio::evidence_type_of(kind, item.file_mime.as_deref())
                            .label()
                            .to_owned();
                    artifact.title = item.title.clone();
                    artifact.description_html = to_html(&item.description);
                    artifact.kind = item.kind.clone();
                    artifact.url = item.url.clone();
                    artifact.text_html = item.body.as_deref().map(to_html);
                    if item.file_sha256.is_some() {
                        artifact.file_url =
                            Some(super::super::artifact_file_url(review_id, position));
                        artifact.file_mime = item.file_mime.clone();
                        artifact.file_size = item
                            .file_size
                            .map(|size| crate::portfolio::size_text(size.max(0) as u64));
                    }
                }
                artifact
            })
            .collect())
    }

    /// Compares two attempts' content part by part.
    pub fn changes(
        definition: &Definition,
        old: &crate::portfolio::draft::DraftContent,
        new: &crate::portfolio::draft::DraftContent,
    ) -> Vec<Change> {
        let mut list = Vec::new();
        for index in 0..definition.overview_questions.len() {
            list.push(Change {
                label: format!("Question {}", index + 1),
                diff_html: super::super::changes::word_diff(old.answer(index), new.answer(index)),
            });
        }
        for index in 0..definition.artifacts.len() {
            let (before, after) = (old.artifact(index), new.artifact(index));
            list.push(Change {
                label: format!("Artifact {}", index + 1),
                diff_html: (before != after).then(|| match (before, after) {
                    (_, None) => "<del>The artifact was removed.</del>".to_owned(),
                    (None, Some(_)) => "<ins>An artifact was added.</ins>".to_owned(),
                    _ => "<ins>A different piece of evidence was chosen.</ins>".to_owned(),
                }),
            });
        }
        list.push(Change {
            label: "Reflection".into(),
            diff_html: super::super::changes::word_diff(&old.reflection, &new.reflection),
        });
        list
    }

    /// Returns the identity the lead revealed for this submission in the last twelve hours.
    pub async fn revealed(
        db: &DatabaseConnection,
        user: &CurrentUser,
        submission: &submissions::Model,
    ) -> Result<Option<Identity>, AppError> {
        let since = Utc::now() - chrono::Duration::hours(12);
        let found = audit_log::Entity::find()
            .filter(audit_log::Column::ActorUserId.eq(user.id))
            .filter(audit_log::Column::Action.eq(crate::audit_actions::IDENTITY_REVEALED))
            .filter(audit_log::Column::Subject.eq(reveal_subject(submission.id)))
            .filter(audit_log::Column::OccurredAt.gt(since))
            .one(db)
            .await
            .map_err(db_failure)?;
        if found.is_none() {
            return Ok(None);
        }
        Ok(users::Entity::find_by_id(submission.fellow_user_id)
            .one(db)
            .await
            .map_err(db_failure)?
            .map(|fellow| Identity {
                name: fellow.display_name,
                email: fellow.email,
            }))
    }

    pub fn reveal_subject(submission_id: i32) -> String {
        format!("submission {submission_id}")
    }

    pub async fn review_page(
        db: &DatabaseConnection,
        user: &CurrentUser,
        review: reviews::Model,
    ) -> Result<ReviewPage, AppError> {
        let kind = ReviewKind::parse(&review.kind).unwrap_or(ReviewKind::First);
        let state = ReviewState::parse(&review.state).unwrap_or(ReviewState::Open);
        let (attempt, submission) = store::attempt_and_submission(db, review.submission_attempt_id)
            .await
            .map_err(db_failure)?
            .ok_or_else(not_assigned)?;
        let own = review.reviewer_user_id == user.id;
        if own
            && kind.live()
            && state == ReviewState::Open
            && kind != ReviewKind::Reconcile
            && store::calibration_pending(db, user.id, submission.microcredential_id)
                .await
                .map_err(db_failure)?
        {
            return fail(AppError::Conflict(
                "Before live reviews of this micro-credential, score its calibration submissions. They are at the top of your review queue.".into(),
            ));
        }
        let definition = store::definition_of(db, review.microcredential_version_id)
            .await
            .map_err(db_failure)?;
        let submitted = crate::portfolio::submission_store::decode(&attempt.content);
        let to_html = crate::portfolio::rich_text::to_html;
        let carried = if kind.live() {
            store::carried_forward(db, &attempt, &definition.rubric)
                .await
                .map_err(db_failure)?
        } else {
            BTreeMap::new()
        };
        let changes = if attempt.number > 1 {
            let previous = submission_attempts::Entity::find()
                .filter(submission_attempts::Column::SubmissionId.eq(attempt.submission_id))
                .filter(submission_attempts::Column::Number.lt(attempt.number))
                .order_by_desc(submission_attempts::Column::Number)
                .one(db)
                .await
                .map_err(db_failure)?;
            previous
                .map(|previous| {
                    changes(
                        &definition,
                        &crate::portfolio::submission_store::decode(&previous.content),
                        &submitted,
                    )
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let others = if kind == ReviewKind::Reconcile {
            reviews::Entity::find()
                .filter(reviews::Column::SubmissionAttemptId.eq(attempt.id))
                .filter(
                    reviews::Column::Kind
                        .is_in([ReviewKind::First.name(), ReviewKind::Second.name()]),
                )
                .order_by_asc(reviews::Column::Id)
                .all(db)
                .await
                .map_err(db_failure)?
                .into_iter()
                .enumerate()
                .map(|(index, other)| OtherReview {
                    label: format!("Reviewer {}", ["A", "B", "C"].get(index).unwrap_or(&"")),
                    content: store::decode(&other.scores),
                })
                .collect()
        } else {
            Vec::new()
        };
        let content = store::decode(&review.scores);
        let effective = store::effective(&content, &carried);
        let scores = effective.scores(&definition.rubric);
        let blockers: Vec<(String, String)> =
            super::super::scoring::missing(&definition.rubric, &scores)
                .into_iter()
                .map(|item| {
                    (
                        super::super::content::criterion_key(item.part, item.index),
                        item.message,
                    )
                })
                .collect();
        let outcome_if_final = blockers
            .is_empty()
            .then(|| super::super::scoring::earned(&definition.rubric, &scores));
        let (previous_review, next_review) = if own {
            neighbours(db, user, &review).await?
        } else {
            (None, None)
        };
        let lead = is_lead(user);
        let identity = if lead {
            revealed(db, user, &submission).await?
        } else {
            None
        };
        let zone = crate::portfolio::evidence_api::viewer_zone(user);
        Ok(ReviewPage {
            review_id: review.id,
            code: store::code_of(&submission),
            attempt: attempt.number,
            kind,
            state,
            editable: own && state == ReviewState::Open,
            version: review.draft_version,
            saved_at: review
                .saved_at
                .map(|at| crate::local_time::format_in_zone(at, zone))
                .unwrap_or_default(),
            due: review.due_on.map(due_text),
            answers_html: (0..definition.overview_questions.len())
                .map(|index| to_html(submitted.answer(index)))
                .collect(),
            artifacts: artifacts(db, review.id, &definition, &submitted).await?,
            reflection_html: to_html(&submitted.reflection),
            carried: carried.into_iter().collect(),
            changes,
            others,
            previous_review,
            next_review,
            lead,
            identity,
            outcome_if_final,
            blockers,
            content,
            definition,
        })
    }

    pub fn redirect_after_finalize(outcome: &store::Finalized, next: Option<i32>) -> String {
        let code = match outcome {
            store::Finalized::Released { earned: true } => "released-earned",
            store::Finalized::Released { earned: false } => "released-not-yet",
            store::Finalized::AwaitingOther => "awaiting-other",
            store::Finalized::NeedsReconciliation => "needs-reconciliation",
            store::Finalized::Recorded => "recorded",
        };
        match next {
            Some(id) => format!("{}?done={code}", super::super::review_path(id)),
            None => format!("/reviews?done={code}"),
        }
    }

    pub async fn audit(
        db: &DatabaseConnection,
        user: &CurrentUser,
        action: &str,
        subject: String,
        details: String,
    ) {
        let _ = crate::audit::record(
            db,
            crate::audit::AuditEvent {
                actor_user_id: Some(user.id),
                action,
                subject,
                details,
            },
        )
        .await;
    }
}

/// Reads one page of the caller's review queue.
#[server(prefix = "/api", endpoint = "reviews/queue", input = GetUrl)]
pub async fn get_queue(
    #[server(default)] show: String,
    #[server(default)] credential: String,
    #[server(default)] page: u64,
) -> Result<Queue, AppError> {
    let (user, db) = server::reviewer().await?;
    server::queue(&user, &db, QueueShow::parse(&show), credential, page).await
}

/// Reads a review for the reviewer it is assigned to, or for a lead.
#[server(prefix = "/api", endpoint = "reviews/get", input = GetUrl)]
pub async fn get_review(review_id: i32) -> Result<ReviewPage, AppError> {
    let (user, db) = server::reviewer().await?;
    let review = server::visible_review(&db, &user, review_id).await?;
    server::review_page(&db, &user, review).await
}

/// Saves scores edited from `base_version`. A save from an older version returns the
/// newer scores instead of overwriting them.
#[server(prefix = "/api", endpoint = "reviews/save", input = Json)]
pub async fn save_review(
    review_id: i32,
    base_version: i32,
    fields: Fields,
) -> Result<SaveOutcome, AppError> {
    let (user, db) = server::reviewer().await?;
    let review = server::own_review(&db, &user, review_id).await?;
    server::store_scores(
        &db,
        &user,
        &review,
        base_version,
        ReviewContent::from_form(fields),
    )
    .await
}

/// Saves the rubric when it is posted without the browser script. With `then` set to
/// `finalize`, it redirects to the confirmation of finalizing.
#[server(prefix = "/api", endpoint = "reviews/save-form")]
pub async fn save_review_form(
    review_id: i32,
    base_version: i32,
    #[server(default)] fields: HashMap<String, String>,
    #[server(default)] then: String,
) -> Result<(), AppError> {
    use crate::context::{fail, redirect_to};
    let (user, db) = server::reviewer().await?;
    let review = server::own_review(&db, &user, review_id).await?;
    let content = ReviewContent::from_form(fields);
    let outcome = server::store_scores(&db, &user, &review, base_version, content.clone()).await?;
    if let SaveOutcome::Conflict { fields: stored, .. } = outcome
        && stored != content.fields
    {
        return fail(AppError::Conflict(
            "These scores were saved from another tab or device after you opened this page, so yours were not saved over them. Your entries are still below: reload the page to see the newer scores, then score again.".into(),
        ));
    }
    let path = super::review_path(review_id);
    if then == "finalize" {
        redirect_to(&format!("{path}?confirm=1"));
    } else {
        redirect_to(&format!("{path}?done=saved"));
    }
    Ok(())
}

/// Finalizes the caller's review as saved at `version`: applies the earn rule, and
/// releases the decision to the fellow when the attempt's reviews allow it.
#[server(prefix = "/api", endpoint = "reviews/finalize")]
pub async fn finalize_review(review_id: i32, version: i32) -> Result<(), AppError> {
    use super::store::{FinalizeError, finalize};
    use crate::context::{app_state, db_failure, fail, redirect_to};
    let (user, db) = server::reviewer().await?;
    let review = server::own_review(&db, &user, review_id).await?;
    let state = app_state()?;
    let (_, next) = server::neighbours(&db, &user, &review).await?;
    let notifier = super::store::Notifier::of(&state);
    match finalize(&db, &notifier, review_id, version).await {
        Ok(outcome) => {
            if let super::store::Finalized::Released { earned: true } = outcome {
                let issuer = crate::credentials::store::Issuer::of(&state);
                if let Err(error) = crate::credentials::store::issue_pending(&db, &issuer).await {
                    tracing::error!(error = %error, "issuing a credential failed; the background pass retries");
                }
            }
            server::audit(
                &db,
                &user,
                crate::audit_actions::REVIEW_FINALIZED,
                format!("review {review_id}"),
                format!("{outcome:?}"),
            )
            .await;
            redirect_to(&server::redirect_after_finalize(&outcome, next));
            Ok(())
        }
        Err(FinalizeError::Missing(list)) => fail(AppError::Conflict(format!(
            "Not finalized yet: {}",
            list.join(" ")
        ))),
        Err(FinalizeError::Stale { .. }) => fail(AppError::Conflict(
            "These scores changed in another tab or device after this page loaded. Reload the page, check the scores and finalize again.".into(),
        )),
        Err(FinalizeError::Closed(state)) => fail(AppError::Conflict(server::closed_message(state))),
        Err(FinalizeError::Db(error)) => fail(db_failure(error)),
    }
}

/// Reopens a carried-forward criterion of an open review so that it is scored again;
/// lead reviewers only.
#[server(prefix = "/api", endpoint = "reviews/reopen")]
pub async fn reopen_criterion(review_id: i32, key: String) -> Result<(), AppError> {
    use crate::context::{db_failure, fail, redirect_to};
    use sea_orm::EntityTrait;
    let (user, db) = server::staff().await?;
    let review = crate::entities::reviews::Entity::find_by_id(review_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .ok_or_else(server::not_assigned)?;
    if review.state != ReviewState::Open.name() {
        return fail(AppError::Conflict(server::closed_message(
            ReviewState::parse(&review.state).unwrap_or(ReviewState::Final),
        )));
    }
    let (attempt, _) = super::store::attempt_and_submission(&db, review.submission_attempt_id)
        .await
        .map_err(db_failure)?
        .ok_or_else(server::not_assigned)?;
    let definition = super::store::definition_of(&db, review.microcredential_version_id)
        .await
        .map_err(db_failure)?;
    let carried = super::store::carried_forward(&db, &attempt, &definition.rubric)
        .await
        .map_err(db_failure)?;
    if !carried.contains_key(&key) {
        return fail(AppError::invalid(
            "key",
            "Only a criterion carried forward from the previous attempt can be reopened. Reload the review to see which are.",
        ));
    }
    let mut content = super::store::decode(&review.scores);
    if !content.reopened.contains(&key) {
        content.reopened.push(key.clone());
    }
    if !super::store::store_reopened(&db, &review, &content)
        .await
        .map_err(db_failure)?
    {
        return fail(AppError::Conflict(
            "The reviewer saved at the same moment. Reload the review and reopen the criterion again.".into(),
        ));
    }
    server::audit(
        &db,
        &user,
        crate::audit_actions::CRITERION_REOPENED,
        format!("review {review_id}"),
        key,
    )
    .await;
    redirect_to(&format!("{}?done=reopened", super::review_path(review_id)));
    Ok(())
}

/// Shows a lead the fellow behind a submission's code, recording the reason.
#[server(prefix = "/api", endpoint = "reviews/reveal")]
pub async fn reveal_identity(review_id: i32, reason: String) -> Result<(), AppError> {
    use crate::context::{db_failure, fail, redirect_to};
    use sea_orm::EntityTrait;
    let (user, db) = server::staff().await?;
    let reason = reason.trim().to_owned();
    if reason.chars().count() < 10 {
        return fail(AppError::invalid(
            "reason",
            "Write why you need to see who this is, in a sentence of at least 10 characters. The reason goes in the audit log.",
        ));
    }
    if reason.chars().count() > 1000 {
        return fail(AppError::invalid(
            "reason",
            "Keep the reason under 1000 characters.",
        ));
    }
    let review = server::visible_review(&db, &user, review_id).await?;
    let attempt =
        crate::entities::submission_attempts::Entity::find_by_id(review.submission_attempt_id)
            .one(&db)
            .await
            .map_err(db_failure)?
            .ok_or_else(server::not_assigned)?;
    server::audit(
        &db,
        &user,
        crate::audit_actions::IDENTITY_REVEALED,
        server::reveal_subject(attempt.submission_id),
        reason,
    )
    .await;
    redirect_to(&format!("{}?done=revealed", super::review_path(review_id)));
    Ok(())
}

/// Lets a fellow take back a submission that waits for its decision, to keep working on
/// it. Reviews of it stop; their scores are kept.
#[server(prefix = "/api", endpoint = "submission/withdraw")]
pub async fn withdraw_submission(submission_id: i32) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use sea_orm::EntityTrait;
    let actor = authorized(Action::KeepPortfolio)?;
    let user = actor.user().cloned().ok_or(AppError::Unauthenticated)?;
    let db = db()?;
    let submission = crate::entities::submissions::Entity::find_by_id(submission_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .filter(|submission| submission.fellow_user_id == user.id)
        .ok_or_else(|| {
            crate::context::reject(AppError::NotFound(
                "There is no such submission, or it is not yours.".into(),
            ))
        })?;
    if !super::store::withdraw(&db, submission_id)
        .await
        .map_err(db_failure)?
    {
        return fail(AppError::Conflict(
            "This submission is not waiting for a decision, so there is nothing to withdraw."
                .into(),
        ));
    }
    server::audit(
        &db,
        &user,
        crate::audit_actions::SUBMISSION_WITHDRAWN,
        format!("submission {submission_id}"),
        String::new(),
    )
    .await;
    let key = crate::entities::microcredentials::Entity::find_by_id(submission.microcredential_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .map(|credential| credential.key)
        .unwrap_or_default();
    redirect_to(&format!(
        "/cohorts/{}/submissions/{key}?done=withdrawn",
        submission.cohort_id
    ));
    Ok(())
}

#[cfg(feature = "ssr")]
pub use server::{
    audit as server_audit, due_text as server_due_text, staff as server_staff,
    titles as server_titles,
};
