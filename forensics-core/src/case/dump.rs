//! A normalised dump of a case: every row of the object tree and its detail
//! tables, with surrogate ids replaced by natural keys (evidence path,
//! volume offset and length, walk index, carve index) and sorted, and
//! without the custody log and the creation stamps. Two cases holding the
//! same findings give the same dump, however their rows were inserted.

use std::collections::BTreeMap;

use super::Result;
use super::backend::{CaseStore, SqlValue, StoreTx};

/// Tables and the columns dumped beside the row's key.
const TABLES: &[(&str, &str, &str)] = &[
    (
        "evidence",
        "object_id",
        "path, format, media_size, sector_size, md5, sha1, sha256, blake3, stored_md5, \
         stored_sha1, stored_sha256, metadata_json, segments_json, chunk_size, compression, \
         layout_done, ingest_done, carve_done, scan_done",
    ),
    (
        "volumes",
        "object_id",
        "partition_index, image_offset, len_bytes, fs_type, done",
    ),
    ("file_systems", "object_id", "fs_type, entries_done, done"),
    (
        "files",
        "object_id",
        "walk_index, entry_id, path, name, kind, size, deleted, mode, uid, gid, link_target, \
         streams_json, modified_ns, accessed_ns, changed_ns, created_ns, fn_modified_ns, \
         fn_accessed_ns, fn_changed_ns, fn_created_ns, md5, sha1, sha256, blake3",
    ),
    (
        "byte_runs",
        "file_id",
        "seq, file_offset, image_offset, len_bytes",
    ),
    (
        "hash_matches",
        "object_id",
        "set_name, set_kind, category, algorithm",
    ),
    ("problems", "object_id", "image_offset, len_bytes, message"),
    (
        "carved_files",
        "object_id",
        "carve_index, type, image_offset, len_bytes, status, fragments_json, forensic_path, \
         nested_in, md5, sha1, sha256, blake3",
    ),
    (
        "features",
        "evidence_id",
        "scan_index, kind, value, image_offset, encoding, forensic_path, context, file_id",
    ),
    ("tags", "object_id", "tag, examiner"),
    ("notes", "object_id", "text, bookmark, examiner"),
];

impl super::Case {
    /// The case contents without object ids, times or custody entries, one
    /// sorted line per row (see [`normalised_dump`]): two cases made from the
    /// same evidence with the same options give the same lines, however the
    /// ingest was interrupted, resumed or spread over batch units.
    pub fn normalised_dump(&mut self) -> Result<Vec<String>> {
        normalised_dump(self)
    }
}

/// The normalised dump of `store`, one line per row, sorted per table.
pub fn normalised_dump(store: &mut dyn CaseStore) -> Result<Vec<String>> {
    let mut out = Vec::new();
    store.read(&mut |tx| {
        let keys = object_keys(tx)?;
        let key_of = |value: &SqlValue| match value {
            SqlValue::Integer(id) => SqlValue::Text(keys.get(id).cloned().unwrap_or_default()),
            other => other.clone(),
        };
        for (table, owner, columns) in TABLES {
            let mut lines = Vec::new();
            for row in tx.query(&format!("SELECT {owner}, {columns} FROM {table}"), &[])? {
                let mut values: Vec<SqlValue> = row;
                values[0] = key_of(&values[0]);
                for (index, column) in columns.split(", ").enumerate() {
                    if matches!(column.trim(), "nested_in" | "file_id") {
                        values[index + 1] = key_of(&values[index + 1]);
                    }
                }
                lines.push(render(table, &values));
            }
            lines.sort();
            out.extend(lines);
        }
        Ok(())
    })?;
    Ok(out)
}

/// A natural key for every object id.
fn object_keys(tx: &mut dyn StoreTx) -> Result<BTreeMap<i64, String>> {
    let mut keys = BTreeMap::new();
    let queries = [
        "SELECT object_id, 'e:' || path FROM evidence",
        "SELECT object_id, evidence_id, '/v' || image_offset || '+' || len_bytes FROM volumes",
        "SELECT object_id, volume_id, '/fs' FROM file_systems",
        "SELECT object_id, fs_id, '#' || walk_index FROM files",
        "SELECT object_id, evidence_id, '/carved' || carve_index FROM carved_files",
    ];
    for sql in queries {
        for row in tx.query(sql, &[])? {
            let id = row[0].as_i64("object id")?;
            let key = match row.as_slice() {
                [_, SqlValue::Text(key)] => key.clone(),
                [_, parent, SqlValue::Text(suffix)] => {
                    let parent = parent.as_i64("parent id")?;
                    format!("{}{suffix}", keys.get(&parent).cloned().unwrap_or_default())
                }
                _ => String::new(),
            };
            keys.insert(id, key);
        }
    }
    Ok(keys)
}

fn render(table: &str, values: &[SqlValue]) -> String {
    let cells: Vec<serde_json::Value> = values
        .iter()
        .map(|value| match value {
            SqlValue::Null => serde_json::Value::Null,
            SqlValue::Integer(n) => (*n).into(),
            SqlValue::Text(text) => text.as_str().into(),
        })
        .collect();
    format!("{table} {}", serde_json::Value::Array(cells))
}
