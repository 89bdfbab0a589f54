//! Server functions for exports and for deleting a person's data.

use leptos::prelude::*;

use super::{DeletionPreview, MyDataView, ProgressReading};
use crate::error::AppError;

/// The page where people request and download exports.
pub const MY_DATA_PATH: &str = "/my-data";

/// Returns the caller's exports, newest first, and the cohorts they may export.
#[server(prefix = "/api", endpoint = "exports/list", input = server_fn::codec::GetUrl)]
pub async fn get_my_data() -> Result<MyDataView, AppError> {
    use crate::auth::{Action, Role};
    use crate::context::{authorized, db, db_failure};
    use crate::entities::{cohorts, exports};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    let actor = authorized(Action::ExportOwnData)?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let db = db()?;
    let rows = exports::Entity::find()
        .filter(exports::Column::RequestedByUserId.eq(user.id))
        .order_by_desc(exports::Column::CreatedAt)
        .all(&db)
        .await
        .map_err(db_failure)?;
    let all_cohorts = cohorts::Entity::find()
        .order_by_asc(cohorts::Column::Name)
        .all(&db)
        .await
        .map_err(db_failure)?;
    // Times show in the person's own zone, or else in their first cohort's, as
    // elsewhere.
    let cohort_zone = user.memberships.iter().find_map(|membership| {
        all_cohorts
            .iter()
            .find(|cohort| cohort.id == membership.cohort_id)
            .map(|cohort| cohort.time_zone.clone())
    });
    let zone = user
        .time_zone
        .clone()
        .or(cohort_zone)
        .and_then(|name| name.parse::<chrono_tz::Tz>().ok())
        .unwrap_or(chrono_tz::UTC);
    let name_of = |id: Option<i32>| {
        all_cohorts
            .iter()
            .find(|cohort| Some(cohort.id) == id)
            .map(|cohort| format!("Cohort {}", cohort.name))
            .unwrap_or_else(|| "Cohort".into())
    };
    let exports = rows
        .into_iter()
        .map(|row| super::ExportRow {
            label: match super::ExportKind::parse(&row.kind) {
                Some(super::ExportKind::Cohort) => name_of(row.cohort_id),
                _ => "Your data".into(),
            },
            state: super::ExportState::parse(&row.state).unwrap_or(super::ExportState::Failed),
            steps_done: row.steps_done,
            steps_total: row.steps_total,
            size_bytes: row.size_bytes,
            error: row.error,
            requested: crate::local_time::format_in_zone(row.created_at, zone),
            expires: row
                .expires_at
                .map(|at| crate::local_time::format_in_zone(at, zone)),
            public_id: row.public_id,
        })
        .collect();
    let cohorts = all_cohorts
        .into_iter()
        .filter(|cohort| user.is_admin || user.has_role_in(cohort.id, Role::Facilitator))
        .map(|cohort| (cohort.id, cohort.name))
        .collect();
    Ok(MyDataView { exports, cohorts })
}

/// Queues an archive of the caller's own data (`kind` "fellow") or of a cohort's work
/// (`kind` "cohort", for its facilitators and administrators).
#[server(prefix = "/api", endpoint = "exports/request")]
pub async fn request_export(
    kind: String,
    #[server(default)] cohort_id: Option<i32>,
) -> Result<(), AppError> {
    use super::ExportKind;
    use crate::auth::Action;
    use crate::context::{
        app_state, authorized, client_address, db, db_failure, fail, redirect_to,
    };
    use sea_orm::EntityTrait;

    let kind = match ExportKind::parse(&kind) {
        Some(kind) => kind,
        None => {
            return fail(AppError::Invalid {
                field: "kind".into(),
                message: "Choose what to export: your own data or a cohort's work.".into(),
            });
        }
    };
    let db = db()?;
    let now = chrono::Utc::now();
    match (kind, cohort_id) {
        (ExportKind::Fellow, _) => {
            let actor = authorized(Action::ExportOwnData)?;
            let user = actor.user().ok_or(AppError::Unauthenticated)?;
            let job = super::jobs::request(&db, kind, user.id, Some(user.id), None, now)
                .await
                .map_err(db_failure)?;
            super::jobs::remove_superseded(&db, &app_state()?.files, &job)
                .await
                .map_err(db_failure)?;
        }
        (ExportKind::Cohort, Some(cohort_id)) => {
            let actor = authorized(Action::ExportCohort(cohort_id))?;
            let user = actor.user().ok_or(AppError::Unauthenticated)?;
            let exists = crate::entities::cohorts::Entity::find_by_id(cohort_id)
                .one(&db)
                .await
                .map_err(db_failure)?;
            if exists.is_none() {
                return fail(AppError::NotFound("There is no such cohort.".into()));
            }
            let job = super::jobs::request(&db, kind, user.id, None, Some(cohort_id), now)
                .await
                .map_err(db_failure)?;
            super::jobs::remove_superseded(&db, &app_state()?.files, &job)
                .await
                .map_err(db_failure)?;
            crate::audit::record_from(
                &db,
                crate::audit::AuditEvent {
                    actor_user_id: Some(user.id),
                    action: crate::audit_actions::COHORT_EXPORTED,
                    subject: format!("cohort {cohort_id}"),
                    details: format!("export {}", job.public_id),
                },
                Some(client_address()),
            )
            .await
            .map_err(db_failure)?;
        }
        (ExportKind::Cohort, None) => {
            return fail(AppError::Invalid {
                field: "cohort_id".into(),
                message: "Choose the cohort to export.".into(),
            });
        }
    }
    redirect_to(&format!("{MY_DATA_PATH}?done=queued"));
    Ok(())
}

/// Returns the progress of one of the caller's exports for the page's live region, or
/// `None` when it still matches `tag`. A finished export makes the page reload, so
/// that it shows the download link or the error.
#[cfg(feature = "ssr")]
pub async fn export_progress(
    public_id: String,
    tag: String,
) -> Result<Option<crate::live::LiveUpdate>, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail};
    use crate::entities::exports;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let actor = authorized(Action::ExportOwnData)?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let Some(row) = exports::Entity::find()
        .filter(exports::Column::PublicId.eq(public_id.as_str()))
        .filter(exports::Column::RequestedByUserId.eq(user.id))
        .one(&db()?)
        .await
        .map_err(db_failure)?
    else {
        return fail(AppError::NotFound("There is no such export.".into()));
    };
    let reading = ProgressReading {
        state: super::ExportState::parse(&row.state).unwrap_or(super::ExportState::Failed),
        steps_done: row.steps_done,
        steps_total: row.steps_total,
    };
    let current = format!(
        "{}:{}:{}",
        reading.state.name(),
        reading.steps_done,
        reading.steps_total
    );
    if current == tag {
        return Ok(None);
    }
    Ok(Some(crate::live::LiveUpdate {
        tag: current,
        texts: vec![
            (
                super::bar_id(&public_id),
                format!("{}/{}", reading.steps_done, reading.steps_total.max(1)),
            ),
            (super::text_id(&public_id), super::progress_text(&reading)),
        ],
        reload: !reading.state.in_progress(),
    }))
}

/// Returns what deleting a person's data would remove, for administrators.
#[server(prefix = "/api", endpoint = "people/deletion", input = server_fn::codec::GetUrl)]
pub async fn get_deletion_preview(user_id: i32) -> Result<DeletionPreview, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure};

    authorized(Action::DeletePersonData)?;
    match super::erase::preview(&db()?, user_id)
        .await
        .map_err(db_failure)?
    {
        Some(preview) => Ok(preview),
        None => crate::context::fail(AppError::NotFound("There is no such person.".into())),
    }
}

/// Deletes a fellow's data on their request, once the administrator has typed the
/// person's email address to confirm.
#[server(prefix = "/api", endpoint = "people/delete")]
pub async fn delete_person_data(
    user_id: i32,
    #[server(default)] confirm_email: String,
) -> Result<(), AppError> {
    use super::erase::{EraseError, erase};
    use crate::auth::Action;
    use crate::context::{app_state, authorized, client_address, db_failure, fail, redirect_to};

    let actor = authorized(Action::DeletePersonData)?;
    let admin = actor.user().ok_or(AppError::Unauthenticated)?;
    if confirm_email.trim().is_empty() {
        return fail(AppError::Invalid {
            field: "confirm_email".into(),
            message: "Type the person's email address to confirm the deletion.".into(),
        });
    }
    let state = app_state()?;
    match erase(
        &state.db,
        &state.files,
        user_id,
        &confirm_email,
        Some(admin.id),
        Some(client_address()),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(_) => {
            redirect_to(&format!("/admin/users/{user_id}/delete?done=deleted"));
            Ok(())
        }
        Err(EraseError::NotFound) => fail(AppError::NotFound("There is no such person.".into())),
        Err(EraseError::Blocked(message)) => fail(AppError::Invalid {
            field: "confirm_email".into(),
            message,
        }),
        Err(EraseError::Database(error)) => fail(db_failure(error)),
    }
}
