//! JSON across the JS <-> wasm boundary, two ways; see Cargo.toml.
//!
//! Each way parses into its own tree (the package's `json::Value`, or
//! `serde_json::Value` for serde-wasm-bindgen), touches every node (`weight`)
//! so nothing is optimised away, and writes the outgoing HTTP body as JSON text
//! (the package must send text either way).

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

/// The package's JSON, the very file it compiles.
#[allow(dead_code)]
#[path = "../../../src/json.rs"]
mod json;

/// What a call does with a parsed tree, for either way's tree.
trait Tree: Sized {
    /// A number that depends on every node.
    fn weight(&self) -> u32;
    /// The same tree with every key passed through `rename`.
    fn renamed(&self, rename: fn(&str) -> String) -> Self;
    fn text(&self) -> String;
}

/// The walks, the same for both trees: their `Value`s have the same variants.
macro_rules! tree {
    ($($value:ident)::+, $text:ident) => {
        impl Tree for $($value)::+ {
            fn weight(&self) -> u32 {
                match self {
                    $($value)::+::Object(m) => 1 + m.iter().map(|(k, v)| k.len() as u32 + v.weight()).sum::<u32>(),
                    $($value)::+::Array(a) => 1 + a.iter().map(Tree::weight).sum::<u32>(),
                    $($value)::+::String(s) => s.len() as u32,
                    _ => 1,
                }
            }

            fn renamed(&self, rename: fn(&str) -> String) -> Self {
                match self {
                    $($value)::+::Object(m) => $($value)::+::Object(m.iter().map(|(k, v)| (rename(k), v.renamed(rename))).collect()),
                    $($value)::+::Array(a) => $($value)::+::Array(a.iter().map(|v| v.renamed(rename)).collect()),
                    other => other.clone(),
                }
            }

            fn text(&self) -> String {
                self.$text()
            }
        }
    };
}

tree!(json::Value, to_json);
#[cfg(feature = "value")]
tree!(serde_json::Value, to_string);

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
fn call<T: Tree>(request: &T, response: &T) -> Option<T> {
    let sent = request.renamed(snake).text().len();
    (sent > 0).then(|| response.renamed(camel))
}

#[cfg(any(feature = "timing", feature = "text"))]
thread_local! {
    static RESULT: RefCell<json::Value> = const { RefCell::new(json::Value::Null) };
}

#[cfg(feature = "value")]
thread_local! {
    static RESULT_VALUE: RefCell<serde_json::Value> = const { RefCell::new(serde_json::Value::Null) };
}

/// Keeps a result to write out (so the `out` functions time writing only).
#[cfg(feature = "timing")]
#[wasm_bindgen]
pub fn set_result(text: &str) -> u32 {
    let v = json::parse(text).unwrap_or(json::Value::Null);
    RESULT.with(|r| *r.borrow_mut() = v.renamed(camel));
    #[cfg(feature = "value")]
    RESULT_VALUE.with(|r| *r.borrow_mut() = serde_json::from_str::<serde_json::Value>(text).unwrap_or_default().renamed(camel));
    v.weight()
}

// ---- text: what the package does ----

#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn in_text(text: &str) -> u32 {
    json::parse(text).map_or(0, |v| v.weight())
}

#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn out_text() -> String {
    RESULT.with(|r| r.borrow().text())
}

/// A whole call: request JSON text in, response body text in, result JSON text out.
#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn call_text(request: &str, response: &str) -> String {
    match (json::parse(request), json::parse(response)) {
        (Ok(request), Ok(response)) => call(&request, &response).map_or_else(String::new, |result| result.text()),
        _ => String::new(),
    }
}

// ---- value: serde-wasm-bindgen ----

#[cfg(feature = "value")]
fn from_js(value: JsValue) -> Option<serde_json::Value> {
    serde_wasm_bindgen::from_value(value).ok()
}

#[cfg(feature = "value")]
fn to_js(v: &serde_json::Value) -> JsValue {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

#[cfg(feature = "value")]
#[wasm_bindgen]
pub fn in_value(value: JsValue) -> u32 {
    from_js(value).map_or(0, |v| v.weight())
}

#[cfg(feature = "value")]
#[wasm_bindgen]
pub fn out_value() -> JsValue {
    RESULT_VALUE.with(|r| to_js(&r.borrow()))
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
