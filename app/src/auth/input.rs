//! Validation of account input (emails, names, passwords), shared by forms, the
//! command line and the roster import.

use crate::error::AppError;

pub const EMAIL_MAX_CHARS: usize = 254;
pub const NAME_MAX_CHARS: usize = 100;
pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 256;

/// An email address as typed, with the lower-cased form that makes it unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub as_typed: String,
    pub normalized: String,
}

/// Validates an email address. Only the shape is checked (one `@`, a dotted domain, no
/// spaces); whether mail arrives is for the invitation to find out.
pub fn parse_email(field: &str, raw: &str) -> Result<Email, AppError> {
    let email = raw.trim();
    if email.is_empty() {
        return Err(AppError::invalid(
            field,
            "Enter an email address, such as name@school.org.",
        ));
    }
    let length = email.chars().count();
    if length > EMAIL_MAX_CHARS {
        return Err(AppError::invalid(
            field,
            format!(
                "The email address is {length} characters long; the limit is {EMAIL_MAX_CHARS}."
            ),
        ));
    }
    let shape_ok = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.chars().count() <= 64
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        }
        None => false,
    };
    if !shape_ok || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AppError::invalid(
            field,
            format!("\"{email}\" is not a valid email address. Use the form name@school.org."),
        ));
    }
    Ok(Email {
        as_typed: email.to_owned(),
        normalized: email.to_lowercase(),
    })
}

/// Validates a display name. Any script is accepted and kept exactly as typed, apart
/// from spaces around it.
pub fn parse_display_name(field: &str, raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if crate::text::is_blank(name) {
        return Err(AppError::invalid(field, "Enter a name."));
    }
    let length = name.chars().count();
    if length > NAME_MAX_CHARS {
        return Err(AppError::invalid(
            field,
            format!(
                "The name is {length} characters long; shorten it to at most {NAME_MAX_CHARS}."
            ),
        ));
    }
    if !crate::text::is_one_line(name) {
        return Err(AppError::invalid(
            field,
            "The name contains a line break or another control character; type it on one line.",
        ));
    }
    Ok(name.to_owned())
}

/// Validates a new password: long enough to resist guessing, short enough to hash
/// quickly. Any characters are allowed.
pub fn check_new_password(field: &str, password: &str) -> Result<(), AppError> {
    let length = password.chars().count();
    if length < PASSWORD_MIN_CHARS {
        return Err(AppError::invalid(
            field,
            format!(
                "Use at least {PASSWORD_MIN_CHARS} characters; this password has {length}. A few unrelated words work well."
            ),
        ));
    }
    if length > PASSWORD_MAX_CHARS {
        return Err(AppError::invalid(
            field,
            format!("Use at most {PASSWORD_MAX_CHARS} characters; this password has {length}."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_keeps_case_and_normalizes() {
        let email = parse_email("email", "  Ana.Lopez@School.ORG ").unwrap();
        assert_eq!(email.as_typed, "Ana.Lopez@School.ORG");
        assert_eq!(email.normalized, "ana.lopez@school.org");
    }

    #[test]
    fn email_rejects_malformed_addresses() {
        for raw in [
            "",
            "ana",
            "ana@",
            "@school.org",
            "ana@school",
            "ana@@school.org",
            "an a@school.org",
            "ana@school..org",
            "ana@.org",
        ] {
            assert!(
                parse_email("email", raw).is_err(),
                "{raw:?} must be rejected"
            );
        }
    }

    #[test]
    fn email_rejects_overlong_and_states_limit() {
        let raw = format!("{}@school.org", "a".repeat(250));
        let message = parse_email("email", &raw).unwrap_err().to_string();
        assert!(message.contains("254"), "{message}");
    }

    #[test]
    fn display_name_keeps_any_script() {
        for name in [
            "Nguyễn Thị Minh",
            "Ngā Tāngata",
            "محمد",
            "李小龙",
            "Zoë O'Brien-Smith",
        ] {
            assert_eq!(parse_display_name("name", name).unwrap(), name);
        }
    }

    #[test]
    fn display_name_limits_are_stated() {
        let message = parse_display_name("name", &"n".repeat(101))
            .unwrap_err()
            .to_string();
        assert!(message.contains("at most 100"), "{message}");
        assert!(parse_display_name("name", "   ").is_err());
        assert!(parse_display_name("name", "Ana\u{0}").is_err());
    }

    #[test]
    fn password_length_bounds() {
        assert!(check_new_password("password", "short").is_err());
        assert!(check_new_password("password", "correct horse battery").is_ok());
        assert!(check_new_password("password", &"x".repeat(257)).is_err());
    }
}
