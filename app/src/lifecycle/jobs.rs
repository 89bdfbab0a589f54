//! Export jobs: requested by people, prepared by whichever server claims them first.
//!
//! A job is claimed by one conditional update, so several servers never prepare the
//! same archive. A server that dies mid-way leaves a claim that goes stale after
//! [`STALE_CLAIM_MINUTES`], and another server (or the same one, restarted) takes the
//! job over from the start.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::archive::{self, Audience};
use super::{EXPORT_KEEP_DAYS, ExportKind, ExportState};
use crate::entities::{exports, users};
use crate::storage::FileStorage;

/// The storage folder of finished archives.
pub const ARCHIVE_FOLDER: &str = "exports";
/// Minutes after which a running job's claim counts as abandoned.
pub const STALE_CLAIM_MINUTES: i64 = 10;
/// Minimum time between two progress writes, in milliseconds.
const PROGRESS_INTERVAL_MS: u128 = 250;

/// Returns where a finished archive is stored.
pub fn archive_name(public_id: &str) -> String {
    format!("{ARCHIVE_FOLDER}/{public_id}.zip")
}

/// Queues an export, or returns the one of the same kind and subject still in
/// progress, so that repeated clicks never queue the same work twice.
pub async fn request(
    db: &DatabaseConnection,
    kind: ExportKind,
    requested_by: i32,
    subject_user_id: Option<i32>,
    cohort_id: Option<i32>,
    now: DateTime<Utc>,
) -> Result<exports::Model, DbErr> {
    let mut pending = exports::Entity::find()
        .filter(exports::Column::Kind.eq(kind.name()))
        .filter(exports::Column::RequestedByUserId.eq(requested_by))
        .filter(
            exports::Column::State.is_in([ExportState::Queued.name(), ExportState::Running.name()]),
        );
    pending = match cohort_id {
        Some(cohort_id) => pending.filter(exports::Column::CohortId.eq(cohort_id)),
        None => pending.filter(exports::Column::CohortId.is_null()),
    };
    if let Some(existing) = pending.one(db).await? {
        return Ok(existing);
    }
    exports::ActiveModel {
        public_id: Set(crate::credentials::store::new_public_id()),
        kind: Set(kind.name().to_owned()),
        requested_by_user_id: Set(requested_by),
        subject_user_id: Set(subject_user_id),
        cohort_id: Set(cohort_id),
        state: Set(ExportState::Queued.name().to_owned()),
        steps_done: Set(0),
        steps_total: Set(0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Removes the requester's earlier finished exports of the same kind and cohort, with
/// their archives, so that each person keeps at most one archive of each: repeated
/// requests then cannot fill the storage.
pub async fn remove_superseded(
    db: &DatabaseConnection,
    files: &FileStorage,
    job: &exports::Model,
) -> Result<(), DbErr> {
    let mut older = exports::Entity::find()
        .filter(exports::Column::Kind.eq(job.kind.as_str()))
        .filter(exports::Column::RequestedByUserId.eq(job.requested_by_user_id))
        .filter(exports::Column::Id.ne(job.id))
        .filter(
            exports::Column::State.is_in([ExportState::Ready.name(), ExportState::Failed.name()]),
        );
    older = match job.cohort_id {
        Some(cohort_id) => older.filter(exports::Column::CohortId.eq(cohort_id)),
        None => older.filter(exports::Column::CohortId.is_null()),
    };
    remove(db, files, older.all(db).await?).await
}

/// Removes export rows and their archives. An archive that cannot be removed now is
/// removed by the next startup sweep, because no row refers to it any more.
pub async fn remove(
    db: &DatabaseConnection,
    files: &FileStorage,
    rows: Vec<exports::Model>,
) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    exports::Entity::delete_many()
        .filter(exports::Column::Id.is_in(rows.iter().map(|row| row.id)))
        .exec(db)
        .await?;
    for row in rows {
        if let Err(error) = files.remove_named(&archive_name(&row.public_id)).await {
            tracing::warn!(error = %error, export = row.id, "removing an export archive failed; the startup sweep retries");
        }
    }
    Ok(())
}

/// Claims the oldest waiting job, or one whose claim went stale. Returns `None` when
/// there is nothing to do or another server claimed it first.
pub async fn claim(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Option<exports::Model>, DbErr> {
    let stale = now - Duration::minutes(STALE_CLAIM_MINUTES);
    let claimable = || {
        Condition::any()
            .add(exports::Column::State.eq(ExportState::Queued.name()))
            .add(
                Condition::all()
                    .add(exports::Column::State.eq(ExportState::Running.name()))
                    .add(exports::Column::ClaimedAt.lt(stale)),
            )
    };
    let Some(job) = exports::Entity::find()
        .filter(claimable())
        .order_by_asc(exports::Column::CreatedAt)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let claimed = exports::Entity::update_many()
        .col_expr(
            exports::Column::State,
            Expr::value(ExportState::Running.name()),
        )
        .col_expr(exports::Column::ClaimedAt, Expr::value(now))
        .col_expr(exports::Column::StepsDone, Expr::value(0))
        .filter(exports::Column::Id.eq(job.id))
        .filter(claimable())
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(None);
    }
    Ok(exports::Entity::find_by_id(job.id).one(db).await?)
}

/// Prepares one claimed job: lists its items, writes the ZIP, stores it, and marks
/// the job ready or failed. Progress is written as items are added, and the claim is
/// renewed with it, so a long export is never taken over while it advances.
pub async fn run(
    db: &DatabaseConnection,
    files: &FileStorage,
    public_url: &str,
    scratch_dir: &std::path::Path,
    job: exports::Model,
) -> Result<ExportState, DbErr> {
    let items = match plan(db, public_url, &job).await {
        Ok(items) => items,
        Err(Plan::Database(error)) => return Err(error),
        Err(Plan::Gone(message)) => {
            fail(db, job.id, &message).await?;
            return Ok(ExportState::Failed);
        }
    };
    let total = i32::try_from(items.len()).unwrap_or(i32::MAX);
    set_progress(db, job.id, 0, total).await?;

    let scratch = scratch_dir.join(format!("export-{}.zip", job.public_id));
    let written = write(db, files, &scratch, items, job.id, total).await;
    let stored = match written {
        Ok(size) => files
            .put_file(&archive_name(&job.public_id), &scratch)
            .await
            .map(|()| size)
            .map_err(|error| format!("storing the archive failed: {error}")),
        Err(message) => Err(message),
    };
    if let Err(error) = std::fs::remove_file(&scratch)
        && error.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(error = %error, path = %scratch.display(), "removing an export's scratch file failed");
    }
    match stored {
        Ok(size) => {
            let now = Utc::now();
            exports::Entity::update_many()
                .col_expr(
                    exports::Column::State,
                    Expr::value(ExportState::Ready.name()),
                )
                .col_expr(exports::Column::StepsDone, Expr::value(total))
                .col_expr(
                    exports::Column::SizeBytes,
                    Expr::value(i64::try_from(size).unwrap_or(i64::MAX)),
                )
                .col_expr(exports::Column::FinishedAt, Expr::value(now))
                .col_expr(
                    exports::Column::ExpiresAt,
                    Expr::value(now + Duration::days(EXPORT_KEEP_DAYS)),
                )
                .filter(exports::Column::Id.eq(job.id))
                .exec(db)
                .await?;
            Ok(ExportState::Ready)
        }
        Err(message) => {
            tracing::error!(export = job.id, error = %message, "preparing an export failed");
            fail(
                db,
                job.id,
                "The archive could not be prepared because the server could not read or store a file. Request it again; if it fails again, tell an administrator.",
            )
            .await?;
            Ok(ExportState::Failed)
        }
    }
}

/// Writes the archive, recording progress at most every [`PROGRESS_INTERVAL_MS`].
async fn write(
    db: &DatabaseConnection,
    files: &FileStorage,
    scratch: &std::path::Path,
    items: Vec<archive::Item>,
    job_id: i32,
    total: i32,
) -> Result<u64, String> {
    let mut builder = archive::ZipBuilder::create(scratch)?;
    let mut last_write = std::time::Instant::now();
    for (index, item) in items.into_iter().enumerate() {
        builder.add(item, files).await?;
        if last_write.elapsed().as_millis() >= PROGRESS_INTERVAL_MS {
            last_write = std::time::Instant::now();
            let done = i32::try_from(index + 1).unwrap_or(i32::MAX);
            if let Err(error) = set_progress(db, job_id, done, total).await {
                tracing::warn!(error = %error, export = job_id, "recording export progress failed");
            }
        }
    }
    builder.finish()
}

enum Plan {
    Database(DbErr),
    /// The person or cohort no longer exists, so there is nothing to export.
    Gone(String),
}

impl From<DbErr> for Plan {
    fn from(error: DbErr) -> Self {
        Plan::Database(error)
    }
}

async fn plan(
    db: &DatabaseConnection,
    public_url: &str,
    job: &exports::Model,
) -> Result<Vec<archive::Item>, Plan> {
    match (
        ExportKind::parse(&job.kind),
        job.subject_user_id,
        job.cohort_id,
    ) {
        (Some(ExportKind::Fellow), Some(user_id), _) => {
            let Some(person) = users::Entity::find_by_id(user_id).one(db).await? else {
                return Err(Plan::Gone("The account no longer exists.".into()));
            };
            if person.deleted_at.is_some() {
                return Err(Plan::Gone("This person's data was deleted.".into()));
            }
            let mut items = vec![archive::owner_readme(&person.display_name)];
            items
                .extend(archive::fellow_items(db, public_url, user_id, Audience::Owner, "").await?);
            Ok(items)
        }
        (Some(ExportKind::Cohort), _, Some(cohort_id)) => {
            Ok(archive::cohort_items(db, public_url, cohort_id).await?)
        }
        _ => Err(Plan::Gone("This export names nothing to export.".into())),
    }
}

async fn set_progress(
    db: &DatabaseConnection,
    id: i32,
    done: i32,
    total: i32,
) -> Result<(), DbErr> {
    exports::Entity::update_many()
        .col_expr(exports::Column::StepsDone, Expr::value(done))
        .col_expr(exports::Column::StepsTotal, Expr::value(total))
        .col_expr(exports::Column::ClaimedAt, Expr::value(Utc::now()))
        .filter(exports::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

async fn fail(db: &DatabaseConnection, id: i32, message: &str) -> Result<(), DbErr> {
    exports::Entity::update_many()
        .col_expr(
            exports::Column::State,
            Expr::value(ExportState::Failed.name()),
        )
        .col_expr(exports::Column::Error, Expr::value(message.to_owned()))
        .col_expr(exports::Column::FinishedAt, Expr::value(Utc::now()))
        .col_expr(
            exports::Column::ExpiresAt,
            Expr::value(Utc::now() + Duration::days(EXPORT_KEEP_DAYS)),
        )
        .filter(exports::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Claims and prepares waiting jobs until none is left. Returns how many ran.
pub async fn run_waiting(
    db: &DatabaseConnection,
    files: &FileStorage,
    public_url: &str,
    scratch_dir: &std::path::Path,
) -> Result<usize, DbErr> {
    let mut ran = 0;
    while let Some(job) = claim(db, Utc::now()).await? {
        run(db, files, public_url, scratch_dir, job).await?;
        ran += 1;
    }
    Ok(ran)
}
