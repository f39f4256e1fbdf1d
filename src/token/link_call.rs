//! One link call's policy, sans-IO, beside the token refresh it may wait for:
//! which credential it is sent with, and what an answer means (the result,
//! another attempt after a pause, one fresh token for a rejected one, or the
//! error). The boundary carries out what it needs; the clock and randomness
//! come in through [`Env`].

use serde_json::Value;

use super::refresh::{self, Env, Hooked, Tokens};
use crate::client::{Call, Client};
use crate::config::{Auth, Source};
use crate::error::{Class, Error, Failure};
use crate::http::HttpRequest;
use crate::limit::Limit;
use crate::retry;

/// A link call between the steps of its life.
#[derive(Debug)]
pub struct LinkCall {
    call: Call,
    /// The credential it is sent with, once known.
    token: Option<String>,
    attempt: u32,
    /// Whether a rejected token may still be replaced once: a managed one,
    /// or the caller's function's (called again with `{ forceRefresh: true }`).
    may_renew: bool,
    /// The `rateLimiter`'s limit, for an API that has one.
    limit: Option<Limit>,
}

/// What a link call needs next.
#[derive(Debug)]
pub enum Need {
    /// Send this request; then `answered`.
    Send(HttpRequest),
    /// Ask the `rateLimiter` (`take(key, perSecond)`); then `taken`.
    Take { key: String, per_second: u32 },
    /// Pause this many milliseconds; then `resumed`.
    Wait(f64),
    /// The client's token refresh (started, or joined if one is in flight); then `send_with` its token.
    Refresh,
    /// The caller's token function (with `{ forceRefresh: true }` after
    /// the platform rejected its last token); then `from_function`.
    Function { force_refresh: bool },
    /// The result.
    Done(Value),
}

impl LinkCall {
    /// A validated call, and what it needs first: its request when the
    /// credential is at hand (a cached or fixed token: the common case).
    pub fn start(call: Call, env: &mut Env) -> (LinkCall, Need) {
        let may_renew =
            matches!(env.client.config.auth, Auth::Managed { .. } | Auth::Given(Source::Function) | Auth::Cloudbase(Source::Function));
        let limit = Limit::of(&env.client.config, call.api, || env.client.limit_key(call.api));
        let mut link = LinkCall { call, token: None, attempt: 0, may_renew, limit };
        let need = link.credential(env);
        (link, need)
    }

    fn credential(&mut self, env: &mut Env) -> Need {
        let token = match &env.client.config.auth {
            Auth::OpenApiService => None,
            Auth::Managed { .. } => match env.tokens.cache.usable(env.now_ms) {
                Some(token) => Some(token.access_token.clone()),
                None => return Need::Refresh,
            },
            Auth::Given(Source::Fixed(token)) | Auth::Cloudbase(Source::Fixed(token)) => Some(token.clone()),
            Auth::Given(Source::Function) | Auth::Cloudbase(Source::Function) => {
                return Need::Function { force_refresh: !self.may_renew };
            }
        };
        self.send_with(token, env.client)
    }

    /// The request, sent with `token` (once the `rateLimiter` lets it go).
    pub fn send_with(&mut self, token: Option<String>, client: &Client) -> Need {
        self.token = token;
        let ask = self.limit.as_mut().is_some_and(Limit::must_ask);
        match &self.limit {
            Some(limit) if ask => Need::Take { key: limit.key.clone(), per_second: limit.per_second },
            _ => Need::Send(client.request(&self.call, self.token.as_deref())),
        }
    }

    /// What the `rateLimiter`'s `take` settled to (a number, or `None`): the
    /// request now, or a pause after which it goes (`resumed`).
    pub fn taken(&mut self, settled: Result<Option<f64>, Hooked>, client: &Client) -> Result<Need, Error> {
        let wait = match self.limit.as_mut() {
            Some(limit) => limit.taken(settled, client.config.timeout_ms).map_err(|f| f.at(self.call.api))?,
            None => None,
        };
        Ok(wait.map_or_else(|| Need::Send(client.request(&self.call, self.token.as_deref())), Need::Wait))
    }

    /// The call, for reading its answer again (`observe`).
    pub fn call(&self) -> &Call {
        &self.call
    }

    /// After the pause: the same request again.
    pub fn resumed(&mut self, client: &Client) -> Need {
        let token = self.token.take();
        self.send_with(token, client)
    }

    /// What the answer (or the failure to get one) means.
    pub fn answered(&mut self, answer: Result<(u16, String), Failure>, env: &mut Env) -> Result<Need, Error> {
        let outcome = match answer {
            Ok((status, body)) => env.client.parse(&self.call, status, &body),
            Err(failure) => Err(failure.at(self.call.api)),
        };
        let error = match outcome {
            Ok(result) => return Ok(Need::Done(result)),
            Err(error) => error,
        };
        if let Some(pause) = retry::pause_after(&error, self.attempt, env.client.config.retries, env.random) {
            self.attempt += 1;
            return Ok(Need::Wait(pause));
        }
        match (self.may_renew, error.class(), self.token.as_deref()) {
            (true, Class::TokenRejected, Some(token)) => {
                // One fresh token and one more try (a caller's function's token
                // is not in the cache: this drops nothing then).
                env.tokens.cache.reject(token, &error);
                self.may_renew = false;
                self.attempt = 0;
                Ok(self.credential(env))
            }
            _ => Err(error),
        }
    }

    /// What the caller's token function settled to (its string, if it gave one).
    pub fn from_function(&mut self, settled: Result<Option<String>, Hooked>, client: &Client, tokens: &mut Tokens) -> Result<Need, Error> {
        let option = if matches!(client.config.auth, Auth::Given(_)) { "accessToken" } else { "cloudbaseAccessToken" };
        let token = refresh::from_function(option, settled, client.config.timeout_ms).map_err(|f| f.at(self.call.api))?;
        tokens.remember(&token);
        Ok(self.send_with(Some(token), client))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Api;
    use crate::token::Token;

    const NOW: f64 = 1_800_000_000_000.0;
    const OK: &str = r#"{"errcode":0,"errmsg":"ok","openlink":"weixin://dl/business/?t=x"}"#;

    struct Harness {
        client: Client,
        tokens: Tokens,
    }

    impl Harness {
        fn new(options: &str) -> Harness {
            Harness { client: Client::new(Api::WechatClient, options).unwrap(), tokens: Tokens::default() }
        }

        fn managed() -> Harness {
            let mut harness = Harness::new(r#"{"appid":"wx1","secret":"s","retries":2}"#);
            harness.tokens.cache.keep(Token::granted("T1".into(), 7200.0, NOW));
            harness
        }

        fn env(&mut self) -> Env<'_> {
            Env { client: &self.client, tokens: &mut self.tokens, now_ms: NOW, random: &|| 0.5 }
        }

        fn start(&mut self) -> (LinkCall, Need) {
            let call = self.client.prepare(Api::UrlschemeGenerate, "{}", (NOW / 1000.0) as i64).unwrap();
            LinkCall::start(call, &mut self.env())
        }
    }

    fn sent_with(need: &Need) -> &str {
        match need {
            Need::Send(request) => request.url.split("access_token=").nth(1).unwrap_or(""),
            other => panic!("expected a request, got {other:?}"),
        }
    }

    fn errcode(code: i64) -> Result<(u16, String), Failure> {
        Ok((200, format!(r#"{{"errcode":{code},"errmsg":"x"}}"#)))
    }

    #[test]
    fn a_cached_token_is_sent_at_once_and_the_answer_is_the_result() {
        let mut h = Harness::managed();
        let (mut link, need) = h.start();
        assert_eq!(sent_with(&need), "T1");
        let done = link.answered(Ok((200, OK.into())), &mut h.env()).unwrap();
        assert!(matches!(done, Need::Done(v) if v.get("openlink").is_some()));
    }

    #[test]
    fn no_usable_token_asks_for_the_refresh_and_a_function_for_its_call() {
        let mut h = Harness::new(r#"{"appid":"wx1","secret":"s"}"#);
        assert!(matches!(h.start().1, Need::Refresh));
        let mut h = Harness::new(r#"{"accessToken":{"$type":"function"}}"#);
        let (mut link, need) = h.start();
        assert!(matches!(need, Need::Function { force_refresh: false }));
        assert_eq!(sent_with(&link.from_function(Ok(Some("F1".into())), &h.client, &mut h.tokens).unwrap()), "F1");
        assert_eq!(h.tokens.seen(), ["F1"], "kept to hide in errors");
        let error = link.from_function(Ok(None), &h.client, &mut h.tokens).unwrap_err();
        assert_eq!(error.code(), "INVALID_ARGUMENT");
    }

    #[test]
    fn transient_failures_pause_then_resend_until_the_retries_run_out() {
        let mut h = Harness::managed();
        let (mut link, _) = h.start();
        for pause in [75.0, 150.0] {
            match link.answered(errcode(-1), &mut h.env()).unwrap() {
                Need::Wait(ms) => assert_eq!(ms, pause),
                other => panic!("expected a pause, got {other:?}"),
            }
            assert_eq!(sent_with(&link.resumed(&h.client)), "T1");
        }
        assert_eq!(link.answered(errcode(-1), &mut h.env()).unwrap_err().code(), "API_ERROR");
    }

    #[test]
    fn a_rejected_token_is_dropped_and_replaced_once() {
        let mut h = Harness::managed();
        let (mut link, _) = h.start();
        assert!(matches!(link.answered(errcode(40001), &mut h.env()).unwrap(), Need::Refresh));
        assert!(h.tokens.cache.usable(NOW).is_none(), "T1 dropped");
        assert_eq!(sent_with(&link.send_with(Some("T2".into()), &h.client)), "T2");
        let error = link.answered(errcode(40001), &mut h.env()).unwrap_err();
        assert_eq!(error.class_name(), "auth", "never a loop");
    }

    #[test]
    fn a_rejected_token_from_the_callers_function_is_asked_for_again_once_with_force_refresh() {
        let mut h = Harness::new(r#"{"accessToken":{"$type":"function"},"retries":2}"#);
        let (mut link, _) = h.start();
        link.from_function(Ok(Some("F1".into())), &h.client, &mut h.tokens).unwrap();
        assert!(matches!(link.answered(errcode(40001), &mut h.env()).unwrap(), Need::Function { force_refresh: true }));
        assert_eq!(sent_with(&link.from_function(Ok(Some("F2".into())), &h.client, &mut h.tokens).unwrap()), "F2");
        let error = link.answered(errcode(42001), &mut h.env()).unwrap_err();
        assert_eq!(error.class_name(), "auth", "never a loop");
    }

    #[test]
    fn a_token_the_package_does_not_manage_is_never_dropped() {
        let mut h = Harness::new(r#"{"accessToken":"GIVEN"}"#);
        let (mut link, need) = h.start();
        assert_eq!(sent_with(&need), "GIVEN");
        assert_eq!(link.answered(errcode(40001), &mut h.env()).unwrap_err().class_name(), "auth");
    }

    #[test]
    fn a_rate_limited_api_asks_the_limiter_before_every_attempt_and_honours_its_waits() {
        let mut h = Harness::new(r#"{"accessToken":"GIVEN","retries":1,"rateLimiter":{"take":{"$type":"function"}}}"#);
        let (mut link, need) = h.start();
        let asked =
            |need: &Need| matches!(need, Need::Take { key, per_second: 100 } if key == "miniprogram-links:wechat::urlscheme.generate");
        assert!(asked(&need), "{need:?}");
        assert!(matches!(link.taken(Ok(Some(250.0)), &h.client).unwrap(), Need::Wait(ms) if ms == 250.0));
        assert_eq!(sent_with(&link.resumed(&h.client)), "GIVEN", "the wait was a reservation: sent without asking again");
        assert!(matches!(link.answered(errcode(-1), &mut h.env()).unwrap(), Need::Wait(_)));
        assert!(asked(&link.resumed(&h.client)), "a retry asks again");
        assert_eq!(sent_with(&link.taken(Ok(Some(0.0)), &h.client).unwrap()), "GIVEN");
        let error = link.taken(Err(Hooked::Silent), &h.client).unwrap_err();
        assert_eq!(error.code(), "NETWORK_ERROR");
    }

    #[test]
    fn quota_is_never_retried() {
        let mut h = Harness::managed();
        let (mut link, _) = h.start();
        assert_eq!(link.answered(errcode(45009), &mut h.env()).unwrap_err().class_name(), "quota");
    }
}
