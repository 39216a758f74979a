//! Time: stored as Unix epoch milliseconds, shown as RFC 3339 UTC with milliseconds.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Serialize, Serializer};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `2026-02-22T10:00:00.000Z`.
fn to_rfc3339(ms: i64) -> String {
    let at = UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_millis(at).to_string()
}

/// A point in time: Unix epoch milliseconds, as stored; serialised as RFC 3339 UTC with
/// milliseconds (`2026-02-22T10:00:00.000Z`), documented as a `date-time` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_millis(ms: i64) -> Timestamp {
        Timestamp(ms)
    }

    pub fn now() -> Timestamp {
        Timestamp(now_ms())
    }

    /// Milliseconds since the Unix epoch.
    pub const fn millis(self) -> i64 {
        self.0
    }
}

impl From<i64> for Timestamp {
    fn from(ms: i64) -> Timestamp {
        Timestamp(ms)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_rfc3339(self.0))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&to_rfc3339(self.0))
    }
}

impl PartialSchema for Timestamp {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .into()
    }
}

/// A component of the generated schemas; the served document writes it out as a `date-time`
/// string where it is used (`http::openapi`).
impl ToSchema for Timestamp {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Timestamp")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_milliseconds_in_utc() {
        assert_eq!(to_rfc3339(1_771_754_400_000), "2026-02-22T10:00:00.000Z");
        assert_eq!(to_rfc3339(1_771_754_400_123), "2026-02-22T10:00:00.123Z");
    }

    #[test]
    fn serialises_as_rfc3339_and_none_as_null() {
        let at = Timestamp::from_millis(1_771_754_400_123);
        assert_eq!(
            serde_json::to_string(&at).expect("serialises"),
            "\"2026-02-22T10:00:00.123Z\""
        );
        assert_eq!(
            serde_json::to_string(&Some(at)).expect("serialises"),
            "\"2026-02-22T10:00:00.123Z\""
        );
        assert_eq!(
            serde_json::to_string(&None::<Timestamp>).expect("serialises"),
            "null"
        );
    }
}
