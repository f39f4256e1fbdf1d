//! `query` fields: a string as given, or a plain object encoded for the caller.

use serde_json::{Map, Value};

use crate::error::Failure;
use crate::http::json_text;
use crate::input::{describe, Key, Object};
use crate::validate;

/// What JavaScript's `encodeURIComponent` leaves alone.
#[inline(always)]
fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte)
}

fn encode(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let hex = |nibble: u8| char::from_digit(u32::from(nibble), 16).map_or('0', |c| c.to_ascii_uppercase());
    let mut out = String::with_capacity(text.len());
    // Runs of kept bytes are copied whole. They are ASCII, so a non-empty run
    // starts and ends on char boundaries (`get` finds it). An indexed loop:
    // at opt-level "z" an iterator adapter costs a call per byte.
    let (bytes, mut run, mut at) = (text.as_bytes(), 0, 0);
    while let Some(&byte) = bytes.get(at) {
        at += 1;
        if !keep(byte) {
            out.push_str(text.get(run..at - 1).unwrap_or(""));
            out.extend(['%', hex(byte >> 4), hex(byte & 0xf)]);
            run = at;
        }
    }
    out.push_str(text.get(run..).unwrap_or(""));
    out
}

/// `encodeURIComponent`.
pub fn encode_component(text: &str) -> String {
    encode(text, unreserved)
}

/// JavaScript's `encodeURIComponent`: a component that also keeps `!'()*`.
pub fn encode_uri_component(text: &str) -> String {
    encode(text, |b| unreserved(b) || b"!'()*".contains(&b))
}

/// A page path in a URL: like a component, but `/` stays readable.
pub fn encode_path(text: &str) -> String {
    encode(text, |b| unreserved(b) || b == b'/')
}

/// `{a: 1, b: 'x y'}` → `a=1&b=x%20y`, in the object's own key order.
fn form_encode(field: &str, map: &Map<String, Value>) -> Result<String, Failure> {
    let mut pairs = Vec::with_capacity(map.len());
    for (name, value) in map.iter() {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                let reason = format!("values must be strings, numbers or booleans, got {}", describe(other));
                return Err(Failure::invalid(format!("{field}.{name}"), reason));
            }
        };
        pairs.push(format!("{}={}", encode_component(name), encode_component(&text)));
    }
    Ok(pairs.join("&"))
}

/// A WeChat `query`: a string within the charset and `max`, or an object encoded first.
pub fn wechat(obj: &Object, key: Key, max: usize) -> Result<Option<String>, Failure> {
    let field = obj.field(key);
    let text = match obj.raw(key) {
        None => return Ok(None),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(map)) if !map.contains_key("$type") => form_encode(&field, map)?,
        Some(other) => return Err(Failure::invalid(field, format!("must be a string or a plain object, got {}", describe(other)))),
    };
    validate::wechat_query(&field, &text, max)?;
    Ok(Some(text))
}

/// A Douyin `query`: the text of a JSON object, `{}` when absent; an object is serialised.
pub fn douyin(obj: &Object, key: Key) -> Result<String, Failure> {
    let field = obj.field(key);
    let text = match obj.raw(key) {
        None => "{}".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(value @ Value::Object(map)) if !map.contains_key("$type") => json_text(value),
        Some(other) => {
            return Err(Failure::invalid(field, format!("must be a JSON object's text or a plain object, got {}", describe(other))))
        }
    };
    validate::douyin_query(&field, &text)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::key;
    use serde_json::json;

    const QUERY: Key = key("query");

    fn read_wechat(v: Value) -> Result<Option<String>, Failure> {
        wechat(&Object::new(&v, "", &[QUERY])?, QUERY, validate::QUERY_MAX_CHARS)
    }

    #[test]
    fn encode_component_matches_javascript() {
        assert_eq!(encode_component("a=1&b=2"), "a%3D1%26b%3D2");
        assert_eq!(encode_component("你 好"), "%E4%BD%A0%20%E5%A5%BD");
        assert_eq!(encode_component("-_.!~*'()"), "-_.!~*'()");
        assert_eq!(encode_path("pages/a b/index"), "pages/a%20b/index");
    }

    proptest::proptest! {
        #[test]
        fn encoding_copies_runs_exactly_as_byte_by_byte(text in "\\PC*") {
            let byte_by_byte: String = text
                .bytes()
                .map(|b| if unreserved(b) { char::from(b).to_string() } else { format!("%{b:02X}") })
                .collect();
            proptest::prop_assert_eq!(encode_component(&text), byte_by_byte);
        }
    }

    #[test]
    fn an_object_query_is_encoded_in_key_order() {
        let q = read_wechat(json!({"query": {"b": "x y", "a": 1, "c": true}})).unwrap();
        assert_eq!(q.as_deref(), Some("b=x%20y&a=1&c=true"));
        let q = read_wechat(json!({"query": {"name": "你"}})).unwrap();
        assert_eq!(q.as_deref(), Some("name=%E4%BD%A0"));
    }

    #[test]
    fn an_object_query_is_validated_after_encoding() {
        let long = "x".repeat(validate::QUERY_MAX_CHARS);
        assert!(read_wechat(json!({"query": {"a": long}})).is_err());
        let err = read_wechat(json!({"query": {"a": [1]}})).unwrap_err();
        assert_eq!(err, Failure::invalid("query.a", "values must be strings, numbers or booleans, got an array"));
    }

    #[test]
    fn a_string_query_is_checked_as_given() {
        assert_eq!(read_wechat(json!({"query": "a=1"})).unwrap().as_deref(), Some("a=1"));
        assert!(read_wechat(json!({"query": "a=1 2"})).is_err());
        assert!(read_wechat(json!({"query": 5})).is_err());
        assert_eq!(read_wechat(json!({})).unwrap(), None);
    }

    #[test]
    fn douyin_query_forms() {
        let read = |v: Value| douyin(&Object::new(&v, "", &[QUERY]).unwrap(), QUERY);
        assert_eq!(read(json!({})).unwrap(), "{}");
        assert_eq!(read(json!({"query": {"id": "123", "n": 1}})).unwrap(), r#"{"id":"123","n":1}"#);
        assert_eq!(read(json!({"query": r#"{"id":"1"}"#})).unwrap(), r#"{"id":"1"}"#);
        assert!(read(json!({"query": "id=1"})).is_err());
        assert!(read(json!({"query": {"$type": "Date", "ms": 1}})).is_err());
    }
}
