//! Review turnaround: the day a review is due, counted in business days from the day
//! a submission arrives in the reviewer's queue.

use chrono::{Datelike, NaiveDate, Weekday};

/// Returns the date `business_days` working days after `start`, skipping Saturdays,
/// Sundays and `holidays`. Day 0 is `start` itself when it is a working day, and
/// otherwise the next working day.
pub fn due_date(start: NaiveDate, business_days: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let is_working = |day: NaiveDate| {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day)
    };
    let mut day = start;
    while !is_working(day) {
        day = day.succ_opt().unwrap_or(day);
    }
    let mut remaining = business_days;
    while remaining > 0 {
        day = day.succ_opt().unwrap_or(day);
        if is_working(day) {
            remaining -= 1;
        }
    }
    day
}

/// Counts the working days from `start` to `end`, the first not counted and the last
/// counted, skipping weekends and `holidays`; 0 when `end` is not after `start`.
pub fn business_days_between(start: NaiveDate, end: NaiveDate, holidays: &[NaiveDate]) -> u32 {
    let mut count = 0;
    let mut day = start;
    while day < end {
        day = day.succ_opt().unwrap_or(end);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day) {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn five_business_days_skip_the_weekend() {
        // Monday, March 1, 2027 plus 5 working days is Monday, March 8.
        assert_eq!(due_date(date("2027-03-01"), 5, &[]), date("2027-03-08"));
        // Thursday plus 2 is Monday.
        assert_eq!(due_date(date("2027-03-04"), 2, &[]), date("2027-03-08"));
    }

    #[test]
    fn weekend_arrivals_count_from_monday() {
        // Saturday, March 6 starts on Monday, March 8; 1 working day later is Tuesday.
        assert_eq!(due_date(date("2027-03-06"), 1, &[]), date("2027-03-09"));
        assert_eq!(due_date(date("2027-03-06"), 0, &[]), date("2027-03-08"));
    }

    #[test]
    fn holidays_are_skipped() {
        // Memorial Day, Monday, May 31, 2027. Friday, May 28 plus 1 is Tuesday, June 1.
        let holidays = [date("2027-05-31")];
        assert_eq!(
            due_date(date("2027-05-28"), 1, &holidays),
            date("2027-06-01")
        );
    }

    #[test]
    fn fourteen_business_days_span_three_weekends() {
        assert_eq!(due_date(date("2027-03-01"), 14, &[]), date("2027-03-19"));
    }

    #[test]
    fn counting_back_matches_the_due_date() {
        let start = date("2027-03-03");
        for days in 0..30 {
            let due = due_date(start, days, &[]);
            assert_eq!(business_days_between(start, due, &[]), days, "{days}");
        }
        assert_eq!(
            business_days_between(date("2027-03-08"), date("2027-03-01"), &[]),
            0
        );
    }
}
