//! The JavaScript boundary: the only `#[wasm_bindgen]` exports.
//!
//! Requests arrive as JSON text (see `input`), results leave as JSON text and
//! errors as the JSON of `LinkError`'s fields; `pkg-template/index.cjs` turns
//! those into objects and real `Error`s. Every export is synchronous: a link
//! call, a token refresh or `getAccessToken` is a few calls (`begin`,
//! `answer`, `settled`, ...) that `index.cjs` strings together around what the
//! steps ask of it (`session::Step`: send, wait, call the caller's token
//! function or `tokenStore`). The core is sans-IO; JavaScript moves the bytes.

mod js;
mod session;

use wasm_bindgen::prelude::*;

use crate::api::Api;
use crate::client::Client;
use crate::error::{Error, Failure};
use crate::token::refresh::Hooked;
use session::{Session, Step};

/// Runs when the module is instantiated, and again when `__wbg_reset_state`
/// re-instantiates it after a trap (the glue calls it unconditionally).
#[wasm_bindgen(start)]
fn start() {}

/// One `WeChatClient` or `DouyinClient`.
#[wasm_bindgen(js_name = Core)]
pub struct Core {
    session: Session,
}

#[wasm_bindgen(js_class = Core)]
impl Core {
    /// `kind` is `WeChatClient` or `DouyinClient`; `options` the options' JSON;
    /// `can_send` whether there is a `send` (a `fetch`); `store_locks` whether
    /// the `tokenStore` has a `lock`.
    #[wasm_bindgen(constructor)]
    pub fn new(kind: &str, options: &str, can_send: bool, store_locks: bool) -> Result<Core, JsValue> {
        let client_api = if kind == "DouyinClient" { Api::DouyinClient } else { Api::WechatClient };
        // No session yet: only the options' own secret needs hiding.
        let core = Client::new(client_api, options).map_err(|error| JsValue::from_str(&error_json_without_session(options, &error)))?;
        if !can_send {
            let error = Failure::invalid("fetch", "no fetch function is available").at(client_api);
            return Err(JsValue::from_str(&error_json_without_session(options, &error)));
        }
        Ok(Core { session: Session::new(core, store_locks) })
    }

    /// Starts a link call: validates `request` for the link method numbered
    /// `api` (`apiNumber`) at `now_ms` (`Date.now()`, read by the caller: one
    /// call out of wasm fewer) and returns the first step (see
    /// `Session::step_text`); throws a `LinkError`'s JSON.
    pub fn begin(&mut self, api: u32, request: &str, now_ms: f64) -> Result<String, JsValue> {
        let session = &mut self.session;
        let call = match Api::from_number(api) {
            Some(api) if api != session.core.token_api() => session.core.prepare(api, request, (now_ms / 1000.0).floor() as i64),
            _ => Err(Failure::invalid("api", "is not a link method").at(session.core.token_api())),
        };
        let step = call.and_then(|call| session.begin(call, now_ms));
        self.step(step)
    }

    /// The `[status, body]` that `send` resolved to for job `id`, passed as
    /// two arguments (fewer crossings than reading an array); the next step.
    pub fn answer(&mut self, id: u32, status: f64, body: Option<String>) -> Result<String, JsValue> {
        let step = self.session.answer(id, js::reply(status, body));
        self.step(step)
    }

    /// What `send` threw or rejected with for job `id`; the next step.
    pub fn failed(&mut self, id: u32, thrown: &JsValue) -> Result<String, JsValue> {
        let failure = js::send_failure(thrown, self.session.core.config.timeout_ms);
        let step = self.session.answer(id, Err(failure));
        self.step(step)
    }

    /// Job `id` after its pause; the next step.
    pub fn resume(&mut self, id: u32) -> Result<String, JsValue> {
        let step = self.session.resume(id);
        self.step(step)
    }

    /// How the caller's function that job `id` waited for settled: `outcome`
    /// 0 resolved to `value`, 1 threw or rejected with `value`, 2 did not
    /// settle within `timeoutMs`. The next step.
    pub fn settled(&mut self, id: u32, outcome: u32, value: &JsValue) -> Result<String, JsValue> {
        let settled = match outcome {
            0 => Ok(value),
            1 => Err(Hooked::Threw(js::describe_thrown(value))),
            _ => Err(Hooked::Silent),
        };
        let step = self.session.settled(id, settled);
        self.step(step)
    }

    /// Link call `id` with the token of the refresh it waited for; the next step.
    #[wasm_bindgen(js_name = resumeWith)]
    pub fn resume_with(&mut self, id: u32, token: String) -> Result<String, JsValue> {
        let step = self.session.send_with(id, Some(token));
        self.step(step)
    }

    /// Forgets link call `id`: the refresh it waited for failed.
    pub fn abandon(&mut self, id: u32) {
        self.session.abandon(id);
    }

    /// Starts a token refresh (`force`: skip the store's token); its first step.
    /// Its `D` step is `getAccessToken`'s result.
    pub fn refresh(&mut self, force: bool) -> Result<String, JsValue> {
        let step = self.session.refresh(force);
        self.step(step)
    }

    /// `getAccessToken(request)`: `D` and the cached token's result, or `R`
    /// (a refresh); throws a `LinkError`'s JSON.
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, request: &str) -> Result<String, JsValue> {
        let step = self.session.core.force_refresh(request).map(|force| self.session.access_token(force));
        self.step(step)
    }

    /// The key of this client's token in the `tokenStore`.
    #[wasm_bindgen(getter, js_name = storeKey)]
    pub fn store_key(&self) -> String {
        self.session.core.store_key()
    }

    fn step(&self, step: Result<Step, Error>) -> Result<String, JsValue> {
        self.session.step_text(step).map_err(|error| JsValue::from_str(&error))
    }

    /// The plaintext scheme, synchronously; throws a `LinkError`'s JSON.
    #[wasm_bindgen(js_name = plainScheme)]
    pub fn plain_scheme(&self, request: &str) -> Result<String, JsValue> {
        self.session.core.plain_scheme(request).map_err(|error| JsValue::from_str(&self.session.error_json(&error)))
    }
}

#[cfg(feature = "panic-probe")]
#[wasm_bindgen(js_class = Core)]
impl Core {
    /// Traps the instance, as a bug would; only in test builds (`index.cjs`
    /// also calls it from a timer, as a trap on a later step).
    #[wasm_bindgen(js_name = panicForTests)]
    #[allow(clippy::panic)]
    pub fn panic_for_tests(&self) {
        panic!("panicForTests");
    }
}

/// The number `begin` takes for the API named `name` (`LinkError.api`'s
/// spelling), or -1 for a name that is none.
#[wasm_bindgen(js_name = apiNumber)]
pub fn api_number(name: &str) -> i32 {
    Api::number(name).map_or(-1, |number| number as i32)
}

/// `appendCq(link, cq)` (its arguments as `{ link, cq }`'s JSON): the link, or
/// a `LinkError`'s JSON thrown. No client, no secret to hide.
#[wasm_bindgen(js_name = appendCq)]
pub fn append_cq(request: &str) -> Result<String, JsValue> {
    let api = Api::AppendCq;
    let input = crate::input::parse("request", request).map_err(|f| f.at(api));
    input
        .and_then(|input| crate::wechat::cq::append(&input).map_err(|f| f.at(api)))
        .map_err(|error| JsValue::from_str(&serde_json::to_string(&error.fields(str::to_owned)).unwrap_or_default()))
}

/// The endpoint table's JSON (`api::EndpointTable`): rate limits and quotas by API name.
#[wasm_bindgen]
pub fn endpoints() -> String {
    serde_json::to_string(&crate::api::EndpointTable).unwrap_or_default()
}

/// A constructor error: the options may hold a secret or token to hide.
fn error_json_without_session(options: &str, error: &crate::error::Error) -> String {
    let options = serde_json::from_str(options).unwrap_or(serde_json::Value::Null);
    let secrets: Vec<&str> =
        ["secret", "accessToken", "cloudbaseAccessToken"].iter().filter_map(|k| options.get(k).and_then(|v| v.as_str())).collect();
    serde_json::to_string(&error.fields(|text| crate::redact::redact(text, &secrets))).unwrap_or_default()
}
