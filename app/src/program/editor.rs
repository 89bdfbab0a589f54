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
        .map(|artifact| ArtifactRequirement {
            description: artifact.description.trim().to_owned(),
            evidence_types: artifact
                .ticked()
                .into_iter()
                .filter_map(|(kind, on)| on.then_some(kind))
                .collect(),
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
                .lines()
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
    fn form_skips_blank_rows() {
        let definition = form(
            vec![
                criterion("overview", "Pass\nNot Yet", "Pass"),
                criterion("artifacts", "Pass\n Not Yet", "Pass"),
                criterion(
                    "reflection",
                    "Demonstrated\nProgressing\nNot Met",
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
                criterion("overview", "Pass\nNot Yet", "Great"),
                criterion("artifacts", "Pass\nNot Yet", "Pass"),
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

/// The definition editor's fields as text, as the form shows them: from a saved
/// definition, or from a post that came back with an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditorFields {
    pub title: String,
    pub key_method: String,
    pub method_components: String,
    pub research: String,
    pub resources: String,
    pub questions: Vec<QuestionInput>,
    pub artifacts: Vec<ArtifactInput>,
    pub reflection_prompt: String,
    pub criteria: Vec<CriterionInput>,
}

impl EditorFields {
    pub fn from_definition(definition: &Definition) -> Self {
        let on = |kinds: &[EvidenceType], kind| kinds.contains(&kind).then(|| "on".to_owned());
        let criteria = RUBRIC_PARTS
            .iter()
            .zip(definition.rubric.parts())
            .flat_map(|((part, _), (_, criteria))| {
                criteria.iter().map(move |criterion| CriterionInput {
                    part: (*part).to_owned(),
                    criterion: criterion.criterion.clone(),
                    levels: criterion.levels.join("\n"),
                    passing_level: criterion.passing_level.clone(),
                })
            })
            .collect();
        EditorFields {
            title: definition.title.clone(),
            key_method: definition.key_method.clone(),
            method_components: definition.method_components.join("\n"),
            research: definition.research.clone(),
            resources: definition.resources.join("\n"),
            questions: definition
                .overview_questions
                .iter()
                .map(|question| QuestionInput {
                    prompt: question.prompt.clone(),
                    min_words: question.min_words.to_string(),
                    max_words: question.max_words.to_string(),
                })
                .collect(),
            artifacts: definition
                .artifacts
                .iter()
                .map(|artifact| ArtifactInput {
                    description: artifact.description.clone(),
                    video: on(&artifact.evidence_types, EvidenceType::Video),
                    audio: on(&artifact.evidence_types, EvidenceType::Audio),
                    image: on(&artifact.evidence_types, EvidenceType::Image),
                    written: on(&artifact.evidence_types, EvidenceType::Written),
                    link: on(&artifact.evidence_types, EvidenceType::Link),
                })
                .collect(),
            reflection_prompt: definition.reflection_prompt.clone(),
            criteria,
        }
    }

    /// Reads the fields of a posted editor form, whose rows are named like
    /// `questions[0][prompt]`. Rows keep their posted order.
    pub fn from_posted(form: &crate::request::PostedForm) -> Self {
        use std::collections::BTreeMap;
        let mut questions: BTreeMap<usize, QuestionInput> = BTreeMap::new();
        let mut artifacts: BTreeMap<usize, ArtifactInput> = BTreeMap::new();
        let mut criteria: BTreeMap<usize, CriterionInput> = BTreeMap::new();
        let mut fields = EditorFields::default();
        for (name, value) in &form.fields {
            let value = value.clone();
            if let Some((list, index, part)) = row_field(name) {
                match list {
                    "questions" => {
                        let row = questions.entry(index).or_default();
                        match part {
                            "prompt" => row.prompt = value,
                            "min_words" => row.min_words = value,
                            "max_words" => row.max_words = value,
                            _ => {}
                        }
                    }
                    "artifacts" => {
                        let row = artifacts.entry(index).or_default();
                        match part {
                            "description" => row.description = value,
                            "video" => row.video = Some(value),
                            "audio" => row.audio = Some(value),
                            "image" => row.image = Some(value),
                            "written" => row.written = Some(value),
                            "link" => row.link = Some(value),
                            _ => {}
                        }
                    }
                    "criteria" => {
                        let row = criteria.entry(index).or_default();
                        match part {
                            "part" => row.part = value,
                            "criterion" => row.criterion = value,
                            "levels" => row.levels = value,
                            "passing_level" => row.passing_level = value,
                            _ => {}
                        }
                    }
                    _ => {}
                }
                continue;
            }
            match name.as_str() {
                "title" => fields.title = value,
                "key_method" => fields.key_method = value,
                "method_components" => fields.method_components = value,
                "research" => fields.research = value,
                "resources" => fields.resources = value,
                "reflection_prompt" => fields.reflection_prompt = value,
                _ => {}
            }
        }
        let is_blank_question = |q: &QuestionInput| {
            q.prompt.trim().is_empty()
                && q.min_words.trim().is_empty()
                && q.max_words.trim().is_empty()
        };
        fields.questions = questions
            .into_values()
            .filter(|q| !is_blank_question(q))
            .collect();
        fields.artifacts = artifacts
            .into_values()
            .filter(|a| *a != ArtifactInput::default())
            .collect();
        fields.criteria = criteria
            .into_values()
            .filter(|c| {
                !(c.criterion.trim().is_empty()
                    && c.levels.trim().is_empty()
                    && c.passing_level.trim().is_empty())
            })
            .collect();
        fields
    }
}

/// Splits a row field's name such as `questions[2][prompt]` into its list, index and
/// field.
fn row_field(name: &str) -> Option<(&str, usize, &str)> {
    let (list, rest) = name.split_once('[')?;
    let (index, rest) = rest.split_once("][")?;
    let part = rest.strip_suffix(']')?;
    Some((list, index.parse().ok()?, part))
}

#[cfg(test)]
mod editor_fields_tests {
    use super::*;

    #[test]
    fn from_posted_keeps_row_order() {
        let form = crate::request::PostedForm::parse(
            "/api/microcredential/save",
            "title=T&questions%5B1%5D%5Bprompt%5D=Second&questions%5B0%5D%5Bprompt%5D=First\
             &questions%5B0%5D%5Bmax_words%5D=many&questions%5B2%5D%5Bprompt%5D=\
             &artifacts%5B0%5D%5Bvideo%5D=on&criteria%5B0%5D%5Bpart%5D=overview",
        );
        let fields = EditorFields::from_posted(&form);
        assert_eq!(fields.title, "T");
        let prompts: Vec<&str> = fields.questions.iter().map(|q| q.prompt.as_str()).collect();
        assert_eq!(prompts, ["First", "Second"]);
        assert_eq!(fields.questions[0].max_words, "many");
        assert_eq!(fields.artifacts[0].video.as_deref(), Some("on"));
        assert!(
            fields.criteria.is_empty(),
            "a row with only its part is blank"
        );
    }
}
