//! Reviewing submissions: assignment, the reviewer's queue, blind side-by-side scoring
//! with autosave, double scoring with reconciliation, calibration and the release of
//! decisions to fellows.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod content;
pub mod keys;
pub mod manage_api;
pub mod manage_pages;
pub mod pages;
pub mod scoring;

#[cfg(feature = "ssr")]
pub mod agreement;
#[cfg(feature = "ssr")]
pub mod changes;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod turnaround;

/// The purpose of a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewKind {
    /// The first, or only, review of an attempt.
    First,
    /// The independent second review of a double-scored attempt.
    Second,
    /// A lead reviewer's reconciliation of two reviews that disagree.
    Reconcile,
    /// A reviewer scoring an anchor to calibrate before live work.
    Calibration,
    /// Staff scoring an anchor; the final scores are the agreed ones.
    Anchor,
}

impl ReviewKind {
    pub const ALL: [ReviewKind; 5] = [
        ReviewKind::First,
        ReviewKind::Second,
        ReviewKind::Reconcile,
        ReviewKind::Calibration,
        ReviewKind::Anchor,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ReviewKind::First => "first",
            ReviewKind::Second => "second",
            ReviewKind::Reconcile => "reconcile",
            ReviewKind::Calibration => "calibration",
            ReviewKind::Anchor => "anchor",
        }
    }

    pub fn parse(name: &str) -> Option<ReviewKind> {
        ReviewKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewKind::First => "Review",
            ReviewKind::Second => "Second review",
            ReviewKind::Reconcile => "Reconciliation",
            ReviewKind::Calibration => "Calibration",
            ReviewKind::Anchor => "Anchor scoring",
        }
    }

    /// Returns whether the review decides a fellow's live attempt.
    pub fn live(self) -> bool {
        matches!(
            self,
            ReviewKind::First | ReviewKind::Second | ReviewKind::Reconcile
        )
    }
}

/// The state of a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewState {
    /// Assigned and open for scoring.
    Open,
    /// Finalized; the scores no longer change.
    Final,
    /// The fellow withdrew the attempt; the scores are kept but not used.
    Withdrawn,
}

impl ReviewState {
    pub fn name(self) -> &'static str {
        match self {
            ReviewState::Open => "open",
            ReviewState::Final => "final",
            ReviewState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(name: &str) -> Option<ReviewState> {
        [
            ReviewState::Open,
            ReviewState::Final,
            ReviewState::Withdrawn,
        ]
        .into_iter()
        .find(|state| state.name() == name)
    }
}

/// Returns the page of a review.
pub fn review_path(review_id: i32) -> String {
    format!("/reviews/{review_id}")
}

/// Returns the address reviewers fetch an artifact's file from, which names the file
/// by the submission's code rather than by the fellow's file name.
pub fn artifact_file_url(review_id: i32, position: usize) -> String {
    format!("/reviews/{review_id}/artifacts/{}", position + 1)
}
