//! The endpoints the package calls, declared once each: the names users see in
//! `LinkError.api`, and everything the client, the errors and the JavaScript
//! side (the batch limiter, the CLI) know about each API.

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::config::Flavor;
use crate::douyin::{self, schema, urllink as dy, Generation};
use crate::errcode::Documented;
use crate::error::Failure;
use crate::http::Method;
use crate::wechat::{self, nfc, query, shortlink, urllink, urlscheme};

/// Serialised as its name: `wechat`, `douyin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Wechat,
    Douyin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    WechatToken,
    UrlschemeGenerate,
    UrlschemeGenerateNfc,
    UrllinkGenerate,
    ShortlinkGenerate,
    UrlschemeQuery,
    UrllinkQuery,
    PlainScheme,
    /// `appendCq`: built locally, no request.
    AppendCq,
    /// `renderLandingPage`: built locally, no request.
    RenderLandingPage,
    DouyinToken,
    DouyinUrlLinkGenerate,
    DouyinV2Token,
    DouyinV2UrlLinkGenerate,
    DouyinV2UrlLinkQueryInfo,
    DouyinV2UrlLinkQueryQuota,
    DouyinV2SchemaGenerate,
    DouyinV2SchemaQuery,
    DouyinV2SchemaQueryQuota,
    /// Constructor options, before any API is involved.
    WechatClient,
    DouyinClient,
}

/// Where a request carries its access token (or the secret, for a token request).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialIn {
    Query,
    Body,
    /// Douyin v2's `access-token` header.
    Header,
}

/// What a link method's body is built from.
pub struct Request<'a> {
    /// The caller's request, as parsed.
    pub input: &'a Value,
    pub appid: &'a str,
    /// Unix seconds, for expiry checks.
    pub now: i64,
}

/// A link method's rules: validates the caller's request and writes the body,
/// without the credential.
pub type Build = fn(&Request) -> Result<String, Failure>;

/// One platform API.
#[derive(Debug)]
pub struct Endpoint {
    pub name: &'static str,
    pub platform: Platform,
    /// The client that has it (a Douyin client's `api` option chooses v1 or v2).
    pub flavor: Flavor,
    /// How a link method builds its body; `None` for a token request, which
    /// `Client::token_request` builds from the options alone.
    pub build: Option<Build>,
    pub method: Method,
    pub path: &'static str,
    pub credential: CredentialIn,
    /// The answer's field that must hold the result; `None`: the whole answer is it.
    pub result: Option<&'static str>,
    /// The documented limit on requests per second per app, where the pages give one.
    pub per_second: Option<u32>,
    /// The daily quota it draws on, shared with the APIs naming the same one.
    pub quota: Option<&'static str>,
    /// What its errcodes mean: one table per platform, read the way this API answers.
    pub errcodes: fn(i64) -> Option<Documented>,
}

/// Every API a client method can name, in `apiNumber` order.
const NAMED: [Api; 17] = [
    Api::WechatToken,
    Api::UrlschemeGenerate,
    Api::UrllinkGenerate,
    Api::ShortlinkGenerate,
    Api::UrlschemeQuery,
    Api::UrllinkQuery,
    Api::PlainScheme,
    Api::DouyinToken,
    Api::DouyinUrlLinkGenerate,
    Api::DouyinV2Token,
    Api::DouyinV2UrlLinkGenerate,
    Api::DouyinV2UrlLinkQueryInfo,
    Api::DouyinV2UrlLinkQueryQuota,
    Api::UrlschemeGenerateNfc,
    Api::DouyinV2SchemaGenerate,
    Api::DouyinV2SchemaQuery,
    Api::DouyinV2SchemaQueryQuota,
];

const WECHAT_LINKS: Option<&str> = Some("wechat.links");
const DOUYIN_LINKS: Option<&str> = Some("douyin.urlLinks");

const fn wechat(
    name: &'static str,
    build: Build,
    path: &'static str,
    result: Option<&'static str>,
    per_second: Option<u32>,
    quota: Option<&'static str>,
) -> Endpoint {
    Endpoint {
        name,
        platform: Platform::Wechat,
        flavor: Flavor::Wechat,
        build: Some(build),
        method: Method::Post,
        path,
        credential: CredentialIn::Query,
        result,
        per_second,
        quota,
        errcodes: wechat::errors::link,
    }
}

const fn douyin_v2(
    name: &'static str,
    build: Build,
    path: &'static str,
    result: Option<&'static str>,
    per_second: Option<u32>,
    quota: Option<&'static str>,
) -> Endpoint {
    Endpoint {
        name,
        platform: Platform::Douyin,
        flavor: Flavor::Douyin(Generation::V2),
        build: Some(build),
        method: Method::Post,
        path,
        credential: CredentialIn::Header,
        result,
        per_second,
        quota,
        errcodes: douyin::errors::lookup,
    }
}

const fn douyin_token(name: &'static str, generation: Generation, path: &'static str) -> Endpoint {
    Endpoint {
        name,
        platform: Platform::Douyin,
        flavor: Flavor::Douyin(generation),
        build: None,
        method: Method::Post,
        path,
        credential: CredentialIn::Body,
        result: Some("access_token"),
        per_second: None,
        quota: None,
        errcodes: douyin::errors::lookup,
    }
}

// 001, 002, 003: schemes 100/s, URL Links 200/s, 500,000 a day of both together;
// 000: Short Links have a daily limit of their own and no documented rate.
static WECHAT_TOKEN: Endpoint = Endpoint {
    name: "auth.getAccessToken",
    platform: Platform::Wechat,
    flavor: Flavor::Wechat,
    build: None,
    method: Method::Get,
    path: "/cgi-bin/token",
    credential: CredentialIn::Query,
    result: Some("access_token"),
    per_second: None,
    quota: None,
    errcodes: wechat::errors::token,
};
static URLSCHEME_GENERATE: Endpoint =
    wechat("urlscheme.generate", |r| urlscheme::body(r.input, r.now), "/wxa/generatescheme", Some("openlink"), Some(100), WECHAT_LINKS);
static URLSCHEME_GENERATE_NFC: Endpoint =
    wechat("urlscheme.generateNFC", |r| nfc::body(r.input), "/wxa/generatenfcscheme", Some("openlink"), Some(200), WECHAT_LINKS);
static URLLINK_GENERATE: Endpoint =
    wechat("urllink.generate", |r| urllink::body(r.input, r.now), "/wxa/generate_urllink", Some("url_link"), Some(200), WECHAT_LINKS);
static SHORTLINK_GENERATE: Endpoint =
    wechat("shortlink.generate", |r| shortlink::body(r.input), "/wxa/genwxashortlink", Some("link"), None, Some("wechat.shortLinks"));
// A query answers `scheme_info` / `url_link_info`, or with query_type 1
// `quota_info`: the whole answer is the result.
static URLSCHEME_QUERY: Endpoint = wechat("urlscheme.query", |r| query::scheme_body(r.input), "/wxa/queryscheme", None, None, None);
static URLLINK_QUERY: Endpoint = wechat("urllink.query", |r| query::urllink_body(r.input), "/wxa/query_urllink", None, None, None);
// 004: 100/s and 500,000 a day; the token rides in the body.
static DOUYIN_TOKEN: Endpoint = douyin_token("douyin.getAccessToken", Generation::V1, "/api/apps/v2/token");
static DOUYIN_URL_LINK_GENERATE: Endpoint = Endpoint {
    name: "douyin.urlLink.generate",
    platform: Platform::Douyin,
    flavor: Flavor::Douyin(Generation::V1),
    build: Some(|r| dy::generate_body(Generation::V1, r.appid, r.input, r.now)),
    method: Method::Post,
    path: "/api/apps/url_link/generate",
    credential: CredentialIn::Body,
    result: Some("url_link"),
    per_second: Some(100),
    quota: DOUYIN_LINKS,
    errcodes: douyin::errors::lookup,
};
static DOUYIN_V2_TOKEN: Endpoint = douyin_token("douyin.v2.getAccessToken", Generation::V2, "/oauth/client_token/");
static DOUYIN_V2_URL_LINK_GENERATE: Endpoint = douyin_v2(
    "douyin.v2.urlLink.generate",
    |r| dy::generate_body(Generation::V2, r.appid, r.input, r.now),
    "/api/apps/v1/url_link/generate/",
    Some("url_link"),
    Some(100),
    DOUYIN_LINKS,
);
static DOUYIN_V2_URL_LINK_QUERY_INFO: Endpoint = douyin_v2(
    "douyin.v2.urlLink.queryInfo",
    |r| dy::query_info_body(r.appid, r.input),
    "/api/apps/v1/url_link/query_info/",
    None,
    None,
    None,
);
static DOUYIN_V2_URL_LINK_QUERY_QUOTA: Endpoint = douyin_v2(
    "douyin.v2.urlLink.queryQuota",
    |r| dy::query_quota_body(r.appid, r.input),
    "/api/apps/v1/url_link/query_quota/",
    None,
    None,
    None,
);
// Schema links: the pages and the official SDK give no per-second limit and no
// daily quota (query_schema_quota reports a long-term and a short-term one of
// their own), so none is declared.
static DOUYIN_V2_SCHEMA_GENERATE: Endpoint = douyin_v2(
    "douyin.v2.schema.generate",
    |r| schema::generate_body(r.appid, r.input, r.now),
    "/api/apps/v1/url/generate_schema/",
    Some("schema"),
    None,
    None,
);
static DOUYIN_V2_SCHEMA_QUERY: Endpoint =
    douyin_v2("douyin.v2.schema.query", |r| schema::query_body(r.appid, r.input), "/api/apps/v1/url/query_schema/", None, None, None);
static DOUYIN_V2_SCHEMA_QUERY_QUOTA: Endpoint = douyin_v2(
    "douyin.v2.schema.queryQuota",
    |r| schema::query_quota_body(r.appid, r.input),
    "/api/apps/v1/url/query_schema_quota/",
    None,
    None,
    None,
);

impl Api {
    /// The API's declaration; `None` for what sends nothing (`plainScheme`, constructors).
    pub fn endpoint(self) -> Option<&'static Endpoint> {
        match self {
            Api::WechatToken => Some(&WECHAT_TOKEN),
            Api::UrlschemeGenerate => Some(&URLSCHEME_GENERATE),
            Api::UrlschemeGenerateNfc => Some(&URLSCHEME_GENERATE_NFC),
            Api::UrllinkGenerate => Some(&URLLINK_GENERATE),
            Api::ShortlinkGenerate => Some(&SHORTLINK_GENERATE),
            Api::UrlschemeQuery => Some(&URLSCHEME_QUERY),
            Api::UrllinkQuery => Some(&URLLINK_QUERY),
            Api::DouyinToken => Some(&DOUYIN_TOKEN),
            Api::DouyinUrlLinkGenerate => Some(&DOUYIN_URL_LINK_GENERATE),
            Api::DouyinV2Token => Some(&DOUYIN_V2_TOKEN),
            Api::DouyinV2UrlLinkGenerate => Some(&DOUYIN_V2_URL_LINK_GENERATE),
            Api::DouyinV2UrlLinkQueryInfo => Some(&DOUYIN_V2_URL_LINK_QUERY_INFO),
            Api::DouyinV2UrlLinkQueryQuota => Some(&DOUYIN_V2_URL_LINK_QUERY_QUOTA),
            Api::DouyinV2SchemaGenerate => Some(&DOUYIN_V2_SCHEMA_GENERATE),
            Api::DouyinV2SchemaQuery => Some(&DOUYIN_V2_SCHEMA_QUERY),
            Api::DouyinV2SchemaQueryQuota => Some(&DOUYIN_V2_SCHEMA_QUERY_QUOTA),
            Api::PlainScheme | Api::AppendCq | Api::RenderLandingPage | Api::WechatClient | Api::DouyinClient => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Api::PlainScheme => "plainScheme",
            Api::AppendCq => "appendCq",
            Api::RenderLandingPage => "renderLandingPage",
            Api::WechatClient => "WeChatClient",
            Api::DouyinClient => "DouyinClient",
            api => api.endpoint().map_or("", |e| e.name),
        }
    }

    pub fn platform(self) -> Platform {
        match self {
            Api::PlainScheme | Api::AppendCq | Api::RenderLandingPage | Api::WechatClient => Platform::Wechat,
            Api::DouyinClient => Platform::Douyin,
            api => api.endpoint().map_or(Platform::Wechat, |e| e.platform),
        }
    }

    /// Whether it fetches access tokens.
    pub fn is_token(self) -> bool {
        matches!(self, Api::WechatToken | Api::DouyinToken | Api::DouyinV2Token)
    }

    pub fn from_name(name: &str) -> Option<Api> {
        NAMED.into_iter().find(|api| api.name() == name)
    }

    /// A number for the API named `name`, which `from_number` reads back:
    /// a link call names its API by number, not by a string crossing into wasm.
    pub fn number(name: &str) -> Option<u32> {
        NAMED.iter().position(|api| api.name() == name).map(|at| at as u32)
    }

    pub fn from_number(number: u32) -> Option<Api> {
        NAMED.get(number as usize).copied()
    }

    /// Every API that sends a request, with its declaration.
    pub fn endpoints() -> impl Iterator<Item = &'static Endpoint> {
        NAMED.into_iter().filter_map(Api::endpoint)
    }
}

/// The table as the JavaScript side reads it (the clients' methods, the batch
/// limiter, the CLI): `{ "<api>": { platform, client, link, perSecond?, quota? }, … }`,
/// `client` being `wechat`, `douyin` (v1) or `douyin.v2`, `link` whether it is
/// a link method (not a token request).
pub struct EndpointTable;

/// One endpoint in [`EndpointTable`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EndpointView {
    platform: Platform,
    client: &'static str,
    link: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_second: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quota: Option<&'static str>,
}

impl Serialize for EndpointTable {
    // Straight from the declarations: a map type would sort them first, which
    // links a sort into the module.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let view = |e: &Endpoint| EndpointView {
            platform: e.platform,
            client: match e.flavor {
                Flavor::Wechat => "wechat",
                Flavor::Douyin(Generation::V1) => "douyin",
                Flavor::Douyin(Generation::V2) => "douyin.v2",
            },
            link: e.build.is_some(),
            per_second: e.per_second,
            quota: e.quota,
        };
        serializer.collect_map(Api::endpoints().map(|e| (e.name, view(e))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for api in NAMED {
            assert_eq!(Api::from_name(api.name()), Some(api));
            assert_eq!(Api::number(api.name()).and_then(Api::from_number), Some(api));
        }
        assert_eq!(Api::from_name("nope"), None);
        assert_eq!(Api::number("nope"), None);
        assert_eq!(Api::from_number(NAMED.len() as u32), None);
    }

    #[test]
    fn every_endpoint_has_its_own_path() {
        let endpoints: Vec<&Endpoint> = Api::endpoints().collect();
        assert_eq!(endpoints.len(), NAMED.len() - 1, "all but plainScheme send a request");
        for (i, a) in endpoints.iter().enumerate() {
            assert!(a.path.starts_with('/'), "{}", a.name);
            for b in &endpoints[i + 1..] {
                assert!(a.path != b.path || a.platform != b.platform, "{} and {} share a path", a.name, b.name);
            }
        }
    }

    #[test]
    fn the_table_for_javascript() {
        use serde_json::Value;
        let table = serde_json::to_value(EndpointTable).unwrap();
        let scheme = table.get("urlscheme.generate").unwrap();
        assert_eq!(scheme.get("perSecond").and_then(Value::as_i64), Some(100));
        assert_eq!(scheme.get("quota").and_then(Value::as_str), Some("wechat.links"));
        assert!(table.get("shortlink.generate").unwrap().get("perSecond").is_none());
        assert_eq!(table.get("douyin.v2.getAccessToken").unwrap().get("platform").and_then(Value::as_str), Some("douyin"));
    }

    #[test]
    fn the_documented_rates() {
        let rate = |api: Api| api.endpoint().and_then(|e| e.per_second);
        assert_eq!(rate(Api::UrlschemeGenerate), Some(100));
        assert_eq!(rate(Api::UrllinkGenerate), Some(200));
        assert_eq!(rate(Api::DouyinUrlLinkGenerate), Some(100));
        assert_eq!(rate(Api::ShortlinkGenerate), None);
        assert!(Api::endpoints().filter(|e| e.result == Some("access_token")).all(|e| e.per_second.is_none()));
    }

    #[test]
    fn schema_links_are_douyin_v2_with_the_token_in_the_header() {
        for (api, name, result) in [
            (Api::DouyinV2SchemaGenerate, "douyin.v2.schema.generate", Some("schema")),
            (Api::DouyinV2SchemaQuery, "douyin.v2.schema.query", None),
            (Api::DouyinV2SchemaQueryQuota, "douyin.v2.schema.queryQuota", None),
        ] {
            let e = api.endpoint().unwrap();
            assert_eq!((e.name, e.platform, e.flavor), (name, Platform::Douyin, Flavor::Douyin(Generation::V2)));
            assert_eq!((e.method, e.credential, e.result), (Method::Post, CredentialIn::Header, result));
            assert!(e.path.starts_with("/api/apps/v1/url/") && e.path.ends_with('/'), "{}", e.path);
            assert_eq!((e.per_second, e.quota), (None, None));
        }
    }
}
