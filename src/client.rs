//! The sans-IO client: turns a method call into requests and answers into
//! results, for whichever platform the options chose. The boundary moves the bytes.

use serde_json::Value;

use crate::api::{Api, CredentialIn, Endpoint, Request};
use crate::config::{Auth, Config, Flavor, Source};
use crate::douyin::{self, urllink as dy, Generation};
use crate::error::{Error, ErrorFields, Failure};
use crate::http::HttpRequest;
use crate::input::{self, keys, Object};
use crate::redact;
use crate::wechat::{self, plain_scheme, token::Grant, Credential};

#[derive(Debug)]
pub struct Client {
    pub config: Config,
}

/// A validated call, waiting only for a credential.
#[derive(Debug)]
pub struct Call {
    pub api: Api,
    endpoint: &'static Endpoint,
    /// The body's JSON text, without the credential.
    body: String,
}

impl Client {
    pub fn new(client: Api, options: &str) -> Result<Client, Error> {
        Ok(Client { config: Config::read(client, options)? })
    }

    fn appid(&self) -> &str {
        self.config.appid.as_deref().unwrap_or("")
    }

    /// Validates `request` (JSON text) for `api`; nothing is sent for an invalid one.
    pub fn prepare(&self, api: Api, request: &str, now: i64) -> Result<Call, Error> {
        let endpoint = api.endpoint().filter(|e| e.flavor == self.config.flavor);
        let endpoint = endpoint.ok_or_else(|| Failure::invalid("api", "is not available on this client").at(api))?;
        let build = endpoint.build.ok_or_else(|| Failure::invalid("api", "is not a link method").at(api))?;
        let input = input::parse("request", request).map_err(|f| f.at(api))?;
        let body = build(&Request { input: &input, appid: self.appid(), now }).map_err(|f| f.at(api))?;
        Ok(Call { api, endpoint, body })
    }

    /// `getAccessToken({ forceRefresh })`: whether to skip the cache.
    pub fn force_refresh(&self, request: &str) -> Result<bool, Error> {
        let api = self.token_api();
        let read = || {
            let input = input::parse("request", request)?;
            let obj = Object::new(&input, "", &[keys("forceRefresh", "force_refresh")])?;
            obj.bool(keys("forceRefresh", "force_refresh"))
        };
        let force = read().map_err(|f| f.at(api))?.unwrap_or(false);
        match self.config.auth {
            Auth::Managed { .. } => Ok(force),
            _ => Err(Failure::invalid("options", "getAccessToken needs appid + secret: this client does not fetch tokens").at(api)),
        }
    }

    pub fn token_api(&self) -> Api {
        match self.config.flavor {
            Flavor::Wechat => Api::WechatToken,
            Flavor::Douyin(Generation::V1) => Api::DouyinToken,
            Flavor::Douyin(Generation::V2) => Api::DouyinV2Token,
        }
    }

    /// The request for a new token; `force_refresh` matters to the stable endpoint only.
    pub fn token_request(&self, force_refresh: bool) -> Result<HttpRequest, Error> {
        let api = self.token_api();
        let Auth::Managed { secret, stable } = &self.config.auth else {
            return Err(Failure::invalid("options", "this client does not fetch tokens").at(api));
        };
        let base = &self.config.base_url;
        let url = format!("{base}{}", api.endpoint().map_or("", |e| e.path));
        let request = match self.config.flavor {
            Flavor::Wechat => wechat::token::request(base, url, self.appid(), secret, *stable, force_refresh),
            Flavor::Douyin(generation) => douyin::token::request(base, url, generation, self.appid(), secret, *stable),
        };
        request.map_err(|f| f.at(api))
    }

    pub fn parse_token(&self, status: u16, body: &str) -> Result<Grant, Error> {
        let grant = match self.config.flavor {
            Flavor::Wechat => wechat::token::grant(status, body),
            Flavor::Douyin(generation) => douyin::token::grant(generation, status, body),
        };
        grant.map_err(|f| f.at(self.token_api()))
    }

    /// Whether a rejected token calls for the stable endpoint's `force_refresh`
    /// (WeChat's; Douyin's stable endpoint has none).
    pub fn uses_stable_token(&self) -> bool {
        matches!(self.config.auth, Auth::Managed { stable: true, .. }) && self.config.flavor == Flavor::Wechat
    }

    /// The HTTP request for `call`, authenticated with `token` where one is needed.
    pub fn request(&self, call: &Call, token: Option<&str>) -> HttpRequest {
        let endpoint = call.endpoint;
        let url = format!("{}{}", self.config.base_url, endpoint.path);
        let token_or_empty = token.unwrap_or("");
        match endpoint.credential {
            CredentialIn::Query => {
                let credential = match (&self.config.auth, token) {
                    (Auth::OpenApiService, _) | (_, None) => Credential::None,
                    (Auth::Cloudbase(_), Some(t)) => Credential::Cloudbase(t),
                    (_, Some(t)) => Credential::AccessToken(t),
                };
                HttpRequest::json(endpoint.method, wechat::with_credential(url, credential), call.body.clone())
            }
            CredentialIn::Body => HttpRequest::json(endpoint.method, url, dy::with_token(token_or_empty, &call.body)),
            CredentialIn::Header => {
                let mut request = HttpRequest::json(endpoint.method, url, call.body.clone());
                request.headers.push(("access-token", token_or_empty.to_owned()));
                request
            }
        }
    }

    /// The result object for the caller, or the error the answer means.
    pub fn parse(&self, call: &Call, status: u16, body: &str) -> Result<Value, Error> {
        let result = call.endpoint.result;
        let parsed = match self.config.flavor {
            Flavor::Wechat => wechat::parse(status, body, result),
            Flavor::Douyin(Generation::V1) => {
                douyin::parse_v1(status, body, result.unwrap_or_default()).map(|map| crate::http::camel_case(Value::Object(map)))
            }
            Flavor::Douyin(Generation::V2) => douyin::parse_v2(status, body, result),
        };
        parsed.map_err(|f| f.at(call.api))
    }

    /// The plaintext scheme, built locally.
    pub fn plain_scheme(&self, request: &str) -> Result<String, Error> {
        let api = Api::PlainScheme;
        let appid = match (&self.config.flavor, &self.config.appid) {
            (Flavor::Wechat, Some(appid)) => appid,
            _ => return Err(Failure::invalid("appid", "plainScheme needs the client's appid").at(api)),
        };
        let input = input::parse("request", request).map_err(|f| f.at(api))?;
        plain_scheme::build(appid, &input).map_err(|f| f.at(api))
    }

    /// The `tokenStore` key: one token per platform and app.
    pub fn store_key(&self) -> String {
        let platform = match self.config.flavor {
            Flavor::Wechat => "wechat",
            Flavor::Douyin(Generation::V1) => "douyin",
            Flavor::Douyin(Generation::V2) => "douyin-v2",
        };
        format!("miniprogram-links:{platform}:{}:access_token", self.appid())
    }

    /// The `rateLimiter` key: one limit per platform, app and API
    /// (`miniprogram-links:wechat:<appid>:urllink.generate`).
    pub fn limit_key(&self, api: Api) -> String {
        let platform = match api.platform() {
            crate::api::Platform::Wechat => "wechat",
            crate::api::Platform::Douyin => "douyin",
        };
        format!("miniprogram-links:{platform}:{}:{}", self.appid(), api.name())
    }

    /// `text` with the secret and the given tokens hidden.
    pub fn redact(&self, text: &str, tokens: &[String]) -> String {
        let mut secrets: Vec<&str> = tokens.iter().map(String::as_str).collect();
        match &self.config.auth {
            Auth::Managed { secret, .. } => secrets.push(secret),
            Auth::Given(Source::Fixed(token)) | Auth::Cloudbase(Source::Fixed(token)) => secrets.push(token),
            _ => {}
        }
        redact::redact(text, &secrets)
    }

    /// The fields of a `LinkError`, secrets and `tokens` hidden.
    pub fn error_fields(&self, error: &Error, tokens: &[String]) -> ErrorFields {
        error.fields(|text| self.redact(text, tokens))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn wechat(options: Value) -> Client {
        Client::new(Api::WechatClient, &options.to_string()).unwrap()
    }

    fn body_of(request: &HttpRequest) -> Value {
        serde_json::from_str(request.body.as_deref().unwrap()).unwrap()
    }

    fn error_json(client: &Client, error: &Error, tokens: &[String]) -> String {
        serde_json::to_string(&client.error_fields(error, tokens)).unwrap()
    }

    #[test]
    fn a_scheme_call_end_to_end() {
        let client = wechat(json!({"appid": "wx1", "secret": "s"}));
        let call = client.prepare(Api::UrlschemeGenerate, r#"{"jumpWxa":{"path":"pages/a"}}"#, NOW).unwrap();
        let request = client.request(&call, Some("TOKEN"));
        assert_eq!(request.method, Method::Post);
        assert_eq!(request.url, "https://api.weixin.qq.com/wxa/generatescheme?access_token=TOKEN");
        assert_eq!(body_of(&request), json!({"jump_wxa": {"path": "pages/a"}, "is_expire": true, "expire_type": 1, "expire_interval": 30}));
        let result = client.parse(&call, 200, r#"{"errcode":0,"errmsg":"ok","openlink":"weixin://dl/business/?t=x"}"#);
        assert_eq!(result.unwrap().get("openlink").and_then(Value::as_str), Some("weixin://dl/business/?t=x"));
    }

    #[test]
    fn each_wechat_api_has_its_path() {
        let client = wechat(json!({"cloudbaseAccessToken": "CB"}));
        let cases = [
            (Api::UrllinkGenerate, "{}", "/wxa/generate_urllink"),
            (Api::ShortlinkGenerate, r#"{"pageUrl":"p"}"#, "/wxa/genwxashortlink"),
            (Api::UrlschemeQuery, r#"{"scheme":"s"}"#, "/wxa/queryscheme"),
            (Api::UrllinkQuery, r#"{"urlLink":"u"}"#, "/wxa/query_urllink"),
        ];
        for (api, input, path) in cases {
            let call = client.prepare(api, input, NOW).unwrap();
            let url = client.request(&call, Some("CB")).url;
            assert_eq!(url, format!("https://api.weixin.qq.com{path}?cloudbase_access_token=CB"));
        }
    }

    #[test]
    fn open_api_service_sends_no_token() {
        let client = wechat(json!({"openApiService": true, "baseUrl": crate::config::url_parts("http://api.weixin.qq.com/")}));
        let call = client.prepare(Api::UrllinkGenerate, "{}", NOW).unwrap();
        assert_eq!(client.request(&call, None).url, "http://api.weixin.qq.com/wxa/generate_urllink");
    }

    #[test]
    fn a_client_serves_only_its_own_methods() {
        let client = wechat(json!({"appid": "wx1", "secret": "s"}));
        assert!(client.prepare(Api::DouyinUrlLinkGenerate, "{}", NOW).is_err());
        let douyin = Client::new(Api::DouyinClient, r#"{"appid":"tt1","secret":"s"}"#).unwrap();
        assert!(douyin.prepare(Api::UrlschemeGenerate, "{}", NOW).is_err());
        assert!(douyin.prepare(Api::DouyinV2UrlLinkQueryQuota, "{}", NOW).is_err());
    }

    #[test]
    fn douyin_v1_puts_the_token_in_the_body() {
        let options = json!({"appid": "tt1", "secret": "s", "baseUrl": crate::config::url_parts("http://127.0.0.1:9/")});
        let client = Client::new(Api::DouyinClient, &options.to_string()).unwrap();
        let call = client.prepare(Api::DouyinUrlLinkGenerate, &json!({"expireTime": NOW + 3600}).to_string(), NOW).unwrap();
        let request = client.request(&call, Some("T1"));
        assert_eq!(request.url, "http://127.0.0.1:9/api/apps/url_link/generate");
        assert_eq!(
            body_of(&request),
            json!({"access_token": "T1", "ma_app_id": "tt1", "app_name": "douyin", "query": "{}", "expire_time": NOW + 3600})
        );
        let result = client.parse(&call, 200, r#"{"err_no":0,"err_tips":"","url_link":"https://z.douyin.com/x"}"#).unwrap();
        assert_eq!(result.get("urlLink").and_then(Value::as_str), Some("https://z.douyin.com/x"));
    }

    #[test]
    fn douyin_v2_puts_the_token_in_a_header() {
        let client = Client::new(Api::DouyinClient, r#"{"appid":"tt1","accessToken":"clt.x","api":"v2"}"#).unwrap();
        let call = client.prepare(Api::DouyinV2UrlLinkQueryQuota, "{}", NOW).unwrap();
        let request = client.request(&call, Some("clt.x"));
        assert_eq!(request.url, "https://open.douyin.com/api/apps/v1/url_link/query_quota/");
        assert!(request.headers.contains(&("access-token", "clt.x".to_owned())));
        assert_eq!(body_of(&request), json!({"app_id": "tt1"}));
    }

    #[test]
    fn tokens_are_requested_per_flavor() {
        let classic = wechat(json!({"appid": "wx1", "secret": "s"}));
        assert!(classic.token_request(false).unwrap().url.ends_with("/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s"));
        let stable = wechat(json!({"appid": "wx1", "secret": "s", "stableToken": true}));
        assert!(stable.uses_stable_token());
        assert_eq!(body_of(&stable.token_request(true).unwrap()).get("force_refresh"), Some(&Value::Bool(true)));
        let given = wechat(json!({"accessToken": "t"}));
        assert!(given.token_request(false).is_err());
        assert!(given.force_refresh("{}").is_err());
        assert_eq!(classic.force_refresh(r#"{"forceRefresh":true}"#), Ok(true));
    }

    #[test]
    fn plain_scheme_needs_an_appid() {
        assert!(wechat(json!({"accessToken": "t"})).plain_scheme(r#"{"path":"p"}"#).is_err());
        assert_eq!(
            wechat(json!({"appid": "wx1", "accessToken": "t"})).plain_scheme(r#"{"path":"p"}"#),
            Ok("weixin://dl/business/?appid=wx1&path=p".into())
        );
    }

    #[test]
    fn a_fixed_access_token_is_hidden_before_first_use() {
        let client = wechat(json!({"appid": "wx1", "accessToken": "FIXED-TOKEN-1"}));
        let error = client.prepare(Api::UrlschemeGenerate, r#"{"jumpWxa":{"envVersion":"FIXED-TOKEN-1"}}"#, NOW).unwrap_err();
        assert!(!error_json(&client, &error, &[]).contains("FIXED-TOKEN-1"));
    }

    #[test]
    fn redact_hides_the_secret_and_tokens() {
        let client = wechat(json!({"appid": "wx1", "secret": "SECRET-VALUE"}));
        assert_eq!(client.redact("SECRET-VALUE and TOKEN-1", &["TOKEN-1".to_owned()]), "*** and ***");
        let error = Failure::Api { errcode: 40001, errmsg: "invalid credential TOKEN-1".into(), status: 200, log_id: None }
            .at(Api::UrllinkGenerate);
        let json = error_json(&client, &error, &["TOKEN-1".to_owned()]);
        assert!(!json.contains("TOKEN-1"), "{json}");
        assert!(json.contains(r#""errmsg":"invalid credential ***""#), "{json}");
    }
}
