//! [`DecodeError`]: what went wrong, where in the input, and at which JSON path.

use std::fmt;

/// An error while decoding JSON into a model.
///
/// Carries a message, the byte offset in the input (when known) and the JSON path of the value
/// that failed, e.g. `entities[3].presence.state`. It is a single pointer wide so that
/// `Result<T, DecodeError>` stays small on the hot (success) path.
///
/// `Display` renders as:
///
/// ```text
/// invalid type: expected string, found number at `entities[3].presence.state` (byte 1234)
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    message: String,
    offset: Option<usize>,
    /// Path segments, innermost first (they are pushed while the error unwinds outwards).
    path: Vec<Segment>,
    /// True once a reader attached its path (the path is then complete).
    located: bool,
}

/// One segment of a JSON path.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(super) enum Segment {
    Key(Box<str>),
    Index(usize),
}

impl DecodeError {
    /// An error at byte `offset` of the input (used by the reader).
    #[cold]
    pub fn new(msg: impl Into<String>, offset: usize) -> Self {
        Self::build(msg.into(), Some(offset))
    }

    /// An error whose position is not known (e.g. raised by a model's own validation).
    ///
    /// [`JsonReader::locate`](super::JsonReader::locate) fills in the path and the offset of
    /// the value being read; [`from_slice`](super::from_slice) does it for any error coming out
    /// of `from_json` (and so do the [`read_object`](super::JsonReader::read_object) /
    /// [`read_array`](super::JsonReader::read_array) callbacks). To build an error with the
    /// current path and offset directly, use
    /// [`JsonReader::error_here`](super::JsonReader::error_here).
    #[cold]
    pub fn custom(msg: impl Into<String>) -> Self {
        Self::build(msg.into(), None)
    }

    #[cold]
    fn build(message: String, offset: Option<usize>) -> Self {
        Self(Box::new(Inner {
            message,
            offset,
            path: Vec::new(),
            located: false,
        }))
    }

    /// True once a reader attached its (complete) path.
    #[inline]
    pub(super) fn is_located(&self) -> bool {
        self.0.located
    }

    /// Appends the reader's path `outer` (outermost first) outside the segments already there,
    /// sets the offset if it is not known yet, and marks the error as located.
    #[cold]
    pub(super) fn located(mut self, outer: Vec<Segment>, offset: usize) -> Self {
        let inner = &mut *self.0;
        inner.path.extend(outer.into_iter().rev());
        inner.located = true;
        if inner.offset.is_none() {
            inner.offset = Some(offset);
        }
        self
    }

    /// The message, without path or offset.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Byte offset in the input where the error was detected, if known.
    pub fn offset(&self) -> Option<usize> {
        self.0.offset
    }

    /// The JSON path of the failing value, like `entities[3].presence.state`; empty for the root.
    ///
    /// Keys that are not plain names (empty, or containing `.`, `[`, `]`, quotes, backticks,
    /// whitespace or control characters) are rendered as `["key"]` with JSON escaping.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for seg in self.0.path.iter().rev() {
            match seg {
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
                Segment::Key(k) if is_plain_key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Key(k) => {
                    out.push('[');
                    let mut w = super::JsonWriter::new();
                    w.str(k);
                    out.push_str(&w.into_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// Returns the error with `key` prepended to its path (the error happened inside the value
    /// of object member `key`). Not needed with a [`JsonReader`](super::JsonReader): it tracks
    /// the path itself.
    #[cold]
    pub fn in_field(mut self, key: &str) -> Self {
        self.0.path.push(Segment::Key(key.into()));
        self
    }

    /// Returns the error with `[index]` prepended to its path (the error happened inside array
    /// element `index`).
    #[cold]
    pub fn in_index(mut self, index: usize) -> Self {
        self.0.path.push(Segment::Index(index));
        self
    }
}

fn is_plain_key(k: &str) -> bool {
    !k.is_empty()
        && !k.bytes().any(|b| {
            matches!(
                b,
                b'.' | b'[' | b']' | b'"' | b'\'' | b'`' | b'\\' | b' ' | 0..=0x1f | 0x7f
            )
        })
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)?;
        if !self.0.path.is_empty() {
            write!(f, " at `{}`", self.path())?;
        }
        if let Some(offset) = self.0.offset {
            write!(f, " (byte {offset})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("message", &self.0.message)
            .field("path", &self.path())
            .field("offset", &self.0.offset)
            .finish()
    }
}

impl std::error::Error for DecodeError {}
