//! Recording an export (a sealed bundle handed over) in the custody log, on
//! any store.

use serde_json::{Value, json};

use super::backend::CaseStore;
use super::custody::CustodyEntry;
use super::{Case, Result};

/// Writes an `export_bundle` custody entry to `store` recording the SHA-256
/// of the bundle's manifest and `details` (file counts, options). Nothing
/// else in the case changes. The store needs a session.
pub fn record_export(
    store: &mut dyn CaseStore,
    manifest_sha256: &str,
    details: Value,
) -> Result<CustodyEntry> {
    let mut recorded = json!({"manifest_sha256": manifest_sha256});
    if let (Some(map), Value::Object(extra)) = (recorded.as_object_mut(), details) {
        for (key, value) in extra {
            map.entry(key).or_insert(value);
        }
    }
    store.write_with_custody("export_bundle", &mut |_| Ok(recorded.clone()))
}

impl Case {
    /// Writes an `export_bundle` custody entry ([`record_export`]).
    pub fn record_export(&mut self, manifest_sha256: &str, details: Value) -> Result<CustodyEntry> {
        record_export(self, manifest_sha256, details)
    }
}
