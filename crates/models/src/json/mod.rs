//! A small, fast, hand-written JSON codec for the models.
//!
//! Models implement [`FromJson`] and [`ToJson`] with a few lines each; all real work happens in
//! the non-generic methods of [`JsonReader`] and [`JsonWriter`], which keeps the compile cost of
//! thousands of models low. A model's `from_json` is a plain loop, no closure:
//! [`begin_object`](JsonReader::begin_object), then [`next_key`](JsonReader::next_key) until it
//! returns `None` (arrays: [`begin_array`](JsonReader::begin_array) /
//! [`next_item`](JsonReader::next_item)). The reader tracks the JSON path itself.
//!
//! Decoding never panics: malformed input, invalid UTF-8 in strings, numbers out of range and
//! nesting deeper than [`MAX_DEPTH`] are all reported as a [`DecodeError`] that carries the byte
//! offset and the JSON path of the failing value (`entities[3].presence.state`). Object keys and
//! strings without escapes are borrowed from the input.
//!
//! ```
//! use purecloud_platform_client_v2_models::json;
//!
//! let v: Vec<Option<i64>> = json::from_str("[1, null, 3]").unwrap();
//! assert_eq!(v, vec![Some(1), None, Some(3)]);
//! assert_eq!(json::to_string(&v), "[1,null,3]");
//!
//! let err = json::from_str::<Vec<i64>>("[1, \"two\"]").unwrap_err();
//! assert_eq!(err.to_string(), "invalid type: expected integer, found string at `[1]` (byte 4)");
//! ```

mod datetime;
mod error;
mod impls;
mod reader;
mod unknown;
mod writer;

#[cfg(test)]
mod tests;

pub use error::DecodeError;
pub use reader::{JsonReader, MAX_DEPTH};
pub use unknown::UnknownFields;
pub use writer::{ArrayWriter, JsonWriter, ObjectWriter};

thread_local! {
    static UNKNOWN_SEEN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many unknown properties and unknown enum values this thread has decoded so far: what
/// the spec does not describe. The model tests assert that a sample made from the spec leaves
/// it unchanged (a property decoded under the wrong name would land in `unknown_fields`).
pub fn unknown_seen() -> u64 {
    UNKNOWN_SEEN.with(|c| c.get())
}

fn note_unknown() {
    UNKNOWN_SEEN.with(|c| c.set(c.get().wrapping_add(1)));
}

/// An enum value this version of the spec does not list (generated enums call it to build
/// their `Unknown` variant).
#[doc(hidden)]
#[cold]
pub fn unknown_enum_value(v: &str) -> String {
    note_unknown();
    v.to_owned()
}

use serde_json::Value;
use time::{Date, OffsetDateTime};

/// A type that can be read from JSON.
pub trait FromJson: Sized {
    /// Reads one value of this type from `r` (which must consume exactly that value).
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError>;

    /// For a response body that is not JSON (e.g. `text/plain`): `String` overrides it to take
    /// the text. `None` means the type cannot be made from text.
    fn from_text(_text: &str) -> Option<Self> {
        None
    }

    /// For an empty response body (e.g. 204): `()` and `Option<T>` override it. `None` means
    /// an empty body is an error for this type.
    fn from_empty() -> Option<Self> {
        None
    }

    /// Decodes one value and appends it to `v`. Models override it (through [`push_object`]) to
    /// decode straight into the vector's new slot instead of building the value elsewhere and
    /// moving it in: a model can be kilobytes, and arrays of them are what big responses are
    /// made of.
    #[doc(hidden)]
    #[inline]
    fn push_from_json(r: &mut JsonReader<'_>, v: &mut Vec<Self>) -> Result<(), DecodeError> {
        match Self::from_json(r) {
            Ok(x) => {
                v.push(x);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Decodes one value into a new box. Models override it (through [`box_object`]) to decode
    /// in place on the heap: nested models are `Option<Box<Model>>` properties.
    #[doc(hidden)]
    #[inline]
    fn box_from_json(r: &mut JsonReader<'_>) -> Result<Box<Self>, DecodeError> {
        match Self::from_json(r) {
            Ok(x) => Ok(Box::new(x)),
            Err(e) => Err(e),
        }
    }
}

/// A model: a JSON object decoded property by property into a default value.
///
/// Generated models implement [`read_fields`](JsonObject::read_fields) (one `match` over the
/// keys) and route the [`FromJson`] methods through [`decode_object`], [`push_object`] and
/// [`box_object`], so that a model is always decoded where it will live.
pub trait JsonObject: Default {
    /// Reads one JSON object into `self`, which holds `Self::default()`: each known key sets
    /// its property, unknown keys go to the model's unknown-fields map.
    fn read_fields(&mut self, r: &mut JsonReader<'_>) -> Result<(), DecodeError>;
}

/// [`FromJson::from_json`] of a model.
#[inline]
pub fn decode_object<T: JsonObject>(r: &mut JsonReader<'_>) -> Result<T, DecodeError> {
    let mut v = T::default();
    match v.read_fields(r) {
        Ok(()) => Ok(v),
        Err(e) => Err(e),
    }
}

/// [`FromJson::push_from_json`] of a model: a default value is pushed and decoded in place.
#[inline]
pub fn push_object<T: JsonObject>(
    r: &mut JsonReader<'_>,
    v: &mut Vec<T>,
) -> Result<(), DecodeError> {
    v.push(T::default());
    match v.last_mut() {
        Some(x) => x.read_fields(r),
        None => Ok(()),
    }
}

/// [`FromJson::box_from_json`] of a model: a default value is boxed and decoded in place.
#[inline]
pub fn box_object<T: JsonObject>(r: &mut JsonReader<'_>) -> Result<Box<T>, DecodeError> {
    let mut b = Box::<T>::default();
    match b.read_fields(r) {
        Ok(()) => Ok(b),
        Err(e) => Err(e),
    }
}

/// A type that can be written as JSON.
pub trait ToJson {
    /// Writes this value to `w`.
    fn to_json(&self, w: &mut JsonWriter);

    /// True for `None`: object writers skip absent fields.
    fn is_absent(&self) -> bool {
        false
    }
}

/// Decodes one value of type `T` from `bytes`; only whitespace may follow it.
///
/// An error made by `T::from_json` without a path (like [`DecodeError::custom`]) gets the path
/// and offset of the value being read (see [`JsonReader::locate`]).
pub fn from_slice<T: FromJson>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut r = JsonReader::new(bytes);
    match T::from_json(&mut r) {
        Ok(v) => {
            r.finish()?;
            Ok(v)
        }
        Err(e) => Err(r.locate(e)),
    }
}

/// Decodes one value of type `T` from `s`; only whitespace may follow it.
#[inline]
pub fn from_str<T: FromJson>(s: &str) -> Result<T, DecodeError> {
    from_slice(s.as_bytes())
}

/// Encodes `v` as compact JSON bytes.
pub fn to_vec<T: ToJson + ?Sized>(v: &T) -> Vec<u8> {
    let mut w = JsonWriter::with_capacity(128);
    v.to_json(&mut w);
    w.into_bytes()
}

/// Encodes `v` as a compact JSON string.
pub fn to_string<T: ToJson + ?Sized>(v: &T) -> String {
    let mut w = JsonWriter::with_capacity(128);
    v.to_json(&mut w);
    w.into_string()
}

/// Converts `v` to a `serde_json::Value` (by encoding it and reading the bytes back).
///
/// Returns `Value::Null` in the one case that cannot be read back: nesting deeper than
/// [`MAX_DEPTH`].
pub fn to_value<T: ToJson + ?Sized>(v: &T) -> Value {
    bytes_to_value(&to_vec(v))
}

fn bytes_to_value(bytes: &[u8]) -> Value {
    JsonReader::new(bytes).read_value().unwrap_or(Value::Null)
}

/// Decodes a `T` from a `serde_json::Value` (by encoding the value and decoding the bytes).
pub fn from_value<T: FromJson>(v: &Value) -> Result<T, DecodeError> {
    let mut w = JsonWriter::with_capacity(128);
    w.value(v);
    from_slice(w.as_bytes())
}

/// Parses an RFC 3339 date-time as the models do:
/// `YYYY-MM-DDTHH:MM:SS[.fraction up to 9 digits][Z|+HH:MM|-HH:MM|+HHMM|-HHMM]`, `t`/`z` accepted
/// in lowercase, no offset meaning UTC. The error names the bad text.
pub fn parse_datetime(s: &str) -> Result<OffsetDateTime, DecodeError> {
    datetime::parse_datetime_text(s).map_err(|m| {
        DecodeError::custom(format!("invalid date-time `{}`: {m}", datetime::shorten(s)))
    })
}

/// Formats a date-time as the models write it: `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC when the offset
/// is zero and the time has whole milliseconds, 6 or 9 fraction digits when needed, and
/// `+HH:MM` / `-HH:MM` when the offset is not zero. (Useful for query parameters.)
pub fn format_datetime(v: &OffsetDateTime) -> String {
    let mut buf = Vec::with_capacity(32);
    datetime::write_datetime(&mut buf, *v);
    String::from_utf8(buf).unwrap_or_default()
}

/// Parses a `YYYY-MM-DD` date. The error names the bad text.
pub fn parse_date(s: &str) -> Result<Date, DecodeError> {
    datetime::parse_date_text(s)
        .map_err(|m| DecodeError::custom(format!("invalid date `{}`: {m}", datetime::shorten(s))))
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(v: &Date) -> String {
    let mut buf = Vec::with_capacity(16);
    datetime::write_date(&mut buf, *v);
    String::from_utf8(buf).unwrap_or_default()
}
