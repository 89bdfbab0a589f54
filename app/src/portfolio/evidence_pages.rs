//! The evidence library and the page of one piece of evidence.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::evidence_api::{
    AddLink, AddWriting, DeleteEvidence, EvidenceDetail, UpdateEvidence, done_message,
    get_evidence, get_library,
};
use super::upload::UploadForm;
use super::{EvidenceKind, EvidenceView, Library, file_url, size_text};
use crate::error::AppError;
use crate::program::format::EvidenceType;
use crate::ui::{
    ErrorNotice, FieldError, FormErrorNotice, SuccessNotice, UserTitle, posted_error, query_param,
    shown_value,
};

/// Returns the message for an upload rejected without the browser script, by code.
pub fn upload_error_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "too_large" => {
            "The file is larger than one upload can be. Compress it or, for video, add a link instead."
        }
        "quota" => {
            "The file does not fit in your library's space. Remove evidence you no longer need, or add large videos as links."
        }
        "empty" => "The file is empty (0 bytes). Choose the file again.",
        "markup" => {
            "That file is a web page or an SVG drawing, which could run scripts in reviewers' browsers. Save it as a PDF or a PNG image and upload that."
        }
        "type" => {
            "TLI Hub does not accept that kind of file. Upload a PDF, an image, audio or video, or an office document."
        }
        "image" => "The image could not be read. Export it again and upload the copy.",
        "interrupted" => {
            "The upload stopped before the whole file arrived. Nothing was saved; upload it again."
        }
        "no_file" => "No file arrived. Choose a file and upload it again.",
        "storage" => {
            "The file could not be stored right now. Nothing was saved; try again in a minute."
        }
        _ => return None,
    })
}

#[component]
pub fn EvidenceLibraryPage() -> impl IntoView {
    let search = query_param("search").unwrap_or_default();
    let evidence_type = query_param("type").unwrap_or_default();
    let competency = query_param("competency").unwrap_or_default();
    let filters = (search.clone(), evidence_type.clone(), competency.clone());
    let library = Resource::new(
        move || filters.clone(),
        |(search, evidence_type, competency)| get_library(search, evidence_type, competency),
    );
    let form_error = posted_error::<AddLink>().or_else(posted_error::<AddWriting>);
    let delete_error = posted_error::<DeleteEvidence>();
    let done = query_param("done").and_then(|code| done_message(&code));
    let upload_error = query_param("upload_error").and_then(|code| upload_error_message(&code));
    view! {
        <Title text="Evidence library"/>
        <h1>"Evidence library"</h1>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        {upload_error.map(|message| view! {
            <div class="notice notice-error" role="alert" tabindex="-1" autofocus=true><p>{message}</p></div>
        })}
        {delete_error.map(|error| view! { <ErrorNotice error/> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let form_error = form_error.clone();
                let search = search.clone();
                let evidence_type = evidence_type.clone();
                let competency = competency.clone();
                Suspend::new(async move {
                    match library.await {
                        Ok(library) => view! {
                            <LibraryView library form_error search evidence_type competency/>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn LibraryView(
    library: Library,
    form_error: Option<AppError>,
    search: String,
    evidence_type: String,
    competency: String,
) -> impl IntoView {
    let used = library.used_bytes;
    let quota = library.limits.quota_bytes;
    let room = quota.saturating_sub(used);
    let percent = if quota == 0 {
        100
    } else {
        (used * 100 / quota).min(100)
    };
    let message_for = |field: &'static str| crate::ui::field_message(&form_error, field);
    // A rejected post comes back with what was typed, so nothing has to be typed again.
    let link_form = crate::ui::posted_for(&AddLink::url(), &[]);
    let writing_form = crate::ui::posted_for(&AddWriting::url(), &[]);
    let competencies = library.competencies.clone();
    let filtering = !(search.is_empty() && evidence_type.is_empty() && competency.is_empty());
    view! {
        <section aria-labelledby="space-heading" class="panel">
            <h2 id="space-heading">"Space"</h2>
            <p>
                <label for="space-used">{format!("{} of {} used", size_text(used), size_text(quota))}</label>
                <meter id="space-used" min="0" max="100" low="80" high="95" optimum="0" value=percent.to_string()>{format!("{percent}%")}</meter>
            </p>
        </section>
        <section aria-labelledby="add-heading">
            <h2 id="add-heading">"Add evidence"</h2>
            <FormErrorNotice error=form_error.clone() fields=&["title", "url", "body", "description"]/>
            <details open=true>
                <summary>"Upload a file"</summary>
                <UploadForm max_file_bytes=library.limits.max_file_bytes room_bytes=room/>
            </details>
            <details open=link_form.is_some()>
                <summary>"Add a link to a published artifact"</summary>
                <form method="post" action=AddLink::url() class="stacked-form">
                    <label for="link-title">"Title"</label>
                    <input id="link-title" name="title" type="text" required maxlength="200" aria-describedby="link-title-error" value=shown_value(&link_form, "title", String::new())/>
                    <FieldError id="link-title-error" message=message_for("title")/>
                    <label for="link-url">"Link"</label>
                    <input id="link-url" name="url" type="url" required placeholder="https://" aria-describedby="link-url-help link-url-error" value=shown_value(&link_form, "url", String::new())/>
                    <p id="link-url-help" class="hint">"Reviewers must be able to open it without signing in."</p>
                    <FieldError id="link-url-error" message=message_for("url")/>
                    <label for="link-description">"Description " <span class="hint">"(optional)"</span></label>
                    <textarea id="link-description" name="description" rows="2">{crate::ui::textarea_text(&shown_value(&link_form, "description", String::new()))}</textarea>
                    <div class="form-actions"><button type="submit">"Add link"</button></div>
                </form>
            </details>
            <details open=writing_form.is_some()>
                <summary>"Write a piece"</summary>
                <form method="post" action=AddWriting::url() class="stacked-form">
                    <label for="writing-title">"Title"</label>
                    <input id="writing-title" name="title" type="text" required maxlength="200" value=shown_value(&writing_form, "title", String::new())/>
                    <label for="writing-body">"Text"</label>
                    <textarea id="writing-body" name="body" rows="8" required aria-describedby="writing-help writing-body-error">{crate::ui::textarea_text(&shown_value(&writing_form, "body", String::new()))}</textarea>
                    <p id="writing-help" class="hint">"Markdown works: **bold**, _italic_, lists and links."</p>
                    <FieldError id="writing-body-error" message=message_for("body")/>
                    <div class="form-actions"><button type="submit">"Save piece"</button></div>
                </form>
            </details>
        </section>
        <section aria-labelledby="items-heading">
            <h2 id="items-heading">"Your evidence"</h2>
            <form method="get" action="/evidence" class="filter-form" role="search">
                <label for="search">"Search"</label>
                <input id="search" name="search" type="search" value=search/>
                <label for="type">"Type"</label>
                <select id="type" name="type">
                    <option value="" selected=evidence_type.is_empty()>"All types"</option>
                    {EvidenceType::ALL.into_iter().map(|kind| {
                        let selected = kind.as_str() == evidence_type;
                        view! { <option value=kind.as_str() selected=selected>{kind.label()}</option> }
                    }).collect_view()}
                </select>
                <label for="competency">"Competency"</label>
                <select id="competency" name="competency">
                    <option value="" selected=competency.is_empty()>"All competencies"</option>
                    {competencies.into_iter().map(|(id, name)| {
                        let selected = id.to_string() == competency;
                        view! { <option value=id.to_string() selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                <button type="submit">"Filter"</button>
                {filtering.then(|| view! { <a href="/evidence">"Clear filters"</a> })}
            </form>
            {if library.items.is_empty() {
                let text = if filtering { "Nothing matches these filters." } else { "Your library is empty. Upload a file, add a link or write a piece above." };
                view! { <p>{text}</p> }.into_any()
            } else {
                view! {
                    <ul class="evidence-grid">
                        {library.items.into_iter().map(|item| view! { <EvidenceCard item/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn EvidenceCard(item: EvidenceView) -> impl IntoView {
    let href = format!("/evidence/{}", item.id);
    let is_image = item.evidence_type == EvidenceType::Image;
    let detail = match (&item.file_size, &item.url) {
        (Some(size), _) => format!("{} · {}", item.evidence_type.label(), size_text(*size)),
        (None, Some(url)) => format!("Link · {url}"),
        _ => item.evidence_type.label().to_owned(),
    };
    view! {
        <li class="evidence-card">
            {is_image.then(|| view! {
                <img class="thumbnail" src=file_url(item.id) alt="" loading="lazy" width="160" height="120"/>
            })}
            <a href=href>{item.title.clone()}</a>
            <p class="hint">{detail}</p>
            {item.pdf_preferred.then(|| view! { <span class="badge">"PDF preferred"</span> })}
            {(!item.tags.is_empty()).then(|| view! {
                <p class="tags">{item.tags.iter().map(|(_, name)| name.clone()).collect::<Vec<_>>().join(", ")}</p>
            })}
        </li>
    }
}

#[component]
pub fn EvidenceItemPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|params| params.get("id").and_then(|id| id.parse::<i32>().ok()));
    let Some(id) = id else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such evidence.".into())/> }.into_any();
    };
    let detail = Resource::new(move || id, get_evidence);
    let form_error = posted_error::<UpdateEvidence>();
    let delete_error = posted_error::<DeleteEvidence>();
    let done = query_param("done").and_then(|code| done_message(&code));
    view! {
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        {delete_error.map(|error| view! { <ErrorNotice error/> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let form_error = form_error.clone();
                Suspend::new(async move {
                    match detail.await {
                        Ok(detail) => view! { <ItemView detail form_error/> }.into_any(),
                        Err(error) => view! { <Title text="Evidence"/><ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ItemView(detail: EvidenceDetail, form_error: Option<AppError>) -> impl IntoView {
    let item = detail.item.clone();
    let message_for = |field: &'static str| crate::ui::field_message(&form_error, field);
    view! {
        <UserTitle text=item.title.clone()/>
        {detail.editable.then(|| view! { <p><a href="/evidence">"← Evidence library"</a></p> })}
        <h1>{item.title.clone()}</h1>
        <p class="hint">{format!("{} · added {}", item.evidence_type.label(), item.added)}</p>
        {item.pdf_preferred.then(|| view! {
            <p class="notice">"This is an office document. Reviewers open PDFs more reliably; consider uploading a PDF copy as well."</p>
        })}
        <Preview item=item.clone()/>
        {(!item.description.is_empty()).then(|| view! { <p>{item.description.clone()}</p> })}
        {(!item.tags.is_empty()).then(|| view! {
            <p>"Competencies: " {item.tags.iter().map(|(_, name)| name.clone()).collect::<Vec<_>>().join(", ")}</p>
        })}
        {detail.editable.then(|| {
            let tags: Vec<i32> = item.tags.iter().map(|(id, _)| *id).collect();
            view! {
                <section aria-labelledby="edit-heading">
                    <h2 id="edit-heading">"Edit"</h2>
                    <FormErrorNotice error=form_error.clone() fields=&["title", "url", "body", "description"]/>
                    <form method="post" action=UpdateEvidence::url() class="stacked-form">
                        <input type="hidden" name="id" value=item.id.to_string()/>
                        <label for="edit-title">"Title"</label>
                        <input id="edit-title" name="title" type="text" required maxlength="200" value=item.title.clone() aria-describedby="edit-title-error"/>
                        <FieldError id="edit-title-error" message=message_for("title")/>
                        {(item.kind == EvidenceKind::Link).then(|| view! {
                            <label for="edit-url">"Link"</label>
                            <input id="edit-url" name="url" type="url" required value=item.url.clone().unwrap_or_default() aria-describedby="edit-url-error"/>
                            <FieldError id="edit-url-error" message=message_for("url")/>
                        })}
                        {(item.kind == EvidenceKind::Text).then(|| view! {
                            <label for="edit-body">"Text"</label>
                            <textarea id="edit-body" name="body" rows="10" aria-describedby="edit-body-error">{crate::ui::textarea_text(&item.body.clone().unwrap_or_default())}</textarea>
                            <FieldError id="edit-body-error" message=message_for("body")/>
                        })}
                        <label for="edit-description">"Description"</label>
                        <textarea id="edit-description" name="description" rows="3">{crate::ui::textarea_text(&item.description.clone())}</textarea>
                        <fieldset>
                            <legend>"Competencies this evidence shows"</legend>
                            <div class="checkbox-columns">
                                {detail.competencies.iter().map(|(id, name)| {
                                    let input_id = format!("tag-{id}");
                                    view! {
                                        <label for=input_id.clone() class="checkbox">
                                            <input id=input_id.clone() type="checkbox" name=format!("tag[{id}]") value="on" checked=tags.contains(id)/>
                                            {name.clone()}
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                        <div class="form-actions"><button type="submit">"Save changes"</button></div>
                    </form>
                    {if detail.submitted {
                        view! { <p class="hint">"A submitted attempt uses this evidence, so it stays in your library."</p> }.into_any()
                    } else {
                        view! {
                            <form method="post" action=DeleteEvidence::url()>
                                <input type="hidden" name="id" value=item.id.to_string()/>
                                <button type="submit" class="danger">"Remove from library"</button>
                            </form>
                        }.into_any()
                    }}
                </section>
            }
        })}
    }
}

/// Shows a piece of evidence in the page: images, the first page of a PDF, audio and
/// video players, a link, or the written text.
#[component]
pub fn Preview(item: EvidenceView) -> impl IntoView {
    let src = file_url(item.id);
    let mime = item.file_mime.clone().unwrap_or_default();
    let download = item.file_name.clone().map(|name| {
        view! {
            <p><a href=src.clone() download=name.clone()>{format!("Download {name}")}</a></p>
        }
    });
    let shown = match item.kind {
        EvidenceKind::Link => {
            let url = item.url.clone().unwrap_or_default();
            view! { <p><a href=url.clone() rel="noopener noreferrer" target="_blank">{url.clone()}</a></p> }.into_any()
        }
        EvidenceKind::Text => view! {
            <div class="written" inner_html=item.body_html.clone().unwrap_or_default()></div>
        }.into_any(),
        EvidenceKind::File if mime.starts_with("image/") => view! {
            <img class="preview" src=src.clone() alt=format!("Preview of {}", item.title)/>
        }.into_any(),
        EvidenceKind::File if mime == "application/pdf" => view! {
            <iframe class="pdf-preview" src=format!("{src}#page=1&view=FitH") title=format!("First page of {}", item.title)></iframe>
        }.into_any(),
        EvidenceKind::File if mime.starts_with("audio/") => view! {
            <audio controls=true preload="metadata" src=src.clone() aria-label=format!("Play {}", item.title)></audio>
        }.into_any(),
        EvidenceKind::File if mime.starts_with("video/") => view! {
            <video controls=true preload="metadata" src=src.clone() class="preview" aria-label=format!("Play {}", item.title)></video>
        }.into_any(),
        EvidenceKind::File => view! { <p class="hint">"No preview for this kind of file."</p> }.into_any(),
    };
    view! { <div class="evidence-preview">{shown}{download}</div> }
}
