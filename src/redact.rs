//! Keeping secrets out of anything an error carries.

/// Keys whose values are credentials wherever they appear in text
/// (`access_token=…` in a URL, `"secret":"…"` in an echoed body, ...).
const CREDENTIAL_KEYS: [&str; 4] = ["access_token", "access-token", "secret", "cloudbase_access_token"];
const HIDDEN: &str = "***";

fn credential_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._-*%+/=~".contains(c)
}

/// `text` with every known secret and every credential-looking value replaced.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        if out.contains(secret) {
            out = out.replace(secret, HIDDEN);
        }
        out = hide_cut_copies(&out, secret);
    }
    for key in CREDENTIAL_KEYS {
        out = hide_values_after(&out, key);
    }
    out
}

/// Quoted input is cut short with `…` (`input::clip`), which can cut a secret
/// too: hide any long enough start of `secret` that ends at a `…`.
fn hide_cut_copies(text: &str, secret: &str) -> String {
    const SHORTEST: usize = 12;
    if !text.contains('…') {
        return text.to_owned();
    }
    let mut out = text.to_owned();
    for len in (SHORTEST..secret.len()).rev() {
        if let Some(start) = secret.get(..len) {
            let cut = format!("{start}…");
            if out.contains(&cut) {
                out = out.replace(&cut, "***…");
            }
        }
    }
    out
}

/// Hides the value after each `key` followed by `=` or `:` (with quotes or spaces).
fn hide_values_after(text: &str, key: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(key) {
        let (before, from_key) = rest.split_at(at);
        let after_key = from_key.get(key.len()..).unwrap_or("");
        out.push_str(before);
        out.push_str(key);
        let separator_len: usize = after_key.chars().take_while(|c| matches!(c, '=' | ':' | '"' | '\'' | ' ')).map(char::len_utf8).sum();
        let (separator, value_and_rest) = after_key.split_at(separator_len);
        out.push_str(separator);
        let value_len: usize = value_and_rest.chars().take_while(|c| credential_char(*c)).map(char::len_utf8).sum();
        if separator.contains(['=', ':']) && value_len > 0 {
            out.push_str(HIDDEN);
        } else {
            out.push_str(value_and_rest.get(..value_len).unwrap_or(""));
        }
        rest = value_and_rest.get(value_len..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_secrets_are_hidden() {
        assert_eq!(redact("bad token ABCDEF123 here", &["ABCDEF123"]), "bad token *** here");
        assert_eq!(redact("nothing", &["", "abc"]), "nothing");
    }

    #[test]
    fn a_secret_cut_short_is_hidden_too() {
        let secret = "86_ji9_2edxjtZkpLfw6tkpTcSOUG_4qANC0uv7y".repeat(3);
        let message = format!("unknown key `{}`", crate::input::clip(&secret));
        assert_eq!(redact(&message, &[&secret]), "unknown key `***…`");
        assert_eq!(redact("short 86_ji9…", &[&secret]), "short 86_ji9…");
    }

    #[test]
    fn credential_values_are_hidden_wherever_they_appear() {
        assert_eq!(redact("GET /wxa/x?access_token=T0k3n-_.x&b=1 failed", &[]), "GET /wxa/x?access_token=***&b=1 failed");
        assert_eq!(redact(r#"{"secret":"s3cr3t","a":1}"#, &[]), r#"{"secret":"***","a":1}"#);
        assert_eq!(redact("access-token: clt.abc", &[]), "access-token: ***");
        assert_eq!(redact("cloudbase_access_token=zz", &[]), "cloudbase_access_token=***");
        assert_eq!(redact("the secret is safe", &[]), "the secret is safe");
        assert_eq!(redact("trailing access_token", &[]), "trailing access_token");
        assert_eq!(redact("多字节 access_token=好", &[]), "多字节 access_token=好");
    }
}
