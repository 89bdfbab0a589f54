//! The framework pages for administrators: the competency framework with import and
//! export, and the micro-credential definition editor with its version history.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::editor::{EditorFields, RUBRIC_PARTS};
use super::format::{Definition, GroupKind, STAGES};
use super::framework_api::{
    AddCompetency, ArtifactInput, CriterionInput, EXPORT_URL, IMPORT_URL, LoadDefaultTemplate,
    QuestionInput, SaveMicrocredential, UpdateCompetency, UpdateGroup, done_message, get_framework,
    get_microcredential, list_microcredentials,
};
use super::{
    CompetencyView, FrameworkView, GroupView, MicrocredentialDetail, MicrocredentialSummary,
};
use crate::auth::{Action, authorize, current_actor};
use crate::error::AppError;
use crate::ui::{
    ErrorNotice, FormErrorNotice, PlaceholderBadge, SuccessNotice, UserTitle, posted_error,
    posted_error_from, posted_for, query_param, shown_value,
};

fn framework_form_error() -> Option<AppError> {
    posted_error_from(IMPORT_URL)
        .or_else(posted_error::<LoadDefaultTemplate>)
        .or_else(posted_error::<UpdateCompetency>)
        .or_else(posted_error::<AddCompetency>)
        .or_else(posted_error::<UpdateGroup>)
}

/// Describes a finished import from the counts in the address.
fn import_summary() -> Option<String> {
    let count = |name: &'static str| {
        query_param(name)
            .and_then(|value| value.parse::<u32>().ok())
            .unwrap_or(0)
    };
    (query_param("done").as_deref() == Some("imported")).then(|| {
        format!(
            "Framework imported: {} groups, {} competencies, {} micro-credentials. {} definitions updated in place, {} new versions created, {} items removed.",
            count("groups"),
            count("competencies"),
            count("microcredentials"),
            count("updated"),
            count("versions"),
            count("removed")
        )
    })
}

pub fn kind_label(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::Overarching => "Overarching: every fellow chooses two in the first term",
        GroupKind::Pathway => {
            "Pathway: a fellow who chooses this pathway picks one of its competencies in the second term"
        }
        GroupKind::Decc => "DECC focus areas: every fellow chooses one in the second term",
    }
}

#[component]
pub fn FrameworkPage() -> impl IntoView {
    if let Err(error) = authorize(&current_actor(), Action::ManageFramework) {
        return view! { <Title text="Competency framework"/><ErrorNotice error/> }.into_any();
    }
    let form_error = framework_form_error();
    let done = import_summary().or_else(|| {
        query_param("done")
            .and_then(|code| done_message(&code))
            .map(str::to_owned)
    });
    let data = Resource::new(
        || (),
        |_| async { Ok::<_, AppError>((get_framework().await?, list_microcredentials().await?)) },
    );
    view! {
        <Title text="Competency framework"/>
        <h1>"Competency framework"</h1>
        <FormErrorNotice error=form_error.clone() fields=&[]/>
        {done.filter(|_| form_error.is_none()).map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <ImportExport/>
        <Suspense fallback=|| view! { <p>"Loading the framework…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((framework, credentials)) => view! {
                        <FrameworkGroups framework/>
                        <MicrocredentialList credentials/>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ImportExport() -> impl IntoView {
    view! {
        <section aria-labelledby="transfer-heading" class="panel">
            <h2 id="transfer-heading">"Import and export"</h2>
            <p>
                "The framework file holds every group, competency and micro-credential definition. "
                <a href=EXPORT_URL download="tli-framework.json">"Export the framework (JSON)"</a>
            </p>
            <form method="post" action=IMPORT_URL enctype="multipart/form-data" class="stacked-form">
                <div class="field">
                    <label for="framework-file">"Framework file to import"</label>
                    <input id="framework-file" name="file" type="file" accept=".json,application/json" required aria-describedby="framework-file-hint"/>
                    <p id="framework-file-hint" class="hint">
                        "Items are matched by key. Items missing from the file are removed unless fellows or reviews use them. Definitions that reviews used get a new version. If anything is wrong, nothing changes."
                    </p>
                </div>
                <button type="submit">"Import framework"</button>
            </form>
            <form method="post" action=LoadDefaultTemplate::url() class="inline-form">
                <button type="submit" class="button-small">"Load the default TLI template"</button>
                <span class="hint">"Replaces the framework with the template that ships with TLI Hub, keeping what is in use."</span>
            </form>
        </section>
    }
}

#[component]
fn FrameworkGroups(framework: FrameworkView) -> impl IntoView {
    if framework.groups.is_empty() {
        return view! {
            <p>"No framework yet. Load the default TLI template or import a framework file."</p>
        }
        .into_any();
    }
    let title = (!framework.name.is_empty())
        .then(|| view! { <p class="lead">{framework.name.clone()}</p> });
    view! {
        {title}
        {framework.groups.into_iter().map(|group| view! { <GroupSection group/> }).collect_view()}
    }
    .into_any()
}

#[component]
fn GroupSection(group: GroupView) -> impl IntoView {
    let heading_id = format!("group-{}", group.id);
    let name_id = format!("group-name-{}", group.id);
    let description_id = format!("group-description-{}", group.id);
    let confirm_id = format!("group-confirm-{}", group.id);
    let add_id = format!("group-add-{}", group.id);
    let unconfirmed = group.unconfirmed;
    let id_text = group.id.to_string();
    let posted_edit = posted_for(UpdateGroup::url(), &[("id", &id_text)]);
    let edited_name = shown_value(&posted_edit, "name", group.name.clone());
    let edited_description = shown_value(&posted_edit, "description", group.description.clone());
    let added_name = shown_value(
        &posted_for(AddCompetency::url(), &[("group_id", &id_text)]),
        "name",
        String::new(),
    );
    view! {
        <section aria-labelledby=heading_id.clone() class="panel">
            <h2 id=heading_id.clone()>{group.name.clone()} " " <PlaceholderBadge show=unconfirmed/></h2>
            <p class="hint">{kind_label(group.kind)}</p>
            {(!group.description.is_empty()).then(|| view! { <p>{group.description.clone()}</p> })}
            <details open=posted_edit.is_some()>
                <summary>{format!("Edit the group \"{}\"", group.name)}</summary>
                <form method="post" action=UpdateGroup::url() class="stacked-form">
                    <input type="hidden" name="id" value=group.id.to_string()/>
                    <div class="field">
                        <label for=name_id.clone()>"Name"</label>
                        <input id=name_id name="name" type="text" required value=edited_name/>
                    </div>
                    <div class="field">
                        <label for=description_id.clone()>"Description"</label>
                        <textarea id=description_id name="description" rows="2">{crate::ui::textarea_text(&edited_description)}</textarea>
                    </div>
                    {unconfirmed.then(|| view! {
                        <div class="field-checkbox">
                            <input id=confirm_id.clone() name="confirmed" type="checkbox"/>
                            <label for=confirm_id.clone()>"This name is confirmed"</label>
                        </div>
                    })}
                    <button type="submit">"Save group"</button>
                </form>
            </details>
            <ul class="competency-list">
                {group.competencies.into_iter().map(|competency| view! { <li><CompetencyItem competency/></li> }).collect_view()}
            </ul>
            <form method="post" action=AddCompetency::url() class="inline-form">
                <input type="hidden" name="group_id" value=group.id.to_string()/>
                <label for=add_id.clone()>{format!("New competency in {}", group.name)}</label>
                <input id=add_id name="name" type="text" required value=added_name/>
                <button type="submit" class="button-small">"Add"</button>
            </form>
        </section>
    }
}

#[component]
fn CompetencyItem(competency: CompetencyView) -> impl IntoView {
    let id = competency.id;
    let field_id = move |name: &str| format!("competency-{id}-{name}");
    let descriptors = competency.stages.in_order().map(str::to_owned);
    let id_text = id.to_string();
    let posted = posted_for(UpdateCompetency::url(), &[("id", &id_text)]);
    let name_value = shown_value(&posted, "name", competency.name.clone());
    let description_value = shown_value(&posted, "description", competency.description.clone());
    let open = posted.is_some();
    let stage_fields = STAGES
        .iter()
        .zip(descriptors.clone())
        .map(|(stage, text)| {
            let name = stage.to_lowercase();
            let text = shown_value(&posted, &name, text);
            let input_id = field_id(&name);
            view! {
                <div class="field">
                    <label for=input_id.clone()>{*stage}</label>
                    <textarea id=input_id name=name rows="2">{crate::ui::textarea_text(&text)}</textarea>
                </div>
            }
        })
        .collect_view();
    let unconfirmed = competency.unconfirmed;
    let credential = competency.microcredential.clone();
    view! {
        <details open=open>
            <summary>
                <span class="competency-name">{competency.name.clone()}</span>
                " " <PlaceholderBadge show=unconfirmed/>
                {credential.is_none().then(|| view! { " " <span class="badge">"No micro-credential yet"</span> })}
            </summary>
            {(!competency.description.is_empty()).then(|| view! { <p>{competency.description.clone()}</p> })}
            <dl class="stage-list">
                {STAGES.iter().zip(descriptors).map(|(stage, text)| view! {
                    <dt>{*stage}</dt>
                    <dd>{if text.is_empty() { "Not described yet.".to_owned() } else { text }}</dd>
                }).collect_view()}
            </dl>
            <form method="post" action=UpdateCompetency::url() class="stacked-form">
                <input type="hidden" name="id" value=id.to_string()/>
                <div class="field">
                    <label for=field_id("name")>"Name"</label>
                    <input id=field_id("name") name="name" type="text" required value=name_value/>
                </div>
                <div class="field">
                    <label for=field_id("description")>"Description"</label>
                    <textarea id=field_id("description") name="description" rows="2">{crate::ui::textarea_text(&description_value)}</textarea>
                </div>
                {stage_fields}
                {unconfirmed.then(|| view! {
                    <div class="field-checkbox">
                        <input id=field_id("confirmed") name="confirmed" type="checkbox"/>
                        <label for=field_id("confirmed")>"The name and description are confirmed"</label>
                    </div>
                })}
                <button type="submit">{format!("Save {}", competency.name)}</button>
            </form>
        </details>
    }
}

#[component]
fn MicrocredentialList(credentials: Vec<MicrocredentialSummary>) -> impl IntoView {
    view! {
        <section aria-labelledby="definitions-heading" class="panel">
            <h2 id="definitions-heading">"Micro-credential definitions"</h2>
            {if credentials.is_empty() {
                view! { <p>"No micro-credentials yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Micro-credential definitions">
                        <table class="data-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Micro-credential"</th>
                                    <th scope="col">"Competency"</th>
                                    <th scope="col">"Version"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {credentials.into_iter().map(|credential| view! {
                                    <tr>
                                        <td><a href=format!("/admin/microcredentials/{}", credential.key)>{credential.title}</a></td>
                                        <td>{credential.competency}</td>
                                        <td>{credential.version}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn MicrocredentialPage() -> impl IntoView {
    if let Err(error) = authorize(&current_actor(), Action::ManageFramework) {
        return view! { <Title text="Micro-credential"/><ErrorNotice error/> }.into_any();
    }
    let key = use_params_map().with_untracked(|params| params.get("key").unwrap_or_default());
    let version = query_param("version").unwrap_or_default();
    let form_error = posted_error::<SaveMicrocredential>();
    let done = query_param("done").and_then(|code| done_message(&code));
    let detail = Resource::new(
        move || (key.clone(), version.clone()),
        |(key, version)| get_microcredential(key, version),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading the definition…"</p> }>
            {move || {
                let form_error = form_error.clone();
                Suspend::new(async move {
                    match detail.await {
                        Ok(detail) => view! { <MicrocredentialView detail form_error done/> }.into_any(),
                        Err(error) => view! { <Title text="Micro-credential"/><ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn MicrocredentialView(
    detail: MicrocredentialDetail,
    form_error: Option<AppError>,
    done: Option<&'static str>,
) -> impl IntoView {
    let MicrocredentialDetail {
        key,
        competency,
        version,
        is_current,
        definition,
        versions,
    } = detail;
    let title = definition.title.clone();
    let base = format!("/admin/microcredentials/{key}");
    view! {
        <UserTitle text=title.clone()/>
        <p><a href="/admin/framework">"Competency framework"</a></p>
        <h1>{title}</h1>
        <p class="lead">{format!("Certifies {competency}. Showing version {version}{}.", if is_current { " (current)" } else { ", an earlier version" })}</p>
        <FormErrorNotice error=form_error.clone() fields=&[]/>
        {done.filter(|_| form_error.is_none()).map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <section aria-labelledby="versions-heading" class="panel">
            <h2 id="versions-heading">"Versions"</h2>
            <p class="hint">"A version that reviews have used never changes. Saving changes to it creates a new version, and those reviews keep the one they used."</p>
            <table class="data-table">
                <thead>
                    <tr><th scope="col">"Version"</th><th scope="col">"Saved"</th><th scope="col">"Reviews using it"</th></tr>
                </thead>
                <tbody>
                    {versions.into_iter().map(|each| {
                        let href = format!("{base}?version={}", each.version);
                        let label = format!("Version {}", each.version);
                        view! {
                            <tr>
                                <td>{if each.version == version { view! { <strong>{label}</strong> }.into_any() } else { view! { <a href=href>{label}</a> }.into_any() }}</td>
                                <td>{each.saved_at}</td>
                                <td>{each.reviews}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        {if is_current {
            let fields = posted_for(SaveMicrocredential::url(), &[("key", &key)])
                .map(|form| EditorFields::from_posted(&form))
                .unwrap_or_else(|| EditorFields::from_definition(&definition));
            view! { <DefinitionEditor key fields/> }.into_any()
        } else {
            view! {
                <p><a href=base>"Edit the current version"</a></p>
                <DefinitionView definition/>
            }.into_any()
        }}
    }
}

/// Shows a micro-credential's current definition to anyone signed in: what fellows
/// submit and the rubric reviewers score it with.
#[component]
pub fn MicrocredentialReadPage() -> impl IntoView {
    let key = use_params_map().with_untracked(|params| params.get("key").unwrap_or_default());
    let detail = Resource::new(
        move || key.clone(),
        |key| get_microcredential(key, String::new()),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading the micro-credential…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! {
                        <UserTitle text=detail.definition.title.clone()/>
                        <h1>{detail.definition.title.clone()}</h1>
                        <p class="lead">{format!("Certifies {}. Version {}. Reviewers score submissions with exactly this rubric.", detail.competency, detail.version)}</p>
                        <DefinitionView definition=detail.definition/>
                    }.into_any(),
                    Err(error) => view! { <Title text="Micro-credential"/><ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Shows a definition read-only, as fellows and reviewers see it.
#[component]
pub fn DefinitionView(definition: Definition) -> impl IntoView {
    let list = |items: Vec<String>| view! { <ul>{items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul> };
    view! {
        <section aria-labelledby="definition-heading" class="panel">
            <h2 id="definition-heading">"Definition"</h2>
            <h3>"Key method"</h3>
            <p>{definition.key_method.clone()}</p>
            <h3>"Method components"</h3>
            {list(definition.method_components.clone())}
            <h3>"Research"</h3>
            <p>{definition.research.clone()}</p>
            <h3>"Resources"</h3>
            {list(definition.resources.clone())}
            <h3>"Part 1: overview questions"</h3>
            <ol>
                {definition.overview_questions.iter().map(|question| view! {
                    <li>{question.prompt.clone()} <span class="hint">{format!(" ({}–{} words)", question.min_words, question.max_words)}</span></li>
                }).collect_view()}
            </ol>
            <h3>"Part 2: artifacts"</h3>
            <ol>
                {definition.artifacts.iter().map(|artifact| view! {
                    <li>{artifact.description.clone()} <span class="hint">{format!(" Accepted: {}.", artifact.evidence_types.iter().map(|kind| kind.label()).collect::<Vec<_>>().join(", "))}</span></li>
                }).collect_view()}
            </ol>
            <h3>"Part 3: reflection"</h3>
            <p>{definition.reflection_prompt.clone()}</p>
            <h3>"Rubric"</h3>
            {definition.rubric.parts().into_iter().map(|(part, criteria)| view! {
                <h4>{part}</h4>
                <ul>
                    {criteria.iter().map(|criterion| view! {
                        <li>{criterion.criterion.clone()} <span class="hint">{format!(" Levels: {}. Passes at {} or better.", criterion.levels.join(", "), criterion.passing_level)}</span></li>
                    }).collect_view()}
                </ul>
            }).collect_view()}
        </section>
    }
}

#[component]
fn DefinitionEditor(key: String, fields: EditorFields) -> impl IntoView {
    let EditorFields {
        title,
        key_method,
        method_components,
        research,
        resources,
        questions,
        artifacts,
        reflection_prompt,
        criteria,
    } = fields;
    let question_rows = questions
        .into_iter()
        .chain(std::iter::once(QuestionInput::default()))
        .enumerate()
        .map(|(i, question)| {
            let id = |field: &str| format!("question-{i}-{field}");
            view! {
                <fieldset class="editor-row">
                    <legend>{format!("Question {}", i + 1)}</legend>
                    <div class="field">
                        <label for=id("prompt")>"Question"</label>
                        <textarea id=id("prompt") name=format!("questions[{i}][prompt]") rows="2">{crate::ui::textarea_text(&question.prompt)}</textarea>
                    </div>
                    <div class="field-row">
                        <div class="field">
                            <label for=id("min")>"Fewest words"</label>
                            <input id=id("min") name=format!("questions[{i}][min_words]") type="text" inputmode="numeric" size="5" value=question.min_words/>
                        </div>
                        <div class="field">
                            <label for=id("max")>"Most words"</label>
                            <input id=id("max") name=format!("questions[{i}][max_words]") type="text" inputmode="numeric" size="5" value=question.max_words/>
                        </div>
                    </div>
                </fieldset>
            }
        })
        .collect_view();
    let artifact_rows = artifacts
        .into_iter()
        .chain(std::iter::once(ArtifactInput::default()))
        .enumerate()
        .map(|(i, artifact)| {
            let description_id = format!("artifact-{i}-description");
            let ticked = artifact.ticked();
            view! {
                <fieldset class="editor-row">
                    <legend>{format!("Artifact {}", i + 1)}</legend>
                    <div class="field">
                        <label for=description_id.clone()>"What to submit"</label>
                        <textarea id=description_id name=format!("artifacts[{i}][description]") rows="2">{crate::ui::textarea_text(&artifact.description)}</textarea>
                    </div>
                    <fieldset>
                        <legend>"Accepted evidence types"</legend>
                        {ticked.into_iter().map(|(kind, on)| {
                            let id = format!("artifact-{i}-{}", kind.as_str());
                            view! {
                                <div class="field-checkbox">
                                    <input id=id.clone() type="checkbox" name=format!("artifacts[{i}][{}]", kind.as_str()) checked=on/>
                                    <label for=id>{kind.label()}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                </fieldset>
            }
        })
        .collect_view();
    let mut next_row = 0;
    let rubric_sections = RUBRIC_PARTS
        .iter()
        .map(|(part, label)| {
            let rows = criteria
                .iter()
                .filter(|criterion| criterion.part == *part)
                .cloned()
                .chain(std::iter::once(CriterionInput::default()))
                .enumerate()
                .map(|(n, criterion)| {
                    let i = next_row;
                    next_row += 1;
                    let id = |field: &str| format!("criterion-{i}-{field}");
                    view! {
                        <fieldset class="editor-row">
                            <legend>{format!("{label}, criterion {}", n + 1)}</legend>
                            <input type="hidden" name=format!("criteria[{i}][part]") value=*part/>
                            <div class="field">
                                <label for=id("text")>"Criterion"</label>
                                <textarea id=id("text") name=format!("criteria[{i}][criterion]") rows="2">{crate::ui::textarea_text(&criterion.criterion)}</textarea>
                            </div>
                            <div class="field">
                                <label for=id("levels")>"Levels, best first, one per line"</label>
                                <textarea id=id("levels") name=format!("criteria[{i}][levels]") rows="3">{crate::ui::textarea_text(&criterion.levels)}</textarea>
                            </div>
                            <div class="field">
                                <label for=id("passing")>"Lowest level that passes"</label>
                                <input id=id("passing") name=format!("criteria[{i}][passing_level]") type="text" value=criterion.passing_level/>
                            </div>
                        </fieldset>
                    }
                })
                .collect_view();
            view! { <h3>{*label}</h3> {rows} }
        })
        .collect_view();
    view! {
        <section aria-labelledby="editor-heading" class="panel">
            <h2 id="editor-heading">"Edit the definition"</h2>
            <p class="hint">"Empty rows are ignored; fill one in to add a question, an artifact or a criterion. Clear a row to remove it."</p>
            <form method="post" action=SaveMicrocredential::url() class="stacked-form wide-form">
                <input type="hidden" name="key" value=key/>
                <div class="field">
                    <label for="definition-title">"Title"</label>
                    <input id="definition-title" name="title" type="text" required value=title/>
                </div>
                <div class="field">
                    <label for="definition-method">"Key method"</label>
                    <textarea id="definition-method" name="key_method" rows="2">{crate::ui::textarea_text(&key_method)}</textarea>
                </div>
                <div class="field">
                    <label for="definition-components">"Method components, one per line"</label>
                    <textarea id="definition-components" name="method_components" rows="4">{crate::ui::textarea_text(&method_components)}</textarea>
                </div>
                <div class="field">
                    <label for="definition-research">"Research"</label>
                    <textarea id="definition-research" name="research" rows="4">{crate::ui::textarea_text(&research)}</textarea>
                </div>
                <div class="field">
                    <label for="definition-resources">"Resources, one per line"</label>
                    <textarea id="definition-resources" name="resources" rows="3">{crate::ui::textarea_text(&resources)}</textarea>
                </div>
                <h3>"Part 1: overview questions"</h3>
                {question_rows}
                <h3>"Part 2: artifacts"</h3>
                {artifact_rows}
                <h3>"Part 3: reflection"</h3>
                <div class="field">
                    <label for="definition-reflection">"Reflection prompt"</label>
                    <textarea id="definition-reflection" name="reflection_prompt" rows="3">{crate::ui::textarea_text(&reflection_prompt)}</textarea>
                </div>
                <h2>"Rubric"</h2>
                {rubric_sections}
                <button type="submit">"Save definition"</button>
            </form>
        </section>
    }
}
