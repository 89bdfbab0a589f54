//! The reviewer's pages: the queue, and the review page with the submission on one side
//! and the rubric on the other. Pages name submissions by code only.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

use super::api::{
    BlindArtifact, FinalizeReview, Queue, QueueShow, ReopenCriterion, RevealIdentity, ReviewPage,
    SaveReviewForm, done_message, get_queue, get_review,
};
use super::content::{comment_field, criteria, form_name, level_field};
use super::keys::ReviewKeys;
use super::{ReviewKind, ReviewState, review_path};
use crate::error::AppError;
use crate::portfolio::autosave::{AutosaveStatus, AutosaveTarget};
use crate::ui::{ErrorNotice, FormErrorNotice, SuccessNotice, posted_error, query_param};

/// The id of the rubric form.
pub const RUBRIC_FORM_ID: &str = "rubric-form";

#[component]
pub fn QueuePage() -> impl IntoView {
    let show = query_param("show").unwrap_or_default();
    let credential = query_param("credential").unwrap_or_default();
    let page = query_param("page")
        .and_then(|page| page.parse::<u64>().ok())
        .unwrap_or(1);
    let done = query_param("done").and_then(|code| done_message(&code));
    let queue = Resource::new(
        move || (show.clone(), credential.clone(), page),
        |(show, credential, page)| get_queue(show, credential, page),
    );
    view! {
        <leptos_meta::Title text="Review queue"/>
        <h1>"Review queue"</h1>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(queue) => view! { <QueueView queue/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueView(queue: Queue) -> impl IntoView {
    let link = |show: QueueShow, label: String, current: QueueShow, credential: &str| {
        let href = format!("/reviews?show={}&credential={credential}", show.name());
        view! {
            <li><a href=href aria-current=(show == current).then_some("page")>{label}</a></li>
        }
    };
    let credential = queue.credential.clone();
    let page_link = |page: u64, label: &'static str, rel: &'static str| {
        view! {
            <a rel=rel href=format!("/reviews?show={}&credential={}&page={page}", queue.show.name(), queue.credential)>{label}</a>
        }
    };
    view! {
        <p class="hint">{format!("Reviews are due {} business days after the fellow submits.", queue.turnaround_days)}</p>
        {(queue.calibration_open > 0).then(|| view! {
            <p class="notice">{format!(
                "Score the {} calibration submission(s) first. They were scored by staff, and scoring them shows how your judgment lines up with the agreed scores before live reviews.",
                queue.calibration_open
            )}</p>
        })}
        <nav aria-label="Filter reviews">
            <ul class="tabs">
                {link(QueueShow::Open, format!("To score ({})", queue.open), queue.show, &credential)}
                {link(QueueShow::Overdue, format!("Overdue ({})", queue.overdue), queue.show, &credential)}
                {link(QueueShow::Done, format!("Finalized ({})", queue.done), queue.show, &credential)}
                {link(QueueShow::All, "All".to_owned(), queue.show, &credential)}
            </ul>
        </nav>
        <form method="get" action="/reviews" class="inline-form">
            <input type="hidden" name="show" value=queue.show.name()/>
            <label for="credential">"Micro-credential"</label>
            <select id="credential" name="credential">
                <option value="" selected=queue.credential.is_empty()>"All micro-credentials"</option>
                {queue.credentials.iter().map(|(key, title)| view! {
                    <option value=key.clone() selected=*key == queue.credential>{title.clone()}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="secondary">"Filter"</button>
        </form>
        {if queue.items.is_empty() {
            view! { <p>"Nothing here. New assignments appear in this queue."</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label="Assigned reviews">
                <table class="data-table queue">
                    <caption class="visually-hidden">"Assigned reviews"</caption>
                    <thead><tr>
                        <th scope="col">"Submission"</th>
                        <th scope="col">"Micro-credential"</th>
                        <th scope="col">"Attempt"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Due"</th>
                        <th scope="col">"Status"</th>
                    </tr></thead>
                    <tbody>
                        {queue.items.into_iter().map(|item| {
                            let status = match item.state {
                                ReviewState::Final => "Finalized",
                                ReviewState::Withdrawn => "Withdrawn by the fellow",
                                ReviewState::Open if item.started => "In progress",
                                ReviewState::Open => "Not started",
                            };
                            view! {
                                <tr data-overdue=item.overdue.then_some("true")>
                                    <td><a href=review_path(item.review_id)>{item.code}</a></td>
                                    <td>{item.title}</td>
                                    <td>{item.attempt}</td>
                                    <td>{item.kind.label()}</td>
                                    <td>{item.due.unwrap_or_else(|| "Before live reviews".into())}{item.overdue.then_some(" (overdue)")}</td>
                                    <td>{status}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
            }.into_any()
        }}
        {(queue.pages > 1).then(|| view! {
            <nav aria-label="Pages" class="pager">
                {(queue.page > 1).then(|| page_link(queue.page - 1, "← Earlier", "prev"))}
                <span>{format!(" Page {} of {} ", queue.page, queue.pages)}</span>
                {(queue.page < queue.pages).then(|| page_link(queue.page + 1, "Later →", "next"))}
            </nav>
        })}
    }
}

#[component]
pub fn ReviewRoutePage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|params| params.get("id").and_then(|id| id.parse::<i32>().ok()));
    let Some(review_id) = id else {
        return view! {
            <leptos_meta::Title text="Review"/>
            <p><a href="/reviews">"← Review queue"</a></p>
            <h1>"Review"</h1>
            <ErrorNotice error=AppError::NotFound("There is no such review. Open one from your review queue.".into())/>
        }.into_any();
    };
    let rubric_only = query_param("pane").as_deref() == Some("rubric");
    let confirm = query_param("confirm").is_some();
    let done = query_param("done").and_then(|code| done_message(&code));
    let form_error = posted_error::<SaveReviewForm>()
        .or_else(posted_error::<FinalizeReview>)
        .or_else(posted_error::<ReopenCriterion>);
    let reveal_error = posted_error::<RevealIdentity>();
    let page = Resource::new(move || review_id, get_review);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let form_error = form_error.clone();
                let reveal_error = reveal_error.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <ReviewView page rubric_only confirm done form_error reveal_error/> }.into_any(),
                        Err(error) => view! {
                            <leptos_meta::Title text="Review"/>
                            <p><a href="/reviews">"← Review queue"</a></p>
                            <ErrorNotice error/>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ReviewView(
    page: ReviewPage,
    rubric_only: bool,
    confirm: bool,
    done: Option<&'static str>,
    form_error: Option<AppError>,
    reveal_error: Option<AppError>,
) -> impl IntoView {
    let title = format!("{} · {}", page.code, page.kind.label());
    let heading = format!(
        "{}: {}, attempt {}",
        page.code, page.definition.title, page.attempt
    );
    let path = review_path(page.review_id);
    let evidence = (!rubric_only).then(|| view! { <EvidencePane page=page.clone()/> });
    let nav_link = |target: Option<i32>, rel: &'static str, label: &'static str| {
        target.map(|id| {
            let href = if rubric_only {
                format!("{}?pane=rubric", review_path(id))
            } else {
                review_path(id)
            };
            view! { " · " <a href=href rel=rel>{label}</a> }
        })
    };
    view! {
        <leptos_meta::Title text=title/>
        <nav class="review-nav" aria-label="Reviews">
            <a href="/reviews">"← Review queue"</a>
            {nav_link(page.previous_review, "prev", "Previous submission")}
            {nav_link(page.next_review, "next", "Next submission")}
            " · "
            <button type="button" id="show-shortcuts" class="link-button" aria-controls="shortcuts" aria-expanded="false">"Keyboard shortcuts (?)"</button>
            {(!rubric_only).then(|| view! {
                " · "
                <a id="rubric-window" href=format!("{path}?pane=rubric") target="tli-rubric">"Open the rubric in its own window"</a>
            })}
        </nav>
        <h1>{heading}</h1>
        <p>
            <span class="badge">{page.kind.label()}</span>
            {page.due.clone().map(|due| format!(" · Due {due}"))}
            {match page.state {
                ReviewState::Final => " · Finalized",
                ReviewState::Withdrawn => " · Withdrawn",
                ReviewState::Open => "",
            }}
        </p>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <FormErrorNotice error=form_error fields=&[]/>
        {(page.state == ReviewState::Withdrawn).then(|| view! {
            <p class="notice">"The fellow withdrew this submission to keep working on it. It needs no scores now; what you saved is kept below."</p>
        })}
        {(page.lead && !rubric_only).then(|| view! { <IdentityPanel page=page.clone() error=reveal_error.clone()/> })}
        {(!rubric_only).then(|| view! {
            <p id="rubric-away" class="notice rubric-away">
                "The rubric is open in its own window. "
                <button type="button" id="rubric-here" class="link-button">"Show it here instead"</button>
            </p>
        })}
        <div id="review-split" class="review-split" data-rubric-only=rubric_only.then_some("true")>
            {evidence}
            <RubricPane page=page.clone() confirm/>
        </div>
        <ShortcutHelp/>
        <ReviewKeys review_id=page.review_id rubric_only/>
    }
}

#[component]
fn IdentityPanel(page: ReviewPage, error: Option<AppError>) -> impl IntoView {
    let id_text = page.review_id.to_string();
    let posted = crate::ui::posted_for(&RevealIdentity::url(), &[("review_id", id_text.as_str())]);
    let reason = crate::ui::shown_value(&posted, "reason", String::new());
    let failed = error.is_some();
    match page.identity {
        Some(identity) => view! {
            <p class="notice">{format!("Identity, revealed to you: {} <{}>", identity.name, identity.email)}</p>
        }.into_any(),
        None => view! {
            <details class="reveal" open=failed>
                <summary>"Reveal who this is (lead reviewers, recorded in the audit log)"</summary>
                <FormErrorNotice error=error fields=&[]/>
                <form method="post" action=RevealIdentity::url()>
                    <input type="hidden" name="review_id" value=id_text/>
                    <label for="reveal-reason">"Why do you need to know?"</label>
                    <textarea id="reveal-reason" name="reason" rows="2" required=true minlength="10" maxlength="1000">{crate::ui::textarea_text(&reason)}</textarea>
                    <button type="submit" class="secondary">"Reveal identity"</button>
                </form>
            </details>
        }.into_any(),
    }
}

#[component]
fn EvidencePane(page: ReviewPage) -> impl IntoView {
    let definition = page.definition.clone();
    let changed: Vec<_> = page
        .changes
        .iter()
        .filter(|change| change.diff_html.is_some())
        .cloned()
        .collect();
    view! {
        <section id="evidence-pane" class="evidence-pane" aria-labelledby="evidence-heading" tabindex="0">
            <h2 id="evidence-heading">"Submission"</h2>
            {(page.attempt > 1).then(|| view! {
                <details class="changes" open=true>
                    <summary>{format!("Changed since attempt {} ({} of {} parts)", page.attempt - 1, changed.len(), page.changes.len())}</summary>
                    {if changed.is_empty() {
                        view! { <p>"Nothing changed since the previous attempt."</p> }.into_any()
                    } else {
                        changed.into_iter().map(|change| view! {
                            <h3>{change.label}</h3>
                            <p class="diff" inner_html=change.diff_html.unwrap_or_default()></p>
                        }).collect_view().into_any()
                    }}
                </details>
            })}
            <h3>"Part 1: Overview questions"</h3>
            {definition.overview_questions.iter().enumerate().map(|(index, question)| view! {
                <h4>{format!("{}. {}", index + 1, question.prompt)}</h4>
                <div class="written" inner_html=page.answers_html.get(index).cloned().unwrap_or_default()></div>
            }).collect_view()}
            <h3>"Part 2: Artifacts"</h3>
            {page.artifacts.iter().cloned().map(|artifact| view! { <ArtifactView artifact code=page.code.clone()/> }).collect_view()}
            <h3>"Part 3: Reflection"</h3>
            <p class="hint">{definition.reflection_prompt.clone()}</p>
            <div class="written" inner_html=page.reflection_html.clone()></div>
        </section>
    }
}

#[component]
fn ArtifactView(artifact: BlindArtifact, code: String) -> impl IntoView {
    let number = artifact.position + 1;
    let heading = format!("Artifact {number}: {}", artifact.requirement);
    let body = if artifact.kind.is_empty() {
        view! { <p class="hint">"No evidence was chosen for this artifact."</p> }.into_any()
    } else {
        let mime = artifact.file_mime.clone().unwrap_or_default();
        let media = artifact.file_url.clone().map(|src| {
            let label = format!("Artifact {number}");
            let download_name = format!("{code}-artifact-{number}");
            let preview = if mime.starts_with("image/") {
                // Zoom is plain radio buttons and CSS, so it works without the script.
                let group = format!("zoom-{number}");
                view! {
                    <div class="zoom">
                        <fieldset class="zoom-levels">
                            <legend>{format!("Zoom for artifact {number}")}</legend>
                            {[("1", "Fit"), ("2", "2×"), ("4", "4×")].into_iter().map(|(value, text)| view! {
                                <label><input type="radio" name=group.clone() value=value checked=value == "1"/>{format!(" {text}")}</label>
                            }).collect_view()}
                        </fieldset>
                        <div class="zoom-frame" tabindex="0" role="region" aria-label=format!("{label}, zoomable")>
                            <img class="zoomable" src=src.clone() alt=format!("{label}: {}", artifact.title)/>
                        </div>
                    </div>
                }.into_any()
            } else if mime == "application/pdf" {
                view! { <iframe class="pdf-preview" src=format!("{src}#view=FitH") title=format!("{label}, PDF")></iframe> }.into_any()
            } else if mime.starts_with("audio/") {
                view! { <audio controls=true preload="metadata" src=src.clone() aria-label=format!("Play {label}")></audio> }.into_any()
            } else if mime.starts_with("video/") {
                view! { <video controls=true preload="metadata" src=src.clone() class="preview" aria-label=format!("Play {label}")></video> }.into_any()
            } else {
                view! { <p class="hint">"No preview for this kind of file; download it to read it."</p> }.into_any()
            };
            view! {
                {preview}
                <p><a href=src.clone() download=download_name>{format!("Download artifact {number} ({})", artifact.file_size.clone().unwrap_or_default())}</a></p>
            }
        });
        view! {
            <p><strong>{artifact.title.clone()}</strong>{format!(" · {}", artifact.type_label)}</p>
            <div class="written" inner_html=artifact.description_html.clone()></div>
            {artifact.url.clone().map(|url| view! {
                <p><a href=url.clone() rel="noopener noreferrer" target="_blank">{format!("Open link: {url}")}</a></p>
            })}
            {artifact.text_html.clone().map(|html| view! { <div class="written" inner_html=html></div> })}
            {media}
        }.into_any()
    };
    view! {
        <article class="artifact-review" aria-label=format!("Artifact {number}")>
            <h4>{heading}</h4>
            {body}
        </article>
    }
}

#[component]
fn RubricPane(page: ReviewPage, confirm: bool) -> impl IntoView {
    let id_text = page.review_id.to_string();
    // After a rejected post without the browser script, the form shows what was posted.
    let posted = crate::ui::posted_for(&SaveReviewForm::url(), &[("review_id", id_text.as_str())]);
    let shown_value = move |field: &str, saved: &str| {
        let name = if field == "base_version" {
            field.to_owned()
        } else {
            form_name(field)
        };
        crate::ui::shown_value(&posted, &name, saved.to_owned())
    };
    let editable = page.editable;
    let rubric = page.definition.rubric.clone();
    let mut parts: Vec<(super::scoring::Part, Vec<(usize, String)>)> = Vec::new();
    for (part, index, key) in criteria(&rubric) {
        match parts.last_mut() {
            Some((last, list)) if *last == part => list.push((index, key)),
            _ => parts.push((part, vec![(index, key)])),
        }
    }
    let reconcile = page.kind == ReviewKind::Reconcile;
    let lead_may_reopen = page.lead && page.state == ReviewState::Open;
    let heading = if reconcile { "Reconcile" } else { "Rubric" };
    let reopen_forms = page
        .carried
        .iter()
        .filter(|(key, _)| lead_may_reopen && !page.content.reopened.contains(key))
        .map(|(key, _)| {
            view! {
                <form id=format!("reopen-{key}") method="post" action=ReopenCriterion::url() hidden=true>
                    <input type="hidden" name="review_id" value=id_text.clone()/>
                    <input type="hidden" name="key" value=key.clone()/>
                </form>
            }
        })
        .collect_view();
    let criteria_view = parts
        .into_iter()
        .map(|(part, list)| {
            let page = page.clone();
            view! {
                <h3>{format!("{}: {}", part.label(), match part {
                    super::scoring::Part::Overview => "Overview questions",
                    super::scoring::Part::Artifacts => "Artifacts",
                    super::scoring::Part::Reflection => "Reflection",
                })}</h3>
                {list.into_iter().map(|(index, key)| {
                    let criterion = part.criteria(&page.definition.rubric)[index].clone();
                    let carried = page.carried.iter().find(|(carried, _)| *carried == key).map(|(_, level)| level.clone());
                    let locked = carried.is_some() && !page.content.reopened.contains(&key);
                    let chosen = Some(shown_value(&level_field(&key), page.content.level(&key).unwrap_or(""))).filter(|level| !level.is_empty());
                    let comment = shown_value(&comment_field(&key), page.content.comment(&key));
                    let comment_id = format!("comment-{key}");
                    let label = criterion.criterion.clone();
                    let others = page.others.iter().map(|other| {
                        let level = other.content.level(&key).unwrap_or("not scored").to_owned();
                        let comment = other.content.comment(&key).to_owned();
                        view! {
                            <li><strong>{format!("{}: {level}", other.label)}</strong>
                                {(!comment.is_empty()).then(|| view! { <span class="preserve-lines">{format!(" — {comment}")}</span> })}
                            </li>
                        }
                    }).collect_view();
                    let disagree = page.others.len() > 1 && page.others.iter().map(|other| other.content.level(&key)).collect::<std::collections::BTreeSet<_>>().len() > 1;
                    view! {
                        <fieldset class="criterion" id=format!("criterion-{key}") tabindex="-1" data-key=key.clone() data-disagree=disagree.then_some("true")>
                            <legend>{label.clone()}</legend>
                            {(!page.others.is_empty()).then(|| view! {
                                <ul class="other-reviews" aria-label="The two reviews">{others}</ul>
                            })}
                            {if locked {
                                let level = carried.clone().unwrap_or_default();
                                view! {
                                    <p class="carried">{format!("Carried forward: passed as “{level}” in attempt {}.", page.attempt - 1)}</p>
                                    {lead_may_reopen.then(|| view! {
                                        <button type="submit" form=format!("reopen-{key}") class="secondary">"Reopen for scoring"</button>
                                    })}
                                }.into_any()
                            } else {
                                view! {
                                    <div class="levels" role="radiogroup" aria-label=format!("Level for {label}")>
                                        {criterion.levels.iter().enumerate().map(|(number, level)| {
                                            let radio_id = format!("level-{key}-{number}");
                                            view! {
                                                <label for=radio_id.clone() class="level">
                                                    <input
                                                        type="radio"
                                                        id=radio_id.clone()
                                                        name=form_name(&level_field(&key))
                                                        value=level.clone()
                                                        checked=chosen.as_deref() == Some(level.as_str())
                                                        disabled=!editable
                                                        data-label=format!("{label}: level")
                                                    />
                                                    <kbd aria-hidden="true">{(number + 1).to_string()}</kbd>
                                                    {format!(" {level}")}
                                                    {(*level == criterion.passing_level).then_some(" (passes)")}
                                                </label>
                                            }
                                        }).collect_view()}
                                    </div>
                                }.into_any()
                            }}
                            <label for=comment_id.clone()>{format!("Comment on {label}")}</label>
                            <textarea
                                id=comment_id
                                name=form_name(&comment_field(&key))
                                rows="3"
                                maxlength=super::content::COMMENT_MAX_CHARS.to_string()
                                readonly=!editable
                                data-label=format!("{label}: comment")
                            >{crate::ui::textarea_text(&comment)}</textarea>
                        </fieldset>
                    }
                }).collect_view()}
            }
        })
        .collect_view();
    let decides = page.kind.live();
    let outcome = match page.outcome_if_final {
        Some(true) if decides => "Finalizing now records: earned. Every criterion passes.".to_owned(),
        Some(false) if decides => "Finalizing now records: not yet. The fellow gets your per-criterion comments and may resubmit.".to_owned(),
        Some(true) => "Finalizing now records these levels: every criterion passes.".to_owned(),
        Some(false) => "Finalizing now records these levels: some criteria do not pass.".to_owned(),
        None => format!("{} thing(s) to do before finalizing:", page.blockers.len()),
    };
    let release_note = match page.kind {
        ReviewKind::Calibration => {
            "Your scores are compared with the agreed scores; they are not sent to anyone."
        }
        ReviewKind::Anchor => "These become the agreed scores that reviewers calibrate against.",
        ReviewKind::Second | ReviewKind::First => {
            "With a single review, the fellow gets the decision when you finalize. With double scoring, they get it once both reviews are final and agree, or after a lead reconciles them."
        }
        ReviewKind::Reconcile => "Your levels, comments and feedback are what the fellow receives.",
    };
    view! {
        <section id="rubric-pane" class="rubric-pane" aria-labelledby="rubric-heading">
            <h2 id="rubric-heading">{heading}</h2>
            {editable.then(|| view! {
                <AutosaveStatus
                    target=AutosaveTarget::Review(page.review_id)
                    form_id=RUBRIC_FORM_ID
                    version=page.version
                    saved_at=page.saved_at.clone()
                    return_path=review_path(page.review_id)
                />
            })}
            {reopen_forms}
            {(editable && confirm).then(|| view! {
                <section id="confirm" class="panel" aria-labelledby="confirm-heading">
                    <h3 id="confirm-heading">"Finalize this review?"</h3>
                    <p>{outcome.clone()}</p>
                    {if page.blockers.is_empty() {
                        view! {
                            <p class="hint">{release_note}</p>
                            <form method="post" action=FinalizeReview::url()>
                                <input type="hidden" name="review_id" value=id_text.clone()/>
                                <input type="hidden" name="version" value=page.version.to_string()/>
                                <button type="submit" id="confirm-finalize" autofocus=true>"Finalize"</button>
                                " "
                                <a href=review_path(page.review_id)>"Keep scoring"</a>
                            </form>
                        }.into_any()
                    } else {
                        view! {
                            <ul class="findings blockers">
                                {page.blockers.iter().enumerate().map(|(index, (key, message))| view! {
                                    <li><a href=format!("#criterion-{key}") autofocus=index == 0>{message.clone()}</a></li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            })}
            <form id=RUBRIC_FORM_ID method="post" action=SaveReviewForm::url() class="rubric">
                <input type="hidden" name="review_id" value=id_text.clone()/>
                // A rejected post keeps the version it was based on, so a second try of
                // the same stale form is rejected again instead of overwriting.
                <input type="hidden" name="base_version" value=shown_value("base_version", &page.version.to_string())/>
                {criteria_view}
                <label for="overall-feedback"><h3 class="label-heading">"Overall feedback to the fellow"</h3></label>
                <textarea id="overall-feedback" name=form_name(super::content::FEEDBACK) rows="5" maxlength=super::content::COMMENT_MAX_CHARS.to_string() readonly=!editable data-label="Overall feedback">{crate::ui::textarea_text(&shown_value(super::content::FEEDBACK, page.content.feedback()))}</textarea>
                {editable.then(|| view! {
                    <div class="form-actions">
                        <button type="submit" name="then" value="save" class="secondary">"Save"</button>
                        <button type="submit" name="then" value="finalize" id="finalize">"Finalize…"</button>
                    </div>
                })}
            </form>
        </section>
    }
}

#[component]
fn ShortcutHelp() -> impl IntoView {
    let keys = [
        ("j", "Next criterion"),
        ("k", "Previous criterion"),
        ("1 to 9", "Choose that level for the current criterion"),
        ("c", "Write a comment on the current criterion"),
        ("o", "Write the overall feedback"),
        ("Esc", "Leave a text box, or close this list"),
        (
            "e",
            "Move to the submission, to scroll it with the arrow keys",
        ),
        ("n", "Next submission in your queue"),
        ("p", "Previous submission in your queue"),
        ("s", "Save now"),
        ("f", "Finalize, after a confirmation"),
        ("?", "Show or hide these shortcuts"),
    ];
    view! {
        <section id="shortcuts" class="panel shortcuts" aria-labelledby="shortcuts-heading" tabindex="-1" hidden=true>
            <h2 id="shortcuts-heading">"Keyboard shortcuts"</h2>
            <p class="hint">"Shortcuts work when you are not typing in a text box. Scores save by themselves a moment after each change."</p>
            <dl class="shortcut-list">
                {keys.into_iter().map(|(key, action)| view! { <dt><kbd>{key}</kbd></dt><dd>{action}</dd> }).collect_view()}
            </dl>
        </section>
    }
}
