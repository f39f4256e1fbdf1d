//! One error type for every failure, whatever the platform or API.
//!
//! Crossing into JavaScript it becomes a `LinkError` (see `pkg-template/index.cjs`)
//! built from [`Error::fields`].

use crate::api::Api;
use crate::json::ObjectWriter;
use crate::{douyin, wechat};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    Wechat,
    Douyin,
}

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Platform::Wechat => "wechat",
            Platform::Douyin => "douyin",
        }
    }
}

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

/// How the package should treat a documented platform error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Busy or rate limited: worth another attempt after a pause.
    Transient,
    /// The access token was rejected: drop it, fetch a new one, retry once.
    TokenRejected,
    /// A daily or lifetime quota is used up: retrying only burns more of it.
    Quota,
    /// Anything else: the request or the account must change first.
    Fatal,
}

/// A documented error code: what it means for the caller and how to treat it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Documented {
    pub meaning: &'static str,
    pub class: Class,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub api: Api,
    pub failure: Failure,
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

/// The fields of a JavaScript `LinkError`.
pub struct ErrorFields {
    code: &'static str,
    message: String,
    platform: Platform,
    api: &'static str,
    retryable: bool,
    field: Option<String>,
    errcode: Option<i64>,
    errmsg: Option<String>,
    status: Option<u16>,
    log_id: Option<String>,
}

impl ErrorFields {
    /// The JSON `index.cjs` builds the `LinkError` from.
    pub fn to_json(&self) -> String {
        ObjectWriter::default()
            .string("code", Some(self.code))
            .string("message", Some(&self.message))
            .string("platform", Some(self.platform.name()))
            .string("api", Some(self.api))
            .bool("retryable", Some(self.retryable))
            .string("field", self.field.as_deref())
            .integer("errcode", self.errcode)
            .string("errmsg", self.errmsg.as_deref())
            .integer("status", self.status.map(i64::from))
            .string("logId", self.log_id.as_deref())
            .finish()
    }
}

impl Failure {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Failure::InvalidArgument { field: field.into(), reason: reason.into() }
    }

    pub fn http(status: u16, reason: impl Into<String>) -> Self {
        Failure::Http { status, reason: reason.into(), body: String::new() }
    }

    pub fn at(self, api: Api) -> Error {
        Error { api, failure: self }
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
            Failure::Api { errcode, .. } => match self.api.platform() {
                Platform::Wechat => wechat::errors::lookup(errcode, self.api),
                Platform::Douyin => douyin::errors::lookup(errcode),
            },
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
        self.class() == Class::Transient
    }

    /// The message, with free text from outside (bodies, platform text) passed
    /// through `redact` before anything is cut short.
    pub fn message(&self, redact: impl Fn(&str) -> String) -> String {
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
    use crate::json::{json, Value};

    fn fields_of(err: &Error) -> Value {
        crate::json::parse(&err.fields(str::to_owned).to_json()).unwrap()
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
                "field": "jumpWxa.query"
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
