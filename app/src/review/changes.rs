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
    for change in diff.iter_all_changes() {
        let text = escape(change.value());
        match change.tag() {
            ChangeTag::Equal => html.push_str(&text),
            ChangeTag::Delete => {
                html.push_str("<del>");
                html.push_str(&text);
                html.push_str("</del>");
            }
            ChangeTag::Insert => {
                html.push_str("<ins>");
                html.push_str(&text);
                html.push_str("</ins>");
            }
        }
    }
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
        assert!(html.contains("<ins>every</ins>"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
        assert!(!html.contains("<week"), "{html}");
    }
}
