//! `renderLandingPage`: the page an SMS or e-mail link points to, which sends
//! the visitor on to the mini program (003 §4.1.6, §4.2.3): a button to the
//! scheme (a plain link, so it works with JavaScript off), the URL Link inside
//! WeChat, a QR code on a desktop. One self-contained document: its only
//! script and style are the constants below, so one hash of each allows them
//! in a Content-Security-Policy (`pkg-template/landing.cjs`).

mod qr;

use serde::Serialize;
use serde_json::Value;

use crate::error::Failure;
use crate::input::{key, keys, Key, Object};
use crate::validate;

const OPENLINK: Key = key("openlink");
const URL_LINK: Key = keys("urlLink", "url_link");
const TITLE: Key = key("title");
const DESCRIPTION: Key = key("description");
const BUTTON_TEXT: Key = keys("buttonText", "button_text");
const QR_URL: Key = keys("qrUrl", "qr_url");
const LANG: Key = key("lang");

pub const TITLE_MAX_CHARS: usize = 64;
pub const DESCRIPTION_MAX_CHARS: usize = 200;
pub const BUTTON_TEXT_MAX_CHARS: usize = 32;
/// An encrypted scheme (`t=TICKET`, maybe `&cq=…`) or a plaintext one (`appid=…`).
const SCHEMES: [&str; 2] = ["weixin://dl/business/?t=", "weixin://dl/business/?appid="];

/// The page's one script and one style, the same on every page. The script
/// (no comments: it ships in every page):
/// - inside WeChat a scheme opens nothing, a URL Link does (003 §4.2): it goes
///   to `data-url-link` when there is one;
/// - on a phone (iPadOS reports a Mac: its touch points tell it apart) it
///   jumps to the scheme once on load, never in a loop, and if the page is
///   still in view 2 s later shows the hint: some browsers jump only on a tap
///   (003 §4.1.6), which the button is for;
/// - on a desktop, which opens no scheme, it shows the QR code instead of the button.
pub const SCRIPT: &str = include_str!("landing.js");
pub const STYLE: &str = include_str!("landing.css");

/// `SCRIPT` and `STYLE`, for the JavaScript side to hash for its CSP header.
#[derive(Serialize)]
pub struct Inline {
    pub script: &'static str,
    pub style: &'static str,
}

/// The words on the page, per `lang`.
struct Words {
    lang: &'static str,
    button: &'static str,
    blocked: &'static str,
    scan: &'static str,
    qr_label: &'static str,
}

const ZH_CN: Words = Words {
    lang: "zh-CN",
    button: "打开小程序",
    blocked: "如果没有自动打开，请点击上方按钮；若仍无反应，请在微信中打开此链接。",
    scan: "请用微信扫码打开",
    qr_label: "二维码：",
};
const EN: Words = Words {
    lang: "en",
    button: "Open the mini program",
    blocked: "If nothing opened, tap the button above. If that does nothing either, open this link in WeChat.",
    scan: "Scan with WeChat to open",
    qr_label: "QR code: ",
};

/// Text for HTML: the five characters that could end a text or an attribute
/// value become references, so a title is only ever text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An optional text, at most `max` characters, escaped.
fn text(req: &Object, key: Key, max: usize) -> Result<Option<String>, Failure> {
    let Some(value) = req.string(key)? else { return Ok(None) };
    validate::at_most_chars(&req.field(key), value, max)?;
    Ok(Some(escape(value)))
}

fn https_url<'a>(req: &Object<'a>, key: Key) -> Result<Option<&'a str>, Failure> {
    let Some(value) = req.string(key)? else { return Ok(None) };
    validate::https_url(&req.field(key), value)?;
    Ok(Some(value))
}

/// The options (`renderLandingPage`'s one argument) → the HTML document.
pub fn render(input: &Value) -> Result<String, Failure> {
    let req = Object::new(input, "", &[OPENLINK, URL_LINK, TITLE, DESCRIPTION, BUTTON_TEXT, QR_URL, LANG])?;
    let openlink = req.required_string(OPENLINK)?;
    let what = "a WeChat URL Scheme (weixin://dl/business/?t=… or ?appid=…)";
    validate::link(&req.field(OPENLINK), openlink, &SCHEMES, what)?;
    let url_link = https_url(&req, URL_LINK)?;
    let title = req.required_string(TITLE)?;
    validate::at_most_chars(&req.field(TITLE), title, TITLE_MAX_CHARS)?;
    let title = escape(title);
    let description = text(&req, DESCRIPTION, DESCRIPTION_MAX_CHARS)?;
    let button = text(&req, BUTTON_TEXT, BUTTON_TEXT_MAX_CHARS)?;
    let qr_url = https_url(&req, QR_URL)?;
    let words = match req.string(LANG)? {
        None => &ZH_CN,
        Some(lang) => {
            validate::one_of(&req.field(LANG), lang, &[ZH_CN.lang, EN.lang])?;
            if lang == EN.lang {
                &EN
            } else {
                &ZH_CN
            }
        }
    };

    let mut page = String::with_capacity(4096);
    page.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        lang = words.lang
    ));
    match url_link {
        Some(url) => page.push_str(&format!("<main id=\"landing\" data-url-link=\"{}\">\n", escape(url))),
        None => page.push_str("<main id=\"landing\">\n"),
    }
    page.push_str(&format!("<h1 dir=\"auto\">{title}</h1>\n"));
    if let Some(description) = description {
        page.push_str(&format!("<p class=\"description\" dir=\"auto\">{description}</p>\n"));
    }
    let button = button.unwrap_or_else(|| words.button.to_owned());
    page.push_str(&format!("<p><a id=\"open\" class=\"button\" href=\"{}\">{button}</a></p>\n", escape(openlink)));
    page.push_str(&format!("<p id=\"blocked\" class=\"hint\" hidden>{}</p>\n", words.blocked));
    if let Some(url) = qr_url {
        let label = escape(&format!("{}{url}", words.qr_label));
        let svg = qr::svg(&req.field(QR_URL), url, &label)?;
        page.push_str(&format!("<figure id=\"qr\">{svg}<figcaption>{}</figcaption></figure>\n", words.scan));
    }
    page.push_str(&format!("</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"));
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEME: &str = "weixin://dl/business/?t=XTSkBZlzqmn";

    fn page(extra: Value) -> String {
        let mut input = json!({"openlink": SCHEME, "title": "Spring sale"});
        input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        render(&input).unwrap()
    }

    fn field_of(extra: Value) -> String {
        let mut input = json!({"openlink": SCHEME, "title": "Spring sale"});
        input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        crate::error::invalid_field(render(&input))
    }

    #[test]
    fn a_plain_link_to_the_scheme_and_the_constant_script() {
        let html = page(json!({}));
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
        assert!(html.contains(&format!("<a id=\"open\" class=\"button\" href=\"{SCHEME}\">打开小程序</a>")));
        assert!(html.contains(&format!("<script>{SCRIPT}</script>")));
        assert_eq!(html.matches("<script").count(), 1);
        assert!(!html.contains("id=\"qr\""));
        assert!(html.contains("<main id=\"landing\">\n"), "no data-url-link");
        for external in ["src=", "<link", "@import", "url("] {
            assert!(!html.contains(external), "{external}");
        }
    }

    #[test]
    fn options_reach_the_page() {
        let html = page(json!({
            "urlLink": "https://wxaurl.cn/AbC123", "description": "20% off", "buttonText": "Go",
            "qrUrl": "https://example.com/l/1", "lang": "en",
        }));
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("<main id=\"landing\" data-url-link=\"https://wxaurl.cn/AbC123\">"));
        assert!(html.contains("<p class=\"description\" dir=\"auto\">20% off</p>"));
        assert!(html.contains(">Go</a>"));
        assert!(html.contains("aria-label=\"QR code: https://example.com/l/1\""));
        assert!(html.contains("<figcaption>Scan with WeChat to open</figcaption>"));
        let plaintext = "weixin://dl/business/?appid=wx1&path=pages/a&query=a%3D1";
        assert!(page(json!({"openlink": plaintext})).contains("href=\"weixin://dl/business/?appid=wx1&amp;path=pages/a&amp;query=a%3D1\""));
    }

    #[test]
    fn every_text_is_escaped() {
        let hostile = "</title><script>alert('x')</script>\"{{x}}\u{202E}";
        let html = page(json!({"title": hostile, "description": hostile, "buttonText": "<b>"}));
        let escaped = "&lt;/title&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;{{x}}\u{202E}";
        assert_eq!(html.matches(escaped).count(), 3, "title, heading, description");
        assert!(html.contains(">&lt;b&gt;</a>"));
        assert_eq!(html.matches("<script").count(), 1);
    }

    #[test]
    fn only_wechat_schemes_and_https_reach_an_href() {
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "https://wxaurl.cn/X",
            "weixin://dl/business/?",
            "weixin://other/?t=X",
            "weixin://dl/business/?t=X\"onclick",
        ] {
            assert_eq!(field_of(json!({"openlink": bad})), "openlink", "{bad}");
        }
        for bad in ["javascript:alert(1)", "data:text/html,x", "http://wxaurl.cn/X", "weixin://dl/business/?t=X"] {
            assert_eq!(field_of(json!({"urlLink": bad})), "urlLink", "{bad}");
            assert_eq!(field_of(json!({"qrUrl": bad})), "qrUrl", "{bad}");
        }
    }

    #[test]
    fn limits_in_characters() {
        assert!(page(json!({"title": "测".repeat(64), "description": "述".repeat(200), "buttonText": "按".repeat(32)})).contains("测"));
        assert_eq!(field_of(json!({"title": "测".repeat(65)})), "title");
        assert_eq!(field_of(json!({"title": ""})), "title");
        assert_eq!(field_of(json!({"description": "述".repeat(201)})), "description");
        assert_eq!(field_of(json!({"buttonText": "按".repeat(33)})), "buttonText");
        assert_eq!(field_of(json!({"lang": "fr"})), "lang");
        assert_eq!(field_of(json!({"colour": "red"})), "colour");
        assert_eq!(crate::error::invalid_field(render(&json!({"title": "x"}))), "openlink");
        assert_eq!(crate::error::invalid_field(render(&json!({"openlink": SCHEME}))), "title");
    }
}
