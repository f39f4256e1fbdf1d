//! Everything that touches JavaScript: `fetch`, timers, the clock, and the
//! caller's hooks (token functions, `tokenStore`). Nothing here panics: every
//! JavaScript failure becomes a `Failure`.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::error::Failure;
use crate::http::HttpRequest;
use crate::token::Token;

#[wasm_bindgen]
extern "C" {
    /// `send(method, url, headerLines, body, timeoutMs)` → `Promise<[status, body]>`.
    #[wasm_bindgen(js_name = Function)]
    pub type Send;
    #[wasm_bindgen(catch, method, js_name = call)]
    fn attempt(
        this: &Send,
        context: &JsValue,
        method: &str,
        url: &str,
        headers: &str,
        body: Option<&str>,
        timeout_ms: u32,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

pub fn random() -> f64 {
    js_sys::Math::random()
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

/// Awaits `value` whether it is a promise or a plain value (`Promise.resolve`).
async fn settle(value: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(&value)).await
}

pub async fn sleep(ms: f64) {
    let promise = Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms);
    });
    // A timer's promise never rejects.
    let _ = JsFuture::from(promise).await;
}

/// Headers as `name:value` lines: one string across the boundary, not an object
/// built key by key.
fn header_lines(request: &HttpRequest) -> String {
    request.headers.iter().map(|(name, value)| format!("{name}:{value}\n")).collect()
}

/// One attempt through the JavaScript side's `send` (`pkg-template/transport.cjs`:
/// node:http, or a `fetch` with an `AbortController`), which sends, times and
/// reads the whole answer: one call out, one `[status, body]` back.
pub async fn send(send: &Send, request: &HttpRequest, timeout_ms: u32) -> Result<(u16, String), Failure> {
    let network = |thrown: JsValue| Failure::Network { reason: describe_thrown(&thrown) };
    let started = send.attempt(
        &JsValue::NULL,
        request.method.as_str(),
        &request.url,
        &header_lines(request),
        request.body.as_deref(),
        timeout_ms,
    );
    let answer = match settle(started.map_err(network)?).await {
        Ok(answer) => answer,
        Err(thrown) if get(&thrown, "name").ok().and_then(|n| n.as_string()).as_deref() == Some("TimeoutError") => {
            return Err(Failure::Timeout { after_ms: timeout_ms });
        }
        Err(thrown) => return Err(network(thrown)),
    };
    let status = Reflect::get_u32(&answer, 0).ok().and_then(|s| s.as_f64()).unwrap_or(0.0);
    let body = Reflect::get_u32(&answer, 1).ok().and_then(|b| b.as_string());
    match body {
        Some(body) if (100.0..1000.0).contains(&status) => Ok((status as u16, body)),
        _ => Err(Failure::Network { reason: "fetch resolved to something that is not a Response".into() }),
    }
}

/// A token from the caller's `accessToken` / `cloudbaseAccessToken` function.
pub async fn call_token_function(function: &Function, option: &str) -> Result<String, Failure> {
    let thrown = |value: JsValue| Failure::invalid(option, format!("the function failed: {}", describe_thrown(&value)));
    let value = settle(function.call0(&JsValue::NULL).map_err(thrown)?).await.map_err(thrown)?;
    match value.as_string() {
        Some(token) if !token.is_empty() => Ok(token),
        _ => Err(Failure::invalid(option, "the function must return (or resolve to) a non-empty string")),
    }
}

/// The caller's shared token cache: `{ get(key), set(key, value), lock?(key, ttlMs) }`,
/// each sync or async. `lock` resolves to a release function, or to nothing
/// while another instance holds the lock.
pub struct TokenStore {
    store: JsValue,
    get: Function,
    set: Function,
    lock: Option<Function>,
}

pub enum Lock {
    Unsupported,
    Busy,
    Acquired(Function),
}

/// Calls a lock's release function; a failure only shortens nobody's wait.
pub async fn release(release: &Function) {
    if let Ok(done) = release.call0(&JsValue::NULL) {
        let _ = settle(done).await;
    }
}

impl TokenStore {
    pub fn new(store: JsValue) -> Option<TokenStore> {
        let get = get_fn(&store, "get")?;
        let set = get_fn(&store, "set")?;
        let lock = get_fn(&store, "lock");
        Some(TokenStore { store, get, set, lock })
    }

    fn failure(method: &str, thrown: &JsValue) -> Failure {
        Failure::Network { reason: format!("tokenStore.{method} failed: {}", describe_thrown(thrown)) }
    }

    /// The stored token; anything unreadable counts as none.
    pub async fn get(&self, key: &str) -> Result<Option<Token>, Failure> {
        let value = self.get.call1(&self.store, &JsValue::from_str(key)).map_err(|e| Self::failure("get", &e))?;
        let value = settle(value).await.map_err(|e| Self::failure("get", &e))?;
        // Read by hand: serde's type-error messages would link float formatting
        // (~20 KB) into the module for three fields.
        let text = |key| get(&value, key).ok().and_then(|v| v.as_string());
        let number = |key| get(&value, key).ok().and_then(|v| v.as_f64());
        Ok(match (text("accessToken"), number("expiresAt"), number("refreshAt")) {
            (Some(access_token), Some(expires_at), Some(refresh_at)) => Some(Token { access_token, expires_at, refresh_at }),
            _ => None,
        })
    }

    pub async fn lock(&self, key: &str, ttl_ms: f64) -> Result<Lock, Failure> {
        let Some(lock) = &self.lock else {
            return Ok(Lock::Unsupported);
        };
        let held = lock.call2(&self.store, &JsValue::from_str(key), &JsValue::from_f64(ttl_ms));
        let held = settle(held.map_err(|e| Self::failure("lock", &e))?).await.map_err(|e| Self::failure("lock", &e))?;
        Ok(match held.dyn_into::<Function>() {
            Ok(release) => Lock::Acquired(release),
            Err(_) => Lock::Busy,
        })
    }

    pub async fn set(&self, key: &str, token: &Token) -> Result<(), Failure> {
        let value = Object::new();
        let fields = [
            ("accessToken", JsValue::from_str(&token.access_token)),
            ("expiresAt", JsValue::from_f64(token.expires_at)),
            ("refreshAt", JsValue::from_f64(token.refresh_at)),
        ];
        for (name, field) in fields {
            Reflect::set(&value, &JsValue::from_str(name), &field).map_err(|e| Self::failure("set", &e))?;
        }
        let done = self.set.call2(&self.store, &JsValue::from_str(key), &value).map_err(|e| Self::failure("set", &e))?;
        settle(done).await.map_err(|e| Self::failure("set", &e))?;
        Ok(())
    }
}

fn get_fn(target: &JsValue, key: &str) -> Option<Function> {
    get(target, key).ok()?.dyn_into::<Function>().ok()
}

/// A function from the hooks object the JavaScript wrapper passes in.
pub fn hook(hooks: &JsValue, name: &str) -> Option<Function> {
    get_fn(hooks, name)
}

pub fn send_hook(hooks: &JsValue) -> Option<Send> {
    get_fn(hooks, "send").map(JsCast::unchecked_into)
}

pub fn hook_value(hooks: &JsValue, name: &str) -> Option<JsValue> {
    get(hooks, name).ok().filter(|v| !v.is_undefined() && !v.is_null())
}
