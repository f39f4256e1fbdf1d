//! The platforms' documented limits, one function per rule, shared by every API
//! that has the rule.

use crate::error::Failure;
use crate::input::{clip, number_text, whole, Instant};

/// 003 (newer than 002's 128): `query` of a scheme, a URL Link and `cloud_base`.
pub const QUERY_MAX_CHARS: usize = 1024;
/// The plaintext scheme's `query`, counted before percent-encoding.
pub const PLAIN_QUERY_MAX_CHARS: usize = 512;
/// 000: `page_url` of a Short Link.
pub const PAGE_URL_MAX_CHARS: usize = 1024;
/// A link on a landing page (a scheme, a URL Link, a QR code's URL).
pub const LINK_MAX_CHARS: usize = 2048;
/// 004: Douyin's `query`.
pub const DOUYIN_QUERY_MAX_CHARS: usize = 1024;
/// 001 (85401): an expiry must be more than a minute ahead.
pub const WECHAT_MIN_LEAD_SECONDS: i64 = 60;
/// 003: links and schemes are valid at most 30 days.
pub const WECHAT_MAX_LEAD_SECONDS: i64 = 30 * DAY;
/// 003: `expire_interval` is 1 to 30 days.
pub const EXPIRE_INTERVAL_DAYS: std::ops::RangeInclusive<i64> = 1..=30;
/// 004: a Douyin URL Link is valid at most 180 days.
pub const DOUYIN_MAX_LEAD_SECONDS: i64 = 180 * DAY;
pub const ENV_VERSIONS: [&str; 3] = ["release", "trial", "develop"];
pub const DOUYIN_APP_NAMES: [&str; 2] = ["douyin", "douyinlite"];
pub const DOUYIN_V2_APP_NAMES: [&str; 4] = ["douyin", "douyinlite", "toutiao", "toutiaolite"];

const DAY: i64 = 86_400;
/// Unix seconds beyond this are milliseconds (it is the year 33658 in seconds).
const LOOKS_LIKE_MILLISECONDS: f64 = 1e12;

/// A `query` charset: ASCII letters and digits plus `symbols`.
struct Charset {
    symbols: &'static str,
}

/// 001/003: "只支持数字，大小写英文以及部分特殊字符 !#$&'()*+,/:;=?@-._~%".
/// Some copies of the list end in a backtick, so it is accepted too.
const WECHAT_QUERY: Charset = Charset { symbols: "!#$&'()*+,/:;=?@-._~%`" };
/// 004: Douyin's list adds `{}` and the quote a JSON object needs.
const DOUYIN_QUERY: Charset = Charset { symbols: "{}\"!#$&'()*+,/:;=?@-._~%" };

impl Charset {
    fn allows(&self, c: char) -> bool {
        c.is_ascii_alphanumeric() || self.symbols.contains(c)
    }
}

/// Every page path: the query goes in `query`, never after a `?`.
pub fn path(field: &str, value: &str) -> Result<(), Failure> {
    if value.contains('?') {
        return Err(Failure::invalid(field, "must not contain `?`: pass the query in `query`"));
    }
    Ok(())
}

/// A character for a message: itself if printable, else its code point.
fn show_char(c: char) -> String {
    if c.is_ascii_graphic() {
        format!("`{c}`")
    } else {
        format!("U+{:04X}", u32::from(c))
    }
}

/// At most `max` characters (not bytes: `你` is one).
pub fn at_most_chars(field: &str, value: &str, max: usize) -> Result<(), Failure> {
    let count = value.chars().count();
    if count > max {
        return Err(Failure::invalid(field, format!("is {count} characters long, at most {max} are allowed")));
    }
    Ok(())
}

fn chars_within(field: &str, value: &str, max: usize, charset: &Charset) -> Result<(), Failure> {
    at_most_chars(field, value, max)?;
    if let Some(bad) = value.chars().find(|c| !charset.allows(*c)) {
        return Err(Failure::invalid(
            field,
            format!("contains {}, which the platform does not accept (allowed: 0-9 a-z A-Z and {})", show_char(bad), charset.symbols),
        ));
    }
    Ok(())
}

pub fn wechat_query(field: &str, value: &str, max: usize) -> Result<(), Failure> {
    chars_within(field, value, max, &WECHAT_QUERY)
}

/// 004: the text of a JSON object, at most 1024 characters, Douyin's charset.
pub fn douyin_query(field: &str, value: &str) -> Result<(), Failure> {
    chars_within(field, value, DOUYIN_QUERY_MAX_CHARS, &DOUYIN_QUERY)?;
    match serde_json::from_str(value) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(Failure::invalid(field, "must be the text of a JSON object, such as {\"id\":\"1\"} (use {} for none)")),
    }
}

pub fn page_url(field: &str, value: &str) -> Result<(), Failure> {
    at_most_chars(field, value, PAGE_URL_MAX_CHARS)
}

/// A link that goes into an `href`: it starts with one of `prefixes` and has
/// something after it, at most `LINK_MAX_CHARS`, all printable ASCII but the
/// characters no URL holds unencoded (space, `"`, `<`, `>`, `\`, `^`, `` ` ``,
/// `{`, `|`, `}`). Nothing else (`javascript:`, `data:`, …) ever reaches a page.
pub fn link(field: &str, value: &str, prefixes: &[&str], what: &str) -> Result<(), Failure> {
    let rest = prefixes.iter().find_map(|prefix| value.strip_prefix(prefix));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => {}
        _ => return Err(Failure::invalid(field, format!("must be {what}, got `{}`", clip(value)))),
    }
    at_most_chars(field, value, LINK_MAX_CHARS)?;
    if let Some(bad) = value.chars().find(|c| !c.is_ascii_graphic() || "\"<>\\^`{|}".contains(*c)) {
        return Err(Failure::invalid(field, format!("contains {}, which a link must percent-encode", show_char(bad))));
    }
    Ok(())
}

/// An `https:` URL with a host, for an `href` (see `link`).
pub fn https_url(field: &str, value: &str) -> Result<(), Failure> {
    link(field, value, &["https://"], "an https: URL (https://host/…)")
}

pub fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), Failure> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(Failure::invalid(field, format!("must be one of {}, got `{}`", allowed.join(", "), clip(value))))
}

pub fn env_version(field: &str, value: &str) -> Result<(), Failure> {
    one_of(field, value, &ENV_VERSIONS)
}

pub fn expire_interval(field: &str, days: i64) -> Result<(), Failure> {
    if EXPIRE_INTERVAL_DAYS.contains(&days) {
        return Ok(());
    }
    Err(Failure::invalid(field, format!("must be 1 to 30 days, got {days}")))
}

/// Whole Unix seconds from a number or a `Date`, refusing milliseconds.
fn unix_seconds(field: &str, at: Instant) -> Result<i64, Failure> {
    let seconds = match at {
        Instant::Seconds(s) => s,
        Instant::Date { ms } => (ms / 1000.0).floor(),
    };
    if seconds.abs() >= LOOKS_LIKE_MILLISECONDS {
        return Err(Failure::invalid(
            field,
            format!("{} looks like milliseconds: pass Unix seconds (Math.floor(ms / 1000)) or a Date", number_text(seconds)),
        ));
    }
    whole(seconds).ok_or_else(|| Failure::invalid(field, format!("must be whole Unix seconds, got {}", number_text(seconds))))
}

fn within(field: &str, at: Instant, now: i64, min_lead: i64, max_lead: i64, window: &str) -> Result<i64, Failure> {
    let seconds = unix_seconds(field, at)?;
    let lead = seconds - now;
    if lead < min_lead || lead > max_lead {
        let relative = if lead < 0 { format!("{} s in the past", -lead) } else { format!("{lead} s ahead") };
        return Err(Failure::invalid(field, format!("must be {window}; {seconds} is {relative}")));
    }
    Ok(seconds)
}

/// 001 (85401) and 003: more than 1 minute and at most 30 days ahead.
pub fn wechat_expire_time(field: &str, at: Instant, now: i64) -> Result<i64, Failure> {
    let window = "more than 1 minute and at most 30 days ahead";
    within(field, at, now, WECHAT_MIN_LEAD_SECONDS + 1, WECHAT_MAX_LEAD_SECONDS, window)
}

/// 004: in the future and at most 180 days ahead.
pub fn douyin_expire_time(field: &str, at: Instant, now: i64) -> Result<i64, Failure> {
    within(field, at, now, 1, DOUYIN_MAX_LEAD_SECONDS, "in the future and at most 180 days ahead")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn path_refuses_a_query() {
        assert!(path("path", "pages/index").is_ok());
        assert!(path("path", "").is_ok());
        assert!(path("path", "pages/index?a=1").is_err());
    }

    #[test]
    fn wechat_query_at_and_past_its_bounds() {
        let max = "a".repeat(QUERY_MAX_CHARS);
        assert!(wechat_query("q", &max, QUERY_MAX_CHARS).is_ok());
        let over = "a".repeat(QUERY_MAX_CHARS + 1);
        assert_eq!(
            wechat_query("q", &over, QUERY_MAX_CHARS).unwrap_err(),
            Failure::invalid("q", "is 1025 characters long, at most 1024 are allowed")
        );
        assert!(wechat_query("q", "a=1&b=%E4%BD%A0!#$'()*+,/:;=?@-._~`", QUERY_MAX_CHARS).is_ok());
        for bad in ["a b", "a=你", "a=\"", "a=<", "a=^", "a=[", "a={", "a=|", "a=\\"] {
            assert!(wechat_query("q", bad, QUERY_MAX_CHARS).is_err(), "{bad}");
        }
    }

    #[test]
    fn douyin_query_must_be_a_json_object() {
        assert!(douyin_query("query", "{}").is_ok());
        assert!(douyin_query("query", r#"{"id":"123"}"#).is_ok());
        assert!(douyin_query("query", "[]").is_err());
        assert!(douyin_query("query", "id=1").is_err());
        assert!(douyin_query("query", r#"{"id": "1"}"#).is_err(), "space is outside the charset");
        let long = format!(r#"{{"a":"{}"}}"#, "x".repeat(DOUYIN_QUERY_MAX_CHARS - 8));
        assert_eq!(long.len(), DOUYIN_QUERY_MAX_CHARS);
        assert!(douyin_query("query", &long).is_ok());
        let longer = format!(r#"{{"a":"{}"}}"#, "x".repeat(DOUYIN_QUERY_MAX_CHARS - 7));
        assert!(douyin_query("query", &longer).is_err());
    }

    #[test]
    fn page_url_bounds() {
        assert!(page_url("pageUrl", &"p".repeat(PAGE_URL_MAX_CHARS)).is_ok());
        assert!(page_url("pageUrl", &"p".repeat(PAGE_URL_MAX_CHARS + 1)).is_err());
        assert!(page_url("pageUrl", "pages/a?x=1").is_ok());
    }

    #[test]
    fn links_take_only_their_prefixes() {
        assert!(https_url("u", "https://wxaurl.cn/AbC?cq=a%3D1").is_ok());
        for bad in ["http://a.cn/", "https://", "https:///x", "javascript:alert(1)", "data:text/html,x", " https://a.cn/", "HTTPS://a.cn/"]
        {
            assert!(https_url("u", bad).is_err(), "{bad}");
        }
        for bad in ["https://a.cn/\"x", "https://a.cn/<", "https://a.cn/a b", "https://a.cn/你", "https://a.cn/\n"] {
            assert!(https_url("u", bad).is_err(), "{bad:?}");
        }
        let long = format!("https://a.cn/{}", "x".repeat(LINK_MAX_CHARS - 13));
        assert!(https_url("u", &long).is_ok());
        assert!(https_url("u", &format!("{long}x")).is_err());
    }

    #[test]
    fn at_most_chars_counts_characters() {
        assert!(at_most_chars("t", &"你".repeat(64), 64).is_ok());
        assert!(at_most_chars("t", &"你".repeat(65), 64).is_err());
    }

    #[test]
    fn env_versions() {
        for ok in ENV_VERSIONS {
            assert!(env_version("envVersion", ok).is_ok());
        }
        assert!(env_version("envVersion", "Release").is_err());
        assert!(env_version("envVersion", "").is_err());
    }

    #[test]
    fn expire_interval_bounds() {
        assert!(expire_interval("i", 0).is_err());
        assert!(expire_interval("i", 1).is_ok());
        assert!(expire_interval("i", 30).is_ok());
        assert!(expire_interval("i", 31).is_err());
    }

    #[test]
    fn wechat_expire_time_bounds() {
        let at = |s: i64| Instant::Seconds(s as f64);
        assert!(wechat_expire_time("t", at(NOW + 60), NOW).is_err());
        assert_eq!(wechat_expire_time("t", at(NOW + 61), NOW), Ok(NOW + 61));
        assert_eq!(wechat_expire_time("t", at(NOW + 30 * DAY), NOW), Ok(NOW + 30 * DAY));
        assert!(wechat_expire_time("t", at(NOW + 30 * DAY + 1), NOW).is_err());
        assert!(wechat_expire_time("t", at(NOW - 10), NOW).is_err());
        assert!(wechat_expire_time("t", Instant::Seconds(NOW as f64 + 100.5), NOW).is_err());
    }

    #[test]
    fn milliseconds_are_named_as_such() {
        let err = wechat_expire_time("expireTime", Instant::Seconds((NOW * 1000) as f64), NOW).unwrap_err();
        let Failure::InvalidArgument { reason, .. } = err else { panic!("{err:?}") };
        assert!(reason.contains("looks like milliseconds"), "{reason}");
    }

    #[test]
    fn dates_become_seconds() {
        let ms = ((NOW + 3600) * 1000 + 999) as f64;
        assert_eq!(wechat_expire_time("t", Instant::Date { ms }, NOW), Ok(NOW + 3600));
        assert_eq!(douyin_expire_time("t", Instant::Date { ms }, NOW), Ok(NOW + 3600));
    }

    #[test]
    fn douyin_expire_time_bounds() {
        let at = |s: i64| Instant::Seconds(s as f64);
        assert!(douyin_expire_time("t", at(NOW), NOW).is_err());
        assert!(douyin_expire_time("t", at(NOW + 1), NOW).is_ok());
        assert!(douyin_expire_time("t", at(NOW + 180 * DAY), NOW).is_ok());
        assert!(douyin_expire_time("t", at(NOW + 180 * DAY + 1), NOW).is_err());
    }
}
