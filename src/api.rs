//! The endpoints the package calls, with the names users see in `LinkError.api`.

use crate::error::Platform;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    WechatToken,
    UrlschemeGenerate,
    UrllinkGenerate,
    ShortlinkGenerate,
    UrlschemeQuery,
    UrllinkQuery,
    PlainScheme,
    DouyinToken,
    DouyinUrlLinkGenerate,
    DouyinV2Token,
    DouyinV2UrlLinkGenerate,
    DouyinV2UrlLinkQueryInfo,
    DouyinV2UrlLinkQueryQuota,
    /// Constructor options, before any API is involved.
    WechatClient,
    DouyinClient,
}

/// Every API a client method can name, in the spelling of `LinkError.api`.
const NAMED: [(&str, Api); 13] = [
    ("auth.getAccessToken", Api::WechatToken),
    ("urlscheme.generate", Api::UrlschemeGenerate),
    ("urllink.generate", Api::UrllinkGenerate),
    ("shortlink.generate", Api::ShortlinkGenerate),
    ("urlscheme.query", Api::UrlschemeQuery),
    ("urllink.query", Api::UrllinkQuery),
    ("plainScheme", Api::PlainScheme),
    ("douyin.getAccessToken", Api::DouyinToken),
    ("douyin.urlLink.generate", Api::DouyinUrlLinkGenerate),
    ("douyin.v2.getAccessToken", Api::DouyinV2Token),
    ("douyin.v2.urlLink.generate", Api::DouyinV2UrlLinkGenerate),
    ("douyin.v2.urlLink.queryInfo", Api::DouyinV2UrlLinkQueryInfo),
    ("douyin.v2.urlLink.queryQuota", Api::DouyinV2UrlLinkQueryQuota),
];

impl Api {
    pub fn name(self) -> &'static str {
        match self {
            Api::WechatClient => "WeChatClient",
            Api::DouyinClient => "DouyinClient",
            _ => NAMED.iter().find(|(_, api)| *api == self).map_or("", |(name, _)| name),
        }
    }

    pub fn from_name(name: &str) -> Option<Api> {
        NAMED.iter().find(|(n, _)| *n == name).map(|(_, api)| *api)
    }

    /// A number for the API named `name`, which `from_number` reads back:
    /// a link call names its API by number, not by a string crossing into wasm.
    pub fn number(name: &str) -> Option<u32> {
        NAMED.iter().position(|(n, _)| *n == name).map(|at| at as u32)
    }

    pub fn from_number(number: u32) -> Option<Api> {
        NAMED.get(number as usize).map(|(_, api)| *api)
    }

    pub fn platform(self) -> Platform {
        match self {
            Api::DouyinToken
            | Api::DouyinUrlLinkGenerate
            | Api::DouyinV2Token
            | Api::DouyinV2UrlLinkGenerate
            | Api::DouyinV2UrlLinkQueryInfo
            | Api::DouyinV2UrlLinkQueryQuota
            | Api::DouyinClient => Platform::Douyin,
            _ => Platform::Wechat,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (name, api) in NAMED {
            assert_eq!(api.name(), name);
            assert_eq!(Api::from_name(name), Some(api));
            assert_eq!(Api::number(name).and_then(Api::from_number), Some(api));
        }
        assert_eq!(Api::from_name("nope"), None);
        assert_eq!(Api::number("nope"), None);
        assert_eq!(Api::from_number(NAMED.len() as u32), None);
    }
}
