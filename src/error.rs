//! One error type for every failure, whatever the platform or API.
//!
//! Crossing into JavaScript it becomes a `LinkError` (see `pkg-template/index.cjs`)
//! built from [`Error::fields`].

use serde::Serialize;

use crate::api::{Api, Platform};
pub use crate::errcode::{Class, Documented};

/// What went wrong, with what a caller needs to act on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// Rejected before any request was sent.
    InvalidArgument { field: String, reason: String },
    /// The platform answered with an error code (WeChat `errcode`, Douyin `err_no`).
    Api { errcode: i64, errmsg: String, status: u16, log_id: Option<String> },
    /// A non-2xx status, or a body that is not the JSON the API documents;
    /// `body` keeps the start of what came instead, for the message.
    Http { status: u16, reason: String, body: String },
    /// `fetch` threw (connection refused, reset, DNS, ...).
    Network { reason: String },
    /// No answer within `timeoutMs`; the request was aborted.
    Timeout { after_ms: u32 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub api: Api,
    pub failure: Failure,
    /// Why the package could not act on it (a limit it keeps), for the message.
    pub note: Option<String>,
}

/// Most of a body worth quoting in a message.
fn excerpt(body: &str) -> String {
    const MAX: usize = 120;
    let mut cut: String = body.chars().take(MAX).collect();
    if cut.len() < body.len() {
        cut.push('…');
    }
    cut
}

/// The fields of a JavaScript `LinkError`, as `index.cjs` builds it from them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorFields {
    code: &'static str,
    message: String,
    platform: Platform,
    api: &'static str,
    retryable: bool,
    class: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errcode: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errmsg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_id: Option<String>,
}

impl Failure {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Failure::InvalidArgument { field: field.into(), reason: reason.into() }
    }

    pub fn http(status: u16, reason: impl Into<String>) -> Self {
        Failure::Http { status, reason: reason.into(), body: String::new() }
    }

    pub fn at(self, api: Api) -> Error {
        Error { api, failure: self, note: None }
    }
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self.failure {
            Failure::InvalidArgument { .. } => "INVALID_ARGUMENT",
            Failure::Api { .. } => "API_ERROR",
            Failure::Http { .. } => "HTTP_ERROR",
            Failure::Network { .. } => "NETWORK_ERROR",
            Failure::Timeout { .. } => "TIMEOUT",
        }
    }

    /// The platform's own entry for this error code, if it documents one.
    pub fn documented(&self) -> Option<Documented> {
        match self.failure {
            Failure::Api { errcode, .. } => self.api.endpoint().and_then(|endpoint| (endpoint.errcodes)(errcode)),
            _ => None,
        }
    }

    pub fn class(&self) -> Class {
        match &self.failure {
            Failure::Api { .. } => self.documented().map_or(Class::Fatal, |d| d.class),
            Failure::Http { status, .. } if *status >= 500 => Class::Transient,
            Failure::Network { .. } | Failure::Timeout { .. } => Class::Transient,
            _ => Class::Fatal,
        }
    }

    pub fn retryable(&self) -> bool {
        matches!(self.class(), Class::Transient | Class::RateLimited)
    }

    /// `LinkError.class`: what a caller (or a batch) should do about it.
    /// `auth`: no token could be had, or the platform refused the one sent;
    /// `rejected`: the platform refused the request for another reason.
    pub fn class_name(&self) -> &'static str {
        match (&self.failure, self.class()) {
            (Failure::InvalidArgument { .. }, _) => "invalid",
            (_, Class::Transient) => "transient",
            (_, Class::RateLimited) => "rate",
            (_, Class::Quota) => "quota",
            (_, Class::TokenRejected) => "auth",
            (_, Class::Fatal) if self.api.is_token() => "auth",
            (_, Class::Fatal) => "rejected",
        }
    }

    pub fn with_note(self, note: String) -> Error {
        Error { note: Some(note), ..self }
    }

    /// The message, with free text from outside (bodies, platform text) passed
    /// through `redact` before anything is cut short.
    pub fn message(&self, redact: impl Fn(&str) -> String) -> String {
        match &self.note {
            Some(note) => format!("{}; {note}", self.failure_message(redact)),
            None => self.failure_message(redact),
        }
    }

    fn failure_message(&self, redact: impl Fn(&str) -> String) -> String {
        let api = self.api.name();
        match &self.failure {
            Failure::InvalidArgument { field, reason } => redact(&format!("{field}: {reason}")),
            Failure::Api { errcode, errmsg, .. } => match self.documented() {
                Some(d) => format!("{api} failed with {errcode}: {} (platform said: {})", d.meaning, redact(errmsg)),
                None => format!("{api} failed with undocumented code {errcode} (platform said: {})", redact(errmsg)),
            },
            Failure::Http { status, reason, body } if !body.is_empty() => {
                format!("{api} failed: HTTP {status}, {reason}: {}", excerpt(&redact(body)))
            }
            Failure::Http { status, reason, .. } => format!("{api} failed: HTTP {status}, {reason}"),
            Failure::Network { reason } => format!("{api} failed: network error: {}", redact(reason)),
            Failure::Timeout { after_ms } => {
                format!("{api} failed: no answer within {after_ms} ms, request aborted")
            }
        }
    }

    /// The `LinkError` fields, with free text passed through `redact`.
    pub fn fields(&self, redact: impl Fn(&str) -> String) -> ErrorFields {
        let mut fields = ErrorFields {
            code: self.code(),
            message: self.message(&redact),
            platform: self.api.platform(),
            api: self.api.name(),
            retryable: self.retryable(),
            class: self.class_name(),
            field: None,
            errcode: None,
            errmsg: None,
            status: None,
            log_id: None,
        };
        match &self.failure {
            Failure::InvalidArgument { field, .. } => fields.field = Some(redact(field)),
            Failure::Api { errcode, errmsg, status, log_id } => {
                fields.errcode = Some(*errcode);
                fields.errmsg = Some(redact(errmsg));
                fields.status = Some(*status);
                fields.log_id = log_id.as_deref().map(&redact);
            }
            Failure::Http { status, .. } => fields.status = Some(*status),
            Failure::Network { .. } | Failure::Timeout { .. } => {}
        }
        fields
    }
}

/// The `field` of an `INVALID_ARGUMENT`, for tests of the rules.
#[cfg(test)]
pub fn invalid_field<T: std::fmt::Debug>(result: Result<T, Failure>) -> String {
    match result {
        Err(Failure::InvalidArgument { field, .. }) => field,
        other => panic!("expected an invalid argument, got {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn fields_of(err: &Error) -> Value {
        serde_json::to_value(err.fields(str::to_owned)).unwrap()
    }

    fn api_error(api: Api, errcode: i64) -> Error {
        Failure::Api { errcode, errmsg: "x".into(), status: 200, log_id: None }.at(api)
    }

    #[test]
    fn fields_of_an_api_error_name_the_meaning() {
        let err = api_error(Api::UrlschemeGenerate, 85079);
        let fields = fields_of(&err);
        let text = |name| fields.get(name).and_then(Value::as_str);
        assert_eq!(text("code"), Some("API_ERROR"));
        assert_eq!(text("platform"), Some("wechat"));
        assert_eq!(text("api"), Some("urlscheme.generate"));
        assert_eq!(fields.get("errcode").and_then(Value::as_i64), Some(85079));
        assert_eq!(fields.get("retryable"), Some(&Value::Bool(false)));
        assert!(text("message").unwrap().contains("publish"));
        assert!(fields.get("field").is_none());
    }

    #[test]
    fn invalid_argument_fields() {
        let err = Failure::invalid("jumpWxa.query", "too long").at(Api::UrlschemeGenerate);
        assert_eq!(
            fields_of(&err),
            json!({
                "code": "INVALID_ARGUMENT", "message": "jumpWxa.query: too long",
                "platform": "wechat", "api": "urlscheme.generate", "retryable": false,
                "class": "invalid", "field": "jumpWxa.query"
            })
        );
    }

    #[test]
    fn retryable_follows_the_contract() {
        assert!(api_error(Api::UrllinkGenerate, -1).retryable());
        assert!(api_error(Api::UrllinkGenerate, 44990).retryable());
        assert!(api_error(Api::DouyinUrlLinkGenerate, 12020).retryable());
        assert!(!api_error(Api::UrllinkGenerate, 45009).retryable());
        assert!(!api_error(Api::DouyinUrlLinkGenerate, 12021).retryable());
        assert!(!api_error(Api::UrllinkGenerate, 99999).retryable());
        let http = |status| Failure::http(status, "").at(Api::UrllinkGenerate);
        assert!(http(502).retryable());
        assert!(!http(404).retryable());
        assert!(Failure::Network { reason: String::new() }.at(Api::WechatToken).retryable());
        assert!(Failure::Timeout { after_ms: 5 }.at(Api::WechatToken).retryable());
    }

    #[test]
    fn classes_say_what_to_do() {
        let class = |err: Error| err.class_name();
        assert_eq!(class(Failure::invalid("path", "bad").at(Api::UrllinkGenerate)), "invalid");
        assert_eq!(class(api_error(Api::UrllinkGenerate, -1)), "transient");
        assert_eq!(class(api_error(Api::UrllinkGenerate, 44990)), "rate");
        assert_eq!(class(api_error(Api::DouyinV2UrlLinkGenerate, 28003018)), "rate");
        assert_eq!(class(api_error(Api::UrllinkGenerate, 45009)), "quota");
        assert_eq!(class(api_error(Api::DouyinUrlLinkGenerate, 12021)), "quota");
        assert_eq!(class(api_error(Api::UrllinkGenerate, 40001)), "auth");
        assert_eq!(class(api_error(Api::WechatToken, 40001)), "auth", "a wrong secret");
        assert_eq!(class(Failure::http(404, "").at(Api::DouyinV2Token)), "auth", "no token to be had");
        assert_eq!(class(api_error(Api::UrllinkGenerate, 40165)), "rejected");
        assert_eq!(class(api_error(Api::UrllinkGenerate, 99999)), "rejected");
        assert_eq!(class(Failure::http(502, "").at(Api::WechatToken)), "transient");
        assert_eq!(class(Failure::Timeout { after_ms: 5 }.at(Api::UrllinkGenerate)), "transient");
    }

    #[test]
    fn a_body_is_redacted_before_it_is_cut() {
        let token = "T".repeat(200);
        let err = Failure::Http { status: 502, reason: "not JSON".into(), body: format!("<p>{token}</p>") }.at(Api::UrllinkGenerate);
        let message = err.message(|text| text.replace(&token, "***"));
        assert_eq!(message, "urllink.generate failed: HTTP 502, not JSON: <p>***</p>");
        let long = Failure::Http { status: 502, reason: "r".into(), body: "x".repeat(500) }.at(Api::UrllinkGenerate);
        assert!(long.message(str::to_owned).ends_with('…'));
    }

    #[test]
    fn douyin_log_id_is_kept() {
        let err = Failure::Api { errcode: 28001003, errmsg: "bad".into(), status: 200, log_id: Some("L1".into()) }
            .at(Api::DouyinV2UrlLinkGenerate);
        let fields = fields_of(&err);
        assert_eq!(fields.get("logId").and_then(Value::as_str), Some("L1"));
        assert_eq!(fields.get("platform").and_then(Value::as_str), Some("douyin"));
    }
}
