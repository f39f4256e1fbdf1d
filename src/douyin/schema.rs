//! Douyin Schema links, v2 only: `POST /api/apps/v1/url/{generate_schema,
//! query_schema,query_schema_quota}/` on open.douyin.com, token in the
//! `access-token` header, the app as `app_id` in the body.
//!
//! The generate page gives the schema the URL Link's rules for `path` (no
//! query), `query` (a JSON object's text, at most 1024 characters, the same
//! charset) and `expire_time` (at most 180 days ahead), so the URL Link's
//! validators check them. What differs: no host app, and `no_expire: true`
//! asks for a long-term schema, which takes no expiry.

use serde::Serialize;
use serde_json::Value;

use crate::error::Failure;
use crate::http::json_text;
use crate::input::{key, keys, Key, Object};
use crate::query;
use crate::validate;

const PATH: Key = key("path");
const QUERY: Key = key("query");
const EXPIRE_TIME: Key = keys("expireTime", "expire_time");
const NO_EXPIRE: Key = keys("noExpire", "no_expire");
const SCHEMA: Key = key("schema");

/// The generate body. `no_expire` is always sent (the official SDK marks it
/// required; `false` is the platform's default); `expire_time` only for a
/// short-term schema.
#[derive(Serialize)]
struct Generate<'a> {
    app_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    query: String,
    no_expire: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time: Option<i64>,
}

/// The query bodies: `{app_id, schema}` and `{app_id}`.
#[derive(Serialize)]
struct Query<'a> {
    app_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<&'a str>,
}

/// `schema.generate`: a short-term schema (`expireTime` required, in the
/// future and at most 180 days ahead) or, with `noExpire: true`, a long-term
/// one (no `expireTime`).
pub fn generate_body(appid: &str, input: &Value, now: i64) -> Result<String, Failure> {
    let req = Object::new(input, "", &[PATH, QUERY, EXPIRE_TIME, NO_EXPIRE])?;
    let path = req.string(PATH)?;
    if let Some(path) = path {
        validate::path(&req.field(PATH), path)?;
    }
    let query = query::douyin(&req, QUERY)?;
    let no_expire = req.bool(NO_EXPIRE)?.unwrap_or(false);
    let field = req.field(EXPIRE_TIME);
    let expire_time = match (no_expire, req.instant(EXPIRE_TIME)?) {
        (true, None) => None,
        // A long-term schema has no expiry: an expiry sent along would be a
        // request the caller did not mean, whichever one the platform honoured.
        (true, Some(_)) => {
            return Err(Failure::invalid(field, "must not be given with noExpire: true (a long-term schema does not expire)"))
        }
        (false, None) => return Err(Failure::invalid(field, "is required (or noExpire: true for a long-term schema)")),
        (false, Some(at)) => Some(validate::douyin_expire_time(&field, at, now)?),
    };
    Ok(json_text(&Generate { app_id: appid, path, query, no_expire, expire_time }))
}

/// `schema.query({ schema })`: what the platform knows about a schema.
pub fn query_body(appid: &str, input: &Value) -> Result<String, Failure> {
    let req = Object::new(input, "", &[SCHEMA])?;
    Ok(json_text(&Query { app_id: appid, schema: Some(req.required_string(SCHEMA)?) }))
}

/// `schema.queryQuota()`: the long-term and short-term quotas.
pub fn query_quota_body(appid: &str, input: &Value) -> Result<String, Failure> {
    Object::new(input, "", &[])?;
    Ok(json_text(&Query { app_id: appid, schema: None }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::value_of;
    use crate::validate::{DOUYIN_MAX_LEAD_SECONDS, DOUYIN_QUERY_MAX_CHARS};
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn generate(input: Value) -> Result<Value, Failure> {
        value_of(generate_body("tt1", &input, NOW))
    }

    fn field_of(input: Value) -> String {
        crate::error::invalid_field(generate_body("tt1", &input, NOW))
    }

    /// A query text of exactly `len` characters: `{"a":"xx…"}`.
    fn query_of(len: usize) -> String {
        format!(r#"{{"a":"{}"}}"#, "x".repeat(len - 8))
    }

    #[test]
    fn short_term_body_with_both_naming_styles() {
        let camel = json!({"path": "pages/index", "query": {"id": "1"}, "expireTime": NOW + 3600});
        let snake = json!({"path": "pages/index", "query": r#"{"id":"1"}"#, "expire_time": NOW + 3600, "no_expire": false});
        let body = json!({"app_id": "tt1", "path": "pages/index", "query": r#"{"id":"1"}"#, "no_expire": false, "expire_time": NOW + 3600});
        assert_eq!(generate(camel).unwrap(), body);
        assert_eq!(generate(snake).unwrap(), body);
    }

    #[test]
    fn long_term_body_has_no_expiry_and_defaults() {
        assert_eq!(generate(json!({"noExpire": true})).unwrap(), json!({"app_id": "tt1", "query": "{}", "no_expire": true}));
        assert_eq!(generate(json!({"no_expire": true, "path": "pages/a"})).unwrap()["path"], json!("pages/a"));
    }

    #[test]
    fn expiry_rules_at_and_past_their_bounds() {
        assert_eq!(field_of(json!({})), "expireTime");
        assert_eq!(field_of(json!({"noExpire": false})), "expireTime");
        assert_eq!(field_of(json!({"expireTime": NOW})), "expireTime");
        assert_eq!(generate(json!({"expireTime": NOW + 1})).unwrap()["expire_time"], json!(NOW + 1));
        let max = NOW + DOUYIN_MAX_LEAD_SECONDS;
        assert_eq!(generate(json!({"expireTime": max})).unwrap()["expire_time"], json!(max));
        assert_eq!(field_of(json!({"expireTime": max + 1})), "expireTime");
        assert_eq!(field_of(json!({"expire_time": max + 1})), "expireTime");
        assert_eq!(field_of(json!({"expireTime": NOW - 60})), "expireTime");
        assert_eq!(field_of(json!({"expireTime": (NOW + 60) * 1000})), "expireTime");
        assert_eq!(field_of(json!({"expireTime": {"$type": "Date", "ms": ((max + 1) * 1000) as f64}})), "expireTime");
        // A long-term schema takes no expiry at all.
        assert_eq!(field_of(json!({"noExpire": true, "expireTime": NOW + 60})), "expireTime");
        assert_eq!(field_of(json!({"noExpire": "yes"})), "noExpire");
        assert_eq!(field_of(json!({"noExpire": true, "no_expire": true})), "noExpire");
    }

    #[test]
    fn path_and_query_follow_the_url_link_rules() {
        let later = NOW + 3600;
        assert_eq!(field_of(json!({"expireTime": later, "path": "pages/a?b=1"})), "path");
        assert_eq!(field_of(json!({"expireTime": later, "path": 5})), "path");
        assert_eq!(field_of(json!({"expireTime": later, "query": "id=1"})), "query");
        assert_eq!(field_of(json!({"expireTime": later, "query": "[1]"})), "query");
        assert_eq!(field_of(json!({"expireTime": later, "query": r#"{"a":"b c"}"#})), "query");
        let at_bound = query_of(DOUYIN_QUERY_MAX_CHARS);
        assert_eq!(generate(json!({"expireTime": later, "query": at_bound.clone()})).unwrap()["query"], json!(at_bound));
        assert_eq!(field_of(json!({"expireTime": later, "query": query_of(DOUYIN_QUERY_MAX_CHARS + 1)})), "query");
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert_eq!(field_of(json!({"noExpire": true, "appName": "douyin"})), "appName");
        assert_eq!(field_of(json!({"noExpire": true, "app_id": "tt2"})), "app_id");
        assert_eq!(field_of(json!({"noExpires": true})), "noExpires");
        assert_eq!(field_of(json!([])), "request");
    }

    #[test]
    fn query_bodies() {
        let schema = "sslocal://miniapp?ticket=T";
        assert_eq!(value_of(query_body("tt1", &json!({ "schema": schema }))).unwrap(), json!({"app_id": "tt1", "schema": schema}));
        assert_eq!(crate::error::invalid_field(query_body("tt1", &json!({}))), "schema");
        assert_eq!(crate::error::invalid_field(query_body("tt1", &json!({"schema": ""}))), "schema");
        assert_eq!(crate::error::invalid_field(query_body("tt1", &json!({"schema": 1}))), "schema");
        assert_eq!(crate::error::invalid_field(query_body("tt1", &json!({"schema": schema, "appId": "x"}))), "appId");
        assert_eq!(value_of(query_quota_body("tt1", &json!({}))).unwrap(), json!({"app_id": "tt1"}));
        assert_eq!(crate::error::invalid_field(query_quota_body("tt1", &json!({"x": 1}))), "x");
    }
}
