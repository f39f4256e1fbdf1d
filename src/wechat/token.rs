//! `auth.getAccessToken`: GET /cgi-bin/token (002), or POST /cgi-bin/stable_token,
//! which hands every caller the same token until it rotates.

use serde::Serialize;
use serde_json::Value;

use crate::error::Failure;
use crate::http::{json_text, HttpRequest};
use crate::query::encode_component;

/// A token as the platform granted it.
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    pub access_token: String,
    pub expires_in: f64,
}

/// The stable endpoint's body.
#[derive(Serialize)]
struct StableToken<'a> {
    grant_type: &'static str,
    appid: &'a str,
    secret: &'a str,
    force_refresh: bool,
}

/// `getAccessToken`'s result: `{accessToken, expiresIn}`, `expiresIn` in whole seconds.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessToken<'a> {
    access_token: &'a str,
    expires_in: i64,
}

/// `url` is the classic endpoint's (`auth.getAccessToken` in the endpoint table).
pub fn request(base_url: &str, url: String, appid: &str, secret: &str, stable: bool, force_refresh: bool) -> Result<HttpRequest, Failure> {
    if stable {
        let body = StableToken { grant_type: "client_credential", appid, secret, force_refresh };
        return Ok(HttpRequest::post_json(format!("{base_url}/cgi-bin/stable_token"), json_text(&body)));
    }
    Ok(HttpRequest::get(format!(
        "{url}?grant_type=client_credential&appid={}&secret={}",
        encode_component(appid),
        encode_component(secret)
    )))
}

/// Reads a token answer; an error answer is `errcode`/`errmsg`, as for links.
pub fn grant(status: u16, body: &str) -> Result<Grant, Failure> {
    let answer = super::parse(status, body, Some("access_token"))?;
    let expires_in = answer.get("expiresIn").and_then(Value::as_f64);
    match (answer.get("accessToken").and_then(Value::as_str), expires_in) {
        (Some(token), Some(expires_in)) => Ok(Grant { access_token: token.to_owned(), expires_in }),
        _ => Err(Failure::http(status, "the answer has no `expires_in`")),
    }
}

/// What `getAccessToken` resolves to (`expires_in`: whole seconds).
pub fn result(access_token: &str, expires_in: f64) -> AccessToken<'_> {
    AccessToken { access_token, expires_in: expires_in as i64 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn classic_and_stable_requests() {
        let classic =
            request("https://api.weixin.qq.com", "https://api.weixin.qq.com/cgi-bin/token".into(), "wx1", "s&1", false, false).unwrap();
        assert_eq!(classic.url, "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s%261");
        assert_eq!(classic.body, None);
        let stable = request("https://api.weixin.qq.com", String::new(), "wx1", "s", true, true).unwrap();
        assert_eq!(stable.url, "https://api.weixin.qq.com/cgi-bin/stable_token");
        let body: Value = serde_json::from_str(stable.body.as_deref().unwrap()).unwrap();
        assert_eq!(body, json!({"grant_type": "client_credential", "appid": "wx1", "secret": "s", "force_refresh": true}));
    }

    #[test]
    fn grants_and_errors() {
        assert_eq!(
            grant(200, r#"{"access_token":"ACCESS_TOKEN","expires_in":7200}"#),
            Ok(Grant { access_token: "ACCESS_TOKEN".into(), expires_in: 7200.0 })
        );
        assert_eq!(
            grant(200, r#"{"errcode":40013,"errmsg":"invalid appid"}"#),
            Err(Failure::Api { errcode: 40013, errmsg: "invalid appid".into(), status: 200, log_id: None })
        );
        assert!(matches!(grant(200, r#"{"access_token":"T"}"#), Err(Failure::Http { .. })));
        assert!(matches!(grant(200, r#"{"expires_in":7200}"#), Err(Failure::Http { .. })));
    }

    #[test]
    fn the_result_for_callers() {
        assert_eq!(serde_json::to_value(result("T", 7199.0)).unwrap(), json!({"accessToken": "T", "expiresIn": 7199}));
    }
}
