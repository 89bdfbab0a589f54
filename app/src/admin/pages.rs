//! Administration pages: users and roles, the audit log and the mail outbox. They are
//! server-rendered; their forms post to server functions and come back here.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::api::{
    AddRole, InviteUser, RemoveRole, SetUserAdmin, SetUserDisabled, list_audit, list_outbox,
    list_users,
};
use super::{AuditRow, CohortChoice, OutboxRow, UserRow, UsersListing};
use crate::audit_actions::ALL_ACTIONS;
use crate::auth::{Action, Role, authorize, current_actor};
use crate::error::AppError;
use crate::ui::{ErrorNotice, FormErrorNotice, SuccessNotice, query_param};

fn query_value(name: &'static str) -> String {
    query_param(name).unwrap_or_default()
}

/// Returns the first error that one of the page's forms came back with.
fn posted_error() -> Option<AppError> {
    [
        ServerAction::<InviteUser>::new().value().get_untracked(),
        ServerAction::<SetUserDisabled>::new()
            .value()
            .get_untracked(),
        ServerAction::<SetUserAdmin>::new().value().get_untracked(),
        ServerAction::<AddRole>::new().value().get_untracked(),
        ServerAction::<RemoveRole>::new().value().get_untracked(),
    ]
    .into_iter()
    .flatten()
    .find_map(Result::err)
}

#[component]
pub fn AdminHomePage() -> impl IntoView {
    if let Err(error) = authorize(&current_actor(), Action::ManageUsers) {
        return view! { <Title text="Administration"/><ErrorNotice error/> }.into_any();
    }
    view! {
        <Title text="Administration"/>
        <h1>"Administration"</h1>
        <ul class="link-list">
            <li><a href="/admin/users">"Users and roles"</a>" — invite people, give roles, disable accounts"</li>
            <li><a href="/cohorts">"Cohorts"</a>" — the program's cohorts, their terms, modules and deadlines"</li>
            <li><a href="/dashboard">"Program dashboard"</a>" — every cohort's progress, submissions and attendance, with charts"</li>
            <li><a href="/admin/framework">"Competency framework"</a>" — competencies, micro-credential definitions, import and export"</li>
            <li><a href="/admin/audit">"Audit log"</a>" — sign-ins, role changes and every administrator action"</li>
            <li><a href="/admin/outbox">"Outbox"</a>" — invitations and reset links sent by email"</li>
        </ul>
    }
    .into_any()
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let search = query_value("q");
    let form_error = posted_error();
    let done = super::api::done_message(&query_value("done"));
    let listing = Resource::new(move || search.clone(), list_users);

    view! {
        <Title text="Users and roles"/>
        <h1>"Users and roles"</h1>
        <FormErrorNotice error=form_error.clone() fields=&[]/>
        {done.filter(|_| form_error.is_none()).map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <Suspense fallback=|| view! { <p>"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(listing) => view! { <UsersListingView listing/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UsersListingView(listing: UsersListing) -> impl IntoView {
    let UsersListing {
        users,
        cohorts,
        truncated,
    } = listing;
    let search = query_value("q");
    let count = users.len();
    view! {
        <form method="get" action="/admin/users" class="inline-form" role="search">
            <label for="user-search">"Search by name or email"</label>
            <input id="user-search" name="q" type="search" value=search/>
            <button type="submit">"Search"</button>
        </form>
        <p>{format!("{count} user{} shown.", if count == 1 { "" } else { "s" })}
            {truncated.then_some(" More match; narrow the search to see them.")}</p>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Users">
            <table class="data-table">
                <caption class="visually-hidden">"Users"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Roles"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {users.into_iter().map(|user| view! { <UserRowView user cohorts=cohorts.clone()/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <InviteForm cohorts/>
    }
}

fn status_text(user: &UserRow) -> &'static str {
    match (user.disabled, user.invited) {
        (true, _) => "Disabled",
        (false, true) => "Invited",
        (false, false) => "Active",
    }
}

#[component]
fn UserRowView(user: UserRow, cohorts: Vec<CohortChoice>) -> impl IntoView {
    let status = status_text(&user);
    let is_self = current_actor().user().is_some_and(|me| me.id == user.id);
    let is_admin = user.is_admin;
    let user_id = user.id.to_string();
    let toggle_label = if user.disabled { "Enable" } else { "Disable" };
    let toggle_value = (!user.disabled).to_string();
    let form_label = format!("Add role for {}", user.display_name);
    let button_label = form_label.clone();
    view! {
        <tr>
            <td>{user.display_name.clone()}{user.is_admin.then_some(" (administrator)")}</td>
            <td>{user.email.clone()}</td>
            <td>{status}</td>
            <td>
                <ul class="role-list">
                    {user.roles.iter().map(|role| {
                        let label = format!("Remove {} role in {} from {}", role.role.as_str(), role.cohort_name, user.display_name);
                        view! {
                            <li>
                                {format!("{} · {}", role.role.label(), role.cohort_name)}
                                <form method="post" action=RemoveRole::url() class="inline-form">
                                    <input type="hidden" name="user_id" value=user.id.to_string()/>
                                    <input type="hidden" name="cohort_id" value=role.cohort_id.to_string()/>
                                    <input type="hidden" name="role" value=role.role.as_str()/>
                                    <button type="submit" class="button-small" aria-label=label>"Remove"</button>
                                </form>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </td>
            <td>
                {(!is_self).then(|| view! {
                <form method="post" action=SetUserDisabled::url() class="inline-form">
                    <input type="hidden" name="user_id" value=user_id.clone()/>
                    <input type="hidden" name="disabled" value=toggle_value/>
                    <button type="submit" class="button-small" aria-label=format!("{toggle_label} {}", user.display_name)>{toggle_label}</button>
                </form>
                })}
                {(!is_self).then(|| {
                    let label = if is_admin { "Remove administrator" } else { "Make administrator" };
                    view! {
                        <form method="post" action=SetUserAdmin::url() class="inline-form">
                            <input type="hidden" name="user_id" value=user.id.to_string()/>
                            <input type="hidden" name="administrator" value=(!is_admin).to_string()/>
                            <button type="submit" class="button-small" aria-label=format!("{label}: {}", user.display_name)>{label}</button>
                        </form>
                    }
                })}
                {(!is_self && !is_admin).then(|| view! {
                    <a class="button-small" href=format!("/admin/users/{}/delete", user.id)>"Delete data"<span class="visually-hidden">{format!(" of {}", user.display_name)}</span></a>
                })}
                <form method="post" action=AddRole::url() class="inline-form" aria-label=form_label>
                    <input type="hidden" name="user_id" value=user_id/>
                    <CohortSelect id=format!("add-role-cohort-{}", user.id) cohorts/>
                    <RoleSelect id=format!("add-role-role-{}", user.id)/>
                    <button type="submit" class="button-small" aria-label=button_label>"Add role"</button>
                </form>
            </td>
        </tr>
    }
}

#[component]
fn CohortSelect(id: String, cohorts: Vec<CohortChoice>) -> impl IntoView {
    view! {
        <label for=id.clone() class="visually-hidden">"Cohort"</label>
        <select id=id name="cohort_id">
            <option value="">"Cohort…"</option>
            {cohorts.into_iter().map(|cohort| view! { <option value=cohort.id.to_string()>{cohort.label}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn RoleSelect(id: String) -> impl IntoView {
    view! {
        <label for=id.clone() class="visually-hidden">"Role"</label>
        <select id=id name="role">
            <option value="">"Role…"</option>
            {Role::ALL.into_iter().map(|role| view! { <option value=role.as_str()>{role.label()}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn InviteForm(cohorts: Vec<CohortChoice>) -> impl IntoView {
    view! {
        <section aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite someone"</h2>
            <p>"They get an email with a link to set their password. The link works for 7 days."</p>
            <form method="post" action=InviteUser::url() class="stacked-form">
                <div class="field">
                    <label for="invite-email">"Email"</label>
                    <input id="invite-email" name="email" type="email" required autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="invite-name">"Name"</label>
                    <input id="invite-name" name="display_name" type="text" required autocomplete="off" maxlength="100"/>
                </div>
                <fieldset class="field">
                    <legend>"First role (optional)"</legend>
                    <div class="inline-form">
                        <CohortSelect id="invite-cohort".to_owned() cohorts/>
                        <RoleSelect id="invite-role".to_owned()/>
                    </div>
                    <p class="hint">"You can add more roles later, on the person's row."</p>
                </fieldset>
                <div class="field field-checkbox">
                    <input id="invite-admin" name="administrator" type="checkbox" value="on"/>
                    <label for="invite-admin">"Program administrator"</label>
                </div>
                <button type="submit">"Send invitation"</button>
            </form>
        </section>
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let (action, person, from, to) = (
        query_value("action"),
        query_value("person"),
        query_value("from"),
        query_value("to"),
    );
    let filters = (action.clone(), person.clone(), from.clone(), to.clone());
    let entries = Resource::new(
        move || filters.clone(),
        |(action, person, from, to)| list_audit(action, person, from, to),
    );

    view! {
        <Title text="Audit log"/>
        <h1>"Audit log"</h1>
        <form method="get" action="/admin/audit" class="filter-form">
            <div class="field">
                <label for="audit-action">"Action"</label>
                <select id="audit-action" name="action">
                    <option value="">"Any action"</option>
                    {ALL_ACTIONS.into_iter().map(|name| {
                        let selected = name == action;
                        view! { <option value=name selected=selected>{name.replace('_', " ")}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-person">"Email contains"</label>
                <input id="audit-person" name="person" type="search" value=person/>
            </div>
            <div class="field">
                <label for="audit-from">"From"</label>
                <input id="audit-from" name="from" type="date" value=from/>
            </div>
            <div class="field">
                <label for="audit-to">"To"</label>
                <input id="audit-to" name="to" type="date" value=to/>
            </div>
            <button type="submit">"Filter"</button>
        </form>
        <Suspense fallback=|| view! { <p>"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(rows) => view! { <AuditTable rows/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditTable(rows: Vec<AuditRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No entries match these filters."</p> }.into_any();
    }
    let capped = rows.len() as u64 >= super::api::LIST_LIMIT;
    view! {
        {capped.then(|| view! {
            <p class="hint">{format!("Showing the newest {} entries. Narrow the filters, such as the dates, to see older ones.", super::api::LIST_LIMIT)}</p>
        })}
        <div class="table-scroll" tabindex="0" role="region" aria-label="Audit log entries">
            <table class="data-table">
                <caption class="visually-hidden">"Audit log entries, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"About"</th>
                        <th scope="col">"Details"</th>
                        <th scope="col">"From address"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <td>{row.occurred_at}</td>
                            <td>{row.actor.unwrap_or_else(|| "—".to_owned())}</td>
                            <td>{row.action.replace('_', " ")}</td>
                            <td>{row.subject}</td>
                            <td>{row.details}</td>
                            <td>{row.client_address.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let messages = Resource::new(|| (), |_| list_outbox());
    view! {
        <Title text="Outbox"/>
        <h1>"Outbox"</h1>
        <p>"Every email TLI Hub sends is kept here, newest first. Without an SMTP server configured, this is the only place they arrive."</p>
        <Suspense fallback=|| view! { <p>"Loading the outbox…"</p> }>
            {move || Suspend::new(async move {
                match messages.await {
                    Ok(rows) => view! { <OutboxList rows/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OutboxList(rows: Vec<OutboxRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No email has been sent yet."</p> }.into_any();
    }
    view! {
        <ul class="message-list">
            {rows.into_iter().map(|row| view! {
                <li>
                    <details>
                        <summary>
                            <strong>{row.subject}</strong>
                            {format!(" to {} · {} · {}", row.to_address, row.created_at, row.status)}
                        </summary>
                        <pre class="message-body">{row.body}</pre>
                    </details>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
