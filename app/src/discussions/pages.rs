//! The discussion page. It is server-rendered HTML with plain forms: replying, editing,
//! deleting and hiding open in `<details>`, so every action works without script.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

use super::api::{
    CreatePost, DeletePost, EditPost, HidePost, PreviewDiscussionSettings, PreviewPost,
    SaveDiscussionSettings, UnhidePost, done_message, get_discussion,
};
use super::{
    BODY_MAX_CHARS, DiscussionPage as Discussion, HIDE_REASON_MAX_CHARS, HIDE_REASON_MIN_CHARS,
    MentionReport, PostState, PostView, Preview, PreviewTarget, RevisionView, Rights,
    with_thousands,
};
use crate::error::AppError;
use crate::request::PostedForm;
use crate::ui::{
    ErrorMessage, ErrorNotice, FormErrorNotice, SuccessNotice, UserTitle, posted_error_from,
    query_param, textarea_text,
};

#[component]
pub fn DiscussionPage() -> impl IntoView {
    let (cohort_id, module_id) = use_params_map().with_untracked(|params| {
        (
            params.get("id").and_then(|id| id.parse::<i32>().ok()),
            params.get("module").and_then(|id| id.parse::<i32>().ok()),
        )
    });
    let Some(cohort_id) = cohort_id else {
        return view! {
            <leptos_meta::Title text="Discussion"/>
            <ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/>
        }
        .into_any();
    };

    // An unreadable module id still goes through the cohort's permission check first,
    // and then finds no module.
    let module_id = module_id.unwrap_or(0);

    let preview = query_param("preview").is_some();
    let report = query_param("report")
        .and_then(|id| id.parse::<i32>().ok())
        .unwrap_or(0);
    let failed = failed_post();
    let done = query_param("done")
        .and_then(|code| done_message(&code))
        .filter(|_| failed.is_none());

    let page = Resource::new(
        move || (cohort_id, module_id),
        move |(cohort_id, module_id)| get_discussion(cohort_id, module_id, preview, report),
    );

    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let failed = failed.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <DiscussionView page done failed/> }.into_any(),
                        Err(error) => view! {
                            <leptos_meta::Title text="Discussion"/>
                            <h1>"Discussion"</h1>
                            <ErrorNotice error/>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// The form that a failed post came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FormTarget {
    Thread,
    Reply(i32),
    Edit(i32),
    Hide(i32),
    Settings,
    /// A form whose error shows at the top of the page.
    Page,
}

/// A post of one of the page's forms that the server rejected, with what was typed.
#[derive(Clone, Debug)]
struct FailedPost {
    target: FormTarget,
    form: PostedForm,
    error: AppError,
}

/// Finds the post that the server rejected on the way to this page view, if any.
fn failed_post() -> Option<FailedPost> {
    #[derive(Clone, Copy)]
    enum Form {
        Post,
        Edit,
        Hide,
        Settings,
        Page,
    }
    let forms = [
        (CreatePost::url(), Form::Post),
        (PreviewPost::url(), Form::Post),
        (EditPost::url(), Form::Edit),
        (HidePost::url(), Form::Hide),
        (DeletePost::url(), Form::Page),
        (UnhidePost::url(), Form::Page),
        (SaveDiscussionSettings::url(), Form::Settings),
        (PreviewDiscussionSettings::url(), Form::Settings),
    ];
    forms.into_iter().find_map(|(url, form_kind)| {
        let error = posted_error_from(url)?;
        let form = crate::request::posted_form(url).unwrap_or_default();
        let id = |name: &str| {
            form.value(name)
                .and_then(|value| value.trim().parse::<i32>().ok())
        };
        let target = match form_kind {
            Form::Post => match (id("post_id"), id("parent_id")) {
                (Some(post), _) => FormTarget::Edit(post),
                (None, Some(parent)) => FormTarget::Reply(parent),
                (None, None) => FormTarget::Thread,
            },
            Form::Edit => id("post_id").map_or(FormTarget::Page, FormTarget::Edit),
            Form::Hide => id("post_id").map_or(FormTarget::Page, FormTarget::Hide),
            Form::Settings => FormTarget::Settings,
            Form::Page => FormTarget::Page,
        };
        Some(FailedPost {
            target,
            form,
            error,
        })
    })
}

/// The data every form on the page needs: where it posts, and the failed post or
/// preview that it may show again.
struct FormContext {
    cohort_id: i32,
    module_id: i32,
    rights: Rights,
    failed: Option<FailedPost>,
    preview: Option<Preview>,
    /// A member's name, for the example in the hint.
    example_name: String,
}

impl FormContext {
    fn failed_for(&self, target: FormTarget) -> Option<&FailedPost> {
        self.failed
            .as_ref()
            .filter(|failed| failed.target == target)
    }

    fn preview_for(&self, target: PreviewTarget) -> Option<&Preview> {
        self.preview
            .as_ref()
            .filter(|preview| preview.target == target)
    }

    fn hidden_fields(&self) -> impl IntoView + use<> {
        view! {
            <input type="hidden" name="cohort_id" value=self.cohort_id.to_string()/>
            <input type="hidden" name="module_id" value=self.module_id.to_string()/>
        }
    }
}

/// Returns the forms the page renders, so that a failed post whose form is gone (a
/// reply to a post deleted meanwhile) can still show its error and text.
fn rendered_targets(page: &Discussion) -> Vec<FormTarget> {
    fn walk(post: &PostView, rights: Rights, targets: &mut Vec<FormTarget>) {
        if post.can_reply {
            targets.push(FormTarget::Reply(post.id));
        }
        if post.markdown.is_some() {
            targets.push(FormTarget::Edit(post.id));
        }
        if rights.moderate && post.state == PostState::Shown {
            targets.push(FormTarget::Hide(post.id));
        }
        for reply in &post.replies {
            walk(reply, rights, targets);
        }
    }
    let mut targets = vec![FormTarget::Page];
    if page.rights.post {
        targets.push(FormTarget::Thread);
    }
    if page.rights.manage {
        targets.push(FormTarget::Settings);
    }
    for post in &page.threads {
        walk(post, page.rights, &mut targets);
    }
    targets
}

#[component]
fn DiscussionView(
    page: Discussion,
    done: Option<&'static str>,
    failed: Option<FailedPost>,
) -> impl IntoView {
    let targets = rendered_targets(&page);
    let (failed, orphan) = match failed {
        Some(failed) if failed.target == FormTarget::Page => (None, Some(failed)),
        Some(failed) if !targets.contains(&failed.target) => (None, Some(failed)),
        other => (other, None),
    };
    let context = Arc::new(FormContext {
        cohort_id: page.cohort_id,
        module_id: page.module_id,
        rights: page.rights,
        failed,
        preview: page.preview.clone(),
        example_name: page
            .members
            .first()
            .cloned()
            .unwrap_or_else(|| "Ana Lopez".to_owned()),
    });
    let module_path = format!("/cohorts/{}/modules/{}", page.cohort_id, page.module_id);
    let title = format!("{} discussion · {}", page.module_name, page.cohort_name);
    let thread_count = page.threads.len();
    let must_post_first = page.rights.must_post_first;
    view! {
        <UserTitle text=title/>
        <p><a href=module_path>{format!("← {} module", page.module_name)}</a></p>
        <h1>{format!("Discussion: {}", page.module_name)}</h1>
        <p class="hint">{format!("{}. Times are shown in {}.", page.cohort_name, page.zone)}</p>
        {done.map(|message| view! { <DoneNotice message report=page.mention_report.clone()/> })}
        {orphan.map(|orphan| view! { <OrphanNotice orphan/> })}
        <section aria-labelledby="prompt-heading" class="panel discussion-prompt">
            <h2 id="prompt-heading">"Prompt"</h2>
            {if page.prompt_html.is_empty() {
                view! { <p class="placeholder">"No prompt yet."</p> }.into_any()
            } else {
                view! { <div class="written" inner_html=page.prompt_html.clone()></div> }.into_any()
            }}
            {page.post_first.then(|| view! {
                <p class="hint">"Post first: fellows see others' posts once they have posted their own."</p>
            })}
            {page.rights.manage.then(|| view! {
                <SettingsForm
                    context=context.clone()
                    prompt=page.prompt_markdown.clone().unwrap_or_default()
                    post_first=page.post_first
                />
            })}
        </section>
        {must_post_first.then(|| view! {
            <div class="notice discussion-locked" role="note">
                <p>"This discussion asks you to post first. Start a thread with your own response to the prompt; then you can read and reply to everyone else's posts."</p>
            </div>
        })}
        {(page.new_posts > 0).then(|| {
            let href = page.first_new.map(|id| format!("#post-{id}")).unwrap_or_default();
            let label = if page.new_posts == 1 {
                "1 new post".to_owned()
            } else {
                format!("{} new posts", page.new_posts)
            };
            view! { <p class="discussion-new-summary"><a href=href>{label}</a>" since your last visit, marked New."</p> }
        })}
        {page.rights.post.then(|| view! {
            <section id="new-thread" aria-labelledby="new-thread-heading" class="panel">
                <h2 id="new-thread-heading">"Start a thread"</h2>
                <PostForm context=context.clone() kind=PostFormKind::Thread/>
            </section>
        })}
        <MentionList members=page.members.clone()/>
        <section aria-labelledby="threads-heading" class="panel">
            <h2 id="threads-heading">{format!("Threads ({thread_count})")}</h2>
            {if page.threads.is_empty() {
                let message = if must_post_first {
                    "Others' threads appear here once you have posted."
                } else {
                    "No threads yet."
                };
                view! { <p>{message}</p> }.into_any()
            } else {
                view! {
                    <ol class="discussion-threads">
                        {page.threads.into_iter().map(|post| post_item(post, context.clone())).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// Renders the confirmation of a change, with whom a post's mentions reached.
#[component]
fn DoneNotice(message: &'static str, report: Option<MentionReport>) -> impl IntoView {
    let mut lines = vec![message.to_owned()];
    if let Some(report) = report {
        if !report.notified.is_empty() {
            lines.push(format!(
                "Notified by mention: {}.",
                report.notified.join(", ")
            ));
        }
        for word in report.unmatched {
            lines.push(format!(
                "No one in this cohort is called @{word}; nobody was notified for it."
            ));
        }
    }
    view! { <SuccessNotice>{lines.join("\n")}</SuccessNotice> }
}

/// Renders the error of a post whose form the page no longer shows, with the text
/// that was typed so that it is not lost.
#[component]
fn OrphanNotice(orphan: FailedPost) -> impl IntoView {
    let text = ["body", "reason", "prompt"]
        .into_iter()
        .find_map(|name| orphan.form.value(name))
        .filter(|text| !text.is_empty())
        .map(str::to_owned);
    view! {
        <ErrorMessage error=orphan.error focus=true/>
        {text.map(|text| view! {
            <div class="field discussion-kept-text">
                <label for="kept-text">"Your text, kept to copy"</label>
                <textarea id="kept-text" rows="4" readonly=true>{textarea_text(&text)}</textarea>
            </div>
        })}
    }
}

/// Renders a post and the replies shown under it. A function rather than a component,
/// because it calls itself.
fn post_item(post: PostView, context: Arc<FormContext>) -> AnyView {
    let id = post.id;
    let heading_id = format!("post-{id}-author");
    let author = post.author.clone();
    let heading = if post.depth == 0 {
        view! { <h3 id=heading_id.clone() class="post-author">{author.clone()}</h3> }.into_any()
    } else {
        view! { <h4 id=heading_id.clone() class="post-author">{author.clone()}</h4> }.into_any()
    };
    let state_name = match &post.state {
        PostState::Shown => "shown",
        PostState::Deleted => "deleted",
        PostState::Hidden { .. } => "hidden",
    };

    let body = post_body(&post.state, post.html.clone());
    let history = (!post.revisions.is_empty())
        .then(|| view! { <PostHistory revisions=post.revisions.clone()/> });
    let actions = post_actions(&post, &context);
    let replies = (!post.replies.is_empty()).then(|| {
        let label = format!("Replies to {author}");
        view! {
            <ol class="discussion-replies" aria-label=label>
                {post.replies.into_iter().map(|reply| post_item(reply, context.clone())).collect_view()}
            </ol>
        }
    });

    view! {
        <li class="discussion-post-item">
            <article id=format!("post-{id}") class="discussion-post" data-state=state_name aria-labelledby=heading_id>
                <header class="post-header">
                    {heading}
                    <p class="post-meta">
                        <a class="post-permalink" href=format!("#post-{id}")>
                            <time datetime=post.posted_at_iso>{post.posted_at}</time>
                        </a>
                        {post.is_new.then(|| view! { " " <span class="badge discussion-new">"New"</span> })}
                        {post.edited_at.map(|at| view! { " " <span class="post-edited">{format!("Edited {at}")}</span> })}
                    </p>
                    {post.in_reply_to.map(|name| view! { <p class="post-in-reply-to">{format!("In reply to {name}")}</p> })}
                </header>
                {body}
                {history}
                <div class="post-actions">{actions}</div>
            </article>
            {replies}
        </li>
    }
    .into_any()
}

/// Renders a post's text, or the placeholder that replaces it.
fn post_body(state: &PostState, html: Option<String>) -> AnyView {
    match (state, html) {
        (PostState::Deleted, _) => {
            view! { <p class="post-placeholder">"This post was deleted."</p> }.into_any()
        }
        (PostState::Hidden { reason, .. }, None) => view! {
            <p class="post-placeholder">{format!("Hidden by a facilitator: {reason}")}</p>
        }
        .into_any(),
        (PostState::Hidden { reason, .. }, Some(html)) => view! {
            <p class="post-hidden-note">{format!("Hidden by a facilitator: {reason}. Only facilitators and the author see the text below.")}</p>
            <div class="written post-body" inner_html=html></div>
        }
        .into_any(),
        (PostState::Shown, html) => {
            view! { <div class="written post-body" inner_html=html.unwrap_or_default()></div> }
                .into_any()
        }
    }
}

/// Lists the earlier texts of an edited post, oldest first.
#[component]
fn PostHistory(revisions: Vec<RevisionView>) -> impl IntoView {
    let count = revisions.len();
    let summary = if count == 1 {
        "Earlier version (1)".to_owned()
    } else {
        format!("Earlier versions ({count})")
    };
    view! {
        <details class="post-history">
            <summary>{summary}</summary>
            <ol>
                {revisions.into_iter().map(|revision| view! {
                    <li>
                        <p class="hint">"Written " <time datetime=revision.written_at_iso>{revision.written_at}</time></p>
                        <div class="written" inner_html=revision.html></div>
                    </li>
                }).collect_view()}
            </ol>
        </details>
    }
}

/// Renders what the viewer may do with a post: reply, edit, delete, hide or show again.
fn post_actions(post: &PostView, context: &Arc<FormContext>) -> impl IntoView + use<> {
    let id = post.id;
    let author = post.author.clone();
    let moderate = context.rights.moderate;
    let reply = post.can_reply.then(|| {
        let kind = PostFormKind::Reply {
            parent: id,
            author: author.clone(),
        };
        view! { <PostForm context=context.clone() kind/> }
    });
    let edit = post.markdown.clone().map(|markdown| {
        view! { <PostForm context=context.clone() kind=PostFormKind::Edit { post: id, markdown }/> }
    });
    let delete = (post.own && post.state != PostState::Deleted)
        .then(|| view! { <DeleteForm context=context.clone() post=id/> });
    let hide = (moderate && post.state == PostState::Shown)
        .then(|| view! { <HideForm context=context.clone() post=id author/> });
    let unhide = (moderate && matches!(post.state, PostState::Hidden { .. })).then(|| {
        view! {
            <form method="post" action=UnhidePost::url() class="inline-form">
                {context.hidden_fields()}
                <input type="hidden" name="post_id" value=id.to_string()/>
                <button type="submit" class="button-small">"Show post again"</button>
            </form>
        }
    });
    view! { {reply} {edit} {delete} {hide} {unhide} }
}

/// The kind of post form to render.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PostFormKind {
    Thread,
    Reply { parent: i32, author: String },
    Edit { post: i32, markdown: String },
}

/// The parts that differ between the thread, reply and edit forms.
struct PostFormParts {
    target: FormTarget,
    preview_target: PreviewTarget,
    field_id: String,
    /// The text the form starts with when nothing was posted or previewed.
    saved: String,
    label: String,
    submit: &'static str,
    action: &'static str,
    /// The hidden field that names the post replied to or edited.
    id_field: Option<(&'static str, i32)>,
    preview_note: &'static str,
}

impl PostFormKind {
    fn parts(&self) -> PostFormParts {
        let new_post_note = "Preview. Nothing is posted until you post it.";
        match self {
            PostFormKind::Thread => PostFormParts {
                target: FormTarget::Thread,
                preview_target: PreviewTarget::Thread,
                field_id: "new-thread-body".to_owned(),
                saved: String::new(),
                label: "Your post".to_owned(),
                submit: "Post thread",
                action: CreatePost::url(),
                id_field: None,
                preview_note: new_post_note,
            },
            PostFormKind::Reply { parent, author } => PostFormParts {
                target: FormTarget::Reply(*parent),
                preview_target: PreviewTarget::Reply(*parent),
                field_id: format!("reply-{parent}-body"),
                saved: String::new(),
                label: format!("Your reply to {author}"),
                submit: "Post reply",
                action: CreatePost::url(),
                id_field: Some(("parent_id", *parent)),
                preview_note: new_post_note,
            },
            PostFormKind::Edit { post, markdown } => PostFormParts {
                target: FormTarget::Edit(*post),
                preview_target: PreviewTarget::Edit(*post),
                field_id: format!("edit-{post}-body"),
                saved: markdown.clone(),
                label: "Your post".to_owned(),
                submit: "Save changes",
                action: EditPost::url(),
                id_field: Some(("post_id", *post)),
                preview_note: "Preview. Your post stays as it was until you save the changes.",
            },
        }
    }
}

/// Renders the form that starts a thread, replies or edits, with a Preview button that
/// shows the sanitized result and keeps the typed text.
#[component]
fn PostForm(context: Arc<FormContext>, kind: PostFormKind) -> impl IntoView {
    let parts = kind.parts();
    let failed = context.failed_for(parts.target).cloned();
    let preview = context.preview_for(parts.preview_target).cloned();
    let text = match (&failed, &preview) {
        (Some(failed), _) => failed.form.value("body").unwrap_or_default().to_owned(),
        (None, Some(preview)) => preview.text.clone(),
        (None, None) => parts.saved,
    };
    let open = failed.is_some() || preview.is_some();
    let error = failed.map(|failed| failed.error);
    let body_error = error.as_ref().and_then(|error| error.message_for("body"));
    let invalid = body_error.is_some();

    let field_id = parts.field_id;
    let hint_id = format!("{field_id}-hint");
    let error_id = format!("{field_id}-error");
    let limit = with_thousands(BODY_MAX_CHARS);

    let hint = if kind == PostFormKind::Thread {
        view! {
            "Markdown works: **bold**, _italic_, lists and links. Mention someone in this cohort with @ and their name as listed under "
            <a href="#mention-list">"People you can mention"</a>
            {format!(", such as @{}. At most {limit} characters.", context.example_name)}
        }
        .into_any()
    } else {
        view! { {format!("Markdown and @mentions work as in a new thread. At most {limit} characters.")} }
            .into_any()
    };

    let form = view! {
        <form method="post" action=parts.action class="stacked-form discussion-form">
            {context.hidden_fields()}
            {parts.id_field.map(|(name, value)| view! { <input type="hidden" name=name value=value.to_string()/> })}
            <FormErrorNotice error=error.clone() fields=&["body"]/>
            <div class="field">
                <label for=field_id.clone()>{parts.label}</label>
                <textarea
                    id=field_id.clone()
                    name="body"
                    rows="6"
                    required=true
                    aria-describedby=format!("{hint_id} {error_id}")
                    aria-invalid=invalid.then_some("true")
                    autofocus=invalid
                >{textarea_text(&text)}</textarea>
                <p id=hint_id class="hint">{hint}</p>
                <p id=error_id class="field-error">{body_error}</p>
            </div>
            {preview.map(|preview| view! { <PreviewBox html=preview.html note=parts.preview_note/> })}
            <div class="discussion-buttons">
                <button type="submit">{parts.submit}</button>
                <button type="submit" class="button-secondary" formaction=PreviewPost::url()>"Preview"</button>
            </div>
        </form>
    };

    match kind {
        PostFormKind::Thread => form.into_any(),
        PostFormKind::Reply { parent, author } => view! {
            <details id=format!("reply-{parent}") class="post-action" open=open>
                <summary>"Reply"<span class="visually-hidden">{format!(" to {author}")}</span></summary>
                {form}
            </details>
        }
        .into_any(),
        PostFormKind::Edit { post, .. } => view! {
            <details id=format!("edit-{post}") class="post-action" open=open>
                <summary>"Edit"<span class="visually-hidden">" your post"</span></summary>
                {form}
            </details>
        }
        .into_any(),
    }
}

/// Renders a preview of sanitized HTML, which takes the focus when the page loads.
#[component]
fn PreviewBox(html: String, note: &'static str) -> impl IntoView {
    view! {
        <div class="discussion-preview" role="region" aria-label="Preview" tabindex="-1" autofocus=true>
            <p class="discussion-preview-label">{note}</p>
            <div class="written" inner_html=html></div>
        </div>
    }
}

#[component]
fn DeleteForm(context: Arc<FormContext>, post: i32) -> impl IntoView {
    view! {
        <details class="post-action">
            <summary>"Delete"<span class="visually-hidden">" your post"</span></summary>
            <form method="post" action=DeletePost::url() class="stacked-form">
                {context.hidden_fields()}
                <input type="hidden" name="post_id" value=post.to_string()/>
                <p>"Delete this post? Replies to it stay, under \"This post was deleted\"."</p>
                <button type="submit">"Delete post"</button>
            </form>
        </details>
    }
}

#[component]
fn HideForm(context: Arc<FormContext>, post: i32, author: String) -> impl IntoView {
    let failed = context.failed_for(FormTarget::Hide(post)).cloned();
    let reason = failed
        .as_ref()
        .and_then(|failed| failed.form.value("reason"))
        .unwrap_or_default()
        .to_owned();
    let error = failed.map(|failed| failed.error);
    let reason_error = error.as_ref().and_then(|error| error.message_for("reason"));
    let invalid = reason_error.is_some();
    let field_id = format!("hide-{post}-reason");
    let hint_id = format!("{field_id}-hint");
    let error_id = format!("{field_id}-error");
    view! {
        <details id=format!("hide-{post}") class="post-action" open=error.is_some()>
            <summary>"Hide"<span class="visually-hidden">{format!(" the post by {author}")}</span></summary>
            <form method="post" action=HidePost::url() class="stacked-form">
                {context.hidden_fields()}
                <input type="hidden" name="post_id" value=post.to_string()/>
                <FormErrorNotice error=error.clone() fields=&["reason"]/>
                <div class="field">
                    <label for=field_id.clone()>"Reason for hiding"</label>
                    <textarea
                        id=field_id.clone()
                        name="reason"
                        rows="2"
                        required=true
                        minlength=HIDE_REASON_MIN_CHARS.to_string()
                        maxlength=HIDE_REASON_MAX_CHARS.to_string()
                        aria-describedby=format!("{hint_id} {error_id}")
                        aria-invalid=invalid.then_some("true")
                        autofocus=invalid
                    >{textarea_text(&reason)}</textarea>
                    <p id=hint_id class="hint">{format!(
                        "Everyone in the discussion sees it in place of the post; the author and facilitators still see the text. {HIDE_REASON_MIN_CHARS} to {HIDE_REASON_MAX_CHARS} characters. The audit log records it."
                    )}</p>
                    <p id=error_id class="field-error">{reason_error}</p>
                </div>
                <button type="submit">"Hide post"</button>
            </form>
        </details>
    }
}

#[component]
fn SettingsForm(context: Arc<FormContext>, prompt: String, post_first: bool) -> impl IntoView {
    let failed = context.failed_for(FormTarget::Settings).cloned();
    let preview = context.preview_for(PreviewTarget::Settings).cloned();
    let (text, ticked) = match (&failed, &preview) {
        (Some(failed), _) => (
            failed.form.value("prompt").unwrap_or_default().to_owned(),
            failed.form.value("post_first").is_some(),
        ),
        (None, Some(preview)) => (preview.text.clone(), preview.post_first),
        (None, None) => (prompt, post_first),
    };
    let error = failed.map(|failed| failed.error);
    let prompt_error = error.as_ref().and_then(|error| error.message_for("prompt"));
    let invalid = prompt_error.is_some();
    let open = error.is_some() || preview.is_some();
    view! {
        <details id="discussion-settings" open=open>
            <summary>"Edit the prompt and settings"</summary>
            <form method="post" action=SaveDiscussionSettings::url() class="stacked-form discussion-form">
                {context.hidden_fields()}
                <FormErrorNotice error=error.clone() fields=&["prompt"]/>
                <div class="field">
                    <label for="discussion-prompt">"Prompt"</label>
                    <textarea
                        id="discussion-prompt"
                        name="prompt"
                        rows="6"
                        aria-describedby="discussion-prompt-hint discussion-prompt-error"
                        aria-invalid=invalid.then_some("true")
                        autofocus=invalid
                    >{textarea_text(&text)}</textarea>
                    <p id="discussion-prompt-hint" class="hint">{format!(
                        "Markdown. Everyone in the cohort sees it above the discussion. At most {} characters.",
                        with_thousands(BODY_MAX_CHARS)
                    )}</p>
                    <p id="discussion-prompt-error" class="field-error">{prompt_error}</p>
                </div>
                <label class="checkbox" for="discussion-post-first">
                    <input id="discussion-post-first" name="post_first" type="checkbox" value="on" checked=ticked/>
                    " Post first: fellows see others' posts only after they post their own"
                </label>
                {preview.map(|preview| view! { <PreviewBox html=preview.html note="Preview. Nothing changes until you save."/> })}
                <div class="discussion-buttons">
                    <button type="submit">"Save settings"</button>
                    <button type="submit" class="button-secondary" formaction=PreviewDiscussionSettings::url()>"Preview"</button>
                </div>
            </form>
        </details>
    }
}

/// Lists the names that mentions match, so that people know how to spell them.
#[component]
fn MentionList(members: Vec<String>) -> impl IntoView {
    let count = members.len();
    view! {
        <details id="mention-list" class="discussion-mentions">
            <summary>{format!("People you can mention ({count})")}</summary>
            <p class="hint">"Type @ followed by a name as it appears here. Letter case does not matter. Each person mentioned gets a notification."</p>
            <ul class="discussion-member-list">
                {members.into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}
            </ul>
        </details>
    }
}
