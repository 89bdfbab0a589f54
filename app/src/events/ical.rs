//! A small iCalendar (RFC 5545) writer for the calendar feed. Server only.
//!
//! The `icalendar` crate (0.17) writes events but has no public way to build a
//! VTIMEZONE with its STANDARD and DAYLIGHT observances, so this module writes the few
//! components the feed needs. Content lines end in CRLF and are folded at 75 octets
//! without splitting a UTF-8 character (RFC 5545 section 3.1). Text values escape
//! backslash, semicolon, comma and newlines (section 3.3.11). Every zone that an
//! event uses gets a VTIMEZONE whose observances are the zone's offset changes in
//! the years the events span, found in chrono-tz's data by scanning and bisecting.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// The maximum length of a content line, in octets, before folding.
const LINE_OCTETS: usize = 75;

/// How far apart the scan for offset changes samples a zone. Zones change offset at
/// most a few times a year, never twice within a day.
const SCAN_STEP: Duration = Duration::hours(12);

/// One VEVENT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    /// Stable across changes, so calendar apps replace the event they have.
    pub uid: String,
    /// Increases with every change.
    pub sequence: i32,
    /// When the event last changed; written as DTSTAMP and LAST-MODIFIED.
    pub updated_at: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The zone the event was entered in; DTSTART and DTEND name it with TZID.
    pub zone: Tz,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    pub url: Option<String>,
    pub cancelled: bool,
}

/// A calendar to write: its product id, display name and events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedCalendar {
    /// PRODID, such as `-//TLI Hub//Calendar feed//EN`.
    pub product_id: String,
    /// The name calendar apps show for the subscription (X-WR-CALNAME).
    pub name: String,
    pub events: Vec<FeedEvent>,
}

/// A change of a zone's UTC offset or abbreviation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observance {
    /// The first instant of the new offset.
    pub starts_at: DateTime<Utc>,
    /// The offsets before and after, in seconds east of UTC.
    pub offset_from: i32,
    pub offset_to: i32,
    /// The abbreviation from then on, such as `EDT`.
    pub abbreviation: Option<String>,
    /// Daylight-saving time is in effect from then on.
    pub daylight: bool,
}

/// Writes `calendar` as an iCalendar object, with a VTIMEZONE for each zone its
/// events use.
pub fn write_calendar(calendar: &FeedCalendar) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(
        &mut out,
        &format!("PRODID:{}", escape_text(&calendar.product_id)),
    );
    line(&mut out, "CALSCALE:GREGORIAN");
    line(
        &mut out,
        &format!("X-WR-CALNAME:{}", escape_text(&calendar.name)),
    );

    // Each zone's VTIMEZONE covers the years from its earliest start to its latest end.
    let mut years: BTreeMap<&str, (Tz, i32, i32)> = BTreeMap::new();
    for event in &calendar.events {
        let first = event.starts_at.with_timezone(&event.zone).year();
        let last = event.ends_at.with_timezone(&event.zone).year();
        years
            .entry(event.zone.name())
            .and_modify(|(_, from, to)| {
                *from = (*from).min(first);
                *to = (*to).max(last);
            })
            .or_insert((event.zone, first, last));
    }
    for (zone, first_year, last_year) in years.into_values() {
        write_timezone(&mut out, zone, first_year, last_year);
    }

    for event in &calendar.events {
        write_event(&mut out, event);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn write_event(out: &mut String, event: &FeedEvent) {
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{}", escape_text(&event.uid)));
    line(out, &format!("DTSTAMP:{}", utc_stamp(event.updated_at)));
    line(
        out,
        &format!("LAST-MODIFIED:{}", utc_stamp(event.updated_at)),
    );
    line(out, &format!("SEQUENCE:{}", event.sequence.max(0)));

    line(
        out,
        &format!("DTSTART{}", zoned_time(event.starts_at, event.zone)),
    );
    line(
        out,
        &format!("DTEND{}", zoned_time(event.ends_at, event.zone)),
    );
    line(out, &format!("SUMMARY:{}", escape_text(&event.summary)));

    if !event.description.is_empty() {
        line(
            out,
            &format!("DESCRIPTION:{}", escape_text(&event.description)),
        );
    }
    if let Some(location) = event.location.as_deref().filter(|text| !text.is_empty()) {
        line(out, &format!("LOCATION:{}", escape_text(location)));
    }
    if let Some(url) = event.url.as_deref().filter(|text| !text.is_empty()) {
        // URL is of type URI, which is not escaped like text (section 3.3.13).
        line(out, &format!("URL:{}", strip_line_breaks(url)));
    }

    let status = if event.cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    line(out, &format!("STATUS:{status}"));
    line(out, "TRANSP:OPAQUE");
    line(out, "END:VEVENT");
}

/// Writes the VTIMEZONE of `zone` for the years `first_year` to `last_year`.
///
/// The first observance starts at the beginning of the range with the offset then in
/// effect, so that times before the range's first change also resolve. Each change
/// inside the range follows, with DTSTART in the local time of the offset before it,
/// as section 3.6.5 requires.
fn write_timezone(out: &mut String, zone: Tz, first_year: i32, last_year: i32) {
    let (range_start, range_end) = year_range(first_year, last_year);
    line(out, "BEGIN:VTIMEZONE");
    line(out, &format!("TZID:{}", zone.name()));
    line(out, &format!("X-LIC-LOCATION:{}", zone.name()));

    let initial = offset_at(zone, range_start);
    write_observance(
        out,
        &Observance {
            starts_at: range_start,
            offset_from: initial.seconds,
            offset_to: initial.seconds,
            abbreviation: initial.abbreviation.clone(),
            daylight: initial.daylight,
        },
    );
    for observance in observances(zone, range_start, range_end) {
        write_observance(out, &observance);
    }
    line(out, "END:VTIMEZONE");
}

fn write_observance(out: &mut String, observance: &Observance) {
    let kind = if observance.daylight {
        "DAYLIGHT"
    } else {
        "STANDARD"
    };
    let onset = (observance.starts_at.naive_utc()
        + Duration::seconds(observance.offset_from.into()))
    .format("%Y%m%dT%H%M%S");
    line(out, &format!("BEGIN:{kind}"));
    line(out, &format!("DTSTART:{onset}"));
    line(
        out,
        &format!("TZOFFSETFROM:{}", offset_value(observance.offset_from)),
    );
    line(
        out,
        &format!("TZOFFSETTO:{}", offset_value(observance.offset_to)),
    );
    if let Some(name) = &observance.abbreviation {
        line(out, &format!("TZNAME:{}", escape_text(name)));
    }
    line(out, &format!("END:{kind}"));
}

/// Returns the instants that bound the years `first_year` to `last_year` in every
/// zone: a day before January 1 of the first year to a day after December 31 of the
/// last, in UTC.
fn year_range(first_year: i32, last_year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = NaiveDate::from_ymd_opt(first_year, 1, 1)
        .unwrap_or(NaiveDate::MIN)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        - Duration::days(1);
    let end = NaiveDate::from_ymd_opt(last_year + 1, 1, 1)
        .unwrap_or(NaiveDate::MAX)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        + Duration::days(1);
    (start, end)
}

/// A zone's offset at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ZoneOffset {
    seconds: i32,
    abbreviation: Option<String>,
    daylight: bool,
}

fn offset_at(zone: Tz, instant: DateTime<Utc>) -> ZoneOffset {
    let offset = zone.offset_from_utc_datetime(&instant.naive_utc());
    let total = offset.base_utc_offset() + offset.dst_offset();
    ZoneOffset {
        seconds: total.num_seconds() as i32,
        abbreviation: offset.abbreviation().map(str::to_owned),
        daylight: !offset.dst_offset().is_zero(),
    }
}

/// Returns every change of `zone`'s offset or abbreviation after `start` and up to
/// `end`, in order. The scan samples the zone every [`SCAN_STEP`] and bisects each
/// sample pair that differs down to the second.
pub fn observances(zone: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<Observance> {
    let mut found = Vec::new();
    let mut before = start;
    let mut before_offset = offset_at(zone, before);
    while before < end {
        let after = (before + SCAN_STEP).min(end);
        let after_offset = offset_at(zone, after);
        if after_offset != before_offset {
            // Whole seconds since the epoch. The old offset is in effect at `low`, and
            // the new one at `high`.
            let (mut low, mut high) = (before.timestamp(), after.timestamp());
            while high - low > 1 {
                let middle = low + (high - low) / 2;
                if offset_at(zone, second(middle)) == before_offset {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            let high = second(high);
            let changed = offset_at(zone, high);
            found.push(Observance {
                starts_at: high,
                offset_from: before_offset.seconds,
                offset_to: changed.seconds,
                abbreviation: changed.abbreviation.clone(),
                daylight: changed.daylight,
            });
        }
        before = after;
        before_offset = after_offset;
    }
    found
}

fn second(timestamp: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(timestamp, 0).unwrap_or_default()
}

/// Formats a UTC offset in seconds as `-0500`, or `+053730` with seconds.
fn offset_value(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let total = seconds.unsigned_abs();
    let (hours, minutes, rest) = (total / 3600, total % 3600 / 60, total % 60);
    if rest == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{rest:02}")
    }
}

fn utc_stamp(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Formats the parameters and value of DTSTART or DTEND: `;TZID=America/New_York:
/// 20270315T170000`. A local time that happens twice in the zone means its first
/// occurrence (section 3.3.5), so an instant in the second one is written in UTC.
fn zoned_time(instant: DateTime<Utc>, zone: Tz) -> String {
    let local = instant.with_timezone(&zone);
    match zone.from_local_datetime(&local.naive_local()) {
        LocalResult::Single(_) => {
            format!(";TZID={}:{}", zone.name(), local.format("%Y%m%dT%H%M%S"))
        }
        LocalResult::Ambiguous(first, _) if first == local => {
            format!(";TZID={}:{}", zone.name(), local.format("%Y%m%dT%H%M%S"))
        }
        _ => format!(":{}", utc_stamp(instant)),
    }
}

/// Escapes a TEXT value: backslash, semicolon and comma get a backslash, and each
/// line break (CRLF, CR or LF) becomes `\n`.
pub fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\r' => {
                if characters.peek() == Some(&'\n') {
                    characters.next();
                }
                escaped.push_str("\\n");
            }
            '\n' => escaped.push_str("\\n"),
            // Other control characters are not allowed in TEXT (section 3.3.11).
            control if control.is_control() && control != '\t' => {}
            other => escaped.push(other),
        }
    }
    escaped
}

fn strip_line_breaks(text: &str) -> String {
    text.chars()
        .filter(|character| !character.is_control())
        .collect()
}

/// Appends one content line, folded, with its CRLF.
fn line(out: &mut String, content: &str) {
    out.push_str(&fold(content));
}

/// Folds a content line into pieces of at most 75 octets joined by CRLF and a space,
/// never inside a UTF-8 character, and ends it with CRLF.
pub fn fold(content: &str) -> String {
    let mut folded = String::with_capacity(content.len() + content.len() / 60 * 3 + 2);
    let mut used = 0;
    for character in content.chars() {
        let width = character.len_utf8();
        if used + width > LINE_OCTETS {
            folded.push_str("\r\n ");
            // The leading space of a continuation line counts toward its 75 octets.
            used = 1;
        }
        folded.push(character);
        used += width;
    }
    folded.push_str("\r\n");
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_york() -> Tz {
        chrono_tz::America::New_York
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn event(uid: &str, starts: &str, zone: Tz) -> FeedEvent {
        let starts_at = at(starts);
        FeedEvent {
            uid: uid.to_owned(),
            sequence: 2,
            updated_at: at("2027-01-05T12:00:00Z"),
            starts_at,
            ends_at: starts_at + Duration::minutes(90),
            zone,
            summary: "Design workshop".to_owned(),
            description: String::new(),
            location: None,
            url: None,
            cancelled: false,
        }
    }

    /// Returns the component between `BEGIN:name` and `END:name`, unfolded.
    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    #[test]
    fn fold_keeps_lines_within_75_octets() {
        let long = format!("DESCRIPTION:{}", "a".repeat(200));
        let folded = fold(&long);
        assert!(folded.ends_with("\r\n"));
        for piece in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(piece.len() <= 75, "{} octets: {piece:?}", piece.len());
        }
        assert_eq!(unfold(&folded), format!("{long}\r\n"));
    }

    #[test]
    fn fold_never_splits_a_character() {
        // "é" is two octets and "📅" four, so a naive cut at 75 octets would split them.
        let long = format!("SUMMARY:{}", "é📅".repeat(40));
        let folded = fold(&long);
        for piece in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(piece.len() <= 75, "{} octets", piece.len());
            assert!(std::str::from_utf8(piece.as_bytes()).is_ok());
        }
        assert_eq!(unfold(&folded), format!("{long}\r\n"));
    }

    #[test]
    fn short_lines_are_not_folded() {
        assert_eq!(fold("VERSION:2.0"), "VERSION:2.0\r\n");
        let exact = format!("X:{}", "b".repeat(73));
        assert_eq!(fold(&exact), format!("{exact}\r\n"));
    }

    #[test]
    fn text_escapes_separators_and_newlines() {
        assert_eq!(
            escape_text("Room 4, Main St; bring a laptop\\tablet"),
            "Room 4\\, Main St\\; bring a laptop\\\\tablet"
        );
        assert_eq!(
            escape_text("one\r\ntwo\nthree\rfour"),
            "one\\ntwo\\nthree\\nfour"
        );
        assert_eq!(escape_text("bell\u{7}"), "bell");
    }

    #[test]
    fn new_york_observances_follow_daylight_saving() {
        let (start, end) = year_range(2027, 2027);
        let changes = observances(new_york(), start, end);
        assert_eq!(changes.len(), 2, "{changes:?}");

        // Clocks go from 2:00 EST to 3:00 EDT on March 14, 2027, at 07:00 UTC.
        let spring = &changes[0];
        assert_eq!(spring.starts_at, at("2027-03-14T07:00:00Z"));
        assert_eq!(spring.offset_from, -5 * 3600);
        assert_eq!(spring.offset_to, -4 * 3600);
        assert_eq!(spring.abbreviation.as_deref(), Some("EDT"));
        assert!(spring.daylight);

        // And back from 2:00 EDT to 1:00 EST on November 7, 2027, at 06:00 UTC.
        let autumn = &changes[1];
        assert_eq!(autumn.starts_at, at("2027-11-07T06:00:00Z"));
        assert_eq!(autumn.offset_from, -4 * 3600);
        assert_eq!(autumn.offset_to, -5 * 3600);
        assert_eq!(autumn.abbreviation.as_deref(), Some("EST"));
        assert!(!autumn.daylight);
    }

    #[test]
    fn vtimezone_for_new_york_names_local_onsets() {
        let calendar = FeedCalendar {
            product_id: "-//TLI Hub//Test//EN".into(),
            name: "Test".into(),
            events: vec![event(
                "event-1@example.org",
                "2027-03-15T21:00:00Z",
                new_york(),
            )],
        };
        let text = unfold(&write_calendar(&calendar));
        let expected = [
            "BEGIN:VTIMEZONE",
            "TZID:America/New_York",
            "X-LIC-LOCATION:America/New_York",
            "BEGIN:STANDARD",
            "DTSTART:20261230T190000",
            "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0500",
            "TZNAME:EST",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:20270314T020000",
            "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0400",
            "TZNAME:EDT",
            "END:DAYLIGHT",
            "BEGIN:STANDARD",
            "DTSTART:20271107T020000",
            "TZOFFSETFROM:-0400",
            "TZOFFSETTO:-0500",
            "TZNAME:EST",
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
        .join("\r\n");
        assert!(text.contains(&expected), "{text}");
        // The event is 5:00 PM EDT, written in its zone's local time.
        assert!(
            text.contains("DTSTART;TZID=America/New_York:20270315T170000\r\n"),
            "{text}"
        );
        assert!(
            text.contains("DTEND;TZID=America/New_York:20270315T183000\r\n"),
            "{text}"
        );
    }

    #[test]
    fn vtimezone_for_phoenix_has_one_standard_observance() {
        let phoenix = chrono_tz::America::Phoenix;
        let (start, end) = year_range(2027, 2028);
        assert!(observances(phoenix, start, end).is_empty());

        let calendar = FeedCalendar {
            product_id: "-//TLI Hub//Test//EN".into(),
            name: "Test".into(),
            events: vec![
                event("event-1@example.org", "2027-03-14T09:30:00Z", phoenix),
                event("event-2@example.org", "2028-07-01T17:00:00Z", phoenix),
            ],
        };
        let text = unfold(&write_calendar(&calendar));
        let zone_start = text.find("BEGIN:VTIMEZONE").unwrap();
        let zone_end = text.find("END:VTIMEZONE").unwrap();
        let zone = &text[zone_start..zone_end];
        assert_eq!(zone.matches("BEGIN:STANDARD").count(), 1, "{zone}");
        assert!(!zone.contains("DAYLIGHT"), "{zone}");
        assert!(zone.contains("TZOFFSETFROM:-0700\r\nTZOFFSETTO:-0700\r\nTZNAME:MST"));
        // 2:30 AM on March 14, 2027 does not exist in New York but does in Phoenix.
        assert!(text.contains("DTSTART;TZID=America/Phoenix:20270314T023000\r\n"));
    }

    #[test]
    fn one_vtimezone_per_zone_covering_all_years() {
        let calendar = FeedCalendar {
            product_id: "-//TLI Hub//Test//EN".into(),
            name: "Test".into(),
            events: vec![
                event("a@example.org", "2027-03-15T21:00:00Z", new_york()),
                event("b@example.org", "2028-06-15T21:00:00Z", new_york()),
                event(
                    "c@example.org",
                    "2027-06-15T21:00:00Z",
                    chrono_tz::America::Chicago,
                ),
            ],
        };
        let text = unfold(&write_calendar(&calendar));
        assert_eq!(text.matches("BEGIN:VTIMEZONE").count(), 2);
        assert_eq!(text.matches("TZID:America/New_York\r\n").count(), 1);
        assert_eq!(text.matches("TZID:America/Chicago\r\n").count(), 1);
        // New York's observances reach into 2028.
        assert!(text.contains("DTSTART:20280312T020000"), "{text}");
        assert!(text.contains("DTSTART:20281105T020000"), "{text}");
    }

    #[test]
    fn repeated_time_second_occurrence_in_utc() {
        // 1:30 AM happens twice in New York on November 7, 2027: 05:30 and 06:30 UTC.
        let first = zoned_time(at("2027-11-07T05:30:00Z"), new_york());
        assert_eq!(first, ";TZID=America/New_York:20271107T013000");
        let second = zoned_time(at("2027-11-07T06:30:00Z"), new_york());
        assert_eq!(second, ":20271107T063000Z");
    }

    #[test]
    fn calendar_has_required_properties_and_crlf_lines() {
        let mut cancelled = event(
            "event-7@hub.example.org",
            "2027-01-20T22:00:00Z",
            new_york(),
        );
        cancelled.cancelled = true;
        cancelled.location = Some("Room 4, Main St".into());
        cancelled.description = "Bring your plan.\nJoin early.".into();
        cancelled.url = Some("https://hub.example.org/events/7".into());
        let calendar = FeedCalendar {
            product_id: "-//TLI Hub//Calendar feed//EN".into(),
            name: "TLI Hub".into(),
            events: vec![cancelled],
        };
        let written = write_calendar(&calendar);
        assert!(written.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(written.ends_with("END:VCALENDAR\r\n"));
        assert!(
            !written.replace("\r\n", "").contains('\n'),
            "every line ends in CRLF"
        );
        let text = unfold(&written);
        for expected in [
            "UID:event-7@hub.example.org\r\n",
            "SEQUENCE:2\r\n",
            "DTSTAMP:20270105T120000Z\r\n",
            "LAST-MODIFIED:20270105T120000Z\r\n",
            "STATUS:CANCELLED\r\n",
            "LOCATION:Room 4\\, Main St\r\n",
            "DESCRIPTION:Bring your plan.\\nJoin early.\r\n",
            "URL:https://hub.example.org/events/7\r\n",
            "DTSTART;TZID=America/New_York:20270120T170000\r\n",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in {text}");
        }
    }

    #[test]
    fn offsets_with_seconds_keep_them() {
        assert_eq!(offset_value(-5 * 3600), "-0500");
        assert_eq!(offset_value(5 * 3600 + 30 * 60), "+0530");
        assert_eq!(offset_value(0), "+0000");
        assert_eq!(offset_value(-(17 * 60 + 32)), "-001732");
    }
}
