//! `urlscheme.query` (POST /wxa/queryscheme) and `urllink.query` (POST /wxa/query_urllink).

use serde::Serialize;
use serde_json::Value;

use crate::error::Failure;
use crate::http::json_text;
use crate::input::{key, keys, Key, Object};

const SCHEME: Key = key("scheme");
const URL_LINK: Key = keys("urlLink", "url_link");
const QUERY_TYPE: Key = keys("queryType", "query_type");

/// `{scheme, query_type?}` or `{url_link, query_type?}`: one link is set.
#[derive(Serialize)]
struct Query<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    scheme: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url_link: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query_type: Option<i64>,
}

/// The link under `link`, and `queryType`: 0 (the default) asks about the
/// link, which is then required; 1 asks for the day's visit quota, which
/// needs no link.
fn read(input: &Value, link: Key) -> Result<(Option<&str>, Option<i64>), Failure> {
    let req = Object::new(input, "", &[link, QUERY_TYPE])?;
    let query_type = req.integer(QUERY_TYPE)?;
    if let Some(query_type) = query_type.filter(|t| *t != 0 && *t != 1) {
        return Err(Failure::invalid(req.field(QUERY_TYPE), format!("must be 0 or 1, got {query_type}")));
    }
    let link_text = if query_type == Some(1) { req.string(link)? } else { Some(req.required_string(link)?) };
    Ok((link_text, query_type))
}

pub fn scheme_body(input: &Value) -> Result<String, Failure> {
    let (scheme, query_type) = read(input, SCHEME)?;
    Ok(json_text(&Query { scheme, url_link: None, query_type }))
}

pub fn urllink_body(input: &Value) -> Result<String, Failure> {
    let (url_link, query_type) = read(input, URL_LINK)?;
    Ok(json_text(&Query { scheme: None, url_link, query_type }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::value_of;
    use serde_json::json;

    #[test]
    fn bodies() {
        assert_eq!(
            value_of(scheme_body(&json!({"scheme": "weixin://dl/business/?t=x"}))).unwrap(),
            json!({"scheme": "weixin://dl/business/?t=x"})
        );
        assert_eq!(
            value_of(urllink_body(&json!({"urlLink": "https://wxaurl.cn/x", "queryType": 1}))).unwrap(),
            json!({"url_link": "https://wxaurl.cn/x", "query_type": 1})
        );
        assert_eq!(value_of(urllink_body(&json!({"url_link": "u"}))).unwrap(), json!({"url_link": "u"}));
        assert!(scheme_body(&json!({})).is_err());
        assert!(scheme_body(&json!({"scheme": "s", "queryType": 2})).is_err());
        assert!(urllink_body(&json!({"scheme": "s"})).is_err());
    }

    #[test]
    fn the_days_visit_quota_needs_no_link() {
        assert_eq!(value_of(scheme_body(&json!({"queryType": 1}))).unwrap(), json!({"query_type": 1}));
        assert_eq!(value_of(urllink_body(&json!({"query_type": 1}))).unwrap(), json!({"query_type": 1}));
        assert_eq!(crate::error::invalid_field(scheme_body(&json!({"queryType": 0}))), "scheme");
        assert_eq!(crate::error::invalid_field(urllink_body(&json!({}))), "urlLink");
    }
}
