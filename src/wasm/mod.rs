//! The JavaScript boundary: the only `#[wasm_bindgen]` exports.
//!
//! Requests arrive as JSON text (see `input`), results leave as JSON text and
//! errors as the JSON of `LinkError`'s fields; `pkg-template/index.cjs` turns
//! those into objects and real `Error`s. A link call is a few synchronous
//! calls (`begin`, `answer`, ...) that `index.cjs` strings together around its
//! `send`; only fetching a credential returns a promise.

mod js;
mod session;

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::api::Api;
use crate::client::Client;
use crate::error::{Error, Failure};
use crate::wechat::token;
use session::{Session, Step};

/// Runs when the module is instantiated, and again when `__wbg_reset_state`
/// re-instantiates it after a trap (the glue calls it unconditionally).
#[wasm_bindgen(start)]
fn start() {}

/// One `WeChatClient` or `DouyinClient`.
#[wasm_bindgen(js_name = Core)]
pub struct Core {
    session: Rc<Session>,
}

fn now_seconds() -> i64 {
    (js::now_ms() / 1000.0).floor() as i64
}

#[wasm_bindgen(js_class = Core)]
impl Core {
    /// `kind` is `WeChatClient` or `DouyinClient`; `options` the options' JSON;
    /// `hooks` the functions JSON cannot carry (`fetch`, token functions, `tokenStore`).
    #[wasm_bindgen(constructor)]
    pub fn new(kind: &str, options: &str, hooks: &JsValue) -> Result<Core, JsValue> {
        let client_api = if kind == "DouyinClient" { Api::DouyinClient } else { Api::WechatClient };
        let core = Client::new(client_api, options).map_err(|error| {
            // No session yet: only the options' own secret needs hiding.
            JsValue::from_str(&error_json_without_session(options, &error))
        })?;
        let session = Session::new(core, hooks)
            .map_err(|failure| JsValue::from_str(&error_json_without_session(options, &failure.at(client_api))))?;
        Ok(Core { session: Rc::new(session) })
    }

    /// Starts a link call: validates `request` for the link method `api` and
    /// returns the first step (see `step_text`); throws a `LinkError`'s JSON.
    pub fn begin(&self, api: &str, request: &str) -> Result<String, JsValue> {
        let session = &self.session;
        let call = match Api::from_name(api) {
            Some(api) if api != session.core.token_api() => session.core.prepare(api, request, now_seconds()),
            _ => Err(Failure::invalid("api", format!("unknown link method `{api}`")).at(session.core.token_api())),
        };
        self.step(call.and_then(|call| session.begin(call)))
    }

    /// The `[status, body]` that `send` resolved to for call `id`; the next step.
    pub fn answer(&self, id: u32, reply: &JsValue) -> Result<String, JsValue> {
        self.step(self.session.answer(id, js::read_reply(reply)))
    }

    /// What `send` threw or rejected with for call `id`; the next step.
    pub fn failed(&self, id: u32, thrown: &JsValue) -> Result<String, JsValue> {
        self.step(self.session.answer(id, Err(js::send_failure(thrown, self.session.core.config.timeout_ms))))
    }

    /// Call `id` after its pause; the next step.
    pub fn resume(&self, id: u32) -> Result<String, JsValue> {
        self.step(self.session.resume(id))
    }

    /// Gets call `id` its credential (a token function, a token refresh);
    /// resolves to the next step.
    pub fn credential(&self, id: u32) -> Promise {
        let session = Rc::clone(&self.session);
        future_to_promise(async move {
            let step = Rc::clone(&session).fetch_credential(id).await;
            session.step_text(step).map(|text| JsValue::from_str(&text)).map_err(|error| JsValue::from_str(&error))
        })
    }

    fn step(&self, step: Result<Step, Error>) -> Result<String, JsValue> {
        self.session.step_text(step).map_err(|error| JsValue::from_str(&error))
    }

    /// `getAccessToken(request)`: resolves to the token's JSON; rejects with a
    /// `LinkError`'s JSON. Validation happens before the promise.
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, request: &str) -> Promise {
        let session = Rc::clone(&self.session);
        let force = session.core.force_refresh(request);
        future_to_promise(async move {
            let outcome = match force {
                Ok(force) => session.managed_token(force).await.map(|t| token::result(&t.access_token, t.expires_in(js::now_ms()))),
                Err(error) => Err(error),
            };
            outcome.map(|text| JsValue::from_str(&text)).map_err(|error| JsValue::from_str(&session.error_json(&error)))
        })
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
    /// Traps the instance, as a bug would; only in test builds.
    #[wasm_bindgen(js_name = panicForTests)]
    #[allow(clippy::panic)]
    pub fn panic_for_tests(&self) {
        panic!("panicForTests");
    }

    /// Traps the instance from a task the executor polls (after an await), as
    /// a bug in async code would; only in test builds.
    #[wasm_bindgen(js_name = panicLaterForTests)]
    #[allow(clippy::panic)]
    pub fn panic_later_for_tests(&self) -> Promise {
        future_to_promise(async {
            js::sleep(0.0).await;
            panic!("panicLaterForTests");
        })
    }
}

/// A constructor error: the options may hold a secret or token to hide.
fn error_json_without_session(options: &str, error: &crate::error::Error) -> String {
    let options = crate::json::parse(options).unwrap_or(crate::json::Value::Null);
    let secrets: Vec<&str> =
        ["secret", "accessToken", "cloudbaseAccessToken"].iter().filter_map(|k| options.get(k).and_then(|v| v.as_str())).collect();
    error.fields(|text| crate::redact::redact(text, &secrets)).to_json()
}
