//! Made-up words, names and sentences for text content.

use crate::rng::Rng;

const WORDS: &[&str] = &[
    "invoice",
    "meeting",
    "transfer",
    "account",
    "harbour",
    "delivery",
    "package",
    "report",
    "morning",
    "evening",
    "contract",
    "payment",
    "shipment",
    "garden",
    "river",
    "market",
    "ledger",
    "archive",
    "station",
    "window",
    "summary",
    "budget",
    "quarter",
    "vendor",
    "receipt",
    "customer",
    "warehouse",
    "schedule",
    "ticket",
    "server",
    "backup",
    "network",
];

const FIRST_NAMES: &[&str] = &[
    "anna", "bruno", "clara", "dario", "elena", "felix", "greta", "hugo", "ines", "jonas", "katja",
    "lukas", "marta", "nadia", "oskar", "paula",
];

const LAST_NAMES: &[&str] = &[
    "keller", "moreau", "novak", "rossi", "schmidt", "varga", "jensen", "silva", "kowalski",
    "dubois", "berger", "costa",
];

/// One lowercase word.
pub fn word(rng: &mut Rng) -> &'static str {
    let word: &&'static str = rng.pick(WORDS);
    word
}

/// A person's name, e.g. `Anna Keller`.
pub fn name(rng: &mut Rng) -> String {
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(LAST_NAMES);
    format!(
        "{}{} {}{}",
        first[..1].to_uppercase(),
        &first[1..],
        last[..1].to_uppercase(),
        &last[1..]
    )
}

/// `first.last` for e-mail addresses.
pub fn login(rng: &mut Rng) -> String {
    format!("{}.{}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

/// A sentence of `count` words, capitalised and ending with a period.
pub fn sentence(rng: &mut Rng, count: usize) -> String {
    let mut out = String::new();
    for i in 0..count.max(1) {
        let w = word(rng);
        if i == 0 {
            out.push_str(&w[..1].to_uppercase());
            out.push_str(&w[1..]);
        } else {
            out.push(' ');
            out.push_str(w);
        }
    }
    out.push('.');
    out
}

/// Lines of text of about `target_len` bytes.
pub fn text(rng: &mut Rng, target_len: usize) -> String {
    let mut out = String::with_capacity(target_len + 80);
    while out.len() < target_len {
        let count = 5 + rng.below(8) as usize;
        out.push_str(&sentence(rng, count));
        out.push('\n');
    }
    out
}
