//! The platforms' per-second limits, shared by every process holding the same
//! appid through the caller's `rateLimiter` (`take(key, perSecond)` resolving
//! to the milliseconds to wait, 0 to go now), asked before every request to an
//! API with a documented limit, every retry included. With fixed windows the
//! answer to "wait N ms" is to wait, then ask again: a window's capacity goes
//! to whoever asks first in it. The waits of one request are bounded by
//! `timeoutMs` in all, so a limiter that never lets it go fails it.

use crate::api::Api;
use crate::config::Config;
use crate::error::Failure;
use crate::token::refresh::{hook_failure, Hooked};

/// The limit one request is held to, and how long it may wait for it.
#[derive(Debug)]
pub struct Limit {
    /// `miniprogram-links:<platform>:<appid>:<api>`.
    pub key: String,
    /// The API's documented limit (the limiter shares it out).
    pub per_second: u32,
    /// When the waits for the current request must end (ms since the epoch).
    deadline: Option<f64>,
}

impl Limit {
    /// The limit a call of `api` asks the `rateLimiter` for; `None` without a
    /// limiter or a documented limit.
    pub fn of(config: &Config, api: Api, key: impl FnOnce() -> String) -> Option<Limit> {
        let per_second = api.endpoint().and_then(|e| e.per_second).filter(|_| config.rate_limiter)?;
        Some(Limit { key: key(), per_second, deadline: None })
    }

    /// What `take` settled to (a number, or `None` for anything else): `None`
    /// to send now, `Some(ms)` to wait that long and ask again.
    pub fn taken(&mut self, settled: Result<Option<f64>, Hooked>, now_ms: f64, timeout_ms: u32) -> Result<Option<f64>, Failure> {
        let wait = match settled {
            Ok(Some(ms)) if !ms.is_nan() && ms < f64::INFINITY => ms,
            Ok(_) => {
                return Err(Failure::Network { reason: "rateLimiter.take must return (or resolve to) a number of milliseconds".into() })
            }
            Err(hooked) => return Err(hook_failure("rateLimiter.take", hooked, timeout_ms)),
        };
        if wait <= 0.0 {
            self.deadline = None;
            return Ok(None);
        }
        let deadline = *self.deadline.get_or_insert(now_ms + f64::from(timeout_ms));
        if now_ms + wait > deadline {
            let reason = format!("rateLimiter.take held the request back longer than {timeout_ms} ms (timeoutMs)");
            return Err(Failure::Network { reason });
        }
        Ok(Some(wait))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_800_000_000_000.0;

    fn limit(options: &str, api: Api) -> Option<Limit> {
        let config = Config::read(Api::WechatClient, options).unwrap();
        Limit::of(&config, api, || "K".into())
    }

    const LIMITED: &str = r#"{"accessToken":"t","timeoutMs":1000,"rateLimiter":{"take":{"$type":"function"}}}"#;

    #[test]
    fn only_apis_with_a_documented_limit_ask_and_only_with_a_limiter() {
        assert_eq!(limit(LIMITED, Api::UrlschemeGenerate).map(|l| l.per_second), Some(100));
        assert_eq!(limit(LIMITED, Api::UrllinkGenerate).map(|l| l.per_second), Some(200));
        assert!(limit(LIMITED, Api::UrllinkQuery).is_none());
        assert!(limit(LIMITED, Api::WechatToken).is_none(), "token requests have no documented limit");
        assert!(limit(r#"{"accessToken":"t"}"#, Api::UrlschemeGenerate).is_none());
    }

    #[test]
    fn waits_are_honoured_until_timeout_ms_in_all() {
        let mut limit = limit(LIMITED, Api::UrlschemeGenerate).unwrap();
        assert_eq!(limit.taken(Ok(Some(0.0)), NOW, 1000), Ok(None));
        assert_eq!(limit.taken(Ok(Some(-3.0)), NOW, 1000), Ok(None));
        assert_eq!(limit.taken(Ok(Some(600.0)), NOW, 1000), Ok(Some(600.0)));
        assert_eq!(limit.taken(Ok(Some(400.0)), NOW + 600.0, 1000), Ok(Some(400.0)));
        let held = limit.taken(Ok(Some(1.0)), NOW + 1000.0, 1000).unwrap_err();
        assert_eq!(held, Failure::Network { reason: "rateLimiter.take held the request back longer than 1000 ms (timeoutMs)".into() });
        assert_eq!(limit.taken(Ok(Some(0.0)), NOW + 1000.0, 1000), Ok(None));
        assert_eq!(limit.taken(Ok(Some(900.0)), NOW + 1000.0, 1000), Ok(Some(900.0)), "a new request, a new deadline");
    }

    #[test]
    fn a_limiter_that_fails_or_answers_nonsense_fails_the_call_naming_it() {
        let mut limit = limit(LIMITED, Api::UrlschemeGenerate).unwrap();
        let reason = |r: Result<Option<f64>, Failure>| match r {
            Err(Failure::Network { reason }) => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(reason(limit.taken(Err(Hooked::Threw("down".into())), NOW, 50)), "rateLimiter.take failed: down");
        assert_eq!(reason(limit.taken(Err(Hooked::Silent), NOW, 50)), "rateLimiter.take did not answer within 50 ms (timeoutMs)");
        for nonsense in [None, Some(f64::NAN), Some(f64::INFINITY)] {
            assert!(reason(limit.taken(Ok(nonsense), NOW, 50)).starts_with("rateLimiter.take must return"));
        }
    }
}
