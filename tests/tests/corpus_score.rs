//! `corpus score` on what `forensics` prints: a trainee who runs our tool on a
//! generated exercise finds every file of the key.
#![allow(clippy::unwrap_used)]

use corpus::ScenarioOptions;
use corpus::score::{parse_findings, score};
use forensics_e2e::forensics;

#[test]
fn scoring_forensics_ls_output_on_a_fat_scenario_gives_full_file_recall() {
    let dir = tempfile::tempdir().unwrap();
    let key = corpus::generate("fat16", &ScenarioOptions::with_seed(21), dir.path()).unwrap();
    let image = dir.path().join("fat16.raw");
    let output = forensics(&["ls", "-r", "--json", image.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let findings = parse_findings(&String::from_utf8_lossy(&output.stdout)).unwrap();
    let report = score(&key, &findings);
    let files = report
        .categories
        .iter()
        .find(|c| c.category == "files")
        .expect("a files category");
    assert!(files.expected > 10, "the scenario has files: {files:?}");
    assert_eq!(files.recall, 1.0, "missed: {:?}", files.missed);
}

#[test]
fn leaving_out_the_deleted_files_lowers_recall_by_their_share() {
    let dir = tempfile::tempdir().unwrap();
    let key = corpus::generate("fat16", &ScenarioOptions::with_seed(22), dir.path()).unwrap();
    let image = dir.path().join("fat16.raw");
    let output = forensics(&["ls", "-r", "--json", image.to_str().unwrap()]);
    let live_only: String = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.contains("\"deleted\":false"))
        .map(|line| format!("{line}\n"))
        .collect();
    let report = score(&key, &parse_findings(&live_only).unwrap());
    let files = report
        .categories
        .iter()
        .find(|c| c.category == "files")
        .unwrap();
    let deleted = key
        .all_files()
        .filter(|(_, f)| f.deleted && !f.is_dir)
        .count();
    assert!(deleted > 0);
    assert_eq!(files.missed.len(), deleted, "{:?}", files.missed);
}
