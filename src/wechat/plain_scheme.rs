//! The plaintext scheme `weixin://dl/business/?appid=…&path=…`: built locally,
//! no request. The page must be listed for plaintext schemes in the admin console.

use serde_json::Value;

use super::{ENV_VERSION, PATH, QUERY};
use crate::error::Failure;
use crate::input::Object;
use crate::query::{self, encode_component, encode_path};
use crate::validate;

pub fn build(appid: &str, input: &Value) -> Result<String, Failure> {
    let req = Object::new(input, "", &[PATH, QUERY, ENV_VERSION])?;
    let path = req.required_string(PATH)?;
    validate::path(&req.field(PATH), path)?;
    if path.starts_with('/') {
        return Err(Failure::invalid(req.field(PATH), "must not start with `/`: the admin console registers pages as `pages/…`"));
    }
    if let Some(Value::String(given)) = req.raw(QUERY) {
        if is_percent_encoded(given) {
            let reason = "is already percent-encoded: pass it decoded (`a=1&b=2`), the package encodes it once";
            return Err(Failure::invalid(req.field(QUERY), reason));
        }
    }
    let mut link = format!("weixin://dl/business/?appid={}&path={}", encode_component(appid), encode_path(path));
    if let Some(q) = query::wechat(&req, QUERY, validate::PLAIN_QUERY_MAX_CHARS)? {
        link.push_str("&query=");
        link.push_str(&encode_component(&q));
    }
    if let Some(env) = req.string(ENV_VERSION)? {
        validate::env_version(&req.field(ENV_VERSION), env)?;
        link.push_str("&env_version=");
        link.push_str(env);
    }
    Ok(link)
}

/// Whether `text` holds a `%` and two hex digits: encoding it again would turn
/// `a%3D1` into `a%253D1`, which the mini program then reads as such.
fn is_percent_encoded(text: &str) -> bool {
    text.as_bytes().windows(3).any(|w| matches!(w, [b'%', a, b] if a.is_ascii_hexdigit() && b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_query_value_is_percent_encoded() {
        let link = build("wx123", &json!({"path": "pages/index/index", "query": "a=1&b=2", "envVersion": "trial"}));
        assert_eq!(link.unwrap(), "weixin://dl/business/?appid=wx123&path=pages/index/index&query=a%3D1%26b%3D2&env_version=trial");
        let link = build("wx123", &json!({"path": "pages/index/index", "query": {"id": "x y"}}));
        assert_eq!(link.unwrap(), "weixin://dl/business/?appid=wx123&path=pages/index/index&query=id%3Dx%2520y");
        assert_eq!(build("wx1", &json!({"path": "p"})).unwrap(), "weixin://dl/business/?appid=wx1&path=p");
    }

    #[test]
    fn limits() {
        let field = |v: Value| crate::error::invalid_field(build("wx1", &v));
        assert_eq!(field(json!({})), "path");
        assert_eq!(field(json!({"path": "p?a=1"})), "path");
        assert_eq!(field(json!({"path": "p", "query": "a".repeat(513)})), "query");
        assert!(build("wx1", &json!({"path": "p", "query": "a".repeat(512)})).is_ok());
        assert_eq!(field(json!({"path": "p", "query": "a b"})), "query");
        assert_eq!(field(json!({"path": "p", "env_version": "x"})), "envVersion");
        assert_eq!(field(json!({"path": "/pages/index/index"})), "path");
        assert_eq!(field(json!({"path": "p", "query": "a%3D1"})), "query");
        assert!(build("wx1", &json!({"path": "p", "query": "a=100%"})).is_ok(), "a % that encodes nothing");
    }
}
