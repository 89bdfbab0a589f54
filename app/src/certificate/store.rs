//! Certificate data: fellows' progress against the cohort's rule, approval, the
//! certificate's credential document, and the Comprehensive Learner Record.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde_json::{Value, json};

use super::{Progress, Rule};
use crate::capstone::State as CapstoneState;
use crate::credentials::Kind;
use crate::credentials::document::{self, Recipient};
use crate::credentials::proof::{OB_CONTEXT, VC_CONTEXT};
use crate::entities::{
    capstones, cohort_memberships, cohorts, competencies, competency_groups, credentials,
    microcredentials, submissions, users,
};
use crate::program::format::GroupKind;

/// The CLR 2.0 JSON-LD context.
pub const CLR_CONTEXT: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";

/// Lists the cohort's earned, unrevoked micro-credentials with their group kind. Reads a fixed number of statements for any number of fellows.
async fn earned_kinds(
    db: &DatabaseConnection,
    cohort_id: i32,
) -> Result<Vec<(credentials::Model, Option<GroupKind>)>, DbErr> {
    let earned = credentials::Entity::find()
        .filter(credentials::Column::CohortId.eq(cohort_id))
        .filter(credentials::Column::Kind.eq(Kind::Microcredential.name()))
        .filter(credentials::Column::RevokedAt.is_null())
        .order_by_asc(credentials::Column::EarnedAt)
        .all(db)
        .await?;
    let submission_ids: Vec<i32> = earned.iter().filter_map(|c| c.submission_id).collect();
    let submissions: HashMap<i32, i32> = submissions::Entity::find()
        .filter(submissions::Column::Id.is_in(submission_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|submission| (submission.id, submission.microcredential_id))
        .collect();
    let competency_of: HashMap<i32, i32> = microcredentials::Entity::find()
        .filter(
            microcredentials::Column::Id.is_in(submissions.values().copied().collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|microcredential| (microcredential.id, microcredential.competency_id))
        .collect();
    let group_of: HashMap<i32, i32> = competencies::Entity::find()
        .filter(competencies::Column::Id.is_in(competency_of.values().copied().collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|competency| (competency.id, competency.group_id))
        .collect();
    let kind_of: HashMap<i32, Option<GroupKind>> = competency_groups::Entity::find()
        .filter(competency_groups::Column::Id.is_in(group_of.values().copied().collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|group| (group.id, GroupKind::parse(&group.kind)))
        .collect();
    Ok(earned
        .into_iter()
        .map(|credential| {
            let kind = credential
                .submission_id
                .and_then(|id| submissions.get(&id))
                .and_then(|mc| competency_of.get(mc))
                .and_then(|competency| group_of.get(competency))
                .and_then(|group| kind_of.get(group).copied().flatten());
            (credential, kind)
        })
        .collect())
}

/// Returns the cohort, its rule and every fellow's progress, in name order.
pub async fn progress(
    db: &DatabaseConnection,
    cohort_id: i32,
) -> Result<(cohorts::Model, Rule, Vec<Progress>), DbErr> {
    let cohort = cohorts::Entity::find_by_id(cohort_id)
        .one(db)
        .await?
        .ok_or(DbErr::RecordNotFound("cohort".into()))?;
    let rule = Rule::from_json(&cohort.certificate_rule);
    let fellow_ids: Vec<i32> = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .filter(cohort_memberships::Column::Role.eq(crate::auth::Role::Fellow.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|membership| membership.user_id)
        .collect();
    let fellows = users::Entity::find()
        .filter(users::Column::Id.is_in(fellow_ids))
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await?;
    let earned = earned_kinds(db, cohort_id).await?;
    let reviewed: Vec<i32> = capstones::Entity::find()
        .filter(capstones::Column::CohortId.eq(cohort_id))
        .filter(capstones::Column::ReviewedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|capstone| capstone.fellow_user_id)
        .collect();
    let certificates = credentials::Entity::find()
        .filter(credentials::Column::CohortId.eq(cohort_id))
        .filter(credentials::Column::Kind.eq(Kind::Certificate.name()))
        .filter(credentials::Column::RevokedAt.is_null())
        .all(db)
        .await?;
    let rows = fellows
        .into_iter()
        .map(|fellow| {
            let count = |wanted: GroupKind| {
                earned
                    .iter()
                    .filter(|(credential, kind)| {
                        credential.fellow_user_id == fellow.id && *kind == Some(wanted)
                    })
                    .count() as u32
            };
            Progress {
                overarching: count(GroupKind::Overarching),
                pathway: count(GroupKind::Pathway),
                decc: count(GroupKind::Decc),
                capstone_reviewed: reviewed.contains(&fellow.id),
                certificate: certificates
                    .iter()
                    .find(|certificate| certificate.fellow_user_id == fellow.id)
                    .map(|certificate| certificate.public_id.clone()),
                fellow_id: fellow.id,
                fellow_name: fellow.display_name,
            }
        })
        .collect();
    Ok((cohort, rule, rows))
}

/// Records an approved certificate for the fellow, to be signed by the issuing pass.
pub async fn record_certificate(
    db: &DatabaseConnection,
    cohort_id: i32,
    fellow_id: i32,
    approver: i32,
) -> Result<credentials::Model, DbErr> {
    let now = Utc::now();
    credentials::ActiveModel {
        public_id: Set(crate::credentials::store::new_public_id()),
        kind: Set(Kind::Certificate.name().to_owned()),
        fellow_user_id: Set(fellow_id),
        cohort_id: Set(cohort_id),
        earned_at: Set(now),
        public_evidence: Set("[]".into()),
        created_at: Set(now),
        approved_by_user_id: Set(Some(approver)),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Builds the unsigned certificate credential (achievementType `Certificate`).
pub async fn certificate_document(
    db: &DatabaseConnection,
    base_url: &str,
    credential: &credentials::Model,
    recipient: Recipient,
) -> Result<Value, DbErr> {
    let (cohort, program) =
        crate::credentials::store::cohort_and_program(db, credential.cohort_id).await?;
    let rule = Rule::from_json(&cohort.certificate_rule);
    let issuer = document::issuer_id(base_url, program.id);
    let achievement_id = format!("{issuer}/achievements/certificate-of-distinction");
    let mut subject = json!({
        "type": ["AchievementSubject"],
        "achievement": {
            "id": achievement_id,
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": "Leadership Certificate of Distinction",
            "description": format!("Completion of the {} with distinction.", program.name),
            "criteria": { "id": format!("{achievement_id}#criteria"), "narrative": rule.narrative() },
            "creator": { "id": issuer, "type": ["Profile"], "name": program.name, "url": base_url },
        },
    });
    document::set_recipient(&mut subject, &recipient);
    Ok(document::wrap(
        base_url,
        &credential.public_id,
        i64::from(credential.id),
        program.id,
        &program.name,
        "Leadership Certificate of Distinction",
        subject,
        &crate::credentials::store::timestamp(credential.earned_at),
    ))
}

/// Gathers what the certificate PDF shows: the fellow, the cohort, the micro-credentials
/// earned and the verification address.
pub async fn certificate_facts(
    db: &DatabaseConnection,
    base_url: &str,
    credential: &credentials::Model,
) -> Result<super::pdf::CertificateFacts, DbErr> {
    let missing = |what: &str| DbErr::RecordNotFound(what.into());
    let (cohort, program) =
        crate::credentials::store::cohort_and_program(db, credential.cohort_id).await?;
    let fellow = users::Entity::find_by_id(credential.fellow_user_id)
        .one(db)
        .await?
        .ok_or_else(|| missing("fellow"))?;
    let mut achievements: Vec<String> = credentials::Entity::find()
        .filter(credentials::Column::CohortId.eq(cohort.id))
        .filter(credentials::Column::FellowUserId.eq(fellow.id))
        .filter(credentials::Column::Kind.eq(Kind::Microcredential.name()))
        .filter(credentials::Column::RevokedAt.is_null())
        .order_by_asc(credentials::Column::EarnedAt)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|earned| {
            let document: Value = serde_json::from_str(earned.document.as_deref()?).ok()?;
            Some(format!("Micro-credential: {}", document["name"].as_str()?))
        })
        .collect();
    if Rule::from_json(&cohort.certificate_rule).capstone_reviewed {
        achievements.push("Capstone Portfolio, reviewed".into());
    }
    Ok(super::pdf::CertificateFacts {
        fellow_name: fellow.display_name,
        program_name: program.name,
        cohort_name: cohort.name,
        awarded_on: crate::local_time::long_date(credential.earned_at),
        achievements,
        verification_url: document::credential_url(base_url, &credential.public_id),
    })
}

/// Builds the program-level achievements of a CLR: the program, its two terms and
/// the capstone, with their ids.
fn clr_frame(issuer: &str, program_name: &str) -> (String, [String; 2], String, Vec<Value>) {
    let program = format!("{issuer}/achievements/program");
    let terms = [1, 2].map(|term| format!("{issuer}/achievements/term-{term}"));
    let capstone = format!("{issuer}/achievements/capstone-portfolio");
    let achievement = |id: &str, kind: &str, name: String| {
        json!({ "id": id, "type": ["Achievement"], "achievementType": kind, "name": name,
                "criteria": { "narrative": "Set by the Teacher Leadership Institute." } })
    };
    let list = vec![
        achievement(&program, "Diploma", program_name.to_owned()),
        achievement(
            &terms[0],
            "Course",
            "Term 1: overarching competencies".into(),
        ),
        achievement(
            &terms[1],
            "Course",
            "Term 2: pathway and DECC competencies".into(),
        ),
        achievement(&capstone, "Achievement", "Capstone Portfolio".into()),
    ];
    (program, terms, capstone, list)
}

/// Builds the fellow's unsigned CLR 2.0 credential: every issued, unrevoked credential
/// of the cohort, with associations from the program to its terms, from each term to
/// its micro-credentials, and from the program to the capstone and the certificate.
pub async fn clr_document(
    db: &DatabaseConnection,
    base_url: &str,
    cohort_id: i32,
    fellow: &users::Model,
) -> Result<Value, DbErr> {
    let (_, program) = crate::credentials::store::cohort_and_program(db, cohort_id).await?;
    let issuer = document::issuer_id(base_url, program.id);
    let (program_id, terms, capstone_id, mut achievements) = clr_frame(&issuer, &program.name);
    let association = |source: &str, target: &str| json!({ "type": "Association", "associationType": "isParentOf", "sourceId": source, "targetId": target });
    let mut associations = vec![
        association(&program_id, &terms[0]),
        association(&program_id, &terms[1]),
    ];
    let mut embedded = Vec::new();
    let kinds: HashMap<i32, Option<GroupKind>> = earned_kinds(db, cohort_id)
        .await?
        .into_iter()
        .map(|(credential, kind)| (credential.id, kind))
        .collect();
    let issued = credentials::Entity::find()
        .filter(credentials::Column::CohortId.eq(cohort_id))
        .filter(credentials::Column::FellowUserId.eq(fellow.id))
        .filter(credentials::Column::RevokedAt.is_null())
        .filter(credentials::Column::Document.is_not_null())
        .order_by_asc(credentials::Column::EarnedAt)
        .all(db)
        .await?;
    for credential in issued {
        let Some(signed) = credential
            .document
            .as_deref()
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
        else {
            continue;
        };
        let achievement = signed["credentialSubject"]["achievement"].clone();
        let achievement_id = achievement["id"].as_str().unwrap_or_default().to_owned();
        let parent = match kinds.get(&credential.id).copied().flatten() {
            Some(GroupKind::Overarching) => terms[0].clone(),
            Some(GroupKind::Pathway | GroupKind::Decc) => terms[1].clone(),
            None => program_id.clone(),
        };
        associations.push(association(&parent, &achievement_id));
        achievements.push(achievement);
        embedded.push(signed);
    }
    let capstone_reviewed = capstones::Entity::find()
        .filter(capstones::Column::CohortId.eq(cohort_id))
        .filter(capstones::Column::FellowUserId.eq(fellow.id))
        .filter(capstones::Column::State.eq(CapstoneState::Reviewed.name()))
        .one(db)
        .await?
        .is_some();
    if capstone_reviewed {
        associations.push(association(&program_id, &capstone_id));
    } else {
        achievements.retain(|achievement| achievement["id"] != json!(capstone_id));
    }
    let mut subject = json!({
        "type": ["ClrSubject"],
        "achievement": achievements,
        "verifiableCredential": embedded,
        "association": associations,
    });
    document::set_recipient(
        &mut subject,
        &Recipient::Email {
            address: fellow.email.clone(),
            salt: crate::credentials::store::new_public_id(),
        },
    );
    let now = crate::credentials::store::timestamp(Utc::now());
    Ok(json!({
        "@context": [VC_CONTEXT, CLR_CONTEXT, OB_CONTEXT],
        "id": format!("urn:uuid:{}", uuid_like()),
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": format!("Comprehensive Learner Record: {} ({})", fellow.display_name, program.name),
        "issuer": { "id": issuer, "type": ["Profile"], "name": program.name, "url": base_url },
        "validFrom": now,
        "credentialSubject": subject,
    }))
}

/// Returns a random UUID in its text form (version 4).
fn uuid_like() -> String {
    let mut bytes = rand::random::<[u8; 16]>();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
