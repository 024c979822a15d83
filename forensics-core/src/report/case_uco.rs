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

use serde_json::{Map, Value, json};

use super::Creator;
use super::data::{ReportData, xsd_date_time};
use crate::case::{CustodyEntry, ReportFile, ReportTimes};

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

fn typed(datatype: &str, value: impl ToString) -> Value {
    json!({"@type": datatype, "@value": value.to_string()})
}

fn reference(id: &str) -> Value {
    json!({"@id": id})
}

/// The graph being built.
struct Graph<'a> {
    data: &'a ReportData,
    key: String,
    nodes: Vec<Value>,
    /// Case object id → graph `@id` of its observable.
    observables: BTreeMap<i64, String>,
    /// Evidence object id → `@id` of its provenance record.
    provenance: BTreeMap<i64, String>,
    /// Examiner name → `@id` of their Identity.
    identities: BTreeMap<String, String>,
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

    fn id(&self, kind: &str, name: &str) -> String {
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

    /// A ContentDataFacet with the digests (`None` ones left out). BLAKE3
    /// is not in UCO 1.4's HashNameVocab, so exports carry MD5, SHA-1 and
    /// SHA-256 only.
    fn content_facet(
        &mut self,
        owner: &str,
        size: u64,
        digests: [(&str, Option<&str>); 3],
    ) -> Value {
        let mut hashes = Vec::new();
        for (method, hex) in digests {
            let Some(hex) = hex.filter(|h| !h.is_empty()) else {
                continue;
            };
            hashes.push(json!({
                "@id": self.id("hash", &format!("{owner}/{method}")),
                "@type": "uco-types:Hash",
                "uco-types:hashMethod": method,
                "uco-types:hashValue": typed("xsd:hexBinary", hex.to_ascii_uppercase()),
            }));
        }
        json!({
            "@id": self.id("content-data-facet", owner),
            "@type": "uco-observable:ContentDataFacet",
            "uco-observable:sizeInBytes": typed("xsd:integer", size),
            "uco-observable:hash": hashes,
        })
    }

    fn contained_within(&mut self, child: &str, parent: &str) {
        self.nodes.push(json!({
            "@id": self.id("relationship", &format!("{child}>{parent}")),
            "@type": "uco-observable:ObservableRelationship",
            "uco-core:source": reference(child),
            "uco-core:target": reference(parent),
            "uco-core:kindOfRelationship": "Contained_Within",
            "uco-core:isDirectional": true,
        }));
    }

    fn add_evidence(&mut self) {
        let data = self.data;
        for (ordinal, evidence) in data.evidence.iter().enumerate() {
            let name = format!("evidence/{}", evidence.object_id);
            let id = self.id("image", &name);
            let file_name = evidence
                .path
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(&evidence.path);
            let content = self.content_facet(
                &name,
                evidence.media_size,
                [
                    ("MD5", Some(evidence.md5.as_str())),
                    ("SHA1", Some(evidence.sha1.as_str())),
                    ("SHA256", Some(evidence.sha256.as_str())),
                ],
            );
            self.nodes.push(json!({
                "@id": id,
                "@type": "uco-observable:Image",
                "uco-core:name": file_name,
                "uco-core:hasFacet": [
                    {
                        "@id": self.id("image-facet", &name),
                        "@type": "uco-observable:ImageFacet",
                        "uco-observable:imageType": evidence.format,
                    },
                    {
                        "@id": self.id("file-facet", &name),
                        "@type": "uco-observable:FileFacet",
                        "uco-observable:fileName": file_name,
                        "uco-observable:filePath": evidence.path,
                    },
                    content,
                ],
            }));
            self.observables.insert(evidence.object_id, id.clone());
            let record_id = self.id("provenance-record", &name);
            self.nodes.push(json!({
                "@id": record_id,
                "@type": "case-investigation:ProvenanceRecord",
                "case-investigation:exhibitNumber": (ordinal + 1).to_string(),
                "uco-core:description": format!("Evidence item {} ({})", evidence.object_id, evidence.path),
                "uco-core:object": [reference(&id)],
            }));
            self.provenance.insert(evidence.object_id, record_id);
        }
    }

    fn add_volumes_and_file_systems(&mut self) {
        let data = self.data;
        for volume in &data.volumes {
            let name = format!("volume/{}", volume.object_id);
            let id = self.id("disk-partition", &name);
            let mut facet = json!({
                "@id": self.id("disk-partition-facet", &name),
                "@type": "uco-observable:DiskPartitionFacet",
                "uco-observable:partitionOffset": typed("xsd:integer", volume.image_offset),
                "uco-observable:partitionLength": typed("xsd:integer", volume.len_bytes),
            });
            if let Some(index) = volume.partition_index {
                facet["uco-observable:partitionID"] = json!(index.to_string());
            }
            self.nodes.push(json!({
                "@id": id,
                "@type": "uco-observable:DiskPartition",
                "uco-core:hasFacet": [facet],
            }));
            self.observables.insert(volume.object_id, id.clone());
            if let Some(parent) = self.observables.get(&volume.evidence_id).cloned() {
                self.contained_within(&id, &parent);
            }
        }
        for fs in &data.file_systems {
            let name = format!("file-system/{}", fs.object_id);
            let id = self.id("file-system", &name);
            self.nodes.push(json!({
                "@id": id,
                "@type": "uco-observable:FileSystem",
                "uco-core:hasFacet": [{
                    "@id": self.id("file-system-facet", &name),
                    "@type": "uco-observable:FileSystemFacet",
                    "uco-observable:fileSystemType": fs.fs_type,
                }],
            }));
            self.observables.insert(fs.object_id, id.clone());
            if let Some(parent) = self.observables.get(&fs.volume_id).cloned() {
                self.contained_within(&id, &parent);
            }
        }
    }

    fn add_file(&mut self, file: &ReportFile) {
        let name = format!("file/{}", file.object_id);
        let id = self.id("file", &name);
        let mut facet = Map::new();
        facet.insert("@id".into(), json!(self.id("file-facet", &name)));
        facet.insert("@type".into(), json!("uco-observable:FileFacet"));
        facet.insert("uco-observable:fileName".into(), json!(file.name));
        facet.insert("uco-observable:filePath".into(), json!(file.path));
        facet.insert(
            "uco-observable:sizeInBytes".into(),
            typed("xsd:integer", file.size),
        );
        facet.insert(
            "uco-observable:isDirectory".into(),
            json!(file.kind == "directory"),
        );
        facet.insert(
            "uco-observable:allocationStatus".into(),
            json!(if file.deleted { "Deleted" } else { "Allocated" }),
        );
        add_times(&mut facet, &file.times);
        let mut facets = vec![Value::Object(facet)];
        if file.md5.is_some() || file.sha256.is_some() {
            facets.push(self.content_facet(
                &name,
                file.size,
                [
                    ("MD5", file.md5.as_deref()),
                    ("SHA1", file.sha1.as_deref()),
                    ("SHA256", file.sha256.as_deref()),
                ],
            ));
        }
        let mut node = json!({
            "@id": id,
            "@type": "uco-observable:File",
            "uco-core:hasFacet": facets,
        });
        if !file.tags.is_empty() {
            node["uco-core:tag"] = json!(file.tags);
        }
        self.nodes.push(node);
        self.observables.insert(file.object_id, id.clone());
        if let Some(parent) = self.observables.get(&file.fs_id).cloned() {
            self.contained_within(&id, &parent);
        }
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

fn add_times(facet: &mut Map<String, Value>, times: &ReportTimes) {
    for (property, time) in [
        ("uco-observable:modifiedTime", times.modified),
        ("uco-observable:accessedTime", times.accessed),
        ("uco-observable:metadataChangeTime", times.changed),
        ("uco-observable:observableCreatedTime", times.created),
    ] {
        if let Some(text) = time.and_then(xsd_date_time) {
            facet.insert(property.into(), typed("xsd:dateTime", text));
        }
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
