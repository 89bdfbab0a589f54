//! Server functions for staff who run reviewing: settings, assignment by hand or by
//! load, reconciliation, calibration anchors and reviewer agreement.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A micro-credential and whether it is double scored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialSetting {
    pub key: String,
    pub title: String,
    pub double_scoring: bool,
}

/// A reviewer with their open reviews.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewerLoad {
    pub id: i32,
    pub name: String,
    pub open: u64,
}

/// An attempt that needs a reviewer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaitingItem {
    pub attempt_id: i32,
    pub code: String,
    pub title: String,
    pub attempt: i32,
    pub due: String,
    /// Reviewers already assigned.
    pub assigned: Vec<String>,
    /// Reviewers who may take it: id and name with their open reviews.
    pub eligible: Vec<(i32, String)>,
}

/// An attempt whose two reviews disagree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReconcileItem {
    pub attempt_id: i32,
    pub code: String,
    pub title: String,
    pub attempt: i32,
    /// The reconciliation under way, if a lead started one.
    pub review_id: Option<i32>,
}

/// Released decisions against the turnaround target.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TurnaroundStats {
    pub released: u64,
    pub on_time: u64,
    /// Business days, the middle value of all released decisions.
    pub median_days: Option<i32>,
}

/// The staff page for reviewing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManageView {
    pub turnaround_days: i32,
    pub exclude_own_cohort: bool,
    pub kappa_percent: i32,
    pub holidays: String,
    pub credentials: Vec<CredentialSetting>,
    pub reviewers: Vec<ReviewerLoad>,
    pub waiting: Vec<WaitingItem>,
    pub waiting_total: u64,
    pub page: u64,
    pub pages: u64,
    pub reconcile: Vec<ReconcileItem>,
    pub reconcile_total: u64,
    pub turnaround: TurnaroundStats,
}

/// Agreement of one reviewer, or on one criterion, with the agreed anchor scores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgreementRow {
    pub label: String,
    pub items: usize,
    pub exact: f64,
    pub kappa: Option<f64>,
    pub flagged: bool,
}

/// An anchor and whether its agreed scores are final.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnchorItem {
    pub code: String,
    pub title: String,
    pub attempt: i32,
    pub review_id: Option<i32>,
    pub agreed: bool,
}

/// A decided attempt that could become an anchor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub attempt_id: i32,
    pub code: String,
    pub title: String,
    pub attempt: i32,
}

/// The calibration page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalibrationView {
    pub anchors: Vec<AnchorItem>,
    pub candidates: Vec<Candidate>,
    pub reviewers: Vec<AgreementRow>,
    pub criteria: Vec<AgreementRow>,
    pub threshold: f64,
}

/// Attempts listed per page of the waiting list.
pub const WAITING_PAGE: u64 = 50;

#[cfg(feature = "ssr")]
mod server {
    use std::collections::{BTreeMap, HashMap};

    use sea_orm::{
        ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
        QuerySelect,
    };

    use super::super::agreement::agreement;
    use super::super::store;
    use super::*;
    use crate::context::db_failure;
    use crate::entities::{
        calibration_anchors, cohort_memberships, reviews, submission_attempts, submissions, users,
    };

    pub async fn names(
        db: &DatabaseConnection,
        ids: &[i32],
    ) -> Result<HashMap<i32, String>, AppError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(users::Entity::find()
            .filter(users::Column::Id.is_in(ids.to_vec()))
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|user| (user.id, user.display_name))
            .collect())
    }

    /// Reads the submissions the attempts belong to, by attempt.
    pub async fn codes(
        db: &DatabaseConnection,
        attempts: &[submission_attempts::Model],
    ) -> Result<HashMap<i32, submissions::Model>, AppError> {
        store::submissions_of(db, attempts)
            .await
            .map_err(db_failure)
    }

    pub async fn manage(db: &DatabaseConnection, page: u64) -> Result<ManageView, AppError> {
        let program = store::program(db).await.map_err(db_failure)?;
        let settings = store::Settings::of(&program);
        let summaries = crate::program::framework_store::list_microcredentials(db)
            .await
            .map_err(db_failure)?;
        let double: HashMap<String, bool> = crate::entities::microcredentials::Entity::find()
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|credential| (credential.key, credential.double_scoring))
            .collect();
        let credentials = summaries
            .into_iter()
            .map(|summary| CredentialSetting {
                double_scoring: double.get(&summary.key).copied().unwrap_or(false),
                key: summary.key,
                title: summary.title,
            })
            .collect();

        let pool = store::reviewers(db).await.map_err(db_failure)?;
        let reviewer_names = names(db, &pool).await?;
        let open: HashMap<i32, u64> = reviews::Entity::find()
            .select_only()
            .column(reviews::Column::ReviewerUserId)
            .column_as(reviews::Column::Id.count(), "open")
            .filter(reviews::Column::State.eq(super::super::ReviewState::Open.name()))
            .group_by(reviews::Column::ReviewerUserId)
            .into_tuple::<(i32, i64)>()
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|(id, count)| (id, count.max(0) as u64))
            .collect();
        let reviewers: Vec<ReviewerLoad> = pool
            .iter()
            .map(|id| ReviewerLoad {
                id: *id,
                name: reviewer_names.get(id).cloned().unwrap_or_default(),
                open: open.get(id).copied().unwrap_or(0),
            })
            .collect();
        let memberships: HashMap<i32, Vec<(i32, String)>> = if pool.is_empty() {
            HashMap::new()
        } else {
            let mut map: HashMap<i32, Vec<(i32, String)>> = HashMap::new();
            for row in cohort_memberships::Entity::find()
                .filter(cohort_memberships::Column::UserId.is_in(pool.clone()))
                .all(db)
                .await
                .map_err(db_failure)?
            {
                map.entry(row.user_id)
                    .or_default()
                    .push((row.cohort_id, row.role));
            }
            map
        };

        let paginator = store::needing_reviewers().paginate(db, WAITING_PAGE);
        let counts = paginator.num_items_and_pages().await.map_err(db_failure)?;
        let pages = counts.number_of_pages.max(1);
        let page = page.clamp(1, pages);
        let attempts = paginator.fetch_page(page - 1).await.map_err(db_failure)?;
        let submissions = codes(db, &attempts).await?;
        let titles = super::super::api::server_titles(
            db,
            attempts
                .iter()
                .map(|attempt| attempt.microcredential_version_id),
        )
        .await?;
        let assigned_rows: Vec<(i32, i32)> = if attempts.is_empty() {
            Vec::new()
        } else {
            reviews::Entity::find()
                .select_only()
                .column(reviews::Column::SubmissionAttemptId)
                .column(reviews::Column::ReviewerUserId)
                .filter(
                    reviews::Column::SubmissionAttemptId.is_in(
                        attempts
                            .iter()
                            .map(|attempt| attempt.id)
                            .collect::<Vec<_>>(),
                    ),
                )
                .into_tuple()
                .all(db)
                .await
                .map_err(db_failure)?
        };
        let zones: HashMap<i32, String> = crate::entities::cohorts::Entity::find()
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|cohort| (cohort.id, cohort.time_zone))
            .collect();
        let waiting = attempts
            .iter()
            .map(|attempt| {
                let submission = submissions.get(&attempt.id);
                let assigned: Vec<i32> = assigned_rows
                    .iter()
                    .filter(|(id, _)| *id == attempt.id)
                    .map(|(_, reviewer)| *reviewer)
                    .collect();
                let eligible = match submission {
                    Some(submission) => pool
                        .iter()
                        .filter(|id| !assigned.contains(id))
                        .filter(|id| {
                            store::check_eligible(
                                **id,
                                memberships.get(id).map(Vec::as_slice).unwrap_or(&[]),
                                submission,
                                &settings,
                            )
                            .is_ok()
                        })
                        .map(|id| {
                            (
                                *id,
                                format!(
                                    "{} ({} open)",
                                    reviewer_names.get(id).cloned().unwrap_or_default(),
                                    open.get(id).copied().unwrap_or(0)
                                ),
                            )
                        })
                        .collect(),
                    None => Vec::new(),
                };
                let zone = submission
                    .and_then(|submission| zones.get(&submission.cohort_id))
                    .cloned()
                    .unwrap_or_default();
                WaitingItem {
                    attempt_id: attempt.id,
                    code: submission.map(store::code_of).unwrap_or_default(),
                    title: titles
                        .get(&attempt.microcredential_version_id)
                        .cloned()
                        .unwrap_or_default(),
                    attempt: attempt.number,
                    due: super::super::api::server_due_text(store::due_on(
                        attempt.submitted_at,
                        &zone,
                        &settings,
                    )),
                    assigned: assigned
                        .iter()
                        .map(|id| reviewer_names.get(id).cloned().unwrap_or_default())
                        .collect(),
                    eligible,
                }
            })
            .collect();

        let reconcile_query = store::needing_reconciliation();
        let reconcile_total = reconcile_query
            .clone()
            .count(db)
            .await
            .map_err(db_failure)?;
        let reconcile_attempts = reconcile_query
            .limit(WAITING_PAGE)
            .all(db)
            .await
            .map_err(db_failure)?;
        let reconcile_codes = codes(db, &reconcile_attempts).await?;
        let reconcile_titles = super::super::api::server_titles(
            db,
            reconcile_attempts
                .iter()
                .map(|attempt| attempt.microcredential_version_id),
        )
        .await?;
        let started: HashMap<i32, i32> = if reconcile_attempts.is_empty() {
            HashMap::new()
        } else {
            reviews::Entity::find()
                .filter(reviews::Column::Kind.eq(super::super::ReviewKind::Reconcile.name()))
                .filter(
                    reviews::Column::SubmissionAttemptId.is_in(
                        reconcile_attempts
                            .iter()
                            .map(|attempt| attempt.id)
                            .collect::<Vec<_>>(),
                    ),
                )
                .all(db)
                .await
                .map_err(db_failure)?
                .into_iter()
                .map(|review| (review.submission_attempt_id, review.id))
                .collect()
        };
        let reconcile = reconcile_attempts
            .iter()
            .map(|attempt| ReconcileItem {
                attempt_id: attempt.id,
                code: reconcile_codes
                    .get(&attempt.id)
                    .map(store::code_of)
                    .unwrap_or_default(),
                title: reconcile_titles
                    .get(&attempt.microcredential_version_id)
                    .cloned()
                    .unwrap_or_default(),
                attempt: attempt.number,
                review_id: started.get(&attempt.id).copied(),
            })
            .collect();

        let mut days: Vec<(i32, i32)> = submission_attempts::Entity::find()
            .select_only()
            .column(submission_attempts::Column::TurnaroundDays)
            .column(submission_attempts::Column::TurnaroundTargetDays)
            .filter(submission_attempts::Column::TurnaroundDays.is_not_null())
            .into_tuple::<(Option<i32>, Option<i32>)>()
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|(days, target)| (days.unwrap_or(0), target.unwrap_or(0)))
            .collect();
        days.sort();
        let turnaround = TurnaroundStats {
            released: days.len() as u64,
            on_time: days.iter().filter(|(days, target)| days <= target).count() as u64,
            median_days: days.get(days.len() / 2).map(|(days, _)| *days),
        };

        Ok(ManageView {
            turnaround_days: program.review_turnaround_days,
            exclude_own_cohort: program.review_exclude_own_cohort,
            kappa_percent: program.calibration_kappa_percent,
            holidays: program.review_holidays,
            credentials,
            reviewers,
            waiting,
            waiting_total: counts.number_of_items,
            page,
            pages,
            reconcile,
            reconcile_total,
            turnaround,
        })
    }

    pub async fn calibration(
        db: &DatabaseConnection,
        staff: i32,
    ) -> Result<CalibrationView, AppError> {
        let settings = store::settings(db).await.map_err(db_failure)?;
        let anchors = calibration_anchors::Entity::find()
            .order_by_asc(calibration_anchors::Column::Id)
            .all(db)
            .await
            .map_err(db_failure)?;
        let agreed: Vec<i32> = store::agreed_anchors(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|(anchor, _)| anchor.id)
            .collect();
        let anchor_attempts: Vec<submission_attempts::Model> = if anchors.is_empty() {
            Vec::new()
        } else {
            submission_attempts::Entity::find()
                .filter(
                    submission_attempts::Column::Id.is_in(
                        anchors
                            .iter()
                            .map(|anchor| anchor.submission_attempt_id)
                            .collect::<Vec<_>>(),
                    ),
                )
                .all(db)
                .await
                .map_err(db_failure)?
        };
        // Attempts the caller reviewed are left out: their anchor scores would not be
        // independent.
        let reviewed_by_caller = sea_orm::sea_query::Query::select()
            .column(reviews::Column::SubmissionAttemptId)
            .from(reviews::Entity)
            .and_where(reviews::Column::ReviewerUserId.eq(staff))
            .to_owned();
        let candidates_rows = submission_attempts::Entity::find()
            .filter(submission_attempts::Column::Outcome.is_in(["earned", "not_yet"]))
            .filter(submission_attempts::Column::Id.not_in_subquery(reviewed_by_caller))
            .order_by_desc(submission_attempts::Column::DecidedAt)
            .limit(30)
            .all(db)
            .await
            .map_err(db_failure)?;
        let mut all = anchor_attempts.clone();
        all.extend(candidates_rows.iter().cloned());
        let submissions = codes(db, &all).await?;
        let titles = super::super::api::server_titles(
            db,
            all.iter().map(|attempt| attempt.microcredential_version_id),
        )
        .await?;
        let describe = |attempt: &submission_attempts::Model| {
            (
                submissions
                    .get(&attempt.id)
                    .map(store::code_of)
                    .unwrap_or_default(),
                titles
                    .get(&attempt.microcredential_version_id)
                    .cloned()
                    .unwrap_or_default(),
            )
        };
        let anchor_items = anchors
            .iter()
            .filter_map(|anchor| {
                let attempt = anchor_attempts
                    .iter()
                    .find(|attempt| attempt.id == anchor.submission_attempt_id)?;
                let (code, title) = describe(attempt);
                Some(AnchorItem {
                    code,
                    title,
                    attempt: attempt.number,
                    review_id: anchor.review_id,
                    agreed: agreed.contains(&anchor.id),
                })
            })
            .collect();
        let candidates = candidates_rows
            .iter()
            .filter(|attempt| {
                !anchors
                    .iter()
                    .any(|anchor| anchor.submission_attempt_id == attempt.id)
            })
            .map(|attempt| {
                let (code, title) = describe(attempt);
                Candidate {
                    attempt_id: attempt.id,
                    code,
                    title,
                    attempt: attempt.number,
                }
            })
            .collect();

        let pairs = store::calibration_pairs(db).await.map_err(db_failure)?;
        let reviewer_ids: Vec<i32> = {
            let mut ids: Vec<i32> = pairs.iter().map(|(id, ..)| *id).collect();
            ids.sort();
            ids.dedup();
            ids
        };
        let reviewer_names = names(db, &reviewer_ids).await?;
        let row = |label: String, levels: Vec<(String, String)>| {
            let result = agreement(&levels)?;
            let measure = result.kappa.unwrap_or(result.exact);
            Some(AgreementRow {
                label,
                items: result.items,
                exact: result.exact,
                kappa: result.kappa,
                flagged: measure < settings.kappa_threshold,
            })
        };
        let mut by_reviewer: BTreeMap<i32, Vec<(String, String)>> = BTreeMap::new();
        // Criteria keep the rubric's order, micro-credential by micro-credential.
        let mut by_criterion: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for (reviewer, criterion, mine, agreed) in pairs {
            by_reviewer
                .entry(reviewer)
                .or_default()
                .push((mine.clone(), agreed.clone()));
            match by_criterion
                .iter_mut()
                .find(|(label, _)| *label == criterion)
            {
                Some((_, levels)) => levels.push((mine, agreed)),
                None => by_criterion.push((criterion, vec![(mine, agreed)])),
            }
        }
        let reviewers = by_reviewer
            .into_iter()
            .filter_map(|(id, levels)| {
                row(reviewer_names.get(&id).cloned().unwrap_or_default(), levels)
            })
            .collect();
        let criteria = by_criterion
            .into_iter()
            .filter_map(|(label, levels)| row(label, levels))
            .collect();
        Ok(CalibrationView {
            anchors: anchor_items,
            candidates,
            reviewers,
            criteria,
            threshold: settings.kappa_threshold,
        })
    }
}

/// Reads the staff page for reviewing, with one page of the attempts that wait for a
/// reviewer.
#[server(prefix = "/api", endpoint = "reviews/manage", input = GetUrl)]
pub async fn get_manage(#[server(default)] page: u64) -> Result<ManageView, AppError> {
    let (_, db) = super::api::server_staff().await?;
    server::manage(&db, page).await
}

/// Reads calibration anchors and reviewers' agreement with them.
#[server(prefix = "/api", endpoint = "reviews/calibration", input = GetUrl)]
pub async fn get_calibration() -> Result<CalibrationView, AppError> {
    let (user, db) = super::api::server_staff().await?;
    server::calibration(&db, user.id).await
}

/// Saves the program's review settings and which micro-credentials are double scored.
#[server(prefix = "/api", endpoint = "reviews/settings")]
pub async fn save_review_settings(
    turnaround_days: String,
    kappa_percent: String,
    #[server(default)] holidays: String,
    #[server(default)] exclude_own_cohort: Option<String>,
    #[server(default)] double: HashMap<String, String>,
) -> Result<(), AppError> {
    use crate::context::{db_failure, fail, redirect_to};
    use crate::entities::{microcredentials, programs};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let (user, db) = super::api::server_staff().await?;
    let days = match turnaround_days.trim().parse::<i32>() {
        Ok(days) if (1..=60).contains(&days) => days,
        _ => {
            return fail(AppError::invalid(
                "turnaround_days",
                format!(
                    "“{}” is not a number of business days from 1 to 60. Write a whole number, such as 10.",
                    turnaround_days.trim()
                ),
            ));
        }
    };
    let kappa = match kappa_percent.trim().parse::<i32>() {
        Ok(kappa) if (0..=100).contains(&kappa) => kappa,
        _ => {
            return fail(AppError::invalid(
                "kappa_percent",
                format!(
                    "“{}” is not a threshold from 0 to 100. Write a whole number such as 60, which flags reviewers whose kappa is below 0.60.",
                    kappa_percent.trim()
                ),
            ));
        }
    };
    let parsed = super::store::parse_holidays(&holidays)
        .map_err(|message| crate::context::reject(AppError::invalid("holidays", message)))?;
    let program = super::store::program(&db).await.map_err(db_failure)?;
    programs::Entity::update_many()
        .col_expr(programs::Column::ReviewTurnaroundDays, Expr::value(days))
        .col_expr(
            programs::Column::CalibrationKappaPercent,
            Expr::value(kappa),
        )
        .col_expr(
            programs::Column::ReviewExcludeOwnCohort,
            Expr::value(exclude_own_cohort.is_some()),
        )
        .col_expr(
            programs::Column::ReviewHolidays,
            Expr::value(
                parsed
                    .iter()
                    .map(|day| day.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        )
        .filter(programs::Column::Id.eq(program.id))
        .exec(&db)
        .await
        .map_err(db_failure)?;
    for credential in microcredentials::Entity::find()
        .filter(microcredentials::Column::ProgramId.eq(program.id))
        .all(&db)
        .await
        .map_err(db_failure)?
    {
        let double_scoring = double.contains_key(&credential.key);
        if double_scoring != credential.double_scoring {
            microcredentials::Entity::update_many()
                .col_expr(
                    microcredentials::Column::DoubleScoring,
                    Expr::value(double_scoring),
                )
                .filter(microcredentials::Column::Id.eq(credential.id))
                .exec(&db)
                .await
                .map_err(db_failure)?;
        }
    }
    // Attempts that waited only for a second review now need none.
    let state = crate::context::app_state()?;
    let notifier = super::store::Notifier::of(&state);
    let released = super::store::settle_single_scored(&db, &notifier)
        .await
        .map_err(db_failure)?;
    super::api::server_audit(
        &db,
        &user,
        crate::audit_actions::REVIEW_SETTINGS_CHANGED,
        "review settings".into(),
        format!(
            "turnaround {days} business days, kappa threshold {kappa}%, {released} decision(s) released"
        ),
    )
    .await;
    redirect_to(&format!(
        "/reviews/manage?done=settings&released={released}"
    ));
    Ok(())
}

/// Assigns an attempt's next review to a reviewer.
#[server(prefix = "/api", endpoint = "reviews/assign")]
pub async fn assign_review(attempt_id: i32, reviewer_id: String) -> Result<(), AppError> {
    use super::store::{AssignError, assign};
    use crate::context::{db_failure, fail, redirect_to};
    let (user, db) = super::api::server_staff().await?;
    let Ok(reviewer) = reviewer_id.trim().parse::<i32>() else {
        return fail(AppError::invalid(
            "reviewer_id",
            "Choose a reviewer from the list, then assign.",
        ));
    };
    match assign(&db, attempt_id, reviewer, user.id).await {
        Ok(review) => {
            super::api::server_audit(
                &db,
                &user,
                crate::audit_actions::REVIEW_ASSIGNED,
                format!("review {}", review.id),
                format!("attempt {attempt_id} to user {reviewer}, {}", review.kind),
            )
            .await;
            let state = crate::context::app_state()?;
            let notifier = super::store::Notifier::of(&state);
            super::store::notify_assigned(&db, &notifier, reviewer, 1)
                .await
                .map_err(db_failure)?;
            redirect_to("/reviews/manage?done=assigned");
            Ok(())
        }
        Err(AssignError::Ineligible(reason)) => {
            fail(AppError::invalid("reviewer_id", reason.message()))
        }
        Err(AssignError::NotWaiting) => fail(AppError::Conflict(
            "This attempt is no longer waiting for a decision: it was decided or withdrawn. Reload the page.".into(),
        )),
        Err(AssignError::Complete) => fail(AppError::Conflict(
            "This attempt has all the reviewers it needs. Reload the page.".into(),
        )),
        Err(AssignError::Db(error)) => fail(db_failure(error)),
    }
}

/// Gives every waiting attempt to the eligible reviewer with the fewest open reviews.
#[server(prefix = "/api", endpoint = "reviews/balance")]
pub async fn balance_reviews() -> Result<(), AppError> {
    use crate::context::{db_failure, redirect_to};
    let (user, db) = super::api::server_staff().await?;
    let outcome = super::store::balance(&db, user.id)
        .await
        .map_err(db_failure)?;
    let state = crate::context::app_state()?;
    let notifier = super::store::Notifier::of(&state);
    for (reviewer, count) in &outcome.by_reviewer {
        super::store::notify_assigned(&db, &notifier, *reviewer, *count)
            .await
            .map_err(db_failure)?;
    }
    super::api::server_audit(
        &db,
        &user,
        crate::audit_actions::REVIEWS_BALANCED,
        "review queue".into(),
        format!(
            "{} assigned, {} without an eligible reviewer",
            outcome.assigned, outcome.unassigned
        ),
    )
    .await;
    redirect_to(&format!(
        "/reviews/manage?balanced={}&unassigned={}",
        outcome.assigned, outcome.unassigned
    ));
    Ok(())
}

/// Starts, or continues, the reconciliation of an attempt whose reviews disagree, with
/// the caller as lead reviewer.
#[server(prefix = "/api", endpoint = "reviews/reconcile")]
pub async fn reconcile(attempt_id: i32) -> Result<(), AppError> {
    use crate::context::{db_failure, fail, redirect_to};
    let (user, db) = super::api::server_staff().await?;
    match super::store::start_reconciliation(&db, attempt_id, user.id)
        .await
        .map_err(db_failure)?
    {
        Some(review) if review.reviewer_user_id == user.id => {
            super::api::server_audit(
                &db,
                &user,
                crate::audit_actions::RECONCILIATION_STARTED,
                format!("review {}", review.id),
                format!("attempt {attempt_id}"),
            )
            .await;
            redirect_to(&super::review_path(review.id));
            Ok(())
        }
        Some(_) => fail(AppError::Conflict(
            "Another lead reviewer is reconciling this attempt already.".into(),
        )),
        None => fail(AppError::Conflict(
            "This attempt does not need reconciling: its reviews are not both final, it was decided already, or you scored it yourself.".into(),
        )),
    }
}

/// Makes a decided attempt a calibration anchor and opens the anchor review in which
/// staff record the agreed scores.
#[server(prefix = "/api", endpoint = "reviews/anchor")]
pub async fn make_anchor(attempt_id: i32) -> Result<(), AppError> {
    use super::store::AnchorRejection;
    use crate::context::{db_failure, fail, redirect_to};
    let (user, db) = super::api::server_staff().await?;
    match super::store::create_anchor(&db, attempt_id, user.id)
        .await
        .map_err(db_failure)?
    {
        Ok(review) => {
            super::api::server_audit(
                &db,
                &user,
                crate::audit_actions::ANCHOR_CREATED,
                format!("review {}", review.id),
                format!("attempt {attempt_id}"),
            )
            .await;
            redirect_to(&super::review_path(review.id));
            Ok(())
        }
        Err(AnchorRejection::NotFound) => fail(AppError::NotFound(
            "There is no such attempt. Reload the calibration page and choose one from its list.".into(),
        )),
        Err(AnchorRejection::NotDecided) => fail(AppError::Conflict(
            "Only decided attempts can become anchors, so that live work is never used for calibration. Choose one from the list of decided submissions.".into(),
        )),
        Err(AnchorRejection::AlreadyReviewed) => fail(AppError::Conflict(
            "You reviewed this attempt yourself, so your anchor scores would not be independent. Ask another lead reviewer to make it an anchor, or choose another attempt.".into(),
        )),
    }
}
