//! Server functions for the evidence library. Uploads go to a streaming route of their
//! own (`UPLOAD_URL`); links and written pieces come through here.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use super::{EvidenceView, Library};
use crate::error::AppError;

/// Maximum title length, in characters.
pub const TITLE_MAX_CHARS: usize = 200;
/// Maximum description length, in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 2_000;
/// Maximum link length, in characters.
pub const URL_MAX_CHARS: usize = 2_000;

/// Returns the confirmation for a `done` code on the library pages.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "uploaded" => "File uploaded. Add a description and competency tags below.",
        "duplicate" => {
            "You had already uploaded this file, so nothing new was stored. Here is the copy in your library."
        }
        "added" => "Added to your library.",
        "saved" => "Changes saved.",
        "deleted" => "Removed from your library.",
        _ => return None,
    })
}

/// One item with what its page needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvidenceDetail {
    pub item: EvidenceView,
    /// Whether the viewer owns it and may change it.
    pub editable: bool,
    /// Whether a submitted attempt uses it, which keeps it from being removed.
    pub submitted: bool,
    pub competencies: Vec<(i32, String)>,
}

/// Lists the caller's library, filtered.
#[server(prefix = "/api", endpoint = "evidence", input = GetUrl)]
pub async fn get_library(
    #[server(default)] search: String,
    #[server(default)] evidence_type: String,
    #[server(default)] competency: String,
) -> Result<Library, AppError> {
    use super::evidence_store::{self, LibraryFilter};
    use crate::auth::Action;
    use crate::context::{app_state, authorized, db_failure};

    let actor = authorized(Action::KeepPortfolio)?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let state = app_state()?;
    let filter = LibraryFilter {
        search,
        evidence_type: crate::program::format::EvidenceType::ALL
            .into_iter()
            .find(|kind| kind.as_str() == evidence_type),
        competency_id: competency.parse().ok(),
    };
    let competencies = evidence_store::competency_names(&state.db)
        .await
        .map_err(db_failure)?;
    let items = evidence_store::list(
        &state.db,
        user.id,
        &filter,
        &competencies,
        viewer_zone(user),
    )
    .await
    .map_err(db_failure)?;
    let used_bytes = evidence_store::used_bytes(&state.db, user.id)
        .await
        .map_err(db_failure)?;
    Ok(Library {
        items,
        used_bytes,
        limits: state.upload_limits,
        competencies,
    })
}

/// Returns the time zone a person reads times in: their own, or Eastern time.
#[cfg(feature = "ssr")]
pub fn viewer_zone(user: &crate::auth::CurrentUser) -> chrono_tz::Tz {
    user.time_zone
        .as_deref()
        .and_then(|zone| zone.parse().ok())
        .unwrap_or(chrono_tz::America::New_York)
}

/// Reads one item for its owner, an administrator, or a coach or facilitator of a
/// cohort the owner is a fellow of.
#[server(prefix = "/api", endpoint = "evidence/item", input = GetUrl)]
pub async fn get_evidence(id: i32) -> Result<EvidenceDetail, AppError> {
    use super::evidence_store;
    use crate::auth::current_actor;
    use crate::context::{db, db_failure, fail};

    let actor = current_actor();
    let Some(user) = actor.user() else {
        return fail(AppError::Unauthenticated);
    };
    let db = db()?;
    let Some(item) = evidence_store::find(&db, id).await.map_err(db_failure)? else {
        return fail(not_found());
    };
    if !evidence_store::may_view(&db, &actor, item.owner_user_id)
        .await
        .map_err(db_failure)?
    {
        return fail(not_found());
    }
    let submitted = evidence_store::in_submitted_attempt(&db, &item)
        .await
        .map_err(db_failure)?;
    let competencies = evidence_store::competency_names(&db)
        .await
        .map_err(db_failure)?;
    let editable = item.owner_user_id == user.id;
    let item = evidence_store::views(&db, vec![item], &competencies, viewer_zone(user))
        .await
        .map_err(db_failure)?
        .pop()
        .ok_or_else(not_found)?;
    Ok(EvidenceDetail {
        item,
        editable,
        submitted,
        competencies,
    })
}

#[cfg(feature = "ssr")]
fn not_found() -> AppError {
    AppError::NotFound("There is no such evidence, or it is not yours to see.".into())
}

/// Checks a title, description and tags shared by every kind of evidence.
#[cfg(feature = "ssr")]
fn checked_common(
    title: &str,
    description: &str,
    tags: &Option<HashMap<String, String>>,
) -> Result<(String, String, Vec<i32>), AppError> {
    let title = without_direction_overrides(title);
    let title = title.trim();
    if crate::text::is_blank(title) {
        return Err(AppError::Invalid {
            field: "title".into(),
            message: "Give the evidence a title, such as “Unit 3 lesson plan”.".into(),
        });
    }
    if !crate::text::is_one_line(title) || title.chars().count() > TITLE_MAX_CHARS {
        return Err(AppError::Invalid {
            field: "title".into(),
            message: format!("Keep the title to one line of at most {TITLE_MAX_CHARS} characters."),
        });
    }
    if description.chars().count() > DESCRIPTION_MAX_CHARS {
        return Err(AppError::Invalid {
            field: "description".into(),
            message: format!(
                "The description is {} characters long; shorten it to at most {DESCRIPTION_MAX_CHARS}.",
                description.chars().count()
            ),
        });
    }
    let tags = tags
        .iter()
        .flat_map(|tags| tags.keys())
        .filter_map(|key| key.parse::<i32>().ok())
        .collect();
    Ok((title.to_owned(), description.trim().to_owned(), tags))
}

/// Removes the invisible characters that reverse the direction of text, which can make
/// a title such as "Plan\u{202E}fdp.exe" read as something else.
#[cfg(feature = "ssr")]
pub fn without_direction_overrides(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

/// Checks a link a fellow adds.
#[cfg(feature = "ssr")]
pub(crate) fn checked_url(raw: &str) -> Result<String, AppError> {
    let invalid = |message: &str| AppError::Invalid {
        field: "url".into(),
        message: message.to_owned(),
    };
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(invalid(
            "Paste the link to the published artifact; it starts with https://.",
        ));
    }
    if raw.chars().count() > URL_MAX_CHARS {
        return Err(invalid(&format!(
            "The link is longer than {URL_MAX_CHARS} characters. Use the page's share link instead."
        )));
    }
    // People often copy "www.example.org/plan" without the scheme.
    let with_scheme = if !raw.contains("://") && raw.starts_with("www.") {
        format!("https://{raw}")
    } else {
        raw.to_owned()
    };
    let parsed = url::Url::parse(&with_scheme).map_err(|_| {
        invalid("This is not a web address. Copy it from the browser's address bar; it starts with https://.")
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(invalid(
            "Only web links that start with https:// or http:// can be opened by reviewers.",
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "The link has a name and @ before its site, which hides where it really goes. Copy the address from the browser's address bar instead.",
        ));
    }
    Ok(parsed.to_string())
}

/// Checks a written piece's text.
#[cfg(feature = "ssr")]
fn checked_body(body: &str) -> Result<String, AppError> {
    let limit = super::draft::ANSWER_MAX_CHARS;
    let length = body.chars().count();
    if crate::text::is_blank(body) {
        return Err(AppError::Invalid {
            field: "body".into(),
            message: "Write the piece before saving it.".into(),
        });
    }
    if length > limit {
        return Err(AppError::Invalid {
            field: "body".into(),
            message: format!(
                "The text is {length} characters long; a written piece can hold at most {limit}. Upload long documents as a PDF instead."
            ),
        });
    }
    Ok(body.to_owned())
}

/// Adds a link to a published artifact.
#[server(prefix = "/api", endpoint = "evidence/link")]
pub async fn add_link(
    title: String,
    url: String,
    #[server(default)] description: String,
    #[server(default)] tag: Option<HashMap<String, String>>,
) -> Result<(), AppError> {
    let url = checked_url(&url).map_err(crate::context::reject)?;
    add_item(
        title,
        description,
        tag,
        super::EvidenceKind::Link,
        Some(url),
        None,
    )
    .await
}

/// Adds a written piece, in Markdown.
#[server(prefix = "/api", endpoint = "evidence/writing")]
pub async fn add_writing(
    title: String,
    body: String,
    #[server(default)] description: String,
    #[server(default)] tag: Option<HashMap<String, String>>,
) -> Result<(), AppError> {
    let body = checked_body(&body).map_err(crate::context::reject)?;
    add_item(
        title,
        description,
        tag,
        super::EvidenceKind::Text,
        None,
        Some(body),
    )
    .await
}

#[cfg(feature = "ssr")]
async fn add_item(
    title: String,
    description: String,
    tag: Option<HashMap<String, String>>,
    kind: super::EvidenceKind,
    url: Option<String>,
    body: Option<String>,
) -> Result<(), AppError> {
    use super::evidence_store::{self, NewEvidence};
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, redirect_to, reject};
    use sea_orm::TransactionTrait;

    let actor = authorized(Action::KeepPortfolio)?;
    let owner = actor.user().ok_or(AppError::Unauthenticated)?.id;
    let (title, description, tags) = checked_common(&title, &description, &tag).map_err(reject)?;
    let db = db()?;
    let txn = db.begin().await.map_err(db_failure)?;
    let item = evidence_store::insert(
        &txn,
        NewEvidence {
            owner,
            kind,
            title,
            description,
            file: None,
            url,
            body,
        },
    )
    .await
    .map_err(db_failure)?;
    evidence_store::set_tags(&txn, item.id, &tags)
        .await
        .map_err(db_failure)?;
    txn.commit().await.map_err(db_failure)?;
    redirect_to(&format!("/evidence/{}?done=added", item.id));
    Ok(())
}

/// Changes an item's title, description, tags, and its link or text.
#[server(prefix = "/api", endpoint = "evidence/update")]
pub async fn update_evidence(
    id: i32,
    title: String,
    #[server(default)] description: String,
    #[server(default)] url: Option<String>,
    #[server(default)] body: Option<String>,
    #[server(default)] tag: Option<HashMap<String, String>>,
) -> Result<(), AppError> {
    use super::evidence_store;
    use crate::context::{db_failure, redirect_to, reject};
    use sea_orm::{ActiveModelTrait, Set, TransactionTrait};

    let (db, item) = owned_item(id).await?;
    let (title, description, tags) = checked_common(&title, &description, &tag).map_err(reject)?;
    let submitted = evidence_store::in_submitted_attempt(&db, &item)
        .await
        .map_err(db_failure)?;
    let new_url = url.as_deref().map(str::trim).unwrap_or_default();
    let new_body = body.as_deref().unwrap_or_default();
    let content_changed = match item.kind.as_str() {
        "link" => item.url.as_deref().unwrap_or_default() != new_url,
        "text" => item.body.as_deref().unwrap_or_default() != new_body,
        _ => false,
    };
    if submitted && content_changed {
        return Err(reject(AppError::Conflict(
            "A submitted attempt uses this evidence, so its link or text stays as reviewers received it. Add a new piece with the changes instead; the title, description and tags can still change.".into(),
        )));
    }
    let mut model: crate::entities::evidence_items::ActiveModel = item.clone().into();
    match item.kind.as_str() {
        "link" => {
            model.url = Set(Some(
                checked_url(url.as_deref().unwrap_or_default()).map_err(reject)?,
            ))
        }
        "text" => {
            model.body = Set(Some(
                checked_body(body.as_deref().unwrap_or_default()).map_err(reject)?,
            ))
        }
        _ => {}
    }
    model.title = Set(title);
    model.description = Set(description);
    model.updated_at = Set(chrono::Utc::now());
    let txn = db.begin().await.map_err(db_failure)?;
    model.update(&txn).await.map_err(db_failure)?;
    evidence_store::set_tags(&txn, id, &tags)
        .await
        .map_err(db_failure)?;
    txn.commit().await.map_err(db_failure)?;
    redirect_to(&format!("/evidence/{id}?done=saved"));
    Ok(())
}

/// Removes an item that no submitted attempt uses, and its file once nothing else
/// refers to it.
#[server(prefix = "/api", endpoint = "evidence/delete")]
pub async fn delete_evidence(id: i32) -> Result<(), AppError> {
    use super::evidence_store;
    use crate::context::{app_state, db_failure, fail, redirect_to};
    use sea_orm::EntityTrait;

    let (db, item) = owned_item(id).await?;
    if evidence_store::in_submitted_attempt(&db, &item)
        .await
        .map_err(db_failure)?
    {
        return fail(AppError::Conflict(
            "A submitted attempt uses this evidence, so it stays for reviewers. Change its title or description instead.".into(),
        ));
    }
    crate::entities::evidence_items::Entity::delete_by_id(id)
        .exec(&db)
        .await
        .map_err(db_failure)?;
    if let Some(sha256) = &item.file_sha256
        && !evidence_store::blob_in_use(&db, sha256)
            .await
            .map_err(db_failure)?
        && let Err(error) = app_state()?.files.remove(sha256).await
    {
        // The item is gone; an orphaned blob only costs space.
        tracing::warn!(error = %error, "could not remove an unused file");
    }
    redirect_to("/evidence?done=deleted");
    Ok(())
}

/// Reads an item the caller owns.
#[cfg(feature = "ssr")]
async fn owned_item(
    id: i32,
) -> Result<
    (
        sea_orm::DatabaseConnection,
        crate::entities::evidence_items::Model,
    ),
    AppError,
> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail};
    let actor = authorized(Action::KeepPortfolio)?;
    let owner = actor.user().ok_or(AppError::Unauthenticated)?.id;
    let db = db()?;
    match super::evidence_store::find(&db, id)
        .await
        .map_err(db_failure)?
    {
        Some(item) if item.owner_user_id == owner => Ok((db, item)),
        _ => fail(not_found()),
    }
}
