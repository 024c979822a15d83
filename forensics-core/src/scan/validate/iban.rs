//! IBAN (ISO 13616): per-country length and the mod-97 check.

use super::Around;

/// IBAN length per country code (ISO 13616 registry).
const LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BI", 27),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DJ", 27),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FK", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"LY", 25),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MN", 20),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NI", 28),
    (b"NL", 18),
    (b"NO", 15),
    (b"OM", 23),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"RU", 33),
    (b"SA", 24),
    (b"SC", 31),
    (b"SD", 18),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"SO", 23),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
    (b"YE", 30),
];

/// The IBAN length of `country`, if it issues IBANs.
pub fn country_length(country: &[u8]) -> Option<usize> {
    LENGTHS
        .iter()
        .find(|(code, _)| code.as_slice() == country)
        .map(|(_, len)| *len)
}

/// ISO 7064 mod 97-10 of an IBAN in compact form (country and check digits
/// moved to the end, letters as 10-35); 1 means valid.
pub fn mod97(compact: &[u8]) -> Option<u32> {
    let (head, tail) = (compact.get(..4)?, compact.get(4..)?);
    let mut remainder = 0u32;
    for &b in tail.iter().chain(head) {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return None,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    Some(remainder)
}

/// Checks an IBAN candidate; returns the length in bytes of the valid IBAN
/// at its start (the pattern may have taken a trailing word too).
pub fn check(candidate: &[u8], around: &Around<'_>) -> Option<usize> {
    if around.before_is(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let want = country_length(candidate.get(..2)?)?;
    let mut compact = Vec::with_capacity(want);
    let mut raw_len = 0;
    for &b in candidate {
        if compact.len() == want {
            break;
        }
        raw_len += 1;
        if b != b' ' {
            compact.push(b);
        }
    }
    if compact.len() != want {
        return None;
    }
    let next = candidate.get(raw_len).copied().or(around.after);
    if next.is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let spaced = candidate.get(..raw_len)?.contains(&b' ');
    if spaced && !groups_of_four(candidate.get(..raw_len)?) {
        return None;
    }
    (mod97(&compact)? == 1).then_some(raw_len)
}

/// Whether a printed IBAN is in groups of four (the last may be shorter).
fn groups_of_four(printed: &[u8]) -> bool {
    let groups: Vec<&[u8]> = printed.split(|&b| b == b' ').collect();
    let last = groups.len().saturating_sub(1);
    groups.iter().enumerate().all(|(i, g)| {
        if i == last {
            (1..=4).contains(&g.len())
        } else {
            g.len() == 4
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &[u8]) -> Option<usize> {
        let a = Around {
            text,
            start: 0,
            end: text.len(),
            before: None,
            after: None,
        };
        check(text, &a)
    }

    #[test]
    fn valid_ibans_pass_in_both_forms() {
        assert_eq!(run(b"DE89370400440532013000"), Some(22));
        assert_eq!(run(b"DE89 3704 0044 0532 0130 00"), Some(27));
        assert_eq!(run(b"GB82 WEST 1234 5698 7654 32"), Some(27));
        assert_eq!(run(b"NL91ABNA0417164300"), Some(18));
        assert_eq!(run(b"DE89 3704 0044 0532 0130 00 OK"), Some(27));
    }

    #[test]
    fn wrong_check_digits_and_lengths_fail() {
        assert_eq!(run(b"DE88370400440532013000"), None);
        assert_eq!(run(b"DE8937040044053201300"), None);
        assert_eq!(run(b"ZZ89370400440532013000"), None);
    }
}
