//! The program's structure: the competency framework, micro-credential definitions,
//! cohort terms and modules, fellows' competency choices and growth self-assessment.

pub mod chart;
pub mod choices;
pub mod editor;
pub mod format;
pub mod plan;
pub mod plan_api;
pub mod validate;

mod framework_api;
mod framework_pages;
mod plan_pages;

#[cfg(feature = "ssr")]
pub mod framework_store;
#[cfg(feature = "ssr")]
pub mod plan_store;

pub use framework_api::*;
pub use framework_pages::{
    DefinitionView, FrameworkPage, MicrocredentialPage, MicrocredentialReadPage,
};
pub use plan_pages::{FellowPlanPage, FellowsPage, MyCompetenciesPage};

use serde::{Deserialize, Serialize};

use format::{Definition, GroupKind, StageDescriptors};

/// The framework as pages show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkView {
    pub name: String,
    pub groups: Vec<GroupView>,
}

impl FrameworkView {
    pub fn groups_of(&self, kind: GroupKind) -> impl Iterator<Item = &GroupView> {
        self.groups.iter().filter(move |group| group.kind == kind)
    }

    pub fn competency(&self, id: i32) -> Option<&CompetencyView> {
        self.groups
            .iter()
            .flat_map(|group| &group.competencies)
            .find(|competency| competency.id == id)
    }

    pub fn group(&self, id: i32) -> Option<&GroupView> {
        self.groups.iter().find(|group| group.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub id: i32,
    pub key: String,
    pub kind: GroupKind,
    pub name: String,
    pub unconfirmed: bool,
    pub description: String,
    pub competencies: Vec<CompetencyView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompetencyView {
    pub id: i32,
    /// The key of the micro-credential that certifies this competency, if one does.
    pub microcredential: Option<String>,
    pub group_id: i32,
    pub key: String,
    pub name: String,
    pub unconfirmed: bool,
    pub description: String,
    pub stages: StageDescriptors,
}

/// A micro-credential in the definitions list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MicrocredentialSummary {
    pub key: String,
    pub title: String,
    pub competency: String,
    pub version: i32,
}

/// One version of a micro-credential, with the list of all its versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MicrocredentialDetail {
    pub key: String,
    pub competency: String,
    pub version: i32,
    pub is_current: bool,
    pub definition: Definition,
    pub versions: Vec<VersionSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub version: i32,
    pub saved_at: String,
    pub reviews: usize,
}
