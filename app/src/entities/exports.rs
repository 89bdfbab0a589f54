//! One requested data export: a fellow's own archive or a whole cohort's, prepared in
//! the background and kept for a limited time.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The random identifier in the download address.
    #[sea_orm(unique)]
    pub public_id: String,
    /// `fellow` or `cohort` (`crate::lifecycle::ExportKind`).
    pub kind: String,
    pub requested_by_user_id: i32,
    /// Whose data a fellow export holds.
    pub subject_user_id: Option<i32>,
    /// The cohort a cohort export holds.
    pub cohort_id: Option<i32>,
    /// `queued`, `running`, `ready` or `failed` (`crate::lifecycle::ExportState`).
    pub state: String,
    pub steps_done: i32,
    pub steps_total: i32,
    pub size_bytes: Option<i64>,
    /// The failure, in words for the person who requested the export.
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    /// When a server started preparing it; a claim older than the stale limit is
    /// taken over by another server.
    pub claimed_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    /// When the archive is removed from storage.
    pub expires_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
