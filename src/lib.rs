//! miniprogram-links: WeChat URL Scheme, URL Link, Short Link and plaintext
//! scheme, and Douyin URL Link, for Node.js through WebAssembly.
//!
//! Everything but `wasm` is a sans-IO core tested on the host with `cargo test`:
//! it validates requests, builds `HttpRequest`s, parses answers and decides about
//! tokens (`token::refresh`). `wasm` is the one boundary that talks to JavaScript,
//! all synchronously: it hands `index.cjs` each step (a request to send, a pause,
//! a call to the caller's token function or `tokenStore`) and reads how it went.

pub mod api;
pub mod client;
pub mod config;
pub mod douyin;
pub mod errcode;
pub mod error;
pub mod http;
pub mod input;
pub mod landing;
pub mod limit;
pub mod observe;
pub mod query;
pub mod redact;
pub mod retry;
pub mod token;
pub mod validate;
pub mod wechat;

#[cfg(target_arch = "wasm32")]
mod wasm;
