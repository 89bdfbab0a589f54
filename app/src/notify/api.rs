//! Server functions of the inbox.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::Inbox;
use crate::error::AppError;

/// Reads the caller's newest inbox entries and email preferences.
#[server(prefix = "/api", endpoint = "inbox", input = GetUrl)]
pub async fn get_inbox() -> Result<Inbox, AppError> {
    use super::store::{INBOX_PAGE, newest, unread_count};
    use super::{EmailChoice, InboxEntry, Kind, Preferences};
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure};
    use crate::entities::users;
    use sea_orm::EntityTrait;

    let actor = authorized(Action::ViewOwnHome)?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let zone = crate::portfolio::evidence_api::viewer_zone(user);
    let db = db()?;
    let mut rows = newest(&db, user.id).await.map_err(db_failure)?;
    let more = rows.len() as u64 > INBOX_PAGE;
    rows.truncate(INBOX_PAGE as usize);
    let unread = unread_count(&db, user.id).await.map_err(db_failure)?;
    let stored = users::Entity::find_by_id(user.id)
        .one(&db)
        .await
        .map_err(db_failure)?
        .map(|row| Preferences::from_json(&row.notification_prefs))
        .unwrap_or_default();
    Ok(Inbox {
        entries: rows
            .into_iter()
            .filter_map(|row| {
                Some(InboxEntry {
                    id: row.id,
                    kind: Kind::parse(&row.kind)?,
                    title: row.title,
                    link: row.link,
                    when: crate::local_time::format_in_zone(row.created_at, zone),
                    unread: row.read_at.is_none(),
                })
            })
            .collect(),
        unread,
        more,
        preferences: Kind::ALL
            .into_iter()
            .map(|kind| (kind, stored.choice(kind)))
            .collect::<Vec<(Kind, EmailChoice)>>(),
    })
}

/// Marks an entry read and goes to what it is about.
#[server(prefix = "/api", endpoint = "inbox/open", input = GetUrl)]
pub async fn open_notification(id: i32) -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail, redirect_to};

    let actor = authorized(Action::ViewOwnHome)?;
    let user_id = actor.user().map_or(0, |user| user.id);
    match super::store::open(&db()?, user_id, id)
        .await
        .map_err(db_failure)?
    {
        // Links are stored paths inside the app; anything else goes to the inbox.
        Some(link) if link.starts_with('/') && !link.starts_with("//") => redirect_to(&link),
        Some(_) => redirect_to("/inbox"),
        None => {
            return fail(AppError::NotFound(
                "That notification is not in your inbox.".into(),
            ));
        }
    }
    Ok(())
}

/// Marks every entry of the caller's inbox read.
#[server(prefix = "/api", endpoint = "inbox/read-all")]
pub async fn mark_all_read() -> Result<(), AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, redirect_to};

    let actor = authorized(Action::ViewOwnHome)?;
    let user_id = actor.user().map_or(0, |user| user.id);
    super::store::mark_read(&db()?, user_id, None)
        .await
        .map_err(db_failure)?;
    redirect_to("/inbox?done=read");
    Ok(())
}

/// Saves the caller's email choice for each kind of notification, posted as
/// `mention=at_once`, `reply=digest` and so on.
#[server(prefix = "/api", endpoint = "inbox/preferences")]
pub async fn save_notification_preferences(
    #[server(default)] mention: String,
    #[server(default)] reply: String,
    #[server(default)] assignment: String,
    #[server(default)] schedule: String,
    #[server(default)] coaching: String,
    #[server(default)] message: String,
) -> Result<(), AppError> {
    use super::{EmailChoice, Kind, Preferences};
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure, fail, redirect_to};
    use crate::entities::users;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let actor = authorized(Action::ViewOwnHome)?;
    let user_id = actor.user().map_or(0, |user| user.id);
    let mut preferences = Preferences::default();
    for (kind, raw) in [
        (Kind::Mention, mention),
        (Kind::Reply, reply),
        (Kind::Assignment, assignment),
        (Kind::Schedule, schedule),
        (Kind::Coaching, coaching),
        (Kind::Message, message),
    ] {
        // Forms from before staff messages existed leave that choice out.
        let raw = if raw.trim().is_empty() && kind == Kind::Message {
            EmailChoice::default().name().to_owned()
        } else {
            raw
        };
        let Some(choice) = EmailChoice::parse(raw.trim()) else {
            return fail(AppError::invalid(
                kind.name(),
                format!(
                    "Choose how to hear about this: {}, {} or {}.",
                    EmailChoice::AtOnce.label(),
                    EmailChoice::Digest.label(),
                    EmailChoice::Never.label()
                ),
            ));
        };
        preferences.choices.insert(kind.name().to_owned(), choice);
    }
    users::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(user_id),
        notification_prefs: Set(serde_json::to_string(&preferences).unwrap_or_else(|_| "{}".into())),
        ..Default::default()
    }
    .update(&db()?)
    .await
    .map_err(db_failure)?;
    redirect_to("/inbox?done=preferences");
    Ok(())
}

/// Counts the unread entries in the caller's inbox, for the header.
#[server(prefix = "/api", endpoint = "inbox/unread", input = GetUrl)]
pub async fn get_unread_count() -> Result<u64, AppError> {
    use crate::auth::Action;
    use crate::context::{authorized, db, db_failure};

    let actor = authorized(Action::ViewOwnHome)?;
    let user_id = actor.user().map_or(0, |user| user.id);
    super::store::unread_count(&db()?, user_id)
        .await
        .map_err(db_failure)
}
