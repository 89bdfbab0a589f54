//! Sign-in rate limits, per account and per client address. Failures are stored in the
//! database so that every server behind a load balancer counts the same. Server only.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::entities::sign_in_failures;
use crate::error::AppError;

/// Failed sign-ins counted in one window.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures allowed per account (email address) in one window.
pub const MAX_FAILURES_PER_ACCOUNT: u64 = 5;
/// Failures allowed per client address in one window. It is high because a whole
/// school may share one address, and every person behind it is refused once it is hit.
pub const MAX_FAILURES_PER_CLIENT: u64 = 50;

fn account_key(email_normalized: &str) -> String {
    format!("email:{email_normalized}")
}

fn client_key(address: &str) -> String {
    format!("client:{address}")
}

/// Returns `TooManyRequests` saying when to try again if either limit is reached.
pub async fn check(
    db: &impl ConnectionTrait,
    email_normalized: &str,
    client_address: &str,
) -> Result<Result<(), AppError>, DbErr> {
    let window_start = Utc::now() - Duration::minutes(WINDOW_MINUTES);
    for (key, limit) in [
        (account_key(email_normalized), MAX_FAILURES_PER_ACCOUNT),
        (client_key(client_address), MAX_FAILURES_PER_CLIENT),
    ] {
        let recent = sign_in_failures::Entity::find()
            .filter(sign_in_failures::Column::Key.eq(key.as_str()))
            .filter(sign_in_failures::Column::OccurredAt.gt(window_start));
        if recent.clone().count(db).await? >= limit {
            let oldest: Option<DateTime<Utc>> = recent
                .order_by_asc(sign_in_failures::Column::OccurredAt)
                .one(db)
                .await?
                .map(|row| row.occurred_at);
            let retry_at = oldest.unwrap_or_else(Utc::now) + Duration::minutes(WINDOW_MINUTES);
            let minutes = ((retry_at - Utc::now()).num_seconds() as f64 / 60.0)
                .ceil()
                .max(1.0) as i64;
            let unit = if minutes == 1 { "minute" } else { "minutes" };
            return Ok(Err(AppError::TooManyRequests(format!(
                "Too many failed sign-in attempts. Try again in {minutes} {unit}, or reset your password."
            ))));
        }
    }
    Ok(Ok(()))
}

/// Counts one failed sign-in against both the account and the client address.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    email_normalized: &str,
    client_address: &str,
) -> Result<(), DbErr> {
    let now = Utc::now();
    for key in [account_key(email_normalized), client_key(client_address)] {
        sign_in_failures::ActiveModel {
            key: Set(key.clone()),
            occurred_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        sign_in_failures::Entity::delete_many()
            .filter(sign_in_failures::Column::Key.eq(key))
            .filter(
                sign_in_failures::Column::OccurredAt.lt(now - Duration::minutes(WINDOW_MINUTES)),
            )
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Forgets the account's failures after a successful sign-in.
pub async fn clear_account(db: &impl ConnectionTrait, email_normalized: &str) -> Result<(), DbErr> {
    sign_in_failures::Entity::delete_many()
        .filter(sign_in_failures::Column::Key.eq(account_key(email_normalized)))
        .exec(db)
        .await
        .map(|_| ())
}
