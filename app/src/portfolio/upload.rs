//! The upload form. Without the browser script it is a plain form post. With it, the
//! file goes up with a progress bar, a Cancel button and a Retry button. A retry is
//! safe because files are stored by content, so sending the same file twice keeps one
//! copy.
//!
//! The form and its progress elements are rendered on the server; the island only
//! wires them up, which keeps the browser bundle small.

use leptos::prelude::*;

use super::{UPLOAD_URL, size_text};

/// File types the picker offers; the server still decides the type from the content.
const ACCEPT: &str = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.mp3,.m4a,.wav,.ogg,.mp4,.mov,.webm,.doc,.docx,.odt,.pptx,.xlsx,.txt,application/pdf,image/*,audio/*,video/*";

/// Renders the upload form with its hidden progress, error and cancellation elements.
#[component]
pub fn UploadForm(max_file_bytes: u64, room_bytes: u64) -> impl IntoView {
    let limit_text = format!(
        "PDFs, images, audio, video and office documents, up to {} each. {} of space left in your library.",
        size_text(max_file_bytes),
        size_text(room_bytes)
    );
    view! {
        <form id="upload-form" method="post" action=UPLOAD_URL enctype="multipart/form-data" class="stacked-form">
            <label for="upload-title">"Title " <span class="hint">"(optional; the file name is used otherwise)"</span></label>
            <input id="upload-title" name="title" type="text" maxlength="200" autocomplete="off"/>
            <label for="upload-file">"File"</label>
            <input id="upload-file" name="file" type="file" required accept=ACCEPT aria-describedby="upload-help"/>
            <p id="upload-help" class="hint">{limit_text}</p>
            <div class="form-actions">
                <button id="upload-submit" type="submit">"Upload"</button>
            </div>
            <div aria-live="polite">
                <div id="upload-progress" class="upload-progress" hidden>
                    <label id="upload-label" for="upload-bar">"Uploading…"</label>
                    <progress id="upload-bar" max="100" value="0"></progress>
                    <button id="upload-cancel" type="button" class="secondary">"Cancel upload"</button>
                </div>
                <p id="upload-processing" class="upload-progress" hidden>"Checking and storing the file…"</p>
                <p id="upload-cancelled" class="notice" hidden>"Upload cancelled. Nothing was saved."</p>
            </div>
            <div id="upload-error" class="notice notice-error" role="alert" hidden>
                <p id="upload-error-text"></p>
                <button id="upload-retry" type="button">"Retry upload"</button>
            </div>
        </form>
        <UploadEnhancer max_file_bytes room_bytes/>
    }
}

#[island]
fn UploadEnhancer(max_file_bytes: u64, room_bytes: u64) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::attach(max_file_bytes, room_bytes));
    #[cfg(not(feature = "hydrate"))]
    let _ = (max_file_bytes, room_bytes);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    use super::{UPLOAD_URL, size_text};

    /// The upload route's JSON response, success or rejection.
    #[derive(serde::Deserialize, Default)]
    struct Reply {
        location: Option<String>,
        #[serde(default)]
        duplicate: bool,
        error: Option<String>,
    }

    /// The state the form shows.
    enum Shown {
        Sending(u64, u64),
        Processing,
        Failed(String),
        Cancelled,
    }

    fn element(id: &str) -> Option<web_sys::Element> {
        web_sys::window()?.document()?.get_element_by_id(id)
    }

    fn set_hidden(id: &str, hidden: bool) {
        if let Some(element) = element(id) {
            if hidden {
                element.set_attribute("hidden", "").ok();
            } else {
                element.remove_attribute("hidden").ok();
            }
        }
    }

    fn set_text(id: &str, text: &str) {
        if let Some(element) = element(id) {
            element.set_text_content(Some(text));
        }
    }

    fn show(shown: Shown) {
        let (progress, processing, failed, cancelled) = match &shown {
            Shown::Sending(..) => (true, false, false, false),
            Shown::Processing => (false, true, false, false),
            Shown::Failed(_) => (false, false, true, false),
            Shown::Cancelled => (false, false, false, true),
        };
        set_hidden("upload-progress", !progress);
        set_hidden("upload-processing", !processing);
        set_hidden("upload-error", !failed);
        set_hidden("upload-cancelled", !cancelled);
        let busy = progress || processing;
        if let Some(button) = element("upload-submit") {
            if busy {
                button.set_attribute("disabled", "").ok();
            } else {
                button.remove_attribute("disabled").ok();
            }
        }
        match shown {
            Shown::Sending(loaded, total) => {
                let percent = (loaded * 100).checked_div(total).unwrap_or(0).min(100);
                set_text(
                    "upload-label",
                    &format!("Uploading… {percent}% of {}", size_text(total)),
                );
                if let Some(bar) = element("upload-bar") {
                    bar.set_attribute("value", &percent.to_string()).ok();
                }
            }
            Shown::Failed(message) => set_text("upload-error-text", &message),
            Shown::Processing | Shown::Cancelled => {}
        }
    }

    fn listen(id: &str, event: &str, handler: impl FnMut(web_sys::Event) + 'static) {
        let Some(target) = element(id) else {
            return;
        };
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
        target
            .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
            .ok();
        closure.forget();
    }

    pub fn attach(max_file_bytes: u64, room_bytes: u64) {
        let current: Rc<RefCell<Option<web_sys::XmlHttpRequest>>> = Rc::default();
        {
            let current = current.clone();
            listen("upload-form", "submit", move |event| {
                event.prevent_default();
                send(max_file_bytes, room_bytes, &current);
            });
        }
        {
            let current = current.clone();
            listen("upload-retry", "click", move |_| {
                send(max_file_bytes, room_bytes, &current)
            });
        }
        listen("upload-cancel", "click", move |_| {
            if let Some(request) = current.borrow().as_ref() {
                request.abort().ok();
            }
        });
    }

    fn send(
        max_file_bytes: u64,
        room_bytes: u64,
        current: &Rc<RefCell<Option<web_sys::XmlHttpRequest>>>,
    ) {
        let Some(form) = element("upload-form")
            .and_then(|form| form.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };

        let file = element("upload-file")
            .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else {
            show(Shown::Failed("Choose a file first.".into()));
            return;
        };

        let size = file.size() as u64;
        if size == 0 {
            show(Shown::Failed(
                "The file is empty (0 bytes). Choose the file again.".into(),
            ));
            return;
        }

        if size > max_file_bytes {
            show(Shown::Failed(format!(
                "The file is {}, more than the {} one upload can be. Compress it or, for video, add a link instead.",
                size_text(size),
                size_text(max_file_bytes)
            )));
            return;
        }

        if size > room_bytes {
            show(Shown::Failed(format!(
                "The file is {}, but only {} of space is left in your library. Remove evidence you no longer need first.",
                size_text(size),
                size_text(room_bytes)
            )));
            return;
        }

        let (Ok(data), Ok(xhr)) = (
            web_sys::FormData::new_with_form(&form),
            web_sys::XmlHttpRequest::new(),
        ) else {
            return;
        };

        if xhr.open("POST", UPLOAD_URL).is_err() {
            return;
        }

        xhr.set_request_header("Accept", "application/json").ok();
        let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
            move |event: web_sys::ProgressEvent| {
                let (loaded, total) = (event.loaded() as u64, event.total() as u64);
                if total > 0 && loaded >= total {
                    show(Shown::Processing);
                } else {
                    show(Shown::Sending(loaded, total));
                }
            },
        );
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        on_progress.forget();
        let finished = xhr.clone();
        let on_load = Closure::<dyn FnMut()>::new(move || {
            let status = finished.status().unwrap_or(0);
            let text = finished.response_text().ok().flatten().unwrap_or_default();
            let reply: Reply = serde_json::from_str(&text).unwrap_or_default();
            if (200..300).contains(&status) {
                let location = reply.location.unwrap_or_else(|| "/evidence".to_owned());
                let done = if reply.duplicate {
                    "duplicate"
                } else {
                    "uploaded"
                };
                if let Some(window) = web_sys::window() {
                    window
                        .location()
                        .assign(&format!("{location}?done={done}"))
                        .ok();
                }
            } else {
                show(Shown::Failed(reply.error.unwrap_or_else(|| {
                    format!("The upload failed (error {status}). Nothing was saved; try again.")
                })));
            }
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            show(Shown::Failed(
                "The connection dropped during the upload. Nothing was saved; check your connection and retry.".into(),
            ));
        });
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        let on_abort = Closure::<dyn FnMut()>::new(move || show(Shown::Cancelled));
        xhr.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
        on_abort.forget();
        show(Shown::Sending(0, size));
        if xhr.send_with_opt_form_data(Some(&data)).is_err() {
            show(Shown::Failed(
                "The upload could not start. Reload the page and try again.".into(),
            ));
            return;
        }
        *current.borrow_mut() = Some(xhr);
    }
}
