//! Keyboard shortcuts on the review page, image zoom, and keeping a rubric opened in
//! its own window on the same submission as the page it came from.

use leptos::prelude::*;

#[island]
pub fn ReviewKeys(review_id: i32, rubric_only: bool) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::attach(review_id, rubric_only));
    #[cfg(not(feature = "hydrate"))]
    let _ = (review_id, rubric_only);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;
    use std::rc::Rc;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Element, HtmlElement, KeyboardEvent};

    /// The `localStorage` key holding the submission both windows show.
    const CURRENT: &str = "tli-review-current";
    /// The `localStorage` key present while a rubric window is open.
    const RUBRIC_OPEN: &str = "tli-rubric-window";

    fn document() -> web_sys::Document {
        web_sys::window()
            .and_then(|window| window.document())
            .expect("a document")
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    fn by_id(id: &str) -> Option<HtmlElement> {
        document().get_element_by_id(id)?.dyn_into().ok()
    }

    fn all(selector: &str) -> Vec<Element> {
        let Ok(list) = document().query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|index| list.item(index)?.dyn_into().ok())
            .collect()
    }

    fn go(href: &str) {
        if let Some(window) = web_sys::window() {
            window.location().set_href(href).ok();
        }
    }

    fn toggle_help() {
        let (Some(panel), Some(button)) = (by_id("shortcuts"), by_id("show-shortcuts")) else {
            return;
        };
        let open = panel.hidden();
        panel.set_hidden(!open);
        button
            .set_attribute("aria-expanded", if open { "true" } else { "false" })
            .ok();
        if open {
            panel.focus().ok();
        } else {
            button.focus().ok();
        }
    }

    /// Scales every zoomable image by `step` percent of its current size, between a
    /// quarter and eight times its fitted width. Whole percents keep float formatting
    /// out of the bundle.
    fn zoom(step: u32) {
        for image in all("img.zoomable") {
            let Ok(image) = image.dyn_into::<HtmlElement>() else {
                continue;
            };
            let current = image
                .get_attribute("data-zoom")
                .and_then(|zoom| zoom.parse::<u32>().ok())
                .unwrap_or(100);
            let next = (current * step / 100).clamp(25, 800);
            let text = next.to_string();
            image.set_attribute("data-zoom", &text).ok();
            image.style().set_property("width", &(text + "%")).ok();
            image.style().set_property("max-width", "none").ok();
        }
    }

    fn rubric_away() -> bool {
        storage()
            .and_then(|storage| storage.get_item(RUBRIC_OPEN).ok().flatten())
            .is_some()
    }

    /// Hides the rubric here while it has a window of its own. When that window closes,
    /// the page reloads, so the rubric shown here has the scores saved there.
    fn place_rubric() {
        let Some(split) = by_id("review-split") else {
            return;
        };
        let hidden = split.has_attribute("data-rubric-away");
        if rubric_away() {
            split.set_attribute("data-rubric-away", "true").ok();
        } else if hidden {
            if let Some(window) = web_sys::window() {
                window.location().reload().ok();
            }
        }
    }

    fn listen<E: JsCast + wasm_bindgen::convert::FromWasmAbi + 'static>(
        target: &web_sys::EventTarget,
        event: &str,
        handler: impl FnMut(E) + 'static,
    ) {
        let closure = Closure::<dyn FnMut(E)>::new(handler);
        target
            .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
            .ok();
        closure.forget();
    }

    pub fn attach(review_id: i32, rubric_only: bool) {
        let document = document();
        let criteria = all("fieldset.criterion");
        let current = Rc::new(Cell::new(None::<usize>));

        // Both windows follow the submission the other moves to.
        if let Some(storage) = storage() {
            storage.set_item(CURRENT, &review_id.to_string()).ok();
            if rubric_only {
                storage.set_item(RUBRIC_OPEN, "1").ok();
            }
        }
        if !rubric_only {
            place_rubric();
        }
        let window: web_sys::EventTarget = web_sys::window().expect("a window").into();
        listen(
            &window,
            "storage",
            move |event: web_sys::StorageEvent| match event.key().as_deref() {
                // Only a rubric window and the page it belongs to follow each other;
                // other tabs stay on their own submissions.
                Some(CURRENT) if rubric_only || rubric_away() => {
                    if let Some(id) = event.new_value().and_then(|id| id.parse::<i32>().ok())
                        && id != review_id
                    {
                        let path = crate::review::review_path(id);
                        go(&if rubric_only {
                            format!("{path}?pane=rubric")
                        } else {
                            path
                        });
                    }
                }
                Some(RUBRIC_OPEN) if !rubric_only => place_rubric(),
                _ => {}
            },
        );
        if rubric_only {
            listen(&window, "pagehide", |_: web_sys::Event| {
                if let Some(storage) = storage() {
                    storage.remove_item(RUBRIC_OPEN).ok();
                }
            });
        }

        if let Some(button) = by_id("show-shortcuts") {
            listen(&button.into(), "click", |_: web_sys::Event| toggle_help());
        }
        for button in all("[data-zoom]") {
            let step = if button.get_attribute("data-zoom").as_deref() == Some("in") {
                125
            } else {
                80
            };
            listen(&button.into(), "click", move |_: web_sys::Event| zoom(step));
        }
        if let Some(button) = by_id("rubric-here") {
            listen(&button.into(), "click", |_: web_sys::Event| {
                if let Some(storage) = storage() {
                    storage.remove_item(RUBRIC_OPEN).ok();
                }
                place_rubric();
            });
        }
        // Opening the rubric's own window hides it here.
        if let Some(link) = by_id("rubric-window") {
            listen(&link.into(), "click", |_: web_sys::Event| {
                if let Some(storage) = storage() {
                    storage.set_item(RUBRIC_OPEN, "1").ok();
                }
                place_rubric();
            });
        }
        // Focusing anything inside a criterion makes it the current one.
        for (index, fieldset) in criteria.iter().enumerate() {
            let current = current.clone();
            listen(
                &fieldset.clone().into(),
                "focusin",
                move |_: web_sys::Event| current.set(Some(index)),
            );
        }

        let document_target: web_sys::EventTarget = document.into();
        listen(&document_target, "keydown", move |event: KeyboardEvent| {
            if event.ctrl_key() || event.meta_key() || event.alt_key() || event.default_prevented()
            {
                return;
            }
            let key = event.key();
            let active = self::document().active_element();
            let typing = active.as_ref().is_some_and(|element| {
                let tag = element.tag_name();
                tag == "TEXTAREA"
                    || tag == "SELECT"
                    || (tag == "INPUT"
                        && !matches!(
                            element.get_attribute("type").as_deref(),
                            Some("radio" | "checkbox" | "submit" | "button")
                        ))
            });
            if key == "Escape" {
                if let Some(panel) = by_id("shortcuts")
                    && !panel.hidden()
                {
                    toggle_help();
                } else if typing
                    && let Some(index) = current.get()
                    && let Some(fieldset) = criteria.get(index)
                    && let Ok(fieldset) = fieldset.clone().dyn_into::<HtmlElement>()
                {
                    fieldset.focus().ok();
                }
                return;
            }
            // While the rubric has its own window, scoring keys belong to that window.
            if typing || (!rubric_only && rubric_away() && "jkcosf123456789".contains(key.as_str()))
            {
                return;
            }
            let focus_criterion = |index: usize| {
                if let Some(fieldset) = criteria.get(index)
                    && let Ok(fieldset) = fieldset.clone().dyn_into::<HtmlElement>()
                {
                    current.set(Some(index));
                    fieldset.focus().ok();
                    fieldset.scroll_into_view();
                }
            };
            let click = |selector: &str| {
                if let Ok(Some(element)) = self::document().query_selector(selector)
                    && let Ok(element) = element.dyn_into::<HtmlElement>()
                {
                    element.click();
                    true
                } else {
                    false
                }
            };
            let focus = |selector: &str| {
                if let Ok(Some(element)) = self::document().query_selector(selector)
                    && let Ok(element) = element.dyn_into::<HtmlElement>()
                {
                    element.focus().ok();
                }
            };
            let handled = match key.as_str() {
                "j" => {
                    let next = current
                        .get()
                        .map_or(0, |index| (index + 1).min(criteria.len().saturating_sub(1)));
                    focus_criterion(next);
                    true
                }
                "k" => {
                    let previous = current.get().map_or(0, |index| index.saturating_sub(1));
                    focus_criterion(previous);
                    true
                }
                "c" => match current.get().and_then(|index| criteria.get(index)) {
                    Some(fieldset) => {
                        if let Ok(Some(area)) = fieldset.query_selector("textarea")
                            && let Ok(area) = area.dyn_into::<HtmlElement>()
                        {
                            area.focus().ok();
                        }
                        true
                    }
                    None => false,
                },
                "o" => {
                    focus("#overall-feedback");
                    true
                }
                "e" => {
                    focus("#evidence-pane");
                    true
                }
                "+" | "=" => {
                    zoom(125);
                    true
                }
                "-" => {
                    zoom(80);
                    true
                }
                "n" => click("a[rel=next]"),
                "p" => click("a[rel=prev]"),
                "s" => click("button[name=then][value=save]"),
                "f" => click("#finalize"),
                "?" => {
                    toggle_help();
                    true
                }
                digit
                    if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() && digit != "0" =>
                {
                    let number = (digit.as_bytes()[0] - b'1') as usize;
                    match current.get().and_then(|index| criteria.get(index)) {
                        Some(fieldset) => {
                            if let Ok(list) = fieldset.query_selector_all("input[type=radio]")
                                && let Some(radio) = list
                                    .item(number as u32)
                                    .and_then(|node| node.dyn_into::<HtmlElement>().ok())
                            {
                                radio.click();
                                // Focus stays on the criterion, so the next key moves on.
                                if let Ok(fieldset) = fieldset.clone().dyn_into::<HtmlElement>() {
                                    fieldset.focus().ok();
                                }
                            }
                            true
                        }
                        None => false,
                    }
                }
                _ => false,
            };
            if handled {
                event.prevent_default();
            }
        });
    }
}
