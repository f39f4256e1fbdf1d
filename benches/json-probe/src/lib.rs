//! JSON across the JS <-> wasm boundary, two ways; see Cargo.toml.
//!
//! Every path parses into `serde_json::Value` (what the package's core works
//! on) and touches every node (`weight`), so nothing is optimised away; both
//! paths build the outgoing HTTP body as JSON text (the package must send text
//! either way), so that cost is common.

use std::cell::RefCell;

use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

fn weight(v: &Value) -> u32 {
    match v {
        Value::Object(m) => 1 + m.iter().map(|(k, v)| k.len() as u32 + weight(v)).sum::<u32>(),
        Value::Array(a) => 1 + a.iter().map(weight).sum::<u32>(),
        Value::String(s) => s.len() as u32,
        _ => 1,
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

fn rename(v: &Value, f: fn(&str) -> String) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (f(k), rename(v, f))).collect::<Map<_, _>>()),
        Value::Array(a) => Value::Array(a.iter().map(|v| rename(v, f)).collect()),
        other => other.clone(),
    }
}

/// The common part of a call: the outgoing body as text (its length returned).
fn body_text(request: &Value) -> usize {
    serde_json::to_string(&rename(request, snake)).map_or(0, |s| s.len())
}

thread_local! {
    static RESULT: RefCell<Value> = const { RefCell::new(Value::Null) };
}

/// Keeps a result to serialise (so the `out` functions time serialisation only).
#[cfg(feature = "timing")]
#[wasm_bindgen]
pub fn set_result(text: &str) -> u32 {
    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let w = weight(&v);
    RESULT.with(|r| *r.borrow_mut() = rename(&v, camel));
    w
}

// ---- text: what the package does now ----

#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn in_text(text: &str) -> u32 {
    serde_json::from_str::<Value>(text).map_or(0, |v| weight(&v))
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
    let Ok(request) = serde_json::from_str::<Value>(request) else { return String::new() };
    let sent = body_text(&request);
    let Ok(response) = serde_json::from_str::<Value>(response) else { return String::new() };
    if sent == 0 {
        return String::new();
    }
    rename(&response, camel).to_string()
}

// ---- value: serde-wasm-bindgen ----

#[cfg(feature = "value")]
#[wasm_bindgen]
pub fn in_value(value: JsValue) -> u32 {
    serde_wasm_bindgen::from_value::<Value>(value).map_or(0, |v| weight(&v))
}

#[cfg(feature = "value")]
fn to_js(v: &Value) -> JsValue {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
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
    let Ok(request) = serde_wasm_bindgen::from_value::<Value>(request) else { return JsValue::NULL };
    let sent = body_text(&request);
    let Ok(response) = serde_wasm_bindgen::from_value::<Value>(response) else { return JsValue::NULL };
    if sent == 0 {
        return JsValue::NULL;
    }
    to_js(&rename(&response, camel))
}
