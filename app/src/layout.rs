//! The frame around every page: skip link, header with navigation, main landmark, footer.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

use crate::auth::api::SignOut;
use crate::auth::{Action, authorize, current_actor};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let actor = current_actor();
    let user = actor.user().cloned();
    let can_list_cohorts = authorize(&actor, Action::ListCohorts).is_ok();
    let has_role = |role: crate::auth::Role| user.as_ref().is_some_and(|user| user.has_role(role));
    let can_review = has_role(crate::auth::Role::Reviewer);
    let is_admin = user.as_ref().is_some_and(|user| user.is_admin);
    let home = user.as_ref().map_or("/", |user| user.home_path());
    let signed_in = user.is_some();

    view! {
        <a class="skip-link" href="#main">"Skip to main content"</a>
        <header class="site-header">
            <a class="brand" href="/">"TLI Hub"</a>
            <nav aria-label="Main">
                <ul>
                    <li><A href=home exact=true>"Home"</A></li>
                    {can_list_cohorts.then(|| view! { <li><A href="/cohorts">"Cohorts"</A></li> })}
                    {can_review.then(|| view! { <li><A href="/reviews" exact=true>"Reviews"</A></li> })}
                    {user.is_some().then(|| view! { <li><InboxLink/></li> })}
                    {has_role(crate::auth::Role::Fellow).then(|| view! { <li><A href="/credentials" exact=true>"Credentials"</A></li> })}
                    {is_admin.then(|| view! {
                        <li><A href="/admin/framework">"Framework"</A></li>
                        <li><A href="/admin/users">"Users"</A></li>
                        <li><A href="/admin/audit">"Audit log"</A></li>
                        <li><A href="/admin/outbox">"Outbox"</A></li>
                    })}
                </ul>
            </nav>
            <div class="account">
                {match user {
                    Some(user) => view! {
                        <a class="account-name" href="/account">{user.display_name}</a>
                        <form method="post" action=SignOut::url() class="inline-form">
                            <button type="submit" class="button-quiet">"Sign out"</button>
                        </form>
                    }.into_any(),
                    None => view! { <a href="/sign-in">"Sign in"</a> }.into_any(),
                }}
            </div>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>
                "TLI Hub · Teacher Leadership Institute · "<a href="/verify">"Verify a credential"</a>
                {signed_in.then(|| view! { " · "<a href="/my-data">"Your data"</a> })}
            </p>
        </footer>
        <HydrationMark/>
    }
}

/// Renders the inbox link with the number of unread notifications.
#[component]
fn InboxLink() -> impl IntoView {
    let unread = Resource::new(|| (), |_| crate::notify::api::get_unread_count());
    view! {
        <Suspense fallback=|| view! { <A href="/inbox">"Inbox"</A> }>
            {move || Suspend::new(async move {
                match unread.await.unwrap_or(0) {
                    0 => view! { <A href="/inbox">"Inbox"</A> }.into_any(),
                    count => view! {
                        <A href="/inbox">"Inbox " <span class="count-badge">{count.to_string()}<span class="visually-hidden">" unread"</span></span></A>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Marks `<body data-hydrated="true">` once the browser bundle has taken over the page.
/// Islands hydrate only in the browser, so browser tests wait for this mark.
#[island]
fn HydrationMark() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
