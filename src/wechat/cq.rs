//! `appendCq(link, cq)`: the developer's own query (`cq`) on an encrypted URL
//! Scheme or a URL Link (003 §4.1, §4.2): `https://wxaurl.cn/TICKET?cq=…`,
//! `weixin://dl/business/?t=TICKET&cq=…`. Built locally, no request.

use serde_json::Value;

use crate::error::Failure;
use crate::input::{key, Key, Object};
use crate::query::{self, encode_uri_component};

const LINK: Key = key("link");
const CQ: Key = key("cq");
/// At most this many characters before encoding.
const CQ_MAX_CHARS: usize = 256;

const SCHEME: &str = "weixin://dl/business/?";
const URL_LINK_HOSTS: [&str; 2] = ["https://wxaurl.cn/", "https://wxmpurl.cn/"];

fn is_ticket(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The separator before `cq=` for `link`, or why `link` cannot take one.
fn separator(link: &str) -> Result<char, &'static str> {
    if let Some(params) = link.strip_prefix(SCHEME) {
        return match params.split_once('&') {
            _ if params.starts_with("appid=") => Err("is a plaintext scheme: its page query goes in plainScheme's `query`"),
            Some((ticket, rest)) if ticket.strip_prefix("t=").is_some_and(is_ticket) && rest.starts_with("cq=") => Err("already has a cq"),
            None if params.strip_prefix("t=").is_some_and(is_ticket) => Ok('&'),
            _ => Err("must be an encrypted URL Scheme (weixin://dl/business/?t=TICKET) or a URL Link (https://wxaurl.cn/TICKET)"),
        };
    }
    let ticket = URL_LINK_HOSTS.iter().find_map(|host| link.strip_prefix(host));
    match ticket.map(|t| t.split_once('?').unwrap_or((t, ""))) {
        Some((ticket, "")) if is_ticket(ticket) => Ok('?'),
        Some((ticket, rest)) if is_ticket(ticket) && rest.starts_with("cq=") => Err("already has a cq"),
        _ => Err("must be an encrypted URL Scheme (weixin://dl/business/?t=TICKET) or a URL Link (https://wxaurl.cn/TICKET)"),
    }
}

/// `{ link, cq }` → the link with `cq` appended, percent-encoded as `encodeURIComponent` does.
pub fn append(input: &Value) -> Result<String, Failure> {
    let req = Object::new(input, "", &[LINK, CQ])?;
    let link = req.required_string(LINK)?;
    let separator = separator(link).map_err(|reason| Failure::invalid(req.field(LINK), reason))?;
    // `cq` reads like a page's `query`: a string, or a plain object encoded as one.
    let cq = query::wechat(&req, CQ, CQ_MAX_CHARS)?.ok_or_else(|| Failure::invalid(req.field(CQ), "is required"))?;
    if cq.is_empty() {
        return Err(Failure::invalid(req.field(CQ), "must not be empty"));
    }
    Ok(format!("{link}{separator}cq={}", encode_uri_component(&cq)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_of(input: Value) -> String {
        crate::error::invalid_field(append(&input))
    }

    #[test]
    fn appends_to_each_kind_of_link() {
        let scheme = append(&json!({"link": "weixin://dl/business/?t=XTSkBZlzqmn", "cq": "a=hello"})).unwrap();
        assert_eq!(scheme, "weixin://dl/business/?t=XTSkBZlzqmn&cq=a%3Dhello");
        let link = append(&json!({"link": "https://wxaurl.cn/AbC123", "cq": {"from": "sms", "n": 2}})).unwrap();
        assert_eq!(link, "https://wxaurl.cn/AbC123?cq=from%3Dsms%26n%3D2");
        let other_host = append(&json!({"link": "https://wxmpurl.cn/AbC123", "cq": "x=(1)!"})).unwrap();
        assert_eq!(other_host, "https://wxmpurl.cn/AbC123?cq=x%3D(1)!", "as encodeURIComponent");
    }

    #[test]
    fn refuses_what_takes_no_cq() {
        for link in [
            "weixin://dl/business/?appid=wx1&path=pages/a",
            "weixin://dl/business/?t=X&cq=a%3D1",
            "https://wxaurl.cn/X?cq=a",
            "https://example.com/X",
            "https://wxaurl.cn/",
            "https://wxaurl.cn/X/y",
            "weixin://dl/business/?t=",
            "javascript:alert(1)",
        ] {
            assert_eq!(field_of(json!({"link": link, "cq": "a=1"})), "link", "{link}");
        }
        assert_eq!(field_of(json!({"cq": "a=1"})), "link");
    }

    #[test]
    fn cq_follows_the_query_rules() {
        let link = "https://wxaurl.cn/X";
        assert!(append(&json!({"link": link, "cq": "a".repeat(256)})).is_ok());
        assert_eq!(field_of(json!({"link": link, "cq": "a".repeat(257)})), "cq");
        assert_eq!(field_of(json!({"link": link, "cq": "a b"})), "cq");
        assert_eq!(field_of(json!({"link": link, "cq": ""})), "cq");
        assert_eq!(field_of(json!({"link": link})), "cq");
        assert_eq!(field_of(json!({"link": link, "cq": 5})), "cq");
    }
}
