//! The inbox page: notifications, newest first, and the email preferences.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::api::{MarkAllRead, OpenNotification, SaveNotificationPreferences, get_inbox};
use super::{EmailChoice, Inbox};
use crate::ui::{ErrorNotice, FormErrorNotice, SuccessNotice, posted_error, query_param};

#[component]
pub fn InboxPage() -> impl IntoView {
    let done = query_param("done").and_then(|code| match code.as_str() {
        "read" => Some("Everything is marked read."),
        "preferences" => Some("Email preferences saved."),
        _ => None,
    });
    let error = posted_error::<SaveNotificationPreferences>().or_else(posted_error::<MarkAllRead>);
    let data = Resource::new(|| (), |_| get_inbox());
    view! {
        <leptos_meta::Title text="Inbox"/>
        <h1>"Inbox"</h1>
        {done.map(|message| view! { <SuccessNotice>{message}</SuccessNotice> })}
        <FormErrorNotice error fields=&[]/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(inbox) => view! { <InboxView inbox/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn InboxView(inbox: Inbox) -> impl IntoView {
    let open = OpenNotification::url();
    view! {
        <section aria-labelledby="inbox-heading" class="panel">
            <h2 id="inbox-heading">{match inbox.unread { 0 => "Nothing unread".to_owned(), 1 => "1 unread".to_owned(), count => format!("{count} unread") }}</h2>
            {(inbox.unread > 0).then(|| view! {
                <form method="post" action=MarkAllRead::url() class="inline-form">
                    <button type="submit" class="button-small">"Mark all read"</button>
                </form>
            })}
            {inbox.entries.is_empty().then(|| view! { <p class="placeholder">"No notifications yet. Mentions, replies, assignment feedback, schedule changes, coaching sessions and messages from facilitators and coaches will show here."</p> })}
            <ul class="inbox">
                {inbox.entries.iter().cloned().map(|entry| view! {
                    <li class=if entry.unread { "inbox-entry unread" } else { "inbox-entry" }>
                        {entry.unread.then(|| view! { <span class="badge badge-current">"New"</span>" " })}
                        <a href=format!("{open}?id={}", entry.id)>{entry.title.clone()}</a>
                        <span class="hint">{format!(" {}", entry.when)}</span>
                    </li>
                }).collect_view()}
            </ul>
            {inbox.more.then(|| view! { <p class="hint">"Older notifications are not shown."</p> })}
        </section>
        <section aria-labelledby="preferences-heading" class="panel">
            <h2 id="preferences-heading">"Email"</h2>
            <p>"Everything arrives in this inbox. Choose what also comes by email; the daily digest gathers what you have not read into one message a day."</p>
            <form method="post" action=SaveNotificationPreferences::url() class="stacked-form">
                {inbox.preferences.iter().map(|(kind, chosen)| view! {
                    <fieldset>
                        <legend>{kind.label()}</legend>
                        {EmailChoice::ALL.into_iter().map(|choice| {
                            let id = format!("pref-{}-{}", kind.name(), choice.name());
                            view! {
                                <label class="checkbox" for=id.clone()>
                                    <input id=id.clone() type="radio" name=kind.name() value=choice.name() checked=*chosen == choice/>
                                    {choice.label()}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }).collect_view()}
                <button type="submit">"Save email preferences"</button>
            </form>
        </section>
    }
}
