//! Douyin URL Links. v1 (004): `POST /api/apps/url_link/generate`, token in the
//! body. v2: `POST /api/apps/v1/url_link/{generate,query_info,query_quota}/`,
//! token in the `access-token` header.

use serde::Serialize;
use serde_json::Value;

use super::Generation;
use crate::error::Failure;
use crate::http::json_text;
use crate::input::{key, keys, Key, Object};
use crate::query;
use crate::validate;

const APP_NAME: Key = keys("appName", "app_name");
const PATH: Key = key("path");
const QUERY: Key = key("query");
const EXPIRE_TIME: Key = keys("expireTime", "expire_time");
const URL_LINK: Key = keys("urlLink", "url_link");

/// The generate body; the app is `ma_app_id` in v1, `app_id` in v2.
#[derive(Serialize)]
struct Generate<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    ma_app_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_id: Option<&'a str>,
    app_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    query: String,
    expire_time: i64,
}

/// The v2 query bodies: `{app_id, url_link}` and `{app_id}`.
#[derive(Serialize)]
struct Query<'a> {
    app_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url_link: Option<&'a str>,
}

/// The generate body without the token (v1 adds it as `access_token`).
/// The platform rounds the validity up to whole hours (004).
pub fn generate_body(generation: Generation, appid: &str, input: &Value, now: i64) -> Result<String, Failure> {
    let req = Object::new(input, "", &[APP_NAME, PATH, QUERY, EXPIRE_TIME])?;
    let app_name = req.string(APP_NAME)?.unwrap_or("douyin");
    let app_names: &[&str] = match generation {
        Generation::V1 => &validate::DOUYIN_APP_NAMES,
        Generation::V2 => &validate::DOUYIN_V2_APP_NAMES,
    };
    validate::one_of(&req.field(APP_NAME), app_name, app_names)?;
    let path = req.string(PATH)?;
    if let Some(path) = path {
        validate::path(&req.field(PATH), path)?;
    }
    let query = query::douyin(&req, QUERY)?;
    let at = req.instant(EXPIRE_TIME)?.ok_or_else(|| Failure::invalid(req.field(EXPIRE_TIME), "is required"))?;
    let expire_time = validate::douyin_expire_time(&req.field(EXPIRE_TIME), at, now)?;
    let (ma_app_id, app_id) = match generation {
        Generation::V1 => (Some(appid), None),
        Generation::V2 => (None, Some(appid)),
    };
    Ok(json_text(&Generate { ma_app_id, app_id, app_name, path, query, expire_time }))
}

/// v1 carries the token as the first field of the body (`body`: an object's JSON text).
pub fn with_token(token: &str, body: &str) -> String {
    let Some(rest) = body.strip_prefix('{').map(str::trim_start) else {
        return body.to_owned();
    };
    let mut out = String::from("{\"access_token\":");
    out.push_str(&json_text(token));
    if !rest.starts_with('}') {
        out.push(',');
    }
    out.push_str(rest);
    out
}

pub fn query_info_body(appid: &str, input: &Value) -> Result<String, Failure> {
    let req = Object::new(input, "", &[URL_LINK])?;
    Ok(json_text(&Query { app_id: appid, url_link: Some(req.required_string(URL_LINK)?) }))
}

pub fn query_quota_body(appid: &str, input: &Value) -> Result<String, Failure> {
    Object::new(input, "", &[])?;
    Ok(json_text(&Query { app_id: appid, url_link: None }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::value_of;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn field_of(generation: Generation, input: Value) -> String {
        crate::error::invalid_field(generate_body(generation, "tt1", &input, NOW))
    }

    #[test]
    fn v1_body_as_in_the_reference() {
        let input = json!({"path": "pages/index", "query": {"id": "123"}, "expireTime": NOW + 3600});
        let text = with_token("0801121", &generate_body(Generation::V1, "tt1", &input, NOW).unwrap());
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            body,
            json!({"access_token": "0801121", "ma_app_id": "tt1", "app_name": "douyin", "path": "pages/index",
                   "query": r#"{"id":"123"}"#, "expire_time": NOW + 3600})
        );
        assert_eq!(text.find("access_token"), Some(2));
        assert_eq!(with_token("t", "{}"), r#"{"access_token":"t"}"#);
    }

    #[test]
    fn v2_body_and_defaults() {
        let input = json!({"app_name": "toutiao", "expire_time": NOW + 60});
        assert_eq!(
            value_of(generate_body(Generation::V2, "tt1", &input, NOW)).unwrap(),
            json!({"app_id": "tt1", "app_name": "toutiao", "query": "{}", "expire_time": NOW + 60})
        );
    }

    #[test]
    fn each_rule_names_its_field() {
        let later = NOW + 3600;
        assert_eq!(field_of(Generation::V1, json!({})), "expireTime");
        assert_eq!(field_of(Generation::V1, json!({"expireTime": NOW})), "expireTime");
        assert_eq!(field_of(Generation::V1, json!({"expireTime": NOW + 180 * 86_400 + 1})), "expireTime");
        assert_eq!(field_of(Generation::V1, json!({"expireTime": later, "appName": "toutiao"})), "appName");
        assert_eq!(field_of(Generation::V1, json!({"expireTime": later, "path": "a?b"})), "path");
        assert_eq!(field_of(Generation::V1, json!({"expireTime": later, "query": "id=1"})), "query");
        assert_eq!(field_of(Generation::V1, json!({"expireTime": later, "query": "x".repeat(1025)})), "query");
        assert_eq!(field_of(Generation::V1, json!({"expireTime": later, "maAppId": "x"})), "maAppId");
        assert!(generate_body(Generation::V1, "tt1", &json!({"expireTime": NOW + 180 * 86_400}), NOW).is_ok());
    }

    #[test]
    fn query_bodies() {
        assert_eq!(value_of(query_info_body("tt1", &json!({"urlLink": "u"}))).unwrap(), json!({"app_id": "tt1", "url_link": "u"}));
        assert!(query_info_body("tt1", &json!({})).is_err());
        assert_eq!(value_of(query_quota_body("tt1", &json!({}))).unwrap(), json!({"app_id": "tt1"}));
        assert!(query_quota_body("tt1", &json!({"x": 1})).is_err());
    }
}
