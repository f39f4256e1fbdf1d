//! JSON across the JS <-> wasm boundary, two ways; see Cargo.toml.
//!
//! Both ways parse into `serde_json::Value` (from text, or through
//! serde-wasm-bindgen), touch every node (`weight`) so nothing is optimised
//! away, and write the outgoing HTTP body as JSON text (the package must send
//! text either way).

use std::cell::RefCell;

use serde_json::Value;
use wasm_bindgen::prelude::*;

/// A number that depends on every node.
fn weight(value: &Value) -> u32 {
    match value {
        Value::Object(m) => 1 + m.iter().map(|(k, v)| k.len() as u32 + weight(v)).sum::<u32>(),
        Value::Array(a) => 1 + a.iter().map(weight).sum::<u32>(),
        Value::String(s) => s.len() as u32,
        _ => 1,
    }
}

/// The same tree with every key passed through `rename`.
fn renamed(value: &Value, rename: fn(&str) -> String) -> Value {
    match value {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (rename(k), renamed(v, rename))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(|v| renamed(v, rename)).collect()),
        other => other.clone(),
    }
}

fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut up = false;
    for c in key.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A whole call on parsed trees: the outgoing body as text, then the result.
fn call(request: &Value, response: &Value) -> Option<Value> {
    let sent = renamed(request, snake).to_string().len();
    (sent > 0).then(|| renamed(response, camel))
}

#[cfg(any(feature = "timing", feature = "text", feature = "value"))]
thread_local! {
    static RESULT: RefCell<Value> = const { RefCell::new(Value::Null) };
}

/// Keeps a result to write out (so the `out` functions time writing only).
#[cfg(feature = "timing")]
#[wasm_bindgen]
pub fn set_result(text: &str) -> u32 {
    let v = serde_json::from_str(text).unwrap_or(Value::Null);
    let w = weight(&v);
    RESULT.with(|r| *r.borrow_mut() = renamed(&v, camel));
    w
}

// ---- text: what the package does ----

#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn in_text(text: &str) -> u32 {
    serde_json::from_str(text).map_or(0, |v| weight(&v))
}

#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn out_text() -> String {
    RESULT.with(|r| r.borrow().to_string())
}

/// A whole call: request JSON text in, response body text in, result JSON text out.
#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn call_text(request: &str, response: &str) -> String {
    match (serde_json::from_str(request), serde_json::from_str(response)) {
        (Ok(request), Ok(response)) => call(&request, &response).map_or_else(String::new, |result| result.to_string()),
        _ => String::new(),
    }
}

// ---- value: serde-wasm-bindgen ----

#[cfg(feature = "value")]
fn from_js(value: JsValue) -> Option<Value> {
    serde_wasm_bindgen::from_value(value).ok()
}

#[cfg(feature = "value")]
fn to_js(v: &Value) -> JsValue {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

#[cfg(feature = "value")]
#[wasm_bindgen]
pub fn in_value(value: JsValue) -> u32 {
    from_js(value).map_or(0, |v| weight(&v))
}

#[cfg(feature = "value")]
#[wasm_bindgen]
pub fn out_value() -> JsValue {
    RESULT.with(|r| to_js(&r.borrow()))
}

/// A whole call: request object in, response object (JSON.parse'd in JS) in, result object out.
#[cfg(feature = "value")]
#[wasm_bindgen]
pub fn call_value(request: JsValue, response: JsValue) -> JsValue {
    match (from_js(request), from_js(response)) {
        (Some(request), Some(response)) => call(&request, &response).map_or(JsValue::NULL, |result| to_js(&result)),
        _ => JsValue::NULL,
    }
}
