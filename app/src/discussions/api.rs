//! Server functions of the discussion page. Every form is a plain post that redirects
//! back to the page: with `done` after a change, with `preview` after a preview, and
//! with the error and the typed text after a rejection.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::DiscussionPage;
use crate::error::AppError;

/// Returns the confirmation for a `done` code on the discussion page.
pub fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "posted" => "Your thread is posted.",
        "replied" => "Your reply is posted.",
        "edited" => "Your post is updated. Its earlier text is kept in the post's history.",
        "unchanged" => "Nothing changed: the text is the same as before.",
        "deleted" => "Your post is deleted. Replies to it stay in the discussion.",
        "hidden" => {
            "The post is hidden. Its reason shows in its place, and the audit log records it."
        }
        "unhidden" => "The post is shown again, and the audit log records it.",
        "settings" => "Discussion settings saved.",
        _ => return None,
    })
}

#[cfg(feature = "ssr")]
mod server {
    use sea_orm::DatabaseConnection;

    use super::super::store::{self, Located};
    use super::super::{
        BODY_MAX_CHARS, HIDE_REASON_MAX_CHARS, HIDE_REASON_MIN_CHARS, with_thousands,
    };
    use crate::auth::{Action, CurrentUser, Role};
    use crate::context::{authorized, db, db_failure, reject};
    use crate::error::AppError;

    /// The session key under which a preview waits for the page view that shows it.
    pub const PREVIEW_KEY: &str = "discussion_preview";

    /// Checks that the caller may perform `action` in the cohort, then finds the module
    /// in that cohort. Non-members get 403 before anything is read, so they cannot
    /// learn which modules exist.
    pub async fn open(
        cohort_id: i32,
        module_id: i32,
        action: Action,
    ) -> Result<(CurrentUser, DatabaseConnection, Located), AppError> {
        let actor = authorized(action)?;
        let Some(user) = actor.user().cloned() else {
            return Err(reject(AppError::Unauthenticated));
        };
        let db = db()?;
        match store::locate(&db, cohort_id, module_id).await {
            Ok(Some(located)) => Ok((user, db, located)),
            Ok(None) => Err(reject(AppError::NotFound(
                "There is no such module in this cohort.".into(),
            ))),
            Err(error) => Err(db_failure(error)),
        }
    }

    /// Returns the caller's roles in the cohort.
    pub fn roles_in(user: &CurrentUser, cohort_id: i32) -> Vec<Role> {
        user.memberships
            .iter()
            .filter(|membership| membership.cohort_id == cohort_id)
            .map(|membership| membership.role)
            .collect()
    }

    /// Checks a post's text: not blank, and at most [`BODY_MAX_CHARS`] characters.
    pub fn check_body(body: &str) -> Result<(), AppError> {
        if crate::text::is_blank(body) {
            return Err(reject(AppError::invalid(
                "body",
                "The post is empty. Write something before posting.",
            )));
        }
        let length = body.chars().count();
        if length > BODY_MAX_CHARS {
            return Err(reject(AppError::invalid(
                "body",
                format!(
                    "The post is {} characters long, over the limit of {}. Shorten it and post again; your text is kept below.",
                    with_thousands(length),
                    with_thousands(BODY_MAX_CHARS)
                ),
            )));
        }
        Ok(())
    }

    /// Checks that a prompt has at most [`BODY_MAX_CHARS`] characters. It may be empty.
    pub fn check_prompt(prompt: &str) -> Result<(), AppError> {
        let length = prompt.chars().count();
        if length > BODY_MAX_CHARS {
            return Err(reject(AppError::invalid(
                "prompt",
                format!(
                    "The prompt is {} characters long, over the limit of {}. Shorten it and save again.",
                    with_thousands(length),
                    with_thousands(BODY_MAX_CHARS)
                ),
            )));
        }
        Ok(())
    }

    /// Checks the reason for hiding a post and returns it trimmed.
    pub fn check_reason(reason: &str) -> Result<String, AppError> {
        let reason = reason.trim();
        if crate::text::visible_chars(reason) < HIDE_REASON_MIN_CHARS {
            return Err(reject(AppError::invalid(
                "reason",
                format!(
                    "Give a reason of at least {HIDE_REASON_MIN_CHARS} characters. Everyone in the discussion sees it in place of the post."
                ),
            )));
        }
        if reason.chars().count() > HIDE_REASON_MAX_CHARS {
            return Err(reject(AppError::invalid(
                "reason",
                format!("Shorten the reason to {HIDE_REASON_MAX_CHARS} characters or fewer."),
            )));
        }
        Ok(reason.to_owned())
    }

    /// Reads an optional post id from a form field: blank is `None`.
    pub fn optional_id(raw: &str) -> Result<Option<i32>, AppError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse::<i32>().map(Some).map_err(|_| missing_post())
    }

    pub fn missing_post() -> AppError {
        reject(AppError::NotFound(
            "That post no longer exists. Reload the page to see the discussion as it is now."
                .into(),
        ))
    }

    /// Finds a post of the module's discussion, or rejects with "no longer exists".
    pub async fn post_in(
        db: &DatabaseConnection,
        module_id: i32,
        post_id: i32,
    ) -> Result<crate::entities::posts::Model, AppError> {
        let discussion = store::find_discussion(db, module_id)
            .await
            .map_err(db_failure)?
            .ok_or_else(missing_post)?;
        store::find_post(db, discussion.id, post_id)
            .await
            .map_err(db_failure)?
            .ok_or_else(missing_post)
    }

    /// Redirects to the discussion with a `done` code, scrolled to `post_id`.
    pub fn report_done(located: &Located, code: &str, post_id: Option<i32>) {
        let path = super::super::discussion_path(located.cohort.id, located.module.id);
        let target = match post_id {
            Some(id) if matches!(code, "posted" | "replied" | "edited") => {
                format!("{path}?done={code}&report={id}#post-{id}")
            }
            Some(id) => format!("{path}?done={code}#post-{id}"),
            None => format!("{path}?done={code}"),
        };
        crate::context::redirect_to(&target);
    }

    /// Keeps a preview in the session and redirects to the form it belongs to.
    pub async fn show_preview(
        located: &Located,
        preview: store::StoredPreview,
        anchor: &str,
    ) -> Result<(), AppError> {
        let session = crate::context::session_handle().await?;
        session
            .insert(PREVIEW_KEY, preview)
            .await
            .map_err(|error| {
                crate::context::internal_error(
                    "failed to store the discussion preview in the session",
                    &error,
                )
            })?;
        let path = super::super::discussion_path(located.cohort.id, located.module.id);
        crate::context::redirect_to(&format!("{path}?preview=1#{anchor}"));
        Ok(())
    }

    /// Takes the preview waiting in the session, if any.
    pub async fn take_preview() -> Option<store::StoredPreview> {
        let session = crate::context::session_handle().await.ok()?;
        match session.remove::<store::StoredPreview>(PREVIEW_KEY).await {
            Ok(preview) => preview,
            Err(error) => {
                tracing::warn!(error = %error, "failed to read the discussion preview from the session");
                None
            }
        }
    }

    /// Notifies the people a post mentions and the author of the post it replies to.
    /// The post is saved already, so a failure is logged rather than returned, and the
    /// author is not asked to post again.
    pub async fn notify_readers(
        db: &DatabaseConnection,
        located: &Located,
        author: &CurrentUser,
        post_id: i32,
        mentioned: Vec<i32>,
        replied_to: Option<i32>,
    ) {
        use crate::notify::Kind;
        use crate::notify::store::{Note, notify};
        let Ok(state) = crate::context::app_state() else {
            return;
        };
        let notifier = crate::mail::Notifier::of(&state);
        let link = super::super::post_link(located.cohort.id, located.module.id, post_id);
        let module = &located.module.name;
        let mention_title = format!(
            "{} mentioned you in the {module} discussion",
            author.display_name
        );
        let reply_title = format!(
            "{} replied to your post in the {module} discussion",
            author.display_name
        );
        // Someone both mentioned and replied to hears about it once, as a mention.
        let reply_to: Vec<i32> = replied_to
            .filter(|id| *id != author.id && !mentioned.contains(id))
            .into_iter()
            .collect();
        for (kind, recipients, title) in [
            (Kind::Mention, mentioned, &mention_title),
            (Kind::Reply, reply_to, &reply_title),
        ] {
            if recipients.is_empty() {
                continue;
            }
            let note = Note {
                kind,
                title,
                link: &link,
            };
            if let Err(error) = notify(db, &notifier, &recipients, note).await {
                tracing::error!(error = %error, post_id, kind = kind.name(), "failed to send discussion notifications");
            }
        }
    }
}

/// Reads a module's discussion as the caller may see it, and marks it read up to the
/// newest post shown. `preview` shows the text the caller last previewed, and `report`
/// names the caller's post whose mentions the confirmation lists.
#[server(prefix = "/api", endpoint = "discussion", input = GetUrl)]
pub async fn get_discussion(
    cohort_id: i32,
    module_id: i32,
    #[server(default)] preview: bool,
    #[server(default)] report: i32,
) -> Result<DiscussionPage, AppError> {
    use super::Rights;
    use super::store::{self, PageExtras};
    use crate::auth::{Action, authorize, current_actor};
    use crate::context::db_failure;

    let (user, db, located) =
        server::open(cohort_id, module_id, Action::ViewModules(cohort_id)).await?;
    let actor = current_actor();
    let rights = Rights {
        post: authorize(&actor, Action::Discuss(cohort_id)).is_ok(),
        moderate: authorize(&actor, Action::ModerateDiscussions(cohort_id)).is_ok(),
        manage: authorize(&actor, Action::ManageModules(cohort_id)).is_ok(),
        must_post_first: false,
    };
    let extras = PageExtras {
        preview: if preview {
            server::take_preview().await
        } else {
            None
        },
        report_post: (report > 0).then_some(report),
    };
    store::page(&db, &located, &user, rights, extras)
        .await
        .map_err(db_failure)
}

/// Starts a thread, or replies to `parent_id`. Mentioned members and the author of the
/// post replied to are notified.
#[server(prefix = "/api", endpoint = "discussion/post")]
pub async fn create_post(
    cohort_id: i32,
    module_id: i32,
    #[server(default)] parent_id: String,
    body: String,
) -> Result<(), AppError> {
    use super::{mentions, store, thread};
    use crate::auth::Action;
    use crate::context::{db_failure, fail};
    use sea_orm::EntityTrait;

    let (user, db, located) =
        server::open(cohort_id, module_id, Action::Discuss(cohort_id)).await?;
    server::check_body(&body)?;
    let parent_id = server::optional_id(&parent_id)?;
    let discussion = store::ensure_discussion(&db, module_id)
        .await
        .map_err(db_failure)?;

    let parent = match parent_id {
        None => None,
        Some(parent_id) => {
            let posted = store::has_posted(&db, discussion.id, user.id)
                .await
                .map_err(db_failure)?;
            let roles = server::roles_in(&user, cohort_id);
            if thread::must_post_first(discussion.post_first, user.is_admin, &roles, posted) {
                return fail(AppError::Conflict(
                    "This discussion asks you to post first: start a thread with your own response, and then you can read and reply to others' posts.".into(),
                ));
            }
            let parent = crate::entities::posts::Entity::find_by_id(parent_id)
                .one(&db)
                .await
                .map_err(db_failure)?
                .ok_or_else(server::missing_post)?;
            if parent.discussion_id != discussion.id {
                return fail(AppError::invalid(
                    "parent_id",
                    "That post belongs to another discussion, so you cannot reply to it here. Reply from its own discussion page.",
                ));
            }
            if parent.deleted_at.is_some() {
                return fail(AppError::Conflict(
                    "That post was deleted; reply to the thread instead.".into(),
                ));
            }
            if parent.hidden_at.is_some() {
                return fail(AppError::Conflict(
                    "That post was hidden; reply to the thread instead.".into(),
                ));
            }
            Some(parent)
        }
    };

    let post = store::insert_post(
        &db,
        discussion.id,
        parent.as_ref().map(|parent| parent.id),
        user.id,
        &body,
        chrono::Utc::now(),
    )
    .await
    .map_err(db_failure)?;
    let roster = store::roster(&db, cohort_id).await.map_err(db_failure)?;
    let found = mentions::find(&body, &roster.members);
    let mentioned = store::newly_mentioned(&found.user_ids, &[], user.id);
    server::notify_readers(
        &db,
        &located,
        &user,
        post.id,
        mentioned,
        parent.map(|parent| parent.author_user_id),
    )
    .await;
    let code = if post.parent_id.is_some() {
        "replied"
    } else {
        "posted"
    };
    server::report_done(&located, code, Some(post.id));
    Ok(())
}

/// Shows a post as it would look, with its text kept in the form. The form's
/// `parent_id` or `post_id` identifies the form it came from.
#[server(prefix = "/api", endpoint = "discussion/preview")]
pub async fn preview_post(
    cohort_id: i32,
    module_id: i32,
    #[server(default)] parent_id: String,
    #[server(default)] post_id: String,
    body: String,
) -> Result<(), AppError> {
    use super::PreviewTarget;
    use super::store::StoredPreview;
    use crate::auth::Action;

    let (_, _, located) = server::open(cohort_id, module_id, Action::Discuss(cohort_id)).await?;
    server::check_body(&body)?;
    let (target, anchor) = match (
        server::optional_id(&post_id)?,
        server::optional_id(&parent_id)?,
    ) {
        (Some(post), _) => (PreviewTarget::Edit(post), format!("edit-{post}")),
        (None, Some(parent)) => (PreviewTarget::Reply(parent), format!("reply-{parent}")),
        (None, None) => (PreviewTarget::Thread, "new-thread".to_owned()),
    };
    let preview = StoredPreview {
        cohort_id,
        module_id,
        target,
        text: body,
        post_first: false,
    };
    server::show_preview(&located, preview, &anchor).await
}

/// Replaces the text of the caller's own post and keeps the earlier text in its history.
/// Members mentioned for the first time are notified.
#[server(prefix = "/api", endpoint = "discussion/edit")]
pub async fn edit_post(
    cohort_id: i32,
    module_id: i32,
    post_id: i32,
    body: String,
) -> Result<(), AppError> {
    use super::{mentions, store};
    use crate::auth::Action;
    use crate::context::{db_failure, fail};

    let (user, db, located) =
        server::open(cohort_id, module_id, Action::Discuss(cohort_id)).await?;
    let post = server::post_in(&db, module_id, post_id).await?;
    if post.author_user_id != user.id {
        return fail(AppError::Forbidden);
    }
    if post.deleted_at.is_some() {
        return fail(AppError::Conflict(
            "That post was deleted, so it can no longer be edited.".into(),
        ));
    }
    if post.hidden_at.is_some() {
        return fail(AppError::Conflict(
            "A facilitator hid this post, so it cannot be edited while it is hidden.".into(),
        ));
    }
    server::check_body(&body)?;
    if body == post.body {
        server::report_done(&located, "unchanged", Some(post.id));
        return Ok(());
    }
    store::edit_post(&db, &post, &body, chrono::Utc::now())
        .await
        .map_err(db_failure)?;
    let roster = store::roster(&db, cohort_id).await.map_err(db_failure)?;
    let now = mentions::find(&body, &roster.members);
    // Everyone any earlier text of the post mentioned was notified then, so mentioning
    // them again in an edit does not notify them twice.
    let earlier = store::revision_bodies(&db, post.id)
        .await
        .map_err(db_failure)?;
    let before: Vec<i32> = earlier
        .iter()
        .chain(std::iter::once(&post.body))
        .flat_map(|text| mentions::find(text, &roster.members).user_ids)
        .collect();
    let mentioned = store::newly_mentioned(&now.user_ids, &before, user.id);
    server::notify_readers(&db, &located, &user, post.id, mentioned, None).await;
    server::report_done(&located, "edited", Some(post.id));
    Ok(())
}

/// Deletes the caller's own post. Replies to it stay, under a placeholder.
#[server(prefix = "/api", endpoint = "discussion/delete")]
pub async fn delete_post(cohort_id: i32, module_id: i32, post_id: i32) -> Result<(), AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::{db_failure, fail};

    let (user, db, located) =
        server::open(cohort_id, module_id, Action::Discuss(cohort_id)).await?;
    let post = server::post_in(&db, module_id, post_id).await?;
    if post.author_user_id != user.id {
        return fail(AppError::Forbidden);
    }
    // Deleting would replace the facilitator's reason with "deleted" for everyone.
    if post.hidden_at.is_some() {
        return fail(AppError::Conflict(
            "A facilitator hid this post, so it stays as it is. Ask the facilitator if you want it removed.".into(),
        ));
    }
    store::delete_post(&db, post.id, chrono::Utc::now())
        .await
        .map_err(db_failure)?;
    server::report_done(&located, "deleted", None);
    Ok(())
}

/// Hides a post and shows a reason in its place. Only facilitators may,
/// and the audit log records it.
#[server(prefix = "/api", endpoint = "discussion/hide")]
pub async fn hide_post(
    cohort_id: i32,
    module_id: i32,
    post_id: i32,
    reason: String,
) -> Result<(), AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::{db_failure, fail};

    let (user, db, located) =
        server::open(cohort_id, module_id, Action::ModerateDiscussions(cohort_id)).await?;
    let post = server::post_in(&db, module_id, post_id).await?;
    if post.deleted_at.is_some() {
        return fail(AppError::Conflict(
            "That post was deleted by its author, so there is nothing to hide.".into(),
        ));
    }
    let reason = server::check_reason(&reason)?;
    let hidden = store::hide_post(
        &db,
        post.id,
        module_id,
        user.id,
        &reason,
        chrono::Utc::now(),
    )
    .await
    .map_err(db_failure)?;
    if !hidden {
        return fail(AppError::Conflict(
            "That post is hidden already. Reload the page to see its reason.".into(),
        ));
    }
    server::report_done(&located, "hidden", Some(post.id));
    Ok(())
}

/// Shows a hidden post again. Only facilitators may, and the audit log records it.
#[server(prefix = "/api", endpoint = "discussion/unhide")]
pub async fn unhide_post(cohort_id: i32, module_id: i32, post_id: i32) -> Result<(), AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::{db_failure, fail};

    let (user, db, located) =
        server::open(cohort_id, module_id, Action::ModerateDiscussions(cohort_id)).await?;
    let post = server::post_in(&db, module_id, post_id).await?;
    let shown = store::unhide_post(&db, &post, module_id, user.id)
        .await
        .map_err(db_failure)?;
    if !shown {
        return fail(AppError::Conflict(
            "That post is not hidden. Reload the page to see it as it is now.".into(),
        ));
    }
    server::report_done(&located, "unhidden", Some(post.id));
    Ok(())
}

/// Saves the discussion's prompt (Markdown) and whether fellows post before they read
/// others' posts. Only facilitators may change them.
#[server(prefix = "/api", endpoint = "discussion/settings")]
pub async fn save_discussion_settings(
    cohort_id: i32,
    module_id: i32,
    prompt: String,
    #[server(default)] post_first: String,
) -> Result<(), AppError> {
    use super::store;
    use crate::auth::Action;
    use crate::context::db_failure;

    let (_, db, located) =
        server::open(cohort_id, module_id, Action::ManageModules(cohort_id)).await?;
    server::check_prompt(&prompt)?;
    store::save_settings(&db, module_id, &prompt, !post_first.is_empty())
        .await
        .map_err(db_failure)?;
    server::report_done(&located, "settings", None);
    Ok(())
}

/// Shows the prompt as it would look, with the settings form kept as filled in.
#[server(prefix = "/api", endpoint = "discussion/settings/preview")]
pub async fn preview_discussion_settings(
    cohort_id: i32,
    module_id: i32,
    prompt: String,
    #[server(default)] post_first: String,
) -> Result<(), AppError> {
    use super::PreviewTarget;
    use super::store::StoredPreview;
    use crate::auth::Action;

    let (_, _, located) =
        server::open(cohort_id, module_id, Action::ManageModules(cohort_id)).await?;
    server::check_prompt(&prompt)?;
    let preview = StoredPreview {
        cohort_id,
        module_id,
        target: PreviewTarget::Settings,
        text: prompt,
        post_first: !post_first.is_empty(),
    };
    server::show_preview(&located, preview, "discussion-settings").await
}
