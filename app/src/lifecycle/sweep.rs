//! The sweep that startup runs: removes unfinished uploads left by a crash, stored
//! files that no row refers to, and export archives past their expiry.
//!
//! Several servers may share one store, and another server's upload stays
//! unreferenced for the moment between storing its file and committing its row. So
//! the sweep only removes what is older than a grace period.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{evidence_items, exports, module_materials};
use crate::storage::FileStorage;

/// Counts of what one sweep removed and kept.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub unfinished_uploads: usize,
    pub unreferenced_files: usize,
    pub expired_exports: usize,
    /// Unreferenced files and unfinished uploads younger than the grace period.
    pub kept_recent: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("listing or removing stored files failed: {0}")]
    Storage(#[from] object_store::Error),
    #[error("reading which files are in use failed: {0}")]
    Database(#[from] DbErr),
}

/// Returns the SHA-256 of every stored file a row refers to.
pub async fn referenced_files(db: &DatabaseConnection) -> Result<HashSet<String>, DbErr> {
    let mut referenced: HashSet<String> = evidence_items::Entity::find()
        .select_only()
        .column(evidence_items::Column::FileSha256)
        .filter(evidence_items::Column::FileSha256.is_not_null())
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    referenced.extend(
        module_materials::Entity::find()
            .select_only()
            .column(module_materials::Column::FileKey)
            .filter(module_materials::Column::FileKey.is_not_null())
            .into_tuple::<String>()
            .all(db)
            .await?,
    );
    Ok(referenced)
}

/// Removes what is unreferenced and older than `cutoff`, and export archives whose
/// expiry has passed by `now`.
pub async fn sweep(
    db: &DatabaseConnection,
    files: &FileStorage,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<SweepReport, SweepError> {
    let mut report = SweepReport::default();

    for upload in files.unfinished_upload_entries().await? {
        if upload.modified < cutoff {
            files.remove_unfinished(&upload.name).await?;
            report.unfinished_uploads += 1;
        } else {
            report.kept_recent += 1;
        }
    }

    // The listing comes before the query, so a file stored after the query started
    // is either referenced by then or younger than the cutoff.
    let blobs = files.blobs().await?;
    let referenced = referenced_files(db).await?;
    for blob in blobs {
        if referenced.contains(&blob.name) {
            continue;
        }
        if blob.modified < cutoff {
            files.remove(&blob.name).await?;
            report.unreferenced_files += 1;
        } else {
            report.kept_recent += 1;
        }
    }

    report.expired_exports = remove_expired_exports(db, files, now).await?;
    Ok(report)
}

/// Removes export rows past their expiry and every archive without a live row.
async fn remove_expired_exports(
    db: &DatabaseConnection,
    files: &FileStorage,
    now: DateTime<Utc>,
) -> Result<usize, SweepError> {
    let removed = exports::Entity::delete_many()
        .filter(exports::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected as usize;
    let live: HashSet<String> = exports::Entity::find()
        .select_only()
        .column(exports::Column::PublicId)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for archive in files.named_under(super::jobs::ARCHIVE_FOLDER).await? {
        let public_id = archive
            .name
            .rsplit('/')
            .next()
            .and_then(|file| file.strip_suffix(".zip"))
            .unwrap_or_default();
        if !live.contains(public_id) {
            files.remove_named(&archive.name).await?;
        }
    }
    Ok(removed)
}
