//! [`JsonReader`]: a pull parser over UTF-8 JSON text.
//!
//! All the work happens in non-generic methods here; the generic glue used by generated models
//! (`read::<T>`) is a one-line inline wrapper.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use super::error::Segment;
use super::{DecodeError, FromJson};

/// Maximum nesting depth of objects and arrays. Deeper input is an error (never a stack overflow).
pub const MAX_DEPTH: u32 = 256;

/// A pull parser over a byte slice holding JSON text.
///
/// Strings without escapes and object keys are borrowed from the input. Nesting is limited to
/// [`MAX_DEPTH`] levels. No method panics, whatever the input.
///
/// Objects and arrays are read with a closure-free, iterator-style API (this is what generated
/// models use, so each `from_json` is a plain loop):
///
/// ```
/// use purecloud_platform_client_v2_models::json::{DecodeError, JsonReader};
///
/// let mut r = JsonReader::new(br#"{"a": [1, 2], "b": true}"#);
/// let (mut sum, mut b) = (0, false);
/// r.begin_object()?;
/// while let Some(k) = r.next_key()? {
///     match &*k {
///         "a" => {
///             r.begin_array()?;
///             while r.next_item()? {
///                 sum += r.read_i64()?;
///             }
///         }
///         "b" => b = r.read_bool()?,
///         _ => r.skip_value()?,
///     }
/// }
/// r.finish()?;
/// assert_eq!((sum, b), (3, true));
/// # Ok::<(), DecodeError>(())
/// ```
///
/// The reader tracks the JSON path of the value it is positioned at (a stack of key spans into
/// the input and array indexes; no allocation per key), so every error it returns carries that
/// path, like `entities[3].presence.state`, without the caller doing anything. Errors made by
/// other code ([`DecodeError::custom`]) get the path and the value's offset from
/// [`locate`](Self::locate), which [`from_slice`](super::from_slice) calls on the way out.
///
/// After a method returned an error the reader is in an unspecified (but safe) state: stop
/// reading, except for [`locate`](Self::locate) / [`error_here`](Self::error_here).
///
/// `Clone` copies the position and the path stack (one small allocation): clone a reader to look
/// ahead.
#[derive(Clone)]
pub struct JsonReader<'a> {
    src: &'a [u8],
    pos: usize,
    /// The innermost object/array being read (`Root` at the top level). Kept out of `outer` so
    /// that the per-key / per-element bookkeeping touches no heap memory.
    top: Frame,
    /// The frames enclosing `top`, outermost (`Root`) first; its length is the depth.
    outer: Vec<Frame>,
}

/// An object or array being read, with the path segment of the value the reader is at.
#[derive(Clone, Copy, Debug)]
enum Frame {
    /// Not in an object or array.
    Root,
    /// An object. The current key's raw text (escapes not decoded) is
    /// `src[key_start..key_end]`, `key_end` being the index of its closing quote; `key_end` is 0
    /// before the first key (no path segment yet).
    Object { key_start: usize, key_end: usize },
    /// An array: `count` elements started so far (0: before the first one, no path segment);
    /// the current one, index `count - 1`, starts at `value_start`.
    Array { count: usize, value_start: usize },
}

/// Position of the parts of a number token that was checked against the JSON grammar.
struct Num {
    start: usize,
    end: usize,
    neg: bool,
    /// Integer digits `[int_start, int_end)`.
    int_start: usize,
    int_end: usize,
    /// Fraction digits `[frac_start, frac_end)` (empty when there is no fraction).
    frac_start: usize,
    frac_end: usize,
    /// Exponent digits `[exp_start, end)` (empty when there is no exponent).
    exp_start: usize,
    exp_neg: bool,
    has_frac_or_exp: bool,
}

/// Index of the first byte at or after `i` that is `"`, `\` or a control character (< 0x20),
/// or `s.len()` if there is none, and whether the bytes before it are all ASCII (then they are
/// valid UTF-8 without a separate validation pass: object keys and most values in API responses
/// are ASCII). Looks at 8 bytes at a time.
#[inline]
fn scan_str_ascii(s: &[u8], mut i: usize) -> (usize, bool) {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut seen = 0u64;
    while let Some(chunk) = s.get(i..i + 8) {
        let Ok(arr) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let x = u64::from_le_bytes(arr);
        let q = x ^ (LO * b'"' as u64);
        let b = x ^ (LO * b'\\' as u64);
        // For each test the lowest flagged byte is exact (false positives can only appear above
        // a true one), so the lowest flagged byte of the union is a real special byte.
        let m = ((q.wrapping_sub(LO) & !q)
            | (b.wrapping_sub(LO) & !b)
            | (x.wrapping_sub(LO * 0x20) & !x))
            & HI;
        if m != 0 {
            let k = m.trailing_zeros() / 8;
            // Only the bytes before the special one belong to the string.
            let before = x & ((1u64 << (8 * k)) - 1);
            return (i + k as usize, (seen | before) & HI == 0);
        }
        seen |= x;
        i += 8;
    }
    while let Some(&c) = s.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        seen |= u64::from(c);
        i += 1;
    }
    (i, seen & HI == 0)
}

/// What kind of value starts with byte `b`, for "found ..." in messages.
fn kind_of(b: u8) -> Option<&'static str> {
    Some(match b {
        b'"' => "string",
        b'{' => "object",
        b'[' => "array",
        b't' | b'f' => "boolean",
        b'n' => "null",
        b'-' | b'0'..=b'9' => "number",
        _ => return None,
    })
}

fn show_byte(b: u8) -> String {
    if b.is_ascii_graphic() || b == b' ' {
        format!("`{}`", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

/// Text of a number for an error message, shortened if very long.
fn show_number(text: &[u8]) -> String {
    let s = String::from_utf8_lossy(text);
    if s.len() > 40 {
        format!("{}...", &s[..40])
    } else {
        s.into_owned()
    }
}

impl std::fmt::Debug for JsonReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonReader")
            .field("len", &self.src.len())
            .field("pos", &self.pos)
            .field("depth", &self.outer.len())
            .finish()
    }
}

impl<'a> JsonReader<'a> {
    /// A reader over `src`, which should hold UTF-8 JSON text (string contents are validated).
    pub fn new(src: &'a [u8]) -> Self {
        Self {
            src,
            pos: 0,
            top: Frame::Root,
            outer: Vec::new(),
        }
    }

    /// Current byte offset in the input (whitespace is not skipped).
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Current nesting depth (number of objects/arrays being read).
    #[inline]
    pub fn depth(&self) -> u32 {
        self.outer.len() as u32
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.src.get(self.pos) {
            if b == b' ' || b == b'\n' || b == b'\r' || b == b'\t' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// Skips whitespace; returns the next non-ws byte without consuming it (None at EOF).
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.src.get(self.pos).copied()
    }

    // ----- errors (cold, non-inline) -----

    /// "invalid type: expected X, found Y" for the byte at the current position.
    #[cold]
    #[inline(never)]
    fn err_expected(&self, expected: &str, found: Option<u8>) -> DecodeError {
        match found {
            None => DecodeError::new(
                format!("unexpected end of input, expected {expected}"),
                self.pos,
            ),
            Some(b) => match kind_of(b) {
                Some(kind) => DecodeError::new(
                    format!("invalid type: expected {expected}, found {kind}"),
                    self.pos,
                ),
                None => DecodeError::new(
                    format!("expected {expected}, found {}", show_byte(b)),
                    self.pos,
                ),
            },
        }
    }

    /// A syntax error at `pos`: "expected X, found Y" or end of input.
    #[cold]
    #[inline(never)]
    fn err_syntax(&self, expected: &str, pos: usize) -> DecodeError {
        match self.src.get(pos) {
            None => DecodeError::new(format!("unexpected end of input, expected {expected}"), pos),
            Some(&b) => {
                DecodeError::new(format!("expected {expected}, found {}", show_byte(b)), pos)
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn err_depth(&self) -> DecodeError {
        DecodeError::new(
            format!("nesting too deep (more than {MAX_DEPTH} levels)"),
            self.pos,
        )
    }

    // ----- literals -----

    /// Consumes the literal `lit` (the first byte is known to match).
    #[inline]
    fn expect_lit(&mut self, lit: &'static [u8]) -> Result<(), DecodeError> {
        if self.src.get(self.pos..self.pos + lit.len()) == Some(lit) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(self.err_lit(lit))
        }
    }

    #[cold]
    #[inline(never)]
    fn err_lit(&self, lit: &'static [u8]) -> DecodeError {
        let name = String::from_utf8_lossy(lit);
        for (i, &c) in lit.iter().enumerate() {
            match self.src.get(self.pos + i) {
                Some(&b) if b == c => {}
                Some(_) => {
                    return DecodeError::new(
                        format!("invalid literal, expected `{name}`"),
                        self.pos + i,
                    )
                }
                None => {
                    return DecodeError::new(
                        format!("unexpected end of input, expected `{name}`"),
                        self.pos + i,
                    )
                }
            }
        }
        DecodeError::new(format!("invalid literal, expected `{name}`"), self.pos)
    }

    /// Consumes `null` if next; returns true if it did.
    #[inline]
    pub fn read_null(&mut self) -> Result<bool, DecodeError> {
        if self.peek() == Some(b'n') {
            let r = self.expect_lit(b"null");
            self.here(r)?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Reads `true` or `false`.
    pub fn read_bool(&mut self) -> Result<bool, DecodeError> {
        let r = self.bool_inner();
        self.here(r)
    }

    fn bool_inner(&mut self) -> Result<bool, DecodeError> {
        match self.peek() {
            Some(b't') => self.expect_lit(b"true").map(|()| true),
            Some(b'f') => self.expect_lit(b"false").map(|()| false),
            other => Err(self.err_expected("boolean", other)),
        }
    }

    // ----- numbers -----

    /// Scans a number token at the current position (known to start with `-` or a digit),
    /// checking it against the JSON grammar.
    fn scan_number(&mut self) -> Result<Num, DecodeError> {
        let src = self.src;
        let start = self.pos;
        let mut i = start;
        let neg = src.get(i) == Some(&b'-');
        if neg {
            i += 1;
        }
        let int_start = i;
        match src.get(i) {
            Some(b'0') => {
                i += 1;
                if matches!(src.get(i), Some(b'0'..=b'9')) {
                    return Err(DecodeError::new("invalid number: leading zero", i));
                }
            }
            Some(b'1'..=b'9') => {
                i += 1;
                while matches!(src.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => return Err(self.err_syntax("digit in number", i)),
        }
        let int_end = i;
        let (mut frac_start, mut frac_end) = (i, i);
        let mut has_frac_or_exp = false;
        if src.get(i) == Some(&b'.') {
            i += 1;
            frac_start = i;
            if !matches!(src.get(i), Some(b'0'..=b'9')) {
                return Err(self.err_syntax("digit after `.` in number", i));
            }
            while matches!(src.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            frac_end = i;
            has_frac_or_exp = true;
        }
        let mut exp_neg = false;
        let mut exp_start = i;
        if matches!(src.get(i), Some(b'e' | b'E')) {
            i += 1;
            match src.get(i) {
                Some(b'-') => {
                    exp_neg = true;
                    i += 1;
                }
                Some(b'+') => i += 1,
                _ => {}
            }
            exp_start = i;
            if !matches!(src.get(i), Some(b'0'..=b'9')) {
                return Err(self.err_syntax("digit in exponent", i));
            }
            while matches!(src.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            has_frac_or_exp = true;
        }
        self.pos = i;
        Ok(Num {
            start,
            end: i,
            neg,
            int_start,
            int_end,
            frac_start,
            frac_end,
            exp_start,
            exp_neg,
            has_frac_or_exp,
        })
    }

    /// Value of the integer digits if it fits in a u64.
    #[inline]
    fn small_int(&self, n: &Num) -> Option<u64> {
        let digits = &self.src[n.int_start..n.int_end];
        if digits.len() > 20 {
            return None;
        }
        let mut v: u64 = 0;
        for &d in digits {
            v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        }
        Some(v)
    }

    /// Reads an integer. Accepts `3`, `-3`, and also `3.0` / `3e2` / `0.5e1` when the value is
    /// integral and in range (computed exactly, not through `f64`); anything else is an error.
    pub fn read_i64(&mut self) -> Result<i64, DecodeError> {
        let r = self.i64_inner();
        self.here(r)
    }

    #[inline]
    fn i64_inner(&mut self) -> Result<i64, DecodeError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => {}
            other => return Err(self.err_expected("integer", other)),
        }
        let n = self.scan_number()?;
        if !n.has_frac_or_exp && n.int_end - n.int_start <= 18 {
            // At most 18 digits: no overflow possible.
            let mut v: i64 = 0;
            for &d in &self.src[n.int_start..n.int_end] {
                v = v * 10 + i64::from(d - b'0');
            }
            return Ok(if n.neg { -v } else { v });
        }
        self.integer_slow(&n)
    }

    /// Exact integer value of any number token, or an error if it is not integral or does not
    /// fit in an i64.
    #[inline(never)]
    fn integer_slow(&self, n: &Num) -> Result<i64, DecodeError> {
        let int = &self.src[n.int_start..n.int_end];
        let frac = &self.src[n.frac_start..n.frac_end];
        let total = int.len() + frac.len();
        let digit = |k: usize| {
            if k < int.len() {
                int[k]
            } else {
                frac[k - int.len()]
            }
        };
        let Some(first) = (0..total).find(|&k| digit(k) != b'0') else {
            return Ok(0);
        };
        let last = (first..total)
            .rev()
            .find(|&k| digit(k) != b'0')
            .unwrap_or(first);
        // Exponent (saturated far beyond anything that could fit).
        let mut exp: i64 = 0;
        for &d in &self.src[n.exp_start..n.end] {
            if exp < 1_000_000_000_000 {
                exp = exp * 10 + i64::from(d - b'0');
            }
        }
        if n.exp_neg {
            exp = -exp;
        }
        // Power of ten of the last significant digit.
        let trailing_zeros = (total - 1 - last) as i64;
        let e_last = exp
            .saturating_sub(frac.len() as i64)
            .saturating_add(trailing_zeros);
        let text = &self.src[n.start..n.end];
        if e_last < 0 {
            return Err(DecodeError::new(
                format!(
                    "invalid type: expected integer, found non-integral number {}",
                    show_number(text)
                ),
                n.start,
            ));
        }
        let out_of_range = || {
            DecodeError::new(
                format!("number out of range for i64: {}", show_number(text)),
                n.start,
            )
        };
        let sig_digits = (last - first + 1) as i64;
        if sig_digits.saturating_add(e_last) > 19 {
            return Err(out_of_range());
        }
        let mut v: u64 = 0;
        for k in first..=last {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(digit(k) - b'0')))
                .ok_or_else(out_of_range)?;
        }
        for _ in 0..e_last {
            v = v.checked_mul(10).ok_or_else(out_of_range)?;
        }
        if n.neg {
            if v > 1 << 63 {
                return Err(out_of_range());
            }
            Ok(0i64.wrapping_sub(v as i64))
        } else {
            i64::try_from(v).map_err(|_| out_of_range())
        }
    }

    /// Reads any JSON number as `f64` (correctly rounded). A number too large for `f64`
    /// (like `1e400`) is an error.
    pub fn read_f64(&mut self) -> Result<f64, DecodeError> {
        let r = self.f64_inner();
        self.here(r)
    }

    #[inline]
    fn f64_inner(&mut self) -> Result<f64, DecodeError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => {}
            other => return Err(self.err_expected("number", other)),
        }
        let n = self.scan_number()?;
        if !n.has_frac_or_exp && n.int_end - n.int_start <= 15 {
            // Below 2^53: exact.
            let mut v: u64 = 0;
            for &d in &self.src[n.int_start..n.int_end] {
                v = v * 10 + u64::from(d - b'0');
            }
            let v = v as f64;
            return Ok(if n.neg { -v } else { v });
        }
        self.parse_f64(&n)
    }

    #[inline(never)]
    fn parse_f64(&self, n: &Num) -> Result<f64, DecodeError> {
        let text = &self.src[n.start..n.end];
        let v = std::str::from_utf8(text)
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .ok_or_else(|| {
                DecodeError::new(format!("invalid number {}", show_number(text)), n.start)
            })?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(DecodeError::new(
                format!("number out of range: {}", show_number(text)),
                n.start,
            ))
        }
    }

    /// A number as `serde_json::Number`, classified like serde_json does: a non-negative integer
    /// that fits is `u64`, a negative one that fits is `i64`, everything else (including `-0`) `f64`.
    fn read_number_value(&mut self) -> Result<Number, DecodeError> {
        let n = self.scan_number()?;
        if !n.has_frac_or_exp {
            if let Some(m) = self.small_int(&n) {
                if !n.neg {
                    return Ok(Number::from(m));
                }
                if m != 0 && m <= 1 << 63 {
                    return Ok(Number::from(0i64.wrapping_sub(m as i64)));
                }
            }
        }
        let v = self.parse_f64(&n)?;
        Number::from_f64(v).ok_or_else(|| DecodeError::new("number out of range", n.start))
    }

    // ----- strings -----

    /// Reads a string. Borrowed when the string has no escapes, owned otherwise. Supports all
    /// escapes including `\uXXXX` and surrogate pairs; invalid escapes, lone surrogates, raw
    /// control characters and invalid UTF-8 are errors.
    #[inline]
    pub fn read_str(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        let r = match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                self.parse_str()
            }
            other => Err(self.err_expected("string", other)),
        };
        self.here(r)
    }

    /// Parses string contents; the opening quote has been consumed.
    fn parse_str(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        let src = self.src;
        let start = self.pos;
        let (end, ascii) = scan_str_ascii(src, start);
        match src.get(end) {
            Some(b'"') => {
                let s = if ascii {
                    // SAFETY: every byte of `src[start..end]` is < 0x80 (checked by
                    // `scan_str_ascii`), and ASCII is valid UTF-8.
                    unsafe { std::str::from_utf8_unchecked(&src[start..end]) }
                } else {
                    utf8(src, start, end)?
                };
                self.pos = end + 1;
                Ok(Cow::Borrowed(s))
            }
            Some(b'\\') => self.parse_str_escaped(start, end).map(Cow::Owned),
            Some(&c) => Err(err_control(c, end)),
            None => Err(DecodeError::new("unexpected end of input in string", end)),
        }
    }

    /// Slow path of [`parse_str`](Self::parse_str): the string has escapes; `esc` is the index of
    /// the first backslash.
    #[inline(never)]
    fn parse_str_escaped(&mut self, start: usize, esc: usize) -> Result<String, DecodeError> {
        let src = self.src;
        let mut out = String::with_capacity(esc - start + 16);
        out.push_str(utf8(src, start, esc)?);
        let mut i = esc;
        loop {
            match src.get(i) {
                Some(b'\\') => i = parse_escape(src, i, &mut out)?,
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(out);
                }
                Some(&c) => return Err(err_control(c, i)),
                None => return Err(DecodeError::new("unexpected end of input in string", i)),
            }
            let (seg_end, _) = scan_str_ascii(src, i);
            out.push_str(utf8(src, i, seg_end)?);
            i = seg_end;
        }
    }

    // ----- containers (closure-free API) -----

    /// Expects `{` (after whitespace) and enters the object. Follow with
    /// [`next_key`](Self::next_key) until it returns `None`:
    ///
    /// ```ignore
    /// r.begin_object()?;
    /// while let Some(k) = r.next_key()? {
    ///     let res = match &*k {
    ///         "id" => r.read_into(&mut v.id),
    ///         _ => r.read_unknown(&k, &mut v.unknown_fields),
    ///     };
    ///     res?;
    /// }
    /// ```
    ///
    /// Errors: not an object ("invalid type: expected object, found string"), or nesting deeper
    /// than [`MAX_DEPTH`].
    pub fn begin_object(&mut self) -> Result<(), DecodeError> {
        match self.peek() {
            Some(b'{') => {}
            other => return Err(self.locate(self.err_expected("object", other))),
        }
        if self.outer.len() >= MAX_DEPTH as usize {
            return Err(self.locate(self.err_depth()));
        }
        self.pos += 1;
        self.outer.push(self.top);
        self.top = Frame::Object {
            key_start: 0,
            key_end: 0,
        };
        Ok(())
    }

    /// Reads the next key of the current object, handling `,` and the closing `}`.
    ///
    /// Returns `Ok(None)` after consuming `}` (the object is left: depth and path are restored).
    /// On `Some(key)` the reader is positioned at the value, which the caller must consume
    /// exactly once (`read`, `skip_value`, `read_unknown`, ...) before calling `next_key` again;
    /// meanwhile the key is the last segment of the reader's path. The key is borrowed from the
    /// input when it has no escapes.
    pub fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, DecodeError> {
        match self.next_key_inner() {
            Ok(k) => Ok(k),
            Err(e) => Err(self.locate_outer(e)),
        }
    }

    fn next_key_inner(&mut self) -> Result<Option<Cow<'a, str>>, DecodeError> {
        let first = match self.top {
            Frame::Object { key_end, .. } => key_end == 0,
            _ => return Err(self.err_misuse("next_key", "an object")),
        };
        self.skip_ws();
        let mut b = self.src.get(self.pos).copied();
        if first {
            if b == Some(b'}') {
                self.pos += 1;
                self.leave();
                return Ok(None);
            }
        } else {
            match b {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                    b = self.src.get(self.pos).copied();
                    if b == Some(b'}') {
                        return Err(DecodeError::new("trailing comma in object", self.pos));
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    self.leave();
                    return Ok(None);
                }
                _ => return Err(self.err_syntax("`,` or `}` in object", self.pos)),
            }
        }
        if b != Some(b'"') {
            return Err(self.err_syntax("string key in object", self.pos));
        }
        self.pos += 1;
        let key_start = self.pos;
        let key = self.parse_str()?;
        let key_end = self.pos - 1;
        if self.peek() == Some(b':') {
            self.pos += 1;
        } else {
            return Err(self.err_syntax("`:` after object key", self.pos));
        }
        self.skip_ws();
        self.top = Frame::Object { key_start, key_end };
        Ok(Some(key))
    }

    /// Expects `[` (after whitespace) and enters the array. Follow with
    /// [`next_item`](Self::next_item) until it returns `false`:
    ///
    /// ```ignore
    /// r.begin_array()?;
    /// while r.next_item()? {
    ///     v.push(r.read()?);
    /// }
    /// ```
    pub fn begin_array(&mut self) -> Result<(), DecodeError> {
        match self.peek() {
            Some(b'[') => {}
            other => return Err(self.locate(self.err_expected("array", other))),
        }
        if self.outer.len() >= MAX_DEPTH as usize {
            return Err(self.locate(self.err_depth()));
        }
        self.pos += 1;
        self.outer.push(self.top);
        self.top = Frame::Array {
            count: 0,
            value_start: 0,
        };
        Ok(())
    }

    /// True when the current array has another element: the reader is positioned at it (its
    /// index is the last segment of the reader's path) and the caller must consume exactly one
    /// value. False after consuming `]` (the array is left: depth and path are restored).
    pub fn next_item(&mut self) -> Result<bool, DecodeError> {
        match self.next_item_inner() {
            Ok(more) => Ok(more),
            Err(e) => Err(self.locate_outer(e)),
        }
    }

    fn next_item_inner(&mut self) -> Result<bool, DecodeError> {
        let count = match self.top {
            Frame::Array { count, .. } => count,
            _ => return Err(self.err_misuse("next_item", "an array")),
        };
        self.skip_ws();
        match self.src.get(self.pos) {
            Some(b']') if count == 0 => {
                self.pos += 1;
                self.leave();
                return Ok(false);
            }
            _ if count == 0 => {}
            Some(b',') => {
                self.pos += 1;
                self.skip_ws();
                if self.src.get(self.pos) == Some(&b']') {
                    return Err(DecodeError::new("trailing comma in array", self.pos));
                }
            }
            Some(b']') => {
                self.pos += 1;
                self.leave();
                return Ok(false);
            }
            _ => return Err(self.err_syntax("`,` or `]` in array", self.pos)),
        }
        self.top = Frame::Array {
            count: count + 1,
            value_start: self.pos,
        };
        Ok(true)
    }

    /// Leaves the innermost object/array.
    #[inline]
    fn leave(&mut self) {
        self.top = self.outer.pop().unwrap_or(Frame::Root);
    }

    #[cold]
    #[inline(never)]
    fn err_misuse(&self, method: &str, what: &str) -> DecodeError {
        DecodeError::new(
            format!("reader misuse: `{method}` called while not reading {what}"),
            self.pos,
        )
    }

    // ----- containers (closure API, kept for hand-written code) -----

    /// Reads `{ ... }` calling `f(self, key)` for each key with the reader positioned at the
    /// value. `f` must consume exactly one value. Errors returned by `f` get the reader's path
    /// (ending with the key) and, if they have none, the value's offset.
    ///
    /// Prefer [`begin_object`](Self::begin_object) / [`next_key`](Self::next_key), which need no
    /// closure (cheaper to compile).
    pub fn read_object(
        &mut self,
        f: &mut dyn FnMut(&mut JsonReader<'a>, &str) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        self.begin_object()?;
        while let Some(key) = self.next_key()? {
            if let Err(e) = f(self, &key) {
                return Err(self.locate(e));
            }
        }
        Ok(())
    }

    /// Reads `[ ... ]` calling `f(self, index)` per element (`f` consumes one value); errors
    /// returned by `f` get the reader's path (ending with `[index]`) and, if they have none, the
    /// element's offset.
    ///
    /// Prefer [`begin_array`](Self::begin_array) / [`next_item`](Self::next_item).
    pub fn read_array(
        &mut self,
        f: &mut dyn FnMut(&mut JsonReader<'a>, usize) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        self.begin_array()?;
        let mut index = 0usize;
        while self.next_item()? {
            if let Err(e) = f(self, index) {
                return Err(self.locate(e));
            }
            index += 1;
        }
        Ok(())
    }

    // ----- path tracking and error location -----

    /// `r` with its error [located](Self::locate).
    #[inline]
    fn here<T>(&self, r: Result<T, DecodeError>) -> Result<T, DecodeError> {
        match r {
            Ok(v) => Ok(v),
            Err(e) => Err(self.locate(e)),
        }
    }

    /// Attaches the reader's current path (and, if `e` has no offset, the offset where the
    /// current value starts) to an error that has no path from a reader yet; returns `e`
    /// unchanged if it has one. Segments already on `e` (from
    /// [`in_field`](DecodeError::in_field) / [`in_index`](DecodeError::in_index)) stay innermost.
    ///
    /// Every error the reader returns is already located. Call this on an error made elsewhere
    /// (e.g. [`DecodeError::custom`] from a model's validation) that is about the value being
    /// read, before the reader moves on; [`from_slice`](super::from_slice) calls it on whatever
    /// error comes out of `T::from_json`.
    #[cold]
    #[inline(never)]
    pub fn locate(&self, e: DecodeError) -> DecodeError {
        if e.is_located() {
            return e;
        }
        let offset = self.value_start();
        e.located(self.path_segments(true), offset)
    }

    /// Like [`locate`](Self::locate) but without the path segment of the innermost container's
    /// current value: for errors in the container's own syntax (separators, keys).
    #[cold]
    #[inline(never)]
    fn locate_outer(&self, e: DecodeError) -> DecodeError {
        if e.is_located() {
            return e;
        }
        e.located(self.path_segments(false), self.pos)
    }

    /// An error with message `msg` at the current path and byte offset (call it after
    /// [`peek`](Self::peek) and before consuming a value to point at that value).
    #[cold]
    #[inline(never)]
    pub fn error_here(&self, msg: impl Into<String>) -> DecodeError {
        self.locate(DecodeError::new(msg, self.pos))
    }

    /// The JSON path of the value the reader is at, like `entities[3].presence.state` (empty at
    /// the root). For diagnostics; errors carry it already.
    pub fn path(&self) -> String {
        DecodeError::custom("")
            .located(self.path_segments(true), 0)
            .path()
    }

    /// The path segments (outermost first) of the enclosing frames and, if `with_top`, of the
    /// innermost one.
    fn path_segments(&self, with_top: bool) -> Vec<Segment> {
        let top = if with_top { Some(&self.top) } else { None };
        self.outer
            .iter()
            .chain(top)
            .filter_map(|f| match *f {
                Frame::Root | Frame::Object { key_end: 0, .. } | Frame::Array { count: 0, .. } => {
                    None
                }
                Frame::Object { key_start, key_end } => {
                    Some(Segment::Key(self.key_text(key_start, key_end)))
                }
                Frame::Array { count, .. } => Some(Segment::Index(count - 1)),
            })
            .collect()
    }

    /// The decoded text of the key whose raw text is `src[start..end]` (already validated).
    fn key_text(&self, start: usize, end: usize) -> Box<str> {
        let raw = self.src.get(start..end).unwrap_or_default();
        if raw.contains(&b'\\') {
            let mut r = JsonReader::new(self.src);
            r.pos = start;
            if let Ok(k) = r.parse_str() {
                return k.into();
            }
        }
        String::from_utf8_lossy(raw).into()
    }

    /// Where the value the reader is at (or was reading) starts.
    fn value_start(&self) -> usize {
        let after_ws = |mut i: usize| {
            while matches!(self.src.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
                i += 1;
            }
            i
        };
        match self.top {
            Frame::Root => after_ws(0),
            Frame::Object { key_end: 0, .. } | Frame::Array { count: 0, .. } => self.pos,
            Frame::Object { key_end, .. } => {
                let i = after_ws(key_end + 1);
                if self.src.get(i) == Some(&b':') {
                    after_ws(i + 1)
                } else {
                    i
                }
            }
            Frame::Array { value_start, .. } => value_start,
        }
    }

    // ----- any value -----

    /// Skips any one value (validating it: grammar, escapes, UTF-8, number syntax, depth).
    /// Iterative: nested containers use no stack.
    pub fn skip_value(&mut self) -> Result<(), DecodeError> {
        let base = self.outer.len();
        loop {
            let r = match self.peek() {
                Some(b'{') => self.begin_object(),
                Some(b'[') => self.begin_array(),
                Some(b'"') => {
                    self.pos += 1;
                    self.parse_str().map(drop)
                }
                Some(b'-' | b'0'..=b'9') => self.scan_number().map(drop),
                Some(b'n') => self.expect_lit(b"null"),
                Some(b't') => self.expect_lit(b"true"),
                Some(b'f') => self.expect_lit(b"false"),
                other => Err(self.err_expected("value", other)),
            };
            self.here(r)?;
            // Go to the next value to skip, or return when the value is done.
            loop {
                if self.outer.len() <= base {
                    return Ok(());
                }
                let more = match self.top {
                    Frame::Object { .. } => self.next_key()?.is_some(),
                    _ => self.next_item()?,
                };
                if more {
                    break;
                }
            }
        }
    }

    /// Reads any value as a `serde_json::Value` (numbers classified as serde_json does).
    pub fn read_value(&mut self) -> Result<Value, DecodeError> {
        match self.peek() {
            Some(b'[') => {
                self.begin_array()?;
                let mut items = Vec::new();
                while self.next_item()? {
                    items.push(self.read_value()?);
                }
                Ok(Value::Array(items))
            }
            Some(b'{') => {
                self.begin_object()?;
                let mut map = Map::new();
                while let Some(k) = self.next_key()? {
                    let v = self.read_value()?;
                    map.insert(k.into_owned(), v);
                }
                Ok(Value::Object(map))
            }
            _ => {
                let r = self.scalar_value();
                self.here(r)
            }
        }
    }

    /// Reads a value that is not an object or array as a `serde_json::Value`.
    fn scalar_value(&mut self) -> Result<Value, DecodeError> {
        match self.peek() {
            Some(b'n') => self.expect_lit(b"null").map(|()| Value::Null),
            Some(b't' | b'f') => self.bool_inner().map(Value::Bool),
            Some(b'"') => {
                self.pos += 1;
                self.parse_str().map(|s| Value::String(s.into_owned()))
            }
            Some(b'-' | b'0'..=b'9') => self.read_number_value().map(Value::Number),
            other => Err(self.err_expected("value", other)),
        }
    }

    /// Reads a value of type `T` (calls `T::from_json`).
    #[inline]
    pub fn read<T: FromJson>(&mut self) -> Result<T, DecodeError> {
        T::from_json(self)
    }

    /// Reads a value of type `T` into `*dst` (same as `*dst = self.read()?`, but the drop of
    /// the old value and the error branch are in this function, shared by all fields of type
    /// `T`, not in each caller).
    #[inline]
    pub fn read_into<T: FromJson>(&mut self, dst: &mut T) -> Result<(), DecodeError> {
        // `match`, not `?`: instantiated once per field type (see impls.rs).
        match T::from_json(self) {
            Ok(v) => {
                *dst = v;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Unknown key in a model: reads the value into `extra` (kept for round-trip).
    pub fn read_unknown(
        &mut self,
        key: &str,
        extra: &mut super::UnknownFields,
    ) -> Result<(), DecodeError> {
        let v = self.read_value()?;
        super::note_unknown();
        extra.insert(key, v);
        Ok(())
    }

    /// After the top-level value: only whitespace may remain, else an error.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        match self.peek() {
            None => Ok(()),
            Some(b) => Err(self.locate(DecodeError::new(
                format!("trailing characters after JSON value: {}", show_byte(b)),
                self.pos,
            ))),
        }
    }
}

/// `src[start..end]` as `&str`, or an error at the first invalid byte.
#[inline]
fn utf8(src: &[u8], start: usize, end: usize) -> Result<&str, DecodeError> {
    std::str::from_utf8(&src[start..end])
        .map_err(|e| DecodeError::new("invalid UTF-8 in string", start + e.valid_up_to()))
}

#[cold]
#[inline(never)]
fn err_control(c: u8, at: usize) -> DecodeError {
    DecodeError::new(format!("control character (\\u{c:04x}) in string"), at)
}

/// Four hex digits at `at`.
fn hex4(src: &[u8], at: usize) -> Result<u32, DecodeError> {
    let mut v = 0u32;
    for k in 0..4 {
        let d = match src.get(at + k) {
            Some(&c @ b'0'..=b'9') => c - b'0',
            Some(&c @ b'a'..=b'f') => c - b'a' + 10,
            Some(&c @ b'A'..=b'F') => c - b'A' + 10,
            Some(_) => {
                return Err(DecodeError::new(
                    "invalid \\u escape: expected 4 hex digits",
                    at + k,
                ))
            }
            None => {
                return Err(DecodeError::new(
                    "unexpected end of input in string",
                    at + k,
                ))
            }
        };
        v = v * 16 + u32::from(d);
    }
    Ok(v)
}

/// Decodes the escape at `src[i]` (a backslash) into `out`; returns the index after it.
fn parse_escape(src: &[u8], i: usize, out: &mut String) -> Result<usize, DecodeError> {
    let c = match src.get(i + 1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => {
            let hi = hex4(src, i + 2)?;
            let mut next = i + 6;
            let code = match hi {
                0xD800..=0xDBFF => {
                    if next >= src.len() || (src[next] == b'\\' && next + 1 >= src.len()) {
                        return Err(DecodeError::new(
                            "unexpected end of input in string",
                            src.len(),
                        ));
                    }
                    if src[next] != b'\\' || src[next + 1] != b'u' {
                        return Err(DecodeError::new("lone leading surrogate in \\u escape", i));
                    }
                    let lo = hex4(src, next + 2)?;
                    if !(0xDC00..=0xDFFF).contains(&lo) {
                        return Err(DecodeError::new(
                            "invalid surrogate pair: expected a trailing surrogate",
                            next,
                        ));
                    }
                    next += 6;
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                }
                0xDC00..=0xDFFF => {
                    return Err(DecodeError::new("lone trailing surrogate in \\u escape", i))
                }
                _ => hi,
            };
            let c =
                char::from_u32(code).ok_or_else(|| DecodeError::new("invalid \\u escape", i))?;
            out.push(c);
            return Ok(next);
        }
        Some(&b) => {
            return Err(DecodeError::new(
                format!("invalid escape `\\{}`", b.escape_ascii()),
                i,
            ))
        }
        None => return Err(DecodeError::new("unexpected end of input in string", i + 1)),
    };
    out.push(c);
    Ok(i + 2)
}
