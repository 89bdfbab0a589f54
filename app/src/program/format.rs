//! The framework file: the competency framework and the micro-credential definitions as
//! one JSON document. `docs/framework-format.md` describes it for program staff.
//!
//! Exporting and importing the same file changes nothing, and exporting again gives the
//! same bytes: every list keeps its order and every field is written.

use serde::{Deserialize, Serialize};

/// The value of the file's `format` field.
pub const FORMAT_NAME: &str = "tli-hub-framework";
/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The four developmental stages, lowest first.
pub const STAGES: [&str; 4] = ["Emerging", "Developing", "Performing", "Transforming"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkFile {
    pub format: String,
    pub schema_version: u32,
    /// The framework's title, such as "Teacher Leadership Competencies".
    pub name: String,
    pub groups: Vec<GroupEntry>,
    pub microcredentials: Vec<MicrocredentialEntry>,
}

/// The role of a group of competencies in fellows' choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Studied by everyone in the first term; each fellow picks two.
    Overarching,
    /// One of the second term's pathways; each fellow picks one pathway and one of its
    /// competencies.
    Pathway,
    /// The diversity, equity and cultural competence focus areas; each fellow picks one
    /// in the second term.
    Decc,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Overarching => "overarching",
            GroupKind::Pathway => "pathway",
            GroupKind::Decc => "decc",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [GroupKind::Overarching, GroupKind::Pathway, GroupKind::Decc]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

fn is_false(value: &bool) -> bool {
    !value
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupEntry {
    pub key: String,
    pub kind: GroupKind,
    pub name: String,
    /// True when the name is a placeholder that program staff should confirm or replace.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unconfirmed: bool,
    #[serde(default)]
    pub description: String,
    pub competencies: Vec<CompetencyEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompetencyEntry {
    pub key: String,
    pub name: String,
    /// True when the name or description is a placeholder that program staff should
    /// confirm or replace.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unconfirmed: bool,
    #[serde(default)]
    pub description: String,
    pub stages: StageDescriptors,
}

/// Descriptions of the competency at each of the four stages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageDescriptors {
    pub emerging: String,
    pub developing: String,
    pub performing: String,
    pub transforming: String,
}

impl StageDescriptors {
    /// Returns the descriptors in stage order, lowest first.
    pub fn in_order(&self) -> [&str; 4] {
        [
            &self.emerging,
            &self.developing,
            &self.performing,
            &self.transforming,
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MicrocredentialEntry {
    pub key: String,
    /// The key of the one competency the micro-credential certifies.
    pub competency: String,
    pub definition: Definition,
}

/// Everything a fellow and a reviewer see about a micro-credential. Versions store it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub title: String,
    pub key_method: String,
    pub method_components: Vec<String>,
    pub research: String,
    pub resources: Vec<String>,
    /// Part 1.
    pub overview_questions: Vec<OverviewQuestion>,
    /// Part 2.
    pub artifacts: Vec<ArtifactRequirement>,
    /// Part 3.
    pub reflection_prompt: String,
    pub rubric: Rubric,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverviewQuestion {
    pub prompt: String,
    pub min_words: u32,
    pub max_words: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactRequirement {
    pub description: String,
    pub evidence_types: Vec<EvidenceType>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceType {
    Video,
    Audio,
    Image,
    Written,
    Link,
}

impl EvidenceType {
    pub const ALL: [EvidenceType; 5] = [
        EvidenceType::Video,
        EvidenceType::Audio,
        EvidenceType::Image,
        EvidenceType::Written,
        EvidenceType::Link,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceType::Video => "video",
            EvidenceType::Audio => "audio",
            EvidenceType::Image => "image",
            EvidenceType::Written => "written",
            EvidenceType::Link => "link",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EvidenceType::Video => "Video",
            EvidenceType::Audio => "Audio",
            EvidenceType::Image => "Image",
            EvidenceType::Written => "Written artifact (PDF preferred)",
            EvidenceType::Link => "Link to a published artifact",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// The rubric, one list of criteria per part. A submission earns the credential only
/// when every criterion of every part is rated at a passing level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub overview: Vec<Criterion>,
    pub artifacts: Vec<Criterion>,
    pub reflection: Vec<Criterion>,
}

impl Rubric {
    /// Returns the parts with their names, in submission order.
    pub fn parts(&self) -> [(&'static str, &[Criterion]); 3] {
        [
            ("Part 1: overview", &self.overview),
            ("Part 2: artifacts", &self.artifacts),
            ("Part 3: reflection", &self.reflection),
        ]
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub criterion: String,
    /// Rating levels, best first, such as ["Pass", "Not Yet"].
    pub levels: Vec<String>,
    /// The lowest level that passes; it and every level before it pass.
    pub passing_level: String,
}

impl Criterion {
    /// Returns whether `level` passes this criterion.
    pub fn passes(&self, level: &str) -> bool {
        match self
            .levels
            .iter()
            .position(|each| each == &self.passing_level)
        {
            Some(cutoff) => self.levels[..=cutoff].iter().any(|each| each == level),
            None => false,
        }
    }
}
