//! The observables of the CASE/UCO export: evidence images (with their
//! provenance records), partitions, file systems and files, each with its
//! facets, linked by `Contained_Within` relationships.

use serde_json::{Map, Value, json};

use super::case_uco::{Graph, reference, typed};
use super::data::xsd_date_time;
use crate::case::{ReportFile, ReportTimes};

impl Graph<'_> {
    /// A ContentDataFacet with the digests (`None` ones left out). BLAKE3
    /// is not in UCO 1.4's HashNameVocab, so exports carry MD5, SHA-1 and
    /// SHA-256 only.
    pub(super) fn content_facet(
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

    pub(super) fn contained_within(&mut self, child: &str, parent: &str) {
        self.nodes.push(json!({
            "@id": self.id("relationship", &format!("{child}>{parent}")),
            "@type": "uco-observable:ObservableRelationship",
            "uco-core:source": reference(child),
            "uco-core:target": reference(parent),
            "uco-core:kindOfRelationship": "Contained_Within",
            "uco-core:isDirectional": true,
        }));
    }

    pub(super) fn add_evidence(&mut self) {
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

    pub(super) fn add_volumes_and_file_systems(&mut self) {
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

    pub(super) fn add_file(&mut self, file: &ReportFile) {
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
