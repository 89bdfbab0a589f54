//! Property tests for every parser of outside input: roster CSV files, Markdown that
//! becomes HTML, the credential verifier, upload type detection, and the date, time and
//! time-zone fields of forms. None of them needs a database or a server.
//!
//! Failing cases are not saved to a regressions file. Proptest prints the minimal input
//! instead, and each bug these properties found is pinned by a plain test next to them.

use std::sync::LazyLock;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::Config as ProptestConfig;
use serde_json::{Value, json};

/// Runs `cases` cases and keeps no regressions file.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------
// Roster CSV import
// ---------------------------------------------------------------------------------

mod roster_input {
    use super::*;
    use server::roster::COLUMNS;

    pub const ROLES: [&str; 4] = ["fellow", "coach", "reviewer", "facilitator"];

    /// Messages of problems that concern the whole file rather than one line.
    pub const FILE_PROBLEMS: [&str; 3] = [
        "the header row cannot be read",
        "the file has a header but no rows",
        "cannot be read as CSV",
    ];

    /// One generated roster row, with the values as typed in the file.
    #[derive(Debug, Clone)]
    pub struct Person {
        pub source_id: String,
        pub given_name: String,
        pub family_name: String,
        pub email: String,
        pub role: String,
        pub cohort: String,
    }

    impl Person {
        /// Returns the fields in the order of `COLUMNS`.
        pub fn fields(&self) -> [String; 6] {
            [
                self.source_id.clone(),
                self.given_name.clone(),
                self.family_name.clone(),
                self.email.clone(),
                self.role.clone(),
                self.cohort.clone(),
            ]
        }
    }

    /// How a roster file is written: column order, header case, byte-order mark, line
    /// ends, quoting and blank lines.
    #[derive(Debug, Clone)]
    pub struct Layout {
        pub order: Vec<usize>,
        pub header_case: Vec<u8>,
        pub bom: bool,
        pub crlf: bool,
        pub quote_all: bool,
        pub blank_lines: Vec<usize>,
        pub final_newline: bool,
    }

    /// Letters from several scripts, so names are never blank.
    const LETTER: &str = "[A-Za-zÀ-ÖØ-öø-ÿĀ-žА-я一-龥]";

    fn name_part() -> impl Strategy<Value = String> {
        let pattern = format!("{LETTER}([A-Za-zÀ-ÖØ-öø-ÿĀ-žА-я一-龥 ,.'\"-]{{0,18}}{LETTER})?");
        proptest::string::string_regex(&pattern).expect("a valid pattern")
    }

    fn with_random_case(word: &str, flips: u8) -> String {
        word.chars()
            .enumerate()
            .map(|(index, letter)| {
                if flips & (1 << (index % 8)) != 0 {
                    letter.to_ascii_uppercase()
                } else {
                    letter
                }
            })
            .collect()
    }

    /// Generates valid people. The row index goes into each email address, so no two
    /// rows share an address, not even in another letter case.
    pub fn people(count: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Person>> {
        let person = (
            "[A-Za-z0-9][A-Za-z0-9_.:,\"-]{0,15}",
            name_part(),
            name_part(),
            "[A-Za-z0-9._%+-]{1,20}",
            "[a-z0-9]{1,10}(\\.[a-z]{2,6}){1,2}",
            (select(ROLES.to_vec()), any::<u8>()),
            "[A-Za-z0-9]([A-Za-z0-9 ,'\"-]{0,20}[A-Za-z0-9])?",
        );
        vec(person, count).prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(
                    |(
                        index,
                        (source_id, given_name, family_name, local, domain, (role, flips), cohort),
                    )| {
                        Person {
                            source_id,
                            given_name,
                            family_name,
                            email: format!("p{index}.{local}@{domain}"),
                            role: with_random_case(role, flips),
                            cohort,
                        }
                    },
                )
                .collect()
        })
    }

    pub fn layout() -> impl Strategy<Value = Layout> {
        (
            Just((0..COLUMNS.len()).collect::<Vec<_>>()).prop_shuffle(),
            vec(any::<u8>(), COLUMNS.len()),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            vec(prop_oneof![6 => Just(0usize), 1 => 1..3usize], 16),
            any::<bool>(),
        )
            .prop_map(
                |(order, header_case, bom, crlf, quote_all, blank_lines, final_newline)| Layout {
                    order,
                    header_case,
                    bom,
                    crlf,
                    quote_all,
                    blank_lines,
                    final_newline,
                },
            )
    }

    fn quote(field: &str, always: bool) -> String {
        if always || field.contains([',', '"', '\r', '\n']) {
            format!("\"{}\"", field.replace('"', "\"\""))
        } else {
            field.to_owned()
        }
    }

    /// Writes `rows` (fields in `COLUMNS` order) as a roster file and returns it with
    /// the 1-based line of each row. Row `short_row`, if any, leaves out its last field.
    pub fn render(
        rows: &[[String; 6]],
        layout: &Layout,
        short_row: Option<usize>,
    ) -> (String, Vec<u64>) {
        let newline = if layout.crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        if layout.bom {
            text.push('\u{feff}');
        }
        let header: Vec<String> = layout
            .order
            .iter()
            .map(|&column| with_random_case(COLUMNS[column], layout.header_case[column]))
            .collect();
        text.push_str(&header.join(","));
        text.push_str(newline);

        let mut line = 1;
        let mut lines = Vec::new();
        for (index, fields) in rows.iter().enumerate() {
            for _ in 0..layout.blank_lines[index % layout.blank_lines.len()] {
                text.push_str(newline);
                line += 1;
            }
            let mut row: Vec<String> = layout
                .order
                .iter()
                .map(|&column| quote(&fields[column], layout.quote_all))
                .collect();
            if short_row == Some(index) {
                row.pop();
            }
            text.push_str(&row.join(","));
            line += 1;
            lines.push(line);
            if index + 1 < rows.len() || layout.final_newline {
                text.push_str(newline);
            }
        }
        (text, lines)
    }

    /// One way to make a single row invalid.
    #[derive(Debug, Clone)]
    pub enum Breakage {
        EmptySourceId,
        BlankName(&'static str),
        InvalidEmail(&'static str),
        UnknownRole(&'static str),
        EmptyCohort,
        RepeatedEmail,
        MissingField,
    }

    pub fn breakage() -> impl Strategy<Value = Breakage> {
        prop_oneof![
            Just(Breakage::EmptySourceId),
            select(vec!["", "\u{200B}", "\u{3164}"]).prop_map(Breakage::BlankName),
            select(vec![
                "no-at-sign.example.org",
                "two@@example.org",
                "name@nodot",
                "name@.example.org",
                "name@example.org.",
                "name@example..org",
                "@example.org",
                "has space@example.org",
                "tab\there@example.org",
            ])
            .prop_map(Breakage::InvalidEmail),
            select(vec![
                "principal",
                "admin",
                "student",
                "fellows",
                "",
                "coach;"
            ])
            .prop_map(Breakage::UnknownRole),
            Just(Breakage::EmptyCohort),
            Just(Breakage::RepeatedEmail),
            Just(Breakage::MissingField),
        ]
    }

    /// Generates text that is mostly CSV: a header that is often right, then rows of
    /// letters, separators, quotes and line ends in any order.
    pub fn csv_like_text() -> impl Strategy<Value = String> {
        (
            any::<bool>(),
            Just(COLUMNS.to_vec()).prop_shuffle(),
            0..=COLUMNS.len(),
            "[a-zA-Z0-9@., \"\r\n\t;-]{0,300}",
        )
            .prop_map(|(bom, columns, column_count, body)| {
                format!(
                    "{}{}\n{body}",
                    if bom { "\u{feff}" } else { "" },
                    columns[..column_count].join(",")
                )
            })
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Any text either parses into rows or lists problems, each on a line of the file
    /// or about the file as a whole. Line 1 is the header, so its problems name a column.
    #[test]
    fn roster_arbitrary_text_parses_or_names_lines(
        text in prop_oneof![
            any::<String>(),
            vec(any::<u8>(), 0..512).prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
            roster_input::csv_like_text(),
        ]
    ) {
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let last_line = body.matches('\n').count() as u64 + 1;
        match server::roster::parse(&text) {
            Ok(rows) => {
                prop_assert!(!rows.is_empty());
                for row in rows {
                    prop_assert!((2..=last_line).contains(&row.line), "row on line {} of {last_line}", row.line);
                }
            }
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                for problem in problems {
                    prop_assert!(!problem.message.is_empty());
                    match problem.line {
                        Some(line) => {
                            prop_assert!(
                                (1..=last_line).contains(&line),
                                "problem on line {line} of {last_line}: {}", problem.message
                            );
                            if line == 1 {
                                prop_assert!(problem.message.contains("column"), "{}", problem.message);
                            }
                        }
                        None => prop_assert!(
                            roster_input::FILE_PROBLEMS.iter().any(|start| problem.message.starts_with(start)),
                            "a problem without a line: {}", problem.message
                        ),
                    }
                }
            }
        }
    }

    /// Valid rows come back with the values written, from any column order, header
    /// case, quoting, line end, byte-order mark and blank lines between rows.
    #[test]
    fn roster_valid_rows_round_trip(
        people in roster_input::people(1..12),
        layout in roster_input::layout(),
    ) {
        let rows: Vec<[String; 6]> = people.iter().map(roster_input::Person::fields).collect();
        let (text, lines) = roster_input::render(&rows, &layout, None);
        let parsed = server::roster::parse(&text);
        prop_assert!(parsed.is_ok(), "{:?}\n{text}", parsed.unwrap_err());
        let parsed = parsed.unwrap();
        prop_assert_eq!(parsed.len(), people.len());
        for ((row, person), line) in parsed.iter().zip(&people).zip(&lines) {
            prop_assert_eq!(row.line, *line);
            prop_assert_eq!(&row.source_id, &person.source_id);
            prop_assert_eq!(&row.display_name, &format!("{} {}", person.given_name, person.family_name));
            prop_assert_eq!(&row.email.as_typed, &person.email);
            prop_assert_eq!(&row.email.normalized, &person.email.to_lowercase());
            prop_assert_eq!(Some(row.role), app::auth::Role::parse(&person.role));
            prop_assert_eq!(&row.cohort_name, &person.cohort);
        }
    }

    /// One broken field in an otherwise valid file is reported on that row's line and
    /// names what is wrong, and nothing else is reported.
    #[test]
    fn roster_invalid_field_names_its_line(
        people in roster_input::people(2..10),
        layout in roster_input::layout(),
        broken in any::<Index>(),
        breakage in roster_input::breakage(),
    ) {
        use roster_input::Breakage;

        let mut rows: Vec<[String; 6]> = people.iter().map(roster_input::Person::fields).collect();
        // The repeated address must come after the first, so never break row 0 then.
        let index = match breakage {
            Breakage::RepeatedEmail => 1 + broken.index(rows.len() - 1),
            _ => broken.index(rows.len()),
        };
        let mut short_row = None;
        let (_, lines) = roster_input::render(&rows, &layout, None);
        let expected = match breakage {
            Breakage::EmptySourceId => {
                rows[index][0].clear();
                "sourcedId is empty".to_owned()
            }
            Breakage::BlankName(blank) => {
                rows[index][1] = blank.to_owned();
                rows[index][2].clear();
                "name: ".to_owned()
            }
            Breakage::InvalidEmail(email) => {
                rows[index][3] = email.to_owned();
                "email: ".to_owned()
            }
            Breakage::UnknownRole(role) => {
                rows[index][4] = role.to_owned();
                format!("unknown role \"{role}\"")
            }
            Breakage::EmptyCohort => {
                rows[index][5].clear();
                "cohort is empty".to_owned()
            }
            Breakage::RepeatedEmail => {
                rows[index][3] = rows[0][3].to_uppercase();
                format!("is already on line {}", lines[0])
            }
            Breakage::MissingField => {
                short_row = Some(index);
                "has 5 fields, but the header has 6".to_owned()
            }
        };
        let (text, _) = roster_input::render(&rows, &layout, short_row);
        let problems = server::roster::parse(&text);
        prop_assert!(problems.is_err(), "the broken row {index} was accepted:\n{text}");
        let problems = problems.unwrap_err();
        for problem in &problems {
            prop_assert_eq!(problem.line, Some(lines[index]), "{}\n{}", problem, text);
        }
        prop_assert!(
            problems.iter().any(|problem| problem.message.contains(&expected)),
            "expected {expected:?} in {problems:?}"
        );
    }
}

// ---------------------------------------------------------------------------------
// Markdown and HTML sanitizing
// ---------------------------------------------------------------------------------

mod html_output {
    /// The elements `rich_text::to_html` may produce.
    pub const ALLOWED_TAGS: [&str; 26] = [
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

    /// The attributes it may produce: `href` and `rel` on links, `start` on lists.
    pub const ALLOWED_ATTRIBUTES: [&str; 3] = ["href", "rel", "start"];

    pub const LINK_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

    /// One start or end tag, with its attribute values decoded.
    #[derive(Debug)]
    pub struct Tag {
        pub name: String,
        pub closing: bool,
        pub attributes: Vec<(String, String)>,
    }

    /// Lists the tags of serialized HTML. The sanitizer escapes `<` in text, so every
    /// `<` in its output opens a tag.
    pub fn tags(html: &str) -> Vec<Tag> {
        let chars: Vec<char> = html.chars().collect();
        let mut tags = Vec::new();
        let mut at = 0;
        while at < chars.len() {
            if chars[at] != '<' {
                at += 1;
                continue;
            }
            at += 1;
            let closing = chars.get(at) == Some(&'/');
            if closing {
                at += 1;
            }
            let mut name = String::new();
            while let Some(&c) = chars.get(at)
                && !c.is_whitespace()
                && c != '>'
                && c != '/'
            {
                name.push(c.to_ascii_lowercase());
                at += 1;
            }
            let mut attributes = Vec::new();
            loop {
                while chars
                    .get(at)
                    .is_some_and(|c| c.is_whitespace() || *c == '/')
                {
                    at += 1;
                }
                match chars.get(at) {
                    None => break,
                    Some('>') => {
                        at += 1;
                        break;
                    }
                    Some(_) => {}
                }
                let mut attribute = String::new();
                while let Some(&c) = chars.get(at)
                    && !c.is_whitespace()
                    && !matches!(c, '=' | '>' | '/')
                {
                    attribute.push(c.to_ascii_lowercase());
                    at += 1;
                }
                let mut value = String::new();
                if chars.get(at) == Some(&'=') {
                    at += 1;
                    match chars.get(at) {
                        Some(&quote @ ('"' | '\'')) => {
                            at += 1;
                            while let Some(&c) = chars.get(at)
                                && c != quote
                            {
                                value.push(c);
                                at += 1;
                            }
                            at += 1;
                        }
                        _ => {
                            while let Some(&c) = chars.get(at)
                                && !c.is_whitespace()
                                && c != '>'
                            {
                                value.push(c);
                                at += 1;
                            }
                        }
                    }
                }
                attributes.push((attribute, decode_entities(&value)));
            }
            tags.push(Tag {
                name,
                closing,
                attributes,
            });
        }
        tags
    }

    /// Returns how deeply lists and block quotes nest in `html`.
    pub fn max_nesting(html: &str) -> usize {
        let mut depth: usize = 0;
        let mut deepest = 0;
        for tag in tags(html) {
            if !matches!(tag.name.as_str(), "ul" | "ol" | "blockquote") {
                continue;
            }
            if tag.closing {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        deepest
    }

    /// Decodes the character references an HTML serializer writes.
    pub fn decode_entities(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find('&') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find(';').filter(|end| *end <= 10) else {
                out.push('&');
                rest = after;
                continue;
            };
            let name = &after[..end];
            let decoded = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| {
                        name.strip_prefix('#')
                            .and_then(|digits| digits.parse().ok())
                    })
                    .and_then(char::from_u32),
            };
            match decoded {
                Some(c) => {
                    out.push(c);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push('&');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Returns the scheme of a link as a browser reads it: tabs and line breaks inside
    /// are dropped and leading spaces and control characters are skipped.
    pub fn link_scheme(href: &str) -> Option<String> {
        let cleaned: String = href
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        let cleaned = cleaned.trim_start_matches(|c: char| c <= ' ');
        let end = cleaned.find([':', '/', '?', '#'])?;
        cleaned[end..]
            .starts_with(':')
            .then(|| cleaned[..end].to_ascii_lowercase())
    }
}

/// Checks that `html` contains no element, attribute or link that could run script.
fn assert_safe_html(html: &str) -> Result<(), TestCaseError> {
    let lower = html.to_ascii_lowercase();
    for element in [
        "<script", "<iframe", "<style", "<img", "<svg", "<object", "<embed", "<form", "<math",
        "<link", "<meta", "<base",
    ] {
        prop_assert!(!lower.contains(element), "{element} in {html}");
    }
    for tag in html_output::tags(html) {
        prop_assert!(
            html_output::ALLOWED_TAGS.contains(&tag.name.as_str()),
            "element <{}> in {html}",
            tag.name
        );
        for (attribute, value) in &tag.attributes {
            prop_assert!(
                !attribute.starts_with("on"),
                "event handler {attribute} in {html}"
            );
            prop_assert!(
                html_output::ALLOWED_ATTRIBUTES.contains(&attribute.as_str()),
                "attribute {attribute} in {html}"
            );
            if attribute == "href"
                && let Some(scheme) = html_output::link_scheme(value)
            {
                prop_assert!(
                    html_output::LINK_SCHEMES.contains(&scheme.as_str()),
                    "link with scheme {scheme:?} in {html}"
                );
            }
        }
    }
    Ok(())
}

/// Pieces of Markdown and HTML that have been used to slip script past sanitizers.
const MARKUP_PIECES: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.test/x.js></SCRIPT>",
    "<scr<script>ipt>",
    "</script>",
    "<iframe src=\"https://evil.test\"></iframe>",
    "<style>p{color:red}</style>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    "<div onclick=\"alert(1)\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<mailto:a@b.org>",
    "[ref]: javascript:alert(1)\n",
    "[ref]",
    "[x](https://example.org \"title\" onmouseover=alert(1))",
    "[x](https://example.org)",
    "`code`",
    "```\n",
    "```html\n<script>\n```\n",
    "> ",
    "- ",
    "1. ",
    "3) ",
    "# ",
    "## ",
    "| a | b |\n|---|:-:|\n| <script> | x |\n",
    "**",
    "_",
    "~~",
    "\\",
    "&lt;script&gt;",
    "&#60;script&#62;",
    "\"",
    "'",
    "=",
    " onmouseover=\"alert(1)\"",
    "\u{0}",
    "\u{feff}",
    "\n",
    "\n\n",
    "    ",
    "text",
];

fn markup_soup() -> impl Strategy<Value = String> {
    vec(select(MARKUP_PIECES.to_vec()), 0..40).prop_map(|pieces| pieces.concat())
}

/// Generates one line that nests deeply: a run of quote or list markers, separated by
/// spaces or tabs as Markdown allows, or of brackets, emphasis and code-span marks.
fn deep_nesting() -> impl Strategy<Value = String> {
    let marker = select(vec![
        ">", "> ", ">\t", "- ", "-\t", "* ", "*\t", "+ ", "+\t", "1. ", "1.\t", "1) ", "1)\t",
        "> - ", "- > ", "> 1.\t", "[", "![", "*", "_", "`", "<", "(", "**", "~~", "| ", "[x](",
    ]);
    let ending = select(vec![
        "",
        "[x](javascript:alert(1))",
        "<script>alert(1)</script>",
    ]);
    // The last line reads "item" even after a marker that opens a code fence.
    (marker, 1..4000usize, ending).prop_map(|(marker, depth, ending)| {
        format!("{}item {ending}\n\nitem", marker.repeat(depth))
    })
}

/// Generates lists nested by indentation, one level per line. The text grows with the
/// square of the depth, and so does the time to render it.
fn indented_lists() -> impl Strategy<Value = String> {
    (select(vec!["- ", "* ", "1. ", "> "]), 1..150usize).prop_map(|(marker, depth)| {
        (0..depth)
            .map(|level| format!("{}{marker}item\n", "   ".repeat(level)))
            .collect()
    })
}

/// Generates paragraphs of words and punctuation without Markdown syntax. The first
/// word of each paragraph is letters only, so no paragraph opens a list, quote or
/// heading.
fn plain_paragraphs() -> impl Strategy<Value = Vec<String>> {
    let word = prop_oneof![
        4 => "[A-Za-zÀ-ÖØ-öø-ÿ]{1,12}[,.;:?!]?",
        1 => "[0-9]{1,4}",
        1 => select(vec!["&", "<", ">", "\"", "'", "(", ")", "%", "$", "@", "=", "/", "?"])
            .prop_map(str::to_owned),
    ];
    let paragraph = ("[A-Za-z]{1,12}", vec(word, 0..20)).prop_map(|(first, rest)| {
        std::iter::once(first)
            .chain(rest)
            .collect::<Vec<_>>()
            .join(" ")
    });
    vec(paragraph, 1..5)
}

proptest! {
    #![proptest_config(config(256))]

    /// Whatever is typed, the HTML keeps only the allowed elements and attributes, and
    /// links only to http, https and mailto addresses.
    #[test]
    fn markdown_output_never_runs_script(
        markdown in prop_oneof![any::<String>(), markup_soup()]
    ) {
        let html = app::portfolio::rich_text::to_html(&markdown);
        assert_safe_html(&html)?;
    }

    /// Text without Markdown syntax comes out as the same paragraphs and characters.
    #[test]
    fn markdown_plain_text_survives(paragraphs in plain_paragraphs()) {
        let html = app::portfolio::rich_text::to_html(&paragraphs.join("\n\n"));
        let rendered: Vec<&str> = html.split_terminator("</p>\n").collect();
        prop_assert_eq!(rendered.len(), paragraphs.len(), "{}", html);
        for (rendered, typed) in rendered.iter().zip(&paragraphs) {
            prop_assert!(rendered.starts_with("<p>"), "{}", html);
            prop_assert_eq!(&html_output::decode_entities(&rendered[3..]), typed);
        }
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// A deeply nested line renders with at most `MAX_NESTING` levels of lists and
    /// quotes, keeps its words and stays safe. Rendering deeper nesting takes time that
    /// grows with the square of the depth.
    #[test]
    fn markdown_deep_nesting_renders_flat(markdown in deep_nesting()) {
        let html = app::portfolio::rich_text::to_html(&markdown);
        prop_assert!(html.contains("item"), "{}", &html[..html.len().min(200)]);
        let nesting = html_output::max_nesting(&html);
        prop_assert!(
            nesting <= app::portfolio::rich_text::MAX_NESTING,
            "{nesting} levels from {:?}", &markdown[..markdown.len().min(40)]
        );
        assert_safe_html(&html)?;
    }

    /// Lists nested by indentation render every level and stay safe.
    #[test]
    fn markdown_indented_lists_terminate(markdown in indented_lists()) {
        let html = app::portfolio::rich_text::to_html(&markdown);
        prop_assert_eq!(html.matches("item").count(), markdown.matches("item").count());
        assert_safe_html(&html)?;
    }
}

// ---------------------------------------------------------------------------------
// Credential verifier
// ---------------------------------------------------------------------------------

mod credential_fixture {
    use super::*;
    use app::credentials::document::{
        self, CriterionResult, MicrocredentialFacts, PublicEvidence, Recipient,
    };
    use app::credentials::proof;

    pub const BASE_URL: &str = "https://hub.example.org";

    /// A micro-credential signed the way the server signs one, with its key.
    pub struct Signed {
        pub document: Value,
        pub text: String,
        pub key: ed25519_dalek::VerifyingKey,
    }

    pub static SIGNED: LazyLock<Signed> = LazyLock::new(|| {
        let key = ed25519_dalek::SigningKey::from_bytes(&[11; 32]);
        let facts = MicrocredentialFacts {
            base_url: BASE_URL.into(),
            public_id: "k3v9q2".into(),
            status_index: 42,
            program_id: 1,
            program_name: "Teacher Leadership Institute".into(),
            framework_name: "Marco de competencias docentes".into(),
            microcredential_key: "communication".into(),
            title: "Communicating with Families".into(),
            key_method: "a family newsletter".into(),
            competency_key: "communication".into(),
            competency_name: "Communication".into(),
            competency_description: "Shares ideas clearly with families and colleagues.".into(),
            criteria_narrative: "Meets every rubric criterion at the passing level.".into(),
            results: vec![CriterionResult {
                key: "overview-0".into(),
                name: "Part 1: Names the audience".into(),
                levels: vec!["Not Yet".into(), "Demonstrated".into()],
                achieved: "Demonstrated".into(),
            }],
            evidence: vec![PublicEvidence {
                url: "https://example.org/newsletter".into(),
                name: "Bản tin gia đình".into(),
                description: "The plan our team wrote for families.".into(),
            }],
            recipient: Recipient::Email {
                address: "fellow@district.example".into(),
                salt: "pepper".into(),
            },
            valid_from: "2026-05-01T12:00:00Z".into(),
        };
        let unsigned = document::microcredential(&facts);
        let issuer = document::issuer_id(BASE_URL, facts.program_id);
        let method = document::verification_method(
            &issuer,
            &proof::public_key_multibase(&key.verifying_key()),
        );
        let document = proof::sign(&unsigned, &key, &method, "2026-05-01T12:00:00Z")
            .expect("the fixture credential signs");
        Signed {
            text: serde_json::to_string(&document).expect("JSON serializes"),
            document,
            key: key.verifying_key(),
        }
    });

    /// Reads `input` as the verifier does and, when it is a credential, checks it
    /// against the schema and the fixture's key. Returns the report of the reading step
    /// and the outcome of the signature check. The verifier's other steps read the
    /// issuer's published keys and the revocation list from the database, and a
    /// credential passes only if its signature passes too.
    pub fn read_and_verify(
        input: &[u8],
    ) -> (
        app::credentials::Report,
        Option<Result<(), app::credentials::proof::ProofError>>,
    ) {
        let mut report = app::credentials::Report::default();
        let outcome = app::credentials::verify::read(input, &mut report).map(|document| {
            app::credentials::schema::problems(&document, 5);
            app::credentials::proof::verify(&document, &SIGNED.key)
        });
        (report, outcome)
    }

    /// Returns the canonical N-Quads of a credential without its proof: the statements
    /// the signature covers.
    pub fn signed_statements(
        document: &Value,
    ) -> Result<String, app::credentials::proof::ProofError> {
        let mut unsigned = document.clone();
        if let Some(object) = unsigned.as_object_mut() {
            object.remove("proof");
        }
        app::credentials::proof::canonical_nquads(&unsigned)
    }

    /// Strings a credential uses, so generated JSON reaches the checks past parsing.
    pub const CREDENTIAL_STRINGS: &[&str] = &[
        app::credentials::proof::VC_CONTEXT,
        app::credentials::proof::OB_CONTEXT,
        "VerifiableCredential",
        "OpenBadgeCredential",
        "ClrCredential",
        "AchievementSubject",
        "DataIntegrityProof",
        "eddsa-rdfc-2022",
        "eddsa-jcs-2022",
        "assertionMethod",
        "https://hub.example.org/issuers/1",
        "https://hub.example.org/issuers/1#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "https://hub.example.org/credentials/k3v9q2",
        "https://evil.example/issuers/1",
        "2026-01-01T00:00:00Z",
        "not a date",
        "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKNBWpJ9FCbBqs5Jh",
    ];

    pub const CREDENTIAL_KEYS: &[&str] = &[
        "@context",
        "id",
        "type",
        "name",
        "issuer",
        "validFrom",
        "validUntil",
        "credentialSubject",
        "credentialStatus",
        "verifiableCredential",
        "identifier",
        "identityHash",
        "proof",
        "cryptosuite",
        "proofValue",
        "verificationMethod",
        "proofPurpose",
        "created",
        "@vocab",
        "@id",
    ];

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => select(CREDENTIAL_KEYS.to_vec()).prop_map(str::to_owned),
            1 => ".{0,8}",
        ]
    }

    /// Generates any JSON value, with strings and keys drawn often from credentials.
    pub fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_filter_map("JSON numbers are finite", |number| {
                serde_json::Number::from_f64(number).map(Value::Number)
            }),
            ".{0,20}".prop_map(Value::String),
            select(CREDENTIAL_STRINGS.to_vec()).prop_map(|text| Value::String(text.into())),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(key(), inner, 0..6)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    /// Generates a proof object that has the right shape but a random signature.
    pub fn forged_proof() -> impl Strategy<Value = Value> {
        (
            select(vec!["eddsa-rdfc-2022", "eddsa-jcs-2022"]),
            select(CREDENTIAL_STRINGS.to_vec()),
            vec(any::<u8>(), 60..68),
        )
            .prop_map(|(suite, method, signature)| {
                json!({
                    "type": "DataIntegrityProof",
                    "cryptosuite": suite,
                    "verificationMethod": method,
                    "proofPurpose": "assertionMethod",
                    "created": "2026-01-01T00:00:00Z",
                    "proofValue": app::credentials::proof::multibase(&signature),
                })
            })
    }

    /// Generates JSON objects that have a proof, so the verifier reads past the format
    /// check.
    pub fn credential_like() -> impl Strategy<Value = Value> {
        (
            proptest::collection::btree_map(key(), json_value(), 0..8),
            prop_oneof![forged_proof(), json_value()],
            any::<bool>(),
        )
            .prop_map(|(fields, proof, with_context)| {
                let mut object: serde_json::Map<String, Value> = fields.into_iter().collect();
                object.insert("proof".into(), proof);
                if with_context {
                    object.insert(
                        "@context".into(),
                        json!([
                            app::credentials::proof::VC_CONTEXT,
                            app::credentials::proof::OB_CONTEXT
                        ]),
                    );
                }
                Value::Object(object)
            })
    }

    /// Returns the JSON pointers of every value inside `value`, the root excluded.
    pub fn pointers(value: &Value) -> Vec<String> {
        let mut found = Vec::new();
        let mut pending = vec![(String::new(), value)];
        while let Some((pointer, value)) = pending.pop() {
            let children: Vec<(String, &Value)> = match value {
                Value::Object(map) => map
                    .iter()
                    .map(|(key, child)| {
                        let escaped = key.replace('~', "~0").replace('/', "~1");
                        (format!("{pointer}/{escaped}"), child)
                    })
                    .collect(),
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(index, child)| (format!("{pointer}/{index}"), child))
                    .collect(),
                _ => Vec::new(),
            };
            for (child_pointer, child) in children {
                found.push(child_pointer.clone());
                pending.push((child_pointer, child));
            }
        }
        found
    }
}

#[test]
fn signed_fixture_verifies_unchanged() {
    use app::credentials::{Check, CheckName};
    use credential_fixture::SIGNED;

    assert_eq!(
        app::credentials::proof::verify(&SIGNED.document, &SIGNED.key),
        Ok(())
    );
    let (report, outcome) = credential_fixture::read_and_verify(SIGNED.text.as_bytes());
    assert_eq!(report.checks, vec![(CheckName::Format, Check::Passed)]);
    assert_eq!(outcome, Some(Ok(())));
    let baked =
        app::credentials::baking::bake(&SIGNED.text, app::credentials::baking::MICROCREDENTIAL)
            .expect("the fixture bakes into a badge");
    let (report, outcome) = credential_fixture::read_and_verify(&baked);
    assert_eq!(report.checks, vec![(CheckName::Format, Check::Passed)]);
    assert_eq!(outcome, Some(Ok(())));
}

/// The issuer profile that `creator` repeats states the same name as `issuer`, so
/// removing one of the two copies leaves the signed statements, and the signature,
/// as they were. The verifier reads the issuer's name for its report from `issuer`.
#[test]
fn signed_credential_duplicate_statement_removable() {
    use credential_fixture::SIGNED;

    let mut document = SIGNED.document.clone();
    document["credentialSubject"]["achievement"]["creator"]["name"] = json!([]);
    assert_eq!(
        credential_fixture::signed_statements(&document),
        credential_fixture::signed_statements(&SIGNED.document)
    );
    assert_eq!(
        app::credentials::proof::verify(&document, &SIGNED.key),
        Ok(())
    );
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary bytes, and bytes that start like a PDF certificate, a PNG badge or
    /// JSON, are read without panicking and never pass the signature check.
    #[test]
    fn verifier_arbitrary_bytes_never_valid(
        input in prop_oneof![
            vec(any::<u8>(), 0..1024),
            (
                select(vec![&b"%PDF-1.7\n"[..], b"\x89PNG\r\n\x1a\n", b"{", b"{\"proof\":", b" \n"]),
                vec(any::<u8>(), 0..1024),
            )
                .prop_map(|(start, rest)| [start, &rest[..]].concat()),
        ]
    ) {
        let (report, outcome) = credential_fixture::read_and_verify(&input);
        prop_assert_eq!(report.checks.len(), 1, "{:?}", report);
        prop_assert!(!report.valid());
        if let Some(outcome) = outcome {
            prop_assert!(outcome.is_err());
        }
    }

    /// Any JSON value, and objects shaped like credentials with a forged proof, are
    /// read without panicking and never pass the signature check.
    #[test]
    fn verifier_arbitrary_json_never_valid(
        document in prop_oneof![
            credential_fixture::json_value(),
            credential_fixture::credential_like(),
        ]
    ) {
        let text = serde_json::to_vec(&document).unwrap();
        let (report, outcome) = credential_fixture::read_and_verify(&text);
        prop_assert!(!report.valid());
        if let Some(outcome) = outcome {
            prop_assert!(outcome.is_err());
        }
        prop_assert!(app::credentials::proof::verify(&document, &credential_fixture::SIGNED.key).is_err());
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Changing one character of a signed credential to any printable ASCII character,
    /// wherever the result is still JSON, makes the verification fail, including edits
    /// that turn a name into one that JSON-LD drops.
    #[test]
    fn signed_credential_edit_breaks_signature(
        position in any::<Index>(),
        replacement in (b' '..=b'~').prop_map(char::from),
    ) {
        let signed = &*credential_fixture::SIGNED;
        let characters: Vec<char> = signed.text.chars().collect();
        let at = position.index(characters.len());
        prop_assume!(characters[at] != replacement);
        let mut edited = characters;
        edited[at] = replacement;
        let edited: String = edited.into_iter().collect();
        let (_, outcome) = credential_fixture::read_and_verify(edited.as_bytes());
        if let Some(outcome) = outcome {
            prop_assert!(outcome.is_err(), "still verifies after editing character {at}: {edited}");
        }
    }
}

/// JSON-LD drops, without an error, keys that look like keywords, blank-node keys,
/// names that are not valid IRIs, nodes whose id is not a valid IRI and literals with
/// an invalid language tag. Content added in these forms would not be signed, so the
/// verifier rejects it, as it does a one-character edit such as `"Profile"` to
/// `"<rofile"` in the `creator` profile.
#[test]
fn signed_credential_dropped_terms_rejected() {
    let signed = &*credential_fixture::SIGNED;
    let additions = [
        ("", "my note", json!("unsigned text")),
        ("", "<img src=x onerror=alert(1)>", json!("unsigned text")),
        ("", "@note", json!("unsigned text")),
        ("/credentialSubject", "_:note", json!("unsigned text")),
        (
            "/credentialSubject",
            "note for reviewers",
            json!({ "grade": "A+" }),
        ),
        (
            "/credentialSubject",
            "type",
            json!(["AchievementSubject", "not a term"]),
        ),
        (
            "/credentialSubject/achievement",
            "image",
            json!({ "id": "not an iri", "type": "Image" }),
        ),
        (
            "/credentialSubject/achievement",
            "humanCode",
            json!({ "@value": "A+", "@language": "not valid!" }),
        ),
        (
            "/credentialSubject/achievement/creator",
            "type",
            json!(["<rofile"]),
        ),
    ];
    for (parent, key, value) in additions {
        let mut document = signed.document.clone();
        document
            .pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .expect("the parent is an object")
            .insert(key.to_owned(), value);
        assert!(
            app::credentials::proof::verify(&document, &signed.key).is_err(),
            "{key:?} added under {parent:?} still verifies"
        );
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Replacing any value inside a signed credential with another JSON value makes the
    /// signature check fail, unless the signed statements stay the same. That happens
    /// when the value removed repeats a statement made elsewhere in the credential and
    /// JSON-LD drops the value put in, as `signed_credential_dropped_terms_rejected`
    /// shows.
    #[test]
    fn signed_credential_replaced_value_fails(
        target in any::<Index>(),
        replacement in credential_fixture::json_value(),
    ) {
        let signed = &*credential_fixture::SIGNED;
        let pointers = credential_fixture::pointers(&signed.document);
        let pointer = &pointers[target.index(pointers.len())];
        let mut document = signed.document.clone();
        let slot = document.pointer_mut(pointer).unwrap();
        prop_assume!(*slot != replacement);
        *slot = replacement;
        if app::credentials::proof::verify(&document, &signed.key).is_ok() {
            prop_assert!(!pointer.starts_with("/proof"), "the proof's {pointer} is not signed");
            prop_assert_eq!(
                credential_fixture::signed_statements(&document),
                credential_fixture::signed_statements(&signed.document),
                "still verifies after replacing {}", pointer
            );
        }
    }
}

// ---------------------------------------------------------------------------------
// Upload type detection
// ---------------------------------------------------------------------------------

mod upload_content {
    use super::*;

    /// Builds the first local file header of a zip archive, for an entry called `name`
    /// that contains `content`.
    pub fn zip_start(name: &str, content: &[u8]) -> Vec<u8> {
        let mut header = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0".to_vec();
        header.extend_from_slice(&[0; 4]);
        header.extend_from_slice(&(content.len() as u32).to_le_bytes());
        header.extend_from_slice(&(content.len() as u32).to_le_bytes());
        header.extend_from_slice(&(name.len() as u16).to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes());
        header.extend_from_slice(name.as_bytes());
        header.extend_from_slice(content);
        header
    }

    /// Lists the start of each accepted type, with the extension it is stored under.
    /// Random bytes after a start change the type only if they happen to spell another
    /// type's four-byte signature at that signature's offset.
    pub fn magic_numbers() -> Vec<(&'static str, Vec<u8>)> {
        vec![
            ("pdf", b"%PDF-1.7\n".to_vec()),
            ("png", b"\x89PNG\r\n\x1a\n".to_vec()),
            ("jpg", b"\xFF\xD8\xFF\xE0".to_vec()),
            ("jpg", b"\xFF\xD8\xFF\xE1".to_vec()),
            ("gif", b"GIF89a".to_vec()),
            ("gif", b"GIF87a".to_vec()),
            ("webp", b"RIFF\x24\0\0\0WEBPVP8 ".to_vec()),
            ("mp3", b"ID3\x04\0".to_vec()),
            ("mp3", b"\xFF\xFB\x90".to_vec()),
            ("m4a", b"\0\0\0\x10ftypM4A \0\0\0\0".to_vec()),
            ("wav", b"RIFF\x24\0\0\0WAVEfmt ".to_vec()),
            ("ogg", b"OggS\0\x02".to_vec()),
            ("mp4", b"\0\0\0\x10ftypisom\0\0\x02\0".to_vec()),
            ("mov", b"\0\0\0\x10ftypqt  \0\0\0\0".to_vec()),
            ("webm", b"\x1A\x45\xDF\xA3".to_vec()),
            ("doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec()),
            ("docx", zip_start("word/document.xml", b"<w:document/>")),
            ("pptx", zip_start("ppt/presentation.xml", b"<p/>")),
            ("xlsx", zip_start("xl/workbook.xml", b"<x/>")),
            (
                "odt",
                zip_start("mimetype", b"application/vnd.oasis.opendocument.text"),
            ),
        ]
    }

    /// Lists starts of files that must be rejected, with a word the message contains.
    pub fn rejected_starts() -> Vec<(&'static str, Vec<u8>)> {
        vec![
            ("HEIC", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec()),
            ("web page", b"<!DOCTYPE html>".to_vec()),
            (
                "web page",
                b"\xEF\xBB\xBF  <svg xmlns=\"http://www.w3.org/2000/svg\"".to_vec(),
            ),
            ("web page", b"<?xml version=\"1.0\"?>".to_vec()),
            ("web page", b"<html><body>".to_vec()),
            ("does not accept", b"MZ\x90\0\x03\0\0\0".to_vec()),
            // `infer` names an ELF file only when more than 52 bytes are present.
            (
                "does not accept",
                [b"\x7fELF\x02\x01\x01\0".as_slice(), &[0; 56]].concat(),
            ),
        ]
    }

    /// Generates arbitrary bytes, and arbitrary bytes after the start of a known or
    /// rejected type.
    pub fn upload_bytes() -> impl Strategy<Value = Vec<u8>> {
        let starts: Vec<Vec<u8>> = magic_numbers()
            .into_iter()
            .chain(rejected_starts())
            .map(|(_, start)| start)
            .chain([
                zip_start("[Content_Types].xml", b"<Types/>"),
                zip_start("notes.txt", b"hello"),
                b"\xFF\xD8\xFF\xE1\0\x10Exif\0\0MM\0*\0\0\0\x08".to_vec(),
                b"\x89PNG\r\n\x1a\n\0\0\0\x0DIHDR".to_vec(),
            ])
            .collect();
        prop_oneof![
            vec(any::<u8>(), 0..2048),
            (select(starts), vec(any::<u8>(), 0..2048))
                .prop_map(|(start, rest)| [start, rest].concat()),
        ]
    }

    /// Generates names a browser might send: anything, dangerous extensions, and paths.
    pub fn claimed_name() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-z]{1,8}\\.(html|svg|exe|js|pdf|png|php|txt)",
            "((\\.\\./)|(C:\\\\)|/)*[a-z ]{0,5}(\\.[a-z]{1,4}){0,3}",
            "[a-z]{0,3}[\u{202A}-\u{202E}\u{2066}-\u{2069}][a-z]{0,3}\\.(exe|pdf)",
            "[. ]{0,5}",
            ".{150,300}",
        ]
    }

    /// A JPEG whose EXIF, comment and IPTC segments contain `SECRET`, with an EXIF
    /// orientation, a scan of random data and at times a second image appended, as
    /// phones write them.
    #[derive(Debug, Clone)]
    pub struct Jpeg {
        pub bytes: Vec<u8>,
        pub orientation: u16,
    }

    pub const SECRET: &[u8] = b"GPS-SECRET-42";

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0xFF, marker];
        bytes.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        bytes.extend_from_slice(payload);
        bytes
    }

    /// Builds EXIF data with an Orientation tag and a GPS pointer, little- or
    /// big-endian.
    fn exif(orientation: u16, big_endian: bool) -> Vec<u8> {
        let u16_bytes = |value: u16| {
            if big_endian {
                value.to_be_bytes()
            } else {
                value.to_le_bytes()
            }
        };
        let u32_bytes = |value: u32| {
            if big_endian {
                value.to_be_bytes()
            } else {
                value.to_le_bytes()
            }
        };
        let mut tiff = if big_endian {
            b"MM\0*".to_vec()
        } else {
            b"II*\0".to_vec()
        };
        // The first directory starts at offset 8 and has two entries.
        tiff.extend_from_slice(&u32_bytes(8));
        tiff.extend_from_slice(&u16_bytes(2));

        // Orientation: one SHORT value, padded to four bytes.
        tiff.extend_from_slice(&u16_bytes(0x0112));
        tiff.extend_from_slice(&u16_bytes(3));
        tiff.extend_from_slice(&u32_bytes(1));
        tiff.extend_from_slice(&u16_bytes(orientation));
        tiff.extend_from_slice(&[0, 0]);

        // A pointer to GPS data, then no next directory, then the data itself.
        tiff.extend_from_slice(&u16_bytes(0x8825));
        tiff.extend_from_slice(&u16_bytes(4));
        tiff.extend_from_slice(&u32_bytes(1));
        tiff.extend_from_slice(&u32_bytes(0x40));
        tiff.extend_from_slice(&[0; 4]);
        tiff.extend_from_slice(SECRET);

        let mut contents = b"Exif\0\0".to_vec();
        contents.extend(tiff);
        contents
    }

    /// Builds entropy-coded data: random bytes with every 0xFF stuffed, and restart
    /// markers.
    fn scan_data(random: &[u8]) -> Vec<u8> {
        let mut data = Vec::new();
        for (index, byte) in random.iter().enumerate() {
            data.push(*byte);
            if *byte == 0xFF {
                data.push(0x00);
            }
            if index % 50 == 49 {
                data.extend_from_slice(&[0xFF, 0xD0 + (index / 50 % 8) as u8]);
            }
        }
        data
    }

    fn image(
        orientation: u16,
        big_endian: bool,
        others: &[(u8, Vec<u8>)],
        scan: &[u8],
        note: &[u8],
    ) -> Vec<u8> {
        let mut bytes = b"\xFF\xD8".to_vec();
        bytes.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        bytes.extend(segment(0xE1, &exif(orientation, big_endian)));
        for (marker, payload) in others {
            bytes.extend(segment(*marker, payload));
        }
        bytes.extend(segment(0xFE, note));
        bytes.extend(segment(
            0xED,
            &[b"Photoshop 3.0\0".as_slice(), SECRET].concat(),
        ));
        bytes.extend(segment(0xDA, b"\x01\x01\0\0\x3F\0"));
        bytes.extend(scan_data(scan));
        bytes.extend_from_slice(b"\xFF\xD9");
        bytes
    }

    pub fn jpeg() -> impl Strategy<Value = Jpeg> {
        // APP2 (colour profile), APP14 (Adobe), quantization and Huffman tables stay;
        // the payloads are random but contain no secret.
        let kept_segment = (
            select(vec![0xE2u8, 0xEE, 0xDB, 0xC4, 0xC0]),
            vec(
                any::<u8>().prop_filter("not the secret's first byte", |b| *b != b'G'),
                0..40,
            ),
        );
        (
            0u16..10,
            any::<bool>(),
            vec(kept_segment, 0..4),
            vec(any::<u8>(), 0..300),
            any::<bool>(),
        )
            .prop_map(|(orientation, big_endian, others, scan, appended)| {
                let mut bytes = image(orientation, big_endian, &others, &scan, SECRET);
                if appended {
                    bytes.extend(image(1, big_endian, &[], &scan, SECRET));
                }
                Jpeg { bytes, orientation }
            })
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary bytes are either rejected with a message or given a type whose image
    /// metadata removal then runs without panicking.
    #[test]
    fn upload_arbitrary_bytes_never_panic(content in upload_content::upload_bytes()) {
        match app::files::detect(&content) {
            Ok(kind) => {
                prop_assert!(!kind.mime.is_empty());
                prop_assert!(!kind.extension.is_empty());
                if let Ok(cleaned) = app::files::strip_metadata(&kind, content.clone()) {
                    prop_assert!(!cleaned.is_empty());
                }
            }
            Err(message) => prop_assert!(!message.is_empty()),
        }
    }

    /// The stored name always takes the extension of the detected type, whatever name
    /// the browser sent, and cannot name a folder or hide characters.
    #[test]
    fn upload_stored_name_follows_detected_type(
        content in upload_content::upload_bytes(),
        first in upload_content::claimed_name(),
        second in upload_content::claimed_name(),
    ) {
        let Ok(kind) = app::files::detect(&content) else {
            return Ok(());
        };
        for claimed in [&first, &second] {
            let name = app::files::normalize_name(claimed, &kind);
            let suffix = format!(".{}", kind.extension);
            prop_assert!(name.ends_with(&suffix), "{name:?} from {claimed:?}");
            prop_assert!(name.len() > suffix.len(), "{name:?} has no stem");
            prop_assert!(name.chars().count() <= app::files::NAME_MAX_CHARS, "{name:?}");
            prop_assert!(!name.contains(['/', '\\']), "{name:?}");
            prop_assert!(!name.chars().any(char::is_control), "{name:?}");
            prop_assert!(
                !name.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
                "{name:?}"
            );
        }
    }

    /// Each accepted type is recognized from its signature whatever follows it, and
    /// HEIC photos, web pages and programs are rejected.
    #[test]
    fn upload_magic_numbers_detected_with_tails(
        (extension, start) in select(upload_content::magic_numbers()),
        (reason, rejected) in select(upload_content::rejected_starts()),
        tail in vec(any::<u8>(), 0..1024),
    ) {
        let accepted = [start.as_slice(), &tail].concat();
        let kind = app::files::detect(&accepted);
        prop_assert!(kind.is_ok(), "{extension}: {kind:?}");
        prop_assert_eq!(kind.unwrap().extension, extension);

        let rejected_content = [rejected.as_slice(), &tail].concat();
        let message = app::files::detect(&rejected_content);
        prop_assert!(message.is_err(), "{reason}: {message:?}");
        let message = message.unwrap_err();
        prop_assert!(message.contains(reason), "{message}");
    }

    /// Random bytes get the same decision every time. Plain text is valid UTF-8 without
    /// NUL, except for a character cut off at the end. Bytes that are neither text nor
    /// a known type are rejected.
    #[test]
    fn upload_random_bytes_decided_consistently(content in vec(any::<u8>(), 1..2048)) {
        let decision = app::files::detect(&content);
        prop_assert_eq!(&decision, &app::files::detect(&content));
        let utf8 = std::str::from_utf8(&content);
        let text_up_to_cut = match utf8 {
            Ok(text) => Some(text),
            Err(error) if error.error_len().is_none() => {
                Some(std::str::from_utf8(&content[..error.valid_up_to()]).unwrap())
            }
            Err(_) => None,
        };
        match &decision {
            Ok(kind) if kind.extension == "txt" => {
                let text = text_up_to_cut;
                prop_assert!(text.is_some(), "invalid UTF-8 accepted as text");
                prop_assert!(!text.unwrap().contains('\0'), "NUL accepted as text");
            }
            Ok(kind) => prop_assert!(
                upload_content::magic_numbers().iter().any(|(extension, _)| *extension == kind.extension),
                "unexpected type {kind:?}"
            ),
            Err(message) => prop_assert!(!message.is_empty()),
        }
    }

    /// Written notes are plain text, also when the first bytes end inside a character,
    /// and when they begin with words that start like a media signature.
    #[test]
    fn upload_plain_text_detected_as_text(
        first in prop_oneof![
            3 => "[a-z]{2,10}",
            1 => select(vec!["GIFT", "GIFs", "GIF", "ID3", "ID3v2", "Notes", "Plan"]).prop_map(str::to_owned),
        ],
        rest in "( [A-Za-z0-9À-ÿ,.;:!?'()-]{1,10}| [ぁ-ゖ一-龥]{1,5}|\n){0,40}",
        cut in 1usize..4,
        last in "[é€😀ж]",
    ) {
        let text = format!("{first}{rest} {last}");
        let whole = app::files::detect(text.as_bytes());
        prop_assert!(whole.is_ok(), "{text:?}: {whole:?}");
        prop_assert_eq!(whole.unwrap().extension, "txt", "{:?}", text);

        let bytes = text.as_bytes();
        let cut = cut.min(last.len() - 1);
        let head = &bytes[..bytes.len() - cut];
        let partial = app::files::detect(head);
        prop_assert!(partial.is_ok(), "{text:?} without its last {cut} bytes: {partial:?}");
        prop_assert_eq!(partial.unwrap().extension, "txt");
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Removing JPEG metadata drops every segment with the secret and the appended
    /// image, and keeps only a valid orientation.
    #[test]
    fn upload_jpeg_strip_keeps_only_orientation(jpeg in upload_content::jpeg()) {
        let kind = app::files::detect(&jpeg.bytes);
        prop_assert!(kind.is_ok(), "{kind:?}");
        let kind = kind.unwrap();
        prop_assert_eq!(kind.extension, "jpg");
        let cleaned = app::files::strip_metadata(&kind, jpeg.bytes.clone());
        prop_assert!(cleaned.is_ok(), "{cleaned:?}");
        let cleaned = cleaned.unwrap();
        prop_assert!(cleaned.starts_with(b"\xFF\xD8"));
        prop_assert!(cleaned.ends_with(b"\xFF\xD9"));
        prop_assert!(
            !cleaned.windows(upload_content::SECRET.len()).any(|window| window == upload_content::SECRET),
            "the secret survived"
        );
        let mut orientation_only = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
        orientation_only.extend_from_slice(&jpeg.orientation.to_be_bytes());
        let orientation_kept = cleaned
            .windows(orientation_only.len())
            .any(|window| window == orientation_only);
        prop_assert_eq!(orientation_kept, (2..=8).contains(&jpeg.orientation));
    }
}

// ---------------------------------------------------------------------------------
// Dates, times and time zones
// ---------------------------------------------------------------------------------

mod time_input {
    use super::*;
    use chrono::{Duration, NaiveDate, NaiveDateTime, Offset, TimeZone};

    /// Zones that change their clocks in most years from 2000 to 2037. Lord Howe moves
    /// by 30 minutes and Troll by two hours, Havana's clocks change at midnight, and
    /// Casablanca's changes fall on different dates each year.
    pub const DST_ZONES: &[&str] = &[
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "America/Anchorage",
        "America/St_Johns",
        "America/Santiago",
        "America/Havana",
        "Europe/London",
        "Europe/Berlin",
        "Europe/Dublin",
        "Africa/Casablanca",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "Pacific/Auckland",
        "Pacific/Chatham",
        "Antarctica/Troll",
    ];

    /// Zones without daylight saving in these years or with odd offsets, and two that
    /// skipped a whole day: Apia on 2011-12-30 and Kiritimati on 1994-12-31.
    pub const OTHER_ZONES: &[&str] = &[
        "UTC",
        "America/Phoenix",
        "Pacific/Honolulu",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "Asia/Tokyo",
        "Asia/Tehran",
        "Europe/Moscow",
        "Pacific/Apia",
        "Pacific/Kiritimati",
        "America/Argentina/Buenos_Aires",
        "Etc/GMT+12",
        "Etc/GMT-14",
    ];

    pub fn any_zone() -> impl Strategy<Value = &'static str> {
        select(
            DST_ZONES
                .iter()
                .chain(OTHER_ZONES)
                .copied()
                .collect::<Vec<_>>(),
        )
    }

    /// A change of a zone's UTC offset, in seconds east of UTC.
    #[derive(Debug, Clone, Copy)]
    pub struct Transition {
        /// The first UTC instant with the new offset.
        pub at: NaiveDateTime,
        pub before: i32,
        pub after: i32,
    }

    fn offset_seconds<Z: TimeZone>(zone: &Z, utc: NaiveDateTime) -> i32 {
        zone.offset_from_utc_datetime(&utc).fix().local_minus_utc()
    }

    /// Lists the offset changes of `zone` during `year` (UTC). In the zones tested, two
    /// changes are weeks apart, so a six-hour step finds each one.
    pub fn transitions<Z: TimeZone>(zone: &Z, year: i32) -> Vec<Transition> {
        let start = NaiveDate::from_ymd_opt(year, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let end = NaiveDate::from_ymd_opt(year + 1, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let step = Duration::hours(6);
        let mut found = Vec::new();
        let mut from = start;
        while from < end {
            let to = from + step;
            let before = offset_seconds(zone, from);
            let after = offset_seconds(zone, to);
            if before != after {
                // Offsets change on whole seconds, so the search steps in whole seconds.
                let (mut low, mut high) = (from, to);
                while high - low > Duration::seconds(1) {
                    let middle = low + Duration::seconds((high - low).num_seconds() / 2);
                    if offset_seconds(zone, middle) == before {
                        low = middle;
                    } else {
                        high = middle;
                    }
                }
                found.push(Transition {
                    at: high,
                    before,
                    after,
                });
            }
            from = to;
        }
        found
    }

    /// Generates offsets as people type them, and text that has broken offset parsers:
    /// huge and doubled signs, minus signs from other scripts, and letters with accents.
    pub fn typed_offset() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "(UTC|GMT|utc|gmt)? ?[+\\-−–]{1,2}[0-9]{1,10}(:[+\\-]?[0-9]{1,10})?",
            "[+\\-][0-9é:ü]{1,5}",
            "[A-Z]{2,5}",
            "[+\\-]?[0-9]{1,2}(:[0-9]{2})?",
        ]
    }

    /// Generates dates as typed: valid ones, far years, and broken forms.
    pub fn typed_date() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[+\\-]?[0-9]{1,7}-[0-9]{1,3}-[0-9]{1,3}",
            (-300_000i32..300_000, 1u32..=12, 1u32..=31)
                .prop_map(|(year, month, day)| format!("{year:+}-{month:02}-{day:02}")),
            (2000i32..=2100, 1u32..=12, 1u32..=31)
                .prop_map(|(year, month, day)| format!(" {year}-{month:02}-{day:02} ")),
        ]
    }

    pub fn typed_time() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[0-9]{1,3}:[0-9]{1,3}(:[0-9]{1,3})?",
            (0u32..24, 0u32..60, 0u32..=60)
                .prop_map(|(hour, minute, second)| format!("{hour:02}:{minute:02}:{second:02}")),
        ]
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Any text either names a zone, ignoring case and surrounding spaces, or is
    /// rejected on the field with an example of a zone name.
    #[test]
    fn zone_arbitrary_text_never_panics(
        typed in prop_oneof![any::<String>(), "[A-Za-z_/+0-9 -]{0,30}"]
    ) {
        match app::local_time::parse_zone("time_zone", &typed) {
            Ok(zone) => prop_assert!(zone.name().eq_ignore_ascii_case(typed.trim())),
            Err(error) => {
                let message = error.message_for("time_zone");
                prop_assert!(message.is_some(), "{error:?}");
                prop_assert!(message.unwrap().contains("America/New_York"));
            }
        }
    }

    /// Every zone name parses back to itself in any letter case.
    #[test]
    fn zone_names_parse_in_any_case(
        name in time_input::any_zone(),
        flips in vec(any::<bool>(), 40),
        padding in "[ \t]{0,2}",
    ) {
        let typed: String = name
            .chars()
            .zip(flips.iter().cycle())
            .map(|(letter, flip)| if *flip { letter.to_ascii_uppercase() } else { letter.to_ascii_lowercase() })
            .collect();
        let zone = app::local_time::parse_zone("time_zone", &format!("{padding}{typed}{padding}"));
        prop_assert!(zone.is_ok(), "{typed:?}: {zone:?}");
        prop_assert_eq!(zone.unwrap().name(), name);
    }

    /// Any date, time and offset text is resolved or rejected on the field.
    #[test]
    fn local_time_arbitrary_fields_never_panic(
        name in time_input::any_zone(),
        date in time_input::typed_date(),
        time in time_input::typed_time(),
        offset in proptest::option::of(time_input::typed_offset()),
    ) {
        let zone = app::local_time::parse_zone("zone", name).unwrap();
        if let Err(error) = app::local_time::resolve("deadline", zone, &date, &time, offset.as_deref()) {
            prop_assert!(error.message_for("deadline").is_some(), "{error:?}");
        }
    }

    /// A valid local time resolves to the instant that shows that local time, with any
    /// seconds dropped. A time that does not exist or happens twice is rejected, and
    /// naming either UTC offset of a repeated time picks that instant.
    #[test]
    fn local_time_valid_input_round_trips(
        name in time_input::any_zone(),
        day in (2000i32..=2100, 1u32..=12, 1u32..=31)
            .prop_filter_map("a real date", |(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d)),
        (hour, minute, second) in (0u32..24, 0u32..60, 0u32..=60),
    ) {
        use chrono::{LocalResult, TimeZone};

        let zone = app::local_time::parse_zone("zone", name).unwrap();
        let local = day.and_hms_opt(hour, minute, 0).unwrap();
        let date = day.format("%Y-%m-%d").to_string();
        let time = format!("{hour:02}:{minute:02}");
        let resolved = app::local_time::resolve("deadline", zone, &date, &time, None);

        let with_seconds = format!("{time}:{second:02}");
        let resolved_with_seconds = app::local_time::resolve("deadline", zone, &date, &with_seconds, None);
        prop_assert_eq!(&resolved_with_seconds, &resolved, "{} {}", date, with_seconds);

        match zone.from_local_datetime(&local) {
            LocalResult::Single(instant) => {
                prop_assert_eq!(resolved, Ok(instant.with_timezone(&chrono::Utc)));
                prop_assert_eq!(instant.naive_local(), local);
            }
            LocalResult::None => {
                let message = resolved.unwrap_err().message_for("deadline").unwrap();
                prop_assert!(message.contains("does not exist"), "{message}");
            }
            LocalResult::Ambiguous(earlier, later) => {
                let message = resolved.unwrap_err().message_for("deadline").unwrap();
                prop_assert!(message.contains("happens twice"), "{message}");
                for instant in [earlier, later] {
                    let offset = app::local_time::offset_text(&instant);
                    prop_assert_eq!(
                        app::local_time::resolve("deadline", zone, &date, &time, Some(&offset)),
                        Ok(instant.with_timezone(&chrono::Utc))
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// A local time that a clock change skips is rejected with the last minute before
    /// the gap and the first minute after it, and no offset makes it valid.
    #[test]
    fn local_time_spring_gap_rejected_with_edges(
        name in select(time_input::DST_ZONES.to_vec()),
        year in 2000i32..=2037,
        which in any::<Index>(),
        minute in any::<Index>(),
        offset in time_input::typed_offset(),
    ) {
        use chrono::{Duration, LocalResult, TimeZone};
        use app::local_time::{offset_text, resolve};

        let zone = app::local_time::parse_zone("zone", name).unwrap();
        let gaps: Vec<_> = time_input::transitions(&zone, year)
            .into_iter()
            .filter(|change| change.after > change.before)
            .collect();
        prop_assume!(!gaps.is_empty());
        let gap = which.get(&gaps);
        let length = ((gap.after - gap.before) / 60) as usize;
        let local = gap.at
            + Duration::seconds(gap.before.into())
            + Duration::minutes(minute.index(length) as i64);
        prop_assert!(matches!(zone.from_local_datetime(&local), LocalResult::None));

        let date = local.format("%Y-%m-%d").to_string();
        let time = local.format("%H:%M").to_string();
        let error = resolve("deadline", zone, &date, &time, None).unwrap_err();
        let message = error.message_for("deadline").unwrap();
        prop_assert!(message.contains("does not exist in"), "{message}");
        prop_assert!(message.contains(zone.name()), "{message}");
        let last_before = zone.from_utc_datetime(&(gap.at - Duration::minutes(1)));
        let first_after = zone.from_utc_datetime(&gap.at);
        for edge in [last_before, first_after] {
            let choice = format!(
                "{} {} (UTC{})",
                edge.format("%-I:%M %p"),
                edge.format("%Z"),
                offset_text(&edge)
            );
            prop_assert!(message.contains(&choice), "{choice} missing from: {message}");
        }
        for typed in [offset_text(&last_before), offset_text(&first_after), offset] {
            prop_assert!(resolve("deadline", zone, &date, &time, Some(&typed)).is_err());
        }
    }

    /// A local time that happens twice needs one of its two UTC offsets. Each picks its
    /// instant, and any other text is rejected.
    #[test]
    fn local_time_autumn_fold_needs_offset(
        name in select(time_input::DST_ZONES.to_vec()),
        year in 2000i32..=2037,
        which in any::<Index>(),
        minute in any::<Index>(),
        offset in time_input::typed_offset(),
    ) {
        use chrono::{Duration, LocalResult, TimeZone, Utc};
        use app::local_time::{offset_text, resolve};

        let zone = app::local_time::parse_zone("zone", name).unwrap();
        let folds: Vec<_> = time_input::transitions(&zone, year)
            .into_iter()
            .filter(|change| change.after < change.before)
            .collect();
        prop_assume!(!folds.is_empty());
        let fold = which.get(&folds);
        let length = ((fold.before - fold.after) / 60) as usize;
        let local = fold.at
            + Duration::seconds(fold.after.into())
            + Duration::minutes(minute.index(length) as i64);
        let LocalResult::Ambiguous(earlier, later) = zone.from_local_datetime(&local) else {
            return Err(TestCaseError::fail(format!("{local} is not repeated in {name}")));
        };

        let date = local.format("%Y-%m-%d").to_string();
        let time = local.format("%H:%M").to_string();
        let message = resolve("deadline", zone, &date, &time, None)
            .unwrap_err()
            .message_for("deadline")
            .unwrap();
        prop_assert!(message.contains("happens twice"), "{message}");
        let (earlier_offset, later_offset) = (offset_text(&earlier), offset_text(&later));
        prop_assert!(message.contains(&earlier_offset), "{message}");
        prop_assert!(message.contains(&later_offset), "{message}");
        prop_assert_eq!(
            resolve("deadline", zone, &date, &time, Some(&earlier_offset)),
            Ok(earlier.with_timezone(&Utc))
        );
        prop_assert_eq!(
            resolve("deadline", zone, &date, &time, Some(&later_offset)),
            Ok(later.with_timezone(&Utc))
        );
        match resolve("deadline", zone, &date, &time, Some(&offset)) {
            Ok(instant) => prop_assert!(
                instant == earlier.with_timezone(&Utc) || instant == later.with_timezone(&Utc),
                "{offset:?} picked {instant}"
            ),
            Err(error) => prop_assert!(error.message_for("deadline").is_some()),
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Deadline fields of the schedule forms: blank means none, years outside 2000 to
    /// 2100 are rejected, and anything else resolves as `local_time::resolve` does.
    #[test]
    fn deadline_fields_match_local_time(
        name in time_input::any_zone(),
        date in time_input::typed_date(),
        time in time_input::typed_time(),
        offset in prop_oneof![Just(String::new()), time_input::typed_offset()],
    ) {
        use chrono::Datelike;

        let zone = app::local_time::parse_zone("zone", name).unwrap();
        let parsed = app::cohorts::schedule_api::parse_deadline("due", zone, &date, &time, &offset);
        let day = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok();
        let typed_offset = Some(offset.trim()).filter(|offset| !offset.is_empty());
        if date.trim().is_empty() && time.trim().is_empty() {
            prop_assert_eq!(parsed, Ok(None));
        } else if time.trim().is_empty() || !day.is_some_and(|day| (2000..=2100).contains(&day.year())) {
            prop_assert!(parsed.unwrap_err().message_for("due").is_some());
        } else {
            let expected = app::local_time::resolve("due", zone, &date, &time, typed_offset);
            prop_assert_eq!(parsed, expected.map(Some));
        }
    }

    /// The event form's start resolves as `local_time::resolve` does for years 2000 to
    /// 2100, and names the year range otherwise.
    #[test]
    fn event_start_matches_local_time(
        name in time_input::any_zone(),
        date in time_input::typed_date(),
        time in time_input::typed_time(),
        offset in prop_oneof![Just(String::new()), time_input::typed_offset()],
    ) {
        use chrono::Datelike;

        let zone = app::local_time::parse_zone("zone", name).unwrap();
        let parsed = app::events::input::parse_start(zone, &date, &time, &offset);
        let day = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok();
        let typed_offset = Some(offset.trim()).filter(|offset| !offset.is_empty());
        if date.trim().is_empty() || time.trim().is_empty() {
            prop_assert!(parsed.unwrap_err().message_for("starts").is_some());
        } else if day.is_some_and(|day| !(2000..=2100).contains(&day.year())) {
            let message = parsed.unwrap_err().message_for("starts").unwrap();
            prop_assert!(message.contains("from 2000 to 2100"), "{message}");
        } else {
            let expected = app::local_time::resolve("starts", zone, &date, &time, typed_offset);
            prop_assert_eq!(parsed, expected);
        }
    }

    /// Years far outside any form's range, up to the first and last days chrono can
    /// represent, resolve or are rejected without overflowing.
    #[test]
    fn local_time_far_years_never_panic(
        name in time_input::any_zone(),
        date in prop_oneof![
            (
                prop_oneof![-262_145i32..=-262_140, 262_140i32..=262_145, any::<i32>()],
                1u32..=12,
                1u32..=31,
            )
                .prop_map(|(year, month, day)| format!("{year:+}-{month:02}-{day:02}")),
            select(vec![
                chrono::NaiveDate::MIN,
                chrono::NaiveDate::MIN.succ_opt().unwrap(),
                chrono::NaiveDate::MAX.pred_opt().unwrap(),
                chrono::NaiveDate::MAX,
            ])
            .prop_map(|day| day.format("%Y-%m-%d").to_string()),
        ],
        (hour, minute) in (0u32..24, 0u32..60),
        offset in proptest::option::of(time_input::typed_offset()),
    ) {
        let zone = app::local_time::parse_zone("zone", name).unwrap();
        let time = format!("{hour:02}:{minute:02}");
        if let Err(error) = app::local_time::resolve("deadline", zone, &date, &time, offset.as_deref()) {
            prop_assert!(error.message_for("deadline").is_some(), "{error:?}");
        }
    }

    /// The audit log's date filters read the dates typed, require the end not to come
    /// before the start, and reject anything else on its own field.
    #[test]
    fn audit_filter_dates_round_trip(
        from in proptest::option::of((1i32..=9999, 1u32..=366)
            .prop_filter_map("a real date", |(y, d)| chrono::NaiveDate::from_yo_opt(y, d))),
        to in proptest::option::of((1i32..=9999, 1u32..=366)
            .prop_filter_map("a real date", |(y, d)| chrono::NaiveDate::from_yo_opt(y, d))),
        garbage in time_input::typed_date(),
    ) {
        use app::admin::store::AuditFilter;

        let text = |day: Option<chrono::NaiveDate>| day.map(|day| day.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let parsed = AuditFilter::parse("", "", &text(from), &text(to));
        match (from, to) {
            (Some(from), Some(to)) if from > to => {
                prop_assert!(parsed.unwrap_err().message_for("to").is_some());
            }
            _ => {
                let filter = parsed.unwrap();
                prop_assert_eq!(filter.from, from);
                prop_assert_eq!(filter.to, to);
            }
        }

        match AuditFilter::parse("", "", &garbage, "") {
            Ok(filter) => prop_assert_eq!(
                filter.from,
                chrono::NaiveDate::parse_from_str(garbage.trim(), "%Y-%m-%d").ok()
            ),
            Err(error) => prop_assert!(error.message_for("from").is_some(), "{error:?}"),
        }
    }
}

// Inputs that the properties above found, kept as plain tests. Each one panicked or
// was read wrongly before the fix in the module it names.

/// `app::local_time::resolve` kept the leap second chrono reads from `:60`, so the
/// instant came out one second late.
#[test]
fn local_time_leap_second_dropped() {
    let zone = app::local_time::parse_zone("zone", "America/New_York").unwrap();
    let minute = app::local_time::resolve("deadline", zone, "2000-01-01", "00:00", None);
    assert_eq!(
        app::local_time::resolve("deadline", zone, "2000-01-01", "00:00:60", None),
        minute
    );
}

/// An offset typed for a repeated local time overflowed `i32` with a second sign or a
/// huge number, and split a character when four bytes were not four digits.
#[test]
fn local_time_odd_offsets_rejected() {
    let zone = app::local_time::parse_zone("zone", "America/New_York").unwrap();
    // 1:30 happens twice in New York on November 7, 2027.
    for typed in ["+–600000", "--999999", "-1:-99999999", "-1é1", "+1é"] {
        let result = app::local_time::resolve("deadline", zone, "2027-11-07", "01:30", Some(typed));
        let error = result.expect_err(typed);
        assert!(
            error.message_for("deadline").is_some(),
            "{typed}: {error:?}"
        );
    }
}

/// A local time on chrono's first or last day whose UTC instant falls outside chrono's
/// range was taken for a daylight-saving gap, and finding the gap's edges overflowed.
#[test]
fn local_time_first_and_last_days_rejected() {
    let cases = [
        ("America/Argentina/Buenos_Aires", "+262142-12-31", "21:00"),
        ("Asia/Tokyo", "-262143-01-01", "00:00"),
        ("Asia/Tokyo", "-262143-01-01", "09:00"),
    ];
    for (name, date, time) in cases {
        let zone = app::local_time::parse_zone("zone", name).unwrap();
        let error = app::local_time::resolve("deadline", zone, date, time, None).expect_err(date);
        let message = error.message_for("deadline").unwrap();
        assert!(
            message.contains("too far"),
            "{name} {date} {time}: {message}"
        );
    }
}

/// Samoa skipped all of December 30, 2011: the choices are the last minute of
/// December 29 and the first of December 31.
#[test]
fn local_time_day_long_gap_has_edges() {
    let zone = app::local_time::parse_zone("zone", "Pacific/Apia").unwrap();
    for time in ["00:00", "12:00", "23:59"] {
        let error =
            app::local_time::resolve("deadline", zone, "2011-12-30", time, None).expect_err(time);
        let message = error.message_for("deadline").unwrap();
        assert!(
            message.contains("does not exist in Pacific/Apia"),
            "{message}"
        );
        assert!(message.contains("11:59 PM"), "{message}");
        assert!(message.contains("12:00 AM"), "{message}");
    }
    let before = app::local_time::resolve("deadline", zone, "2011-12-29", "23:59", None);
    let after = app::local_time::resolve("deadline", zone, "2011-12-31", "00:00", None);
    assert_eq!(
        after.unwrap() - before.unwrap(),
        chrono::Duration::minutes(1)
    );
}

/// A list marker followed by a tab nests as deeply as one followed by a space, but the
/// nesting limit counted only spaces. Rendering then took time that grew with the
/// square of the depth.
#[test]
fn markdown_tab_list_markers_count_as_nesting() {
    let depth = app::portfolio::rich_text::MAX_NESTING + 1;
    for marker in ["-\t", "*\t", "+\t", "1.\t", "1)\t"] {
        let html = app::portfolio::rich_text::to_html(&format!("{}item", marker.repeat(depth)));
        assert!(!html.contains("<li>"), "{marker:?}: {html}");
        assert!(html.contains("item"), "{marker:?}: {html}");
    }
}

/// `infer` names GIF and MP3 from three letters, so notes starting with "GIFT" or
/// "ID3 " were stored as an image or audio.
#[test]
fn upload_text_starting_like_media_is_text() {
    for text in [
        "GIFT ideas for the team",
        "GIF",
        "ID3 tags are metadata",
        "ID3",
    ] {
        let kind = app::files::detect(text.as_bytes());
        assert_eq!(kind.map(|kind| kind.extension), Ok("txt"), "{text}");
    }
    let gif = app::files::detect(b"GIF89a\x01\0\x01\0\0\0\0");
    assert_eq!(gif.map(|kind| kind.extension), Ok("gif"));
    let mp3 = app::files::detect(b"ID3\x03\0\0\0\0\0\0");
    assert_eq!(mp3.map(|kind| kind.extension), Ok("mp3"));
}
