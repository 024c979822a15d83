//! `verify_bundle`: re-check a bundle against its manifest, its custody log
//! and its report, reading the ZIP in place. Nothing is extracted to disk;
//! every read is capped (a file is read to at most its manifest size plus
//! one byte, the manifest and the log to fixed caps), so a zip bomb, absurd
//! header sizes or traversal names (`../x`, `/etc/x`) only give failures.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::{CUSTODY_NAME, MANIFEST_NAME, Manifest, REPORT_NAME};
use crate::case::custody::{GENESIS_HASH, entry_hash};
use crate::case::keys::{key_id_of, verify_signature};
use crate::hash::{Algorithm, AlgorithmSet, MultiHasher};
use crate::report::Error;

/// Largest `manifest.json` read.
pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;
/// Largest custody log read.
const MAX_CUSTODY_BYTES: u64 = 256 << 20;
/// Largest report read.
const MAX_REPORT_BYTES: u64 = 1 << 30;
/// Most entries a bundle may have.
const MAX_ENTRIES: usize = 1_000_000;

/// One thing in the bundle that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleFailure {
    /// The bundle entry (or `bundle` for the archive itself).
    pub name: String,
    /// What is wrong.
    pub message: String,
}

/// The outcome of [`verify_bundle`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleCheck {
    /// Files listed in the manifest and checked.
    pub files_checked: u64,
    /// Custody entries in the bundle's log.
    pub custody_entries: u64,
    /// SHA-256 of the bundle's manifest.
    pub manifest_sha256: Option<String>,
    /// What failed.
    pub failures: Vec<BundleFailure>,
}

impl BundleCheck {
    /// Whether everything holds.
    pub fn holds(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Reads at most `cap` bytes of `reader`; `Err` names the cap if there is more.
fn read_capped(reader: &mut dyn Read, cap: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(io::Error::other(format!(
            "larger than the cap of {cap} bytes"
        )));
    }
    Ok(bytes)
}

/// The bytes of entry `name`, at most `cap`.
fn read_named(
    archive: &mut zip::ZipArchive<File>,
    index_of: &BTreeMap<String, usize>,
    name: &str,
    cap: u64,
) -> Result<Vec<u8>, String> {
    let index = *index_of.get(name).ok_or("missing from the bundle")?;
    let mut entry = archive.by_index(index).map_err(|e| e.to_string())?;
    read_capped(&mut entry, cap).map_err(|e| e.to_string())
}

/// Hashes the entry of `item` as a stream, reading at most its manifest
/// size plus one byte; returns the bytes read, the digests, and (for the
/// report) whether it shows `chain_head`.
fn hash_entry(
    archive: &mut zip::ZipArchive<File>,
    index_of: &BTreeMap<String, usize>,
    item: &super::ManifestFile,
    chain_head: Option<&str>,
) -> Result<(u64, crate::hash::Digests, bool), String> {
    let index = *index_of
        .get(&item.bundle_path)
        .ok_or("missing from the bundle")?;
    let mut entry = archive.by_index(index).map_err(|e| e.to_string())?;
    if entry.size() != item.size {
        return Err(format!(
            "the ZIP says {} bytes, the manifest {}",
            entry.size(),
            item.size
        ));
    }
    let is_report = item.bundle_path == REPORT_NAME;
    if is_report && item.size > MAX_REPORT_BYTES {
        return Err(format!(
            "report larger than the cap of {MAX_REPORT_BYTES} bytes"
        ));
    }
    let mut hasher = MultiHasher::new(AlgorithmSet::ALL, false);
    let mut limited = (&mut entry).take(item.size.saturating_add(1));
    let mut buffer = vec![0u8; 1 << 16];
    let mut len_bytes = 0u64;
    let mut report = Vec::new();
    loop {
        let read = limited.read(&mut buffer).map_err(|e| e.to_string())?;
        let Some(chunk) = buffer.get(..read).filter(|c| !c.is_empty()) else {
            break;
        };
        hasher.update(chunk);
        len_bytes += read as u64;
        if is_report {
            report.extend_from_slice(chunk);
        }
    }
    let head_shown = match (is_report, chain_head) {
        (true, Some(head)) => String::from_utf8_lossy(&report).contains(head),
        _ => true,
    };
    Ok((len_bytes, hasher.finish(), head_shown))
}

/// Re-checks the bundle at `path`: every manifest file's size and four
/// digests, no entry outside the manifest, the custody log's hash chain,
/// its last entry recording this manifest's SHA-256, and the report naming
/// the chain head the manifest states.
pub fn verify_bundle(path: &Path) -> Result<BundleCheck, Error> {
    let io_error = |source: io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_error)?;
    let mut check = BundleCheck {
        files_checked: 0,
        custody_entries: 0,
        manifest_sha256: None,
        failures: Vec::new(),
    };
    let fail = |name: &str, message: String| BundleFailure {
        name: name.to_string(),
        message,
    };
    let mut archive = match zip::ZipArchive::new(file) {
        Ok(archive) => archive,
        Err(error) => {
            check
                .failures
                .push(fail("bundle", format!("not a readable ZIP: {error}")));
            return Ok(check);
        }
    };
    if archive.len() > MAX_ENTRIES {
        check.failures.push(fail(
            "bundle",
            format!("{} entries, more than {MAX_ENTRIES}", archive.len()),
        ));
        return Ok(check);
    }
    // Entry name → index; a repeated name is itself a failure.
    let mut index_of: BTreeMap<String, usize> = BTreeMap::new();
    for index in 0..archive.len() {
        let name = match archive.by_index(index) {
            Ok(entry) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
            Err(error) => {
                check
                    .failures
                    .push(fail("bundle", format!("entry {index} unreadable: {error}")));
                continue;
            }
        };
        if index_of.insert(name.clone(), index).is_some() {
            check
                .failures
                .push(fail(&name, "appears more than once in the bundle".into()));
        }
    }
    let manifest_bytes =
        match read_named(&mut archive, &index_of, MANIFEST_NAME, MAX_MANIFEST_BYTES) {
            Ok(bytes) => bytes,
            Err(message) => {
                check.failures.push(fail(MANIFEST_NAME, message));
                return Ok(check);
            }
        };
    let manifest_sha256 = {
        use sha2::Digest;
        crate::hash::to_hex(&sha2::Sha256::digest(&manifest_bytes))
    };
    check.manifest_sha256 = Some(manifest_sha256.clone());
    let manifest: Manifest = match serde_json::from_slice(&manifest_bytes) {
        Ok(manifest) => manifest,
        Err(error) => {
            check.failures.push(fail(
                MANIFEST_NAME,
                format!("not a bundle manifest: {error}"),
            ));
            return Ok(check);
        }
    };
    let mut listed = vec![MANIFEST_NAME.to_string(), CUSTODY_NAME.to_string()];
    for item in &manifest.files {
        listed.push(item.bundle_path.clone());
        check.files_checked += 1;
        let (len_bytes, digests, head_shown) = match hash_entry(
            &mut archive,
            &index_of,
            item,
            manifest.chain_head.as_deref(),
        ) {
            Ok(found) => found,
            Err(message) => {
                check.failures.push(fail(&item.bundle_path, message));
                continue;
            }
        };
        let expected = [
            (Algorithm::Md5, &item.md5),
            (Algorithm::Sha1, &item.sha1),
            (Algorithm::Sha256, &item.sha256),
            (Algorithm::Blake3, &item.blake3),
        ];
        let wrong: Vec<&str> = expected
            .iter()
            .filter(|(a, hex)| digests.hex(*a).as_deref() != Some(hex.as_str()))
            .map(|(a, _)| a.name())
            .collect();
        if len_bytes != item.size || !wrong.is_empty() {
            check.failures.push(fail(
                &item.bundle_path,
                format!(
                    "content differs from the manifest ({len_bytes} bytes, manifest says {}; {} differ)",
                    item.size,
                    if wrong.is_empty() { "no digests".to_string() } else { wrong.join(", ") }
                ),
            ));
        } else if !head_shown {
            check.failures.push(fail(
                REPORT_NAME,
                format!(
                    "does not show the chain head {}",
                    manifest.chain_head.as_deref().unwrap_or("")
                ),
            ));
        }
    }
    for name in index_of.keys() {
        if !listed.contains(name) {
            check.failures.push(fail(
                name,
                "is in the bundle but not in the manifest".into(),
            ));
        }
    }
    match read_named(&mut archive, &index_of, CUSTODY_NAME, MAX_CUSTODY_BYTES) {
        Ok(log) => {
            let (entries, problems) =
                check_custody(&log, &manifest_sha256, manifest.chain_head.as_deref());
            check.custody_entries = entries;
            check
                .failures
                .extend(problems.into_iter().map(|m| fail(CUSTODY_NAME, m)));
        }
        Err(message) => check.failures.push(fail(CUSTODY_NAME, message)),
    }
    Ok(check)
}

/// Keys registered so far in a custody log: key id → (public key, examiner).
#[derive(Default)]
struct Keys(BTreeMap<String, (String, String)>);

impl Keys {
    /// Registers a `register_key` entry's key, and checks a signed entry's
    /// signature with the key it names (registered earlier, by the same
    /// examiner).
    fn check(&mut self, seq: u64, entry: &Value) -> Result<(), String> {
        let field = |name: &str| entry.get(name).and_then(Value::as_str);
        let examiner = field("examiner").unwrap_or("");
        if field("action") == Some("register_key") {
            let details: Value = field("details_json")
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or(Value::Null);
            let text = |name: &str| details.get(name).and_then(Value::as_str).unwrap_or("");
            let public_key = crate::hash::from_hex(text("public_key")).unwrap_or_default();
            if public_key.len() != 32 || key_id_of(&public_key) != text("key_id") {
                return Err("registers a malformed key".into());
            }
            self.0.insert(
                text("key_id").to_string(),
                (text("public_key").to_string(), examiner.to_string()),
            );
        }
        match (field("signature"), field("key_id")) {
            (Some(signature), Some(key_id)) => {
                let (public_key, owner) = self
                    .0
                    .get(key_id)
                    .ok_or_else(|| format!("signed with key {key_id}, not registered before"))?;
                let hash =
                    crate::hash::from_hex(field("entry_hash").unwrap_or("")).unwrap_or_default();
                if owner != examiner || !verify_signature(public_key, &hash, signature) {
                    return Err(format!(
                        "the signature with key {key_id} does not verify (entry {seq})"
                    ));
                }
                Ok(())
            }
            (None, None) => Ok(()),
            _ => Err("a signature without a key id, or a key id without a signature".into()),
        }
    }
}

/// Walks the bundle's custody log: sequence, links, entry hashes and
/// signatures; the last entry must be the `export_bundle` entry of this
/// manifest, following the chain head the report shows.
fn check_custody(
    log: &[u8],
    manifest_sha256: &str,
    report_head: Option<&str>,
) -> (u64, Vec<String>) {
    let text = String::from_utf8_lossy(log);
    let mut problems = Vec::new();
    let mut previous = GENESIS_HASH.to_string();
    let mut count = 0u64;
    let mut last: Option<Value> = None;
    let mut keys = Keys::default();
    for (line_index, line) in text.lines().enumerate() {
        let entry: Value = match serde_json::from_str(line) {
            Ok(value) => value,
            Err(error) => {
                problems.push(format!("line {}: not JSON: {error}", line_index + 1));
                return (count, problems);
            }
        };
        count += 1;
        let field = |name: &str| entry.get(name).and_then(Value::as_str).unwrap_or("");
        let seq = entry.get("seq").and_then(Value::as_u64).unwrap_or(0);
        if seq != count {
            problems.push(format!("entry on line {count} has sequence {seq}"));
            return (count, problems);
        }
        if field("prev_hash") != previous {
            problems.push(format!("entry {seq} does not link to the entry before it"));
            return (count, problems);
        }
        let recomputed = entry_hash(
            seq,
            field("at_utc"),
            field("examiner"),
            field("action"),
            field("details_json"),
            field("prev_hash"),
        );
        if recomputed != field("entry_hash") {
            problems.push(format!("entry {seq}: its hash does not match its contents"));
            return (count, problems);
        }
        if let Err(message) = keys.check(seq, &entry) {
            problems.push(format!("entry {seq}: {message}"));
            return (count, problems);
        }
        previous = recomputed;
        last = Some(entry);
    }
    let Some(last) = last else {
        problems.push("the custody log is empty".into());
        return (count, problems);
    };
    let details: Value = last
        .get("details_json")
        .and_then(Value::as_str)
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or(Value::Null);
    if last.get("action").and_then(Value::as_str) != Some("export_bundle")
        || details.get("manifest_sha256").and_then(Value::as_str) != Some(manifest_sha256)
    {
        problems.push(format!(
            "the last entry does not record this manifest (SHA-256 {manifest_sha256})"
        ));
    }
    if let Some(head) = report_head
        && last.get("prev_hash").and_then(Value::as_str) != Some(head)
    {
        problems.push(format!(
            "the export entry does not follow the chain head {head} of the report"
        ));
    }
    (count, problems)
}
