//! Server functions for certificates: fellows' progress, approval, and the cohort's
//! completion rule.

use leptos::prelude::*;

use super::CertificatesView;
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn certificates_path(cohort_id: i32) -> String {
    format!("/cohorts/{cohort_id}/certificates")
}

/// Returns the cohort's completion rule and each fellow's progress, for facilitators.
#[server(prefix = "/api", endpoint = "certificates/get", input = server_fn::codec::GetUrl)]
pub async fn get_certificates(cohort_id: i32) -> Result<CertificatesView, AppError> {
    use crate::context::{authorized, db, db_failure};
    authorized(crate::auth::Action::ApproveCertificates(cohort_id))?;
    let (cohort, rule, fellows) = super::store::progress(&db()?, cohort_id)
        .await
        .map_err(db_failure)?;
    Ok(CertificatesView {
        cohort_id,
        cohort_name: cohort.name,
        rule,
        fellows,
    })
}

/// Approves the certificate of a fellow who completed the program, and issues it.
#[server(prefix = "/api", endpoint = "certificates/approve")]
pub async fn approve_certificate(cohort_id: i32, fellow_id: i32) -> Result<(), AppError> {
    use crate::audit::{AuditEvent, record};
    use crate::context::{app_state, authorized, db, db_failure, fail, redirect_to};
    use crate::credentials::store::{Issuer, issue_pending};

    let actor = authorized(crate::auth::Action::ApproveCertificates(cohort_id))?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let db = db()?;
    let (_, rule, fellows) = super::store::progress(&db, cohort_id)
        .await
        .map_err(db_failure)?;
    let Some(progress) = fellows.iter().find(|row| row.fellow_id == fellow_id) else {
        return fail(AppError::NotFound(
            "There is no such fellow in this cohort.".into(),
        ));
    };
    if progress.certificate.is_some() {
        return fail(AppError::Conflict(
            "This fellow already has a certificate.".into(),
        ));
    }
    let missing = progress.missing(&rule);
    if !missing.is_empty() {
        return fail(AppError::Conflict(format!(
            "{} has not completed the program yet: still needs {}.",
            progress.fellow_name,
            missing.join(", ")
        )));
    }
    let credential = super::store::record_certificate(&db, cohort_id, fellow_id, user.id)
        .await
        .map_err(db_failure)?;
    if let Err(error) = issue_pending(&db, &Issuer::of(&app_state()?)).await {
        tracing::error!(error = %error, credential = credential.id, "issuing a certificate failed; the background pass retries");
    }
    if let Err(error) = record(
        &db,
        AuditEvent {
            actor_user_id: Some(user.id),
            action: crate::audit_actions::CERTIFICATE_APPROVED,
            subject: format!("credential {}", credential.public_id),
            details: format!("fellow {fellow_id} of cohort {cohort_id}"),
        },
    )
    .await
    {
        tracing::warn!(error = %error, "recording a certificate approval in the audit log failed");
    }
    redirect_to(&format!("{}?done=approved", certificates_path(cohort_id)));
    Ok(())
}

/// Saves what completing the program requires in this cohort.
#[server(prefix = "/api", endpoint = "certificates/rule")]
pub async fn save_certificate_rule(
    cohort_id: i32,
    overarching: String,
    pathway: String,
    decc: String,
    #[server(default)] capstone_reviewed: Option<String>,
) -> Result<(), AppError> {
    use super::{RULE_MAX_COUNT, Rule};
    use crate::context::{authorized, db, db_failure, redirect_to, reject};
    use crate::entities::cohorts;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    authorized(crate::auth::Action::ApproveCertificates(cohort_id))?;
    let count = |field: &str, label: &str, text: &str| -> Result<u32, AppError> {
        text.trim()
            .parse::<u32>()
            .ok()
            .filter(|count| *count <= RULE_MAX_COUNT)
            .ok_or_else(|| {
                reject(AppError::Invalid {
                    field: field.into(),
                    message: format!(
                        "{label} must be a whole number from 0 to {RULE_MAX_COUNT}; \"{}\" is not.",
                        text.trim()
                    ),
                })
            })
    };
    let rule = Rule {
        overarching: count("overarching", "Overarching micro-credentials", &overarching)?,
        pathway: count("pathway", "Pathway micro-credentials", &pathway)?,
        decc: count("decc", "DECC micro-credentials", &decc)?,
        capstone_reviewed: capstone_reviewed.is_some(),
    };
    let db = db()?;
    cohorts::Entity::update_many()
        .col_expr(
            cohorts::Column::CertificateRule,
            Expr::value(serde_json::to_string(&rule).unwrap_or_default()),
        )
        .filter(cohorts::Column::Id.eq(cohort_id))
        .exec(&db)
        .await
        .map_err(db_failure)?;
    redirect_to(&format!("{}?done=rule", certificates_path(cohort_id)));
    Ok(())
}
