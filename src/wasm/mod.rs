//! The JavaScript boundary: the only `#[wasm_bindgen]` exports.
//!
//! Requests arrive as JSON text (`JSON.stringify`, with markers for what JSON
//! cannot carry: see `input`), parsed by serde_json. A link call, a token
//! refresh and `getAccessToken` are `async` (`calls`), awaiting the transport,
//! timers and the caller's hooks through `Io` on wasm-bindgen-futures. Results
//! and the fields of a `LinkError` leave as values, through serde-wasm-bindgen;
//! `pkg-template/index.cjs` turns the fields into a real `Error`.

mod calls;
mod js;

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::api::Api;
use crate::client::Client;
use crate::error::Failure;
use calls::State;
use js::Io;

/// Runs when the module is instantiated, and again when `__wbg_reset_state`
/// re-instantiates it after a trap (the glue calls it unconditionally).
#[wasm_bindgen(start)]
fn start() {}

/// One `WeChatClient` or `DouyinClient`.
#[wasm_bindgen(js_name = Core)]
pub struct Core {
    state: Rc<State>,
}

#[wasm_bindgen(js_class = Core)]
impl Core {
    /// `kind` is `WeChatClient` or `DouyinClient`; `options` the options' JSON;
    /// `io` what the calls await (`calls`); `can_send` whether there is a
    /// transport; `store_locks` whether the `tokenStore` has a `lock`.
    #[wasm_bindgen(constructor)]
    pub fn new(kind: &str, options: &str, io: Io, can_send: bool, store_locks: bool) -> Result<Core, JsValue> {
        let client_api = if kind == "DouyinClient" { Api::DouyinClient } else { Api::WechatClient };
        // No client yet: only the options' own secret needs hiding.
        let client = Client::new(client_api, options).map_err(|error| error_without_client(options, &error))?;
        if !can_send {
            let error = Failure::invalid("fetch", "no fetch function is available").at(client_api);
            return Err(error_without_client(options, &error));
        }
        Ok(Core { state: Rc::new(State::new(client, io, store_locks)) })
    }

    /// A link call of the method numbered `api` (`apiNumber`) with `request`
    /// (JSON text): a promise of its result, or of a `LinkError`'s fields.
    pub fn call(&self, api: u32, request: String) -> Promise {
        let state = Rc::clone(&self.state);
        future_to_promise(async move {
            match Api::from_number(api) {
                Some(api) => calls::link_call(state, api, request).await,
                None => Err(state.rejection(&Failure::invalid("api", "is not a link method").at(state.client.token_api()))),
            }
        })
    }

    /// `getAccessToken(request)`: a promise of `{ accessToken, expiresIn }`.
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, request: String) -> Promise {
        future_to_promise(calls::access_token(Rc::clone(&self.state), request))
    }

    /// The plaintext scheme, synchronously; throws a `LinkError`'s fields.
    #[wasm_bindgen(js_name = plainScheme)]
    pub fn plain_scheme(&self, request: &str) -> Result<String, JsValue> {
        self.state.client.plain_scheme(request).map_err(|error| self.state.rejection(&error))
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

    /// Traps the instance while a future is polled, after a pause: inside
    /// wasm-bindgen-futures' task queue, not in a call from JavaScript.
    #[wasm_bindgen(js_name = panicInTaskForTests)]
    #[allow(clippy::panic)]
    pub fn panic_in_task_for_tests(&self) -> Promise {
        let state = Rc::clone(&self.state);
        future_to_promise(async move {
            state.io.pause(10.0).await;
            panic!("panicInTaskForTests");
        })
    }
}

/// The number `call` takes for the API named `name` (`LinkError.api`'s
/// spelling), or -1 for a name that is none.
#[wasm_bindgen(js_name = apiNumber)]
pub fn api_number(name: &str) -> i32 {
    Api::number(name).map_or(-1, |number| number as i32)
}

/// `appendCq(link, cq)` (its arguments as `{ link, cq }`'s JSON): the link, or
/// a `LinkError`'s fields thrown. No client, no secret to hide.
#[wasm_bindgen(js_name = appendCq)]
pub fn append_cq(request: &str) -> Result<String, JsValue> {
    let api = Api::AppendCq;
    let input = crate::input::parse("request", request).map_err(|f| f.at(api));
    input
        .and_then(|input| crate::wechat::cq::append(&input).map_err(|f| f.at(api)))
        .map_err(|error| js::value(&error.fields(str::to_owned)))
}

/// `renderLandingPage(options)` (the options' JSON): the HTML page, or a
/// `LinkError`'s fields thrown.
#[wasm_bindgen(js_name = renderLandingPage)]
pub fn render_landing_page(options: &str) -> Result<String, JsValue> {
    let api = Api::RenderLandingPage;
    let input = crate::input::parse("options", options).map_err(|f| f.at(api));
    input.and_then(|input| crate::landing::render(&input).map_err(|f| f.at(api))).map_err(|error| js::value(&error.fields(str::to_owned)))
}

/// The landing page's one script and style (`{ script, style }` JSON text),
/// for `landing.cjs` to hash into its Content-Security-Policy.
#[wasm_bindgen(js_name = landingInline)]
pub fn landing_inline() -> String {
    crate::http::json_text(&crate::landing::Inline { script: crate::landing::SCRIPT, style: crate::landing::STYLE })
}

/// The endpoint table (`api::EndpointTable`) as JSON text, for `JSON.parse`:
/// every client reads it as it is constructed, and this way costs a cold
/// start 2 ms less than building the objects through serde-wasm-bindgen.
#[wasm_bindgen]
pub fn endpoints() -> String {
    crate::http::json_text(&crate::api::EndpointTable)
}

/// A constructor error: the options may hold a secret or token to hide.
fn error_without_client(options: &str, error: &crate::error::Error) -> JsValue {
    let options = serde_json::from_str(options).unwrap_or(serde_json::Value::Null);
    let secrets: Vec<&str> =
        ["secret", "accessToken", "cloudbaseAccessToken"].iter().filter_map(|k| options.get(k).and_then(|v| v.as_str())).collect();
    js::value(&error.fields(|text| crate::redact::redact(text, &secrets)))
}
