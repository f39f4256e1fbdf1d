//! One client's life between calls: its tokens, and the jobs in progress with
//! an id each. A job is a link call or a token refresh, whose decisions are the
//! core's (`crate::token::link_call`, `crate::token::refresh`); this turns what
//! they need into the `Step`s `index.cjs` carries out (send, wait, call the
//! caller's token function or `tokenStore`) and hands back how that went.

use serde_json::Value;
use wasm_bindgen::JsValue;

use super::js;
use crate::api::Api;
use crate::client::{Call, Client};
use crate::error::{Error, Failure};
use crate::http::HttpRequest;
use crate::token::link_call::{self, LinkCall};
use crate::token::refresh::{Answer, Env, Event, Hooked, Need, Refresh, Tokens};
use crate::token::Token;
use crate::wechat::token;

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

/// What the core's jobs work with: the clock and randomness are JavaScript's.
fn env<'a>(client: &'a Client, tokens: &'a mut Tokens, now_ms: f64) -> Env<'a> {
    Env { client, tokens, now_ms, random: &js::random }
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
                text.push_str(&serde_json::to_string(&result).unwrap_or_default());
                text
            }
            Step::Token(result) => ["D", &result].concat(),
        })
    }

    pub fn error_json(&self, error: &Error) -> String {
        serde_json::to_string(&self.core.error_fields(error, self.tokens.seen())).unwrap_or_default()
    }

    /// Starts a link call (`now_ms`: the clock as the call began).
    pub fn begin(&mut self, call: Call, now_ms: f64) -> Result<Step, Error> {
        let (link, need) = LinkCall::start(call, &mut env(&self.core, &mut self.tokens, now_ms));
        let id = self.jobs.keep(Job::Link(link));
        self.link_step(id, Ok(need))
    }

    /// Link call `id`, sent with the token its refresh brought.
    pub fn send_with(&mut self, id: u32, token: Option<String>) -> Result<Step, Error> {
        let Some(Job::Link(link)) = self.jobs.get(id) else {
            return Err(unknown_call(self.core.token_api()));
        };
        let need = link.send_with(token, &self.core);
        self.link_step(id, Ok(need))
    }

    /// Forgets link call `id`: the refresh it waited for failed (its error is the call's).
    pub fn abandon(&mut self, id: u32) {
        self.jobs.end(id);
    }

    /// Job `id` again after its pause.
    pub fn resume(&mut self, id: u32) -> Result<Step, Error> {
        match self.jobs.get(id) {
            Some(Job::Link(link)) => {
                let need = link.resumed(&self.core);
                self.link_step(id, Ok(need))
            }
            Some(Job::Refresh(_)) => self.advance(id, Event::Resumed),
            None => Err(unknown_call(self.core.token_api())),
        }
    }

    /// What job `id`'s answer (or the failure to get one) means.
    pub fn answer(&mut self, id: u32, answer: Result<(u16, String), Failure>) -> Result<Step, Error> {
        match self.jobs.get(id) {
            Some(Job::Link(link)) => {
                let need = link.answered(answer, &mut env(&self.core, &mut self.tokens, js::now_ms()));
                self.link_step(id, need)
            }
            Some(Job::Refresh(_)) => self.advance(id, Event::Reply(answer)),
            None => Err(unknown_call(self.core.token_api())),
        }
    }

    /// How the caller's function that job `id` waited for settled: a value
    /// (`Ok`), or how it failed.
    pub fn settled(&mut self, id: u32, settled: Result<&JsValue, Hooked>) -> Result<Step, Error> {
        match self.jobs.get(id) {
            Some(Job::Link(link)) => {
                let need = link.from_function(settled.map(JsValue::as_string), &self.core, &mut self.tokens);
                self.link_step(id, need)
            }
            Some(Job::Refresh(_)) => self.advance(id, Event::Hook(settled.map(|value| value as &dyn Answer))),
            None => Err(unknown_call(self.core.token_api())),
        }
    }

    /// The step for what link call `id` needs; a finished call (done or failed) ends.
    fn link_step(&mut self, id: u32, need: Result<link_call::Need, Error>) -> Result<Step, Error> {
        let step = match need {
            Ok(link_call::Need::Send(request)) => Step::Send(id, request),
            Ok(link_call::Need::Wait(pause)) => Step::Wait(id, pause),
            Ok(link_call::Need::Refresh) => Step::Refresh(id),
            Ok(link_call::Need::Function) => Step::Function(id),
            Ok(link_call::Need::Done(result)) => {
                self.jobs.end(id);
                Step::Done(result)
            }
            Err(error) => {
                self.jobs.end(id);
                return Err(error);
            }
        };
        Ok(step)
    }

    /// `getAccessToken`: the cached token's result, or a refresh.
    pub fn access_token(&self, force: bool) -> Step {
        let now = js::now_ms();
        match self.tokens.cache.usable(now).filter(|_| !force) {
            Some(cached) => {
                Step::Token(serde_json::to_string(&token::result(&cached.access_token, cached.expires_in(now))).unwrap_or_default())
            }
            None => Step::Renew(force),
        }
    }

    /// Starts a token refresh; `index.cjs` runs one at a time per client.
    pub fn refresh(&mut self, force: bool) -> Result<Step, Error> {
        let (refresh, need) = Refresh::start(force, self.store_locks, &mut env(&self.core, &mut self.tokens, js::now_ms()));
        let id = self.jobs.keep(Job::Refresh(refresh));
        self.refresh_step(id, need)
    }

    fn advance(&mut self, id: u32, event: Event) -> Result<Step, Error> {
        let Some(Job::Refresh(refresh)) = self.jobs.get(id) else {
            return Err(unknown_call(self.core.token_api()));
        };
        let need = refresh.step(event, &mut env(&self.core, &mut self.tokens, js::now_ms()));
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
                Step::Token(serde_json::to_string(&token::result(&token.access_token, token.expires_in(js::now_ms()))).unwrap_or_default())
            }
        })
    }
}
