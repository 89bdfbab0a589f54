//! The module page, its editor for facilitators, and the assignment page. All three
//! are plain server-rendered HTML with forms, so they work before any script arrives.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

use super::api::{
    ArrangeMaterial, CopyResponse, DecideResponse, MarkMaterial, PREVIEW_FIELD, RemoveAssignment,
    SaveAssignment, SaveMaterial, SaveResponse, done_message, get_assignment, get_module,
};
use super::{
    AssignmentLine, AssignmentPageData, FeedsPart, MaterialKind, MaterialView, ModuleOverview,
    ResponseState, ResponseView,
};
use crate::cohorts::DeadlineText;
use crate::error::AppError;
use crate::request::PostedForm;
use crate::ui::{
    ErrorNotice, FieldError, FormErrorNotice, SuccessNotice, UserTitle, field_message,
    posted_error, posted_for, query_param, shown_value, textarea_text,
};

fn param(name: &'static str) -> Option<i32> {
    use_params_map().with_untracked(|params| params.get(name).and_then(|id| id.parse().ok()))
}

/// Renders Markdown for a preview. Pages render on the server only, where the
/// sanitiser lives.
fn preview_html(markdown: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::portfolio::rich_text::to_html(markdown)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = markdown;
        String::new()
    }
}

fn is_preview(error: &Option<AppError>) -> bool {
    error
        .as_ref()
        .is_some_and(|error| error.message_for(PREVIEW_FIELD).is_some())
}

/// Returns the error of a form post, leaving out the preview marker.
fn real_error(error: Option<AppError>) -> Option<AppError> {
    error.filter(|error| error.message_for(PREVIEW_FIELD).is_none())
}

#[component]
pub fn ModulePage() -> impl IntoView {
    let (Some(cohort_id), Some(module_id)) = (param("id"), param("module")) else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such module.".into())/> }.into_any();
    };
    let done = query_param("done").and_then(|code| done_message(&code));
    let error = posted_error::<MarkMaterial>();
    let data = Resource::new(move || (cohort_id, module_id), |(c, m)| get_module(c, m));
    view! {
        <Suspense fallback=|| view! { <p>"Loading the module…"</p> }>
            {move || {
                let error = error.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(module) => view! { <ModuleView module done error/> }.into_any(),
                        Err(error) => view! { <leptos_meta::Title text="Module"/><ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// Returns the path of a module's page.
pub fn module_path(cohort_id: i32, module_id: i32) -> String {
    format!("/cohorts/{cohort_id}/modules/{module_id}")
}

#[component]
fn ModuleBreadcrumbs(module: ModuleOverview) -> impl IntoView {
    view! {
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                <li><a href=format!("/cohorts/{}", module.cohort_id)>{module.cohort_label.clone()}</a></li>
                <li><a href=module_path(module.cohort_id, module.module_id) aria-current="page">{format!("{}: {}", module.term_title, module.name)}</a></li>
            </ol>
        </nav>
    }
}

#[component]
fn ModuleView(
    module: ModuleOverview,
    done: Option<&'static str>,
    error: Option<AppError>,
) -> impl IntoView {
    let title = format!("{} module", module.name);
    let total = module.materials.len();
    let finished = module.done_count();
    let base = module_path(module.cohort_id, module.module_id);
    let discussion = format!("{base}/discussion");
    let new_posts = match module.discussion_new {
        0 => "No new posts".to_owned(),
        1 => "1 new post".to_owned(),
        count => format!("{count} new posts"),
    };
    let stage = module.stage.label();
    view! {
        <UserTitle text=format!("{title} · {}", module.cohort_label)/>
        <ModuleBreadcrumbs module=module.clone()/>
        <h1>{title}" " <span class=format!("stage stage-{}", stage.to_lowercase())>{stage}</span></h1>
        <p class="lead">
            {format!("{}. ", module.term_title)}
            {(!module.opens_on.is_empty()).then(|| format!("Opens {}. ", module.opens_on))}
            "Assignments due: " <DeadlineText deadline=module.due.clone()/>
        </p>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <FormErrorNotice error fields=&[]/>
        <ul class="link-list">
            <li><a href=discussion>"Discussion"</a>" " <span class="hint">{format!("({new_posts})")}</span></li>
            <li><a href=format!("/cohorts/{}/events", module.cohort_id)>"Workshops and meetings"</a></li>
            {module.can_manage.then(|| view! { <li><a href=format!("{base}/edit")>"Edit materials and assignments"</a></li> })}
        </ul>
        <section aria-labelledby="materials-heading" class="panel">
            <h2 id="materials-heading">"Materials"</h2>
            {(total > 0 && module.is_fellow).then(|| view! {
                <p>
                    <label for="module-progress">{format!("You have finished {finished} of {total}.")}</label>
                    " " <progress id="module-progress" max=total.to_string() value=finished.to_string()>{format!("{finished} of {total}")}</progress>
                </p>
            })}
            {(total == 0).then(|| view! { <p class="placeholder">"No materials yet."</p> })}
            <ol class="material-list">
                {module.materials.iter().cloned().map(|material| view! {
                    <MaterialItem material fellows=module.fellows can_manage=module.can_manage is_fellow=module.is_fellow/>
                }).collect_view()}
            </ol>
        </section>
        <section aria-labelledby="assignments-heading" class="panel">
            <h2 id="assignments-heading">"Assignments"</h2>
            {module.assignments.is_empty().then(|| view! { <p class="placeholder">"No assignments in this module."</p> })}
            <ul class="card-list">
                {module.assignments.iter().cloned().map(|assignment| view! {
                    <AssignmentCard assignment can_manage=module.can_manage is_fellow=module.is_fellow/>
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="events-heading" class="panel">
            <h2 id="events-heading">"Workshop and meetings"</h2>
            {module.events.is_empty().then(|| view! { <p class="placeholder">"Nothing scheduled for this module yet."</p> })}
            <ul>
                {module.events.iter().cloned().map(|event| view! {
                    <li>
                        <a href=format!("/events/{}", event.id)>{event.title}</a>
                        {format!(", {}", event.when)}
                        {event.cancelled.then(|| view! { " " <span class="badge">"Cancelled"</span> })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <nav aria-label="Other modules" class="panel">
            <h2>"Other modules"</h2>
            <ul class="link-list">
                {module.siblings.iter().cloned().map(|(id, label)| {
                    let current = id == module.module_id;
                    view! { <li><a href=module_path(module.cohort_id, id) aria-current=current.then_some("page")>{label}</a></li> }
                }).collect_view()}
            </ul>
        </nav>
    }
}

#[component]
fn MaterialItem(
    material: MaterialView,
    fellows: u64,
    can_manage: bool,
    is_fellow: bool,
) -> impl IntoView {
    let anchor = format!("material-{}", material.id);
    let heading = format!("material-{}-title", material.id);
    let label = material.kind.label();
    let file_href = format!("/materials/{}/file", material.id);
    view! {
        <li id=anchor class=if material.done { "material material-done" } else { "material" }>
            <h3 id=heading.clone()>
                <span class="badge">{label}</span>" " {material.title.clone()}
                {material.done.then(|| view! { " " <span class="badge badge-current">"Done"</span> })}
            </h3>
            {match material.kind {
                MaterialKind::Link | MaterialKind::Video => view! {
                    <p><a href=material.url.clone() rel="noopener noreferrer external">
                        {if material.kind == MaterialKind::Video { "Watch the video" } else { "Open the link" }}
                        <span class="visually-hidden">{format!(": {}", material.title)}</span>
                    </a>" " <span class="hint">{material.url.clone()}</span></p>
                }.into_any(),
                MaterialKind::File => view! {
                    <p><a href=file_href>{format!("Download {}", material.file_name)}</a>" " <span class="hint">{format!("({})", material.file_size)}</span></p>
                }.into_any(),
                MaterialKind::Text => ().into_any(),
            }}
            {(!material.body.trim().is_empty()).then(|| view! { <div class="written" inner_html=material.html.clone()></div> })}
            {is_fellow.then(|| view! {
                <form method="post" action=MarkMaterial::url() class="inline-form">
                    <input type="hidden" name="material_id" value=material.id.to_string()/>
                    <input type="hidden" name="done" value=(!material.done).to_string()/>
                    <button type="submit" class="button-small" aria-describedby=heading.clone()>
                        {if material.done { "Mark as not done" } else { "Mark as done" }}
                    </button>
                </form>
            })}
            {can_manage.then(|| view! { <p class="hint">{format!("Done by {} of {fellows} fellows.", material.done_by)}</p> })}
        </li>
    }
}

#[component]
fn AssignmentCard(assignment: AssignmentLine, can_manage: bool, is_fellow: bool) -> impl IntoView {
    let href = format!("/assignments/{}", assignment.id);
    view! {
        <li class="card">
            <h3><a href=href>{assignment.title.clone()}</a></h3>
            <p>"Due: " <DeadlineText deadline=assignment.due.clone()/></p>
            {assignment.feeds_part.map(|part| view! { <p class="hint">{format!("Builds toward your micro-credential: {}.", part.label())}</p> })}
            {is_fellow.then(|| {
                let state = assignment.mine.map_or("Not started", ResponseState::label);
                view! { <p>"Your response: " <strong>{state}</strong></p> }
            })}
            {can_manage.then(|| view! { <p>{format!("{} handed in and waiting, {} complete.", assignment.waiting, assignment.complete)}</p> })}
        </li>
    }
}

#[component]
pub fn ModuleEditPage() -> impl IntoView {
    let (Some(cohort_id), Some(module_id)) = (param("id"), param("module")) else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such module.".into())/> }.into_any();
    };
    let done = query_param("done").and_then(|code| done_message(&code));
    let data = Resource::new(move || (cohort_id, module_id), |(c, m)| get_module(c, m));
    view! {
        <Suspense fallback=|| view! { <p>"Loading the module…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(module) if module.can_manage => view! { <ModuleEditor module done/> }.into_any(),
                    Ok(_) => view! { <leptos_meta::Title text="Edit module"/><ErrorNotice error=AppError::Forbidden/> }.into_any(),
                    Err(error) => view! { <leptos_meta::Title text="Edit module"/><ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ModuleEditor(module: ModuleOverview, done: Option<&'static str>) -> impl IntoView {
    let material_error = posted_error::<SaveMaterial>();
    let assignment_error = posted_error::<SaveAssignment>();
    let other_error = posted_error::<ArrangeMaterial>().or_else(posted_error::<RemoveAssignment>);
    let upload_error = query_param("upload_error")
        .and_then(|code| super::UploadProblem::parse(&code))
        .map(|problem| AppError::invalid("file", problem.message()));
    // A failed post returns to the address of the last success; its message must not
    // show as if this post had worked too.
    let failed = material_error.is_some()
        || assignment_error.is_some()
        || other_error.is_some()
        || upload_error.is_some();
    let title = format!("Edit the {} module", module.name);
    let cohort_id = module.cohort_id;
    let module_id = module.module_id;
    view! {
        <UserTitle text=format!("{title} · {}", module.cohort_label)/>
        <ModuleBreadcrumbs module=module.clone()/>
        <h1>{title}</h1>
        <p><a href=module_path(cohort_id, module_id)>"See the module as fellows do"</a></p>
        {done.filter(|_| !failed).map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <FormErrorNotice error=other_error fields=&[]/>
        <section aria-labelledby="materials-heading" class="panel">
            <h2 id="materials-heading">"Materials"</h2>
            <p class="hint">"Text is Markdown: **bold**, *italic*, lists with -, links as [words](https://…). Scripts and styles are removed."</p>
            <ol class="material-list">
                {module.materials.iter().cloned().map(|material| {
                    let id = material.id.to_string();
                    let posted = posted_for(&SaveMaterial::url(), &[("material_id", &id)]);
                    let error = posted.as_ref().and(material_error.clone());
                    view! {
                        <li id=format!("material-{id}") class="material">
                            <h3>{material.kind.label()}": " {material.title.clone()}</h3>
                            <MaterialForm cohort_id module_id material=Some(material.clone()) posted error/>
                            <div class="button-row">
                                {["up", "down"].into_iter().map(|action| view! {
                                    <form method="post" action=ArrangeMaterial::url() class="inline-form">
                                        <input type="hidden" name="material_id" value=id.clone()/>
                                        <input type="hidden" name="action" value=action/>
                                        <button type="submit" class="button-small">
                                            {if action == "up" { "Move up" } else { "Move down" }}
                                            <span class="visually-hidden">{format!(": {}", material.title)}</span>
                                        </button>
                                    </form>
                                }).collect_view()}
                            </div>
                            <RemoveConfirm
                                action=ArrangeMaterial::url()
                                id_field="material_id"
                                id=id.clone()
                                what=material.title.clone()
                                warning=format!("Fellows will no longer see it; the {} who marked it done lose that mark.", material.done_by)
                                extra=Some(("action", "remove"))
                            />
                        </li>
                    }
                }).collect_view()}
            </ol>
            <h3 id="new-material">"Add a reading, link or video"</h3>
            {
                let posted = posted_for(&SaveMaterial::url(), &[("material_id", "")]);
                let error = posted.as_ref().and(material_error.clone());
                view! { <MaterialForm cohort_id module_id material=None posted error/> }
            }
            <h3 id="new-file">"Add a file"</h3>
            <form method="post" enctype="multipart/form-data" action=format!("/cohorts/{cohort_id}/modules/{module_id}/materials/upload") class="stacked-form">
                <div class="field">
                    <label for="file-title">"Title"</label>
                    <input id="file-title" name="title" type="text" maxlength="200" required/>
                </div>
                <div class="field">
                    <label for="file-file">{format!("File (PDF, office document, image, audio or video; at most {})", module.upload_limit)}</label>
                    <input id="file-file" name="file" type="file" required aria-describedby="file-error" aria-invalid=upload_error.is_some().then_some("true")/>
                    <FieldError id="file-error" message=field_message(&upload_error, "file")/>
                </div>
                <button type="submit">"Upload the file"</button>
            </form>
        </section>
        <section aria-labelledby="assignments-heading" class="panel">
            <h2 id="assignments-heading">"Assignments"</h2>
            {module.assignments.iter().cloned().map(|assignment| {
                let id = assignment.id.to_string();
                let posted = posted_for(&SaveAssignment::url(), &[("assignment_id", &id)]);
                let error = posted.as_ref().and(assignment_error.clone());
                view! {
                    <div id=format!("assignment-{id}") class="editor-row">
                        <h3>{assignment.title.clone()}</h3>
                        <AssignmentForm cohort_id module_id assignment=Some(assignment.clone()) posted error/>
                        <RemoveConfirm
                            action=RemoveAssignment::url()
                            id_field="assignment_id"
                            id=id.clone()
                            what=assignment.title.clone()
                            warning=format!(
                                "Every fellow's response to it is deleted too: {} waiting for a decision and {} complete, plus drafts.",
                                assignment.waiting, assignment.complete
                            )
                            extra=None
                        />
                    </div>
                }
            }).collect_view()}
            <h3 id="new-assignment">"Add an assignment"</h3>
            {
                let posted = posted_for(&SaveAssignment::url(), &[("assignment_id", "")]);
                let error = posted.as_ref().and(assignment_error.clone());
                view! { <AssignmentForm cohort_id module_id assignment=None posted error/> }
            }
        </section>
    }
}

/// Renders a Remove button that first opens a warning and a confirmation box, so one
/// click deletes nothing.
#[component]
fn RemoveConfirm(
    action: &'static str,
    id_field: &'static str,
    id: String,
    what: String,
    warning: String,
    extra: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let box_id = format!("confirm-{id_field}-{id}");
    view! {
        <details class="remove-confirm">
            <summary class="button-small button-danger">"Remove…"<span class="visually-hidden">{format!(" {what}")}</span></summary>
            <form method="post" action=action class="stacked-form">
                <input type="hidden" name=id_field value=id/>
                {extra.map(|(name, value)| view! { <input type="hidden" name=name value=value/> })}
                <p>{warning}</p>
                <label class="checkbox" for=box_id.clone()>
                    <input id=box_id.clone() type="checkbox" name="confirm" value="yes" required/>
                    {format!("Yes, remove \"{what}\"")}
                </label>
                <button type="submit" class="button-small button-danger">"Remove for good"</button>
            </form>
        </details>
    }
}

/// Renders a preview of posted Markdown, or nothing.
#[component]
fn Preview(show: bool, markdown: String) -> impl IntoView {
    show.then(|| {
        view! {
            <div class="preview" role="region" aria-label="Preview" tabindex="-1" autofocus=true>
                <p class="notice">{super::api::PREVIEW_MESSAGE}</p>
                <div class="written" inner_html=preview_html(&markdown)></div>
            </div>
        }
    })
}

#[component]
fn MaterialForm(
    cohort_id: i32,
    module_id: i32,
    material: Option<MaterialView>,
    posted: Option<PostedForm>,
    error: Option<AppError>,
) -> impl IntoView {
    let prefix = material
        .as_ref()
        .map_or("new-material".to_owned(), |material| {
            format!("material-{}", material.id)
        });
    let preview = is_preview(&error);
    let error = real_error(error);
    let kind = material.as_ref().map(|material| material.kind);
    let title = shown_value(
        &posted,
        "title",
        material
            .as_ref()
            .map(|m| m.title.clone())
            .unwrap_or_default(),
    );
    let body = shown_value(
        &posted,
        "body",
        material
            .as_ref()
            .map(|m| m.body.clone())
            .unwrap_or_default(),
    );
    let url = shown_value(
        &posted,
        "url",
        material.as_ref().map(|m| m.url.clone()).unwrap_or_default(),
    );
    let chosen = shown_value(
        &posted,
        "kind",
        kind.map_or("text", MaterialKind::name).to_owned(),
    );
    let id = |field: &str| format!("{prefix}-{field}");
    let invalid = |field: &'static str| {
        field_message(&error, field)
            .get_untracked()
            .is_some()
            .then_some("true")
    };
    let error_id = |field: &str| format!("{prefix}-{field}-error");
    view! {
        <form method="post" action=SaveMaterial::url() class="stacked-form">
            <FormErrorNotice error=error.clone() fields=&[]/>
            <input type="hidden" name="cohort_id" value=cohort_id.to_string()/>
            <input type="hidden" name="module_id" value=module_id.to_string()/>
            <input type="hidden" name="material_id" value=material.as_ref().map(|m| m.id.to_string()).unwrap_or_default()/>
            {match kind {
                Some(kind) => view! { <input type="hidden" name="kind" value=kind.name()/> }.into_any(),
                None => view! {
                    <div class="field">
                        <label for=id("kind")>"Kind"</label>
                        <select id=id("kind") name="kind" aria-describedby=error_id("kind")>
                            {[MaterialKind::Text, MaterialKind::Link, MaterialKind::Video].into_iter().map(|option| view! {
                                <option value=option.name() selected=chosen == option.name()>{option.label()}</option>
                            }).collect_view()}
                        </select>
                        <FieldError id=error_id("kind") message=field_message(&error, "kind")/>
                    </div>
                }.into_any(),
            }}
            <div class="field">
                <label for=id("title")>"Title"</label>
                <input id=id("title") name="title" type="text" maxlength="200" required value=title aria-invalid=invalid("title") aria-describedby=error_id("title")/>
                <FieldError id=error_id("title") message=field_message(&error, "title")/>
            </div>
            {(kind != Some(MaterialKind::Text) && kind != Some(MaterialKind::File)).then(|| view! {
                <div class="field">
                    <label for=id("url")>"Web address (for links and videos)"</label>
                    <input id=id("url") name="url" type="url" value=url aria-invalid=invalid("url") aria-describedby=error_id("url")/>
                    <FieldError id=error_id("url") message=field_message(&error, "url")/>
                </div>
            })}
            <div class="field">
                <label for=id("body")>{if kind == Some(MaterialKind::Text) || kind.is_none() { "Text (Markdown; for links, videos and files, a short description)" } else { "Description (Markdown)" }}</label>
                <textarea id=id("body") name="body" rows="8" aria-invalid=invalid("body") aria-describedby=error_id("body")>{textarea_text(&body)}</textarea>
                <FieldError id=error_id("body") message=field_message(&error, "body")/>
            </div>
            <Preview show=preview markdown=body.clone()/>
            <div class="button-row">
                <button type="submit" name="preview" value="1" class="button-quiet">"Preview"</button>
                <button type="submit">{if material.is_some() { "Save changes" } else { "Add the material" }}</button>
            </div>
        </form>
    }
}

#[component]
fn AssignmentForm(
    cohort_id: i32,
    module_id: i32,
    assignment: Option<AssignmentLine>,
    posted: Option<PostedForm>,
    error: Option<AppError>,
) -> impl IntoView {
    let prefix = assignment
        .as_ref()
        .map_or("new-assignment".to_owned(), |assignment| {
            format!("assignment-{}-form", assignment.id)
        });
    let preview = is_preview(&error);
    let error = real_error(error);
    let due = assignment
        .as_ref()
        .and_then(|assignment| assignment.due.clone());
    let title = shown_value(
        &posted,
        "title",
        assignment
            .as_ref()
            .map(|a| a.title.clone())
            .unwrap_or_default(),
    );
    let instructions = shown_value(
        &posted,
        "instructions",
        assignment
            .as_ref()
            .map(|a| a.instructions.clone())
            .unwrap_or_default(),
    );
    let due_date = shown_value(
        &posted,
        "due_date",
        due.as_ref()
            .map(|d| d.local_date.clone())
            .unwrap_or_default(),
    );
    let due_time = shown_value(
        &posted,
        "due_time",
        due.as_ref()
            .map(|d| d.local_time.clone())
            .unwrap_or_default(),
    );
    let due_offset = shown_value(
        &posted,
        "due_offset",
        due.as_ref().map(|d| d.offset.clone()).unwrap_or_default(),
    );
    let part = shown_value(
        &posted,
        "feeds_part",
        assignment
            .as_ref()
            .and_then(|a| a.feeds_part)
            .map(|p| p.name().to_owned())
            .unwrap_or_default(),
    );
    let id = |field: &str| format!("{prefix}-{field}");
    let error_id = |field: &str| format!("{prefix}-{field}-error");
    let invalid = |field: &'static str| {
        field_message(&error, field)
            .get_untracked()
            .is_some()
            .then_some("true")
    };
    view! {
        <form method="post" action=SaveAssignment::url() class="stacked-form">
            <FormErrorNotice error=error.clone() fields=&[]/>
            <input type="hidden" name="cohort_id" value=cohort_id.to_string()/>
            <input type="hidden" name="module_id" value=module_id.to_string()/>
            <input type="hidden" name="assignment_id" value=assignment.as_ref().map(|a| a.id.to_string()).unwrap_or_default()/>
            <div class="field">
                <label for=id("title")>"Title"</label>
                <input id=id("title") name="title" type="text" maxlength="200" required value=title aria-invalid=invalid("title") aria-describedby=error_id("title")/>
                <FieldError id=error_id("title") message=field_message(&error, "title")/>
            </div>
            <div class="field">
                <label for=id("instructions")>"Instructions (Markdown)"</label>
                <textarea id=id("instructions") name="instructions" rows="6" aria-invalid=invalid("instructions") aria-describedby=error_id("instructions")>{textarea_text(&instructions)}</textarea>
                <FieldError id=error_id("instructions") message=field_message(&error, "instructions")/>
            </div>
            <Preview show=preview markdown=instructions.clone()/>
            <fieldset class="editor-row">
                <legend>"Due (in the cohort's time zone; leave both empty for no due date)"</legend>
                <div class="field-row">
                    <div class="field">
                        <label for=id("date")>"Date"</label>
                        <input id=id("date") name="due_date" type="date" value=due_date aria-describedby=error_id("due")/>
                    </div>
                    <div class="field">
                        <label for=id("time")>"Time (24-hour)"</label>
                        <input id=id("time") name="due_time" type="time" value=due_time aria-describedby=error_id("due")/>
                    </div>
                    <div class="field">
                        <label for=id("offset")>"UTC offset, only for a time that happens twice"</label>
                        <input id=id("offset") name="due_offset" type="text" size="9" placeholder="-05:00" value=due_offset/>
                    </div>
                </div>
                <FieldError id=error_id("due") message=field_message(&error, "due")/>
            </fieldset>
            <div class="field">
                <label for=id("part")>"Responses can be copied into"</label>
                <select id=id("part") name="feeds_part">
                    <option value="" selected=part.is_empty()>"Neither part"</option>
                    {[FeedsPart::Overview, FeedsPart::Reflection].into_iter().map(|option| view! {
                        <option value=option.name() selected=part == option.name()>{option.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="button-row">
                <button type="submit" name="preview" value="1" class="button-quiet">"Preview"</button>
                <button type="submit">{if assignment.is_some() { "Save changes" } else { "Add the assignment" }}</button>
            </div>
        </form>
    }
}

#[component]
pub fn AssignmentPage() -> impl IntoView {
    let Some(assignment_id) = param("id") else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such assignment.".into())/> }.into_any();
    };
    let done = query_param("done").and_then(|code| done_message(&code));
    let data = Resource::new(move || assignment_id, get_assignment);
    view! {
        <Suspense fallback=|| view! { <p>"Loading the assignment…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <AssignmentView page done/> }.into_any(),
                    Err(error) => view! { <leptos_meta::Title text="Assignment"/><ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn AssignmentView(page: AssignmentPageData, done: Option<&'static str>) -> impl IntoView {
    let assignment = page.assignment.clone();
    let other_error = posted_error::<DecideResponse>().or_else(posted_error::<CopyResponse>);
    view! {
        <UserTitle text=assignment.title.clone()/>
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                <li><a href=format!("/cohorts/{}", page.cohort_id)>{page.cohort_label.clone()}</a></li>
                <li><a href=module_path(page.cohort_id, page.module_id)>{format!("{} module", page.module_name)}</a></li>
            </ol>
        </nav>
        <h1>{assignment.title.clone()}</h1>
        <p class="lead">"Due: " <DeadlineText deadline=assignment.due.clone()/></p>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <FormErrorNotice error=other_error fields=&[]/>
        <section aria-labelledby="instructions-heading" class="panel">
            <h2 id="instructions-heading">"Instructions"</h2>
            <div class="written" inner_html=assignment.html.clone()></div>
        </section>
        {page.mine.clone().map(|mine| view! { <OwnResponse page=page.clone() mine/> })}
        {page.can_manage.then(|| view! { <Responses page=page.clone()/> })}
    }
}

#[component]
fn OwnResponse(page: AssignmentPageData, mine: ResponseView) -> impl IntoView {
    let error = posted_error::<SaveResponse>();
    let posted = posted_for(&SaveResponse::url(), &[]);
    let body = shown_value(&posted, "body", mine.body.clone());
    let version = shown_value(&posted, "version", mine.version.to_string());
    let chosen: Vec<i32> = match &posted {
        Some(form) => form
            .fields
            .iter()
            .filter(|(name, _)| name.starts_with("evidence["))
            .filter_map(|(_, value)| value.parse().ok())
            .collect(),
        None => mine.evidence.iter().map(|(id, _)| *id).collect(),
    };
    let editable = mine.state.editable();
    let assignment = page.assignment.clone();
    let invalid = field_message(&error, "body")
        .get_untracked()
        .is_some()
        .then_some("true");
    view! {
        <section aria-labelledby="response-heading" class="panel">
            <h2 id="response-heading">"Your response"</h2>
            <p>"Status: " <strong>{if mine.id == 0 { "Not started" } else { mine.state.label() }}</strong>
                {(!mine.submitted.is_empty()).then(|| format!(". Handed in {}", mine.submitted))}
            </p>
            {(!mine.feedback.is_empty()).then(|| view! {
                <div class="notice" role="note">
                    <p><strong>"Your facilitator's comment"</strong>{format!(" ({}):", mine.reviewed)}</p>
                    <p class="prewrap">{mine.feedback.clone()}</p>
                </div>
            })}
            {if editable {
                view! {
                    <form method="post" action=SaveResponse::url() class="stacked-form">
                        <FormErrorNotice error=error.clone() fields=&["body", "evidence"]/>
                        <input type="hidden" name="assignment_id" value=assignment.id.to_string()/>
                        <input type="hidden" name="version" value=version/>
                        <div class="field">
                            <label for="response-body">"Response (Markdown)"</label>
                            <textarea id="response-body" name="body" rows="12" aria-invalid=invalid aria-describedby="response-body-error">{textarea_text(&body)}</textarea>
                            <FieldError id="response-body-error" message=field_message(&error, "body")/>
                        </div>
                        <fieldset>
                            <legend>"Evidence from your library"</legend>
                            {page.library.is_empty().then(|| view! { <p class="hint">"Your evidence library is empty. " <a href="/evidence">"Add evidence"</a>" first to attach it."</p> })}
                            {page.library.iter().enumerate().map(|(index, (id, title))| {
                                let input_id = format!("evidence-{id}");
                                view! {
                                    <label class="checkbox" for=input_id.clone()>
                                        <input id=input_id.clone() type="checkbox" name=format!("evidence[{index}]") value=id.to_string() checked=chosen.contains(id)/>
                                        {title.clone()}
                                    </label>
                                }
                            }).collect_view()}
                            <FieldError id="response-evidence-error" message=field_message(&error, "evidence")/>
                        </fieldset>
                        <div class="button-row">
                            <button type="submit" class="button-quiet">"Save draft"</button>
                            <button type="submit" name="hand_in" value="1">"Hand in"</button>
                        </div>
                    </form>
                }.into_any()
            } else {
                view! {
                    <div class="written" inner_html=mine.html.clone()></div>
                    {(!mine.evidence.is_empty()).then(|| view! {
                        <h3>"Evidence"</h3>
                        <ul>{mine.evidence.iter().map(|(id, title)| view! { <li><a href=format!("/evidence/{id}")>{title.clone()}</a></li> }).collect_view()}</ul>
                    })}
                }.into_any()
            }}
            {(mine.id != 0 && assignment.feeds_part.is_some()).then(|| view! { <CopyForm page=page.clone()/> })}
        </section>
    }
}

#[component]
fn CopyForm(page: AssignmentPageData) -> impl IntoView {
    let part = page.assignment.feeds_part.unwrap_or(FeedsPart::Reflection);
    if page.targets.is_empty() {
        return view! {
            <p class="hint">"Once you have chosen your competencies, and while a micro-credential's draft is open, you can copy this response into it."</p>
        }
        .into_any();
    }
    // One choice per place the text can go: each open draft, and for Part 1 each of
    // its questions.
    let choices: Vec<(String, String)> = page
        .targets
        .iter()
        .flat_map(|target| -> Vec<(String, String)> {
            match part {
                FeedsPart::Reflection => vec![(
                    target.microcredential_id.to_string(),
                    format!("{}: the reflection", target.title),
                )],
                FeedsPart::Overview => target
                    .questions
                    .iter()
                    .enumerate()
                    .map(|(index, prompt)| {
                        let short: String = prompt.chars().take(60).collect();
                        let more = if prompt.chars().count() > 60 {
                            "…"
                        } else {
                            ""
                        };
                        (
                            format!("{}:{}", target.microcredential_id, index + 1),
                            format!("{}, question {}: {short}{more}", target.title, index + 1),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    view! {
        <form method="post" action=CopyResponse::url() class="stacked-form copy-form">
            <h3>"Use this response in a micro-credential"</h3>
            <p class="hint">{format!("Adds your saved response to the end of {} in the draft you choose. Nothing in the draft is replaced.", part.label())}</p>
            <input type="hidden" name="assignment_id" value=page.assignment.id.to_string()/>
            <div class="field">
                <label for="copy-target">"Where to add it"</label>
                <select id="copy-target" name="target">
                    {choices.into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button-quiet">"Add to my draft"</button>
        </form>
    }
    .into_any()
}

#[component]
fn Responses(page: AssignmentPageData) -> impl IntoView {
    let waiting = page
        .responses
        .iter()
        .filter(|response| response.state == ResponseState::Submitted)
        .count();
    view! {
        <section aria-labelledby="responses-heading" class="panel">
            <h2 id="responses-heading">"Responses"</h2>
            <p>{format!("{} handed in; {waiting} waiting for a decision.", page.responses.len())}</p>
            {page.responses.is_empty().then(|| view! { <p class="placeholder">"No one has handed in a response yet."</p> })}
            <ul class="card-list">
                {page.responses.iter().cloned().map(|response| view! { <ResponseCard response/> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ResponseCard(response: ResponseView) -> impl IntoView {
    let anchor = format!("response-{}", response.id);
    let feedback_id = format!("feedback-{}", response.id);
    view! {
        <li id=anchor class="card">
            <h3>{response.fellow_name.clone()}" " <span class="badge">{response.state.label()}</span></h3>
            <p class="hint">{format!("Handed in {}", response.submitted)}</p>
            <div class="written" inner_html=response.html.clone()></div>
            {(!response.evidence.is_empty()).then(|| view! {
                <p>"Evidence: " {response.evidence.iter().map(|(id, title)| view! { <a href=format!("/evidence/{id}")>{title.clone()}</a>" " }).collect_view()}</p>
            })}
            {(!response.feedback.is_empty()).then(|| view! { <p class="prewrap">"Comment: " {response.feedback.clone()}</p> })}
            {(response.state == ResponseState::Submitted).then(|| view! {
                <form method="post" action=DecideResponse::url() class="stacked-form">
                    <input type="hidden" name="response_id" value=response.id.to_string()/>
                    <input type="hidden" name="version" value=response.version.to_string()/>
                    <div class="field">
                        <label for=feedback_id.clone()>"Comment to the fellow (required to return it)"</label>
                        <textarea id=feedback_id name="feedback" rows="3"></textarea>
                    </div>
                    <div class="button-row">
                        <button type="submit" name="outcome" value="complete">"Mark complete"</button>
                        <button type="submit" name="outcome" value="return" class="button-quiet">"Return for revision"</button>
                    </div>
                </form>
            })}
        </li>
    }
}
