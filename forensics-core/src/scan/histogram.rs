//! Histograms per kind: value -> count, as bulk_extractor writes them.

use super::feature::{Feature, Kind};
use serde::Serialize;
use std::collections::BTreeMap;

/// One line of a histogram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistogramEntry {
    /// The kind.
    pub kind: Kind,
    /// The value (e-mail addresses and domains lower-cased).
    pub value: String,
    /// How many times it was found.
    pub count: u64,
}

fn histogram_value(feature: &Feature) -> String {
    match feature.kind {
        Kind::Email | Kind::Domain => feature.value.to_ascii_lowercase(),
        _ => feature.value.clone(),
    }
}

/// Counts values per kind; sorted by kind, then count (descending), then value.
pub fn histogram(features: &[Feature]) -> Vec<HistogramEntry> {
    let mut counts: BTreeMap<(Kind, String), u64> = BTreeMap::new();
    for feature in features {
        *counts
            .entry((feature.kind, histogram_value(feature)))
            .or_default() += 1;
    }
    let mut entries: Vec<HistogramEntry> = counts
        .into_iter()
        .map(|((kind, value), count)| HistogramEntry { kind, value, count })
        .collect();
    entries.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.count.cmp(&a.count))
            .then_with(|| a.value.cmp(&b.value))
    });
    entries
}

/// A histogram as bulk_extractor's text form: `n=COUNT\tVALUE` per line.
pub fn to_text(entries: &[HistogramEntry]) -> String {
    entries
        .iter()
        .map(|e| format!("n={}\t{}\n", e.count, e.value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::Encoding;

    fn f(kind: Kind, value: &str) -> Feature {
        Feature {
            kind,
            value: value.into(),
            image_offset: 0,
            encoding: Encoding::Ascii,
            forensic_path: "0".into(),
            context: String::new(),
        }
    }

    #[test]
    fn counts_sorted_by_count_then_value() {
        let h = histogram(&[
            f(Kind::Email, "b@x.com"),
            f(Kind::Email, "A@x.com"),
            f(Kind::Email, "a@x.com"),
            f(Kind::Url, "http://x.com"),
        ]);
        assert_eq!(h[0].value, "a@x.com");
        assert_eq!(h[0].count, 2);
        assert_eq!(h[1].value, "b@x.com");
        assert_eq!(h[2].kind, Kind::Url);
        assert_eq!(to_text(&h[..1]), "n=2\ta@x.com\n");
    }
}
