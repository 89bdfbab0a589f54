//! Upload types, decided from a file's first bytes rather than its name or the
//! browser's claim, and the names files are stored under. Server only.

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

/// Decides a file's type from its first bytes. A rejection names what the file is and
/// what to upload instead.
pub fn detect(head: &[u8]) -> Result<FileKind, String> {
    if head.is_empty() {
        return Err("The file is empty. Choose the file again.".to_owned());
    }
    if let Some(detected) = infer::get(head)
        && !short_signature_only(detected.mime_type(), head)
    {
        let mime = match detected.mime_type() {
            "application/zip" => office_type(head).unwrap_or("application/zip"),
            other => other,
        };
        if let Some((_, kind)) = ACCEPTED.iter().find(|(accepted, _)| *accepted == mime) {
            return Ok(*kind);
        }
        if mime == "image/heif" {
            return Err(
                "This is a HEIC photo. HEIC photos store the place they were taken, and TLI Hub cannot remove that from this format. Save the photo as JPEG (on iPhone, share it or set Camera > Formats to Most Compatible) and upload that."
                    .to_owned(),
            );
        }
        if !matches!(mime, "text/html" | "text/xml" | "image/svg+xml") {
            return Err(format!(
                "TLI Hub does not accept .{} files ({mime}). Upload a PDF, an image, audio or video, or an office document.",
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

/// Returns whether `infer` matched only the three letters that start a GIF ("GIF") or
/// an ID3-tagged MP3 ("ID3"), without the version that follows them in a real file.
/// Notes that begin "GIFT ideas" would otherwise be stored as an image.
fn short_signature_only(mime: &str, head: &[u8]) -> bool {
    match mime {
        "image/gif" => !head.starts_with(b"GIF87a") && !head.starts_with(b"GIF89a"),
        // ID3v2 headers give the major version, 2 to 4, in the fourth byte.
        "audio/mpeg" => head.starts_with(b"ID3") && !matches!(head.get(3), Some(2..=4)),
        _ => false,
    }
}

/// Returns the office document type of a zip archive from the names of the entries
/// whose local headers fall within `head`. Word, PowerPoint and Excel files keep their
/// content under `word/`, `ppt/` and `xl/`. OpenDocument text names its type in a
/// first entry called `mimetype`.
fn office_type(head: &[u8]) -> Option<&'static str> {
    let mut offset = 0;
    while let Some(found) = head
        .get(offset..)?
        .windows(4)
        .position(|window| window == b"PK\x03\x04")
    {
        let header = offset + found;
        let name_length = u16::from_le_bytes([*head.get(header + 26)?, *head.get(header + 27)?]);
        let name = head.get(header + 30..header + 30 + usize::from(name_length))?;
        if name.starts_with(b"word/") {
            return Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        }
        if name.starts_with(b"ppt/") {
            return Some(
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            );
        }
        if name.starts_with(b"xl/") {
            return Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        }
        if name == b"mimetype" {
            let extra_length =
                u16::from_le_bytes([*head.get(header + 28)?, *head.get(header + 29)?]);
            let start = header + 30 + usize::from(name_length) + usize::from(extra_length);
            let content = head.get(start..)?;
            if content.starts_with(b"application/vnd.oasis.opendocument.text") {
                return Some("application/vnd.oasis.opendocument.text");
            }
        }
        offset = header + 4;
    }
    None
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

/// Returns where the first image of JPEG data ends, just after its EOI marker, by
/// walking its segments and the entropy-coded data of each scan.
fn end_of_first_image(jpeg: &[u8]) -> Option<usize> {
    let mut at = 2;
    loop {
        if *jpeg.get(at)? != 0xFF {
            return None;
        }
        let marker = *jpeg.get(at + 1)?;
        match marker {
            0xFF => at += 1,
            0xD9 => return Some(at + 2),
            0x01 | 0xD0..=0xD7 => at += 2,
            _ => {
                let length = u16::from_be_bytes([*jpeg.get(at + 2)?, *jpeg.get(at + 3)?]);
                at += 2 + usize::from(length);
                if marker == 0xDA {
                    // Entropy-coded data runs until a marker other than a stuffed zero
                    // or a restart marker.
                    loop {
                        if *jpeg.get(at)? == 0xFF {
                            let next = *jpeg.get(at + 1)?;
                            if next != 0x00 && !(0xD0..=0xD7).contains(&next) {
                                break;
                            }
                            at += 2;
                        } else {
                            at += 1;
                        }
                    }
                }
            }
        }
    }
}

/// Reads the Orientation tag (0x0112) from the first directory of EXIF data, which
/// starts with the TIFF header.
fn exif_orientation(exif: &[u8]) -> Option<u16> {
    let big_endian = match exif.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let read16 = |at: usize| -> Option<u16> {
        let bytes = [*exif.get(at)?, *exif.get(at + 1)?];
        Some(if big_endian {
            u16::from_be_bytes(bytes)
        } else {
            u16::from_le_bytes(bytes)
        })
    };
    let read32 = |at: usize| -> Option<u32> {
        let bytes = [
            *exif.get(at)?,
            *exif.get(at + 1)?,
            *exif.get(at + 2)?,
            *exif.get(at + 3)?,
        ];
        Some(if big_endian {
            u32::from_be_bytes(bytes)
        } else {
            u32::from_le_bytes(bytes)
        })
    };
    let directory = read32(4)? as usize;
    let entries = read16(directory)? as usize;
    (0..entries.min(256))
        .map(|index| directory + 2 + index * 12)
        .find(|entry| read16(*entry) == Some(0x0112))
        .and_then(|entry| read16(entry + 8))
}

/// Builds EXIF data that holds only an Orientation tag.
fn orientation_exif(orientation: u16) -> Vec<u8> {
    let mut exif = b"MM\0*\0\0\0\x08".to_vec();
    exif.extend_from_slice(&1u16.to_be_bytes());
    exif.extend_from_slice(&0x0112u16.to_be_bytes());
    exif.extend_from_slice(&3u16.to_be_bytes());
    exif.extend_from_slice(&1u32.to_be_bytes());
    exif.extend_from_slice(&orientation.to_be_bytes());
    exif.extend_from_slice(&[0, 0]);
    exif.extend_from_slice(&0u32.to_be_bytes());
    exif
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

/// Removes metadata from an image: camera and GPS data (EXIF), XMP, IPTC, comments
/// and text chunks. Colour profiles stay, so the picture looks the same. Types other
/// than JPEG, PNG and WebP come back unchanged.
pub fn strip_metadata(kind: &FileKind, content: Vec<u8>) -> Result<Vec<u8>, String> {
    use img_parts::{Bytes, ImageEXIF};
    let unreadable = |error: img_parts::Error| {
        format!("The image could not be read ({error}). Export it again and upload the copy.")
    };
    match kind.mime {
        "image/jpeg" => {
            let mut jpeg =
                img_parts::jpeg::Jpeg::from_bytes(Bytes::from(content)).map_err(unreadable)?;
            let orientation = jpeg.exif().and_then(|exif| exif_orientation(&exif));
            // APP1 contains EXIF and XMP, APP13 IPTC, COM comments, and APP3 to APP12 and
            // APP15 vendor data. APP0 (JFIF), APP2 (ICC profile) and APP14 (Adobe colour
            // transform) stay.
            jpeg.segments_mut().retain(|segment| {
                let marker = segment.marker();
                !(marker == img_parts::jpeg::markers::COM
                    || marker == img_parts::jpeg::markers::APP1
                    || (img_parts::jpeg::markers::APP3..=img_parts::jpeg::markers::APP13)
                        .contains(&marker)
                    || marker == img_parts::jpeg::markers::APP15)
            });
            // Phones store photos sideways and record the rotation; it alone comes back,
            // so that the photo still shows upright.
            if let Some(orientation) = orientation.filter(|value| (2..=8).contains(value)) {
                let mut contents = b"Exif\0\0".to_vec();
                contents.extend(orientation_exif(orientation));
                let segment = img_parts::jpeg::JpegSegment::new_with_contents(
                    img_parts::jpeg::markers::APP1,
                    Bytes::from(contents),
                );
                // After the JFIF header, where readers look for EXIF.
                let at = jpeg
                    .segments()
                    .iter()
                    .take_while(|segment| segment.marker() == img_parts::jpeg::markers::APP0)
                    .count();
                jpeg.segments_mut().insert(at, segment);
            }
            let mut cleaned = jpeg.encoder().bytes().to_vec();
            // Phones append more images after the first one ends (portrait depth maps,
            // previews), each with metadata of its own; only the first image stays.
            if let Some(end) = end_of_first_image(&cleaned) {
                cleaned.truncate(end);
            }
            Ok(cleaned)
        }
        "image/png" => {
            let mut png =
                img_parts::png::Png::from_bytes(Bytes::from(content)).map_err(unreadable)?;
            png.chunks_mut().retain(|chunk| {
                !matches!(
                    &chunk.kind(),
                    b"eXIf" | b"tEXt" | b"iTXt" | b"zTXt" | b"tIME"
                )
            });
            Ok(png.encoder().bytes().to_vec())
        }
        "image/webp" => {
            let mut webp =
                img_parts::webp::WebP::from_bytes(Bytes::from(content)).map_err(unreadable)?;
            webp.set_exif(None);
            webp.chunks_mut().retain(|chunk| &chunk.id() != b"XMP ");
            Ok(webp.encoder().bytes().to_vec())
        }
        _ => Ok(content),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0";
    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";

    fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for (name, content) in entries {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            writer.start_file(*name, options).unwrap();
            writer.write_all(content.as_bytes()).unwrap();
        }
        writer.finish().unwrap();
        buffer.into_inner()
    }

    #[test]
    fn jpeg_orientation_survives_metadata_removal() {
        // EXIF with GPS data and Orientation 6 (rotate 90 degrees clockwise).
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&2u16.to_le_bytes());
        tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 0x40, 0, 0, 0]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        tiff.extend_from_slice(b"GPS-42");
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut jpeg = b"\xFF\xD8".to_vec();
        jpeg.extend_from_slice(b"\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00");
        jpeg.extend_from_slice(&[0xFF, 0xE1]);
        jpeg.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        jpeg.extend_from_slice(&app1);
        jpeg.extend_from_slice(b"\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00\x12\x34\x56\xFF\xD9");
        let kind = detect(&jpeg).unwrap();
        let stripped = strip_metadata(&kind, jpeg).unwrap();
        assert!(!String::from_utf8_lossy(&stripped).contains("GPS-42"));
        let cleaned = img_parts::jpeg::Jpeg::from_bytes(img_parts::Bytes::from(stripped)).unwrap();
        use img_parts::ImageEXIF;
        let exif = cleaned.exif().expect("the orientation is kept");
        assert_eq!(exif_orientation(&exif), Some(6));
        assert_eq!(
            exif.len(),
            orientation_exif(6).len(),
            "nothing but the orientation"
        );
    }

    #[test]
    fn appended_jpeg_images_dropped() {
        let first = |note: &[u8]| {
            let mut jpeg = b"\xFF\xD8".to_vec();
            jpeg.extend_from_slice(b"\xFF\xE1\x00\x0EExif\x00\x00");
            jpeg.extend_from_slice(note);
            jpeg.extend_from_slice(
                b"\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00\x12\xFF\x00\x34\xFF\xD0\x56\xFF\xD9",
            );
            jpeg
        };
        let mut photo = first(b"GPS-42");
        photo.extend(first(b"GPS-99"));
        let kind = detect(&photo).unwrap();
        let stripped = strip_metadata(&kind, photo).unwrap();
        let text = String::from_utf8_lossy(&stripped);
        assert!(!text.contains("GPS-42"), "{stripped:x?}");
        assert!(!text.contains("GPS-99"), "{stripped:x?}");
        assert!(
            stripped.ends_with(b"\x12\xFF\x00\x34\xFF\xD0\x56\xFF\xD9"),
            "the first image's scan, with its stuffed byte and restart marker, stays whole"
        );
    }

    #[test]
    fn heic_photos_rejected() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\0";
        let error = detect(heic).unwrap_err();
        assert!(error.contains("HEIC"), "{error}");
        assert!(error.contains("JPEG"), "{error}");
    }

    #[test]
    fn office_zips_detected_by_entries() {
        let docx = zip_of(&[
            ("[Content_Types].xml", "<Types/>"),
            ("_rels/.rels", "<Relationships/>"),
            ("word/document.xml", "<w:document/>"),
        ]);
        assert_eq!(detect(&docx).unwrap().extension, "docx");
        let pptx = zip_of(&[
            ("[Content_Types].xml", "<Types/>"),
            ("ppt/presentation.xml", "<p/>"),
        ]);
        assert_eq!(detect(&pptx).unwrap().extension, "pptx");
        let odt = zip_of(&[
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", "<office:document-content/>"),
        ]);
        assert_eq!(detect(&odt).unwrap().extension, "odt");
        let plain = zip_of(&[("notes.txt", "hello")]);
        assert!(detect(&plain).unwrap_err().contains("zip"));
    }

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

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(kind);
        chunk.extend_from_slice(data);
        let mut crc: u32 = 0xFFFF_FFFF;
        for byte in kind.iter().chain(data) {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        chunk.extend_from_slice(&(!crc).to_be_bytes());
        chunk
    }

    #[test]
    fn jpeg_metadata_removed_picture_kept() {
        let mut jpeg = b"\xFF\xD8".to_vec();
        jpeg.extend_from_slice(b"\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00");
        jpeg.extend_from_slice(b"\xFF\xE1\x00\x0EExif\x00\x00GPS-42");
        jpeg.extend_from_slice(b"\xFF\xFE\x00\x07hello");
        jpeg.extend_from_slice(b"\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00\x12\x34\x56\xFF\xD9");
        let kind = detect(&jpeg).unwrap();
        let stripped = strip_metadata(&kind, jpeg.clone()).unwrap();
        let text = String::from_utf8_lossy(&stripped);
        assert!(
            !text.contains("Exif") && !text.contains("GPS-42"),
            "{stripped:x?}"
        );
        assert!(!text.contains("hello"));
        assert!(text.contains("JFIF"));
        assert!(
            stripped.ends_with(b"\x12\x34\x56\xFF\xD9"),
            "the scan data stays"
        );
    }

    #[test]
    fn png_text_chunks_removed() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
        png.extend(png_chunk(b"tEXt", b"Author\0Student Name"));
        png.extend(png_chunk(b"eXIf", b"MM\0*GPS"));
        png.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]));
        png.extend(png_chunk(b"IEND", b""));
        let kind = detect(&png).unwrap();
        let stripped = strip_metadata(&kind, png).unwrap();
        let text = String::from_utf8_lossy(&stripped);
        assert!(
            !text.contains("Student Name") && !text.contains("eXIf"),
            "{text}"
        );
        for kept in ["IHDR", "IDAT", "IEND"] {
            assert!(text.contains(kept), "{kept} is missing");
        }
    }

    #[test]
    fn strip_metadata_other_types_and_errors() {
        let pdf = detect(PDF).unwrap();
        assert_eq!(strip_metadata(&pdf, PDF.to_vec()).unwrap(), PDF);
        let jpeg = detect(JPEG).unwrap();
        assert!(
            strip_metadata(&jpeg, JPEG.to_vec())
                .unwrap_err()
                .contains("could not be read")
        );
    }

    #[test]
    fn names_keep_unicode_only() {
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
