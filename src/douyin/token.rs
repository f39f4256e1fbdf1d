//! Douyin access tokens: v1 `POST /api/apps/v2/token`, v2 `POST /oauth/client_token/`
//! or, with `stableToken`, `POST /oauth/stable_client_token/`. As on WeChat, a
//! new client token cuts the old one's life to 5 minutes; the stable endpoint
//! hands every caller the same token until it expires.

use serde::Serialize;
use serde_json::{Map, Value};

use super::Generation;
use crate::error::Failure;
use crate::http::{self, json_text, HttpRequest};
use crate::wechat::token::Grant;

/// The client-credential body, under each generation's names.
#[derive(Serialize)]
#[serde(untagged)]
enum Credentials<'a> {
    V1 { appid: &'a str, secret: &'a str, grant_type: &'static str },
    V2 { client_key: &'a str, client_secret: &'a str, grant_type: &'static str },
}

/// `url`: the generation's token endpoint (the endpoint table's); `stable`
/// (v2 only, checked with the options) asks the stable one on `base_url`.
pub fn request(
    base_url: &str,
    url: String,
    generation: Generation,
    appid: &str,
    secret: &str,
    stable: bool,
) -> Result<HttpRequest, Failure> {
    let grant_type = "client_credential";
    let body = match generation {
        Generation::V1 => Credentials::V1 { appid, secret, grant_type },
        Generation::V2 => Credentials::V2 { client_key: appid, client_secret: secret, grant_type },
    };
    let url = if stable { format!("{base_url}/oauth/stable_client_token/") } else { url };
    Ok(HttpRequest::post_json(url, json_text(&body)))
}

fn grant_from(data: Option<&Value>, status: u16) -> Result<Grant, Failure> {
    let data = data.and_then(Value::as_object);
    let token = data.and_then(|d| d.get("access_token")).and_then(Value::as_str).filter(|t| !t.is_empty());
    let expires_in = data.and_then(|d| d.get("expires_in")).and_then(Value::as_f64);
    match (token, expires_in) {
        (Some(token), Some(expires_in)) => Ok(Grant { access_token: token.to_owned(), expires_in }),
        _ => Err(Failure::http(status, "the answer has no `data.access_token` and `data.expires_in`")),
    }
}

/// v1: `{err_no, err_tips, data: {access_token, expires_in}}`.
/// v2: `{data: {access_token, expires_in, error_code, description}, message}`.
pub fn grant(generation: Generation, status: u16, body: &str) -> Result<Grant, Failure> {
    let map: Map<String, Value> = http::json_object(status, body)?;
    let (code, message) = match generation {
        Generation::V1 => (map.get("err_no"), map.get("err_tips")),
        Generation::V2 => {
            let data = map.get("data");
            (data.and_then(|d| d.get("error_code")), data.and_then(|d| d.get("description")))
        }
    };
    let errcode = code.and_then(Value::as_i64).unwrap_or(0);
    if errcode != 0 {
        let errmsg = message.and_then(Value::as_str).unwrap_or("").to_owned();
        return Err(Failure::Api { errcode, errmsg, status, log_id: None });
    }
    if !(200..300).contains(&status) {
        return Err(http::error_status(status));
    }
    grant_from(map.get("data"), status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body_of(req: &HttpRequest) -> Value {
        serde_json::from_str(req.body.as_deref().unwrap()).unwrap()
    }

    #[test]
    fn requests() {
        let v1_url = "https://developer.toutiao.com/api/apps/v2/token";
        let v1 = request("https://developer.toutiao.com", v1_url.into(), Generation::V1, "tt1", "s", false).unwrap();
        assert_eq!(v1.url, v1_url);
        assert_eq!(body_of(&v1), json!({"appid": "tt1", "secret": "s", "grant_type": "client_credential"}));
        let base = "https://open.douyin.com";
        let v2 = request(base, format!("{base}/oauth/client_token/"), Generation::V2, "tt1", "s", false).unwrap();
        assert_eq!(v2.url, "https://open.douyin.com/oauth/client_token/");
        let v2_body = json!({"client_key": "tt1", "client_secret": "s", "grant_type": "client_credential"});
        assert_eq!(body_of(&v2), v2_body);
        let stable = request(base, format!("{base}/oauth/client_token/"), Generation::V2, "tt1", "s", true).unwrap();
        assert_eq!(stable.url, "https://open.douyin.com/oauth/stable_client_token/");
        assert_eq!(body_of(&stable), v2_body, "the same body as client_token");
    }

    #[test]
    fn grants() {
        let v1 = r#"{"err_no":0,"err_tips":"success","data":{"access_token":"0801121","expires_in":7200}}"#;
        assert_eq!(grant(Generation::V1, 200, v1), Ok(Grant { access_token: "0801121".into(), expires_in: 7200.0 }));
        let v1_err = r#"{"err_no":40017,"err_tips":"bad secret","data":{}}"#;
        assert_eq!(
            grant(Generation::V1, 200, v1_err),
            Err(Failure::Api { errcode: 40017, errmsg: "bad secret".into(), status: 200, log_id: None })
        );
        let v2 = r#"{"data":{"access_token":"clt.x","expires_in":7200,"error_code":0,"description":""},"message":"success"}"#;
        assert_eq!(grant(Generation::V2, 200, v2), Ok(Grant { access_token: "clt.x".into(), expires_in: 7200.0 }));
        let v2_err = r#"{"data":{"error_code":10013,"description":"client_key invalid"},"message":"error"}"#;
        assert!(matches!(grant(Generation::V2, 200, v2_err), Err(Failure::Api { errcode: 10013, .. })));
        assert!(matches!(grant(Generation::V1, 200, r#"{"err_no":0,"data":{}}"#), Err(Failure::Http { .. })));
    }
}
