//! A fellow's competencies page (choices and growth), and the pages where coaches and
//! facilitators follow a cohort's fellows.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::chart::GrowthChart;
use super::format::{GroupKind, STAGES};
use super::plan::{FellowPlan, FellowRow, MOMENTS, RatingView};
use super::plan_api::{
    ChangeFellowChoices, ChooseFirstTerm, ChooseSecondTerm, RateGrowth, done_message,
    get_fellow_plan, list_fellows,
};
use super::{CompetencyView, FrameworkView};
use crate::auth::{Action, authorize, current_actor};
use crate::cohorts::{DeadlineText, cohort_id_param, cohort_label};
use crate::error::AppError;
use crate::ui::{
    ErrorNotice, FieldError, FormErrorNotice, SuccessNotice, UserTitle, posted_error, posted_for,
    query_param, shown_value,
};

fn plan_form_error() -> Option<AppError> {
    posted_error::<ChooseFirstTerm>()
        .or_else(posted_error::<ChooseSecondTerm>)
        .or_else(posted_error::<ChangeFellowChoices>)
        .or_else(posted_error::<RateGrowth>)
}

/// The person viewing a plan, which decides the forms the page shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Viewer {
    /// The fellow themself.
    Fellow,
    /// A coach or facilitator. The flags record what they may change.
    Staff { change_choices: bool, rate: bool },
}

#[component]
pub fn MyCompetenciesPage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/> }.into_any();
    };
    plan_page(cohort_id, String::new(), Viewer::Fellow).into_any()
}

#[component]
pub fn FellowPlanPage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/> }.into_any();
    };
    let fellow = use_params_map().with_untracked(|params| params.get("fellow").unwrap_or_default());
    let actor = current_actor();
    let viewer = Viewer::Staff {
        change_choices: authorize(&actor, Action::ChangeFellowChoices(cohort_id)).is_ok(),
        rate: authorize(&actor, Action::RateFellowGrowth(cohort_id)).is_ok(),
    };
    plan_page(cohort_id, fellow, viewer).into_any()
}

fn plan_page(cohort_id: i32, fellow: String, viewer: Viewer) -> impl IntoView {
    let form_error = plan_form_error();
    let done = query_param("done").and_then(|code| done_message(&code));
    let staff_fellow = match viewer {
        Viewer::Staff { .. } => fellow.parse::<i32>().ok(),
        Viewer::Fellow => None,
    };
    let plan = Resource::new(
        move || fellow.clone(),
        move |fellow| get_fellow_plan(cohort_id, fellow),
    );
    // Read alongside the plan, so that the server renders both before it responds.
    let submissions = Resource::new(
        move || staff_fellow,
        move |fellow| async move {
            match fellow {
                Some(fellow) => Some(
                    crate::portfolio::submission_api::list_fellow_submissions(cohort_id, fellow)
                        .await,
                ),
                None => None,
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let form_error = form_error.clone();
                Suspend::new(async move {
                    let submissions = submissions.await;
                    match plan.await {
                        Ok(plan) => view! { <PlanView plan viewer form_error done submissions/> }.into_any(),
                        Err(error) => view! { <Title text="Competencies"/><ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn PlanView(
    plan: FellowPlan,
    viewer: Viewer,
    form_error: Option<AppError>,
    done: Option<&'static str>,
    /// The fellow's submissions, for staff viewers.
    submissions: Option<
        Result<Vec<crate::portfolio::submission_api::SubmissionSummary>, AppError>,
    >,
) -> impl IntoView {
    let cohort = cohort_label(&plan.cohort.name, plan.cohort.year);
    let heading = match viewer {
        Viewer::Fellow => "My competencies".to_owned(),
        Viewer::Staff { .. } => format!("{}: competencies", plan.fellow_name),
    };
    let back = match viewer {
        Viewer::Fellow => (format!("/cohorts/{}", plan.cohort.id), cohort.clone()),
        Viewer::Staff { .. } => (
            format!("/cohorts/{}/fellows", plan.cohort.id),
            format!("Fellows of {cohort}"),
        ),
    };
    let field_error = |field: &'static str| crate::ui::field_message(&form_error, field);
    let errors = ChoiceErrors {
        overarching: field_error("overarching"),
        pathway: field_error("pathway"),
        pathway_competency: field_error("pathway_competency"),
        decc: field_error("decc"),
        reason_1: field_error("reason_1"),
        reason_2: field_error("reason_2"),
    };
    let shown_fields = &[
        "overarching",
        "pathway",
        "pathway_competency",
        "decc",
        "reason_1",
        "reason_2",
    ];
    view! {
        <UserTitle text=heading.clone()/>
        <p><a href=back.0>{back.1}</a></p>
        <h1>{heading}</h1>
        <FormErrorNotice error=form_error.clone() fields=shown_fields/>
        {form_error.as_ref().filter(|error| shown_fields.iter().any(|field| error.message_for(field).is_some())).map(|_| view! {
            <div class="notice notice-error" role="alert" tabindex="-1" autofocus=true><p>"Nothing was saved. The problem is shown at the field below."</p></div>
        })}
        {done.filter(|_| form_error.is_none()).map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <FirstTermSection plan=plan.clone() viewer errors/>
        <SecondTermSection plan=plan.clone() viewer errors/>
        {submissions.map(|submissions| view! {
            <crate::portfolio::composer_page::FellowSubmissions submissions/>
        })}
        <GrowthSection plan viewer/>
    }
}

#[derive(Clone, Copy)]
struct ChoiceErrors {
    overarching: Signal<Option<String>>,
    pathway: Signal<Option<String>>,
    pathway_competency: Signal<Option<String>>,
    decc: Signal<Option<String>>,
    reason_1: Signal<Option<String>>,
    reason_2: Signal<Option<String>>,
}

/// Hidden fields and the reason box that staff forms add.
#[component]
fn StaffFields(
    plan_fellow: i32,
    term: i32,
    locked: bool,
    reason_error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("reason-{term}");
    let term_text = term.to_string();
    let reason = posted_for(ChangeFellowChoices::url(), &[("term", &term_text)])
        .and_then(|form| form.value("reason").map(str::to_owned))
        .unwrap_or_default();
    view! {
        <input type="hidden" name="fellow_id" value=plan_fellow.to_string()/>
        <input type="hidden" name="term" value=term.to_string()/>
        <div class="field">
            <label for=id.clone()>{if locked { "Reason for the change (required: these choices are locked)" } else { "Reason for the change" }}</label>
            <textarea id=id.clone() name="reason" rows="2" maxlength="2000" aria-describedby=format!("{id}-error")>{crate::ui::textarea_text(&reason)}</textarea>
            <FieldError id=if term == 1 { "reason-1-error" } else { "reason-2-error" } message=reason_error/>
        </div>
    }
}

fn competency_label(competency: &CompetencyView) -> String {
    if competency.description.is_empty() {
        competency.name.clone()
    } else {
        format!("{}: {}", competency.name, competency.description)
    }
}

#[component]
fn FirstTermSection(plan: FellowPlan, viewer: Viewer, errors: ChoiceErrors) -> impl IntoView {
    let term = plan.cohort.term(1).cloned();
    let locked = term.as_ref().is_some_and(|term| term.choices_locked());
    let editable = match viewer {
        Viewer::Fellow => !locked,
        Viewer::Staff { change_choices, .. } => change_choices,
    };
    let action = match viewer {
        Viewer::Fellow => ChooseFirstTerm::url(),
        Viewer::Staff { .. } => ChangeFellowChoices::url(),
    };
    let posted = match viewer {
        Viewer::Fellow => posted_for(action, &[]),
        Viewer::Staff { .. } => posted_for(action, &[("term", "1")]),
    };
    let is_ticked = {
        let saved = plan.choices.overarching.clone();
        let posted = posted.clone();
        move |id: i32| match &posted {
            Some(form) => form.has_value_under("overarching[", &id.to_string()),
            None => saved.contains(&id),
        }
    };
    let chosen = plan.choices.overarching.clone();
    let overarching: Vec<CompetencyView> = plan
        .framework
        .groups_of(GroupKind::Overarching)
        .flat_map(|group| group.competencies.clone())
        .collect();
    let summary = chosen_names(&plan.framework, &chosen);
    let overarching_count = overarching.len();
    view! {
        <section aria-labelledby="first-term-heading" class="panel">
            <h2 id="first-term-heading">"Term 1: two overarching competencies"</h2>
            <p>
                {if locked { "Locked since: " } else { "Choices lock: " }}
                <DeadlineText deadline=term.and_then(|term| term.choices_lock)/>
            </p>
            <p>{if summary.is_empty() { "Not chosen yet.".to_owned() } else { format!("Chosen: {summary}.") }}</p>
            {editable.then(|| view! {
                <form method="post" action=action class="stacked-form wide-form">
                    <input type="hidden" name="cohort_id" value=plan.cohort.id.to_string()/>
                    {matches!(viewer, Viewer::Staff { .. }).then(|| view! { <StaffFields plan_fellow=plan.fellow_id term=1 locked reason_error=errors.reason_1/> })}
                    <fieldset aria-describedby="overarching-hint overarching-error">
                        <legend>"Choose exactly two"</legend>
                        <p id="overarching-hint" class="hint">{format!("All {count} are studied; you earn micro-credentials in the two you choose.", count = overarching_count)}</p>
                        {overarching.into_iter().enumerate().map(|(index, competency)| {
                            let id = format!("overarching-{}", competency.id);
                            view! {
                                <div class="field-checkbox">
                                    <input id=id.clone() type="checkbox" name=format!("overarching[{index}]") value=competency.id.to_string() checked=is_ticked(competency.id)/>
                                    <label for=id>{competency_label(&competency)}</label>
                                </div>
                            }
                        }).collect_view()}
                        <FieldError id="overarching-error" message=errors.overarching/>
                    </fieldset>
                    <button type="submit">"Save term 1 choices"</button>
                </form>
            })}
            {(!editable && locked).then(|| view! {
                <p class="hint">"These choices are locked. If they must change, ask your facilitator."</p>
            })}
        </section>
    }
}

fn chosen_names(framework: &FrameworkView, ids: &[i32]) -> String {
    ids.iter()
        .filter_map(|id| framework.competency(*id))
        .map(|competency| competency.name.clone())
        .collect::<Vec<_>>()
        .join(" and ")
}

#[component]
fn SecondTermSection(plan: FellowPlan, viewer: Viewer, errors: ChoiceErrors) -> impl IntoView {
    let term = plan.cohort.term(2).cloned();
    let locked = term.as_ref().is_some_and(|term| term.choices_locked());
    let editable = match viewer {
        Viewer::Fellow => !locked,
        Viewer::Staff { change_choices, .. } => change_choices,
    };
    let action = match viewer {
        Viewer::Fellow => ChooseSecondTerm::url(),
        Viewer::Staff { .. } => ChangeFellowChoices::url(),
    };
    let choices = plan.choices.clone();
    let posted = match viewer {
        Viewer::Fellow => posted_for(action, &[]),
        Viewer::Staff { .. } => posted_for(action, &[("term", "2")]),
    };
    let picked = |name: &str, saved: Option<i32>| -> Option<i32> {
        match &posted {
            Some(form) => form.value(name).and_then(|value| value.parse().ok()),
            None => saved,
        }
    };
    let shown_pathway = picked("pathway", choices.pathway_group);
    let shown_competency = picked("pathway_competency", choices.pathway_competency);
    let shown_decc = picked("decc", choices.decc);
    let framework = plan.framework.clone();
    let pathways: Vec<_> = framework.groups_of(GroupKind::Pathway).cloned().collect();
    let decc: Vec<CompetencyView> = framework
        .groups_of(GroupKind::Decc)
        .flat_map(|group| group.competencies.clone())
        .collect();
    let summary = match (
        choices.pathway_group.and_then(|id| framework.group(id)),
        choices.pathway_competency,
        choices.decc,
    ) {
        (Some(group), Some(competency), Some(decc)) => format!(
            "Chosen: the {} pathway with {}, and the DECC focus area {}.",
            group.name,
            chosen_names(&framework, &[competency]),
            chosen_names(&framework, &[decc])
        ),
        _ => "Not chosen yet.".to_owned(),
    };
    view! {
        <section aria-labelledby="second-term-heading" class="panel">
            <h2 id="second-term-heading">"Term 2: a pathway and a DECC focus area"</h2>
            <p>
                {if locked { "Locked since: " } else { "Choices lock: " }}
                <DeadlineText deadline=term.and_then(|term| term.choices_lock)/>
            </p>
            <p>{summary}</p>
            {editable.then(|| view! {
                <form method="post" action=action class="stacked-form wide-form">
                    <input type="hidden" name="cohort_id" value=plan.cohort.id.to_string()/>
                    {matches!(viewer, Viewer::Staff { .. }).then(|| view! { <StaffFields plan_fellow=plan.fellow_id term=2 locked reason_error=errors.reason_2/> })}
                    <fieldset aria-describedby="pathway-error">
                        <legend>"Pathway"</legend>
                        {pathways.iter().map(|group| {
                            let id = format!("pathway-{}", group.id);
                            view! {
                                <div class="field-checkbox">
                                    <input id=id.clone() type="radio" name="pathway" value=group.id.to_string() checked=shown_pathway == Some(group.id)/>
                                    <label for=id>{group.name.clone()}</label>
                                </div>
                            }
                        }).collect_view()}
                        <FieldError id="pathway-error" message=errors.pathway/>
                    </fieldset>
                    <fieldset aria-describedby="pathway-competency-hint pathway-competency-error">
                        <legend>"One competency in that pathway"</legend>
                        <p id="pathway-competency-hint" class="hint">"Pick from the pathway you chose above."</p>
                        {pathways.iter().map(|group| view! {
                            <fieldset class="nested-choices">
                                <legend>{group.name.clone()}</legend>
                                {group.competencies.iter().map(|competency| {
                                    let id = format!("pathway-competency-{}", competency.id);
                                    view! {
                                        <div class="field-checkbox">
                                            <input id=id.clone() type="radio" name="pathway_competency" value=competency.id.to_string() checked=shown_competency == Some(competency.id)/>
                                            <label for=id>{competency_label(competency)}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                        }).collect_view()}
                        <FieldError id="pathway-competency-error" message=errors.pathway_competency/>
                    </fieldset>
                    <fieldset aria-describedby="decc-hint decc-error">
                        <legend>"DECC focus area"</legend>
                        <p id="decc-hint" class="hint">"Choose the diversity, equity and cultural competence focus area that relates best to your pathway."</p>
                        {decc.into_iter().map(|competency| {
                            let id = format!("decc-{}", competency.id);
                            view! {
                                <div class="field-checkbox">
                                    <input id=id.clone() type="radio" name="decc" value=competency.id.to_string() checked=shown_decc == Some(competency.id)/>
                                    <label for=id>{competency_label(&competency)}</label>
                                </div>
                            }
                        }).collect_view()}
                        <FieldError id="decc-error" message=errors.decc/>
                    </fieldset>
                    <button type="submit">"Save term 2 choices"</button>
                </form>
            })}
            {(!editable && locked).then(|| view! {
                <p class="hint">"These choices are locked. If they must change, ask your facilitator."</p>
            })}
        </section>
    }
}

#[component]
fn GrowthSection(plan: FellowPlan, viewer: Viewer) -> impl IntoView {
    let can_rate = match viewer {
        Viewer::Fellow => true,
        Viewer::Staff { rate, .. } => rate,
    };
    let chosen = plan.choices.competencies();
    let intro = match viewer {
        Viewer::Fellow => {
            "Rate yourself on the four-stage continuum for each chosen competency at the start and end of each term. Earlier ratings stay in the history."
        }
        Viewer::Staff { .. } => {
            "The fellow's self-ratings and coaches' ratings on the four-stage continuum. Earlier ratings stay in the history."
        }
    };
    let current_moment = plan
        .cohort
        .terms
        .iter()
        .find(|term| term.in_progress)
        .map(|term| format!("{}-start", term.position))
        .unwrap_or_else(|| "1-start".to_owned());
    view! {
        <section aria-labelledby="growth-heading" class="panel">
            <h2 id="growth-heading">"Growth self-assessment"</h2>
            <p>{intro}</p>
            {chosen.is_empty().then(|| view! { <p class="placeholder">"Choose competencies first; growth is rated for chosen competencies."</p> })}
            {chosen.into_iter().filter_map(|id| plan.framework.competency(id).cloned()).map(|competency| {
                let ratings: Vec<RatingView> = plan.ratings.iter().filter(|rating| rating.competency_id == competency.id).cloned().collect();
                let fellow_field = match viewer {
                    Viewer::Fellow => String::new(),
                    Viewer::Staff { .. } => plan.fellow_id.to_string(),
                };
                let heading_id = format!("growth-{}", competency.id);
                view! {
                    <article class="growth-card" aria-labelledby=heading_id.clone()>
                        <h3 id=heading_id.clone()>{competency.name.clone()}</h3>
                        {competency.microcredential.clone().map(|key| view! {
                            <p><a href=format!("/microcredentials/{key}")>{format!("What the {} micro-credential asks for, and its rubric", competency.name)}</a></p>
                        })}
                        <GrowthChart id=format!("chart-{}", competency.id) competency=competency.name.clone() ratings=ratings.clone()/>
                        <RatingHistory ratings/>
                        {can_rate.then(|| view! { <RatingForm cohort_id=plan.cohort.id fellow_field competency current_moment=current_moment.clone() open_moments=plan.open_moments.clone()/> })}
                    </article>
                }
            }).collect_view()}
        </section>
    }
}

#[component]
fn RatingHistory(ratings: Vec<RatingView>) -> impl IntoView {
    if ratings.is_empty() {
        return view! { <p class="placeholder">"No ratings yet."</p> }.into_any();
    }
    view! {
        <details>
            <summary>{format!("History ({} rating{})", ratings.len(), if ratings.len() == 1 { "" } else { "s" })}</summary>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Rating history">
                <table class="data-table">
                    <thead>
                        <tr><th scope="col">"For"</th><th scope="col">"Stage"</th><th scope="col">"By"</th><th scope="col">"Given"</th><th scope="col">"Note"</th></tr>
                    </thead>
                    <tbody>
                        {ratings.into_iter().rev().map(|rating| {
                            let point = MOMENTS.iter().find(|(term, moment, _)| *term == rating.term && *moment == rating.moment).map_or("", |(_, _, label)| label);
                            view! {
                                <tr>
                                    <td>{point}</td>
                                    <td>{STAGES.get((rating.stage - 1).clamp(0, 3) as usize).copied().unwrap_or("")}</td>
                                    <td>{if rating.by_coach { format!("{} ({})", rating.rater, rating.rater_role) } else { rating.rater.clone() }}</td>
                                    <td>{rating.given_at}</td>
                                    <td>{rating.note}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
    .into_any()
}

#[component]
fn RatingForm(
    cohort_id: i32,
    fellow_field: String,
    competency: CompetencyView,
    current_moment: String,
    /// The rating points that take ratings now.
    open_moments: Vec<String>,
) -> impl IntoView {
    let id = competency.id;
    let field = move |name: &str| format!("rate-{id}-{name}");
    let by_coach = !fellow_field.is_empty();
    let id_text = id.to_string();
    let posted = posted_for(RateGrowth::url(), &[("competency_id", &id_text)]);
    let current_moment = shown_value(&posted, "moment", current_moment);
    let posted_stage = posted
        .as_ref()
        .and_then(|form| form.value("stage"))
        .unwrap_or_default()
        .to_owned();
    let note = shown_value(&posted, "note", String::new());
    let open = posted.is_some();
    view! {
        <details open=open>
            <summary>{if by_coach { format!("Add your rating for {}", competency.name) } else { format!("Rate yourself on {}", competency.name) }}</summary>
            <form method="post" action=RateGrowth::url() class="stacked-form wide-form">
                <input type="hidden" name="cohort_id" value=cohort_id.to_string()/>
                <input type="hidden" name="fellow_id" value=fellow_field/>
                <input type="hidden" name="competency_id" value=id.to_string()/>
                <div class="field">
                    <label for=field("moment")>"Rating for"</label>
                    <select id=field("moment") name="moment">
                        {MOMENTS.iter().filter(|(term, moment, _)| open_moments.contains(&format!("{term}-{moment}"))).map(|(term, moment, label)| {
                            let value = format!("{term}-{moment}");
                            let selected = value == current_moment;
                            view! { <option value=value selected=selected>{*label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <fieldset>
                    <legend>"Stage"</legend>
                    {STAGES.iter().zip(competency.stages.in_order()).enumerate().map(|(index, (stage, descriptor))| {
                        let input_id = field(&format!("stage-{}", index + 1));
                        let text = if descriptor.is_empty() { (*stage).to_owned() } else { format!("{stage}: {descriptor}") };
                        view! {
                            <div class="field-checkbox">
                                <input id=input_id.clone() type="radio" name="stage" value=(index + 1).to_string() required checked=posted_stage == (index + 1).to_string()/>
                                <label for=input_id>{text}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for=field("note")>"Note (optional)"</label>
                    <textarea id=field("note") name="note" rows="2" maxlength="2000">{crate::ui::textarea_text(&note)}</textarea>
                </div>
                <button type="submit">"Save rating"</button>
            </form>
        </details>
    }
}

#[component]
pub fn FellowsPage() -> impl IntoView {
    let Some(cohort_id) = cohort_id_param() else {
        return view! { <ErrorNotice error=AppError::NotFound("There is no such cohort.".into())/> }.into_any();
    };
    let fellows = Resource::new(
        move || cohort_id,
        |cohort_id| async move {
            let cohort = crate::cohorts::schedule_api::get_cohort_overview(cohort_id).await?;
            let rows = list_fellows(cohort_id).await?;
            Ok::<_, AppError>((cohort_label(&cohort.name, cohort.year), rows))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading fellows…"</p> }>
            {move || Suspend::new(async move {
                match fellows.await {
                    Ok((label, rows)) => view! {
                        <UserTitle text=format!("Fellows of {label}")/>
                        <p><a href=format!("/cohorts/{cohort_id}")>{label.clone()}</a></p>
                        <h1>{format!("Fellows of {label}")}</h1>
                        <FellowTable cohort_id rows/>
                    }
                    .into_any(),
                    Err(error) => view! { <Title text="Fellows"/><ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn FellowTable(cohort_id: i32, rows: Vec<FellowRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No fellows in this cohort yet."</p> }.into_any();
    }
    let chosen = rows.iter().filter(|row| row.first_term.len() == 2).count();
    let total = rows.len();
    view! {
        <p>{format!("{chosen} of {total} fellows have chosen their term 1 competencies.")}</p>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Fellows and their choices">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">"Fellow"</th>
                        <th scope="col">"Term 1"</th>
                        <th scope="col">"Pathway"</th>
                        <th scope="col">"DECC focus area"</th>
                        <th scope="col">"Ratings"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let not_chosen = || view! { <span class="placeholder">"Not chosen"</span> }.into_any();
                        view! {
                            <tr>
                                <td><a href=format!("/cohorts/{cohort_id}/fellows/{}", row.id)>{row.name}</a></td>
                                <td>{if row.first_term.is_empty() { not_chosen() } else { row.first_term.join(", ").into_any() }}</td>
                                <td>{if row.pathway.is_empty() { not_chosen() } else { format!("{}: {}", row.pathway, row.pathway_competency).into_any() }}</td>
                                <td>{if row.decc.is_empty() { not_chosen() } else { row.decc.into_any() }}</td>
                                <td>{row.ratings}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
