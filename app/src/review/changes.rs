//! Changes a fellow made between two attempts, word by word, as HTML with insertions
//! and deletions marked. Server only.

use similar::{ChangeTag, TextDiff};

/// Marks the words of `new` that differ from `old`. Returns `None` when nothing
/// changed. Text is escaped; only `<ins>` and `<del>` are markup.
pub fn word_diff(old: &str, new: &str) -> Option<String> {
    if old == new {
        return None;
    }
    let diff = TextDiff::from_words(old, new);
    let mut html = String::new();
    // Runs of removed or added words are wrapped whole, with a hidden word that screen
    // readers announce, and a removed run is set apart from the added run after it.
    let mut open: Option<ChangeTag> = None;
    let close = |html: &mut String, tag: Option<ChangeTag>| match tag {
        Some(ChangeTag::Delete) => html.push_str("</del> "),
        Some(ChangeTag::Insert) => html.push_str("</ins>"),
        _ => {}
    };
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        if open != Some(tag) {
            close(&mut html, open);
            match tag {
                ChangeTag::Delete => {
                    html.push_str("<del><span class=\"visually-hidden\">removed: </span>")
                }
                ChangeTag::Insert => {
                    html.push_str("<ins><span class=\"visually-hidden\">added: </span>")
                }
                ChangeTag::Equal => {}
            }
            open = Some(tag);
        }
        html.push_str(&escape(change.value()));
    }
    close(&mut html, open);
    Some(html)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_words_are_marked_and_escaped() {
        assert_eq!(word_diff("same", "same"), None);
        let html = word_diff("We met <weekly>.", "We met every <week>.").unwrap();
        assert!(html.contains("added: </span>every"), "{html}");
        let replaced = word_diff("Our team planned", "My goal planned").unwrap();
        assert!(
            replaced.contains("</del> <ins>"),
            "removed and added words stay apart: {replaced}"
        );
        assert!(html.contains("&lt;"), "{html}");
        assert!(!html.contains("<week"), "{html}");
    }
}
