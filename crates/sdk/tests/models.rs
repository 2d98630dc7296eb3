//! Every model decodes a sample made from its schema (every property, nested, non-empty arrays),
//! a sample with unknown properties and unknown enum values, and `{}`; and writes each back
//! without loss. Needs `--features full` to cover every model.

#[path = "generated/all_models.rs"]
#[rustfmt::skip]
mod generated;
mod support;

use purecloud_platform_client_v2::models::json::{self, DecodeError, FromJson, ToJson};
use serde_json::Value;
use support::{model_sample, Flavor};

/// Decode then encode: a plain generic function, instantiated once per model.
pub fn round_trip<T: FromJson + ToJson>(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let v: T = json::from_slice(bytes)?;
    Ok(json::to_vec(&v))
}

#[derive(Default)]
pub struct Checker {
    pub checked: usize,
    pub failures: Vec<String>,
}

impl Checker {
    pub fn check<T: FromJson + ToJson>(&mut self, name: &str) {
        self.check_with(name, round_trip::<T>);
    }

    fn check_with(&mut self, name: &str, rt: fn(&[u8]) -> Result<Vec<u8>, DecodeError>) {
        self.checked += 1;
        for flavor in [Flavor::Full, Flavor::Unknowns] {
            let sample = model_sample(name, flavor);
            let bytes = serde_json::to_vec(&sample).unwrap();
            let before = json::unknown_seen();
            let result = rt(&bytes);
            let unknown = json::unknown_seen() - before;
            // A sample made from the spec is all known: a property decoded under the wrong
            // name, or an enum value the generator missed, would show up here. The sample
            // with unknowns must be seen as such (else this check could never fail).
            match flavor {
                Flavor::Full if unknown != 0 => self.failures.push(format!(
                    "{name} (Full): {unknown} properties or enum values decoded as unknown"
                )),
                Flavor::Unknowns if unknown == 0 => self
                    .failures
                    .push(format!("{name} (Unknowns): no unknown property was seen")),
                _ => {}
            }
            match result {
                Ok(out) => {
                    let back: Value = serde_json::from_slice(&out).unwrap();
                    if back != sample {
                        self.failures.push(format!(
                            "{name} ({flavor:?}): round trip differs at {}",
                            support::json_diff(&sample, &back, "$")
                        ));
                    }
                }
                Err(e) => self.failures.push(format!("{name} ({flavor:?}): {e}")),
            }
        }
        match rt(b"{}") {
            Ok(out) if out == b"{}" => {}
            Ok(out) => self.failures.push(format!(
                "{name}: {{}} became {}",
                String::from_utf8_lossy(&out)
            )),
            Err(e) => self
                .failures
                .push(format!("{name}: {{}} does not decode: {e}")),
        }
        if rt(b"[]").is_ok() || rt(b"\"text\"").is_ok() {
            self.failures.push(format!("{name}: a non-object decoded"));
        }
    }
}

#[test]
fn every_model_round_trips_full_unknown_and_empty_samples() {
    let mut c = Checker::default();
    generated::check_all(&mut c);
    #[cfg(feature = "full")]
    assert_eq!(
        c.checked,
        support::spec()["definitions"].as_object().unwrap().len()
    );
    assert!(
        c.failures.is_empty(),
        "{} of {} models fail:\n{}",
        c.failures.len(),
        c.checked,
        c.failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!("round-tripped {} models", c.checked);
}
