//! The messages `node:diagnostics_channel` subscribers get (`miniprogram-links:request`
//! after every attempt, `miniprogram-links:token` when a token is fetched,
//! adopted, dropped or force-refreshed). The boundary builds them only while
//! someone listens. They carry names, numbers and the request's path: never a
//! secret, a token, a body or a query string (where WeChat's token travels).

use serde::Serialize;

use crate::api::{Api, Platform};
use crate::error::{Error, Failure};
use crate::http::HttpRequest;

/// One attempt of a request, as `miniprogram-links:request` publishes it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt<'a> {
    platform: Platform,
    api: &'static str,
    method: &'static str,
    path: &'a str,
    /// 1 for the first attempt of the call (or of its token request).
    attempt: u32,
    /// The HTTP status; `null` when no answer came.
    status: Option<u16>,
    /// The platform's error code; `null` on success or without one.
    errcode: Option<i64>,
    /// `LinkError.code` of the attempt's failure; `null` on success.
    code: Option<&'static str>,
    retryable: bool,
    duration_ms: f64,
}

/// What a token event was.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TokenEvent {
    /// Fetched from the platform.
    Fetched,
    /// Fetched with `forceRefresh`.
    ForceRefreshed,
    /// Read from the `tokenStore`, where another instance put it.
    Adopted,
    /// The platform rejected it; dropped from the cache.
    Dropped,
}

/// A token event, as `miniprogram-links:token` publishes it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    platform: Platform,
    api: &'static str,
    event: TokenEvent,
    /// How long the refresh took; 0 for `dropped`.
    duration_ms: f64,
}

/// Attempt `attempt` of `request` to `api`, given its answer and how the
/// client reads it (`parse`, called again only for this message).
pub fn attempt<'a, T>(
    api: Api,
    request: &'a HttpRequest,
    attempt: u32,
    answer: &Result<(u16, String), Failure>,
    parse: impl FnOnce(u16, &str) -> Result<T, Error>,
    duration_ms: f64,
) -> Attempt<'a> {
    let (status, error) = match answer {
        Ok((status, body)) => (Some(*status), parse(*status, body).err()),
        Err(failure) => (None, Some(failure.clone().at(api))),
    };
    let errcode = match error.as_ref().map(|e| &e.failure) {
        Some(Failure::Api { errcode, .. }) => Some(*errcode),
        _ => None,
    };
    Attempt {
        platform: api.platform(),
        api: api.name(),
        method: request.method.as_str(),
        path: path_of(&request.url),
        attempt,
        status,
        errcode,
        code: error.as_ref().map(Error::code),
        retryable: error.as_ref().is_some_and(Error::retryable),
        duration_ms,
    }
}

pub fn token(api: Api, event: TokenEvent, duration_ms: f64) -> Token {
    Token { platform: api.platform(), api: api.name(), event, duration_ms }
}

/// The path of an absolute URL, without its query (or fragment).
fn path_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
    path.split(['?', '#']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;

    fn request(url: &str) -> HttpRequest {
        HttpRequest { method: Method::Post, url: url.into(), headers: Vec::new(), body: None }
    }

    #[test]
    fn the_path_never_carries_the_query() {
        assert_eq!(path_of("https://api.weixin.qq.com/wxa/generatescheme?access_token=SECRET"), "/wxa/generatescheme");
        assert_eq!(path_of("http://127.0.0.1:8080/gw/cgi-bin/token?grant_type=x&secret=S"), "/gw/cgi-bin/token");
        assert_eq!(path_of("https://open.douyin.com"), "/");
    }

    #[test]
    fn an_attempt_reads_its_answer() {
        let sent = request("https://api.weixin.qq.com/wxa/generatescheme?access_token=T");
        let rate_limited = Ok((200, r#"{"errcode":44990,"errmsg":"x"}"#.to_owned()));
        let parse = |status: u16, _: &str| {
            Err::<(), _>(Failure::Api { errcode: 44990, errmsg: "x".into(), status, log_id: None }.at(Api::UrlschemeGenerate))
        };
        let seen = serde_json::to_value(attempt(Api::UrlschemeGenerate, &sent, 2, &rate_limited, parse, 3.0)).unwrap();
        assert_eq!(
            seen,
            serde_json::json!({"platform": "wechat", "api": "urlscheme.generate", "method": "POST", "path": "/wxa/generatescheme",
                "attempt": 2, "status": 200, "errcode": 44990, "code": "API_ERROR", "retryable": true, "durationMs": 3.0})
        );
        let ok = attempt(Api::UrlschemeGenerate, &sent, 1, &Ok((200, "{}".into())), |_, _| Ok(()), 1.0);
        assert_eq!((ok.status, ok.errcode, ok.code, ok.retryable), (Some(200), None, None, false));
        let lost = attempt(Api::UrlschemeGenerate, &sent, 1, &Err(Failure::Timeout { after_ms: 5 }), |_, _| Ok(()), 5.0);
        assert_eq!((lost.status, lost.code, lost.retryable), (None, Some("TIMEOUT"), true));
    }

    #[test]
    fn a_token_event_names_its_kind() {
        let seen = serde_json::to_value(token(Api::WechatToken, TokenEvent::ForceRefreshed, 12.0)).unwrap();
        assert_eq!(
            seen,
            serde_json::json!({"platform": "wechat", "api": "auth.getAccessToken", "event": "forceRefreshed", "durationMs": 12.0})
        );
    }
}
