//! Douyin mini apps, both API generations:
//! v1 on developer.toutiao.com (004, the default) and v2 on open.douyin.com.

pub mod errors;
pub mod schema;
pub mod token;
pub mod urllink;

use serde_json::{Map, Value};

use crate::error::Failure;
use crate::http;

pub const V1_BASE_URL: &str = "https://developer.toutiao.com";
pub const V2_BASE_URL: &str = "https://open.douyin.com";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generation {
    V1,
    V2,
}

fn int(map: &Map<String, Value>, key: &str) -> i64 {
    map.get(key).and_then(Value::as_i64).unwrap_or(0)
}

fn text(map: &Map<String, Value>, key: &str) -> String {
    map.get(key).and_then(Value::as_str).unwrap_or("").to_owned()
}

/// A v1 answer: `{err_no, err_tips, …}`; success must carry `result`.
pub fn parse_v1(status: u16, body: &str, result: &str) -> Result<Map<String, Value>, Failure> {
    let map = http::json_object(status, body)?;
    let err_no = int(&map, "err_no");
    if err_no != 0 {
        return Err(Failure::Api { errcode: err_no, errmsg: text(&map, "err_tips"), status, log_id: None });
    }
    if !(200..300).contains(&status) {
        return Err(http::error_status(status));
    }
    http::required(&map, result, status)?;
    Ok(map)
}

/// A v2 answer: `{err_no, err_msg, log_id, data}`; resolves to `data` with `logId`.
pub fn parse_v2(status: u16, body: &str, result: Option<&str>) -> Result<Value, Failure> {
    let mut map = http::json_object(status, body)?;
    let log_id = map.get("log_id").and_then(Value::as_str).map(str::to_owned);
    let err_no = int(&map, "err_no");
    if err_no != 0 {
        return Err(Failure::Api { errcode: err_no, errmsg: text(&map, "err_msg"), status, log_id });
    }
    if !(200..300).contains(&status) {
        return Err(http::error_status(status));
    }
    let Some(Value::Object(mut data)) = map.remove("data") else {
        return Err(Failure::http(status, "the answer has no `data`"));
    };
    if let Some(result) = result {
        http::required(&data, result, status)?;
    }
    if let Some(log_id) = log_id {
        data.insert("log_id".into(), log_id.into());
    }
    Ok(http::camel_case(Value::Object(data)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v1_answers() {
        let ok = parse_v1(200, r#"{"err_no":0,"err_tips":"","url_link":"https://z.douyin.com/Lu86lrX"}"#, "url_link");
        assert_eq!(ok.unwrap().get("url_link"), Some(&json!("https://z.douyin.com/Lu86lrX")));
        assert_eq!(
            parse_v1(200, r#"{"err_no":12020,"err_tips":"生成URL_Link频率过快","url_link":""}"#, "url_link"),
            Err(Failure::Api { errcode: 12020, errmsg: "生成URL_Link频率过快".into(), status: 200, log_id: None })
        );
        assert!(matches!(parse_v1(200, r#"{"err_no":0,"url_link":""}"#, "url_link"), Err(Failure::Http { .. })));
    }

    #[test]
    fn v2_answers_keep_the_log_id() {
        let ok = parse_v2(200, r#"{"err_no":0,"err_msg":"","log_id":"L1","data":{"url_link":"https://z.douyin.com/x"}}"#, Some("url_link"));
        assert_eq!(ok.unwrap(), json!({"urlLink": "https://z.douyin.com/x", "logId": "L1"}));
        assert_eq!(
            parse_v2(200, r#"{"err_no":28001003,"err_msg":"access_token无效","log_id":"L2"}"#, Some("url_link")),
            Err(Failure::Api { errcode: 28001003, errmsg: "access_token无效".into(), status: 200, log_id: Some("L2".into()) })
        );
        let quota = parse_v2(200, r#"{"err_no":0,"err_msg":"","log_id":"L","data":{"url_link_used":0,"url_link_limit":5000000}}"#, None);
        assert_eq!(quota.unwrap(), json!({"urlLinkUsed": 0, "urlLinkLimit": 5000000, "logId": "L"}));
        assert!(matches!(parse_v2(200, r#"{"err_no":0}"#, None), Err(Failure::Http { .. })));
    }
}
