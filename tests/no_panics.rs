//! A panic inside WebAssembly traps the instance, so no input may make the
//! core panic: every validator, parser and builder is fed arbitrary input here.

use miniprogram_links::api::Api;
use miniprogram_links::client::Client;
use miniprogram_links::redact::redact;
use proptest::prelude::*;
use serde_json::{json, Value};

const NOW: i64 = 1_800_000_000;

const WECHAT_APIS: [Api; 5] =
    [Api::UrlschemeGenerate, Api::UrllinkGenerate, Api::ShortlinkGenerate, Api::UrlschemeQuery, Api::UrllinkQuery];
const DOUYIN_APIS: [Api; 4] =
    [Api::DouyinUrlLinkGenerate, Api::DouyinV2UrlLinkGenerate, Api::DouyinV2UrlLinkQueryInfo, Api::DouyinV2UrlLinkQueryQuota];

/// Numbers at and around every bound the rules have, and the awkward ones.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        any::<i64>().prop_map(|n| n as f64),
        Just(0.0),
        Just(-0.0),
        Just(1e12),
        Just(9_007_199_254_740_993.0),
        (-3i64..3).prop_map(|d| (NOW + 60 + d) as f64),
        (-3i64..3).prop_map(|d| (NOW + 30 * 86_400 + d) as f64),
        (-3i64..3).prop_map(|d| (NOW + 180 * 86_400 + d) as f64),
        (-2i64..33).prop_map(|d| d as f64),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z=&?%`{}\"]{0,40}",
        (1000usize..1100).prop_map(|n| "a".repeat(n)),
        Just("\u{FEFF}\u{10FFFF}\u{0}".to_owned()),
    ]
}

/// Keys the APIs know, so that generated objects reach past the unknown-key check.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "path",
            "query",
            "envVersion",
            "env_version",
            "jumpWxa",
            "jump_wxa",
            "isExpire",
            "expireType",
            "expireTime",
            "expire_time",
            "expireInterval",
            "cloudBase",
            "env",
            "domain",
            "resourceAppid",
            "pageUrl",
            "pageTitle",
            "isPermanent",
            "scheme",
            "urlLink",
            "queryType",
            "appName",
            "$type",
            "ms",
            "appid",
            "secret",
            "accessToken",
            "baseUrl",
            "href",
            "protocol",
            "username",
            "password",
            "hostname",
            "port",
            "pathname",
            "timeoutMs",
            "retries",
            "tokenStore",
            "fetch",
            "api",
        ])
        .prop_map(str::to_owned),
        text(),
    ]
}

fn marker() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec!["function", "Symbol", "BigInt", "NaN", "Infinity", "-Infinity", "URL"]).prop_map(|t| json!({"$type": t})),
        number().prop_map(|ms| json!({"$type": "Date", "ms": ms})),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(|n| serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::String),
        marker(),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8).prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn clients() -> Vec<Client> {
    let options = [
        (Api::WechatClient, r#"{"appid":"wx1","secret":"s3cr3t"}"#),
        (Api::WechatClient, r#"{"appid":"wx1","cloudbaseAccessToken":"cb"}"#),
        (Api::DouyinClient, r#"{"appid":"tt1","secret":"s3cr3t"}"#),
        (Api::DouyinClient, r#"{"appid":"tt1","secret":"s3cr3t","api":"v2"}"#),
    ];
    options.iter().filter_map(|(kind, o)| Client::new(*kind, o).ok()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_request_is_answered_without_panicking(input in value()) {
        let text = input.to_string();
        for client in clients() {
            for api in WECHAT_APIS.iter().chain(DOUYIN_APIS.iter()) {
                if let Ok(call) = client.prepare(*api, &text, NOW) {
                    let request = client.request(&call, Some("token"));
                    prop_assert!(request.url.starts_with("https://"));
                }
            }
            let _ = client.plain_scheme(&text);
            let _ = client.force_refresh(&text);
        }
    }

    #[test]
    fn any_options_are_answered_without_panicking(options in value()) {
        let _ = Client::new(Api::WechatClient, &options.to_string());
        let _ = Client::new(Api::DouyinClient, &options.to_string());
    }

    #[test]
    fn any_answer_is_parsed_without_panicking(status in any::<u16>(), body in prop_oneof![text(), value().prop_map(|v| v.to_string())]) {
        for client in clients() {
            let _ = client.parse_token(status, &body);
            for api in WECHAT_APIS.iter().chain(DOUYIN_APIS.iter()) {
                let input = json!({"scheme": "s", "urlLink": "u", "pageUrl": "p", "expireTime": NOW + 3600}).to_string();
                if let Ok(call) = client.prepare(*api, &input, NOW) {
                    if let Err(error) = client.parse(&call, status, &body) {
                        let json = serde_json::to_string(&client.error_fields(&error, &["token".to_owned()])).unwrap();
                        prop_assert!(serde_json::from_str::<Value>(&json).is_ok());
                    }
                }
            }
        }
    }

    #[test]
    fn redact_never_panics_and_hides_what_it_is_given(text in text(), secret in "[A-Za-z0-9_-]{8,64}") {
        let hidden = redact(&format!("{text}{secret}{text}"), &[&secret]);
        prop_assert!(!hidden.contains(&secret));
    }

    #[test]
    fn garbage_json_text_is_rejected_cleanly(text in text()) {
        for client in clients() {
            let _ = client.prepare(Api::UrlschemeGenerate, &text, NOW);
        }
    }
}

#[test]
fn huge_and_deep_inputs() {
    let client = Client::new(Api::WechatClient, r#"{"appid":"wx1","secret":"s"}"#).unwrap();
    let huge = json!({"jumpWxa": {"query": "a".repeat(1 << 20)}}).to_string();
    assert!(client.prepare(Api::UrlschemeGenerate, &huge, NOW).is_err());
    let deep = format!("{}{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    assert!(client.prepare(Api::UrlschemeGenerate, &deep, NOW).is_err());
    let body = "[".repeat(100_000);
    let call = client.prepare(Api::UrlschemeGenerate, "{}", NOW).unwrap();
    assert!(client.parse(&call, 200, &body).is_err());
}
