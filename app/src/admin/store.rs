//! Database work behind the administration server functions, also used by the command
//! line. Server only.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use super::api::LIST_LIMIT;
use super::{AuditRow, CohortChoice, OutboxRow, RoleRow, UserRow, UsersListing};
use crate::audit::{self, AuditEvent, actions};
use crate::auth::input::{Email, parse_display_name, parse_email};
use crate::auth::tokens::{self, TokenPurpose};
use crate::auth::{Membership, Role};
use crate::context::{AppState, db_failure, map_db_error};
use crate::entities::{audit_log, cohort_memberships, cohorts, outbox, users};
use crate::error::AppError;
use crate::mail;

/// Builds a `LIKE` pattern that matches `text` anywhere, with `%`, `_` and `\` in it taken
/// literally.
fn contains_pattern(text: &str) -> LikeExpr {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

pub async fn list_users(db: &impl ConnectionTrait, search: &str) -> Result<UsersListing, DbErr> {
    let mut query = users::Entity::find().order_by_asc(users::Column::DisplayName);
    if !search.is_empty() {
        let pattern = contains_pattern(&search.to_lowercase());
        query = query.filter(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(users::Column::DisplayName)))
                        .like(pattern.clone()),
                )
                .add(users::Column::EmailNormalized.like(pattern)),
        );
    }
    let mut rows = query.limit(LIST_LIMIT + 1).all(db).await?;
    let truncated = rows.len() as u64 > LIST_LIMIT;
    rows.truncate(LIST_LIMIT as usize);

    let cohort_rows = cohorts::Entity::find()
        .order_by_desc(cohorts::Column::Year)
        .order_by_asc(cohorts::Column::Name)
        .all(db)
        .await?;
    let cohort_names: HashMap<i32, String> = cohort_rows
        .iter()
        .map(|cohort| {
            (
                cohort.id,
                crate::cohorts::cohort_label(&cohort.name, cohort.year),
            )
        })
        .collect();

    let ids: Vec<i32> = rows.iter().map(|user| user.id).collect();
    let mut roles_by_user: HashMap<i32, Vec<RoleRow>> = HashMap::new();
    for membership in cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::UserId.is_in(ids))
        .all(db)
        .await?
    {
        if let Some(role) = Role::parse(&membership.role) {
            roles_by_user
                .entry(membership.user_id)
                .or_default()
                .push(RoleRow {
                    cohort_id: membership.cohort_id,
                    cohort_name: cohort_names
                        .get(&membership.cohort_id)
                        .cloned()
                        .unwrap_or_default(),
                    role,
                });
        }
    }

    let users = rows
        .into_iter()
        .map(|user| {
            let mut roles = roles_by_user.remove(&user.id).unwrap_or_default();
            roles.sort_by(|a, b| (&a.cohort_name, a.role).cmp(&(&b.cohort_name, b.role)));
            UserRow {
                id: user.id,
                email: user.email,
                display_name: user.display_name,
                is_admin: user.is_admin,
                disabled: user.disabled,
                invited: user.password_hash.is_none(),
                roles,
            }
        })
        .collect();
    let cohorts = cohort_rows
        .into_iter()
        .map(|cohort| CohortChoice {
            label: crate::cohorts::cohort_label(&cohort.name, cohort.year),
            id: cohort.id,
        })
        .collect();
    Ok(UsersListing {
        users,
        cohorts,
        truncated,
    })
}

/// A validated invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub email: Email,
    pub display_name: String,
    pub membership: Option<Membership>,
    pub administrator: bool,
}

impl Invitation {
    pub fn parse(
        email: &str,
        display_name: &str,
        cohort_id: &str,
        role: &str,
        administrator: bool,
    ) -> Result<Self, AppError> {
        Ok(Invitation {
            email: parse_email("email", email)?,
            display_name: parse_display_name("display_name", display_name)?,
            membership: parse_membership(cohort_id, role)?,
            administrator,
        })
    }
}

/// Parses a cohort id and role from a form. Both empty means no role; one without the
/// other is an error.
pub fn parse_membership(cohort_id: &str, role: &str) -> Result<Option<Membership>, AppError> {
    let (cohort_id, role) = (cohort_id.trim(), role.trim());
    match (cohort_id.is_empty(), role.is_empty()) {
        (true, true) => Ok(None),
        (true, false) => Err(AppError::invalid(
            "cohort_id",
            "Choose the cohort this role is in.",
        )),
        (false, true) => Err(AppError::invalid("role", "Choose a role for this cohort.")),
        (false, false) => {
            let cohort_id = cohort_id
                .parse::<i32>()
                .map_err(|_| AppError::invalid("cohort_id", "Choose a cohort from the list."))?;
            let role = Role::parse(role).ok_or_else(|| {
                AppError::invalid(
                    "role",
                    format!(
                        "\"{role}\" is not a role. Choose fellow, coach, reviewer or facilitator."
                    ),
                )
            })?;
            Ok(Some(Membership { cohort_id, role }))
        }
    }
}

/// Creates the invited account and its first role, and emails the invitation link.
/// An email that already has an account is a conflict, so an invitation is never sent
/// twice by accident.
pub async fn invite(
    state: &AppState,
    actor_user_id: Option<i32>,
    invitation: &Invitation,
) -> Result<(), AppError> {
    let db_error = |error| map_db_error(error, "");
    let transaction = state.db.begin().await.map_err(db_error)?;

    let existing = users::Entity::find()
        .filter(users::Column::EmailNormalized.eq(invitation.email.normalized.as_str()))
        .one(&transaction)
        .await
        .map_err(db_error)?;
    if let Some(user) = existing {
        if user.password_hash.is_some() || user.disabled {
            return Err(AppError::Conflict(format!(
                "An account for {} already exists. Give it a role on its row in the user list instead of inviting it again.",
                invitation.email.as_typed
            )));
        }
        // The person never accepted: send a fresh link, which replaces the old one.
        tokens::revoke_unused(&transaction, user.id, TokenPurpose::Invitation)
            .await
            .map_err(db_error)?;
        if let Some(membership) = invitation.membership {
            ensure_cohort_exists(&transaction, membership.cohort_id).await?;
            let has_role = find_membership(&transaction, user.id, membership)
                .await
                .map_err(db_error)?
                .is_some();
            if !has_role {
                insert_membership(&transaction, user.id, membership)
                    .await
                    .map_err(db_error)?;
            }
        }
        return send_invitation(
            state,
            transaction,
            actor_user_id,
            user,
            invitation.membership,
            "invitation sent again",
        )
        .await;
    }
    if let Some(membership) = invitation.membership {
        ensure_cohort_exists(&transaction, membership.cohort_id).await?;
    }

    let conflict = format!(
        "An account for {} already exists.",
        invitation.email.as_typed
    );
    let user = users::ActiveModel {
        email: Set(invitation.email.as_typed.clone()),
        email_normalized: Set(invitation.email.normalized.clone()),
        display_name: Set(invitation.display_name.clone()),
        password_hash: Set(None),
        is_admin: Set(invitation.administrator),
        disabled: Set(false),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&transaction)
    .await
    .map_err(|error| map_db_error(error, &conflict))?;

    if let Some(membership) = invitation.membership {
        insert_membership(&transaction, user.id, membership)
            .await
            .map_err(db_error)?;
    }
    let note = if invitation.administrator {
        "administrator"
    } else {
        ""
    };
    send_invitation(
        state,
        transaction,
        actor_user_id,
        user,
        invitation.membership,
        note,
    )
    .await
}

/// Issues an invitation token, audits it, commits `transaction`, then emails the link.
async fn send_invitation(
    state: &AppState,
    transaction: sea_orm::DatabaseTransaction,
    actor_user_id: Option<i32>,
    user: users::Model,
    membership: Option<Membership>,
    note: &str,
) -> Result<(), AppError> {
    let db_error = |error| map_db_error(error, "");
    let (token, _) = tokens::issue(&transaction, user.id, TokenPurpose::Invitation)
        .await
        .map_err(db_error)?;
    let cohort_name = match membership {
        Some(membership) => cohorts::Entity::find_by_id(membership.cohort_id)
            .one(&transaction)
            .await
            .map_err(db_error)?
            .map(|cohort| crate::cohorts::cohort_label(&cohort.name, cohort.year)),
        None => None,
    };
    let role_text = match (membership, &cohort_name) {
        (Some(membership), Some(cohort)) => {
            format!(" as a {} in the {cohort} cohort", membership.role.as_str())
        }
        _ => String::new(),
    };
    let details = [user.display_name.as_str(), role_text.trim(), note]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    audit::record(
        &transaction,
        AuditEvent {
            actor_user_id,
            action: actions::USER_INVITED,
            subject: user.email.clone(),
            details,
        },
    )
    .await
    .map_err(db_error)?;
    transaction.commit().await.map_err(db_error)?;

    let link = format!("{}/invitation?token={token}", state.public_url);
    let body = format!(
        "Hello {},\n\nYou are invited to join the Teacher Leadership Institute on TLI Hub{role_text}. To set your password and sign in, open this link within 7 days:\n\n{link}\n",
        user.display_name
    );
    mail::send(
        &state.db,
        &state.mail,
        &user.email,
        "Your invitation to TLI Hub",
        &body,
    )
    .await
    .map_err(db_error)?;
    tracing::info!(user.id = user.id, "user invited");
    Ok(())
}

/// Returns the cohort with `cohort_id`, or a validation error for the form's cohort field.
async fn ensure_cohort_exists(
    db: &impl ConnectionTrait,
    cohort_id: i32,
) -> Result<cohorts::Model, AppError> {
    let found = cohorts::Entity::find_by_id(cohort_id)
        .one(db)
        .await
        .map_err(db_failure)?;
    match found {
        Some(cohort) => Ok(cohort),
        None => Err(AppError::invalid(
            "cohort_id",
            format!("There is no cohort with id {cohort_id}. Choose one from the list."),
        )),
    }
}

/// Returns the row that gives `user_id` the role in `membership`, if there is one.
pub async fn find_membership(
    db: &impl ConnectionTrait,
    user_id: i32,
    membership: Membership,
) -> Result<Option<cohort_memberships::Model>, DbErr> {
    cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::UserId.eq(user_id))
        .filter(cohort_memberships::Column::CohortId.eq(membership.cohort_id))
        .filter(cohort_memberships::Column::Role.eq(membership.role.as_str()))
        .one(db)
        .await
}

pub async fn insert_membership(
    db: &impl ConnectionTrait,
    user_id: i32,
    membership: Membership,
) -> Result<(), DbErr> {
    cohort_memberships::ActiveModel {
        user_id: Set(user_id),
        cohort_id: Set(membership.cohort_id),
        role: Set(membership.role.as_str().to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

async fn find_user(db: &impl ConnectionTrait, user_id: i32) -> Result<users::Model, AppError> {
    match users::Entity::find_by_id(user_id).one(db).await {
        Ok(Some(user)) => Ok(user),
        Ok(None) => Err(AppError::NotFound(format!(
            "There is no user with id {user_id}."
        ))),
        Err(error) => Err(map_db_error(error, "")),
    }
}

pub async fn set_admin(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor_user_id: i32,
    user_id: i32,
    administrator: bool,
) -> Result<(), AppError> {
    let user = find_user(db, user_id).await?;
    let email = user.email.clone();
    let mut active: users::ActiveModel = user.into();
    active.is_admin = Set(administrator);
    active.update(db).await.map_err(db_failure)?;
    audit::record(
        db,
        AuditEvent {
            actor_user_id: Some(actor_user_id),
            action: if administrator {
                actions::ADMIN_GRANTED
            } else {
                actions::ADMIN_REVOKED
            },
            subject: email,
            details: String::new(),
        },
    )
    .await
    .map_err(db_failure)
}

pub async fn set_disabled(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor_user_id: i32,
    user_id: i32,
    disabled: bool,
) -> Result<(), AppError> {
    let db_error = |error| map_db_error(error, "");
    let user = find_user(db, user_id).await?;
    let email = user.email.clone();
    let mut active: users::ActiveModel = user.into();
    active.disabled = Set(disabled);
    active.update(db).await.map_err(db_error)?;
    if disabled {
        crate::auth::session::end_all_for_user(db, user_id)
            .await
            .map_err(db_error)?;
    }
    audit::record(
        db,
        AuditEvent {
            actor_user_id: Some(actor_user_id),
            action: if disabled {
                actions::USER_DISABLED
            } else {
                actions::USER_ENABLED
            },
            subject: email,
            details: String::new(),
        },
    )
    .await
    .map_err(db_error)
}

/// Adds (`add`) or removes a role. Adding a role the user already has, or removing one
/// they lack, is an error that states so and changes nothing.
pub async fn change_role(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor_user_id: Option<i32>,
    user_id: i32,
    membership: Membership,
    add: bool,
) -> Result<(), AppError> {
    let db_error = |error| map_db_error(error, "");
    let user = find_user(db, user_id).await?;
    let cohort = ensure_cohort_exists(db, membership.cohort_id).await?;
    let existing = find_membership(db, user_id, membership)
        .await
        .map_err(db_error)?;
    match (add, existing) {
        (true, Some(_)) => {
            return Err(AppError::Conflict(format!(
                "{} is already a {} in that cohort.",
                user.display_name,
                membership.role.as_str()
            )));
        }
        (true, None) => {
            let conflict = format!(
                "{} is already a {} in that cohort.",
                user.display_name,
                membership.role.as_str()
            );
            insert_membership(db, user_id, membership)
                .await
                .map_err(|error| map_db_error(error, &conflict))?;
        }
        (false, Some(row)) => {
            cohort_memberships::Entity::delete_by_id(row.id)
                .exec(db)
                .await
                .map_err(db_error)?;
        }
        (false, None) => {
            return Err(AppError::NotFound(format!(
                "{} is not a {} in that cohort.",
                user.display_name,
                membership.role.as_str()
            )));
        }
    }
    audit::record(
        db,
        AuditEvent {
            actor_user_id,
            action: if add {
                actions::ROLE_ADDED
            } else {
                actions::ROLE_REMOVED
            },
            subject: user.email,
            details: format!(
                "{} in {}",
                membership.role.as_str(),
                crate::cohorts::cohort_label(&cohort.name, cohort.year)
            ),
        },
    )
    .await
    .map_err(db_error)
}

/// Audit log filters, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub person: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl AuditFilter {
    pub fn parse(action: &str, person: &str, from: &str, to: &str) -> Result<Self, AppError> {
        let action = action.trim();
        if !action.is_empty() && !actions::ALL_ACTIONS.contains(&action) {
            return Err(AppError::invalid(
                "action",
                format!("\"{action}\" is not an audited action. Choose one from the list."),
            ));
        }
        let date = |field: &str, raw: &str| -> Result<Option<NaiveDate>, AppError> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    AppError::invalid(
                        field,
                        format!("\"{raw}\" is not a date. Use the form 2027-01-31."),
                    )
                })
        };
        let filter = AuditFilter {
            action: (!action.is_empty()).then(|| action.to_owned()),
            person: Some(person.trim().to_lowercase()).filter(|person| !person.is_empty()),
            from: date("from", from)?,
            to: date("to", to)?,
        };
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && from > to
        {
            return Err(AppError::invalid(
                "to",
                "The end date is before the start date.",
            ));
        }
        Ok(filter)
    }
}

pub async fn list_audit(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
) -> Result<Vec<AuditRow>, DbErr> {
    let mut query = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::Column::Action.eq(action.as_str()));
    }
    if let Some(person) = &filter.person {
        let pattern = contains_pattern(person);
        let actor_ids: Vec<i32> = users::Entity::find()
            .filter(users::Column::EmailNormalized.like(pattern.clone()))
            .limit(LIST_LIMIT)
            .all(db)
            .await?
            .into_iter()
            .map(|user| user.id)
            .collect();
        query = query.filter(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(audit_log::Column::Subject))).like(pattern))
                .add(audit_log::Column::ActorUserId.is_in(actor_ids)),
        );
    }
    if let Some(from) = filter.from {
        query = query.filter(
            audit_log::Column::OccurredAt
                .gte(from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        );
    }
    if let Some(to) = filter.to {
        let end = to
            .succ_opt()
            .unwrap_or(to)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        query = query.filter(audit_log::Column::OccurredAt.lt(end));
    }
    let rows = query.limit(LIST_LIMIT).all(db).await?;

    let actor_ids: Vec<i32> = rows.iter().filter_map(|row| row.actor_user_id).collect();
    let actor_emails: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(actor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|user| (user.id, user.email))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| AuditRow {
            id: row.id,
            occurred_at: row.occurred_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            actor: row
                .actor_user_id
                .and_then(|id| actor_emails.get(&id).cloned()),
            action: row.action,
            subject: row.subject,
            details: row.details,
            client_address: row.client_address,
        })
        .collect())
}

/// Lists the newest outbox messages. `smtp_configured` decides how an unsent message is
/// described: still on its way, or kept here for want of a mail server.
pub async fn list_outbox(
    db: &impl ConnectionTrait,
    smtp_configured: bool,
) -> Result<Vec<OutboxRow>, DbErr> {
    let rows = outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .limit(LIST_LIMIT)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| OutboxRow {
            id: row.id,
            status: match (&row.sent_at, &row.last_error) {
                (Some(sent), _) => format!("Sent {}", sent.format("%Y-%m-%d %H:%M UTC")),
                (None, Some(error)) => format!("Not delivered: {error}"),
                (None, None) if smtp_configured => "Sending".to_owned(),
                (None, None) => "Kept in the outbox (no SMTP server configured)".to_owned(),
            },
            to_address: row.to_address,
            subject: row.subject,
            body: row.body,
            created_at: row.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect())
}
