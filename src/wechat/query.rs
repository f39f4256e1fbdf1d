//! `urlscheme.query` (POST /wxa/queryscheme) and `urllink.query` (POST /wxa/query_urllink).

use crate::error::Failure;
use crate::input::{key, keys, Key, Object};
use crate::json::{ObjectWriter, Value};

const SCHEME: Key = key("scheme");
const URL_LINK: Key = keys("urlLink", "url_link");
const QUERY_TYPE: Key = keys("queryType", "query_type");

fn body(input: &Value, link: Key) -> Result<String, Failure> {
    let req = Object::new(input, "", &[link, QUERY_TYPE])?;
    let link_text = req.required_string(link)?;
    let query_type = req.integer(QUERY_TYPE)?;
    if let Some(query_type) = query_type.filter(|t| *t != 0 && *t != 1) {
        return Err(Failure::invalid(req.field(QUERY_TYPE), format!("must be 0 or 1, got {query_type}")));
    }
    Ok(ObjectWriter::default().string(link.snake, Some(link_text)).integer(QUERY_TYPE.snake, query_type).finish())
}

pub fn scheme_body(input: &Value) -> Result<String, Failure> {
    body(input, SCHEME)
}

pub fn urllink_body(input: &Value) -> Result<String, Failure> {
    body(input, URL_LINK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::value_of;
    use crate::json::json;

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
}
