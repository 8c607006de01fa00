//! Times to Unix nanoseconds (i64, UTC): numbers in s / ms / µs / ns told
//! apart by magnitude, numeric strings, and RFC 3339 / ISO 8601 strings; durations
//! with units (`500us`, `1m2.5s`) to nanoseconds; 0 as "no time" (`non_zero`).
//! Pure functions; the caller decides what a field means and which unit a bare
//! number has.

/// Nanoseconds from a number whose unit is guessed by magnitude.
///
/// Epoch times of the years 1973..2286 are 1e8..1e10 in seconds, 1e11..1e13 in ms,
/// 1e14..1e16 in µs and above 1e17 in ns, so the decades do not overlap. A fraction
/// is taken from the number's shortest decimal spelling (what the writer of the
/// JSON most likely wrote), not from binary arithmetic that would smear it.
pub fn ns_from_number(value: f64) -> Option<i64> {
    if !value.is_finite() || value < 0.0 || value >= i64::MAX as f64 {
        return None;
    }
    if value.fract() == 0.0 {
        return ns_from_integer(value as i64);
    }
    let spelled = value.to_string();
    let (integer, fraction) = spelled.split_once('.')?;
    ns_from_decimal(integer, fraction)
}

/// Nanoseconds from an exact decimal string `INT.FRACTION`, unit by the integer's magnitude.
fn ns_from_decimal(integer: &str, fraction: &str) -> Option<i64> {
    let whole: i64 = integer.parse().ok()?;
    let unit_ns: i64 = ns_from_integer(whole.max(1))? / whole.max(1);
    let digits = fraction.len().min(18);
    let fraction_value: i64 = if digits == 0 {
        0
    } else {
        fraction[..digits].parse().ok()?
    };
    let fraction_ns = (fraction_value as i128 * unit_ns as i128 / 10i128.pow(digits as u32)) as i64;
    whole.checked_mul(unit_ns)?.checked_add(fraction_ns)
}

/// Nanoseconds from an integer whose unit is guessed by magnitude (exact for ns).
pub fn ns_from_integer(value: i64) -> Option<i64> {
    if value < 0 {
        return None;
    }
    if value >= 100_000_000_000_000_000 {
        Some(value)
    } else if value >= 100_000_000_000_000 {
        value.checked_mul(1_000)
    } else if value >= 100_000_000_000 {
        value.checked_mul(1_000_000)
    } else {
        value.checked_mul(1_000_000_000)
    }
}

/// Nanoseconds from a string: an integer or decimal number (unit by magnitude),
/// or an RFC 3339 / ISO 8601 date-time.
pub fn ns_from_str(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(integer) = text.parse::<i64>() {
        return ns_from_integer(integer);
    }
    if let Some((integer, fraction)) = text.split_once('.') {
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if digits(integer) && digits(fraction) {
            return ns_from_decimal(integer, fraction);
        }
    }
    parse_rfc3339(text)
}

/// Parses `YYYY-MM-DD[T ]hh:mm[:ss[.frac]][Z|±hh[:]mm]`; no zone means UTC.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let number = |from: usize, len: usize| -> Option<i64> {
        let digits = bytes.get(from..from + len)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let year = number(0, 4)?;
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let month = number(5, 2)?;
    let day = number(8, 2)?;
    if !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) || bytes.get(13) != Some(&b':') {
        return None;
    }
    let hour = number(11, 2)?;
    let minute = number(14, 2)?;
    let mut pos = 16;
    let mut second = 0;
    let mut nanos = 0i64;
    if bytes.get(pos) == Some(&b':') {
        second = number(pos + 1, 2)?;
        pos += 3;
        if matches!(bytes.get(pos), Some(b'.' | b',')) {
            pos += 1;
            let start = pos;
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
            let fraction = &text[start..pos];
            if fraction.is_empty() {
                return None;
            }
            let kept = &fraction[..fraction.len().min(9)];
            nanos = kept.parse::<i64>().ok()? * 10i64.pow(9 - kept.len() as u32);
        }
    }
    let offset_seconds = match &text[pos..] {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = zone[1..].chars().filter(|&c| c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hours: i64 = digits[..2].parse().ok()?;
            let minutes: i64 = digits[2..].parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    seconds.checked_mul(1_000_000_000)?.checked_add(nanos)
}

/// OTLP writes 0 for "unknown time": `None` for 0, else the time.
pub fn non_zero(ns: i64) -> Option<i64> {
    (ns != 0).then_some(ns)
}

/// Nanoseconds of a duration written with units, as Go and the protobuf JSON
/// mapping write them and as a query asks: `500ns`, `500us` / `500µs` / `500μs`
/// (micro sign or Greek mu), `250ms`, `0.5s`, `1.5m`, `1h`, or several in a row
/// (`1m2.5s`), with an optional leading `-`. Rounded to the nearest nanosecond.
/// A number without a unit is `None`: its unit is the caller's to say.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, text),
    };
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * scale;
    }
    let ns = (sign * total).round();
    (ns.is_finite() && ns.abs() < i64::MAX as f64).then_some(ns as i64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = if year >= 0 { year } else { year - 399 } / 400;
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `2024-06-01T00:00:00.123456789Z`: UTC, nanosecond precision, for people to read.
pub fn format_rfc3339(ns: i64) -> String {
    let seconds = ns.div_euclid(1_000_000_000);
    let nanos = ns.rem_euclid(1_000_000_000);
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{nanos:09}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = if days >= 0 { days } else { days - 146_096 } / 146_097;
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The wall clock now, in Unix ns (0 before 1970). For stamps the engine writes
/// (`sources.started_ns`, `finished_ns`) and "now" in relative query times; logic
/// that decides by time takes it as a parameter.
pub fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: i64 = 1_717_200_000_123_000_000;

    #[test]
    fn units_agree() {
        assert_eq!(ns_from_integer(1_717_200_000_123), Some(NS));
        assert_eq!(ns_from_integer(1_717_200_000_123_000), Some(NS));
        assert_eq!(ns_from_integer(NS), Some(NS));
        assert_eq!(ns_from_number(1_717_200_000.123), Some(NS));
        assert_eq!(ns_from_str("1717200000123"), Some(NS));
        assert_eq!(ns_from_str("1717200000.123"), Some(NS));
        assert_eq!(ns_from_str("1717200000123.000"), Some(NS));
        assert_eq!(ns_from_number(1_717_200_000_123.0), Some(NS));
        assert_eq!(ns_from_str("2024-06-01T00:00:00.123Z"), Some(NS));
        assert_eq!(ns_from_str("2024-06-01T02:00:00.123+02:00"), Some(NS));
        assert_eq!(ns_from_str("2024-06-01 00:00:00,123"), Some(NS));
    }

    #[test]
    fn formats_what_it_parses() {
        assert_eq!(format_rfc3339(NS), "2024-06-01T00:00:00.123000000Z");
        assert_eq!(parse_rfc3339(&format_rfc3339(NS)), Some(NS));
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00.000000000Z");
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(ns_from_str("yesterday"), None);
        assert_eq!(ns_from_str("2024-13-01T00:00:00Z"), None);
        assert_eq!(ns_from_number(f64::NAN), None);
    }

    #[test]
    fn durations_in_every_unit_spelling() {
        // The micro sign (U+00B5), the Greek mu (U+03BC) and ASCII `u` all mean µs.
        assert_eq!(parse_duration("500\u{00B5}s"), Some(500_000));
        assert_eq!(parse_duration("500\u{03BC}s"), Some(500_000));
        assert_eq!(parse_duration("500us"), Some(500_000));
        assert_eq!(parse_duration("5000ns"), Some(5_000));
        assert_eq!(parse_duration("250ms"), Some(250_000_000));
        assert_eq!(parse_duration("0.123s"), Some(123_000_000));
        assert_eq!(parse_duration("0.000005s"), Some(5_000));
        assert_eq!(parse_duration("1.5m"), Some(90_000_000_000));
        assert_eq!(parse_duration("1h"), Some(3_600_000_000_000));
        assert_eq!(parse_duration("1m2.5s"), Some(62_500_000_000));
        assert_eq!(parse_duration(" -1.5s "), Some(-1_500_000_000));
    }

    #[test]
    fn durations_need_a_known_unit_and_a_sane_size() {
        for text in [
            "", "12", "1.5", "5 s", "5sec", "1d", "s", "-", "1m-2s", "1..5s",
        ] {
            assert_eq!(parse_duration(text), None, "{text:?}");
        }
        assert_eq!(parse_duration("99999999999999999999h"), None);
    }

    #[test]
    fn zero_is_no_time() {
        assert_eq!(non_zero(0), None);
        assert_eq!(non_zero(NS), Some(NS));
    }
}
