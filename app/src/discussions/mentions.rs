//! @mentions: `@` at the start of a word followed by a cohort member's display name,
//! matched without regard to letter case, the longest name winning. Server only.

/// A member of the cohort whom a post can mention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub user_id: i32,
    pub name: String,
}

/// The mentions found in a text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mentions {
    /// Members mentioned, sorted, each once.
    pub user_ids: Vec<i32>,
    /// Their display names as the member list spells them, in order of first mention.
    pub names: Vec<String>,
    /// Words after `@` that start no member's name, in order, each once.
    pub unmatched: Vec<String>,
}

/// Returns whether `c` continues a word, so that an `@` after it (as in an email
/// address) starts no mention and a name followed by it is not a whole match.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Returns the number of bytes of `text` that spell `name` at its start, ignoring letter
/// case, or `None` when `text` does not start with it.
fn match_prefix(text: &str, name: &str) -> Option<usize> {
    let mut rest = text.char_indices();
    for wanted in name.chars() {
        let (_, found) = rest.next()?;
        if !found.to_lowercase().eq(wanted.to_lowercase()) {
            return None;
        }
    }
    Some(rest.next().map_or(text.len(), |(index, _)| index))
}

/// Returns the length in bytes of the longest member name that `text` starts with as a
/// whole word, and the members with that name.
fn longest_match<'a>(text: &str, members: &'a [Member]) -> Option<(usize, Vec<&'a Member>)> {
    let mut best: Option<(usize, Vec<&Member>)> = None;
    for member in members.iter().filter(|member| !member.name.is_empty()) {
        let Some(length) = match_prefix(text, &member.name) else {
            continue;
        };
        if text[length..].chars().next().is_some_and(is_word_char) {
            continue;
        }
        match &mut best {
            Some((best_length, found)) if *best_length == length => found.push(member),
            Some((best_length, _)) if *best_length > length => {}
            _ => best = Some((length, vec![member])),
        }
    }
    best
}

/// Returns the word after an `@` that matched no member: letters, digits, apostrophes,
/// hyphens and dots, without trailing punctuation.
fn unmatched_word(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|(_, c)| !(is_word_char(*c) || matches!(c, '\'' | '’' | '-' | '.')))
        .map_or(text.len(), |(index, _)| index);
    text[..end].trim_end_matches(['\'', '’', '-', '.'])
}

/// Finds the mentions in `text` (Markdown as typed).
pub fn find(text: &str, members: &[Member]) -> Mentions {
    let mut found = Mentions::default();
    let mut previous: Option<char> = None;
    let mut skip_until = 0;
    // Text inside backticks is code, so an `@` there is not a mention.
    let mut in_code = false;
    for (index, c) in text.char_indices() {
        let starts_word = !previous.is_some_and(|before| is_word_char(before) || before == '@');
        previous = Some(c);
        if c == '`' && index >= skip_until {
            in_code = !in_code;
        }
        if index < skip_until || c != '@' || !starts_word || in_code {
            continue;
        }
        let rest = &text[index + 1..];
        match longest_match(rest, members) {
            Some((length, matched)) => {
                for member in matched {
                    found.user_ids.push(member.user_id);
                    if !found.names.contains(&member.name) {
                        found.names.push(member.name.clone());
                    }
                }
                skip_until = index + 1 + length;
            }
            None => {
                let word = unmatched_word(rest);
                if !word.is_empty()
                    && !found
                        .unmatched
                        .iter()
                        .any(|seen| seen.to_lowercase() == word.to_lowercase())
                {
                    found.unmatched.push(word.to_owned());
                }
            }
        }
    }
    found.user_ids.sort_unstable();
    found.user_ids.dedup();
    found
}

/// Escapes text the way the sanitizer writes text nodes.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\u{a0}', "&nbsp;")
}

/// Wraps each mention of `names` in sanitized `html` in `<span class="mention">`.
/// Only text between tags changes, never a tag or its attributes, and the added markup
/// is fixed, so the result is as safe as its input.
pub fn highlight(html: &str, names: &[String]) -> String {
    if names.is_empty() {
        return html.to_owned();
    }
    let escaped: Vec<String> = names.iter().map(|name| escape_text(name)).collect();
    let mut output = String::with_capacity(html.len() + 32);
    let mut in_tag = false;
    let mut in_quotes = false;
    let mut previous: Option<char> = None;
    let mut index = 0;
    while index < html.len() {
        let rest = &html[index..];
        let c = rest.chars().next().unwrap_or_default();
        if in_tag {
            output.push(c);
            match c {
                '"' => in_quotes = !in_quotes,
                '>' if !in_quotes => {
                    in_tag = false;
                    previous = None;
                }
                _ => {}
            }
            index += c.len_utf8();
            continue;
        }
        if c == '<' {
            in_tag = true;
            output.push(c);
            index += 1;
            continue;
        }
        let starts_word = !previous.is_some_and(|before| is_word_char(before) || before == '@');
        if c == '@' && starts_word {
            let after = &rest[1..];
            let longest = escaped
                .iter()
                .filter_map(|name| {
                    let length = match_prefix(after, name)?;
                    let next = after[length..].chars().next();
                    (!next.is_some_and(is_word_char)).then_some(length)
                })
                .max();
            if let Some(length) = longest {
                output.push_str("<span class=\"mention\">");
                output.push_str(&rest[..1 + length]);
                output.push_str("</span>");
                index += 1 + length;
                previous = rest[..1 + length].chars().last();
                continue;
            }
        }
        output.push(c);
        previous = Some(c);
        index += c.len_utf8();
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_mentions_nobody() {
        let found = find("Try `@Ana Lopez` in code, then @Ben O'Neil.", &members());
        assert_eq!(found.names, vec!["Ben O'Neil".to_owned()]);
        let fenced = find("```\n@Ana Lopez\n```\nThanks @ana lopez", &members());
        assert_eq!(fenced.names, vec!["Ana Lopez".to_owned()]);
    }

    fn members() -> Vec<Member> {
        [
            (1, "Ana Lopez"),
            (2, "Ana"),
            (3, "Ben O'Neil"),
            (4, "Zoë Park"),
            (5, "Ana Lopez"),
        ]
        .into_iter()
        .map(|(user_id, name)| Member {
            user_id,
            name: name.to_owned(),
        })
        .collect()
    }

    #[test]
    fn longest_name_wins() {
        let found = find("Thanks @ana lopez and @Ana.", &members());
        assert_eq!(found.user_ids, vec![1, 2, 5]);
        assert_eq!(found.names, vec!["Ana Lopez".to_owned(), "Ana".to_owned()]);
        assert!(found.unmatched.is_empty());
    }

    #[test]
    fn names_match_whole_words_only() {
        let found = find("@Anabel and @Ben O'Neil's idea", &members());
        assert_eq!(found.user_ids, vec![3]);
        assert_eq!(found.unmatched, vec!["Anabel".to_owned()]);
    }

    #[test]
    fn email_addresses_are_not_mentions() {
        let found = find("write to ana@school.org", &members());
        assert_eq!(found, Mentions::default());
    }

    #[test]
    fn unmatched_words_are_reported_once() {
        let found = find(
            "@Zed, @zed and @Zed. Also @ alone and (@ZOË PARK)",
            &members(),
        );
        assert_eq!(found.unmatched, vec!["Zed".to_owned()]);
        assert_eq!(found.user_ids, vec![4]);
    }

    #[test]
    fn highlight_wraps_text_not_attributes() {
        let html = "<p>Hi @Ana Lopez, see <a href=\"https://x.test/@Ana Lopez\">@ana lopez</a> &amp; @Anabel</p>";
        let names = vec!["Ana Lopez".to_owned()];
        assert_eq!(
            highlight(html, &names),
            "<p>Hi <span class=\"mention\">@Ana Lopez</span>, see <a href=\"https://x.test/@Ana Lopez\"><span class=\"mention\">@ana lopez</span></a> &amp; @Anabel</p>"
        );
    }

    #[test]
    fn highlight_matches_escaped_names() {
        let html = "<p>@Tom &amp; Jerry</p>";
        let names = vec!["Tom & Jerry".to_owned()];
        assert_eq!(
            highlight(html, &names),
            "<p><span class=\"mention\">@Tom &amp; Jerry</span></p>"
        );
    }
}
