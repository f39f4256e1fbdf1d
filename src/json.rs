//! JSON as this crate needs it: parse a request, an option set or a platform's
//! answer into a [`Value`], and write bodies, results and errors back as text.
//!
//! Objects keep their keys in the order given and are searched by a scan: they
//! hold a handful of keys, and the order decides how a `query` object is encoded.
//! Numbers keep their text, so a platform's number reaches the caller as it was
//! sent, and no float formatting is linked into the module. This replaces
//! serde_json, which with ordered maps cost about a third of the module's code
//! and most of a call's time in the core (README, "Benchmarks").

/// A JSON value. Objects keep their keys in order; numbers keep their text.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// A number, as its JSON text.
#[derive(Clone, Debug, PartialEq)]
pub struct Number(String);

/// An object's members in order. A key given twice is kept twice and [`Map::get`]
/// finds its last value, as `JSON.parse` keeps the last.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map(Vec<(String, Value)>);

/// Why a text is not JSON: where reading stopped, and whether the text ended early.
#[derive(Debug, PartialEq)]
pub struct SyntaxError {
    pub at: usize,
    pub cut_short: bool,
}

/// How deeply arrays and objects may nest: deeper text would exhaust the
/// WebAssembly stack, a trap.
const MAX_DEPTH: usize = 128;

impl Number {
    /// The value as JavaScript reads it. Correctly rounded when the digits fit
    /// in 2^53 and the exponent is within ±22 (one exact division or product):
    /// the seconds, days and codes requests and answers carry. `None` past the
    /// range of `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        let text = self.0.as_str();
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (digits, exponent) = match text.find(['e', 'E']) {
            Some(at) => (text.get(..at)?, text.get(at + 1..)?.trim_start_matches('+').parse::<i32>().ok()?),
            None => (text, 0),
        };
        let mut mantissa: u64 = 0;
        let mut scale = exponent;
        let mut fraction = false;
        for byte in digits.bytes() {
            match byte {
                b'.' => fraction = true,
                _ if mantissa < 1_000_000_000_000_000_000 => {
                    mantissa = mantissa * 10 + u64::from(byte - b'0');
                    scale = scale.saturating_sub(i32::from(fraction));
                }
                // Digits past 19 only matter beyond f64's precision.
                _ => scale = scale.saturating_add(i32::from(!fraction)),
            }
        }
        let magnitude = mantissa as f64;
        let value = if scale >= 0 { magnitude * 10f64.powi(scale) } else { magnitude / 10f64.powi(-scale) };
        let value = if negative { -value } else { value };
        value.is_finite().then_some(value)
    }

    /// The value if the text is an integer within `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    pub fn text(&self) -> &str {
        &self.0
    }
}

impl Map {
    pub fn new() -> Self {
        Map(Vec::new())
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().rev().find_map(|(k, v)| (k == key).then_some(v))
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`, in place if it is there, else at the end.
    pub fn insert(&mut self, key: String, value: Value) {
        match self.0.iter_mut().rev().find(|(k, _)| *k == key) {
            Some((_, slot)) => *slot = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(members: I) -> Self {
        Map(members.into_iter().collect())
    }
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// `self[key]` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|map| map.get(key))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// The JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    pub fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(&n.0),
            Value::String(s) => write_string(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (key, value)) in map.0.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, key);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

/// `text` as a JSON string: quoted, with `"`, `\` and control characters escaped.
pub fn write_string(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    // Runs that need no escape are copied whole; every byte that ends one is
    // ASCII, so the runs start and end on char boundaries. An indexed loop: at
    // opt-level "z" an iterator adapter costs a call per byte.
    let (bytes, mut run, mut at) = (text.as_bytes(), 0, 0);
    while let Some(&byte) = bytes.get(at) {
        at += 1;
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(text.get(run..at - 1).unwrap_or(""));
        if escape.is_empty() {
            let hex = |nibble: u8| char::from_digit(u32::from(nibble), 16).unwrap_or('0');
            out.extend(['\\', 'u', '0', '0', hex(byte >> 4), hex(byte & 0xf)]);
        } else {
            out.push_str(escape);
        }
        run = at;
    }
    out.push_str(text.get(run..).unwrap_or(""));
    out.push('"');
}

/// An object's text written member by member; `None` members are left out.
pub struct ObjectWriter {
    out: String,
}

impl Default for ObjectWriter {
    fn default() -> Self {
        // Room for a typical body or error without growing.
        let mut out = String::with_capacity(256);
        out.push('{');
        ObjectWriter { out }
    }
}

impl ObjectWriter {
    fn key(&mut self, key: &str) -> &mut String {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        write_string(&mut self.out, key);
        self.out.push(':');
        &mut self.out
    }

    pub fn string(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            write_string(self.key(key), value);
        }
        self
    }

    pub fn integer(&mut self, key: &str, value: Option<i64>) -> &mut Self {
        if let Some(value) = value {
            let text = value.to_string();
            self.key(key).push_str(&text);
        }
        self
    }

    pub fn bool(&mut self, key: &str, value: Option<bool>) -> &mut Self {
        if let Some(value) = value {
            self.key(key).push_str(if value { "true" } else { "false" });
        }
        self
    }

    /// A member that is already JSON text (a nested object).
    pub fn json(&mut self, key: &str, text: Option<&str>) -> &mut Self {
        if let Some(text) = text {
            self.key(key).push_str(text);
        }
        self
    }

    pub fn finish(&mut self) -> String {
        let mut text = std::mem::take(&mut self.out);
        text.push('}');
        text
    }
}

/// Reads `text`, which must be one JSON value with nothing after it but whitespace.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut parser = Parser { text, at: 0, depth: 0 };
    let value = parser.value()?;
    parser.skip_space();
    match parser.peek() {
        None => Ok(value),
        Some(_) => Err(parser.error()),
    }
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    // Called for nearly every byte; "z" would keep it a call.
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn error(&self) -> SyntaxError {
        SyntaxError { at: self.at, cut_short: self.at >= self.text.len() }
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Steps over `byte`, which must come next.
    fn eat(&mut self, byte: u8) -> Result<(), SyntaxError> {
        if self.peek() != Some(byte) {
            return Err(self.error());
        }
        self.at += 1;
        Ok(())
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        self.skip_space();
        match self.peek() {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error()),
        }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Result<Value, SyntaxError>) -> Result<Value, SyntaxError> {
        if self.depth == MAX_DEPTH {
            return Err(self.error());
        }
        self.depth += 1;
        self.at += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        let rest = self.text.get(self.at..).unwrap_or("");
        if rest.starts_with(word) {
            self.at += word.len();
            return Ok(value);
        }
        // Where the text stops agreeing with `word`, or its end.
        self.at += rest.bytes().zip(word.bytes()).take_while(|(a, b)| a == b).count();
        Err(self.error())
    }

    /// The members after `[`.
    fn array(&mut self) -> Result<Value, SyntaxError> {
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error()),
            }
        }
    }

    /// The members after `{`.
    fn object(&mut self) -> Result<Value, SyntaxError> {
        let mut members = Vec::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(Map(members)));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.error());
            }
            let key = self.string()?;
            self.skip_space();
            self.eat(b':')?;
            members.push((key, self.value()?));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(Map(members)));
                }
                _ => return Err(self.error()),
            }
        }
    }

    /// A string, from its opening quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            // A run without escapes is copied whole; it ends at an ASCII byte.
            let run = self.text.as_bytes().get(self.at..).unwrap_or(&[]);
            let length = run.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(run.len());
            let start = self.at;
            self.at += length;
            let run = self.text.get(start..self.at).unwrap_or("");
            match self.peek() {
                Some(b'"') if out.is_empty() => {
                    self.at += 1;
                    return Ok(run.to_owned());
                }
                Some(b'"') => {
                    out.push_str(run);
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(run);
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                _ => return Err(self.error()),
            }
        }
    }

    /// The character of an escape, after its `\`.
    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let byte = self.peek().ok_or_else(|| self.error())?;
        self.at += 1;
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => {
                self.at -= 1;
                return Err(self.error());
            }
        };
        out.push(c);
        Ok(())
    }

    /// `\uXXXX`, or a surrogate pair of two; a lone surrogate is no character.
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let high = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&high) {
            if self.text.get(self.at..self.at + 2) != Some("\\u") {
                return Err(self.error());
            }
            self.at += 2;
            let low = self.hex4()?;
            if !(0xdc00..0xe000).contains(&low) {
                return Err(self.error());
            }
            0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.error())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|b| char::from(b).to_digit(16)).ok_or_else(|| self.error())?;
            code = code * 16 + digit;
            self.at += 1;
        }
        Ok(code)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error()),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.some_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.some_digits()?;
        }
        let text = self.text.get(start..self.at).ok_or_else(|| self.error())?;
        Ok(Value::Number(Number(text.to_owned())))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }

    /// At least one digit.
    fn some_digits(&mut self) -> Result<(), SyntaxError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error());
        }
        self.digits();
        Ok(())
    }
}

/// `json!` for tests: serde_json's macro, read back as this module's `Value`.
#[cfg(test)]
macro_rules! json {
    ($($json:tt)+) => {
        $crate::json::parse(&serde_json::json!($($json)+).to_string()).unwrap()
    };
}
#[cfg(test)]
pub(crate) use json;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn number(text: &str) -> Number {
        Number(text.to_owned())
    }

    #[test]
    fn numbers_read_as_javascript_reads_them() {
        for (text, value) in [
            ("0", 0.0),
            ("-0", -0.0),
            ("1700000000", 1_700_000_000.0),
            ("9007199254740991", 9_007_199_254_740_991.0),
            ("1.5", 1.5),
            ("0.1", 0.1),
            ("-2.25e3", -2250.0),
            ("1E+2", 100.0),
            ("1e-7", 1e-7),
            ("1700000000.5", 1_700_000_000.5),
            ("12345678901234567890123", 1.2345678901234568e22),
        ] {
            assert_eq!(number(text).as_f64(), Some(value), "{text}");
        }
        assert_eq!(number("1e400").as_f64(), None);
        assert_eq!(number("1e-400").as_f64(), Some(0.0));
        assert_eq!(number("42").as_i64(), Some(42));
        assert_eq!(number("-7").as_i64(), Some(-7));
        assert_eq!(number("1.0").as_i64(), None);
        assert_eq!(number("1e3").as_i64(), None);
    }

    #[test]
    fn syntax_errors_say_whether_the_text_ended_early() {
        for text in ["", "{", r#"{"a":1"#, r#"{"a"#, "[1,", "tru", r#""abc"#, "-", "1.", r#""\u12"#] {
            assert!(parse(text).unwrap_err().cut_short, "{text:?}");
        }
        for text in ["x", "{a:1}", "[1,]", "01", "1.e3", "truth", r#""\x""#, "\"a\u{1}\"", r#""\ud800""#, r#""\udc00x""#, "1 2", "{}}"] {
            assert!(!parse(text).unwrap_err().cut_short, "{text:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).is_err());
        let deepest = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&deepest).is_ok());
    }

    #[test]
    fn strings_unescape_and_escape() {
        let text = r#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00""#;
        assert_eq!(parse(text), Ok(Value::String("a\"b\\c/d\u{8}\u{c}\n\r\té😀".into())));
        assert_eq!(Value::String("a\"b\\\u{1}\n é😀".into()).to_json(), r#""a\"b\\\u0001\n é😀""#);
    }

    #[test]
    fn a_repeated_key_reads_as_its_last_value() {
        let value = parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(value.get("a").and_then(Value::as_i64), Some(3));
        let mut map = value.as_object().cloned().unwrap();
        map.insert("a".into(), Value::Null);
        assert_eq!(Value::Object(map).to_json(), r#"{"a":1,"b":2,"a":null}"#);
    }

    #[test]
    fn object_writer_leaves_out_absent_members() {
        let text = ObjectWriter::default()
            .string("s", Some("x"))
            .string("gone", None)
            .integer("n", Some(-3))
            .bool("b", Some(false))
            .json("o", Some("{}"))
            .finish();
        assert_eq!(text, r#"{"s":"x","n":-3,"b":false,"o":{}}"#);
        assert_eq!(ObjectWriter::default().integer("n", None).finish(), "{}");
    }

    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::from),
                prop::collection::vec((any::<String>(), inner), 0..8)
                    .prop_map(|members| serde_json::Value::Object(members.into_iter().collect())),
            ]
        })
    }

    proptest! {
        // serde_json is the reference: what it writes reads back here and
        // writes out again as the same JSON.
        #[test]
        fn reads_and_writes_what_serde_json_does(value in any_json()) {
            let text = value.to_string();
            let ours = parse(&text).unwrap();
            let back: serde_json::Value = serde_json::from_str(&ours.to_json()).unwrap();
            prop_assert_eq!(back, value);
        }

        #[test]
        fn pretty_text_reads_the_same(value in any_json()) {
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            prop_assert_eq!(parse(&pretty).unwrap(), parse(&value.to_string()).unwrap());
        }

        #[test]
        fn integers_and_short_decimals_read_exactly(n in -9_007_199_254_740_991i64..=9_007_199_254_740_991, places in 0u32..6) {
            let (sign, abs, unit) = (if n < 0 { "-" } else { "" }, n.unsigned_abs(), 10u64.pow(places));
            let text = if places == 0 { n.to_string() } else { format!("{sign}{}.{:0>width$}", abs / unit, abs % unit, width = places as usize) };
            let expected: f64 = text.parse().unwrap();
            prop_assert_eq!(number(&text).as_f64(), Some(expected));
        }

        #[test]
        fn text_that_is_not_json_is_refused(text in ".{0,40}") {
            prop_assert_eq!(parse(&text).is_ok(), serde_json::from_str::<serde_json::Value>(&text).is_ok());
        }
    }
}
