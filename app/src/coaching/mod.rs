//! Coaching: coach and fellow pairs, and sessions scheduled and logged with notes that
//! only the pair reads. A session logged as held can count as the coaching meeting a
//! fellow needs after repeated not-yet decisions.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod store;

/// Maximum characters in a session's notes.
pub const NOTES_MAX_CHARS: usize = 20_000;

/// The state of a coaching session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionState {
    Scheduled,
    Held,
    Missed,
    Cancelled,
}

impl SessionState {
    pub const ALL: [SessionState; 4] = [
        SessionState::Scheduled,
        SessionState::Held,
        SessionState::Missed,
        SessionState::Cancelled,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SessionState::Scheduled => "scheduled",
            SessionState::Held => "held",
            SessionState::Missed => "missed",
            SessionState::Cancelled => "cancelled",
        }
    }

    pub fn parse(name: &str) -> Option<SessionState> {
        SessionState::ALL
            .into_iter()
            .find(|state| state.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            SessionState::Scheduled => "Scheduled",
            SessionState::Held => "Held",
            SessionState::Missed => "Missed",
            SessionState::Cancelled => "Cancelled",
        }
    }
}

/// A coaching session as the coach and the fellow read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: i32,
    pub when: String,
    pub local_date: String,
    pub local_time: String,
    pub duration_minutes: i32,
    pub place: String,
    pub state: SessionState,
    /// Private to the coach and the fellow.
    pub notes: String,
    /// The micro-credential whose required meeting this session counted as.
    pub counted_for: String,
    pub upcoming: bool,
}

/// A submission waiting for its required coaching meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingDue {
    pub submission_id: i32,
    pub title: String,
    pub not_yet: i32,
}

/// A coach and fellow pair with their sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairView {
    /// False for a pair that has since changed coach: its sessions stay readable, and
    /// nothing new is scheduled or logged in it.
    pub current: bool,
    pub cohort_id: i32,
    pub cohort_label: String,
    pub coach_name: String,
    pub fellow_id: i32,
    pub fellow_name: String,
    pub sessions: Vec<SessionView>,
    pub meetings_due: Vec<MeetingDue>,
}

/// The coaching page: the pairs where the viewer coaches, and where they are coached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CoachingData {
    pub coaching: Vec<PairView>,
    pub coached: Vec<PairView>,
    /// The zone times are shown and entered in.
    pub zone: String,
}

/// A fellow on the pairing page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingRow {
    pub fellow_id: i32,
    pub fellow_name: String,
    pub coach_id: Option<i32>,
    pub sessions_held: u64,
}

/// The cohort's pairing page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingData {
    pub cohort_id: i32,
    pub cohort_label: String,
    pub fellows: Vec<PairingRow>,
    pub coaches: Vec<(i32, String)>,
}
