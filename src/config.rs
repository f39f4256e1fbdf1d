//! Client options, checked once at construction so that a bad one fails at once.

use serde_json::Value;

use crate::api::{Api, Platform};
use crate::douyin::{self, Generation};
use crate::error::{Error, Failure};
use crate::input::{self, clip, describe, key, number_text, Key, Object};
use crate::wechat;

const APPID: Key = key("appid");
const SECRET: Key = key("secret");
const ACCESS_TOKEN: Key = key("accessToken");
const CLOUDBASE_ACCESS_TOKEN: Key = key("cloudbaseAccessToken");
const OPEN_API_SERVICE: Key = key("openApiService");
const STABLE_TOKEN: Key = key("stableToken");
const API: Key = key("api");
const BASE_URL: Key = key("baseUrl");
const FETCH: Key = key("fetch");
const TIMEOUT_MS: Key = key("timeoutMs");
const RETRIES: Key = key("retries");
const TOKEN_STORE: Key = key("tokenStore");
const RATE_LIMITER: Key = key("rateLimiter");

const WECHAT_KEYS: [Key; 12] = [
    APPID,
    SECRET,
    ACCESS_TOKEN,
    CLOUDBASE_ACCESS_TOKEN,
    OPEN_API_SERVICE,
    STABLE_TOKEN,
    BASE_URL,
    FETCH,
    TIMEOUT_MS,
    RETRIES,
    TOKEN_STORE,
    RATE_LIMITER,
];
const DOUYIN_KEYS: [Key; 11] =
    [APPID, SECRET, ACCESS_TOKEN, API, STABLE_TOKEN, BASE_URL, FETCH, TIMEOUT_MS, RETRIES, TOKEN_STORE, RATE_LIMITER];
const STORE_METHODS: [Key; 2] = [key("get"), key("set")];
const STORE_LOCK: Key = key("lock");
const LIMITER_TAKE: Key = key("take");

const DEFAULT_TIMEOUT_MS: u32 = 10_000;
const DEFAULT_RETRIES: u32 = 2;
const MAX_RETRIES: i64 = 10;
/// `setTimeout` cannot wait longer than this.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// Where a token the package does not manage comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Fixed(String),
    /// A JavaScript function called before each request (the boundary holds it).
    Function,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Auth {
    /// `appid` + `secret`: the package fetches and caches the token.
    Managed { secret: String, stable: bool },
    /// `accessToken`: managed elsewhere (e.g. a third party's authorizer_access_token).
    Given(Source),
    /// WeChat Cloud Hosting: sent as `cloudbase_access_token`.
    Cloudbase(Source),
    /// Cloud Hosting's open interface service: no token at all.
    OpenApiService,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Wechat,
    Douyin(Generation),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub flavor: Flavor,
    pub appid: Option<String>,
    pub auth: Auth,
    pub base_url: String,
    pub timeout_ms: u32,
    pub retries: u32,
    pub custom_fetch: bool,
    pub token_store: bool,
    /// Whether a `rateLimiter` is asked before each request to a rate-limited API.
    pub rate_limiter: bool,
}

fn is_function(value: Option<&Value>) -> bool {
    value.and_then(|v| v.get("$type")).and_then(Value::as_str) == Some("function")
}

fn source(obj: &Object, key: Key) -> Result<Option<Source>, Failure> {
    match obj.raw(key) {
        None => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(Source::Fixed(s.clone()))),
        Some(v) if is_function(Some(v)) => Ok(Some(Source::Function)),
        Some(other) => Err(Failure::invalid(
            obj.field(key),
            format!("must be a non-empty string or a function returning one, got {}", describe(other)),
        )),
    }
}

fn non_empty<'a>(obj: &Object<'a>, key: Key) -> Result<Option<&'a str>, Failure> {
    match obj.string(key)? {
        Some("") => Err(Failure::invalid(obj.field(key), "must not be empty")),
        other => Ok(other),
    }
}

/// Hosts that may use plain http: emulators, local proxies, tests. `hostname` is
/// canonical (WHATWG): IPv4 in dotted decimal, IPv6 in brackets, names lower-cased.
fn is_loopback(hostname: &str) -> bool {
    let octet = |o: &str| o.bytes().all(|b| b.is_ascii_digit()) && o.parse::<u8>().is_ok();
    let is_127 = hostname.strip_prefix("127.").is_some_and(|rest| {
        let octets: Vec<&str> = rest.split('.').collect();
        octets.len() == 3 && octets.iter().all(|o| octet(o))
    });
    hostname == "localhost" || hostname == "[::1]" || is_127
}

/// A host the requests can go to as written: a name or IPv4 address, or a
/// bracketed IPv6 one. WHATWG allows more (`!`, `$`, `*`, …); no API host needs it.
fn is_plain_host(hostname: &str) -> bool {
    let name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_');
    let ipv6 = |b: u8| b.is_ascii_hexdigit() || matches!(b, b':' | b'.');
    match hostname.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(inner) => !inner.is_empty() && inner.bytes().all(ipv6),
        None => !hostname.is_empty() && hostname.bytes().all(name),
    }
}

/// `baseUrl`, read from the parts `new URL()` found in it on the JavaScript side
/// (`{"$type":"URL", protocol, username, password, hostname, port, pathname, href}`;
/// `{"$type":"URL"}` alone when it refused the text). The transport and any
/// `fetch` parse URLs with that same WHATWG parser, so the host checked here is
/// the host they connect to. The result is rebuilt from the checked parts, and
/// the caller's text is never quoted: it may carry a password.
fn base_url(value: &Value, allow_http: bool) -> Result<String, Failure> {
    let invalid = |reason: &str| Failure::invalid(BASE_URL.camel, reason);
    let parts = match value {
        Value::Object(map) if map.get("$type").and_then(Value::as_str) == Some("URL") => map,
        other => return Err(Failure::invalid(BASE_URL.camel, format!("must be a string, got {}", describe(other)))),
    };
    let part = |name: &str| parts.get(name).and_then(Value::as_str);
    let (Some(protocol), Some(username), Some(password), Some(hostname), Some(port), Some(pathname), Some(href)) =
        (part("protocol"), part("username"), part("password"), part("hostname"), part("port"), part("pathname"), part("href"))
    else {
        return Err(invalid("must be an absolute URL like https://api.weixin.qq.com"));
    };
    if !username.is_empty() || !password.is_empty() {
        return Err(invalid("must not hold user info (`name@` before the host): requests would go to the host after the `@`"));
    }
    // In a canonical href, `?` and `#` only ever start the query and the fragment.
    if href.contains(['?', '#']) {
        return Err(invalid("must not have a query or a fragment: request paths are appended to it"));
    }
    let port_ok = port.bytes().all(|b| b.is_ascii_digit());
    let path_ok = pathname.starts_with('/') && !pathname.contains(['?', '#', '\\']) && !pathname.contains(char::is_whitespace);
    if !is_plain_host(hostname) || !port_ok || !path_ok {
        return Err(invalid("must be a URL like https://api.weixin.qq.com, with a plain host name or IP address"));
    }
    match protocol {
        "https:" => {}
        "http:" if allow_http || is_loopback(hostname) => {}
        "http:" => return Err(invalid("must use https (plain http is allowed only on loopback or with openApiService)")),
        other => {
            return Err(Failure::invalid(
                BASE_URL.camel,
                format!("must be an http(s) URL, got scheme `{}`", clip(other.trim_end_matches(':'))),
            ))
        }
    }
    let port = if port.is_empty() { String::new() } else { format!(":{port}") };
    Ok(format!("{protocol}//{hostname}{port}{}", pathname.trim_end_matches('/')))
}

fn auth(obj: &Object, flavor: Flavor, appid: Option<&str>) -> Result<Auth, Failure> {
    let secret = non_empty(obj, SECRET)?;
    let access_token = source(obj, ACCESS_TOKEN)?;
    let cloudbase = if flavor == Flavor::Wechat { source(obj, CLOUDBASE_ACCESS_TOKEN)? } else { None };
    let open_api = obj.bool(OPEN_API_SERVICE)?.unwrap_or(false);
    let stable = obj.bool(STABLE_TOKEN)?.unwrap_or(false);
    let chosen = [secret.is_some(), access_token.is_some(), cloudbase.is_some(), open_api];
    let ways = if flavor == Flavor::Wechat {
        "appid + secret, accessToken, cloudbaseAccessToken or openApiService: true"
    } else {
        "appid + secret, or appid + accessToken"
    };
    match chosen.iter().filter(|c| **c).count() {
        0 => return Err(Failure::invalid("options", format!("no way to authenticate: give {ways}"))),
        1 => {}
        _ => return Err(Failure::invalid("options", format!("give only one way to authenticate: {ways}"))),
    }
    if stable && secret.is_none() {
        return Err(Failure::invalid(STABLE_TOKEN.camel, "applies only when the package fetches the token (appid + secret)"));
    }
    if stable && flavor == Flavor::Douyin(Generation::V1) {
        return Err(Failure::invalid(STABLE_TOKEN.camel, "needs api: 'v2' (POST /oauth/stable_client_token/ on open.douyin.com)"));
    }
    if secret.is_some() && appid.is_none() {
        return Err(Failure::invalid(APPID.camel, "is required with secret"));
    }
    Ok(match (secret, access_token, cloudbase) {
        (Some(secret), _, _) => Auth::Managed { secret: secret.to_owned(), stable },
        (_, Some(given), _) => Auth::Given(given),
        (_, _, Some(cloudbase)) => Auth::Cloudbase(cloudbase),
        _ => Auth::OpenApiService,
    })
}

/// An option holding the caller's functions (`tokenStore`, `rateLimiter`):
/// whether it is given, each of `required` being a function, and `optional` too when given.
fn hooks(obj: &Object, option: Key, required: &[Key], optional: Option<Key>) -> Result<bool, Failure> {
    if obj.raw(option).is_none() {
        return Ok(false);
    }
    let known: Vec<Key> = required.iter().copied().chain(optional).collect();
    let given = obj.object(option, &known)?;
    let method = |name: Key| given.as_ref().and_then(|o| o.raw(name));
    for &name in required {
        if !is_function(method(name)) {
            return Err(Failure::invalid(format!("{}.{}", option.camel, name.camel), "must be a function"));
        }
    }
    if let Some(name) = optional.filter(|&name| method(name).is_some_and(|v| !is_function(Some(v)))) {
        return Err(Failure::invalid(format!("{}.{}", option.camel, name.camel), "must be a function when given"));
    }
    Ok(true)
}

impl Config {
    /// Reads the options JSON of a `WeChatClient` or `DouyinClient`.
    pub fn read(client: Api, options: &str) -> Result<Config, Error> {
        Config::parse(client, options).map_err(|failure| failure.at(client))
    }

    fn parse(client: Api, options: &str) -> Result<Config, Failure> {
        let value = input::parse("options", options)?;
        let wechat = client.platform() == Platform::Wechat;
        let obj = Object::new(&value, "", if wechat { &WECHAT_KEYS } else { &DOUYIN_KEYS })?;
        let flavor = if wechat {
            Flavor::Wechat
        } else {
            match obj.string(API)?.unwrap_or("v1") {
                "v1" => Flavor::Douyin(Generation::V1),
                "v2" => Flavor::Douyin(Generation::V2),
                other => return Err(Failure::invalid(API.camel, format!("must be 'v1' or 'v2', got `{}`", clip(other)))),
            }
        };
        let appid = non_empty(&obj, APPID)?;
        if !wechat && appid.is_none() {
            return Err(Failure::invalid(APPID.camel, "is required: Douyin requests carry it"));
        }
        let auth = auth(&obj, flavor, appid)?;
        let default_base = match flavor {
            Flavor::Wechat => wechat::DEFAULT_BASE_URL,
            Flavor::Douyin(Generation::V1) => douyin::V1_BASE_URL,
            Flavor::Douyin(Generation::V2) => douyin::V2_BASE_URL,
        };
        let base_url = match obj.raw(BASE_URL) {
            Some(given) => base_url(given, auth == Auth::OpenApiService)?,
            None => default_base.to_owned(),
        };
        let custom_fetch = match obj.raw(FETCH) {
            None => false,
            Some(v) if is_function(Some(v)) => true,
            Some(other) => return Err(Failure::invalid(FETCH.camel, format!("must be a function, got {}", describe(other)))),
        };
        let timeout_ms = match obj.number(TIMEOUT_MS)? {
            None => DEFAULT_TIMEOUT_MS,
            Some(ms) if ms > 0.0 && ms <= MAX_TIMEOUT_MS => ms.ceil() as u32,
            Some(ms) => {
                return Err(Failure::invalid(
                    TIMEOUT_MS.camel,
                    format!("must be more than 0 and at most {}, got {}", number_text(MAX_TIMEOUT_MS), number_text(ms)),
                ))
            }
        };
        let retries = match obj.integer(RETRIES)? {
            None => DEFAULT_RETRIES,
            Some(n) if (0..=MAX_RETRIES).contains(&n) => n as u32,
            Some(n) => return Err(Failure::invalid(RETRIES.camel, format!("must be 0 to {MAX_RETRIES}, got {n}"))),
        };
        let token_store = hooks(&obj, TOKEN_STORE, &STORE_METHODS, Some(STORE_LOCK))?;
        if token_store && !matches!(auth, Auth::Managed { .. }) {
            return Err(Failure::invalid(TOKEN_STORE.camel, "is used only when the package fetches the token (appid + secret)"));
        }
        let rate_limiter = hooks(&obj, RATE_LIMITER, &[LIMITER_TAKE], None)?;
        Ok(Config { flavor, appid: appid.map(str::to_owned), auth, base_url, timeout_ms, retries, custom_fetch, token_store, rate_limiter })
    }
}

/// `baseUrl` as `index.cjs` hands it over, for host tests: the parts of `href`,
/// which must already be in the canonical form `new URL()` gives (no parsing here).
#[cfg(test)]
pub fn url_parts(href: &str) -> Value {
    let (protocol, rest) = href.split_once("//").unwrap_or((href, ""));
    let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let (userinfo, host) = authority.rsplit_once('@').unwrap_or(("", authority));
    let (username, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (hostname, port) = match host.rfind(':') {
        Some(colon) if !host[colon..].contains(']') => (&host[..colon], &host[colon + 1..]),
        _ => (host, ""),
    };
    let pathname = path.split(['?', '#']).next().filter(|p| !p.is_empty()).unwrap_or("/");
    serde_json::json!({"$type": "URL", "href": href, "protocol": protocol, "username": username, "password": password,
        "hostname": hostname, "port": port, "pathname": pathname})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wechat(options: Value) -> Result<Config, Error> {
        Config::read(Api::WechatClient, &options.to_string())
    }

    fn field_of<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
        crate::error::invalid_field(result.map_err(|error| error.failure))
    }

    const FUNCTION: &str = r#"{"$type":"function"}"#;

    #[test]
    fn defaults() {
        let config = wechat(json!({"appid": "wx1", "secret": "s"})).unwrap();
        assert_eq!(config.base_url, "https://api.weixin.qq.com");
        assert_eq!(config.auth, Auth::Managed { secret: "s".into(), stable: false });
        assert_eq!((config.timeout_ms, config.retries, config.custom_fetch, config.token_store), (10_000, 2, false, false));
    }

    #[test]
    fn each_way_to_authenticate() {
        let f: Value = serde_json::from_str(FUNCTION).unwrap();
        assert_eq!(wechat(json!({"accessToken": "t"})).unwrap().auth, Auth::Given(Source::Fixed("t".into())));
        assert_eq!(wechat(json!({"accessToken": f})).unwrap().auth, Auth::Given(Source::Function));
        assert_eq!(wechat(json!({"cloudbaseAccessToken": "c"})).unwrap().auth, Auth::Cloudbase(Source::Fixed("c".into())));
        let open = wechat(json!({"openApiService": true, "baseUrl": url_parts("http://api.weixin.qq.com/")})).unwrap();
        assert_eq!(open.auth, Auth::OpenApiService);
        assert_eq!(open.base_url, "http://api.weixin.qq.com");
    }

    #[test]
    fn bad_options_name_themselves() {
        assert_eq!(field_of(wechat(json!({}))), "options");
        assert_eq!(field_of(wechat(json!({"appid": "wx1"}))), "options");
        assert_eq!(field_of(wechat(json!({"appid": "wx1", "secret": "s", "accessToken": "t"}))), "options");
        assert_eq!(field_of(wechat(json!({"secret": "s"}))), "appid");
        assert_eq!(field_of(wechat(json!({"appid": "wx1", "secret": 5}))), "secret");
        assert_eq!(field_of(wechat(json!({"appid": "wx1", "secret": "s", "baseUrl": url_parts("http://api.weixin.qq.com/")}))), "baseUrl");
        assert_eq!(field_of(wechat(json!({"appid": "wx1", "secret": "s", "baseUrl": url_parts("ftp://x/")}))), "baseUrl");
        assert_eq!(field_of(wechat(json!({"appid": "wx1", "secret": "s", "fetch": "yes"}))), "fetch");
        assert_eq!(field_of(wechat(json!({"appid": "wx1", "secret": "s", "timeoutMs": 0}))), "timeoutMs");
        assert_eq!(field_of(wechat(json!({"appid": "wx1", "secret": "s", "timeoutMs": -5}))), "timeoutMs");
        assert_eq!(field_of(wechat(json!({"appid": "wx1", "secret": "s", "retries": 1.5}))), "retries");
        assert_eq!(field_of(wechat(json!({"appid": "wx1", "secret": "s", "retries": 11}))), "retries");
        assert_eq!(
            field_of(wechat(json!({"appid": "wx1", "secret": "s", "tokenStore": {"get": {"$type": "function"}}}))),
            "tokenStore.set"
        );
        assert_eq!(field_of(wechat(json!({"accessToken": "t", "stableToken": true}))), "stableToken");
        assert_eq!(field_of(wechat(json!({"accessToken": "t", "rateLimiter": 5}))), "rateLimiter");
        assert_eq!(field_of(wechat(json!({"accessToken": "t", "rateLimiter": {}}))), "rateLimiter.take");
        assert_eq!(field_of(wechat(json!({"accessToken": "t", "rateLimiter": {"take": 1}}))), "rateLimiter.take");
        assert_eq!(
            field_of(wechat(json!({"accessToken": "t", "rateLimiter": {"take": {"$type": "function"}, "give": 1}}))),
            "rateLimiter.give"
        );
        let limited = wechat(json!({"accessToken": "t", "rateLimiter": {"take": {"$type": "function"}}})).unwrap();
        assert!(limited.rate_limiter);
        assert_eq!(field_of(wechat(json!({"appid": "wx1", "secert": "s"}))), "secert");
    }

    fn base_of(href: &str) -> Result<String, Error> {
        wechat(json!({"appid": "wx1", "secret": "s", "baseUrl": url_parts(href)})).map(|config| config.base_url)
    }

    #[test]
    fn loopback_may_use_http() {
        assert_eq!(base_of("http://127.0.0.1:8080/").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(base_of("http://localhost:1/").unwrap(), "http://localhost:1");
        assert_eq!(base_of("http://[::1]:9000/").unwrap(), "http://[::1]:9000");
        assert_eq!(base_of("http://127.255.0.9/gateway/wx/").unwrap(), "http://127.255.0.9/gateway/wx");
        for href in
            ["http://127.0.0.1.evil.com/", "http://localhost./", "http://[::ffff:7f00:1]/", "http://128.0.0.1/", "http://127.0.0.1111/"]
        {
            assert_eq!(field_of(base_of(href)), "baseUrl", "{href}");
        }
    }

    #[test]
    fn base_url_is_only_a_host_and_a_path() {
        assert_eq!(base_of("https://api.weixin.qq.com/").unwrap(), "https://api.weixin.qq.com");
        for href in [
            "http://localhost:80@example.com/",
            "https://user:pw@api.weixin.qq.com/",
            "https://api.weixin.qq.com/?x=1",
            "https://api.weixin.qq.com/?",
            "https://api.weixin.qq.com/#top",
            "https://a*b.example/",
            "https://[::1/",
            "https://example.com:8x/",
        ] {
            let error = base_of(href).unwrap_err();
            assert!(serde_json::to_string(&error.fields(str::to_owned)).unwrap().contains(r#""field":"baseUrl""#), "{href}");
            assert!(!error.message(str::to_owned).contains("pw"), "{href}: the message must not quote the URL");
        }
        // What `new URL()` refused, and anything that did not come through it.
        for given in [json!({"$type": "URL"}), json!("https://api.weixin.qq.com"), json!(5)] {
            assert_eq!(field_of(wechat(json!({"appid": "wx1", "secret": "s", "baseUrl": given}))), "baseUrl");
        }
    }

    #[test]
    fn douyin_needs_an_appid_and_knows_its_generations() {
        let douyin = |v: Value| Config::read(Api::DouyinClient, &v.to_string());
        assert_eq!(field_of(douyin(json!({"accessToken": "t"}))), "appid");
        let v1 = douyin(json!({"appid": "tt1", "secret": "s"})).unwrap();
        assert_eq!((v1.flavor, v1.base_url.as_str()), (Flavor::Douyin(Generation::V1), "https://developer.toutiao.com"));
        let v2 = douyin(json!({"appid": "tt1", "secret": "s", "api": "v2"})).unwrap();
        assert_eq!((v2.flavor, v2.base_url.as_str()), (Flavor::Douyin(Generation::V2), "https://open.douyin.com"));
        assert_eq!(field_of(douyin(json!({"appid": "tt1", "secret": "s", "api": "v3"}))), "api");
        assert_eq!(field_of(douyin(json!({"appid": "tt1", "cloudbaseAccessToken": "c"}))), "cloudbaseAccessToken");
    }
}
