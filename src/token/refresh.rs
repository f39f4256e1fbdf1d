//! One token refresh, sans-IO: it says what it needs next (the token request
//! sent, a pause, the caller's `tokenStore` asked) and is told how that went.
//! The boundary does the waiting, and lets concurrent callers share one refresh.
//!
//! Without a `tokenStore` it fetches. With one it adopts the token another
//! instance stored; else, holding the store's lock if it has one, it fetches,
//! stores and releases. `force` skips adopting.
//!
//! The stable token's `force_refresh` is held to WeChat's limits, counted
//! across the fleet through the store (the stored token's `forcedAt`).

use super::{store, Token, TokenCache};
use crate::client::Client;
use crate::error::{Error, Failure};
use crate::http::HttpRequest;
use crate::retry;
use crate::wechat::token::Grant;

/// How many recently seen tokens are kept for hiding them in error messages.
const REMEMBERED_TOKENS: usize = 16;

/// A client's tokens: the cache, and the ones seen lately, to hide in errors.
#[derive(Debug, Default)]
pub struct Tokens {
    pub cache: TokenCache,
    seen: Vec<String>,
}

impl Tokens {
    pub fn seen(&self) -> &[String] {
        &self.seen
    }

    pub fn remember(&mut self, token: &str) {
        if !self.seen.iter().any(|t| t == token) {
            if self.seen.len() >= REMEMBERED_TOKENS {
                self.seen.remove(0);
            }
            self.seen.push(token.to_owned());
        }
    }

    fn keep(&mut self, token: Token) {
        self.remember(&token.access_token);
        self.cache.keep(token);
    }
}

/// What a refresh needs next.
#[derive(Debug, PartialEq)]
pub enum Need {
    /// Send the token request; then `Event::Reply`.
    Send(HttpRequest),
    /// Pause this many milliseconds; then `Event::Resumed`.
    Wait(f64),
    /// `tokenStore.get(key)`; then `Event::Hook`.
    Get,
    /// `tokenStore.lock(key, ttlMs)`; then `Event::Hook`.
    Lock(f64),
    /// `tokenStore.set(key, token)`; then `Event::Hook`.
    Set(Token),
    /// Call the lock's release function; then `Event::Hook` (its outcome only
    /// shortens or lengthens the others' wait).
    Release,
    Done(Result<Token, Error>),
}

/// How a caller's function (a token function, a `tokenStore` method) failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Hooked {
    /// It threw or rejected with this (described).
    Threw(String),
    /// It did not settle within `timeoutMs`.
    Silent,
}

/// What a `tokenStore` method resolved to, read only as far as needed.
pub trait Answer {
    /// `get`'s `{ accessToken, expiresAt, refreshAt }`; anything unreadable is none.
    fn token(&self) -> Option<Token>;
    /// Whether `lock` handed over a release function (else the lock is busy).
    fn is_function(&self) -> bool;
}

pub enum Event<'a> {
    Reply(Result<(u16, String), Failure>),
    Resumed,
    Hook(Result<&'a dyn Answer, Hooked>),
}

/// What a step of a refresh works with.
pub struct Env<'a> {
    pub client: &'a Client,
    pub tokens: &'a mut Tokens,
    pub now_ms: f64,
    pub random: &'a dyn Fn() -> f64,
}

/// Why the store is read.
#[derive(Clone, Copy, Debug)]
enum Look {
    /// Before anything else.
    First,
    /// Just after taking the lock: another instance may have stored a token meanwhile.
    Locked,
    /// Lock round `round` is busy: waiting until `deadline` for the holder's token.
    Busy { round: u32, deadline: f64 },
    /// Before a forced refresh: only for the forced refreshes stored, never to adopt.
    Forced,
}

/// What the refresh waits for.
#[derive(Debug)]
enum Stage {
    /// The answer to attempt `attempt` of a token request.
    Granting {
        force_refresh: bool,
        attempt: u32,
    },
    /// The pause before attempt `attempt`.
    Pausing {
        force_refresh: bool,
        attempt: u32,
    },
    Reading(Look),
    Locking {
        round: u32,
    },
    /// The pause before the next look at the store.
    Polling {
        round: u32,
        deadline: f64,
    },
    Setting(Token),
    Releasing(Result<Token, Error>),
    Over,
}

#[derive(Debug)]
pub struct Refresh {
    force: bool,
    /// Whether the store has a `lock`.
    locks: bool,
    /// Whether this refresh holds the store's lock.
    held: bool,
    stage: Stage,
}

impl Refresh {
    /// A refresh and what it needs first.
    pub fn start(force: bool, locks: bool, env: &mut Env) -> (Refresh, Need) {
        let mut refresh = Refresh { force, locks, held: false, stage: Stage::Over };
        let need = match (env.client.config.token_store, force) {
            (false, _) => refresh.grant(force, 0, env),
            (true, false) => refresh.read(Look::First),
            (true, true) => refresh.read(Look::Forced),
        };
        (refresh, need)
    }

    /// What it needs next, now that `event` happened.
    pub fn step(&mut self, event: Event, env: &mut Env) -> Need {
        let api = env.client.token_api();
        let store_failure = |method: &str, hooked: Hooked| store_failure(method, hooked, env.client.config.timeout_ms).at(api);
        match (std::mem::replace(&mut self.stage, Stage::Over), event) {
            (Stage::Granting { force_refresh, attempt }, Event::Reply(reply)) => {
                match reply.map_err(|f| f.at(api)).and_then(|(status, body)| env.client.parse_token(status, &body)) {
                    Ok(grant) => self.granted(force_refresh, grant, env),
                    Err(error) => match retry::pause_after(&error, attempt, env.client.config.retries, env.random) {
                        Some(pause) => {
                            self.stage = Stage::Pausing { force_refresh, attempt: attempt + 1 };
                            Need::Wait(pause)
                        }
                        None => self.finish(Err(error)),
                    },
                }
            }
            (Stage::Pausing { force_refresh, attempt }, Event::Resumed) => self.grant(force_refresh, attempt, env),
            (Stage::Reading(look), Event::Hook(got)) => match got {
                Ok(answer) => self.adopt(look, answer.token(), env),
                Err(hooked) => self.finish(Err(store_failure("get", hooked))),
            },
            (Stage::Locking { round }, Event::Hook(locked)) => match locked {
                Ok(answer) if answer.is_function() => {
                    self.held = true;
                    if self.force {
                        self.grant(true, 0, env)
                    } else {
                        self.read(Look::Locked)
                    }
                }
                Ok(_) => self.poll(round, env.now_ms + store::lock_ttl_ms(&env.client.config), env),
                Err(hooked) => self.finish(Err(store_failure("lock", hooked))),
            },
            (Stage::Polling { round, deadline }, Event::Resumed) => self.read(Look::Busy { round, deadline }),
            (Stage::Setting(token), Event::Hook(set)) => self.finish(set.map(|_| token).map_err(|hooked| store_failure("set", hooked))),
            (Stage::Releasing(outcome), Event::Hook(_)) => Need::Done(outcome),
            // Only a bug in the boundary gets here.
            _ => Need::Done(Err(Failure::Network { reason: "the token refresh was answered out of turn".into() }.at(api))),
        }
    }

    fn read(&mut self, look: Look) -> Need {
        self.stage = Stage::Reading(look);
        Need::Get
    }

    /// Adopts the stored token if it is usable; else goes on from where the store was read.
    fn adopt(&mut self, look: Look, stored: Option<Token>, env: &mut Env) -> Need {
        let now = env.now_ms;
        if let Some(token) = &stored {
            env.tokens.cache.learn_forced(&token.forced_at);
        }
        if let Some(token) = stored.filter(|t| env.tokens.cache.may_adopt(t, now) && !matches!(look, Look::Forced)) {
            env.tokens.keep(token.clone());
            return self.finish(Ok(token));
        }
        match look {
            Look::First | Look::Forced => self.lock(0, env),
            Look::Locked => self.grant(self.force, 0, env),
            Look::Busy { round, deadline } => self.poll(round, deadline, env),
        }
    }

    /// Takes the store's lock, round `round`. While another instance holds it,
    /// polls for the token that instance will store, at most one lock lifetime
    /// per round, so a crashed holder delays the others by one TTL at most.
    /// Without a lock, or once the rounds are over, fetches anyway.
    fn lock(&mut self, round: u32, env: &mut Env) -> Need {
        if !self.locks || round >= store::LOCK_ROUNDS {
            return self.grant(self.force, 0, env);
        }
        self.stage = Stage::Locking { round };
        Need::Lock(store::lock_ttl_ms(&env.client.config))
    }

    fn poll(&mut self, round: u32, deadline: f64, env: &mut Env) -> Need {
        if env.now_ms >= deadline {
            return self.lock(round + 1, env);
        }
        self.stage = Stage::Polling { round, deadline };
        Need::Wait(store::POLL_MS)
    }

    /// Sends attempt `attempt` of the token request; a forced one only
    /// within the platform's limits (its retries are the same refresh).
    fn grant(&mut self, force_refresh: bool, attempt: u32, env: &mut Env) -> Need {
        if force_refresh && attempt == 0 && env.client.uses_stable_token() {
            if let Some(why) = env.tokens.cache.force_refused(env.now_ms) {
                // A link call fails with the platform's answer to the token it
                // rejected; `getAccessToken({ forceRefresh })` with the limit.
                let error = match (self.force, env.tokens.cache.rejection()) {
                    (false, Some(rejection)) => rejection.clone().with_note(format!("no new token: {why}")),
                    _ => Failure::invalid("forceRefresh", why).at(env.client.token_api()),
                };
                return self.finish(Err(error));
            }
            env.tokens.cache.forced(env.now_ms);
        }
        match env.client.token_request(force_refresh) {
            Ok(request) => {
                self.stage = Stage::Granting { force_refresh, attempt };
                Need::Send(request)
            }
            Err(error) => self.finish(Err(error)),
        }
    }

    /// Keeps the platform's token, and stores it if there is a store.
    fn granted(&mut self, force_refresh: bool, grant: Grant, env: &mut Env) -> Need {
        // The stable endpoint hands back the same token until it rotates; force a
        // new one only when that is the very token the platform just rejected.
        if !force_refresh && env.client.uses_stable_token() && env.tokens.cache.was_rejected(&grant.access_token) {
            return self.grant(true, 0, env);
        }
        let token = Token::granted(grant.access_token, grant.expires_in, env.now_ms);
        env.tokens.keep(token.clone());
        if !env.client.config.token_store {
            return self.finish(Ok(token));
        }
        let stored = Token { forced_at: env.tokens.cache.forced_at().to_vec(), ..token.clone() };
        self.stage = Stage::Setting(token);
        Need::Set(stored)
    }

    /// Ends with `outcome`, after releasing the lock if it is held.
    fn finish(&mut self, outcome: Result<Token, Error>) -> Need {
        if !self.held {
            return Need::Done(outcome);
        }
        self.held = false;
        self.stage = Stage::Releasing(outcome);
        Need::Release
    }
}

fn store_failure(method: &str, hooked: Hooked, timeout_ms: u32) -> Failure {
    hook_failure(&format!("tokenStore.{method}"), hooked, timeout_ms)
}

/// A caller's `hook` (`tokenStore.get`, `rateLimiter.take`) that failed: the call fails with `NETWORK_ERROR` naming it.
pub fn hook_failure(hook: &str, hooked: Hooked, timeout_ms: u32) -> Failure {
    let reason = match hooked {
        Hooked::Threw(what) => format!("{hook} failed: {what}"),
        Hooked::Silent => format!("{hook} did not answer within {timeout_ms} ms (timeoutMs)"),
    };
    Failure::Network { reason }
}

/// The token from the caller's `option` function (`accessToken`,
/// `cloudbaseAccessToken`), given what it settled to: `Some` text, or `None`
/// for anything that is not a string.
pub fn from_function(option: &str, settled: Result<Option<String>, Hooked>, timeout_ms: u32) -> Result<String, Failure> {
    match settled {
        Ok(Some(token)) if !token.is_empty() => Ok(token),
        Ok(_) => Err(Failure::invalid(option, "the function must return (or resolve to) a non-empty string")),
        Err(Hooked::Threw(what)) => Err(Failure::invalid(option, format!("the function failed: {what}"))),
        Err(Hooked::Silent) => Err(Failure::invalid(option, format!("the function did not settle within {timeout_ms} ms (timeoutMs)"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Api;

    const NOW: f64 = 1_800_000_000_000.0;
    const STORE: &str = r#""tokenStore":{"get":{"$type":"function"},"set":{"$type":"function"},"lock":{"$type":"function"}}"#;
    const GRANT_T1: &str = r#"{"access_token":"T1","expires_in":7200}"#;

    /// A `tokenStore` answer: the stored token, and whether it is a function.
    struct Stored(Option<Token>, bool);

    impl Answer for Stored {
        fn token(&self) -> Option<Token> {
            self.0.clone()
        }
        fn is_function(&self) -> bool {
            self.1
        }
    }

    struct Harness {
        client: Client,
        tokens: Tokens,
        now: f64,
    }

    impl Harness {
        fn new(options: &str) -> Harness {
            let client = Client::new(Api::WechatClient, &format!(r#"{{"appid":"wx1","secret":"s",{options}}}"#)).unwrap();
            Harness { client, tokens: Tokens::default(), now: NOW }
        }

        fn start(&mut self, force: bool, locks: bool) -> (Refresh, Need) {
            let mut env = Env { client: &self.client, tokens: &mut self.tokens, now_ms: self.now, random: &|| 0.5 };
            Refresh::start(force, locks, &mut env)
        }

        fn step(&mut self, refresh: &mut Refresh, event: Event) -> Need {
            let mut env = Env { client: &self.client, tokens: &mut self.tokens, now_ms: self.now, random: &|| 0.5 };
            refresh.step(event, &mut env)
        }

        fn reply(&mut self, refresh: &mut Refresh, body: &str) -> Need {
            self.step(refresh, Event::Reply(Ok((200, body.to_owned()))))
        }

        fn hook(&mut self, refresh: &mut Refresh, answer: Stored) -> Need {
            self.step(refresh, Event::Hook(Ok(&answer)))
        }
    }

    fn stored(token: &str) -> Token {
        Token::granted(token.into(), 7200.0, NOW)
    }

    fn done_with(need: Need) -> Result<String, String> {
        match need {
            Need::Done(Ok(token)) => Ok(token.access_token),
            Need::Done(Err(error)) => Err(error.message(str::to_owned)),
            other => panic!("expected the end, got {other:?}"),
        }
    }

    fn is_send(need: &Need, force_refresh: bool) -> bool {
        matches!(need, Need::Send(request) if request.body.as_deref().is_some_and(|b| b.contains(&format!("\"force_refresh\":{force_refresh}"))))
    }

    #[test]
    fn without_a_store_it_fetches_retrying_transient_failures() {
        let mut h = Harness::new(r#""retries":1"#);
        let (mut refresh, need) = h.start(false, false);
        assert!(matches!(need, Need::Send(_)));
        let failed = h.step(&mut refresh, Event::Reply(Err(Failure::Network { reason: "reset".into() })));
        assert_eq!(failed, Need::Wait(75.0));
        assert!(matches!(h.step(&mut refresh, Event::Resumed), Need::Send(_)));
        assert_eq!(done_with(h.reply(&mut refresh, GRANT_T1)), Ok("T1".into()));
        assert_eq!(h.tokens.cache.usable(NOW).map(|t| t.access_token.as_str()), Some("T1"));
        assert_eq!(h.tokens.seen(), ["T1"]);
    }

    /// The platform's answer to a link call sent with `token`.
    fn rejected_by(token: &str) -> Error {
        Failure::Api { errcode: 40001, errmsg: format!("invalid credential {token}"), status: 200, log_id: None }.at(Api::UrlschemeGenerate)
    }

    const GRANT_T0: &str = r#"{"access_token":"T0","expires_in":7200}"#;

    #[test]
    fn the_stable_endpoint_is_forced_only_for_the_token_just_rejected() {
        let mut h = Harness::new(r#""stableToken":true"#);
        h.tokens.cache.keep(stored("T0"));
        h.tokens.cache.reject("T0", &rejected_by("T0"));
        let (mut refresh, need) = h.start(false, false);
        assert!(is_send(&need, false));
        assert!(is_send(&h.reply(&mut refresh, GRANT_T0), true));
        assert_eq!(done_with(h.reply(&mut refresh, GRANT_T1)), Ok("T1".into()));
        assert_eq!(h.tokens.cache.forced_at(), [NOW]);
    }

    #[test]
    fn past_the_force_refresh_limit_a_rejected_token_fails_with_the_platforms_answer() {
        let mut h = Harness::new(r#""stableToken":true"#);
        h.tokens.cache.forced(NOW - 10_000.0);
        h.tokens.cache.reject("T0", &rejected_by("T0"));
        let (mut refresh, _) = h.start(false, false);
        let Need::Done(Err(error)) = h.reply(&mut refresh, GRANT_T0) else { panic!("expected the end") };
        assert_eq!((error.api, &error.failure), (Api::UrlschemeGenerate, &rejected_by("T0").failure));
        let message = error.message(str::to_owned);
        assert!(message.starts_with("urlscheme.generate failed with 40001: "), "{message}");
        assert!(message.ends_with("; no new token: WeChat allows force_refresh once every 30 s and 20 times a day per appid; the last was forced 10 s ago: try again in 20 s"), "{message}");
    }

    #[test]
    fn get_access_token_force_refresh_past_the_limit_names_the_option() {
        let mut h = Harness::new(r#""stableToken":true"#);
        let (mut refresh, need) = h.start(true, false);
        assert!(is_send(&need, true));
        done_with(h.reply(&mut refresh, GRANT_T1)).unwrap();
        h.now += 29_000.0;
        let (_, need) = h.start(true, false);
        let Need::Done(Err(error)) = need else { panic!("expected the end, got {need:?}") };
        assert_eq!((error.code(), error.api), ("INVALID_ARGUMENT", Api::WechatToken));
        assert!(error.message(str::to_owned).starts_with("forceRefresh: WeChat allows force_refresh once every 30 s"));
        h.now += 1_000.0;
        assert!(is_send(&h.start(true, false).1, true), "30 s later it may");
        let mut classic = Harness::new(r#""retries":0"#);
        classic.tokens.cache.forced(NOW);
        assert!(matches!(classic.start(true, false).1, Need::Send(_)), "the classic endpoint has no force_refresh to limit");
    }

    #[test]
    fn forced_refreshes_are_counted_across_the_fleet_through_the_store() {
        let mut h = Harness::new(&format!(r#""stableToken":true,{STORE}"#));
        let (mut refresh, need) = h.start(true, true);
        assert_eq!(need, Need::Get, "a forced refresh reads the fleet's count first");
        let mut other = stored("S1");
        other.forced_at = vec![NOW - 40_000.0];
        assert!(matches!(h.hook(&mut refresh, Stored(Some(other), false)), Need::Lock(_)), "and never adopts");
        assert!(is_send(&h.hook(&mut refresh, Stored(None, true)), true));
        let Need::Set(written) = h.reply(&mut refresh, GRANT_T1) else { panic!("expected the store's set") };
        assert_eq!((written.access_token.as_str(), written.forced_at.as_slice()), ("T1", [NOW - 40_000.0, NOW].as_slice()));
        let mut h = Harness::new(&format!(r#""stableToken":true,{STORE}"#));
        let (mut refresh, _) = h.start(true, true);
        let mut other = stored("S1");
        other.forced_at = vec![NOW - 5_000.0];
        let need = h.hook(&mut refresh, Stored(Some(other), false));
        assert!(matches!(need, Need::Lock(_)));
        assert_eq!(h.hook(&mut refresh, Stored(None, true)), Need::Release, "refused by another instance's count");
        let error = done_with(h.hook(&mut refresh, Stored(None, false))).unwrap_err();
        assert!(error.contains("the last was forced 5 s ago"), "{error}");
    }

    #[test]
    fn a_usable_stored_token_is_adopted() {
        let mut h = Harness::new(STORE);
        let (mut refresh, need) = h.start(false, true);
        assert_eq!(need, Need::Get);
        assert_eq!(done_with(h.hook(&mut refresh, Stored(Some(stored("S1")), false))), Ok("S1".into()));
        assert_eq!(h.tokens.seen(), ["S1"]);
    }

    #[test]
    fn while_another_instance_holds_the_lock_it_polls_for_that_token() {
        let mut h = Harness::new(STORE);
        let (mut refresh, _) = h.start(false, true);
        assert!(matches!(h.hook(&mut refresh, Stored(None, false)), Need::Lock(_)));
        assert_eq!(h.hook(&mut refresh, Stored(None, false)), Need::Wait(store::POLL_MS));
        assert_eq!(h.step(&mut refresh, Event::Resumed), Need::Get);
        assert_eq!(h.hook(&mut refresh, Stored(None, false)), Need::Wait(store::POLL_MS));
        assert_eq!(h.step(&mut refresh, Event::Resumed), Need::Get);
        assert_eq!(done_with(h.hook(&mut refresh, Stored(Some(stored("S2")), false))), Ok("S2".into()));
    }

    #[test]
    fn after_the_lock_rounds_it_fetches_without_the_lock() {
        let mut h = Harness::new(STORE);
        let ttl = store::lock_ttl_ms(&h.client.config);
        let (mut refresh, need) = h.start(true, true);
        assert_eq!(need, Need::Get);
        assert!(matches!(h.hook(&mut refresh, Stored(None, false)), Need::Lock(_)));
        for _round in 0..store::LOCK_ROUNDS {
            assert_eq!(h.hook(&mut refresh, Stored(None, false)), Need::Wait(store::POLL_MS));
            h.now += ttl;
            assert_eq!(h.step(&mut refresh, Event::Resumed), Need::Get);
            let next = h.hook(&mut refresh, Stored(None, false));
            assert!(matches!(next, Need::Lock(_) | Need::Send(_)), "{next:?}");
        }
        assert!(matches!(h.reply(&mut refresh, GRANT_T1), Need::Set(_)));
        assert_eq!(done_with(h.hook(&mut refresh, Stored(None, false))), Ok("T1".into()));
    }

    #[test]
    fn the_lock_holder_fetches_stores_and_releases_even_when_storing_fails() {
        let mut h = Harness::new(STORE);
        let (mut refresh, _) = h.start(false, true);
        h.hook(&mut refresh, Stored(None, false));
        assert_eq!(h.hook(&mut refresh, Stored(None, true)), Need::Get, "looks again once it holds the lock");
        assert!(matches!(h.hook(&mut refresh, Stored(None, false)), Need::Send(_)));
        assert_eq!(h.reply(&mut refresh, GRANT_T1), Need::Set(h.tokens.cache.usable(NOW).unwrap().clone()));
        assert_eq!(h.step(&mut refresh, Event::Hook(Err(Hooked::Threw("boom T1".into())))), Need::Release);
        let error = done_with(h.hook(&mut refresh, Stored(None, false))).unwrap_err();
        assert_eq!(error, "auth.getAccessToken failed: network error: tokenStore.set failed: boom T1");
    }

    #[test]
    fn a_store_that_does_not_answer_fails_the_refresh() {
        let mut h = Harness::new(STORE);
        let (mut refresh, _) = h.start(false, false);
        let error = done_with(h.step(&mut refresh, Event::Hook(Err(Hooked::Silent)))).unwrap_err();
        assert!(error.ends_with("tokenStore.get did not answer within 10000 ms (timeoutMs)"), "{error}");
    }

    #[test]
    fn an_answer_out_of_turn_ends_the_refresh() {
        let mut h = Harness::new(r#""retries":0"#);
        let (mut refresh, _) = h.start(false, false);
        assert!(done_with(h.step(&mut refresh, Event::Resumed)).is_err());
    }

    #[test]
    fn token_function_outcomes() {
        let ok = from_function("accessToken", Ok(Some("T".into())), 100);
        assert_eq!(ok, Ok("T".into()));
        let messages = [
            (Ok(Some(String::new())), "the function must return (or resolve to) a non-empty string"),
            (Ok(None), "the function must return (or resolve to) a non-empty string"),
            (Err(Hooked::Threw("boom".into())), "the function failed: boom"),
            (Err(Hooked::Silent), "the function did not settle within 100 ms (timeoutMs)"),
        ];
        for (settled, reason) in messages {
            assert_eq!(from_function("accessToken", settled, 100), Err(Failure::invalid("accessToken", reason)));
        }
    }

    #[test]
    fn only_recent_tokens_are_remembered() {
        let mut tokens = Tokens::default();
        for i in 0..=REMEMBERED_TOKENS {
            tokens.remember(&format!("T{i}"));
        }
        tokens.remember("T5");
        assert_eq!(tokens.seen().len(), REMEMBERED_TOKENS);
        assert_eq!(tokens.seen().first().map(String::as_str), Some("T1"));
    }
}
