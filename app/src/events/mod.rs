//! Workshops and cohort meetings, attendance and the personal calendar feed.
//!
//! Each module has one virtual workshop and cohorts also meet face to face. An event's
//! start is a UTC instant stored next to the IANA zone it was entered in, like every
//! deadline. Fellows check themselves in during a window around the start, and
//! facilitators record everyone's attendance; a facilitator's mark replaces a
//! self check-in. Each person can subscribe to an iCalendar feed of their cohorts'
//! events and their coaching sessions at a secret address.

use serde::{Deserialize, Serialize};

use crate::cohorts::schedule::Deadline;

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod feed;
#[cfg(feature = "ssr")]
pub mod ical;
#[cfg(feature = "ssr")]
pub mod input;
#[cfg(feature = "ssr")]
pub mod store;

/// The length a new event's form suggests, in minutes: a module's workshop lasts 90.
pub const DEFAULT_DURATION_MINUTES: i32 = 90;

/// The shortest and longest event, in minutes.
pub const DURATION_RANGE: std::ops::RangeInclusive<i32> = 15..=600;

/// How many minutes before the start fellows may check in, unless the facilitator
/// chooses otherwise.
pub const DEFAULT_CHECK_IN_MINUTES: i32 = 30;

/// The range of minutes before the start when check-in may open.
pub const CHECK_IN_RANGE: std::ops::RangeInclusive<i32> = 0..=120;

/// A self check-in more than this many minutes after the start is recorded as late.
pub const LATE_AFTER_MINUTES: i64 = 10;

/// Returns the path of an event's page.
pub fn event_path(event_id: i32) -> String {
    format!("/events/{event_id}")
}

/// Returns the path of a cohort's schedule.
pub fn schedule_path(cohort_id: i32) -> String {
    format!("/cohorts/{cohort_id}/events")
}

/// The kind of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// A module's 90-minute virtual workshop, joined through a link.
    Workshop,
    /// A face-to-face meeting of the cohort at a place.
    Meeting,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Workshop => "workshop",
            EventKind::Meeting => "meeting",
        }
    }

    pub fn parse(name: &str) -> Option<EventKind> {
        [EventKind::Workshop, EventKind::Meeting]
            .into_iter()
            .find(|kind| kind.name() == name.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::Workshop => "Virtual workshop",
            EventKind::Meeting => "Cohort meeting",
        }
    }
}

/// A person's attendance at one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttendanceStatus {
    Present,
    Late,
    Absent,
    Excused,
}

impl AttendanceStatus {
    pub const ALL: [AttendanceStatus; 4] = [
        AttendanceStatus::Present,
        AttendanceStatus::Late,
        AttendanceStatus::Absent,
        AttendanceStatus::Excused,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AttendanceStatus::Present => "present",
            AttendanceStatus::Late => "late",
            AttendanceStatus::Absent => "absent",
            AttendanceStatus::Excused => "excused",
        }
    }

    pub fn parse(name: &str) -> Option<AttendanceStatus> {
        AttendanceStatus::ALL
            .into_iter()
            .find(|status| status.name() == name.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            AttendanceStatus::Present => "Present",
            AttendanceStatus::Late => "Late",
            AttendanceStatus::Absent => "Absent",
            AttendanceStatus::Excused => "Excused",
        }
    }
}

/// How many of a cohort's fellows have each status at one event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceCounts {
    pub present: u32,
    pub late: u32,
    pub absent: u32,
    pub excused: u32,
    /// Fellows of the cohort with no attendance recorded.
    pub not_recorded: u32,
}

impl AttendanceCounts {
    /// Adds `count` people with `status`.
    pub fn add(&mut self, status: AttendanceStatus, count: u32) {
        match status {
            AttendanceStatus::Present => self.present += count,
            AttendanceStatus::Late => self.late += count,
            AttendanceStatus::Absent => self.absent += count,
            AttendanceStatus::Excused => self.excused += count,
        }
    }

    pub fn recorded(&self) -> u32 {
        self.present + self.late + self.absent + self.excused
    }

    /// Formats the counts as `12 present, 2 late, 1 absent, 0 excused, 3 not recorded`.
    pub fn sentence(&self) -> String {
        format!(
            "{} present, {} late, {} absent, {} excused, {} not recorded",
            self.present, self.late, self.absent, self.excused, self.not_recorded
        )
    }
}

/// A module of the cohort, as the workshop form offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleChoice {
    pub id: i32,
    /// The module's name, such as `Design`.
    pub name: String,
    /// The name with its term, such as `Term 1: Design`.
    pub label: String,
}

/// One event in a cohort's schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSummary {
    pub id: i32,
    pub kind: EventKind,
    pub title: String,
    /// The start, in the viewer's zone and in the entry zone.
    pub starts: Deadline,
    /// The end in the viewer's zone, with the zone named.
    pub ends: String,
    pub duration_minutes: i32,
    pub module: Option<ModuleChoice>,
    pub location: Option<String>,
    pub has_join_link: bool,
    pub cancelled: bool,
    /// The event has ended.
    pub past: bool,
    pub counts: AttendanceCounts,
}

/// A cohort's schedule page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulePage {
    pub cohort_id: i32,
    pub cohort_label: String,
    /// The cohort's zone, in which new events are entered.
    pub cohort_zone: String,
    /// The zone times are shown in.
    pub viewer_zone: String,
    pub can_manage: bool,
    pub modules: Vec<ModuleChoice>,
    /// Events that have not ended, soonest first.
    pub upcoming: Vec<EventSummary>,
    /// Events that have ended, most recent first.
    pub past: Vec<EventSummary>,
}

/// Whether a fellow can check in now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckInWindow {
    /// Check-in opens at the time shown.
    NotYet(String),
    Open,
    /// Check-in closed when the event ended, at the time shown.
    Closed(String),
}

/// One fellow's row in the attendance form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    pub user_id: i32,
    pub name: String,
    pub status: Option<AttendanceStatus>,
    /// The fellow checked in themselves, at the time shown.
    pub self_check_in: Option<String>,
}

/// The viewer's own attendance at an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnAttendance {
    pub status: AttendanceStatus,
    /// When the fellow checked in, in the viewer's zone; empty when a facilitator
    /// recorded the status without a check-in.
    pub checked_in: String,
    /// A facilitator recorded or changed the status.
    pub by_facilitator: bool,
}

/// An event's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPageData {
    pub event: EventSummary,
    pub cohort_id: i32,
    pub cohort_label: String,
    pub cohort_zone: String,
    pub viewer_zone: String,
    pub join_url: Option<String>,
    pub check_in_minutes: i32,
    /// When the event was cancelled, in the viewer's zone.
    pub cancelled_at: Option<String>,
    pub can_manage: bool,
    /// The viewer is a fellow of the cohort, who checks in.
    pub is_fellow: bool,
    pub window: CheckInWindow,
    pub own: Option<OwnAttendance>,
    /// Every fellow of the cohort with their status, for facilitators only.
    pub roster: Vec<RosterRow>,
    /// The cohort's modules, for the edit form (facilitators only).
    pub modules: Vec<ModuleChoice>,
}

/// The calendar page: whether the person has a feed, and its address right after it
/// was created or reset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarPageData {
    pub has_feed: bool,
    /// The full feed address, present only on the page view right after it was made.
    pub new_address: Option<String>,
}
