//! CASE/UCO JSON-LD ([`CASE_UCO_VERSION`]): the Investigation, an Identity
//! per examiner, the Tool, one InvestigativeAction per custody entry
//! (performer, instrument, object, result, start and end time), observables
//! for evidence images, partitions, file systems and files (FileFacet,
//! ContentDataFacet with MD5, SHA-1 and SHA-256 hashes), `Contained_Within` relationships and
//! a ProvenanceRecord per exhibit.
//!
//! Every `@id` is `kb:<kind>-<uuid>` where the UUID is derived from the case
//! key ([`ReportData::case_key`]) and the object's id in the case, so two
//! exports of the same case are identical. Maps are serialised with sorted
//! keys; graph nodes are in case order.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::Creator;
use super::data::ReportData;
use crate::case::CustodyEntry;

/// The CASE ontology release the export conforms to (UCO 1.4.0).
pub const CASE_UCO_VERSION: &str = "1.4.0";

const UCO: &str = "https://ontology.unifiedcyberontology.org/uco/";

/// Writes the CASE/UCO JSON-LD document of `data` to `out` (pretty-printed,
/// one trailing newline).
pub fn write_case_uco(data: &ReportData, creator: &Creator, out: &mut dyn Write) -> io::Result<()> {
    let document = case_uco_document(data, creator);
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// The CASE/UCO JSON-LD document of `data`.
pub fn case_uco_document(data: &ReportData, creator: &Creator) -> Value {
    let mut graph = Graph::new(data);
    graph.build(creator);
    json!({
        "@context": context(&graph.key),
        "@graph": graph.nodes,
    })
}

fn context(case_key: &str) -> Value {
    let short_key = case_key.get(..32).unwrap_or(case_key);
    json!({
        "kb": format!("urn:forensics:case:{short_key}:"),
        "case-investigation": "https://ontology.caseontology.org/case/investigation/",
        "uco-action": format!("{UCO}action/"),
        "uco-core": format!("{UCO}core/"),
        "uco-identity": format!("{UCO}identity/"),
        "uco-observable": format!("{UCO}observable/"),
        "uco-tool": format!("{UCO}tool/"),
        "uco-types": format!("{UCO}types/"),
        "uco-vocabulary": format!("{UCO}vocabulary/"),
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    })
}

/// The RFC 4122 URL namespace UUID.
const NAMESPACE_URL: [u8; 16] = [
    0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
];

/// A name-based UUID (RFC 4122 version 5, SHA-1) of `name` in `namespace`.
fn uuid_v5(namespace: &[u8; 16], name: &str) -> [u8; 16] {
    use sha1::Digest;
    let mut hasher = sha1::Sha1::new();
    hasher.update(namespace);
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    bytes
}

/// The UUID of `name` in the case: version 5 in a namespace that is itself
/// the version-5 UUID of the case's URN in the URL namespace.
fn uuid_for(case_key: &str, name: &str) -> String {
    let namespace = uuid_v5(&NAMESPACE_URL, &format!("urn:forensics:case:{case_key}"));
    let hex = crate::hash::to_hex(&uuid_v5(&namespace, name));
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

pub(super) fn typed(datatype: &str, value: impl ToString) -> Value {
    json!({"@type": datatype, "@value": value.to_string()})
}

pub(super) fn reference(id: &str) -> Value {
    json!({"@id": id})
}

/// The graph being built.
pub(super) struct Graph<'a> {
    pub(super) data: &'a ReportData,
    pub(super) key: String,
    pub(super) nodes: Vec<Value>,
    /// Case object id → graph `@id` of its observable.
    pub(super) observables: BTreeMap<i64, String>,
    /// Evidence object id → `@id` of its provenance record.
    pub(super) provenance: BTreeMap<i64, String>,
    /// Examiner name → `@id` of their Identity.
    pub(super) identities: BTreeMap<String, String>,
}

impl<'a> Graph<'a> {
    fn new(data: &'a ReportData) -> Self {
        Self {
            data,
            key: data.case_key(),
            nodes: Vec::new(),
            observables: BTreeMap::new(),
            provenance: BTreeMap::new(),
            identities: BTreeMap::new(),
        }
    }

    pub(super) fn id(&self, kind: &str, name: &str) -> String {
        format!(
            "kb:{kind}-{}",
            uuid_for(&self.key, &format!("{kind}/{name}"))
        )
    }

    fn build(&mut self, creator: &Creator) {
        let data = self.data;
        let tool_id = self.id("tool", &creator.program);
        self.nodes.push(json!({
            "@id": tool_id,
            "@type": "uco-tool:Tool",
            "uco-core:name": creator.program,
            "uco-tool:version": creator.version,
            "uco-tool:toolType": "Digital forensics suite",
        }));
        for examiner in &data.examiners {
            let id = self.id("identity", examiner);
            self.nodes.push(json!({
                "@id": id,
                "@type": "uco-identity:Identity",
                "uco-core:name": examiner,
            }));
            self.identities.insert(examiner.clone(), id);
        }
        self.add_evidence();
        self.add_volumes_and_file_systems();
        for file in &data.files {
            self.add_file(file);
        }
        let mut compiled: Vec<Value> = self.provenance.values().map(|id| reference(id)).collect();
        for entry in &data.custody {
            let id = self.add_action(entry, &tool_id);
            compiled.push(reference(&id));
        }
        let mut investigation = json!({
            "@id": self.id("investigation", "case"),
            "@type": "case-investigation:Investigation",
            "uco-core:name": self.data.case_number,
            "uco-core:description": self.data.title,
            "uco-core:specVersion": format!("CASE {CASE_UCO_VERSION}"),
            "case-investigation:investigationForm": "case",
            "uco-core:object": compiled,
        });
        if let Some(start) = self.data.custody.first() {
            investigation["uco-core:startTime"] = typed("xsd:dateTime", &start.at_utc);
        }
        self.nodes.insert(0, investigation);
    }

    /// The InvestigativeAction of one custody entry; returns its `@id`.
    fn add_action(&mut self, entry: &CustodyEntry, tool_id: &str) -> String {
        let id = self.id("investigative-action", &entry.seq.to_string());
        let details: Value = serde_json::from_str(&entry.details_json).unwrap_or(Value::Null);
        let object_id = |field: &str| details.get(field).and_then(Value::as_i64);
        let (objects, results): (Vec<Option<i64>>, Vec<Option<i64>>) = match entry.action.as_str() {
            "add_evidence" | "ingest_start" | "ingest_end" => {
                (vec![object_id("evidence_id")], vec![])
            }
            "add_file_system" => (
                vec![object_id("volume_id")],
                vec![object_id("file_system_id")],
            ),
            "ingest_batch" => (vec![object_id("file_system_id")], vec![]),
            "volume_done" => (
                vec![object_id("volume_id")],
                vec![object_id("file_system_id")],
            ),
            "tag" | "note" => (vec![object_id("object_id")], vec![]),
            _ => (vec![], vec![]),
        };
        let lookup = |ids: Vec<Option<i64>>, map: &BTreeMap<i64, String>| -> Vec<Value> {
            ids.into_iter()
                .flatten()
                .filter_map(|id| map.get(&id).map(|iri| reference(iri)))
                .collect()
        };
        let objects = lookup(objects, &self.observables);
        let mut results = lookup(results, &self.observables);
        if entry.action == "add_evidence"
            && let Some(record) = object_id("evidence_id").and_then(|e| self.provenance.get(&e))
        {
            results.push(reference(record));
        }
        let mut node = json!({
            "@id": id,
            "@type": "case-investigation:InvestigativeAction",
            "uco-core:name": entry.action,
            "uco-core:description": format!(
                "Custody entry {} (entry hash {}, previous {}): {}",
                entry.seq, entry.entry_hash, entry.prev_hash, entry.details_json
            ),
            "uco-action:instrument": [reference(tool_id)],
            "uco-action:startTime": typed("xsd:dateTime", &entry.at_utc),
            "uco-action:endTime": typed("xsd:dateTime", &entry.at_utc),
        });
        if let Some(identity) = self.identities.get(&entry.examiner) {
            node["uco-action:performer"] = reference(identity);
        }
        if !objects.is_empty() {
            node["uco-action:object"] = json!(objects);
        }
        if !results.is_empty() {
            node["uco-action:result"] = json!(results);
        }
        self.nodes.push(node);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v5_matches_the_rfc_example() {
        // RFC 4122 / Python: uuid5(NAMESPACE_URL, "http://www.example.com/")
        let hex = crate::hash::to_hex(&uuid_v5(&NAMESPACE_URL, "http://www.example.com/"));
        assert_eq!(hex, "fcde3c852270590f9e7cee003d65e0e2");
    }

    #[test]
    fn uuids_are_stable_version_5_and_distinct() {
        let a = uuid_for("key", "file/1");
        assert_eq!(a, uuid_for("key", "file/1"));
        assert_ne!(a, uuid_for("key", "file/2"));
        assert_ne!(a, uuid_for("other", "file/1"));
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'5');
        assert!(matches!(a.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    }
}
