//! Access-token cache decisions: when a token is still good, and which token a
//! rejection may drop.

pub mod link_call;
pub mod refresh;

use serde::Serialize;

/// Refresh this long before the platform's expiry, at most half the lifetime.
const REFRESH_MARGIN_MS: f64 = 5.0 * 60.0 * 1000.0;

/// A token as cached in memory and in a `tokenStore`
/// (`{ accessToken, expiresAt, refreshAt }`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    pub access_token: String,
    /// When the platform stops accepting it (ms since the epoch).
    pub expires_at: f64,
    /// When to fetch the next one (ms since the epoch).
    pub refresh_at: f64,
}

impl Token {
    pub fn granted(access_token: String, expires_in_seconds: f64, now_ms: f64) -> Token {
        let lifetime = expires_in_seconds.max(0.0) * 1000.0;
        let margin = REFRESH_MARGIN_MS.min(lifetime / 2.0);
        Token { access_token, expires_at: now_ms + lifetime, refresh_at: now_ms + lifetime - margin }
    }

    pub fn usable(&self, now_ms: f64) -> bool {
        !self.access_token.is_empty() && now_ms < self.refresh_at
    }

    /// Whole seconds left before the platform's expiry.
    pub fn expires_in(&self, now_ms: f64) -> f64 {
        ((self.expires_at - now_ms) / 1000.0).floor().max(0.0)
    }
}

/// One client's token: the current one, and the last one the platform rejected.
#[derive(Debug, Default)]
pub struct TokenCache {
    current: Option<Token>,
    rejected: Option<String>,
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
        self.rejected.as_deref() == Some(access_token)
    }

    pub fn keep(&mut self, token: Token) {
        self.current = Some(token);
    }

    /// Compare-and-drop: forget `rejected` only if it is still the cached token,
    /// so that a fresher token fetched meanwhile survives. Returns whether it was.
    pub fn reject(&mut self, rejected: &str) -> bool {
        self.rejected = Some(rejected.to_owned());
        let same = self.current.as_ref().is_some_and(|t| t.access_token == rejected);
        if same {
            self.current = None;
        }
        same
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
        assert!(!cache.reject("OLD"));
        assert_eq!(cache.usable(NOW).map(|t| t.access_token.as_str()), Some("NEW"));
        assert!(cache.reject("NEW"));
        assert!(cache.usable(NOW).is_none());
    }

    #[test]
    fn a_rejected_token_is_not_adopted_from_a_store() {
        let mut cache = TokenCache::default();
        let stale = Token::granted("STALE".into(), 7200.0, NOW);
        cache.keep(stale.clone());
        cache.reject("STALE");
        assert!(!cache.may_adopt(&stale, NOW));
        assert!(cache.may_adopt(&Token::granted("FRESH".into(), 7200.0, NOW), NOW));
    }

    #[test]
    fn a_token_is_stored_under_camel_case_names() {
        let t = Token { access_token: "T".into(), expires_at: 1.5, refresh_at: 2.0 };
        let value = serde_json::to_value(&t).unwrap();
        assert_eq!(value, serde_json::json!({"accessToken": "T", "expiresAt": 1.5, "refreshAt": 2.0}));
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
