//! Dates in policies: IAM's legacy acceptance check and a small ISO-8601 / epoch reader.
//!
//! No clock is involved: the current time reaches conditions only through context keys such as
//! `aws:CurrentTime` and `aws:EpochTime`.

/// Nanoseconds since 1970-01-01T00:00:00Z.
pub(crate) type EpochNanos = i128;

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Whether IAM's legacy parser accepts a Date condition value.
///
/// A value containing `t`/`T` or `-` is read as `year[-month[-day]][T h[:m[:s[.f][Z|+hh[:mm]]]]]`
/// with range checks; anything else must be an integer from 0 to `i64::MAX`.
pub(crate) fn legacy_date_is_valid(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if lower.contains('t') || lower.contains('-') {
        legacy_iso_is_valid(&lower)
    } else {
        lower.parse::<u64>().is_ok_and(|n| i64::try_from(n).is_ok())
    }
}

fn int_in(text: &str, low: i64, high: i64) -> bool {
    text.parse::<i64>().is_ok_and(|n| (low..=high).contains(&n))
}

fn legacy_iso_is_valid(value: &str) -> bool {
    let (date, time) = value.split_once('t').unwrap_or((value, ""));
    let (negative, date) = match date.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let Some(year) = parts.first() else {
        return false;
    };
    let year_ok = if negative {
        int_in(&format!("-{year}"), -292_275_054, 292_278_993)
    } else {
        int_in(year, -292_275_054, 292_278_993)
    };
    if !year_ok || parts.len() > 3 {
        return false;
    }
    if parts.get(1).is_some_and(|m| !int_in(m, 1, 12))
        || parts.get(2).is_some_and(|d| !int_in(d, 1, 31))
    {
        return false;
    }
    let time_parts: Vec<&str> = time.split(':').collect();
    if time_parts
        .first()
        .is_some_and(|h| !h.is_empty() && !int_in(h, 0, 23))
    {
        return false;
    }
    if time_parts.get(1).is_some_and(|m| !int_in(m, 0, 59)) {
        return false;
    }
    let Some(third) = time_parts.get(2) else {
        return true;
    };
    let seconds_part = if let Some((seconds, after)) = third.split_once('z') {
        if !after.is_empty() {
            return false;
        }
        seconds
    } else if let Some((seconds, zone)) = third.split_once('+') {
        let (hours, minutes) = match zone.split_once(':') {
            Some((h, m)) => (h, Some(m)),
            None => (zone, None),
        };
        if hours.len() != 2 || !int_in(hours, 0, 23) {
            return false;
        }
        if minutes.is_some_and(|m| m.len() != 2 || !int_in(m, 0, 59)) {
            return false;
        }
        seconds
    } else {
        third
    };
    let (seconds, fraction) = match seconds_part.split_once('.') {
        Some((s, f)) => (s, Some(f)),
        None => (seconds_part, None),
    };
    int_in(seconds, 0, 59) && fraction.is_none_or(|f| int_in(f, 0, 999_999_999))
}

/// Reads an ISO-8601 date-time (the shapes IAM accepts, plus `-hh:mm` offsets) or an epoch
/// second count (optionally with a fraction).
pub(crate) fn parse(value: &str) -> Option<EpochNanos> {
    let value = value.trim();
    let lower_has_t = value.bytes().any(|b| b == b'T' || b == b't');
    if !lower_has_t && !value.get(1..).is_some_and(|rest| rest.contains('-')) {
        return parse_epoch(value);
    }
    parse_iso(value)
}

fn parse_epoch(value: &str) -> Option<EpochNanos> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let seconds: i128 = whole.parse::<i64>().ok()?.into();
    Some(seconds * NANOS_PER_SECOND + fraction_nanos(fraction)?)
}

fn fraction_nanos(fraction: &str) -> Option<i128> {
    if fraction.is_empty() {
        return Some(0);
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos: i128 = 0;
    for digit in fraction.bytes().chain(std::iter::repeat(b'0')).take(9) {
        nanos = nanos * 10 + i128::from(digit - b'0');
    }
    Some(nanos)
}

fn parse_iso(value: &str) -> Option<EpochNanos> {
    let split_at = value.find(['T', 't']).unwrap_or(value.len());
    let date = value.get(..split_at)?;
    let time = value
        .get(split_at..)
        .map(|t| t.get(1..).unwrap_or(""))
        .unwrap_or("");
    let (negative, date) = match date.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date),
    };
    let mut parts = date.split('-');
    let mut year: i64 = parts.next()?.parse().ok()?;
    if negative {
        year = -year;
    }
    let month: i64 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: i64 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (clock, offset_seconds) = split_zone(time)?;
    let mut fields = clock.split(':');
    let hour: i64 = match fields.next() {
        Some("") | None => 0,
        Some(h) => h.parse().ok()?,
    };
    let minute: i64 = fields.next().map_or(Some(0), |m| m.parse().ok())?;
    let (second, nanos) = match fields.next() {
        None => (0, 0),
        Some(s) => {
            let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
            (whole.parse::<i64>().ok()?, fraction_nanos(fraction)?)
        }
    };
    if fields.next().is_some()
        || !(0..=23).contains(&hour)
        || !(0..=59).contains(&minute)
        || !(0..=60).contains(&second)
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = i128::from(days) * 86_400 + i128::from(hour * 3600 + minute * 60 + second)
        - i128::from(offset_seconds);
    Some(seconds * NANOS_PER_SECOND + nanos)
}

/// Splits a time part into the clock text and the zone offset in seconds (east positive).
fn split_zone(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let Some(sign_at) = time.find(['+', '-']) else {
        return Some((time, 0));
    };
    let clock = time.get(..sign_at)?;
    let sign = if time.get(sign_at..sign_at + 1) == Some("-") {
        -1
    } else {
        1
    };
    let zone = time.get(sign_at + 1..)?;
    let (hours, minutes) = match zone.split_once(':') {
        Some((h, m)) => (h, m),
        None if zone.len() == 4 => (zone.get(..2)?, zone.get(2..)?),
        None => (zone, "0"),
    };
    let hours: i64 = hours.parse().ok()?;
    let minutes: i64 = minutes.parse().ok()?;
    if !(0..=23).contains(&hours) || !(0..=59).contains(&minutes) {
        return None;
    }
    Some((clock, sign * (hours * 3600 + minutes * 60)))
}

/// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_acceptance_matches_iam() {
        for ok in [
            "2019-07-01T13:20:15Z",
            "2016-12-13T21:20:37.593194+00:00",
            "2016-12-13t2:00:00.593194+23",
            "-292275054",
            "01T",
            "1700000000",
        ] {
            assert!(legacy_date_is_valid(ok), "{ok}");
        }
        for bad in [
            "sdfdsf",
            "234-13",
            "2016-12-13t2:00:00.593194+1",
            "2016-12-13t2:00:00.1999999999+10:59",
            "9223372036854775808",
        ] {
            assert!(!legacy_date_is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn parses_iso_and_epoch() {
        let second = NANOS_PER_SECOND;
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2020-01-01T00:00:00Z"), Some(1_577_836_800 * second));
        assert_eq!(parse("2020-01-01"), Some(1_577_836_800 * second));
        assert_eq!(parse("1577836800"), Some(1_577_836_800 * second));
        assert_eq!(
            parse("2020-01-01T01:00:00+01:00"),
            parse("2020-01-01T00:00:00Z")
        );
        assert_eq!(
            parse("2019-12-31T23:00:00-01:00"),
            parse("2020-01-01T00:00:00Z")
        );
        assert_eq!(
            parse("2020-01-01T00:00:00.5Z"),
            Some(1_577_836_800 * second + second / 2)
        );
        assert_eq!(parse("2024-02-29T12:00:00Z"), Some(1_709_208_000 * second));
        assert_eq!(parse("garbage"), None);
        assert_eq!(parse("2020-13-01T00:00:00Z"), None);
    }
}
