//! What an uploaded file is, decided from its first bytes rather than its name or the
//! browser's claim, and the name it is stored under. Server only.

use crate::program::format::EvidenceType;

/// An accepted file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    /// The MIME type the file is served with.
    pub mime: &'static str,
    /// The extension its stored name gets.
    pub extension: &'static str,
    /// The evidence type it counts as in a submission.
    pub evidence: EvidenceType,
    /// True for office documents, which reviewers can open more reliably as PDF.
    pub pdf_preferred: bool,
}

const fn kind(
    mime: &'static str,
    extension: &'static str,
    evidence: EvidenceType,
    pdf_preferred: bool,
) -> FileKind {
    FileKind {
        mime,
        extension,
        evidence,
        pdf_preferred,
    }
}

/// The types accepted, by the MIME type that content detection reports.
const ACCEPTED: &[(&str, FileKind)] = &[
    (
        "application/pdf",
        kind("application/pdf", "pdf", EvidenceType::Written, false),
    ),
    (
        "image/png",
        kind("image/png", "png", EvidenceType::Image, false),
    ),
    (
        "image/jpeg",
        kind("image/jpeg", "jpg", EvidenceType::Image, false),
    ),
    (
        "image/gif",
        kind("image/gif", "gif", EvidenceType::Image, false),
    ),
    (
        "image/webp",
        kind("image/webp", "webp", EvidenceType::Image, false),
    ),
    (
        "image/heif",
        kind("image/heif", "heic", EvidenceType::Image, false),
    ),
    (
        "audio/mpeg",
        kind("audio/mpeg", "mp3", EvidenceType::Audio, false),
    ),
    (
        "audio/m4a",
        kind("audio/mp4", "m4a", EvidenceType::Audio, false),
    ),
    (
        "audio/x-wav",
        kind("audio/wav", "wav", EvidenceType::Audio, false),
    ),
    (
        "audio/ogg",
        kind("audio/ogg", "ogg", EvidenceType::Audio, false),
    ),
    (
        "video/mp4",
        kind("video/mp4", "mp4", EvidenceType::Video, false),
    ),
    (
        "video/quicktime",
        kind("video/quicktime", "mov", EvidenceType::Video, false),
    ),
    (
        "video/webm",
        kind("video/webm", "webm", EvidenceType::Video, false),
    ),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        kind(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            EvidenceType::Written,
            true,
        ),
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        kind(
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "pptx",
            EvidenceType::Written,
            true,
        ),
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        kind(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            EvidenceType::Written,
            true,
        ),
    ),
    (
        "application/msword",
        kind("application/msword", "doc", EvidenceType::Written, true),
    ),
    (
        "application/vnd.oasis.opendocument.text",
        kind(
            "application/vnd.oasis.opendocument.text",
            "odt",
            EvidenceType::Written,
            true,
        ),
    ),
];

const PLAIN_TEXT: FileKind = kind(
    "text/plain; charset=utf-8",
    "txt",
    EvidenceType::Written,
    false,
);

/// Decides a file's type from its first bytes. Rejections say what the file is and
/// what to upload instead.
pub fn detect(head: &[u8]) -> Result<FileKind, String> {
    if head.is_empty() {
        return Err("The file is empty. Choose the file again.".to_owned());
    }
    if let Some(detected) = infer::get(head) {
        let mime = detected.mime_type();
        if let Some((_, kind)) = ACCEPTED.iter().find(|(accepted, _)| *accepted == mime) {
            return Ok(*kind);
        }
        if !matches!(mime, "text/html" | "text/xml" | "image/svg+xml") {
            return Err(format!(
                "This is a {} file ({mime}), which TLI Hub does not accept. Upload a PDF, an image, audio or video, or an office document.",
                detected.extension()
            ));
        }
    }
    if looks_like_markup(head) {
        return Err(
            "This file is a web page or an SVG drawing, which could run scripts in reviewers' browsers. Save it as a PDF or a PNG image and upload that."
                .to_owned(),
        );
    }
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // The head may end inside a multi-byte character.
        Err(error) if error.error_len().is_none() => {
            std::str::from_utf8(&head[..error.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => {
            return Err(
                "TLI Hub cannot tell what kind of file this is. Upload a PDF, an image, audio or video, or an office document."
                    .to_owned(),
            );
        }
    };
    if text.contains('\0') {
        return Err(
            "TLI Hub cannot tell what kind of file this is. Upload a PDF, an image, audio or video, or an office document."
                .to_owned(),
        );
    }
    Ok(PLAIN_TEXT)
}

/// Returns whether text starts like HTML, XML or SVG, after any byte-order mark and
/// white space.
fn looks_like_markup(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(1024)]).to_lowercase();
    let start = text.trim_start_matches('\u{feff}').trim_start();
    [
        "<!doctype",
        "<html",
        "<head",
        "<body",
        "<script",
        "<svg",
        "<?xml",
        "<iframe",
        "<!--",
    ]
    .iter()
    .any(|opening| start.starts_with(opening))
        || text.contains("<svg")
        || text.contains("<script")
}

/// Maximum length of a stored file name, in characters, extension included.
pub const NAME_MAX_CHARS: usize = 120;

/// Turns the name a browser sent into the name the file is stored and downloaded
/// under: folder parts removed, control and direction-override characters dropped,
/// Unicode letters kept, the length capped, and the extension set to match `kind`.
pub fn normalize_name(raw: &str, kind: &FileKind) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => cleaned,
    };
    let stem = if crate::text::is_blank(stem) {
        "file"
    } else {
        stem
    };
    let room = NAME_MAX_CHARS - kind.extension.len() - 1;
    let stem: String = stem.chars().take(room).collect();
    format!("{}.{}", stem.trim_end_matches(['.', ' ']), kind.extension)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0";
    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";

    #[test]
    fn content_decides_the_type() {
        assert_eq!(detect(PDF).unwrap().mime, "application/pdf");
        assert_eq!(detect(PNG).unwrap().evidence, EvidenceType::Image);
        assert_eq!(detect(JPEG).unwrap().extension, "jpg");
        assert_eq!(
            detect(b"Plain notes from the meeting.\n")
                .unwrap()
                .extension,
            "txt"
        );
        let word_97 = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0";
        assert!(detect(word_97).unwrap().pdf_preferred);
    }

    #[test]
    fn markup_and_unknown_binaries_are_rejected() {
        for markup in [
            &b"<!DOCTYPE html><html><body>hi</body></html>"[..],
            b"  <html><script>alert(1)</script>",
            b"\xEF\xBB\xBF<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            b"<?xml version=\"1.0\"?><svg><script>x</script></svg>",
            b"Totally a PDF <script>alert(1)</script>",
        ] {
            let message = detect(markup).unwrap_err();
            assert!(message.contains("web page or an SVG"), "{message}");
        }
        assert!(
            detect(b"MZ\x90\0\x03\0\0\0\x04\0")
                .unwrap_err()
                .contains("does not accept")
        );
        assert!(detect(b"").unwrap_err().contains("empty"));
        assert!(detect(b"\0\x01\x02\x03binary").is_err());
    }

    #[test]
    fn names_lose_folders_and_controls_but_keep_unicode() {
        let pdf = detect(PDF).unwrap();
        assert_eq!(
            normalize_name("C:\\Users\\me\\Reflexión final.pdf", &pdf),
            "Reflexión final.pdf"
        );
        assert_eq!(normalize_name("../../etc/passwd", &pdf), "passwd.pdf");
        assert_eq!(normalize_name("evil\u{202E}fdp.exe", &pdf), "evilfdp.pdf");
        assert_eq!(normalize_name("tab\there\n.pdf", &pdf), "tabhere.pdf");
        assert_eq!(normalize_name("   ", &pdf), "file.pdf");
        assert_eq!(normalize_name(".hidden", &pdf), "hidden.pdf");
        let jpeg = detect(JPEG).unwrap();
        assert_eq!(normalize_name("photo.pdf", &jpeg), "photo.jpg");
        let long = "a".repeat(500) + ".pdf";
        assert_eq!(normalize_name(&long, &pdf).chars().count(), NAME_MAX_CHARS);
    }
}
