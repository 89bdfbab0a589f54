//! Capstone pages: the fellow's project and portfolio, the staff list, and the review
//! page where a coach or facilitator gives feedback.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

use super::api::{
    AddMilestone, ChangeMilestone, GiveCapstoneFeedback, SaveCapstone, SubmitCapstone,
    get_capstone, get_capstone_review, list_capstones,
};
use super::{
    CHALLENGE_MAX_CHARS, CapstoneRow, CapstoneView, Choice, GrowthEntry, Milestone,
    REFLECTION_MAX_CHARS, State, TITLE_MAX_CHARS, missing_for_submission,
};
use crate::cohorts::cohort_id_param;
use crate::error::AppError;
use crate::ui::{
    ErrorNotice, FieldError, FormErrorNotice, SuccessNotice, field_message, posted_error,
    posted_for, query_param, shown_value, textarea_text,
};

fn no_cohort() -> AnyView {
    view! { <ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/> }.into_any()
}

#[component]
pub fn CapstonePage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return no_cohort();
    };
    let done = query_param("done").and_then(|code| match code.as_str() {
        "saved" => Some("Your capstone is saved."),
        "milestone" => Some("Milestones updated."),
        "submitted" => Some("Your Capstone Portfolio is submitted. Your coach or facilitator will give feedback here."),
        _ => None,
    });
    let data = get_capstone(cohort_id);
    view! {
        <leptos_meta::Title text="Capstone"/>
        <h1>"Capstone project"</h1>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <CapstoneEditor view/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

fn checkboxes(
    name: &'static str,
    prefix: &'static str,
    choices: Vec<Choice>,
    locked: bool,
) -> impl IntoView {
    choices
        .into_iter()
        .enumerate()
        .map(|(index, choice)| {
            let id = format!("{prefix}-{}", choice.id);
            view! {
                <label class="checkbox" for=id.clone()>
                    <input id=id.clone() type="checkbox" name=format!("{name}[{index}]") value=choice.id.to_string() checked=choice.chosen disabled=locked/>
                    {choice.name}
                </label>
            }
        })
        .collect_view()
}

#[component]
fn CapstoneEditor(view: CapstoneView) -> impl IntoView {
    let error = posted_error::<SaveCapstone>()
        .or_else(posted_error::<SubmitCapstone>)
        .or_else(posted_error::<AddMilestone>)
        .or_else(posted_error::<ChangeMilestone>);
    let fields = &[
        "title",
        "challenge",
        "pathway",
        "collaborators",
        "evidence",
        "reflection",
        "due_on",
        "term_position",
    ];
    let missing = missing_for_submission(&view);
    let locked = view.state == State::Submitted;
    let cohort_id = view.cohort_id;
    let version = view.version.to_string();
    // A save that came back with an error shows what was typed, not what is stored.
    let posted = posted_for(
        &SaveCapstone::url(),
        &[("cohort_id", &cohort_id.to_string())],
    );
    let title = shown_value(&posted, "title", view.title.clone());
    let challenge = shown_value(&posted, "challenge", view.challenge.clone());
    let reflection = shown_value(&posted, "reflection", view.reflection.clone());
    view! {
        <FormErrorNotice error=error.clone() fields/>
        <p>
            <span class="badge">{view.state.label()}</span>
            {view.submitted_on.clone().map(|day| format!(" Last submitted {day}."))}
        </p>
        {view.feedback.clone().map(|feedback| view! {
            <section class="panel" aria-labelledby="feedback-heading">
                <h2 id="feedback-heading">"Feedback"</h2>
                <p class="hint">{view.reviewer.clone().map(|name| format!("From {name}"))}</p>
                <p class="preserve-lines">{feedback}</p>
            </section>
        })}
        <form method="post" action=SaveCapstone::url() class="stacked-form">
            <input type="hidden" name="cohort_id" value=cohort_id.to_string()/>
            <input type="hidden" name="version" value=version.clone()/>
            <section class="panel" aria-labelledby="project-heading">
                <h2 id="project-heading">"The project"</h2>
                <label for="capstone-title">"Title"</label>
                <input id="capstone-title" type="text" name="title" value=title maxlength=TITLE_MAX_CHARS.to_string() disabled=locked aria-describedby="capstone-title-error"/>
                <FieldError id="capstone-title-error" message=field_message(&error, "title")/>
                <label for="capstone-challenge">"The leadership challenge in your setting"</label>
                <textarea id="capstone-challenge" name="challenge" rows="5" maxlength=CHALLENGE_MAX_CHARS.to_string() disabled=locked aria-describedby="capstone-challenge-error">{textarea_text(&challenge)}</textarea>
                <FieldError id="capstone-challenge-error" message=field_message(&error, "challenge")/>
                <label for="capstone-pathway">"Pathway"</label>
                <select id="capstone-pathway" name="pathway" disabled=locked aria-describedby="capstone-pathway-error">
                    <option value="">"Choose a pathway"</option>
                    {view.pathways.iter().cloned().map(|pathway| view! {
                        <option value=pathway.id.to_string() selected=pathway.chosen>{pathway.name}</option>
                    }).collect_view()}
                </select>
                <FieldError id="capstone-pathway-error" message=field_message(&error, "pathway")/>
                <fieldset>
                    <legend>"Collaborating fellows (optional)"</legend>
                    {view.collaborators.is_empty().then(|| view! { <p class="hint">"No other fellows in this cohort yet."</p> })}
                    {checkboxes("collaborators", "collaborator", view.collaborators.clone(), locked)}
                    <FieldError id="capstone-collaborators-error" message=field_message(&error, "collaborators")/>
                </fieldset>
            </section>
            <section class="panel" aria-labelledby="portfolio-heading">
                <h2 id="portfolio-heading">"Capstone Portfolio"</h2>
                <fieldset>
                    <legend>"Evidence from your library"</legend>
                    {view.evidence.is_empty().then(|| view! { <p class="hint">"Your library is empty. "<a href="/evidence">"Add evidence"</a>" first."</p> })}
                    {checkboxes("evidence", "portfolio-evidence", view.evidence.clone(), locked)}
                    <FieldError id="capstone-evidence-error" message=field_message(&error, "evidence")/>
                </fieldset>
                <GrowthHistory growth=view.growth.clone()/>
                <label for="capstone-reflection">"Growth reflection"</label>
                <p class="hint" id="capstone-reflection-hint">"How did your leadership grow along the competency continuum? Draw on your self-assessments above."</p>
                <textarea id="capstone-reflection" name="reflection" rows="10" maxlength=REFLECTION_MAX_CHARS.to_string() disabled=locked aria-describedby="capstone-reflection-hint capstone-reflection-error">{textarea_text(&reflection)}</textarea>
                <FieldError id="capstone-reflection-error" message=field_message(&error, "reflection")/>
            </section>
            {(!locked).then(|| view! { <button type="submit">"Save capstone"</button> })}
        </form>
        <Milestones cohort_id milestones=view.milestones.clone() locked/>
        <section class="panel" aria-labelledby="submit-heading">
            <h2 id="submit-heading">"Submit for review"</h2>
            {if locked {
                view! { <p>"Submitted. It stays locked until your coach or facilitator gives feedback."</p> }.into_any()
            } else if missing.is_empty() {
                view! {
                    <form method="post" action=SubmitCapstone::url()>
                        <input type="hidden" name="cohort_id" value=cohort_id.to_string()/>
                        <input type="hidden" name="version" value=version/>
                        <p class="hint">"Submitting sends what is saved, so save your latest changes first. It stays locked until your coach or facilitator gives feedback."</p>
                        <button type="submit">"Submit Capstone Portfolio"</button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <p>"Before you can submit:"</p>
                    <ul>{missing.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn GrowthHistory(growth: Vec<GrowthEntry>) -> impl IntoView {
    view! {
        <h3>"Growth history"</h3>
        {if growth.is_empty() {
            view! { <p class="hint">"No self-assessments yet. Rate your growth on your competencies page."</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table>
                        <thead><tr><th scope="col">"Competency"</th><th scope="col">"When"</th><th scope="col">"Stage"</th><th scope="col">"By"</th><th scope="col">"Note"</th></tr></thead>
                        <tbody>
                            {growth.into_iter().map(|entry| view! {
                                <tr><td>{entry.competency}</td><td>{entry.when}</td><td>{entry.stage}</td><td>{entry.rater}</td><td>{entry.note}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

#[component]
fn Milestones(cohort_id: i32, milestones: Vec<Milestone>, locked: bool) -> impl IntoView {
    let error = posted_error::<AddMilestone>();
    view! {
        <section class="panel" aria-labelledby="milestones-heading" id="milestones">
            <h2 id="milestones-heading">"Milestones"</h2>
            {[1, 2].map(|term| {
                let items: Vec<Milestone> = milestones.iter().filter(|m| m.term_position == term).cloned().collect();
                view! {
                    <h3>{format!("Term {term}")}</h3>
                    {items.is_empty().then(|| view! { <p class="hint">"No milestones in this term yet."</p> })}
                    <ul class="action-list">
                        {items.into_iter().map(|milestone| view! {
                            <li>
                                {if milestone.done { "✓ " } else { "○ " }}
                                <strong>{milestone.title.clone()}</strong>
                                {(!milestone.due_on.is_empty()).then(|| format!(" — due {}", milestone.due_on))}
                                {(!locked).then(|| view! {
                                    " "
                                    <form method="post" action=ChangeMilestone::url() class="inline-form">
                                        <input type="hidden" name="milestone_id" value=milestone.id.to_string()/>
                                        <input type="hidden" name="action" value=if milestone.done { "undone" } else { "done" }/>
                                        <button type="submit" class="button-small">{if milestone.done { "Mark not done" } else { "Mark done" }}<span class="visually-hidden">{format!(": {}", milestone.title)}</span></button>
                                    </form>
                                    " "
                                    <form method="post" action=ChangeMilestone::url() class="inline-form">
                                        <input type="hidden" name="milestone_id" value=milestone.id.to_string()/>
                                        <input type="hidden" name="action" value="remove"/>
                                        <button type="submit" class="button-small">"Remove"<span class="visually-hidden">{format!(": {}", milestone.title)}</span></button>
                                    </form>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }
            }).into_iter().collect_view()}
            {(!locked).then(|| view! {
                <form method="post" action=AddMilestone::url() class="stacked-form">
                    <input type="hidden" name="cohort_id" value=cohort_id.to_string()/>
                    <label for="milestone-title">"New milestone"</label>
                    <input id="milestone-title" type="text" name="title" maxlength=TITLE_MAX_CHARS.to_string() aria-describedby="milestone-title-error"/>
                    <FieldError id="milestone-title-error" message=field_message(&error, "title")/>
                    <label for="milestone-term">"Term"</label>
                    <select id="milestone-term" name="term_position">
                        <option value="1">"Term 1"</option>
                        <option value="2">"Term 2"</option>
                    </select>
                    <label for="milestone-due">"Due (optional)"</label>
                    <input id="milestone-due" type="date" name="due_on" aria-describedby="milestone-due-error"/>
                    <FieldError id="milestone-due-error" message=field_message(&error, "due_on")/>
                    <button type="submit">"Add milestone"</button>
                </form>
            })}
        </section>
    }
}

#[component]
pub fn CapstonesPage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return no_cohort();
    };
    let done = query_param("done").filter(|code| code == "feedback");
    let data = list_capstones(cohort_id);
    view! {
        <leptos_meta::Title text="Capstones"/>
        <h1>"Capstone portfolios"</h1>
        {done.map(|_| view! { <SuccessNotice>"Feedback sent. The fellow sees it on their capstone page and in their inbox."</SuccessNotice> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(rows) => view! { <CapstoneTable cohort_id rows/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn CapstoneTable(cohort_id: i32, rows: Vec<CapstoneRow>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table>
                <thead><tr><th scope="col">"Fellow"</th><th scope="col">"Project"</th><th scope="col">"State"</th><th scope="col">"Submitted"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <td><a href=format!("/cohorts/{cohort_id}/capstones/{}", row.fellow_id)>{row.fellow_name}</a></td>
                            <td>{if row.title.is_empty() { "—".to_owned() } else { row.title }}</td>
                            <td>{row.state.map_or("Not started", State::label)}</td>
                            <td>{row.submitted_on.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn CapstoneReviewPage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return no_cohort();
    };
    let fellow_id = use_params_map()
        .with_untracked(|params| params.get("fellow").and_then(|id| id.parse().ok()))
        .unwrap_or_default();
    let data = get_capstone_review(cohort_id, fellow_id);
    view! {
        <leptos_meta::Title text="Capstone review"/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <CapstoneReview view/> }.into_any(),
                    Err(error) => view! { <h1>"Capstone review"</h1><ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn CapstoneReview(view: CapstoneView) -> impl IntoView {
    let error = posted_error::<GiveCapstoneFeedback>();
    let chosen = |choices: &[Choice]| -> Vec<String> {
        choices
            .iter()
            .filter(|choice| choice.chosen)
            .map(|choice| choice.name.clone())
            .collect()
    };
    let pathway = chosen(&view.pathways).join(", ");
    let collaborators = chosen(&view.collaborators);
    let evidence = chosen(&view.evidence);
    view! {
        <h1>{format!("Capstone: {}", view.fellow_name)}</h1>
        <p><span class="badge">{view.state.label()}</span>{view.submitted_on.clone().map(|day| format!(" Submitted {day}."))}</p>
        <section class="panel" aria-labelledby="review-project-heading">
            <h2 id="review-project-heading">{if view.title.is_empty() { "Untitled project".to_owned() } else { view.title.clone() }}</h2>
            <dl class="facts">
                <dt>"Pathway"</dt><dd>{if pathway.is_empty() { "Not chosen".to_owned() } else { pathway }}</dd>
                <dt>"Collaborators"</dt><dd>{if collaborators.is_empty() { "None".to_owned() } else { collaborators.join(", ") }}</dd>
            </dl>
            <h3>"Challenge"</h3>
            <p class="preserve-lines">{view.challenge.clone()}</p>
        </section>
        <section class="panel" aria-labelledby="review-milestones-heading">
            <h2 id="review-milestones-heading">"Milestones"</h2>
            <ul>
                {view.milestones.iter().cloned().map(|milestone| view! {
                    <li>{format!("Term {}: {}{}{}", milestone.term_position, milestone.title, if milestone.due_on.is_empty() { String::new() } else { format!(", due {}", milestone.due_on) }, if milestone.done { " (done)" } else { "" })}</li>
                }).collect_view()}
            </ul>
        </section>
        <section class="panel" aria-labelledby="review-portfolio-heading">
            <h2 id="review-portfolio-heading">"Portfolio"</h2>
            <ul>{evidence.into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}</ul>
            <GrowthHistory growth=view.growth.clone()/>
            <h3>"Growth reflection"</h3>
            <p class="preserve-lines">{view.reflection.clone()}</p>
        </section>
        <section class="panel" aria-labelledby="give-feedback-heading">
            <h2 id="give-feedback-heading">"Formative feedback"</h2>
            {view.feedback.clone().map(|feedback| view! { <p class="preserve-lines">{feedback}</p> })}
            <FormErrorNotice error=error.clone() fields=&["feedback"]/>
            {(view.can_review && view.state == State::Submitted).then(|| view! {
                <form method="post" action=GiveCapstoneFeedback::url() class="stacked-form">
                    <input type="hidden" name="cohort_id" value=view.cohort_id.to_string()/>
                    <input type="hidden" name="fellow_id" value=view.fellow_id.to_string()/>
                    <label for="capstone-feedback">"Feedback on leadership growth"</label>
                    <textarea id="capstone-feedback" name="feedback" rows="8" required maxlength=REFLECTION_MAX_CHARS.to_string() aria-describedby="capstone-feedback-error"></textarea>
                    <FieldError id="capstone-feedback-error" message=field_message(&error, "feedback")/>
                    <button type="submit">"Send feedback"</button>
                </form>
            })}
            {(view.state != State::Submitted).then(|| view! { <p class="hint">"Feedback can be given once the fellow submits."</p> })}
        </section>
    }
}
