//! Every Douyin error code the reference pages document, both API generations.

use crate::errcode::{doc, Class, Documented};

pub fn lookup(err_no: i64) -> Option<Documented> {
    use Class::*;
    match err_no {
        // First generation, developer.toutiao.com (004 and its token page).
        -1 => doc("internal error on the platform; try again", Transient),
        1 => doc("a parameter is wrong", Fatal),
        2 => doc("link generation has been banned for this mini app", Fatal),
        12018 => doc("the platform could not parse the parameters: check their format", Fatal),
        12019 => doc("expireTime is out of range: at most 180 days ahead", Fatal),
        12020 => doc("too many URL Links per second (100 QPS): slow down", RateLimited),
        12021 => doc("the URL Link quota is used up (500,000 a day)", Quota),
        12022 => doc("the platform failed to generate the link: contact Douyin support with the request details", Fatal),
        12024 => doc("the access token is wrong", TokenRejected),
        12025 => doc("the access token has expired or lacks permission", TokenRejected),
        40015 => doc("the appid is wrong", Fatal),
        40017 => doc("the secret is wrong", Fatal),
        40020 => doc("grant_type must be client_credential", Fatal),
        // Second generation's client_token (its error table and its notes).
        10002 => doc("a parameter of the token request is wrong or missing", Fatal),
        10003 => doc("the client_key (the appid) does not exist", Fatal),
        10013 => doc("the client_key (the appid) or the client_secret is wrong", Fatal),
        // A window of 5 minutes: another attempt within the package's backoff
        // would only add to the count (as WeChat's 45011, it is not retried).
        10020 => doc(
            "too many token requests: more than 500 in 5 minutes; wait, and share one token between processes (tokenStore) instead of fetching one in each",
            Fatal,
        ),
        // Second generation, open.douyin.com (its status-code table).
        28001003 => doc("the access token is invalid", TokenRejected),
        28001005 => doc("the platform is busy; try again shortly", Transient),
        28001006 => doc("a network error inside the platform; try again", Transient),
        28001007 => doc("a parameter is not valid", Fatal),
        28001008 => doc("the access token has expired", TokenRejected),
        28001016 => doc("the app is banned or offline", Fatal),
        28001018 => doc("the app has not been granted this capability", Fatal),
        28001019 => doc("this capability is banned or offline for the app", Fatal),
        28003017 => doc("the quota is used up", Quota),
        28003018 => doc("too many requests per second: slow down", RateLimited),
        28005001 => doc("the platform could not parse the parameters: check the required fields and types", Fatal),
        // The Schema quota and QR code pages: 内部错误 / systemerror, "retry".
        // Not retried all the same: query_info answers it for a link it does
        // not know (the emulator and the suites take it so), where another
        // attempt only repeats it. The pages document no other meaning.
        28005002 => doc("an internal error on the platform; if it persists, send the logId to Douyin support", Fatal),
        28005015 => doc("the permission is banned", Fatal),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_004_codes() {
        for code in [1, 2, -1, 12018, 12019, 12020, 12021, 12022, 12024, 12025] {
            assert!(lookup(code).is_some(), "{code}");
        }
        assert_eq!(lookup(12024).unwrap().class, Class::TokenRejected);
        assert_eq!(lookup(12025).unwrap().class, Class::TokenRejected);
        assert_eq!(lookup(12020).unwrap().class, Class::RateLimited);
        assert_eq!(lookup(-1).unwrap().class, Class::Transient);
        assert_eq!(lookup(12021).unwrap().class, Class::Quota);
        assert_eq!(lookup(28001003).unwrap().class, Class::TokenRejected);
        assert_eq!(lookup(0), None);
    }

    #[test]
    fn client_token_and_schema_codes() {
        for code in [10002, 10003, 10013, 10020, 28005002] {
            assert_eq!(lookup(code).map(|d| d.class), Some(Class::Fatal), "{code}");
        }
        assert!(lookup(10020).unwrap().meaning.contains("500 in 5 minutes"));
        assert!(lookup(10003).unwrap().meaning.contains("does not exist"));
    }
}
