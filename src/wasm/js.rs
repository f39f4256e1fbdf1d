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
    /// `setTimeout(handler, ms, argument)`: the handler is called with `argument`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout_with(handler: &Function, ms: f64, argument: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
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

/// How a caller's hook ended when waited for with a limit.
enum Hook {
    Threw(JsValue),
    Silent,
}

/// Awaits a hook's answer (a promise or a plain value) for at most `ms`: a
/// token function or `tokenStore` that never settles must not hold the call,
/// and every call waiting on the same token, forever.
async fn settle_within(value: JsValue, ms: u32) -> Result<JsValue, Hook> {
    let expired = Object::new();
    let mut timer = JsValue::UNDEFINED;
    let deadline = Promise::new(&mut |resolve, _reject| {
        timer = set_timeout_with(&resolve, f64::from(ms), &expired);
    });
    let answer = JsFuture::from(Promise::race(&js_sys::Array::of2(&Promise::resolve(&value), &deadline))).await;
    clear_timeout(&timer);
    match answer {
        Ok(answer) if answer == JsValue::from(expired) => Err(Hook::Silent),
        Ok(answer) => Ok(answer),
        Err(thrown) => Err(Hook::Threw(thrown)),
    }
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
    let mut lines = String::new();
    push_header_lines(&mut lines, request);
    lines
}

fn push_header_lines(out: &mut String, request: &HttpRequest) {
    for (name, value) in &request.headers {
        out.extend([*name, ":", value, "\n"]);
    }
}

/// One attempt through the JavaScript side's `send` (`pkg-template/transport.cjs`:
/// node:http, or a `fetch` with an `AbortController`), which sends, times and
/// reads the whole answer: one call out, one `[status, body]` back.
pub async fn send(send: &Send, request: &HttpRequest, timeout_ms: u32) -> Result<(u16, String), Failure> {
    let started =
        send.attempt(&JsValue::NULL, request.method.as_str(), &request.url, &header_lines(request), request.body.as_deref(), timeout_ms);
    match settle(started.map_err(|thrown| send_failure(&thrown, timeout_ms))?).await {
        Ok(reply) => read_reply(&reply),
        Err(thrown) => Err(send_failure(&thrown, timeout_ms)),
    }
}

/// What `send` rejected with: its timer fired, or the network failed.
pub fn send_failure(thrown: &JsValue, timeout_ms: u32) -> Failure {
    if get(thrown, "name").ok().and_then(|n| n.as_string()).as_deref() == Some("TimeoutError") {
        return Failure::Timeout { after_ms: timeout_ms };
    }
    Failure::Network { reason: describe_thrown(thrown) }
}

/// `send`'s `[status, body]`.
pub fn read_reply(reply: &JsValue) -> Result<(u16, String), Failure> {
    let status = Reflect::get_u32(reply, 0).ok().and_then(|s| s.as_f64()).unwrap_or(0.0);
    let body = Reflect::get_u32(reply, 1).ok().and_then(|b| b.as_string());
    match body {
        Some(body) if (100.0..1000.0).contains(&status) => Ok((status as u16, body)),
        _ => Err(Failure::Network { reason: "fetch resolved to something that is not a Response".into() }),
    }
}

/// Appends a request as the fields of a `send` step: `method`, `url`, header
/// lines and body, `\0`-separated (the body last: JSON text never holds a raw NUL;
/// `baseUrl` may not hold one).
pub fn push_request_fields(out: &mut String, request: &HttpRequest) {
    out.extend([request.method.as_str(), "\0", &request.url, "\0"]);
    if request.headers.iter().any(|(_, value)| value.contains('\0')) {
        out.push_str(&header_lines(request).replace('\0', "\u{fffd}"));
    } else {
        push_header_lines(out, request);
    }
    out.extend(["\0", request.body.as_deref().unwrap_or("")]);
}

/// A token from the caller's `accessToken` / `cloudbaseAccessToken` function.
pub async fn call_token_function(function: &Function, option: &str, timeout_ms: u32) -> Result<String, Failure> {
    let failed = |hook: Hook| match hook {
        Hook::Threw(value) => Failure::invalid(option, format!("the function failed: {}", describe_thrown(&value))),
        Hook::Silent => Failure::invalid(option, format!("the function did not settle within {timeout_ms} ms (timeoutMs)")),
    };
    let started = function.call0(&JsValue::NULL).map_err(|thrown| failed(Hook::Threw(thrown)))?;
    let value = settle_within(started, timeout_ms).await.map_err(failed)?;
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
    /// How long any of them may take to answer (`timeoutMs`).
    timeout_ms: u32,
}

pub enum Lock {
    Unsupported,
    Busy,
    Acquired(Function),
}

impl TokenStore {
    pub fn new(store: JsValue, timeout_ms: u32) -> Option<TokenStore> {
        let get = get_fn(&store, "get")?;
        let set = get_fn(&store, "set")?;
        let lock = get_fn(&store, "lock");
        Some(TokenStore { store, get, set, lock, timeout_ms })
    }

    fn failure(method: &str, thrown: &JsValue) -> Failure {
        Failure::Network { reason: format!("tokenStore.{method} failed: {}", describe_thrown(thrown)) }
    }

    /// Calls `store[method]` with `args` and waits for its answer.
    async fn ask(&self, method: &str, function: &Function, args: &js_sys::Array) -> Result<JsValue, Failure> {
        let failed = |hook: Hook| match hook {
            Hook::Threw(thrown) => Self::failure(method, &thrown),
            Hook::Silent => {
                Failure::Network { reason: format!("tokenStore.{method} did not answer within {} ms (timeoutMs)", self.timeout_ms) }
            }
        };
        let started = function.apply(&self.store, args).map_err(|thrown| failed(Hook::Threw(thrown)))?;
        settle_within(started, self.timeout_ms).await.map_err(failed)
    }

    /// Calls a lock's release function; a failure only shortens nobody's wait.
    pub async fn release(&self, release: &Function) {
        if let Ok(done) = release.call0(&JsValue::NULL) {
            let _ = settle_within(done, self.timeout_ms).await;
        }
    }

    /// The stored token; anything unreadable counts as none.
    pub async fn get(&self, key: &str) -> Result<Option<Token>, Failure> {
        let value = self.ask("get", &self.get, &js_sys::Array::of1(&JsValue::from_str(key))).await?;
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
        let held = self.ask("lock", lock, &js_sys::Array::of2(&JsValue::from_str(key), &JsValue::from_f64(ttl_ms))).await?;
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
            Reflect::set(&value, &JsValue::from_str(name), &field).map_err(|thrown| Self::failure("set", &thrown))?;
        }
        self.ask("set", &self.set, &js_sys::Array::of2(&JsValue::from_str(key), &value)).await?;
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
