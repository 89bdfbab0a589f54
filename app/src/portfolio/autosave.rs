//! Autosave for the submission composer. The composer is a plain form that saves when
//! posted. This island also saves a few seconds after typing stops, on leaving a field
//! and on leaving the page. It updates word counts as the fellow types, and keeps a copy
//! of unsent changes in the browser that survives a lost connection, a closed tab and an
//! expired session.
//! Every save names the version it edited, so a stale tab gets a conflict showing both
//! versions instead of overwriting newer text.

use leptos::prelude::*;

use super::draft::DraftContent;

/// The id of the composer form the island works on.
pub const COMPOSER_FORM_ID: &str = "composer";

/// Milliseconds after the last keystroke before a save.
#[cfg(feature = "hydrate")]
const QUIET_MS: i32 = 1_500;

/// A field whose two versions differ, for the conflict panel.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Difference {
    label: String,
    saved: String,
    mine: String,
}

/// Renders the save status line and the hidden conflict panel on the server, with the
/// island that updates them.
#[component]
pub fn AutosaveStatus(
    submission_id: i32,
    version: i32,
    saved_at: String,
    /// Each question's word guidance: minimum and maximum.
    guidance: Vec<(u32, u32)>,
    artifact_count: usize,
    /// Where signing in again returns to.
    return_path: String,
) -> impl IntoView {
    view! {
        <p id="autosave-status" class="autosave-status" role="status" aria-live="polite" data-status="saved">
            {format!("Saved {saved_at}")}
        </p>
        <section id="conflict" class="notice notice-error conflict" role="alert" aria-labelledby="conflict-heading" hidden>
            <h2 id="conflict-heading">"This draft was changed in another tab or device"</h2>
            <p>"Nothing has been overwritten. Compare the two versions and choose which to keep."</p>
            <div id="conflict-fields"></div>
            <div class="form-actions">
                <button id="keep-mine" type="button">"Keep my version"</button>
                <button id="use-saved" type="button" class="secondary">"Use the saved version"</button>
            </div>
        </section>
        <Autosave submission_id version guidance artifact_count return_path/>
    }
}

#[island]
fn Autosave(
    submission_id: i32,
    version: i32,
    guidance: Vec<(u32, u32)>,
    artifact_count: usize,
    return_path: String,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        browser::attach(browser::State::new(
            submission_id,
            version,
            guidance.clone(),
            artifact_count,
            return_path.clone(),
        ))
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (
        submission_id,
        version,
        guidance,
        artifact_count,
        return_path,
    );
}

/// Lists the fields that differ between two drafts, labelled for people.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn differences(saved: &DraftContent, mine: &DraftContent) -> Vec<Difference> {
    let mut list = Vec::new();
    let questions = saved.answers.len().max(mine.answers.len());
    for index in 0..questions {
        if saved.answer(index) != mine.answer(index) {
            list.push(Difference {
                label: format!("Question {}", index + 1),
                saved: saved.answer(index).to_owned(),
                mine: mine.answer(index).to_owned(),
            });
        }
    }
    let slots = saved.artifacts.len().max(mine.artifacts.len());
    for index in 0..slots {
        if saved.artifact(index) != mine.artifact(index) {
            let describe = |choice: Option<i32>| match choice {
                Some(id) => format!("Evidence #{id}"),
                None => "Nothing chosen".to_owned(),
            };
            list.push(Difference {
                label: format!("Artifact {}", index + 1),
                saved: describe(saved.artifact(index)),
                mine: describe(mine.artifact(index)),
            });
        }
    }
    if saved.reflection != mine.reflection {
        list.push(Difference {
            label: "Reflection".into(),
            saved: saved.reflection.clone(),
            mine: mine.reflection.clone(),
        });
    }
    list
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    use serde::{Deserialize, Serialize};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    use super::super::draft::{
        DraftContent, REFLECTION_FIELD, answer_field, artifact_field, field_id, word_count,
        word_guidance,
    };
    use super::super::submission_api::{SaveOutcome, save_draft};
    use super::{COMPOSER_FORM_ID, QUIET_MS, differences};
    use crate::error::AppError;

    /// Unsent changes kept in the browser between visits, with the version they started
    /// from.
    #[derive(Serialize, Deserialize)]
    struct Kept {
        base_version: i32,
        content: DraftContent,
        /// The last save this tab sent and the version it was based on. When the tab
        /// closes before the response arrives, the server may contain that save as a
        /// newer version, which is then this tab's own work rather than a conflict.
        #[serde(default)]
        sent: Option<(i32, DraftContent)>,
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
    }

    struct Inner {
        submission_id: i32,
        version: i32,
        guidance: Vec<(u32, u32)>,
        artifact_count: usize,
        return_path: String,
        dirty: bool,
        in_flight: bool,
        /// Set while the form is being posted. The post saves the draft, so autosave
        /// sends nothing.
        posting: bool,
        timer: Option<i32>,
        /// The saved version and content while a conflict waits for the fellow.
        conflict: Option<(i32, DraftContent)>,
        /// The save on its way: the version it was based on and its content.
        sent: Option<(i32, DraftContent)>,
        /// Set when a save found the session ended. Leaving a field then does not save,
        /// so that the status line and its sign-in link stay put for the click.
        signed_out: bool,
        /// This page's own key in `localStorage`. Each tab keeps its own copy, so one
        /// tab's save never discards another tab's unsent text.
        key: String,
    }

    #[derive(Clone)]
    pub struct State {
        inner: Rc<RefCell<Inner>>,
    }

    impl State {
        pub fn new(
            submission_id: i32,
            version: i32,
            guidance: Vec<(u32, u32)>,
            artifact_count: usize,
            return_path: String,
        ) -> State {
            State {
                inner: Rc::new(RefCell::new(Inner {
                    submission_id,
                    version,
                    guidance,
                    artifact_count,
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
                        key_prefix(submission_id),
                        (js_sys::Math::random() * 4_294_967_296.0) as u64
                    ),
                })),
            }
        }

        fn key(&self) -> String {
            self.inner.borrow().key.clone()
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
        fn show_conflict(&self, version: i32, saved: DraftContent, mine: &DraftContent) {
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
                add(&fields, "h3", "", &difference.label);
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
            }
            self.status(Status::Unsaved);
        }

        /// Settles a conflict: keep this tab's text (saved over the newer version on
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
                write_form(&saved, &self.inner.borrow());
                self.update_counts();
                self.forget_kept();
                self.inner.borrow_mut().dirty = false;
                self.status(Status::Saved("just now".into()));
            }
        }

        fn set_version(&self, version: i32) {
            self.inner.borrow_mut().version = version;
            // The form's own posts (Save, Check, Submit) must name the same version.
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

        fn keep(&self, content: &DraftContent) {
            let kept = Kept {
                base_version: self.inner.borrow().version,
                content: content.clone(),
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

        /// Takes over unsent changes that an earlier page of this draft left behind:
        /// copies that match the form are dropped, and the first that differs becomes
        /// this page's own.
        fn adopt_earlier(&self, current: &DraftContent) -> Option<Kept> {
            let storage = local_storage()?;
            let prefix = key_prefix(self.inner.borrow().submission_id);
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
                    Some(kept)
                        if adopted.is_none() && !differences(&kept.content, current).is_empty() =>
                    {
                        storage.remove_item(&key).ok();
                        adopted = Some(kept);
                    }
                    Some(kept) if !differences(&kept.content, current).is_empty() => {}
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

        fn update_counts(&self) {
            let inner = self.inner.borrow();
            for (index, (min, max)) in inner.guidance.iter().enumerate() {
                let field = answer_field(index);
                let text = field_value(&field);
                if let Some(counter) =
                    document().get_element_by_id(&format!("words-{}", field_id(&field)))
                {
                    counter.set_text_content(Some(&word_guidance(word_count(&text), *min, *max)));
                }
            }
        }

        fn changed(&self) {
            if self.inner.borrow().posting {
                return;
            }
            let content = read_form(&self.inner.borrow());
            self.keep(&content);
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

        /// Sends the form's content when there are unsent changes and no save is on its
        /// way. A save that finishes with more changes waiting starts the next one.
        fn save(&self) {
            {
                let inner = self.inner.borrow();
                if !inner.dirty || inner.in_flight || inner.posting || inner.conflict.is_some() {
                    return;
                }
            }
            let content = read_form(&self.inner.borrow());
            if let Some((_, message)) = content.too_long() {
                self.status(Status::Failed(message));
                return;
            }
            let (submission_id, base_version) = {
                let mut inner = self.inner.borrow_mut();
                inner.in_flight = true;
                inner.dirty = false;
                inner.sent = Some((inner.version, content.clone()));
                (inner.submission_id, inner.version)
            };
            self.keep(&content);
            self.status(Status::Saving);
            let state = self.clone();
            leptos::task::spawn_local(async move {
                let result = save_draft(submission_id, base_version, content).await;
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
                            state.keep(&read_form(&state.inner.borrow()));
                            state.save();
                        } else {
                            state.forget_kept();
                            state.status(Status::Saved(saved_at));
                        }
                    }
                    Ok(SaveOutcome::Conflict {
                        version,
                        content: saved,
                        ..
                    }) => {
                        let mine = read_form(&state.inner.borrow());
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
            let current = read_form(&self.inner.borrow());
            let Some(kept) = self.adopt_earlier(&current) else {
                return;
            };
            self.keep(&kept.content);
            let version = self.inner.borrow().version;
            write_form(&kept.content, &self.inner.borrow());
            self.update_counts();
            self.inner.borrow_mut().dirty = true;
            let own_save_landed = kept.sent.as_ref().is_some_and(|(sent_base, sent)| {
                *sent_base + 1 == version && differences(sent, &current).is_empty()
            });
            if kept.base_version == version || own_save_landed {
                self.status(Status::Restored);
                self.save();
            } else {
                self.show_conflict(version, current, &kept.content);
            }
        }
    }

    /// Returns the start of every `localStorage` key that contains unsent changes to a
    /// draft.
    fn key_prefix(submission_id: i32) -> String {
        format!("tli-draft-{submission_id}-")
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

    fn field_value(name: &str) -> String {
        let Ok(Some(element)) = document().query_selector(&format!("[name=\"{name}\"]")) else {
            return String::new();
        };
        if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            return area.value();
        }
        if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
            return select.value();
        }
        element
            .dyn_ref::<web_sys::HtmlInputElement>()
            .map(|input| input.value())
            .unwrap_or_default()
    }

    fn set_field_value(name: &str, value: &str) {
        let Ok(Some(element)) = document().query_selector(&format!("[name=\"{name}\"]")) else {
            return;
        };
        if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            area.set_value(value);
        } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
            select.set_value(value);
        }
    }

    fn read_form(inner: &Inner) -> DraftContent {
        DraftContent {
            answers: (0..inner.guidance.len())
                .map(|index| field_value(&answer_field(index)))
                .collect(),
            artifacts: (0..inner.artifact_count)
                .map(|index| field_value(&artifact_field(index)).parse().ok())
                .collect(),
            reflection: field_value(REFLECTION_FIELD),
            dismissed: Vec::new(),
        }
    }

    fn write_form(content: &DraftContent, inner: &Inner) {
        for index in 0..inner.guidance.len() {
            set_field_value(&answer_field(index), content.answer(index));
        }
        for index in 0..inner.artifact_count {
            let value = content
                .artifact(index)
                .map(|id| id.to_string())
                .unwrap_or_default();
            set_field_value(&artifact_field(index), &value);
        }
        set_field_value(REFLECTION_FIELD, &content.reflection);
    }

    fn listen(target: &web_sys::EventTarget, event: &str, handler: impl FnMut() + 'static) {
        let closure = Closure::<dyn FnMut()>::new(handler);
        target
            .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
            .ok();
        closure.forget();
    }

    /// Wires the island to the composer form and the page.
    pub fn attach(state: State) {
        let document = document();
        let Some(form) = document.get_element_by_id(COMPOSER_FORM_ID) else {
            return;
        };

        let form: web_sys::EventTarget = form.into();
        state.update_counts();
        state.restore();
        for event in ["input", "change"] {
            let state = state.clone();
            listen(&form, event, move || state.changed());
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
        let saved = DraftContent {
            answers: vec!["same".into(), "old".into()],
            artifacts: vec![Some(3)],
            reflection: "r".into(),
            dismissed: vec![],
        };
        let mine = DraftContent {
            answers: vec!["same".into(), "new".into()],
            artifacts: vec![None],
            reflection: "r".into(),
            dismissed: vec![],
        };
        let list = differences(&saved, &mine);
        let labels: Vec<&str> = list.iter().map(|d| d.label.as_str()).collect();
        assert_eq!(labels, ["Question 2", "Artifact 1"]);
        assert_eq!(list[0].saved, "old");
        assert_eq!(list[0].mine, "new");
    }
}
