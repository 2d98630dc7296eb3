//! [`JsonWriter`]: writes compact JSON text into a byte buffer.

use std::io::Write as _;

use serde_json::Value;

use super::ToJson;

/// Writes compact JSON into a `Vec<u8>`.
///
/// Output is always valid UTF-8 JSON when values are written in a valid order (a value at the
/// top level, [`ObjectWriter::field`]s inside objects, [`ArrayWriter::item`]s inside arrays).
#[derive(Clone, Default)]
pub struct JsonWriter {
    buf: Vec<u8>,
}

impl std::fmt::Debug for JsonWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("JsonWriter")
            .field(&String::from_utf8_lossy(&self.buf))
            .finish()
    }
}

/// Writes the members of a JSON object; created by [`JsonWriter::begin_object`].
///
/// The closing `}` is written by [`end`](Self::end) (or when the writer is dropped).
#[derive(Debug)]
pub struct ObjectWriter<'w> {
    w: &'w mut JsonWriter,
    first: bool,
}

/// Writes the elements of a JSON array; created by [`JsonWriter::begin_array`].
///
/// The closing `]` is written by [`end`](Self::end) (or when the writer is dropped).
#[derive(Debug)]
pub struct ArrayWriter<'w> {
    w: &'w mut JsonWriter,
    first: bool,
}

/// For each byte: 0 if it may appear as is inside a JSON string, else the character after the
/// backslash of its escape (`u` meaning `\u00XX`).
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

const HEX: &[u8; 16] = b"0123456789abcdef";

impl JsonWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self { buf: Vec::new() }
    }

    /// An empty writer with room for `n` bytes.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            buf: Vec::with_capacity(n),
        }
    }

    /// The JSON text written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The JSON text as bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// The JSON text as a `String`.
    pub fn into_string(self) -> String {
        // Only `&str` contents and ASCII are ever written, so this is always valid UTF-8.
        String::from_utf8(self.buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Writes `null`.
    pub fn null(&mut self) {
        self.buf.extend_from_slice(b"null");
    }

    /// Writes `true` or `false`.
    pub fn bool(&mut self, v: bool) {
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
    }

    /// Writes an integer.
    pub fn i64(&mut self, v: i64) {
        if v < 0 {
            self.buf.push(b'-');
        }
        self.u64(v.unsigned_abs());
    }

    /// Writes a non-negative integer.
    pub fn u64(&mut self, mut v: u64) {
        let mut tmp = [0u8; 20];
        let mut i = tmp.len();
        loop {
            i -= 1;
            tmp[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&tmp[i..]);
    }

    /// Writes a float in the shortest form that reads back to the same value, keeping a `.0`
    /// on integral values (`3.0`, `-0.0`, `1e300`, `1e-7`). NaN and infinities are written as
    /// `null` (JSON cannot represent them).
    pub fn f64(&mut self, v: f64) {
        if v.is_finite() {
            // `{:?}` is the shortest round-trip representation, with an exponent for very large
            // or small magnitudes; it is always valid JSON for finite values.
            let _ = write!(self.buf, "{v:?}");
        } else {
            self.null();
        }
    }

    /// Writes a string, escaping `"`, `\` and control characters (`\n \t \r \b \f`, `\u00XX`).
    pub fn str(&mut self, v: &str) {
        let bytes = v.as_bytes();
        self.buf.reserve(bytes.len() + 2);
        self.buf.push(b'"');
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let esc = ESCAPE[b as usize];
            if esc == 0 {
                continue;
            }
            self.buf.extend_from_slice(&bytes[start..i]);
            if esc == b'u' {
                self.buf.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(b >> 4) as usize],
                    HEX[(b & 0xf) as usize],
                ]);
            } else {
                self.buf.extend_from_slice(&[b'\\', esc]);
            }
            start = i + 1;
        }
        self.buf.extend_from_slice(&bytes[start..]);
        self.buf.push(b'"');
    }

    /// Writes a `serde_json::Value` (object keys in the map's order).
    pub fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    self.u64(u);
                } else if let Some(i) = n.as_i64() {
                    self.i64(i);
                } else if let Some(f) = n.as_f64() {
                    self.f64(f);
                } else {
                    self.null();
                }
            }
            Value::String(s) => self.str(s),
            Value::Array(items) => {
                let mut a = self.begin_array();
                for item in items {
                    a.sep();
                    a.w.value(item);
                }
                a.end();
            }
            Value::Object(map) => {
                let mut o = self.begin_object();
                for (k, v) in map {
                    o.key_escaped(k);
                    o.w.value(v);
                }
                o.end();
            }
        }
    }

    /// Writes raw bytes, which must be valid JSON text in this position (not checked).
    pub fn raw(&mut self, json: &str) {
        self.buf.extend_from_slice(json.as_bytes());
    }

    /// The buffer, for writers of special values (date-times) in this crate.
    pub(crate) fn buf_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Starts an object: writes `{`; members are written through the returned [`ObjectWriter`].
    pub fn begin_object(&mut self) -> ObjectWriter<'_> {
        self.buf.push(b'{');
        ObjectWriter {
            w: self,
            first: true,
        }
    }

    /// Starts an array: writes `[`; elements are written through the returned [`ArrayWriter`].
    pub fn begin_array(&mut self) -> ArrayWriter<'_> {
        self.buf.push(b'[');
        ArrayWriter {
            w: self,
            first: true,
        }
    }
}

impl ObjectWriter<'_> {
    /// Writes `,` if needed, then `"key":` verbatim.
    fn key(&mut self, key: &str) {
        let buf = &mut self.w.buf;
        if self.first {
            self.first = false;
        } else {
            buf.push(b',');
        }
        buf.reserve(key.len() + 3);
        buf.push(b'"');
        buf.extend_from_slice(key.as_bytes());
        buf.extend_from_slice(b"\":");
    }

    /// Writes `,` if needed, then `"key":` with the key escaped.
    fn key_escaped(&mut self, key: &str) {
        if self.first {
            self.first = false;
        } else {
            self.w.buf.push(b',');
        }
        self.w.str(key);
        self.w.buf.push(b':');
    }

    /// Writes `"key":value` unless `v.is_absent()`. `key` is written verbatim: it must be plain
    /// text without quotes, backslashes or control characters (generated keys are).
    #[inline]
    pub fn field<T: ToJson + ?Sized>(&mut self, key: &str, v: &T) {
        if !v.is_absent() {
            self.key(key);
            v.to_json(self.w);
        }
    }

    /// Like [`field`](Self::field) but the key is escaped (for map keys / unknown fields).
    #[inline]
    pub fn field_escaped<T: ToJson + ?Sized>(&mut self, key: &str, v: &T) {
        if !v.is_absent() {
            self.key_escaped(key);
            v.to_json(self.w);
        }
    }

    /// Writes `"key":value` with the key escaped, even when `v.is_absent()` (an absent value is
    /// written as it writes itself, `null` for `None`). Used for map entries.
    #[inline]
    pub fn entry<T: ToJson + ?Sized>(&mut self, key: &str, v: &T) {
        self.key_escaped(key);
        v.to_json(self.w);
    }

    /// Writes each entry of `extra` (unknown fields kept from decoding).
    pub fn extra(&mut self, extra: &super::UnknownFields) {
        for (k, v) in extra {
            self.key_escaped(k);
            self.w.value(v);
        }
    }

    /// Ends the object: writes `}`.
    #[inline]
    pub fn end(self) {
        // `Drop` writes the `}`.
    }
}

impl Drop for ObjectWriter<'_> {
    fn drop(&mut self) {
        self.w.buf.push(b'}');
    }
}

impl ArrayWriter<'_> {
    fn sep(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.w.buf.push(b',');
        }
    }

    /// Writes one element (an absent value, `None`, is written as `null`).
    #[inline]
    pub fn item<T: ToJson + ?Sized>(&mut self, v: &T) {
        self.sep();
        v.to_json(self.w);
    }

    /// Ends the array: writes `]`.
    #[inline]
    pub fn end(self) {
        // `Drop` writes the `]`.
    }
}

impl Drop for ArrayWriter<'_> {
    fn drop(&mut self) {
        self.w.buf.push(b']');
    }
}
