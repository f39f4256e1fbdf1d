//! Access-token cache decisions: when a token is still good, and which token a
//! rejection may drop.

pub mod link_call;
pub mod refresh;

use serde::Serialize;

use crate::error::Error;

/// Refresh this long before the platform's expiry, at most half the lifetime.
const REFRESH_MARGIN_MS: f64 = 5.0 * 60.0 * 1000.0;

/// WeChat's limits on the stable token's `force_refresh`, per appid: 30 s
/// apart, and 20 in a day.
const FORCE_INTERVAL_MS: f64 = 30_000.0;
pub const FORCES_PER_DAY: usize = 20;
const DAY_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

/// A token as cached in memory and in a `tokenStore`
/// (`{ accessToken, expiresAt, refreshAt, forcedAt? }`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    pub access_token: String,
    /// When the platform stops accepting it (ms since the epoch).
    pub expires_at: f64,
    /// When to fetch the next one (ms since the epoch).
    pub refresh_at: f64,
    /// In a store only: when the fleet last forced a refresh (the last day's),
    /// so that every instance keeps to the platform's limits.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forced_at: Vec<f64>,
}

impl Token {
    pub fn granted(access_token: String, expires_in_seconds: f64, now_ms: f64) -> Token {
        let lifetime = expires_in_seconds.max(0.0) * 1000.0;
        let margin = REFRESH_MARGIN_MS.min(lifetime / 2.0);
        Token { access_token, expires_at: now_ms + lifetime, refresh_at: now_ms + lifetime - margin, forced_at: Vec::new() }
    }

    pub fn usable(&self, now_ms: f64) -> bool {
        !self.access_token.is_empty() && now_ms < self.refresh_at
    }

    /// Whole seconds left before the platform's expiry.
    pub fn expires_in(&self, now_ms: f64) -> f64 {
        ((self.expires_at - now_ms) / 1000.0).floor().max(0.0)
    }
}

/// One client's token: the current one, the last one the platform rejected
/// (and the error it answered), and when refreshes were last forced.
#[derive(Debug, Default)]
pub struct TokenCache {
    current: Option<Token>,
    rejected: Option<(String, Error)>,
    forced_at: Vec<f64>,
}

impl TokenCache {
    pub fn usable(&self, now_ms: f64) -> Option<&Token> {
        self.current.as_ref().filter(|t| t.usable(now_ms))
    }

    /// Whether a token from elsewhere (a shared store) may be adopted.
    pub fn may_adopt(&self, token: &Token, now_ms: f64) -> bool {
        token.usable(now_ms) && !self.was_rejected(&token.access_token)
    }

    pub fn was_rejected(&self, access_token: &str) -> bool {
        self.rejected.as_ref().is_some_and(|(token, _)| token == access_token)
    }

    /// The platform's answer to the token it rejected last.
    pub fn rejection(&self) -> Option<&Error> {
        self.rejected.as_ref().map(|(_, error)| error)
    }

    pub fn keep(&mut self, token: Token) {
        self.current = Some(token);
    }

    /// Compare-and-drop: forget `rejected` only if it is still the cached token,
    /// so that a fresher token fetched meanwhile survives. Returns whether it was.
    pub fn reject(&mut self, rejected: &str, by: &Error) -> bool {
        self.rejected = Some((rejected.to_owned(), by.clone()));
        let same = self.current.as_ref().is_some_and(|t| t.access_token == rejected);
        if same {
            self.current = None;
        }
        same
    }

    /// The forced refreshes of the last day, this instance's and those a
    /// store told of.
    pub fn forced_at(&self) -> &[f64] {
        &self.forced_at
    }

    /// Adds the forced refreshes another instance stored.
    pub fn learn_forced(&mut self, stored: &[f64]) {
        for &at in stored.iter().filter(|at| at.is_finite()) {
            self.insert_forced(at);
        }
    }

    /// Why `force_refresh` may not be sent now, if the platform's limits say so.
    pub fn force_refused(&self, now_ms: f64) -> Option<String> {
        // Sorted, so the last of the day is the latest.
        let day: Vec<f64> = self.forced_at.iter().copied().filter(|&at| now_ms - at < DAY_MS).collect();
        let limits = "WeChat allows force_refresh once every 30 s and 20 times a day per appid";
        // Whole seconds as integers: formatting an f64 would link float printing into the wasm.
        let ago = |at: f64| ((now_ms - at) / 1000.0).floor() as u64;
        let wait = |until: f64| ((until - now_ms) / 1000.0).ceil() as u64;
        match (day.first(), day.last()) {
            (_, Some(&last)) if now_ms - last < FORCE_INTERVAL_MS => {
                Some(format!("{limits}; the last was forced {} s ago: try again in {} s", ago(last), wait(last + FORCE_INTERVAL_MS)))
            }
            (Some(&first), _) if day.len() >= FORCES_PER_DAY => {
                Some(format!("{limits}; {} were forced in the last 24 hours: try again in {} s", day.len(), wait(first + DAY_MS)))
            }
            _ => None,
        }
    }

    /// Counts a forced refresh sent now, forgetting those older than a day.
    pub fn forced(&mut self, now_ms: f64) {
        self.forced_at.retain(|&at| now_ms - at < DAY_MS);
        self.insert_forced(now_ms);
    }

    /// Keeps the list sorted, without repeats, and no longer than the limits
    /// can ever need (by hand: a sort routine would add kilobytes to the wasm).
    fn insert_forced(&mut self, at: f64) {
        let place = self.forced_at.partition_point(|&earlier| earlier < at);
        if self.forced_at.get(place) != Some(&at) {
            self.forced_at.insert(place, at);
        }
        if self.forced_at.len() > FORCES_PER_DAY {
            self.forced_at.remove(0);
        }
    }
}

/// Sharing one token among instances through a `tokenStore` with a lock.
pub mod store {
    use crate::config::Config;

    /// How often a waiting instance looks for the token the lock holder stores.
    pub const POLL_MS: f64 = 50.0;
    /// Lock lifetimes to wait through before fetching without the lock.
    pub const LOCK_ROUNDS: u32 = 3;

    /// Long enough for the holder's token request with all its retries; short
    /// enough that a crashed holder does not stall the others for long.
    pub fn lock_ttl_ms(config: &Config) -> f64 {
        let attempts = f64::from(config.retries + 1);
        (f64::from(config.timeout_ms) * attempts + 2_000.0).min(60_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_800_000_000_000.0;

    #[test]
    fn a_token_is_refreshed_five_minutes_early() {
        let t = Token::granted("T".into(), 7200.0, NOW);
        assert_eq!(t.expires_at, NOW + 7_200_000.0);
        assert!(t.usable(NOW + 6_899_999.0));
        assert!(!t.usable(NOW + 6_900_000.0));
        assert_eq!(t.expires_in(NOW + 1_500.0), 7198.0);
    }

    #[test]
    fn a_short_lived_token_is_used_for_half_its_life() {
        let t = Token::granted("T".into(), 100.0, NOW);
        assert!(t.usable(NOW + 49_999.0));
        assert!(!t.usable(NOW + 50_000.0));
        assert!(!Token::granted("T".into(), 0.0, NOW).usable(NOW));
        assert!(!Token::granted(String::new(), 7200.0, NOW).usable(NOW));
    }

    #[test]
    fn reject_drops_only_the_same_token() {
        let mut cache = TokenCache::default();
        cache.keep(Token::granted("NEW".into(), 7200.0, NOW));
        let by = crate::error::Failure::Network { reason: String::new() }.at(crate::api::Api::WechatToken);
        assert!(!cache.reject("OLD", &by));
        assert_eq!(cache.usable(NOW).map(|t| t.access_token.as_str()), Some("NEW"));
        assert!(cache.reject("NEW", &by));
        assert!(cache.usable(NOW).is_none());
    }

    #[test]
    fn a_rejected_token_is_not_adopted_from_a_store() {
        let mut cache = TokenCache::default();
        let stale = Token::granted("STALE".into(), 7200.0, NOW);
        cache.keep(stale.clone());
        cache.reject("STALE", &crate::error::Failure::Network { reason: String::new() }.at(crate::api::Api::WechatToken));
        assert!(!cache.may_adopt(&stale, NOW));
        assert!(cache.may_adopt(&Token::granted("FRESH".into(), 7200.0, NOW), NOW));
    }

    #[test]
    fn a_token_is_stored_under_camel_case_names() {
        let mut t = Token { access_token: "T".into(), expires_at: 1.5, refresh_at: 2.0, forced_at: Vec::new() };
        assert_eq!(serde_json::to_value(&t).unwrap(), serde_json::json!({"accessToken": "T", "expiresAt": 1.5, "refreshAt": 2.0}));
        t.forced_at.push(1.0);
        assert_eq!(serde_json::to_value(&t).unwrap()["forcedAt"], serde_json::json!([1.0]));
    }

    #[test]
    fn force_refresh_is_held_to_30_s_apart_and_20_a_day() {
        let mut cache = TokenCache::default();
        assert_eq!(cache.force_refused(NOW), None);
        cache.forced(NOW);
        let refused = cache.force_refused(NOW + 12_500.0).unwrap();
        assert!(refused.ends_with("the last was forced 12 s ago: try again in 18 s"), "{refused}");
        assert_eq!(cache.force_refused(NOW + 30_000.0), None);
        for i in 1..FORCES_PER_DAY {
            cache.forced(NOW + 30_000.0 * i as f64);
        }
        let later = NOW + 60.0 * 60_000.0;
        let refused = cache.force_refused(later).unwrap();
        assert!(refused.ends_with("20 were forced in the last 24 hours: try again in 82800 s"), "{refused}");
        assert_eq!(cache.force_refused(NOW + DAY_MS), None, "a rolling day: the first has aged out");
    }

    #[test]
    fn forced_refreshes_learned_from_a_store_count_too() {
        let mut cache = TokenCache::default();
        cache.forced(NOW - DAY_MS - 1.0);
        cache.learn_forced(&[NOW - 5_000.0, f64::NAN, NOW - 5_000.0]);
        assert_eq!(cache.forced_at(), [NOW - DAY_MS - 1.0, NOW - 5_000.0]);
        assert!(cache.force_refused(NOW).is_some());
        cache.forced(NOW + 30_000.0);
        assert_eq!(cache.forced_at(), [NOW - 5_000.0, NOW + 30_000.0], "older than a day: forgotten");
    }

    #[test]
    fn lock_ttl_covers_every_attempt() {
        let config =
            crate::config::Config::read(crate::api::Api::WechatClient, r#"{"appid":"a","secret":"s","timeoutMs":1000,"retries":2}"#)
                .unwrap();
        assert_eq!(store::lock_ttl_ms(&config), 5_000.0);
        let slow = crate::config::Config::read(crate::api::Api::WechatClient, r#"{"appid":"a","secret":"s","timeoutMs":100000}"#).unwrap();
        assert_eq!(store::lock_ttl_ms(&slow), 60_000.0);
    }
}
