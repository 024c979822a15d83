//! `forensics carve --unallocated` on a FAT image: what it carves are the
//! deleted files (their clusters are free), never the allocated ones.
#![allow(clippy::unwrap_used)]

use corpus::ScenarioOptions;
use forensics_e2e::{forensics, json_lines};

#[test]
fn unallocated_carving_recovers_deleted_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let key = corpus::generate("fat16", &ScenarioOptions::with_seed(4), dir.path()).unwrap();
    let image = dir.path().join("fat16.raw");
    let out = dir.path().join("out");
    let output = forensics(&[
        "carve",
        image.to_str().unwrap(),
        "--unallocated",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines = json_lines(&output.stdout);
    let deleted: Vec<&str> = key
        .all_files()
        .filter(|(_, f)| f.deleted)
        .map(|(_, f)| f.digests.sha256.as_str())
        .collect();
    let allocated: Vec<&str> = key
        .all_files()
        .filter(|(_, f)| !f.deleted)
        .map(|(_, f)| f.digests.sha256.as_str())
        .collect();
    let complete: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["status"] == "complete").collect();
    assert!(!complete.is_empty(), "nothing carved: {lines:?}");
    for line in &complete {
        let sha = line["sha256"].as_str().unwrap();
        assert!(
            !allocated.contains(&sha),
            "allocated file carved from free space: {line}"
        );
        assert!(
            line["forensic_path"]
                .as_str()
                .unwrap()
                .starts_with("unalloc+0x")
        );
    }
    assert!(
        complete
            .iter()
            .any(|l| deleted.contains(&l["sha256"].as_str().unwrap()))
    );
}
