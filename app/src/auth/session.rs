//! Signed-in sessions: who the session belongs to, and starting and ending one.
//! Server only.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use tower_sessions::{Expiry, Session};

use super::{Actor, CurrentUser, Membership, Role};
use crate::entities::{cohort_memberships, users};

/// Session data key of the signed-in account's id.
pub const USER_ID_KEY: &str = "user_id";
const SIGNED_IN_AT_KEY: &str = "signed_in_at";

/// How long sessions last. An idle session ends after `idle_timeout`, or after
/// `remember_me_timeout` when the person ticked "remember me"; any session ends
/// `absolute_timeout` after sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionSettings {
    pub idle_timeout: Duration,
    pub remember_me_timeout: Duration,
    pub absolute_timeout: Duration,
}

/// The client address of the request, as the server's middleware determined it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// Failure to read the session or the account behind it.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("session store: {0}")]
    Store(#[from] tower_sessions::session::Error),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// Finds who the session belongs to. A session past its absolute lifetime, or of a
/// disabled or deleted account, is ended and the caller is anonymous.
pub async fn load_actor(
    db: &impl ConnectionTrait,
    session: &Session,
    settings: &SessionSettings,
) -> Result<Actor, SessionError> {
    let Some(user_id) = session.get::<i32>(USER_ID_KEY).await? else {
        return Ok(Actor::Anonymous);
    };
    let signed_in_at = session.get::<i64>(SIGNED_IN_AT_KEY).await?.unwrap_or(0);
    let age = Utc::now().timestamp().saturating_sub(signed_in_at);
    if age < 0 || age as u64 > settings.absolute_timeout.as_secs() {
        session.flush().await?;
        return Ok(Actor::Anonymous);
    }

    let Some(user) = users::Entity::find_by_id(user_id).one(db).await? else {
        session.flush().await?;
        return Ok(Actor::Anonymous);
    };
    if user.disabled {
        session.flush().await?;
        return Ok(Actor::Anonymous);
    }
    Ok(Actor::User(current_user(db, user).await?))
}

/// Builds the request-facing view of an account with its cohort roles.
pub async fn current_user(
    db: &impl ConnectionTrait,
    user: users::Model,
) -> Result<CurrentUser, DbErr> {
    let memberships = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::UserId.eq(user.id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            Role::parse(&row.role).map(|role| Membership {
                cohort_id: row.cohort_id,
                role,
            })
        })
        .collect();
    Ok(CurrentUser {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        is_admin: user.is_admin,
        memberships,
        time_zone: user.time_zone,
    })
}

/// Starts a signed-in session for `user_id` under a new session id, so that an id
/// planted before sign-in is worthless afterwards.
pub async fn start(
    session: &Session,
    user_id: i32,
    remember_me: bool,
    settings: &SessionSettings,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(USER_ID_KEY, user_id).await?;
    session
        .insert(SIGNED_IN_AT_KEY, Utc::now().timestamp())
        .await?;
    let idle = if remember_me {
        settings.remember_me_timeout
    } else {
        settings.idle_timeout
    };
    let idle = time::Duration::try_from(idle).unwrap_or(time::Duration::HOUR);
    session.set_expiry(Some(Expiry::OnInactivity(idle)));
    Ok(())
}

/// Ends the session and deletes it from the store.
pub async fn end(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

/// Ends every session of `user_id`, on every server.
pub async fn end_all_for_user(db: &impl ConnectionTrait, user_id: i32) -> Result<(), DbErr> {
    crate::entities::sessions::Entity::delete_many()
        .filter(crate::entities::sessions::Column::UserId.eq(user_id))
        .exec(db)
        .await
        .map(|_| ())
}
