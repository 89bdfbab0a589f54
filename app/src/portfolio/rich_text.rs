//! Fellows' written text: Markdown turned into HTML that keeps only a fixed set of
//! harmless elements. Server only.

use std::collections::HashSet;
use std::sync::LazyLock;

/// The elements written text may use. Everything else, including scripts, styles,
/// frames, forms, images and event-handler attributes, is removed.
const TAGS: &[&str] = &[
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "a",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect::<HashSet<_>>())
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes("ol", ["start"]);
    builder
});

/// Renders Markdown as sanitized HTML. HTML typed into the text is shown as text, so
/// "Dear <parent name>" reads as written. The sanitizer then removes anything unsafe
/// that Markdown itself produced, such as `javascript:` links.
pub fn to_html(markdown: &str) -> String {
    use pulldown_cmark::Event;
    if nesting_depth(markdown) > MAX_NESTING {
        return plain_paragraphs(markdown);
    }
    let parser = pulldown_cmark::Parser::new_ext(
        markdown,
        pulldown_cmark::Options::ENABLE_STRIKETHROUGH | pulldown_cmark::Options::ENABLE_TABLES,
    )
    .map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 4);
    pulldown_cmark::html::push_html(&mut html, parser);
    CLEANER.clean(&html).to_string()
}

/// The deepest nesting of quotes and lists that is rendered as Markdown. Rendering
/// time grew with the square of the depth when measured: a 19,500-character run of `>`
/// took over 12 seconds per view. Deeper text is shown as plain paragraphs instead.
pub const MAX_NESTING: usize = 16;

/// Returns the deepest run of block quote and list markers that opens any line, such
/// as 3 for `> > - item`.
fn nesting_depth(markdown: &str) -> usize {
    markdown
        .lines()
        .map(|line| {
            let mut depth = 0;
            let mut rest = line.trim_start();
            loop {
                if let Some(after) = rest.strip_prefix('>') {
                    rest = after.trim_start();
                } else if let Some(after) = ["-", "*", "+"]
                    .iter()
                    .find_map(|marker| after_list_marker(rest, marker))
                {
                    rest = after.trim_start();
                } else {
                    let digits = rest.chars().take_while(char::is_ascii_digit).count();
                    match after_list_marker(&rest[digits..], ".")
                        .or_else(|| after_list_marker(&rest[digits..], ")"))
                    {
                        Some(after) if (1..=9).contains(&digits) => rest = after.trim_start(),
                        _ => break,
                    }
                }
                depth += 1;
            }
            depth
        })
        .max()
        .unwrap_or(0)
}

/// Returns the text after `marker` when a space or a tab follows it, as CommonMark
/// requires of a list marker.
fn after_list_marker<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    text.strip_prefix(marker)
        .filter(|after| after.starts_with([' ', '\t']))
}

/// Shows text as escaped paragraphs, one per blank-line-separated block.
fn plain_paragraphs(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    escaped
        .split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| format!("<p>{}</p>\n", block.trim().replace('\n', "<br>\n")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{MAX_NESTING, nesting_depth, to_html};

    #[test]
    fn deep_nesting_renders_as_plain_text() {
        assert_eq!(nesting_depth("> > - 1. item"), 4);
        assert_eq!(
            nesting_depth("plain\n\n- one\n  - two"),
            1,
            "indentation is not counted"
        );
        let deep = ">".repeat(40_000);
        assert!(nesting_depth(&deep) > MAX_NESTING);
        let html = to_html(&deep);
        assert!(html.starts_with("<p>&gt;&gt;"), "{}", &html[..20]);
        let lists = "1. ".repeat(5_000);
        assert!(!to_html(&lists).contains("<ol"));
        assert!(to_html("> quoted\n> - item").contains("<blockquote>"));
    }

    #[test]
    fn markdown_becomes_html() {
        assert_eq!(
            to_html("Our **team** met _twice_."),
            "<p>Our <strong>team</strong> met <em>twice</em>.</p>\n"
        );
    }

    #[test]
    fn typed_html_is_shown_as_text() {
        let html = to_html(
            "Before<script>alert(1)</script> <img src=x onerror=alert(2)> <iframe src=\"https://evil.test\"></iframe>after",
        );
        for banned in ["<script", "<img", "<iframe"] {
            assert!(!html.contains(banned), "{banned} survived in {html}");
        }
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert_eq!(
            to_html("Dear <parent name>, thank you."),
            "<p>Dear &lt;parent name&gt;, thank you.</p>\n"
        );
        assert!(to_html("<b>unclosed and <style>p{}</style> after").contains("after"));
    }

    #[test]
    fn unsafe_markdown_links_lose_their_target() {
        let html = to_html("[click](javascript:alert(3)) and [data](data:text/html,hi)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains("click"));
    }

    #[test]
    fn links_keep_address_gain_rel() {
        let html = to_html("[plan](https://example.org/plan)");
        assert!(html.contains("href=\"https://example.org/plan\""), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
    }
}
