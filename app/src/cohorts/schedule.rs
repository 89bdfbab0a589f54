//! A cohort's schedule as pages show it: terms, modules and deadlines, with every
//! deadline shown in the viewer's time zone.

use serde::{Deserialize, Serialize};

/// Module names of a new term, in order.
pub const DEFAULT_MODULES: [&str; 4] = ["Learn", "Design", "Do", "Reflect"];

/// A deadline: a UTC instant entered in a time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The instant in the viewer's time zone, with the zone named.
    pub shown: String,
    /// The instant in the zone it was entered in, as shown when the viewer's zone
    /// differs; empty when it is the same.
    pub entered: String,
    /// Date and time in the entry zone, for the edit form.
    pub local_date: String,
    pub local_time: String,
    /// The UTC offset in the entry zone, such as `-05:00`, which distinguishes a local
    /// time that happens twice.
    pub offset: String,
    pub zone: String,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleView {
    pub id: i32,
    pub name: String,
    pub position: i32,
    /// `YYYY-MM-DD`, or empty.
    pub opens_on: String,
    pub due: Option<Deadline>,
    pub stage: ModuleStage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModuleStage {
    Upcoming,
    Open,
    Closed,
}

impl ModuleStage {
    pub fn label(self) -> &'static str {
        match self {
            ModuleStage::Upcoming => "Upcoming",
            ModuleStage::Open => "Open",
            ModuleStage::Closed => "Closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermView {
    pub id: i32,
    pub position: i32,
    /// `spring` or `fall`.
    pub season: String,
    pub starts_on: String,
    pub ends_on: String,
    /// When fellows' choices for the term lock.
    pub choices_lock: Option<Deadline>,
    pub in_progress: bool,
    pub modules: Vec<ModuleView>,
}

impl TermView {
    pub fn title(&self) -> String {
        let season = if self.season == "fall" {
            "Fall"
        } else {
            "Spring"
        };
        format!("Term {} ({season})", self.position)
    }

    pub fn choices_locked(&self) -> bool {
        self.choices_lock.as_ref().is_some_and(|lock| lock.passed)
    }
}

/// A cohort with its schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortOverview {
    pub id: i32,
    pub name: String,
    pub year: i32,
    pub affiliate: String,
    pub time_zone: String,
    /// The zone the viewer reads times in.
    pub viewer_zone: String,
    pub terms: Vec<TermView>,
    /// When micro-credential submissions are due.
    pub submissions_due: Option<Deadline>,
    pub late_submissions_allowed: bool,
    /// Not-yet decisions after which a coaching meeting comes before the next attempt;
    /// 0 requires none.
    pub not_yet_before_coaching: i32,
}

impl CohortOverview {
    pub fn term(&self, position: i32) -> Option<&TermView> {
        self.terms.iter().find(|term| term.position == position)
    }
}
