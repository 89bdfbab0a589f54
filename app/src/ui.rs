//! Small building blocks that several pages share.

use leptos::prelude::*;

use crate::error::AppError;
use crate::request::set_page_status;

/// Renders a visible, announced message for a failed request. On the server it also sets the
/// page's HTTP status to match the error.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    set_page_status(error.status_code());
    view! { <ErrorMessage error/> }
}

/// Renders the visible, announced message alone, for errors that do not decide the
/// page's status, such as a form post that came back with a problem.
#[component]
pub fn ErrorMessage(
    error: AppError,
    /// Moves keyboard focus to the message when the page loads, for a form that came
    /// back with an error.
    #[prop(optional)]
    focus: bool,
) -> impl IntoView {
    // Signing in from here returns the person to the page they wanted.
    let sign_in = matches!(error, AppError::Unauthenticated).then(|| {
        let location = leptos_router::hooks::use_location();
        let search = location.search.get_untracked();
        let separator = if search.is_empty() || search.starts_with('?') {
            ""
        } else {
            "?"
        };
        let requested_path = format!("{}{separator}{search}", location.pathname.get_untracked());
        let query: String = url_encode(&requested_path);
        format!("/sign-in?next={query}")
    });
    view! {
        <div class="notice notice-error" role="alert" tabindex=focus.then_some("-1") autofocus=focus>
            <p>
                {error.to_string()}
                {sign_in.map(|href| view! { " " <a href=href>"Sign in"</a> })}
            </p>
        </div>
    }
}

/// Renders the validation message under a form field. The element is always present, so that
/// `aria-describedby` can point at it, and is empty when the field is valid.
#[component]
pub fn FieldError(
    #[prop(into)] id: String,
    #[prop(into)] message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <p id=id class="field-error">{move || message.get()}</p>
    }
}

/// Returns the message of `error` that belongs to form field `field`, for a
/// [`FieldError`] under that field.
pub fn field_message(error: &Option<AppError>, field: &'static str) -> Signal<Option<String>> {
    let message = error.as_ref().and_then(|error| error.message_for(field));
    Signal::derive(move || message.clone())
}

/// Renders the error of a form post that is not about one of `fields` (those show at their
/// field), such as a wrong password or a lost connection.
#[component]
pub fn FormErrorNotice(error: Option<AppError>, fields: &'static [&'static str]) -> impl IntoView {
    error
        .filter(|error| {
            !fields
                .iter()
                .any(|field| error.message_for(field).is_some())
        })
        .map(|error| view! { <ErrorMessage error focus=true/> })
}

/// Renders a confirmation that something worked.
#[component]
pub fn SuccessNotice(children: Children) -> impl IntoView {
    view! {
        <div class="notice notice-success" role="status">
            <p>{children()}</p>
        </div>
    }
}

/// Percent-encodes `text` for use as one query-string value.
pub(crate) fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Returns the value of `name` in the page's query string.
pub fn query_param(name: &'static str) -> Option<String> {
    leptos_router::hooks::use_query_map().with_untracked(|query| query.get(name))
}

/// The error a server function returned to this page after a plain form post, if any.
pub fn posted_error<S>() -> Option<AppError>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    ServerAction::<S>::new()
        .value()
        .get_untracked()
        .and_then(Result::err)
}

/// The error that the server function at `path` returned to this page after a plain
/// form post, for server functions that exist on the server only.
pub fn posted_error_from(path: &str) -> Option<AppError> {
    use leptos::server::ServerActionError;
    use leptos::server_fn::error::ServerFnUrlError;
    use_context::<ServerActionError>()
        .filter(|error| error.path() == path)
        .map(|error| ServerFnUrlError::<AppError>::decode_err(error.err()))
}

/// Marks a name that program staff have not confirmed yet.
#[component]
pub fn PlaceholderBadge(show: bool) -> impl IntoView {
    show.then(|| view! { <span class="badge">"Placeholder: confirm or edit"</span> })
}

/// Sets the page title from text that people typed, such as a cohort or fellow's name.
/// leptos_meta writes a formatted title into the `<title>` element without escaping
/// it, so the text is escaped here.
#[component]
pub fn UserTitle(#[prop(into)] text: String) -> impl IntoView {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    view! { <leptos_meta::Title text=escaped/> }
}

/// Returns the fields of a failed post to `action` whose `keys` fields match, such as
/// the id of the item a form edits, so that only that form shows them again.
pub fn posted_for(action: &str, keys: &[(&str, &str)]) -> Option<crate::request::PostedForm> {
    crate::request::posted_form(action).filter(|form| {
        keys.iter()
            .all(|(name, value)| form.value(name).unwrap_or_default() == *value)
    })
}

/// Returns the posted value of `name` when `form` came back with an error, and
/// otherwise `saved`.
pub fn shown_value(form: &Option<crate::request::PostedForm>, name: &str, saved: String) -> String {
    match form {
        Some(form) => form.value(name).unwrap_or_default().to_owned(),
        None => saved,
    }
}

/// Escapes text for the inside of a `<textarea>`. Leptos writes a textarea's children
/// without escaping them, so text containing `</textarea>` would end the element and
/// the rest would become markup. Escaped, the browser shows the text exactly as typed.
pub fn textarea_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}
