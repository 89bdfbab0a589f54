//! The audit log: who did what, when, and from where. Server only.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};

use crate::auth::session::ClientAddress;
use crate::entities::audit_log;

pub use crate::audit_actions as actions;

/// One event to record.
pub struct AuditEvent<'a> {
    pub actor_user_id: Option<i32>,
    pub action: &'a str,
    pub subject: String,
    pub details: String,
}

/// Appends `event` to the audit log, with the client address of the current request.
pub async fn record(db: &impl ConnectionTrait, event: AuditEvent<'_>) -> Result<(), DbErr> {
    let client_address = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddress>().cloned())
        .map(|ClientAddress(address)| address);
    record_from(db, event, client_address).await
}

/// Appends `event` to the audit log with a client address the caller supplies, for
/// work that runs outside the request that caused it.
pub async fn record_from(
    db: &impl ConnectionTrait,
    event: AuditEvent<'_>,
    client_address: Option<String>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        occurred_at: Set(Utc::now()),
        actor_user_id: Set(event.actor_user_id),
        action: Set(event.action.to_owned()),
        subject: Set(event.subject.chars().take(300).collect()),
        details: Set(event.details),
        client_address: Set(client_address),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
