//! The custody-chain walk of [`super::verify_case`]: sequence, links,
//! entry hashes, key registrations and signatures, one entry at a time.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::case::canonical_json;
use crate::case::custody::{self, CustodyEntry, GENESIS_HASH};
use crate::case::keys::{key_id_of, verify_signature};
use crate::hash::from_hex;

/// What the chain walk has seen so far.
#[derive(Default)]
pub(super) struct ChainState {
    pub(super) last_seq: u64,
    pub(super) last_hash: Option<String>,
    /// key id → (public key hex, examiner).
    pub(super) keys: BTreeMap<String, (String, String)>,
    /// examiner → (key id, seq of the registration).
    pub(super) examiner_keys: BTreeMap<String, (String, u64)>,
    pub(super) signed: u64,
}

impl ChainState {
    pub(super) fn check(&mut self, entry: &CustodyEntry) -> Result<(), String> {
        let expected_seq = self.last_seq + 1;
        if entry.seq != expected_seq {
            return Err(format!(
                "sequence jumps from {} to {}: entries were deleted or inserted",
                self.last_seq, entry.seq
            ));
        }
        let expected_prev = self.last_hash.as_deref().unwrap_or(GENESIS_HASH);
        if entry.prev_hash != expected_prev {
            return Err(format!(
                "prev_hash does not match the hash of entry {}: entries were reordered, \
                 inserted, deleted or re-hashed",
                self.last_seq
            ));
        }
        let recomputed = custody::entry_hash(
            entry.seq,
            &entry.at_utc,
            &entry.examiner,
            &entry.action,
            &entry.details_json,
            &entry.prev_hash,
        );
        if recomputed != entry.entry_hash {
            return Err("its hash does not match its contents: the entry was edited".into());
        }
        let details: Value = serde_json::from_str(&entry.details_json)
            .map_err(|e| format!("details are not JSON: {e}"))?;
        if canonical_json(&details) != entry.details_json {
            return Err("details are not in canonical form".into());
        }
        if entry.action == "register_key" {
            self.register(entry, &details)?;
        }
        self.check_signature(entry)?;
        self.last_seq = entry.seq;
        self.last_hash = Some(entry.entry_hash.clone());
        Ok(())
    }

    fn register(&mut self, entry: &CustodyEntry, details: &Value) -> Result<(), String> {
        let field = |name: &str| details.get(name).and_then(Value::as_str).unwrap_or("");
        let (key_id, public_key) = (field("key_id"), field("public_key"));
        let bytes = from_hex(public_key).unwrap_or_default();
        if bytes.len() != 32 || key_id_of(&bytes) != key_id {
            return Err("registers a malformed key".into());
        }
        self.keys.insert(
            key_id.to_string(),
            (public_key.to_string(), entry.examiner.clone()),
        );
        self.examiner_keys
            .insert(entry.examiner.clone(), (key_id.to_string(), entry.seq));
        Ok(())
    }

    fn check_signature(&mut self, entry: &CustodyEntry) -> Result<(), String> {
        match (&entry.signature, &entry.key_id) {
            (Some(signature), Some(key_id)) => {
                let (public_key, owner) = self
                    .keys
                    .get(key_id)
                    .ok_or_else(|| format!("signed with key {key_id}, which is not registered"))?;
                if *owner != entry.examiner {
                    return Err(format!("signed with {owner}'s key by {}", entry.examiner));
                }
                let raw = from_hex(&entry.entry_hash).unwrap_or_default();
                if !verify_signature(public_key, &raw, signature) {
                    return Err(format!(
                        "the signature does not verify with key {key_id}: re-signed or re-hashed \
                         without the examiner's key"
                    ));
                }
                self.signed += 1;
                Ok(())
            }
            (None, None) => match self.examiner_keys.get(&entry.examiner) {
                Some((key_id, seq)) => Err(format!(
                    "unsigned, but {} registered key {key_id} at entry {seq}",
                    entry.examiner
                )),
                None => Ok(()),
            },
            _ => Err("has a signature without a key id, or a key id without a signature".into()),
        }
    }
}
