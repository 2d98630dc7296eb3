//! Unit tests of the JSON codec.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::*;

// ----- models written the way the generator writes them -----

#[derive(Debug, Default, Clone, PartialEq)]
struct Presence {
    state: Option<String>,
    since: Option<OffsetDateTime>,
    unknown_fields: UnknownFields,
}

impl FromJson for Presence {
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        // The shape CONTRACT.md recommends (cheapest to compile); the other models use
        // `"key" => v.field = r.read()?,` arms, which decode the same.
        let mut v = Self::default();
        r.begin_object()?;
        while let Some(k) = r.next_key()? {
            let res = match &*k {
                "state" => r.read_into(&mut v.state),
                "since" => r.read_into(&mut v.since),
                _ => r.read_unknown(&k, &mut v.unknown_fields),
            };
            res?;
        }
        Ok(v)
    }
}

impl ToJson for Presence {
    fn to_json(&self, w: &mut JsonWriter) {
        let mut o = w.begin_object();
        o.field("state", &self.state);
        o.field("since", &self.since);
        o.extra(&self.unknown_fields);
        o.end();
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
struct User {
    id: Option<String>,
    name: Option<String>,
    age: Option<i32>,
    score: Option<f64>,
    active: Option<bool>,
    presence: Option<Box<Presence>>,
    tags: Option<Vec<String>>,
    attrs: Option<BTreeMap<String, Option<i64>>>,
    birthday: Option<Date>,
    raw: Option<Value>,
    unknown_fields: UnknownFields,
}

impl FromJson for User {
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        let mut v = Self::default();
        r.begin_object()?;
        while let Some(k) = r.next_key()? {
            match &*k {
                "id" => v.id = r.read()?,
                "name" => v.name = r.read()?,
                "age" => v.age = r.read()?,
                "score" => v.score = r.read()?,
                "active" => v.active = r.read()?,
                "presence" => v.presence = r.read()?,
                "tags" => v.tags = r.read()?,
                "attrs" => v.attrs = r.read()?,
                "birthday" => v.birthday = r.read()?,
                "raw" => v.raw = r.read()?,
                _ => r.read_unknown(&k, &mut v.unknown_fields)?,
            }
        }
        Ok(v)
    }
}

impl ToJson for User {
    fn to_json(&self, w: &mut JsonWriter) {
        let mut o = w.begin_object();
        o.field("id", &self.id);
        o.field("name", &self.name);
        o.field("age", &self.age);
        o.field("score", &self.score);
        o.field("active", &self.active);
        o.field("presence", &self.presence);
        o.field("tags", &self.tags);
        o.field("attrs", &self.attrs);
        o.field("birthday", &self.birthday);
        o.field("raw", &self.raw);
        o.extra(&self.unknown_fields);
        o.end();
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Page {
    entities: Option<Vec<User>>,
    page_size: Option<i64>,
    unknown_fields: UnknownFields,
}

impl FromJson for Page {
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        let mut v = Self::default();
        r.begin_object()?;
        while let Some(k) = r.next_key()? {
            match &*k {
                "entities" => v.entities = r.read()?,
                "pageSize" => v.page_size = r.read()?,
                _ => r.read_unknown(&k, &mut v.unknown_fields)?,
            }
        }
        Ok(v)
    }
}

impl ToJson for Page {
    fn to_json(&self, w: &mut JsonWriter) {
        let mut o = w.begin_object();
        o.field("entities", &self.entities);
        o.field("pageSize", &self.page_size);
        o.extra(&self.unknown_fields);
        o.end();
    }
}

// ----- the same models through the closure API (`read_object` / `read_array`) -----

struct LegacyPresence(Presence);

impl FromJson for LegacyPresence {
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        let mut v = Presence::default();
        r.read_object(&mut |r, k| {
            match k {
                "state" => v.state = r.read()?,
                "since" => v.since = r.read()?,
                _ => r.read_unknown(k, &mut v.unknown_fields)?,
            }
            Ok(())
        })?;
        Ok(Self(v))
    }
}

struct LegacyUser(User);

impl FromJson for LegacyUser {
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        let mut v = User::default();
        r.read_object(&mut |r, k| {
            match k {
                "id" => v.id = r.read()?,
                "name" => v.name = r.read()?,
                "age" => v.age = r.read()?,
                "score" => v.score = r.read()?,
                "active" => v.active = r.read()?,
                "presence" => {
                    v.presence = r.read::<Option<LegacyPresence>>()?.map(|p| Box::new(p.0))
                }
                "tags" if !r.read_null()? => {
                    let mut tags = Vec::new();
                    r.read_array(&mut |r, _| {
                        tags.push(r.read()?);
                        Ok(())
                    })?;
                    v.tags = Some(tags);
                }
                "attrs" if !r.read_null()? => {
                    let mut attrs = BTreeMap::new();
                    r.read_object(&mut |r, k| {
                        attrs.insert(k.to_owned(), r.read()?);
                        Ok(())
                    })?;
                    v.attrs = Some(attrs);
                }
                "tags" => v.tags = None,
                "attrs" => v.attrs = None,
                "birthday" => v.birthday = r.read()?,
                "raw" => v.raw = r.read()?,
                _ => r.read_unknown(k, &mut v.unknown_fields)?,
            }
            Ok(())
        })?;
        Ok(Self(v))
    }
}

struct LegacyPage(Page);

impl FromJson for LegacyPage {
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        let mut v = Page::default();
        r.read_object(&mut |r, k| {
            match k {
                "entities" if !r.read_null()? => {
                    let mut entities = Vec::new();
                    r.read_array(&mut |r, _| {
                        entities.push(r.read::<LegacyUser>()?.0);
                        Ok(())
                    })?;
                    v.entities = Some(entities);
                }
                "entities" => v.entities = None,
                "pageSize" => v.page_size = r.read()?,
                _ => r.read_unknown(k, &mut v.unknown_fields)?,
            }
            Ok(())
        })?;
        Ok(Self(v))
    }
}

const SAMPLE: &str = r#"{
  "entities": [
    {
      "id": "a1b2c3",
      "name": "Ann \"The\" Agent \u00e9\ud83d\ude00",
      "age": 42,
      "score": -12.5e-1,
      "active": true,
      "presence": {"state": "Available", "since": "2024-02-29T13:45:01.123Z", "extra": [1, 2.5, null]},
      "tags": ["x", "y\n", ""],
      "attrs": {"a": 1, "b": null, "c": -9223372036854775808},
      "birthday": "1990-07-04",
      "raw": {"nested": [true, false, {"k": "v"}], "n": 18446744073709551615},
      "selfUri": "/api/v2/users/a1b2c3"
    },
    {"id": "d4", "presence": null, "tags": [], "attrs": {}},
    {}
  ],
  "pageSize": 25,
  "total": 1e3,
  "odd key \u0022 ": [[], {}, "", 0, -0, 0.0]
}"#;

fn sample_page() -> Page {
    from_str(SAMPLE).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn dt(y: i32, mo: u8, d: u8, h: u8, mi: u8, s: u8, ns: u32, off: (i8, i8, i8)) -> OffsetDateTime {
    let date = Date::from_calendar_date(y, Month::try_from(mo).unwrap(), d).unwrap();
    let time = Time::from_hms_nano(h, mi, s, ns).unwrap();
    PrimitiveDateTime::new(date, time)
        .assume_offset(UtcOffset::from_hms(off.0, off.1, off.2).unwrap())
}

// ----- typed models -----

#[test]
fn sample_decodes() {
    let p = sample_page();
    let e = p.entities.as_ref().unwrap();
    assert_eq!(e.len(), 3);
    let u = &e[0];
    assert_eq!(u.id.as_deref(), Some("a1b2c3"));
    assert_eq!(u.name.as_deref(), Some("Ann \"The\" Agent \u{e9}\u{1F600}"));
    assert_eq!(u.age, Some(42));
    assert_eq!(u.score, Some(-1.25));
    assert_eq!(u.active, Some(true));
    let pr = u.presence.as_ref().unwrap();
    assert_eq!(pr.state.as_deref(), Some("Available"));
    assert_eq!(
        pr.since,
        Some(dt(2024, 2, 29, 13, 45, 1, 123_000_000, (0, 0, 0)))
    );
    assert_eq!(pr.unknown_fields["extra"], json!([1, 2.5, null]));
    assert_eq!(
        u.tags.as_deref(),
        Some(&["x".to_owned(), "y\n".to_owned(), String::new()][..])
    );
    let attrs = u.attrs.as_ref().unwrap();
    assert_eq!(attrs["a"], Some(1));
    assert_eq!(attrs["b"], None);
    assert_eq!(attrs["c"], Some(i64::MIN));
    assert_eq!(
        u.birthday,
        Some(Date::from_calendar_date(1990, Month::July, 4).unwrap())
    );
    assert_eq!(
        u.raw,
        Some(json!({"nested": [true, false, {"k": "v"}], "n": 18446744073709551615u64}))
    );
    assert_eq!(u.unknown_fields["selfUri"], json!("/api/v2/users/a1b2c3"));
    assert_eq!(e[1].presence, None);
    assert_eq!(e[1].tags, Some(vec![]));
    assert_eq!(e[2], User::default());
    assert_eq!(p.page_size, Some(25));
    assert_eq!(p.unknown_fields["total"], json!(1000.0));
    assert_eq!(
        p.unknown_fields["odd key \" "],
        json!([[], {}, "", 0, -0.0, 0.0])
    );
}

#[test]
fn sample_round_trips() {
    let p = sample_page();
    let text = to_string(&p);
    let again: Page = from_str(&text).unwrap();
    assert_eq!(again, p);
    // Our output is valid JSON that serde_json agrees with.
    let ours: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(ours, to_value(&p));
    // Absent fields are skipped; None inside maps and arrays is written as null.
    assert!(!text.contains("\"presence\":null"));
    assert!(text.contains("\"b\":null"));
    // The same content as the input (numbers compared as values).
    let input: Value = serde_json::from_str(SAMPLE).unwrap();
    let mut input_fixed = input.clone();
    // `presence: null` is absent on output.
    input_fixed["entities"][1]
        .as_object_mut()
        .unwrap()
        .remove("presence");
    assert_eq!(ours, input_fixed);
}

#[test]
fn model_given_non_object_is_an_error() {
    let e = from_str::<Presence>("\"x\"").unwrap_err();
    assert_eq!(e.message(), "invalid type: expected object, found string");
    assert_eq!(e.offset(), Some(0));
    assert_eq!(e.path(), "");
    let e = from_str::<Page>(r#"{"entities": [{"presence": 5}]}"#).unwrap_err();
    assert_eq!(e.message(), "invalid type: expected object, found number");
    assert_eq!(e.path(), "entities[0].presence");
    // null for a model through Option is None
    let u: User = from_str(r#"{"presence": null}"#).unwrap();
    assert_eq!(u.presence, None);
}

#[test]
fn error_paths_and_display() {
    let doc = r#"{"entities": [{}, {}, {}, {"presence": {"state": 5}}]}"#;
    let e = from_str::<Page>(doc).unwrap_err();
    assert_eq!(e.path(), "entities[3].presence.state");
    assert_eq!(e.message(), "invalid type: expected string, found number");
    assert_eq!(e.offset(), Some(doc.find('5').unwrap()));
    assert_eq!(
        e.to_string(),
        format!(
            "invalid type: expected string, found number at `entities[3].presence.state` (byte {})",
            doc.find('5').unwrap()
        )
    );
    // Path through maps, Value and nested arrays.
    let e = from_str::<Page>(r#"{"entities": [{"attrs": {"x.y": 1, "z": "s"}}]}"#).unwrap_err();
    assert_eq!(e.path(), "entities[0].attrs.z");
    let e = from_str::<Page>(r#"{"entities": [{"attrs": {"x.y": 1.5}}]}"#).unwrap_err();
    assert_eq!(e.path(), r#"entities[0].attrs["x.y"]"#);
    assert!(e.message().contains("non-integral"), "{e}");
    let e = from_str::<Vec<Vec<bool>>>("[[true],[false, 1]]").unwrap_err();
    assert_eq!(e.path(), "[1][1]");
    assert_eq!(e.message(), "invalid type: expected boolean, found number");
    let e = from_str::<BTreeMap<String, i64>>(r#"{"": true}"#).unwrap_err();
    assert_eq!(e.path(), r#"[""]"#);
    // Syntax errors get the path of the enclosing value.
    let e = from_str::<Page>(r#"{"unknownThing": {"a": [1, 2 3]}}"#).unwrap_err();
    assert_eq!(e.path(), "unknownThing.a");
    assert_eq!(e.message(), "expected `,` or `]` in array, found `3`");
    // Root errors have no path in Display.
    let e = from_str::<i64>("true").unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid type: expected integer, found boolean (byte 0)"
    );
    let e = DecodeError::custom("bad");
    assert_eq!(e.to_string(), "bad");
    assert_eq!(e.offset(), None);
    let e = DecodeError::custom("bad")
        .in_field("b")
        .in_index(2)
        .in_field("a");
    assert_eq!(e.to_string(), "bad at `a[2].b`");
    assert!(format!("{e:?}").contains("a[2].b"));
    fn assert_traits<T: std::error::Error + Send + Sync + Clone + PartialEq + 'static>() {}
    assert_traits::<DecodeError>();
    assert_eq!(
        std::mem::size_of::<DecodeError>(),
        std::mem::size_of::<usize>()
    );
}

#[test]
fn custom_errors_get_the_value_offset() {
    #[derive(Debug)]
    struct Even(#[allow(dead_code)] i64);
    impl FromJson for Even {
        fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
            let v = r.read_i64()?;
            if v % 2 == 0 {
                Ok(Even(v))
            } else {
                Err(DecodeError::custom("odd"))
            }
        }
    }
    let doc = r#"{"a": [2,  7]}"#;
    let e = from_str::<BTreeMap<String, Vec<Even>>>(doc).unwrap_err();
    assert_eq!(e.message(), "odd");
    assert_eq!(e.path(), "a[1]");
    assert_eq!(e.offset(), Some(doc.find('7').unwrap()));
}

#[test]
fn callback_that_does_not_consume_is_an_error() {
    let mut r = JsonReader::new(br#"{"a": 1}"#);
    let e = r.read_object(&mut |_, _| Ok(())).unwrap_err();
    assert!(
        e.message().starts_with("expected `,` or `}` in object"),
        "{e}"
    );
    let mut r = JsonReader::new(b"[1, 2]");
    let e = r.read_array(&mut |_, _| Ok(())).unwrap_err();
    assert!(
        e.message().starts_with("expected `,` or `]` in array"),
        "{e}"
    );
    // Consuming too much is also caught.
    let mut r = JsonReader::new(b"[1, 2]");
    let e = r
        .read_array(&mut |r, _| {
            r.read_i64()?;
            r.read_i64()?;
            Ok(())
        })
        .unwrap_err();
    assert!(e.message().contains("expected integer"), "{e}");
}

#[test]
fn reader_primitives() {
    let mut r = JsonReader::new(b"  [ null , true,false ,  \"s\" ] ");
    assert_eq!(r.peek(), Some(b'['));
    let mut seen = Vec::new();
    r.read_array(&mut |r, i| {
        seen.push(i);
        match i {
            0 => assert!(r.read_null()?),
            1 => {
                assert!(!r.read_null()?);
                assert!(r.read_bool()?);
            }
            2 => assert!(!r.read_bool()?),
            _ => assert_eq!(r.read_str()?, "s"),
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, [0, 1, 2, 3]);
    r.finish().unwrap();
    assert_eq!(r.peek(), None);
    assert_eq!(r.depth(), 0);

    for bad in ["nul", "nulL", "tru", "trux", "fals", "falsy", "n"] {
        assert!(
            JsonReader::new(bad.as_bytes()).skip_value().is_err(),
            "{bad}"
        );
    }
    assert!(JsonReader::new(b"nul").read_null().is_err());
    assert_eq!(JsonReader::new(b"").peek(), None);
    assert!(!JsonReader::new(b"").read_null().unwrap());
}

#[test]
fn finish_rejects_trailing_characters() {
    assert_eq!(from_str::<i64>(" 1 \n\t\r ").unwrap(), 1);
    let e = from_str::<i64>("1 2").unwrap_err();
    assert_eq!(e.offset(), Some(2));
    assert!(e.message().starts_with("trailing characters"), "{e}");
    assert!(from_str::<Value>("{} x").is_err());
    assert!(from_str::<Value>("[]]").is_err());
    assert!(from_str::<Value>("").is_err());
    assert!(from_str::<Value>("   ").is_err());
    assert!(from_str::<()>("").is_err());
}

// ----- strings -----

#[test]
fn string_escapes() {
    let cases: &[(&str, &str)] = &[
        (r#""""#, ""),
        (r#""plain""#, "plain"),
        (r#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{c}\n\r\t"),
        (
            r#""\u0000\u001f\u0041\u00e9\u20AC\uFFFF""#,
            "\0\u{1f}A\u{e9}\u{20ac}\u{ffff}",
        ),
        (r#""\ud83d\ude00""#, "\u{1F600}"),
        (r#""\uD834\uDD1E x""#, "\u{1D11E} x"),
        (r#""\uDBFF\uDFFF""#, "\u{10FFFF}"),
        (r#""a\nb""#, "a\nb"),
        (r#""ünïcødé 😀 raw""#, "ünïcødé 😀 raw"),
        (
            r#""long string with an escape near the end, past the 8-byte chunks\n.""#,
            "long string with an escape near the end, past the 8-byte chunks\n.",
        ),
        ("\"\u{7f}\"", "\u{7f}"),
    ];
    for (src, want) in cases {
        let got = JsonReader::new(src.as_bytes()).read_str().unwrap();
        assert_eq!(got, *want, "{src}");
        let via_serde: String = serde_json::from_str(src).unwrap();
        assert_eq!(via_serde, *want, "{src}");
    }
}

#[test]
fn strings_without_escapes_are_borrowed() {
    let src = br#"["abcdefghijklmnopqrstuvwxyz", "a\nb", "", "\u00e9"]"#;
    let mut r = JsonReader::new(src);
    let mut kinds = Vec::new();
    r.read_array(&mut |r, _| {
        kinds.push(matches!(r.read_str()?, Cow::Borrowed(_)));
        Ok(())
    })
    .unwrap();
    assert_eq!(kinds, [true, false, true, false]);
}

#[test]
fn string_errors() {
    let cases: &[(&[u8], &str, usize)] = &[
        (br#""\ud83d""#, "lone leading surrogate", 1),
        (br#""\ud83dx""#, "lone leading surrogate", 1),
        (br#""\ud83d\n""#, "lone leading surrogate", 1),
        (br#""\ude00""#, "lone trailing surrogate", 1),
        (br#""\ud83d\u0041""#, "invalid surrogate pair", 7),
        (br#""\x""#, "invalid escape `\\x`", 1),
        (br#""\u12G4""#, "invalid \\u escape", 5),
        (br#""\U0041""#, "invalid escape", 1),
        (b"\"a\nb\"", "control character (\\u000a) in string", 2),
        (b"\"a\tb\"", "control character (\\u0009) in string", 2),
        (b"\"\x00\"", "control character (\\u0000)", 1),
        (b"\"abc\xff\"", "invalid UTF-8 in string", 4),
        (b"\"\xc3\"", "invalid UTF-8 in string", 1),
        (b"\"a\\n\xed\xa0\x80\"", "invalid UTF-8 in string", 4),
        (b"\"abc", "unexpected end of input in string", 4),
        (b"\"abc\\", "unexpected end of input in string", 5),
        (b"\"\\u00", "unexpected end of input in string", 5),
        (b"\"\\ud83d", "unexpected end of input in string", 7),
        (b"\"\\ud83d\\", "unexpected end of input in string", 8),
        (b"\"\\ud83d\\u", "unexpected end of input in string", 9),
    ];
    for &(src, msg, offset) in cases {
        let e = JsonReader::new(src).read_str().unwrap_err();
        assert!(
            e.message().contains(msg),
            "{:?}: {e}",
            String::from_utf8_lossy(src)
        );
        assert_eq!(
            e.offset(),
            Some(offset),
            "{:?}: {e}",
            String::from_utf8_lossy(src)
        );
        assert!(serde_json::from_slice::<Value>(src).is_err());
        // skip_value validates the same way
        assert!(JsonReader::new(src).skip_value().is_err());
    }
    let e = JsonReader::new(b"5").read_str().unwrap_err();
    assert_eq!(e.message(), "invalid type: expected string, found number");
    let e = JsonReader::new(b"").read_str().unwrap_err();
    assert_eq!(e.message(), "unexpected end of input, expected string");
    let e = JsonReader::new(b"'a'").read_str().unwrap_err();
    assert_eq!(e.message(), "expected string, found `'`");
}

#[test]
fn scan_finds_specials_at_every_position() {
    // Exercise the 8-byte scanner: a special byte at each position of a long string.
    for len in 0..40 {
        for special in [b'"', b'\\', b'\n', 0x1f] {
            let mut s = vec![b'"'];
            s.extend(std::iter::repeat_n(b'a', len));
            s.push(special);
            s.extend(std::iter::repeat_n(b'\x01', 3)); // bytes just above 0 and below ' '
            let r = JsonReader::new(&s).read_str();
            match special {
                b'"' => assert_eq!(r.unwrap().len(), len),
                _ => assert!(r.is_err()),
            }
        }
        // Bytes >= 0x80 and 0x21/0x5d/0x5b near quote/backslash values are not special.
        let body: String = "é#]![~\u{7f}".repeat(len);
        let s = format!("\"{body}\"");
        assert_eq!(JsonReader::new(s.as_bytes()).read_str().unwrap(), body);
    }
}

// ----- numbers -----

#[test]
fn read_i64_cases() {
    let ok: &[(&str, i64)] = &[
        ("0", 0),
        ("-0", 0),
        ("7", 7),
        ("-7", -7),
        ("123456789012345678", 123_456_789_012_345_678),
        ("9223372036854775807", i64::MAX),
        ("-9223372036854775808", i64::MIN),
        ("3.0", 3),
        ("3.000", 3),
        ("-3.0", -3),
        ("3e2", 300),
        ("3E+2", 300),
        ("0.5e1", 5),
        ("120e-1", 12),
        ("-0.0", 0),
        ("0e999999999999999999999", 0),
        ("0.000e-5", 0),
        ("1000000000000000000000e-3", 1_000_000_000_000_000_000),
        ("9.223372036854775807e18", i64::MAX),
        ("-9.223372036854775808e18", i64::MIN),
        ("92233720368547758070e-1", i64::MAX),
        ("1e18", 1_000_000_000_000_000_000),
        ("0000", 0),
    ];
    for &(src, want) in ok {
        if src == "0000" {
            // leading zeros are not JSON
            assert!(JsonReader::new(src.as_bytes()).read_i64().is_err());
            continue;
        }
        assert_eq!(from_str::<i64>(src), Ok(want), "{src}");
    }
    let err: &[(&str, &str)] = &[
        ("9223372036854775808", "out of range"),
        ("-9223372036854775809", "out of range"),
        ("18446744073709551616", "out of range"),
        ("99999999999999999999999999", "out of range"),
        ("1e19", "out of range"),
        ("1e400", "out of range"),
        ("-1e400", "out of range"),
        ("9.223372036854775808e18", "out of range"),
        ("3.5", "non-integral"),
        ("1e-1", "non-integral"),
        ("1.000000000000000000001", "non-integral"),
        ("1e-99999999999999999999", "non-integral"),
        ("01", "leading zero"),
        ("-", "digit in number"),
        ("-a", "digit in number"),
        ("1.", "digit after `.`"),
        ("1.e5", "digit after `.`"),
        ("1e", "digit in exponent"),
        ("1e+", "digit in exponent"),
        (".5", "expected integer"),
        ("+1", "expected integer"),
        ("\"1\"", "expected integer, found string"),
        ("null", "expected integer, found null"),
        ("", "unexpected end of input"),
    ];
    for &(src, msg) in err {
        let e = from_str::<i64>(src).unwrap_err();
        assert!(e.message().contains(msg), "{src}: {e}");
    }
    // Error text shows the number, shortened.
    let long = format!("1{}", "0".repeat(100));
    let e = from_str::<i64>(&long).unwrap_err();
    assert!(e.message().len() < 100, "{e}");
}

#[test]
fn read_i32_cases() {
    assert_eq!(from_str::<i32>("2147483647"), Ok(i32::MAX));
    assert_eq!(from_str::<i32>("-2147483648"), Ok(i32::MIN));
    assert_eq!(from_str::<i32>("2e3"), Ok(2000));
    let e = from_str::<i32>(" 2147483648").unwrap_err();
    assert_eq!(e.message(), "number out of range for i32: 2147483648");
    assert_eq!(e.offset(), Some(1));
    assert!(from_str::<i32>("-2147483649").is_err());
    assert!(from_str::<i32>("1.5").is_err());
}

#[test]
fn read_f64_cases() {
    let ok: &[(&str, f64)] = &[
        ("0", 0.0),
        ("1", 1.0),
        ("-1", -1.0),
        ("0.1", 0.1),
        ("-12.5e-1", -1.25),
        ("1E2", 100.0),
        ("1e+2", 100.0),
        ("123456789012345", 123_456_789_012_345.0),
        ("9007199254740993", 9_007_199_254_740_992.0),
        ("18446744073709551616", 18_446_744_073_709_551_616.0),
        ("1.7976931348623157e308", f64::MAX),
        ("-1.7976931348623157e308", f64::MIN),
        ("5e-324", 5e-324),
        ("1e-400", 0.0),
        ("2.2250738585072014e-308", 2.2250738585072014e-308),
        ("0.30000000000000004", 0.30000000000000004),
        // serde_json without `float_roundtrip` is 1 ulp off on this one.
        ("-1.5e-300", -1.5e-300),
        // Exactly halfway between two doubles: ties to even; a hair above: rounds up.
        (
            "1.00000000000000011102230246251565404236316680908203125",
            1.0,
        ),
        (
            "1.00000000000000011102230246251565404236316680908203126",
            1.0000000000000002,
        ),
    ];
    for &(src, want) in ok {
        let got = from_str::<f64>(src).unwrap();
        assert_eq!(got.to_bits(), want.to_bits(), "{src}");
    }
    let neg_zero = from_str::<f64>("-0").unwrap();
    assert!(neg_zero == 0.0 && neg_zero.is_sign_negative());
    assert!(from_str::<f64>("-0.0").unwrap().is_sign_negative());
    assert!(from_str::<f64>("-1e-400").unwrap().is_sign_negative());
    for bad in [
        "1e400", "-1e400", "1.8e308", "NaN", "Infinity", "-", "1.", "01.5", "\"1\"", "",
    ] {
        assert!(from_str::<f64>(bad).is_err(), "{bad}");
    }
    let e = from_str::<f64>("1e400").unwrap_err();
    assert_eq!(e.message(), "number out of range: 1e400");
}

#[test]
fn value_numbers_match_serde_json() {
    let cases = [
        "0",
        "-0",
        "-0.0",
        "1",
        "-1",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999999",
        "-99999999999999999999999",
        "1.5",
        "1e2",
        "1E-2",
        "123.456e7",
        "3.0",
        "1e-400",
    ];
    for src in cases {
        let ours = from_str::<Value>(src).unwrap();
        let theirs: Value = serde_json::from_str(src).unwrap();
        assert_eq!(ours, theirs, "{src}");
        assert_eq!(ours.is_u64(), theirs.is_u64(), "{src}");
        assert_eq!(ours.is_i64(), theirs.is_i64(), "{src}");
        assert_eq!(ours.is_f64(), theirs.is_f64(), "{src}");
        if let (Some(a), Some(b)) = (ours.as_f64(), theirs.as_f64()) {
            assert_eq!(a.to_bits(), b.to_bits(), "{src}");
        }
    }
    assert!(from_str::<Value>("1e400").is_err());
    assert!(serde_json::from_str::<Value>("1e400").is_err());
}

// ----- Value -----

const DOCS: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "\"\"",
    "[]",
    "{}",
    "[[[]],{},[{}]]",
    r#"{"a":1,"b":[1,2,3],"c":{"d":null,"e":"f"}}"#,
    r#"{"dup":1,"dup":2}"#,
    r#"{"z":1,"a":2,"m":{"y":[],"b":{}}}"#,
    r#"  [ 1 , -2 , 3.25 , -0 , 1e10 , 1E-7 , 12345678901234567890 , "\u00e9\ud83d\ude00" ]  "#,
    r#"{"esc\"aped\nkey":"va\\lue","":""}"#,
    r#"[0.1,0.2,0.30000000000000004,1.7976931348623157e308,5e-324,-1.5e-300]"#,
    r#"{"unicode":"日本語テキスト","emoji":"👍🏽"}"#,
];

#[test]
fn value_matches_serde_json() {
    for doc in DOCS.iter().copied().chain([SAMPLE]) {
        let ours: Value = from_str(doc).unwrap();
        let theirs: Value = serde_json::from_str(doc).unwrap();
        // serde_json (without its `float_roundtrip` feature) may be 1 ulp off on some floats
        // (e.g. -1.5e-300); ours are correctly rounded.
        assert!(approx_eq(&ours, &theirs), "{doc}: {ours} vs {theirs}");
        // Our writer's output reads back to the same value, in both parsers.
        let text = to_string(&ours);
        assert!(
            approx_eq(&serde_json::from_str::<Value>(&text).unwrap(), &ours),
            "{text}"
        );
        assert_eq!(from_str::<Value>(&text).unwrap(), ours, "{text}");
        let ours = theirs.clone();
        // Without floats, the text is exactly serde_json's compact output.
        if !doc.contains('.') && !doc.contains('e') && !doc.contains("-0") {
            assert_eq!(text, serde_json::to_string(&theirs).unwrap(), "{doc}");
        }
        // to_value / from_value
        assert_eq!(to_value(&ours), theirs);
        assert_eq!(from_value::<Value>(&theirs).unwrap(), theirs);
        // skip_value accepts it
        from_str::<()>(doc).unwrap();
    }
}

#[test]
fn from_value_and_to_value_for_models() {
    let p = sample_page();
    let v = to_value(&p);
    assert_eq!(
        v["entities"][0]["presence"]["since"],
        json!("2024-02-29T13:45:01.123Z")
    );
    let back: Page = from_value(&v).unwrap();
    assert_eq!(back, p);
    let e = from_value::<Page>(&json!({"pageSize": "x"})).unwrap_err();
    assert_eq!(e.path(), "pageSize");
}

// ----- depth -----

fn nested(open: &str, close: &str, n: usize) -> String {
    format!("{}{}", open.repeat(n), close.repeat(n))
}

#[test]
fn depth_limit() {
    let limit = MAX_DEPTH as usize;
    assert_eq!(limit, 256);
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let inner_close = if open == "[" {
            close.to_owned()
        } else {
            "1}".to_owned()
        };
        let make = |n: usize| {
            if open == "[" {
                nested(open, close, n)
            } else {
                format!("{}1{}", open.repeat(n), "}".repeat(n))
            }
        };
        let _ = inner_close;
        let ok = make(limit);
        let bad = make(limit + 1);
        from_str::<Value>(&ok).unwrap();
        from_str::<()>(&ok).unwrap();
        let e = from_str::<Value>(&bad).unwrap_err();
        assert!(e.message().contains("nesting too deep"), "{e}");
        assert_eq!(e.offset(), Some(limit * open.len()));
        assert!(from_str::<()>(&bad).is_err());
        // Very deep input: error, no stack overflow.
        let huge = open.repeat(1_000_000);
        assert!(from_str::<Value>(&huge).is_err());
        assert!(from_str::<()>(&huge).is_err());
    }
    // Typed nesting counts too.
    type Deep = Vec<Vec<Vec<Vec<Value>>>>;
    let ok = nested("[", "]", limit);
    assert!(from_str::<Deep>(&ok).is_ok());
    assert!(from_str::<Deep>(&nested("[", "]", limit + 1)).is_err());
    // Depth is restored after each container.
    let wide = format!("[{}]", vec![nested("[", "]", limit - 1); 10].join(","));
    from_str::<Value>(&wide).unwrap();
}

// ----- robustness -----

/// Decodes `bytes` as many types; every error must point inside (or at the end of) the input.
fn check_no_panic(bytes: &[u8]) {
    fn check<T: FromJson>(bytes: &[u8]) {
        if let Err(e) = from_slice::<T>(bytes) {
            let offset = e.offset().expect("reader errors have an offset");
            assert!(offset <= bytes.len(), "{e}");
            let _ = e.to_string();
        }
    }
    check::<Value>(bytes);
    check::<()>(bytes);
    check::<Page>(bytes);
    check::<Vec<User>>(bytes);
    check::<i64>(bytes);
    check::<f64>(bytes);
    check::<String>(bytes);
    check::<OffsetDateTime>(bytes);
    check::<Date>(bytes);
}

#[test]
fn truncated_input_always_errors() {
    let docs: Vec<&str> = DOCS
        .iter()
        .copied()
        .filter(|d| d.trim().starts_with(['{', '[', '"']))
        .chain([SAMPLE])
        .collect();
    for doc in docs {
        let doc = doc.trim();
        let bytes = doc.as_bytes();
        for cut in 0..bytes.len() {
            let part = &bytes[..cut];
            check_no_panic(part);
            let e = from_slice::<Value>(part).unwrap_err();
            assert!(e.offset().unwrap() <= cut, "{cut}: {e}");
            assert!(from_slice::<()>(part).is_err(), "{cut}");
            if doc == SAMPLE.trim() {
                let e = from_slice::<Page>(part).unwrap_err();
                assert!(e.offset().unwrap() <= cut, "{cut}: {e}");
            }
        }
    }
}

/// A small deterministic generator for the fuzz-style tests.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn approx_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            x.is_f64() == y.is_f64() && {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                x == y || ((x - y) / x).abs() < 1e-15
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| approx_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, a), (kb, b))| ka == kb && approx_eq(a, b))
        }
        _ => a == b,
    }
}

#[test]
fn mutated_input_agrees_with_serde_json() {
    let alphabet = b"{}[]\",:\\/ \n0123456789-+.eEtrufalsn\x00\x1f\x7f\xc3\xa9\xff\xed\xa0\x80u";
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let base = SAMPLE.as_bytes();
    for round in 0..3000 {
        let mut doc = base.to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(doc.len() + 1);
            match rng.below(3) {
                0 if at < doc.len() => doc[at] = alphabet[rng.below(alphabet.len())],
                1 if at < doc.len() => {
                    doc.remove(at);
                }
                _ => doc.insert(at, alphabet[rng.below(alphabet.len())]),
            }
        }
        check_no_panic(&doc);
        let ours = from_slice::<Value>(&doc);
        let theirs = serde_json::from_slice::<Value>(&doc);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert!(
                approx_eq(a, b),
                "round {round}: {}",
                String::from_utf8_lossy(&doc)
            ),
            (Err(_), Err(_)) => {}
            _ => panic!(
                "round {round}: ours {ours:?} theirs {theirs:?} for {}",
                String::from_utf8_lossy(&doc)
            ),
        }
        // Skipping checks the syntax, not the range of numbers (like serde's IgnoredAny).
        let skipped = from_slice::<()>(&doc);
        if ours.is_ok() || skipped.is_ok() {
            let range_error = ours
                .as_ref()
                .is_err_and(|e| e.message().contains("out of range"));
            assert!(
                ours.is_ok() == skipped.is_ok() || range_error,
                "round {round}: {ours:?}"
            );
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let alphabet = b"{}[]\",:\\ 0123456789-.eEtrufalsnu\xc3\xa9\xff";
    let mut rng = Rng(12345);
    for _ in 0..3000 {
        let len = rng.below(40);
        let doc: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        check_no_panic(&doc);
        let ours = from_slice::<Value>(&doc);
        let theirs = serde_json::from_slice::<Value>(&doc);
        assert_eq!(
            ours.is_ok(),
            theirs.is_ok(),
            "{}",
            String::from_utf8_lossy(&doc)
        );
    }
}

#[test]
fn syntax_errors() {
    let bad = [
        "{",
        "}",
        "[",
        "]",
        "[1,]",
        "{\"a\":1,}",
        "[,1]",
        "{,}",
        "{\"a\" 1}",
        "{\"a\":}",
        "{a:1}",
        "{1:1}",
        "[1 2]",
        "{\"a\":1 \"b\":2}",
        "[\"a\":1]",
        "{\"a\",1}",
        "'a'",
        "[01]",
        "[1.]",
        "[-]",
        "[.1]",
        "[1e]",
        "[+1]",
        "[NaN]",
        "[Infinity]",
        "[tru]",
        "[nulll]",
        "\u{feff}1",
        "[1]x",
        "1 1",
    ];
    for doc in bad {
        assert!(
            serde_json::from_str::<Value>(doc).is_err(),
            "serde accepts {doc}"
        );
        assert!(from_str::<Value>(doc).is_err(), "{doc}");
        assert!(from_str::<()>(doc).is_err(), "{doc}");
    }
    let e = from_str::<Value>("[1,]").unwrap_err();
    assert_eq!(e.message(), "trailing comma in array");
    let e = from_str::<Value>("{\"a\":1,}").unwrap_err();
    assert_eq!(e.message(), "trailing comma in object");
    let e = from_str::<Value>("{\"a\" 1}").unwrap_err();
    assert_eq!(e.message(), "expected `:` after object key, found `1`");
    assert_eq!(e.offset(), Some(5));
    let e = from_str::<Value>("[1").unwrap_err();
    assert_eq!(
        e.message(),
        "unexpected end of input, expected `,` or `]` in array"
    );
    let e = from_str::<Value>("[\u{1}]").unwrap_err();
    assert_eq!(e.message(), "expected value, found byte 0x01");
}

// ----- writer -----

#[test]
fn writer_scalars() {
    let mut w = JsonWriter::new();
    let mut a = w.begin_array();
    a.item(&true);
    a.item(&false);
    a.item(&());
    a.item(&0i64);
    a.item(&i64::MIN);
    a.item(&i64::MAX);
    a.item(&-5i32);
    a.item(&None::<i64>);
    a.item("s");
    a.end();
    assert_eq!(
        w.into_string(),
        r#"[true,false,null,0,-9223372036854775808,9223372036854775807,-5,null,"s"]"#
    );
}

#[test]
fn writer_floats() {
    let cases: &[(f64, &str)] = &[
        (3.0, "3.0"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (0.1, "0.1"),
        (-1.25, "-1.25"),
        (1e300, "1e300"),
        (1e-7, "1e-7"),
        (5e-324, "5e-324"),
        (f64::MAX, "1.7976931348623157e308"),
        (f64::NAN, "null"),
        (f64::INFINITY, "null"),
        (f64::NEG_INFINITY, "null"),
    ];
    for &(v, want) in cases {
        assert_eq!(to_string(&v), want);
        if v.is_finite() {
            // Reads back exactly, in both parsers.
            assert_eq!(from_str::<f64>(want).unwrap().to_bits(), v.to_bits());
            assert_eq!(
                serde_json::from_str::<f64>(want).unwrap().to_bits(),
                v.to_bits()
            );
        }
    }
    let mut rng = Rng(7);
    for _ in 0..2000 {
        let v = f64::from_bits(rng.next());
        if v.is_finite() {
            let text = to_string(&v);
            assert_eq!(
                from_str::<f64>(&text).unwrap().to_bits(),
                v.to_bits(),
                "{text}"
            );
            assert!(serde_json::from_str::<Value>(&text).is_ok(), "{text}");
        }
    }
}

#[test]
fn writer_strings() {
    let cases: &[(&str, &str)] = &[
        ("", r#""""#),
        ("plain", r#""plain""#),
        ("q\"b\\s/", r#""q\"b\\s/""#),
        ("\n\t\r\u{8}\u{c}", r#""\n\t\r\b\f""#),
        ("\0\u{1}\u{1f}\u{7f}", "\"\\u0000\\u0001\\u001f\u{7f}\""),
        ("é😀", "\"é😀\""),
    ];
    for &(v, want) in cases {
        assert_eq!(to_string(v), want);
        assert_eq!(to_string(&v.to_owned()), want);
        assert_eq!(from_str::<String>(want).unwrap(), v);
        assert_eq!(serde_json::to_string(v).unwrap(), want);
    }
    // Every char below 0x80 round-trips.
    let all: String = (0u8..0x80).map(char::from).collect();
    assert_eq!(from_str::<String>(&to_string(&all)).unwrap(), all);
    assert_eq!(to_string(&all), serde_json::to_string(&all).unwrap());
}

#[test]
fn object_writer_fields() {
    let mut extra = Map::new();
    // Inserted in sorted order: the same with or without serde_json's `preserve_order`.
    extra.insert("n".into(), json!(-3));
    extra.insert("x\"y".into(), json!([1, {"z": null}]));
    let mut w = JsonWriter::with_capacity(8);
    {
        let mut o = w.begin_object();
        o.field("absent", &None::<String>);
        o.field("a", &Some(1i64));
        o.field("b", &Some(Some(2i64)));
        o.field("c", "str");
        o.field_escaped("k\n", &true);
        o.field_escaped("skipped", &None::<bool>);
        o.entry("e", &None::<bool>);
        o.field("v", &vec![Some(1i64), None]);
        o.field("empty", &Vec::<i64>::new());
        o.field("boxed", &Box::new(Some(1.5f64)));
        o.field("boxed_none", &Box::new(None::<f64>));
        o.field(
            "m",
            &BTreeMap::from([("k".to_owned(), None::<i64>), ("j".to_owned(), Some(1))]),
        );
        o.extra(&UnknownFields::from(extra.clone()));
        o.end();
    }
    let text = w.into_string();
    assert_eq!(
        text,
        r#"{"a":1,"b":2,"c":"str","k\n":true,"e":null,"v":[1,null],"empty":[],"boxed":1.5,"m":{"j":1,"k":null},"n":-3,"x\"y":[1,{"z":null}]}"#
    );
    serde_json::from_str::<Value>(&text).unwrap();
    // Empty containers; `end` is also done on drop.
    assert_eq!(to_string(&Presence::default()), "{}");
    let mut w = JsonWriter::new();
    {
        let mut a = w.begin_array();
        a.item(&json!({}));
        a.item(&BTreeMap::<String, i64>::new());
    }
    assert_eq!(w.as_bytes(), b"[{},{}]");
    let mut w = JsonWriter::new();
    w.raw("[1]");
    assert_eq!(w.into_bytes(), b"[1]");
}

#[test]
fn from_text_and_from_empty() {
    assert_eq!(String::from_text("hello"), Some("hello".to_owned()));
    assert_eq!(
        Option::<String>::from_text("hello"),
        Some(Some("hello".to_owned()))
    );
    assert_eq!(
        Box::<String>::from_text("x"),
        Some(Box::new("x".to_owned()))
    );
    assert_eq!(i64::from_text("1"), None);
    assert_eq!(Page::from_text("x"), None);
    assert_eq!(Value::from_text("t"), Some(json!("t")));
    assert_eq!(<()>::from_text("t"), Some(()));
    assert_eq!(<()>::from_empty(), Some(()));
    assert_eq!(Option::<Page>::from_empty(), Some(None));
    assert_eq!(Value::from_empty(), Some(Value::Null));
    assert_eq!(String::from_empty(), None);
    assert_eq!(Vec::<i64>::from_empty(), None);
    assert_eq!(Page::from_empty(), None);
    assert!(None::<i64>.is_absent());
    assert!(!Some(1i64).is_absent());
    assert!(!1i64.is_absent());
    assert_eq!(to_string(&()), "null");
    assert_eq!(from_str::<()>(r#"{"any": [1, "thing"]}"#), Ok(()));
}

// ----- date and time -----

#[test]
fn datetime_parse() {
    let utc = (0, 0, 0);
    let cases: &[(&str, OffsetDateTime)] = &[
        (
            "2024-02-29T13:45:01.123Z",
            dt(2024, 2, 29, 13, 45, 1, 123_000_000, utc),
        ),
        ("2024-02-29T13:45:01Z", dt(2024, 2, 29, 13, 45, 1, 0, utc)),
        ("2024-02-29t13:45:01z", dt(2024, 2, 29, 13, 45, 1, 0, utc)),
        ("2024-02-29T13:45:01", dt(2024, 2, 29, 13, 45, 1, 0, utc)),
        (
            "2024-02-29T13:45:01.5",
            dt(2024, 2, 29, 13, 45, 1, 500_000_000, utc),
        ),
        (
            "2024-02-29T13:45:01.123456789Z",
            dt(2024, 2, 29, 13, 45, 1, 123_456_789, utc),
        ),
        (
            "2024-02-29T13:45:01.000001Z",
            dt(2024, 2, 29, 13, 45, 1, 1_000, utc),
        ),
        (
            "2024-02-29T13:45:01+05:30",
            dt(2024, 2, 29, 13, 45, 1, 0, (5, 30, 0)),
        ),
        (
            "2024-02-29T13:45:01-0800",
            dt(2024, 2, 29, 13, 45, 1, 0, (-8, 0, 0)),
        ),
        (
            "2024-02-29T13:45:01.7-00:30",
            dt(2024, 2, 29, 13, 45, 1, 700_000_000, (0, -30, 0)),
        ),
        (
            "2024-02-29T13:45:01+00:00",
            dt(2024, 2, 29, 13, 45, 1, 0, utc),
        ),
        ("0000-01-01T00:00:00Z", dt(0, 1, 1, 0, 0, 0, 0, utc)),
        (
            "9999-12-31T23:59:59.999999999Z",
            dt(9999, 12, 31, 23, 59, 59, 999_999_999, utc),
        ),
        ("-0001-06-15T12:00:00Z", dt(-1, 6, 15, 12, 0, 0, 0, utc)),
    ];
    for (text, want) in cases {
        let got = parse_datetime(text).unwrap();
        assert_eq!(got, *want, "{text}");
        assert_eq!(got.offset(), want.offset(), "{text}");
        let json_text = format!("\"{text}\"");
        assert_eq!(from_str::<OffsetDateTime>(&json_text).unwrap(), *want);
    }
    let bad = [
        "",
        "2024",
        "2024-02-30T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-00-01T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T23:60:00Z",
        "2024-01-01T23:59:60Z",
        "2024-01-01 00:00:00Z",
        "2024-01-01T00:00Z",
        "2024-01-01T00:00:00.Z",
        "2024-01-01T00:00:00.1234567890Z",
        "2024-01-01T00:00:00+5:00",
        "2024-01-01T00:00:00+05:0",
        "2024-01-01T00:00:00+26:00",
        "2024-01-01T00:00:00+05:60",
        "2024-01-01T00:00:00ZZ",
        "2024-01-01T00:00:00Z ",
        "2024-01-01",
        "24-01-01T00:00:00Z",
        "2024-1-01T00:00:00Z",
        "2024/01/01T00:00:00Z",
        "２０２４-01-01T00:00:00Z",
        "2024-01-01T00:00:00+05:30:00",
    ];
    for text in bad {
        let e = parse_datetime(text).unwrap_err();
        assert!(e.message().contains(&format!("`{text}`")), "{text}: {e}");
        let json_text = format!("\"{text}\"");
        let e = from_str::<OffsetDateTime>(&json_text).unwrap_err();
        assert!(e.message().starts_with("invalid date-time `"), "{e}");
        assert_eq!(e.offset(), Some(0));
    }
    let e = from_str::<User>(r#"{"presence": {"since": "yesterday"}}"#).unwrap_err();
    assert_eq!(e.path(), "presence.since");
    assert_eq!(
        e.to_string(),
        "invalid date-time `yesterday`: expected YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM] at `presence.since` (byte 23)"
    );
    assert!(from_str::<OffsetDateTime>("12").is_err());
    let long = format!("\"{}\"", "9".repeat(1000));
    assert!(
        from_str::<OffsetDateTime>(&long)
            .unwrap_err()
            .message()
            .len()
            < 200
    );
}

#[test]
fn datetime_format() {
    let cases: &[(OffsetDateTime, &str)] = &[
        (
            dt(2024, 2, 29, 13, 45, 1, 0, (0, 0, 0)),
            "2024-02-29T13:45:01.000Z",
        ),
        (
            dt(2024, 2, 29, 13, 45, 1, 123_000_000, (0, 0, 0)),
            "2024-02-29T13:45:01.123Z",
        ),
        (
            dt(2024, 2, 29, 13, 45, 1, 123_400_000, (0, 0, 0)),
            "2024-02-29T13:45:01.123400Z",
        ),
        (
            dt(2024, 2, 29, 13, 45, 1, 1_000, (0, 0, 0)),
            "2024-02-29T13:45:01.000001Z",
        ),
        (
            dt(2024, 2, 29, 13, 45, 1, 1, (0, 0, 0)),
            "2024-02-29T13:45:01.000000001Z",
        ),
        (
            dt(2024, 2, 29, 13, 45, 1, 0, (5, 30, 0)),
            "2024-02-29T13:45:01.000+05:30",
        ),
        (
            dt(2024, 2, 29, 13, 45, 1, 0, (-8, 0, 0)),
            "2024-02-29T13:45:01.000-08:00",
        ),
        (
            dt(2024, 2, 29, 13, 45, 1, 0, (0, -30, 0)),
            "2024-02-29T13:45:01.000-00:30",
        ),
        (
            dt(2024, 2, 29, 13, 45, 1, 0, (25, 59, 0)),
            "2024-02-29T13:45:01.000+25:59",
        ),
        // An offset with seconds is written in UTC.
        (
            dt(2024, 2, 29, 13, 45, 1, 0, (0, 0, 30)),
            "2024-02-29T13:44:31.000Z",
        ),
        (
            dt(7, 1, 2, 3, 4, 5, 0, (0, 0, 0)),
            "0007-01-02T03:04:05.000Z",
        ),
        (
            dt(-1, 6, 15, 12, 0, 0, 0, (0, 0, 0)),
            "-0001-06-15T12:00:00.000Z",
        ),
        (OffsetDateTime::UNIX_EPOCH, "1970-01-01T00:00:00.000Z"),
    ];
    for (v, want) in cases {
        assert_eq!(format_datetime(v), *want);
        assert_eq!(to_string(v), format!("\"{want}\""));
        let back = parse_datetime(want).unwrap();
        assert_eq!(back, *v, "{want}");
    }
    // Round trips over many instants and offsets.
    let mut rng = Rng(99);
    for _ in 0..2000 {
        let secs = (rng.next() % (2 * 253_402_300_799)) as i64 - 253_402_300_799 / 2 * 2;
        let Ok(base) = OffsetDateTime::from_unix_timestamp(secs / 2) else {
            continue;
        };
        let nanos = match rng.below(4) {
            0 => 0,
            1 => rng.below(1000) as u32 * 1_000_000,
            2 => rng.below(1_000_000) as u32 * 1000,
            _ => rng.below(1_000_000_000) as u32,
        };
        let off_min = rng.below(2 * 23 * 60 + 1) as i32 - 23 * 60;
        let off = UtcOffset::from_whole_seconds(off_min * 60).unwrap();
        let Ok(v) = base.replace_nanosecond(nanos) else {
            continue;
        };
        let Some(v) = v.checked_to_offset(off) else {
            continue;
        };
        let text = to_string(&v);
        let back: OffsetDateTime = from_str(&text).unwrap();
        assert_eq!(back, v, "{text}");
        assert_eq!(back.offset(), v.offset(), "{text}");
    }
}

#[test]
fn date_parse_and_format() {
    let d = |y, m, day| Date::from_calendar_date(y, Month::try_from(m).unwrap(), day).unwrap();
    for (text, want) in [
        ("1990-07-04", d(1990, 7, 4)),
        ("2024-02-29", d(2024, 2, 29)),
        ("0001-01-01", d(1, 1, 1)),
        ("9999-12-31", d(9999, 12, 31)),
        ("-0044-03-15", d(-44, 3, 15)),
    ] {
        assert_eq!(parse_date(text).unwrap(), want);
        assert_eq!(format_date(&want), text);
        assert_eq!(to_string(&want), format!("\"{text}\""));
        assert_eq!(from_str::<Date>(&format!("\"{text}\"")).unwrap(), want);
    }
    for bad in [
        "",
        "2023-02-29",
        "2024-04-31",
        "2024-4-01",
        "2024-04-01T00:00:00Z",
        "20240401",
        "2024-04-01 ",
    ] {
        let e = parse_date(bad).unwrap_err();
        assert!(e.message().contains(&format!("`{bad}`")), "{e}");
        let e = from_str::<Date>(&format!("\"{bad}\"")).unwrap_err();
        assert!(e.message().starts_with("invalid date `"), "{e}");
    }
    let e = from_str::<User>(r#"{"birthday": "1990-02-30"}"#).unwrap_err();
    assert_eq!(e.path(), "birthday");
    assert!(e.message().contains("1990-02-30"), "{e}");
}

// ----- the closure-free API: begin_object / next_key, begin_array / next_item -----

/// A value with a check of its own (hand-written code, unlike the generated enums).
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Ok,
    Other(String),
}

impl FromJson for Kind {
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        let s = r.read_str()?;
        match &*s {
            "ok" => Ok(Kind::Ok),
            "bad" => Err(DecodeError::custom("kind `bad` is not allowed")),
            _ => Ok(Kind::Other(s.into_owned())),
        }
    }
}

/// Written exactly as the generator writes models.
#[derive(Debug, Default, Clone, PartialEq)]
struct Item {
    b: Option<i64>,
    kind: Option<Kind>,
    unknown_fields: UnknownFields,
}

impl FromJson for Item {
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        let mut v = Self::default();
        r.begin_object()?;
        while let Some(k) = r.next_key()? {
            match &*k {
                "b" => v.b = r.read()?,
                "kind" => v.kind = r.read()?,
                _ => r.read_unknown(&k, &mut v.unknown_fields)?,
            }
        }
        // A check after the object was read: the error is about the whole item.
        if v.b.is_some_and(|b| b < 0) {
            return Err(DecodeError::custom("negative b"));
        }
        Ok(v)
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Outer {
    a: Option<Vec<Item>>,
    item: Option<Item>,
    inner: Option<Box<Outer>>,
    map: Option<BTreeMap<String, Vec<Item>>>,
    unknown_fields: UnknownFields,
}

impl FromJson for Outer {
    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {
        let mut v = Self::default();
        r.begin_object()?;
        while let Some(k) = r.next_key()? {
            match &*k {
                "a" => v.a = r.read()?,
                "item" => v.item = r.read()?,
                "inner" => v.inner = r.read()?,
                "map" => v.map = r.read()?,
                _ => r.read_unknown(&k, &mut v.unknown_fields)?,
            }
        }
        Ok(v)
    }
}

const OUTER: &str = r#"{
  "a": [{"b": 1}, {"b": 2, "x": [1, {"y": null}], "kind": "ok"}, {}],
  "item": {"kind": "k\u00e9"},
  "inner": {"a": [], "inner": null, "z": "\u00e9", "inner": {"item": null}},
  "map": {"k\"ey": [{"b": 3}], "": []},
  "w": 1.5,
  "nested": {"deep": [[{"q": [true]}]]}
}"#;

#[test]
fn iterator_api_model_decodes() {
    let o: Outer = from_str(OUTER).unwrap();
    let a = o.a.as_ref().unwrap();
    assert_eq!(a.len(), 3);
    assert_eq!(a[0].b, Some(1));
    assert_eq!(a[1].b, Some(2));
    assert_eq!(a[1].kind, Some(Kind::Ok));
    assert_eq!(a[1].unknown_fields["x"], json!([1, {"y": null}]));
    assert_eq!(a[2], Item::default());
    assert_eq!(
        o.item.as_ref().unwrap().kind,
        Some(Kind::Other("k\u{e9}".into()))
    );
    // A repeated key keeps the last value.
    let inner = o.inner.as_ref().unwrap();
    assert_eq!(inner.a, Some(vec![]));
    assert_eq!(inner.inner, Some(Box::default()));
    assert_eq!(inner.unknown_fields["z"], json!("\u{e9}"));
    let map = o.map.as_ref().unwrap();
    assert_eq!(map["k\"ey"][0].b, Some(3));
    assert_eq!(map[""], vec![]);
    assert_eq!(o.unknown_fields["w"], json!(1.5));
    assert_eq!(
        o.unknown_fields["nested"],
        json!({"deep": [[{"q": [true]}]]})
    );
    assert_eq!(from_str::<Outer>("{}").unwrap(), Outer::default());
    assert_eq!(from_str::<Outer>(" { } ").unwrap(), Outer::default());
    assert_eq!(from_str::<Option<Outer>>("null").unwrap(), None);
}

/// (document, message, path, text the offset points at)
fn check_error<T: FromJson + std::fmt::Debug>(doc: &str, msg: &str, path: &str, at: &str) {
    let e = from_str::<T>(doc).unwrap_err();
    assert_eq!(e.message(), msg, "{doc}");
    assert_eq!(e.path(), path, "{doc}");
    let offset = e.offset().unwrap();
    assert!(doc[offset..].starts_with(at), "{doc}: {e}");
}

#[test]
fn iterator_api_error_paths() {
    let e = from_str::<Outer>(r#"{"a": [{"b": 1}, {"b": "x"}]}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid type: expected integer, found string at `a[1].b` (byte 23)"
    );
    let num = "invalid type: expected integer, found boolean";
    check_error::<Outer>(
        r#"{"inner": {"inner": {"a": [{}, {}, {"b": true}]}}}"#,
        num,
        "inner.inner.a[2].b",
        "true",
    );
    check_error::<Outer>(
        r#"{"map": {"x": [{"b": 1}], "k\"y": [{}, {"b": false}]}}"#,
        num,
        r#"map["k\"y"][1].b"#,
        "false",
    );
    check_error::<Outer>(
        r#"{"map": {"\u0041b": [{"b": false}]}}"#,
        num,
        "map.Ab[0].b",
        "false",
    );
    // Errors inside unknown fields.
    check_error::<Outer>(
        r#"{"zz": {"deep": [1, [2, tru]]}}"#,
        "invalid literal, expected `true`",
        "zz.deep[1][1]",
        "]",
    );
    check_error::<Outer>(
        r#"{"zz": [1, 1e400]}"#,
        "number out of range: 1e400",
        "zz[1]",
        "1e400",
    );
    // Errors in the syntax of a container have the container's path.
    let sep = "expected `,` or `]` in array, found `{`";
    check_error::<Outer>(r#"{"a": [{"b": 1} {"b": 2}]}"#, sep, "a", r#"{"b": 2"#);
    check_error::<Outer>(
        r#"{"a": [{"b": 1 "kind": 2}]}"#,
        "expected `,` or `}` in object, found `\"`",
        "a[0]",
        r#""kind""#,
    );
    check_error::<Outer>(
        r#"{"a": [{"b": 1,}]}"#,
        "trailing comma in object",
        "a[0]",
        "}]",
    );
    check_error::<Outer>(
        r#"{"a": [{"b": 1},]}"#,
        "trailing comma in array",
        "a",
        "]}",
    );
    check_error::<Outer>(
        r#"{"inner": {"a\x": 1}}"#,
        "invalid escape `\\x`",
        "inner",
        "\\x",
    );
    check_error::<Outer>(
        r#"{"inner": {"a" 1}}"#,
        "expected `:` after object key, found `1`",
        "inner",
        "1}",
    );
    check_error::<Outer>(
        r#"{"inner": {"b": 1, 2: 3}}"#,
        "expected string key in object, found `2`",
        "inner",
        "2:",
    );
    check_error::<Outer>(
        r#"{"a": {}}"#,
        "invalid type: expected array, found object",
        "a",
        "{}",
    );
    check_error::<Outer>(
        r#"{"a": [1]}"#,
        "invalid type: expected object, found number",
        "a[0]",
        "1]",
    );
    check_error::<Outer>("[]", "invalid type: expected object, found array", "", "[]");
    check_error::<Outer>(
        r#"{"a": [{"b": 1}]} x"#,
        "trailing characters after JSON value: `x`",
        "",
        "x",
    );
    // Truncated: the path of the innermost open container (or its current value).
    check_error::<Outer>(
        r#"{"a": [{"b": 1}, {"b""#,
        "unexpected end of input, expected `:` after object key",
        "a[1]",
        "",
    );
    check_error::<Outer>(
        r#"{"a": [{"b": 1}, {"b": "#,
        "unexpected end of input, expected integer",
        "a[1].b",
        "",
    );
    check_error::<Outer>(
        r#"{"a": [{"b": 1}, "#,
        "unexpected end of input, expected object",
        "a[1]",
        "",
    );
}

#[test]
fn custom_errors_get_the_reader_path() {
    // From a value's own from_json: the offset of the value.
    check_error::<Outer>(
        r#"{"a": [{"kind": "ok"}, {"b": 1, "kind":  "bad"}]}"#,
        "kind `bad` is not allowed",
        "a[1].kind",
        r#""bad""#,
    );
    // From a model's check after its object was read: the offset of the object.
    check_error::<Outer>(
        r#"{"a": [{}, {"b": -1, "x": [1]}]}"#,
        "negative b",
        "a[1]",
        r#"{"b": -1"#,
    );
    check_error::<Outer>(r#"{"item" :  {"b": -1}}"#, "negative b", "item", r#"{"b""#);
    check_error::<Outer>(
        r#"{"inner": {"map": {"k": [{"b": -2}]}}}"#,
        "negative b",
        "inner.map.k[0]",
        r#"{"b": -2"#,
    );
    check_error::<Item>(r#"  {"b": -1}"#, "negative b", "", r#"{"b""#);
    check_error::<Vec<Kind>>(
        r#"["a", "bad"]"#,
        "kind `bad` is not allowed",
        "[1]",
        "\"bad",
    );
    // Through the closure API too.
    let mut r = JsonReader::new(br#"{"a": [1, 2]}"#);
    let e = r
        .read_object(&mut |r, _| {
            r.read_array(&mut |r, i| {
                if i == 1 {
                    Err(DecodeError::custom("no"))
                } else {
                    r.skip_value()
                }
            })
        })
        .unwrap_err();
    assert_eq!(e.to_string(), "no at `a[1]` (byte 10)");
    // Reader errors have their path even without from_slice; others get it from `locate`.
    let doc = br#"{"a": [{"b": 1}, {"b": null, "kind": "bad"}]}"#;
    let mut r = JsonReader::new(doc);
    let e = Outer::from_json(&mut r).unwrap_err();
    assert_eq!(e.path(), "");
    assert_eq!(e.offset(), None);
    let e = r.locate(e);
    assert_eq!(e.path(), "a[1].kind");
    assert_eq!(e.offset(), Some(37));
    // Locating twice changes nothing.
    assert_eq!(r.locate(e.clone()), e);
    let mut r = JsonReader::new(br#"{"a": [{"b": true}]}"#);
    let e = Outer::from_json(&mut r).unwrap_err();
    assert_eq!(e.path(), "a[0].b");
    // Segments added by hand stay innermost.
    let r = JsonReader::new(b"[]");
    let e = r.locate(DecodeError::custom("x").in_field("f"));
    assert_eq!(e.path(), "f");
    assert_eq!(e.offset(), Some(0));
}

#[test]
fn reader_tracks_path_and_depth() {
    let doc = br#"{"a": [10, {"b\n": "s", "c": [true]}], "d": {}}"#;
    let mut r = JsonReader::new(doc);
    let mut seen = Vec::new();
    assert_eq!(r.path(), "");
    r.begin_object().unwrap();
    assert_eq!((r.depth(), r.path().as_str()), (1, ""));
    while let Some(k) = r.next_key().unwrap() {
        assert!(matches!(k, Cow::Borrowed(_)));
        seen.push((r.path(), r.depth()));
        if &*k == "a" {
            r.begin_array().unwrap();
            assert_eq!(r.path(), "a");
            assert!(r.next_item().unwrap());
            seen.push((r.path(), r.depth()));
            assert_eq!(r.read_i64().unwrap(), 10);
            assert!(r.next_item().unwrap());
            r.begin_object().unwrap();
            let k = r.next_key().unwrap().unwrap();
            assert!(matches!(k, Cow::Owned(_)));
            assert_eq!(k, "b\n");
            seen.push((r.path(), r.depth()));
            let e = r.error_here("custom");
            assert_eq!(e.to_string(), r#"custom at `a[1]["b\n"]` (byte 19)"#);
            r.skip_value().unwrap();
            assert_eq!(r.next_key().unwrap().as_deref(), Some("c"));
            seen.push((r.path(), r.depth()));
            r.skip_value().unwrap();
            assert_eq!(r.next_key().unwrap(), None);
            seen.push((r.path(), r.depth()));
            assert!(!r.next_item().unwrap());
            seen.push((r.path(), r.depth()));
        } else {
            r.begin_object().unwrap();
            assert_eq!(r.next_key().unwrap(), None);
        }
    }
    r.finish().unwrap();
    assert_eq!((r.depth(), r.path().as_str()), (0, ""));
    let seen: Vec<(&str, u32)> = seen.iter().map(|(p, d)| (p.as_str(), *d)).collect();
    assert_eq!(
        seen,
        [
            ("a", 1),
            ("a[0]", 2),
            (r#"a[1]["b\n"]"#, 3),
            ("a[1].c", 3),
            ("a[1]", 2),
            ("a", 1),
            ("d", 1),
        ]
    );
    // A clone reads ahead independently.
    let mut r = JsonReader::new(br#"[{"k": 1}]"#);
    r.begin_array().unwrap();
    assert!(r.next_item().unwrap());
    let mut ahead = r.clone();
    ahead.begin_object().unwrap();
    assert_eq!(ahead.next_key().unwrap().as_deref(), Some("k"));
    assert_eq!(ahead.path(), "[0].k");
    assert_eq!(r.path(), "[0]");
    assert_eq!(r.depth(), 1);
}

#[test]
fn misuse_is_an_error_not_a_panic() {
    let e = JsonReader::new(b"{}").next_key().unwrap_err();
    assert!(e.message().contains("misuse"), "{e}");
    let e = JsonReader::new(b"[]").next_item().unwrap_err();
    assert!(e.message().contains("misuse"), "{e}");
    let mut r = JsonReader::new(b"[1]");
    r.begin_array().unwrap();
    assert!(r.next_key().unwrap_err().message().contains("misuse"));
    let mut r = JsonReader::new(br#"{"a": 1}"#);
    r.begin_object().unwrap();
    assert!(r.next_item().unwrap_err().message().contains("misuse"));
    // Not consuming the value, or consuming two, is caught by the next call.
    let mut r = JsonReader::new(br#"{"a": 1, "b": 2}"#);
    r.begin_object().unwrap();
    r.next_key().unwrap();
    let e = r.next_key().unwrap_err();
    assert_eq!(e.message(), "expected `,` or `}` in object, found `1`");
    let mut r = JsonReader::new(b"[1, 2]");
    r.begin_array().unwrap();
    assert!(r.next_item().unwrap());
    assert!(r.read_i64().is_ok());
    assert!(r.read_i64().is_err());
    // Calling on after the end or after an error never panics.
    let mut r = JsonReader::new(b"[]");
    r.begin_array().unwrap();
    assert!(!r.next_item().unwrap());
    assert!(r.next_item().is_err());
    assert!(r.next_key().is_err());
    let mut r = JsonReader::new(br#"{"a": [1, x]}"#);
    assert!(Outer::from_json(&mut r).is_err());
    for _ in 0..3 {
        let _ = r.next_item();
        let _ = r.next_key();
        let _ = r.skip_value();
        let _ = r.locate(DecodeError::custom("x"));
        let _ = r.path();
    }
}

#[test]
fn iterator_api_truncated_and_mutated_input() {
    let bytes = OUTER.as_bytes();
    for cut in 0..bytes.len() {
        let part = &bytes[..cut];
        let e = from_slice::<Outer>(part).unwrap_err();
        assert!(e.offset().unwrap() <= cut, "{cut}: {e}");
        let _ = e.to_string();
    }
    let mut rng = Rng(0xDEAD_BEEF);
    let alphabet = b"{}[]\",:\\ 0123456789-.eEtrufalsnu";
    for _ in 0..2000 {
        let mut doc = bytes.to_vec();
        let at = rng.below(doc.len());
        doc[at] = alphabet[rng.below(alphabet.len())];
        match from_slice::<Outer>(&doc) {
            Ok(_) => assert!(serde_json::from_slice::<Value>(&doc).is_ok()),
            Err(e) => assert!(e.offset().unwrap() <= doc.len(), "{e}"),
        }
    }
}

#[test]
fn closure_api_gives_the_same_results() {
    fn same(doc: &[u8]) {
        let new = from_slice::<Page>(doc);
        let old = from_slice::<LegacyPage>(doc).map(|p| p.0);
        assert_eq!(new, old, "{}", String::from_utf8_lossy(doc));
    }
    let bytes = SAMPLE.as_bytes();
    same(bytes);
    assert!(from_slice::<LegacyPage>(bytes).is_ok());
    for cut in 0..bytes.len() {
        same(&bytes[..cut]);
    }
    let alphabet = b"{}[]\",:\\/ \n0123456789-+.eEtrufalsn\x00\xc3\xa9\xff";
    let mut rng = Rng(42);
    for _ in 0..3000 {
        let mut doc = bytes.to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(doc.len() + 1);
            match rng.below(3) {
                0 if at < doc.len() => doc[at] = alphabet[rng.below(alphabet.len())],
                1 if at < doc.len() => {
                    doc.remove(at);
                }
                _ => doc.insert(at, alphabet[rng.below(alphabet.len())]),
            }
        }
        same(&doc);
    }
    for (doc, path) in [
        (
            r#"{"entities": [{}, {"presence": {"state": 5}}]}"#,
            "entities[1].presence.state",
        ),
        (
            r#"{"entities": [{"tags": ["a", 1]}]}"#,
            "entities[0].tags[1]",
        ),
        (
            r#"{"entities": [{"attrs": {"k": "v"}}]}"#,
            "entities[0].attrs.k",
        ),
    ] {
        same(doc.as_bytes());
        let e = from_str::<LegacyPage>(doc).map(|p| p.0).unwrap_err();
        assert_eq!(e.path(), path);
    }
    same(br#"{"entities": null, "pageSize": 1}"#);
}

#[test]
fn read_into_assigns_or_fails() {
    let mut r = JsonReader::new(br#"{"a": 5, "b": "x", "c": null}"#);
    let (mut a, mut b, mut c) = (None::<i64>, String::new(), Some(1i64));
    r.begin_object().unwrap();
    while let Some(k) = r.next_key().unwrap() {
        let res = match &*k {
            "a" => r.read_into(&mut a),
            "b" => r.read_into(&mut b),
            _ => r.read_into(&mut c),
        };
        res.unwrap();
    }
    assert_eq!((a, b.as_str(), c), (Some(5), "x", None));
    let mut r = JsonReader::new(br#"{"a": "no"}"#);
    r.begin_object().unwrap();
    r.next_key().unwrap();
    let mut a = Some(7i64);
    let e = r.read_into(&mut a).unwrap_err();
    assert_eq!(e.path(), "a");
    assert_eq!(a, Some(7));
}
