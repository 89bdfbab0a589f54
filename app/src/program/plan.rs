//! A fellow's plan as pages show it: competency choices and growth ratings.

use serde::{Deserialize, Serialize};

use super::FrameworkView;
use crate::cohorts::schedule::CohortOverview;

/// A fellow's saved choices; `None` and empty mean not chosen yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceSet {
    pub overarching: Vec<i32>,
    pub pathway_group: Option<i32>,
    pub pathway_competency: Option<i32>,
    pub decc: Option<i32>,
}

impl ChoiceSet {
    /// Returns the chosen competencies in order: overarching, pathway, DECC.
    pub fn competencies(&self) -> Vec<i32> {
        let mut ids = self.overarching.clone();
        ids.extend(self.pathway_competency);
        ids.extend(self.decc);
        ids
    }
}

/// The four points of the year at which fellows rate themselves.
pub const MOMENTS: [(i32, &str, &str); 4] = [
    (1, "start", "Term 1 start"),
    (1, "end", "Term 1 end"),
    (2, "start", "Term 2 start"),
    (2, "end", "Term 2 end"),
];

/// Returns the index in [`MOMENTS`] of a term and moment.
pub fn moment_index(term: i32, moment: &str) -> Option<usize> {
    MOMENTS
        .iter()
        .position(|(t, m, _)| *t == term && *m == moment)
}

/// One growth rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingView {
    pub competency_id: i32,
    pub term: i32,
    pub moment: String,
    /// 1 Emerging to 4 Transforming.
    pub stage: i32,
    /// True for every rating that is not the fellow's own.
    pub by_coach: bool,
    /// `fellow`, `coach` or `administrator`.
    pub rater_role: String,
    pub rater: String,
    pub note: String,
    /// When it was given, in the viewer's zone.
    pub given_at: String,
}

/// A fellow's choices and growth in one cohort, with what the page needs to show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FellowPlan {
    pub fellow_id: i32,
    pub fellow_name: String,
    pub cohort: CohortOverview,
    pub framework: FrameworkView,
    pub choices: ChoiceSet,
    /// Oldest first.
    pub ratings: Vec<RatingView>,
    /// The rating points that take ratings now, as `1-start`, `1-end`…
    pub open_moments: Vec<String>,
}

/// One fellow in the cohort's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FellowRow {
    pub id: i32,
    pub name: String,
    pub first_term: Vec<String>,
    pub pathway: String,
    pub pathway_competency: String,
    pub decc: String,
    pub ratings: usize,
}
