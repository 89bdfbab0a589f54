//! The lifecycle of people's data: archives of a fellow's or a cohort's work
//! prepared in the background, deletion on request, and the startup sweep of stored
//! files that nothing refers to.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod archive;
#[cfg(feature = "ssr")]
pub mod erase;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod sweep;

/// How long a finished archive stays available for download, in days.
pub const EXPORT_KEEP_DAYS: i64 = 7;

/// The scope of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// Everything of one person's own.
    Fellow,
    /// A cohort's roster, submitted work, decisions and credentials, for staff.
    Cohort,
}

impl ExportKind {
    pub fn name(self) -> &'static str {
        match self {
            ExportKind::Fellow => "fellow",
            ExportKind::Cohort => "cohort",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "fellow" => Some(ExportKind::Fellow),
            "cohort" => Some(ExportKind::Cohort),
            _ => None,
        }
    }
}

/// The state of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportState {
    Queued,
    Running,
    Ready,
    Failed,
}

impl ExportState {
    pub fn name(self) -> &'static str {
        match self {
            ExportState::Queued => "queued",
            ExportState::Running => "running",
            ExportState::Ready => "ready",
            ExportState::Failed => "failed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "queued" => Some(ExportState::Queued),
            "running" => Some(ExportState::Running),
            "ready" => Some(ExportState::Ready),
            "failed" => Some(ExportState::Failed),
            _ => None,
        }
    }

    /// True while a server still works on the export.
    pub fn in_progress(self) -> bool {
        matches!(self, ExportState::Queued | ExportState::Running)
    }
}

/// One export, as listed for its requester.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportRow {
    pub public_id: String,
    /// "Your data" or the cohort's name.
    pub label: String,
    pub state: ExportState,
    pub steps_done: i32,
    pub steps_total: i32,
    pub size_bytes: Option<i64>,
    pub error: Option<String>,
    /// When it was requested, in the viewer's time zone.
    pub requested: String,
    /// Until when the archive can be downloaded.
    pub expires: Option<String>,
}

/// The "Your data" page: the caller's exports and the cohorts they may export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyDataView {
    pub exports: Vec<ExportRow>,
    /// Cohorts whose work the caller may export, as (id, name).
    pub cohorts: Vec<(i32, String)>,
}

/// A progress reading for the page's live progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressReading {
    pub state: ExportState,
    pub steps_done: i32,
    pub steps_total: i32,
}

/// The rows and files that deleting a person's data will remove, shown before an
/// administrator confirms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeletionPreview {
    pub user_id: i32,
    pub display_name: String,
    pub email: String,
    /// Rows to remove, by what they are, such as ("Evidence items", 12).
    pub counts: Vec<(String, u64)>,
    pub files: u64,
    /// Issued credentials that will be revoked.
    pub credentials: u64,
    /// The reason the data cannot be deleted here, such as staff roles that must go first.
    pub blocked: Option<String>,
    /// When the data was already deleted.
    pub deleted_on: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in [ExportKind::Fellow, ExportKind::Cohort] {
            assert_eq!(ExportKind::parse(kind.name()), Some(kind));
        }
        for state in [
            ExportState::Queued,
            ExportState::Running,
            ExportState::Ready,
            ExportState::Failed,
        ] {
            assert_eq!(ExportState::parse(state.name()), Some(state));
        }
        assert_eq!(ExportState::parse("done"), None);
    }
}

/// Milliseconds between two progress readings on the "Your data" page.
pub const PROGRESS_POLL_MS: i32 = 1_000;

/// Returns the id of the `<progress>` element of export `public_id`.
pub fn bar_id(public_id: &str) -> String {
    format!("export-bar-{public_id}")
}

/// Returns the id of the text that states export `public_id`'s progress.
pub fn text_id(public_id: &str) -> String {
    format!("export-text-{public_id}")
}

/// States an export's progress in words, such as "Preparing: 12 of 40 files".
pub fn progress_text(reading: &ProgressReading) -> String {
    match reading.state {
        ExportState::Queued => "Waiting to start".to_owned(),
        ExportState::Running if reading.steps_total == 0 => "Listing what to include".to_owned(),
        ExportState::Running => format!(
            "Preparing: {} of {} files",
            reading.steps_done, reading.steps_total
        ),
        ExportState::Ready => "Ready".to_owned(),
        ExportState::Failed => "Failed".to_owned(),
    }
}
