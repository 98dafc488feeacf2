//! Small helpers shared by the newtypes: trimming, length limits, control characters, dates.

use crate::ValidationError;
use time::{macros::format_description, Date};

/// Trims `input` and checks it is between `min` and `max` characters with no control characters.
pub fn bounded_text(
    field: &'static str,
    input: &str,
    min: usize,
    max: usize,
) -> Result<String, ValidationError> {
    let value = input.trim();
    let len = value.chars().count();
    if len < min {
        return Err(if min == 1 {
            ValidationError::new(field, "must not be empty")
        } else {
            ValidationError::new(field, format!("must be at least {min} characters"))
        });
    }
    if len > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(ValidationError::new(
            field,
            "must not contain control characters",
        ));
    }
    if value.chars().any(is_invisible_format) {
        return Err(ValidationError::new(
            field,
            "must not contain invisible formatting characters (such as right-to-left overrides)",
        ));
    }
    Ok(value.to_string())
}

/// Invisible characters that change how text is shown (bidirectional overrides and isolates,
/// zero-width characters, the byte-order mark): they can make `invoice<U+202E>fdp.exe` read
/// as a PDF, or two names look alike.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// The earliest date sems accepts: anything before is a typing slip.
pub const EARLIEST_YEAR: i32 = 1900;

/// Parses an ISO date (`YYYY-MM-DD`).
pub fn parse_date(field: &'static str, input: &str) -> Result<Date, ValidationError> {
    let date = Date::parse(input.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| ValidationError::new(field, "must be a date written YYYY-MM-DD"))?;
    if date.year() < EARLIEST_YEAR {
        return Err(ValidationError::new(
            field,
            format!("must be in {EARLIEST_YEAR} or later"),
        ));
    }
    Ok(date)
}

pub fn format_date(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_else(|_| date.to_string())
}

/// The time zone times are shown in: the deployment's, set once at start (UTC until then).
static TIME_ZONE: std::sync::OnceLock<(String, jiff::tz::TimeZone)> = std::sync::OnceLock::new();

/// Sets the deployment's time zone (an IANA name, `Europe/London`), once, at start. Dates
/// that drive deadlines stay UTC days; only what people read is shown in the zone.
pub fn set_time_zone(name: &str) -> Result<(), crate::ValidationError> {
    let name = name.trim();
    let zone = jiff::tz::TimeZone::get(name).map_err(|_| {
        crate::ValidationError::new(
            "time_zone",
            format!("'{name}' is not a time zone: use an IANA name such as Europe/London or UTC"),
        )
    })?;
    // A second call (tests starting several servers) keeps the first zone.
    let _ = TIME_ZONE.set((name.to_string(), zone));
    Ok(())
}

/// The name of the time zone times are shown in.
pub fn time_zone_name() -> &'static str {
    TIME_ZONE.get().map_or("UTC", |(name, _)| name.as_str())
}

/// A time (milliseconds since the Unix epoch) as people read it, in the deployment's time
/// zone, which it names.
pub fn format_timestamp(ms: i64) -> String {
    match TIME_ZONE.get() {
        Some((_, zone)) => format_in(ms, zone),
        None => format_utc(ms),
    }
}

/// A time in a zone, with the zone's abbreviation (`BST`, `CET`).
fn format_in(ms: i64, zone: &jiff::tz::TimeZone) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(t) => t
            .to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M:%S %Z")
            .to_string(),
        Err(_) => ms.to_string(),
    }
}

fn format_utc(ms: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) {
        Ok(t) => t
            .format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .unwrap_or_else(|_| ms.to_string()),
        Err(_) => ms.to_string(),
    }
}

/// The UTC date (`YYYY-MM-DD`) of a time in milliseconds since the Unix epoch.
pub fn date_of(ms: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) {
        Ok(t) => format_date(t.date()),
        Err(_) => "1970-01-01".to_string(),
    }
}

/// The same day `months` later (the last day of the month when that day does not exist).
pub fn add_months(date: Date, months: u32) -> Date {
    shift_months(date, months as i32)
}

/// The same day `months` earlier (the last day of the month when that day does not exist).
pub fn sub_months(date: Date, months: u32) -> Date {
    shift_months(date, -(months as i32))
}

fn shift_months(date: Date, months: i32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = time::Month::try_from(month0 as u8 + 1).unwrap_or(time::Month::December);
    let last = month.length(year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

/// Today's date in UTC.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Lowercase hexadecimal encoding.
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Decodes hexadecimal (either case); `None` for anything else.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text.trim()).ok()
}

/// Decodes standard base64 (padding optional, whitespace ignored); `None` for anything else.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::engine::{general_purpose, DecodePaddingMode, GeneralPurpose};
    use base64::Engine;
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        general_purpose::PAD.with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    LENIENT.decode(compact).ok()
}

/// SHA-256 of `input` as lowercase hex: how sems stores secrets it only needs to recognise
/// (session ids, API tokens, receipt codes), never the secrets themselves.
pub fn sha256_hex(input: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(input))
}

/// Comparison whose time does not depend on where two secrets first differ.
/// The network a client is known by: an IPv4 address, or an IPv6 client's /64 (the block one
/// subscriber holds: otherwise each of its addresses would be a new client).
pub fn client_network(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// HMAC-SHA256 of `message` under `key`, in hex: a pseudonym that only the key's holder can
/// compute, for values that must be recognised again but never stored (a client's address).
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    // HMAC accepts keys of any length, so this never fails.
    let mut mac = match Hmac::<sha2::Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return sha256_hex(message),
    };
    mac.update(message);
    hex(&mac.finalize().into_bytes())
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

/// The first `chars` characters of a text, with an ellipsis when it goes on: long texts are
/// shortened in lists, and read whole on their own page.
pub fn excerpt(text: &str, chars: usize) -> String {
    let mut out: String = text.chars().take(chars).collect();
    if text.chars().count() > chars {
        out = out.trim_end().to_string();
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc_4231_case_2() {
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_ne!(hmac_sha256_hex(b"k1", b"m"), hmac_sha256_hex(b"k2", b"m"));
    }

    #[test]
    fn an_ipv6_client_is_known_by_its_64() {
        let a: std::net::IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: std::net::IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: std::net::IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_network(a), client_network(b));
        assert_ne!(client_network(a), client_network(c));
        let mapped: std::net::IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_network(mapped), "192.0.2.7");
    }

    #[test]
    fn times_are_shown_in_the_zone_with_its_summer_time() {
        let london = jiff::tz::TimeZone::get("Europe/London").unwrap();
        // 2026-07-01 12:00 UTC is 13:00 in London (summer time); 2026-01-15 12:00 UTC, 12:00.
        assert_eq!(
            format_in(1_782_907_200_000, &london),
            "2026-07-01 13:00:00 BST"
        );
        assert_eq!(
            format_in(1_768_478_400_000, &london),
            "2026-01-15 12:00:00 GMT"
        );
        assert_eq!(format_utc(1_782_907_200_000), "2026-07-01 12:00:00 UTC");
        assert!(set_time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn long_texts_are_shortened_on_a_character_boundary() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("Zürich tower calling", 6), "Zürich…");
        assert_eq!(
            excerpt("two words", 4),
            "two…",
            "no space before the ellipsis"
        );
    }

    #[test]
    fn invisible_formatting_is_refused_and_old_dates_too() {
        for bad in [
            "Anna\u{202E}gnahc",
            "zero\u{200B}width",
            "\u{FEFF}bom",
            "iso\u{2066}late",
        ] {
            let err = bounded_text("name", bad, 1, 100).unwrap_err();
            assert!(err.message.contains("invisible"), "{bad:?}");
        }
        assert!(bounded_text("name", "Zoë Ørsted-Łukasz", 1, 100).is_ok());
        assert!(parse_date("d", "1899-12-31")
            .unwrap_err()
            .message
            .contains("1900"));
        assert!(parse_date("d", "0001-01-01").is_err());
        assert!(parse_date("d", "1900-01-01").is_ok());
    }

    #[test]
    fn bounded_text_trims_and_limits() {
        assert_eq!(
            bounded_text("name", "  Terminal 1 ", 1, 20).unwrap(),
            "Terminal 1"
        );
        assert!(bounded_text("name", "   ", 1, 20).is_err());
        assert!(bounded_text("name", &"x".repeat(21), 1, 20).is_err());
        assert!(bounded_text("name", "a\u{0}b", 1, 20).is_err());
    }

    #[test]
    fn dates_parse_strictly() {
        assert!(parse_date("from", "2026-02-30").is_err());
        assert!(parse_date("from", "2026-2-3").is_err());
        assert_eq!(
            format_date(parse_date("from", "2026-02-03").unwrap()),
            "2026-02-03"
        );
    }

    #[test]
    fn months_are_added_on_the_calendar() {
        let d = |s| parse_date("d", s).unwrap();
        assert_eq!(format_date(add_months(d("2026-01-31"), 1)), "2026-02-28");
        assert_eq!(format_date(add_months(d("2026-11-15"), 3)), "2027-02-15");
        assert_eq!(format_date(add_months(d("2024-02-29"), 12)), "2025-02-28");
        assert_eq!(format_date(add_months(d("2026-05-01"), 36)), "2029-05-01");
        assert_eq!(format_date(sub_months(d("2026-03-31"), 1)), "2026-02-28");
        assert_eq!(format_date(sub_months(d("2026-01-15"), 24)), "2024-01-15");
    }

    #[test]
    fn dates_of_timestamps() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(1_767_225_600_000), "2026-01-01");
        assert_eq!(date_of(i64::MAX), "1970-01-01");
    }

    #[test]
    fn hex_and_base64_decode() {
        assert_eq!(unhex("00ffA0"), Some(vec![0, 255, 160]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
        assert_eq!(
            base64_decode("aGVsbG8gd29ybGQ=").as_deref(),
            Some(&b"hello world"[..])
        );
        assert_eq!(base64_decode("aGk").as_deref(), Some(&b"hi"[..]));
        assert_eq!(base64_decode("a$b"), None);
    }

    #[test]
    fn hex_and_hash() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
