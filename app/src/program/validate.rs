//! Checks a framework file or a single definition before anything is saved. Each
//! problem is reported with where it is, as in `groups[2].competencies[0].key`.

use std::collections::HashSet;

use super::format::{Criterion, Definition, FORMAT_NAME, FrameworkFile, GroupKind, SCHEMA_VERSION};

/// Maximum lengths of a key, and of a name or title, in characters.
pub const KEY_MAX_CHARS: usize = 64;
pub const NAME_MAX_CHARS: usize = 200;
/// Maximum length of a text field, in characters.
pub const TEXT_MAX_CHARS: usize = 20_000;
/// Highest word guidance accepted for an overview question.
pub const WORDS_MAX: u32 = 5_000;

pub use crate::text::{is_blank, is_one_line};

/// Collects problems, each with its location.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, at: &str, message: impl std::fmt::Display) {
        if at.is_empty() {
            self.0.push(message.to_string());
        } else {
            self.0.push(format!("{at}: {message}"));
        }
    }

    fn name(&mut self, at: &str, text: &str, what: &str) {
        if is_blank(text) {
            self.add(at, format!("the {what} is empty; enter one"));
        } else if text.chars().count() > NAME_MAX_CHARS {
            self.add(
                at,
                format!("the {what} is longer than {NAME_MAX_CHARS} characters; shorten it"),
            );
        } else if !is_one_line(text) {
            self.add(at, format!("the {what} must fit on one line"));
        }
    }

    fn required_text(&mut self, at: &str, text: &str, what: &str) {
        if is_blank(text) {
            self.add(at, format!("the {what} is empty; write it"));
        } else {
            self.optional_text(at, text, what);
        }
    }

    fn optional_text(&mut self, at: &str, text: &str, what: &str) {
        if text.chars().count() > TEXT_MAX_CHARS {
            self.add(
                at,
                format!("the {what} is longer than {TEXT_MAX_CHARS} characters; shorten it"),
            );
        } else if text.contains('\0') {
            self.add(
                at,
                format!("the {what} contains a NUL character (\\u0000); remove it"),
            );
        }
    }

    fn key(&mut self, at: &str, key: &str, seen: &mut HashSet<String>, what: &str) {
        let well_formed = !key.is_empty()
            && key.len() <= KEY_MAX_CHARS
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !well_formed {
            self.add(
                at,
                format!(
                    "\"{key}\" is not a valid {what} key; use 1 to {KEY_MAX_CHARS} lower-case letters, digits and hyphens, such as \"group-processes\""
                ),
            );
        } else if !seen.insert(key.to_owned()) {
            self.add(
                at,
                format!("the {what} key \"{key}\" is used twice; give each {what} its own key"),
            );
        }
    }
}

/// Checks a whole framework file. Returns every problem found, or `Ok` when the file
/// can be imported.
pub fn check_file(file: &FrameworkFile) -> Result<(), Vec<String>> {
    let mut problems = Problems::default();
    if file.format != FORMAT_NAME {
        problems.add(
            "format",
            format!(
                "this is not a TLI Hub framework file: \"format\" must be \"{FORMAT_NAME}\", not \"{}\"",
                file.format
            ),
        );
        return Err(problems.0);
    }
    if file.schema_version != SCHEMA_VERSION {
        problems.add(
            "schema_version",
            format!(
                "schema version {} is not supported; this TLI Hub reads version {SCHEMA_VERSION}. Export a fresh file from the TLI Hub that made it, or update TLI Hub",
                file.schema_version
            ),
        );
        return Err(problems.0);
    }
    problems.name("name", &file.name, "framework name");

    let mut group_keys = HashSet::new();
    let mut competency_keys = HashSet::new();
    let count_of = |kind: GroupKind| file.groups.iter().filter(|g| g.kind == kind).count();
    if count_of(GroupKind::Overarching) != 1 {
        problems.add(
            "groups",
            "the framework needs exactly one group of kind \"overarching\"",
        );
    }
    if count_of(GroupKind::Pathway) == 0 {
        problems.add(
            "groups",
            "the framework needs at least one group of kind \"pathway\"",
        );
    }
    if count_of(GroupKind::Decc) != 1 {
        problems.add(
            "groups",
            "the framework needs exactly one group of kind \"decc\" for the DECC focus areas",
        );
    }
    for (g, group) in file.groups.iter().enumerate() {
        let at = format!("groups[{g}]");
        problems.key(&format!("{at}.key"), &group.key, &mut group_keys, "group");
        problems.name(&format!("{at}.name"), &group.name, "group name");
        problems.optional_text(
            &format!("{at}.description"),
            &group.description,
            "description",
        );
        let needed = if group.kind == GroupKind::Overarching {
            2
        } else {
            1
        };
        if group.competencies.len() < needed {
            problems.add(
                &format!("{at}.competencies"),
                format!(
                    "the group \"{}\" needs at least {needed} competenc{} so that fellows can choose",
                    group.name,
                    if needed == 1 { "y" } else { "ies" }
                ),
            );
        }
        for (c, competency) in group.competencies.iter().enumerate() {
            let at = format!("{at}.competencies[{c}]");
            problems.key(
                &format!("{at}.key"),
                &competency.key,
                &mut competency_keys,
                "competency",
            );
            problems.name(&format!("{at}.name"), &competency.name, "competency name");
            problems.optional_text(
                &format!("{at}.description"),
                &competency.description,
                "description",
            );
            for (stage, text) in super::format::STAGES
                .iter()
                .zip(competency.stages.in_order())
            {
                problems.optional_text(
                    &format!("{at}.stages.{}", stage.to_lowercase()),
                    text,
                    "stage descriptor",
                );
            }
        }
    }

    let mut credential_keys = HashSet::new();
    for (m, entry) in file.microcredentials.iter().enumerate() {
        let at = format!("microcredentials[{m}]");
        problems.key(
            &format!("{at}.key"),
            &entry.key,
            &mut credential_keys,
            "micro-credential",
        );
        if !competency_keys.contains(&entry.competency) {
            problems.add(
                &format!("{at}.competency"),
                format!(
                    "no competency has the key \"{}\"; use the key of a competency in \"groups\"",
                    entry.competency
                ),
            );
        }
        check_definition_into(
            &mut problems,
            &format!("{at}.definition"),
            &entry.definition,
        );
    }
    if problems.0.is_empty() {
        Ok(())
    } else {
        Err(problems.0)
    }
}

/// Checks one micro-credential definition, as the editor saves it.
pub fn check_definition(definition: &Definition) -> Result<(), Vec<String>> {
    let mut problems = Problems::default();
    check_definition_into(&mut problems, "", definition);
    if problems.0.is_empty() {
        Ok(())
    } else {
        Err(problems.0)
    }
}

fn join(at: &str, field: &str) -> String {
    if at.is_empty() {
        field.to_owned()
    } else {
        format!("{at}.{field}")
    }
}

fn check_definition_into(problems: &mut Problems, at: &str, definition: &Definition) {
    problems.name(&join(at, "title"), &definition.title, "title");
    problems.required_text(
        &join(at, "key_method"),
        &definition.key_method,
        "key method",
    );
    for (i, component) in definition.method_components.iter().enumerate() {
        let here = join(at, &format!("method_components[{i}]"));
        problems.required_text(&here, component, "method component");
        if !is_one_line(component) {
            problems.add(&here, "each method component must fit on one line");
        }
    }
    problems.optional_text(&join(at, "research"), &definition.research, "research");
    for (i, resource) in definition.resources.iter().enumerate() {
        let here = join(at, &format!("resources[{i}]"));
        problems.required_text(&here, resource, "resource");
        if !is_one_line(resource) {
            problems.add(&here, "each resource must fit on one line");
        }
    }
    if definition.overview_questions.is_empty() {
        problems.add(
            &join(at, "overview_questions"),
            "Part 1 needs at least one overview question",
        );
    }
    for (i, question) in definition.overview_questions.iter().enumerate() {
        let here = join(at, &format!("overview_questions[{i}]"));
        problems.required_text(&format!("{here}.prompt"), &question.prompt, "question");
        if question.max_words == 0 || question.max_words > WORDS_MAX {
            problems.add(
                &format!("{here}.max_words"),
                format!("the word guidance must end between 1 and {WORDS_MAX} words"),
            );
        } else if question.min_words > question.max_words {
            problems.add(
                &format!("{here}.min_words"),
                format!(
                    "the word guidance starts at {} but ends at {}; the first number must not be larger",
                    question.min_words, question.max_words
                ),
            );
        }
    }
    if definition.artifacts.is_empty() {
        problems.add(
            &join(at, "artifacts"),
            "Part 2 needs at least one artifact requirement",
        );
    }
    for (i, artifact) in definition.artifacts.iter().enumerate() {
        let here = join(at, &format!("artifacts[{i}]"));
        problems.required_text(
            &format!("{here}.description"),
            &artifact.description,
            "artifact description",
        );
        if artifact.evidence_types.is_empty() {
            problems.add(
                &format!("{here}.evidence_types"),
                "allow at least one evidence type: video, audio, image, written or link",
            );
        }
        let distinct: HashSet<_> = artifact.evidence_types.iter().collect();
        if distinct.len() != artifact.evidence_types.len() {
            problems.add(
                &format!("{here}.evidence_types"),
                "an evidence type is listed twice; list each once",
            );
        }
    }
    problems.required_text(
        &join(at, "reflection_prompt"),
        &definition.reflection_prompt,
        "reflection prompt",
    );
    for (part, field) in [
        (&definition.rubric.overview, "overview"),
        (&definition.rubric.artifacts, "artifacts"),
        (&definition.rubric.reflection, "reflection"),
    ] {
        let here = join(at, &format!("rubric.{field}"));
        if part.is_empty() {
            problems.add(
                &here,
                "each part of the rubric needs at least one criterion",
            );
        }
        for (i, criterion) in part.iter().enumerate() {
            check_criterion(problems, &format!("{here}[{i}]"), criterion);
        }
    }
}

fn check_criterion(problems: &mut Problems, at: &str, criterion: &Criterion) {
    problems.required_text(
        &format!("{at}.criterion"),
        &criterion.criterion,
        "criterion",
    );
    if criterion.levels.len() < 2 {
        problems.add(
            &format!("{at}.levels"),
            "a criterion needs at least two levels, such as \"Pass\" and \"Not Yet\"",
        );
        return;
    }
    let mut seen = HashSet::new();
    for level in &criterion.levels {
        if !is_one_line(level) {
            problems.add(&format!("{at}.levels"), "a level name must fit on one line");
        } else if is_blank(level) {
            problems.add(&format!("{at}.levels"), "a level name is empty");
        } else if !seen.insert(level.to_lowercase()) {
            problems.add(
                &format!("{at}.levels"),
                format!("the level \"{level}\" is listed twice"),
            );
        }
    }
    if is_blank(&criterion.passing_level) {
        problems.add(
            &format!("{at}.passing_level"),
            "name the lowest level that passes",
        );
    } else if !criterion.levels.contains(&criterion.passing_level) {
        problems.add(
            &format!("{at}.passing_level"),
            format!(
                "\"{}\" is not one of the levels ({}); name the lowest level that passes",
                criterion.passing_level,
                criterion.levels.join(", ")
            ),
        );
    } else if criterion.levels.last() == Some(&criterion.passing_level) {
        problems.add(
            &format!("{at}.passing_level"),
            "every level would pass; the last level must be one that does not pass",
        );
    }
}
