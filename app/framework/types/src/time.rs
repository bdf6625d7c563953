//! Block times as nanoseconds since the Unix epoch, and the protobuf `Timestamp` they travel as.

use cosmos_sdk_proto::Timestamp;

/// Nanoseconds in one second.
pub const NANOS_PER_SEC: u64 = 1_000_000_000;

/// A time in nanoseconds as a protobuf `Timestamp`.
pub fn timestamp(nanos: u64) -> Timestamp {
    Timestamp { seconds: i64::try_from(nanos / NANOS_PER_SEC).unwrap_or(i64::MAX), nanos: i32::try_from(nanos % NANOS_PER_SEC).unwrap_or(0) }
}

/// A protobuf `Timestamp` in nanoseconds; `None` before the epoch, for a malformed
/// nanosecond part, or past the year 2554.
pub fn from_timestamp(ts: &Timestamp) -> Option<u64> {
    let secs = u64::try_from(ts.seconds).ok()?;
    let nanos = u64::try_from(ts.nanos).ok().filter(|n| *n < NANOS_PER_SEC)?;
    secs.checked_mul(NANOS_PER_SEC)?.checked_add(nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        for nanos in [0, 1, 1_767_225_600_123_456_789, u64::MAX] {
            assert_eq!(from_timestamp(&timestamp(nanos)), Some(nanos));
        }
        assert_eq!(from_timestamp(&Timestamp { seconds: -1, nanos: 0 }), None);
        assert_eq!(from_timestamp(&Timestamp { seconds: 1, nanos: 1_000_000_000 }), None);
    }
}
