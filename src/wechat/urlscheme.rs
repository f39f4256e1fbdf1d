//! `urlscheme.generate`: POST /wxa/generatescheme (002, 003).

use serde::Serialize;
use serde_json::Value;

use super::{jump_wxa, misplaced_page_key, Expiry, Page, EXPIRY_KEYS, JUMP_WXA};
use crate::error::Failure;
use crate::http::json_text;
use crate::input::Object;

#[derive(Debug, PartialEq, Serialize)]
struct Generate {
    #[serde(skip_serializing_if = "Option::is_none")]
    jump_wxa: Option<Page>,
    #[serde(flatten)]
    expiry: Expiry,
}

pub fn body(input: &Value, now: i64) -> Result<String, Failure> {
    let [is_expire, expire_type, expire_time, expire_interval] = EXPIRY_KEYS;
    let known = [JUMP_WXA, is_expire, expire_type, expire_time, expire_interval];
    let req = Object::new(input, "", &known).map_err(misplaced_page_key)?;
    let body = Generate { jump_wxa: jump_wxa(&req)?, expiry: Expiry::read(&req, now, true)? };
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
    fn cloud_call_names_become_https_names() {
        let input = json!({
            "jumpWxa": {"path": "/pages/publishHomework/publishHomework", "query": "a=1", "envVersion": "trial"},
            "isExpire": true, "expireTime": NOW + 86_400
        });
        assert_eq!(
            value_of(body(&input, NOW)).unwrap(),
            json!({
                "jump_wxa": {"path": "/pages/publishHomework/publishHomework", "query": "a=1", "env_version": "trial"},
                "is_expire": true, "expire_type": 0, "expire_time": NOW + 86_400
            })
        );
    }

    #[test]
    fn https_names_are_accepted_too() {
        let input =
            json!({"jump_wxa": {"path": "pages/a", "env_version": "release"}, "is_expire": true, "expire_type": 1, "expire_interval": 7});
        assert_eq!(
            value_of(body(&input, NOW)).unwrap(),
            json!({"jump_wxa": {"path": "pages/a", "env_version": "release"}, "is_expire": true, "expire_type": 1, "expire_interval": 7})
        );
    }

    #[test]
    fn an_empty_request_is_the_home_page() {
        assert_eq!(value_of(body(&json!({}), NOW)).unwrap(), json!({"is_expire": true, "expire_type": 1, "expire_interval": 30}));
    }

    #[test]
    fn each_rule_names_its_field() {
        assert_eq!(field_of(json!({"jumpWxa": {"path": "a?b=1"}})), "jumpWxa.path");
        assert_eq!(field_of(json!({"jumpWxa": {"query": "x".repeat(1025)}})), "jumpWxa.query");
        assert_eq!(field_of(json!({"jumpWxa": {"query": "a b"}})), "jumpWxa.query");
        assert_eq!(field_of(json!({"jumpWxa": {"envVersion": "beta"}})), "jumpWxa.envVersion");
        assert_eq!(field_of(json!({"jumpWxa": {"path": 5}})), "jumpWxa.path");
        assert_eq!(field_of(json!({"jumpWxa": "pages/a"})), "jumpWxa");
        assert_eq!(field_of(json!({"envVersion": "trial"})), "envVersion");
        let misplaced = body(&json!({"path": "pages/a"}), NOW).unwrap_err();
        assert_eq!(misplaced, Failure::invalid("path", "belongs inside jumpWxa for a URL Scheme: { jumpWxa: { path: … } }"));
        assert_eq!(field_of(json!({"isExpire": "yes"})), "isExpire");
        assert_eq!(field_of(json!({"isExpire": true, "expireTime": NOW * 1000})), "expireTime");
    }

    #[test]
    fn query_at_its_bound_passes() {
        let input = json!({"jumpWxa": {"query": "x".repeat(1024)}});
        assert!(body(&input, NOW).is_ok());
    }
}
