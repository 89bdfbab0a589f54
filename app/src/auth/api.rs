//! Server functions for signing in and out, password resets and invitations. Every one
//! is a plain form post, so each works without JavaScript.

use leptos::prelude::*;

use crate::error::AppError;

/// Signs in with email and password. Wrong email, wrong password and disabled account
/// all get the same message after the same amount of work.
#[server(prefix = "/api", endpoint = "auth/sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    remember_me: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::input::parse_email;
    use super::{password::verify_password, rate_limit, session};
    use crate::audit::{self, AuditEvent, actions};
    use crate::context::{
        app_state, client_address, db_failure, fail, redirect_to, session_handle,
    };
    use crate::entities::users;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let state = app_state()?;
    let db = &state.db;
    let email = match parse_email("email", &email) {
        Ok(email) => email,
        Err(error) => return fail(error),
    };
    let client = client_address();

    match rate_limit::check(db, &email.normalized, &client).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            audit::record(
                db,
                AuditEvent {
                    actor_user_id: None,
                    action: actions::SIGN_IN_THROTTLED,
                    subject: email.as_typed.clone(),
                    details: String::new(),
                },
            )
            .await
            .map_err(db_failure)?;
            return fail(error);
        }
        Err(error) => return fail(db_failure(error)),
    }

    let user = users::Entity::find()
        .filter(users::Column::EmailNormalized.eq(email.normalized.as_str()))
        .one(db)
        .await
        .map_err(db_failure)?;
    let stored_hash = user
        .as_ref()
        .filter(|user| !user.disabled)
        .and_then(|user| user.password_hash.clone());
    let verified = verify_password(password, stored_hash).await?;

    let Some(user) = user.filter(|_| verified) else {
        rate_limit::record_failure(db, &email.normalized, &client)
            .await
            .map_err(db_failure)?;
        audit::record(
            db,
            AuditEvent {
                actor_user_id: None,
                action: actions::SIGN_IN_FAILED,
                subject: email.as_typed.clone(),
                details: String::new(),
            },
        )
        .await
        .map_err(db_failure)?;
        return fail(AppError::invalid("", "The email or password is incorrect."));
    };

    let session = session_handle().await?;
    session::start(&session, user.id, remember_me.is_some(), &state.sessions)
        .await
        .map_err(|error| crate::context::internal_error("starting a session failed", &error))?;
    rate_limit::clear_account(db, &email.normalized)
        .await
        .map_err(db_failure)?;
    audit::record(
        db,
        AuditEvent {
            actor_user_id: Some(user.id),
            action: actions::SIGN_IN,
            subject: user.email.clone(),
            details: if remember_me.is_some() {
                "remember me".into()
            } else {
                String::new()
            },
        },
    )
    .await
    .map_err(db_failure)?;
    tracing::info!(user.id = user.id, "signed in");

    let home = session::current_user(db, user)
        .await
        .map_err(db_failure)?
        .home_path();
    let destination = next
        .as_deref()
        .filter(|path| is_local_path(path))
        .unwrap_or(home);
    redirect_to(destination);
    Ok(())
}

/// Returns whether `path` is a path on this site (`/fellow`, `/admin/users?q=a`), so that a
/// `next` value cannot send someone to another site after signing in.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

/// Ends the session and returns to the home page.
#[server(prefix = "/api", endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::{current_actor, session};
    use crate::audit::{self, AuditEvent, actions};
    use crate::context::{app_state, db_failure, internal_error, redirect_to, session_handle};

    let state = app_state()?;
    if let Some(user) = current_actor().user() {
        audit::record(
            &state.db,
            AuditEvent {
                actor_user_id: Some(user.id),
                action: actions::SIGN_OUT,
                subject: user.email.clone(),
                details: String::new(),
            },
        )
        .await
        .map_err(db_failure)?;
    }
    let session = session_handle().await?;
    session::end(&session)
        .await
        .map_err(|error| internal_error("ending a session failed", &error))?;
    // Drafts kept in the browser for autosave and cached pages stay on a shared
    // computer otherwise; browsers honor this header on https and on localhost.
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        options.insert_header(
            http::HeaderName::from_static("clear-site-data"),
            http::HeaderValue::from_static("\"cache\", \"storage\""),
        );
    }
    redirect_to("/");
    Ok(())
}

/// Password reset emails sent to one account per hour, at most.
pub const MAX_RESET_EMAILS_PER_HOUR: u64 = 3;

/// Sends a password reset link when an active account has this email. The reply is the
/// same either way, so the form does not reveal who has an account.
#[server(prefix = "/api", endpoint = "auth/request-password-reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use super::input::parse_email;
    use crate::context::{app_state, client_address, fail, redirect_to};

    let state = app_state()?;
    let email = match parse_email("email", &email) {
        Ok(email) => email,
        Err(error) => return fail(error),
    };
    // The work happens after the reply, so that the reply takes as long whether or not
    // an account uses this address.
    let client = client_address();
    tokio::spawn(async move {
        if let Err(error) = send_reset_link(&state, &email.normalized, client).await {
            tracing::error!(error = %error, "sending a password reset link failed");
        }
    });
    redirect_to("/forgot-password?sent=1");
    Ok(())
}

/// Emails a reset link to the active account with this address, if there is one and it
/// has not had [`MAX_RESET_EMAILS_PER_HOUR`] links in the last hour.
#[cfg(feature = "ssr")]
async fn send_reset_link(
    state: &crate::context::AppState,
    email_normalized: &str,
    client_address: String,
) -> Result<(), sea_orm::DbErr> {
    use super::tokens::{self, TokenPurpose};
    use crate::audit::{self, AuditEvent, actions};
    use crate::entities::users;
    use crate::mail;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let Some(user) = users::Entity::find()
        .filter(users::Column::EmailNormalized.eq(email_normalized))
        .filter(users::Column::Disabled.eq(false))
        .one(&state.db)
        .await?
    else {
        return Ok(());
    };
    let hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    if tokens::count_issued_since(&state.db, user.id, TokenPurpose::PasswordReset, hour_ago).await?
        >= MAX_RESET_EMAILS_PER_HOUR
    {
        return Ok(());
    }
    let (token, _) = tokens::issue(&state.db, user.id, TokenPurpose::PasswordReset).await?;
    let link = format!("{}/reset-password?token={token}", state.public_url);
    let body = format!(
        "Hello {},\n\nSomeone asked to reset the password of your TLI Hub account. To choose a new password, open this link within one hour:\n\n{link}\n\nIf you did not ask for this, ignore this email; your password stays the same.\n",
        user.display_name
    );
    mail::send(
        &state.db,
        &state.mail,
        &user.email,
        "Reset your TLI Hub password",
        &body,
    )
    .await?;
    audit::record_from(
        &state.db,
        AuditEvent {
            actor_user_id: None,
            action: actions::PASSWORD_RESET_REQUESTED,
            subject: user.email.clone(),
            details: String::new(),
        },
        Some(client_address),
    )
    .await
}

/// Sets a new password with a reset link's token.
#[server(prefix = "/api", endpoint = "auth/reset-password")]
pub async fn reset_password(
    token: String,
    password: String,
    password_confirmation: String,
) -> Result<(), AppError> {
    use super::tokens::TokenPurpose;
    use crate::audit::actions;
    use crate::context::redirect_to;

    set_password_with_token(
        token,
        password,
        password_confirmation,
        TokenPurpose::PasswordReset,
        actions::PASSWORD_RESET,
    )
    .await?;
    redirect_to("/sign-in?reset=1");
    Ok(())
}

/// Accepts an invitation: sets the first password and signs in.
#[server(prefix = "/api", endpoint = "auth/accept-invitation")]
pub async fn accept_invitation(
    token: String,
    password: String,
    password_confirmation: String,
) -> Result<(), AppError> {
    use super::session;
    use super::tokens::TokenPurpose;
    use crate::audit::actions;
    use crate::context::{app_state, db_failure, internal_error, redirect_to, session_handle};

    let state = app_state()?;
    let user = set_password_with_token(
        token,
        password,
        password_confirmation,
        TokenPurpose::Invitation,
        actions::INVITATION_ACCEPTED,
    )
    .await?;
    let session_handle = session_handle().await?;
    session::start(&session_handle, user.id, false, &state.sessions)
        .await
        .map_err(|error| internal_error("starting a session failed", &error))?;
    let home = session::current_user(&state.db, user)
        .await
        .map_err(db_failure)?
        .home_path();
    redirect_to(home);
    Ok(())
}

#[cfg(feature = "ssr")]
async fn set_password_with_token(
    token: String,
    password: String,
    password_confirmation: String,
    purpose: super::tokens::TokenPurpose,
    audit_action: &'static str,
) -> Result<crate::entities::users::Model, AppError> {
    use super::input::check_new_password;
    use super::password::hash_password;
    use super::tokens;
    use crate::audit::{self, AuditEvent};
    use crate::context::{app_state, db_failure, fail, map_db_error};
    use crate::entities::users;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, TransactionTrait};

    if let Err(error) = check_new_password("password", &password) {
        return fail(error);
    }
    if password != password_confirmation {
        return fail(AppError::invalid(
            "password_confirmation",
            "The two passwords differ. Type the same password twice.",
        ));
    }
    let state = app_state()?;
    let hash = hash_password(password).await?;

    let transaction = state.db.begin().await.map_err(db_failure)?;
    let user_id = match tokens::consume(&transaction, &token, purpose).await {
        Ok(Ok(user_id)) => user_id,
        Ok(Err(error)) => return fail(error),
        Err(error) => return fail(map_db_error(error, "")),
    };
    let Some(user) = users::Entity::find_by_id(user_id)
        .one(&transaction)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound(
            "The account for this link no longer exists.".into(),
        ));
    };
    if user.disabled {
        return fail(AppError::Forbidden);
    }
    let mut active: users::ActiveModel = user.into();
    active.password_hash = Set(Some(hash));
    let user = active.update(&transaction).await.map_err(db_failure)?;

    // A new password ends every session and voids every other link, so that anyone who
    // knew the old password or kept an older link is locked out.
    tokens::revoke_unused(&transaction, user.id, purpose)
        .await
        .map_err(db_failure)?;
    super::session::end_all_for_user(&transaction, user.id)
        .await
        .map_err(db_failure)?;
    super::rate_limit::clear_account(&transaction, &user.email_normalized)
        .await
        .map_err(db_failure)?;
    audit::record(
        &transaction,
        AuditEvent {
            actor_user_id: Some(user.id),
            action: audit_action,
            subject: user.email.clone(),
            details: String::new(),
        },
    )
    .await
    .map_err(db_failure)?;
    transaction.commit().await.map_err(db_failure)?;
    Ok(user)
}
