//! `shortlink.generate`: POST /wxa/genwxashortlink (000).

use serde::Serialize;
use serde_json::Value;

use crate::error::Failure;
use crate::http::json_text;
use crate::input::{keys, Key, Object};
use crate::validate;

const PAGE_URL: Key = keys("pageUrl", "page_url");
const PAGE_TITLE: Key = keys("pageTitle", "page_title");
const IS_PERMANENT: Key = keys("isPermanent", "is_permanent");

#[derive(Debug, PartialEq, Serialize)]
struct Generate<'a> {
    page_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_permanent: Option<bool>,
}

pub fn body(input: &Value) -> Result<String, Failure> {
    let req = Object::new(input, "", &[PAGE_URL, PAGE_TITLE, IS_PERMANENT])?;
    let page_url = req.required_string(PAGE_URL)?;
    validate::page_url(&req.field(PAGE_URL), page_url)?;
    // 000: a longer title is cut at 20 characters by the platform, not refused.
    let body = Generate { page_url, page_title: req.string(PAGE_TITLE)?, is_permanent: req.bool(IS_PERMANENT)? };
    Ok(json_text(&body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::value_of;
    use serde_json::json;

    #[test]
    fn the_reference_example() {
        let input =
            json!({"pageUrl": "pages/publishHomework/publishHomework?query1=q1", "pageTitle": "Homework title", "isPermanent": false});
        assert_eq!(
            value_of(body(&input)).unwrap(),
            json!({"page_url": "pages/publishHomework/publishHomework?query1=q1", "page_title": "Homework title", "is_permanent": false})
        );
        assert_eq!(value_of(body(&json!({"page_url": "p"}))).unwrap(), json!({"page_url": "p"}));
    }

    #[test]
    fn page_url_is_required_and_bounded() {
        let field = |v: Value| crate::error::invalid_field(body(&v));
        assert_eq!(field(json!({})), "pageUrl");
        assert_eq!(field(json!({"pageUrl": ""})), "pageUrl");
        assert_eq!(field(json!({"pageUrl": "p".repeat(1025)})), "pageUrl");
        assert!(body(&json!({"pageUrl": "p".repeat(1024)})).is_ok());
        assert_eq!(field(json!({"pageUrl": "p", "pageTitle": 3})), "pageTitle");
        assert_eq!(field(json!({"pageUrl": "p", "isPermanent": "no"})), "isPermanent");
        assert!(body(&json!({"pageUrl": "p", "pageTitle": "t".repeat(40)})).is_ok());
    }
}
