//! One client's life between calls: its tokens, the jobs in progress and what
//! each does next (`Step`). A job is a link call or a token refresh (the state
//! machine of `crate::token::refresh`). `index.cjs` does what a step says
//! (send, wait, call the caller's token function or `tokenStore`) and hands
//! back how that went; this decides everything else. Nothing here waits.

use wasm_bindgen::JsValue;

use super::js;
use crate::api::Api;
use crate::client::{Call, Client};
use crate::config::{Auth, Source};
use crate::error::{Class, Error, Failure};
use crate::http::HttpRequest;
use crate::json::Value;
use crate::retry;
use crate::token::refresh::{self, Answer, Env, Event, Hooked, Need, Refresh, Tokens};
use crate::token::Token;
use crate::wechat::token;

/// A link call between steps (see `Step`).
struct LinkCall {
    call: Call,
    /// The credential it is sent with, once known.
    token: Option<String>,
    attempt: u32,
    /// Whether a rejected managed token may still be replaced once.
    may_renew: bool,
}

enum Job {
    Link(LinkCall),
    Refresh(Refresh),
}

/// Jobs between steps; a job's id is its slot, reused once the job ended.
#[derive(Default)]
struct Jobs {
    slots: Vec<Option<Job>>,
    free: Vec<u32>,
}

impl Jobs {
    fn keep(&mut self, job: Job) -> u32 {
        if let Some(id) = self.free.pop() {
            if let Some(slot) = self.slots.get_mut(id as usize) {
                *slot = Some(job);
                return id;
            }
        }
        self.slots.push(Some(job));
        self.slots.len() as u32 - 1
    }

    fn end(&mut self, id: u32) {
        if let Some(slot) = self.slots.get_mut(id as usize) {
            if slot.take().is_some() {
                self.free.push(id);
            }
        }
    }

    fn get(&mut self, id: u32) -> Option<&mut Job> {
        self.slots.get_mut(id as usize).and_then(Option::as_mut)
    }
}

/// What `pkg-template/index.cjs` does next.
pub enum Step {
    /// Send this request, then hand the answer to `answer` (or `failed`).
    Send(u32, HttpRequest),
    /// Wait this many milliseconds, then `resume`.
    Wait(u32, f64),
    /// Link call `id` needs the client's token refresh: start one (`refresh`)
    /// or join the one in flight, then `resumeWith` its token.
    Refresh(u32),
    /// `getAccessToken` needs a refresh (forced or not), started or joined.
    Renew(bool),
    /// Call the caller's token function for link call `id`, then `settled`.
    Function(u32),
    /// `tokenStore.get(key)` for refresh `id`, then `settled`.
    Get(u32),
    /// `tokenStore.lock(key, ttlMs)`, then `settled`.
    Lock(u32, f64),
    /// `tokenStore.set(key, token)`, then `settled`.
    Set(u32, Token),
    /// Call the release function `lock` handed over, then `settled`.
    Release(u32),
    /// A link call's result.
    Done(Value),
    /// A refresh's token, as `getAccessToken` returns it (JSON text).
    Token(String),
}

/// Only a call from before a reset of the instance could name an unknown job.
fn unknown_call(api: Api) -> Error {
    Failure::Network { reason: "the call is no longer in progress".into() }.at(api)
}

pub struct Session {
    pub core: Client,
    /// Whether the `tokenStore` has a `lock`.
    store_locks: bool,
    tokens: Tokens,
    jobs: Jobs,
}

impl Session {
    pub fn new(core: Client, store_locks: bool) -> Session {
        Session { core, store_locks, tokens: Tokens::default(), jobs: Jobs::default() }
    }

    /// A step as index.cjs reads it: the first character says which, `\0`
    /// separates the fields. `S` send (id, timeoutMs, method, url, header
    /// lines, body), `W` wait (id, ms), `T` refresh (id), `R` refresh (`1`:
    /// forced), `F` token function (id, timeoutMs), `G` get (id, timeoutMs),
    /// `L` lock (id, timeoutMs, ttlMs), `P` set (id, timeoutMs, expiresAt,
    /// refreshAt, accessToken), `U` release (id, timeoutMs), `D` done (the
    /// result's JSON, a link call's or a token's). An error becomes a `LinkError`'s JSON.
    pub fn step_text(&self, step: Result<Step, Error>) -> Result<String, String> {
        let ms = self.core.config.timeout_ms;
        Ok(match step.map_err(|error| self.error_json(&error))? {
            Step::Send(id, request) => {
                let mut text = format!("S{id}\0{ms}\0");
                text.reserve(request.url.len() + request.body.as_ref().map_or(0, String::len) + 64);
                js::push_request_fields(&mut text, &request);
                text
            }
            // Whole milliseconds: formatting a float would link ~20 KB of code.
            Step::Wait(id, pause) => format!("W{id}\0{}", pause.round() as u64),
            Step::Refresh(id) => format!("T{id}"),
            Step::Renew(force) => format!("R{}", u8::from(force)),
            Step::Function(id) => format!("F{id}\0{ms}"),
            Step::Get(id) => format!("G{id}\0{ms}"),
            Step::Lock(id, ttl) => format!("L{id}\0{ms}\0{}", ttl.round() as u64),
            // The times as JavaScript writes numbers, exactly; the token last: it is free text.
            Step::Set(id, token) => {
                let [expires_at, refresh_at] = [token.expires_at, token.refresh_at].map(js::number_text);
                format!("P{id}\0{ms}\0{expires_at}\0{refresh_at}\0{}", token.access_token)
            }
            Step::Release(id) => format!("U{id}\0{ms}"),
            Step::Done(result) => {
                let mut text = String::from("D");
                result.write(&mut text);
                text
            }
            Step::Token(result) => ["D", &result].concat(),
        })
    }

    pub fn error_json(&self, error: &Error) -> String {
        self.core.error_json(error, self.tokens.seen())
    }

    /// Starts a link call (`now_ms`: the clock as the call began).
    pub fn begin(&mut self, call: Call, now_ms: f64) -> Result<Step, Error> {
        let may_renew = matches!(self.core.config.auth, Auth::Managed { .. });
        let id = self.jobs.keep(Job::Link(LinkCall { call, token: None, attempt: 0, may_renew }));
        self.credential(id, now_ms)
    }

    /// Call `id`'s request if its credential is at hand (a cached or fixed
    /// token: the common case), else the step that gets one.
    fn credential(&mut self, id: u32, now_ms: f64) -> Result<Step, Error> {
        let token = match &self.core.config.auth {
            Auth::OpenApiService => None,
            Auth::Managed { .. } => match self.tokens.cache.usable(now_ms) {
                Some(token) => Some(token.access_token.clone()),
                None => return Ok(Step::Refresh(id)),
            },
            Auth::Given(Source::Fixed(token)) | Auth::Cloudbase(Source::Fixed(token)) => Some(token.clone()),
            Auth::Given(Source::Function) | Auth::Cloudbase(Source::Function) => return Ok(Step::Function(id)),
        };
        self.send_with(id, token)
    }

    /// The request of link call `id`, sent with `token` (again, after a pause).
    pub fn send_with(&mut self, id: u32, token: Option<String>) -> Result<Step, Error> {
        let Some(Job::Link(link)) = self.jobs.get(id) else {
            return Err(unknown_call(self.core.token_api()));
        };
        let request = self.core.request(&link.call, token.as_deref());
        link.token = token;
        Ok(Step::Send(id, request))
    }

    /// Forgets link call `id`: the refresh it waited for failed (its error is the call's).
    pub fn abandon(&mut self, id: u32) {
        self.jobs.end(id);
    }

    /// Job `id` again after its pause.
    pub fn resume(&mut self, id: u32) -> Result<Step, Error> {
        match self.jobs.get(id) {
            Some(Job::Link(link)) => {
                let token = link.token.clone();
                self.send_with(id, token)
            }
            Some(Job::Refresh(_)) => self.advance(id, Event::Resumed),
            None => Err(unknown_call(self.core.token_api())),
        }
    }

    /// What job `id`'s answer (or the failure to get one) means. For a link
    /// call: the result, another attempt after a pause, a fresh token for a
    /// rejected one, or the error.
    pub fn answer(&mut self, id: u32, answer: Result<(u16, String), Failure>) -> Result<Step, Error> {
        let link = match self.jobs.get(id) {
            Some(Job::Link(link)) => link,
            Some(Job::Refresh(_)) => return self.advance(id, Event::Reply(answer)),
            None => return Err(unknown_call(self.core.token_api())),
        };
        let outcome = match answer {
            Ok((status, body)) => self.core.parse(&link.call, status, &body),
            Err(failure) => Err(failure.at(link.call.api)),
        };
        let error = match outcome {
            Ok(result) => {
                self.jobs.end(id);
                return Ok(Step::Done(result));
            }
            Err(error) => error,
        };
        if let Some(pause) = retry::pause_after(&error, link.attempt, self.core.config.retries, js::random) {
            link.attempt += 1;
            return Ok(Step::Wait(id, pause));
        }
        if let (true, Class::TokenRejected, Some(token)) = (link.may_renew, error.class(), &link.token) {
            // One fresh token and one more try.
            self.tokens.cache.reject(token);
            link.may_renew = false;
            link.attempt = 0;
            return self.credential(id, js::now_ms());
        }
        self.jobs.end(id);
        Err(error)
    }

    /// How the caller's function that job `id` waited for settled: a value
    /// (`Ok`), or how it failed.
    pub fn settled(&mut self, id: u32, settled: Result<&JsValue, Hooked>) -> Result<Step, Error> {
        let api = match self.jobs.get(id) {
            Some(Job::Link(link)) => link.call.api,
            Some(Job::Refresh(_)) => return self.advance(id, Event::Hook(settled.map(|value| value as &dyn Answer))),
            None => return Err(unknown_call(self.core.token_api())),
        };
        let option = if matches!(self.core.config.auth, Auth::Given(_)) { "accessToken" } else { "cloudbaseAccessToken" };
        match refresh::from_function(option, settled.map(JsValue::as_string), self.core.config.timeout_ms) {
            Ok(token) => {
                self.tokens.remember(&token);
                self.send_with(id, Some(token))
            }
            Err(failure) => {
                self.jobs.end(id);
                Err(failure.at(api))
            }
        }
    }

    /// `getAccessToken`: the cached token's result, or a refresh.
    pub fn access_token(&self, force: bool) -> Step {
        let now = js::now_ms();
        match self.tokens.cache.usable(now).filter(|_| !force) {
            Some(cached) => Step::Token(token::result(&cached.access_token, cached.expires_in(now))),
            None => Step::Renew(force),
        }
    }

    /// Starts a token refresh; `index.cjs` runs one at a time per client.
    pub fn refresh(&mut self, force: bool) -> Result<Step, Error> {
        let mut env = Env { client: &self.core, tokens: &mut self.tokens, now_ms: js::now_ms(), random: &js::random };
        let (refresh, need) = Refresh::start(force, self.store_locks, &mut env);
        let id = self.jobs.keep(Job::Refresh(refresh));
        self.refresh_step(id, need)
    }

    fn advance(&mut self, id: u32, event: Event) -> Result<Step, Error> {
        let Some(Job::Refresh(refresh)) = self.jobs.get(id) else {
            return Err(unknown_call(self.core.token_api()));
        };
        let mut env = Env { client: &self.core, tokens: &mut self.tokens, now_ms: js::now_ms(), random: &js::random };
        let need = refresh.step(event, &mut env);
        self.refresh_step(id, need)
    }

    fn refresh_step(&mut self, id: u32, need: Need) -> Result<Step, Error> {
        Ok(match need {
            Need::Send(request) => Step::Send(id, request),
            Need::Wait(pause) => Step::Wait(id, pause),
            Need::Get => Step::Get(id),
            Need::Lock(ttl) => Step::Lock(id, ttl),
            Need::Set(token) => Step::Set(id, token),
            Need::Release => Step::Release(id),
            Need::Done(outcome) => {
                self.jobs.end(id);
                let token = outcome?;
                Step::Token(token::result(&token.access_token, token.expires_in(js::now_ms())))
            }
        })
    }
}
