//! The evidence upload and download routes. Uploads stream into storage as they
//! arrive, so a file larger than the limit is refused as soon as it crosses it, and
//! downloads carry headers that keep browsers from running anything in them.

use app::auth::{Action, Actor, authorize};
use app::context::AppState;
use app::error::AppError;
use app::files::{FileKind, detect, normalize_name, strip_metadata};
use app::portfolio::evidence_store::{self, NewEvidence, StoredFileFields};
use app::portfolio::{EvidenceKind, size_text};
use app::storage::{StoredFile, UploadError};
use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Serialize;

/// The largest image accepted: images are read into memory to remove their metadata.
const IMAGE_MAX_BYTES: u64 = 50 * 1024 * 1024;

/// PDFs and office documents up to this size are read whole to find the author in
/// their metadata.
const METADATA_SCAN_BYTES: u64 = 20 * 1024 * 1024;

/// The upload route's response to the page's script.
#[derive(Serialize)]
struct Uploaded {
    id: i32,
    /// Path of the item's page.
    location: String,
    /// True when the fellow already had this content, so nothing new was stored.
    duplicate: bool,
}

#[derive(Serialize)]
struct UploadFailure {
    error: String,
}

/// A refused upload: the status, a code for the page without script, and the message.
pub(crate) struct Rejection {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

pub(crate) fn reject(
    status: StatusCode,
    code: &'static str,
    message: impl Into<String>,
) -> Rejection {
    Rejection {
        status,
        code,
        message: message.into(),
    }
}

/// Takes a `multipart/form-data` upload with an optional `title` and the `file`.
/// Browsers with the page's script request JSON and show progress. A plain form post
/// gets a redirect.
pub async fn upload(
    State(state): State<AppState>,
    actor: Option<axum::Extension<Actor>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"));
    let actor = actor
        .map(|axum::Extension(actor)| actor)
        .unwrap_or_default();
    let outcome = match authorize(&actor, Action::KeepPortfolio) {
        Err(AppError::Unauthenticated) => Err(reject(
            StatusCode::UNAUTHORIZED,
            "signed_out",
            "Your session has ended. Sign in again, then upload the file again.",
        )),
        Err(_) => Err(reject(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Only fellows keep an evidence library.",
        )),
        Ok(()) => match multipart {
            Err(_) => Err(reject(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "not_upload",
                "Send the file as a form upload (multipart/form-data) with a field named file.",
            )),
            Ok(multipart) => {
                let owner = actor.user().map(|user| user.id).unwrap_or_default();
                receive(&state, owner, multipart).await
            }
        },
    };
    match (outcome, wants_json) {
        (Ok(uploaded), true) => Json(uploaded).into_response(),
        (Ok(uploaded), false) => {
            let done = if uploaded.duplicate {
                "duplicate"
            } else {
                "uploaded"
            };
            Redirect::to(&format!("{}?done={done}", uploaded.location)).into_response()
        }
        (Err(rejection), true) => (
            rejection.status,
            Json(UploadFailure {
                error: rejection.message,
            }),
        )
            .into_response(),
        (Err(rejection), false) => {
            if rejection.code == "signed_out" {
                Redirect::to("/sign-in?next=/evidence").into_response()
            } else {
                Redirect::to(&format!("/evidence?upload_error={}", rejection.code)).into_response()
            }
        }
    }
}

async fn receive(
    state: &AppState,
    owner: i32,
    mut multipart: Multipart,
) -> Result<Uploaded, Rejection> {
    let storage_failed = |error: &dyn std::fmt::Display| {
        tracing::error!(error = %error, "storing an upload failed");
        reject(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage",
            "The file could not be stored right now. Nothing was saved; try again in a minute.",
        )
    };
    let database_failed = |error: sea_orm::DbErr| {
        tracing::error!(error = %error, "recording an upload failed");
        reject(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage",
            "The file could not be recorded right now. Nothing was saved; try again in a minute.",
        )
    };
    let limits = state.upload_limits;
    let used = evidence_store::used_bytes(&state.db, owner)
        .await
        .map_err(database_failed)?;
    let room = limits.quota_bytes.saturating_sub(used);
    if room == 0 {
        return Err(quota_full(limits.quota_bytes));
    }
    let limit = limits.max_file_bytes.min(room);

    let mut title = String::new();
    let mut description = String::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => {
                return Err(reject(
                    StatusCode::BAD_REQUEST,
                    "no_file",
                    "No file arrived. Choose a file and upload it again.",
                ));
            }
            Err(_) => return Err(interrupted()),
        };
        match field.name() {
            Some(name @ ("title" | "description")) => {
                let is_title = name == "title";
                let text = bounded_text(field).await;
                match text {
                    Ok(text) if is_title => title = text,
                    Ok(text) => description = text,
                    Err(rejection) => {
                        drain(&mut multipart).await;
                        return Err(rejection);
                    }
                }
            }
            Some("file") => {
                let raw_name = field.file_name().unwrap_or_default().to_owned();
                let stored = state.files.store(field, limit).await;
                if stored.is_err() {
                    drain(&mut multipart).await;
                }
                let stored = match stored {
                    Ok(stored) => stored,
                    Err(UploadError::TooLarge { .. }) if limit < limits.max_file_bytes => {
                        return Err(quota_full(limits.quota_bytes));
                    }
                    Err(UploadError::TooLarge { limit }) => {
                        return Err(reject(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "too_large",
                            format!(
                                "The file is larger than {}, the most one upload can be. Compress it or, for video, upload it to a video site and add the link.",
                                size_text(limit)
                            ),
                        ));
                    }
                    Err(UploadError::Empty) => {
                        return Err(reject(
                            StatusCode::BAD_REQUEST,
                            "empty",
                            "The file is empty (0 bytes). Choose the file again; if it is still empty, save it again from the program that made it.",
                        ));
                    }
                    Err(UploadError::Interrupted(_)) => return Err(interrupted()),
                    Err(UploadError::StorageFull(error)) => {
                        tracing::error!(error = %error, "storing an upload failed: the storage is full");
                        return Err(reject(
                            StatusCode::INSUFFICIENT_STORAGE,
                            "storage_full",
                            "The server's file storage is full, so this file was not saved. Everything saved before is safe. Tell your program administrator, and upload the file again once they have made room.",
                        ));
                    }
                    Err(UploadError::Storage(error)) => return Err(storage_failed(&error)),
                };
                return finish(state, owner, stored, &raw_name, title, description).await;
            }
            _ => {}
        }
    }
}

/// Maximum size of a text field in the upload form, in bytes. A title and a
/// description fit in far less.
const TEXT_FIELD_MAX_BYTES: usize = 16 * 1024;

/// Reads a text field of the upload form without holding more than
/// [`TEXT_FIELD_MAX_BYTES`] of it.
pub(crate) async fn bounded_text(
    mut field: axum::extract::multipart::Field<'_>,
) -> Result<String, Rejection> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| interrupted())? {
        if bytes.len() + chunk.len() > TEXT_FIELD_MAX_BYTES {
            return Err(reject(
                StatusCode::PAYLOAD_TOO_LARGE,
                "title",
                "The title or description is far too long. Keep the title to one line and the description to a paragraph.",
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Reads and discards what the client is still sending, for up to ten seconds, so
/// that it receives the rejection rather than a closed connection.
pub(crate) async fn drain(multipart: &mut Multipart) {
    let drained = async {
        while let Ok(Some(mut field)) = multipart.next_field().await {
            while let Ok(Some(_)) = field.chunk().await {}
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), drained)
        .await
        .ok();
}

pub(crate) fn interrupted() -> Rejection {
    reject(
        StatusCode::BAD_REQUEST,
        "interrupted",
        "The upload stopped before the whole file arrived. Nothing was saved; upload it again.",
    )
}

fn quota_full(quota: u64) -> Rejection {
    reject(
        StatusCode::PAYLOAD_TOO_LARGE,
        "quota",
        format!(
            "This file does not fit in your library's {} of space. Remove evidence you no longer need, or add large videos as links.",
            size_text(quota)
        ),
    )
}

/// Removes an upload's blob when this upload stored it and no item refers to it. When
/// the database cannot tell, the blob stays: an unused blob only costs space.
pub(crate) async fn discard(state: &AppState, stored: &StoredFile) {
    if stored.newly_stored
        && !evidence_store::blob_in_use(&state.db, &stored.sha256)
            .await
            .unwrap_or(true)
    {
        state.files.remove(&stored.sha256).await.ok();
    }
}

/// Decides the type, strips image metadata and records the item.
async fn finish(
    state: &AppState,
    owner: i32,
    stored: StoredFile,
    raw_name: &str,
    title: String,
    description: String,
) -> Result<Uploaded, Rejection> {
    let kind = match detect(&stored.head) {
        Ok(kind) => kind,
        Err(message) => {
            discard(state, &stored).await;
            let code = if message.contains("web page") {
                "markup"
            } else {
                "type"
            };
            return Err(reject(StatusCode::UNSUPPORTED_MEDIA_TYPE, code, message));
        }
    };

    let (stored, author) = match clean(state, &kind, stored).await {
        Ok(cleaned) => cleaned,
        Err(rejection) => return Err(rejection),
    };

    if let Ok(Some(existing)) = evidence_store::find_file(&state.db, owner, &stored.sha256).await {
        return Ok(Uploaded {
            id: existing.id,
            location: format!("/evidence/{}", existing.id),
            duplicate: true,
        });
    }

    let name = normalize_name(raw_name, &kind);
    let title = app::portfolio::evidence_api::without_direction_overrides(&title);
    let title = title.trim();
    let title = if title.is_empty() || !app::text::is_one_line(title) {
        name.rsplit_once('.')
            .map_or(name.as_str(), |(stem, _)| stem)
            .to_owned()
    } else {
        title
            .chars()
            .take(app::portfolio::evidence_api::TITLE_MAX_CHARS)
            .collect()
    };

    let item = evidence_store::insert(
        &state.db,
        NewEvidence {
            owner,
            kind: EvidenceKind::File,
            title,
            description: description
                .trim()
                .chars()
                .take(app::portfolio::evidence_api::DESCRIPTION_MAX_CHARS)
                .collect(),
            file: Some(StoredFileFields {
                sha256: stored.sha256.clone(),
                size: stored.size,
                mime: kind.mime.to_owned(),
                name,
                pdf_preferred: kind.pdf_preferred,
                author,
            }),
            url: None,
            body: None,
        },
    )
    .await;
    let item = match item {
        Ok(item) => item,
        Err(error) => {
            discard(state, &stored).await;
            tracing::error!(error = %error, "recording an upload failed");
            return Err(reject(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage",
                "The file could not be recorded right now. Nothing was saved; try again in a minute.",
            ));
        }
    };

    // Uploads running side by side each passed the quota check at the start; the
    // ones recorded after the quota filled up are taken back.
    let quota = state.upload_limits.quota_bytes;
    match evidence_store::used_bytes_through(&state.db, owner, item.id).await {
        Ok(used) if used > quota => {
            use sea_orm::EntityTrait;
            app::entities::evidence_items::Entity::delete_by_id(item.id)
                .exec(&state.db)
                .await
                .ok();
            discard(state, &stored).await;
            Err(quota_full(quota))
        }
        _ => Ok(Uploaded {
            id: item.id,
            location: format!("/evidence/{}", item.id),
            duplicate: false,
        }),
    }
}

/// Removes image metadata, storing the cleaned copy in place of the upload, and reads
/// a PDF's author. Returns the file to record and the author, if any.
pub(crate) async fn clean(
    state: &AppState,
    kind: &FileKind,
    stored: StoredFile,
) -> Result<(StoredFile, Option<String>), Rejection> {
    let failed = |error: &dyn std::fmt::Display| {
        tracing::error!(error = %error, "reading an upload back failed");
        reject(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage",
            "The file could not be processed right now. Nothing was saved; try again in a minute.",
        )
    };

    let office = kind.mime.starts_with("application/vnd.openxmlformats")
        || kind.mime.starts_with("application/vnd.oasis.opendocument");
    if kind.mime == "application/pdf" || office {
        let read_author = if office {
            app::portfolio::names::office_author
        } else {
            app::portfolio::names::pdf_author
        };
        let author = if stored.size <= METADATA_SCAN_BYTES {
            let content = state
                .files
                .read_all(&stored.sha256)
                .await
                .map_err(|e| failed(&e))?;
            read_author(&content)
        } else if office {
            // An office document's metadata sits in its zip directory at the end.
            None
        } else {
            read_author(&stored.head)
        };
        return Ok((stored, author));
    }

    // NOTE: audio and video keep their metadata, which for phone videos includes
    // the place of recording; the pre-submission check warns about videos.
    if !kind.mime.starts_with("image/") {
        return Ok((stored, None));
    }

    if stored.size > IMAGE_MAX_BYTES {
        discard(state, &stored).await;
        return Err(reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            "image_size",
            format!(
                "Images can be at most {}, because their metadata is removed in memory. Export the photo at a smaller size and upload that.",
                size_text(IMAGE_MAX_BYTES)
            ),
        ));
    }

    let content = state
        .files
        .read_all(&stored.sha256)
        .await
        .map_err(|e| failed(&e))?;
    let cleaned = match strip_metadata(kind, content.to_vec()) {
        Ok(cleaned) => cleaned,
        Err(message) => {
            discard(state, &stored).await;
            return Err(reject(StatusCode::UNSUPPORTED_MEDIA_TYPE, "image", message));
        }
    };

    if cleaned.as_slice() == content.as_ref() {
        return Ok((stored, None));
    }

    let original = stored;
    let chunks = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(
        bytes::Bytes::from(cleaned),
    )]);
    let replacement = state
        .files
        .store(chunks, u64::MAX)
        .await
        .map_err(|e| failed(&e))?;
    discard(state, &original).await;
    Ok((replacement, None))
}

/// Media types served for viewing in the page; everything else is a download.
const INLINE_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "audio/mpeg",
    "audio/mp4",
    "audio/wav",
    "audio/ogg",
    "video/mp4",
    "video/quicktime",
    "video/webm",
];

/// Serves an item's file to those who may see it, with a single byte range when asked
/// (video players seek with ranges).
pub async fn download(
    State(state): State<AppState>,
    actor: Option<axum::Extension<Actor>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let actor = actor
        .map(|axum::Extension(actor)| actor)
        .unwrap_or_default();
    if actor.user().is_none() {
        return (StatusCode::UNAUTHORIZED, "Sign in to see this file.").into_response();
    }
    let not_found = || {
        (
            StatusCode::NOT_FOUND,
            "There is no such file, or it is not yours to see.",
        )
            .into_response()
    };
    let Ok(id) = id.parse::<i32>() else {
        return not_found();
    };
    let item = match evidence_store::find(&state.db, id).await {
        Ok(Some(item)) => item,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(error = %error, "reading evidence failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "Try again in a minute.").into_response();
        }
    };
    match evidence_store::may_view(&state.db, &actor, item.owner_user_id).await {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(error) => {
            tracing::error!(error = %error, "checking access to evidence failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "Try again in a minute.").into_response();
        }
    }
    let name = item.file_name.clone().unwrap_or_else(|| "evidence".into());
    serve_file(&state, (&item).into(), &name, &headers).await
}

/// Serves an artifact of the attempt a review scores, to its reviewer or to a lead
/// reviewer. The file is named by the submission's code and the artifact's number, so
/// the fellow's own file name never reaches the reviewer.
pub async fn review_artifact(
    State(state): State<AppState>,
    actor: Option<axum::Extension<Actor>>,
    Path((review_id, number)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    use app::entities::reviews;
    use sea_orm::EntityTrait;
    let actor = actor
        .map(|axum::Extension(actor)| actor)
        .unwrap_or_default();
    let Some(user) = actor.user() else {
        return (StatusCode::UNAUTHORIZED, "Sign in to see this file.").into_response();
    };
    let not_found = || {
        (
            StatusCode::NOT_FOUND,
            "There is no such artifact, or the review is not assigned to you.",
        )
            .into_response()
    };
    let (Ok(review_id), Ok(number)) = (review_id.parse::<i32>(), number.parse::<usize>()) else {
        return not_found();
    };
    let lead = app::auth::authorize(&actor, app::auth::Action::ManageReviews).is_ok();
    let found = async {
        let Some(review) = reviews::Entity::find_by_id(review_id)
            .one(&state.db)
            .await?
        else {
            return Ok(None);
        };
        if review.reviewer_user_id != user.id && !lead {
            return Ok(None);
        }
        let Some((attempt, submission)) =
            app::review::store::attempt_and_submission(&state.db, review.submission_attempt_id)
                .await?
        else {
            return Ok(None);
        };
        let content = app::portfolio::submission_store::decode(&attempt.content);
        let Some(evidence_id) = number
            .checked_sub(1)
            .and_then(|index| content.artifact(index))
        else {
            return Ok(None);
        };
        let item = evidence_store::find(&state.db, evidence_id).await?;
        Ok::<_, sea_orm::DbErr>(item.map(|item| (item, app::review::store::code_of(&submission))))
    }
    .await;
    let (item, code) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(error = %error, "reading a review artifact failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "Try again in a minute.").into_response();
        }
    };
    let extension = item
        .file_name
        .as_deref()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, extension)| extension)
        .filter(|extension| {
            extension.len() <= 5 && extension.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .map(|extension| format!(".{}", extension.to_ascii_lowercase()))
        .unwrap_or_default();
    let name = format!("{code}-artifact-{number}{extension}");
    serve_file(&state, (&item).into(), &name, &headers).await
}

/// Sends a stored file under `name`, with the headers that keep it inert.
/// A stored file to send: its blob, size and media type.
pub struct FileToServe<'a> {
    pub sha256: Option<String>,
    pub size: Option<i64>,
    pub mime: Option<&'a str>,
}

impl<'a> From<&'a app::entities::evidence_items::Model> for FileToServe<'a> {
    fn from(item: &'a app::entities::evidence_items::Model) -> Self {
        FileToServe {
            sha256: item.file_sha256.clone(),
            size: item.file_size,
            mime: item.file_mime.as_deref(),
        }
    }
}

pub async fn serve_file(
    state: &AppState,
    file: FileToServe<'_>,
    name: &str,
    headers: &HeaderMap,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "There is no such file.").into_response();
    let (Some(sha256), Some(size)) = (file.sha256.clone(), file.size) else {
        return not_found();
    };
    let size = size.max(0) as u64;
    let etag = format!("\"{sha256}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        == Some(etag.as_str())
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mime = file.mime.unwrap_or("application/octet-stream");
    let inline = INLINE_TYPES.contains(&mime);
    let served_type = if inline || is_known_download(mime) {
        mime
    } else {
        "application/octet-stream"
    };
    let range_header = headers
        .get(header::RANGE)
        .and_then(|value| value.to_str().ok());
    let range = range_header.and_then(|value| parse_range(value, size));
    if range.is_none() && range_header.is_some_and(|value| out_of_bounds(value, size)) {
        let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
        if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
            response.headers_mut().insert(header::CONTENT_RANGE, value);
        }
        return response;
    }
    let (status, body, length) = match range.clone() {
        Some(range) => match state.files.read_range(&sha256, range.clone()).await {
            Ok(stream) => (
                StatusCode::PARTIAL_CONTENT,
                Body::from_stream(stream),
                range.end - range.start,
            ),
            Err(error) => return storage_unavailable(&error),
        },
        None => match state.files.read(&sha256).await {
            Ok(stream) => (StatusCode::OK, Body::from_stream(stream), size),
            Err(error) => return storage_unavailable(&error),
        },
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(served_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(range) = range {
        if let Ok(value) =
            HeaderValue::from_str(&format!("bytes {}-{}/{size}", range.start, range.end - 1))
        {
            headers.insert(header::CONTENT_RANGE, value);
        }
    }
    if let Ok(value) = HeaderValue::from_str(&content_disposition(inline, name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    // Pages of this site may show the file in a frame; nothing in the file may run.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; media-src 'self'; object-src 'self'; plugin-types application/pdf; frame-ancestors 'self'",
        ),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    response
}

/// Office documents and plain text, which are downloaded with their own type.
fn is_known_download(mime: &str) -> bool {
    mime.starts_with("application/vnd.")
        || matches!(mime, "application/msword" | "text/plain; charset=utf-8")
}

fn storage_unavailable(error: &object_store::Error) -> Response {
    tracing::error!(error = %error, "reading a stored file failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The file cannot be read right now. Try again in a minute.",
    )
        .into_response()
}

/// Builds a Content-Disposition value that keeps Unicode names (RFC 6266 and 5987)
/// with an ASCII fallback.
pub fn content_disposition(inline: bool, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_') {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    let disposition = if inline { "inline" } else { "attachment" };
    format!("{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Reads a single `bytes=` range within a file of `size` bytes.
fn parse_range(value: &str, size: u64) -> Option<std::ops::Range<u64>> {
    let spec = value.strip_prefix("bytes=")?;
    if spec.contains(',') || size == 0 {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let suffix: u64 = suffix.parse().ok()?;
            (size.saturating_sub(suffix), size - 1)
        }
        (start, "") => (start.parse().ok()?, size - 1),
        (start, end) => (start.parse().ok()?, end.parse::<u64>().ok()?.min(size - 1)),
    };
    (start <= end && start < size).then_some(start..end + 1)
}

/// Returns whether a single `bytes=` range starts at or past the end of a file of
/// `size` bytes, which gets 416 rather than the whole file.
fn out_of_bounds(value: &str, size: u64) -> bool {
    value
        .strip_prefix("bytes=")
        .filter(|spec| !spec.contains(','))
        .and_then(|spec| spec.split_once('-'))
        .and_then(|(start, _)| start.trim().parse::<u64>().ok())
        .is_some_and(|start| start >= size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_keep_unicode_names_safely() {
        assert_eq!(
            content_disposition(false, "Plan de clase – José.docx"),
            "attachment; filename=\"Plan de clase _ Jos_.docx\"; filename*=UTF-8''Plan%20de%20clase%20%E2%80%93%20Jos%C3%A9.docx"
        );
        assert!(content_disposition(true, "a\"b.pdf").starts_with("inline; filename=\"a_b.pdf\""));
    }

    #[test]
    fn ranges_are_read_within_the_file() {
        assert_eq!(parse_range("bytes=0-99", 1000), Some(0..100));
        assert_eq!(parse_range("bytes=900-", 1000), Some(900..1000));
        assert_eq!(parse_range("bytes=-100", 1000), Some(900..1000));
        assert_eq!(parse_range("bytes=990-2000", 1000), Some(990..1000));
        assert_eq!(parse_range("bytes=1000-", 1000), None);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), None);
        assert_eq!(parse_range("items=0-1", 1000), None);
        assert!(out_of_bounds("bytes=1000-", 1000));
        assert!(!out_of_bounds("bytes=999-", 1000));
        assert!(!out_of_bounds("bytes=0-1,5-6", 1000));
    }
}
