//! Single-use, expiring tokens for invitations and password resets. The database keeps
//! only each token's SHA-256 hash, so a leaked database contains no usable link. Server only.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};
use sha2::{Digest, Sha256};

use crate::entities::auth_tokens;
use crate::error::AppError;

/// The action a token allows its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Set a first password and join; valid for 7 days.
    Invitation,
    /// Choose a new password; valid for 1 hour.
    PasswordReset,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Invitation => "invitation",
            TokenPurpose::PasswordReset => "password_reset",
        }
    }

    pub fn lifetime(self) -> Duration {
        match self {
            TokenPurpose::Invitation => Duration::days(7),
            TokenPurpose::PasswordReset => Duration::hours(1),
        }
    }

    fn noun(self) -> &'static str {
        match self {
            TokenPurpose::Invitation => "invitation link",
            TokenPurpose::PasswordReset => "password reset link",
        }
    }

    fn what_to_do(self) -> &'static str {
        match self {
            TokenPurpose::Invitation => {
                "Ask your program administrator to send the invitation again."
            }
            TokenPurpose::PasswordReset => {
                "Ask for a new link on the \"Forgot your password?\" page."
            }
        }
    }

    fn what_to_do_when_used(self) -> &'static str {
        match self {
            TokenPurpose::Invitation => {
                "If you set your password with it, sign in; if you have forgotten that password, use \"Forgot your password?\" on the sign-in page."
            }
            TokenPurpose::PasswordReset => {
                "Sign in with your new password, or ask for a new link on the \"Forgot your password?\" page."
            }
        }
    }
}

fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.trim().as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Creates a token for `user_id` and returns it; only its hash is stored.
pub async fn issue(
    db: &impl ConnectionTrait,
    user_id: i32,
    purpose: TokenPurpose,
) -> Result<(String, DateTime<Utc>), DbErr> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    let now = Utc::now();
    let expires_at = now + purpose.lifetime();
    auth_tokens::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().to_owned()),
        token_hash: Set(hash(&token)),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((token, expires_at))
}

/// Marks every unused token of `purpose` for `user_id` as used.
pub async fn revoke_unused(
    db: &impl ConnectionTrait,
    user_id: i32,
    purpose: TokenPurpose,
) -> Result<(), DbErr> {
    auth_tokens::Entity::update_many()
        .col_expr(auth_tokens::Column::UsedAt, Expr::value(Utc::now()))
        .filter(auth_tokens::Column::UserId.eq(user_id))
        .filter(auth_tokens::Column::Purpose.eq(purpose.as_str()))
        .filter(auth_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// Counts the tokens of `purpose` issued to `user_id` since `since`.
pub async fn count_issued_since(
    db: &impl ConnectionTrait,
    user_id: i32,
    purpose: TokenPurpose,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    auth_tokens::Entity::find()
        .filter(auth_tokens::Column::UserId.eq(user_id))
        .filter(auth_tokens::Column::Purpose.eq(purpose.as_str()))
        .filter(auth_tokens::Column::CreatedAt.gt(since))
        .count(db)
        .await
}

/// Checks a token without using it up, and returns its user id.
pub async fn check(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
) -> Result<Result<i32, AppError>, DbErr> {
    let row = auth_tokens::Entity::find()
        .filter(auth_tokens::Column::TokenHash.eq(hash(token)))
        .filter(auth_tokens::Column::Purpose.eq(purpose.as_str()))
        .one(db)
        .await?;
    let Some(row) = row else {
        return Ok(Err(AppError::invalid(
            "token",
            format!(
                "This {} is not valid. Check that you opened the whole link from the email. {}",
                purpose.noun(),
                purpose.what_to_do()
            ),
        )));
    };
    if row.used_at.is_some() {
        return Ok(Err(AppError::invalid(
            "token",
            format!(
                "This {} was already used. {}",
                purpose.noun(),
                purpose.what_to_do_when_used()
            ),
        )));
    }
    if row.expires_at <= Utc::now() {
        return Ok(Err(AppError::invalid(
            "token",
            format!("This {} expired. {}", purpose.noun(), purpose.what_to_do()),
        )));
    }
    Ok(Ok(row.user_id))
}

/// Uses up a valid token and returns its user id. Two requests racing with the same
/// token cannot both succeed: the update only matches a row that is still unused.
pub async fn consume(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
) -> Result<Result<i32, AppError>, DbErr> {
    let user_id = match check(db, token, purpose).await? {
        Ok(user_id) => user_id,
        Err(error) => return Ok(Err(error)),
    };
    let updated = auth_tokens::Entity::update_many()
        .col_expr(auth_tokens::Column::UsedAt, Expr::value(Utc::now()))
        .filter(auth_tokens::Column::TokenHash.eq(hash(token)))
        .filter(auth_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if updated.rows_affected == 1 {
        Ok(Ok(user_id))
    } else {
        Ok(Err(AppError::invalid(
            "token",
            format!(
                "This {} was already used. {}",
                purpose.noun(),
                purpose.what_to_do_when_used()
            ),
        )))
    }
}
