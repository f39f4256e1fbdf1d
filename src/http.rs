//! The sans-IO edge: requests as plain data, answers as `(status, body)`.

use serde::Serialize;
use serde_json::error::Category;
use serde_json::{Map, Value};

use crate::error::Failure;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// Everything the transport needs to send one request.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl HttpRequest {
    pub fn get(url: String) -> Self {
        HttpRequest { method: Method::Get, url, headers: Vec::new(), body: None }
    }

    /// A POST of a JSON body, as every link API takes.
    pub fn post_json(url: String, body: String) -> Self {
        HttpRequest::json(Method::Post, url, body)
    }

    /// A JSON body sent with `method` (an endpoint's, from the table).
    pub fn json(method: Method, url: String, body: String) -> Self {
        let headers = vec![("content-type", "application/json".to_owned())];
        HttpRequest { method, url, headers, body: Some(body) }
    }
}

/// The JSON text of a body or a value. Only for types whose serialisation
/// cannot fail (string keys, no fallible `Serialize`): the fallback is never taken.
pub fn json_text<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A body's text read back, for tests that compare it with `json!`.
#[cfg(test)]
pub fn value_of(body: Result<String, Failure>) -> Result<Value, Failure> {
    body.map(|text| serde_json::from_str(&text).unwrap())
}

/// The answer as a JSON object, or an `HTTP_ERROR` saying what it was instead.
pub fn json_object(status: u16, body: &str) -> Result<Map<String, Value>, Failure> {
    // Kept long enough that redaction sees whole tokens; the message cuts it later.
    const KEPT: usize = 2000;
    let reason = match serde_json::from_str(body) {
        Ok(Value::Object(map)) => return Ok(map),
        Ok(_) => "the body is JSON but not an object",
        Err(_) if body.trim().is_empty() => "the body is empty",
        Err(err) if err.classify() == Category::Eof => "the body is cut short",
        Err(_) if (200..300).contains(&status) => "the body is not JSON",
        Err(_) => "the body is not the platform's JSON",
    };
    Err(Failure::Http { status, reason: reason.to_owned(), body: body.chars().take(KEPT).collect() })
}

/// A non-2xx status whose body carried no platform error code.
pub fn error_status(status: u16) -> Failure {
    Failure::http(status, "the platform answered with an error status")
}

/// `url_link_info` → `urlLinkInfo`.
fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for (i, c) in key.chars().enumerate() {
        if c == '_' && i > 0 {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The platform's JSON with every key camelCased, nested ones too.
pub fn camel_case(value: Value) -> Value {
    match value {
        // Rebuilt only where a key changes (`{errcode, errmsg, openlink}` does not).
        Value::Object(map) if !map.iter().any(|(k, v)| k.contains('_') || v.is_object() || v.is_array()) => Value::Object(map),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (camel(&k), camel_case(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_case).collect()),
        other => other,
    }
}

/// A field a success answer must carry (`openlink`, `url_link`, `scheme_info`, ...).
pub fn required(map: &Map<String, Value>, name: &str, status: u16) -> Result<(), Failure> {
    match map.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(()),
        Some(Value::Object(_)) => Ok(()),
        _ => Err(Failure::http(status, format!("the answer has no `{name}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn camel_case_reaches_nested_keys() {
        let v = json!({"url_link_info": {"create_time": 1, "cloud_base": {"resource_appid": "x"}}, "list": [{"a_b": 1}]});
        assert_eq!(camel_case(v), json!({"urlLinkInfo": {"createTime": 1, "cloudBase": {"resourceAppid": "x"}}, "list": [{"aB": 1}]}));
    }

    #[test]
    fn bodies_that_are_not_json_objects() {
        let reason = |status, body| match json_object(status, body) {
            Err(Failure::Http { reason, .. }) => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(reason(200, ""), "the body is empty");
        assert_eq!(reason(200, r#"{"errcode":0,"openl"#), "the body is cut short");
        assert_eq!(reason(502, "<html><h1>502</h1></html>"), "the body is not the platform's JSON");
        assert_eq!(reason(200, "[1]"), "the body is JSON but not an object");
        assert_eq!(reason(200, "x"), "the body is not JSON");
        assert!(json_object(200, r#"{"a":1}"#).is_ok());
    }

    #[test]
    fn post_json_sets_the_content_type() {
        let req = HttpRequest::post_json("https://x/y".into(), r#"{"a":1}"#.to_owned());
        assert_eq!(req.method, Method::Post);
        assert_eq!(req.headers, vec![("content-type", "application/json".to_owned())]);
        assert_eq!(req.body.as_deref(), Some(r#"{"a":1}"#));
    }
}
