//! The platforms' per-second limits, shared by every process holding the same
//! appid through the caller's `rateLimiter` (`take(key, perSecond)` resolving
//! to the milliseconds to wait before sending, 0 to send now), asked before
//! every request to an API with a documented limit, every retry included.
//! An answer is a reservation: after its wait the request is sent without
//! asking again, so a window's capacity goes to requests in the order they
//! asked, and no request loses the race for a window again and again. A wait
//! longer than `timeoutMs` fails the call instead.

use crate::api::Api;
use crate::config::Config;
use crate::error::Failure;
use crate::token::refresh::{hook_failure, Hooked};

/// The limit one request is held to.
#[derive(Debug)]
pub struct Limit {
    /// `miniprogram-links:<platform>:<appid>:<api>`.
    pub key: String,
    /// The API's documented limit (the limiter shares it out).
    pub per_second: u32,
    /// Whether the limiter's last answer lets the next send through, once its wait is over.
    reserved: bool,
}

impl Limit {
    /// The limit a call of `api` asks the `rateLimiter` for; `None` without a
    /// limiter or a documented limit.
    pub fn of(config: &Config, api: Api, key: impl FnOnce() -> String) -> Option<Limit> {
        let per_second = api.endpoint().and_then(|e| e.per_second).filter(|_| config.rate_limiter)?;
        Some(Limit { key: key(), per_second, reserved: false })
    }

    /// Whether the next send must ask the limiter first (it has no reservation);
    /// uses up the reservation it has.
    pub fn must_ask(&mut self) -> bool {
        !std::mem::take(&mut self.reserved)
    }

    /// What `take` settled to (a number, or `None` for anything else): `None`
    /// to send now, `Some(ms)` to send after that wait.
    pub fn taken(&mut self, settled: Result<Option<f64>, Hooked>, timeout_ms: u32) -> Result<Option<f64>, Failure> {
        match settled {
            Ok(Some(ms)) if ms.is_nan() || ms == f64::INFINITY => Err(not_a_wait()),
            Ok(Some(ms)) if ms <= 0.0 => Ok(None),
            Ok(Some(ms)) if ms > f64::from(timeout_ms) => {
                // Whole milliseconds: formatting a float would link float formatting into the module.
                let reason =
                    format!("rateLimiter.take asked for a wait of {} ms, longer than timeoutMs ({timeout_ms} ms)", ms.ceil() as u64);
                Err(Failure::Network { reason })
            }
            Ok(Some(ms)) => {
                self.reserved = true;
                Ok(Some(ms))
            }
            Ok(None) => Err(not_a_wait()),
            Err(hooked) => Err(hook_failure("rateLimiter.take", hooked, timeout_ms)),
        }
    }
}

fn not_a_wait() -> Failure {
    Failure::Network { reason: "rateLimiter.take must return (or resolve to) a number of milliseconds".into() }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_wait_is_a_reservation_up_to_timeout_ms() {
        let mut limit = limit(LIMITED, Api::UrlschemeGenerate).unwrap();
        assert!(limit.must_ask());
        assert_eq!(limit.taken(Ok(Some(0.0)), 1000), Ok(None));
        assert_eq!(limit.taken(Ok(Some(-3.0)), 1000), Ok(None));
        assert!(limit.must_ask(), "no reservation: ask before the next send");
        assert_eq!(limit.taken(Ok(Some(600.0)), 1000), Ok(Some(600.0)));
        assert!(!limit.must_ask(), "after the wait the request goes without asking again");
        assert!(limit.must_ask(), "the reservation is used up");
        let held = limit.taken(Ok(Some(1000.5)), 1000).unwrap_err();
        assert_eq!(
            held,
            Failure::Network { reason: "rateLimiter.take asked for a wait of 1001 ms, longer than timeoutMs (1000 ms)".into() }
        );
    }

    #[test]
    fn a_limiter_that_fails_or_answers_nonsense_fails_the_call_naming_it() {
        let mut limit = limit(LIMITED, Api::UrlschemeGenerate).unwrap();
        let reason = |r: Result<Option<f64>, Failure>| match r {
            Err(Failure::Network { reason }) => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(reason(limit.taken(Err(Hooked::Threw("down".into())), 50)), "rateLimiter.take failed: down");
        assert_eq!(reason(limit.taken(Err(Hooked::Silent), 50)), "rateLimiter.take did not answer within 50 ms (timeoutMs)");
        for nonsense in [None, Some(f64::NAN), Some(f64::INFINITY)] {
            assert!(reason(limit.taken(Ok(nonsense), 50)).starts_with("rateLimiter.take must return"));
        }
    }
}
