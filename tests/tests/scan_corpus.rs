//! `forensics scan` on a `corpus` memory dump: every valid feature of the key
//! is found (including those inside gzip streams, with their forensic
//! paths), no decoy is reported, and the output does not depend on the page
//! size or the thread count.
#![allow(clippy::unwrap_used)]

use corpus::ScenarioOptions;
use corpus::score::{parse_findings, score};
use forensics_e2e::forensics;

fn scan(args: &[&str]) -> String {
    let output = forensics(args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn scanning_a_memdump_finds_every_feature_and_no_decoy() {
    let dir = tempfile::tempdir().unwrap();
    let key = corpus::generate("memdump", &ScenarioOptions::with_seed(31), dir.path()).unwrap();
    let image = dir.path().join("memdump.raw");
    let stdout = scan(&["scan", "--json", image.to_str().unwrap()]);
    let report = score(&key, &parse_findings(&stdout).unwrap());
    let features = report
        .categories
        .iter()
        .find(|c| c.category == "features")
        .unwrap();
    assert!(
        features.expected > 50,
        "the scenario has features: {features:?}"
    );
    assert_eq!(features.recall, 1.0, "missed: {:?}", features.missed);
    let decoys: Vec<&String> = features
        .false_positives
        .iter()
        .filter(|f| f.contains("(decoy)"))
        .collect();
    assert!(decoys.is_empty(), "decoys reported: {decoys:?}");
    let in_gzip = key
        .features
        .iter()
        .filter(|f| f.forensic_path.is_some())
        .count();
    assert!(in_gzip > 0, "the scenario hides features in gzip streams");
    assert!(
        stdout.contains("-GZIP-"),
        "hits inside gzip carry a forensic path"
    );
}

#[test]
fn output_is_the_same_at_any_page_size_and_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    corpus::generate("memdump", &ScenarioOptions::with_seed(32), dir.path()).unwrap();
    let image = dir.path().join("memdump.raw");
    let image = image.to_str().unwrap();
    let reference = scan(&["scan", "--json", "--threads", "1", image]);
    assert!(reference.lines().count() > 50);
    for args in [
        ["--threads", "4", "--page-size", "16M"],
        ["--threads", "1", "--page-size", "4K"],
        ["--threads", "3", "--page-size", "64K"],
    ] {
        let mut all = vec!["scan", "--json"];
        all.extend_from_slice(&args);
        all.push(image);
        assert_eq!(scan(&all), reference, "with {args:?}");
    }
}
