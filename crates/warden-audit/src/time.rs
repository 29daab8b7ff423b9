//! CloudTrail's timestamp format: UTC, second precision, `2025-05-20T20:45:08Z`.

use jiff::Timestamp;
use jiff::fmt::strtime;

/// The `strftime` pattern of CloudTrail's timestamps.
const PATTERN: &str = "%Y-%m-%dT%H:%M:%SZ";

/// Formats `time` as CloudTrail does (`2025-05-20T20:45:08Z`), truncating sub-seconds.
#[must_use]
pub fn format(time: Timestamp) -> String {
    strtime::format(PATTERN, time).unwrap_or_else(|_| time.to_string())
}

/// Parses a CloudTrail timestamp; any RFC 3339 UTC timestamp is accepted.
///
/// # Errors
///
/// [`jiff::Error`] if `text` is not a timestamp.
pub fn parse(text: &str) -> Result<Timestamp, jiff::Error> {
    text.parse()
}

/// serde adapter for a [`Timestamp`] in CloudTrail's format.
pub(crate) mod serde_format {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        time: &Timestamp,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::format(*time))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::{format, parse};

    #[test]
    fn formats_at_second_precision_in_utc() {
        let time = parse("2025-05-20T20:45:08.734Z").unwrap();
        assert_eq!(format(time), "2025-05-20T20:45:08Z");
        assert_eq!(
            parse("2025-05-20T20:45:08Z").unwrap().as_second(),
            1_747_773_908
        );
    }
}
