//! Finds words that may be people's names, so that fellows can keep student names and
//! their own out of submissions, which reviewers score without knowing whose they
//! are. Server only.
//!
//! The search is deliberately cautious: it reports a common first name or a
//! capitalized word after a title ("Ms. Rivera"), and the fellow dismisses false
//! alarms.

use std::collections::BTreeSet;

/// Common first names in US schools that are rarely ordinary English words. Names such
/// as Will, May, Grace, Hope, Mason or Taylor are left out, since they would flag
/// everyday sentences. The list cannot know every name, and the pre-submission check
/// page states this to the fellow.
const FIRST_NAMES: &[&str] = &[
    "aaliyah",
    "aaron",
    "abigail",
    "adam",
    "adrian",
    "aiden",
    "aisha",
    "alejandro",
    "alexander",
    "alexis",
    "alice",
    "alyssa",
    "amanda",
    "amelia",
    "amir",
    "andre",
    "andrew",
    "anna",
    "anthony",
    "ashley",
    "ava",
    "benjamin",
    "brandon",
    "brian",
    "brianna",
    "brittany",
    "caleb",
    "camila",
    "carlos",
    "carmen",
    "carter",
    "charlotte",
    "chloe",
    "christopher",
    "daniel",
    "darnell",
    "david",
    "deshawn",
    "diego",
    "dylan",
    "elijah",
    "elizabeth",
    "emily",
    "emma",
    "ethan",
    "evelyn",
    "fatima",
    "gabriel",
    "hailey",
    "hannah",
    "hassan",
    "hiroshi",
    "imani",
    "isabella",
    "isaiah",
    "jacob",
    "jamal",
    "jasmine",
    "jason",
    "jayden",
    "jennifer",
    "jessica",
    "john",
    "jonathan",
    "jorge",
    "jose",
    "joseph",
    "joshua",
    "juan",
    "julia",
    "kayla",
    "keisha",
    "kenji",
    "kevin",
    "lakisha",
    "liam",
    "logan",
    "lucas",
    "lucia",
    "luis",
    "madison",
    "malik",
    "maria",
    "mateo",
    "matthew",
    "mei",
    "mia",
    "michael",
    "mohammed",
    "muhammad",
    "natalie",
    "nathan",
    "nevaeh",
    "nguyen",
    "nicholas",
    "noah",
    "olivia",
    "omar",
    "priya",
    "rahul",
    "samantha",
    "santiago",
    "sarah",
    "sebastian",
    "sofia",
    "sophia",
    "stephanie",
    "thanh",
    "tyler",
    "valentina",
    "victoria",
    "wei",
    "william",
    "xavier",
    "ximena",
    "yusuf",
    "zainab",
    "zoe",
];

/// Titles that put a name after them.
const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "mx", "dr"];

/// Returns the words in `text` that may be names, in order of first appearance and
/// without repeats. `own_names` are the fellow's own name parts, which are always
/// reported, in any letter case.
pub fn possible_names(text: &str, own_names: &[String]) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '.'))
        .filter(|word| !word.is_empty())
        .collect();
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    let mut report = |word: &str| {
        let word = word.trim_matches(['.', '\'']);
        if !word.is_empty() && seen.insert(word.to_lowercase()) {
            found.push(word.to_owned());
        }
    };
    for (index, raw) in words.iter().enumerate() {
        let word = raw.trim_matches(['.', '\'']);
        let lower = word.to_lowercase();
        if own_names.iter().any(|own| own.to_lowercase() == lower) {
            report(word);
            continue;
        }
        let capitalized = word.chars().next().is_some_and(char::is_uppercase)
            && word.chars().skip(1).all(|c| !c.is_uppercase());
        if !capitalized {
            continue;
        }
        if FIRST_NAMES.binary_search(&lower.as_str()).is_ok() {
            report(word);
            continue;
        }
        let after_title = index > 0
            && TITLES.contains(
                &words[index - 1]
                    .trim_end_matches('.')
                    .to_lowercase()
                    .as_str(),
            );
        if after_title {
            report(word);
        }
    }
    found
}

/// Splits a display name into the parts worth looking for: at least three letters each.
pub fn name_parts(display_name: &str) -> Vec<String> {
    display_name
        .split(|c: char| !c.is_alphabetic())
        .filter(|part| part.chars().count() >= 3)
        .map(str::to_owned)
        .collect()
}

/// Reads the author a PDF records in its document information or XMP metadata.
/// NOTE: only a literal `(…)` author is read; hex strings such as `<FEFF…>` and
/// encrypted or compressed metadata are missed.
pub fn pdf_author(content: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(content);
    if let Some(start) = text.find("/Author") {
        let rest = text[start + "/Author".len()..].trim_start();
        if let Some(rest) = rest.strip_prefix('(') {
            let end = rest.find(')')?;
            let author = rest[..end].trim();
            if !author.is_empty() {
                return Some(author.chars().take(200).collect());
            }
        }
    }
    let creator = text.find("<dc:creator>")?;
    let rest = &text[creator..];
    let item = rest.find("<rdf:li")?;
    let rest = &rest[item..];
    let open = rest.find('>')? + 1;
    let close = rest.find("</rdf:li>")?;
    let author = rest.get(open..close)?.trim();
    (!author.is_empty()).then(|| author.chars().take(200).collect())
}

/// Reads the author and last editor that an office document (Word, PowerPoint, Excel
/// or OpenDocument) records in its metadata part. Returns them joined by a comma.
pub fn office_author(content: &[u8]) -> Option<String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(content)).ok()?;
    let mut metadata = String::new();
    for part in ["docProps/core.xml", "meta.xml"] {
        if let Ok(file) = archive.by_name(part) {
            // Metadata parts are a few kilobytes; the cap guards against a zip bomb.
            file.take(256 * 1024).read_to_string(&mut metadata).ok()?;
            break;
        }
    }
    let names: Vec<String> = ["dc:creator", "cp:lastModifiedBy", "meta:initial-creator"]
        .iter()
        .filter_map(|tag| element_text(&metadata, tag))
        .fold(Vec::new(), |mut names, name| {
            if !names.contains(&name) {
                names.push(name);
            }
            names
        });
    (!names.is_empty()).then(|| names.join(", "))
}

/// Returns the text of the first `<tag>` element in `xml`, when it is not empty.
fn element_text(xml: &str, tag: &str) -> Option<String> {
    let start = xml.find(&format!("<{tag}"))?;
    let open_end = start + xml[start..].find('>')? + 1;
    let close = open_end + xml[open_end..].find(&format!("</{tag}>"))?;
    let text = xml[open_end..close].trim();
    (!text.is_empty()).then(|| text.chars().take(200).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_for_binary_search() {
        assert!(FIRST_NAMES.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn finds_first_names_and_titled_names() {
        let text = "Jayden and his tutor Ms. Okafor met with Dr Ruiz. Later, jayden wrote.";
        assert_eq!(possible_names(text, &[]), ["Jayden", "Okafor", "Ruiz"]);
    }

    #[test]
    fn ignores_ordinary_capitalized_words() {
        let text = "The Science Department will grade in May. Hope and Grace are values.";
        assert!(possible_names(text, &[]).is_empty());
    }

    #[test]
    fn own_name_found_any_case() {
        let own = name_parts("Dana Whitfield-Moss");
        assert_eq!(own, ["Dana", "Whitfield", "Moss"]);
        assert_eq!(possible_names("whitfield_lesson_plan", &own), ["whitfield"]);
    }

    #[test]
    fn reads_office_authors() {
        use std::io::Write;
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        writer.start_file("docProps/core.xml", options).unwrap();
        writer
            .write_all(
                b"<cp:coreProperties><dc:creator>Ana Ruiz</dc:creator><cp:lastModifiedBy>Sam Lee</cp:lastModifiedBy></cp:coreProperties>",
            )
            .unwrap();
        writer.finish().unwrap();
        assert_eq!(
            office_author(buffer.get_ref()).as_deref(),
            Some("Ana Ruiz, Sam Lee")
        );
        assert_eq!(office_author(b"not a zip"), None);
    }

    #[test]
    fn reads_pdf_authors() {
        assert_eq!(
            pdf_author(b"%PDF-1.7 ... << /Title (Plan) /Author (Maria Lopez) >>").as_deref(),
            Some("Maria Lopez")
        );
        assert_eq!(
            pdf_author(b"<dc:creator><rdf:Seq><rdf:li>Sam Ortiz</rdf:li></rdf:Seq></dc:creator>")
                .as_deref(),
            Some("Sam Ortiz")
        );
        assert_eq!(pdf_author(b"%PDF-1.7 no metadata"), None);
    }
}
