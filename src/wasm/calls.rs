//! One client's calls, awaited: a link call, a token refresh and
//! `getAccessToken` run the core's policies (`crate::token::link_call`,
//! `crate::token::refresh`) and await what those need through `Io`. Nothing
//! here decides; no `RefCell` borrow is held across an `await`. What happened
//! is published on the diagnostics channels (`crate::observe`) while anyone
//! listens.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::js::{self, Channel, Io};
use crate::api::Api;
use crate::client::Client;
use crate::error::{Error, Failure};
use crate::http::HttpRequest;
use crate::observe::{self, TokenEvent};
use crate::token::link_call::{LinkCall, Need as LinkNeed};
use crate::token::refresh::{Answer, Env, Event, Need, Refresh, Tokens};
use crate::token::Token;
use crate::wechat::token;

pub struct State {
    pub client: Client,
    pub io: Io,
    /// Whether the `tokenStore` has a `lock`.
    store_locks: bool,
    tokens: RefCell<Tokens>,
    /// The token refresh in flight: concurrent callers await the same one.
    refreshing: RefCell<Option<Promise>>,
}

/// What the caller's token function is called with after the platform
/// rejected its last token: `{ forceRefresh: true }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ForceRefresh {
    force_refresh: bool,
}

/// A rejection: a `LinkError`'s fields, secrets hidden.
pub type Rejection = JsValue;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl State {
    pub fn new(client: Client, io: Io, store_locks: bool) -> State {
        State { client, io, store_locks, tokens: RefCell::default(), refreshing: RefCell::default() }
    }

    /// Runs `decide` with the core's view of this moment: the client, its tokens,
    /// JavaScript's clock and randomness.
    fn decide<T>(&self, decide: impl FnOnce(&mut Env) -> T) -> T {
        let mut tokens = self.tokens.borrow_mut();
        decide(&mut Env { client: &self.client, tokens: &mut tokens, now_ms: now_ms(), random: &js_sys::Math::random })
    }

    pub fn rejection(&self, error: &Error) -> Rejection {
        js::value(&self.client.error_fields(error, self.tokens.borrow().seen()))
    }

    fn timeout_ms(&self) -> u32 {
        self.client.config.timeout_ms
    }

    /// Sends attempt `attempt` of `request` to `api`; while anyone listens,
    /// tells `miniprogram-links:request` how it went (`parse`: how the client reads the answer).
    async fn sent<T>(
        &self,
        api: Api,
        request: &HttpRequest,
        attempt: u32,
        parse: impl FnOnce(u16, &str) -> Result<T, Error>,
    ) -> Result<(u16, String), Failure> {
        let observed = self.io.observed(Channel::Request);
        let started = if observed { now_ms() } else { 0.0 };
        let answer = self.io.answer(request, self.timeout_ms()).await;
        if observed {
            self.io.announce(Channel::Request, &observe::attempt(api, request, attempt, &answer, parse, now_ms() - started));
        }
        answer
    }

    /// Tells `miniprogram-links:token` about `event`, while anyone listens.
    fn announce_token(&self, event: TokenEvent, duration_ms: f64) {
        if self.io.observed(Channel::Token) {
            self.io.announce(Channel::Token, &observe::token(self.client.token_api(), event, duration_ms));
        }
    }
}

/// A link call of `api` with `request` (JSON text), from validation to result.
pub async fn link_call(state: Rc<State>, api: Api, request: String) -> Result<JsValue, Rejection> {
    let now_s = (now_ms() / 1000.0).floor() as i64;
    let call = state.client.prepare(api, &request, now_s).map_err(|e| state.rejection(&e))?;
    let (mut link, mut need) = state.decide(|env| LinkCall::start(call, env));
    let mut attempts = 0;
    loop {
        need = match need {
            LinkNeed::Send(request) => {
                attempts += 1;
                let answer = state.sent(api, &request, attempts, |status, body| state.client.parse(link.call(), status, body)).await;
                let next = state.decide(|env| link.answered(answer, env));
                if matches!(next, Ok(LinkNeed::Refresh)) {
                    // Only a rejected cached token gets here: `answered` dropped it.
                    state.announce_token(TokenEvent::Dropped, 0.0);
                }
                next
            }
            LinkNeed::Take { key, per_second } => {
                let args = Array::of2(&JsValue::from_str(&key), &per_second.into());
                let settled = state.io.call_hook("take", args, state.timeout_ms()).await;
                link.taken(settled.map(|wait| wait.as_f64()), &state.client)
            }
            LinkNeed::Wait(ms) => {
                state.io.pause(ms).await;
                Ok(link.resumed(&state.client))
            }
            LinkNeed::Refresh => {
                let token = refreshed(&state, false).await?;
                Ok(link.send_with(Some(token.access_token), &state.client))
            }
            LinkNeed::Function { force_refresh } => {
                let args = if force_refresh { Array::of1(&js::value(&ForceRefresh { force_refresh })) } else { Array::new() };
                let settled = state.io.call_hook("token", args, state.timeout_ms()).await;
                let mut tokens = state.tokens.borrow_mut();
                link.from_function(settled.map(|value| value.as_string()), &state.client, &mut tokens)
            }
            LinkNeed::Done(result) => return Ok(js::value(&result)),
        }
        .map_err(|e| state.rejection(&e))?;
    }
}

/// `getAccessToken`: the cached token, or a refresh's (`request`: JSON text).
pub async fn access_token(state: Rc<State>, request: String) -> Result<JsValue, Rejection> {
    let force = state.client.force_refresh(&request).map_err(|e| state.rejection(&e))?;
    let cached = state.tokens.borrow().cache.usable(now_ms()).filter(|_| !force).cloned();
    let token = match cached {
        Some(token) => token,
        None => refreshed(&state, force).await?,
    };
    Ok(js::value(&token::result(&token.access_token, token.expires_in(now_ms()))))
}

/// The client's token refresh: the one in flight, or a new one.
async fn refreshed(state: &Rc<State>, force: bool) -> Result<Token, Rejection> {
    let in_flight = state.refreshing.borrow().clone();
    let promise = in_flight.unwrap_or_else(|| {
        let promise = future_to_promise(refresh(Rc::clone(state), force));
        *state.refreshing.borrow_mut() = Some(promise.clone());
        promise
    });
    let token = JsFuture::from(promise).await?;
    // The value `refresh` made, so it reads back.
    Answer::token(&token).ok_or_else(|| JsValue::from_str("the token refresh resolved to no token"))
}

/// One token refresh, to its end; resolves to the token (`tokenStore.set`'s shape).
async fn refresh(state: Rc<State>, force: bool) -> Result<JsValue, Rejection> {
    let outcome = run_refresh(&state, force).await;
    state.refreshing.replace(None);
    outcome.map(|token| js::value(&token)).map_err(|error| state.rejection(&error))
}

async fn run_refresh(state: &State, force: bool) -> Result<Token, Error> {
    let key = JsValue::from_str(&state.client.store_key());
    let ms = state.timeout_ms();
    // What `tokenStore.lock` handed over, for `Need::Release`.
    let mut release = JsValue::UNDEFINED;
    let started = now_ms();
    let mut attempts = 0;
    let (mut refresh, mut need) = state.decide(|env| Refresh::start(force, state.store_locks, env));
    loop {
        let settled = match need {
            Need::Send(request) => {
                attempts += 1;
                let answer =
                    state.sent(state.client.token_api(), &request, attempts, |status, body| state.client.parse_token(status, body)).await;
                need = state.decide(|env| refresh.step(Event::Reply(answer), env));
                continue;
            }
            Need::Wait(pause) => {
                state.io.pause(pause).await;
                need = state.decide(|env| refresh.step(Event::Resumed, env));
                continue;
            }
            Need::Get => state.io.call_hook("get", Array::of1(&key), ms).await,
            Need::Lock(ttl) => {
                let settled = state.io.call_hook("lock", Array::of2(&key, &ttl.into()), ms).await;
                if let Ok(value) = &settled {
                    release = value.clone();
                }
                settled
            }
            Need::Set(token) => state.io.call_hook("set", Array::of2(&key, &js::value(&token)), ms).await,
            Need::Release => state.io.call_hook("release", Array::of1(&release), ms).await,
            Need::Done(outcome) => {
                if outcome.is_ok() {
                    let event = match (attempts, force) {
                        (0, _) => TokenEvent::Adopted,
                        (_, true) => TokenEvent::ForceRefreshed,
                        (_, false) => TokenEvent::Fetched,
                    };
                    state.announce_token(event, now_ms() - started);
                }
                return outcome;
            }
        };
        let hooked = settled.as_ref().map(|value| value as &dyn Answer).map_err(Clone::clone);
        need = state.decide(|env| refresh.step(Event::Hook(hooked), env));
    }
}
