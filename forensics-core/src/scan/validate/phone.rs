//! E.164 phone numbers: `+`, a country code in use, 7-15 digits in all.

use super::Around;

/// Two-digit country codes (ITU-T E.164 assignments).
const TWO_DIGIT: &[u32] = &[
    20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56,
    57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
];

/// Three-digit country code ranges in use (inclusive).
const THREE_DIGIT: &[(u32, u32)] = &[
    (211, 213),
    (216, 216),
    (218, 218),
    (220, 269),
    (290, 291),
    (297, 299),
    (350, 359),
    (370, 383),
    (385, 387),
    (389, 389),
    (420, 421),
    (423, 423),
    (500, 509),
    (590, 599),
    (670, 670),
    (672, 683),
    (685, 692),
    (850, 850),
    (852, 853),
    (855, 856),
    (880, 880),
    (886, 886),
    (960, 968),
    (970, 977),
    (992, 996),
    (998, 998),
];

/// Whether the digits start with an assigned country code.
pub fn country_code_ok(digits: &[u8]) -> bool {
    let prefix = |n: usize| -> u32 {
        digits
            .iter()
            .take(n)
            .fold(0, |acc, &d| acc * 10 + u32::from(d - b'0'))
    };
    matches!(digits.first(), Some(b'1' | b'7'))
        || TWO_DIGIT.contains(&prefix(2))
        || THREE_DIGIT
            .iter()
            .any(|&(lo, hi)| (lo..=hi).contains(&prefix(3)))
}

/// Whether `candidate` (`+` and digits) is an E.164 number on its own.
pub fn check(candidate: &[u8], around: &Around<'_>) -> bool {
    if around.before_is(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'_')) {
        return false;
    }
    if around.after_is(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return false;
    }
    let digits = candidate.get(1..).unwrap_or_default();
    (7..=15).contains(&digits.len())
        && digits.iter().all(u8::is_ascii_digit)
        && country_code_ok(digits)
        && !super::all_same(&digits[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes() {
        let t = b"+4915123456789";
        let a = Around {
            text: t,
            start: 0,
            end: t.len(),
            before: None,
            after: None,
        };
        assert!(check(t, &a));
        let t = b"+2801234567";
        let a = Around {
            text: t,
            start: 0,
            end: t.len(),
            before: None,
            after: None,
        };
        assert!(!check(t, &a));
    }
}
