//! `urllink.generate`: POST /wxa/generate_urllink (001, 003).

use serde::Serialize;
use serde_json::Value;

use super::{Expiry, Page, EXPIRY_KEYS, PATH as PAGE_PATH, QUERY};
use crate::error::Failure;
use crate::http::json_text;
use crate::input::{key, keys, Key, Object};
use crate::query;
use crate::validate;

const CLOUD_BASE: Key = keys("cloudBase", "cloud_base");
const ENV: Key = key("env");
const DOMAIN: Key = key("domain");
const RESOURCE_APPID: Key = keys("resourceAppid", "resource_appid");

/// 001: a Cloud Development static site shown instead of the official H5 page.
#[derive(Debug, PartialEq, Serialize)]
struct CloudBase {
    env: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_appid: Option<String>,
}

#[derive(Debug, PartialEq, Serialize)]
struct Generate {
    #[serde(flatten)]
    page: Page,
    #[serde(flatten)]
    expiry: Expiry,
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_base: Option<CloudBase>,
}

fn cloud_base(obj: &Object) -> Result<CloudBase, Failure> {
    let path = obj.string(PAGE_PATH)?;
    if let Some(path) = path {
        validate::path(&obj.field(PAGE_PATH), path)?;
    }
    Ok(CloudBase {
        env: obj.required_string(ENV)?.to_owned(),
        domain: obj.string(DOMAIN)?.map(str::to_owned),
        path: path.map(str::to_owned),
        query: query::wechat(obj, QUERY, validate::QUERY_MAX_CHARS)?,
        resource_appid: obj.string(RESOURCE_APPID)?.map(str::to_owned),
    })
}

pub fn body(input: &Value, now: i64) -> Result<String, Failure> {
    let [path, query, env_version] = super::PAGE_KEYS;
    let [is_expire, expire_type, expire_time, expire_interval] = EXPIRY_KEYS;
    let known = [path, query, env_version, is_expire, expire_type, expire_time, expire_interval, CLOUD_BASE];
    let req = Object::new(input, "", &known)?;
    let cloud = req.object(CLOUD_BASE, &[ENV, DOMAIN, PAGE_PATH, QUERY, RESOURCE_APPID])?;
    let body = Generate {
        page: Page::read(&req)?,
        expiry: Expiry::read(&req, now, false)?,
        cloud_base: cloud.map(|c| cloud_base(&c)).transpose()?,
    };
    Ok(json_text(&body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::value_of;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn field_of(input: Value) -> String {
        crate::error::invalid_field(body(&input, NOW))
    }

    #[test]
    fn the_reference_example() {
        let input = json!({
            "path": "/pages/publishHomework/publishHomework", "query": "",
            "expireType": 1, "expireInterval": 1, "envVersion": "release",
            "cloudBase": {"env": "xxx", "domain": "xxx.xx", "path": "/jump-wxa.html", "query": "a=1&b=2"}
        });
        assert_eq!(
            value_of(body(&input, NOW)).unwrap(),
            json!({
                "path": "/pages/publishHomework/publishHomework", "query": "", "env_version": "release",
                "expire_type": 1, "expire_interval": 1,
                "cloud_base": {"env": "xxx", "domain": "xxx.xx", "path": "/jump-wxa.html", "query": "a=1&b=2"}
            })
        );
    }

    #[test]
    fn snake_case_and_object_queries() {
        let input = json!({"path": "pages/a", "query": {"id": 7}, "expire_time": NOW + 120,
                            "cloud_base": {"env": "e", "resource_appid": "wx1"}});
        assert_eq!(
            value_of(body(&input, NOW)).unwrap(),
            json!({"path": "pages/a", "query": "id=7", "expire_type": 0, "expire_time": NOW + 120,
                   "cloud_base": {"env": "e", "resource_appid": "wx1"}})
        );
    }

    #[test]
    fn each_rule_names_its_field() {
        assert_eq!(field_of(json!({"path": "p?x=1"})), "path");
        assert_eq!(field_of(json!({"query": "x".repeat(1025)})), "query");
        assert_eq!(field_of(json!({"envVersion": "prod"})), "envVersion");
        assert_eq!(field_of(json!({"cloudBase": {}})), "cloudBase.env");
        assert_eq!(field_of(json!({"cloudBase": {"env": "e", "path": "/a?b"}})), "cloudBase.path");
        assert_eq!(field_of(json!({"cloudBase": {"env": "e", "query": "<"}})), "cloudBase.query");
        assert_eq!(field_of(json!({"cloudBase": {"env": "e", "resourceAppId": "x"}})), "cloudBase.resourceAppId");
        assert_eq!(field_of(json!({"expireType": 1, "expireInterval": 0})), "expireInterval");
        assert_eq!(field_of(json!({"expireTime": NOW + 30 * 86_400 + 1})), "expireTime");
        assert_eq!(field_of(json!({"jumpWxa": {}})), "jumpWxa");
    }
}
