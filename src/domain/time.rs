//! Time: stored as Unix epoch milliseconds, shown as RFC 3339 UTC with milliseconds.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serializer;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `2026-02-22T10:00:00.000Z`.
pub fn to_rfc3339(ms: i64) -> String {
    let at = UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_millis(at).to_string()
}

/// serde helper: `#[serde(serialize_with = "time::rfc3339")]` on an epoch-ms field.
pub fn rfc3339<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_rfc3339(*ms))
}

/// serde helper for optional timestamps (`null` when absent).
pub fn rfc3339_opt<S: Serializer>(ms: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match ms {
        Some(ms) => rfc3339(ms, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_with_milliseconds_in_utc() {
        assert_eq!(
            super::to_rfc3339(1_771_754_400_000),
            "2026-02-22T10:00:00.000Z"
        );
        assert_eq!(
            super::to_rfc3339(1_771_754_400_123),
            "2026-02-22T10:00:00.123Z"
        );
    }
}
