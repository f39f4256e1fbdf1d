//! Douyin URL Links. v1 (004): `POST /api/apps/url_link/generate`, token in the
//! body. v2: `POST /api/apps/v1/url_link/{generate,query_info,query_quota}/`,
//! token in the `access-token` header.

use serde_json::{json, Map, Value};

use super::Generation;
use crate::error::Failure;
use crate::input::{key, keys, Key, Object};
use crate::query;
use crate::validate;

pub const V1_GENERATE_PATH: &str = "/api/apps/url_link/generate";
pub const V2_GENERATE_PATH: &str = "/api/apps/v1/url_link/generate/";
pub const V2_QUERY_INFO_PATH: &str = "/api/apps/v1/url_link/query_info/";
pub const V2_QUERY_QUOTA_PATH: &str = "/api/apps/v1/url_link/query_quota/";
pub const RESULT: &str = "url_link";

const APP_NAME: Key = keys("appName", "app_name");
const PATH: Key = key("path");
const QUERY: Key = key("query");
const EXPIRE_TIME: Key = keys("expireTime", "expire_time");
const URL_LINK: Key = keys("urlLink", "url_link");

/// The generate body without the token (v1 adds it as `access_token`).
/// The platform rounds the validity up to whole hours (004).
pub fn generate_body(generation: Generation, appid: &str, input: &Value, now: i64) -> Result<Value, Failure> {
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
    let mut body = Map::new();
    body.insert(app_key(generation).into(), appid.into());
    body.insert("app_name".into(), app_name.into());
    if let Some(path) = path {
        body.insert("path".into(), path.into());
    }
    body.insert("query".into(), query.into());
    body.insert("expire_time".into(), expire_time.into());
    Ok(Value::Object(body))
}

fn app_key(generation: Generation) -> &'static str {
    match generation {
        Generation::V1 => "ma_app_id",
        Generation::V2 => "app_id",
    }
}

/// v1 carries the token as the first field of the body (`body`: an object's JSON text).
pub fn with_token(token: &str, body: &str) -> String {
    let token = Value::from(token);
    match body.strip_prefix('{').map(str::trim_start) {
        Some(rest) if rest.starts_with('}') => format!("{{\"access_token\":{token}{rest}"),
        Some(rest) => format!("{{\"access_token\":{token},{rest}"),
        None => body.to_owned(),
    }
}

pub fn query_info_body(appid: &str, input: &Value) -> Result<Value, Failure> {
    let req = Object::new(input, "", &[URL_LINK])?;
    Ok(json!({"app_id": appid, "url_link": req.required_string(URL_LINK)?}))
}

pub fn query_quota_body(appid: &str, input: &Value) -> Result<Value, Failure> {
    Object::new(input, "", &[])?;
    Ok(json!({"app_id": appid}))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn field_of(generation: Generation, input: Value) -> String {
        crate::error::invalid_field(generate_body(generation, "tt1", &input, NOW))
    }

    #[test]
    fn v1_body_as_in_the_reference() {
        let input = json!({"path": "pages/index", "query": {"id": "123"}, "expireTime": NOW + 3600});
        let text = with_token("0801121", &generate_body(Generation::V1, "tt1", &input, NOW).unwrap().to_string());
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
            generate_body(Generation::V2, "tt1", &input, NOW).unwrap(),
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
        assert_eq!(query_info_body("tt1", &json!({"urlLink": "u"})).unwrap(), json!({"app_id": "tt1", "url_link": "u"}));
        assert!(query_info_body("tt1", &json!({})).is_err());
        assert_eq!(query_quota_body("tt1", &json!({})).unwrap(), json!({"app_id": "tt1"}));
        assert!(query_quota_body("tt1", &json!({"x": 1})).is_err());
    }
}
