//! Facts about the HTTP request being handled, for code that runs on both sides.

/// Header that carries the id the server gives each request; logs and error pages show it.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Returns the id of the request being handled, or "unknown" outside a request (and in the browser).
pub fn current_request_id() -> String {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        if let Some(parts) = use_context::<http::request::Parts>()
            && let Some(id) = parts
                .headers
                .get(REQUEST_ID_HEADER)
                .and_then(|value| value.to_str().ok())
        {
            return id.to_owned();
        }
    }
    "unknown".to_owned()
}

/// Sets the status of the page being rendered on the server; does nothing in the browser.
pub fn set_page_status(status: u16) {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        if let (Some(options), Ok(code)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(status),
        ) {
            options.set_status(code);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// Returns the Content-Security-Policy for HTML pages.
///
/// - scripts: files from this origin, plus inline scripts that carry this response's
///   nonce (Leptos's hydration scripts). `'wasm-unsafe-eval'` lets the page compile the
///   WebAssembly bundle but still forbids JavaScript `eval`.
/// - styles, fonts, fetches: this origin only. Images: this origin and `data:` URLs.
/// - no plugins, no `<base>` elsewhere, forms post only here, no framing by any site.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The fields of a plain form post that came back with an error, so that the page can
/// show them again instead of what is saved. The server keeps them in the session for
/// the one page view that follows the failed post.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PostedForm {
    /// The path the form posted to, such as `/api/choices/first-term`.
    pub action: String,
    /// Name and value pairs in the order the browser sent them.
    pub fields: Vec<(String, String)>,
}

impl PostedForm {
    /// Reads an `application/x-www-form-urlencoded` body.
    pub fn parse(action: &str, body: &str) -> Self {
        let fields = body
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(name), percent_decode(value))
            })
            .collect();
        PostedForm {
            action: action.to_owned(),
            fields,
        }
    }

    /// Returns the first value posted under `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    /// Returns whether some field whose name starts with `prefix` carries `value`, as
    /// ticked checkboxes named `overarching[0]`, `overarching[1]`… do.
    pub fn has_value_under(&self, prefix: &str, value: &str) -> bool {
        self.fields
            .iter()
            .any(|(field, posted)| field.starts_with(prefix) && posted == value)
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        decoded.push(byte);
                        index += 2;
                    }
                    Err(_) => decoded.push(b'%'),
                }
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Returns the form that the request's page should show again after a failed post to
/// `action`, if any; always `None` in the browser.
pub fn posted_form(action: &str) -> Option<PostedForm> {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<PostedForm>().cloned())
            .filter(|form| form.action == action)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = action;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posted_form_decodes_names_and_values() {
        let form = PostedForm::parse(
            "/api/x",
            "overarching%5B0%5D=3&note=two+words%21&empty=&bad=%zz&tail=%4",
        );
        assert_eq!(form.value("note"), Some("two words!"));
        assert_eq!(form.value("empty"), Some(""));
        assert_eq!(form.value("bad"), Some("%zz"));
        assert_eq!(form.value("tail"), Some("%4"));
        assert!(form.has_value_under("overarching[", "3"));
        assert!(!form.has_value_under("overarching[", "4"));
    }
}
