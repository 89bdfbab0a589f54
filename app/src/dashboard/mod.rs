//! Cohort dashboards: a progress matrix of fellows by module and micro-credential,
//! charts drawn on the server, an at-risk list, CSV exports and counts that follow
//! submissions and reviews as they change.
//!
//! The store reads a cohort with a fixed number of statements, whatever its size, and
//! everything else here works on what it read.

use serde::{Deserialize, Serialize};

use crate::portfolio::draft::SubmissionState;

pub mod api;
pub mod chart;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod build;
#[cfg(feature = "ssr")]
pub mod store;

/// Matrix rows on one page.
pub const PAGE_ROWS: usize = 100;
/// At-risk fellows listed on the dashboard; the matrix filter shows them all.
pub const AT_RISK_SHOWN: usize = 25;
/// Days without activity after which a fellow counts as at risk, unless the viewer
/// picks another number.
pub const DEFAULT_IDLE_DAYS: i64 = 14;
/// Missed workshops that put a fellow at risk.
pub const MISSED_WORKSHOPS_AT_RISK: u32 = 2;
/// Not-yet decisions on one micro-credential that put a fellow at risk.
pub const NOT_YET_AT_RISK: u32 = 2;
/// Maximum length of a message to a fellow, in characters.
pub const MESSAGE_MAX_CHARS: usize = 1000;

/// The four micro-credentials a fellow earns, by the choice that names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Slot {
    FirstOverarching,
    SecondOverarching,
    Pathway,
    Decc,
}

impl Slot {
    pub const ALL: [Slot; 4] = [
        Slot::FirstOverarching,
        Slot::SecondOverarching,
        Slot::Pathway,
        Slot::Decc,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Slot::FirstOverarching => "Overarching 1",
            Slot::SecondOverarching => "Overarching 2",
            Slot::Pathway => "Pathway",
            Slot::Decc => "DECC",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Slot::FirstOverarching => "overarching-1",
            Slot::SecondOverarching => "overarching-2",
            Slot::Pathway => "pathway",
            Slot::Decc => "decc",
        }
    }
}

/// A fellow's progress on one of their micro-credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CredentialCell {
    /// The competency is not chosen yet.
    NotChosen,
    /// Chosen, with nothing written yet.
    NotStarted { title: String },
    Started {
        title: String,
        state: SubmissionState,
        attempts: i32,
        not_yet: u32,
    },
}

impl CredentialCell {
    /// Returns the state in words, which the matrix shows beside the colour and the
    /// symbol.
    pub fn text(&self) -> &'static str {
        match self {
            CredentialCell::NotChosen => "Not chosen",
            CredentialCell::NotStarted { .. } => "Not started",
            CredentialCell::Started {
                state, attempts, ..
            } => state.label(*attempts),
        }
    }

    /// Returns a symbol for the state. Screen readers read the text instead.
    pub fn symbol(&self) -> &'static str {
        match self {
            CredentialCell::NotChosen => "–",
            CredentialCell::NotStarted { .. } => "○",
            CredentialCell::Started { state, .. } => match state {
                SubmissionState::Draft => "✎",
                SubmissionState::Submitted => "⧗",
                SubmissionState::InReview => "◐",
                SubmissionState::Earned => "✔",
                SubmissionState::NotYet => "↻",
            },
        }
    }

    /// Returns the class that colours the cell.
    pub fn class(&self) -> &'static str {
        match self {
            CredentialCell::NotChosen | CredentialCell::NotStarted { .. } => "cell-none",
            CredentialCell::Started { state, .. } => match state {
                SubmissionState::Draft => "cell-draft",
                SubmissionState::Submitted | SubmissionState::InReview => "cell-waiting",
                SubmissionState::Earned => "cell-done",
                SubmissionState::NotYet => "cell-warn",
            },
        }
    }

    pub fn title(&self) -> &str {
        match self {
            CredentialCell::NotChosen => "",
            CredentialCell::NotStarted { title } | CredentialCell::Started { title, .. } => title,
        }
    }

    pub fn state(&self) -> Option<SubmissionState> {
        match self {
            CredentialCell::Started { state, .. } => Some(*state),
            _ => None,
        }
    }
}

/// A fellow's attendance at a module's workshop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkshopMark {
    /// The module has no workshop, or it was cancelled.
    None,
    /// The workshop has not ended yet.
    Upcoming,
    /// The workshop is over and nothing was recorded.
    NotRecorded,
    /// The workshop ended before the fellow joined the cohort.
    BeforeJoining,
    Present,
    Late,
    Absent,
    Excused,
}

impl WorkshopMark {
    pub fn text(self) -> &'static str {
        match self {
            WorkshopMark::None => "No workshop",
            WorkshopMark::Upcoming => "Upcoming",
            WorkshopMark::NotRecorded => "Not recorded",
            WorkshopMark::BeforeJoining => "Before joining",
            WorkshopMark::Present => "Present",
            WorkshopMark::Late => "Late",
            WorkshopMark::Absent => "Absent",
            WorkshopMark::Excused => "Excused",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            WorkshopMark::None | WorkshopMark::Upcoming | WorkshopMark::BeforeJoining => "",
            WorkshopMark::NotRecorded => "?",
            WorkshopMark::Present => "✔",
            WorkshopMark::Late => "◔",
            WorkshopMark::Absent => "✘",
            WorkshopMark::Excused => "E",
        }
    }
}

/// A module as a column of the matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleColumn {
    pub id: i32,
    pub name: String,
    pub term: i32,
    pub assignments: u32,
    pub meetings: u32,
}

/// A fellow's progress in one module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleCell {
    /// Assignments handed in or marked complete.
    pub handed_in: u32,
    pub workshop: WorkshopMark,
    /// Face-to-face meetings attended, present or late.
    pub meetings_attended: u32,
}

impl ModuleCell {
    pub fn class(&self, column: &ModuleColumn) -> &'static str {
        if self.workshop == WorkshopMark::Absent {
            "cell-warn"
        } else if column.assignments > 0 && self.handed_in >= column.assignments {
            "cell-done"
        } else if self.handed_in > 0 {
            "cell-draft"
        } else {
            "cell-none"
        }
    }

    /// Describes the cell in words: assignments, then workshop, then meetings.
    pub fn text(&self, column: &ModuleColumn) -> String {
        let mut parts = Vec::new();
        if column.assignments > 0 {
            parts.push(format!(
                "{} of {} handed in",
                self.handed_in, column.assignments
            ));
        }
        if self.workshop != WorkshopMark::None {
            parts.push(format!("workshop {}", self.workshop.text().to_lowercase()));
        }
        if column.meetings > 0 {
            parts.push(format!(
                "{} of {} meetings",
                self.meetings_attended, column.meetings
            ));
        }
        if parts.is_empty() {
            "Nothing to do".into()
        } else {
            parts.join(", ")
        }
    }
}

/// A reason for a fellow to be on the at-risk list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Risk {
    MissedDeadline { assignment: String },
    Inactive { days: Option<i64> },
    RepeatedNotYet { title: String, times: u32 },
    MissedWorkshops { count: u32 },
}

impl Risk {
    pub fn text(&self) -> String {
        match self {
            Risk::MissedDeadline { assignment } => {
                format!("Missed the deadline of “{assignment}”")
            }
            Risk::Inactive { days: Some(days) } => format!(
                "No activity for {}",
                count_of(usize::try_from(*days).unwrap_or(0), "day", "days")
            ),
            Risk::Inactive { days: None } => "No activity yet".into(),
            Risk::RepeatedNotYet { title, times } => {
                format!("{times} not-yet decisions on {title}")
            }
            Risk::MissedWorkshops { count } => format!("Missed {count} workshops"),
        }
    }
}

/// One fellow's row of the matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FellowRow {
    pub fellow_id: i32,
    pub name: String,
    pub coach: Option<String>,
    pub modules: Vec<ModuleCell>,
    pub credentials: Vec<CredentialCell>,
    /// Whole days since the fellow last did anything; `None` when they never have.
    pub idle_days: Option<i64>,
    pub risks: Vec<Risk>,
}

impl FellowRow {
    pub fn handed_in(&self) -> u32 {
        self.modules.iter().map(|cell| cell.handed_in).sum()
    }

    pub fn earned(&self) -> usize {
        self.credentials
            .iter()
            .filter(|cell| cell.state() == Some(SubmissionState::Earned))
            .count()
    }

    pub fn activity_text(&self) -> String {
        match self.idle_days {
            None => "Never".into(),
            Some(0) => "Today".into(),
            Some(1) => "Yesterday".into(),
            Some(days) => format!("{days} days ago"),
        }
    }

    fn has_state(&self, states: &[SubmissionState]) -> bool {
        self.credentials
            .iter()
            .any(|cell| cell.state().is_some_and(|state| states.contains(&state)))
    }
}

/// The filter that picks the fellows the matrix shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Show {
    #[default]
    All,
    AtRisk,
    NoCoach,
    Waiting,
    NotYet,
    Earned,
}

impl Show {
    pub const ALL: [Show; 6] = [
        Show::All,
        Show::AtRisk,
        Show::NoCoach,
        Show::Waiting,
        Show::NotYet,
        Show::Earned,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Show::All => "all",
            Show::AtRisk => "at-risk",
            Show::NoCoach => "no-coach",
            Show::Waiting => "waiting",
            Show::NotYet => "not-yet",
            Show::Earned => "earned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Show::All => "All fellows",
            Show::AtRisk => "At risk",
            Show::NoCoach => "Without a coach",
            Show::Waiting => "Submitted or in review",
            Show::NotYet => "With a not-yet decision",
            Show::Earned => "With a credential earned",
        }
    }

    fn keeps(self, row: &FellowRow) -> bool {
        match self {
            Show::All => true,
            Show::AtRisk => !row.risks.is_empty(),
            Show::NoCoach => row.coach.is_none(),
            Show::Waiting => {
                row.has_state(&[SubmissionState::Submitted, SubmissionState::InReview])
            }
            Show::NotYet => row.has_state(&[SubmissionState::NotYet]),
            Show::Earned => row.earned() > 0,
        }
    }
}

/// The column the matrix is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    #[default]
    Name,
    Coach,
    HandedIn,
    Earned,
    Activity,
    Risk,
}

impl SortKey {
    pub const ALL: [SortKey; 6] = [
        SortKey::Name,
        SortKey::Coach,
        SortKey::HandedIn,
        SortKey::Earned,
        SortKey::Activity,
        SortKey::Risk,
    ];

    pub fn key(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Coach => "coach",
            SortKey::HandedIn => "handed-in",
            SortKey::Earned => "earned",
            SortKey::Activity => "activity",
            SortKey::Risk => "risk",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "Fellow",
            SortKey::Coach => "Coach",
            SortKey::HandedIn => "Handed in",
            SortKey::Earned => "Earned",
            SortKey::Activity => "Last active",
            SortKey::Risk => "Risks",
        }
    }
}

/// The matrix's filter, sort order and page, as they appear in the address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixQuery {
    /// Part of a fellow's or coach's name.
    pub search: String,
    pub show: Show,
    pub sort: SortKey,
    pub descending: bool,
    /// Counted from 1.
    pub page: usize,
    pub idle_days: i64,
}

/// An invalid value in the address's filter, reported instead of guessed around.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryProblem {
    pub field: &'static str,
    pub message: String,
}

impl MatrixQuery {
    /// Reads the query string's values. Empty values mean the defaults; anything else
    /// that is not understood is a problem for that field.
    pub fn parse(
        search: &str,
        show: &str,
        sort: &str,
        order: &str,
        page: &str,
        idle: &str,
    ) -> Result<MatrixQuery, QueryProblem> {
        let search = search.trim();
        if search.chars().count() > 100 {
            return Err(QueryProblem {
                field: "q",
                message: "Search for at most 100 characters of a name.".into(),
            });
        }
        let show = match show.trim() {
            "" => Show::All,
            key => Show::ALL
                .into_iter()
                .find(|show| show.key() == key)
                .ok_or_else(|| QueryProblem {
                    field: "show",
                    message: format!(
                        "“{key}” is not one of the fellow filters. Choose one from the Show list."
                    ),
                })?,
        };
        let sort = match sort.trim() {
            "" => SortKey::Name,
            key => SortKey::ALL
                .into_iter()
                .find(|sort| sort.key() == key)
                .ok_or_else(|| QueryProblem {
                    field: "sort",
                    message: format!(
                        "“{key}” is not a column the matrix sorts by. Choose a column heading."
                    ),
                })?,
        };
        let descending = match order.trim() {
            "" | "asc" => false,
            "desc" => true,
            _ => {
                return Err(QueryProblem {
                    field: "order",
                    message: "The order is either asc or desc.".into(),
                });
            }
        };
        let page = match page.trim() {
            "" => 1,
            text => match text.parse::<usize>() {
                Ok(page) if page >= 1 => page,
                _ => {
                    return Err(QueryProblem {
                        field: "page",
                        message: format!("“{text}” is not a page number. Pages count from 1."),
                    });
                }
            },
        };
        let idle_days = match idle.trim() {
            "" => DEFAULT_IDLE_DAYS,
            text => match text.parse::<i64>() {
                Ok(days) if (1..=365).contains(&days) => days,
                _ => {
                    return Err(QueryProblem {
                        field: "idle",
                        message: format!(
                            "“{text}” is not a number of days from 1 to 365 for “no activity”."
                        ),
                    });
                }
            },
        };
        Ok(MatrixQuery {
            search: search.to_owned(),
            show,
            sort,
            descending,
            page,
            idle_days,
        })
    }

    /// Builds the query string for this filter and order, without the page. `sort` and
    /// `descending` override this query's own.
    pub fn href(&self, sort: SortKey, descending: bool) -> String {
        let mut parts = Vec::new();
        if !self.search.is_empty() {
            parts.push(format!("q={}", crate::ui::url_encode(&self.search)));
        }
        if self.show != Show::All {
            parts.push(format!("show={}", self.show.key()));
        }
        if sort != SortKey::Name {
            parts.push(format!("sort={}", sort.key()));
        }
        if descending {
            parts.push("order=desc".into());
        }
        if self.idle_days != DEFAULT_IDLE_DAYS {
            parts.push(format!("idle={}", self.idle_days));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// Keeps the rows the filter shows, in the chosen order. Ties go by name, then id,
    /// in either order, so that pages never overlap.
    pub fn apply(&self, rows: Vec<FellowRow>) -> Vec<FellowRow> {
        let needle = self.search.to_lowercase();
        let mut matching: Vec<FellowRow> = rows
            .into_iter()
            .filter(|row| {
                needle.is_empty()
                    || row.name.to_lowercase().contains(&needle)
                    || row
                        .coach
                        .as_deref()
                        .is_some_and(|coach| coach.to_lowercase().contains(&needle))
            })
            .filter(|row| self.show.keeps(row))
            .collect();
        let by_name = |a: &FellowRow, b: &FellowRow| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.fellow_id.cmp(&b.fellow_id))
        };
        matching.sort_by(|a, b| {
            let primary = match self.sort {
                SortKey::Name => by_name(a, b),
                SortKey::Coach => a.coach.cmp(&b.coach),
                SortKey::HandedIn => a.handed_in().cmp(&b.handed_in()),
                SortKey::Earned => a.earned().cmp(&b.earned()),
                // By the date of last activity: never active first, today last.
                SortKey::Activity => b
                    .idle_days
                    .unwrap_or(i64::MAX)
                    .cmp(&a.idle_days.unwrap_or(i64::MAX)),
                SortKey::Risk => a.risks.len().cmp(&b.risks.len()),
            };
            let primary = if self.descending {
                primary.reverse()
            } else {
                primary
            };
            primary.then_with(|| by_name(a, b))
        });
        matching
    }
}

/// One chart and the table behind it. Every category has one value per series, and
/// the bars stack the series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    /// Stable name, used for element ids and the CSV file name.
    pub key: String,
    pub title: String,
    /// The chart's message in a sentence, for people who do not see it.
    pub summary: String,
    pub category_heading: String,
    pub categories: Vec<String>,
    pub series: Vec<String>,
    /// `values[category][series]`.
    pub values: Vec<Vec<u32>>,
}

impl Chart {
    pub fn is_empty(&self) -> bool {
        self.values.iter().flatten().all(|value| *value == 0)
    }

    /// Returns the table behind the chart: a header row, then one row per category.
    pub fn table(&self) -> Vec<Vec<String>> {
        let mut header = vec![self.category_heading.clone()];
        header.extend(self.series.iter().cloned());
        if self.series.len() > 1 {
            header.push("Total".into());
        }
        let mut table = vec![header];
        for (category, values) in self.categories.iter().zip(&self.values) {
            let mut row = vec![category.clone()];
            row.extend(values.iter().map(u32::to_string));
            if self.series.len() > 1 {
                row.push(values.iter().sum::<u32>().to_string());
            }
            table.push(row);
        }
        table
    }
}

/// Ids of the elements that show the live counts, in the order of `Counts::values`.
pub const LIVE_IDS: [&str; 5] = [
    "live-drafts",
    "live-submitted",
    "live-in-review",
    "live-earned",
    "live-not-yet",
];

/// The counts that change as fellows submit and reviewers decide.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub drafts: u64,
    pub submitted: u64,
    pub in_review: u64,
    pub earned: u64,
    pub not_yet: u64,
}

impl Counts {
    /// Returns the counts in the order of `LIVE_IDS`.
    pub fn values(&self) -> [u64; 5] {
        [
            self.drafts,
            self.submitted,
            self.in_review,
            self.earned,
            self.not_yet,
        ]
    }

    /// Returns each count with the id of its element on the page and its label.
    pub fn entries(&self) -> [(&'static str, &'static str, u64); 5] {
        let labels = [
            "Drafts",
            "Waiting for a reviewer",
            "In review",
            "Earned",
            "Not yet",
        ];
        let values = self.values();
        [0, 1, 2, 3, 4].map(|index| (LIVE_IDS[index], labels[index], values[index]))
    }

    /// Adds `count` submissions in the state named `state`; unknown names are skipped.
    pub fn add(&mut self, state: &str, count: u64) {
        match SubmissionState::parse(state) {
            Some(SubmissionState::Draft) => self.drafts += count,
            Some(SubmissionState::Submitted) => self.submitted += count,
            Some(SubmissionState::InReview) => self.in_review += count,
            Some(SubmissionState::Earned) => self.earned += count,
            Some(SubmissionState::NotYet) => self.not_yet += count,
            None => {}
        }
    }

    /// Returns a short fingerprint that changes whenever a count does.
    pub fn tag(&self) -> String {
        self.values()
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// The fellows a dashboard covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Every fellow of the cohort: facilitators and administrators.
    Cohort,
    /// The fellows the viewer coaches.
    Coached,
}

/// A cohort's dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortDashboard {
    pub cohort_id: i32,
    pub cohort_label: String,
    pub scope: Scope,
    pub query: MatrixQuery,
    pub modules: Vec<ModuleColumn>,
    /// The page of rows the filter shows.
    pub rows: Vec<FellowRow>,
    /// Rows the filter keeps, on all pages.
    pub matching: usize,
    pub pages: usize,
    /// The at-risk fellows, most reasons first, up to `AT_RISK_SHOWN`.
    pub at_risk: Vec<FellowRow>,
    /// Every at-risk fellow in scope.
    pub at_risk_total: usize,
    /// Every fellow in scope.
    pub fellows_total: usize,
    pub counts: Counts,
    pub charts: Vec<Chart>,
    /// The cohort's coaches, for pairing from the at-risk list; empty when the viewer
    /// does not pair coaches.
    pub coaches: Vec<(i32, String)>,
    pub can_message: bool,
}

/// One fellow's progress, for staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FellowProgress {
    pub cohort_id: i32,
    pub cohort_label: String,
    pub row: FellowRow,
    pub modules: Vec<ModuleDetail>,
    pub slots: Vec<(Slot, CredentialCell, Option<i32>)>,
    pub coaches: Vec<(i32, String)>,
    pub can_message: bool,
    pub can_see_plan: bool,
}

/// A module on the fellow's progress page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleDetail {
    pub column: ModuleColumn,
    pub cell: ModuleCell,
    /// Each assignment with the fellow's response state in words.
    pub assignments: Vec<(i32, String, String)>,
    /// Each event with its kind, title and attendance in words.
    pub events: Vec<(i32, String, String)>,
}

/// One cohort on the program dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortSummary {
    pub cohort_id: i32,
    pub label: String,
    pub fellows: u64,
    pub counts: Counts,
    /// Attendance records marked present or late, of all records.
    pub attended: u64,
    pub attendance_records: u64,
}

/// The program view across cohorts, for administrators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramDashboard {
    pub cohorts: Vec<CohortSummary>,
    pub totals: Counts,
    pub charts: Vec<Chart>,
}

/// Names of the tables a dashboard exports as CSV.
pub const MATRIX_TABLE: &str = "matrix";
pub const AT_RISK_TABLE: &str = "at-risk";
pub const COHORTS_TABLE: &str = "cohorts";

/// Returns the matrix as rows of text, the header first, as the CSV export writes it.
pub fn matrix_table(modules: &[ModuleColumn], rows: &[FellowRow]) -> Vec<Vec<String>> {
    let mut header = vec!["Fellow".to_owned(), "Coach".to_owned()];
    header.extend(
        modules
            .iter()
            .map(|module| format!("{} (term {})", module.name, module.term)),
    );
    header.extend(Slot::ALL.iter().map(|slot| slot.label().to_owned()));
    header.extend(["Handed in", "Earned", "Last active", "Risks"].map(str::to_owned));
    let mut table = vec![header];
    for row in rows {
        let mut cells = vec![row.name.clone(), row.coach.clone().unwrap_or_default()];
        cells.extend(
            row.modules
                .iter()
                .zip(modules)
                .map(|(cell, column)| cell.text(column)),
        );
        cells.extend(row.credentials.iter().map(|cell| match cell {
            CredentialCell::NotChosen => cell.text().to_owned(),
            _ => format!("{}: {}", cell.title(), cell.text()),
        }));
        cells.push(row.handed_in().to_string());
        cells.push(row.earned().to_string());
        cells.push(row.activity_text());
        cells.push(
            row.risks
                .iter()
                .map(Risk::text)
                .collect::<Vec<_>>()
                .join("; "),
        );
        table.push(cells);
    }
    table
}

/// Returns the at-risk fellows among `rows`, most reasons first, then by name: the
/// order of the dashboard's list and of its export.
pub fn at_risk_order(rows: &[FellowRow]) -> Vec<&FellowRow> {
    let mut at_risk: Vec<&FellowRow> = rows.iter().filter(|row| !row.risks.is_empty()).collect();
    at_risk.sort_by(|a, b| {
        b.risks
            .len()
            .cmp(&a.risks.len())
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then(a.fellow_id.cmp(&b.fellow_id))
    });
    at_risk
}

/// Returns the at-risk list as rows of text, the header first.
pub fn at_risk_table(rows: &[FellowRow]) -> Vec<Vec<String>> {
    let mut table = vec![vec![
        "Fellow".to_owned(),
        "Coach".to_owned(),
        "Reasons".to_owned(),
    ]];
    for row in at_risk_order(rows) {
        table.push(vec![
            row.name.clone(),
            row.coach.clone().unwrap_or_default(),
            row.risks
                .iter()
                .map(Risk::text)
                .collect::<Vec<_>>()
                .join("; "),
        ]);
    }
    table
}

/// Returns the program's cohorts as rows of text, the header first.
pub fn cohorts_table(cohorts: &[CohortSummary]) -> Vec<Vec<String>> {
    let mut table = vec![
        [
            "Cohort",
            "Fellows",
            "Drafts",
            "Waiting for a reviewer",
            "In review",
            "Earned",
            "Not yet",
            "Attendance",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for cohort in cohorts {
        table.push(vec![
            cohort.label.clone(),
            cohort.fellows.to_string(),
            cohort.counts.drafts.to_string(),
            cohort.counts.submitted.to_string(),
            cohort.counts.in_review.to_string(),
            cohort.counts.earned.to_string(),
            cohort.counts.not_yet.to_string(),
            percent(cohort.attended, cohort.attendance_records),
        ]);
    }
    table
}

/// Returns `count` with the singular or plural noun, as in "1 fellow" or "3 fellows".
pub fn count_of(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("1 {singular}")
    } else {
        format!("{count} {plural}")
    }
}

/// `part` of `whole` as a whole percentage, or a dash when there is no whole.
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{}%", (part * 100 + whole / 2) / whole)
    }
}

/// Makes a cell safe to open in a spreadsheet. Text that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return would run as a formula, so it gets a leading
/// apostrophe. Spreadsheets show the rest as text and hide the apostrophe. The
/// full-width forms of the four signs are treated the same, since some spreadsheets
/// read them as the ASCII ones.
pub fn neutralize_cell(cell: &str) -> String {
    if cell.starts_with([
        '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ]) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i32, name: &str, coach: Option<&str>, idle: Option<i64>) -> FellowRow {
        FellowRow {
            fellow_id: id,
            name: name.into(),
            coach: coach.map(Into::into),
            modules: vec![ModuleCell {
                handed_in: u32::try_from(id).unwrap(),
                workshop: WorkshopMark::Present,
                meetings_attended: 0,
            }],
            credentials: vec![CredentialCell::NotChosen],
            idle_days: idle,
            risks: Vec::new(),
        }
    }

    fn query(show: &str, sort: &str, order: &str) -> MatrixQuery {
        MatrixQuery::parse("", show, sort, order, "", "").unwrap()
    }

    #[test]
    fn formula_cells_are_neutralised_and_others_kept() {
        for risky in [
            "=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\rboom", "＝1+1", "＠cmd",
        ] {
            assert_eq!(neutralize_cell(risky), format!("'{risky}"));
        }
        for plain in ["Ana", "12", "Pathway: Draft", "", "a=b", "’quoted"] {
            assert_eq!(neutralize_cell(plain), plain);
        }
    }

    #[test]
    fn activity_sort_ties_by_name() {
        let rows = vec![
            row(1, "Cy", None, None),
            row(2, "bo", None, Some(3)),
            row(3, "Al", None, Some(3)),
            row(4, "Di", None, Some(1)),
        ];
        let sorted = query("", "activity", "").apply(rows.clone());
        let names: Vec<_> = sorted.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["Cy", "Al", "bo", "Di"]);
        let reversed = query("", "activity", "desc").apply(rows);
        let names: Vec<_> = reversed.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["Di", "Al", "bo", "Cy"]);
    }

    #[test]
    fn filters_keep_matching_fellows_only() {
        let mut risky = row(1, "Ana Ruiz", Some("Coach Kim"), Some(30));
        risky.risks.push(Risk::Inactive { days: Some(30) });
        let rows = vec![risky, row(2, "Ben Ode", None, Some(1))];
        let at_risk = query("at-risk", "", "").apply(rows.clone());
        assert_eq!(at_risk.len(), 1);
        assert_eq!(at_risk[0].name, "Ana Ruiz");
        let no_coach = query("no-coach", "", "").apply(rows.clone());
        assert_eq!(no_coach[0].name, "Ben Ode");
        let by_coach = MatrixQuery::parse("kim", "", "", "", "", "")
            .unwrap()
            .apply(rows);
        assert_eq!(by_coach.len(), 1);
    }

    #[test]
    fn bad_query_values_name_their_field() {
        let cases = [
            (("", "everyone", "", "", "", ""), "show"),
            (("", "", "shoe-size", "", "", ""), "sort"),
            (("", "", "", "sideways", "", ""), "order"),
            (("", "", "", "", "0", ""), "page"),
            (("", "", "", "", "two", ""), "page"),
            (("", "", "", "", "", "900"), "idle"),
        ];
        for ((search, show, sort, order, page, idle), field) in cases {
            let problem = MatrixQuery::parse(search, show, sort, order, page, idle).unwrap_err();
            assert_eq!(problem.field, field);
        }
        let long = "x".repeat(101);
        assert_eq!(
            MatrixQuery::parse(&long, "", "", "", "", "")
                .unwrap_err()
                .field,
            "q"
        );
    }

    #[test]
    fn query_href_round_trips() {
        let query = MatrixQuery::parse("Ana R", "at-risk", "earned", "desc", "3", "21").unwrap();
        let href = query.href(query.sort, query.descending);
        assert_eq!(
            href,
            "?q=Ana%20R&show=at-risk&sort=earned&order=desc&idle=21"
        );
        assert_eq!(
            MatrixQuery::parse("", "", "", "", "", "")
                .unwrap()
                .href(SortKey::Name, false),
            ""
        );
    }

    #[test]
    fn chart_tables_add_a_total_for_stacked_series() {
        let chart = Chart {
            key: "k".into(),
            title: "T".into(),
            summary: "S".into(),
            category_heading: "Week".into(),
            categories: vec!["A".into(), "B".into()],
            series: vec!["x".into(), "y".into()],
            values: vec![vec![1, 2], vec![0, 0]],
        };
        assert_eq!(
            chart.table(),
            vec![
                vec!["Week", "x", "y", "Total"],
                vec!["A", "1", "2", "3"],
                vec!["B", "0", "0", "0"],
            ]
        );
        assert!(!chart.is_empty());
    }

    #[test]
    fn percentages_round_and_survive_nothing_to_count() {
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(2, 3), "67%");
        assert_eq!(percent(0, 0), "–");
    }
}
