//! Autosave for forms whose fields are named `fields[…]`: the submission composer and
//! the reviewer's rubric. Each is a plain form that saves when posted. This island also
//! saves a moment after typing stops, on leaving a field and on leaving the page. It
//! updates word counts as people type, and keeps a copy of unsent changes in the
//! browser that survives a lost connection, a closed tab and an expired session.
//! Every save names the version it edited, so a stale tab gets a conflict showing both
//! versions instead of overwriting newer work.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The form's field values, named without the `fields[…]` wrapper.
pub type Fields = BTreeMap<String, String>;

/// The record a form saves into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AutosaveTarget {
    /// A fellow's submission draft, by submission id.
    Draft(i32),
    /// A reviewer's scores, by review id.
    Review(i32),
}

/// The result of an autosave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SaveOutcome {
    Saved {
        version: i32,
        saved_at: String,
    },
    /// Another tab or device saved first; here is what it saved.
    Conflict {
        version: i32,
        saved_at: String,
        fields: Fields,
    },
}

/// Saves a form's fields edited from `base_version` into `target`. A save from an older
/// version returns the newer fields instead of overwriting them. One endpoint serves
/// both forms, so the browser bundle carries one client for it.
#[server(prefix = "/api", endpoint = "autosave", input = leptos::server_fn::codec::Json)]
pub async fn save_fields(
    target: AutosaveTarget,
    base_version: i32,
    fields: Fields,
) -> Result<SaveOutcome, crate::error::AppError> {
    match target {
        AutosaveTarget::Draft(id) => {
            use super::submission_api::{own_submission, store_draft};
            let (user, db, submission) = own_submission(id).await?;
            let content = super::draft::DraftContent::from_fields(&fields);
            store_draft(&user, &db, &submission, base_version, content).await
        }
        AutosaveTarget::Review(id) => {
            crate::review::api::save_review(id, base_version, fields).await
        }
    }
}

/// Milliseconds after the last keystroke before a save.
#[cfg(feature = "hydrate")]
const QUIET_MS: i32 = 1_500;

/// A field whose two versions differ, for the conflict panel.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Difference {
    name: String,
    saved: String,
    mine: String,
}

/// Renders the save status line and the hidden conflict panel on the server, with the
/// island that updates them.
#[component]
pub fn AutosaveStatus(
    target: AutosaveTarget,
    /// The id of the form the island works on.
    form_id: &'static str,
    version: i32,
    saved_at: String,
    /// Where signing in again returns to.
    return_path: String,
) -> impl IntoView {
    let status = if saved_at.is_empty() {
        "Not saved yet".to_owned()
    } else {
        format!("Saved {saved_at}")
    };
    view! {
        <p id="autosave-status" class="autosave-status" role="status" aria-live="polite" data-status="saved">
            {status}
        </p>
        <section id="conflict" class="notice notice-error conflict" role="alert" aria-labelledby="conflict-heading" tabindex="-1" hidden>
            <h2 id="conflict-heading">"This was changed in another tab or device"</h2>
            <p>"Nothing has been overwritten. Compare the two versions and choose which to keep."</p>
            <div id="conflict-fields"></div>
            <div class="form-actions">
                <button id="keep-mine" type="button">"Keep my version"</button>
                <button id="use-saved" type="button" class="secondary">"Use the saved version"</button>
            </div>
        </section>
        <Autosave target form_id=form_id.to_owned() version return_path/>
    }
}

#[island]
fn Autosave(
    target: AutosaveTarget,
    form_id: String,
    version: i32,
    return_path: String,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        browser::attach(browser::State::new(
            target,
            form_id.clone(),
            version,
            return_path.clone(),
        ))
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (target, form_id, version, return_path);
}

/// Lists the fields whose values differ between two versions.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn differences(saved: &Fields, mine: &Fields) -> Vec<Difference> {
    let mut names: Vec<&String> = saved.keys().chain(mine.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let saved = saved.get(name).cloned().unwrap_or_default();
            let mine = mine.get(name).cloned().unwrap_or_default();
            (saved != mine).then(|| Difference {
                name: name.clone(),
                saved,
                mine,
            })
        })
        .collect()
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    use serde::{Deserialize, Serialize};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    use super::super::draft::{word_count, word_guidance};
    use super::{AutosaveTarget, Fields, QUIET_MS, SaveOutcome, differences};
    use crate::error::AppError;

    /// Unsent changes kept in the browser between visits, with the version they started
    /// from.
    #[derive(Serialize, Deserialize)]
    struct Kept {
        base_version: i32,
        fields: Fields,
        /// The last save this tab sent and the version it was based on. When the tab
        /// closes before the response arrives, the server may contain that save as a
        /// newer version, which is then this tab's own work rather than a conflict.
        #[serde(default)]
        sent: Option<(i32, Fields)>,
    }

    /// The state shown in the status line.
    enum Status {
        Saved(String),
        Unsaved,
        Saving,
        Offline,
        SignedOut,
        Failed(String),
        Restored,
        Conflict,
    }

    struct Inner {
        target: AutosaveTarget,
        form: web_sys::HtmlFormElement,
        version: i32,
        return_path: String,
        dirty: bool,
        in_flight: bool,
        /// Set while the form is being posted. The post saves the form, so autosave
        /// sends nothing.
        posting: bool,
        timer: Option<i32>,
        /// The saved version and fields while a conflict waits for a choice.
        conflict: Option<(i32, Fields)>,
        /// The save on its way: the version it was based on and its fields.
        sent: Option<(i32, Fields)>,
        /// Set when a save found the session ended. Leaving a field then does not save,
        /// so that the status line and its sign-in link stay put for the click.
        signed_out: bool,
        /// This page's own key in `localStorage`. Each tab keeps its own copy, so one
        /// tab's save never discards another tab's unsent work.
        key: String,
    }

    #[derive(Clone)]
    pub struct State {
        inner: Rc<RefCell<Inner>>,
    }

    /// Returns the start of every `localStorage` key that contains unsent changes to the
    /// target.
    fn key_prefix(target: AutosaveTarget) -> String {
        match target {
            AutosaveTarget::Draft(id) => format!("tli-draft-{id}-"),
            AutosaveTarget::Review(id) => format!("tli-review-{id}-"),
        }
    }

    /// Returns the inner name of a `fields[…]` control.
    fn field_name(element: &web_sys::Element) -> Option<String> {
        let name = element.get_attribute("name")?;
        name.strip_prefix("fields[")?
            .strip_suffix(']')
            .map(str::to_owned)
    }

    impl State {
        pub fn new(
            target: AutosaveTarget,
            form_id: String,
            version: i32,
            return_path: String,
        ) -> Option<State> {
            let form = document()
                .get_element_by_id(&form_id)?
                .dyn_into::<web_sys::HtmlFormElement>()
                .ok()?;
            Some(State {
                inner: Rc::new(RefCell::new(Inner {
                    target,
                    form,
                    version,
                    return_path,
                    dirty: false,
                    in_flight: false,
                    posting: false,
                    timer: None,
                    conflict: None,
                    sent: None,
                    signed_out: false,
                    key: format!(
                        "{}{:x}",
                        key_prefix(target),
                        (js_sys::Math::random() * 4_294_967_296.0) as u64
                    ),
                })),
            })
        }

        fn key(&self) -> String {
            self.inner.borrow().key.clone()
        }

        /// Lists every `fields[…]` control of the form.
        fn controls(&self) -> Vec<web_sys::Element> {
            let Ok(list) = self
                .inner
                .borrow()
                .form
                .query_selector_all("[name^='fields[']")
            else {
                return Vec::new();
            };
            (0..list.length())
                .filter_map(|index| list.item(index)?.dyn_into::<web_sys::Element>().ok())
                .collect()
        }

        fn read_form(&self) -> Fields {
            let mut fields = Fields::new();
            for element in self.controls() {
                let Some(name) = field_name(&element) else {
                    continue;
                };
                let value = if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                    area.value()
                } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
                    select.value()
                } else if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
                    if input.type_() == "radio" && !input.checked() {
                        continue;
                    }
                    input.value()
                } else {
                    continue;
                };
                if !value.is_empty() {
                    fields.insert(name, value);
                }
            }
            fields
        }

        fn write_form(&self, fields: &Fields) {
            for element in self.controls() {
                let Some(name) = field_name(&element) else {
                    continue;
                };
                let value = fields.get(&name).map(String::as_str).unwrap_or("");
                if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                    area.set_value(value);
                } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
                    select.set_value(value);
                } else if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
                    if input.type_() == "radio" {
                        input.set_checked(input.value() == value);
                    } else {
                        input.set_value(value);
                    }
                }
            }
        }

        /// Names a field for people by its control's `data-label`.
        fn label(&self, name: &str) -> String {
            let selector = format!("[name='fields[{name}]']");
            self.inner
                .borrow()
                .form
                .query_selector(&selector)
                .ok()
                .flatten()
                .and_then(|element| element.get_attribute("data-label"))
                .unwrap_or_else(|| name.replace('_', " "))
        }

        fn status(&self, status: Status) {
            let Some(line) = document().get_element_by_id("autosave-status") else {
                return;
            };
            let (name, text) = match status {
                Status::Saved(at) => ("saved", format!("Saved {at}")),
                Status::Unsaved => ("unsaved", "Changes not saved yet…".to_owned()),
                Status::Saving => ("saving", "Saving…".to_owned()),
                Status::Offline => (
                    "offline",
                    "Offline. Your changes are kept in this browser and will be saved when the connection returns.".to_owned(),
                ),
                Status::SignedOut => (
                    "signed-out",
                    "Your session has ended. Your changes are kept in this browser; sign in again and they will be saved. ".to_owned(),
                ),
                Status::Failed(message) => (
                    "failed",
                    format!("Not saved: {message} Your changes are kept in this browser."),
                ),
                Status::Restored => (
                    "restored",
                    "Restored changes that had not reached the server; saving them now.".to_owned(),
                ),
                Status::Conflict => (
                    "conflict",
                    "Not saved: this was changed in another tab or device. Choose a version in the panel shown.".to_owned(),
                ),
            };
            line.set_attribute("data-status", name).ok();
            line.set_text_content(Some(&text));
            if name == "signed-out"
                && let Ok(link) = document().create_element("a")
            {
                let path = self.inner.borrow().return_path.clone();
                link.set_attribute("href", &format!("/sign-in?next={path}"))
                    .ok();
                link.set_text_content(Some("Sign in again"));
                line.append_child(&link).ok();
            }
        }

        /// Shows the conflict panel with each field's two versions.
        fn show_conflict(&self, version: i32, saved: Fields, mine: &Fields) {
            let list = differences(&saved, mine);
            self.inner.borrow_mut().conflict = Some((version, saved));
            let document = document();
            let Some(fields) = document.get_element_by_id("conflict-fields") else {
                return;
            };
            fields.set_text_content(None);
            let add = |parent: &web_sys::Element, tag: &str, class: &str, text: &str| {
                let element = document.create_element(tag).ok()?;
                if !class.is_empty() {
                    element.set_attribute("class", class).ok();
                }
                element.set_text_content(Some(text));
                parent.append_child(&element).ok();
                Some(element)
            };
            for difference in list {
                add(&fields, "h3", "", &self.label(&difference.name));
                let Some(pair) = add(&fields, "div", "conflict-versions", "") else {
                    continue;
                };
                for (heading, text) in [
                    ("Saved version", &difference.saved),
                    ("Your version in this tab", &difference.mine),
                ] {
                    if let Some(side) = add(&pair, "div", "", "") {
                        add(&side, "h4", "", heading);
                        add(&side, "pre", "conflict-text", text);
                    }
                }
            }
            if let Some(panel) = document.get_element_by_id("conflict") {
                panel.remove_attribute("hidden").ok();
                panel.scroll_into_view();
                if let Some(panel) = panel.dyn_ref::<web_sys::HtmlElement>() {
                    panel.focus().ok();
                }
            }
            self.status(Status::Conflict);
        }

        /// Settles a conflict: keep this tab's work (saved over the newer version on
        /// purpose) or take the saved version into the form.
        fn resolve(&self, keep_mine: bool) {
            let Some((version, saved)) = self.inner.borrow_mut().conflict.take() else {
                return;
            };
            if let Some(panel) = document().get_element_by_id("conflict") {
                panel.set_attribute("hidden", "").ok();
            }
            self.set_version(version);
            if keep_mine {
                self.inner.borrow_mut().dirty = true;
                self.save();
            } else {
                self.write_form(&saved);
                self.update_counts();
                self.forget_kept();
                self.inner.borrow_mut().dirty = false;
                self.status(Status::Saved("just now".into()));
            }
        }

        fn set_version(&self, version: i32) {
            self.inner.borrow_mut().version = version;
            // The page's own posts (Save, Check, Submit, Finalize) must name the same
            // version.
            for name in ["base_version", "version"] {
                if let Ok(list) = document().query_selector_all(&format!("input[name={name}]")) {
                    for index in 0..list.length() {
                        if let Some(input) = list
                            .item(index)
                            .and_then(|node| node.dyn_into::<web_sys::HtmlInputElement>().ok())
                        {
                            input.set_value(&version.to_string());
                        }
                    }
                }
            }
        }

        fn keep(&self, fields: &Fields) {
            let kept = Kept {
                base_version: self.inner.borrow().version,
                fields: fields.clone(),
                sent: self.inner.borrow().sent.clone(),
            };
            if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(&kept)) {
                storage.set_item(&self.key(), &text).ok();
            }
        }

        fn kept(&self) -> Option<Kept> {
            let text = local_storage()?.get_item(&self.key()).ok()??;
            serde_json::from_str(&text).ok()
        }

        /// Takes over unsent changes that an earlier page of this form left behind:
        /// copies that match the form are dropped, and the first that differs becomes
        /// this page's own.
        fn adopt_earlier(&self, current: &Fields) -> Option<Kept> {
            let storage = local_storage()?;
            let prefix = key_prefix(self.inner.borrow().target);
            let keys: Vec<String> = (0..storage.length().unwrap_or(0))
                .filter_map(|index| storage.key(index).ok().flatten())
                .filter(|key| key.starts_with(&prefix))
                .collect();
            let mut adopted = None;
            for key in keys {
                let kept = storage
                    .get_item(&key)
                    .ok()
                    .flatten()
                    .and_then(|text| serde_json::from_str::<Kept>(&text).ok());
                match kept {
                    Some(kept) if adopted.is_none() && kept.fields != *current => {
                        storage.remove_item(&key).ok();
                        adopted = Some(kept);
                    }
                    Some(kept) if kept.fields != *current => {}
                    _ => {
                        storage.remove_item(&key).ok();
                    }
                }
            }
            adopted
        }

        fn forget_kept(&self) {
            if let Some(storage) = local_storage() {
                storage.remove_item(&self.key()).ok();
            }
        }

        /// Updates the word count under every text box that has word guidance.
        fn update_counts(&self) {
            let Ok(list) = self
                .inner
                .borrow()
                .form
                .query_selector_all("textarea[data-words]")
            else {
                return;
            };
            for index in 0..list.length() {
                let Some(area) = list
                    .item(index)
                    .and_then(|node| node.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                else {
                    continue;
                };
                let guidance = area.get_attribute("data-words").unwrap_or_default();
                let mut bounds = guidance
                    .split('-')
                    .map(|part| part.parse::<u32>().unwrap_or(0));
                let (min, max) = (bounds.next().unwrap_or(0), bounds.next().unwrap_or(0));
                if let Some(counter) = document().get_element_by_id(&format!("words-{}", area.id()))
                {
                    counter.set_text_content(Some(&word_guidance(
                        word_count(&area.value()),
                        min,
                        max,
                    )));
                }
            }
        }

        fn changed(&self) {
            if self.inner.borrow().posting {
                return;
            }
            let fields = self.read_form();
            self.keep(&fields);
            self.inner.borrow_mut().dirty = true;
            if self.inner.borrow().conflict.is_none() {
                self.status(Status::Unsaved);
            }
            self.update_counts();
            self.schedule();
        }

        fn schedule(&self) {
            let window = window();
            if let Some(timer) = self.inner.borrow_mut().timer.take() {
                window.clear_timeout_with_handle(timer);
            }
            let state = self.clone();
            let callback = Closure::once_into_js(move || {
                state.inner.borrow_mut().timer = None;
                state.save();
            });
            if let Ok(timer) = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.unchecked_ref(),
                QUIET_MS,
            ) {
                self.inner.borrow_mut().timer = Some(timer);
            }
        }

        /// Sends the form's fields when there are unsent changes and no save is on its
        /// way. A save that finishes with more changes waiting starts the next one.
        pub fn save(&self) {
            {
                let inner = self.inner.borrow();
                if !inner.dirty || inner.in_flight || inner.posting || inner.conflict.is_some() {
                    return;
                }
            }
            let fields = self.read_form();
            let (target, base_version) = {
                let mut inner = self.inner.borrow_mut();
                inner.in_flight = true;
                inner.dirty = false;
                inner.sent = Some((inner.version, fields.clone()));
                (inner.target, inner.version)
            };
            self.keep(&fields);
            self.status(Status::Saving);
            let state = self.clone();
            leptos::task::spawn_local(async move {
                let result = super::save_fields(target, base_version, fields).await;
                {
                    let mut inner = state.inner.borrow_mut();
                    inner.in_flight = false;
                    inner.sent = None;
                }
                match result {
                    Ok(SaveOutcome::Saved { version, saved_at }) => {
                        state.inner.borrow_mut().signed_out = false;
                        state.set_version(version);
                        if state.inner.borrow().dirty {
                            state.keep(&state.read_form());
                            state.save();
                        } else {
                            state.forget_kept();
                            state.status(Status::Saved(saved_at));
                        }
                    }
                    Ok(SaveOutcome::Conflict {
                        version,
                        fields: saved,
                        ..
                    }) => {
                        let mine = state.read_form();
                        if differences(&saved, &mine).is_empty() {
                            state.set_version(version);
                            state.forget_kept();
                            state.status(Status::Saved("just now".into()));
                        } else {
                            state.inner.borrow_mut().dirty = true;
                            state.show_conflict(version, saved, &mine);
                        }
                    }
                    Err(error) => {
                        state.inner.borrow_mut().dirty = true;
                        if matches!(error, AppError::Unauthenticated) {
                            state.inner.borrow_mut().signed_out = true;
                        }
                        state.status(match error {
                            AppError::Unauthenticated => Status::SignedOut,
                            AppError::Network(_) | AppError::Unavailable { .. } => Status::Offline,
                            other => Status::Failed(other.to_string()),
                        });
                    }
                }
            });
        }

        /// On page load: brings back changes kept in the browser that the server never
        /// received, or shows a conflict when the server has moved on since.
        fn restore(&self) {
            let current = self.read_form();
            let Some(kept) = self.adopt_earlier(&current) else {
                return;
            };
            self.keep(&kept.fields);
            let version = self.inner.borrow().version;
            self.write_form(&kept.fields);
            self.update_counts();
            self.inner.borrow_mut().dirty = true;
            let own_save_landed = kept
                .sent
                .as_ref()
                .is_some_and(|(sent_base, sent)| *sent_base + 1 == version && *sent == current);
            if kept.base_version == version || own_save_landed {
                self.status(Status::Restored);
                self.save();
            } else {
                self.show_conflict(version, current, &kept.fields);
            }
        }
    }

    fn window() -> web_sys::Window {
        web_sys::window().expect("a browser window")
    }

    fn document() -> web_sys::Document {
        window().document().expect("a document")
    }

    fn local_storage() -> Option<web_sys::Storage> {
        window().local_storage().ok().flatten()
    }

    pub fn listen(target: &web_sys::EventTarget, event: &str, handler: impl FnMut() + 'static) {
        let closure = Closure::<dyn FnMut()>::new(handler);
        target
            .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
            .ok();
        closure.forget();
    }

    /// Wires the island to its form and the page.
    pub fn attach(state: Option<State>) {
        let Some(state) = state else {
            return;
        };
        let document = document();
        let form: web_sys::EventTarget = state.inner.borrow().form.clone().into();
        state.update_counts();
        state.restore();
        {
            let state = state.clone();
            listen(&form, "input", move || state.changed());
        }
        {
            // A choice (a level, an artifact) is complete when made, so it saves at once.
            let state = state.clone();
            listen(&form, "change", move || {
                state.changed();
                state.save();
            });
        }

        {
            let state = state.clone();
            listen(&form, "focusout", move || {
                if !state.inner.borrow().signed_out {
                    state.save();
                }
            });
        }

        {
            let state = state.clone();
            listen(&form, "submit", move || {
                let mut inner = state.inner.borrow_mut();
                inner.posting = true;
                if let Some(timer) = inner.timer.take() {
                    window().clear_timeout_with_handle(timer);
                }
            });
        }

        for (id, keep_mine) in [("keep-mine", true), ("use-saved", false)] {
            if let Some(button) = document.get_element_by_id(id) {
                let state = state.clone();
                listen(&button.into(), "click", move || state.resolve(keep_mine));
            }
        }

        let window_target: web_sys::EventTarget = window().into();
        {
            let state = state.clone();
            listen(&window_target, "online", move || {
                let unsent = state.kept().is_some();
                state.inner.borrow_mut().dirty |= unsent;
                state.save();
            });
        }

        {
            let state = state.clone();
            listen(&window_target, "offline", move || {
                state.status(Status::Offline)
            });
        }

        {
            let state = state.clone();
            listen(&window_target, "pagehide", move || state.save());
        }

        let document_target: web_sys::EventTarget = document.into();
        listen(&document_target, "visibilitychange", move || {
            if self::document().visibility_state() == web_sys::VisibilityState::Hidden {
                state.save();
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_each_changed_field() {
        let saved: Fields = [
            ("answer_0", "same"),
            ("answer_1", "old"),
            ("artifact_0", "3"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let mine: Fields = [
            ("answer_0", "same"),
            ("answer_1", "new"),
            ("reflection", "r"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let list = differences(&saved, &mine);
        let names: Vec<&str> = list.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["answer_1", "artifact_0", "reflection"]);
        assert_eq!(list[0].saved, "old");
        assert_eq!(list[0].mine, "new");
        assert_eq!(list[1].mine, "");
    }
}
