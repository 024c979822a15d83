//! Kubernetes Indexed Jobs for batch ingest: one pod per manifest unit, each
//! running `forensics batch run`, which picks its unit from the
//! `JOB_COMPLETION_INDEX` Kubernetes sets in every pod of an Indexed Job.
//!
//! # Brief overview
//! [`IndexedJob`] describes the Job: image, manifest, results and evidence
//! paths as the pods see them, the two persistent volume claims (evidence
//! mounted read-only), the unit count (`completions`), the number of pods at
//! once (`parallelism`) and the retries per unit (`backoffLimitPerIndex`,
//! Kubernetes 1.29 or later). [`IndexedJob::to_yaml`] writes the `batch/v1`
//! Job; generation is pure and deterministic. The merge is not part of the
//! Job: run `forensics batch merge` once it has completed (docs/kubernetes.md).
//!
//! # Example
//! ```
//! use std::path::PathBuf;
//! use forensics_core::batch::kubernetes::IndexedJob;
//!
//! let mut job = IndexedJob::new(
//!     "registry.example.org/forensics:0.1.0".to_owned(),
//!     PathBuf::from("/results/units.jsonl"),
//!     PathBuf::from("/results"),
//!     12,
//! );
//! job.parallel = 4;
//! let yaml = job.to_yaml()?;
//! assert!(yaml.contains("  completionMode: Indexed\n  completions: 12\n  parallelism: 4\n"));
//! # Ok::<(), forensics_core::batch::kubernetes::Error>(())
//! ```

use std::path::{Path, PathBuf};

/// Most completions Kubernetes accepts for an Indexed Job.
pub const MAX_COMPLETIONS: u64 = 100_000;

/// What could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifest has no units.
    #[error("the manifest has no units: nothing to run")]
    NoUnits,
    /// More units than one Indexed Job may have.
    #[error("{0} units exceed the {MAX_COMPLETIONS} completions of one Kubernetes Indexed Job")]
    TooManyUnits(u64),
    /// A name that Kubernetes would refuse.
    #[error(
        "{what} {name:?} must be 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit"
    )]
    Name {
        /// Which name.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// An image reference that is empty or holds white space or control characters.
    #[error("image {0:?} must be a non-empty reference without white space")]
    Image(String),
    /// A path that is not absolute UTF-8 text.
    #[error("the {what} path {path:?} must be absolute UTF-8 text")]
    Path {
        /// Which path.
        what: &'static str,
        /// The path.
        path: PathBuf,
    },
    /// The manifest is on neither mounted volume, so no pod could read it.
    #[error(
        "the manifest {} is under neither the results directory {} nor the evidence directory {}: the pods could not read it",
        manifest.display(), results.display(), evidence.display()
    )]
    ManifestNotMounted {
        /// The manifest path.
        manifest: PathBuf,
        /// The results mount.
        results: PathBuf,
        /// The evidence mount.
        evidence: PathBuf,
    },
    /// Evidence and results on the same mount would make the evidence writable.
    #[error("evidence and results must be different directories (evidence is mounted read-only), both are {}", .0.display())]
    SameMount(PathBuf),
}

/// One batch of manifest units as a Kubernetes Indexed Job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedJob {
    /// The Job's name (a DNS label: pods are named after it).
    pub name: String,
    /// The namespace; `None` leaves it to `kubectl`'s context.
    pub namespace: Option<String>,
    /// The container image holding the `forensics` binary.
    pub image: String,
    /// The `forensics` executable inside the image.
    pub forensics_exe: String,
    /// The manifest as the pods see it (on one of the two volumes).
    pub manifest: PathBuf,
    /// The results directory; the results claim is mounted here.
    pub results: PathBuf,
    /// Where the evidence claim is mounted, read-only; the manifest's
    /// evidence paths must lie under it.
    pub evidence_dir: PathBuf,
    /// Persistent volume claim holding the evidence (ReadOnlyMany or ReadWriteMany).
    pub evidence_claim: String,
    /// Persistent volume claim for the results (ReadWriteMany).
    pub results_claim: String,
    /// Units in the manifest: the Job's `completions`.
    pub unit_count: u64,
    /// Pods running at once; 0 = one per unit.
    pub parallel: u32,
    /// Retries of a failed unit before it counts as failed.
    pub backoff_limit_per_index: u32,
}

impl IndexedJob {
    /// A Job named `forensics-batch` running `forensics` from `image`, with
    /// claims `forensics-evidence` (mounted read-only at `/evidence`) and
    /// `forensics-results`, no throttle and two retries per unit.
    pub fn new(image: String, manifest: PathBuf, results: PathBuf, unit_count: u64) -> Self {
        Self {
            name: "forensics-batch".to_owned(),
            namespace: None,
            image,
            forensics_exe: "forensics".to_owned(),
            manifest,
            results,
            evidence_dir: PathBuf::from("/evidence"),
            evidence_claim: "forensics-evidence".to_owned(),
            results_claim: "forensics-results".to_owned(),
            unit_count,
            parallel: 0,
            backoff_limit_per_index: 2,
        }
    }

    /// The `batch/v1` Job as YAML (every string double-quoted, so no value
    /// can change the document's structure).
    pub fn to_yaml(&self) -> Result<String, Error> {
        if self.unit_count == 0 {
            return Err(Error::NoUnits);
        }
        if self.unit_count > MAX_COMPLETIONS {
            return Err(Error::TooManyUnits(self.unit_count));
        }
        check_dns_label("job name", &self.name)?;
        check_dns_label("evidence claim", &self.evidence_claim)?;
        check_dns_label("results claim", &self.results_claim)?;
        if let Some(namespace) = &self.namespace {
            check_dns_label("namespace", namespace)?;
        }
        let bad_image = |c: char| c.is_whitespace() || c.is_control();
        if self.image.is_empty() || self.image.contains(bad_image) {
            return Err(Error::Image(self.image.clone()));
        }
        let manifest = absolute_text("manifest", &self.manifest)?;
        let results = absolute_text("results", &self.results)?;
        let evidence = absolute_text("evidence", &self.evidence_dir)?;
        if self.results == self.evidence_dir {
            return Err(Error::SameMount(self.results.clone()));
        }
        if !self.manifest.starts_with(&self.results)
            && !self.manifest.starts_with(&self.evidence_dir)
        {
            return Err(Error::ManifestNotMounted {
                manifest: self.manifest.clone(),
                results: self.results.clone(),
                evidence: self.evidence_dir.clone(),
            });
        }
        let parallelism = match self.parallel {
            0 => self.unit_count,
            parallel => u64::from(parallel).min(self.unit_count),
        };
        let command = [
            self.forensics_exe.as_str(),
            "batch",
            "run",
            "--manifest",
            manifest,
            "--out",
            results,
        ];
        let namespace = match &self.namespace {
            Some(namespace) => format!("  namespace: {}\n", quoted(namespace)),
            None => String::new(),
        };
        let mut yaml = format!(
            "# Generated by `forensics batch kubernetes`: one pod per manifest unit. Each runs\n\
             # `forensics batch run`, which takes its unit from JOB_COMPLETION_INDEX.\n\
             # When the Job is complete, merge the shards into the case:\n\
             #   forensics batch merge --manifest {manifest_word} --results {results_word} --case CASE --examiner NAME\n\
             apiVersion: batch/v1\n\
             kind: Job\n\
             metadata:\n\
             \x20 name: {name}\n\
             {namespace}\
             \x20 labels:\n\
             \x20   app.kubernetes.io/name: {name}\n\
             \x20   app.kubernetes.io/component: worker\n\
             spec:\n\
             \x20 completionMode: Indexed\n\
             \x20 completions: {completions}\n\
             \x20 parallelism: {parallelism}\n\
             \x20 backoffLimitPerIndex: {retries}\n\
             \x20 template:\n\
             \x20   metadata:\n\
             \x20     labels:\n\
             \x20       app.kubernetes.io/name: {name}\n\
             \x20       app.kubernetes.io/component: worker\n\
             \x20   spec:\n\
             \x20     restartPolicy: Never\n\
             \x20     containers:\n\
             \x20       - name: worker\n\
             \x20         image: {image}\n\
             \x20         command:\n",
            name = quoted(&self.name),
            manifest_word = comment_word(manifest, "MANIFEST"),
            results_word = comment_word(results, "RESULTS"),
            completions = self.unit_count,
            retries = self.backoff_limit_per_index,
            image = quoted(&self.image),
        );
        for word in command {
            yaml.push_str(&format!("            - {}\n", quoted(word)));
        }
        yaml.push_str(&format!(
            "\x20         securityContext:\n\
             \x20           allowPrivilegeEscalation: false\n\
             \x20         volumeMounts:\n\
             \x20           - name: evidence\n\
             \x20             mountPath: {evidence}\n\
             \x20             readOnly: true\n\
             \x20           - name: results\n\
             \x20             mountPath: {results}\n\
             \x20     volumes:\n\
             \x20       - name: evidence\n\
             \x20         persistentVolumeClaim:\n\
             \x20           claimName: {evidence_claim}\n\
             \x20           readOnly: true\n\
             \x20       - name: results\n\
             \x20         persistentVolumeClaim:\n\
             \x20           claimName: {results_claim}\n",
            evidence = quoted(evidence),
            results = quoted(results),
            evidence_claim = quoted(&self.evidence_claim),
            results_claim = quoted(&self.results_claim),
        ));
        Ok(yaml)
    }
}

/// A YAML double-quoted scalar. JSON string escapes (`\"`, `\\`, `\n`,
/// `\uXXXX`) are all valid YAML double-quoted escapes.
fn quoted(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// `text` as a shell word for a comment line, or `placeholder` when it holds
/// a control character (a line break would end the comment).
fn comment_word(text: &str, placeholder: &str) -> String {
    if text.contains(char::is_control) {
        placeholder.to_owned()
    } else {
        super::slurm::shell_word(text)
    }
}

fn check_dns_label(what: &'static str, name: &str) -> Result<(), Error> {
    let bytes = name.as_bytes();
    let allowed = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-';
    let edge_ok = |b: Option<&u8>| b.is_some_and(|b| *b != b'-');
    let valid = (1..=63).contains(&bytes.len())
        && bytes.iter().all(allowed)
        && edge_ok(bytes.first())
        && edge_ok(bytes.last());
    if valid {
        Ok(())
    } else {
        Err(Error::Name {
            what,
            name: name.to_owned(),
        })
    }
}

fn absolute_text<'a>(what: &'static str, path: &'a Path) -> Result<&'a str, Error> {
    path.to_str()
        .filter(|_| path.is_absolute())
        .ok_or_else(|| Error::Path {
            what,
            path: path.to_path_buf(),
        })
}

#[cfg(test)]
mod tests;
