//! Network identifiers: e-mail addresses, URLs, domains, IPv4, IPv6, MAC.

use super::{Around, all_same};
use std::net::Ipv6Addr;
use std::ops::Range;

/// Generic top-level domains accepted for the `domain` kind besides every
/// two-letter (country-code) one; e-mail addresses accept any alphabetic TLD.
const GENERIC_TLDS: &[&str] = &[
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "name",
    "pro",
    "mobi",
    "app",
    "dev",
    "io",
    "xyz",
    "online",
    "site",
    "shop",
    "club",
    "top",
    "tech",
    "store",
    "cloud",
    "live",
    "email",
    "onion",
    "example",
    "test",
    "invalid",
    "local",
    "localhost",
    "internal",
    "arpa",
    "aero",
    "asia",
    "cat",
    "coop",
    "jobs",
    "museum",
    "tel",
    "travel",
];

fn is_local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// Whether `label` is a DNS label: 1-63 letters, digits and inner hyphens.
fn label_ok(label: &[u8]) -> bool {
    (1..=63).contains(&label.len())
        && label
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && label.first() != Some(&b'-')
        && label.last() != Some(&b'-')
}

/// Whether `host` is a dotted host name whose last label looks like a TLD
/// (2-24 letters, or an IDNA `xn--` label).
fn host_ok(host: &[u8]) -> bool {
    let labels: Vec<&[u8]> = host.split(|&b| b == b'.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    let tld_ok = ((2..=24).contains(&tld.len()) && tld.iter().all(u8::is_ascii_alphabetic))
        || (tld.len() > 4 && tld[..4].eq_ignore_ascii_case(b"xn--"));
    host.len() <= 253
        && labels.len() >= 2
        && tld_ok
        && labels.iter().all(|l| label_ok(l))
        && case_plausible(&labels)
}

/// Whether the letter case of a host name is what people write: no label
/// with a lower-case letter followed by an upper-case one (`hX`), and a TLD
/// in one case. Rejects most letter runs in random binary data.
fn case_plausible(labels: &[&[u8]]) -> bool {
    let tld = labels.last().copied().unwrap_or_default();
    let tld_one_case =
        !tld.iter().any(u8::is_ascii_uppercase) || !tld.iter().any(u8::is_ascii_lowercase);
    tld_one_case
        && labels.iter().all(|label| {
            !label
                .windows(2)
                .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        })
}

/// Checks an e-mail address; returns its range inside `candidate` (leading
/// dots and symbols are trimmed off the local part).
pub fn check_email(candidate: &[u8], around: &Around<'_>) -> Option<Range<usize>> {
    if around.after_is(|b| b.is_ascii_alphanumeric() || b == b'-')
        || around.before_is(is_local_char)
    {
        return None;
    }
    let at = candidate.iter().position(|&b| b == b'@')?;
    let start = candidate[..at]
        .iter()
        .position(|&b| b.is_ascii_alphanumeric() || b == b'_')?;
    let local = &candidate[start..at];
    let host = &candidate[at + 1..];
    let local_ok = (1..=64).contains(&local.len())
        && local.last() != Some(&b'.')
        && !local.windows(2).any(|w| w == b"..")
        && local.iter().all(|&b| is_local_char(b));
    (local_ok && host_ok(host)).then_some(start..candidate.len())
}

/// Checks a URL; returns its range with trailing punctuation trimmed.
pub fn check_url(candidate: &[u8], around: &Around<'_>) -> Option<Range<usize>> {
    if around.before_is(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let mut end = candidate.len();
    loop {
        let last = *candidate.get(end.checked_sub(1)?)?;
        let unbalanced_paren = last == b')'
            && candidate[..end].iter().filter(|&&b| b == b'(').count()
                < candidate[..end].iter().filter(|&&b| b == b')').count();
        if matches!(last, b'.' | b',' | b':' | b'!' | b'?' | b'*' | b'(') || unbalanced_paren {
            end -= 1;
        } else {
            break;
        }
    }
    let url = &candidate[..end];
    let scheme_end = url.windows(3).position(|w| w == b"://")?;
    let rest = &url[scheme_end + 3..];
    let host_end = rest
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = &rest[..host_end];
    let host = authority.rsplit(|&b| b == b'@').next().unwrap_or(authority);
    let host = host.split(|&b| b == b':').next().unwrap_or(host);
    let is_file = url[..scheme_end].eq_ignore_ascii_case(b"file");
    let host_valid = host_ok(host)
        || parse_ipv4(host).is_some()
        || host.eq_ignore_ascii_case(b"localhost")
        || (is_file && host.is_empty() && rest.len() > 1);
    host_valid.then_some(0..end)
}

/// Whether `candidate` is a domain name standing on its own with a
/// generic or two-letter TLD.
pub fn check_domain(candidate: &[u8], around: &Around<'_>) -> bool {
    let joined =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@' | b'/' | b'\\');
    if around.before_is(joined)
        || around.after_is(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'@'))
    {
        return false;
    }
    if !host_ok(candidate) {
        return false;
    }
    let labels: Vec<&[u8]> = candidate.split(|&b| b == b'.').collect();
    let second_level = labels
        .get(labels.len().saturating_sub(2))
        .copied()
        .unwrap_or_default();
    let tld_len = labels.last().map_or(0, |l| l.len());
    let min_second_level = if tld_len == 2 { 3 } else { 2 };
    if second_level.len() < min_second_level || !second_level.iter().any(u8::is_ascii_alphabetic) {
        return false;
    }
    let tld = candidate.rsplit(|&b| b == b'.').next().unwrap_or_default();
    let tld = String::from_utf8_lossy(tld).to_ascii_lowercase();
    tld.len() == 2 || GENERIC_TLDS.contains(&tld.as_str())
}

/// The four octets of a dotted quad without leading zeros.
fn parse_ipv4(text: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = text.split(|&b| b == b'.');
    for octet in &mut out {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || (part.len() > 1 && part[0] == b'0') {
            return None;
        }
        let value = part.iter().try_fold(0u32, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })?;
        *octet = u8::try_from(value).ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Whether `candidate` is an IPv4 address and not part of a version number
/// or a longer dotted sequence.
pub fn check_ipv4(candidate: &[u8], around: &Around<'_>) -> bool {
    if around.before_is(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')) {
        return false;
    }
    let continues = around.after_is(|b| b.is_ascii_alphanumeric() || b == b'_')
        || (around.after == Some(b'.')
            && around.after_n(1).is_some_and(|b| b.is_ascii_alphanumeric()));
    !continues && parse_ipv4(candidate).is_some_and(|o| o != [0, 0, 0, 0])
}

/// Whether `candidate` is an IPv6 address (RFC 4291 text form).
pub fn check_ipv6(candidate: &[u8], around: &Around<'_>) -> bool {
    let joined = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'_' | b'-');
    if around.before_is(joined) || around.after_is(joined) {
        return false;
    }
    let groups_with_digits = candidate
        .split(|&b| b == b':')
        .filter(|g| !g.is_empty())
        .count();
    let Ok(text) = std::str::from_utf8(candidate) else {
        return false;
    };
    groups_with_digits >= 2 && text.parse::<Ipv6Addr>().is_ok_and(|a| !a.is_unspecified())
}

/// Whether `candidate` is a MAC address, not all one byte value.
pub fn check_mac(candidate: &[u8], around: &Around<'_>) -> bool {
    let joined = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b':' | b'-' | b'.');
    if around.before_is(joined) || around.after_is(joined) {
        return false;
    }
    let octets: Vec<&[u8]> = candidate.split(|&b| b == b':' || b == b'-').collect();
    let lowered: Vec<Vec<u8>> = octets.iter().map(|o| o.to_ascii_lowercase()).collect();
    octets.len() == 6 && !all_same(&lowered.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(text: &'a [u8], start: usize, end: usize) -> Around<'a> {
        Around {
            text,
            start,
            end,
            before: start.checked_sub(1).map(|i| text[i]),
            after: text.get(end).copied(),
        }
    }

    #[test]
    fn emails() {
        let t = b"nadia.keller@mail.example.co.uk";
        assert_eq!(check_email(t, &at(t, 0, t.len())), Some(0..t.len()));
        let t = b"..x@example";
        assert_eq!(check_email(t, &at(t, 0, t.len())), None);
        let t = b"a@b.c1";
        assert_eq!(check_email(t, &at(t, 0, t.len())), None);
    }

    #[test]
    fn urls_lose_trailing_punctuation() {
        let t = b"https://example.com/a.";
        assert_eq!(check_url(t, &at(t, 0, t.len())), Some(0..t.len() - 1));
        let t = b"http://1.2.3.4/x";
        assert!(check_url(t, &at(t, 0, t.len())).is_some());
        let t = b"http://nohost/x";
        assert!(check_url(t, &at(t, 0, t.len())).is_none());
    }

    #[test]
    fn ipv4_rejects_version_numbers() {
        let t = b"v 10.1.2.3 ";
        assert!(check_ipv4(&t[2..10], &at(t, 2, 10)));
        let t = b"1.10.1.2.3";
        assert!(!check_ipv4(&t[2..], &at(t, 2, t.len())));
        let t = b"256.1.1.1";
        assert!(!check_ipv4(t, &at(t, 0, t.len())));
    }

    #[test]
    fn ipv6_and_mac() {
        let t = b"2001:db8::1";
        assert!(check_ipv6(t, &at(t, 0, t.len())));
        let t = b"12:34:56";
        assert!(!check_ipv6(t, &at(t, 0, t.len())));
        let t = b"00:1A:2b:3c:4d:5e";
        assert!(check_mac(t, &at(t, 0, t.len())));
        let t = b"00:00:00:00:00:00";
        assert!(!check_mac(t, &at(t, 0, t.len())));
    }

    #[test]
    fn domains() {
        let t = b"www.example.com";
        assert!(check_domain(t, &at(t, 0, t.len())));
        let t = b"self.value";
        assert!(!check_domain(t, &at(t, 0, t.len())));
    }
}
