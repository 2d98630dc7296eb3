//! [`FromJson`] / [`ToJson`] for the standard types that models are made of.

use std::collections::BTreeMap;

use serde_json::Value;
use time::{Date, OffsetDateTime};

use super::datetime;
use super::{DecodeError, FromJson, JsonReader, JsonWriter, ToJson};

// ----- scalars -----

impl FromJson for bool {
    #[inline]
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        r.read_bool()
    }
}
impl ToJson for bool {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        w.bool(*self);
    }
}

impl FromJson for i64 {
    #[inline]
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        r.read_i64()
    }
}
impl ToJson for i64 {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        w.i64(*self);
    }
}

impl FromJson for i32 {
    #[inline]
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        read_i32(r)
    }
}
impl ToJson for i32 {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        w.i64(i64::from(*self));
    }
}

fn read_i32(r: &mut JsonReader<'_>) -> Result<i32, DecodeError> {
    r.peek();
    let start = r.position();
    let v = r.read_i64()?;
    i32::try_from(v)
        .map_err(|_| DecodeError::new(format!("number out of range for i32: {v}"), start))
}

impl FromJson for f64 {
    #[inline]
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        r.read_f64()
    }
}
impl ToJson for f64 {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        w.f64(*self);
    }
}

impl FromJson for String {
    #[inline]
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        r.read_str().map(|s| s.into_owned())
    }
    /// A text (non-JSON) body is taken as the string itself.
    fn from_text(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}
impl ToJson for String {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        w.str(self);
    }
}
impl ToJson for str {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        w.str(self);
    }
}

impl FromJson for Value {
    #[inline]
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        r.read_value()
    }
    /// A text (non-JSON) body is taken as a JSON string.
    fn from_text(text: &str) -> Option<Self> {
        Some(Value::String(text.to_owned()))
    }
    /// An empty body is `null`.
    fn from_empty() -> Option<Self> {
        Some(Value::Null)
    }
}
impl ToJson for Value {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        w.value(self);
    }
}

/// `()` accepts (and skips) any value, an empty body and a text body; it writes `null`.
impl FromJson for () {
    #[inline]
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        r.skip_value()
    }
    fn from_text(_text: &str) -> Option<Self> {
        Some(())
    }
    fn from_empty() -> Option<Self> {
        Some(())
    }
}
impl ToJson for () {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        w.null();
    }
}

// ----- wrappers and collections -----
//
// These are instantiated once per model type (thousands of times), so they are written to be
// cheap to compile: plain loops (no closures) and explicit `match` instead of `?` /
// `Result::map` (each of which is an extra generic call per instantiation in a debug build).

/// `null` is `None`; `None` is absent (skipped by [`ObjectWriter::field`](super::ObjectWriter::field)).
impl<T: FromJson> FromJson for Option<T> {
    #[inline]
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        match r.read_null() {
            Ok(false) => match T::from_json(r) {
                Ok(v) => Ok(Some(v)),
                Err(e) => Err(e),
            },
            Ok(true) => Ok(None),
            Err(e) => Err(e),
        }
    }
    #[inline]
    fn from_text(text: &str) -> Option<Self> {
        T::from_text(text).map(Some)
    }
    /// An empty body is `None`.
    #[inline]
    fn from_empty() -> Option<Self> {
        Some(None)
    }
}
impl<T: ToJson> ToJson for Option<T> {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        match self {
            Some(v) => v.to_json(w),
            None => w.null(),
        }
    }
    #[inline]
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T: FromJson> FromJson for Box<T> {
    #[inline]
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        T::box_from_json(r)
    }
    #[inline]
    fn from_text(text: &str) -> Option<Self> {
        T::from_text(text).map(Box::new)
    }
    #[inline]
    fn from_empty() -> Option<Self> {
        T::from_empty().map(Box::new)
    }
}
impl<T: ToJson + ?Sized> ToJson for Box<T> {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        (**self).to_json(w);
    }
    #[inline]
    fn is_absent(&self) -> bool {
        (**self).is_absent()
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        (**self).to_json(w);
    }
    #[inline]
    fn is_absent(&self) -> bool {
        (**self).is_absent()
    }
}

/// Decoded arrays keep next to no spare capacity: most arrays in API responses are short (one
/// segment, one session, one address), and the doubling growth of `push` (at least 4 slots for
/// elements up to 1 KiB) would leave much of a model's memory unused (about 30 MB for the 20 MB
/// analytics body of the peer benchmark). Elements of 16 bytes or more get exactly
/// one slot for the first element, and an array with 64 bytes or more unused is shrunk at the
/// end. Measured: peak RSS of that body 133 -> 101 MB, its decode ~15% faster, `UserMe` 7%
/// faster, the permission listing (arrays of 3-4 176-byte elements) ~5% slower.
impl<T: FromJson> FromJson for Vec<T> {
    #[allow(clippy::question_mark)] // no `?`: see "wrappers and collections" above
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        let first_exact = std::mem::size_of::<T>() >= 16;
        if let Err(e) = r.begin_array() {
            return Err(e);
        }
        let mut v = Vec::new();
        loop {
            match r.next_item() {
                Ok(true) => {
                    if first_exact && v.capacity() == 0 {
                        v.reserve_exact(1);
                    }
                    if let Err(e) = T::push_from_json(r, &mut v) {
                        return Err(e);
                    }
                }
                Ok(false) => break,
                Err(e) => return Err(e),
            }
        }
        if (v.capacity() - v.len()) * std::mem::size_of::<T>() >= 64 {
            v.shrink_to_fit();
        }
        Ok(v)
    }
}
impl<T: ToJson> ToJson for Vec<T> {
    #[inline]
    fn to_json(&self, w: &mut JsonWriter) {
        self.as_slice().to_json(w);
    }
}
impl<T: ToJson> ToJson for [T] {
    fn to_json(&self, w: &mut JsonWriter) {
        let mut a = w.begin_array();
        for item in self {
            a.item(item);
        }
        a.end();
    }
}

/// A JSON object with values of one type; a repeated key keeps the last value.
impl<T: FromJson> FromJson for BTreeMap<String, T> {
    #[allow(clippy::question_mark)] // no `?`: see "wrappers and collections" above
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        if let Err(e) = r.begin_object() {
            return Err(e);
        }
        let mut m = BTreeMap::new();
        loop {
            match r.next_key() {
                Ok(Some(k)) => match T::from_json(r) {
                    Ok(v) => {
                        m.insert(k.into_owned(), v);
                    }
                    Err(e) => return Err(e),
                },
                Ok(None) => return Ok(m),
                Err(e) => return Err(e),
            }
        }
    }
}
/// Every entry is written, `None` values as `null`.
impl<T: ToJson> ToJson for BTreeMap<String, T> {
    fn to_json(&self, w: &mut JsonWriter) {
        let mut o = w.begin_object();
        for (k, v) in self {
            o.entry(k, v);
        }
        o.end();
    }
}

// ----- date and time -----

/// An RFC 3339 date-time string (see [`parse_datetime`](super::parse_datetime)).
impl FromJson for OffsetDateTime {
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        r.peek();
        let start = r.position();
        let s = r.read_str()?;
        datetime::parse_datetime_text(&s).map_err(|m| {
            DecodeError::new(
                format!("invalid date-time `{}`: {m}", datetime::shorten(&s)),
                start,
            )
        })
    }
}
/// Written as `YYYY-MM-DDTHH:MM:SS.mmmZ` (see [`format_datetime`](super::format_datetime)).
impl ToJson for OffsetDateTime {
    fn to_json(&self, w: &mut JsonWriter) {
        let buf = w.buf_mut();
        buf.push(b'"');
        datetime::write_datetime(buf, *self);
        buf.push(b'"');
    }
}

/// A `YYYY-MM-DD` string.
impl FromJson for Date {
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        r.peek();
        let start = r.position();
        let s = r.read_str()?;
        datetime::parse_date_text(&s).map_err(|m| {
            DecodeError::new(
                format!("invalid date `{}`: {m}", datetime::shorten(&s)),
                start,
            )
        })
    }
}
/// Written as `YYYY-MM-DD`.
impl ToJson for Date {
    fn to_json(&self, w: &mut JsonWriter) {
        let buf = w.buf_mut();
        buf.push(b'"');
        datetime::write_date(buf, *self);
        buf.push(b'"');
    }
}
