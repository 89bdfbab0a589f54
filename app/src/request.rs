//! Facts about the HTTP request being handled, for code that runs on both sides.

/// Header that carries the id the server gives each request; logs and error pages show it.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Returns the id of the request being handled, or "unknown" outside a request (and in the browser).
pub fn current_request_id() -> String {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(id) = parts
                .headers
                .get(REQUEST_ID_HEADER)
                .and_then(|value| value.to_str().ok())
            {
                return id.to_owned();
            }
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
