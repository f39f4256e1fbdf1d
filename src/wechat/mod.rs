//! WeChat (api.weixin.qq.com): one module per API, plus what they share here.

pub mod cq;
pub mod errors;
pub mod nfc;
pub mod plain_scheme;
pub mod query;
pub mod shortlink;
pub mod token;
pub mod urllink;
pub mod urlscheme;

use serde::Serialize;
use serde_json::Value;

use crate::error::Failure;
use crate::http;
use crate::input::{key, keys, Key, Object};
use crate::query as query_field;
use crate::validate;

pub const DEFAULT_BASE_URL: &str = "https://api.weixin.qq.com";

pub const PATH: Key = key("path");
pub const QUERY: Key = key("query");
pub const ENV_VERSION: Key = keys("envVersion", "env_version");
/// A scheme's page (`urlscheme.generate`, `urlscheme.generateNFC`).
pub const JUMP_WXA: Key = keys("jumpWxa", "jump_wxa");
const IS_EXPIRE: Key = keys("isExpire", "is_expire");
const EXPIRE_TYPE: Key = keys("expireType", "expire_type");
const EXPIRE_TIME: Key = keys("expireTime", "expire_time");
const EXPIRE_INTERVAL: Key = keys("expireInterval", "expire_interval");
pub const EXPIRY_KEYS: [Key; 4] = [IS_EXPIRE, EXPIRE_TYPE, EXPIRE_TIME, EXPIRE_INTERVAL];
pub const PAGE_KEYS: [Key; 3] = [PATH, QUERY, ENV_VERSION];

/// How a link call proves who it is (the reference pages list both parameters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential<'a> {
    AccessToken(&'a str),
    /// WeChat Cloud Hosting's token, sent as `cloudbase_access_token`.
    Cloudbase(&'a str),
    /// Cloud Hosting's open interface service authenticates the container itself.
    None,
}

/// The page a link opens: `jump_wxa` of a scheme, the top level of a URL Link.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Page {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_version: Option<String>,
}

impl Page {
    pub fn read(obj: &Object) -> Result<Page, Failure> {
        let path = obj.string(PATH)?;
        if let Some(path) = path {
            validate::path(&obj.field(PATH), path)?;
        }
        let env_version = obj.string(ENV_VERSION)?;
        if let Some(env) = env_version {
            validate::env_version(&obj.field(ENV_VERSION), env)?;
        }
        Ok(Page {
            path: path.map(str::to_owned),
            query: query_field::wechat(obj, QUERY, validate::QUERY_MAX_CHARS)?,
            env_version: env_version.map(str::to_owned),
        })
    }
}

/// A scheme's page: `jumpWxa`, if given.
pub fn jump_wxa(req: &Object) -> Result<Option<Page>, Failure> {
    req.object(JUMP_WXA, &PAGE_KEYS)?.map(|page| Page::read(&page)).transpose()
}

/// A URL Link takes the page at the top level, a scheme inside `jumpWxa`: say so.
pub fn misplaced_page_key(failure: Failure) -> Failure {
    match failure {
        Failure::InvalidArgument { field, .. } if PAGE_KEYS.iter().any(|k| k.camel == field || k.snake == field) => {
            let reason = format!("belongs inside jumpWxa for a URL Scheme: {{ jumpWxa: {{ {field}: … }} }}");
            Failure::InvalidArgument { field, reason }
        }
        other => other,
    }
}

/// When a scheme or URL Link stops working (001, 002, 003).
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Expiry {
    #[serde(skip_serializing_if = "Option::is_none")]
    is_expire: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_type: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_interval: Option<i64>,
}

impl Expiry {
    /// Reads the expiry fields. With none of them, the platform's default (the
    /// longest interval, 30 days) is sent explicitly: the pages mark `expire_type` required.
    /// `expireInterval` alone implies `expireType: 1`; a scheme with an expiry
    /// gets `is_expire: true`, without which the platform ignores it.
    pub fn read(req: &Object, now: i64, is_scheme: bool) -> Result<Expiry, Failure> {
        let is_expire = req.bool(IS_EXPIRE)?;
        let expire_type = req.integer(EXPIRE_TYPE)?;
        let time = req.instant(EXPIRE_TIME)?;
        let interval = req.integer(EXPIRE_INTERVAL)?;
        if let Some(t) = expire_type.filter(|t| *t != 0 && *t != 1) {
            return Err(Failure::invalid(
                req.field(EXPIRE_TYPE),
                format!("must be 0 (at expireTime) or 1 (after expireInterval days), got {t}"),
            ));
        }
        let detail_given = expire_type.is_some() || time.is_some() || interval.is_some();
        if is_expire == Some(false) && detail_given {
            return Err(Failure::invalid(req.field(IS_EXPIRE), "is false, but an expiry is given: drop it or set isExpire: true"));
        }
        if is_expire.is_none() && !detail_given {
            let is_expire = if is_scheme { Some(true) } else { None };
            return Ok(Expiry {
                is_expire,
                expire_type: Some(1),
                expire_time: None,
                expire_interval: Some(*validate::EXPIRE_INTERVAL_DAYS.end()),
            });
        }
        if is_expire != Some(true) && !detail_given {
            return Ok(Expiry { is_expire, ..Expiry::default() });
        }
        let kind = expire_type.unwrap_or(if interval.is_some() && time.is_none() { 1 } else { 0 });
        let mut expiry = Expiry { is_expire: if is_scheme { Some(true) } else { is_expire }, expire_type: Some(kind), ..Expiry::default() };
        if kind == 0 {
            if interval.is_some() {
                return Err(Failure::invalid(req.field(EXPIRE_INTERVAL), "is used only with expireType: 1"));
            }
            let at = time.ok_or_else(|| Failure::invalid(req.field(EXPIRE_TIME), "is required when expireType is 0"))?;
            expiry.expire_time = Some(validate::wechat_expire_time(&req.field(EXPIRE_TIME), at, now)?);
        } else {
            if time.is_some() {
                return Err(Failure::invalid(req.field(EXPIRE_TIME), "is used only with expireType: 0"));
            }
            let days = interval.ok_or_else(|| Failure::invalid(req.field(EXPIRE_INTERVAL), "is required when expireType is 1"))?;
            validate::expire_interval(&req.field(EXPIRE_INTERVAL), days)?;
            expiry.expire_interval = Some(days);
        }
        Ok(expiry)
    }
}

/// `{url}?access_token=…`, or the Cloud Hosting equivalents.
pub fn with_credential(url: String, credential: Credential) -> String {
    match credential {
        Credential::AccessToken(token) => format!("{url}?access_token={}", query_field::encode_component(token)),
        Credential::Cloudbase(token) => format!("{url}?cloudbase_access_token={}", query_field::encode_component(token)),
        Credential::None => url,
    }
}

/// A WeChat answer: `errcode` ≠ 0 is an API error; success must carry `result`, if given.
pub fn parse(status: u16, body: &str, result: Option<&str>) -> Result<Value, Failure> {
    let map = http::json_object(status, body)?;
    let errcode = map.get("errcode").and_then(Value::as_i64).unwrap_or(0);
    if errcode != 0 {
        let errmsg = map.get("errmsg").and_then(Value::as_str).unwrap_or("").to_owned();
        return Err(Failure::Api { errcode, errmsg, status, log_id: None });
    }
    if !(200..300).contains(&status) {
        return Err(http::error_status(status));
    }
    if let Some(result) = result {
        http::required(&map, result, status)?;
    }
    Ok(http::camel_case(Value::Object(map)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn expiry(v: Value, is_scheme: bool) -> Result<Value, Failure> {
        let obj = Object::new(&v, "", &EXPIRY_KEYS)?;
        http::value_of(Expiry::read(&obj, NOW, is_scheme).map(|expiry| http::json_text(&expiry)))
    }

    #[test]
    fn no_expiry_field_sends_the_platforms_default_explicitly() {
        assert_eq!(expiry(json!({}), true), Ok(json!({"is_expire": true, "expire_type": 1, "expire_interval": 30})));
        assert_eq!(expiry(json!({}), false), Ok(json!({"expire_type": 1, "expire_interval": 30})));
        assert_eq!(expiry(json!({"isExpire": false}), true), Ok(json!({"is_expire": false})));
    }

    #[test]
    fn expire_time_on_a_scheme_turns_is_expire_on() {
        assert_eq!(
            expiry(json!({"expireTime": NOW + 3600}), true),
            Ok(json!({"is_expire": true, "expire_type": 0, "expire_time": NOW + 3600}))
        );
        assert_eq!(expiry(json!({"expire_time": NOW + 3600}), false), Ok(json!({"expire_type": 0, "expire_time": NOW + 3600})));
    }

    #[test]
    fn interval_implies_type_one() {
        assert_eq!(
            expiry(json!({"isExpire": true, "expireInterval": 30}), true),
            Ok(json!({"is_expire": true, "expire_type": 1, "expire_interval": 30}))
        );
        assert_eq!(expiry(json!({"expireType": 1, "expireInterval": 1}), false), Ok(json!({"expire_type": 1, "expire_interval": 1})));
    }

    #[test]
    fn missing_and_contradicting_fields() {
        let field = crate::error::invalid_field::<Value>;
        assert_eq!(field(expiry(json!({"isExpire": true}), true)), "expireTime");
        assert_eq!(field(expiry(json!({"expireType": 0}), false)), "expireTime");
        assert_eq!(field(expiry(json!({"expireType": 1}), false)), "expireInterval");
        assert_eq!(field(expiry(json!({"expireType": 2}), false)), "expireType");
        assert_eq!(field(expiry(json!({"expireType": 0, "expireInterval": 3, "expireTime": NOW + 100}), false)), "expireInterval");
        assert_eq!(field(expiry(json!({"expireType": 1, "expireInterval": 3, "expireTime": NOW + 100}), false)), "expireTime");
        assert_eq!(field(expiry(json!({"isExpire": false, "expireTime": NOW + 100}), true)), "isExpire");
        assert_eq!(field(expiry(json!({"expireInterval": 31}), false)), "expireInterval");
        assert_eq!(field(expiry(json!({"expireTime": NOW + 60}), false)), "expireTime");
        assert_eq!(field(expiry(json!({"expireTime": "tomorrow"}), false)), "expireTime");
    }

    #[test]
    fn the_url_carries_the_credential() {
        let url = |c| with_credential("https://api.weixin.qq.com/wxa/x".into(), c);
        assert_eq!(url(Credential::AccessToken("a+b")), "https://api.weixin.qq.com/wxa/x?access_token=a%2Bb");
        assert_eq!(url(Credential::Cloudbase("c")), "https://api.weixin.qq.com/wxa/x?cloudbase_access_token=c");
        assert_eq!(url(Credential::None), "https://api.weixin.qq.com/wxa/x");
    }

    #[test]
    fn parse_answers() {
        assert_eq!(
            parse(200, r#"{"errcode":0,"errmsg":"ok","openlink":"weixin://x"}"#, Some("openlink")),
            Ok(json!({"errcode": 0, "errmsg": "ok", "openlink": "weixin://x"}))
        );
        assert_eq!(
            parse(200, r#"{"errcode":85079,"errmsg":"miniprogram not published"}"#, Some("openlink")),
            Err(Failure::Api { errcode: 85079, errmsg: "miniprogram not published".into(), status: 200, log_id: None })
        );
        assert!(matches!(parse(200, r#"{"errcode":0,"errmsg":"ok"}"#, Some("openlink")), Err(Failure::Http { status: 200, .. })));
        assert!(matches!(parse(500, "<html></html>", Some("openlink")), Err(Failure::Http { status: 500, .. })));
        assert!(matches!(
            parse(503, r#"{"errcode":-1,"errmsg":"busy"}"#, Some("openlink")),
            Err(Failure::Api { errcode: -1, status: 503, .. })
        ));
        assert!(matches!(parse(404, r#"{"x":1}"#, Some("openlink")), Err(Failure::Http { status: 404, .. })));
    }
}
