//! The site's own data on an object (users, conversations, tickets, messages): a JSON object of
//! at most 50 keys and 4 KiB serialized, stored as text and returned as given.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::error::{Error, Result};

/// Most keys in a `metadata` object.
pub const MAX_KEYS: usize = 50;
/// Largest `metadata` object, serialized, in bytes.
pub const MAX_BYTES: usize = 4096;

/// A `metadata` object within its limits; `{}` when none was set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct Metadata(Map<String, Value>);

impl Metadata {
    /// The `metadata` a request gave: a JSON object of at most 50 keys and 4 KiB.
    pub fn parse(value: Value) -> Result<Metadata> {
        let Value::Object(map) = value else {
            return Err(Error::invalid_body("metadata must be a JSON object"));
        };
        if map.len() > MAX_KEYS {
            return Err(Error::invalid_body(format!(
                "metadata has {} keys; at most {MAX_KEYS} are allowed",
                map.len()
            )));
        }
        let metadata = Metadata(map);
        let size = metadata.to_stored().len();
        if size > MAX_BYTES {
            return Err(Error::invalid_body(format!(
                "metadata is {size} bytes serialized; at most {MAX_BYTES} are allowed"
            )));
        }
        Ok(metadata)
    }

    /// The stored text (`None`, a null column, is `{}`); anything else is bad data. Most
    /// objects have none: `{}` is not parsed (history pages read one per message).
    pub fn from_stored(text: Option<&str>) -> Result<Metadata, String> {
        match text {
            None | Some("{}") => Ok(Metadata::default()),
            Some(text) => match serde_json::from_str(text) {
                Ok(Value::Object(map)) => Ok(Metadata(map)),
                _ => Err(format!("metadata {text:?}")),
            },
        }
    }

    /// The text to store.
    pub fn to_stored(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn objects_within_the_limits_pass_and_round_trip() {
        let metadata = Metadata::parse(json!({"plan": "pro", "seats": 3})).expect("valid");
        let stored = metadata.to_stored();
        assert_eq!(Metadata::from_stored(Some(&stored)), Ok(metadata));
        assert_eq!(Metadata::from_stored(None), Ok(Metadata::default()));
        assert_eq!(Metadata::from_stored(Some("{}")), Ok(Metadata::default()));
    }

    #[test]
    fn other_shapes_and_oversized_objects_are_refused() {
        assert!(Metadata::parse(json!([1, 2])).is_err());
        assert!(Metadata::parse(json!("text")).is_err());
        let keys: Map<String, Value> = (0..=MAX_KEYS)
            .map(|i| (format!("k{i}"), json!(i)))
            .collect();
        assert!(Metadata::parse(Value::Object(keys)).is_err());
        let fifty: Map<String, Value> =
            (0..MAX_KEYS).map(|i| (format!("k{i}"), json!(i))).collect();
        assert!(Metadata::parse(Value::Object(fifty)).is_ok());
        assert!(Metadata::parse(json!({"big": "x".repeat(MAX_BYTES)})).is_err());
        assert!(Metadata::from_stored(Some("[1]")).is_err());
    }
}
