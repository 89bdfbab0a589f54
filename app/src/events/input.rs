//! Checks on the event and attendance forms, and the check-in rules. Server only.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{
    AttendanceStatus, CHECK_IN_RANGE, DEFAULT_CHECK_IN_MINUTES, DURATION_RANGE, EventKind,
    LATE_AFTER_MINUTES, ModuleChoice,
};
use crate::error::AppError;

/// The maximum title length, in characters.
pub const TITLE_MAX_CHARS: usize = 200;

/// The maximum length of a place, in characters.
pub const LOCATION_MAX_CHARS: usize = 300;

/// The maximum length of a join link, in characters.
pub const JOIN_URL_MAX_CHARS: usize = 2000;

/// The event form's fields as posted.
#[derive(Debug, Clone, Default)]
pub struct EventFields<'a> {
    pub module_id: &'a str,
    pub title: &'a str,
    pub date: &'a str,
    pub time: &'a str,
    /// The UTC offset that picks one of a repeated local time's two instants.
    pub offset: &'a str,
    pub duration_minutes: &'a str,
    pub join_url: &'a str,
    pub location: &'a str,
    pub check_in_minutes: &'a str,
}

/// A checked event, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInput {
    pub module_id: Option<i32>,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub join_url: Option<String>,
    pub location: Option<String>,
    pub check_in_minutes: i32,
}

/// Checks an event form of `kind`, with the date and time entered in `zone`.
///
/// A workshop belongs to one of `modules` and has an https join link. A meeting has a
/// place, and may have a module and a join link for those who join from afar.
pub fn parse_event(
    kind: EventKind,
    fields: &EventFields<'_>,
    zone: Tz,
    modules: &[ModuleChoice],
) -> Result<EventInput, AppError> {
    let module = parse_module(kind, fields.module_id, modules)?;
    let title = parse_title(kind, fields.title, module)?;
    let starts_at = parse_start(zone, fields.date, fields.time, fields.offset)?;
    let duration_minutes = parse_duration(fields.duration_minutes)?;
    let join_url = parse_join_url(kind, fields.join_url)?;
    let location = parse_location(kind, fields.location)?;
    let check_in_minutes = parse_check_in_minutes(fields.check_in_minutes)?;
    Ok(EventInput {
        module_id: module.map(|module| module.id),
        title,
        starts_at,
        duration_minutes,
        join_url,
        location,
        check_in_minutes,
    })
}

fn parse_module<'m>(
    kind: EventKind,
    raw: &str,
    modules: &'m [ModuleChoice],
) -> Result<Option<&'m ModuleChoice>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return match kind {
            EventKind::Workshop => Err(AppError::invalid(
                "module_id",
                "Choose the module whose workshop this is.",
            )),
            EventKind::Meeting => Ok(None),
        };
    }
    raw.parse::<i32>()
        .ok()
        .and_then(|id| modules.iter().find(|module| module.id == id))
        .map(Some)
        .ok_or_else(|| {
            AppError::invalid(
                "module_id",
                "That module is not one of this cohort's modules. Reload the page and choose the module again.",
            )
        })
}

fn parse_title(
    kind: EventKind,
    raw: &str,
    module: Option<&ModuleChoice>,
) -> Result<String, AppError> {
    let title = raw.trim();
    if crate::text::is_blank(title) {
        return Ok(match (kind, module) {
            (EventKind::Workshop, Some(module)) => format!("{} workshop", module.name),
            (EventKind::Workshop, None) => "Module workshop".to_owned(),
            (EventKind::Meeting, _) => "Cohort meeting".to_owned(),
        });
    }
    if title.chars().count() > TITLE_MAX_CHARS || !crate::text::is_one_line(title) {
        return Err(AppError::invalid(
            "title",
            format!("Type the title on one line, in at most {TITLE_MAX_CHARS} characters."),
        ));
    }
    Ok(title.to_owned())
}

/// Turns the date, time and optional offset entered in `zone` into the start instant.
/// Times inside a daylight-saving gap, and repeated times without an offset, are
/// rejected with the valid choices named.
pub fn parse_start(
    zone: Tz,
    date: &str,
    time: &str,
    offset: &str,
) -> Result<DateTime<Utc>, AppError> {
    if date.trim().is_empty() {
        return Err(AppError::invalid(
            "starts",
            "Enter the date the event starts, such as 2027-03-16.",
        ));
    }
    if time.trim().is_empty() {
        return Err(AppError::invalid(
            "starts",
            "Enter the time the event starts, such as 17:30.",
        ));
    }
    let years = crate::cohorts::input::YEAR_RANGE;
    if let Ok(day) = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        && !years.contains(&day.year())
    {
        return Err(AppError::invalid(
            "starts",
            format!(
                "{day} is not a date from {} to {}. Check the year.",
                years.start(),
                years.end()
            ),
        ));
    }
    let offset = Some(offset.trim()).filter(|offset| !offset.is_empty());
    crate::local_time::resolve("starts", zone, date, time, offset)
}

/// Reads the event's length in minutes, from 15 to 600.
pub fn parse_duration(raw: &str) -> Result<i32, AppError> {
    let (low, high) = (DURATION_RANGE.start(), DURATION_RANGE.end());
    match raw.trim().parse::<i32>() {
        Ok(minutes) if DURATION_RANGE.contains(&minutes) => Ok(minutes),
        Ok(minutes) => Err(AppError::invalid(
            "duration_minutes",
            format!(
                "{minutes} minutes is outside the allowed length. Enter a whole number of minutes from {low} to {high} (10 hours); a workshop lasts 90."
            ),
        )),
        Err(_) if raw.trim().is_empty() => Err(AppError::invalid(
            "duration_minutes",
            format!("Enter the length in minutes, from {low} to {high}; a workshop lasts 90."),
        )),
        Err(_) => Err(AppError::invalid(
            "duration_minutes",
            format!(
                "\"{}\" is not a whole number of minutes. Enter a number from {low} to {high}, such as 90.",
                raw.trim()
            ),
        )),
    }
}

/// Reads a join link: required for workshops, optional for meetings, and always an
/// `https://` address with a host.
pub fn parse_join_url(kind: EventKind, raw: &str) -> Result<Option<String>, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return match kind {
            EventKind::Workshop => Err(AppError::invalid(
                "join_url",
                "Enter the link fellows use to join the workshop, an https:// address from your video meeting service.",
            )),
            EventKind::Meeting => Ok(None),
        };
    }
    let not_https = || {
        AppError::invalid(
            "join_url",
            format!(
                "\"{}\" is not an https:// address. Copy the full join link from your video meeting service; it starts with https://.",
                text.chars().take(100).collect::<String>()
            ),
        )
    };
    if text.chars().count() > JOIN_URL_MAX_CHARS {
        return Err(AppError::invalid(
            "join_url",
            format!(
                "The join link is longer than {JOIN_URL_MAX_CHARS} characters. Use the meeting service's short link."
            ),
        ));
    }
    let parsed = url::Url::parse(text).map_err(|_| not_https())?;
    if parsed.scheme() != "https" || parsed.host_str().is_none_or(str::is_empty) {
        return Err(not_https());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(AppError::invalid(
            "join_url",
            "The join link contains a user name or password before the host. Remove them; share a meeting passcode in the event's title or by email instead.",
        ));
    }
    Ok(Some(parsed.to_string()))
}

fn parse_location(kind: EventKind, raw: &str) -> Result<Option<String>, AppError> {
    let location = raw.trim();
    if crate::text::is_blank(location) {
        return match kind {
            EventKind::Meeting => Err(AppError::invalid(
                "location",
                "Enter where the cohort meets, such as \"Lincoln Middle School, room 204\".",
            )),
            EventKind::Workshop => Ok(None),
        };
    }
    if location.chars().count() > LOCATION_MAX_CHARS || !crate::text::is_one_line(location) {
        return Err(AppError::invalid(
            "location",
            format!("Type the place on one line, in at most {LOCATION_MAX_CHARS} characters."),
        ));
    }
    Ok(Some(location.to_owned()))
}

fn parse_check_in_minutes(raw: &str) -> Result<i32, AppError> {
    if raw.trim().is_empty() {
        return Ok(DEFAULT_CHECK_IN_MINUTES);
    }
    match raw.trim().parse::<i32>() {
        Ok(minutes) if CHECK_IN_RANGE.contains(&minutes) => Ok(minutes),
        _ => Err(AppError::invalid(
            "check_in_minutes",
            format!(
                "Enter how many minutes before the start check-in opens, a whole number from {} to {}.",
                CHECK_IN_RANGE.start(),
                CHECK_IN_RANGE.end()
            ),
        )),
    }
}

/// Reads the attendance form: `status[USER_ID]` is one of the four statuses, or empty
/// for "not recorded". Every person named must be one of `fellows` (id to name).
/// Returns the marks ordered by user id.
pub fn parse_marks(
    posted: &HashMap<String, String>,
    fellows: &BTreeMap<i32, String>,
) -> Result<Vec<(i32, Option<AttendanceStatus>)>, AppError> {
    let mut marks = Vec::with_capacity(posted.len());
    for (key, value) in posted {
        let user_id = key.trim().parse::<i32>().ok();
        let Some(user_id) = user_id.filter(|id| fellows.contains_key(id)) else {
            return Err(AppError::invalid(
                "status",
                format!(
                    "Person {} is not a fellow of this cohort, so their attendance cannot be recorded here. Reload the page to see the current list of fellows.",
                    key.trim()
                ),
            ));
        };
        let status = match value.trim() {
            "" => None,
            name => Some(AttendanceStatus::parse(name).ok_or_else(|| {
                AppError::invalid(
                    "status",
                    format!(
                        "\"{}\" is not an attendance status for {}. Choose present, late, absent or excused, or leave it not recorded.",
                        name.chars().take(40).collect::<String>(),
                        fellows[&user_id]
                    ),
                )
            })?),
        };
        marks.push((user_id, status));
    }
    marks.sort_by_key(|(user_id, _)| *user_id);
    Ok(marks)
}

/// When fellows may check in: from `check_in_minutes` before the start until the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Check-in opens at this instant.
    Before(DateTime<Utc>),
    Open,
    /// Check-in closed when the event ended at this instant.
    After(DateTime<Utc>),
}

/// Returns where `now` falls in an event's check-in window.
pub fn check_in_window(
    starts_at: DateTime<Utc>,
    duration_minutes: i32,
    check_in_minutes: i32,
    now: DateTime<Utc>,
) -> Window {
    let opens = starts_at - Duration::minutes(check_in_minutes.into());
    let ends = starts_at + Duration::minutes(duration_minutes.into());
    if now < opens {
        Window::Before(opens)
    } else if now > ends {
        Window::After(ends)
    } else {
        Window::Open
    }
}

/// Returns the status a self check-in at `now` records: present until 10 minutes after
/// the start, late after that.
pub fn self_check_in_status(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> AttendanceStatus {
    if now > starts_at + Duration::minutes(LATE_AFTER_MINUTES) {
        AttendanceStatus::Late
    } else {
        AttendanceStatus::Present
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules() -> Vec<ModuleChoice> {
        vec![ModuleChoice {
            id: 7,
            name: "Design".into(),
            label: "Term 1: Design".into(),
        }]
    }

    fn workshop_fields() -> EventFields<'static> {
        EventFields {
            module_id: "7",
            title: "",
            date: "2027-03-16",
            time: "17:00",
            offset: "",
            duration_minutes: "90",
            join_url: "https://meet.example.org/design",
            location: "",
            check_in_minutes: "",
        }
    }

    fn field_message(result: Result<EventInput, AppError>, field: &str) -> String {
        let error = result.expect_err("the form is rejected");
        error
            .message_for(field)
            .unwrap_or_else(|| panic!("no message for {field}: {error:?}"))
    }

    #[test]
    fn workshop_defaults_title_and_check_in() {
        let input = parse_event(
            EventKind::Workshop,
            &workshop_fields(),
            chrono_tz::America::New_York,
            &modules(),
        )
        .unwrap();
        assert_eq!(input.title, "Design workshop");
        assert_eq!(input.module_id, Some(7));
        assert_eq!(input.check_in_minutes, DEFAULT_CHECK_IN_MINUTES);
        assert_eq!(input.starts_at.to_rfc3339(), "2027-03-16T21:00:00+00:00");
        assert_eq!(
            input.join_url.as_deref(),
            Some("https://meet.example.org/design")
        );
    }

    #[test]
    fn start_inside_daylight_saving_gap_is_rejected() {
        let fields = EventFields {
            date: "2027-03-14",
            time: "02:30",
            ..workshop_fields()
        };
        let message = field_message(
            parse_event(
                EventKind::Workshop,
                &fields,
                chrono_tz::America::New_York,
                &modules(),
            ),
            "starts",
        );
        assert!(message.contains("does not exist"), "{message}");
    }

    #[test]
    fn repeated_time_needs_an_offset() {
        let fields = EventFields {
            date: "2027-11-07",
            time: "01:30",
            ..workshop_fields()
        };
        let zone = chrono_tz::America::New_York;
        let message = field_message(
            parse_event(EventKind::Workshop, &fields, zone, &modules()),
            "starts",
        );
        assert!(message.contains("happens twice"), "{message}");
        let chosen = EventFields {
            offset: "-05:00",
            ..fields
        };
        let input = parse_event(EventKind::Workshop, &chosen, zone, &modules()).unwrap();
        assert_eq!(input.starts_at.to_rfc3339(), "2027-11-07T06:30:00+00:00");
    }

    #[test]
    fn join_link_must_be_https() {
        for link in [
            "http://meet.example.org/design",
            "meet.example.org/design",
            "javascript:alert(1)",
            "https://",
        ] {
            let message = parse_join_url(EventKind::Workshop, link)
                .unwrap_err()
                .message_for("join_url")
                .unwrap();
            assert!(message.contains("https://"), "{link}: {message}");
        }
        assert!(parse_join_url(EventKind::Workshop, "").is_err());
        assert_eq!(parse_join_url(EventKind::Meeting, " "), Ok(None));
        assert!(
            parse_join_url(EventKind::Workshop, "https://user:secret@meet.example.org/").is_err()
        );
    }

    #[test]
    fn duration_stays_within_range() {
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("15"), Ok(15));
        assert_eq!(parse_duration("600"), Ok(600));
        for raw in ["14", "601", "0", "-90", "ninety", "", "90.5"] {
            let message = parse_duration(raw)
                .unwrap_err()
                .message_for("duration_minutes")
                .unwrap();
            assert!(
                message.contains("15") && message.contains("600"),
                "{raw}: {message}"
            );
        }
    }

    #[test]
    fn meeting_needs_a_place() {
        let fields = EventFields {
            module_id: "",
            join_url: "",
            ..workshop_fields()
        };
        let message = field_message(
            parse_event(
                EventKind::Meeting,
                &fields,
                chrono_tz::America::Chicago,
                &modules(),
            ),
            "location",
        );
        assert!(message.contains("where the cohort meets"), "{message}");
        let placed = EventFields {
            location: "Lincoln Middle School, room 204",
            ..fields
        };
        let input = parse_event(
            EventKind::Meeting,
            &placed,
            chrono_tz::America::Chicago,
            &modules(),
        )
        .unwrap();
        assert_eq!(input.title, "Cohort meeting");
        assert_eq!(input.module_id, None);
    }

    #[test]
    fn module_must_belong_to_the_cohort() {
        let fields = EventFields {
            module_id: "99",
            ..workshop_fields()
        };
        let message = field_message(
            parse_event(
                EventKind::Workshop,
                &fields,
                chrono_tz::America::New_York,
                &modules(),
            ),
            "module_id",
        );
        assert!(
            message.contains("not one of this cohort's modules"),
            "{message}"
        );
    }

    #[test]
    fn marks_accept_four_statuses_and_blank() {
        let fellows = BTreeMap::from([(3, "Ana".to_owned()), (5, "Ben".to_owned())]);
        let posted = HashMap::from([
            ("5".to_owned(), "late".to_owned()),
            ("3".to_owned(), String::new()),
        ]);
        assert_eq!(
            parse_marks(&posted, &fellows),
            Ok(vec![(3, None), (5, Some(AttendanceStatus::Late))])
        );

        let unknown = HashMap::from([("3".to_owned(), "asleep".to_owned())]);
        let message = parse_marks(&unknown, &fellows)
            .unwrap_err()
            .message_for("status")
            .unwrap();
        assert!(
            message.contains("\"asleep\" is not an attendance status for Ana"),
            "{message}"
        );

        let stranger = HashMap::from([("8".to_owned(), "present".to_owned())]);
        let message = parse_marks(&stranger, &fellows)
            .unwrap_err()
            .message_for("status")
            .unwrap();
        assert!(message.contains("Person 8 is not a fellow"), "{message}");
    }

    #[test]
    fn check_in_window_and_lateness() {
        let starts = DateTime::parse_from_rfc3339("2027-03-16T21:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let minutes = Duration::minutes;
        assert_eq!(
            check_in_window(starts, 90, 30, starts - minutes(31)),
            Window::Before(starts - minutes(30))
        );
        assert_eq!(
            check_in_window(starts, 90, 30, starts - minutes(30)),
            Window::Open
        );
        assert_eq!(
            check_in_window(starts, 90, 30, starts + minutes(90)),
            Window::Open
        );
        assert_eq!(
            check_in_window(starts, 90, 30, starts + minutes(91)),
            Window::After(starts + minutes(90))
        );
        assert_eq!(
            self_check_in_status(starts, starts + minutes(10)),
            AttendanceStatus::Present
        );
        assert_eq!(
            self_check_in_status(starts, starts + minutes(11)),
            AttendanceStatus::Late
        );
    }
}
