//! What a platform's error code means to the caller, and how the package treats it.
//! A leaf module: the platforms' tables and the error type both read it.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Busy, or a hiccup inside the platform: worth another attempt after a pause.
    Transient,
    /// Too many requests per second: worth another attempt after a pause.
    RateLimited,
    /// The access token was rejected: drop it, fetch a new one, retry once.
    TokenRejected,
    /// A daily or lifetime quota is used up: retrying only burns more of it.
    Quota,
    /// Anything else: the request or the account must change first.
    Fatal,
}

/// A documented error code: what it means for the caller and how to treat it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Documented {
    pub meaning: &'static str,
    pub class: Class,
}

pub const fn doc(meaning: &'static str, class: Class) -> Option<Documented> {
    Some(Documented { meaning, class })
}
