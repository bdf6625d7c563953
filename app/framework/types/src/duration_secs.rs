//! A whole number of seconds written as the SDK's JSON writes a `Duration` (`"600s"`), for
//! `#[serde(with = "agora_types::duration_secs")]`.

use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(secs: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{secs}s"))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let text = String::deserialize(d)?;
    parse(&text).map_err(serde::de::Error::custom)
}

/// `"600s"`, `"600"` or `"600.0s"`: a whole number of seconds.
pub fn parse(text: &str) -> Result<u64, String> {
    let digits = text.strip_suffix('s').unwrap_or(text);
    let digits = digits.strip_suffix(".0").unwrap_or(digits);
    digits.parse().map_err(|_| format!("invalid duration {text:?}: expected whole seconds such as \"600s\""))
}
