//! Fellows' portfolios: the evidence library, the micro-credential submission composer
//! with its autosaved drafts, the pre-submission check and the submission lifecycle.

pub mod autosave;
pub mod composer_page;
pub mod draft;
pub mod evidence_api;
pub mod evidence_pages;
pub mod home;
pub mod submission_api;
pub mod upload;

#[cfg(feature = "ssr")]
pub mod checks;
#[cfg(feature = "ssr")]
pub mod evidence_store;
#[cfg(feature = "ssr")]
pub mod link_check;
#[cfg(feature = "ssr")]
pub mod names;
#[cfg(feature = "ssr")]
pub mod rich_text;
#[cfg(feature = "ssr")]
pub mod submission_store;

pub use composer_page::{AttemptPage, ComposerPage};
pub use draft::{DraftContent, SubmissionState};
pub use evidence_pages::{EvidenceItemPage, EvidenceLibraryPage};

use serde::{Deserialize, Serialize};

use crate::program::format::EvidenceType;

/// Upload route path; it takes `multipart/form-data` with a `file` field.
pub const UPLOAD_URL: &str = "/evidence/upload";

/// Returns the address a stored file is served from.
pub fn file_url(evidence_id: i32) -> String {
    format!("/evidence/{evidence_id}/file")
}

/// Upload limits, set by the server's configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadLimits {
    /// The largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Maximum total size of a fellow's files, in bytes.
    pub quota_bytes: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_file_bytes: 200 * 1024 * 1024,
            quota_bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}

/// Writes a byte count the way people read it: "512 KB", "4.2 MB", "2 GB". Integer
/// arithmetic only, which keeps float formatting out of the browser bundle.
pub fn size_text(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = KB * KB;
    const GB: u64 = MB * KB;
    let tenths = |unit: u64| (bytes * 10 + unit / 2) / unit;
    if bytes == 0 {
        "0 KB".to_owned()
    } else if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB))
    } else if bytes < GB {
        let tenths = tenths(MB);
        if tenths % 10 == 0 || tenths >= 1000 {
            format!("{} MB", (tenths + 5) / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else {
        let tenths = tenths(GB);
        if tenths % 10 == 0 {
            format!("{} GB", tenths / 10)
        } else {
            format!("{}.{} GB", tenths / 10, tenths % 10)
        }
    }
}

/// The kind of a piece of evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvidenceKind {
    File,
    Link,
    Text,
}

impl EvidenceKind {
    pub fn name(self) -> &'static str {
        match self {
            EvidenceKind::File => "file",
            EvidenceKind::Link => "link",
            EvidenceKind::Text => "text",
        }
    }

    pub fn parse(name: &str) -> Option<EvidenceKind> {
        [EvidenceKind::File, EvidenceKind::Link, EvidenceKind::Text]
            .into_iter()
            .find(|kind| kind.name() == name)
    }
}

/// One piece of evidence as the library shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvidenceView {
    pub id: i32,
    pub kind: EvidenceKind,
    pub evidence_type: EvidenceType,
    pub title: String,
    pub description: String,
    pub file_name: Option<String>,
    pub file_mime: Option<String>,
    pub file_size: Option<u64>,
    pub pdf_preferred: bool,
    pub url: Option<String>,
    /// Markdown source of a written piece.
    pub body: Option<String>,
    /// The written piece as sanitized HTML.
    pub body_html: Option<String>,
    /// Competency ids and names.
    pub tags: Vec<(i32, String)>,
    /// When it was added, in the viewer's time zone.
    pub added: String,
}

/// A fellow's library with the numbers the upload form states.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Library {
    pub items: Vec<EvidenceView>,
    pub used_bytes: u64,
    pub limits: UploadLimits,
    /// Competencies that evidence can be tagged with: id and name.
    pub competencies: Vec<(i32, String)>,
}

/// Returns the evidence type a piece of evidence counts as: links are links, written
/// pieces are written artifacts, and files go by their media type.
pub fn evidence_type_of(kind: EvidenceKind, mime: Option<&str>) -> EvidenceType {
    match kind {
        EvidenceKind::Link => EvidenceType::Link,
        EvidenceKind::Text => EvidenceType::Written,
        EvidenceKind::File => evidence_type_of_mime(mime.unwrap_or("")),
    }
}

/// Returns the evidence type of a stored file from its media type.
pub fn evidence_type_of_mime(mime: &str) -> EvidenceType {
    match mime.split('/').next() {
        Some("video") => EvidenceType::Video,
        Some("audio") => EvidenceType::Audio,
        Some("image") => EvidenceType::Image,
        _ => EvidenceType::Written,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size_text(0), "0 KB");
        assert_eq!(size_text(10), "1 KB");
        assert_eq!(size_text(512 * 1024), "512 KB");
        assert_eq!(size_text(200 * 1024 * 1024), "200 MB");
        assert_eq!(size_text(4_404_019), "4.2 MB");
        assert_eq!(size_text(2 * 1024 * 1024 * 1024), "2 GB");
    }

    #[test]
    fn media_types_map_to_evidence_types() {
        assert_eq!(evidence_type_of_mime("video/mp4"), EvidenceType::Video);
        assert_eq!(evidence_type_of_mime("audio/mpeg"), EvidenceType::Audio);
        assert_eq!(evidence_type_of_mime("image/png"), EvidenceType::Image);
        assert_eq!(
            evidence_type_of_mime("application/pdf"),
            EvidenceType::Written
        );
    }
}
