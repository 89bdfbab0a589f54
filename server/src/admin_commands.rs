//! The administration commands of the command line: create-admin, invite and
//! import-roster. Each returns the one-line message to print on failure.

use std::io::BufRead;
use std::path::Path;

use app::admin::store::{Invitation, invite as send_invitation};
use app::audit::{self, AuditEvent, actions};
use app::auth::input::{check_new_password, parse_display_name, parse_email};
use app::auth::password::hash_password;
use app::cohorts::store::CohortDirectory;
use app::context::AppState;
use app::entities::users;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::roster;

/// Reads the new administrator's password from `TLI_ADMIN_PASSWORD` or standard input.
fn read_admin_password() -> Result<String, String> {
    if let Ok(password) = std::env::var("TLI_ADMIN_PASSWORD") {
        return Ok(password);
    }
    eprintln!("Password for the new administrator (one line):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| format!("cannot read the password from standard input: {error}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

pub async fn create_admin(state: &AppState, email: &str, name: &str) -> Result<(), String> {
    let email = parse_email("email", email).map_err(|error| format!("--email: {error}"))?;
    let name = parse_display_name("name", name).map_err(|error| format!("--name: {error}"))?;
    let password = read_admin_password()?;
    check_new_password("password", &password).map_err(|error| format!("password: {error}"))?;

    let existing = users::Entity::find()
        .filter(users::Column::EmailNormalized.eq(email.normalized.as_str()))
        .one(&state.db)
        .await
        .map_err(|error| format!("database error: {error}"))?;
    if existing.is_some() {
        return Err(format!(
            "an account for {} already exists; choose another email for the new administrator.",
            email.as_typed
        ));
    }
    let hash = hash_password(password)
        .await
        .map_err(|error| error.to_string())?;
    let user = users::ActiveModel {
        email: Set(email.as_typed.clone()),
        email_normalized: Set(email.normalized.clone()),
        display_name: Set(name),
        password_hash: Set(Some(hash)),
        is_admin: Set(true),
        disabled: Set(false),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .map_err(|error| format!("creating the account failed: {error}"))?;
    audit::record(
        &state.db,
        AuditEvent {
            actor_user_id: None,
            action: actions::ADMIN_CREATED,
            subject: user.email.clone(),
            details: "created from the command line".into(),
        },
    )
    .await
    .map_err(|error| format!("database error: {error}"))?;
    println!("Created administrator {} (user {}).", user.email, user.id);
    Ok(())
}

pub async fn invite(
    state: &AppState,
    email: &str,
    name: &str,
    cohort: Option<&str>,
    role: Option<&str>,
    admin: bool,
) -> Result<(), String> {
    let cohort_id = match cohort {
        None => String::new(),
        Some(text) => CohortDirectory::load(&state.db)
            .await
            .map_err(|error| format!("database error: {error}"))?
            .resolve(text)
            .map_err(|message| format!("--cohort: {message}."))?
            .to_string(),
    };
    let invitation = Invitation::parse(email, name, &cohort_id, role.unwrap_or_default(), admin)
        .map_err(|error| error.to_string())?;
    send_invitation(state, None, &invitation)
        .await
        .map_err(|error| error.to_string())?;
    println!(
        "Invited {}. The invitation email is in the outbox{}.",
        invitation.email.as_typed,
        if state.mail.smtp_url.is_some() {
            " and on its way"
        } else {
            " (no SMTP server is configured)"
        }
    );
    Ok(())
}

/// Imports a roster. Every row is checked, against the database too, before
/// `check_public_url` decides whether invitations can be sent at all.
pub async fn import_roster(
    state: &AppState,
    file: &Path,
    dry_run: bool,
    check_public_url: impl FnOnce() -> Result<(), String>,
) -> Result<(), String> {
    let bytes =
        std::fs::read(file).map_err(|error| format!("cannot read {}: {error}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        format!(
            "{} is not UTF-8 text; save it as CSV UTF-8 and try again.",
            file.display()
        )
    })?;
    let report = |problems: Vec<roster::RosterProblem>| {
        for problem in &problems {
            eprintln!("{}: {problem}", file.display());
        }
        format!(
            "nothing was imported: {} problem(s) in {}.",
            problems.len(),
            file.display()
        )
    };
    let rows = roster::parse(&text).map_err(report)?;
    let mut plan = roster::import(state, &rows, true).await.map_err(report)?;
    if !dry_run {
        check_public_url()?;
        plan = roster::import(state, &rows, false).await.map_err(report)?;
    }
    if !dry_run {
        audit::record(
            &state.db,
            AuditEvent {
                actor_user_id: None,
                action: actions::ROSTER_IMPORTED,
                subject: file.display().to_string(),
                details: format!(
                    "{} invited, {} roles added, {} unchanged",
                    plan.invitations, plan.roles_added, plan.unchanged
                ),
            },
        )
        .await
        .map_err(|error| format!("database error: {error}"))?;
    }
    println!(
        "{}{} rows: {} new people {}, {} roles {} to existing accounts, {} unchanged.",
        if dry_run {
            "Dry run, nothing changed. "
        } else {
            ""
        },
        rows.len(),
        plan.invitations,
        if dry_run { "to invite" } else { "invited" },
        plan.roles_added,
        if dry_run { "to add" } else { "added" },
        plan.unchanged
    );
    Ok(())
}
