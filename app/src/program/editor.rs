//! Turns the definition editor's form into a definition, and names problems the way
//! the form shows them ("Part 1, question 2") rather than by file path.

use super::format::{
    ArtifactRequirement, Criterion, Definition, EvidenceType, OverviewQuestion, Rubric,
};
use super::framework_api::{ArtifactInput, CriterionInput, QuestionInput};

/// The rubric parts as the form names them, in order.
pub const RUBRIC_PARTS: [(&str, &str); 3] = [
    ("overview", "Part 1: overview"),
    ("artifacts", "Part 2: artifacts"),
    ("reflection", "Part 3: reflection"),
];

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Parses a word count. When it is not a number, the problem is recorded and `fallback`
/// is used, chosen so that the range check adds no second message about it.
fn words(raw: &str, row: usize, which: &str, fallback: u32, problems: &mut Vec<String>) -> u32 {
    match raw.trim().parse::<u32>() {
        Ok(number) => number,
        Err(_) => {
            problems.push(format!(
                "Part 1, question {row}: the {which} word count \"{}\" is not a whole number",
                raw.trim()
            ));
            fallback
        }
    }
}

/// Builds a definition from the editor's fields. Rows left entirely blank are
/// ignored, so the form can offer empty rows for adding.
#[allow(clippy::too_many_arguments)]
pub fn definition_from_form(
    title: String,
    key_method: String,
    method_components: String,
    research: String,
    resources: String,
    questions: Vec<QuestionInput>,
    artifacts: Vec<ArtifactInput>,
    reflection_prompt: String,
    criteria: Vec<CriterionInput>,
) -> Result<Definition, Vec<String>> {
    let mut problems = Vec::new();
    let mut overview_questions = Vec::new();
    for question in questions.into_iter().filter(|q| {
        !(q.prompt.trim().is_empty()
            && q.min_words.trim().is_empty()
            && q.max_words.trim().is_empty())
    }) {
        let row = overview_questions.len() + 1;
        overview_questions.push(OverviewQuestion {
            prompt: question.prompt.trim().to_owned(),
            min_words: words(&question.min_words, row, "lowest", 0, &mut problems),
            max_words: words(
                &question.max_words,
                row,
                "highest",
                super::validate::WORDS_MAX,
                &mut problems,
            ),
        });
    }
    let artifacts: Vec<ArtifactRequirement> = artifacts
        .into_iter()
        .map(|artifact| {
            let ticked = [
                (EvidenceType::Video, artifact.video.is_some()),
                (EvidenceType::Audio, artifact.audio.is_some()),
                (EvidenceType::Image, artifact.image.is_some()),
                (EvidenceType::Written, artifact.written.is_some()),
                (EvidenceType::Link, artifact.link.is_some()),
            ];
            ArtifactRequirement {
                description: artifact.description.trim().to_owned(),
                evidence_types: ticked
                    .into_iter()
                    .filter_map(|(kind, on)| on.then_some(kind))
                    .collect(),
            }
        })
        .filter(|artifact| !artifact.description.is_empty() || !artifact.evidence_types.is_empty())
        .collect();
    let mut rubric = Rubric::default();
    for criterion in criteria.into_iter().filter(|c| {
        !(c.criterion.trim().is_empty()
            && c.levels.trim().is_empty()
            && c.passing_level.trim().is_empty())
    }) {
        let parsed = Criterion {
            criterion: criterion.criterion.trim().to_owned(),
            levels: criterion
                .levels
                .split(',')
                .map(str::trim)
                .filter(|level| !level.is_empty())
                .map(str::to_owned)
                .collect(),
            passing_level: criterion.passing_level.trim().to_owned(),
        };
        match criterion.part.as_str() {
            "overview" => rubric.overview.push(parsed),
            "artifacts" => rubric.artifacts.push(parsed),
            "reflection" => rubric.reflection.push(parsed),
            other => problems.push(format!(
                "a rubric criterion belongs to an unknown part \"{other}\"; reload the page"
            )),
        }
    }
    let definition = Definition {
        title: title.trim().to_owned(),
        key_method: key_method.trim().to_owned(),
        method_components: lines(&method_components),
        research: research.trim().to_owned(),
        resources: lines(&resources),
        overview_questions,
        artifacts,
        reflection_prompt: reflection_prompt.trim().to_owned(),
        rubric,
    };
    if let Err(found) = super::validate::check_definition(&definition) {
        problems.extend(found.iter().map(|problem| describe_location(problem)));
    }
    if problems.is_empty() {
        Ok(definition)
    } else {
        Err(problems)
    }
}

/// Rewrites a problem's location from file path to the names the form uses.
pub fn describe_location(problem: &str) -> String {
    let Some((path, message)) = problem.split_once(": ") else {
        return problem.to_owned();
    };
    let index = |text: &str| -> Option<(String, usize)> {
        let (name, rest) = text.split_once('[')?;
        let number: usize = rest.split(']').next()?.parse().ok()?;
        Some((name.to_owned(), number + 1))
    };
    let mut parts = path.split('.');
    let head = parts.next().unwrap_or_default();
    let place = match index(head) {
        Some((name, n)) if name == "overview_questions" => format!("Part 1, question {n}"),
        Some((name, n)) if name == "artifacts" => format!("Part 2, artifact {n}"),
        Some((name, n)) if name == "method_components" => format!("Method component {n}"),
        Some((name, n)) if name == "resources" => format!("Resource {n}"),
        _ if head == "rubric" => {
            let part = parts.next().unwrap_or_default();
            match index(part) {
                Some((name, n)) => {
                    let label = RUBRIC_PARTS
                        .iter()
                        .find(|(key, _)| *key == name)
                        .map_or(name.as_str(), |(_, label)| label);
                    format!("Rubric, {label}, criterion {n}")
                }
                None => {
                    let label = RUBRIC_PARTS
                        .iter()
                        .find(|(key, _)| *key == part)
                        .map_or(part, |(_, label)| label);
                    format!("Rubric, {label}")
                }
            }
        }
        _ => match head {
            "title" => "Title".to_owned(),
            "key_method" => "Key method".to_owned(),
            "research" => "Research".to_owned(),
            "reflection_prompt" => "Part 3, reflection prompt".to_owned(),
            // Their messages already name the part.
            "overview_questions" | "artifacts" => return message.to_owned(),
            other => other.to_owned(),
        },
    };
    format!("{place}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_read_like_the_form() {
        assert_eq!(
            describe_location("overview_questions[1].min_words: too many"),
            "Part 1, question 2: too many"
        );
        assert_eq!(
            describe_location("rubric.reflection[0].passing_level: wrong"),
            "Rubric, Part 3: reflection, criterion 1: wrong"
        );
        assert_eq!(
            describe_location("rubric.artifacts: empty"),
            "Rubric, Part 2: artifacts: empty"
        );
        assert_eq!(describe_location("title: empty"), "Title: empty");
    }

    fn criterion(part: &str, levels: &str, passing: &str) -> CriterionInput {
        CriterionInput {
            part: part.into(),
            criterion: "Clear".into(),
            levels: levels.into(),
            passing_level: passing.into(),
        }
    }

    fn form(criteria: Vec<CriterionInput>, max_words: &str) -> Result<Definition, Vec<String>> {
        definition_from_form(
            "Communication".into(),
            "Message mapping".into(),
            "Audience\n\n Purpose ".into(),
            String::new(),
            String::new(),
            vec![
                QuestionInput {
                    prompt: "Who is your audience?".into(),
                    min_words: "250".into(),
                    max_words: max_words.into(),
                },
                QuestionInput::default(),
            ],
            vec![
                ArtifactInput {
                    description: "A message you delivered".into(),
                    video: Some("on".into()),
                    ..Default::default()
                },
                ArtifactInput::default(),
            ],
            "What changed?".into(),
            criteria,
        )
    }

    #[test]
    fn blank_rows_are_ignored_and_lists_split_by_line() {
        let definition = form(
            vec![
                criterion("overview", "Pass, Not Yet", "Pass"),
                criterion("artifacts", "Pass,Not Yet", "Pass"),
                criterion(
                    "reflection",
                    "Demonstrated, Progressing, Not Met",
                    "Demonstrated",
                ),
                CriterionInput {
                    part: "reflection".into(),
                    ..Default::default()
                },
            ],
            "300",
        )
        .unwrap();
        assert_eq!(definition.method_components, ["Audience", "Purpose"]);
        assert_eq!(definition.overview_questions.len(), 1);
        assert_eq!(
            definition.artifacts[0].evidence_types,
            [EvidenceType::Video]
        );
        assert_eq!(definition.rubric.reflection[0].levels.len(), 3);
    }

    #[test]
    fn problems_name_the_form_rows() {
        let problems = form(
            vec![
                criterion("overview", "Pass, Not Yet", "Great"),
                criterion("artifacts", "Pass, Not Yet", "Pass"),
            ],
            "lots",
        )
        .unwrap_err();
        let text = problems.join("\n");
        assert!(
            text.contains("Part 1, question 1: the highest word count \"lots\""),
            "{text}"
        );
        assert!(
            text.contains("Rubric, Part 1: overview, criterion 1"),
            "{text}"
        );
        assert!(
            text.contains("Rubric, Part 3: reflection: each part"),
            "{text}"
        );
    }
}
