//! Server functions for administrators. Each one authorizes first.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{AuditRow, OutboxRow, UsersListing};
use crate::error::AppError;

/// Sends a form post back to the users page with `code`, which the page turns into a
/// fixed confirmation from [`done_message`].
#[cfg(feature = "ssr")]
fn report_done(code: &str) {
    crate::context::redirect_to(&format!("/admin/users?done={code}"));
}

/// Returns the confirmation for a `done` code on the users page, or `None` for an
/// unknown code.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "invited" => "Invitation sent.",
        "disabled" => "Account disabled. The person is signed out at their next request.",
        "enabled" => "Account enabled.",
        "admin_granted" => "The person is now a program administrator.",
        "admin_revoked" => "The person is no longer a program administrator.",
        "role_added" => "Role added.",
        "role_removed" => "Role removed.",
        _ => return None,
    })
}

/// Maximum rows a listing returns. The page states when more rows match.
pub const LIST_LIMIT: u64 = 200;

/// Lists users whose name or email contains `search` (all users when it is empty).
#[server(prefix = "/api", endpoint = "admin/users", input = GetUrl)]
pub async fn list_users(search: String) -> Result<UsersListing, AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure};

    authorized(Action::ManageUsers)?;
    // PostgreSQL text cannot hold NUL, so it is dropped rather than sent in a query.
    let search = search
        .trim()
        .chars()
        .filter(|c| *c != '\0')
        .take(100)
        .collect::<String>();
    store::list_users(&db()?, &search).await.map_err(db_failure)
}

/// Creates an account for `email`, optionally with a first role, and emails an
/// invitation link that is valid for 7 days.
#[server(prefix = "/api", endpoint = "admin/invite")]
pub async fn invite_user(
    email: String,
    display_name: String,
    cohort_id: String,
    role: String,
    administrator: Option<String>,
) -> Result<(), AppError> {
    use super::store::{self, Invitation};
    use crate::auth::Action;
    use crate::context::{app_state, authorized, fail};

    let actor = authorized(Action::ManageUsers)?;
    let state = app_state()?;
    let invitation = match Invitation::parse(
        &email,
        &display_name,
        &cohort_id,
        &role,
        administrator.is_some(),
    ) {
        Ok(invitation) => invitation,
        Err(error) => return fail(error),
    };
    match store::invite(&state, actor.user().map(|user| user.id), &invitation).await {
        Ok(()) => {
            report_done("invited");
            Ok(())
        }
        Err(error) => fail(error),
    }
}

/// Disables or re-enables an account. A disabled person is signed out at their next
/// request and cannot sign in.
#[server(prefix = "/api", endpoint = "admin/set-disabled")]
pub async fn set_user_disabled(user_id: i32, disabled: bool) -> Result<(), AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::{authorized, db, fail};

    let actor = authorized(Action::ManageUsers)?;
    let Some(admin) = actor.user() else {
        return fail(AppError::Unauthenticated);
    };
    if admin.id == user_id && disabled {
        return fail(AppError::invalid(
            "",
            "You cannot disable your own account. Ask another administrator.",
        ));
    }
    match store::set_disabled(&db()?, admin.id, user_id, disabled).await {
        Ok(()) => {
            report_done(if disabled { "disabled" } else { "enabled" });
            Ok(())
        }
        Err(error) => fail(error),
    }
}

/// Makes a user a program administrator, or takes that away. Administrators cannot
/// take it away from themselves, so the program always keeps one.
#[server(prefix = "/api", endpoint = "admin/set-admin")]
pub async fn set_user_admin(user_id: i32, administrator: bool) -> Result<(), AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::{authorized, db, fail};

    let actor = authorized(Action::ManageUsers)?;
    let Some(admin) = actor.user() else {
        return fail(AppError::Unauthenticated);
    };
    if admin.id == user_id && !administrator {
        return fail(AppError::invalid(
            "",
            "You cannot remove your own administrator role. Ask another administrator.",
        ));
    }
    match store::set_admin(&db()?, admin.id, user_id, administrator).await {
        Ok(()) => {
            report_done(if administrator {
                "admin_granted"
            } else {
                "admin_revoked"
            });
            Ok(())
        }
        Err(error) => fail(error),
    }
}

/// Gives a user a role in a cohort.
#[server(prefix = "/api", endpoint = "admin/add-role")]
pub async fn add_role(user_id: i32, cohort_id: String, role: String) -> Result<(), AppError> {
    change_role(user_id, &cohort_id, &role, true).await
}

/// Takes a role in a cohort away from a user.
#[server(prefix = "/api", endpoint = "admin/remove-role")]
pub async fn remove_role(user_id: i32, cohort_id: String, role: String) -> Result<(), AppError> {
    change_role(user_id, &cohort_id, &role, false).await
}

/// Adds (`add`) or removes a role, after authorizing and validating the form values.
#[cfg(feature = "ssr")]
async fn change_role(user_id: i32, cohort_id: &str, role: &str, add: bool) -> Result<(), AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::{authorized, db, fail};

    let actor = authorized(Action::ManageUsers)?;
    let membership = match store::parse_membership(cohort_id, role) {
        Ok(Some(membership)) => membership,
        Ok(None) => {
            return fail(AppError::invalid(
                "role",
                "Choose both a cohort and a role.",
            ));
        }
        Err(error) => return fail(error),
    };
    let actor_id = actor.user().map(|user| user.id);
    match store::change_role(&db()?, actor_id, user_id, membership, add).await {
        Ok(()) => {
            report_done(if add { "role_added" } else { "role_removed" });
            Ok(())
        }
        Err(error) => fail(error),
    }
}

/// Lists audit log entries, newest first, filtered by action, by the actor's or the
/// subject's email, and by a date range (`YYYY-MM-DD`, in UTC, both ends included).
#[server(prefix = "/api", endpoint = "admin/audit", input = GetUrl)]
pub async fn list_audit(
    action: String,
    person: String,
    from: String,
    to: String,
) -> Result<Vec<AuditRow>, AppError> {
    use super::store::{self, AuditFilter};
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail};

    authorized(Action::ViewAuditLog)?;
    let person = person.replace('\0', "");
    let filter = match AuditFilter::parse(&action, &person, &from, &to) {
        Ok(filter) => filter,
        Err(error) => return fail(error),
    };
    store::list_audit(&db()?, &filter).await.map_err(db_failure)
}

/// Lists the newest messages in the mail outbox.
#[server(prefix = "/api", endpoint = "admin/outbox", input = GetUrl)]
pub async fn list_outbox() -> Result<Vec<OutboxRow>, AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::{app_state, authorized, db_failure};

    authorized(Action::ViewOutbox)?;
    let state = app_state()?;
    store::list_outbox(&state.db, state.mail.smtp_url.is_some())
        .await
        .map_err(db_failure)
}
