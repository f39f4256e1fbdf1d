//! `query` fields: a string as given, or a plain object encoded for the caller.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;
use serde_json::{Map, Value};

use crate::error::Failure;
use crate::input::{describe, Key, Object};
use crate::validate;

/// A number as JavaScript's `String(x)` and `JSON.stringify` write it
/// (ECMAScript Number::toString): fixed notation from 1e-6 up to below 1e21,
/// exponential outside. serde_json gives the shortest digits that read back
/// as `x`; only where they go differs.
fn js_number(x: f64) -> String {
    let shortest = serde_json::to_string(&x).unwrap_or_default();
    let (sign, unsigned) = match shortest.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", shortest.as_str()),
    };
    let (mantissa, exponent) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, "0"));
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = [whole, fraction].concat();
    let significant = digits.trim_start_matches('0');
    // x = 0.<significant> × 10^point
    let point = whole.len() as i64 + exponent.parse::<i64>().unwrap_or(0) - (digits.len() - significant.len()) as i64;
    let significant = significant.trim_end_matches('0');
    if significant.is_empty() {
        return "0".into();
    }
    let count = significant.len() as i64;
    let body = if count <= point && point <= 21 {
        [significant, &"0".repeat((point - count) as usize)].concat()
    } else if 0 < point && point <= 21 {
        let (int, frac) = significant.split_at(point as usize);
        format!("{int}.{frac}")
    } else if -6 < point && point <= 0 {
        ["0.", &"0".repeat(-point as usize), significant].concat()
    } else {
        let (first, rest) = significant.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let e = point - 1;
        format!("{first}{dot}{rest}e{}{e}", if e < 0 { "" } else { "+" })
    };
    [sign, &body].concat()
}

/// serde_json's compact output with JavaScript's numbers: `JSON.stringify`'s text.
struct JsNumbers;

impl Formatter for JsNumbers {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(js_number(value).as_bytes())
    }
}

/// `JSON.stringify(value)` for a plain object the caller gave.
fn json_stringify(value: &Value) -> String {
    let mut out = Vec::new();
    // Writing a `Value` into a `Vec` cannot fail.
    let _ = value.serialize(&mut serde_json::Serializer::with_formatter(&mut out, JsNumbers));
    String::from_utf8(out).unwrap_or_default()
}

/// `String(n)`: integers as serde_json read them, others as JavaScript writes them.
fn number_text(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(x) if !n.is_i64() && !n.is_u64() => js_number(x),
        _ => n.to_string(),
    }
}

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
            Value::Number(n) => number_text(n),
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
        Some(value @ Value::Object(map)) if !map.contains_key("$type") => json_stringify(value),
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
    fn numbers_are_written_as_javascript_writes_them() {
        let cases = [
            (0.000001, "0.000001"),
            (0.0000015, "0.0000015"),
            (1e-7, "1e-7"),
            (-1.5e-7, "-1.5e-7"),
            (0.1, "0.1"),
            (123.456, "123.456"),
            (-0.5, "-0.5"),
            (2.5e-5, "0.000025"),
            (1e20, "100000000000000000000"),
            (1.5e20, "150000000000000000000"),
            (1e21, "1e+21"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (0.0, "0"),
            (-0.0, "0"),
        ];
        for (x, js) in cases {
            assert_eq!(js_number(x), js, "{x:e}");
        }
        let query: Value = serde_json::from_str(r#"{"a":0.000001,"b":1e20,"c":[1.5,2],"d":{"e":1e-7}}"#).unwrap();
        assert_eq!(json_stringify(&query), r#"{"a":0.000001,"b":100000000000000000000,"c":[1.5,2],"d":{"e":1e-7}}"#);
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
