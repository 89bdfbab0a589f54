//! Validation of cohort form input, shared by the browser and the server.

use crate::error::AppError;

/// Maximum length of a cohort name, in characters.
pub const NAME_MAX_CHARS: usize = 120;
/// Earliest and latest cohort year accepted.
pub const YEAR_RANGE: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A cohort as entered on the form, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCohort {
    pub name: String,
    pub year: i32,
}

impl NewCohort {
    /// Validates raw form values. Errors name the form field (`name` or `year`).
    pub fn parse(name: &str, year: &str) -> Result<Self, AppError> {
        Ok(NewCohort {
            name: parse_name(name)?,
            year: parse_year(year)?,
        })
    }
}

fn parse_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if crate::text::is_blank(name) {
        return Err(AppError::invalid(
            "name",
            "Enter the cohort's name, such as \"Ohio 2027\".",
        ));
    }
    let length = name.chars().count();
    if length > NAME_MAX_CHARS {
        return Err(AppError::invalid(
            "name",
            format!(
                "The name is {length} characters long; shorten it to at most {NAME_MAX_CHARS}."
            ),
        ));
    }
    if !crate::text::is_one_line(name) {
        return Err(AppError::invalid(
            "name",
            "The name contains a line break or another control character; type it on one line.",
        ));
    }
    Ok(name.to_owned())
}

fn parse_year(raw: &str) -> Result<i32, AppError> {
    let trimmed = raw.trim();
    let message = || {
        format!(
            "Enter the year as four digits from {} to {}, such as 2027.",
            YEAR_RANGE.start(),
            YEAR_RANGE.end()
        )
    };
    if trimmed.is_empty() {
        return Err(AppError::invalid("year", message()));
    }
    match trimmed.parse::<i32>() {
        Ok(year) if YEAR_RANGE.contains(&year) => Ok(year),
        _ => Err(AppError::invalid(
            "year",
            format!("\"{trimmed}\" is not a valid year. {}", message()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: AppError) -> String {
        match error {
            AppError::Invalid { field, .. } => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn parse_trims_and_keeps_unicode() {
        let cohort = NewCohort::parse("  Nuevo México 2027 ", " 2027 ").expect("valid input");
        assert_eq!(cohort.name, "Nuevo México 2027");
        assert_eq!(cohort.year, 2027);
    }

    #[test]
    fn parse_rejects_blank_name() {
        assert_eq!(
            field_of(NewCohort::parse("   ", "2027").unwrap_err()),
            "name"
        );
    }

    #[test]
    fn parse_rejects_overlong_name_and_states_limit() {
        let long = "a".repeat(NAME_MAX_CHARS + 1);
        let error = NewCohort::parse(&long, "2027").unwrap_err();
        assert!(error.to_string().contains("at most 120"), "{error}");
    }

    #[test]
    fn parse_counts_characters_not_bytes() {
        let name = "é".repeat(NAME_MAX_CHARS);
        assert!(NewCohort::parse(&name, "2027").is_ok());
    }

    #[test]
    fn parse_rejects_control_characters() {
        assert_eq!(
            field_of(NewCohort::parse("Ohio\n2027", "2027").unwrap_err()),
            "name"
        );
    }

    #[test]
    fn parse_rejects_bad_years() {
        for year in ["", "27", "1999", "2101", "twenty", "2027.5"] {
            let error = NewCohort::parse("Ohio", year).unwrap_err();
            assert_eq!(field_of(error), "year", "year {year:?}");
        }
    }
}
