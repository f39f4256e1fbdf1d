//! One client's life between calls: its token cache, the single refresh in
//! flight, the link calls in progress and what each does next (`Step`:
//! `index.cjs` sends and waits, this decides), and the retry loop around
//! token requests.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::js::{self, Lock, TokenStore};
use crate::api::Api;
use crate::client::{Call, Client};
use crate::config::{Auth, Source};
use crate::error::{Class, Error, Failure};
use crate::http::HttpRequest;
use crate::json::Value;
use crate::retry;
use crate::token::store;
use crate::token::{Token, TokenCache};
use crate::wechat::token::Grant;

/// The outcome of waiting for the store's refresh lock.
enum Locked {
    Held(Function),
    Adopted(Token),
    Unlocked,
}

/// A link call between steps (see `Step`).
struct LinkCall {
    call: Call,
    /// The credential it is sent with, once known.
    token: Option<String>,
    attempt: u32,
    /// Whether a rejected managed token may still be replaced once.
    may_renew: bool,
}

/// What `pkg-template/index.cjs` does next for a link call.
pub enum Step {
    /// Send this request, then hand the answer to `answer`.
    Send(u32, HttpRequest),
    /// Wait this many milliseconds, then `resume`.
    Wait(u32, f64),
    /// Await `fetch_credential`.
    Credential(u32),
    /// The call's result.
    Done(Value),
}

/// Only a call from before a reset of the instance could name an unknown call.
fn unknown_call(api: Api) -> Error {
    Failure::Network { reason: "the call is no longer in progress".into() }.at(api)
}

/// How many recently seen tokens are kept for hiding them in error messages.
const REMEMBERED_TOKENS: usize = 16;

/// A token refresh that concurrent callers share: `done` resolves when
/// `outcome` is filled.
#[derive(Clone)]
struct Refresh {
    done: Promise,
    outcome: Rc<RefCell<Option<Result<Token, Error>>>>,
}

pub struct Session {
    pub core: Client,
    send: js::Send,
    token_function: Option<Function>,
    store: Option<TokenStore>,
    cache: RefCell<TokenCache>,
    refresh: RefCell<Option<Refresh>>,
    seen_tokens: RefCell<Vec<String>>,
    /// Link calls between steps; a call's id is its slot in `calls`.
    calls: RefCell<Vec<Option<LinkCall>>>,
    /// Slots of `calls` whose call ended, reused before it grows.
    free: RefCell<Vec<u32>>,
}

impl Session {
    pub fn new(core: Client, hooks: &JsValue) -> Result<Session, Failure> {
        let send = js::send_hook(hooks).ok_or_else(|| Failure::invalid("fetch", "no fetch function is available"))?;
        let token_function = match &core.config.auth {
            Auth::Given(Source::Function) => Some(("accessToken", js::hook(hooks, "accessToken"))),
            Auth::Cloudbase(Source::Function) => Some(("cloudbaseAccessToken", js::hook(hooks, "cloudbaseAccessToken"))),
            _ => None,
        };
        let token_function = match token_function {
            Some((option, None)) => return Err(Failure::invalid(option, "must be a function")),
            Some((_, function)) => function,
            None => None,
        };
        let store = match js::hook_value(hooks, "tokenStore") {
            Some(store) if core.config.token_store => Some(
                TokenStore::new(store, core.config.timeout_ms)
                    .ok_or_else(|| Failure::invalid("tokenStore", "needs get and set functions"))?,
            ),
            _ => None,
        };
        Ok(Session {
            core,
            send,
            token_function,
            store,
            cache: RefCell::default(),
            refresh: RefCell::default(),
            seen_tokens: RefCell::default(),
            calls: RefCell::default(),
            free: RefCell::default(),
        })
    }

    /// A step as index.cjs reads it: the first character says which, `\0`
    /// separates the fields. `S` send (id, timeoutMs, method, url, header
    /// lines, body), `W` wait (id, ms), `T` fetch the credential (id), `D` done
    /// (the result's JSON). An error becomes a `LinkError`'s JSON.
    pub fn step_text(&self, step: Result<Step, Error>) -> Result<String, String> {
        Ok(match step.map_err(|error| self.error_json(&error))? {
            Step::Send(id, request) => {
                let mut text = format!("S{id}\0{}\0", self.core.config.timeout_ms);
                text.reserve(request.url.len() + request.body.as_ref().map_or(0, String::len) + 64);
                js::push_request_fields(&mut text, &request);
                text
            }
            // Whole milliseconds: formatting a float would link ~20 KB of code.
            Step::Wait(id, ms) => format!("W{id}\0{}", ms.round() as u64),
            Step::Credential(id) => format!("T{id}"),
            Step::Done(result) => {
                let mut text = String::from("D");
                result.write(&mut text);
                text
            }
        })
    }

    pub fn error_json(&self, error: &Error) -> String {
        self.core.error_json(error, &self.seen_tokens.borrow())
    }

    fn remember(&self, token: &str) {
        let mut seen = self.seen_tokens.borrow_mut();
        if !seen.iter().any(|t| t == token) {
            if seen.len() >= REMEMBERED_TOKENS {
                seen.remove(0);
            }
            seen.push(token.to_owned());
        }
    }

    /// The pause before attempt `attempt + 1`, if `error` is worth another one
    /// and the `retries` policy allows it.
    fn retry_pause(&self, error: &Error, attempt: u32) -> Option<f64> {
        (error.retryable() && attempt < self.core.config.retries).then(|| retry::pause_ms(attempt, js::random()))
    }

    /// Sends `request` and reads the answer with `parse`, retrying transient
    /// failures with jittered exponential pauses (token requests: link calls
    /// go through `begin` and `answer`).
    async fn exchange<T>(&self, api: Api, request: &HttpRequest, parse: impl Fn(u16, &str) -> Result<T, Error>) -> Result<T, Error> {
        let mut attempt = 0;
        loop {
            let outcome = match js::send(&self.send, request, self.core.config.timeout_ms).await {
                Ok((status, body)) => parse(status, &body),
                Err(failure) => Err(failure.at(api)),
            };
            match outcome {
                Err(error) => match self.retry_pause(&error, attempt) {
                    Some(pause) => {
                        js::sleep(pause).await;
                        attempt += 1;
                    }
                    None => return Err(error),
                },
                done => return done,
            }
        }
    }

    /// Starts a link call: the request to send now if the credential is at
    /// hand (a cached or fixed token: the common case, no promise involved),
    /// else a request for one.
    pub fn begin(&self, call: Call) -> Result<Step, Error> {
        let may_renew = matches!(self.core.config.auth, Auth::Managed { .. });
        let credential = self.credential_at_hand();
        let id = self.keep(LinkCall { call, token: None, attempt: 0, may_renew });
        match credential {
            Some(token) => self.send_with(id, token),
            None => Ok(Step::Credential(id)),
        }
    }

    /// The credential when it needs no waiting; `None` when it does.
    fn credential_at_hand(&self) -> Option<Option<String>> {
        match &self.core.config.auth {
            Auth::OpenApiService => Some(None),
            Auth::Managed { .. } => self.cache.borrow().usable(js::now_ms()).map(|t| Some(t.access_token.clone())),
            Auth::Given(Source::Fixed(token)) | Auth::Cloudbase(Source::Fixed(token)) => Some(Some(token.clone())),
            Auth::Given(Source::Function) | Auth::Cloudbase(Source::Function) => None,
        }
    }

    /// Fetches the credential of call `id` (a token function, a refresh), then sends.
    pub async fn fetch_credential(self: Rc<Self>, id: u32) -> Result<Step, Error> {
        let api = self.link(id, |link| link.call.api)?;
        match self.credential(api).await {
            Ok(token) => self.send_with(id, token),
            Err(error) => {
                self.end(id);
                Err(error)
            }
        }
    }

    /// The request of call `id`, sent with `token` (again, after a pause).
    pub fn send_with(&self, id: u32, token: Option<String>) -> Result<Step, Error> {
        let request = self.link(id, |link| {
            let request = self.core.request(&link.call, token.as_deref());
            link.token = token;
            request
        })?;
        Ok(Step::Send(id, request))
    }

    /// Call `id` again after its pause, with the same credential.
    pub fn resume(&self, id: u32) -> Result<Step, Error> {
        let token = self.link(id, |link| link.token.clone())?;
        self.send_with(id, token)
    }

    /// What call `id`'s answer (or the failure to get one) means: the result,
    /// another attempt after a pause, a fresh token for a rejected one, or the error.
    pub fn answer(&self, id: u32, answer: Result<(u16, String), Failure>) -> Result<Step, Error> {
        let outcome = self.link(id, |link| match answer {
            Ok((status, body)) => self.core.parse(&link.call, status, &body),
            Err(failure) => Err(failure.at(link.call.api)),
        })?;
        let error = match outcome {
            Ok(result) => {
                self.end(id);
                return Ok(Step::Done(result));
            }
            Err(error) => error,
        };
        let next = self.link(id, |link| {
            if let Some(pause) = self.retry_pause(&error, link.attempt) {
                link.attempt += 1;
                Some(Step::Wait(id, pause))
            } else if let (true, Class::TokenRejected, Some(token)) = (link.may_renew, error.class(), &link.token) {
                // One fresh token and one more try.
                self.cache.borrow_mut().reject(token);
                link.may_renew = false;
                link.attempt = 0;
                Some(Step::Credential(id))
            } else {
                None
            }
        })?;
        next.ok_or_else(|| {
            self.end(id);
            error
        })
    }

    /// Keeps a new call in a free slot; its id.
    fn keep(&self, link: LinkCall) -> u32 {
        let mut calls = self.calls.borrow_mut();
        if let Some(id) = self.free.borrow_mut().pop() {
            if let Some(slot) = calls.get_mut(id as usize) {
                *slot = Some(link);
                return id;
            }
        }
        calls.push(Some(link));
        calls.len() as u32 - 1
    }

    /// Forgets call `id`, freeing its slot.
    fn end(&self, id: u32) {
        if let Some(slot) = self.calls.borrow_mut().get_mut(id as usize) {
            if slot.take().is_some() {
                self.free.borrow_mut().push(id);
            }
        }
    }

    /// Runs `read` on call `id`.
    fn link<T>(&self, id: u32, read: impl FnOnce(&mut LinkCall) -> T) -> Result<T, Error> {
        self.calls.borrow_mut().get_mut(id as usize).and_then(Option::as_mut).map(read).ok_or_else(|| unknown_call(self.core.token_api()))
    }

    /// What authenticates a call to `api`, per the options. A failure to get a
    /// managed token stays a token-endpoint error.
    async fn credential(self: &Rc<Self>, api: Api) -> Result<Option<String>, Error> {
        if let Some(at_hand) = self.credential_at_hand() {
            return Ok(at_hand);
        }
        let token = match &self.core.config.auth {
            Auth::Managed { .. } => self.managed_token(false).await?.access_token,
            // What is not at hand otherwise: the caller's token function.
            auth => {
                let option = if matches!(auth, Auth::Given(_)) { "accessToken" } else { "cloudbaseAccessToken" };
                let token = match &self.token_function {
                    Some(function) => js::call_token_function(function, option, self.core.config.timeout_ms).await,
                    None => Err(Failure::invalid(option, "must be a function")),
                };
                token.map_err(|failure| failure.at(api))?
            }
        };
        self.remember(&token);
        Ok(Some(token))
    }

    /// The cached token, or a new one; concurrent callers share one refresh.
    pub async fn managed_token(self: &Rc<Self>, force: bool) -> Result<Token, Error> {
        if !force {
            if let Some(token) = self.cache.borrow().usable(js::now_ms()) {
                return Ok(token.clone());
            }
        }
        let pending = self.refresh.borrow().clone();
        if let Some(refresh) = pending {
            // `done` only ever resolves; the outcome is in the shared slot.
            let _ = JsFuture::from(refresh.done).await;
            let outcome = refresh.outcome.borrow().clone();
            let lost = || Failure::Network { reason: "token refresh ended without a result".into() }.at(self.core.token_api());
            return outcome.unwrap_or_else(|| Err(lost()));
        }
        // This caller does the refresh; later ones wait on `done`.
        let mut resolve = None;
        let done = Promise::new(&mut |resolve_done, _reject| resolve = Some(resolve_done));
        let outcome = Rc::new(RefCell::new(None));
        *self.refresh.borrow_mut() = Some(Refresh { done, outcome: Rc::clone(&outcome) });
        let result = self.new_token(force).await;
        *outcome.borrow_mut() = Some(result.clone());
        self.refresh.borrow_mut().take();
        if let Some(resolve) = resolve {
            let _ = resolve.call0(&JsValue::NULL);
        }
        result
    }

    async fn grant(&self, force_refresh: bool) -> Result<Grant, Error> {
        let request = self.core.token_request(force_refresh)?;
        self.exchange(self.core.token_api(), &request, |status, body| self.core.parse_token(status, body)).await
    }

    /// A token from the platform, kept in memory.
    async fn fetch_token(&self, force: bool) -> Result<Token, Error> {
        let mut grant = self.grant(force).await?;
        // The stable endpoint hands back the same token until it rotates; force a
        // new one only when that is the very token the platform just rejected.
        if !force && self.core.uses_stable_token() && self.cache.borrow().was_rejected(&grant.access_token) {
            grant = self.grant(true).await?;
        }
        self.remember(&grant.access_token);
        let token = Token::granted(grant.access_token, grant.expires_in, js::now_ms());
        self.cache.borrow_mut().keep(token.clone());
        Ok(token)
    }

    /// The stored token, if another instance put a usable one there.
    async fn adopt(&self, store: &TokenStore, key: &str) -> Result<Option<Token>, Error> {
        let stored = store.get(key).await.map_err(|f| f.at(self.core.token_api()))?;
        let Some(token) = stored.filter(|t| self.cache.borrow().may_adopt(t, js::now_ms())) else {
            return Ok(None);
        };
        self.remember(&token.access_token);
        self.cache.borrow_mut().keep(token.clone());
        Ok(Some(token))
    }

    /// A new token, shared through the `tokenStore` if there is one: adopt what
    /// another instance stored; else, holding the store's lock if it has one,
    /// fetch and store. `force` skips adopting.
    async fn new_token(&self, force: bool) -> Result<Token, Error> {
        let Some(store) = &self.store else {
            return self.fetch_token(force).await;
        };
        let key = self.core.store_key();
        if !force {
            if let Some(token) = self.adopt(store, &key).await? {
                return Ok(token);
            }
        }
        let release = match self.lock(store, &key, force).await? {
            Locked::Adopted(token) => return Ok(token),
            Locked::Held(release) => Some(release),
            Locked::Unlocked => None,
        };
        let outcome = async {
            let token = self.fetch_token(force).await?;
            store.set(&key, &token).await.map_err(|f| f.at(self.core.token_api()))?;
            Ok(token)
        }
        .await;
        if let Some(release) = release {
            store.release(&release).await;
        }
        outcome
    }

    /// Takes the store's refresh lock. While another instance holds it, waits
    /// for the token that instance will store, at most one lock lifetime per
    /// round, so a crashed holder delays the others by one TTL at most.
    async fn lock(&self, store: &TokenStore, key: &str, force: bool) -> Result<Locked, Error> {
        let api = self.core.token_api();
        let ttl = store::lock_ttl_ms(&self.core.config);
        for _round in 0..store::LOCK_ROUNDS {
            match store.lock(key, ttl).await.map_err(|f| f.at(api))? {
                Lock::Unsupported => return Ok(Locked::Unlocked),
                Lock::Acquired(release) => {
                    // Another instance may have stored a token while we waited.
                    if !force {
                        if let Some(token) = self.adopt(store, key).await? {
                            store.release(&release).await;
                            return Ok(Locked::Adopted(token));
                        }
                    }
                    return Ok(Locked::Held(release));
                }
                Lock::Busy => {
                    let deadline = js::now_ms() + ttl;
                    while js::now_ms() < deadline {
                        js::sleep(store::POLL_MS).await;
                        if let Some(token) = self.adopt(store, key).await? {
                            return Ok(Locked::Adopted(token));
                        }
                    }
                }
            }
        }
        // The lock never came free nor a token appeared: fetch anyway.
        Ok(Locked::Unlocked)
    }
}
