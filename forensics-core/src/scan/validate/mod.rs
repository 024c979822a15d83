//! Validators: each takes a candidate the automaton found (`start..end` in
//! `text`, with the bytes around it for boundary checks) and returns the
//! accepted range, possibly trimmed, or `None` to reject it.

pub mod card;
pub mod crypto;
pub mod iban;
pub mod net;
pub mod phone;

use super::feature::Kind;
use std::ops::Range;

/// Checks a candidate of `kind` at `range` in `text`; returns the range to
/// report (inside `range`) or `None` when it is not a valid `kind`.
pub fn check(kind: Kind, text: &[u8], range: Range<usize>) -> Option<Range<usize>> {
    let candidate = text.get(range.clone())?;
    let before = range
        .start
        .checked_sub(1)
        .and_then(|i| text.get(i))
        .copied();
    let after = text.get(range.end).copied();
    let around = Around {
        text,
        start: range.start,
        end: range.end,
        before,
        after,
    };
    match kind {
        Kind::Ccn => card::check(candidate, &around).then_some(range),
        Kind::Iban => iban::check(candidate, &around).map(|len| range.start..range.start + len),
        Kind::Btc => crypto::check_bitcoin(candidate, &around).then_some(range),
        Kind::Eth => crypto::check_ethereum(candidate, &around).then_some(range),
        Kind::Email => net::check_email(candidate, &around).map(|r| shift(r, range.start)),
        Kind::Url => net::check_url(candidate, &around).map(|r| shift(r, range.start)),
        Kind::Domain => net::check_domain(candidate, &around).then_some(range),
        Kind::Ipv4 => net::check_ipv4(candidate, &around).then_some(range),
        Kind::Ipv6 => net::check_ipv6(candidate, &around).then_some(range),
        Kind::Mac => net::check_mac(candidate, &around).then_some(range),
        Kind::Phone => phone::check(candidate, &around).then_some(range),
        Kind::Gps | Kind::Keyword => None,
    }
}

fn shift(range: Range<usize>, by: usize) -> Range<usize> {
    range.start + by..range.end + by
}

/// The bytes around a candidate.
#[derive(Debug, Clone, Copy)]
pub struct Around<'a> {
    /// The whole buffer searched.
    pub text: &'a [u8],
    /// First byte of the candidate in `text`.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The byte before it, if any.
    pub before: Option<u8>,
    /// The byte after it, if any.
    pub after: Option<u8>,
}

impl Around<'_> {
    /// The byte `n` places after the candidate's end (0 = [`Self::after`]).
    pub fn after_n(&self, n: usize) -> Option<u8> {
        self.end
            .checked_add(n)
            .and_then(|i| self.text.get(i))
            .copied()
    }

    /// The byte `n` places before the candidate's start (0 = [`Self::before`]).
    pub fn before_n(&self, n: usize) -> Option<u8> {
        self.start
            .checked_sub(n + 1)
            .and_then(|i| self.text.get(i))
            .copied()
    }

    /// Whether the byte before satisfies `test` (false at the buffer start).
    pub fn before_is(&self, test: impl Fn(u8) -> bool) -> bool {
        self.before.is_some_and(test)
    }

    /// Whether the byte after satisfies `test` (false at the buffer end).
    pub fn after_is(&self, test: impl Fn(u8) -> bool) -> bool {
        self.after.is_some_and(test)
    }
}

/// Whether every byte of `bytes` equals the first (true for empty input).
pub fn all_same(bytes: &[u8]) -> bool {
    bytes.windows(2).all(|w| w[0] == w[1])
}
