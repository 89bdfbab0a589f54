//! Turns a snapshot into the dashboards: matrix rows, risks, charts and counts. Pure
//! functions of what the store read and the current time.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, Utc};

use super::count_of;
use super::store::{AttemptRow, ChoiceRow, ProgramSnapshot, Snapshot, SubmissionRow};
use super::{
    AT_RISK_SHOWN, Chart, CohortDashboard, CohortSummary, Counts, CredentialCell, FellowProgress,
    FellowRow, MISSED_WORKSHOPS_AT_RISK, MatrixQuery, ModuleCell, ModuleColumn, ModuleDetail,
    NOT_YET_AT_RISK, PAGE_ROWS, ProgramDashboard, Risk, Scope, Slot, WorkshopMark,
};
use crate::cohorts::cohort_label;
use crate::events::{AttendanceStatus, EventKind};
use crate::modules::ResponseState;
use crate::portfolio::draft::SubmissionState;

/// Weeks the submission pipeline chart covers, the current one last.
const PIPELINE_WEEKS: i64 = 8;

/// Lookups over a snapshot, made once per request.
struct Index<'a> {
    snapshot: &'a Snapshot,
    now: DateTime<Utc>,
    coach_of: HashMap<i32, i32>,
    names: HashMap<i32, &'a str>,
    responses: HashMap<(i32, i32), &'a str>,
    attendance: HashMap<(i32, i32), &'a str>,
    submissions: HashMap<(i32, i32), &'a SubmissionRow>,
    not_yet: HashMap<i32, u32>,
    competency_names: HashMap<i32, &'a str>,
    microcredential_of: HashMap<i32, i32>,
    choices: HashMap<i32, &'a ChoiceRow>,
    last_active: HashMap<i32, DateTime<Utc>>,
    joined: HashMap<i32, DateTime<Utc>>,
}

impl<'a> Index<'a> {
    fn new(snapshot: &'a Snapshot, now: DateTime<Utc>) -> Index<'a> {
        let mut last_active: HashMap<i32, DateTime<Utc>> = HashMap::new();
        let mut touch = |fellow: i32, at: DateTime<Utc>| {
            let entry = last_active.entry(fellow).or_insert(at);
            if at > *entry {
                *entry = at;
            }
        };
        for submission in &snapshot.submissions {
            touch(submission.fellow_id, submission.saved_at);
        }
        for response in &snapshot.responses {
            touch(response.fellow_id, response.updated_at);
        }
        for (author, _, _, latest) in &snapshot.posts {
            touch(*author, *latest);
        }
        for (fellow, at) in &snapshot.other_activity {
            touch(*fellow, *at);
        }
        for record in &snapshot.attendance {
            if let Some(at) = record.checked_in_at {
                touch(record.user_id, at);
            }
        }

        let submission_fellow: HashMap<i32, i32> = snapshot
            .submissions
            .iter()
            .map(|submission| (submission.id, submission.fellow_id))
            .collect();
        for attempt in &snapshot.attempts {
            if let Some(fellow) = submission_fellow.get(&attempt.submission_id) {
                touch(*fellow, attempt.submitted_at);
            }
        }

        let mut not_yet = HashMap::new();
        for attempt in &snapshot.attempts {
            if attempt.outcome.as_deref() == Some(SubmissionState::NotYet.name()) {
                *not_yet.entry(attempt.submission_id).or_insert(0) += 1;
            }
        }

        Index {
            snapshot,
            now,
            coach_of: snapshot
                .pairs
                .iter()
                .map(|(coach, fellow)| (*fellow, *coach))
                .collect(),
            names: snapshot
                .fellows
                .iter()
                .chain(&snapshot.coaches)
                .map(|(id, name)| (*id, name.as_str()))
                .collect(),
            responses: snapshot
                .responses
                .iter()
                .map(|row| ((row.assignment_id, row.fellow_id), row.state.as_str()))
                .collect(),
            attendance: snapshot
                .attendance
                .iter()
                .map(|row| ((row.event_id, row.user_id), row.status.as_str()))
                .collect(),
            submissions: snapshot
                .submissions
                .iter()
                .map(|row| ((row.fellow_id, row.microcredential_id), row))
                .collect(),
            not_yet,
            competency_names: snapshot
                .competencies
                .iter()
                .map(|(id, name)| (*id, name.as_str()))
                .collect(),
            microcredential_of: snapshot
                .microcredentials
                .iter()
                .map(|(id, competency)| (*competency, *id))
                .collect(),
            choices: snapshot
                .choices
                .iter()
                .map(|row| (row.fellow_id, row))
                .collect(),
            last_active,
            joined: snapshot.joined.iter().copied().collect(),
        }
    }

    /// Returns true when the fellow was in the cohort at `at`.
    fn member_at(&self, fellow_id: i32, at: DateTime<Utc>) -> bool {
        self.joined
            .get(&fellow_id)
            .is_none_or(|joined| *joined <= at)
    }

    fn columns(&self) -> Vec<ModuleColumn> {
        self.snapshot
            .modules
            .iter()
            .map(|module| ModuleColumn {
                id: module.id,
                name: module.name.clone(),
                term: module.term,
                assignments: count_u32(
                    self.snapshot
                        .assignments
                        .iter()
                        .filter(|assignment| assignment.module_id == module.id),
                ),
                meetings: count_u32(self.events_of(module.id, EventKind::Meeting)),
            })
            .collect()
    }

    fn events_of(
        &self,
        module_id: i32,
        kind: EventKind,
    ) -> impl Iterator<Item = &'a super::store::EventRow> + 'a {
        self.snapshot.events.iter().filter(move |event| {
            event.module_id == Some(module_id)
                && !event.cancelled
                && EventKind::parse(&event.kind) == Some(kind)
        })
    }

    fn response_state(&self, assignment_id: i32, fellow_id: i32) -> Option<ResponseState> {
        self.responses
            .get(&(assignment_id, fellow_id))
            .and_then(|state| ResponseState::parse(state))
    }

    fn handed_in(&self, assignment_id: i32, fellow_id: i32) -> bool {
        matches!(
            self.response_state(assignment_id, fellow_id),
            Some(ResponseState::Submitted | ResponseState::Complete)
        )
    }

    fn mark(&self, event: &super::store::EventRow, fellow_id: i32) -> WorkshopMark {
        match self
            .attendance
            .get(&(event.id, fellow_id))
            .and_then(|status| AttendanceStatus::parse(status))
        {
            Some(AttendanceStatus::Present) => WorkshopMark::Present,
            Some(AttendanceStatus::Late) => WorkshopMark::Late,
            Some(AttendanceStatus::Absent) => WorkshopMark::Absent,
            Some(AttendanceStatus::Excused) => WorkshopMark::Excused,
            None if event.ends_at > self.now => WorkshopMark::Upcoming,
            None if !self.member_at(fellow_id, event.ends_at) => WorkshopMark::BeforeJoining,
            None => WorkshopMark::NotRecorded,
        }
    }

    fn cell(&self, module_id: i32, fellow_id: i32) -> ModuleCell {
        ModuleCell {
            handed_in: count_u32(
                self.snapshot
                    .assignments
                    .iter()
                    .filter(|assignment| assignment.module_id == module_id)
                    .filter(|assignment| self.handed_in(assignment.id, fellow_id)),
            ),
            workshop: self
                .events_of(module_id, EventKind::Workshop)
                .next()
                .map_or(WorkshopMark::None, |event| self.mark(event, fellow_id)),
            meetings_attended: count_u32(self.events_of(module_id, EventKind::Meeting).filter(
                |event| {
                    matches!(
                        self.mark(event, fellow_id),
                        WorkshopMark::Present | WorkshopMark::Late
                    )
                },
            )),
        }
    }

    fn credential(&self, fellow_id: i32, slot: Slot) -> (CredentialCell, Option<i32>) {
        let index = Slot::ALL.iter().position(|s| *s == slot).unwrap_or(0);
        let Some(competency) = self
            .choices
            .get(&fellow_id)
            .and_then(|choice| choice.picks[index])
        else {
            return (CredentialCell::NotChosen, None);
        };
        let title = self
            .competency_names
            .get(&competency)
            .copied()
            .unwrap_or("Unnamed competency")
            .to_owned();
        let submission = self
            .microcredential_of
            .get(&competency)
            .and_then(|microcredential| self.submissions.get(&(fellow_id, *microcredential)));
        match submission.and_then(|row| SubmissionState::parse(&row.state).map(|s| (row, s))) {
            Some((row, state)) => (
                CredentialCell::Started {
                    title,
                    state,
                    attempts: row.attempts,
                    not_yet: self.not_yet.get(&row.id).copied().unwrap_or(0),
                },
                Some(row.id),
            ),
            None => (CredentialCell::NotStarted { title }, None),
        }
    }

    fn idle_days(&self, fellow_id: i32) -> Option<i64> {
        self.last_active
            .get(&fellow_id)
            .map(|at| (self.now - *at).num_days().max(0))
    }

    fn row(&self, fellow_id: i32, name: &str, idle_limit: i64) -> FellowRow {
        let modules: Vec<ModuleCell> = self
            .snapshot
            .modules
            .iter()
            .map(|module| self.cell(module.id, fellow_id))
            .collect();
        let credentials: Vec<CredentialCell> = Slot::ALL
            .iter()
            .map(|slot| self.credential(fellow_id, *slot).0)
            .collect();
        let idle_days = self.idle_days(fellow_id);
        let mut risks = Vec::new();
        for assignment in &self.snapshot.assignments {
            // Deadlines that passed before the fellow joined do not count.
            if assignment
                .due_at
                .is_some_and(|due| due < self.now && self.member_at(fellow_id, due))
                && !self.handed_in(assignment.id, fellow_id)
            {
                risks.push(Risk::MissedDeadline {
                    assignment: assignment.title.clone(),
                });
            }
        }
        let member_for = self
            .joined
            .get(&fellow_id)
            .map_or(0, |joined| (self.now - *joined).num_days());
        match idle_days {
            Some(days) if days >= idle_limit => risks.push(Risk::Inactive { days: Some(days) }),
            None if member_for >= idle_limit => risks.push(Risk::Inactive { days: None }),
            _ => {}
        }
        for cell in &credentials {
            if let CredentialCell::Started {
                title,
                state,
                not_yet,
                ..
            } = cell
                && *not_yet >= NOT_YET_AT_RISK
                && *state != SubmissionState::Earned
            {
                risks.push(Risk::RepeatedNotYet {
                    title: title.clone(),
                    times: *not_yet,
                });
            }
        }
        let missed = count_u32(
            modules
                .iter()
                .filter(|cell| cell.workshop == WorkshopMark::Absent),
        );
        if missed >= MISSED_WORKSHOPS_AT_RISK {
            risks.push(Risk::MissedWorkshops { count: missed });
        }
        FellowRow {
            fellow_id,
            name: name.to_owned(),
            coach: self
                .coach_of
                .get(&fellow_id)
                .and_then(|coach| self.names.get(coach))
                .map(|name| (*name).to_owned()),
            modules,
            credentials,
            idle_days,
            risks,
        }
    }
}

fn count_u32<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// Returns the fellows in the viewer's scope: all of the cohort's, or those they coach.
pub fn fellows_in_scope(snapshot: &Snapshot, scope: Scope, viewer: i32) -> Vec<(i32, String)> {
    match scope {
        Scope::Cohort => snapshot.fellows.clone(),
        Scope::Coached => {
            let mine: HashSet<i32> = snapshot
                .pairs
                .iter()
                .filter(|(coach, _)| *coach == viewer)
                .map(|(_, fellow)| *fellow)
                .collect();
            snapshot
                .fellows
                .iter()
                .filter(|(id, _)| mine.contains(id))
                .cloned()
                .collect()
        }
    }
}

/// Builds every row in scope, unfiltered and in name order.
pub fn all_rows(
    snapshot: &Snapshot,
    fellows: &[(i32, String)],
    now: DateTime<Utc>,
    idle_limit: i64,
) -> (Vec<ModuleColumn>, Vec<FellowRow>) {
    let index = Index::new(snapshot, now);
    let rows = fellows
        .iter()
        .map(|(id, name)| index.row(*id, name, idle_limit))
        .collect();
    (index.columns(), rows)
}

/// Builds a cohort's dashboard for the fellows in scope.
pub fn cohort_dashboard(
    snapshot: &Snapshot,
    scope: Scope,
    viewer: i32,
    query: MatrixQuery,
    now: DateTime<Utc>,
) -> CohortDashboard {
    let fellows = fellows_in_scope(snapshot, scope, viewer);
    let (modules, rows) = all_rows(snapshot, &fellows, now, query.idle_days);

    let in_scope: HashSet<i32> = fellows.iter().map(|(id, _)| *id).collect();
    let mut counts = Counts::default();
    for submission in snapshot
        .submissions
        .iter()
        .filter(|row| in_scope.contains(&row.fellow_id))
    {
        counts.add(&submission.state, 1);
    }

    let charts = cohort_charts(snapshot, &in_scope, &rows, now);
    // Every at-risk fellow in scope, whatever the matrix filter: most reasons first,
    // then by name.
    let at_risk = super::at_risk_order(&rows);
    let at_risk_total = at_risk.len();
    let at_risk: Vec<FellowRow> = at_risk.into_iter().take(AT_RISK_SHOWN).cloned().collect();

    let fellows_total = rows.len();
    let matching_rows = query.apply(rows);
    let matching = matching_rows.len();
    let pages = matching.div_ceil(PAGE_ROWS).max(1);
    let page = query.page.min(pages);
    let rows = matching_rows
        .into_iter()
        .skip((page - 1) * PAGE_ROWS)
        .take(PAGE_ROWS)
        .collect();

    CohortDashboard {
        cohort_id: snapshot.cohort.id,
        cohort_label: cohort_label(&snapshot.cohort.name, snapshot.cohort.year),
        scope,
        query: MatrixQuery { page, ..query },
        modules,
        rows,
        matching,
        pages,
        at_risk,
        at_risk_total,
        fellows_total,
        counts,
        charts,
        coaches: Vec::new(),
        can_message: false,
    }
}

/// Builds one fellow's progress page, or `None` when the fellow is not in scope.
pub fn fellow_progress(
    snapshot: &Snapshot,
    scope: Scope,
    viewer: i32,
    fellow_id: i32,
    now: DateTime<Utc>,
) -> Option<FellowProgress> {
    let fellows = fellows_in_scope(snapshot, scope, viewer);
    let (_, name) = fellows.iter().find(|(id, _)| *id == fellow_id)?;
    let index = Index::new(snapshot, now);
    let row = index.row(fellow_id, name, super::DEFAULT_IDLE_DAYS);
    let modules = index
        .columns()
        .into_iter()
        .zip(&row.modules)
        .map(|(column, cell)| ModuleDetail {
            assignments: snapshot
                .assignments
                .iter()
                .filter(|assignment| assignment.module_id == column.id)
                .map(|assignment| {
                    let state = index
                        .response_state(assignment.id, fellow_id)
                        .map_or("Not started", ResponseState::label);
                    (assignment.id, assignment.title.clone(), state.to_owned())
                })
                .collect(),
            events: snapshot
                .events
                .iter()
                .filter(|event| event.module_id == Some(column.id) && !event.cancelled)
                .map(|event| {
                    (
                        event.id,
                        event.title.clone(),
                        index.mark(event, fellow_id).text().to_owned(),
                    )
                })
                .collect(),
            cell: cell.clone(),
            column,
        })
        .collect();
    let slots = Slot::ALL
        .iter()
        .map(|slot| {
            let (cell, submission) = index.credential(fellow_id, *slot);
            (*slot, cell, submission)
        })
        .collect();
    Some(FellowProgress {
        cohort_id: snapshot.cohort.id,
        cohort_label: cohort_label(&snapshot.cohort.name, snapshot.cohort.year),
        row,
        modules,
        slots,
        coaches: Vec::new(),
        can_message: false,
        can_see_plan: false,
    })
}

fn cohort_charts(
    snapshot: &Snapshot,
    in_scope: &HashSet<i32>,
    rows: &[FellowRow],
    now: DateTime<Utc>,
) -> Vec<Chart> {
    let choices: Vec<&ChoiceRow> = snapshot
        .choices
        .iter()
        .filter(|row| in_scope.contains(&row.fellow_id))
        .collect();
    let submissions: Vec<&SubmissionRow> = snapshot
        .submissions
        .iter()
        .filter(|row| in_scope.contains(&row.fellow_id))
        .collect();
    let submission_ids: HashSet<i32> = submissions.iter().map(|row| row.id).collect();
    let attempts: Vec<&AttemptRow> = snapshot
        .attempts
        .iter()
        .filter(|row| submission_ids.contains(&row.submission_id))
        .collect();
    vec![
        choice_chart(&choices, &snapshot.competencies),
        pipeline_chart(&submissions, &attempts, now),
        turnaround_chart(&attempts),
        attendance_chart(snapshot, in_scope, now),
        discussion_chart(snapshot, in_scope, rows.len()),
        growth_chart(snapshot, in_scope),
    ]
}

fn choice_chart(choices: &[&ChoiceRow], competencies: &[(i32, String)]) -> Chart {
    // Series: overarching (two slots), pathway, DECC.
    let mut counts: BTreeMap<i32, [u32; 3]> = BTreeMap::new();
    for choice in choices {
        for (slot, pick) in choice.picks.iter().enumerate() {
            if let Some(competency) = pick {
                counts.entry(*competency).or_default()[slot.saturating_sub(1)] += 1;
            }
        }
    }
    let mut ordered: Vec<(i32, [u32; 3])> = counts.into_iter().collect();
    ordered.sort_by(|a, b| b.1.iter().sum::<u32>().cmp(&a.1.iter().sum::<u32>()));
    let name = |id: i32| {
        competencies
            .iter()
            .find(|(competency, _)| *competency == id)
            .map_or_else(|| format!("Competency {id}"), |(_, name)| name.clone())
    };
    let summary = match ordered.first() {
        Some((_, values)) => {
            let top_count = values.iter().sum::<u32>();
            let leaders: Vec<String> = ordered
                .iter()
                .filter(|(_, values)| values.iter().sum::<u32>() == top_count)
                .map(|(id, _)| name(*id))
                .collect();
            let chosen = count_of(choices.len(), "fellow has", "fellows have");
            let by = count_of(top_count as usize, "fellow", "fellows");
            match leaders.as_slice() {
                [only] => {
                    format!("{chosen} chosen competencies; the most chosen is {only}, by {by}.")
                }
                [first, second] => format!(
                    "{chosen} chosen competencies; the most chosen are {first} and {second}, by {by} each."
                ),
                [first, rest @ ..] => format!(
                    "{chosen} chosen competencies; {} are tied as the most chosen, among them {first}, by {by} each.",
                    rest.len() + 1
                ),
                [] => String::new(),
            }
        }
        None => "No fellow has chosen a competency yet.".into(),
    };
    Chart {
        key: "competency-choices".into(),
        title: "Competency choices".into(),
        summary,
        category_heading: "Competency".into(),
        categories: ordered.iter().map(|(id, _)| name(*id)).collect(),
        series: vec!["Overarching".into(), "Pathway".into(), "DECC".into()],
        values: ordered.iter().map(|(_, values)| values.to_vec()).collect(),
    }
}

/// Returns the state a submission was in at `at`, from its attempts' timestamps, or
/// `None` before it was started.
fn state_at(
    submission: &SubmissionRow,
    attempts: &[&AttemptRow],
    at: DateTime<Utc>,
) -> Option<SubmissionState> {
    if submission.created_at > at {
        return None;
    }
    let Some(latest) = attempts
        .iter()
        .filter(|attempt| attempt.submitted_at <= at)
        .max_by_key(|attempt| attempt.submitted_at)
    else {
        return Some(SubmissionState::Draft);
    };
    if let Some(decided) = latest.decided_at
        && decided <= at
    {
        return SubmissionState::parse(latest.outcome.as_deref().unwrap_or_default());
    }
    if latest
        .review_started_at
        .is_some_and(|started| started <= at)
    {
        Some(SubmissionState::InReview)
    } else {
        Some(SubmissionState::Submitted)
    }
}

fn pipeline_chart(
    submissions: &[&SubmissionRow],
    attempts: &[&AttemptRow],
    now: DateTime<Utc>,
) -> Chart {
    let mut by_submission: HashMap<i32, Vec<&AttemptRow>> = HashMap::new();
    for attempt in attempts {
        by_submission
            .entry(attempt.submission_id)
            .or_default()
            .push(attempt);
    }
    let states = SubmissionState::ALL;
    let today = now.date_naive();
    let monday = today - Duration::days(today.weekday().num_days_from_monday().into());
    let mut categories = Vec::new();
    let mut values = Vec::new();
    for weeks_back in (0..PIPELINE_WEEKS).rev() {
        let start = monday - Duration::weeks(weeks_back);
        // The state at the end of the week, or now for the current week.
        let end = if weeks_back == 0 {
            now
        } else {
            (start + Duration::weeks(1))
                .and_hms_opt(0, 0, 0)
                .map_or(now, |end| end.and_utc())
        };
        let mut row = vec![0u32; states.len()];
        for submission in submissions {
            let attempts = by_submission
                .get(&submission.id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if let Some(state) = state_at(submission, attempts, end)
                && let Some(position) = states.iter().position(|s| *s == state)
            {
                row[position] += 1;
            }
        }
        categories.push(format!("Week of {}", start.format("%b %-d")));
        values.push(row);
    }
    let last = values.last().cloned().unwrap_or_default();
    let summary = if submissions.is_empty() {
        "No submissions yet.".into()
    } else {
        format!(
            "This week: {}, {} submitted, {} in review, {} earned and {} not yet.",
            count_of(last[0] as usize, "draft", "drafts"),
            last[1],
            last[2],
            last[3],
            last[4]
        )
    };
    Chart {
        key: "submission-pipeline".into(),
        title: "Submission pipeline by week".into(),
        summary,
        category_heading: "Week".into(),
        categories,
        series: states
            .iter()
            .map(|state| state.label(0).to_owned())
            .collect(),
        values,
    }
}

/// Day ranges for review turnaround.
const TURNAROUND_BUCKETS: [(i32, i32, &str); 6] = [
    (0, 2, "0–2 days"),
    (3, 5, "3–5 days"),
    (6, 10, "6–10 days"),
    (11, 14, "11–14 days"),
    (15, 21, "15–21 days"),
    (22, i32::MAX, "22 days or more"),
];

fn turnaround_chart(attempts: &[&AttemptRow]) -> Chart {
    let mut values = vec![vec![0u32; 2]; TURNAROUND_BUCKETS.len()];
    let mut within = 0;
    let mut decided = 0;
    let mut targets = HashSet::new();
    for attempt in attempts {
        let Some(days) = attempt.turnaround_days else {
            continue;
        };
        decided += 1;
        let on_time = attempt.target_days.is_none_or(|target| days <= target);
        if let Some(target) = attempt.target_days {
            targets.insert(target);
        }
        if on_time {
            within += 1;
        }
        if let Some(bucket) = TURNAROUND_BUCKETS
            .iter()
            .position(|(low, high, _)| (*low..=*high).contains(&days))
        {
            values[bucket][usize::from(!on_time)] += 1;
        }
    }
    let target_text = match targets.len() {
        0 => String::new(),
        1 => format!(
            " of {} days",
            targets.iter().next().copied().unwrap_or_default()
        ),
        _ => "s".into(),
    };
    let summary = if decided == 0 {
        "No review has been decided yet.".into()
    } else {
        format!(
            "{within} of {} ({}) came within the target{target_text}.",
            count_of(decided as usize, "decision", "decisions"),
            super::percent(within, decided)
        )
    };
    Chart {
        key: "review-turnaround".into(),
        title: "Review turnaround against the target".into(),
        summary,
        category_heading: "Days from submission to decision".into(),
        categories: TURNAROUND_BUCKETS
            .iter()
            .map(|(_, _, label)| (*label).to_owned())
            .collect(),
        series: vec!["Within target".into(), "Over target".into()],
        values,
    }
}

fn attendance_chart(snapshot: &Snapshot, in_scope: &HashSet<i32>, now: DateTime<Utc>) -> Chart {
    let past: Vec<_> = snapshot
        .events
        .iter()
        .filter(|event| !event.cancelled && event.ends_at <= now)
        .collect();
    let mut categories = Vec::new();
    let mut values = Vec::new();
    let (mut attended, mut recorded, mut unrecorded) = (0, 0, 0);
    let joined: HashMap<i32, DateTime<Utc>> = snapshot.joined.iter().copied().collect();
    let records: HashMap<(i32, i32), &str> = snapshot
        .attendance
        .iter()
        .map(|record| ((record.event_id, record.user_id), record.status.as_str()))
        .collect();
    for event in &past {
        // Present, late, absent, excused, not recorded.
        let mut row = vec![0u32; 5];
        // Fellows who joined after the event are not counted.
        for fellow in in_scope
            .iter()
            .filter(|fellow| joined.get(fellow).is_none_or(|at| *at <= event.ends_at))
        {
            let status = records
                .get(&(event.id, *fellow))
                .and_then(|status| AttendanceStatus::parse(status));
            let slot = match status {
                Some(AttendanceStatus::Present) => 0,
                Some(AttendanceStatus::Late) => 1,
                Some(AttendanceStatus::Absent) => 2,
                Some(AttendanceStatus::Excused) => 3,
                None => 4,
            };
            row[slot] += 1;
        }
        attended += u64::from(row[0] + row[1]);
        recorded += u64::from(row[0] + row[1] + row[2]);
        unrecorded += row[4];
        categories.push(event.title.clone());
        values.push(row);
    }
    let summary = if past.is_empty() {
        "No workshop or meeting has taken place yet.".into()
    } else {
        format!(
            "Across {}, {} of recorded attendances were present or late (excused left out); {} not recorded.",
            super::count_of(
                past.len(),
                "past workshop or meeting",
                "past workshops and meetings"
            ),
            super::percent(attended, recorded),
            super::count_of(unrecorded as usize, "attendance", "attendances")
        )
    };
    Chart {
        key: "attendance".into(),
        title: "Attendance at workshops and meetings".into(),
        summary,
        category_heading: "Event".into(),
        categories,
        series: ["Present", "Late", "Absent", "Excused", "Not recorded"]
            .map(str::to_owned)
            .to_vec(),
        values,
    }
}

fn discussion_chart(snapshot: &Snapshot, in_scope: &HashSet<i32>, fellows: usize) -> Chart {
    let discussed: HashSet<i32> = snapshot
        .posts
        .iter()
        .map(|(_, module, _, _)| *module)
        .collect();
    let mut categories = Vec::new();
    let mut values = Vec::new();
    for module in snapshot
        .modules
        .iter()
        .filter(|module| discussed.contains(&module.id))
    {
        let posted = count_u32(
            snapshot
                .posts
                .iter()
                .filter(|(author, id, _, _)| *id == module.id && in_scope.contains(author)),
        );
        let fellows = u32::try_from(fellows).unwrap_or(u32::MAX);
        categories.push(module.name.clone());
        values.push(vec![posted, fellows.saturating_sub(posted)]);
    }
    let summary = match values.last() {
        Some(last) => format!(
            "In the latest discussion, {} of {} posted.",
            last[0],
            count_of((last[0] + last[1]) as usize, "fellow has", "fellows have")
        ),
        None => "No one has posted in a module discussion yet.".into(),
    };
    Chart {
        key: "discussion-participation".into(),
        title: "Discussion participation by module".into(),
        summary,
        category_heading: "Module".into(),
        categories,
        series: vec!["Posted".into(), "Not posted yet".into()],
        values,
    }
}

fn growth_chart(snapshot: &Snapshot, in_scope: &HashSet<i32>) -> Chart {
    // First and latest self-rating per fellow and competency.
    let mut spans: BTreeMap<(i32, i32), (i32, i32, usize)> = BTreeMap::new();
    for rating in snapshot
        .ratings
        .iter()
        .filter(|rating| in_scope.contains(&rating.fellow_id))
    {
        spans
            .entry((rating.competency_id, rating.fellow_id))
            .and_modify(|(_, last, count)| {
                *last = rating.stage;
                *count += 1;
            })
            .or_insert((rating.stage, rating.stage, 1));
    }
    let mut by_competency: BTreeMap<i32, [u32; 4]> = BTreeMap::new();
    for ((competency, _), (first, last, count)) in spans {
        if count < 2 {
            continue;
        }
        let slot = match last - first {
            moved if moved < 0 => 0,
            0 => 1,
            1 => 2,
            _ => 3,
        };
        by_competency.entry(competency).or_default()[slot] += 1;
    }
    let name = |id: i32| {
        snapshot
            .competencies
            .iter()
            .find(|(competency, _)| *competency == id)
            .map_or_else(|| format!("Competency {id}"), |(_, name)| name.clone())
    };
    let moved_up: u32 = by_competency.values().map(|row| row[2] + row[3]).sum();
    let rated: u32 = by_competency.values().flatten().sum();
    let summary = if rated == 0 {
        "No fellow has rated the same competency twice yet.".into()
    } else {
        format!(
            "{moved_up} of {} moved up at least one stage.",
            count_of(
                rated as usize,
                "repeated self-assessment",
                "repeated self-assessments"
            )
        )
    };
    Chart {
        key: "growth".into(),
        title: "Growth self-assessment movement".into(),
        summary,
        category_heading: "Competency".into(),
        categories: by_competency.keys().map(|id| name(*id)).collect(),
        series: ["Moved down", "No change", "Up one stage", "Up two or more"]
            .map(str::to_owned)
            .to_vec(),
        values: by_competency.values().map(|row| row.to_vec()).collect(),
    }
}

/// Builds the program dashboard across cohorts.
pub fn program_dashboard(snapshot: &ProgramSnapshot, now: DateTime<Utc>) -> ProgramDashboard {
    let mut totals = Counts::default();
    let mut cohorts = Vec::new();
    for cohort in &snapshot.cohorts {
        let mut counts = Counts::default();
        for (_, state, count) in snapshot.states.iter().filter(|(id, _, _)| *id == cohort.id) {
            let count = u64::try_from(*count).unwrap_or(0);
            counts.add(state, count);
            totals.add(state, count);
        }
        let attendance = snapshot
            .attendance
            .iter()
            .filter(|(id, _, _)| *id == cohort.id);
        let (mut attended, mut records) = (0, 0);
        for (_, status, count) in attendance {
            let count = u64::try_from(*count).unwrap_or(0);
            match AttendanceStatus::parse(status) {
                Some(AttendanceStatus::Present | AttendanceStatus::Late) => {
                    attended += count;
                    records += count;
                }
                Some(AttendanceStatus::Absent) => records += count,
                _ => {}
            }
        }
        cohorts.push(CohortSummary {
            cohort_id: cohort.id,
            label: cohort_label(&cohort.name, cohort.year),
            fellows: snapshot
                .fellows
                .iter()
                .find(|(id, _)| *id == cohort.id)
                .map_or(0, |(_, count)| u64::try_from(*count).unwrap_or(0)),
            counts,
            attended,
            attendance_records: records,
        });
    }
    let choices: Vec<&ChoiceRow> = snapshot.choices.iter().collect();
    let submissions: Vec<&SubmissionRow> = snapshot.submissions.iter().collect();
    let attempts: Vec<&AttemptRow> = snapshot.attempts.iter().collect();
    let mut earned = Chart {
        key: "cohort-states".into(),
        title: "Submissions by cohort".into(),
        summary: String::new(),
        category_heading: "Cohort".into(),
        categories: cohorts.iter().map(|cohort| cohort.label.clone()).collect(),
        series: SubmissionState::ALL
            .iter()
            .map(|state| state.label(0).to_owned())
            .collect(),
        values: cohorts
            .iter()
            .map(|cohort| {
                let counts = &cohort.counts;
                [
                    counts.drafts,
                    counts.submitted,
                    counts.in_review,
                    counts.earned,
                    counts.not_yet,
                ]
                .map(|count| u32::try_from(count).unwrap_or(u32::MAX))
                .to_vec()
            })
            .collect(),
    };
    let submissions_total =
        totals.drafts + totals.submitted + totals.in_review + totals.earned + totals.not_yet;
    earned.summary = format!(
        "{} with {}; {} earned.",
        count_of(cohorts.len(), "cohort", "cohorts"),
        count_of(submissions_total as usize, "submission", "submissions"),
        totals.earned
    );
    ProgramDashboard {
        cohorts,
        totals,
        charts: vec![
            earned,
            choice_chart(&choices, &snapshot.competencies),
            pipeline_chart(&submissions, &attempts, now),
            turnaround_chart(&attempts),
        ],
    }
}
