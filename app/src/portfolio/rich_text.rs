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

#[cfg(test)]
mod tests {
    use super::to_html;

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
