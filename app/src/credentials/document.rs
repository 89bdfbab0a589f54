//! Builds the unsigned Open Badges 3.0 documents: the micro-credential's
//! AchievementCredential, the issuer profile and the revocation status list.

use serde_json::{Value, json};
use sha2_11::{Digest, Sha256};

use super::proof::{OB_CONTEXT, VC_CONTEXT};

/// Recipient identification in a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A salted SHA-256 hash of the email address, lower-cased before hashing.
    Email { address: String, salt: String },
    /// An address that identifies the person, such as a profile page.
    Url(String),
}

/// One rubric criterion with its levels and the level the fellow achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionResult {
    /// A stable key, such as `overview-0`.
    pub key: String,
    /// The part and the criterion's text.
    pub name: String,
    pub levels: Vec<String>,
    pub achieved: String,
}

/// A piece of evidence the fellow chose to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicEvidence {
    pub url: String,
    pub name: String,
    pub description: String,
}

/// Facts that a micro-credential's credential states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MicrocredentialFacts {
    /// The server's public address, without a trailing slash.
    pub base_url: String,
    pub public_id: String,
    pub status_index: i64,
    pub program_id: i32,
    pub program_name: String,
    pub framework_name: String,
    pub microcredential_key: String,
    pub title: String,
    pub key_method: String,
    pub competency_key: String,
    pub competency_name: String,
    pub competency_description: String,
    pub criteria_narrative: String,
    pub results: Vec<CriterionResult>,
    pub evidence: Vec<PublicEvidence>,
    pub recipient: Recipient,
    /// RFC 3339 in UTC, whole seconds.
    pub valid_from: String,
}

/// Returns the issuer's identifier for `program_id`.
pub fn issuer_id(base_url: &str, program_id: i32) -> String {
    format!("{base_url}/issuers/{program_id}")
}

/// Returns a credential's public address.
pub fn credential_url(base_url: &str, public_id: &str) -> String {
    format!("{base_url}/credentials/{public_id}")
}

/// Returns the address of the issuer's status list `list`.
pub fn status_list_url(base_url: &str, program_id: i32, list: i64) -> String {
    format!("{}/status/{list}", issuer_id(base_url, program_id))
}

/// The verification method of a key: the issuer's address and the key as fragment.
pub fn verification_method(issuer: &str, key_multibase: &str) -> String {
    format!("{issuer}#{key_multibase}")
}

/// Returns the `sha256$…` identity hash of an email address with `salt`.
pub fn email_hash(address: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{}{salt}", address.trim().to_lowercase()).as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256${hex}")
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            out.push(character.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn issuer_profile_ref(base_url: &str, program_id: i32, program_name: &str) -> Value {
    json!({
        "id": issuer_id(base_url, program_id),
        "type": ["Profile"],
        "name": program_name,
        "url": base_url,
    })
}

/// Builds the unsigned AchievementCredential for an earned micro-credential.
pub fn microcredential(facts: &MicrocredentialFacts) -> Value {
    let base = &facts.base_url;
    let achievement_id = format!("{base}/microcredentials/{}", facts.microcredential_key);
    let criterion_id = |key: &str| format!("{achievement_id}#criterion-{key}");
    let level_id =
        |key: &str, level: &str| format!("{achievement_id}#criterion-{key}-{}", slug(level));
    let descriptions: Vec<Value> = facts
        .results
        .iter()
        .map(|criterion| {
            json!({
                "id": criterion_id(&criterion.key),
                "type": ["ResultDescription"],
                "name": criterion.name,
                "resultType": "RubricCriterionLevel",
                "rubricCriterionLevel": criterion.levels.iter().map(|level| json!({
                    "id": level_id(&criterion.key, level),
                    "type": ["RubricCriterionLevel"],
                    "name": level,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let results: Vec<Value> = facts
        .results
        .iter()
        .map(|criterion| {
            json!({
                "type": ["Result"],
                "resultDescription": criterion_id(&criterion.key),
                "achievedLevel": level_id(&criterion.key, &criterion.achieved),
            })
        })
        .collect();
    let mut subject = json!({
        "type": ["AchievementSubject"],
        "achievement": {
            "id": achievement_id,
            "type": ["Achievement"],
            "achievementType": "MicroCredential",
            "name": facts.title,
            "description": format!(
                "Demonstrates the {} competency through {}.",
                facts.competency_name, facts.key_method
            ),
            "criteria": {
                "id": format!("{achievement_id}#criteria"),
                "narrative": facts.criteria_narrative,
            },
            "alignment": [{
                "type": ["Alignment"],
                "targetName": facts.competency_name,
                "targetDescription": facts.competency_description,
                "targetUrl": format!("{achievement_id}#competency"),
                "targetFramework": facts.framework_name,
                "targetCode": facts.competency_key,
                "targetType": "ceasn:Competency",
            }],
            "resultDescription": descriptions,
            "creator": issuer_profile_ref(base, facts.program_id, &facts.program_name),
        },
        "result": results,
    });
    set_recipient(&mut subject, &facts.recipient);
    let mut document = wrap(
        base,
        &facts.public_id,
        facts.status_index,
        facts.program_id,
        &facts.program_name,
        &facts.title,
        subject,
        &facts.valid_from,
    );
    if !facts.evidence.is_empty() {
        document["evidence"] = facts
            .evidence
            .iter()
            .map(|item| {
                json!({
                    "id": item.url,
                    "type": ["Evidence"],
                    "name": item.name,
                    "description": item.description,
                })
            })
            .collect();
    }
    document
}

/// Identifies the recipient in a credential subject: by a salted email hash or by an
/// address.
pub fn set_recipient(subject: &mut Value, recipient: &Recipient) {
    match recipient {
        Recipient::Email { address, salt } => {
            subject["identifier"] = json!([{
                "type": "IdentityObject",
                "identityHash": email_hash(address, salt),
                "identityType": "emailAddress",
                "hashed": true,
                "salt": salt,
            }]);
        }
        Recipient::Url(url) => subject["id"] = Value::String(url.clone()),
    }
}

/// Builds an unsigned OpenBadgeCredential around `subject`, with its address, issuer
/// and revocation status entry.
#[allow(clippy::too_many_arguments)]
pub fn wrap(
    base_url: &str,
    public_id: &str,
    status_index: i64,
    program_id: i32,
    program_name: &str,
    name: &str,
    subject: Value,
    valid_from: &str,
) -> Value {
    let (list, bit) = super::status::position(status_index);
    let list_url = status_list_url(base_url, program_id, list);
    json!({
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_url(base_url, public_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": issuer_profile_ref(base_url, program_id, program_name),
        "validFrom": valid_from,
        "credentialSubject": subject,
        "credentialStatus": {
            "id": format!("{list_url}#{bit}"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": bit.to_string(),
            "statusListCredential": list_url,
        },
    })
}

/// Builds the unsigned status list credential for list `list`, with `encoded_list`
/// from `super::status::encode`.
pub fn status_list(
    base_url: &str,
    program_id: i32,
    list: i64,
    encoded_list: &str,
    valid_from: &str,
) -> Value {
    let url = status_list_url(base_url, program_id, list);
    json!({
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(base_url, program_id),
        "validFrom": valid_from,
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
    })
}

/// Builds the issuer profile with every published key, newest first.
pub fn issuer_profile(
    base_url: &str,
    program_id: i32,
    program_name: &str,
    keys: &[String],
) -> Value {
    let id = issuer_id(base_url, program_id);
    let methods: Vec<Value> = keys
        .iter()
        .map(|key| {
            json!({
                "id": verification_method(&id, key),
                "type": "Multikey",
                "controller": id,
                "publicKeyMultibase": key,
            })
        })
        .collect();
    json!({
        "@context": [VC_CONTEXT, OB_CONTEXT, "https://w3id.org/security/multikey/v1"],
        "id": id,
        "type": ["Profile"],
        "name": program_name,
        "url": base_url,
        "description": "Issues the Teacher Leadership Institute's micro-credentials and certificates.",
        "verificationMethod": methods.clone(),
        "assertionMethod": methods.iter().map(|method| method["id"].clone()).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_hashes_lower_case_the_address_first() {
        assert_eq!(
            email_hash("Fellow@Example.org ", "salt1"),
            email_hash("fellow@example.org", "salt1")
        );
        assert_ne!(
            email_hash("fellow@example.org", "salt1"),
            email_hash("fellow@example.org", "salt2")
        );
        let expected = Sha256::digest(b"fellow@example.orgsalt1");
        let hex: String = expected.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(
            email_hash("fellow@example.org", "salt1"),
            format!("sha256${hex}")
        );
    }

    #[test]
    fn level_slugs_are_lower_case_words() {
        assert_eq!(slug("Not Yet"), "not-yet");
        assert_eq!(slug("  Demonstrated!"), "demonstrated");
    }
}
