//! Learning modules: materials and what each person has finished, and assignments
//! with fellows' responses and facilitators' decisions.

use serde::{Deserialize, Serialize};

use crate::cohorts::schedule::{Deadline, ModuleStage};

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod store;

/// Maximum characters in a material's text, an assignment's instructions or a response.
pub const TEXT_MAX_CHARS: usize = 60_000;

/// The kind of a material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MaterialKind {
    /// Markdown written in the app.
    Text,
    /// A web page.
    Link,
    /// An uploaded file.
    File,
    /// A video on a video site.
    Video,
}

impl MaterialKind {
    pub const ALL: [MaterialKind; 4] = [
        MaterialKind::Text,
        MaterialKind::Link,
        MaterialKind::Video,
        MaterialKind::File,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MaterialKind::Text => "text",
            MaterialKind::Link => "link",
            MaterialKind::File => "file",
            MaterialKind::Video => "video",
        }
    }

    pub fn parse(name: &str) -> Option<MaterialKind> {
        MaterialKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            MaterialKind::Text => "Reading",
            MaterialKind::Link => "Link",
            MaterialKind::File => "File",
            MaterialKind::Video => "Video",
        }
    }
}

/// The state of an assignment response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseState {
    /// Saved by the fellow, not yet handed in.
    Draft,
    /// Handed in, waiting for the facilitator.
    Submitted,
    /// Marked complete by a facilitator.
    Complete,
    /// Returned by a facilitator with a comment, to be revised and handed in again.
    Returned,
}

impl ResponseState {
    pub const ALL: [ResponseState; 4] = [
        ResponseState::Draft,
        ResponseState::Submitted,
        ResponseState::Complete,
        ResponseState::Returned,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ResponseState::Draft => "draft",
            ResponseState::Submitted => "submitted",
            ResponseState::Complete => "complete",
            ResponseState::Returned => "returned",
        }
    }

    pub fn parse(name: &str) -> Option<ResponseState> {
        ResponseState::ALL
            .into_iter()
            .find(|state| state.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            ResponseState::Draft => "Draft saved",
            ResponseState::Submitted => "Handed in",
            ResponseState::Complete => "Complete",
            ResponseState::Returned => "Returned for revision",
        }
    }

    /// Returns whether the fellow may still change the response.
    pub fn editable(self) -> bool {
        matches!(self, ResponseState::Draft | ResponseState::Returned)
    }
}

/// The micro-credential part an assignment's responses can be copied into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedsPart {
    /// Part 1, an overview question (the fellow picks which).
    Overview,
    /// Part 3, the reflection.
    Reflection,
}

impl FeedsPart {
    pub fn name(self) -> &'static str {
        match self {
            FeedsPart::Overview => "overview",
            FeedsPart::Reflection => "reflection",
        }
    }

    pub fn parse(name: &str) -> Option<FeedsPart> {
        [FeedsPart::Overview, FeedsPart::Reflection]
            .into_iter()
            .find(|part| part.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            FeedsPart::Overview => "Part 1, an overview question",
            FeedsPart::Reflection => "Part 3, the reflection",
        }
    }
}

/// One material as the module page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialView {
    pub id: i32,
    pub kind: MaterialKind,
    pub title: String,
    /// The Markdown as stored, for the editor.
    pub body: String,
    /// The sanitised HTML of the Markdown.
    pub html: String,
    pub url: String,
    pub file_name: String,
    pub file_size: String,
    /// The viewer marked it done.
    pub done: bool,
    /// How many of the cohort's fellows marked it done (for facilitators).
    pub done_by: u64,
}

/// One assignment in a module's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentLine {
    pub id: i32,
    pub title: String,
    pub instructions: String,
    pub html: String,
    pub due: Option<Deadline>,
    pub feeds_part: Option<FeedsPart>,
    /// The viewer's own response state, for fellows.
    pub mine: Option<ResponseState>,
    /// Responses handed in and waiting for a decision (for facilitators).
    pub waiting: u64,
    /// Responses marked complete (for facilitators).
    pub complete: u64,
}

/// A workshop or meeting of the module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLine {
    pub id: i32,
    pub title: String,
    pub when: String,
    pub cancelled: bool,
}

/// Everything the module page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleOverview {
    pub cohort_id: i32,
    pub cohort_label: String,
    pub module_id: i32,
    pub name: String,
    pub term_title: String,
    pub opens_on: String,
    pub due: Option<Deadline>,
    pub stage: ModuleStage,
    pub materials: Vec<MaterialView>,
    pub assignments: Vec<AssignmentLine>,
    pub events: Vec<EventLine>,
    /// Posts in the module's discussion the viewer has not seen.
    pub discussion_new: u64,
    pub fellows: u64,
    pub can_manage: bool,
    pub is_fellow: bool,
    /// The other modules of the cohort, for moving between them: (id, label).
    pub siblings: Vec<(i32, String)>,
    /// The largest file one upload may be, as people read sizes.
    pub upload_limit: String,
}

impl ModuleOverview {
    /// Counts the materials the viewer marked done.
    pub fn done_count(&self) -> usize {
        self.materials
            .iter()
            .filter(|material| material.done)
            .count()
    }
}

/// One fellow's response as the assignment page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseView {
    pub id: i32,
    pub fellow_id: i32,
    pub fellow_name: String,
    pub body: String,
    pub html: String,
    pub evidence: Vec<(i32, String)>,
    pub state: ResponseState,
    pub version: i32,
    pub submitted: String,
    pub feedback: String,
    pub reviewed: String,
}

/// A micro-credential draft a response can be copied into.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftTarget {
    pub microcredential_id: i32,
    pub title: String,
    /// Part 1's questions, for choosing which one to copy into.
    pub questions: Vec<String>,
}

/// Everything the assignment page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentPageData {
    pub cohort_id: i32,
    pub cohort_label: String,
    pub module_id: i32,
    pub module_name: String,
    pub assignment: AssignmentLine,
    /// The viewer's own response, for fellows (a fresh draft when none is saved).
    pub mine: Option<ResponseView>,
    /// The viewer's evidence library, for choosing evidence: (id, title).
    pub library: Vec<(i32, String)>,
    /// Drafts the response can be copied into.
    pub targets: Vec<DraftTarget>,
    /// Every response, for facilitators.
    pub responses: Vec<ResponseView>,
    pub can_manage: bool,
    pub is_fellow: bool,
}

/// The reason a material upload was rejected. The editor shows the message for the
/// code in its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadProblem {
    NoFile,
    Empty,
    TooLarge,
    Type,
    Interrupted,
    Title,
    Storage,
}

impl UploadProblem {
    const ALL: [UploadProblem; 7] = [
        UploadProblem::NoFile,
        UploadProblem::Empty,
        UploadProblem::TooLarge,
        UploadProblem::Type,
        UploadProblem::Interrupted,
        UploadProblem::Title,
        UploadProblem::Storage,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UploadProblem::NoFile => "no_file",
            UploadProblem::Empty => "empty",
            UploadProblem::TooLarge => "too_large",
            UploadProblem::Type => "type",
            UploadProblem::Interrupted => "interrupted",
            UploadProblem::Title => "title",
            UploadProblem::Storage => "storage",
        }
    }

    pub fn parse(code: &str) -> Option<UploadProblem> {
        UploadProblem::ALL
            .into_iter()
            .find(|problem| problem.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            UploadProblem::NoFile => "No file arrived. Choose a file and upload it again.",
            UploadProblem::Empty => "The file is empty (0 bytes). Choose the file again.",
            UploadProblem::TooLarge => {
                "The file is larger than one upload can be. Compress it, or add a video as a link."
            }
            UploadProblem::Type => {
                "This kind of file cannot be added. Use a PDF, an office document, an image, audio or video; web pages and scripts are refused."
            }
            UploadProblem::Interrupted => {
                "The upload stopped before the whole file arrived. Nothing was saved; upload it again."
            }
            UploadProblem::Title => "The title is far too long. Keep it to one line.",
            UploadProblem::Storage => {
                "The file could not be stored right now. Nothing was saved; try again in a minute."
            }
        }
    }
}
