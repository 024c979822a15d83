//! Scoring findings against an answer key: precision, recall and F1 per
//! category (`files`, `carved`, `features`) and the list of what was missed.
//!
//! # Findings formats
//! A JSON array of objects, JSON Lines (one object a line, as printed by
//! `forensics ... --json`), CSV with a header row naming the fields, or an
//! answer key itself (scoring a key against itself gives recall 1.0).
//! Recognised fields: `path`, `partition`, `size`, `sha256`, `deleted`,
//! `is_dir`, `type`, `image_offset`, `kind`, `value`, `valid`,
//! `forensic_path`; others are ignored.
//!
//! # Which category a finding is in
//! With `kind` and `value`: a feature. Else with `image_offset` and `type` or
//! `sha256` but no `path`, or with `type` and `image_offset` and no `deleted`:
//! a carved item. Else with `path`: a file. Anything else is ignored.
//!
//! # Matching rules (each key entry and each finding match at most once)
//! - **files**: expected are the key's non-directory files. A finding matches
//!   when its path (leading `/` optional) equals the key path, or equals the
//!   parent path plus the short name (`_OTES.TXT` for a deleted 8.3 entry);
//!   and, when given, `deleted` is equal, `partition` is equal, and `sha256`
//!   is equal (not checked for overwritten files). Directories and pseudo
//!   entries (`$MBR`, `$FAT1`, volume labels, `$OrphanFiles`) are ignored.
//! - **carved**: expected are all carved items (nested, fragmented and
//!   truncated included). A finding matches when its `sha256` equals the
//!   item's `sha256` or `present_sha256`, or when it gives no `sha256` (or a
//!   different one) but its `image_offset` equals the item's and its `type`,
//!   if given, is the same (`jpeg` = `jpg`).
//! - **features**: expected are key features not marked `valid: false`.
//!   A finding matches when `kind` is the same (aliases: `ccn`/`card`/
//!   `credit_card`, `btc`/`bitcoin`, `ipv4`/`ip`, `email`/`e-mail`), the value
//!   is the same (card numbers and IBANs compared without spaces and dashes,
//!   e-mails case-insensitively), and the place is the same: equal
//!   `forensic_path` when both have one, else equal `image_offset` when the
//!   finding gives one. A finding matching a decoy counts as a false positive
//!   unless it says `valid: false`, in which case it is ignored.
//!
//! precision = matched / (reported - ignored) (1.0 when nothing was reported),
//! recall = matched / expected (1.0 when nothing was expected),
//! F1 = their harmonic mean.

mod findings;

pub use findings::{Finding, MAX_INPUT_BYTES, findings_from_key, parse_findings};

use crate::error::{Error, Result};
use crate::key::AnswerKey;
use findings::read_capped;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Score of one category.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CategoryScore {
    /// `files`, `carved` or `features`.
    pub category: String,
    /// Key entries expected.
    pub expected: usize,
    /// Findings in this category (ignored ones excluded).
    pub reported: usize,
    /// Findings that matched a key entry.
    pub matched: usize,
    /// matched / reported.
    pub precision: f64,
    /// matched / expected.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Key entries no finding matched, one line each.
    pub missed: Vec<String>,
    /// Findings that matched nothing, one line each.
    pub false_positives: Vec<String>,
}

/// The whole scoring report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ScoreReport {
    /// Scenario of the key.
    pub scenario: String,
    /// Categories with something expected or reported.
    pub categories: Vec<CategoryScore>,
}

/// Reads `key_path` and `findings_path` and scores them.
pub fn score_files(key_path: &Path, findings_path: &Path) -> Result<ScoreReport> {
    let key_text = read_capped(key_path)?;
    let key = AnswerKey::from_json(&key_text).map_err(|e| Error::Parse {
        path: key_path.into(),
        message: e.to_string(),
    })?;
    let findings_text = read_capped(findings_path)?;
    let findings = parse_findings(&findings_text).map_err(|message| Error::Parse {
        path: findings_path.into(),
        message,
    })?;
    Ok(score(&key, &findings))
}

fn normalize_kind(kind: &str) -> String {
    match kind.to_ascii_lowercase().as_str() {
        "card" | "credit_card" | "ccn" | "pan" => "ccn".into(),
        "bitcoin" | "btc" => "btc".into(),
        "ip" | "ipv4" => "ipv4".into(),
        "e-mail" | "email" => "email".into(),
        other => other.to_string(),
    }
}

fn normalize_value(kind: &str, value: &str) -> String {
    match kind {
        "ccn" | "iban" => value
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect::<String>()
            .to_ascii_uppercase(),
        "email" => value.to_ascii_lowercase(),
        _ => value.to_string(),
    }
}

fn normalize_type(file_type: &str) -> String {
    match file_type.to_ascii_lowercase().as_str() {
        "jpeg" => "jpg".into(),
        "db" | "sqlite3" => "sqlite".into(),
        other => other.to_string(),
    }
}

fn is_pseudo_entry(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with('$') || path.contains("(Volume Label Entry)")
}

fn finish(
    category: &str,
    expected: usize,
    reported: usize,
    matched: usize,
    missed: Vec<String>,
    false_positives: Vec<String>,
) -> CategoryScore {
    let precision = if reported == 0 {
        1.0
    } else {
        matched as f64 / reported as f64
    };
    let recall = if expected == 0 {
        1.0
    } else {
        matched as f64 / expected as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    CategoryScore {
        category: category.into(),
        expected,
        reported,
        matched,
        precision,
        recall,
        f1,
        missed,
        false_positives,
    }
}

fn score_files_category(key: &AnswerKey, findings: &[&Finding]) -> CategoryScore {
    let expected: Vec<_> = key.all_files().filter(|(_, f)| !f.is_dir).collect();
    let directories: std::collections::BTreeSet<String> = key
        .all_files()
        .filter(|(_, f)| f.is_dir)
        .map(|(_, f)| f.path.clone())
        .collect();
    // Both the long path and parent + short name lead to a file.
    let mut by_path: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (_, file)) in expected.iter().enumerate() {
        let parent = file.path.rsplit_once('/').map_or("", |(p, _)| p);
        by_path.entry(file.path.clone()).or_default().push(i);
        let short = format!("{parent}/{}", file.short_name);
        if short != file.path {
            by_path.entry(short).or_default().push(i);
        }
    }
    let mut taken = vec![false; expected.len()];
    let (mut reported, mut matched) = (0, 0);
    let mut false_positives = Vec::new();
    for finding in findings {
        let path = format!(
            "/{}",
            finding
                .path
                .as_deref()
                .unwrap_or("")
                .trim_start_matches('/')
        );
        if finding.is_dir == Some(true) || is_pseudo_entry(&path) || directories.contains(&path) {
            continue;
        }
        reported += 1;
        let candidates = by_path.get(&path).map_or(&[][..], Vec::as_slice);
        let hit = candidates.iter().copied().find(|&i| {
            let (partition, file) = &expected[i];
            !taken[i]
                && finding.deleted.is_none_or(|d| d == file.deleted)
                && finding.partition.is_none_or(|p| Some(p) == *partition)
                && (file.overwritten
                    || finding
                        .sha256
                        .as_ref()
                        .is_none_or(|s| *s == file.digests.sha256))
        });
        match hit {
            Some(i) => {
                taken[i] = true;
                matched += 1;
            }
            None => false_positives.push(finding.describe()),
        }
    }
    let missed = expected
        .iter()
        .zip(&taken)
        .filter(|(_, t)| !**t)
        .map(|((partition, f), _)| {
            let partition = partition
                .map(|p| format!("partition {p} "))
                .unwrap_or_default();
            format!(
                "{} {partition}{}{} size={} sha256={}",
                f.id,
                f.path,
                if f.deleted { " (deleted)" } else { "" },
                f.size,
                f.digests.sha256
            )
        })
        .collect();
    finish(
        "files",
        expected.len(),
        reported,
        matched,
        missed,
        false_positives,
    )
}

fn score_carved(key: &AnswerKey, findings: &[&Finding]) -> CategoryScore {
    let mut taken = vec![false; key.carved.len()];
    let mut matched = 0;
    let mut false_positives = Vec::new();
    let mut by_hash: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_offset: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (i, c) in key.carved.iter().enumerate() {
        by_hash.entry(c.sha256.as_str()).or_default().push(i);
        if c.present_sha256 != c.sha256 {
            by_hash
                .entry(c.present_sha256.as_str())
                .or_default()
                .push(i);
        }
        by_offset.entry(c.image_offset).or_default().push(i);
    }
    for finding in findings {
        let hash_hit = finding
            .sha256
            .as_deref()
            .and_then(|sha| by_hash.get(sha))
            .and_then(|list| list.iter().copied().find(|&i| !taken[i]));
        let hit = hash_hit.or_else(|| {
            let list = finding.image_offset.and_then(|o| by_offset.get(&o))?;
            list.iter().copied().find(|&i| {
                !taken[i]
                    && finding
                        .file_type
                        .as_deref()
                        .is_none_or(|t| normalize_type(t) == key.carved[i].file_type)
            })
        });
        match hit {
            Some(i) => {
                taken[i] = true;
                matched += 1;
            }
            None => false_positives.push(finding.describe()),
        }
    }
    let missed = key
        .carved
        .iter()
        .zip(&taken)
        .filter(|(_, t)| !**t)
        .map(|(c, _)| {
            format!(
                "{} {} at {} length={} ({}, {})",
                c.id, c.file_type, c.image_offset, c.length, c.status, c.placement
            )
        })
        .collect();
    finish(
        "carved",
        key.carved.len(),
        findings.len(),
        matched,
        missed,
        false_positives,
    )
}

fn score_features(key: &AnswerKey, findings: &[&Finding]) -> CategoryScore {
    let expected_count = key
        .features
        .iter()
        .filter(|f| f.valid != Some(false))
        .count();
    let mut taken = vec![false; key.features.len()];
    let (mut reported, mut matched) = (0, 0);
    let mut false_positives = Vec::new();
    let mut by_value: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in key.features.iter().enumerate() {
        by_value
            .entry((f.kind.clone(), normalize_value(&f.kind, &f.value)))
            .or_default()
            .push(i);
    }
    for finding in findings {
        let kind = normalize_kind(finding.kind.as_deref().unwrap_or(""));
        let value = normalize_value(&kind, finding.value.as_deref().unwrap_or(""));
        let candidates = by_value.get(&(kind, value)).map_or(&[][..], Vec::as_slice);
        let hit = candidates.iter().copied().find(|&i| {
            let f = &key.features[i];
            let place = match (&finding.forensic_path, &f.forensic_path) {
                (Some(a), Some(b)) => a == b,
                _ => finding.image_offset.is_none_or(|o| o == f.image_offset),
            };
            !taken[i] && place
        });
        match hit {
            Some(i) if key.features[i].valid == Some(false) => {
                if finding.valid == Some(false) {
                    continue;
                }
                taken[i] = true;
                reported += 1;
                false_positives.push(format!("{} (decoy)", finding.describe()));
            }
            Some(i) => {
                taken[i] = true;
                reported += 1;
                matched += 1;
            }
            None => {
                reported += 1;
                false_positives.push(finding.describe());
            }
        }
    }
    let missed = key
        .features
        .iter()
        .zip(&taken)
        .filter(|(f, t)| !**t && f.valid != Some(false))
        .map(|(f, _)| {
            format!(
                "{} {} at {} ({}{})",
                f.kind,
                f.value,
                f.image_offset,
                f.encoding,
                f.forensic_path
                    .as_ref()
                    .map(|p| format!(", {p}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    finish(
        "features",
        expected_count,
        reported,
        matched,
        missed,
        false_positives,
    )
}

/// Scores `findings` against `key`.
pub fn score(key: &AnswerKey, findings: &[Finding]) -> ScoreReport {
    let pick = |category: &str| -> Vec<&Finding> {
        findings
            .iter()
            .filter(|f| f.category() == Some(category))
            .collect()
    };
    let categories = [
        score_files_category(key, &pick("files")),
        score_carved(key, &pick("carved")),
        score_features(key, &pick("features")),
    ]
    .into_iter()
    .filter(|c| c.expected > 0 || c.reported > 0)
    .collect();
    ScoreReport {
        scenario: key.scenario.clone(),
        categories,
    }
}

impl ScoreReport {
    /// Human-readable table plus the missed entries.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "scenario {}\n{:<10} {:>8} {:>8} {:>8} {:>9} {:>7} {:>7}\n",
            self.scenario,
            "category",
            "expected",
            "reported",
            "matched",
            "precision",
            "recall",
            "f1"
        );
        for c in &self.categories {
            out.push_str(&format!(
                "{:<10} {:>8} {:>8} {:>8} {:>9.3} {:>7.3} {:>7.3}\n",
                c.category, c.expected, c.reported, c.matched, c.precision, c.recall, c.f1
            ));
        }
        for c in &self.categories {
            if !c.missed.is_empty() {
                out.push_str(&format!("\nmissed {} ({}):\n", c.category, c.missed.len()));
                for line in &c.missed {
                    out.push_str(&format!("  {line}\n"));
                }
            }
            if !c.false_positives.is_empty() {
                out.push_str(&format!(
                    "\nfalse positives in {} ({}):\n",
                    c.category,
                    c.false_positives.len()
                ));
                for line in &c.false_positives {
                    out.push_str(&format!("  {line}\n"));
                }
            }
        }
        out
    }
}
