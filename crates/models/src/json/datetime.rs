//! RFC 3339 date-times and `YYYY-MM-DD` dates, parsed and formatted by hand (the `time` crate is
//! used without its `parsing`/`formatting` features, which cost compile time).
//!
//! Accepted date-time: `YYYY-MM-DDTHH:MM:SS[.fraction of 1 to 9 digits][Z|+HH:MM|-HH:MM|+HHMM|-HHMM]`,
//! with `t`/`z` also accepted and a missing offset meaning UTC. A year may carry a sign (`-0001`,
//! `+10000`). Written form: `YYYY-MM-DDTHH:MM:SS.mmmZ` for UTC with whole milliseconds (as the
//! Platform API writes), 6 or 9 fraction digits when needed, `+HH:MM` for other offsets.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// `n` ASCII digits at `b[at..]`.
fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let s = b.get(at..at + n)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// Parses `[+-]YYYY[YY]-MM-DD` at the start of `b`; returns the date and the bytes used.
fn parse_date_prefix(b: &[u8]) -> Result<(Date, usize), String> {
    const FORMAT: &str = "expected YYYY-MM-DD";
    let (sign, mut i) = match b.first() {
        Some(b'-') => (-1, 1),
        Some(b'+') => (1, 1),
        _ => (1, 0),
    };
    let year_len = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let ok_len = if i == 1 {
        (4..=6).contains(&year_len)
    } else {
        year_len == 4
    };
    if !ok_len {
        return Err(FORMAT.into());
    }
    let year = digits(b, i, year_len).ok_or(FORMAT)? as i32 * sign;
    i += year_len;
    if b.get(i) != Some(&b'-') || b.get(i + 3) != Some(&b'-') {
        return Err(FORMAT.into());
    }
    let month = digits(b, i + 1, 2).ok_or(FORMAT)?;
    let day = digits(b, i + 4, 2).ok_or(FORMAT)?;
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or("month must be in the range 1..=12")?;
    let date = Date::from_calendar_date(year, month, day as u8).map_err(|e| e.to_string())?;
    Ok((date, i + 6))
}

/// Parses a `YYYY-MM-DD` date. The error message says what is wrong (without the input text).
pub fn parse_date_text(s: &str) -> Result<Date, String> {
    let (date, used) = parse_date_prefix(s.as_bytes())?;
    if used != s.len() {
        return Err("unexpected characters after the date".into());
    }
    Ok(date)
}

/// Parses an RFC 3339 date-time (see the module docs for the accepted forms). The error message
/// says what is wrong (without the input text).
pub fn parse_datetime_text(s: &str) -> Result<OffsetDateTime, String> {
    if let Some(v) = parse_utc_millis(s.as_bytes()) {
        return Ok(v);
    }
    parse_datetime_general(s)
}

/// The form the Platform API writes, `YYYY-MM-DDTHH:MM:SS.mmmZ`, without the general parser's
/// scanning (analytics responses hold over a hundred thousand of them). `None` for anything
/// else, including out-of-range fields: the general parser then reports the error.
#[inline]
fn parse_utc_millis(b: &[u8]) -> Option<OffsetDateTime> {
    let b: &[u8; 24] = b.try_into().ok()?;
    if b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
        || b[23] != b'Z'
    {
        return None;
    }
    let mut bad = false;
    for i in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22] {
        bad |= b[i].wrapping_sub(b'0') > 9;
    }
    if bad {
        return None;
    }
    let d = |i: usize| u32::from(b[i] - b'0');
    let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
    let month = d(5) * 10 + d(6);
    let day = d(8) * 10 + d(9);
    let hour = d(11) * 10 + d(12);
    let minute = d(14) * 10 + d(15);
    let second = d(17) * 10 + d(18);
    let milli = d(20) * 100 + d(21) * 10 + d(22);
    let month = Month::try_from(month as u8).ok()?;
    let date = Date::from_calendar_date(year as i32, month, day as u8).ok()?;
    let time = Time::from_hms_milli(hour as u8, minute as u8, second as u8, milli as u16).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

fn parse_datetime_general(s: &str) -> Result<OffsetDateTime, String> {
    const FORMAT: &str = "expected YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM]";
    let b = s.as_bytes();
    let (date, mut i) = parse_date_prefix(b).map_err(|e| {
        if e.starts_with("expected") {
            FORMAT.into()
        } else {
            e
        }
    })?;
    if !matches!(b.get(i), Some(b'T' | b't')) {
        return Err(FORMAT.into());
    }
    let hour = digits(b, i + 1, 2).ok_or(FORMAT)?;
    let minute = digits(b, i + 4, 2).ok_or(FORMAT)?;
    let second = digits(b, i + 7, 2).ok_or(FORMAT)?;
    if b.get(i + 3) != Some(&b':') || b.get(i + 6) != Some(&b':') {
        return Err(FORMAT.into());
    }
    i += 9;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let n = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err("expected digits after `.`".into());
        }
        if n > 9 {
            return Err("more than 9 fraction digits".into());
        }
        nanos = digits(b, i, n).ok_or(FORMAT)? * 10u32.pow(9 - n as u32);
        i += n;
    }
    let offset = match b.get(i) {
        None => UtcOffset::UTC,
        Some(b'Z' | b'z') => {
            i += 1;
            UtcOffset::UTC
        }
        Some(&c @ (b'+' | b'-')) => {
            let oh = digits(b, i + 1, 2).ok_or(FORMAT)?;
            let om = if b.get(i + 3) == Some(&b':') {
                i += 6;
                digits(b, i - 2, 2)
            } else {
                i += 5;
                digits(b, i - 2, 2)
            }
            .ok_or(FORMAT)?;
            if oh > 25 || om > 59 {
                return Err("offset out of range".into());
            }
            let (oh, om) = (oh as i8, om as i8);
            let (oh, om) = if c == b'-' { (-oh, -om) } else { (oh, om) };
            UtcOffset::from_hms(oh, om, 0).map_err(|e| e.to_string())?
        }
        Some(_) => return Err(FORMAT.into()),
    };
    if i != b.len() {
        return Err(FORMAT.into());
    }
    let time = Time::from_hms_nano(hour as u8, minute as u8, second as u8, nanos)
        .map_err(|e| e.to_string())?;
    Ok(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

/// `s` cut to at most 64 bytes (on a char boundary) for an error message.
pub(crate) fn shorten(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= 64 {
        return s.into();
    }
    let mut end = 64;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end]).into()
}

fn push2(out: &mut Vec<u8>, v: u8) {
    out.push(b'0' + v / 10 % 10);
    out.push(b'0' + v % 10);
}

fn push_digits(out: &mut Vec<u8>, v: u32, n: u32) {
    for k in (0..n).rev() {
        out.push(b'0' + (v / 10u32.pow(k) % 10) as u8);
    }
}

fn push_date(out: &mut Vec<u8>, d: Date) {
    let (year, month, day) = d.to_calendar_date();
    if (0..=9999).contains(&year) {
        push_digits(out, year as u32, 4);
    } else {
        out.push(if year < 0 { b'-' } else { b'+' });
        let y = year.unsigned_abs();
        let n = if y > 99_999 {
            6
        } else if y > 9999 {
            5
        } else {
            4
        };
        push_digits(out, y, n);
    }
    out.push(b'-');
    push2(out, month as u8);
    out.push(b'-');
    push2(out, day);
}

/// Appends `YYYY-MM-DD` to `out`.
pub fn write_date(out: &mut Vec<u8>, d: Date) {
    push_date(out, d);
}

/// Appends the RFC 3339 form of `v` to `out` (see the module docs).
pub fn write_datetime(out: &mut Vec<u8>, v: OffsetDateTime) {
    let mut v = v;
    // Offsets with seconds cannot be written as `+HH:MM`: write the instant in UTC instead.
    if v.offset().seconds_past_minute() != 0 {
        if let Some(utc) = v.checked_to_offset(UtcOffset::UTC) {
            v = utc;
        }
    }
    push_date(out, v.date());
    let (h, m, s, ns) = v.to_hms_nano();
    out.push(b'T');
    push2(out, h);
    out.push(b':');
    push2(out, m);
    out.push(b':');
    push2(out, s);
    out.push(b'.');
    if ns % 1_000_000 == 0 {
        push_digits(out, ns / 1_000_000, 3);
    } else if ns % 1000 == 0 {
        push_digits(out, ns / 1000, 6);
    } else {
        push_digits(out, ns, 9);
    }
    let offset = v.offset();
    if offset.is_utc() {
        out.push(b'Z');
    } else {
        let (oh, om, _) = offset.as_hms();
        out.push(if offset.is_negative() { b'-' } else { b'+' });
        push2(out, oh.unsigned_abs());
        out.push(b':');
        push2(out, om.unsigned_abs());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `YYYY-MM-DDTHH:MM:SS.mmmZ` fast path gives what the general parser gives, for valid
    /// text and for every single-byte corruption of it (which the fast path must refuse or
    /// read identically).
    #[test]
    fn fast_path_agrees_with_the_general_parser() {
        let samples = [
            "2024-05-01T08:00:01.536Z",
            "2024-02-29T23:59:59.999Z",
            "0000-01-01T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
            "2023-02-29T00:00:00.000Z",
            "2024-04-31T00:00:00.000Z",
            "2024-13-01T00:00:00.000Z",
            "2024-00-10T00:00:00.000Z",
            "2024-01-00T00:00:00.000Z",
            "2024-01-01T24:00:00.000Z",
            "2024-01-01T00:60:00.000Z",
            "2024-01-01T00:00:60.000Z",
        ];
        let replacements = [
            b'0', b'1', b'9', b'/', b':', b'-', b'.', b'T', b'Z', b'z', b' ', b'a', 0xff,
        ];
        for s in samples {
            let general = parse_datetime_general(s).ok();
            assert_eq!(parse_utc_millis(s.as_bytes()), general, "{s}");
            assert_eq!(parse_datetime_text(s).ok(), general, "{s}");
            for at in 0..s.len() {
                for &c in &replacements {
                    let mut b = s.as_bytes().to_vec();
                    b[at] = c;
                    let Ok(t) = std::str::from_utf8(&b) else {
                        assert_eq!(parse_utc_millis(&b), None);
                        continue;
                    };
                    let general = parse_datetime_general(t).ok();
                    if let Some(fast) = parse_utc_millis(&b) {
                        assert_eq!(Some(fast), general, "{t}");
                    }
                    assert_eq!(parse_datetime_text(t).ok(), general, "{t}");
                }
            }
        }
    }
}
