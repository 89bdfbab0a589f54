//! A submission draft's content and the rules shared by the server and the browser:
//! word counts, field names and size limits.

use serde::{Deserialize, Serialize};

/// Maximum characters in one answer or in the reflection. A 2 MB paste is rejected
/// with this number in the message rather than stored.
pub const ANSWER_MAX_CHARS: usize = 60_000;

/// A fellow's written answers and chosen evidence for one micro-credential. Answers and
/// artifacts follow the order of the definition's questions and artifact slots.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftContent {
    #[serde(default)]
    pub answers: Vec<String>,
    /// The evidence chosen for each artifact slot.
    #[serde(default)]
    pub artifacts: Vec<Option<i32>>,
    #[serde(default)]
    pub reflection: String,
    /// Pre-check findings the fellow marked as false alarms, by key.
    #[serde(default)]
    pub dismissed: Vec<String>,
}

impl DraftContent {
    pub fn answer(&self, index: usize) -> &str {
        self.answers.get(index).map(String::as_str).unwrap_or("")
    }

    pub fn artifact(&self, index: usize) -> Option<i32> {
        self.artifacts.get(index).copied().flatten()
    }

    /// Reads the composer's form fields, named without the `fields[…]` wrapper.
    pub fn from_fields<'a>(
        fields: impl IntoIterator<Item = (&'a String, &'a String)>,
    ) -> DraftContent {
        let mut content = DraftContent::default();
        let index_of = |name: &str, prefix: &str| {
            name.strip_prefix(prefix)
                .and_then(|index| index.parse::<usize>().ok())
                .filter(|index| *index < 100)
        };
        for (name, value) in fields {
            if let Some(index) = index_of(name, "answer_") {
                if content.answers.len() <= index {
                    content.answers.resize(index + 1, String::new());
                }
                content.answers[index] = value.clone();
            } else if let Some(index) = index_of(name, "artifact_") {
                if content.artifacts.len() <= index {
                    content.artifacts.resize(index + 1, None);
                }
                content.artifacts[index] = value.parse().ok();
            } else if name == "reflection" {
                content.reflection = value.clone();
            }
        }
        content
    }

    /// Writes the content as the composer's form fields, without the `fields[…]`
    /// wrapper. Empty answers and slots are left out.
    pub fn to_fields(&self) -> std::collections::BTreeMap<String, String> {
        let mut fields = std::collections::BTreeMap::new();
        for (index, answer) in self.answers.iter().enumerate() {
            if !answer.is_empty() {
                fields.insert(format!("answer_{index}"), answer.clone());
            }
        }
        for (index, artifact) in self.artifacts.iter().enumerate() {
            if let Some(id) = artifact {
                fields.insert(format!("artifact_{index}"), id.to_string());
            }
        }
        if !self.reflection.is_empty() {
            fields.insert("reflection".into(), self.reflection.clone());
        }
        fields
    }

    /// Returns the same content with `dismissed` as its dismissed findings; a save
    /// from the composer form keeps the dismissals made through the pre-check so.
    pub fn with_dismissed(mut self, dismissed: &[String]) -> DraftContent {
        self.dismissed = dismissed.to_vec();
        self
    }

    /// Returns a message naming the first text that is too long, if any.
    pub fn too_long(&self) -> Option<(String, String)> {
        let check = |field: String, label: String, text: &str| {
            let length = text.chars().count();
            (length > ANSWER_MAX_CHARS).then(|| {
                (
                    field,
                    format!(
                        "{label} is {length} characters long; an answer can hold at most {ANSWER_MAX_CHARS}. Shorten it, or put long material in a written piece in your evidence library."
                    ),
                )
            })
        };
        self.answers
            .iter()
            .enumerate()
            .find_map(|(index, text)| {
                check(
                    answer_field(index),
                    format!("The answer to question {}", index + 1),
                    text,
                )
            })
            .or_else(|| {
                check(
                    REFLECTION_FIELD.to_owned(),
                    "The reflection".to_owned(),
                    &self.reflection,
                )
            })
    }
}

/// Returns the form field of the answer to question `index` (from 0).
pub fn answer_field(index: usize) -> String {
    format!("fields[answer_{index}]")
}

/// Returns the form field of artifact slot `index` (from 0).
pub fn artifact_field(index: usize) -> String {
    format!("fields[artifact_{index}]")
}

/// The form field of the reflection.
pub const REFLECTION_FIELD: &str = "fields[reflection]";

/// Returns the element id of a form field, for links to the field.
pub fn field_id(field: &str) -> String {
    field
        .trim_start_matches("fields[")
        .trim_end_matches(']')
        .replace('_', "-")
}

/// Counts words the way word processors do: runs of characters between white space
/// that contain a letter or a digit.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .count()
}

/// Returns the word count below which a response is far below the guidance: half the
/// minimum.
pub fn far_below(min_words: u32) -> usize {
    (min_words as usize).div_ceil(2)
}

/// Describes a word count against a question's guidance.
pub fn word_guidance(count: usize, min_words: u32, max_words: u32) -> String {
    let words = if count == 1 { "word" } else { "words" };
    if min_words == 0 && max_words == 0 {
        return format!("{count} {words}");
    }
    let range = if max_words > min_words {
        format!("{min_words}–{max_words}")
    } else {
        format!("at least {min_words}")
    };
    let note = if count < min_words as usize {
        " (below the guidance)"
    } else if max_words > 0 && count > max_words as usize {
        " (above the guidance)"
    } else {
        ""
    };
    format!("{count} {words} of {range} suggested{note}")
}

/// One thing the pre-submission check found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable key; dismissed findings are stored by it.
    pub key: String,
    pub message: String,
    /// The form field to fix, when there is one.
    pub field: Option<String>,
    /// Whether the fellow may dismiss it as a false alarm.
    pub dismissible: bool,
}

/// The pre-submission check's result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Findings to fix (or dismiss) before submitting.
    pub blockers: Vec<Finding>,
    /// Findings that may weaken the submission without blocking it.
    pub warnings: Vec<Finding>,
    /// How many findings the fellow dismissed.
    pub dismissed: usize,
}

impl CheckReport {
    pub fn ready(&self) -> bool {
        self.blockers.is_empty()
    }
}

/// The state of a submission in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubmissionState {
    /// Being written; never submitted, or returned as not yet and being revised.
    Draft,
    /// Submitted and waiting for a reviewer.
    Submitted,
    /// A reviewer is scoring it.
    InReview,
    /// Every criterion passed.
    Earned,
    /// Reviewed, with criteria still to meet; the fellow may resubmit.
    NotYet,
}

impl SubmissionState {
    pub const ALL: [SubmissionState; 5] = [
        SubmissionState::Draft,
        SubmissionState::Submitted,
        SubmissionState::InReview,
        SubmissionState::Earned,
        SubmissionState::NotYet,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SubmissionState::Draft => "draft",
            SubmissionState::Submitted => "submitted",
            SubmissionState::InReview => "in_review",
            SubmissionState::Earned => "earned",
            SubmissionState::NotYet => "not_yet",
        }
    }

    pub fn parse(name: &str) -> Option<SubmissionState> {
        SubmissionState::ALL
            .into_iter()
            .find(|state| state.name() == name)
    }

    /// Returns the label shown to people, which distinguishes a resubmission from a first
    /// submission.
    pub fn label(self, attempts: i32) -> &'static str {
        match self {
            SubmissionState::Draft if attempts > 0 => "Revising",
            SubmissionState::Draft => "Draft",
            SubmissionState::Submitted if attempts > 1 => "Resubmitted",
            SubmissionState::Submitted => "Submitted",
            SubmissionState::InReview => "In review",
            SubmissionState::Earned => "Earned",
            SubmissionState::NotYet => "Not yet",
        }
    }

    /// Returns whether the fellow may edit the draft in this state.
    pub fn editable(self) -> bool {
        matches!(self, SubmissionState::Draft | SubmissionState::NotYet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_between_spaces() {
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("  one two\nthree\t four "), 4);
        assert_eq!(word_count("dash — counts not"), 3);
        assert_eq!(word_count("élèves étudient"), 2);
    }

    #[test]
    fn guidance_names_range_and_shortfall() {
        assert_eq!(
            word_guidance(12, 250, 300),
            "12 words of 250–300 suggested (below the guidance)"
        );
        assert_eq!(
            word_guidance(260, 250, 300),
            "260 words of 250–300 suggested"
        );
        assert_eq!(word_guidance(1, 0, 0), "1 word");
        assert_eq!(far_below(250), 125);
    }

    #[test]
    fn states_round_trip_and_label_resubmissions() {
        for state in SubmissionState::ALL {
            assert_eq!(SubmissionState::parse(state.name()), Some(state));
        }
        assert_eq!(SubmissionState::Submitted.label(2), "Resubmitted");
        assert_eq!(SubmissionState::Draft.label(1), "Revising");
        assert!(!SubmissionState::Submitted.editable());
    }

    #[test]
    fn long_answers_are_named() {
        let content = DraftContent {
            answers: vec!["fine".into(), "x".repeat(ANSWER_MAX_CHARS + 1)],
            ..Default::default()
        };
        let (field, message) = content.too_long().expect("too long");
        assert_eq!(field, "fields[answer_1]");
        assert!(message.contains("question 2"), "{message}");
        assert_eq!(field_id(&field), "answer-1");
    }
}
