//! Reviews in the database: who may review whom, assignment by hand and by load, the
//! version-checked autosave, finalizing with the earn rule, double scoring, release to
//! the fellow and calibration. Server only.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr, TransactionTrait,
};

use super::content::{ReviewContent, comment_field, criteria, level_field};
use super::scoring::{earned, missing};
use super::turnaround::{business_days_between, due_date};
use super::{ReviewKind, ReviewState};
use crate::auth::Role;
use crate::entities::{
    calibration_anchors, cohort_memberships, cohorts, microcredential_versions, microcredentials,
    programs, reviews, submission_attempts, submissions,
};
use crate::portfolio::draft::SubmissionState;
use crate::program::format::{Definition, Rubric};

/// The program's review settings.
#[derive(Clone, Debug)]
pub struct Settings {
    pub turnaround_days: u32,
    pub exclude_own_cohort: bool,
    pub kappa_threshold: f64,
    pub holidays: Vec<NaiveDate>,
}

impl Settings {
    pub fn of(program: &programs::Model) -> Settings {
        Settings {
            turnaround_days: u32::try_from(program.review_turnaround_days).unwrap_or(0),
            exclude_own_cohort: program.review_exclude_own_cohort,
            kappa_threshold: f64::from(program.calibration_kappa_percent) / 100.0,
            holidays: parse_holidays(&program.review_holidays).unwrap_or_default(),
        }
    }
}

/// Reads holidays written as ISO dates separated by commas, spaces or lines.
pub fn parse_holidays(text: &str) -> Result<Vec<NaiveDate>, String> {
    let mut dates = Vec::new();
    for part in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
    {
        let date = part.parse::<NaiveDate>().map_err(|_| {
            format!(
                "“{part}” is not a date. Write each holiday as year-month-day, such as 2027-05-31."
            )
        })?;
        dates.push(date);
    }
    dates.sort();
    dates.dedup();
    Ok(dates)
}

pub async fn program(db: &impl ConnectionTrait) -> Result<programs::Model, DbErr> {
    let id = crate::cohorts::store::default_program_id(db).await?;
    programs::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbErr::RecordNotFound("program".into()))
}

pub async fn settings(db: &impl ConnectionTrait) -> Result<Settings, DbErr> {
    Ok(Settings::of(&program(db).await?))
}

/// Returns the code reviewers see for a submission.
pub fn code_of(submission: &submissions::Model) -> String {
    submission
        .review_code
        .clone()
        .unwrap_or_else(|| format!("S-{:05}", submission.id))
}

/// Makes a new pseudonymous code: letters and digits that cannot be mistaken for each
/// other.
pub fn new_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
    let mut rng = rand::rng();
    let body: String = (0..6)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("S-{body}")
}

/// Stores a lead's reopened criteria in `content` when the review is still open at the
/// version `review` was read at. Leaves `saved_at` and the version alone, so the
/// reviewer's queue does not show the review as started. Returns whether it was stored.
pub async fn store_reopened(
    db: &impl ConnectionTrait,
    review: &reviews::Model,
    content: &ReviewContent,
) -> Result<bool, DbErr> {
    // The version stays, so the reviewer's next autosave is no conflict; it keeps the
    // reopened criteria, because a save reads them from the stored row.
    let result = reviews::Entity::update_many()
        .col_expr(reviews::Column::Scores, Expr::value(encode(content)))
        .filter(reviews::Column::Id.eq(review.id))
        .filter(reviews::Column::DraftVersion.eq(review.draft_version))
        .filter(reviews::Column::State.eq(ReviewState::Open.name()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Reads an attempt with its submission.
pub async fn attempt_and_submission(
    db: &impl ConnectionTrait,
    attempt_id: i32,
) -> Result<Option<(submission_attempts::Model, submissions::Model)>, DbErr> {
    let Some(attempt) = submission_attempts::Entity::find_by_id(attempt_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let submission = submissions::Entity::find_by_id(attempt.submission_id)
        .one(db)
        .await?;
    Ok(submission.map(|submission| (attempt, submission)))
}

/// Reads the submissions that attempts belong to, by attempt id, in one query.
pub async fn submissions_of<'a>(
    db: &impl ConnectionTrait,
    attempts: impl IntoIterator<Item = &'a submission_attempts::Model>,
) -> Result<HashMap<i32, submissions::Model>, DbErr> {
    let attempts: Vec<&submission_attempts::Model> = attempts.into_iter().collect();
    if attempts.is_empty() {
        return Ok(HashMap::new());
    }
    let by_id: HashMap<i32, submissions::Model> = submissions::Entity::find()
        .filter(
            submissions::Column::Id.is_in(
                attempts
                    .iter()
                    .map(|attempt| attempt.submission_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|submission| (submission.id, submission))
        .collect();
    Ok(attempts
        .iter()
        .filter_map(|attempt| Some((attempt.id, by_id.get(&attempt.submission_id)?.clone())))
        .collect())
}

/// The reason a reviewer may not review a submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ineligible {
    OwnWork,
    NotReviewer,
    Coaches,
    SameCohort,
    AlreadyReviewing,
}

impl Ineligible {
    pub fn message(&self) -> &'static str {
        match self {
            Ineligible::OwnWork => "Reviewers cannot review their own submissions.",
            Ineligible::NotReviewer => {
                "This person has no reviewer role. Give them one on the Users page first."
            }
            Ineligible::Coaches => {
                "This reviewer coaches the fellow's cohort, so they cannot review the fellow."
            }
            Ineligible::SameCohort => {
                "This reviewer belongs to the fellow's cohort, which the program's review settings exclude."
            }
            Ineligible::AlreadyReviewing => {
                "This reviewer already reviews this attempt. Choose someone else for the second review."
            }
        }
    }
}

/// Reads every membership of the given users, by user.
async fn memberships(
    db: &impl ConnectionTrait,
    users: &[i32],
) -> Result<HashMap<i32, Vec<(i32, String)>>, DbErr> {
    let mut map: HashMap<i32, Vec<(i32, String)>> = HashMap::new();
    if users.is_empty() {
        return Ok(map);
    }
    for row in cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::UserId.is_in(users.to_vec()))
        .all(db)
        .await?
    {
        map.entry(row.user_id)
            .or_default()
            .push((row.cohort_id, row.role));
    }
    Ok(map)
}

/// Applies the conflict rules to one reviewer and one submission, given the reviewer's
/// memberships.
pub fn check_eligible(
    reviewer: i32,
    reviewer_memberships: &[(i32, String)],
    submission: &submissions::Model,
    settings: &Settings,
) -> Result<(), Ineligible> {
    if reviewer == submission.fellow_user_id {
        return Err(Ineligible::OwnWork);
    }
    let has = |role: Role| {
        reviewer_memberships
            .iter()
            .any(|(_, name)| name == role.as_str())
    };
    if !has(Role::Reviewer) {
        return Err(Ineligible::NotReviewer);
    }
    let in_cohort = |role: Role| {
        reviewer_memberships
            .iter()
            .any(|(cohort, name)| *cohort == submission.cohort_id && name == role.as_str())
    };
    if in_cohort(Role::Coach) {
        return Err(Ineligible::Coaches);
    }
    if settings.exclude_own_cohort && (in_cohort(Role::Fellow) || in_cohort(Role::Facilitator)) {
        return Err(Ineligible::SameCohort);
    }
    Ok(())
}

/// Returns the live review an attempt needs next: the first, the second, or none.
pub fn next_kind(double: bool, existing: &[ReviewKind]) -> Option<ReviewKind> {
    if !existing.contains(&ReviewKind::First) {
        Some(ReviewKind::First)
    } else if double && !existing.contains(&ReviewKind::Second) {
        Some(ReviewKind::Second)
    } else {
        None
    }
}

/// Returns the day a review of an attempt is due.
pub fn due_on(submitted_at: DateTime<Utc>, zone: &str, settings: &Settings) -> NaiveDate {
    let zone: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let day = submitted_at.with_timezone(&zone).date_naive();
    due_date(day, settings.turnaround_days, &settings.holidays)
}

/// The reason an assignment was rejected.
#[derive(Debug)]
pub enum AssignError {
    Ineligible(Ineligible),
    NotWaiting,
    Complete,
    Db(DbErr),
}

impl From<DbErr> for AssignError {
    fn from(error: DbErr) -> Self {
        AssignError::Db(error)
    }
}

/// An attempt waiting for a decision, with what assignment needs to know.
struct Waiting {
    attempt: submission_attempts::Model,
    submission: submissions::Model,
    zone: String,
    double: bool,
    kinds: Vec<ReviewKind>,
    reviewers: Vec<i32>,
}

async fn waiting(
    db: &impl ConnectionTrait,
    attempt_id: i32,
) -> Result<Option<Waiting>, AssignError> {
    let Some((attempt, submission)) = attempt_and_submission(db, attempt_id).await? else {
        return Ok(None);
    };
    let state = SubmissionState::parse(&submission.state);
    let awaiting = matches!(
        state,
        Some(SubmissionState::Submitted | SubmissionState::InReview)
    ) && attempt.number == submission.attempts
        && attempt.outcome.is_none();
    if !awaiting {
        return Err(AssignError::NotWaiting);
    }
    let zone = cohorts::Entity::find_by_id(submission.cohort_id)
        .one(db)
        .await?
        .map(|cohort| cohort.time_zone)
        .unwrap_or_default();
    let double = microcredentials::Entity::find_by_id(submission.microcredential_id)
        .one(db)
        .await?
        .is_some_and(|credential| credential.double_scoring);
    let existing = reviews::Entity::find()
        .filter(reviews::Column::SubmissionAttemptId.eq(attempt.id))
        .all(db)
        .await?;
    Ok(Some(Waiting {
        kinds: existing
            .iter()
            .filter_map(|review| ReviewKind::parse(&review.kind))
            .collect(),
        reviewers: existing
            .iter()
            .map(|review| review.reviewer_user_id)
            .collect(),
        attempt,
        submission,
        zone,
        double,
    }))
}

fn new_review(
    attempt: &submission_attempts::Model,
    fellow: i32,
    reviewer: i32,
    kind: ReviewKind,
    assigned_by: Option<i32>,
    due: Option<NaiveDate>,
    content: &ReviewContent,
) -> reviews::ActiveModel {
    let now = Utc::now();
    reviews::ActiveModel {
        submission_attempt_id: Set(attempt.id),
        microcredential_version_id: Set(attempt.microcredential_version_id),
        reviewer_user_id: Set(reviewer),
        fellow_user_id: Set(fellow),
        kind: Set(kind.name().to_owned()),
        state: Set(ReviewState::Open.name().to_owned()),
        scores: Set(encode(content)),
        draft_version: Set(1),
        saved_at: Set(None),
        assigned_at: Set(now),
        assigned_by_user_id: Set(assigned_by),
        due_on: Set(due),
        finalized_at: Set(None),
        earned: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
}

pub fn encode(content: &ReviewContent) -> String {
    serde_json::to_string(content).unwrap_or_else(|_| "{}".into())
}

pub fn decode(text: &str) -> ReviewContent {
    serde_json::from_str(text).unwrap_or_default()
}

/// Assigns an attempt's next live review (the first, or the second when the
/// micro-credential is double scored) to `reviewer`.
pub async fn assign(
    db: &DatabaseConnection,
    attempt_id: i32,
    reviewer: i32,
    assigned_by: i32,
) -> Result<reviews::Model, AssignError> {
    let txn = db.begin().await?;
    let Some(waiting) = waiting(&txn, attempt_id).await? else {
        return Err(AssignError::NotWaiting);
    };
    let settings = settings(&txn).await?;
    let member = memberships(&txn, &[reviewer]).await?;
    check_eligible(
        reviewer,
        member.get(&reviewer).map(Vec::as_slice).unwrap_or(&[]),
        &waiting.submission,
        &settings,
    )
    .map_err(AssignError::Ineligible)?;
    if waiting.reviewers.contains(&reviewer) {
        return Err(AssignError::Ineligible(Ineligible::AlreadyReviewing));
    }
    let Some(kind) = next_kind(waiting.double, &waiting.kinds) else {
        return Err(AssignError::Complete);
    };
    let due = due_on(waiting.attempt.submitted_at, &waiting.zone, &settings);
    let inserted = new_review(
        &waiting.attempt,
        waiting.submission.fellow_user_id,
        reviewer,
        kind,
        Some(assigned_by),
        Some(due),
        &ReviewContent::default(),
    )
    .insert(&txn)
    .await;
    let review = match inserted {
        Ok(review) => review,
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AssignError::Ineligible(Ineligible::AlreadyReviewing));
        }
        Err(error) => return Err(error.into()),
    };
    crate::portfolio::submission_store::start_review(&txn, waiting.submission.id).await?;
    txn.commit().await?;
    Ok(review)
}

/// Open live reviews per reviewer.
async fn open_load(db: &impl ConnectionTrait) -> Result<HashMap<i32, u64>, DbErr> {
    let rows: Vec<(i32, i64)> = reviews::Entity::find()
        .select_only()
        .column(reviews::Column::ReviewerUserId)
        .column_as(reviews::Column::Id.count(), "open")
        .filter(reviews::Column::State.eq(ReviewState::Open.name()))
        .filter(reviews::Column::Kind.is_in([ReviewKind::First.name(), ReviewKind::Second.name()]))
        .group_by(reviews::Column::ReviewerUserId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(user, count)| (user, u64::try_from(count).unwrap_or(0)))
        .collect())
}

/// Users holding the reviewer role in any cohort.
pub async fn reviewers(db: &impl ConnectionTrait) -> Result<Vec<i32>, DbErr> {
    let mut ids: Vec<i32> = cohort_memberships::Entity::find()
        .select_only()
        .column(cohort_memberships::Column::UserId)
        .filter(cohort_memberships::Column::Role.eq(Role::Reviewer.as_str()))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    ids.sort();
    Ok(ids)
}

/// The outcome of balancing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Balanced {
    pub assigned: usize,
    /// Reviews assigned, by reviewer.
    pub by_reviewer: BTreeMap<i32, usize>,
    /// Attempts no eligible reviewer could take.
    pub unassigned: usize,
}

/// Gives every attempt that needs a reviewer to the eligible reviewer with the fewest
/// open reviews, oldest submission first.
pub async fn balance(db: &DatabaseConnection, assigned_by: i32) -> Result<Balanced, DbErr> {
    let pool = reviewers(db).await?;
    let member = memberships(db, &pool).await?;
    let mut load = open_load(db).await?;
    let settings = settings(db).await?;
    let mut outcome = Balanced::default();
    let pending: Vec<i32> = needing_reviewers()
        .select_only()
        .column(submission_attempts::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for attempt_id in pending {
        // A double-scored attempt may need two reviewers; each pass assigns one.
        for _ in 0..2 {
            let waiting = match waiting(db, attempt_id).await {
                Ok(Some(waiting)) => waiting,
                Ok(None) | Err(AssignError::NotWaiting | AssignError::Complete) => break,
                Err(AssignError::Db(error)) => return Err(error),
                Err(AssignError::Ineligible(_)) => break,
            };
            if next_kind(waiting.double, &waiting.kinds).is_none() {
                break;
            }
            let choice = pool
                .iter()
                .filter(|reviewer| !waiting.reviewers.contains(reviewer))
                .filter(|reviewer| {
                    check_eligible(
                        **reviewer,
                        member.get(reviewer).map(Vec::as_slice).unwrap_or(&[]),
                        &waiting.submission,
                        &settings,
                    )
                    .is_ok()
                })
                .min_by_key(|reviewer| (load.get(reviewer).copied().unwrap_or(0), **reviewer))
                .copied();
            let Some(reviewer) = choice else {
                outcome.unassigned += 1;
                break;
            };
            match assign(db, attempt_id, reviewer, assigned_by).await {
                Ok(_) => {
                    *load.entry(reviewer).or_default() += 1;
                    *outcome.by_reviewer.entry(reviewer).or_default() += 1;
                    outcome.assigned += 1;
                }
                Err(AssignError::Db(error)) => return Err(error),
                Err(_) => break,
            }
        }
    }
    Ok(outcome)
}

fn attempts_with_review(
    kind: ReviewKind,
    state: Option<ReviewState>,
) -> sea_orm::sea_query::SelectStatement {
    let mut query = sea_orm::sea_query::Query::select();
    query
        .column(reviews::Column::SubmissionAttemptId)
        .from(reviews::Entity)
        .and_where(reviews::Column::Kind.eq(kind.name()));
    if let Some(state) = state {
        query.and_where(reviews::Column::State.eq(state.name()));
    }
    query.to_owned()
}

/// Selects the ids of submissions whose micro-credential is double scored, or not.
fn submissions_scored(double: bool) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::Query;
    Query::select()
        .column(submissions::Column::Id)
        .from(submissions::Entity)
        .and_where(
            submissions::Column::MicrocredentialId.in_subquery(
                Query::select()
                    .column(microcredentials::Column::Id)
                    .from(microcredentials::Entity)
                    .and_where(microcredentials::Column::DoubleScoring.eq(double))
                    .to_owned(),
            ),
        )
        .to_owned()
}

/// Attempts waiting for a decision that lack a first review, or a second one when the
/// micro-credential is double scored, oldest first. An attempt without an outcome is
/// always its submission's latest, since a fellow cannot submit again before the
/// decision.
pub fn needing_reviewers() -> sea_orm::Select<submission_attempts::Entity> {
    use sea_orm::sea_query::Condition;
    let double_submissions = submissions_scored(true);
    submission_attempts::Entity::find()
        .filter(submission_attempts::Column::Outcome.is_null())
        .filter(
            Condition::any()
                .add(
                    submission_attempts::Column::Id
                        .not_in_subquery(attempts_with_review(ReviewKind::First, None)),
                )
                .add(
                    Condition::all()
                        .add(
                            submission_attempts::Column::SubmissionId
                                .in_subquery(double_submissions),
                        )
                        .add(
                            submission_attempts::Column::Id
                                .not_in_subquery(attempts_with_review(ReviewKind::Second, None)),
                        ),
                ),
        )
        .order_by_asc(submission_attempts::Column::SubmittedAt)
        .order_by_asc(submission_attempts::Column::Id)
}

/// Attempts whose first and second reviews are final without a decision: they
/// disagree, since agreeing reviews release the decision at once.
pub fn needing_reconciliation() -> sea_orm::Select<submission_attempts::Entity> {
    submission_attempts::Entity::find()
        .filter(submission_attempts::Column::Outcome.is_null())
        .filter(
            submission_attempts::Column::Id.in_subquery(attempts_with_review(
                ReviewKind::First,
                Some(ReviewState::Final),
            )),
        )
        .filter(
            submission_attempts::Column::Id.in_subquery(attempts_with_review(
                ReviewKind::Second,
                Some(ReviewState::Final),
            )),
        )
        .order_by_asc(submission_attempts::Column::SubmittedAt)
        .order_by_asc(submission_attempts::Column::Id)
}

/// The outcome of a save.
#[derive(Debug)]
pub enum Saved {
    Stored {
        version: i32,
        saved_at: DateTime<Utc>,
    },
    /// The review was saved from somewhere else after `base_version`.
    Conflict(reviews::Model),
    /// The review is final or withdrawn.
    Closed(ReviewState),
}

/// Saves scores edited from `base_version` in one statement that checks the version.
pub async fn save(
    db: &impl ConnectionTrait,
    review_id: i32,
    base_version: i32,
    content: &ReviewContent,
) -> Result<Saved, DbErr> {
    let now = Utc::now();
    let result = reviews::Entity::update_many()
        .col_expr(reviews::Column::Scores, Expr::value(encode(content)))
        .col_expr(
            reviews::Column::DraftVersion,
            Expr::col(reviews::Column::DraftVersion).add(1),
        )
        .col_expr(reviews::Column::SavedAt, Expr::value(now))
        .filter(reviews::Column::Id.eq(review_id))
        .filter(reviews::Column::DraftVersion.eq(base_version))
        .filter(reviews::Column::State.eq(ReviewState::Open.name()))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        return Ok(Saved::Stored {
            version: base_version + 1,
            saved_at: now,
        });
    }
    let current = reviews::Entity::find_by_id(review_id)
        .one(db)
        .await?
        .ok_or(DbErr::RecordNotFound("review".into()))?;
    match ReviewState::parse(&current.state) {
        Some(ReviewState::Open) | None => Ok(Saved::Conflict(current)),
        Some(state) => Ok(Saved::Closed(state)),
    }
}

pub async fn definition_of(
    db: &impl ConnectionTrait,
    version_id: i32,
) -> Result<Definition, DbErr> {
    let version = microcredential_versions::Entity::find_by_id(version_id)
        .one(db)
        .await?
        .ok_or(DbErr::RecordNotFound("definition".into()))?;
    serde_json::from_str(&version.definition)
        .map_err(|error| DbErr::Custom(format!("stored definition: {error}")))
}

/// Criteria that passed in the attempt before `attempt` and so are carried forward:
/// key and the level it passed with.
pub async fn carried_forward(
    db: &impl ConnectionTrait,
    attempt: &submission_attempts::Model,
    rubric: &Rubric,
) -> Result<BTreeMap<String, String>, DbErr> {
    let previous = submission_attempts::Entity::find()
        .filter(submission_attempts::Column::SubmissionId.eq(attempt.submission_id))
        .filter(submission_attempts::Column::Number.lt(attempt.number))
        .filter(submission_attempts::Column::Outcome.eq(SubmissionState::NotYet.name()))
        .order_by_desc(submission_attempts::Column::Number)
        .one(db)
        .await?;
    let Some(previous) = previous else {
        return Ok(BTreeMap::new());
    };
    let released = decode(previous.scores.as_deref().unwrap_or("{}"));
    let mut carried = BTreeMap::new();
    for (part, index, key) in criteria(rubric) {
        let criterion = &part.criteria(rubric)[index];
        if let Some(level) = released.level(&key)
            && criterion.passes(level)
        {
            carried.insert(key, level.to_owned());
        }
    }
    Ok(carried)
}

/// Returns the scores a review finalizes with: its own, with carried-forward criteria that a
/// lead did not reopen taking the level they passed with before.
pub fn effective(content: &ReviewContent, carried: &BTreeMap<String, String>) -> ReviewContent {
    let mut content = content.clone();
    for (key, level) in carried {
        if !content.reopened.contains(key) {
            content.set(level_field(key), level.clone());
        }
    }
    content
}

/// The reason finalizing was rejected.
#[derive(Debug)]
pub enum FinalizeError {
    Missing(Vec<String>),
    Stale { current_version: i32 },
    Closed(ReviewState),
    Db(DbErr),
}

impl From<DbErr> for FinalizeError {
    fn from(error: DbErr) -> Self {
        FinalizeError::Db(error)
    }
}

/// The outcome of finalizing.
#[derive(Debug, PartialEq, Eq)]
pub enum Finalized {
    /// The decision reached the fellow.
    Released { earned: bool },
    /// The other review of a double-scored attempt is not final yet.
    AwaitingOther,
    /// The two reviews disagree; a lead reviewer reconciles them.
    NeedsReconciliation,
    /// A calibration or anchor review, which decides nothing.
    Recorded,
}

pub use crate::mail::Notifier;

/// Finalizes review `review_id` as saved at `version`, applying the earn rule, then
/// releases the decision when the attempt's reviews allow it.
pub async fn finalize(
    db: &DatabaseConnection,
    mail: &Notifier<'_>,
    review_id: i32,
    version: i32,
) -> Result<Finalized, FinalizeError> {
    let review = reviews::Entity::find_by_id(review_id)
        .one(db)
        .await?
        .ok_or(DbErr::RecordNotFound("review".into()))?;
    match ReviewState::parse(&review.state) {
        Some(ReviewState::Open) => {}
        Some(state) => return Err(FinalizeError::Closed(state)),
        None => return Err(FinalizeError::Closed(ReviewState::Withdrawn)),
    }
    if review.draft_version != version {
        return Err(FinalizeError::Stale {
            current_version: review.draft_version,
        });
    }
    let attempt = submission_attempts::Entity::find_by_id(review.submission_attempt_id)
        .one(db)
        .await?
        .ok_or(DbErr::RecordNotFound("attempt".into()))?;
    let definition = definition_of(db, review.microcredential_version_id).await?;
    let kind = ReviewKind::parse(&review.kind).unwrap_or(ReviewKind::First);
    let carried = if kind.live() {
        carried_forward(db, &attempt, &definition.rubric).await?
    } else {
        BTreeMap::new()
    };
    let content = effective(&decode(&review.scores), &carried);
    let scores = content.scores(&definition.rubric);
    let blockers = missing(&definition.rubric, &scores);
    if !blockers.is_empty() {
        return Err(FinalizeError::Missing(
            blockers.into_iter().map(|item| item.message).collect(),
        ));
    }
    let earned = earned(&definition.rubric, &scores);
    let txn = db.begin().await?;
    let result = reviews::Entity::update_many()
        .col_expr(
            reviews::Column::State,
            Expr::value(ReviewState::Final.name()),
        )
        .col_expr(reviews::Column::Scores, Expr::value(encode(&content)))
        .col_expr(reviews::Column::FinalizedAt, Expr::value(Utc::now()))
        .col_expr(reviews::Column::Earned, Expr::value(earned))
        .filter(reviews::Column::Id.eq(review.id))
        .filter(reviews::Column::DraftVersion.eq(version))
        .filter(reviews::Column::State.eq(ReviewState::Open.name()))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        let current = reviews::Entity::find_by_id(review.id)
            .one(&txn)
            .await?
            .map(|review| review.draft_version)
            .unwrap_or(version);
        return Err(FinalizeError::Stale {
            current_version: current,
        });
    }
    let outcome = match kind {
        ReviewKind::Calibration | ReviewKind::Anchor => Finalized::Recorded,
        ReviewKind::Reconcile => {
            release(&txn, &attempt, &content, earned).await?;
            Finalized::Released { earned }
        }
        ReviewKind::First | ReviewKind::Second => {
            let others: Vec<reviews::Model> = reviews::Entity::find()
                .filter(reviews::Column::SubmissionAttemptId.eq(attempt.id))
                .filter(reviews::Column::Id.ne(review.id))
                .filter(
                    reviews::Column::Kind
                        .is_in([ReviewKind::First.name(), ReviewKind::Second.name()]),
                )
                .all(&txn)
                .await?;
            let double = microcredentials::Entity::find()
                .filter(microcredentials::Column::DoubleScoring.eq(true))
                .filter(
                    microcredentials::Column::Id.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(submissions::Column::MicrocredentialId)
                            .from(submissions::Entity)
                            .and_where(submissions::Column::Id.eq(attempt.submission_id))
                            .to_owned(),
                    ),
                )
                .one(&txn)
                .await?
                .is_some();
            if !double && others.is_empty() {
                release(&txn, &attempt, &content, earned).await?;
                Finalized::Released { earned }
            } else {
                match others.first() {
                    Some(other) if other.state == ReviewState::Final.name() => {
                        let other_content = decode(&other.scores);
                        if agree(&definition.rubric, &content, &other_content) {
                            let merged = compose(&definition.rubric, &[&content, &other_content]);
                            release(&txn, &attempt, &merged, earned).await?;
                            Finalized::Released { earned }
                        } else {
                            Finalized::NeedsReconciliation
                        }
                    }
                    _ => Finalized::AwaitingOther,
                }
            }
        }
    };
    txn.commit().await?;
    if let Finalized::Released { earned } = outcome {
        notify_fellow(db, mail, &attempt, earned).await?;
    }
    Ok(outcome)
}

/// Releases the decision of every attempt that waits only for a second review that its
/// micro-credential no longer needs, because staff turned double scoring off after the
/// first review was final. Returns how many were released.
pub async fn settle_single_scored(
    db: &DatabaseConnection,
    mail: &Notifier<'_>,
) -> Result<usize, DbErr> {
    let single_submissions = submissions_scored(false);
    let stranded = submission_attempts::Entity::find()
        .filter(submission_attempts::Column::Outcome.is_null())
        .filter(submission_attempts::Column::SubmissionId.in_subquery(single_submissions))
        .filter(
            submission_attempts::Column::Id.in_subquery(attempts_with_review(
                ReviewKind::First,
                Some(ReviewState::Final),
            )),
        )
        .filter(
            submission_attempts::Column::Id
                .not_in_subquery(attempts_with_review(ReviewKind::Second, None)),
        )
        .all(db)
        .await?;
    let mut released = 0;
    for attempt in stranded {
        let Some(first) = reviews::Entity::find()
            .filter(reviews::Column::SubmissionAttemptId.eq(attempt.id))
            .filter(reviews::Column::Kind.eq(ReviewKind::First.name()))
            .one(db)
            .await?
        else {
            continue;
        };
        let earned = first.earned.unwrap_or(false);
        let txn = db.begin().await?;
        release(&txn, &attempt, &decode(&first.scores), earned).await?;
        txn.commit().await?;
        notify_fellow(db, mail, &attempt, earned).await?;
        released += 1;
    }
    Ok(released)
}

/// Returns whether two reviews give every criterion the same level.
pub fn agree(rubric: &Rubric, first: &ReviewContent, second: &ReviewContent) -> bool {
    criteria(rubric)
        .iter()
        .all(|(_, _, key)| first.level(key) == second.level(key))
}

/// Criteria where two reviews give different levels.
pub fn disagreements(
    rubric: &Rubric,
    first: &ReviewContent,
    second: &ReviewContent,
) -> Vec<String> {
    criteria(rubric)
        .into_iter()
        .filter(|(_, _, key)| first.level(key) != second.level(key))
        .map(|(_, _, key)| key)
        .collect()
}

/// Puts reviews together into one: levels where they agree, each criterion's distinct
/// comments and the distinct overall feedback, in order, with nothing retyped.
pub fn compose(rubric: &Rubric, reviews: &[&ReviewContent]) -> ReviewContent {
    let join = |texts: Vec<&str>| {
        let mut seen: Vec<&str> = Vec::new();
        for text in texts {
            let text = text.trim();
            if !text.is_empty() && !seen.contains(&text) {
                seen.push(text);
            }
        }
        seen.join("\n\n")
    };
    let mut content = ReviewContent::default();
    for (_, _, key) in criteria(rubric) {
        let levels: Vec<Option<&str>> = reviews.iter().map(|review| review.level(&key)).collect();
        if let Some(Some(first)) = levels.first()
            && levels.iter().all(|level| level == &Some(*first))
        {
            content.set(level_field(&key), (*first).to_owned());
        }
        content.set(
            comment_field(&key),
            join(reviews.iter().map(|review| review.comment(&key)).collect()),
        );
    }
    content.set(
        super::content::FEEDBACK.to_owned(),
        join(reviews.iter().map(|review| review.feedback()).collect()),
    );
    content
}

/// Records the decision on the attempt with its scores and turnaround, and moves the
/// submission to earned or not yet.
async fn release(
    db: &impl ConnectionTrait,
    attempt: &submission_attempts::Model,
    content: &ReviewContent,
    earned: bool,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let settings = settings(db).await?;
    let zone = submissions::Entity::find_by_id(attempt.submission_id)
        .one(db)
        .await?
        .map(|submission| submission.cohort_id);
    let zone: chrono_tz::Tz = match zone {
        Some(cohort) => cohorts::Entity::find_by_id(cohort)
            .one(db)
            .await?
            .and_then(|cohort| cohort.time_zone.parse().ok())
            .unwrap_or(chrono_tz::UTC),
        None => chrono_tz::UTC,
    };
    // Counting starts on the first working day on or after the submission, as due
    // dates do, so a decision on its due date is exactly on target.
    let start = due_date(
        attempt.submitted_at.with_timezone(&zone).date_naive(),
        0,
        &settings.holidays,
    );
    let days = business_days_between(
        start,
        now.with_timezone(&zone).date_naive(),
        &settings.holidays,
    );
    let outcome = if earned {
        SubmissionState::Earned
    } else {
        SubmissionState::NotYet
    };
    if earned {
        crate::credentials::store::record_earned(db, attempt, now).await?;
    }
    submission_attempts::Entity::update_many()
        .col_expr(
            submission_attempts::Column::Outcome,
            Expr::value(outcome.name()),
        )
        .col_expr(
            submission_attempts::Column::Feedback,
            Expr::value(content.feedback().to_owned()),
        )
        .col_expr(submission_attempts::Column::DecidedAt, Expr::value(now))
        .col_expr(
            submission_attempts::Column::Scores,
            Expr::value(encode(content)),
        )
        .col_expr(
            submission_attempts::Column::TurnaroundDays,
            Expr::value(days as i32),
        )
        .col_expr(
            submission_attempts::Column::TurnaroundTargetDays,
            Expr::value(settings.turnaround_days as i32),
        )
        .filter(submission_attempts::Column::Id.eq(attempt.id))
        .exec(db)
        .await?;
    submissions::Entity::update_many()
        .col_expr(submissions::Column::State, Expr::value(outcome.name()))
        .filter(submissions::Column::Id.eq(attempt.submission_id))
        .filter(submissions::Column::Attempts.eq(attempt.number))
        .exec(db)
        .await?;
    Ok(())
}

async fn notify_fellow(
    db: &DatabaseConnection,
    mail: &Notifier<'_>,
    attempt: &submission_attempts::Model,
    earned: bool,
) -> Result<(), DbErr> {
    let Some(submission) = submissions::Entity::find_by_id(attempt.submission_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some(fellow) = crate::entities::users::Entity::find_by_id(submission.fellow_user_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let title = definition_of(db, attempt.microcredential_version_id)
        .await
        .map(|definition| definition.title)
        .unwrap_or_else(|_| "your micro-credential".into());
    let verdict = if earned {
        "You earned it. Congratulations!".to_owned()
    } else {
        "Not yet: the reviewers' feedback says what to change, and you can revise and resubmit."
            .to_owned()
    };
    let body = format!(
        "Hello {},\n\nThe reviewers have decided on attempt {} of your submission for {title}.\n\n{verdict}\n\nRead the decision and feedback: {}/submissions/{}\n",
        fellow.display_name, attempt.number, mail.public_url, submission.id
    );
    crate::mail::send(
        db,
        mail.settings,
        &fellow.email,
        &format!("A decision on your submission for {title}"),
        &body,
    )
    .await
}

/// Tells a reviewer that `count` reviews were assigned to them. The message names no
/// submission, so it reveals no fellow, and the queue lists them by code.
pub async fn notify_assigned(
    db: &DatabaseConnection,
    mail: &Notifier<'_>,
    reviewer: i32,
    count: usize,
) -> Result<(), DbErr> {
    let Some(user) = crate::entities::users::Entity::find_by_id(reviewer)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let subject = match count {
        1 => "A submission to review".to_owned(),
        _ => format!("{count} submissions to review"),
    };
    let body = format!(
        "Hello {},\n\n{} assigned to you in TLI Hub. Your review queue lists each by its code, with the date it is due:\n{}/reviews\n",
        user.display_name,
        match count {
            1 => "A submission was".to_owned(),
            _ => format!("{count} submissions were"),
        },
        mail.public_url
    );
    crate::mail::send(db, mail.settings, &user.email, &subject, &body).await
}

/// Returns the fellow's attempt to draft while it waits for a decision, so they can keep
/// working. Open reviews of it are marked withdrawn and keep their scores.
pub async fn withdraw(db: &DatabaseConnection, submission_id: i32) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let moved = submissions::Entity::update_many()
        .col_expr(
            submissions::Column::State,
            Expr::value(SubmissionState::Draft.name()),
        )
        .filter(submissions::Column::Id.eq(submission_id))
        .filter(submissions::Column::State.is_in([
            SubmissionState::Submitted.name(),
            SubmissionState::InReview.name(),
        ]))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Ok(false);
    }
    let Some(latest) =
        crate::portfolio::submission_store::latest_attempt(&txn, submission_id).await?
    else {
        return Ok(false);
    };
    submission_attempts::Entity::update_many()
        .col_expr(submission_attempts::Column::Outcome, Expr::value(WITHDRAWN))
        .col_expr(
            submission_attempts::Column::DecidedAt,
            Expr::value(Utc::now()),
        )
        .filter(submission_attempts::Column::Id.eq(latest.id))
        .exec(&txn)
        .await?;
    reviews::Entity::update_many()
        .col_expr(
            reviews::Column::State,
            Expr::value(ReviewState::Withdrawn.name()),
        )
        .filter(reviews::Column::SubmissionAttemptId.eq(latest.id))
        .filter(reviews::Column::State.eq(ReviewState::Open.name()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// The outcome recorded on an attempt that the fellow withdrew.
pub const WITHDRAWN: &str = "withdrawn";

/// Starts the reconciliation of an attempt whose two reviews disagree, assigned to the
/// lead `lead`, with the reviews' levels where they agree and their comments composed.
/// An existing reconciliation is returned as it is.
pub async fn start_reconciliation(
    db: &DatabaseConnection,
    attempt_id: i32,
    lead: i32,
) -> Result<Option<reviews::Model>, DbErr> {
    let existing = reviews::Entity::find()
        .filter(reviews::Column::SubmissionAttemptId.eq(attempt_id))
        .all(db)
        .await?;
    if let Some(found) = existing
        .iter()
        .find(|review| review.kind == ReviewKind::Reconcile.name())
    {
        return Ok(Some(found.clone()));
    }
    let finals: Vec<&reviews::Model> = existing
        .iter()
        .filter(|review| {
            review.state == ReviewState::Final.name()
                && matches!(
                    ReviewKind::parse(&review.kind),
                    Some(ReviewKind::First | ReviewKind::Second)
                )
        })
        .collect();
    if finals.len() < 2 || finals.iter().any(|review| review.reviewer_user_id == lead) {
        return Ok(None);
    }
    let Some(attempt) = submission_attempts::Entity::find_by_id(attempt_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if attempt.outcome.is_some() {
        return Ok(None);
    }
    let definition = definition_of(db, attempt.microcredential_version_id).await?;
    let contents: Vec<ReviewContent> = finals.iter().map(|review| decode(&review.scores)).collect();
    let composed = compose(
        &definition.rubric,
        &contents.iter().collect::<Vec<&ReviewContent>>(),
    );
    let inserted = new_review(
        &attempt,
        finals[0].fellow_user_id,
        lead,
        ReviewKind::Reconcile,
        Some(lead),
        finals[0].due_on,
        &composed,
    )
    .insert(db)
    .await;
    match inserted {
        Ok(review) => Ok(Some(review)),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(reviews::Entity::find()
                .filter(reviews::Column::SubmissionAttemptId.eq(attempt_id))
                .filter(reviews::Column::Kind.eq(ReviewKind::Reconcile.name()))
                .one(db)
                .await?)
        }
        Err(error) => Err(error),
    }
}

/// Anchors whose agreed scores are final, by micro-credential: anchor attempt and the
/// agreed content.
pub async fn agreed_anchors(
    db: &impl ConnectionTrait,
) -> Result<Vec<(calibration_anchors::Model, ReviewContent)>, DbErr> {
    let anchors = calibration_anchors::Entity::find()
        .order_by_asc(calibration_anchors::Column::Id)
        .all(db)
        .await?;
    let review_ids: Vec<i32> = anchors
        .iter()
        .filter_map(|anchor| anchor.review_id)
        .collect();
    let finals: HashMap<i32, String> = if review_ids.is_empty() {
        HashMap::new()
    } else {
        reviews::Entity::find()
            .filter(reviews::Column::Id.is_in(review_ids))
            .filter(reviews::Column::State.eq(ReviewState::Final.name()))
            .all(db)
            .await?
            .into_iter()
            .map(|review| (review.id, review.scores))
            .collect()
    };
    Ok(anchors
        .into_iter()
        .filter_map(|anchor| {
            let scores = finals.get(&anchor.review_id?)?;
            Some((anchor.clone(), decode(scores)))
        })
        .collect())
}

/// The reason an attempt cannot become an anchor.
#[derive(Debug, PartialEq, Eq)]
pub enum AnchorRejection {
    NotFound,
    /// Only decided attempts become anchors, so live work is never calibration material.
    NotDecided,
    /// The staff member already reviewed the attempt, so their anchor scores would not
    /// be independent (and one person has one review of an attempt).
    AlreadyReviewed,
}

/// Makes decided attempt `attempt_id` an anchor, with an anchor review for `staff` to
/// record the agreed scores in. Returns the anchor review; for an existing anchor, its
/// review.
pub async fn create_anchor(
    db: &DatabaseConnection,
    attempt_id: i32,
    staff: i32,
) -> Result<Result<reviews::Model, AnchorRejection>, DbErr> {
    let Some((attempt, submission)) = attempt_and_submission(db, attempt_id).await? else {
        return Ok(Err(AnchorRejection::NotFound));
    };
    let txn = db.begin().await?;
    let existing = calibration_anchors::Entity::find()
        .filter(calibration_anchors::Column::SubmissionAttemptId.eq(attempt_id))
        .one(&txn)
        .await?;
    if let Some(anchor) = existing {
        let review = match anchor.review_id {
            Some(id) => reviews::Entity::find_by_id(id).one(&txn).await?,
            None => None,
        };
        return Ok(review.ok_or(AnchorRejection::NotFound));
    }
    let decided = matches!(
        attempt.outcome.as_deref().and_then(SubmissionState::parse),
        Some(SubmissionState::Earned | SubmissionState::NotYet)
    );
    if !decided {
        return Ok(Err(AnchorRejection::NotDecided));
    }
    let reviewed = reviews::Entity::find()
        .filter(reviews::Column::SubmissionAttemptId.eq(attempt_id))
        .filter(reviews::Column::ReviewerUserId.eq(staff))
        .count(&txn)
        .await?;
    if reviewed > 0 {
        return Ok(Err(AnchorRejection::AlreadyReviewed));
    }
    let review = new_review(
        &attempt,
        submission.fellow_user_id,
        staff,
        ReviewKind::Anchor,
        Some(staff),
        None,
        &ReviewContent::default(),
    )
    .insert(&txn)
    .await?;
    calibration_anchors::ActiveModel {
        microcredential_id: Set(submission.microcredential_id),
        submission_attempt_id: Set(attempt_id),
        review_id: Set(Some(review.id)),
        created_by_user_id: Set(staff),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Ok(review))
}

/// Gives `reviewer` a calibration review of every agreed anchor they have not scored.
/// Returns how many of their calibration reviews are still open.
pub async fn ensure_calibration(db: &DatabaseConnection, reviewer: i32) -> Result<u64, DbErr> {
    let anchors = agreed_anchors(db).await?;
    if anchors.is_empty() {
        return Ok(0);
    }
    let attempt_ids: Vec<i32> = anchors
        .iter()
        .map(|(anchor, _)| anchor.submission_attempt_id)
        .collect();
    let mine: HashSet<i32> = reviews::Entity::find()
        .select_only()
        .column(reviews::Column::SubmissionAttemptId)
        .filter(reviews::Column::ReviewerUserId.eq(reviewer))
        .filter(reviews::Column::SubmissionAttemptId.is_in(attempt_ids.clone()))
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let attempts: HashMap<i32, submission_attempts::Model> = submission_attempts::Entity::find()
        .filter(submission_attempts::Column::Id.is_in(attempt_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|attempt| (attempt.id, attempt))
        .collect();
    for (anchor, _) in &anchors {
        if mine.contains(&anchor.submission_attempt_id) {
            continue;
        }
        let Some(attempt) = attempts.get(&anchor.submission_attempt_id) else {
            continue;
        };
        let fellow = submissions::Entity::find_by_id(attempt.submission_id)
            .one(db)
            .await?
            .map(|submission| submission.fellow_user_id);
        let Some(fellow) = fellow else { continue };
        if fellow == reviewer {
            continue;
        }
        let inserted = new_review(
            attempt,
            fellow,
            reviewer,
            ReviewKind::Calibration,
            None,
            None,
            &ReviewContent::default(),
        )
        .insert(db)
        .await;
        match inserted {
            Ok(_) => {}
            Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            }
            Err(error) => return Err(error),
        }
    }
    reviews::Entity::find()
        .filter(reviews::Column::ReviewerUserId.eq(reviewer))
        .filter(reviews::Column::Kind.eq(ReviewKind::Calibration.name()))
        .filter(reviews::Column::State.eq(ReviewState::Open.name()))
        .count(db)
        .await
}

/// Returns whether `reviewer` still has calibration to finish before live reviews of
/// micro-credential `microcredential_id`.
pub async fn calibration_pending(
    db: &impl ConnectionTrait,
    reviewer: i32,
    microcredential_id: i32,
) -> Result<bool, DbErr> {
    let anchor_attempts: Vec<i32> = calibration_anchors::Entity::find()
        .select_only()
        .column(calibration_anchors::Column::SubmissionAttemptId)
        .filter(calibration_anchors::Column::MicrocredentialId.eq(microcredential_id))
        .into_tuple()
        .all(db)
        .await?;
    if anchor_attempts.is_empty() {
        return Ok(false);
    }
    let open = reviews::Entity::find()
        .filter(reviews::Column::ReviewerUserId.eq(reviewer))
        .filter(reviews::Column::Kind.eq(ReviewKind::Calibration.name()))
        .filter(reviews::Column::State.eq(ReviewState::Open.name()))
        .filter(reviews::Column::SubmissionAttemptId.is_in(anchor_attempts))
        .count(db)
        .await?;
    Ok(open > 0)
}

/// Pairs of levels for agreement, one per criterion of every final calibration review:
/// the reviewer, the criterion named with its micro-credential, the reviewer's level and
/// the agreed level.
pub async fn calibration_pairs(
    db: &impl ConnectionTrait,
) -> Result<Vec<(i32, String, String, String)>, DbErr> {
    let anchors = agreed_anchors(db).await?;
    if anchors.is_empty() {
        return Ok(Vec::new());
    }
    let attempt_ids: Vec<i32> = anchors
        .iter()
        .map(|(anchor, _)| anchor.submission_attempt_id)
        .collect();
    let versions: HashMap<i32, i32> = submission_attempts::Entity::find()
        .filter(submission_attempts::Column::Id.is_in(attempt_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|attempt| (attempt.id, attempt.microcredential_version_id))
        .collect();
    let mut definitions: HashMap<i32, Definition> = HashMap::new();
    for version in versions.values() {
        if !definitions.contains_key(version) {
            definitions.insert(*version, definition_of(db, *version).await?);
        }
    }
    let agreed: HashMap<i32, ReviewContent> = anchors
        .into_iter()
        .map(|(anchor, content)| (anchor.submission_attempt_id, content))
        .collect();
    let finals = reviews::Entity::find()
        .filter(reviews::Column::Kind.eq(ReviewKind::Calibration.name()))
        .filter(reviews::Column::State.eq(ReviewState::Final.name()))
        .filter(reviews::Column::SubmissionAttemptId.is_in(attempt_ids))
        .all(db)
        .await?;
    let mut pairs = Vec::new();
    for review in finals {
        let (Some(anchor), Some(definition)) = (
            agreed.get(&review.submission_attempt_id),
            versions
                .get(&review.submission_attempt_id)
                .and_then(|version| definitions.get(version)),
        ) else {
            continue;
        };
        let content = decode(&review.scores);
        for (part, index, key) in criteria(&definition.rubric) {
            let criterion = &part.criteria(&definition.rubric)[index];
            if let (Some(mine), Some(theirs)) = (content.level(&key), anchor.level(&key)) {
                pairs.push((
                    review.reviewer_user_id,
                    format!("{}: {}", definition.title, criterion.criterion),
                    mine.to_owned(),
                    theirs.to_owned(),
                ));
            }
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::format::Criterion;

    fn submission(fellow: i32, cohort: i32) -> submissions::Model {
        submissions::Model {
            id: 1,
            cohort_id: cohort,
            fellow_user_id: fellow,
            microcredential_id: 1,
            state: "submitted".into(),
            attempts: 1,
            draft_version: 1,
            draft_content: "{}".into(),
            draft_saved_at: Utc::now(),
            review_code: None,
            created_at: Utc::now(),
        }
    }

    fn settings(exclude: bool) -> Settings {
        Settings {
            turnaround_days: 5,
            exclude_own_cohort: exclude,
            kappa_threshold: 0.6,
            holidays: vec![],
        }
    }

    #[test]
    fn conflict_rules_keep_reviewers_apart() {
        let work = submission(7, 2);
        let roles = |list: &[(i32, &str)]| -> Vec<(i32, String)> {
            list.iter().map(|(c, r)| (*c, r.to_string())).collect()
        };
        let reviewer = roles(&[(1, "reviewer")]);
        assert_eq!(check_eligible(3, &reviewer, &work, &settings(true)), Ok(()));
        assert_eq!(
            check_eligible(7, &roles(&[(1, "reviewer")]), &work, &settings(true)),
            Err(Ineligible::OwnWork)
        );
        assert_eq!(
            check_eligible(3, &roles(&[(2, "coach")]), &work, &settings(false)),
            Err(Ineligible::NotReviewer)
        );
        let coach = roles(&[(1, "reviewer"), (2, "coach")]);
        assert_eq!(
            check_eligible(3, &coach, &work, &settings(false)),
            Err(Ineligible::Coaches)
        );
        let classmate = roles(&[(1, "reviewer"), (2, "fellow")]);
        assert_eq!(
            check_eligible(3, &classmate, &work, &settings(true)),
            Err(Ineligible::SameCohort)
        );
        assert_eq!(
            check_eligible(3, &classmate, &work, &settings(false)),
            Ok(())
        );
    }

    #[test]
    fn second_review_only_when_double_scored() {
        assert_eq!(next_kind(false, &[]), Some(ReviewKind::First));
        assert_eq!(next_kind(false, &[ReviewKind::First]), None);
        assert_eq!(
            next_kind(true, &[ReviewKind::First]),
            Some(ReviewKind::Second)
        );
        assert_eq!(
            next_kind(true, &[ReviewKind::First, ReviewKind::Second]),
            None
        );
    }

    #[test]
    fn holidays_parse_or_explain() {
        assert_eq!(
            parse_holidays("2027-05-31, 2027-01-18\n2027-05-31").unwrap(),
            vec![
                "2027-01-18".parse::<NaiveDate>().unwrap(),
                "2027-05-31".parse().unwrap()
            ]
        );
        let error = parse_holidays("2027-13-01").unwrap_err();
        assert!(error.contains("“2027-13-01” is not a date"), "{error}");
    }

    fn rubric() -> Rubric {
        let criterion = |name: &str| Criterion {
            criterion: name.into(),
            levels: vec!["Pass".into(), "Not Yet".into()],
            passing_level: "Pass".into(),
        };
        Rubric {
            overview: vec![criterion("Clarity")],
            artifacts: vec![criterion("Evidence")],
            reflection: vec![],
        }
    }

    fn content(pairs: &[(&str, &str)]) -> ReviewContent {
        ReviewContent::from_form(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn composing_keeps_both_reviewers_words() {
        let first = content(&[
            ("level_overview_0", "Pass"),
            ("level_artifacts_0", "Not Yet"),
            ("comment_artifacts_0", "Add the meeting notes."),
            ("feedback", "Strong start."),
        ]);
        let second = content(&[
            ("level_overview_0", "Pass"),
            ("level_artifacts_0", "Pass"),
            ("comment_artifacts_0", "Add the meeting notes."),
            ("feedback", "Clear writing."),
        ]);
        assert!(!agree(&rubric(), &first, &second));
        assert_eq!(disagreements(&rubric(), &first, &second), ["artifacts_0"]);
        let merged = compose(&rubric(), &[&first, &second]);
        assert_eq!(merged.level("overview_0"), Some("Pass"));
        assert_eq!(merged.level("artifacts_0"), None, "the lead decides");
        assert_eq!(merged.comment("artifacts_0"), "Add the meeting notes.");
        assert_eq!(merged.feedback(), "Strong start.\n\nClear writing.");
    }

    #[test]
    fn carried_criteria_fill_unless_reopened() {
        let mut carried = BTreeMap::new();
        carried.insert("overview_0".to_owned(), "Pass".to_owned());
        let mine = content(&[("level_artifacts_0", "Pass")]);
        let filled = effective(&mine, &carried);
        assert_eq!(filled.level("overview_0"), Some("Pass"));
        let mut reopened = mine.clone();
        reopened.reopened.push("overview_0".into());
        assert_eq!(effective(&reopened, &carried).level("overview_0"), None);
    }
}
