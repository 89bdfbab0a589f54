//! Module materials that are files: facilitators upload them, and every member of the
//! cohort downloads them. Uploads go through the same type check and metadata
//! cleaning as evidence.

use app::auth::{Action, Actor, authorize};
use app::context::AppState;
use app::files::{detect, normalize_name};
use app::modules::store::{self, MaterialFields};
use app::modules::{MaterialKind, UploadProblem};
use app::storage::UploadError;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, StatusCode};

use crate::evidence_routes::{FileToServe, bounded_text, clean, discard, drain, serve_file};

/// Takes a `multipart/form-data` post with a `title` and the `file`, adds the file at
/// the end of the module's materials and returns to the editor.
pub async fn upload(
    State(state): State<AppState>,
    Path((cohort_id, module_id)): Path<(i32, i32)>,
    actor: Option<axum::Extension<Actor>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let actor = actor
        .map(|axum::Extension(actor)| actor)
        .unwrap_or_default();
    let editor = format!("/cohorts/{cohort_id}/modules/{module_id}/edit");
    match authorize(&actor, Action::ManageModules(cohort_id)) {
        Ok(()) => {}
        Err(app::error::AppError::Unauthenticated) => {
            return Redirect::to(&format!("/sign-in?next={editor}")).into_response();
        }
        Err(_) => {
            return (
                StatusCode::FORBIDDEN,
                "Only the cohort's facilitators add materials.",
            )
                .into_response();
        }
    }
    let located = match store::locate(&state.db, cohort_id, module_id).await {
        Ok(Some(located)) => located,
        Ok(None) => return (StatusCode::NOT_FOUND, "There is no such module.").into_response(),
        Err(error) => {
            tracing::error!(error = %error, "reading a module failed");
            return failed(&editor, UploadProblem::Storage);
        }
    };
    let Ok(mut multipart) = multipart else {
        return failed(&editor, UploadProblem::NoFile);
    };
    let mut title = String::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return failed(&editor, UploadProblem::NoFile),
            Err(_) => return failed(&editor, UploadProblem::Interrupted),
        };
        match field.name() {
            Some("title") => match bounded_text(field).await {
                Ok(text) => title = text,
                Err(_) => {
                    drain(&mut multipart).await;
                    return failed(&editor, UploadProblem::Title);
                }
            },
            Some("file") => {
                let raw_name = field.file_name().unwrap_or_default().to_owned();
                let stored = state
                    .files
                    .store(field, state.upload_limits.max_file_bytes)
                    .await;
                if stored.is_err() {
                    drain(&mut multipart).await;
                }
                let stored = match stored {
                    Ok(stored) => stored,
                    Err(UploadError::TooLarge { .. }) => {
                        return failed(&editor, UploadProblem::TooLarge);
                    }
                    Err(UploadError::Empty) => return failed(&editor, UploadProblem::Empty),
                    Err(UploadError::Interrupted(_)) => {
                        return failed(&editor, UploadProblem::Interrupted);
                    }
                    Err(UploadError::Storage(error) | UploadError::StorageFull(error)) => {
                        tracing::error!(error = %error, "storing a material failed");
                        return failed(&editor, UploadProblem::Storage);
                    }
                };
                let kind = match detect(&stored.head) {
                    Ok(kind) => kind,
                    Err(_) => {
                        discard(&state, &stored).await;
                        return failed(&editor, UploadProblem::Type);
                    }
                };
                let stored = match clean(&state, &kind, stored).await {
                    Ok((stored, _)) => stored,
                    Err(_) => return failed(&editor, UploadProblem::Storage),
                };
                let name = normalize_name(&raw_name, &kind);
                let title = match app::modules::api::checked_title(&title) {
                    Ok(title) => title,
                    Err(_) => name
                        .rsplit_once('.')
                        .map_or(name.as_str(), |(stem, _)| stem)
                        .to_owned(),
                };
                let size = i64::try_from(stored.size).unwrap_or(i64::MAX);
                let added = store::add_material(
                    &state.db,
                    located.module.id,
                    MaterialFields {
                        kind: MaterialKind::File,
                        title,
                        body: String::new(),
                        url: None,
                    },
                    Some((stored.sha256.clone(), name, kind.mime.to_owned(), size)),
                )
                .await;
                return match added {
                    Ok(material) => Redirect::to(&format!(
                        "{editor}?done=material_saved#material-{}",
                        material.id
                    ))
                    .into_response(),
                    Err(error) => {
                        tracing::error!(error = %error, "recording a material failed");
                        discard(&state, &stored).await;
                        failed(&editor, UploadProblem::Storage)
                    }
                };
            }
            _ => {}
        }
    }
}

fn failed(editor: &str, problem: UploadProblem) -> Response {
    Redirect::to(&format!(
        "{editor}?upload_error={}#new-file",
        problem.code()
    ))
    .into_response()
}

/// Sends a material's file to a member of its cohort.
pub async fn download(
    State(state): State<AppState>,
    Path(material_id): Path<i32>,
    actor: Option<axum::Extension<Actor>>,
    headers: HeaderMap,
) -> Response {
    let actor = actor
        .map(|axum::Extension(actor)| actor)
        .unwrap_or_default();
    let not_found = || (StatusCode::NOT_FOUND, "There is no such file.").into_response();
    let (material, located) = match store::locate_material(&state.db, material_id).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(error = %error, "reading a material failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The file cannot be read right now. Try again in a minute.",
            )
                .into_response();
        }
    };
    if authorize(&actor, Action::ViewModules(located.cohort.id)).is_err() {
        return not_found();
    }
    let name = material
        .file_name
        .clone()
        .unwrap_or_else(|| "material".into());
    serve_file(
        &state,
        FileToServe {
            sha256: material.file_key.clone(),
            size: material.file_size,
            mime: material.file_type.as_deref(),
        },
        &name,
        &headers,
    )
    .await
}
