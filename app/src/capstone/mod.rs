//! The capstone: a fellow defines a leadership project, sets milestones across both
//! terms, assembles a Capstone Portfolio from library evidence with a growth
//! reflection, and submits it for formative review by a coach or facilitator.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;

/// Maximum characters in a project title or a milestone.
pub const TITLE_MAX_CHARS: usize = 200;
/// Maximum characters in the challenge description.
pub const CHALLENGE_MAX_CHARS: usize = 10_000;
/// Maximum characters in the growth reflection or the feedback.
pub const REFLECTION_MAX_CHARS: usize = 60_000;

/// A capstone's review state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// Being written; the fellow may change everything.
    Draft,
    /// Waiting for formative review; locked until a reviewer gives feedback.
    Submitted,
    /// Feedback given. The fellow may revise and submit again.
    Reviewed,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Reviewed => "reviewed",
        }
    }

    pub fn parse(text: &str) -> Option<State> {
        [State::Draft, State::Submitted, State::Reviewed]
            .into_iter()
            .find(|state| state.name() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "Draft",
            State::Submitted => "Submitted for review",
            State::Reviewed => "Reviewed",
        }
    }
}

/// One milestone as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: i32,
    pub term_position: i32,
    pub title: String,
    /// ISO date, or empty.
    pub due_on: String,
    pub done: bool,
}

/// A choice offered in a list: its id, its name and whether it is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i32,
    pub name: String,
    pub chosen: bool,
}

/// One self-assessment or coach rating from the fellow's growth history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrowthEntry {
    pub competency: String,
    /// Such as "Term 1 start".
    pub when: String,
    pub stage: String,
    pub rater: String,
    pub note: String,
}

/// Everything the capstone page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapstoneView {
    pub cohort_id: i32,
    pub fellow_id: i32,
    pub fellow_name: String,
    pub title: String,
    pub challenge: String,
    pub pathways: Vec<Choice>,
    pub collaborators: Vec<Choice>,
    pub evidence: Vec<Choice>,
    pub reflection: String,
    pub milestones: Vec<Milestone>,
    pub growth: Vec<GrowthEntry>,
    pub state: State,
    pub version: i32,
    pub submitted_on: Option<String>,
    pub feedback: Option<String>,
    pub reviewer: Option<String>,
    /// Set on the review page: whether the viewer may give feedback.
    pub can_review: bool,
}

/// One capstone in the staff list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapstoneRow {
    pub fellow_id: i32,
    pub fellow_name: String,
    pub title: String,
    pub state: Option<State>,
    pub submitted_on: Option<String>,
}

/// Lists, as sentences, what still stops a capstone from being submitted. The list
/// is empty when it may be submitted.
pub fn missing_for_submission(view: &CapstoneView) -> Vec<String> {
    let mut missing = Vec::new();
    if view.title.trim().is_empty() {
        missing.push("Give the project a title.".to_owned());
    }
    if view.challenge.trim().is_empty() {
        missing.push("Describe the leadership challenge the project addresses.".to_owned());
    }
    if !view.pathways.iter().any(|pathway| pathway.chosen) {
        missing.push("Choose the pathway the project follows.".to_owned());
    }
    for term in [1, 2] {
        if !view
            .milestones
            .iter()
            .any(|milestone| milestone.term_position == term)
        {
            missing.push(format!("Add at least one milestone in term {term}."));
        }
    }
    if !view.evidence.iter().any(|item| item.chosen) {
        missing.push("Choose at least one piece of evidence for the portfolio.".to_owned());
    }
    if view.reflection.trim().is_empty() {
        missing.push("Write the growth reflection.".to_owned());
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> CapstoneView {
        CapstoneView {
            cohort_id: 1,
            fellow_id: 2,
            fellow_name: "F".into(),
            title: "Family nights".into(),
            challenge: "Families rarely come to school.".into(),
            pathways: vec![Choice {
                id: 1,
                name: "Association".into(),
                chosen: true,
            }],
            collaborators: vec![],
            evidence: vec![Choice {
                id: 3,
                name: "Plan".into(),
                chosen: true,
            }],
            reflection: "I grew.".into(),
            milestones: [1, 2]
                .map(|term| Milestone {
                    id: term,
                    term_position: term,
                    title: "Step".into(),
                    due_on: String::new(),
                    done: false,
                })
                .to_vec(),
            growth: vec![],
            state: State::Draft,
            version: 1,
            submitted_on: None,
            feedback: None,
            reviewer: None,
            can_review: false,
        }
    }

    #[test]
    fn complete_capstone_has_nothing_missing() {
        assert!(missing_for_submission(&view()).is_empty());
    }

    #[test]
    fn missing_parts_are_each_named() {
        let mut empty = view();
        empty.title = " ".into();
        empty.pathways[0].chosen = false;
        empty
            .milestones
            .retain(|milestone| milestone.term_position == 1);
        empty.evidence.clear();
        let missing = missing_for_submission(&empty);
        assert_eq!(
            missing,
            vec![
                "Give the project a title.",
                "Choose the pathway the project follows.",
                "Add at least one milestone in term 2.",
                "Choose at least one piece of evidence for the portfolio.",
            ]
        );
    }

    #[test]
    fn states_round_trip_by_name() {
        for state in [State::Draft, State::Submitted, State::Reviewed] {
            assert_eq!(State::parse(state.name()), Some(state));
        }
        assert_eq!(State::parse("approved"), None);
    }
}
