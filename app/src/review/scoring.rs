//! The earn rule and what a review needs before it can be finalized: a level for every
//! criterion, and a comment on every criterion that does not pass.

use crate::program::format::{Criterion, Rubric};

/// The three parts of a submission, in the order the rubric lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Overview,
    Artifacts,
    Reflection,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Overview, Part::Artifacts, Part::Reflection];

    pub fn label(self) -> &'static str {
        match self {
            Part::Overview => "Part 1",
            Part::Artifacts => "Part 2",
            Part::Reflection => "Part 3",
        }
    }

    /// Returns this part's criteria in `rubric`.
    pub fn criteria(self, rubric: &Rubric) -> &[Criterion] {
        match self {
            Part::Overview => &rubric.overview,
            Part::Artifacts => &rubric.artifacts,
            Part::Reflection => &rubric.reflection,
        }
    }
}

/// A reviewer's score for one criterion.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CriterionScore {
    /// The chosen level, one of the criterion's levels.
    pub level: Option<String>,
    pub comment: String,
}

/// Scores for every criterion, by part and then in the rubric's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scores {
    pub overview: Vec<CriterionScore>,
    pub artifacts: Vec<CriterionScore>,
    pub reflection: Vec<CriterionScore>,
}

impl Scores {
    fn of(&self, part: Part) -> &[CriterionScore] {
        match part {
            Part::Overview => &self.overview,
            Part::Artifacts => &self.artifacts,
            Part::Reflection => &self.reflection,
        }
    }
}

/// A reason a review cannot be finalized yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    pub part: Part,
    /// The criterion's position in its part, from 0.
    pub index: usize,
    pub message: String,
}

/// Lists what blocks finalizing: criteria without a level, levels the rubric does not
/// have, and criteria that do not pass without a comment. Empty means ready.
pub fn missing(rubric: &Rubric, scores: &Scores) -> Vec<Missing> {
    let mut list = Vec::new();
    for part in Part::ALL {
        for (index, criterion) in part.criteria(rubric).iter().enumerate() {
            let score = scores.of(part).get(index).cloned().unwrap_or_default();
            let place = format!("{}, “{}”", part.label(), criterion.criterion);
            let problem = match &score.level {
                None => Some(format!("{place} has no level yet.")),
                Some(level) if !criterion.levels.contains(level) => Some(format!(
                    "{place} has the level “{level}”, which this rubric does not use. Choose one of: {}.",
                    criterion.levels.join(", ")
                )),
                Some(level)
                    if !criterion.passes(level) && crate::text::is_blank(&score.comment) =>
                {
                    Some(format!(
                        "{place} does not pass, so it needs a comment that tells the fellow what to change."
                    ))
                }
                Some(_) => None,
            };
            if let Some(message) = problem {
                list.push(Missing {
                    part,
                    index,
                    message,
                });
            }
        }
    }
    list
}

/// Applies the earn rule: the credential is earned only when every criterion of every
/// part has a passing level. A rubric without criteria earns nothing.
pub fn earned(rubric: &Rubric, scores: &Scores) -> bool {
    let mut any = false;
    for part in Part::ALL {
        for (index, criterion) in part.criteria(rubric).iter().enumerate() {
            any = true;
            let passes = scores
                .of(part)
                .get(index)
                .and_then(|score| score.level.as_deref())
                .is_some_and(|level| criterion.passes(level));
            if !passes {
                return false;
            }
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(name: &str, levels: &[&str], passing: &str) -> Criterion {
        Criterion {
            criterion: name.into(),
            levels: levels.iter().map(|level| level.to_string()).collect(),
            passing_level: passing.into(),
        }
    }

    fn rubric() -> Rubric {
        Rubric {
            overview: vec![criterion("Clarity", &["Pass", "Not Yet"], "Pass")],
            artifacts: vec![criterion(
                "Evidence",
                &["Demonstrated", "Progressing", "Not Met"],
                "Progressing",
            )],
            reflection: vec![criterion("Insight", &["Pass", "Not Yet"], "Pass")],
        }
    }

    fn score(level: &str, comment: &str) -> CriterionScore {
        CriterionScore {
            level: Some(level.into()),
            comment: comment.into(),
        }
    }

    #[test]
    fn earned_only_when_every_criterion_passes() {
        let all_pass = Scores {
            overview: vec![score("Pass", "")],
            artifacts: vec![score("Progressing", "")],
            reflection: vec![score("Pass", "")],
        };
        assert!(earned(&rubric(), &all_pass));
        let one_short = Scores {
            reflection: vec![score("Not Yet", "Say what you would change.")],
            ..all_pass.clone()
        };
        assert!(!earned(&rubric(), &one_short));
        let unscored = Scores {
            artifacts: vec![],
            ..all_pass
        };
        assert!(!earned(&rubric(), &unscored));
        assert!(!earned(&Rubric::default(), &Scores::default()));
    }

    #[test]
    fn finalizing_needs_levels_and_comments() {
        let scores = Scores {
            overview: vec![CriterionScore::default()],
            artifacts: vec![score("Not Met", "  ")],
            reflection: vec![score("Excellent", "")],
        };
        let list = missing(&rubric(), &scores);
        let messages: Vec<&str> = list.iter().map(|item| item.message.as_str()).collect();
        assert_eq!(list.len(), 3, "{messages:?}");
        assert!(messages[0].contains("Part 1, “Clarity” has no level"));
        assert!(messages[1].contains("Part 2, “Evidence” does not pass"));
        assert!(messages[2].contains("“Excellent”, which this rubric does not use"));
        let ready = Scores {
            overview: vec![score("Not Yet", "Answer question 2 fully.")],
            artifacts: vec![score("Demonstrated", "")],
            reflection: vec![score("Pass", "")],
        };
        assert!(missing(&rubric(), &ready).is_empty());
    }
}
