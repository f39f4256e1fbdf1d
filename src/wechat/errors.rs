//! Every WeChat errcode the reference pages document, with what it means to the
//! caller and how the package treats it.

use crate::errcode::{doc, Class, Documented};

/// The entry for `errcode` from the token endpoint.
pub fn token(errcode: i64) -> Option<Documented> {
    lookup(errcode, true)
}

/// The entry for `errcode` from a link endpoint.
pub fn link(errcode: i64) -> Option<Documented> {
    lookup(errcode, false)
}

/// One table for both (40001, 40002 and 40013 mean one thing from the token
/// endpoint and another from the link endpoints).
fn lookup(errcode: i64, token_api: bool) -> Option<Documented> {
    use Class::*;
    match (errcode, token_api) {
        (-1, _) => doc("the platform is busy; try again shortly", Transient),
        (40001, true) => doc("the AppSecret is wrong or does not belong to this AppID", Fatal),
        (40001, false) => {
            doc("the access token is invalid or no longer the latest (another process may have fetched a new one)", TokenRejected)
        }
        (40002, true) => doc("grant_type must be client_credential", Fatal),
        (40002, false) => {
            doc("no permission to generate links: personal-entity mini programs (and those outside mainland China) have none", Fatal)
        }
        (40013, true) => doc("the AppID is invalid: check it for typos, stray characters and case", Fatal),
        (40013, false) => doc("link generation has been banned for this mini program", Fatal),
        (40014, _) => doc("the access token is not valid", TokenRejected),
        (40066, _) => doc("invalid pageUrl: the published mini program has no such page", Fatal),
        (40097, _) => doc("invalid arguments: the platform refused a field of the request", Fatal),
        (40125, _) => doc("the AppSecret is wrong: copy it again from the mini program's admin console", Fatal),
        (40165, _) => doc("invalid path: it must be a page of the published mini program, without a query", Fatal),
        (40212, _) => doc("invalid query: at most 1024 characters of 0-9 a-z A-Z !#$&'()*+,/:;=?@-._~%", Fatal),
        (40225, _) => doc("invalid pageTitle", Fatal),
        (41001, _) => doc("no access token was sent", Fatal),
        (42001, _) => doc("the access token has expired", TokenRejected),
        (40164, _) => doc(
            "this server's IP address is not on the IP whitelist: add it in the admin console (Development > Development settings > IP whitelist)",
            Fatal,
        ),
        (43104, _) => doc("no permission to make Short Links: open to non-personal entities only", Fatal),
        (44990, _) => doc("too many requests per second (URL Scheme 100/s, URL Link 200/s): slow down", RateLimited),
        (44993, _) => doc("the daily limit of 500,000 URL Schemes and URL Links is reached", Quota),
        (45009, _) => doc("the daily limit for this API is reached", Quota),
        (45011, _) => doc("too many calls this minute (force_refresh: at most once in 30 s): wait before trying again", Fatal),
        (47001, _) => doc("the request body is not the JSON the API expects", Fatal),
        (48001, _) => doc("the mini program is not authorized for this API: check its permissions (and the third party's grant)", Fatal),
        (85079, _) => doc("the mini program is not published: publish a release first", Fatal),
        (85400, _) => doc("the limit of 100,000 permanent links is reached", Quota),
        (85401, _) => doc("invalid expireTime: it must be more than 1 minute and at most 30 days ahead", Fatal),
        (85402, _) => doc("invalid envVersion: use release, trial or develop", Fatal),
        (9800003, _) => {
            doc("NFC: the modelId did not pass the check: use the model id of a device registered for this mini program", Fatal)
        }
        (9800007, _) => doc("NFC: this modelId has not been granted the NFC capability yet", Fatal),
        (9800010, _) => doc("NFC: a scheme already exists for this modelId (and sn): one device model, or one device, one scheme", Fatal),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_codes_depend_on_the_endpoint() {
        assert_eq!(link(40001).unwrap().class, Class::TokenRejected);
        assert_eq!(token(40001).unwrap().class, Class::Fatal, "40001 from /cgi-bin/token is a wrong secret: never a retry loop");
        assert!(link(40002).unwrap().meaning.contains("personal-entity"));
        assert!(token(40002).unwrap().meaning.contains("grant_type"));
    }

    #[test]
    fn every_documented_code_has_an_entry() {
        let documented = [
            -1, 40001, 40002, 40013, 40014, 40066, 40125, 40164, 40165, 40212, 40225, 41001, 42001, 43104, 44990, 44993, 45009, 45011,
            47001, 48001, 85079, 85400, 85401, 85402, 9800003, 9800007, 9800010,
        ];
        for code in documented {
            assert!(link(code).is_some(), "{code}");
        }
        assert!(link(12345).is_none());
    }

    #[test]
    fn classes() {
        assert_eq!(link(42001).unwrap().class, Class::TokenRejected);
        assert_eq!(link(40014).unwrap().class, Class::TokenRejected);
        for quota in [45009, 44993, 85400] {
            assert_eq!(link(quota).unwrap().class, Class::Quota);
        }
        assert_eq!(link(-1).unwrap().class, Class::Transient);
        assert_eq!(link(44990).unwrap().class, Class::RateLimited);
        assert!(link(85079).unwrap().meaning.contains("publish"));
    }
}
