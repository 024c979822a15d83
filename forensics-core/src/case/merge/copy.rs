//! Copying one shard's rows into the target transaction: new object ids,
//! natural keys found or inserted, and the counts and digests the unit's
//! custody entry records for `verify`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::{EVIDENCE_COLUMNS, MergedCounts, ShardToMerge, insert, one_row};
use crate::case::backend::{SqlValue, StoreTx};
use crate::case::ingest::{file_rows_digest, stage_rows_digest};
use crate::case::{Error, Result};

/// Copies the rows of one shard.
pub(super) struct Copy<'a> {
    pub(super) target: &'a mut dyn StoreTx,
    /// The evidence in the target.
    pub(super) evidence_id: i64,
    pub(super) counts: MergedCounts,
    /// What the custody entry records of the copied rows (counts and
    /// digests, as the ingest's own entries do), for `verify`.
    pub(super) records: serde_json::Map<String, serde_json::Value>,
}

impl Copy<'_> {
    pub(super) fn unit(&mut self, from: &mut dyn StoreTx, shard: &ShardToMerge) -> Result<()> {
        let evidence = one_row(from.query(
            &format!("SELECT object_id, {EVIDENCE_COLUMNS}, carve_done FROM evidence"),
            &[],
        )?)?;
        let source_evidence = evidence[0].as_i64("evidence id")?;
        let evidence_id = self.evidence_id;
        let mut objects = BTreeMap::from([(source_evidence, evidence_id)]);
        self.problems_deduplicated(from, source_evidence, evidence_id)?;
        for volume in from.query(
            "SELECT object_id, partition_index, image_offset, len_bytes, fs_type, done
             FROM volumes ORDER BY image_offset, object_id",
            &[],
        )? {
            let target_volume = self.volume(evidence_id, &volume)?;
            objects.insert(volume[0].as_i64("volume id")?, target_volume);
            if volume[5] == SqlValue::Integer(1) {
                self.walked_volume(from, &volume, target_volume)?;
            }
        }
        self.carved(from, source_evidence, evidence_id)?;
        self.features(from, evidence_id)?;
        self.flags(
            evidence_id,
            evidence[evidence.len() - 1] == SqlValue::Integer(1),
            shard,
        )?;
        self.target.execute(
            "INSERT INTO unit_done (unit_id, evidence_id, scope, shard_sha256, host, tool)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                shard.unit_id.as_str().into(),
                evidence_id.into(),
                shard.scope.as_str().into(),
                shard.shard_sha256.as_str().into(),
                shard.worker["host"].as_str().unwrap_or_default().into(),
                shard.worker["tool"].as_str().unwrap_or_default().into(),
            ],
        )?;
        Ok(())
    }

    fn object(&mut self, parent: Option<i64>, kind: &str) -> Result<i64> {
        let rows = self.target.query(
            "INSERT INTO objects (parent_id, kind) VALUES ($1, $2) RETURNING id",
            &[parent.into(), kind.into()],
        )?;
        one_row(rows)?[0].as_i64("new object id")
    }

    /// The target volume with the natural key of `volume`, inserted (not
    /// done) the first time.
    fn volume(&mut self, evidence_id: i64, volume: &[SqlValue]) -> Result<i64> {
        let key = [evidence_id.into(), volume[2].clone(), volume[3].clone()];
        let found = self.target.query(
            "SELECT object_id FROM volumes
             WHERE evidence_id = $1 AND image_offset = $2 AND len_bytes = $3",
            &key,
        )?;
        if let Some(row) = found.first() {
            return row[0].as_i64("volume id");
        }
        let volume_id = self.object(Some(evidence_id), "volume")?;
        let values = [
            volume_id.into(),
            evidence_id.into(),
            volume[1].clone(),
            volume[2].clone(),
            volume[3].clone(),
            volume[4].clone(),
        ];
        let columns = "object_id, evidence_id, partition_index, image_offset, len_bytes, fs_type";
        insert(self.target, "volumes", columns, &values)?;
        Ok(volume_id)
    }

    /// The walk of one volume: its file system, files, byte runs, hash-set
    /// matches and problems; then the volume is marked done.
    fn walked_volume(
        &mut self,
        from: &mut dyn StoreTx,
        volume: &[SqlValue],
        target: i64,
    ) -> Result<()> {
        let source_volume = volume[0].clone();
        self.problems(from, source_volume.clone(), target)?;
        let file_systems = from.query(
            "SELECT object_id, fs_type, entries_done, done FROM file_systems WHERE volume_id = $1",
            &[source_volume],
        )?;
        for fs in file_systems {
            let fs_id = self.object(Some(target), "file_system")?;
            let values = [
                fs_id.into(),
                target.into(),
                fs[1].clone(),
                fs[2].clone(),
                fs[3].clone(),
            ];
            let columns = "object_id, volume_id, fs_type, entries_done, done";
            insert(self.target, "file_systems", columns, &values)?;
            self.problems(from, fs[0].clone(), fs_id)?;
            self.files(from, fs[0].clone(), fs_id)?;
        }
        self.target.execute(
            "UPDATE volumes SET done = 1 WHERE object_id = $1",
            &[target.into()],
        )?;
        Ok(())
    }

    fn files(&mut self, from: &mut dyn StoreTx, source_fs: SqlValue, fs_id: i64) -> Result<()> {
        let files_before = self.counts.files;
        self.copy_files(from, source_fs, fs_id)?;
        let copied = self.counts.files - files_before;
        if copied > 0 {
            let last = self.target.query(
                "SELECT max(walk_index) FROM files WHERE fs_id = $1",
                &[fs_id.into()],
            )?;
            let last = one_row(last)?[0].as_i64("last walk index")?.max(0) as u64;
            let (files, digest) = file_rows_digest(self.target, fs_id, 0, last)?;
            self.record(
                "file_batches",
                json!({
                    "file_system_id": fs_id, "first_walk_index": 0, "last_walk_index": last,
                    "files": files, "rows_blake3": digest,
                }),
            );
        }
        Ok(())
    }

    /// Appends `record` to the custody details' list `name`.
    fn record(&mut self, name: &str, record: serde_json::Value) {
        let list = self.records.entry(name).or_insert_with(|| json!([]));
        if let Some(list) = list.as_array_mut() {
            list.push(record);
        }
    }

    fn copy_files(
        &mut self,
        from: &mut dyn StoreTx,
        source_fs: SqlValue,
        fs_id: i64,
    ) -> Result<()> {
        let files = from.query(
            &format!(
                "SELECT object_id, {FILE_COLUMNS} FROM files WHERE fs_id = $1 ORDER BY walk_index"
            ),
            &[source_fs],
        )?;
        for file in files {
            let file_id = self.object(Some(fs_id), "file")?;
            let mut values = vec![file_id.into(), fs_id.into()];
            values.extend_from_slice(&file[1..]);
            insert(
                self.target,
                "files",
                &format!("object_id, fs_id, {FILE_COLUMNS}"),
                &values,
            )?;
            let source_file = file[0].clone();
            for run in from.query(
                "SELECT seq, file_offset, image_offset, len_bytes FROM byte_runs
                 WHERE file_id = $1 ORDER BY seq",
                std::slice::from_ref(&source_file),
            )? {
                let mut values = vec![file_id.into()];
                values.extend(run);
                let columns = "file_id, seq, file_offset, image_offset, len_bytes";
                insert(self.target, "byte_runs", columns, &values)?;
            }
            self.matches(from, source_file.clone(), file_id)?;
            self.problems(from, source_file, file_id)?;
            self.counts.files += 1;
        }
        Ok(())
    }

    fn matches(&mut self, from: &mut dyn StoreTx, source: SqlValue, target: i64) -> Result<()> {
        for found in from.query(
            "SELECT set_name, set_kind, category, algorithm FROM hash_matches
             WHERE object_id = $1 ORDER BY set_name",
            &[source],
        )? {
            let mut values = vec![target.into()];
            values.extend(found);
            let columns = "object_id, set_name, set_kind, category, algorithm";
            insert(self.target, "hash_matches", columns, &values)?;
        }
        Ok(())
    }

    fn problems(&mut self, from: &mut dyn StoreTx, source: SqlValue, target: i64) -> Result<()> {
        for problem in from.query(
            "SELECT image_offset, len_bytes, message FROM problems WHERE object_id = $1 ORDER BY id",
            &[source],
        )? {
            self.problem(target, problem)?;
        }
        Ok(())
    }

    /// Evidence-level problems: every shard of an evidence item carries
    /// those found on registration, so one already in the case is skipped.
    fn problems_deduplicated(
        &mut self,
        from: &mut dyn StoreTx,
        source: i64,
        target: i64,
    ) -> Result<()> {
        let sql = "SELECT image_offset, len_bytes, message FROM problems WHERE object_id = $1 ORDER BY id";
        let present: BTreeSet<Vec<SqlValue>> = self
            .target
            .query(sql, &[target.into()])?
            .into_iter()
            .collect();
        for problem in from.query(sql, &[source.into()])? {
            if !present.contains(&problem) {
                self.problem(target, problem)?;
            }
        }
        Ok(())
    }

    fn problem(&mut self, target: i64, problem: Vec<SqlValue>) -> Result<()> {
        let mut values = vec![target.into()];
        values.extend(problem);
        insert(
            self.target,
            "problems",
            "object_id, image_offset, len_bytes, message",
            &values,
        )?;
        self.counts.problems += 1;
        Ok(())
    }

    fn carved(
        &mut self,
        from: &mut dyn StoreTx,
        source_evidence: i64,
        evidence_id: i64,
    ) -> Result<()> {
        let mut object_of: BTreeMap<i64, i64> = BTreeMap::new();
        let mut indexes = None;
        for carved in from.query(
            &format!(
                "SELECT object_id, nested_in, {CARVED_COLUMNS} FROM carved_files
                 WHERE evidence_id = $1 ORDER BY object_id"
            ),
            &[source_evidence.into()],
        )? {
            let nested_in = match carved[1].as_opt_i64("nested_in")? {
                Some(container) => Some(*object_of.get(&container).ok_or_else(|| {
                    Error::Invalid(format!("shard: carved container {container} missing"))
                })?),
                None => None,
            };
            let object_id = self.object(Some(nested_in.unwrap_or(evidence_id)), "carved")?;
            object_of.insert(carved[0].as_i64("carved id")?, object_id);
            let mut values = vec![object_id.into(), evidence_id.into(), nested_in.into()];
            values.extend_from_slice(&carved[2..]);
            let columns = format!("object_id, evidence_id, nested_in, {CARVED_COLUMNS}");
            insert(self.target, "carved_files", &columns, &values)?;
            self.matches(from, carved[0].clone(), object_id)?;
            self.counts.carved_files += 1;
            let carve_index = carved[2].as_i64("carve index")?;
            indexes = Some(
                indexes.map_or((carve_index, carve_index), |(low, high): (i64, i64)| {
                    (low.min(carve_index), high.max(carve_index))
                }),
            );
        }
        if let Some((first, last)) = indexes {
            let (count, digest) =
                stage_rows_digest(self.target, "carved_files", evidence_id, first..=last)?;
            self.record(
                "stage_rows",
                json!({
                    "table": "carved_files", "first_index": first, "last_index": last,
                    "rows": count, "rows_blake3": digest,
                }),
            );
        }
        Ok(())
    }

    /// Features, numbered on from those of the evidence in the case, each
    /// linked to the file of the case that holds its first byte.
    fn features(&mut self, from: &mut dyn StoreTx, evidence_id: i64) -> Result<()> {
        let features = from.query(
            &format!("SELECT {FEATURE_COLUMNS} FROM features ORDER BY scan_index"),
            &[],
        )?;
        if features.is_empty() {
            return Ok(());
        }
        let next = self.target.query(
            "SELECT count(*) FROM features WHERE evidence_id = $1",
            &[evidence_id.into()],
        )?;
        let first_index = one_row(next)?[0].as_i64("feature count")?;
        let runs = crate::case::ingest::file_runs_of(self.target, evidence_id)?;
        let mut last_index = first_index;
        for (index, feature) in (first_index..).zip(features) {
            let image_offset = feature[2].as_i64("feature offset")?;
            let file_id = crate::case::ingest::file_at(&runs, image_offset.max(0) as u64);
            let mut values = vec![evidence_id.into(), index.into()];
            values.extend(feature);
            values.push(file_id.into());
            let columns = format!("evidence_id, scan_index, {FEATURE_COLUMNS}, file_id");
            insert(self.target, "features", &columns, &values)?;
            self.counts.features += 1;
            last_index = index;
        }
        let (count, digest) = stage_rows_digest(
            self.target,
            "features",
            evidence_id,
            first_index..=last_index,
        )?;
        self.record(
            "stage_rows",
            json!({
                "table": "features", "first_index": first_index, "last_index": last_index,
                "rows": count, "rows_blake3": digest,
            }),
        );
        Ok(())
    }

    /// Marks what the merged units have completed for the evidence.
    fn flags(&mut self, evidence_id: i64, carve_done: bool, shard: &ShardToMerge) -> Result<()> {
        let id = [SqlValue::Integer(evidence_id)];
        let pending = self.target.query(
            "SELECT count(*) FROM volumes WHERE evidence_id = $1 AND done = 0",
            &id,
        )?;
        if one_row(pending)?[0].as_i64("pending volumes")? == 0 {
            self.target.execute(
                "UPDATE evidence SET ingest_done = 1 WHERE object_id = $1",
                &id,
            )?;
        }
        if carve_done {
            self.target.execute(
                "UPDATE evidence SET carve_done = 1 WHERE object_id = $1",
                &id,
            )?;
        }
        if shard.completes_scan {
            self.target.execute(
                "UPDATE evidence SET scan_done = 1 WHERE object_id = $1",
                &id,
            )?;
        }
        Ok(())
    }
}

const FILE_COLUMNS: &str = "walk_index, entry_id, path, name, kind, size, deleted, mode, uid, gid, \
     link_target, streams_json, modified_ns, accessed_ns, changed_ns, created_ns, fn_modified_ns, \
     fn_accessed_ns, fn_changed_ns, fn_created_ns, md5, sha1, sha256, blake3";
const CARVED_COLUMNS: &str = "carve_index, type, image_offset, len_bytes, status, fragments_json, \
     forensic_path, md5, sha1, sha256, blake3";
const FEATURE_COLUMNS: &str = "kind, value, image_offset, encoding, forensic_path, context";
