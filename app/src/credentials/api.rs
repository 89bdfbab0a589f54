//! Server functions behind the credential pages: the public credential, the fellow's
//! list and choices, revocation, and the verifier's last report.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Report;
use crate::error::AppError;

/// Maximum characters in a revocation reason.
pub const REASON_MAX_CHARS: usize = 1_000;
/// Maximum characters in the address that identifies a recipient.
pub const RECIPIENT_URL_MAX_CHARS: usize = 500;
/// Session key of the verifier's last report.
#[cfg(feature = "ssr")]
pub const REPORT_SESSION_KEY: &str = "verifier_report";

/// One rubric criterion as the public page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRow {
    pub criterion: String,
    pub level: String,
}

/// A piece of evidence the fellow may show, and whether it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceChoice {
    pub id: i32,
    pub title: String,
    pub shown: bool,
}

/// A credential's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    /// Signed and published.
    Issued {
        issued_on: String,
    },
    /// Earned, waiting to be signed.
    Pending,
    Revoked {
        on: String,
        reason: String,
    },
}

/// Everything the public credential page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialView {
    pub public_id: String,
    pub url: String,
    pub name: String,
    pub earner: String,
    pub issuer: String,
    pub competency: String,
    pub description: String,
    pub criteria: String,
    pub earned_on: String,
    pub standing: Standing,
    pub results: Vec<ResultRow>,
    /// Each shown piece of evidence: its anchor on the page, title and description.
    pub evidence: Vec<(String, String, String)>,
    pub linkedin_url: String,
    /// Whether it is the Leadership Certificate of Distinction, which has a PDF.
    pub is_certificate: bool,
    /// Set for the fellow who earned it: their choices.
    pub owner: Option<OwnerChoices>,
    /// Whether the viewer may revoke it.
    pub can_revoke: bool,
}

/// The earner's choices about how the credential identifies them and what it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerChoices {
    /// `email` or `url`.
    pub recipient: String,
    pub recipient_url: String,
    pub evidence: Vec<EvidenceChoice>,
}

/// One credential in the fellow's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialSummary {
    pub public_id: String,
    pub cohort_id: i32,
    pub name: String,
    pub earned_on: String,
    pub standing: Standing,
}

#[cfg(feature = "ssr")]
mod server {
    use chrono::{DateTime, Utc};
    use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
    use serde_json::Value;

    use super::*;
    use crate::context::{db_failure, internal_error};
    use crate::credentials::store::Issuer;
    use crate::entities::{credentials, evidence_items, submission_attempts};
    use crate::portfolio::draft::DraftContent;

    pub fn date(at: DateTime<Utc>) -> String {
        crate::local_time::long_date(at)
    }

    pub fn standing(credential: &credentials::Model) -> Standing {
        match (credential.revoked_at, credential.issued_at) {
            (Some(on), _) => Standing::Revoked {
                on: date(on),
                reason: credential.revoked_reason.clone().unwrap_or_default(),
            },
            (None, Some(issued)) if credential.document.is_some() => Standing::Issued {
                issued_on: date(issued),
            },
            _ => Standing::Pending,
        }
    }

    /// Signs pending credentials now, so that the fellow's page shows the credential at
    /// once. A failure is logged, and the background pass retries.
    pub async fn issue_now(db: &DatabaseConnection) {
        let Ok(state) = crate::context::app_state() else {
            return;
        };
        if let Err(error) = crate::credentials::store::issue_pending(db, &Issuer::of(&state)).await
        {
            tracing::error!(error = %error, "issuing credentials failed; the background pass retries");
        }
    }

    pub async fn find(
        db: &DatabaseConnection,
        public_id: &str,
    ) -> Result<credentials::Model, AppError> {
        crate::credentials::store::find_public(db, public_id)
            .await
            .map_err(db_failure)?
            .ok_or_else(|| {
                crate::context::reject(AppError::NotFound(
                    "There is no credential at this address. Check the link you were given.".into(),
                ))
            })
    }

    /// Returns the evidence the fellow submitted with the earned attempt.
    pub async fn submitted_evidence(
        db: &DatabaseConnection,
        credential: &credentials::Model,
    ) -> Result<Vec<evidence_items::Model>, AppError> {
        let Some(attempt) =
            submission_attempts::Entity::find_by_id(credential.attempt_id.unwrap_or_default())
                .one(db)
                .await
                .map_err(db_failure)?
        else {
            return Ok(Vec::new());
        };
        let content: DraftContent = serde_json::from_str(&attempt.content).unwrap_or_default();
        let ids: Vec<i32> = content.artifacts.iter().flatten().copied().collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        evidence_items::Entity::find()
            .filter(evidence_items::Column::Id.is_in(ids))
            .filter(evidence_items::Column::OwnerUserId.eq(credential.fellow_user_id))
            .order_by_asc(evidence_items::Column::Id)
            .all(db)
            .await
            .map_err(db_failure)
    }

    pub fn document(credential: &credentials::Model) -> Option<Value> {
        credential
            .document
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
    }

    pub fn unexpected(error: &dyn std::fmt::Display) -> AppError {
        internal_error("a credential could not be read", error)
    }
}

/// Returns a credential's public page. Anyone with the address may read it.
#[server(prefix = "/api", endpoint = "credentials/get", input = server_fn::codec::GetUrl)]
pub async fn get_credential(public_id: String) -> Result<CredentialView, AppError> {
    use crate::auth::{Action, authorize, current_actor};
    use crate::context::{db, db_failure};
    use crate::entities::users;
    use sea_orm::EntityTrait;
    use server::*;

    let db = db()?;
    let credential = find(&db, &public_id).await?;
    let actor = current_actor();
    let is_owner = actor
        .user()
        .is_some_and(|user| user.id == credential.fellow_user_id);
    let can_revoke = authorize(&actor, Action::RevokeCredentials(credential.cohort_id)).is_ok();
    let fellow = users::Entity::find_by_id(credential.fellow_user_id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .ok_or_else(|| unexpected(&"the earner is missing"))?;
    let signed = document(&credential);
    let text = |value: Option<&serde_json::Value>| {
        value
            .and_then(|value| value.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let achievement = signed
        .as_ref()
        .map(|document| document["credentialSubject"]["achievement"].clone())
        .unwrap_or_default();
    let levels: std::collections::HashMap<String, String> = achievement["resultDescription"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|description| {
            description["rubricCriterionLevel"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|level| (text(level.get("id")), text(level.get("name"))))
        .collect();
    let criteria: std::collections::HashMap<String, String> = achievement["resultDescription"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|description| (text(description.get("id")), text(description.get("name"))))
        .collect();
    let results = signed
        .as_ref()
        .and_then(|document| document["credentialSubject"]["result"].as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|result| ResultRow {
            criterion: criteria
                .get(&text(result.get("resultDescription")))
                .cloned()
                .unwrap_or_default(),
            level: levels
                .get(&text(result.get("achievedLevel")))
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    let evidence = signed
        .as_ref()
        .and_then(|document| document["evidence"].as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|item| {
            let anchor = text(item.get("id"))
                .rsplit_once('#')
                .map(|(_, anchor)| anchor.to_owned())
                .unwrap_or_default();
            (
                anchor,
                text(item.get("name")),
                text(item.get("description")),
            )
        })
        .collect();
    let url = crate::credentials::document::credential_url(
        &crate::context::app_state()?.public_url,
        &credential.public_id,
    );
    let name = signed
        .as_ref()
        .map(|document| text(document.get("name")))
        .unwrap_or_else(|| "Micro-credential".into());
    let issuer = signed
        .as_ref()
        .map(|document| text(document["issuer"].get("name")))
        .unwrap_or_default();
    let earned = credential.earned_at;
    let linkedin_url = format!(
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name={}&organizationName={}&issueYear={}&issueMonth={}&certUrl={}&certId={}",
        url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>(),
        url::form_urlencoded::byte_serialize(issuer.as_bytes()).collect::<String>(),
        chrono::Datelike::year(&earned),
        chrono::Datelike::month(&earned),
        url::form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>(),
        credential.public_id,
    );
    let owner = if is_owner {
        let shown: Vec<i32> = serde_json::from_str(&credential.public_evidence).unwrap_or_default();
        Some(OwnerChoices {
            recipient: fellow.credential_recipient.clone(),
            recipient_url: fellow.credential_recipient_url.clone().unwrap_or_default(),
            evidence: submitted_evidence(&db, &credential)
                .await?
                .into_iter()
                .map(|item| EvidenceChoice {
                    shown: shown.contains(&item.id),
                    id: item.id,
                    title: item.title,
                })
                .collect(),
        })
    } else {
        None
    };
    Ok(CredentialView {
        public_id: credential.public_id.clone(),
        url,
        name,
        earner: fellow.display_name,
        issuer,
        competency: text(achievement["alignment"][0].get("targetName")),
        description: text(achievement.get("description")),
        criteria: text(achievement["criteria"].get("narrative")),
        earned_on: date(earned),
        standing: standing(&credential),
        results,
        evidence,
        linkedin_url,
        is_certificate: credential.kind == crate::credentials::Kind::Certificate.name(),
        owner,
        can_revoke,
    })
}

/// Lists the signed-in fellow's credentials, newest first.
#[server(prefix = "/api", endpoint = "credentials/mine", input = server_fn::codec::GetUrl)]
pub async fn get_my_credentials() -> Result<Vec<CredentialSummary>, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure};
    use crate::entities::credentials;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    use server::*;

    let actor = authorized(Action::ViewOwnHome)?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let db = db()?;
    let rows = credentials::Entity::find()
        .filter(credentials::Column::FellowUserId.eq(user.id))
        .order_by_desc(credentials::Column::EarnedAt)
        .all(&db)
        .await
        .map_err(db_failure)?;
    Ok(rows
        .iter()
        .map(|credential| CredentialSummary {
            public_id: credential.public_id.clone(),
            cohort_id: credential.cohort_id,
            name: document(credential)
                .and_then(|document| document["name"].as_str().map(str::to_owned))
                .unwrap_or_else(|| "Micro-credential (being issued)".into()),
            earned_on: date(credential.earned_at),
            standing: standing(credential),
        })
        .collect())
}

/// Saves the earner's choices, then signs the credential again with them: how it
/// identifies them (a hash of their email or an address they give) and which of the
/// submitted evidence it shows. The recipient choice applies to later credentials too.
#[server(prefix = "/api", endpoint = "credentials/choices")]
pub async fn save_credential_choices(
    public_id: String,
    recipient: String,
    #[server(default)] recipient_url: String,
    #[server(default)] evidence: Vec<i32>,
) -> Result<(), AppError> {
    use crate::context::{db, db_failure, fail, redirect_to};
    use crate::entities::{credentials, users};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::*;

    let actor = crate::context::authorized(crate::auth::Action::ViewOwnHome)?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let db = db()?;
    let credential = find(&db, &public_id).await?;
    if credential.fellow_user_id != user.id {
        return fail(AppError::Forbidden);
    }
    if credential.revoked_at.is_some() {
        return fail(AppError::Conflict(
            "This credential was revoked, so it can no longer be changed.".into(),
        ));
    }
    let recipient_url = recipient_url.trim().to_owned();
    let recipient = match recipient.as_str() {
        "email" => "email",
        "url" => {
            let parsed = url::Url::parse(&recipient_url);
            if !matches!(parsed.as_ref().map(url::Url::scheme), Ok("https" | "http"))
                || recipient_url.chars().count() > RECIPIENT_URL_MAX_CHARS
            {
                return fail(AppError::Invalid {
                    field: "recipient_url".into(),
                    message: format!(
                        "Give a full web address that identifies you, starting with https:// or http://, such as your school profile page, in at most {RECIPIENT_URL_MAX_CHARS} characters."
                    ),
                });
            }
            "url"
        }
        _ => {
            return fail(AppError::Invalid {
                field: "recipient".into(),
                message: "Choose how the credential identifies you: by your email address or by a web address.".into(),
            });
        }
    };
    let allowed: Vec<i32> = submitted_evidence(&db, &credential)
        .await?
        .into_iter()
        .map(|item| item.id)
        .collect();
    if let Some(stray) = evidence.iter().find(|id| !allowed.contains(id)) {
        return fail(AppError::Invalid {
            field: "evidence".into(),
            message: format!(
                "Evidence {stray} was not part of this submission, so it cannot be shown with this credential."
            ),
        });
    }
    users::Entity::update_many()
        .col_expr(users::Column::CredentialRecipient, Expr::value(recipient))
        .col_expr(
            users::Column::CredentialRecipientUrl,
            Expr::value((recipient == "url").then_some(recipient_url)),
        )
        .filter(users::Column::Id.eq(user.id))
        .exec(&db)
        .await
        .map_err(db_failure)?;
    credentials::Entity::update_many()
        .col_expr(
            credentials::Column::PublicEvidence,
            Expr::value(serde_json::to_string(&evidence).unwrap_or_else(|_| "[]".into())),
        )
        .filter(credentials::Column::Id.eq(credential.id))
        .exec(&db)
        .await
        .map_err(db_failure)?;
    crate::credentials::store::reissue(&db, credential.id)
        .await
        .map_err(db_failure)?;
    issue_now(&db).await;
    redirect_to(&format!("/credentials/{public_id}?done=saved"));
    Ok(())
}

/// Revokes a credential with a reason. The cohort's facilitators and administrators
/// may revoke. The verifier reports the revocation at once, and the status list
/// shows it within a minute of its cache time.
#[server(prefix = "/api", endpoint = "credentials/revoke")]
pub async fn revoke_credential(public_id: String, reason: String) -> Result<(), AppError> {
    use crate::audit::{AuditEvent, record};
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use server::*;

    let db = db()?;
    let credential = find(&db, &public_id).await?;
    let actor = authorized(crate::auth::Action::RevokeCredentials(credential.cohort_id))?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
        return fail(AppError::Invalid {
            field: "reason".into(),
            message: format!(
                "Give the reason for revoking, in at most {REASON_MAX_CHARS} characters; verifiers and the fellow see it."
            ),
        });
    }
    let revoked = crate::credentials::store::revoke(&db, credential.id, reason, user.id)
        .await
        .map_err(db_failure)?;
    if !revoked {
        return fail(AppError::Conflict(
            "This credential was already revoked.".into(),
        ));
    }
    if let Err(error) = record(
        &db,
        AuditEvent {
            actor_user_id: Some(user.id),
            action: crate::audit_actions::CREDENTIAL_REVOKED,
            subject: format!("credential {public_id}"),
            details: reason.to_owned(),
        },
    )
    .await
    {
        tracing::warn!(error = %error, "recording a revocation in the audit log failed");
    }
    redirect_to(&format!("/credentials/{public_id}?done=revoked"));
    Ok(())
}

/// Returns the verifier's last report for this visitor.
#[server(prefix = "/api", endpoint = "credentials/report", input = server_fn::codec::GetUrl)]
pub async fn get_verifier_report() -> Result<Option<Report>, AppError> {
    use crate::context::{internal_error, session_handle};
    let session = session_handle().await?;
    session
        .get::<Report>(REPORT_SESSION_KEY)
        .await
        .map_err(|error| internal_error("reading the verifier report failed", &error))
}
