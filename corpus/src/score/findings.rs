//! Reading findings: JSON arrays, JSON Lines, CSV with a header row, or an
//! answer key turned into the findings that would match it fully.

use crate::error::{Error, Result};
use crate::key::AnswerKey;
use serde_json::{Map, Value};
use std::path::Path;

/// One finding, as read from a findings file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Finding {
    /// File path.
    pub path: Option<String>,
    /// Partition index.
    pub partition: Option<u32>,
    /// SHA-256, lowercase hex.
    pub sha256: Option<String>,
    /// Deleted flag.
    pub deleted: Option<bool>,
    /// True for directories.
    pub is_dir: Option<bool>,
    /// Carved file type.
    pub file_type: Option<String>,
    /// Image offset.
    pub image_offset: Option<u64>,
    /// Feature kind.
    pub kind: Option<String>,
    /// Feature value.
    pub value: Option<String>,
    /// Feature validity.
    pub valid: Option<bool>,
    /// Forensic path of a feature inside a container.
    pub forensic_path: Option<String>,
}

fn get_str(obj: &Map<String, Value>, name: &str) -> Option<String> {
    match obj.get(name)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn get_u64(obj: &Map<String, Value>, name: &str) -> Option<u64> {
    match obj.get(name)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok().or_else(|| {
            u64::from_str_radix(s.trim().trim_start_matches("0x"), 16)
                .ok()
                .filter(|_| s.starts_with("0x"))
        }),
        _ => None,
    }
}

fn get_bool(obj: &Map<String, Value>, name: &str) -> Option<bool> {
    match obj.get(name)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

impl Finding {
    /// Reads the recognised fields of a JSON object.
    pub fn from_object(obj: &Map<String, Value>) -> Self {
        Self {
            path: get_str(obj, "path"),
            partition: get_u64(obj, "partition").and_then(|p| u32::try_from(p).ok()),
            sha256: get_str(obj, "sha256").map(|s| s.to_ascii_lowercase()),
            deleted: get_bool(obj, "deleted"),
            is_dir: get_bool(obj, "is_dir"),
            file_type: get_str(obj, "type"),
            image_offset: get_u64(obj, "image_offset"),
            kind: get_str(obj, "kind"),
            value: get_str(obj, "value"),
            valid: get_bool(obj, "valid"),
            forensic_path: get_str(obj, "forensic_path"),
        }
    }

    pub(crate) fn category(&self) -> Option<&'static str> {
        if self.kind.is_some() && self.value.is_some() {
            Some("features")
        } else if self.image_offset.is_some()
            && (self.file_type.is_some() || self.sha256.is_some())
            && (self.path.is_none() || self.deleted.is_none())
        {
            Some("carved")
        } else if self.path.is_some() {
            Some("files")
        } else {
            None
        }
    }

    pub(crate) fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (name, value) in [
            ("path", self.path.clone()),
            ("kind", self.kind.clone()),
            ("value", self.value.clone()),
            ("type", self.file_type.clone()),
            ("image_offset", self.image_offset.map(|o| o.to_string())),
            ("forensic_path", self.forensic_path.clone()),
            ("sha256", self.sha256.clone()),
        ] {
            if let Some(value) = value {
                parts.push(format!("{name}={value}"));
            }
        }
        parts.join(" ")
    }
}

/// Findings equivalent to a key: every file, carved item and valid feature.
pub fn findings_from_key(key: &AnswerKey) -> Vec<Finding> {
    let mut out = Vec::new();
    for (partition, file) in key.all_files() {
        out.push(Finding {
            path: Some(file.path.clone()),
            partition,
            sha256: (!file.is_dir).then(|| file.digests.sha256.clone()),
            deleted: Some(file.deleted),
            is_dir: Some(file.is_dir),
            ..Finding::default()
        });
    }
    for item in &key.carved {
        out.push(Finding {
            sha256: Some(item.sha256.clone()),
            file_type: Some(item.file_type.clone()),
            image_offset: Some(item.image_offset),
            ..Finding::default()
        });
    }
    for feature in key.features.iter().filter(|f| f.valid != Some(false)) {
        out.push(Finding {
            kind: Some(feature.kind.clone()),
            value: Some(feature.value.clone()),
            image_offset: Some(feature.image_offset),
            valid: feature.valid,
            forensic_path: feature.forensic_path.clone(),
            ..Finding::default()
        });
    }
    out
}

fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Parses findings text (JSON array, JSON Lines, an answer key, or CSV).
pub fn parse_findings(text: &str) -> std::result::Result<Vec<Finding>, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let values: Vec<Value> = serde_json::from_str(trimmed).map_err(|e| e.to_string())?;
        return Ok(values
            .iter()
            .filter_map(Value::as_object)
            .map(Finding::from_object)
            .collect());
    }
    if trimmed.starts_with('{') {
        if let Ok(key) = AnswerKey::from_json(trimmed) {
            return Ok(findings_from_key(&key));
        }
        let mut out = Vec::new();
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value: Value =
                serde_json::from_str(line).map_err(|e| format!("line {}: {e}", number + 1))?;
            if let Some(obj) = value.as_object() {
                out.push(Finding::from_object(obj));
            }
        }
        return Ok(out);
    }
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = split_csv_line(header)
        .into_iter()
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    let mut out = Vec::new();
    for line in lines {
        let mut obj = Map::new();
        for (name, field) in names.iter().zip(split_csv_line(line)) {
            if !field.is_empty() {
                obj.insert(name.clone(), Value::String(field));
            }
        }
        out.push(Finding::from_object(&obj));
    }
    Ok(out)
}

/// Largest key or findings file read (they are read whole).
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

pub(crate) fn read_capped(path: &Path) -> Result<String> {
    let len = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if len > MAX_INPUT_BYTES {
        return Err(Error::Parse {
            path: path.into(),
            message: format!("{len} bytes is more than the {MAX_INPUT_BYTES}-byte limit"),
        });
    }
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}
