//! What the boundary awaits and reads from JavaScript: the `Io` that
//! `index.cjs` hands each core (the transport, timers, the caller's token
//! function, `tokenStore` and `rateLimiter`, the diagnostics channels), and
//! the values they settle to. Nothing here panics or lets a JavaScript
//! exception through: a thrown value becomes a `Failure` or a `Hooked`, a
//! value of the wrong shape a missing one.

use js_sys::{Array, Promise, Reflect};
use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::Failure;
use crate::http::HttpRequest;
use crate::token::refresh::{Answer, Hooked};
use crate::token::{Token, FORCES_PER_DAY};

#[wasm_bindgen]
extern "C" {
    /// `index.cjs`'s `io` for one client.
    pub type Io;

    /// The transport: resolves to `[status, body]`.
    #[wasm_bindgen(method, catch)]
    fn send(this: &Io, method: &str, url: &str, headers: &str, body: Option<String>, timeout_ms: u32) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method)]
    fn sleep(this: &Io, ms: f64) -> Promise;

    /// Calls the caller's hook named `hook` (`token`, `get`, `lock`, `set`,
    /// `release`) with `args`, waiting at most `ms`: resolves to `[0, value]`,
    /// `[1, thrown]` or `[2]` (it did not settle in time).
    #[wasm_bindgen(method, catch)]
    fn hook(this: &Io, hook: &str, args: Array, ms: u32) -> Result<Promise, JsValue>;

    /// Whether anyone subscribes to `channel` (a `Channel`) now.
    #[wasm_bindgen(method)]
    fn observes(this: &Io, channel: u32) -> bool;

    /// Publishes `message` on `channel` (a `Channel`).
    #[wasm_bindgen(method, catch)]
    fn publish(this: &Io, channel: u32, message: JsValue) -> Result<(), JsValue>;
}

/// The `node:diagnostics_channel` channels (`pkg-template/diagnostics.cjs`).
#[derive(Clone, Copy)]
pub enum Channel {
    /// `miniprogram-links:request`
    Request = 0,
    /// `miniprogram-links:token`
    Token = 1,
}

/// How one of the caller's hooks settled: its value, or how it failed.
pub type Settled = Result<JsValue, Hooked>;

impl Io {
    /// Sends `request`; its answer, or why there is none.
    pub async fn answer(&self, request: &HttpRequest, timeout_ms: u32) -> Result<(u16, String), Failure> {
        let sent = self.send(request.method.as_str(), &request.url, &header_lines(request), request.body.clone(), timeout_ms);
        match sent.map(JsFuture::from) {
            Ok(reply) => match reply.await {
                Ok(reply) => read_reply(&reply),
                Err(thrown) => Err(send_failure(&thrown, timeout_ms)),
            },
            Err(thrown) => Err(send_failure(&thrown, timeout_ms)),
        }
    }

    /// Whether to build messages for `channel`: one cheap question per event while no one listens.
    pub fn observed(&self, channel: Channel) -> bool {
        self.observes(channel as u32)
    }

    /// Publishes `message` on `channel`; a subscriber's failure is not the call's.
    pub fn announce<T: Serialize>(&self, channel: Channel, message: &T) {
        let _ = self.publish(channel as u32, value(message));
    }

    pub async fn pause(&self, ms: f64) {
        // `sleep` only resolves.
        let _ = JsFuture::from(self.sleep(ms)).await;
    }

    pub async fn call_hook(&self, hook: &str, args: Array, timeout_ms: u32) -> Settled {
        let settled = match self.hook(hook, args, timeout_ms) {
            Ok(promise) => JsFuture::from(promise).await,
            Err(thrown) => Err(thrown),
        };
        match settled {
            Ok(outcome) => {
                let outcome = Array::from(&outcome);
                match outcome.get(0).as_f64() {
                    Some(0.0) => Ok(outcome.get(1)),
                    Some(1.0) => Err(Hooked::Threw(describe_thrown(&outcome.get(1)))),
                    _ => Err(Hooked::Silent),
                }
            }
            Err(thrown) => Err(Hooked::Threw(describe_thrown(&thrown))),
        }
    }
}

/// A result, a `LinkError`'s fields or a token as a JavaScript value: maps as
/// plain objects, integers as numbers. Nothing the core serializes can fail
/// to (no maps with non-string keys, no custom `Serialize` that errs).
pub fn value<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value.serialize(&Serializer::json_compatible()).unwrap_or(JsValue::UNDEFINED)
}

/// The text of a thrown JavaScript value, whatever was thrown. Read through
/// `Reflect`, which catches: a `message` getter may throw too.
pub fn describe_thrown(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        return text;
    }
    let read = |key: &str| get(value, key).and_then(|v| v.as_string());
    match (read("message"), read("code")) {
        (Some(message), Some(code)) if !message.contains(&code) => format!("{code}: {message}"),
        (Some(message), _) => message,
        (None, Some(code)) => code,
        (None, None) => "a value without a message was thrown".to_owned(),
    }
}

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key)).ok()
}

/// Headers as `name:value` lines: one string across the boundary, not an
/// object built key by key; a NUL (which no header may hold) is replaced.
fn header_lines(request: &HttpRequest) -> String {
    let mut lines = String::new();
    for (name, value) in &request.headers {
        lines.extend([*name, ":", value, "\n"]);
    }
    if lines.contains('\0') {
        lines = lines.replace('\0', "\u{fffd}");
    }
    lines
}

/// What `send` (`pkg-template/transport.cjs`) rejected with: its timer fired,
/// the server answered more than the transport reads (an answer, so `HTTP_ERROR`),
/// or the network failed.
fn send_failure(thrown: &JsValue, timeout_ms: u32) -> Failure {
    let text = |key| get(thrown, key).and_then(|v| v.as_string());
    if text("name").as_deref() == Some("TimeoutError") {
        return Failure::Timeout { after_ms: timeout_ms };
    }
    if text("code").as_deref() == Some("ERR_ANSWER_TOO_LARGE") {
        let status = get(thrown, "status").and_then(|s| s.as_f64()).filter(|s| (100.0..1000.0).contains(s));
        return Failure::http(status.map_or(0, |s| s as u16), "the answer exceeded 4 MB");
    }
    Failure::Network { reason: describe_thrown(thrown) }
}

/// `send`'s `[status, body]`.
fn read_reply(reply: &JsValue) -> Result<(u16, String), Failure> {
    let status = get(reply, "0").and_then(|s| s.as_f64()).filter(|s| (100.0..1000.0).contains(s));
    match (status, get(reply, "1").and_then(|b| b.as_string())) {
        (Some(status), Some(body)) => Ok((status as u16, body)),
        _ => Err(Failure::Network { reason: "fetch resolved to something that is not a Response".into() }),
    }
}

impl Answer for JsValue {
    fn token(&self) -> Option<Token> {
        // Field by field: a store may hand back anything.
        let text = |key| get(self, key).and_then(|v| v.as_string());
        let number = |key| get(self, key).and_then(|v| v.as_f64());
        // The package stores at most a day's limit of them: more is not its writing.
        let forced_at = get(self, "forcedAt")
            .filter(Array::is_array)
            .map_or_else(Vec::new, |list| Array::from(&list).iter().take(FORCES_PER_DAY).filter_map(|at| at.as_f64()).collect());
        match (text("accessToken"), number("expiresAt"), number("refreshAt")) {
            (Some(access_token), Some(expires_at), Some(refresh_at)) => Some(Token { access_token, expires_at, refresh_at, forced_at }),
            _ => None,
        }
    }

    fn is_function(&self) -> bool {
        JsValue::is_function(self)
    }
}
