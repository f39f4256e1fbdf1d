//! Reading what JavaScript hands over: the clock, `send`'s answers, thrown
//! values, what the caller's `tokenStore` resolved to. Nothing here calls the
//! caller's code but the getters `Reflect` reads through, and nothing panics:
//! every JavaScript failure becomes a `Failure` or a missing value.

use js_sys::{Number, Reflect};
use wasm_bindgen::JsValue;

use crate::error::Failure;
use crate::http::HttpRequest;
use crate::token::refresh::Answer;
use crate::token::Token;

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

pub fn random() -> f64 {
    js_sys::Math::random()
}

/// `x` as JavaScript writes it, so that `Number(text)` gives `x` back.
pub fn number_text(x: f64) -> String {
    Number::from(x).to_string_with_radix(10).map(String::from).unwrap_or_default()
}

/// The text of a thrown JavaScript value, whatever was thrown. Read through
/// `Reflect`, which catches: a `message` getter may throw too.
pub fn describe_thrown(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        return text;
    }
    let read = |key: &str| get(value, key).ok().and_then(|v| v.as_string());
    match (read("message"), read("code")) {
        (Some(message), Some(code)) if !message.contains(&code) => format!("{code}: {message}"),
        (Some(message), _) => message,
        (None, Some(code)) => code,
        (None, None) => "a value without a message was thrown".to_owned(),
    }
}

fn get(target: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    Reflect::get(target, &JsValue::from_str(key))
}

/// Headers as `name:value` lines: one string across the boundary, not an object
/// built key by key.
fn push_header_lines(out: &mut String, request: &HttpRequest) {
    for (name, value) in &request.headers {
        out.extend([*name, ":", value, "\n"]);
    }
}

/// What `send` (`pkg-template/transport.cjs`) rejected with: its timer fired,
/// the server answered more than the transport reads (an answer, so `HTTP_ERROR`),
/// or the network failed.
pub fn send_failure(thrown: &JsValue, timeout_ms: u32) -> Failure {
    let text = |key| get(thrown, key).ok().and_then(|v| v.as_string());
    if text("name").as_deref() == Some("TimeoutError") {
        return Failure::Timeout { after_ms: timeout_ms };
    }
    if text("code").as_deref() == Some("ERR_ANSWER_TOO_LARGE") {
        let status = get(thrown, "status").ok().and_then(|s| s.as_f64()).filter(|s| (100.0..1000.0).contains(s));
        return Failure::http(status.map_or(0, |s| s as u16), "the answer exceeded 4 MB");
    }
    Failure::Network { reason: describe_thrown(thrown) }
}

/// `send`'s `[status, body]`, as `index.cjs` passes them on (`0` for a status
/// that is not a number, no body for one that is not text).
pub fn reply(status: f64, body: Option<String>) -> Result<(u16, String), Failure> {
    match body {
        Some(body) if (100.0..1000.0).contains(&status) => Ok((status as u16, body)),
        _ => Err(Failure::Network { reason: "fetch resolved to something that is not a Response".into() }),
    }
}

/// Appends a request as the fields of a `send` step: `method`, `url`, header
/// lines and body, `\0`-separated (the body last: JSON text never holds a raw NUL;
/// `baseUrl` may not hold one). No body (a GET) is an empty one.
pub fn push_request_fields(out: &mut String, request: &HttpRequest) {
    out.extend([request.method.as_str(), "\0", &request.url, "\0"]);
    if request.headers.iter().any(|(_, value)| value.contains('\0')) {
        let mut lines = String::new();
        push_header_lines(&mut lines, request);
        out.push_str(&lines.replace('\0', "\u{fffd}"));
    } else {
        push_header_lines(out, request);
    }
    out.extend(["\0", request.body.as_deref().unwrap_or("")]);
}

impl Answer for JsValue {
    fn token(&self) -> Option<Token> {
        // Field by field: a store may hand back anything.
        let text = |key| get(self, key).ok().and_then(|v| v.as_string());
        let number = |key| get(self, key).ok().and_then(|v| v.as_f64());
        match (text("accessToken"), number("expiresAt"), number("refreshAt")) {
            (Some(access_token), Some(expires_at), Some(refresh_at)) => Some(Token { access_token, expires_at, refresh_at }),
            _ => None,
        }
    }

    fn is_function(&self) -> bool {
        JsValue::is_function(self)
    }
}
