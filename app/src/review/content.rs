//! The content of a review: a level and a comment for each criterion, and overall feedback,
//! kept as the rubric form's field values so that the form, the autosave and the stored
//! JSON share one shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::scoring::{CriterionScore, Part, Scores};
use crate::program::format::Rubric;

/// Maximum characters in one comment or in the overall feedback.
pub const COMMENT_MAX_CHARS: usize = 20_000;

/// The field of the overall feedback.
pub const FEEDBACK: &str = "feedback";

/// A review's scores and comments.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewContent {
    /// Field name (without the `fields[…]` wrapper) to value: `level_{key}`,
    /// `comment_{key}` and `feedback`.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Criteria that passed in the previous attempt and that a lead reviewer reopened
    /// for scoring again.
    #[serde(default)]
    pub reopened: Vec<String>,
}

/// Returns the key of a criterion: its part and position, such as `overview_0`.
pub fn criterion_key(part: Part, index: usize) -> String {
    let name = match part {
        Part::Overview => "overview",
        Part::Artifacts => "artifacts",
        Part::Reflection => "reflection",
    };
    format!("{name}_{index}")
}

pub fn level_field(key: &str) -> String {
    format!("level_{key}")
}

pub fn comment_field(key: &str) -> String {
    format!("comment_{key}")
}

/// Wraps a field name as the form posts it.
pub fn form_name(field: &str) -> String {
    format!("fields[{field}]")
}

impl ReviewContent {
    pub fn get(&self, field: &str) -> &str {
        self.fields.get(field).map(String::as_str).unwrap_or("")
    }

    pub fn level(&self, key: &str) -> Option<&str> {
        Some(self.get(&level_field(key))).filter(|level| !level.is_empty())
    }

    pub fn comment(&self, key: &str) -> &str {
        self.get(&comment_field(key))
    }

    pub fn feedback(&self) -> &str {
        self.get(FEEDBACK)
    }

    pub fn set(&mut self, field: String, value: String) {
        if value.is_empty() {
            self.fields.remove(&field);
        } else {
            self.fields.insert(field, value);
        }
    }

    /// Keeps only the fields a rubric form has, so that a post cannot store others.
    pub fn from_form(fields: impl IntoIterator<Item = (String, String)>) -> ReviewContent {
        let mut content = ReviewContent::default();
        for (name, value) in fields {
            let known = name == FEEDBACK
                || ((name.starts_with("level_") || name.starts_with("comment_"))
                    && name.len() < 40);
            if known {
                content.set(name, value);
            }
        }
        content
    }

    /// Returns the first field longer than [`COMMENT_MAX_CHARS`] with its length in
    /// characters.
    pub fn too_long(&self) -> Option<(&str, usize)> {
        self.fields.iter().find_map(|(name, value)| {
            let length = value.chars().count();
            (length > COMMENT_MAX_CHARS).then_some((name.as_str(), length))
        })
    }

    /// Describes an over-long field for the person who typed it, naming the criterion.
    pub fn too_long_message(rubric: &Rubric, field: &str, length: usize) -> String {
        let place = criteria(rubric)
            .into_iter()
            .find(|(_, _, key)| comment_field(key) == field)
            .map(|(part, index, _)| {
                format!(
                    "The comment on “{}”",
                    part.criteria(rubric)[index].criterion
                )
            })
            .unwrap_or_else(|| "The overall feedback".to_owned());
        format!(
            "{place} has {length} characters; the limit is {COMMENT_MAX_CHARS}. Shorten it and save again."
        )
    }

    /// Reads the levels and comments in the rubric's order, for the earn rule.
    pub fn scores(&self, rubric: &Rubric) -> Scores {
        let of = |part: Part| -> Vec<CriterionScore> {
            (0..part.criteria(rubric).len())
                .map(|index| {
                    let key = criterion_key(part, index);
                    CriterionScore {
                        level: self.level(&key).map(str::to_owned),
                        comment: self.comment(&key).to_owned(),
                    }
                })
                .collect()
        };
        Scores {
            overview: of(Part::Overview),
            artifacts: of(Part::Artifacts),
            reflection: of(Part::Reflection),
        }
    }
}

/// Lists every criterion of a rubric with its part, position and key, in order.
pub fn criteria(rubric: &Rubric) -> Vec<(Part, usize, String)> {
    Part::ALL
        .into_iter()
        .flat_map(|part| {
            (0..part.criteria(rubric).len())
                .map(move |index| (part, index, criterion_key(part, index)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::format::Criterion;

    #[test]
    fn form_fields_become_scores() {
        let rubric = Rubric {
            overview: vec![Criterion {
                criterion: "Clarity".into(),
                levels: vec!["Pass".into(), "Not Yet".into()],
                passing_level: "Pass".into(),
            }],
            artifacts: vec![],
            reflection: vec![],
        };
        let content = ReviewContent::from_form([
            ("level_overview_0".to_owned(), "Not Yet".to_owned()),
            (
                "comment_overview_0".to_owned(),
                "Answer question 2.".to_owned(),
            ),
            ("feedback".to_owned(), "Close.".to_owned()),
            ("secret".to_owned(), "dropped".to_owned()),
        ]);
        assert_eq!(content.fields.len(), 3);
        let scores = content.scores(&rubric);
        assert_eq!(scores.overview[0].level.as_deref(), Some("Not Yet"));
        assert_eq!(scores.overview[0].comment, "Answer question 2.");
        assert_eq!(
            criteria(&rubric),
            vec![(Part::Overview, 0, "overview_0".to_owned())]
        );
    }

    #[test]
    fn over_long_comments_are_named() {
        let mut content = ReviewContent::default();
        content.set(
            "comment_reflection_1".into(),
            "x".repeat(COMMENT_MAX_CHARS + 1),
        );
        let (field, length) = content.too_long().unwrap();
        assert_eq!(field, "comment_reflection_1");
        assert_eq!(length, COMMENT_MAX_CHARS + 1);
        let rubric = Rubric {
            reflection: vec![
                Criterion {
                    criterion: "Names a change".into(),
                    levels: vec!["Pass".into(), "Not Yet".into()],
                    passing_level: "Pass".into(),
                };
                2
            ],
            ..Rubric::default()
        };
        let message = ReviewContent::too_long_message(&rubric, field, length);
        assert!(
            message.starts_with("The comment on “Names a change” has 20001"),
            "{message}"
        );
    }
}
