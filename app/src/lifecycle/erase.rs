//! Deleting a fellow's data on their request.
//!
//! Everything of theirs goes in one transaction: evidence and its files, submissions
//! with every attempt, their reviews and calibration anchors, choices, ratings,
//! responses, capstone, coaching, attendance, notifications, sessions, exports and
//! memberships. Their discussion posts are emptied and marked deleted, so that other
//! people's replies keep their place.
//!
//! Two things stay, on purpose. Issued credentials are revoked and their signed
//! documents and shown evidence removed, but the rows stay, because a credential's id
//! is its position in the published revocation list: removing it would make copies
//! held elsewhere verify again. The account row stays without name, address or
//! password, so that the audit log, which records the deletion, keeps its references.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, TransactionTrait,
};

use crate::entities::{
    assignment_responses, attendance, audit_log, auth_tokens, calibration_anchors, capstones,
    coaching_meetings, coaching_pairs, coaching_sessions, cohort_memberships, competency_choices,
    credentials, discussion_reads, evidence_items, exports, growth_ratings, material_progress,
    notifications, outbox, post_revisions, posts, reviews, sessions, submission_attempts,
    submissions, users,
};
use crate::storage::FileStorage;

/// Columns referring to a fellow that a deletion removes or empties, as (table,
/// column). Credentials keep the reference to the anonymous account row.
pub const FELLOW_COLUMNS: &[(&str, &str)] = &[
    ("assignment_responses", "fellow_user_id"),
    ("attendance", "user_id"),
    ("auth_tokens", "user_id"),
    ("capstones", "fellow_user_id"),
    ("coaching_pairs", "fellow_user_id"),
    ("coaching_sessions", "fellow_user_id"),
    ("cohort_memberships", "user_id"),
    ("competency_choices", "fellow_user_id"),
    ("credentials", "fellow_user_id"),
    ("discussion_reads", "user_id"),
    ("evidence_items", "owner_user_id"),
    ("exports", "requested_by_user_id"),
    ("exports", "subject_user_id"),
    ("growth_ratings", "fellow_user_id"),
    ("material_progress", "user_id"),
    ("notifications", "user_id"),
    ("posts", "author_user_id"),
    ("reviews", "fellow_user_id"),
    ("sessions", "user_id"),
    ("submissions", "fellow_user_id"),
];

/// Columns that keep referring to the anonymous account row after a deletion: the
/// audit log records who did what, including the deletion itself.
pub const KEPT_COLUMNS: &[(&str, &str)] = &[("audit_log", "actor_user_id")];

/// Columns that only staff fill: a reviewer, coach, facilitator or administrator who
/// acted on someone's record. A deletion refuses people with staff roles, so these
/// never refer to the person being deleted.
pub const STAFF_COLUMNS: &[(&str, &str)] = &[
    ("assignment_responses", "reviewed_by_user_id"),
    ("attendance", "recorded_by_user_id"),
    ("calibration_anchors", "created_by_user_id"),
    ("capstones", "reviewer_user_id"),
    ("coaching_meetings", "recorded_by_user_id"),
    ("coaching_pairs", "coach_user_id"),
    ("coaching_sessions", "coach_user_id"),
    ("credentials", "approved_by_user_id"),
    ("credentials", "revoked_by_user_id"),
    ("growth_ratings", "rated_by_user_id"),
    ("microcredential_versions", "created_by_user_id"),
    ("posts", "hidden_by_user_id"),
    ("reviews", "assigned_by_user_id"),
    ("reviews", "reviewer_user_id"),
];

/// The reason recorded on credentials revoked by a deletion.
pub const REVOKED_REASON: &str = "The earner's data was deleted at their request";

/// The rows, credentials and files a deletion removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    pub counts: Vec<(String, u64)>,
    pub credentials_revoked: u64,
    pub files_removed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum EraseError {
    #[error("there is no such person")]
    NotFound,
    #[error("{0}")]
    Blocked(String),
    #[error("{0}")]
    Database(#[from] DbErr),
}

/// The ids that decide which rows belong to the person.
struct Scope {
    user_id: i32,
    email: String,
    submissions: Vec<i32>,
    attempts: Vec<i32>,
    posts: Vec<i32>,
}

impl Scope {
    async fn of(db: &impl ConnectionTrait, person: &users::Model) -> Result<Scope, DbErr> {
        let submissions: Vec<i32> = submissions::Entity::find()
            .select_only()
            .column(submissions::Column::Id)
            .filter(submissions::Column::FellowUserId.eq(person.id))
            .into_tuple()
            .all(db)
            .await?;
        let attempts = submission_attempts::Entity::find()
            .select_only()
            .column(submission_attempts::Column::Id)
            .filter(submission_attempts::Column::SubmissionId.is_in(submissions.clone()))
            .into_tuple()
            .all(db)
            .await?;
        let posts = posts::Entity::find()
            .select_only()
            .column(posts::Column::Id)
            .filter(posts::Column::AuthorUserId.eq(person.id))
            .into_tuple()
            .all(db)
            .await?;
        Ok(Scope {
            user_id: person.id,
            email: person.email.clone(),
            submissions,
            attempts,
            posts,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Count,
    Delete,
}

async fn tally<E: EntityTrait>(
    db: &impl ConnectionTrait,
    mode: Mode,
    condition: Condition,
) -> Result<u64, DbErr>
where
    E::Model: Sync,
{
    match mode {
        Mode::Count => E::find().filter(condition).count(db).await,
        Mode::Delete => Ok(E::delete_many()
            .filter(condition)
            .exec(db)
            .await?
            .rows_affected),
    }
}

/// Counts or deletes every row of the person's, child rows first, labelled for the
/// confirmation page and the audit log.
async fn each_table(
    db: &impl ConnectionTrait,
    scope: &Scope,
    mode: Mode,
) -> Result<Vec<(String, u64)>, DbErr> {
    let user = scope.user_id;
    let one = |condition: sea_orm::sea_query::SimpleExpr| Condition::all().add(condition);
    let mut counts = Vec::new();
    let mut add = |label: &str, count: u64| counts.push((label.to_owned(), count));

    add(
        "Calibration anchors made from their attempts",
        tally::<calibration_anchors::Entity>(
            db,
            mode,
            one(calibration_anchors::Column::SubmissionAttemptId.is_in(scope.attempts.clone())),
        )
        .await?,
    );
    add(
        "Reviews of their work",
        tally::<reviews::Entity>(db, mode, one(reviews::Column::FellowUserId.eq(user))).await?,
    );
    add(
        "Coaching meetings on their submissions",
        tally::<coaching_meetings::Entity>(
            db,
            mode,
            one(coaching_meetings::Column::SubmissionId.is_in(scope.submissions.clone())),
        )
        .await?,
    );
    add(
        "Coaching sessions",
        tally::<coaching_sessions::Entity>(
            db,
            mode,
            one(coaching_sessions::Column::FellowUserId.eq(user)),
        )
        .await?,
    );
    add(
        "Coaching pairings",
        tally::<coaching_pairs::Entity>(
            db,
            mode,
            one(coaching_pairs::Column::FellowUserId.eq(user)),
        )
        .await?,
    );
    add(
        "Submitted attempts",
        tally::<submission_attempts::Entity>(
            db,
            mode,
            one(submission_attempts::Column::SubmissionId.is_in(scope.submissions.clone())),
        )
        .await?,
    );
    add(
        "Submissions",
        tally::<submissions::Entity>(db, mode, one(submissions::Column::FellowUserId.eq(user)))
            .await?,
    );
    add(
        "Evidence items",
        tally::<evidence_items::Entity>(
            db,
            mode,
            one(evidence_items::Column::OwnerUserId.eq(user)),
        )
        .await?,
    );
    add(
        "Competency choices",
        tally::<competency_choices::Entity>(
            db,
            mode,
            one(competency_choices::Column::FellowUserId.eq(user)),
        )
        .await?,
    );
    add(
        "Growth ratings",
        tally::<growth_ratings::Entity>(
            db,
            mode,
            one(growth_ratings::Column::FellowUserId.eq(user)),
        )
        .await?,
    );
    add(
        "Assignment responses",
        tally::<assignment_responses::Entity>(
            db,
            mode,
            one(assignment_responses::Column::FellowUserId.eq(user)),
        )
        .await?,
    );
    add(
        "Capstone portfolios",
        tally::<capstones::Entity>(db, mode, one(capstones::Column::FellowUserId.eq(user))).await?,
    );
    add(
        "Material progress",
        tally::<material_progress::Entity>(
            db,
            mode,
            one(material_progress::Column::UserId.eq(user)),
        )
        .await?,
    );
    add(
        "Attendance records",
        tally::<attendance::Entity>(db, mode, one(attendance::Column::UserId.eq(user))).await?,
    );
    add(
        "Discussion read markers",
        tally::<discussion_reads::Entity>(db, mode, one(discussion_reads::Column::UserId.eq(user)))
            .await?,
    );
    add(
        "Post revisions",
        tally::<post_revisions::Entity>(
            db,
            mode,
            one(post_revisions::Column::PostId.is_in(scope.posts.clone())),
        )
        .await?,
    );
    add(
        "Notifications",
        tally::<notifications::Entity>(db, mode, one(notifications::Column::UserId.eq(user)))
            .await?,
    );
    add(
        "Emails to them",
        tally::<outbox::Entity>(
            db,
            mode,
            one(outbox::Column::ToAddress.eq(scope.email.clone())),
        )
        .await?,
    );
    add(
        "Exports",
        tally::<exports::Entity>(
            db,
            mode,
            Condition::any()
                .add(exports::Column::SubjectUserId.eq(user))
                .add(exports::Column::RequestedByUserId.eq(user)),
        )
        .await?,
    );
    add(
        "Sign-in links",
        tally::<auth_tokens::Entity>(db, mode, one(auth_tokens::Column::UserId.eq(user))).await?,
    );
    add(
        "Sessions",
        tally::<sessions::Entity>(db, mode, one(sessions::Column::UserId.eq(user))).await?,
    );
    add(
        "Cohort memberships",
        tally::<cohort_memberships::Entity>(
            db,
            mode,
            one(cohort_memberships::Column::UserId.eq(user)),
        )
        .await?,
    );
    Ok(counts)
}

/// Returns why the person's data cannot be deleted here, if it cannot: the page
/// deletes fellows' data, so staff roles and administrator rights must go first.
async fn blocker(
    db: &impl ConnectionTrait,
    person: &users::Model,
) -> Result<Option<String>, DbErr> {
    if person.is_admin {
        return Ok(Some(format!(
            "{} is a program administrator. Remove administrator rights on the Users page first.",
            person.display_name
        )));
    }
    let staff_roles = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::UserId.eq(person.id))
        .filter(cohort_memberships::Column::Role.ne(crate::auth::Role::Fellow.as_str()))
        .count(db)
        .await?;
    if staff_roles > 0 {
        return Ok(Some(format!(
            "{} also holds staff roles (coach, reviewer or facilitator), and their work is part of other people's records. Remove those roles on the Users page first; this page deletes a fellow's data.",
            person.display_name
        )));
    }
    Ok(None)
}

/// Returns what deleting the person's data would remove, or `None` when there is no
/// such person.
pub async fn preview(
    db: &DatabaseConnection,
    user_id: i32,
) -> Result<Option<super::DeletionPreview>, DbErr> {
    let Some(person) = users::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    let scope = Scope::of(db, &person).await?;
    let counts = each_table(db, &scope, Mode::Count).await?;
    let files = evidence_items::Entity::find()
        .filter(evidence_items::Column::OwnerUserId.eq(user_id))
        .filter(evidence_items::Column::FileSha256.is_not_null())
        .count(db)
        .await?;
    let issued = credentials::Entity::find()
        .filter(credentials::Column::FellowUserId.eq(user_id))
        .filter(credentials::Column::RevokedAt.is_null())
        .count(db)
        .await?;
    Ok(Some(super::DeletionPreview {
        user_id,
        blocked: blocker(db, &person).await?,
        display_name: person.display_name,
        email: person.email,
        counts: counts.into_iter().filter(|(_, count)| *count > 0).collect(),
        files,
        credentials: issued,
        deleted_on: person
            .deleted_at
            .map(|at| at.format("%Y-%m-%d").to_string()),
    }))
}

/// Deletes the person's data, revokes their credentials and records the deletion in
/// the audit log, all in one transaction. Then it removes their files that nothing else
/// uses. `confirm_email` must match the person's address, as typed by the administrator.
pub async fn erase(
    db: &DatabaseConnection,
    files: &FileStorage,
    user_id: i32,
    confirm_email: &str,
    actor_user_id: Option<i32>,
    client_address: Option<String>,
    now: DateTime<Utc>,
) -> Result<Erased, EraseError> {
    let txn = db.begin().await?;
    let person = users::Entity::find_by_id(user_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(EraseError::NotFound)?;
    if person.deleted_at.is_some() {
        return Err(EraseError::Blocked(
            "This person's data was already deleted.".into(),
        ));
    }
    if let Some(reason) = blocker(&txn, &person).await? {
        return Err(EraseError::Blocked(reason));
    }
    if !confirm_email
        .trim()
        .eq_ignore_ascii_case(person.email.trim())
    {
        return Err(EraseError::Blocked(format!(
            "The address typed does not match {}'s. Type their email address exactly to confirm.",
            person.display_name
        )));
    }

    let hashes: Vec<String> = evidence_items::Entity::find()
        .select_only()
        .column(evidence_items::Column::FileSha256)
        .filter(evidence_items::Column::OwnerUserId.eq(user_id))
        .filter(evidence_items::Column::FileSha256.is_not_null())
        .into_tuple()
        .all(&txn)
        .await?;
    // The person's own archives, and every cohort archive that lists them.
    let cohorts: Vec<i32> = cohort_memberships::Entity::find()
        .select_only()
        .column(cohort_memberships::Column::CohortId)
        .filter(cohort_memberships::Column::UserId.eq(user_id))
        .into_tuple()
        .all(&txn)
        .await?;
    let archives: Vec<String> = exports::Entity::find()
        .select_only()
        .column(exports::Column::PublicId)
        .filter(
            Condition::any()
                .add(exports::Column::SubjectUserId.eq(user_id))
                .add(exports::Column::RequestedByUserId.eq(user_id))
                .add(exports::Column::CohortId.is_in(cohorts.clone())),
        )
        .into_tuple()
        .all(&txn)
        .await?;
    exports::Entity::delete_many()
        .filter(exports::Column::CohortId.is_in(cohorts))
        .exec(&txn)
        .await?;

    let credentials_revoked = credentials::Entity::update_many()
        .col_expr(credentials::Column::RevokedAt, Expr::value(now))
        .col_expr(
            credentials::Column::RevokedReason,
            Expr::value(REVOKED_REASON),
        )
        .col_expr(
            credentials::Column::RevokedByUserId,
            Expr::value(actor_user_id),
        )
        .filter(credentials::Column::FellowUserId.eq(user_id))
        .filter(credentials::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    credentials::Entity::update_many()
        .col_expr(
            credentials::Column::Document,
            Expr::value(Option::<String>::None),
        )
        .col_expr(credentials::Column::PublicEvidence, Expr::value("[]"))
        .col_expr(
            credentials::Column::SubmissionId,
            Expr::value(Option::<i32>::None),
        )
        .filter(credentials::Column::FellowUserId.eq(user_id))
        .exec(&txn)
        .await?;

    let scope = Scope::of(&txn, &person).await?;
    let mut counts = each_table(&txn, &scope, Mode::Delete).await?;
    let emptied = posts::Entity::update_many()
        .col_expr(posts::Column::Body, Expr::value(""))
        .col_expr(posts::Column::DeletedAt, Expr::value(now))
        .filter(posts::Column::AuthorUserId.eq(user_id))
        .filter(posts::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    counts.push(("Discussion posts emptied".into(), emptied));

    // Earlier audit entries keep what happened, with the address replaced.
    let placeholder = format!("deleted person {user_id}");
    for column in [audit_log::Column::Subject, audit_log::Column::Details] {
        audit_log::Entity::update_many()
            .col_expr(
                column,
                Func::cust("REPLACE")
                    .arg(Expr::col(column))
                    .arg(person.email.clone())
                    .arg(placeholder.clone())
                    .into(),
            )
            .filter(column.contains(person.email.as_str()))
            .exec(&txn)
            .await?;
    }

    users::Entity::update_many()
        .col_expr(
            users::Column::DisplayName,
            Expr::value(format!("Deleted person {user_id}")),
        )
        .col_expr(
            users::Column::Email,
            Expr::value(format!("deleted-{user_id}@deleted.invalid")),
        )
        .col_expr(
            users::Column::EmailNormalized,
            Expr::value(format!("deleted-{user_id}@deleted.invalid")),
        )
        .col_expr(
            users::Column::PasswordHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(users::Column::Disabled, Expr::value(true))
        .col_expr(users::Column::TimeZone, Expr::value(Option::<String>::None))
        .col_expr(
            users::Column::CalendarTokenHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            users::Column::CredentialRecipientUrl,
            Expr::value(Option::<String>::None),
        )
        .col_expr(users::Column::DeletedAt, Expr::value(now))
        .filter(users::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;

    let removed: Vec<String> = counts
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(label, count)| format!("{label}: {count}"))
        .collect();
    crate::audit::record_from(
        &txn,
        crate::audit::AuditEvent {
            actor_user_id,
            action: crate::audit_actions::PERSON_DATA_DELETED,
            subject: format!("user {user_id}"),
            details: format!(
                "deleted on request; credentials revoked: {credentials_revoked}; files: {}; {}",
                hashes.len(),
                removed.join("; ")
            ),
        },
        client_address,
    )
    .await?;
    txn.commit().await?;

    // The rows are gone; a file that cannot be removed now is removed by the next
    // startup sweep, since nothing refers to it any more.
    let mut files_removed = 0;
    for sha256 in hashes {
        match crate::portfolio::evidence_store::blob_in_use(db, &sha256).await {
            Ok(false) => match files.remove(&sha256).await {
                Ok(()) => files_removed += 1,
                Err(error) => {
                    tracing::warn!(error = %error, "removing a deleted person's file failed; the startup sweep retries")
                }
            },
            Ok(true) => {}
            Err(error) => {
                tracing::warn!(error = %error, "checking whether a file is still used failed; the startup sweep retries")
            }
        }
    }
    for public_id in archives {
        if let Err(error) = files
            .remove_named(&super::jobs::archive_name(&public_id))
            .await
        {
            tracing::warn!(error = %error, "removing a deleted person's export failed; the startup sweep retries");
        }
    }
    Ok(Erased {
        counts,
        credentials_revoked,
        files_removed,
    })
}
