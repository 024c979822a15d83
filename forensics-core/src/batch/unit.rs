//! Work units and the manifest: one JSON line per unit, its id the SHA-256
//! of the unit's canonical JSON without the id.

use std::fmt;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Error, Result};
use crate::case::canonical_json;
use crate::case::ingest::IntakeDigests;

/// Longest manifest line accepted, in bytes: a unit is a few hundred bytes.
const MAX_LINE_BYTES: usize = 64 << 10;

/// What part of an evidence item a unit covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// All of it: every volume's walk and the stages asked for.
    Whole,
    /// The walk of the volume at `image_offset` (`partition:N@OFFSET`, or
    /// `volume@OFFSET` for a medium without partition table).
    Volume {
        /// The partition index as `info` lists it, if any.
        partition_index: Option<u32>,
        /// Where the volume starts.
        image_offset: u64,
    },
    /// Carving all the space no file system uses (`carve`).
    Carve,
    /// Scanning the pages that start in `[start, end)` (`range:[S,E)`).
    Range {
        /// First byte.
        start: u64,
        /// One past the last byte.
        end: u64,
    },
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Whole => f.write_str("whole"),
            Self::Volume {
                partition_index: Some(index),
                image_offset,
            } => write!(f, "partition:{index}@{image_offset}"),
            Self::Volume {
                partition_index: None,
                image_offset,
            } => write!(f, "volume@{image_offset}"),
            Self::Carve => f.write_str("carve"),
            Self::Range { start, end } => write!(f, "range:[{start},{end})"),
        }
    }
}

impl FromStr for Scope {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("not a unit scope: {text:?}");
        let number = |s: &str| s.parse::<u64>().map_err(|_| bad());
        if text == "whole" {
            return Ok(Self::Whole);
        }
        if text == "carve" {
            return Ok(Self::Carve);
        }
        if let Some(rest) = text.strip_prefix("volume@") {
            return Ok(Self::Volume {
                partition_index: None,
                image_offset: number(rest)?,
            });
        }
        if let Some(rest) = text.strip_prefix("partition:") {
            let (index, offset) = rest.split_once('@').ok_or_else(bad)?;
            return Ok(Self::Volume {
                partition_index: Some(index.parse().map_err(|_| bad())?),
                image_offset: number(offset)?,
            });
        }
        let inner = text
            .strip_prefix("range:[")
            .and_then(|rest| rest.strip_suffix(')'))
            .ok_or_else(bad)?;
        let (start, end) = inner.split_once(',').ok_or_else(bad)?;
        let (start, end) = (number(start)?, number(end)?);
        if start >= end {
            return Err(bad());
        }
        Ok(Self::Range { start, end })
    }
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The stages a unit runs and their options (part of the unit id).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageOptions {
    /// Walk file systems (whole and volume units).
    pub walk: bool,
    /// Carve the space no file system uses.
    pub carve: bool,
    /// Scan for features.
    pub scan: bool,
    /// Scanner page size in bytes (range boundaries are multiples of it).
    pub scan_page_bytes: u64,
}

/// One unit of work: an evidence item, a scope of it, and the stages to run
/// together in one read of that scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// SHA-256 (hex) of the canonical JSON of the other fields.
    pub unit_id: String,
    /// The evidence path (absolute, as the workers see it).
    pub evidence_path: PathBuf,
    /// The evidence's intake digests and size; its SHA-256 is its id.
    pub intake: IntakeDigests,
    /// What part of the evidence the unit covers.
    pub scope: Scope,
    /// The stages and their options.
    pub stages: StageOptions,
    /// The version of the tool that planned the unit.
    pub tool: String,
}

impl Unit {
    /// A unit with its id computed.
    pub fn new(
        evidence_path: PathBuf,
        intake: IntakeDigests,
        scope: Scope,
        stages: StageOptions,
    ) -> Self {
        let mut unit = Self {
            unit_id: String::new(),
            evidence_path,
            intake,
            scope,
            stages,
            tool: crate::TOOL_VERSION.to_string(),
        };
        unit.unit_id = unit.computed_id();
        unit
    }

    /// The id the unit's content gives (equal to `unit_id` unless edited).
    pub fn computed_id(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.remove("unit_id");
        }
        crate::hash::to_hex(&Sha256::digest(canonical_json(&value).as_bytes()))
    }
}

/// Writes `units` as JSON Lines.
pub fn write_manifest(units: &[Unit], out: &mut dyn Write) -> std::io::Result<()> {
    for unit in units {
        let value = serde_json::to_value(unit).map_err(std::io::Error::other)?;
        writeln!(out, "{}", canonical_json(&value))?;
    }
    out.flush()
}

/// Reads a manifest, checking every unit's id against its content.
pub fn read_manifest(path: &Path) -> Result<Vec<Unit>> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_manifest(std::io::BufReader::new(file), path)
}

/// [`read_manifest`] from any reader; `path` names it in errors. Lines
/// longer than 64 KiB, units that are not JSON of the expected shape and
/// units whose id does not match their content are refused with the line
/// number.
pub fn parse_manifest(mut reader: impl BufRead, path: &Path) -> Result<Vec<Unit>> {
    let mut units = Vec::new();
    let mut line = String::new();
    for line_number in 1.. {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_line(&mut line)
            .map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
        if read == 0 {
            break;
        }
        let manifest_error = |what: String| Error::Manifest {
            path: path.to_path_buf(),
            line: line_number,
            what,
        };
        if line.len() > MAX_LINE_BYTES {
            return Err(manifest_error(format!(
                "longer than {MAX_LINE_BYTES} bytes"
            )));
        }
        if line.trim().is_empty() {
            continue;
        }
        let unit: Unit = serde_json::from_str(&line).map_err(|e| manifest_error(e.to_string()))?;
        if unit.computed_id() != unit.unit_id {
            return Err(manifest_error(format!(
                "unit {} does not match its content (edited?)",
                unit.unit_id
            )));
        }
        units.push(unit);
    }
    Ok(units)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(scope: Scope) -> Unit {
        let intake = IntakeDigests {
            media_size: 1 << 20,
            md5: "m".into(),
            sha1: "s1".into(),
            sha256: "s256".into(),
            blake3: "b3".into(),
        };
        Unit::new(
            "/evidence/a.raw".into(),
            intake,
            scope,
            StageOptions::default(),
        )
    }

    fn parse(text: &str) -> Result<Vec<Unit>> {
        parse_manifest(text.as_bytes(), Path::new("units.jsonl"))
    }

    #[test]
    fn scopes_round_trip_through_their_text() {
        for scope in [
            Scope::Whole,
            Scope::Carve,
            Scope::Volume {
                partition_index: Some(3),
                image_offset: 1048576,
            },
            Scope::Volume {
                partition_index: None,
                image_offset: 0,
            },
            Scope::Range {
                start: 0,
                end: 16 << 20,
            },
        ] {
            assert_eq!(scope.to_string().parse::<Scope>(), Ok(scope));
        }
        for bad in [
            "",
            "range:[5,5)",
            "range:[9,2)",
            "partition:x@1",
            "volume@-1",
            "range:[1,2]",
        ] {
            assert!(bad.parse::<Scope>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_written_manifest_reads_back_and_an_edited_unit_is_refused() {
        let units = vec![
            unit(Scope::Whole),
            unit(Scope::Range {
                start: 0,
                end: 4096,
            }),
        ];
        let mut text = Vec::new();
        write_manifest(&units, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert_eq!(parse(&text).unwrap(), units);
        assert_ne!(units[0].unit_id, units[1].unit_id);

        let edited = text.replacen("4096", "8192", 1);
        let error = parse(&edited).unwrap_err().to_string();
        assert!(
            error.contains("line 2") && error.contains("edited"),
            "{error}"
        );
    }

    #[test]
    fn hostile_manifest_lines_get_errors_with_their_line() {
        let long = format!("{}\n", "x".repeat(MAX_LINE_BYTES + 10));
        for (text, line) in [
            ("not json\n", 1),
            ("\n{\"unit_id\": 5}\n", 2),
            (long.as_str(), 1),
            ("[1, 2, 3]", 1),
        ] {
            match parse(text) {
                Err(Error::Manifest { line: got, .. }) => assert_eq!(got, line, "{text:.40}"),
                other => panic!("{text:.40}: {other:?}"),
            }
        }
        assert!(parse("").unwrap().is_empty());
    }
}
