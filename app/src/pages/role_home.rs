//! Each role's home page: where a person lands after signing in.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::auth::{Action, CurrentUser, Role, authorize, current_actor};
use crate::cohorts::{CohortSummary, list_my_cohorts};
use crate::ui::ErrorNotice;

/// Returns the sections of each home page, with placeholder text until the features
/// behind them arrive, so that people learn where things will be.
fn sections(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Fellow => &[],
        Role::Reviewer => &[],
        Role::Coach => &[],
        Role::Facilitator => &[],
    }
}

#[component]
pub fn RoleHomePage(role: Role) -> impl IntoView {
    let actor = current_actor();
    if let Err(error) = authorize(&actor, Action::ViewRoleHome(role)) {
        return view! { <Title text=role.label()/><ErrorNotice error/> }.into_any();
    }
    let user = actor.user().cloned();
    let cohorts = Resource::new(
        move || (),
        move |_| list_my_cohorts(role.as_str().to_owned()),
    );

    view! {
        <Title text=format!("{} home", role.label())/>
        <h1>{format!("{} home", role.label())}</h1>
        {user.clone().map(|user| view! { <p class="lead">{format!("Welcome, {}.", user.display_name)}</p> })}
        <section aria-labelledby="my-cohorts-heading">
            <h2 id="my-cohorts-heading">{format!("Your cohorts as {}", role.label().to_lowercase())}</h2>
            <Suspense fallback=|| view! { <p>"Loading your cohorts…"</p> }>
                {move || Suspend::new(async move {
                    match cohorts.await {
                        Ok(list) => view! { <CohortNames cohorts=list role/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        {(role == Role::Fellow).then(|| view! { <crate::portfolio::home::FellowHomeSections/> })}
        {(role == Role::Reviewer).then(|| view! {
            <section aria-labelledby="queue-heading">
                <h2 id="queue-heading">"Your review queue"</h2>
                <p><a href="/reviews">"Open your review queue"</a>": the submissions assigned to you, their due dates, and any calibration to do first."</p>
            </section>
        })}
        {matches!(role, Role::Coach | Role::Fellow).then(|| view! {
            <section aria-labelledby="coaching-heading">
                <h2 id="coaching-heading">"Coaching"</h2>
                <p><a href="/coaching">{if role == Role::Coach { "Your fellows and coaching sessions" } else { "Your coach and coaching sessions" }}</a>": scheduled and logged sessions, with notes only the coach and the fellow read."</p>
            </section>
        })}
        {(role == Role::Facilitator).then(|| view! {
            <section aria-labelledby="reviewing-heading">
                <h2 id="reviewing-heading">"Reviewing"</h2>
                <p>
                    <a href="/reviews/manage">"Assign reviews, reconcile and set review rules"</a>
                    " · "
                    <a href="/reviews/calibration">"Calibration and reviewer agreement"</a>
                </p>
            </section>
        })}
        {sections(role).iter().map(|(heading, body)| view! {
            <section>
                <h2>{*heading}</h2>
                <p class="placeholder">{*body}</p>
            </section>
        }).collect_view()}
        {user.map(|user| view! { <OtherHomes user current=role/> })}
    }
    .into_any()
}

#[component]
fn CohortNames(cohorts: Vec<CohortSummary>, role: Role) -> impl IntoView {
    if cohorts.is_empty() {
        return view! { <p>"You have this role in no cohort right now."</p> }.into_any();
    }
    view! {
        <ul>
            {cohorts.into_iter().map(|cohort| {
                let id = cohort.id;
                let extra = match role {
                    Role::Fellow => Some((format!("/cohorts/{id}/competencies"), "my competencies and growth")),
                    Role::Coach | Role::Facilitator => Some((format!("/cohorts/{id}/fellows"), "fellows and their choices")),
                    Role::Reviewer => None,
                };
                view! {
                    <li>
                        <a href=format!("/cohorts/{id}")>{crate::cohorts::cohort_label(&cohort.name, cohort.year)}</a>
                        {matches!(role, Role::Coach | Role::Facilitator).then(|| view! { " · " <a href=format!("/cohorts/{id}/dashboard")>"dashboard"</a> })}
                        {extra.map(|(href, label)| view! { " · " <a href=href>{label}</a> })}
                        " · " <a href=format!("/cohorts/{id}/events")>"workshops and meetings"</a>
                        {(role == Role::Facilitator).then(|| view! { " · " <a href=format!("/cohorts/{id}/coaching")>"coaching pairs"</a> })}
                        {(role == Role::Fellow).then(|| view! { " · " <a href=format!("/cohorts/{id}/capstone")>"capstone"</a> })}
                        {matches!(role, Role::Coach | Role::Facilitator).then(|| view! { " · " <a href=format!("/cohorts/{id}/capstones")>"capstones"</a> })}
                        {(role == Role::Facilitator).then(|| view! { " · " <a href=format!("/cohorts/{id}/certificates")>"certificates"</a> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Links to the person's other home pages, for people with more than one role.
#[component]
fn OtherHomes(user: CurrentUser, current: Role) -> impl IntoView {
    let others: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|role| *role != current && user.has_role(*role))
        .collect();
    (!others.is_empty()).then(|| view! {
        <section aria-labelledby="other-homes-heading">
            <h2 id="other-homes-heading">"Your other roles"</h2>
            <ul>
                {others.into_iter().map(|role| view! {
                    <li><a href=format!("/{}", role.as_str())>{format!("{} home", role.label())}</a></li>
                }).collect_view()}
            </ul>
        </section>
    })
}
