//! `corpus score`: the key against itself, against half of itself, CSV and
//! JSON Lines findings, decoys, and the command line.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::small_options;
use corpus::score::{Finding, findings_from_key, parse_findings, score};

fn key_of(name: &str) -> (tempfile::TempDir, corpus::AnswerKey) {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = corpus::generate(name, &small_options(name, 8), dir.path()).expect("generate");
    (dir, key)
}

#[test]
fn key_against_itself_is_perfect_and_half_gives_half_recall() {
    for name in ["carve-blob", "memdump", "fat16"] {
        let (_dir, key) = key_of(name);
        let all = findings_from_key(&key);
        let report = score(&key, &all);
        assert!(!report.categories.is_empty());
        for c in &report.categories {
            assert_eq!(
                (c.recall, c.precision, c.f1),
                (1.0, 1.0, 1.0),
                "{name} {}: {:?}",
                c.category,
                c.missed
            );
            assert!(c.missed.is_empty());
        }
        // Keep every other finding of each category that counts.
        let mut half = Vec::new();
        let mut seen = std::collections::BTreeMap::new();
        for f in &all {
            if f.is_dir == Some(true) {
                continue;
            }
            let category = if f.kind.is_some() {
                "features"
            } else if f.path.is_some() {
                "files"
            } else {
                "carved"
            };
            let n = seen.entry(category).or_insert(0usize);
            if *n % 2 == 0 {
                half.push(f.clone());
            }
            *n += 1;
        }
        let report = score(&key, &half);
        for c in &report.categories {
            let expected = c.expected.div_ceil(2) as f64 / c.expected as f64;
            assert!(
                (c.recall - expected).abs() < 1e-9,
                "{name} {}: recall {} vs {expected}",
                c.category,
                c.recall
            );
            assert_eq!(c.precision, 1.0);
            assert_eq!(c.missed.len(), c.expected / 2);
        }
    }
}

#[test]
fn even_count_gives_exactly_half() {
    let (_dir, key) = key_of("memdump");
    let expected: Vec<_> = findings_from_key(&key)
        .into_iter()
        .filter(|f| f.kind.is_some())
        .collect();
    let even = expected.len() - expected.len() % 2;
    let half: Vec<Finding> = expected[..even].iter().step_by(2).cloned().collect();
    let mut trimmed_key = key.clone();
    if expected.len() % 2 == 1 {
        // Drop one expected feature from the key so the count is even.
        let last = expected.last().expect("one").value.clone();
        trimmed_key
            .features
            .retain(|f| Some(&f.value) != last.as_ref());
    }
    let report = score(&trimmed_key, &half);
    let features = report
        .categories
        .iter()
        .find(|c| c.category == "features")
        .expect("features");
    assert_eq!(features.recall, 0.5);
}

#[test]
fn csv_and_json_lines_findings_with_separators_and_decoys() {
    let (_dir, key) = key_of("memdump");
    let valid_card = key
        .features
        .iter()
        .find(|f| f.kind == "ccn" && f.valid == Some(true) && f.forensic_path.is_none())
        .expect("card");
    let decoy = key
        .features
        .iter()
        .find(|f| f.valid == Some(false) && f.forensic_path.is_none())
        .expect("decoy");
    let gz = key
        .features
        .iter()
        .find(|f| f.forensic_path.is_some())
        .expect("gzip feature");
    let compact: String = valid_card
        .value
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let csv = format!(
        "kind,value,image_offset,forensic_path\ncard,{compact},{},\n{},\"{}\",{},\n{},{},{},{}\nemail,nobody@example.invalid,1,\n",
        valid_card.image_offset,
        decoy.kind,
        decoy.value,
        decoy.image_offset,
        gz.kind,
        gz.value,
        gz.image_offset,
        gz.forensic_path.as_deref().unwrap_or("")
    );
    let findings = parse_findings(&csv).expect("csv");
    assert_eq!(findings.len(), 4);
    let report = score(&key, &findings);
    let c = report
        .categories
        .iter()
        .find(|c| c.category == "features")
        .expect("features");
    assert_eq!(
        c.matched, 2,
        "card without separators and gzip feature match: {:?}",
        c.false_positives
    );
    assert_eq!(c.reported, 4);
    assert_eq!(
        c.false_positives.len(),
        2,
        "decoy reported as valid and an unknown e-mail"
    );
    assert!(c.false_positives.iter().any(|l| l.contains("(decoy)")));

    // The decoy reported as invalid is ignored; JSON Lines as forensics prints.
    let lines = format!(
        "{{\"kind\":\"{}\",\"value\":\"{}\",\"image_offset\":{},\"valid\":false}}\n",
        decoy.kind, decoy.value, decoy.image_offset
    );
    let report = score(&key, &parse_findings(&lines).expect("jsonl"));
    let c = report
        .categories
        .iter()
        .find(|c| c.category == "features")
        .expect("features");
    assert_eq!((c.reported, c.matched), (0, 0));
}

#[test]
fn forensics_style_file_and_carve_output() {
    let (_dir, key) = key_of("fat12");
    let mut lines = String::new();
    for (_, f) in key.all_files() {
        lines.push_str(&format!(
            "{{\"path\":\"{}\",\"size\":{},\"sha256\":\"{}\",\"deleted\":{}}}\n",
            f.path.trim_start_matches('/'),
            f.size,
            if f.is_dir { "" } else { &f.digests.sha256 },
            f.deleted
        ));
    }
    lines.push_str("{\"path\":\"$MBR\",\"size\":512,\"deleted\":false}\n");
    lines.push_str("{\"path\":\"/invented.txt\",\"size\":1,\"sha256\":\"00\",\"deleted\":false}\n");
    let report = score(&key, &parse_findings(&lines).expect("jsonl"));
    let c = &report.categories[0];
    assert_eq!(c.category, "files");
    assert_eq!(c.recall, 1.0);
    assert_eq!(c.false_positives.len(), 1, "{:?}", c.false_positives);

    let (_dir, key) = key_of("carve-blob");
    let item = &key.carved[0];
    let carve = format!(
        "[{{\"type\":\"{}\",\"image_offset\":{},\"sha256\":\"{}\",\"path\":\"out/f1.{}\"}}, {{\"type\":\"jpeg\",\"image_offset\":{}}}]",
        item.file_type, item.image_offset, item.sha256, item.file_type, key.carved[1].image_offset
    );
    let report = score(&key, &parse_findings(&carve).expect("json array"));
    let c = &report.categories[0];
    assert_eq!(c.category, "carved");
    assert_eq!(
        c.matched,
        if key.carved[1].file_type == "jpg" {
            2
        } else {
            1
        }
    );
    assert_eq!(c.missed.len(), key.carved.len() - c.matched);
}

#[test]
fn command_line_list_generate_score_pack() {
    let bin = env!("CARGO_BIN_EXE_corpus");
    let list = std::process::Command::new(bin)
        .arg("list")
        .output()
        .expect("list");
    let text = String::from_utf8(list.stdout).expect("utf8");
    let names: Vec<&str> = text.lines().filter_map(|l| l.split('\t').next()).collect();
    assert_eq!(
        names,
        [
            "carve-blob",
            "memdump",
            "fat12",
            "fat16",
            "fat32",
            "disk-mbr",
            "disk-gpt",
            "ntfs",
            "ntfs-small"
        ]
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("utf8");
    let status = std::process::Command::new(bin)
        .args([
            "pack", "memdump", "--seed", "3", "--out", out, "--size", "2097152", "--files", "5",
        ])
        .status()
        .expect("pack");
    assert!(status.success());
    assert!(dir.path().join("memdump.raw").exists());
    assert!(dir.path().join("exercise.md").exists());
    let key = dir.path().join("answers/memdump.key.json");
    assert!(key.exists());
    assert!(
        !dir.path().join("memdump.key.json").exists(),
        "the key is kept apart"
    );
    let scored = std::process::Command::new(bin)
        .args([
            "score",
            key.to_str().expect("utf8"),
            key.to_str().expect("utf8"),
        ])
        .output()
        .expect("score");
    let text = String::from_utf8(scored.stdout).expect("utf8");
    assert!(text.contains("features"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("features") && l.ends_with("1.000   1.000   1.000")),
        "{text}"
    );

    let bad = std::process::Command::new(bin)
        .args(["generate", "no-such-scenario", "--seed", "1", "--out", out])
        .output()
        .expect("generate");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown scenario"));
}
