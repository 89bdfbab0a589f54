//! The pre-submission check: what blocks a submission and what only warns. Server
//! only.

use std::collections::HashSet;

use super::draft::{
    CheckReport, DraftContent, Finding, REFLECTION_FIELD, answer_field, artifact_field, far_below,
    word_count,
};
use super::link_check::LinkChecker;
use super::names::possible_names;
use crate::entities::evidence_items;
use crate::program::format::{Definition, EvidenceType};

/// Maximum number of links one check opens.
pub const LINKS_CHECKED_MAX: usize = 20;

/// Everything the check reads.
pub struct CheckInput<'a> {
    pub definition: &'a Definition,
    pub content: &'a DraftContent,
    /// The fellow's evidence items that the draft's artifact slots may name.
    pub evidence: &'a [evidence_items::Model],
    /// The fellow's own name parts, which blind review must not see either.
    pub own_names: &'a [String],
}

/// Runs every check. Links are checked concurrently, each within the checker's timeout.
pub async fn check(input: CheckInput<'_>, links: &LinkChecker) -> CheckReport {
    let mut report = CheckReport::default();
    let dismissed: HashSet<&str> = input.content.dismissed.iter().map(String::as_str).collect();
    let add = |report: &mut CheckReport, blocking: bool, finding: Finding| {
        if finding.dismissible && dismissed.contains(finding.key.as_str()) {
            report.dismissed += 1;
        } else if blocking {
            report.blockers.push(finding);
        } else {
            report.warnings.push(finding);
        }
    };

    for (index, question) in input.definition.overview_questions.iter().enumerate() {
        let answer = input.content.answer(index);
        let words = word_count(answer);
        let field = answer_field(index);
        if words == 0 {
            add(
                &mut report,
                true,
                finding(
                    format!("unanswered:{index}"),
                    format!("Question {} is not answered yet.", index + 1),
                    Some(field),
                ),
            );
        } else if question.min_words > 0 && words < far_below(question.min_words) {
            add(
                &mut report,
                false,
                finding(
                    format!("short:{index}"),
                    format!(
                        "The answer to question {} has {words} {}, far below the {} suggested.",
                        index + 1,
                        if words == 1 { "word" } else { "words" },
                        question.min_words
                    ),
                    Some(field),
                ),
            );
        }
    }

    let mut link_targets: Vec<(String, Option<String>, bool)> = Vec::new();
    for (index, requirement) in input.definition.artifacts.iter().enumerate() {
        let field = artifact_field(index);
        let chosen = input
            .content
            .artifact(index)
            .and_then(|id| input.evidence.iter().find(|item| item.id == id));
        let Some(item) = chosen else {
            add(
                &mut report,
                true,
                finding(
                    format!("artifact:{index}"),
                    format!(
                        "Artifact {} has no evidence. Choose {} from your library.",
                        index + 1,
                        allowed_list(&requirement.evidence_types)
                    ),
                    Some(field),
                ),
            );
            continue;
        };
        let item_type = evidence_type(item);
        if !requirement.evidence_types.is_empty()
            && !requirement.evidence_types.contains(&item_type)
        {
            add(
                &mut report,
                true,
                finding(
                    format!("type:{index}"),
                    format!(
                        "Artifact {} must be {}; “{}” is {}.",
                        index + 1,
                        allowed_list(&requirement.evidence_types),
                        item.title,
                        evidence_noun(item_type)
                    ),
                    Some(field.clone()),
                ),
            );
        }
        if item.pdf_preferred {
            add(
                &mut report,
                false,
                finding(
                    format!("pdf:{index}"),
                    format!(
                        "“{}” is an office document. Reviewers open PDFs more reliably; consider uploading a PDF copy.",
                        item.title
                    ),
                    Some(field.clone()),
                ),
            );
        }
        if item_type == EvidenceType::Video {
            add(
                &mut report,
                false,
                finding(
                    format!("video-location:{index}"),
                    format!(
                        "“{}” is a video. Phones usually record where a video was taken, and TLI Hub does not remove that. Make sure it shows no student names, or export it without location.",
                        item.title
                    ),
                    Some(field.clone()),
                ),
            );
        }
        if let Some(url) = &item.url {
            link_targets.push((url.clone(), Some(field), true));
        }
    }

    if word_count(&input.content.reflection) == 0 {
        add(
            &mut report,
            true,
            finding(
                "unanswered:reflection".into(),
                "The reflection is not written yet.".into(),
                Some(REFLECTION_FIELD.to_owned()),
            ),
        );
    }

    let mut written: Vec<(String, Option<String>)> = input
        .content
        .answers
        .iter()
        .enumerate()
        .take(input.definition.overview_questions.len())
        .map(|(index, text)| (text.clone(), Some(answer_field(index))))
        .collect();
    written.push((
        input.content.reflection.clone(),
        Some(REFLECTION_FIELD.to_owned()),
    ));
    for (text, field) in &written {
        for url in links_in(text) {
            link_targets.push((url, field.clone(), false));
        }
    }

    let mut seen_links = HashSet::new();
    link_targets.retain(|(url, _, _)| seen_links.insert(url.clone()));
    // Each check opens at most this many links, so a draft cannot turn the server into
    // a source of traffic for some site. Artifact links come first.
    link_targets.sort_by_key(|(_, _, is_artifact)| !is_artifact);
    if link_targets.len() > LINKS_CHECKED_MAX {
        add(
            &mut report,
            false,
            finding(
                "links-unchecked".into(),
                format!(
                    "The text contains {} links; only the first {LINKS_CHECKED_MAX} were checked. Open the others yourself to make sure reviewers can.",
                    link_targets.len()
                ),
                None,
            ),
        );
        link_targets.truncate(LINKS_CHECKED_MAX);
    }
    let results = futures_util::future::join_all(
        link_targets
            .iter()
            .map(|(url, _, _)| async move { links.check(url).await }),
    )
    .await;
    for ((url, field, is_artifact), result) in link_targets.into_iter().zip(results) {
        if let Err(reason) = result {
            add(
                &mut report,
                is_artifact,
                finding(
                    format!("link:{url}"),
                    format!("The link {url} does not open for reviewers: {reason}"),
                    field,
                ),
            );
        }
    }

    let mut named = HashSet::new();
    let mut name_sources: Vec<(String, Option<String>, &str)> = written
        .into_iter()
        .map(|(text, field)| (text, field, "text"))
        .collect();
    for (index, _) in input.definition.artifacts.iter().enumerate() {
        let Some(item) = input
            .content
            .artifact(index)
            .and_then(|id| input.evidence.iter().find(|item| item.id == id))
        else {
            continue;
        };
        let field = Some(artifact_field(index));
        // Reviewers see the evidence's title and description too.
        name_sources.push((item.title.clone(), field.clone(), "evidence title"));
        name_sources.push((
            item.description.clone(),
            field.clone(),
            "evidence description",
        ));
        if let Some(name) = &item.file_name {
            name_sources.push((name.clone(), field.clone(), "file name"));
        }
        if let Some(author) = &item.file_author {
            // Any author a document records identifies someone, so it is reported
            // whole rather than only when it looks like a name.
            let key = format!("name:{}", author.to_lowercase());
            if named.insert(key.clone()) {
                add(
                    &mut report,
                    true,
                    Finding {
                        key,
                        message: format!(
                            "“{}” records “{author}” as its author in the document's metadata, which reviewers can read. Remove the author in the document's properties and upload it again, or dismiss this if it names nobody.",
                            item.title
                        ),
                        field: field.clone(),
                        dismissible: true,
                    },
                );
            }
        }
        if let Some(body) = &item.body {
            name_sources.push((body.clone(), field.clone(), "text"));
        }
    }
    for (text, field, place) in name_sources {
        for name in possible_names(&text, input.own_names) {
            let key = format!("name:{}", name.to_lowercase());
            if !named.insert(key.clone()) {
                continue;
            }
            add(
                &mut report,
                true,
                Finding {
                    key,
                    message: format!(
                        "“{name}” in the {place} may be a person's name. Reviews are blind: remove student names and your own, or dismiss this if it is not a name."
                    ),
                    field: field.clone(),
                    dismissible: true,
                },
            );
        }
    }
    report
}

fn finding(key: String, message: String, field: Option<String>) -> Finding {
    Finding {
        key,
        message,
        field,
        dismissible: false,
    }
}

fn evidence_type(item: &evidence_items::Model) -> EvidenceType {
    let kind = super::EvidenceKind::parse(&item.kind).unwrap_or(super::EvidenceKind::Text);
    super::evidence_type_of(kind, item.file_mime.as_deref())
}

fn allowed_list(types: &[EvidenceType]) -> String {
    if types.is_empty() {
        return "any evidence".to_owned();
    }
    let names: Vec<&str> = types.iter().map(|kind| evidence_noun(*kind)).collect();
    match names.as_slice() {
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        [] => unreachable!(),
    }
}

/// Names an evidence type with its article, as it reads inside a sentence.
fn evidence_noun(kind: EvidenceType) -> &'static str {
    match kind {
        EvidenceType::Video => "a video",
        EvidenceType::Audio => "an audio recording",
        EvidenceType::Image => "an image",
        EvidenceType::Written => "a written artifact",
        EvidenceType::Link => "a link to a published artifact",
    }
}

/// Web addresses written in text, bare or as Markdown links.
pub fn links_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for start in ["https://", "http://"] {
        let mut rest = text;
        while let Some(position) = rest.find(start) {
            let candidate = &rest[position..];
            let end = candidate
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '<' | ']'))
                .unwrap_or(candidate.len());
            let link = candidate[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
            if link.len() > start.len() {
                found.push(link.to_owned());
            }
            rest = &candidate[end..];
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bare_and_markdown_links() {
        assert_eq!(
            links_in("See https://example.org/a, and [the plan](http://example.org/b)."),
            ["https://example.org/a", "http://example.org/b"]
        );
    }

    #[test]
    fn lists_allowed_types_in_words() {
        assert_eq!(
            allowed_list(&[EvidenceType::Video, EvidenceType::Image]),
            "a video or an image"
        );
    }
}
