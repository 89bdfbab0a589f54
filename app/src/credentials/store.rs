//! Storing credentials: a pending row when a decision earns a micro-credential,
//! signing pending rows, revocation and the status list.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::Value;

use super::document::{self, CriterionResult, MicrocredentialFacts, PublicEvidence, Recipient};
use super::keys::{KeyError, KeyRing};
use super::{Kind, proof, schema, status};
use crate::entities::{
    cohorts, competencies, credentials, evidence_items, microcredentials, programs,
    submission_attempts, submissions, users,
};
use crate::portfolio::draft::DraftContent;
use crate::review::content::criteria;

/// How many pending credentials one pass signs.
const ISSUE_BATCH: u64 = 50;

/// Failure to issue a credential.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error("the credential could not be signed: {0}")]
    Proof(#[from] proof::ProofError),
    #[error("the credential breaks the Open Badges schema: {}", .0.join("; "))]
    Schema(Vec<String>),
}

/// The signer's view: where keys are and the public address credentials use.
#[derive(Clone, Debug)]
pub struct Issuer {
    pub keys: KeyRing,
    pub base_url: String,
}

impl Issuer {
    pub fn of(state: &crate::context::AppState) -> Self {
        Self {
            keys: state.keys.clone(),
            base_url: state.public_url.clone(),
        }
    }
}

/// Returns a random public identifier: 32 hexadecimal digits.
pub fn new_public_id() -> String {
    rand::random::<[u8; 16]>()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// RFC 3339 in UTC with whole seconds, as the credentials use.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Records that `attempt` earned its micro-credential; the credential is signed by
/// [`issue_pending`]. Runs inside the transaction that releases the decision, and
/// does nothing when the attempt already has a credential.
pub async fn record_earned(
    db: &impl ConnectionTrait,
    attempt: &submission_attempts::Model,
    decided_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let existing = credentials::Entity::find()
        .filter(credentials::Column::AttemptId.eq(attempt.id))
        .one(db)
        .await?;
    if existing.is_some() {
        return Ok(());
    }
    let Some(submission) = submissions::Entity::find_by_id(attempt.submission_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    credentials::ActiveModel {
        public_id: Set(new_public_id()),
        kind: Set(Kind::Microcredential.name().to_owned()),
        fellow_user_id: Set(submission.fellow_user_id),
        cohort_id: Set(submission.cohort_id),
        submission_id: Set(Some(submission.id)),
        attempt_id: Set(Some(attempt.id)),
        earned_at: Set(decided_at),
        public_evidence: Set("[]".into()),
        document: Set(None),
        signing_key_id: Set(None),
        issued_at: Set(None),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        revoked_reason: Set(None),
        revoked_by_user_id: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Signs every pending credential, a batch at a time. Each is claimed by a
/// conditional update, so servers running this side by side never overwrite each
/// other. Returns how many this call issued.
pub async fn issue_pending(db: &DatabaseConnection, issuer: &Issuer) -> Result<usize, IssueError> {
    let pending = credentials::Entity::find()
        .filter(credentials::Column::Document.is_null())
        .filter(credentials::Column::RevokedAt.is_null())
        .order_by_asc(credentials::Column::Id)
        .limit(ISSUE_BATCH)
        .all(db)
        .await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let key = issuer.keys.ensure(db).await?;
    let mut issued = 0;
    for credential in pending {
        let unsigned = unsigned_document(db, &issuer.base_url, &credential).await?;
        let method = document::verification_method(
            unsigned["issuer"]["id"].as_str().unwrap_or_default(),
            &key.multibase,
        );
        let now = Utc::now();
        let signed = proof::sign(&unsigned, &key.key, &method, &timestamp(now))?;
        let problems = schema::problems(&signed, 10);
        if !problems.is_empty() {
            return Err(IssueError::Schema(problems));
        }
        let result = credentials::Entity::update_many()
            .col_expr(
                credentials::Column::Document,
                Expr::value(signed.to_string()),
            )
            .col_expr(credentials::Column::SigningKeyId, Expr::value(key.id))
            .col_expr(credentials::Column::IssuedAt, Expr::value(now))
            .filter(credentials::Column::Id.eq(credential.id))
            .filter(credentials::Column::Document.is_null())
            .exec(db)
            .await?;
        issued += result.rows_affected as usize;
    }
    Ok(issued)
}

/// Puts a credential back to pending so that it is signed again with the fellow's
/// current choices. The old signed copy still verifies, because nothing in it is false.
pub async fn reissue(db: &DatabaseConnection, credential_id: i32) -> Result<(), DbErr> {
    credentials::Entity::update_many()
        .col_expr(
            credentials::Column::Document,
            Expr::value(Option::<String>::None),
        )
        .filter(credentials::Column::Id.eq(credential_id))
        .filter(credentials::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn unsigned_document(
    db: &DatabaseConnection,
    base_url: &str,
    credential: &credentials::Model,
) -> Result<Value, DbErr> {
    if credential.kind == Kind::Certificate.name() {
        let fellow = users::Entity::find_by_id(credential.fellow_user_id)
            .one(db)
            .await?
            .ok_or_else(|| {
                DbErr::RecordNotFound(format!("credential {}: fellow", credential.id))
            })?;
        return crate::certificate::store::certificate_document(
            db,
            base_url,
            credential,
            recipient_of(fellow),
        )
        .await;
    }
    microcredential_document(db, base_url, credential).await
}

/// Returns the recipient the fellow chose for their credentials.
pub fn recipient_of(fellow: users::Model) -> Recipient {
    match (
        fellow.credential_recipient.as_str(),
        fellow.credential_recipient_url,
    ) {
        ("url", Some(url)) if !url.is_empty() => Recipient::Url(url),
        _ => Recipient::Email {
            address: fellow.email,
            salt: new_public_id(),
        },
    }
}

async fn microcredential_document(
    db: &DatabaseConnection,
    base_url: &str,
    credential: &credentials::Model,
) -> Result<Value, DbErr> {
    let missing =
        |what: &str| DbErr::RecordNotFound(format!("credential {}: {what}", credential.id));
    let attempt =
        submission_attempts::Entity::find_by_id(credential.attempt_id.unwrap_or_default())
            .one(db)
            .await?
            .ok_or_else(|| missing("attempt"))?;
    let submission = submissions::Entity::find_by_id(attempt.submission_id)
        .one(db)
        .await?
        .ok_or_else(|| missing("submission"))?;
    let definition =
        crate::review::store::definition_of(db, attempt.microcredential_version_id).await?;
    let microcredential = microcredentials::Entity::find_by_id(submission.microcredential_id)
        .one(db)
        .await?
        .ok_or_else(|| missing("micro-credential"))?;
    let competency = competencies::Entity::find_by_id(microcredential.competency_id)
        .one(db)
        .await?
        .ok_or_else(|| missing("competency"))?;
    let (_, program) = cohort_and_program(db, credential.cohort_id).await?;
    let fellow = users::Entity::find_by_id(credential.fellow_user_id)
        .one(db)
        .await?
        .ok_or_else(|| missing("fellow"))?;

    let released = crate::review::store::decode(attempt.scores.as_deref().unwrap_or("{}"));
    let results = criteria(&definition.rubric)
        .into_iter()
        .map(|(part, index, key)| {
            let criterion = &part.criteria(&definition.rubric)[index];
            CriterionResult {
                name: format!("{}: {}", part.label(), criterion.criterion),
                levels: criterion.levels.clone(),
                achieved: released
                    .level(&key)
                    .unwrap_or(&criterion.passing_level)
                    .to_owned(),
                key,
            }
        })
        .collect();

    let chosen: Vec<i32> = serde_json::from_str(&credential.public_evidence).unwrap_or_default();
    let submitted: DraftContent = serde_json::from_str(&attempt.content).unwrap_or_default();
    let shown: Vec<i32> = chosen
        .into_iter()
        .filter(|id| submitted.artifacts.contains(&Some(*id)))
        .collect();
    let credential_url = document::credential_url(base_url, &credential.public_id);
    let evidence = if shown.is_empty() {
        Vec::new()
    } else {
        evidence_items::Entity::find()
            .filter(evidence_items::Column::Id.is_in(shown))
            .filter(evidence_items::Column::OwnerUserId.eq(credential.fellow_user_id))
            .order_by_asc(evidence_items::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|item| PublicEvidence {
                url: evidence_url(&credential_url, item.id),
                name: item.title,
                description: item.description,
            })
            .collect()
    };

    let recipient = recipient_of(fellow);
    let facts = MicrocredentialFacts {
        base_url: base_url.to_owned(),
        public_id: credential.public_id.clone(),
        status_index: i64::from(credential.id),
        program_id: program.id,
        program_name: program.name,
        framework_name: program.framework_name,
        microcredential_key: microcredential.key,
        title: definition.title.clone(),
        key_method: definition.key_method.clone(),
        competency_key: competency.key,
        competency_name: competency.name,
        competency_description: competency.description,
        criteria_narrative: format!(
            "A trained reviewer scored the three-part submission (overview questions, artifacts and a reflection) against the published rubric. The micro-credential is earned only when every criterion passes. Key method: {}.",
            definition.key_method
        ),
        results,
        evidence,
        recipient,
        valid_from: timestamp(credential.earned_at),
    };
    Ok(document::microcredential(&facts))
}

/// Reads a cohort and the program it belongs to.
pub async fn cohort_and_program(
    db: &DatabaseConnection,
    cohort_id: i32,
) -> Result<(cohorts::Model, programs::Model), DbErr> {
    let cohort = cohorts::Entity::find_by_id(cohort_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("cohort {cohort_id}")))?;
    let program = programs::Entity::find_by_id(cohort.program_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("program {}", cohort.program_id)))?;
    Ok((cohort, program))
}

/// Returns the public address of one shown piece of evidence.
pub fn evidence_url(credential_url: &str, item_id: i32) -> String {
    format!("{credential_url}#evidence-{item_id}")
}

/// Finds the credential with public identifier `public_id`.
pub async fn find_public(
    db: &DatabaseConnection,
    public_id: &str,
) -> Result<Option<credentials::Model>, DbErr> {
    credentials::Entity::find()
        .filter(credentials::Column::PublicId.eq(public_id))
        .one(db)
        .await
}

/// Revokes a credential with a reason. Returns false when it was already revoked.
pub async fn revoke(
    db: &DatabaseConnection,
    credential_id: i32,
    reason: &str,
    by_user: i32,
) -> Result<bool, DbErr> {
    let result = credentials::Entity::update_many()
        .col_expr(credentials::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(
            credentials::Column::RevokedReason,
            Expr::value(reason.to_owned()),
        )
        .col_expr(credentials::Column::RevokedByUserId, Expr::value(by_user))
        .filter(credentials::Column::Id.eq(credential_id))
        .filter(credentials::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Builds and signs the status list credential for list `list` of the program
/// `program_id`, or returns `None` when no such program exists.
pub async fn status_list(
    db: &DatabaseConnection,
    issuer: &Issuer,
    program_id: i32,
    list: i64,
) -> Result<Option<Value>, IssueError> {
    let Some(program) = programs::Entity::find_by_id(program_id).one(db).await? else {
        return Ok(None);
    };
    let first = (list - 1) * status::LIST_BITS as i64;
    let revoked: Vec<i32> = credentials::Entity::find()
        .select_only()
        .column(credentials::Column::Id)
        .filter(credentials::Column::RevokedAt.is_not_null())
        .filter(credentials::Column::Id.gte(first))
        .filter(credentials::Column::Id.lt(first + status::LIST_BITS as i64))
        .into_tuple()
        .all(db)
        .await?;
    let encoded = status::encode(
        revoked
            .into_iter()
            .map(|id| status::position(i64::from(id)).1),
    );
    let now = Utc::now();
    let unsigned = document::status_list(
        &issuer.base_url,
        program.id,
        list,
        &encoded,
        &timestamp(now),
    );
    let key = issuer.keys.ensure(db).await?;
    let method = document::verification_method(
        &document::issuer_id(&issuer.base_url, program.id),
        &key.multibase,
    );
    Ok(Some(proof::sign(
        &unsigned,
        &key.key,
        &method,
        &timestamp(now),
    )?))
}
