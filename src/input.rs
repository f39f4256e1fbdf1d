//! Reading the loosely typed objects callers pass in.
//!
//! The JavaScript side hands over `JSON.stringify(request)`, with the values JSON
//! cannot carry replaced by markers such as `{"$type":"Date","ms":…}` or
//! `{"$type":"function"}`, so that a wrong type is reported, not silently dropped.
//! Every key has two spellings: the cloud-call name and the HTTPS name.

use serde_json::{Map, Value};

use crate::error::Failure;

/// One request or option key: `camel` is the cloud-call name, `snake` the HTTPS name.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    pub camel: &'static str,
    pub snake: &'static str,
}

/// A key spelled the same in both naming styles.
pub const fn key(name: &'static str) -> Key {
    Key { camel: name, snake: name }
}

/// A key spelled differently in the two naming styles.
pub const fn keys(camel: &'static str, snake: &'static str) -> Key {
    Key { camel, snake }
}

/// Unix seconds, or a `Date` converted to them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Instant {
    Seconds(f64),
    Date { ms: f64 },
}

/// A JSON object whose keys are all known, read one key at a time.
pub struct Object<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
}

/// Parses the JSON text the JavaScript side produced from `field` (a request, the options).
pub fn parse(field: &str, text: &str) -> Result<Value, Failure> {
    serde_json::from_str(text).map_err(|_| Failure::invalid(field, "cannot be read: it is not JSON"))
}

/// "a string", "a Date", "a function", ...: what a value is, for error messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(map) => match marker(map) {
            Some(kind @ ("NaN" | "Infinity" | "-Infinity")) => kind.into(),
            Some(kind @ ("Date" | "BigInt" | "Symbol")) => format!("a {kind}"),
            Some(kind) => format!("a {kind}"),
            None => "an object".into(),
        },
    }
}

fn marker(map: &Map<String, Value>) -> Option<&str> {
    map.get("$type").and_then(Value::as_str)
}

impl<'a> Object<'a> {
    /// Reads `value` as an object allowed to hold `known` keys only.
    pub fn new(value: &'a Value, name: &str, known: &[Key]) -> Result<Self, Failure> {
        let field = if name.is_empty() { "request" } else { name };
        let map = match value {
            Value::Object(map) if marker(map).is_none() => map,
            other => return Err(Failure::invalid(field, format!("must be an object, got {}", describe(other)))),
        };
        let prefix = if name.is_empty() { String::new() } else { format!("{name}.") };
        for given in map.keys() {
            if !known.iter().any(|k| k.camel == given || k.snake == given) {
                let given = clip(given);
                let reason = match nearest(&given, known) {
                    Some(near) => format!("unknown key `{given}`: did you mean `{near}`?"),
                    None => format!("unknown key `{given}`"),
                };
                return Err(Failure::invalid(format!("{prefix}{given}"), reason));
            }
        }
        for k in known {
            if k.camel != k.snake && map.get(k.camel).is_some() && map.get(k.snake).is_some() {
                let reason = format!("given twice, as `{}` and `{}`", k.camel, k.snake);
                return Err(Failure::invalid(format!("{prefix}{}", k.camel), reason));
            }
        }
        Ok(Object { map, prefix })
    }

    /// The dotted name of a key for error messages: `jumpWxa.query`.
    pub fn field(&self, key: Key) -> String {
        [self.prefix.as_str(), key.camel].concat()
    }

    /// The value under either spelling; `null` counts as absent, like `undefined`.
    fn value(&self, key: Key) -> Option<&'a Value> {
        self.map.get(key.camel).or_else(|| self.map.get(key.snake)).filter(|v| !v.is_null())
    }

    pub fn has(&self, key: Key) -> bool {
        self.value(key).is_some()
    }

    fn wrong_type(&self, key: Key, expected: &str, got: &Value) -> Failure {
        Failure::invalid(self.field(key), format!("must be {expected}, got {}", describe(got)))
    }

    pub fn string(&self, key: Key) -> Result<Option<&'a str>, Failure> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
        }
    }

    /// A string that must be given and not be empty.
    pub fn required_string(&self, key: Key) -> Result<&'a str, Failure> {
        match self.string(key)? {
            None => Err(Failure::invalid(self.field(key), "is required")),
            Some("") => Err(Failure::invalid(self.field(key), "must not be empty")),
            Some(s) => Ok(s),
        }
    }

    pub fn bool(&self, key: Key) -> Result<Option<bool>, Failure> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong_type(key, "a boolean", other)),
        }
    }

    /// A finite number, as JavaScript has them.
    pub fn number(&self, key: Key) -> Result<Option<f64>, Failure> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(|| self.wrong_type(key, "a number", &Value::Null)),
            Some(other) => Err(self.wrong_type(key, "a number", other)),
        }
    }

    pub fn integer(&self, key: Key) -> Result<Option<i64>, Failure> {
        match self.number(key)? {
            None => Ok(None),
            Some(n) => whole(n)
                .map(Some)
                .ok_or_else(|| Failure::invalid(self.field(key), format!("must be a whole number, got {}", number_text(n)))),
        }
    }

    /// Unix seconds as a number, or a `Date`.
    pub fn instant(&self, key: Key) -> Result<Option<Instant>, Failure> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64().map(Instant::Seconds)),
            Some(Value::Object(map)) if marker(map) == Some("Date") => match map.get("ms").and_then(Value::as_f64) {
                Some(ms) => Ok(Some(Instant::Date { ms })),
                None => Err(Failure::invalid(self.field(key), "is an invalid Date")),
            },
            Some(other) => Err(self.wrong_type(key, "Unix seconds or a Date", other)),
        }
    }

    pub fn object(&self, key: Key, known: &[Key]) -> Result<Option<Object<'a>>, Failure> {
        self.value(key).map(|v| Object::new(v, &self.field(key), known)).transpose()
    }

    /// The raw value, for fields that take more than one type (`query`).
    pub fn raw(&self, key: Key) -> Option<&'a Value> {
        self.value(key)
    }
}

/// `n` as an integer, if it is one that JavaScript represents exactly.
pub fn whole(n: f64) -> Option<i64> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    (n.fract() == 0.0 && n.abs() <= MAX_SAFE).then_some(n as i64)
}

/// Caller text quoted in a message, cut short: a 1 MB key makes no 1 MB error.
pub fn clip(text: &str) -> String {
    const MAX: usize = 64;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MAX).collect();
    cut.push('…');
    cut
}

/// A number for a message, to 15 significant digits (what a caller typed
/// reads back as typed), without linking float formatting into the module.
pub fn number_text(n: f64) -> String {
    if let Some(i) = whole(n) {
        return i.to_string();
    }
    if !n.is_finite() || n.abs() >= 1e15 {
        return "a non-finite number".to_owned();
    }
    // Not whole, so below 2^53: 15 digits in all, the rest after the point.
    let places = 15 - (n.abs() as u64).to_string().len().min(15) as u32;
    let unit = 10u64.pow(places);
    let scaled = (n.abs() * unit as f64).round() as u64;
    let fraction = format!("{:0>width$}", scaled % unit, width = places as usize);
    let sign = if n < 0.0 { "-" } else { "" };
    format!("{sign}{}.{}", scaled / unit, fraction.trim_end_matches('0')).trim_end_matches('.').to_owned()
}

/// The known key closest to a misspelt one, if any is close enough to be a typo.
fn nearest(given: &str, known: &[Key]) -> Option<&'static str> {
    let normal = |s: &str| s.replace('_', "").to_ascii_lowercase();
    let given = normal(given);
    known
        .iter()
        .map(|k| (distance(&given, &normal(k.camel)), k.camel))
        .filter(|(d, name)| *d <= 2.max(name.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

/// Levenshtein distance, by chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = i;
        let mut previous = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let cost = if ca == *cb { diagonal } else { diagonal + 1 };
            let best = cost.min(above + 1).min(previous + 1);
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
            previous = best;
        }
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PATH: Key = key("path");
    const EXPIRE_TIME: Key = keys("expireTime", "expire_time");
    const KNOWN: [Key; 2] = [PATH, EXPIRE_TIME];

    #[test]
    fn both_spellings_are_read() {
        let camel = json!({"expireTime": 5});
        let snake = json!({"expire_time": 5});
        for v in [&camel, &snake] {
            let obj = Object::new(v, "", &KNOWN).unwrap();
            assert_eq!(obj.integer(EXPIRE_TIME).unwrap(), Some(5));
        }
    }

    #[test]
    fn unknown_key_names_the_nearest() {
        let v = json!({"expiretime": 5});
        let err = Object::new(&v, "", &KNOWN).err().unwrap();
        assert_eq!(err, Failure::invalid("expiretime", "unknown key `expiretime`: did you mean `expireTime`?"));
        let v = json!({"color": 1});
        let err = Object::new(&v, "jumpWxa", &KNOWN).err().unwrap();
        assert_eq!(err, Failure::invalid("jumpWxa.color", "unknown key `color`"));
    }

    #[test]
    fn a_key_given_twice_is_rejected() {
        let v = json!({"expireTime": 5, "expire_time": 6});
        assert!(matches!(Object::new(&v, "", &KNOWN), Err(Failure::InvalidArgument { .. })));
    }

    #[test]
    fn wrong_types_are_described() {
        let v = json!({"path": {"$type": "function"}, "expireTime": {"$type": "BigInt"}});
        let obj = Object::new(&v, "", &KNOWN).unwrap();
        assert_eq!(obj.string(PATH).unwrap_err(), Failure::invalid("path", "must be a string, got a function"));
        assert_eq!(obj.instant(EXPIRE_TIME).unwrap_err(), Failure::invalid("expireTime", "must be Unix seconds or a Date, got a BigInt"));
        let v = json!({"expireTime": {"$type": "NaN"}});
        let obj = Object::new(&v, "", &KNOWN).unwrap();
        assert_eq!(obj.integer(EXPIRE_TIME).unwrap_err(), Failure::invalid("expireTime", "must be a number, got NaN"));
    }

    #[test]
    fn null_is_absent_and_fractions_are_not_integers() {
        let v = json!({"path": null, "expireTime": 1.5});
        let obj = Object::new(&v, "", &KNOWN).unwrap();
        assert_eq!(obj.string(PATH).unwrap(), None);
        assert!(obj.integer(EXPIRE_TIME).is_err());
    }

    #[test]
    fn dates_and_markers() {
        let v = json!({"expireTime": {"$type": "Date", "ms": 1500.0}});
        let obj = Object::new(&v, "", &KNOWN).unwrap();
        assert_eq!(obj.instant(EXPIRE_TIME).unwrap(), Some(Instant::Date { ms: 1500.0 }));
        let v = json!({"expireTime": {"$type": "Date", "ms": null}});
        let obj = Object::new(&v, "", &KNOWN).unwrap();
        assert!(obj.instant(EXPIRE_TIME).is_err());
        assert!(Object::new(&json!([1]), "", &KNOWN).is_err());
        assert!(Object::new(&json!({"$type": "Date", "ms": 1}), "", &KNOWN).is_err());
    }

    #[test]
    fn numbers_in_messages_read_as_typed() {
        for (n, text) in [(1.5, "1.5"), (0.1, "0.1"), (-2.25, "-2.25"), (1_700_000_000.5, "1700000000.5"), (1e-7, "0.0000001"), (3.0, "3")]
        {
            assert_eq!(number_text(n), text);
        }
        assert_eq!(number_text(f64::NAN), "a non-finite number");
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn parse_rejects_deep_nesting_without_panicking() {
        let deep = "[".repeat(100_000);
        assert!(parse("request", &deep).is_err());
    }
}
