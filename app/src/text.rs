//! Checks on text that people type, shared by every form and by imports.

/// Returns whether a character shows nothing on screen: spaces, formatting marks such
/// as the zero-width space and direction marks, and blank filler characters.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
        )
}

/// Returns whether `text` shows nothing: it is empty or made only of spaces and
/// invisible characters.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_invisible)
}

/// Returns how many characters of `text` are visible, for minimum lengths.
pub fn visible_chars(text: &str) -> usize {
    text.chars().filter(|c| !is_invisible(*c)).count()
}

/// Returns whether `text` has no line break or other control character, counting the
/// Unicode line and paragraph separators.
pub fn is_one_line(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_names_count_as_blank() {
        for text in [
            "",
            "  ",
            "\u{200B}\u{200B}",
            "\u{00AD}",
            "\u{202E}\u{2066}",
            "\u{3164}",
            "\u{2800} ",
        ] {
            assert!(is_blank(text), "{text:?}");
        }
        assert!(!is_blank("Ohio"));
        assert_eq!(visible_chars("a\u{200B}b c"), 3);
    }

    #[test]
    fn separators_break_lines() {
        assert!(is_one_line("Ohio 2027"));
        for text in ["a\nb", "a\u{2028}b", "a\u{2029}b", "a\0b"] {
            assert!(!is_one_line(text), "{text:?}");
        }
    }
}
