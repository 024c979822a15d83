//! Recording an export (a sealed bundle handed over) in the custody log.

use serde_json::{Value, json};

use super::custody::CustodyEntry;
use super::{Case, Result};

impl Case {
    /// Writes an `export_bundle` custody entry recording the SHA-256 of the
    /// bundle's manifest and `details` (file counts, options). Nothing else
    /// in the case changes.
    pub fn record_export(&mut self, manifest_sha256: &str, details: Value) -> Result<CustodyEntry> {
        let (_, entry) = self.write("export_bundle", |_, _| {
            let mut recorded = json!({"manifest_sha256": manifest_sha256});
            if let (Some(map), Value::Object(extra)) = (recorded.as_object_mut(), details) {
                for (key, value) in extra {
                    map.entry(key).or_insert(value);
                }
            }
            Ok(((), recorded))
        })?;
        Ok(entry)
    }
}
