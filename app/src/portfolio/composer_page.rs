//! The submission composer, where a fellow writes a micro-credential submission, and
//! the submission history, where fellows and their coaches read every attempt.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::autosave::{AutosaveStatus, AutosaveTarget};
use super::draft::{
    CheckReport, Finding, REFLECTION_FIELD, SubmissionState, answer_field, artifact_field,
    field_id, word_count, word_guidance,
};
use super::evidence_pages::Preview;
use super::submission_api::{
    AttemptDetail, Composer, DismissFinding, RecordCoaching, SaveDraftForm, SubmissionHistory,
    SubmitDraft, check_submission, done_message, get_composer, get_history,
};
use crate::cohorts::{DeadlineText, cohort_id_param};
use crate::error::AppError;
use crate::ui::{
    ErrorMessage, ErrorNotice, FormErrorNotice, SuccessNotice, UserTitle, posted_error, posted_for,
    query_param, shown_value,
};

/// The id of the composer form.
const COMPOSER_FORM_ID: &str = "composer";

#[component]
pub fn ComposerPage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/> }.into_any();
    };
    let key = use_params_map().with_untracked(|params| params.get("key").unwrap_or_default());
    let run_check = query_param("check").is_some();
    let done = query_param("done").and_then(|code| done_message(&code));
    let form_error = posted_error::<SaveDraftForm>()
        .or_else(posted_error::<SubmitDraft>)
        .or_else(posted_error::<crate::review::api::WithdrawSubmission>)
        .or_else(posted_error::<DismissFinding>);
    let composer = Resource::new(
        move || key.clone(),
        move |key| async move {
            let composer = get_composer(cohort_id, key).await?;
            let report = if run_check && composer.state.editable() {
                Some(check_submission(composer.submission_id).await?)
            } else {
                None
            };
            Ok::<_, AppError>((composer, report))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let form_error = form_error.clone();
                Suspend::new(async move {
                    match composer.await {
                        Ok((composer, report)) => view! { <ComposerView composer report form_error done/> }.into_any(),
                        Err(error) => view! { <Title text="Submission"/><ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ComposerView(
    composer: Composer,
    report: Option<CheckReport>,
    form_error: Option<AppError>,
    done: Option<&'static str>,
) -> impl IntoView {
    let definition = composer.definition.clone();
    let path = format!(
        "/cohorts/{}/submissions/{}",
        composer.cohort_id, composer.key
    );
    let id_text = composer.submission_id.to_string();
    let posted = posted_for(
        &SaveDraftForm::url(),
        &[("submission_id", id_text.as_str())],
    );
    let state_label = composer.state.label(composer.attempts);
    let latest_feedback = composer
        .history
        .last()
        .filter(|attempt| attempt.outcome == Some(SubmissionState::NotYet))
        .and_then(|attempt| attempt.feedback.clone());
    let deadline_passed = composer
        .deadline
        .as_ref()
        .is_some_and(|deadline| deadline.passed);
    let editable = composer.state.editable();
    view! {
        <UserTitle text=format!("{}: your submission", definition.title)/>
        <p><a href="/fellow">"← Home"</a>" · "<a href="/evidence">"Evidence library"</a></p>
        <h1>{definition.title.clone()}</h1>
        <p>
            {format!("{} · {} · ", composer.cohort_label, composer.competency)}
            <span class="badge" data-state=composer.state.name()>{state_label}</span>
        </p>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <FormErrorNotice error=form_error fields=&[]/>
        <dl class="facts">
            <dt>"Submissions due"</dt>
            <dd><DeadlineText deadline=composer.deadline.clone()/></dd>
            <dt>"Rubric"</dt>
            <dd><a href=format!("/microcredentials/{}", composer.key)>"Read the definition and rubric reviewers use"</a></dd>
        </dl>
        {(deadline_passed && editable).then(|| {
            let text = if composer.late_allowed {
                "The deadline has passed. This cohort accepts late submissions; yours will be marked late."
            } else {
                "The deadline has passed and this cohort does not accept late submissions. Your draft is kept; ask your facilitator about an extension."
            };
            view! { <p class="notice">{text}</p> }
        })}
        {composer.coaching_due.then(|| view! {
            <p class="notice">"After repeated not-yet decisions, a coaching meeting comes before your next attempt. Keep revising; your coach records the meeting, and then you can submit."</p>
        })}
        {latest_feedback.map(|feedback| view! {
            <section class="panel" aria-labelledby="feedback-heading">
                <h2 id="feedback-heading">"Reviewers' feedback on your last attempt"</h2>
                <p class="preserve-lines">{feedback}</p>
            </section>
        })}
        {(composer.attempts > 0).then(|| view! {
            <p><a href=format!("/submissions/{}", composer.submission_id)>{format!("Every attempt ({}) with its feedback", composer.attempts)}</a></p>
        })}
        {if editable {
            let content = composer.content.clone();
            let library = composer.library.clone();
            view! {
                <AutosaveStatus
                    target=AutosaveTarget::Draft(composer.submission_id)
                    form_id=COMPOSER_FORM_ID
                    version=composer.version
                    saved_at=composer.saved_at.clone()
                    return_path=path.clone()
                />
                <form id=COMPOSER_FORM_ID method="post" action=SaveDraftForm::url() class="composer">
                    <input type="hidden" name="submission_id" value=id_text.clone()/>
                    <input type="hidden" name="base_version" value=shown_value(&posted, "base_version", composer.version.to_string())/>
                    <section aria-labelledby="part1-heading">
                        <h2 id="part1-heading">"Part 1: Overview questions"</h2>
                        {definition.overview_questions.iter().enumerate().map(|(index, question)| {
                            let field = answer_field(index);
                            let id = field_id(&field);
                            let text = shown_value(&posted, &field, content.answer(index).to_owned());
                            let count = word_guidance(word_count(&text), question.min_words, question.max_words);
                            view! {
                                <div class="question">
                                    <label for=id.clone()>{format!("{}. {}", index + 1, question.prompt)}</label>
                                    <textarea id=id.clone() name=field rows="8" aria-describedby=format!("words-{id}") data-words=format!("{}-{}", question.min_words, question.max_words) data-label=format!("Question {}", index + 1)>{crate::ui::textarea_text(&text)}</textarea>
                                    <p id=format!("words-{id}") class="hint word-count">{count}</p>
                                </div>
                            }
                        }).collect_view()}
                    </section>
                    <section aria-labelledby="part2-heading">
                        <h2 id="part2-heading">"Part 2: Artifacts"</h2>
                        <p class="hint">"Choose evidence from your library. "<a href="/evidence">"Add evidence"</a>" first if it is not there yet."</p>
                        {definition.artifacts.iter().enumerate().map(|(index, requirement)| {
                            let field = artifact_field(index);
                            let id = field_id(&field);
                            let chosen = shown_value(&posted, &field, content.artifact(index).map(|id| id.to_string()).unwrap_or_default());
                            let allowed = requirement.evidence_types.iter().map(|kind| kind.label()).collect::<Vec<_>>().join(", ");
                            view! {
                                <div class="artifact">
                                    <label for=id.clone()>{format!("Artifact {}: {}", index + 1, requirement.description)}</label>
                                    <p id=format!("{id}-types") class="hint">{format!("Accepted: {allowed}")}</p>
                                    <select id=id name=field aria-describedby=format!("artifact-{index}-types") data-label=format!("Artifact {}", index + 1)>
                                        <option value="" selected=chosen.is_empty()>"Choose evidence…"</option>
                                        {library.iter().map(|item| {
                                            let value = item.id.to_string();
                                            let selected = value == chosen;
                                            let allowed = requirement.evidence_types.is_empty() || requirement.evidence_types.contains(&item.evidence_type);
                                            let label = format!("{} ({}){}", item.title, item.evidence_type.label(), if allowed { "" } else { " – not an accepted type" });
                                            view! { <option value=value selected=selected>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                            }
                        }).collect_view()}
                    </section>
                    <section aria-labelledby="part3-heading">
                        <h2 id="part3-heading">"Part 3: Reflection"</h2>
                        <label for=field_id(REFLECTION_FIELD)>{definition.reflection_prompt.clone()}</label>
                        <textarea id=field_id(REFLECTION_FIELD) name=REFLECTION_FIELD rows="10" data-label="Reflection">{crate::ui::textarea_text(&shown_value(&posted, REFLECTION_FIELD, content.reflection.clone()))}</textarea>
                    </section>
                    <p class="hint">"Formatting: Markdown works (**bold**, _italic_, lists, links). Other HTML is removed."</p>
                    <div class="form-actions">
                        <button type="submit" name="then" value="save" class="secondary">"Save draft"</button>
                        <button type="submit" name="then" value="check">"Check before submitting"</button>
                    </div>
                </form>
                {report.map(|report| view! {
                    <CheckSection report submission_id=composer.submission_id version=composer.version late=deadline_passed && composer.late_allowed/>
                })}
            }.into_any()
        } else {
            let waiting = matches!(composer.state, SubmissionState::Submitted | SubmissionState::InReview);
            view! {
                <p>{match composer.state {
                    SubmissionState::Earned => "You earned this micro-credential.",
                    SubmissionState::InReview => "Reviewers are scoring your submission. The draft opens again if they return it as not yet.",
                    _ => "Your submission is waiting for a reviewer. The draft opens again if it is returned as not yet.",
                }}</p>
                {waiting.then(|| view! {
                    <form method="post" action=crate::review::api::WithdrawSubmission::url() class="inline-form">
                        <input type="hidden" name="submission_id" value=composer.submission_id.to_string()/>
                        <button type="submit" class="secondary">"Withdraw to keep editing"</button>
                        <span class="hint">" Reviewers stop, and you submit again when the draft is ready."</span>
                    </form>
                })}
            }.into_any()
        }}
    }
}

#[component]
fn CheckSection(
    report: CheckReport,
    submission_id: i32,
    version: i32,
    late: bool,
) -> impl IntoView {
    let ready = report.ready();
    view! {
        <section id="check" class="panel" aria-labelledby="check-heading" tabindex="-1">
            <h2 id="check-heading">"Before you submit"</h2>
            {if ready {
                view! {
                    <p class="notice notice-success" role="status">"Nothing blocks your submission."</p>
                    <p class="hint">"The name check knows common first names and names after a title such as Ms. It cannot know every name: read your text and file names once more for students' names and your own."</p>
                }.into_any()
            } else {
                view! {
                    <h3>{format!("Fix before submitting ({})", report.blockers.len())}</h3>
                    <ul class="findings blockers">
                        {report.blockers.into_iter().map(|finding| view! { <FindingItem finding submission_id/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!report.warnings.is_empty()).then(|| view! {
                <h3>{format!("Worth a look ({})", report.warnings.len())}</h3>
                <ul class="findings warnings">
                    {report.warnings.into_iter().map(|finding| view! { <FindingItem finding submission_id/> }).collect_view()}
                </ul>
            })}
            {(report.dismissed > 0).then(|| view! {
                <p class="hint">{format!("{} possible name(s) dismissed as not names.", report.dismissed)}</p>
            })}
            {ready.then(|| view! {
                <form method="post" action=SubmitDraft::url()>
                    <input type="hidden" name="submission_id" value=submission_id.to_string()/>
                    <input type="hidden" name="version" value=version.to_string()/>
                    {late.then(|| view! { <p class="hint">"The deadline has passed; this submission will be marked late."</p> })}
                    <button type="submit">"Submit for review"</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn FindingItem(finding: Finding, submission_id: i32) -> impl IntoView {
    let link = finding
        .field
        .as_deref()
        .map(|field| format!("#{}", field_id(field)));
    view! {
        <li>
            {finding.message.clone()}
            {link.map(|href| view! { " " <a href=href>"Go to it"</a> })}
            {finding.dismissible.then(|| view! {
                <form method="post" action=DismissFinding::url() class="inline-form">
                    <input type="hidden" name="submission_id" value=submission_id.to_string()/>
                    <input type="hidden" name="key" value=finding.key.clone()/>
                    <button type="submit" class="secondary">"Not a name: dismiss"</button>
                </form>
            })}
        </li>
    }
}

#[component]
pub fn AttemptPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|params| params.get("id").and_then(|id| id.parse::<i32>().ok()));
    let Some(id) = id else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such submission.".into())/> }.into_any();
    };
    let history = Resource::new(move || id, get_history);
    let form_error = posted_error::<RecordCoaching>();
    let done = query_param("done").and_then(|code| done_message(&code));
    view! {
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let form_error = form_error.clone();
                Suspend::new(async move {
                    match history.await {
                        Ok(history) => view! { <HistoryView history form_error/> }.into_any(),
                        Err(error) => view! { <Title text="Submission"/><ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn HistoryView(history: SubmissionHistory, form_error: Option<AppError>) -> impl IntoView {
    let back = if history.own {
        format!("/cohorts/{}/submissions/{}", history.cohort_id, history.key)
    } else {
        format!("/cohorts/{}/fellows", history.cohort_id)
    };
    let heading = if history.own {
        format!("{}: your attempts", history.title)
    } else {
        format!("{}: {}", history.title, history.fellow_name)
    };
    let attempts_count = history.attempts.len();
    view! {
        <UserTitle text=heading.clone()/>
        <p><a href=back>"← Back"</a></p>
        <h1>{heading}</h1>
        <p><span class="badge">{history.state.label(attempts_count as i32)}</span></p>
        {history.coaching_due.then(|| view! {
            <p class="notice">"A coaching meeting is due before the next attempt."</p>
        })}
        {(!history.meetings.is_empty()).then(|| view! {
            <h2>"Coaching meetings"</h2>
            <ul>{history.meetings.iter().map(|meeting| view! { <li>{meeting.clone()}</li> }).collect_view()}</ul>
        })}
        {(history.may_record_coaching && history.coaching_due).then(|| view! {
            <section aria-labelledby="coaching-heading" class="panel">
                <h2 id="coaching-heading">"Record a coaching meeting"</h2>
                <FormErrorNotice error=form_error.clone() fields=&[]/>
                <form method="post" action=RecordCoaching::url() class="stacked-form">
                    <input type="hidden" name="submission_id" value=history.submission_id.to_string()/>
                    <label for="met-on">"Date of the meeting"</label>
                    <input id="met-on" name="met_on" type="date" required/>
                    <label for="coaching-notes">"Notes " <span class="hint">"(optional)"</span></label>
                    <textarea id="coaching-notes" name="notes" rows="3"></textarea>
                    <div class="form-actions"><button type="submit">"Record meeting"</button></div>
                </form>
            </section>
        })}
        {if history.attempts.is_empty() {
            view! { <p>"Nothing has been submitted yet."</p> }.into_any()
        } else {
            history.attempts.into_iter().rev().map(|attempt| view! { <AttemptView attempt/> }).collect_view().into_any()
        }}
    }
}

#[component]
fn AttemptView(attempt: AttemptDetail) -> impl IntoView {
    let summary = attempt.summary.clone();
    let outcome = match summary.outcome {
        Some(state) => state.label(summary.number).to_owned(),
        None if summary.withdrawn => "Withdrawn before the decision".to_owned(),
        None => "Waiting for review".to_owned(),
    };
    let results = attempt.results.clone();
    let anchor = format!("attempt-{}", summary.number);
    view! {
        <article class="attempt" aria-labelledby=anchor.clone()>
            <h2 id=anchor.clone()>{format!("Attempt {}", summary.number)}</h2>
            <p class="hint">
                {format!("Submitted {}", summary.submitted_at)}
                {summary.late.then(|| view! { " · " <span class="badge">"Late"</span> })}
                {format!(" · {outcome}")}
            </p>
            {summary.feedback.map(|feedback| view! {
                <h3>"Feedback"</h3>
                <p class="preserve-lines">{feedback}</p>
            })}
            {(!results.is_empty()).then(|| view! {
                <table class="data-table results">
                    <caption>"Rubric scores"</caption>
                    <thead><tr><th scope="col">"Criterion"</th><th scope="col">"Level"</th><th scope="col">"Comment"</th></tr></thead>
                    <tbody>
                        {results.into_iter().map(|result| view! {
                            <tr data-passed=result.passed.to_string()>
                                <th scope="row">{format!("{}: {}", result.part, result.criterion)}</th>
                                <td>{result.level}{if result.passed { " ✓" } else { "" }}</td>
                                <td class="preserve-lines">{result.comment}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <h3>"Part 1: Overview questions"</h3>
            {attempt.definition.overview_questions.iter().zip(attempt.answers_html).map(|(question, html)| view! {
                <h4>{question.prompt.clone()}</h4>
                <div class="written" inner_html=html></div>
            }).collect_view()}
            <h3>"Part 2: Artifacts"</h3>
            {attempt.definition.artifacts.iter().zip(attempt.artifacts).enumerate().map(|(index, (requirement, item))| view! {
                <h4>{format!("Artifact {}: {}", index + 1, requirement.description)}</h4>
                {match item {
                    Some(item) => view! { <p>{item.title.clone()}</p><Preview item/> }.into_any(),
                    None => view! { <p class="hint">"No evidence was chosen."</p> }.into_any(),
                }}
            }).collect_view()}
            <h3>"Part 3: Reflection"</h3>
            <div class="written" inner_html=attempt.reflection_html></div>
        </article>
    }
}

/// Lists a fellow's submissions for their coaches and facilitators, with links to every
/// attempt and a mark where a coaching meeting is due.
#[component]
pub fn FellowSubmissions(
    submissions: Result<Vec<super::submission_api::SubmissionSummary>, AppError>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="fellow-submissions-heading">
            <h2 id="fellow-submissions-heading">"Micro-credential submissions"</h2>
            {match submissions {
                Ok(rows) if rows.is_empty() => view! { <p>"No submissions started yet."</p> }.into_any(),
                Ok(rows) => view! {
                    <ul>
                        {rows.into_iter().map(|row| view! {
                            <li>
                                <a href=format!("/submissions/{}", row.id)>{row.title}</a>
                                {format!(" · {}", row.state.label(row.attempts))}
                                {row.coaching_due.then(|| view! { " · " <span class="badge">"Coaching meeting due"</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(error) => view! { <ErrorMessage error/> }.into_any(),
            }}
        </section>
    }
}
