//! Payment-card numbers: separators, IIN ranges with their lengths, Luhn.

use super::{Around, all_same};

/// Whether `candidate` is a payment-card number standing on its own.
pub fn check(candidate: &[u8], around: &Around<'_>) -> bool {
    if around.before_is(|b| b.is_ascii_digit() || matches!(b, b'.' | b'+' | b'-' | b',')) {
        return false;
    }
    let separators: Vec<u8> = candidate
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_digit())
        .collect();
    if !all_same(&separators) {
        return false;
    }
    let followed_by_number = |sep: u8| {
        around.after == Some(sep) && around.after_n(1).is_some_and(|b| b.is_ascii_digit())
    };
    let own_separator = separators.first().copied().unwrap_or(b'-');
    if around.after_is(|b| b.is_ascii_digit())
        || followed_by_number(b'.')
        || followed_by_number(b',')
        || followed_by_number(own_separator)
    {
        return false;
    }
    let digits: Vec<u8> = candidate
        .iter()
        .filter(|b| b.is_ascii_digit())
        .map(|b| b - b'0')
        .collect();
    !all_same(&digits) && length_fits_iin(&digits) && luhn_valid(&digits)
}

/// Luhn (ISO/IEC 7812-1 annex B) over digit values 0-9.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    !digits.is_empty() && sum.is_multiple_of(10)
}

fn prefix(digits: &[u8], n: usize) -> u32 {
    digits
        .iter()
        .take(n)
        .fold(0, |acc, &d| acc * 10 + u32::from(d))
}

/// Whether the number's issuer identification (first digits) is a known
/// card network and its length is one that network issues.
pub fn length_fits_iin(digits: &[u8]) -> bool {
    let len = digits.len();
    let (p1, p2, p3, p4, p6) = (
        prefix(digits, 1),
        prefix(digits, 2),
        prefix(digits, 3),
        prefix(digits, 4),
        prefix(digits, 6),
    );
    let visa = p1 == 4 && matches!(len, 13 | 16 | 19);
    let mastercard = ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16;
    let amex = matches!(p2, 34 | 37) && len == 15;
    let discover =
        (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6))
            && (16..=19).contains(&len);
    let jcb = (3528..=3589).contains(&p4) && (16..=19).contains(&len);
    let diners =
        ((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39)) && (14..=19).contains(&len);
    let unionpay = p2 == 62 && (16..=19).contains(&len);
    let mir = (2200..=2204).contains(&p4) && (16..=19).contains(&len);
    let maestro = matches!(
        p4,
        5018 | 5020 | 5038 | 5893 | 6304 | 6759 | 6761 | 6762 | 6763
    ) && (13..=19).contains(&len);
    visa || mastercard || amex || discover || jcb || diners || unionpay || mir || maestro
}

#[cfg(test)]
mod tests {
    use super::*;

    fn around(text: &[u8]) -> Around<'_> {
        Around {
            text,
            start: 0,
            end: text.len(),
            before: None,
            after: None,
        }
    }

    #[test]
    fn known_test_numbers_pass_and_luhn_failures_do_not() {
        for ok in [
            &b"4111111111111111"[..],
            b"5500 0000 0000 0004",
            b"378282246310005",
            b"6011-1111-1111-1117",
            b"3530111333300000",
            b"2223003122003222",
        ] {
            assert!(check(ok, &around(ok)), "{}", String::from_utf8_lossy(ok));
        }
        for bad in [
            &b"4111111111111112"[..],
            b"5500 0000-0000 0004",
            b"1234567812345670",
            b"0000000000000000",
            b"5500000000000004000",
        ] {
            assert!(
                !check(bad, &around(bad)),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn a_number_inside_a_longer_number_is_rejected() {
        let text = b"94111111111111111";
        let a = Around {
            text,
            start: 1,
            end: 17,
            before: Some(b'9'),
            after: None,
        };
        assert!(!check(&text[1..], &a));
    }
}
