//! The fellow's home: what is due next, drafts in progress, feedback received and
//! credentials earned, each linking to where the work happens.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::draft::SubmissionState;
use crate::error::AppError;

/// Due items shown at most.
pub const DUE_SHOWN: usize = 6;

/// One of the fellow's micro-credentials, chosen through their competencies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialRow {
    pub title: String,
    pub cohort: String,
    /// The composer.
    pub href: String,
    /// The attempts page, once something was submitted.
    pub history_href: Option<String>,
    pub state: SubmissionState,
    pub attempts: i32,
    /// Whether a draft was started.
    pub started: bool,
    pub feedback: Option<String>,
}

/// Something with a due time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DueRow {
    pub what: String,
    pub due: String,
    pub href: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct FellowHome {
    pub due: Vec<DueRow>,
    pub credentials: Vec<CredentialRow>,
}

/// Reads the caller's home data across the cohorts they are a fellow of, in a number
/// of statements that does not grow with their work.
#[server(prefix = "/api", endpoint = "fellow-home", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_fellow_home() -> Result<FellowHome, AppError> {
    use std::collections::HashMap;

    use crate::auth::{Action, Role};
    use crate::context::{authorized, db, db_failure};
    use crate::entities::{
        cohorts, competency_choices, microcredentials, modules, submission_attempts, submissions,
        terms,
    };
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

    let actor = authorized(Action::ViewRoleHome(Role::Fellow))?;
    let user = actor.user().ok_or(AppError::Unauthenticated)?;
    let zone = super::evidence_api::viewer_zone(user);
    let cohort_ids: Vec<i32> = user
        .memberships
        .iter()
        .filter(|membership| membership.role == Role::Fellow)
        .map(|membership| membership.cohort_id)
        .collect();
    if cohort_ids.is_empty() {
        return Ok(FellowHome::default());
    }
    let db = db()?;
    let now = chrono::Utc::now();
    let cohort_rows = cohorts::Entity::find()
        .filter(cohorts::Column::Id.is_in(cohort_ids.clone()))
        .all(&db)
        .await
        .map_err(db_failure)?;
    let label = |cohort_id: i32| {
        cohort_rows
            .iter()
            .find(|cohort| cohort.id == cohort_id)
            .map(|cohort| crate::cohorts::cohort_label(&cohort.name, cohort.year))
            .unwrap_or_default()
    };

    let mut due = Vec::new();
    let term_rows = terms::Entity::find()
        .filter(terms::Column::CohortId.is_in(cohort_ids.clone()))
        .all(&db)
        .await
        .map_err(db_failure)?;
    let term_ids: Vec<i32> = term_rows.iter().map(|term| term.id).collect();
    let upcoming = modules::Entity::find()
        .filter(modules::Column::TermId.is_in(term_ids))
        .filter(modules::Column::DueAt.gte(now))
        .order_by_asc(modules::Column::DueAt)
        .limit(DUE_SHOWN as u64)
        .all(&db)
        .await
        .map_err(db_failure)?;
    let mut dated = Vec::new();
    for module in upcoming {
        let Some(term) = term_rows.iter().find(|term| term.id == module.term_id) else {
            continue;
        };
        if let Some(at) = module.due_at {
            dated.push((
                at,
                DueRow {
                    what: format!("{}: {} assignments", label(term.cohort_id), module.name),
                    due: crate::local_time::format_in_zone(at, zone),
                    href: format!("/cohorts/{}", term.cohort_id),
                },
            ));
        }
    }
    for cohort in &cohort_rows {
        if let Some(at) = cohort.submissions_due_at.filter(|at| *at >= now) {
            dated.push((
                at,
                DueRow {
                    what: format!(
                        "{}: micro-credential submissions",
                        crate::cohorts::cohort_label(&cohort.name, cohort.year)
                    ),
                    due: crate::local_time::format_in_zone(at, zone),
                    href: "#credentials-heading".into(),
                },
            ));
        }
    }
    dated.sort_by_key(|(at, _)| *at);
    due.extend(dated.into_iter().take(DUE_SHOWN).map(|(_, row)| row));

    let choices = competency_choices::Entity::find()
        .filter(competency_choices::Column::FellowUserId.eq(user.id))
        .filter(competency_choices::Column::CohortId.is_in(cohort_ids.clone()))
        .all(&db)
        .await
        .map_err(db_failure)?;
    let credentials = microcredentials::Entity::find()
        .order_by_asc(microcredentials::Column::Position)
        .all(&db)
        .await
        .map_err(db_failure)?;
    let program_id = crate::cohorts::store::default_program_id(&db)
        .await
        .map_err(db_failure)?;
    let versions = crate::program::framework_store::current_versions(&db, program_id)
        .await
        .map_err(db_failure)?;
    let own = submissions::Entity::find()
        .filter(submissions::Column::FellowUserId.eq(user.id))
        .all(&db)
        .await
        .map_err(db_failure)?;
    let submission_ids: Vec<i32> = own.iter().map(|submission| submission.id).collect();
    let mut latest_feedback: HashMap<i32, String> = HashMap::new();
    if !submission_ids.is_empty() {
        for attempt in submission_attempts::Entity::find()
            .filter(submission_attempts::Column::SubmissionId.is_in(submission_ids))
            .filter(submission_attempts::Column::Feedback.is_not_null())
            .order_by_asc(submission_attempts::Column::Number)
            .all(&db)
            .await
            .map_err(db_failure)?
        {
            if let Some(feedback) = attempt.feedback {
                latest_feedback.insert(attempt.submission_id, feedback);
            }
        }
    }
    let mut rows = Vec::new();
    for choice in &choices {
        let chosen = crate::program::plan_store::choice_set(Some(choice)).competencies();
        for competency in chosen {
            let Some(credential) = credentials
                .iter()
                .find(|credential| credential.competency_id == competency)
            else {
                continue;
            };
            let title = super::submission_store::definition_title(&versions, credential);
            let submission = own.iter().find(|submission| {
                submission.cohort_id == choice.cohort_id
                    && submission.microcredential_id == credential.id
            });
            let started = submission
                .is_some_and(|submission| submission.draft_version > 1 || submission.attempts > 0);
            rows.push(CredentialRow {
                title,
                cohort: label(choice.cohort_id),
                href: format!(
                    "/cohorts/{}/submissions/{}",
                    choice.cohort_id, credential.key
                ),
                history_href: submission
                    .filter(|submission| submission.attempts > 0)
                    .map(|submission| format!("/submissions/{}", submission.id)),
                state: submission
                    .map(super::submission_store::state_of)
                    .unwrap_or(SubmissionState::Draft),
                attempts: submission.map_or(0, |submission| submission.attempts),
                started,
                feedback: submission
                    .and_then(|submission| latest_feedback.get(&submission.id).cloned()),
            });
        }
    }
    Ok(FellowHome {
        due,
        credentials: rows,
    })
}

/// Renders the fellow's home sections.
#[component]
pub fn FellowHomeSections() -> impl IntoView {
    let home = Resource::new(|| (), |_| get_fellow_home());
    view! {
        <Suspense fallback=|| view! { <p>"Loading your work…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(home) => view! { <FellowHomeView home/> }.into_any(),
                    Err(error) => view! { <crate::ui::ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FellowHomeView(home: FellowHome) -> impl IntoView {
    let drafts: Vec<CredentialRow> = home
        .credentials
        .iter()
        .filter(|row| row.state.editable() && row.started)
        .cloned()
        .collect();
    let feedback: Vec<CredentialRow> = home
        .credentials
        .iter()
        .filter(|row| row.feedback.is_some())
        .cloned()
        .collect();
    let earned: Vec<CredentialRow> = home
        .credentials
        .iter()
        .filter(|row| row.state == SubmissionState::Earned)
        .cloned()
        .collect();
    let empty = |text: &'static str| view! { <p>{text}</p> }.into_any();
    view! {
        <section aria-labelledby="due-heading">
            <h2 id="due-heading">"What is due next"</h2>
            {if home.due.is_empty() { empty("Nothing has a due date coming up.") } else { view! {
                <ul>{home.due.into_iter().map(|row| view! {
                    <li><a href=row.href>{row.what}</a>" · due "{row.due}</li>
                }).collect_view()}</ul>
            }.into_any() }}
        </section>
        <section aria-labelledby="drafts-heading">
            <h2 id="drafts-heading">"Drafts in progress"</h2>
            {if drafts.is_empty() { empty("No drafts yet. Start one from your micro-credentials below.") } else { view! {
                <ul>{drafts.into_iter().map(|row| view! {
                    <li><a href=row.href>{row.title}</a>{format!(" · {} · {}", row.cohort, row.state.label(row.attempts))}</li>
                }).collect_view()}</ul>
            }.into_any() }}
        </section>
        <section aria-labelledby="feedback-heading">
            <h2 id="feedback-heading">"Feedback received"</h2>
            {if feedback.is_empty() { empty("No feedback yet; it appears here once reviewers score a submission.") } else { view! {
                <ul>{feedback.into_iter().map(|row| view! {
                    <li>
                        <a href=row.history_href.clone().unwrap_or(row.href.clone())>{row.title}</a>
                        {format!(" · {}", row.state.label(row.attempts))}
                    </li>
                }).collect_view()}</ul>
            }.into_any() }}
        </section>
        <section aria-labelledby="earned-heading">
            <h2 id="earned-heading">"Credentials earned"</h2>
            {if earned.is_empty() { empty("None yet.") } else { view! {
                <ul>{earned.into_iter().map(|row| view! {
                    <li><a href=row.history_href.clone().unwrap_or(row.href.clone())>{row.title}</a>{format!(" · {}", row.cohort)}</li>
                }).collect_view()}</ul>
            }.into_any() }}
        </section>
        <section aria-labelledby="credentials-heading">
            <h2 id="credentials-heading">"Your micro-credentials"</h2>
            {if home.credentials.is_empty() { empty("Choose your competencies first; the micro-credentials that certify them appear here.") } else { view! {
                <table class="data-table">
                    <caption class="visually-hidden">"Micro-credentials for your chosen competencies"</caption>
                    <thead><tr><th scope="col">"Micro-credential"</th><th scope="col">"Cohort"</th><th scope="col">"Status"</th></tr></thead>
                    <tbody>{home.credentials.into_iter().map(|row| {
                        let status = if row.started || row.attempts > 0 { row.state.label(row.attempts) } else { "Not started" };
                        view! {
                            <tr><td><a href=row.href>{row.title}</a></td><td>{row.cohort}</td><td>{status}</td></tr>
                        }
                    }).collect_view()}</tbody>
                </table>
            }.into_any() }}
            <p><a href="/evidence">"Your evidence library"</a></p>
        </section>
    }
}
