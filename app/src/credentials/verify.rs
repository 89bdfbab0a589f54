//! The verifier: reads a pasted credential or a baked badge and checks it step by step,
//! giving a specific reason for each failure.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde_json::Value;

use super::{Check, CheckName, Report, baking, document, keys, proof, schema};
use crate::entities::credentials;

/// The largest credential or badge the verifier reads.
pub const MAX_INPUT_BYTES: usize = 5 * 1024 * 1024;
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Checks `input`, which is credential JSON or a PNG badge, as of `now`.
pub async fn check(
    db: &DatabaseConnection,
    base_url: &str,
    input: &[u8],
    now: DateTime<Utc>,
) -> Result<Report, DbErr> {
    let mut report = Report::default();
    let Some(document) = read(input, &mut report) else {
        return Ok(report);
    };
    check_document(db, base_url, &document, now, report).await
}

/// Returns whether `document` is a Comprehensive Learner Record.
fn is_clr(document: &Value) -> bool {
    document["type"]
        .as_array()
        .is_some_and(|types| types.iter().any(|kind| kind == "ClrCredential"))
}

/// Checks a parsed credential, adding each step to `report`.
async fn check_document(
    db: &DatabaseConnection,
    base_url: &str,
    document: &Value,
    now: DateTime<Utc>,
    mut report: Report,
) -> Result<Report, DbErr> {
    let document = document.clone();
    report.name = document
        .get("name")
        .and_then(Value::as_str)
        .map(|name| name.chars().take(200).collect());
    report.id = document
        .get("id")
        .and_then(Value::as_str)
        .map(|id| id.chars().take(300).collect());
    report.issuer = document["issuer"]
        .get("name")
        .and_then(Value::as_str)
        .map(|name| name.chars().take(200).collect());
    let subject = &document["credentialSubject"];
    report.recipient = match (
        subject.get("id").and_then(Value::as_str),
        subject["identifier"][0].get("identityHash"),
    ) {
        (Some(id), _) => Some(id.chars().take(300).collect()),
        (None, Some(_)) => Some(
            "an email address, stored as a salted hash; the recipient can show it is theirs".into(),
        ),
        (None, None) => None,
    };

    let problems = if is_clr(&document) {
        // The CLR 2.0 schema is not bundled; the credentials a CLR bundles are
        // checked against the Open Badges schema below.
        Vec::new()
    } else {
        schema::problems(&document, 5)
    };
    report.push(
        CheckName::Schema,
        if problems.is_empty() {
            Check::Passed
        } else {
            Check::Failed(format!(
                "It does not match the Open Badges 3.0 schema: {}",
                problems.join("; ")
            ))
        },
    );

    let key = issuer_key(db, base_url, &document).await?;
    let signature = match &key {
        Err(reason) => {
            report.push(CheckName::Issuer, Check::Failed(reason.clone()));
            Check::NotChecked
        }
        Ok(key) => {
            report.push(CheckName::Issuer, Check::Passed);
            match proof::verify(&document, key) {
                Ok(()) => Check::Passed,
                Err(error) => Check::Failed(sentence(&error.to_string())),
            }
        }
    };
    let signature_failed = !matches!(signature, Check::Passed);
    report.push(CheckName::Signature, signature);
    if signature_failed {
        // The document's claims cannot be trusted, so its status and dates are not read.
        report.push(CheckName::Status, Check::NotChecked);
        report.push(CheckName::Dates, Check::NotChecked);
        if is_clr(&document) {
            report.push(CheckName::Bundled, Check::NotChecked);
        }
        return Ok(report);
    }
    if is_clr(&document) {
        report.push(CheckName::Status, Check::Passed);
        report.push(CheckName::Dates, dates(&document, now));
        report.push(
            CheckName::Bundled,
            bundled(db, base_url, &document, now).await?,
        );
    } else {
        report.push(
            CheckName::Status,
            revocation(db, base_url, &document).await?,
        );
        report.push(CheckName::Dates, dates(&document, now));
    }
    Ok(report)
}

/// Checks every credential a CLR bundles; the first that fails gives the reason.
async fn bundled(
    db: &DatabaseConnection,
    base_url: &str,
    clr: &Value,
    now: DateTime<Utc>,
) -> Result<Check, DbErr> {
    let inner = clr["credentialSubject"]["verifiableCredential"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (index, credential) in inner.iter().enumerate() {
        if is_clr(credential) {
            return Ok(Check::Failed(format!(
                "Bundled credential {} is itself a CLR, which this verifier does not accept.",
                index + 1
            )));
        }
        let report = Box::pin(check_document(
            db,
            base_url,
            credential,
            now,
            Report::default(),
        ))
        .await?;
        if let Some((name, Check::Failed(reason))) = report
            .checks
            .iter()
            .find(|(_, check)| matches!(check, Check::Failed(_)))
        {
            return Ok(Check::Failed(format!(
                "Bundled credential {} ({}) failed the check \"{}\": {reason}",
                index + 1,
                report.name.clone().unwrap_or_default(),
                name.label()
            )));
        }
    }
    Ok(Check::Passed)
}

/// Reads the input as JSON, unbaking a PNG first, and records the outcome.
pub fn read(input: &[u8], report: &mut Report) -> Option<Value> {
    let outcome = if input.len() > MAX_INPUT_BYTES {
        Err(too_large_reason(input.len()))
    } else if input.iter().all(u8::is_ascii_whitespace) {
        Err("Nothing was given: paste a credential or choose a badge image.".into())
    } else if input.starts_with(b"%PDF-") {
        match crate::certificate::pdf::embedded_credential(input) {
            Ok(Some(text)) => parse(text.as_bytes(), "The certificate's embedded credential"),
            Ok(None) => Err("The PDF has no embedded credential: it is not a TLI Hub certificate, or another program saved it again without it. Download the certificate from its credential page.".into()),
            Err(error) => Err(format!("The file is not a PDF that can be read ({error}).")),
        }
    } else if input.starts_with(PNG_SIGNATURE) {
        match baking::unbake(input) {
            Ok(text) => parse(text.as_bytes(), "The badge's openbadgecredential chunk"),
            Err(error) => Err(sentence(&error.to_string())),
        }
    } else {
        parse(input, "The text")
    };
    match outcome {
        Ok(document) => {
            report.push(CheckName::Format, Check::Passed);
            Some(document)
        }
        Err(reason) => {
            report.push(CheckName::Format, Check::Failed(reason));
            None
        }
    }
}

fn too_large_reason(size: usize) -> String {
    format!(
        "The file is {:.1} MB; a credential or badge image is at most {} MB. Choose the badge PNG or the credential's JSON file.",
        size as f64 / 1_048_576.0,
        MAX_INPUT_BYTES / 1_048_576
    )
}

/// Returns the report for an input of `size` bytes, too large to read.
pub fn too_large(size: usize) -> Report {
    let mut report = Report::default();
    report.push(CheckName::Format, Check::Failed(too_large_reason(size)));
    report
}

fn parse(bytes: &[u8], what: &str) -> Result<Value, String> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) if object.contains_key("proof") => Ok(Value::Object(object)),
        Ok(Value::Object(_)) => Err(format!(
            "{what} is JSON but has no proof, so it is not a signed credential."
        )),
        Ok(_) => Err(format!("{what} is JSON but not a credential object.")),
        Err(error) => Err(format!(
            "{what} is not JSON ({error}). Paste the whole credential, starting with {{ and ending with }}."
        )),
    }
}

/// Capitalizes a reason and ends it with a full stop.
fn sentence(text: &str) -> String {
    let mut characters = text.chars();
    let mut out: String = match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// The published key named by the proof's verification method, or why there is none.
async fn issuer_key(
    db: &DatabaseConnection,
    base_url: &str,
    document: &Value,
) -> Result<Result<ed25519_dalek::VerifyingKey, String>, DbErr> {
    let Ok(first) = proof::first_proof(document) else {
        return Ok(Err("The credential has no proof.".into()));
    };
    let method = first
        .get("verificationMethod")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let issuer = document
        .get("issuer")
        .and_then(|issuer| issuer.get("id").or(Some(issuer)))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some((controller, multibase)) = method.split_once('#') else {
        return Ok(Err(format!(
            "The proof's verification method \"{method}\" does not name a key."
        )));
    };
    if !issuer.starts_with(&format!("{base_url}/issuers/")) {
        return Ok(Err(format!(
            "It names {issuer} as its issuer, which is not an issuer of this TLI Hub at {base_url}. This verifier checks only credentials this TLI Hub issued."
        )));
    }
    if controller != issuer {
        return Ok(Err(format!(
            "It names {issuer} as its issuer but was signed with a key of {controller}."
        )));
    }
    let published = keys::published(db).await?;
    if !published
        .iter()
        .any(|key| key.public_key_multibase == multibase)
    {
        return Ok(Err(
            "It was signed with a key this TLI Hub never published, so it did not come from here."
                .into(),
        ));
    }
    Ok(proof::key_from_multibase(multibase)
        .ok_or_else(|| "The published key cannot be read.".to_owned()))
}

/// Checks whether the issuer revoked the credential.
async fn revocation(
    db: &DatabaseConnection,
    base_url: &str,
    document: &Value,
) -> Result<Check, DbErr> {
    let id = document
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(public_id) = id
        .strip_prefix(&document::credential_url(base_url, ""))
        .filter(|rest| !rest.is_empty() && !rest.contains('/'))
    else {
        return Ok(Check::Failed(format!(
            "Its id \"{id}\" is not a credential of this TLI Hub, so its status cannot be looked up."
        )));
    };
    let Some(stored) = credentials::Entity::find()
        .filter(credentials::Column::PublicId.eq(public_id))
        .one(db)
        .await?
    else {
        return Ok(Check::Failed(
            "This TLI Hub has no credential with that id.".into(),
        ));
    };
    Ok(match (stored.revoked_at, stored.revoked_reason) {
        (Some(at), reason) => Check::Failed(format!(
            "The issuer revoked it on {}{}.",
            crate::local_time::long_date(at),
            reason
                .filter(|reason| !reason.trim().is_empty())
                .map(|reason| format!(": {}", reason.trim()))
                .unwrap_or_default()
        )),
        (None, _) => Check::Passed,
    })
}

/// Checks that `now` lies between `validFrom` and `validUntil`.
fn dates(document: &Value, now: DateTime<Utc>) -> Check {
    let date = |name: &str| -> Result<Option<DateTime<Utc>>, String> {
        match document.get(name).and_then(Value::as_str) {
            None => Ok(None),
            Some(text) => DateTime::parse_from_rfc3339(text)
                .map(|at| Some(at.with_timezone(&Utc)))
                .map_err(|_| format!("Its {name} \"{text}\" is not a date and time.")),
        }
    };
    let from = match date("validFrom") {
        Ok(Some(from)) => from,
        Ok(None) => return Check::Failed("It has no validFrom date.".into()),
        Err(reason) => return Check::Failed(reason),
    };
    if from > now {
        return Check::Failed(format!(
            "It is not valid until {}.",
            crate::local_time::long_date(from)
        ));
    }
    match date("validUntil") {
        Ok(Some(until)) if until <= now => Check::Failed(format!(
            "It expired on {}.",
            crate::local_time::long_date(until)
        )),
        Ok(_) => Check::Passed,
        Err(reason) => Check::Failed(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn dates_name_expiry_and_start() {
        let now = at("2026-06-01T00:00:00Z");
        let valid = json!({ "validFrom": "2026-01-01T00:00:00Z" });
        assert_eq!(dates(&valid, now), Check::Passed);
        let expired =
            json!({ "validFrom": "2025-01-01T00:00:00Z", "validUntil": "2026-01-02T00:00:00Z" });
        assert_eq!(
            dates(&expired, now),
            Check::Failed("It expired on January 2, 2026.".into())
        );
        let future = json!({ "validFrom": "2027-03-04T00:00:00Z" });
        assert_eq!(
            dates(&future, now),
            Check::Failed("It is not valid until March 4, 2027.".into())
        );
        let garbled = json!({ "validFrom": "soon" });
        assert!(matches!(dates(&garbled, now), Check::Failed(reason) if reason.contains("soon")));
    }

    #[test]
    fn unreadable_input_fails_format() {
        let cases: [(&[u8], &str); 5] = [
            (b"not json", "is not JSON"),
            (b"  \n", "Nothing was given"),
            (b"[1, 2]", "not a credential object"),
            (b"{\"name\": \"x\"}", "has no proof"),
            (b"\x89PNG\r\n\x1a\nrest", "not a PNG image that can be read"),
        ];
        for (input, expected) in cases {
            let mut report = Report::default();
            assert!(read(input, &mut report).is_none());
            match &report.checks[0].1 {
                Check::Failed(reason) => assert!(reason.contains(expected), "{reason}"),
                other => panic!("{other:?}"),
            }
        }
        let mut report = Report::default();
        assert!(read(&vec![b' '; MAX_INPUT_BYTES + 1], &mut report).is_none());
        assert!(
            matches!(&report.checks[0].1, Check::Failed(reason) if reason.contains("at most 5 MB"))
        );
    }

    #[test]
    fn empty_badge_fails_format() {
        let image = baking::bake("{}", baking::MICROCREDENTIAL).unwrap();
        let mut report = Report::default();
        assert!(read(&image, &mut report).is_none());
        assert!(
            matches!(&report.checks[0].1, Check::Failed(reason) if reason.contains("has no proof"))
        );
    }
}
