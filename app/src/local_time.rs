//! Local times in a cohort's time zone: entering them safely across daylight-saving
//! changes, and showing instants with the zone named. Server only.
//!
//! Deadlines are stored as UTC instants next to the cohort's IANA zone. A local time
//! that a daylight-saving change skips (the spring gap) or repeats (the autumn overlap)
//! is rejected at entry with a message that names the valid choices.

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

use crate::error::AppError;

/// Parses an IANA time zone name such as `America/New_York`, ignoring letter case.
pub fn parse_zone(field: &str, raw: &str) -> Result<Tz, AppError> {
    let name = raw.trim();
    if let Ok(zone) = name.parse::<Tz>() {
        return Ok(zone);
    }
    if let Some(zone) = chrono_tz::TZ_VARIANTS
        .iter()
        .find(|zone| zone.name().eq_ignore_ascii_case(name))
    {
        return Ok(*zone);
    }
    Err(AppError::invalid(
        field,
        format!(
            "\"{name}\" is not a time zone name. Use an IANA name such as America/New_York, America/Chicago, America/Denver, America/Phoenix, America/Los_Angeles, America/Anchorage or Pacific/Honolulu."
        ),
    ))
}

/// How to read a local time that happens twice: the UTC offset the person chose,
/// such as `-04:00`.
pub type OffsetChoice<'a> = Option<&'a str>;

/// Turns a date (`YYYY-MM-DD`) and a time (`HH:MM`) in `zone` into a UTC instant.
///
/// A time inside a daylight-saving gap is rejected with the last minute before the gap
/// and the first minute after it as choices. A time that happens twice is rejected
/// unless `offset` picks one of its two UTC offsets.
pub fn resolve(
    field: &str,
    zone: Tz,
    date: &str,
    time: &str,
    offset: OffsetChoice<'_>,
) -> Result<DateTime<Utc>, AppError> {
    let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid(
            field,
            format!(
                "\"{}\" is not a date. Use the form 2027-03-14.",
                date.trim()
            ),
        )
    })?;
    // Browsers send `17:30`, or `17:30:00` when seconds are shown; seconds are dropped.
    // chrono reads `:60` as a leap second, which `with_second(0)` would keep.
    let clock = NaiveTime::parse_from_str(time.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(time.trim(), "%H:%M:%S"))
        .map(|clock| NaiveTime::from_hms_opt(clock.hour(), clock.minute(), 0).unwrap_or(clock))
        .map_err(|_| {
            AppError::invalid(
                field,
                format!(
                    "\"{}\" is not a time. Use the 24-hour form 17:30.",
                    time.trim()
                ),
            )
        })?;
    let local = NaiveDateTime::new(day, clock);

    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) => Ok(instant.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, later) => {
            let pick = offset.and_then(|chosen| {
                [earlier, later]
                    .into_iter()
                    .find(|candidate| offset_matches(candidate, chosen))
            });
            match pick {
                Some(instant) => Ok(instant.with_timezone(&Utc)),
                None => Err(AppError::invalid(
                    field,
                    format!(
                        "{}{} happens twice in {} because clocks are set back that night. Choose {} or {} by entering its UTC offset, such as {}.",
                        offset
                            .map(str::trim)
                            .filter(|typed| !typed.is_empty())
                            .map(|typed| format!(
                                "The offset \"{typed}\" is neither of that night's offsets. "
                            ))
                            .unwrap_or_default(),
                        describe_local(&local),
                        zone.name(),
                        describe_choice(&earlier),
                        describe_choice(&later),
                        offset_text(&later),
                    ),
                )),
            }
        }
        LocalResult::None => match gap_edges(zone, local) {
            Some((before, after)) => Err(AppError::invalid(
                field,
                format!(
                    "{} does not exist in {} because clocks are set forward that night. Choose {} or {}.",
                    describe_local(&local),
                    zone.name(),
                    describe_choice(&before),
                    describe_choice(&after),
                ),
            )),
            None => Err(AppError::invalid(
                field,
                format!(
                    "{} is too far in the past or the future to store. Check the year.",
                    describe_local(&local)
                ),
            )),
        },
    }
}

/// Returns the last valid minute before the gap that contains `local`, and the first
/// minute after it. Returns `None` when there are no such minutes within a day, as on
/// the first and last days chrono represents, where a local time may have no instant.
fn gap_edges(zone: Tz, local: NaiveDateTime) -> Option<(DateTime<Tz>, DateTime<Tz>)> {
    let minute = chrono::Duration::minutes(1);
    let mut before = local;
    // One day covers the longest gaps this code expects, such as Samoa skipping all of
    // December 30, 2011. A longer gap would get the "too far" message.
    for _ in 0..1440 {
        before = before.checked_sub_signed(minute)?;
        if let LocalResult::Single(instant) | LocalResult::Ambiguous(instant, _) =
            zone.from_local_datetime(&before)
        {
            let after = instant.checked_add_signed(minute)?;
            return Some((instant, after));
        }
    }
    None
}

/// Returns whether `chosen` names the UTC offset of `candidate`. It accepts the forms
/// people type: `-04:00`, `-4`, `-4:00`, `-0400`, `UTC-04:00`, `GMT-4`, or the zone
/// abbreviation such as `EDT`.
fn offset_matches(candidate: &DateTime<Tz>, chosen: &str) -> bool {
    let chosen = chosen.trim().replace(['\u{2212}', '\u{2013}'], "-");
    let chosen = chosen.as_str();
    if chosen.eq_ignore_ascii_case(&candidate.format("%Z").to_string()) {
        return true;
    }
    let upper = chosen.to_ascii_uppercase();
    let bare = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper)
        .trim();
    let (sign, digits) = match bare.chars().next() {
        Some('-') => (-1, &bare[1..]),
        Some('+') => (1, &bare[1..]),
        _ => return false,
    };
    // Only digits may follow the sign: another sign or a long number would overflow
    // the arithmetic below, and a letter could make `split_at` cut a character.
    if !digits
        .bytes()
        .all(|byte| byte.is_ascii_digit() || byte == b':')
    {
        return false;
    }
    let (hours, minutes) = match digits.split_once(':') {
        Some((hours, minutes)) => (hours, minutes),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    match (hours.parse::<i32>(), minutes.parse::<i32>()) {
        (Ok(hours), Ok(minutes)) if hours <= 14 && minutes < 60 => {
            sign * (hours * 3600 + minutes * 60) == candidate.offset().fix().local_minus_utc()
        }
        _ => false,
    }
}

/// Formats `instant`'s UTC offset as `-04:00`.
pub fn offset_text(instant: &DateTime<Tz>) -> String {
    let seconds = instant.offset().fix().local_minus_utc();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

fn describe_local(local: &NaiveDateTime) -> String {
    local.format("%-I:%M %p on %B %-d, %Y").to_string()
}

fn describe_choice(instant: &DateTime<Tz>) -> String {
    format!(
        "{} {} (UTC{})",
        instant.format("%-I:%M %p"),
        instant.format("%Z"),
        offset_text(instant)
    )
}

/// Formats `instant` in `zone` for people, naming the zone: `Mon, Mar 15, 2027, 5:00 PM
/// EDT (America/New_York)`.
pub fn format_in_zone(instant: DateTime<Utc>, zone: Tz) -> String {
    let local = instant.with_timezone(&zone);
    format!(
        "{} ({})",
        local.format("%a, %b %-d, %Y, %-I:%M %p %Z"),
        zone.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_york() -> Tz {
        parse_zone("zone", "America/New_York").unwrap()
    }

    fn message(error: AppError) -> String {
        error
            .message_for("deadline")
            .expect("a validation error on the field")
    }

    #[test]
    fn zone_names_are_checked() {
        assert_eq!(
            parse_zone("zone", "america/chicago").unwrap().name(),
            "America/Chicago"
        );
        let error = parse_zone("zone", "Eastern Time").unwrap_err();
        assert!(error.to_string().contains("America/New_York"), "{error}");
    }

    #[test]
    fn ordinary_time_resolves_to_utc() {
        let instant = resolve("deadline", new_york(), "2027-01-15", "17:00", None).unwrap();
        assert_eq!(instant.to_rfc3339(), "2027-01-15T22:00:00+00:00");
    }

    #[test]
    fn spring_gap_is_rejected_with_edges() {
        // Clocks in New York jump from 2:00 to 3:00 on March 14, 2027.
        let text =
            message(resolve("deadline", new_york(), "2027-03-14", "02:30", None).unwrap_err());
        assert!(
            text.contains("does not exist in America/New_York"),
            "{text}"
        );
        assert!(text.contains("1:59 AM EST (UTC-05:00)"), "{text}");
        assert!(text.contains("3:00 AM EDT (UTC-04:00)"), "{text}");
    }

    #[test]
    fn autumn_overlap_needs_an_offset() {
        // 1:30 happens twice in New York on November 7, 2027.
        let text =
            message(resolve("deadline", new_york(), "2027-11-07", "01:30", None).unwrap_err());
        assert!(text.contains("happens twice"), "{text}");
        assert!(
            text.contains("1:30 AM EDT (UTC-04:00)") && text.contains("1:30 AM EST (UTC-05:00)"),
            "{text}"
        );

        let daylight = resolve(
            "deadline",
            new_york(),
            "2027-11-07",
            "01:30",
            Some("-04:00"),
        )
        .unwrap();
        let standard = resolve(
            "deadline",
            new_york(),
            "2027-11-07",
            "01:30",
            Some("-05:00"),
        )
        .unwrap();
        assert_eq!(standard - daylight, chrono::Duration::hours(1));
        assert!(
            resolve(
                "deadline",
                new_york(),
                "2027-11-07",
                "01:30",
                Some("+02:00")
            )
            .is_err()
        );
        for typed in ["-5", "-5:00", "-0500", "UTC-05:00", "gmt-5", "EST", " est "] {
            assert_eq!(
                resolve("deadline", new_york(), "2027-11-07", "01:30", Some(typed)),
                Ok(standard),
                "offset typed as {typed:?}"
            );
        }
    }

    #[test]
    fn zones_without_daylight_saving_never_reject() {
        let phoenix = parse_zone("zone", "America/Phoenix").unwrap();
        assert!(resolve("deadline", phoenix, "2027-03-14", "02:30", None).is_ok());
    }

    #[test]
    fn malformed_dates_and_times_name_the_form() {
        assert!(
            message(resolve("deadline", new_york(), "03/14/2027", "17:00", None).unwrap_err())
                .contains("2027-03-14")
        );
        assert!(
            message(resolve("deadline", new_york(), "2027-02-30", "17:00", None).unwrap_err())
                .contains("is not a date")
        );
        assert!(
            message(resolve("deadline", new_york(), "2027-03-01", "5pm", None).unwrap_err())
                .contains("17:30")
        );
    }

    #[test]
    fn format_names_the_zone() {
        let instant = resolve("deadline", new_york(), "2027-03-15", "17:00", None).unwrap();
        assert_eq!(
            format_in_zone(instant, new_york()),
            "Mon, Mar 15, 2027, 5:00 PM EDT (America/New_York)"
        );
        let los_angeles = parse_zone("zone", "America/Los_Angeles").unwrap();
        assert_eq!(
            format_in_zone(instant, los_angeles),
            "Mon, Mar 15, 2027, 2:00 PM PDT (America/Los_Angeles)"
        );
    }
}

/// Formats a UTC moment as a US long date, such as "December 5, 2026".
pub fn long_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%B %-d, %Y").to_string()
}
