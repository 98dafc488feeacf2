//! Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits): what every
//! authenticator app speaks.

use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;
/// Codes one step before or after now are accepted, for clocks that drift.
pub const WINDOW: i64 = 1;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as authenticator apps expect.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(BASE32[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

pub fn base32_decode(input: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in input.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = BASE32
            .iter()
            .position(|&x| x as char == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push(((buffer >> (bits - 8)) & 0xff) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// The code for one time step.
pub fn code_at_step(secret: &[u8], step: i64, digits: u32) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        // HMAC accepts keys of any length, so this branch cannot be taken.
        return 0;
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let binary = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    binary % 10u32.pow(digits)
}

/// The code shown by an authenticator at `unix_seconds`, zero-padded.
pub fn code_at(secret: &[u8], unix_seconds: i64) -> String {
    format!(
        "{:0width$}",
        code_at_step(secret, unix_seconds.div_euclid(STEP_SECONDS), DIGITS),
        width = DIGITS as usize
    )
}

/// Checks `code` at `unix_seconds`. Returns the matched step so a caller can refuse its reuse.
pub fn verify(secret: &[u8], code: &str, unix_seconds: i64) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let now = unix_seconds.div_euclid(STEP_SECONDS);
    (now - WINDOW..=now + WINDOW).find(|step| {
        let expected = format!(
            "{:0width$}",
            code_at_step(secret, *step, DIGITS),
            width = DIGITS as usize
        );
        crate::util::constant_time_eq(expected.as_bytes(), code.as_bytes())
    })
}

/// The `otpauth://` URI an authenticator app can import.
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={}&period={}",
        enc(issuer),
        enc(account),
        secret_base32,
        enc(issuer),
        DIGITS,
        STEP_SECONDS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        // RFC 6238 Appendix B, SHA1, 8 digits.
        assert_eq!(code_at_step(secret, 59 / 30, 8), 94287082);
        assert_eq!(code_at_step(secret, 1111111109 / 30, 8), 7081804);
        assert_eq!(code_at_step(secret, 1234567890 / 30, 8), 89005924);
        assert_eq!(code_at_step(secret, 20000000000 / 30, 8), 65353130);
    }

    #[test]
    fn verify_accepts_a_window_and_refuses_junk() {
        let secret = b"12345678901234567890";
        let code = code_at(secret, 1_000_000);
        assert!(verify(secret, &code, 1_000_000).is_some());
        assert!(verify(secret, &code, 1_000_000 + 30).is_some());
        assert!(verify(secret, &code, 1_000_000 + 120).is_none());
        assert!(verify(secret, "abcdef", 1_000_000).is_none());
        assert!(verify(secret, "12345", 1_000_000).is_none());
    }

    #[test]
    fn base32_round_trip() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI").unwrap(), b"foobar");
        assert_eq!(base32_decode("mzxw 6ytb oi").unwrap(), b"foobar");
        assert!(base32_decode("MZ1").is_none());
    }
}
