//! Credentials outside the pages: the signed JSON (also by content negotiation on the
//! credential's address), the baked badge image, the issuer profile, the revocation
//! status list, and the verifier's form and JSON endpoints.

use app::context::AppState;
use app::credentials::api::REPORT_SESSION_KEY;
use app::credentials::store::{Issuer, find_public, status_list};
use app::credentials::{Report, baking, document, keys, verify};
use app::entities::programs;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderValue, StatusCode, header};
use sea_orm::EntityTrait;
use tower_sessions::Session;

use crate::http::plain_text;

/// The media type of a signed credential.
const VC_JSON: &str = "application/vc+ld+json";
const LD_JSON: &str = "application/ld+json";
/// How long verifiers may cache a status list: revocations show within this time.
const STATUS_LIST_CACHE: &str = "public, max-age=60";
/// Maximum bytes read from one verifier upload before the rest is ignored.
const DRAIN_LIMIT_BYTES: usize = 64 * 1024 * 1024;
/// Maximum body of `POST /verify.json`. Past the verifier's own limit, the response
/// is a report that the input is too large.
pub const JSON_BODY_LIMIT: usize = DRAIN_LIMIT_BYTES;

fn unavailable(error: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %error, "a credential request failed");
    plain_text(
        StatusCode::SERVICE_UNAVAILABLE,
        "The credential could not be read right now. Try again in a minute.\n",
    )
}

fn not_found() -> Response {
    plain_text(
        StatusCode::NOT_FOUND,
        "There is no issued credential at this address. Check the link you were given; a credential earned a moment ago is signed within a minute.\n",
    )
}

fn json(body: String, media_type: &'static str, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        body,
    )
        .into_response()
}

/// Returns the signed document of the credential `public_id`, or the response to send
/// instead.
async fn signed(state: &AppState, public_id: &str) -> Result<String, Response> {
    match find_public(&state.db, public_id).await {
        Ok(Some(credential)) => match (credential.document, credential.revoked_at) {
            (Some(document), _) => Ok(document),
            // Deleting a person's data removes the signed document and revokes it.
            (None, Some(_)) => Err(plain_text(
                StatusCode::GONE,
                "This credential was revoked, and its signed document was removed at the earner's request. Copies of it fail verification.\n",
            )),
            (None, None) => Err(not_found()),
        },
        Ok(None) => Err(not_found()),
        Err(error) => Err(unavailable(&error)),
    }
}

/// `GET /credentials/{id}/credential.json`
pub async fn credential_json(
    State(state): State<AppState>,
    Path(public_id): Path<String>,
) -> Response {
    match signed(&state, &public_id).await {
        Ok(body) => json(body, VC_JSON, "no-cache"),
        Err(response) => response,
    }
}

/// `GET /credentials/{id}/badge.png`: the badge with the signed credential baked in.
pub async fn badge(State(state): State<AppState>, Path(public_id): Path<String>) -> Response {
    let body = match signed(&state, &public_id).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    match baking::bake(&body, baking::MICROCREDENTIAL) {
        Ok(image) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            image,
        )
            .into_response(),
        Err(error) => unavailable(&error),
    }
}

/// Responds to `GET /credentials/{id}` with the signed JSON when the `Accept` header
/// requests a credential media type rather than a page.
pub async fn negotiate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let wants_json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| {
            !accept.contains("text/html")
                && [VC_JSON, LD_JSON, "application/json"]
                    .iter()
                    .any(|kind| accept.contains(kind))
        });
    let public_id = request
        .uri()
        .path()
        .strip_prefix("/credentials/")
        .filter(|rest| !rest.is_empty() && !rest.contains('/'))
        .map(str::to_owned);
    match public_id {
        Some(public_id) if wants_json && request.method() == http::Method::GET => {
            match signed(&state, &public_id).await {
                Ok(body) => json(body, VC_JSON, "no-cache"),
                Err(response) => response,
            }
        }
        _ => next.run(request).await,
    }
}

/// `GET /credentials/{id}/certificate.pdf`: the certificate with its signed credential
/// embedded.
pub async fn certificate_pdf(
    State(state): State<AppState>,
    Path(public_id): Path<String>,
) -> Response {
    let credential = match find_public(&state.db, &public_id).await {
        Ok(Some(credential)) if credential.kind == app::credentials::Kind::Certificate.name() => {
            credential
        }
        Ok(_) => return not_found(),
        Err(error) => return unavailable(&error),
    };
    let Some(body) = credential.document.clone() else {
        return not_found();
    };
    let facts =
        match app::certificate::store::certificate_facts(&state.db, &state.public_url, &credential)
            .await
        {
            Ok(facts) => facts,
            Err(error) => return unavailable(&error),
        };
    match app::certificate::pdf::render(&facts, &body) {
        Ok(pdf) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/pdf"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            pdf,
        )
            .into_response(),
        Err(error) => unavailable(&error),
    }
}

/// `GET /cohorts/{cohort}/clr.json`: the signed-in fellow's Comprehensive Learner
/// Record for the cohort, signed on request.
pub async fn clr(
    State(state): State<AppState>,
    Path(cohort_id): Path<i32>,
    axum::Extension(actor): axum::Extension<app::auth::Actor>,
) -> Response {
    use app::auth::{Action, authorize};
    let Some(user) = actor.user() else {
        return Redirect::to(&format!("/sign-in?next=/cohorts/{cohort_id}/clr.json"))
            .into_response();
    };
    if authorize(&actor, Action::SubmitOwnWork(cohort_id)).is_err() {
        return plain_text(
            StatusCode::FORBIDDEN,
            "Only the cohort's fellows have a learner record here; it lists their own credentials.\n",
        );
    }
    let fellow = match app::entities::users::Entity::find_by_id(user.id)
        .one(&state.db)
        .await
    {
        Ok(Some(fellow)) => fellow,
        Ok(None) => return not_found(),
        Err(error) => return unavailable(&error),
    };
    let unsigned = match app::certificate::store::clr_document(
        &state.db,
        &state.public_url,
        cohort_id,
        &fellow,
    )
    .await
    {
        Ok(unsigned) => unsigned,
        Err(error) => return unavailable(&error),
    };
    let key = match state.keys.ensure(&state.db).await {
        Ok(key) => key,
        Err(error) => return unavailable(&error),
    };
    let issuer = unsigned["issuer"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let method = document::verification_method(&issuer, &key.multibase);
    let now = app::credentials::store::timestamp(chrono::Utc::now());
    match app::credentials::proof::sign_jcs(&unsigned, &key.key, &method, &now) {
        Ok(signed) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(VC_JSON)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"learner-record.json\""),
                ),
            ],
            signed.to_string(),
        )
            .into_response(),
        Err(error) => unavailable(&error),
    }
}

async fn program(state: &AppState, program_id: i32) -> Result<programs::Model, Response> {
    match programs::Entity::find_by_id(program_id)
        .one(&state.db)
        .await
    {
        Ok(Some(program)) => Ok(program),
        Ok(None) => Err(plain_text(
            StatusCode::NOT_FOUND,
            "There is no such issuer.\n",
        )),
        Err(error) => Err(unavailable(&error)),
    }
}

/// `GET /issuers/{program}`: the issuer profile with every published key.
pub async fn issuer_profile(
    State(state): State<AppState>,
    Path(program_id): Path<i32>,
) -> Response {
    let program = match program(&state, program_id).await {
        Ok(program) => program,
        Err(response) => return response,
    };
    let published = match keys::published(&state.db).await {
        Ok(published) => published,
        Err(error) => return unavailable(&error),
    };
    let keys: Vec<String> = published
        .into_iter()
        .map(|key| key.public_key_multibase)
        .collect();
    let profile = document::issuer_profile(&state.public_url, program.id, &program.name, &keys);
    json(profile.to_string(), LD_JSON, "public, max-age=300")
}

/// `GET /issuers/{program}/status/{list}`: the signed revocation status list.
pub async fn status(
    State(state): State<AppState>,
    Path((program_id, list)): Path<(i32, i64)>,
) -> Response {
    if list < 1 {
        return plain_text(StatusCode::NOT_FOUND, "Status lists are numbered from 1.\n");
    }
    match status_list(&state.db, &Issuer::of(&state), program_id, list).await {
        Ok(Some(document)) => json(document.to_string(), VC_JSON, STATUS_LIST_CACHE),
        Ok(None) => plain_text(StatusCode::NOT_FOUND, "There is no such issuer.\n"),
        Err(error) => unavailable(&error),
    }
}

/// Reads one multipart field, keeping at most one byte more than the verifier reads
/// and counting the rest. Returns the bytes kept and the field's full size.
async fn read_field(
    field: &mut axum::extract::multipart::Field<'_>,
) -> Result<(Vec<u8>, usize), String> {
    let mut kept = Vec::new();
    let mut size = 0;
    while let Some(chunk) = field.chunk().await.map_err(|error| error.body_text())? {
        size += chunk.len();
        if kept.len() <= verify::MAX_INPUT_BYTES {
            kept.extend_from_slice(
                &chunk[..chunk.len().min(verify::MAX_INPUT_BYTES + 1 - kept.len())],
            );
        }
        if size > DRAIN_LIMIT_BYTES {
            break;
        }
    }
    Ok((kept, size))
}

async fn report_for(state: &AppState, input: &[u8], size: usize) -> Result<Report, sea_orm::DbErr> {
    if size > verify::MAX_INPUT_BYTES {
        return Ok(verify::too_large(size));
    }
    verify::check(&state.db, &state.public_url, input, chrono::Utc::now()).await
}

/// `POST /verify`: checks the uploaded badge or pasted credential, keeps the report in
/// the visitor's session and returns to the verifier page.
pub async fn verify_form(
    State(state): State<AppState>,
    session: Session,
    mut multipart: Multipart,
) -> Response {
    let mut file: Option<(Vec<u8>, usize)> = None;
    let mut pasted: Option<(Vec<u8>, usize)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let read = match read_field(&mut field).await {
                    Ok(read) => read,
                    Err(reason) => {
                        return plain_text(
                            StatusCode::BAD_REQUEST,
                            format!(
                                "The upload could not be read: {reason}. Choose the file again.\n"
                            ),
                        );
                    }
                };
                match name.as_str() {
                    "file" => file = Some(read),
                    "credential" => pasted = Some(read),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(error) => {
                return plain_text(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "The upload could not be read: {}. Choose the file again.\n",
                        error.body_text()
                    ),
                );
            }
        }
    }
    let (input, size) = match (file, pasted) {
        (Some(file), _) if file.1 > 0 => file,
        (_, Some(pasted)) => pasted,
        _ => (Vec::new(), 0),
    };
    let report = match report_for(&state, &input, size).await {
        Ok(report) => report,
        Err(error) => return unavailable(&error),
    };
    if let Err(error) = session.insert(REPORT_SESSION_KEY, &report).await {
        return unavailable(&error);
    }
    Redirect::to("/verify#report").into_response()
}

/// `POST /verify.json`: checks the request body, a credential or a badge image, and
/// responds with the report as JSON.
pub async fn verify_json(State(state): State<AppState>, body: Bytes) -> Response {
    match report_for(&state, &body, body.len()).await {
        Ok(report) => {
            let status = if report.valid() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (status, axum::Json(report)).into_response()
        }
        Err(error) => unavailable(&error),
    }
}
