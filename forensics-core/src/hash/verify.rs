//! Comparing recomputed media digests with the ones a container stored at
//! acquisition time (E01 hash sections).

use serde::Serialize;

use super::{Algorithm, AlgorithmSet, Digests};
use crate::evidence::StoredHashes;

/// The result of comparing one stored digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCheck {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The stored digest, lowercase hex as stored.
    pub stored: String,
    /// The recomputed digest, lowercase hex.
    pub computed: String,
    /// Whether they are equal (ignoring hex case).
    pub matches: bool,
}

/// The algorithms `stored` has a digest for.
pub fn stored_algorithms(stored: &StoredHashes) -> AlgorithmSet {
    stored_pairs(stored).fold(AlgorithmSet::EMPTY, |set, (a, _)| set.with(a))
}

fn stored_pairs(stored: &StoredHashes) -> impl Iterator<Item = (Algorithm, &str)> {
    [
        (Algorithm::Md5, &stored.md5),
        (Algorithm::Sha1, &stored.sha1),
        (Algorithm::Sha256, &stored.sha256),
    ]
    .into_iter()
    .filter_map(|(a, value)| Some((a, value.as_deref()?)))
}

/// Compares every stored digest with the recomputed one, in algorithm order.
/// A stored digest whose algorithm was not recomputed does not match.
pub fn compare_stored(stored: &StoredHashes, computed: &Digests) -> Vec<StoredCheck> {
    stored_pairs(stored)
        .map(|(algorithm, stored_hex)| {
            let computed_hex = computed.hex(algorithm).unwrap_or_default();
            StoredCheck {
                algorithm,
                stored: stored_hex.to_ascii_lowercase(),
                matches: !computed_hex.is_empty()
                    && stored_hex.trim().eq_ignore_ascii_case(&computed_hex),
                computed: computed_hex,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_digests_compare_case_insensitively_and_name_the_mismatch() {
        let stored = StoredHashes {
            md5: Some("900150983CD24FB0D6963F7D28E17F72".into()),
            sha1: Some("0000000000000000000000000000000000000000".into()),
            sha256: None,
        };
        let computed = Digests {
            md5: Some(*b"\x90\x01\x50\x98\x3c\xd2\x4f\xb0\xd6\x96\x3f\x7d\x28\xe1\x7f\x72"),
            sha1: Some([0x11; 20]),
            ..Digests::default()
        };
        assert_eq!(
            stored_algorithms(&stored),
            AlgorithmSet::of(&[Algorithm::Md5, Algorithm::Sha1])
        );
        let checks = compare_stored(&stored, &computed);
        assert_eq!(checks.len(), 2);
        assert!(checks[0].matches);
        assert!(!checks[1].matches);
        assert_eq!(checks[1].algorithm, Algorithm::Sha1);
    }
}
