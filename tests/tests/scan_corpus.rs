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

#[test]
fn keywords_histograms_and_bad_kinds_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("small.raw");
    let mut bytes = vec![0u8; 8192];
    bytes[100..125].copy_from_slice(b"mail alice@example.org ok");
    bytes[4000..4025].copy_from_slice(b"mail alice@example.org ok");
    bytes[6000..6016].copy_from_slice(b"The SECRET plan.");
    std::fs::write(&image, &bytes).unwrap();
    let image = image.to_str().unwrap();
    let list = dir.path().join("keywords.txt");
    std::fs::write(&list, "secret plan\nre:alice@[a-z]+\n").unwrap();
    let hits = scan(&[
        "scan",
        "--json",
        "-i",
        "--keywords",
        list.to_str().unwrap(),
        image,
    ]);
    let values: Vec<serde_json::Value> = hits
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let found: Vec<(u64, &str)> = values
        .iter()
        .map(|v| {
            (
                v["image_offset"].as_u64().unwrap(),
                v["value"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (105, "alice@example"),
            (4005, "alice@example"),
            (6004, "SECRET plan")
        ]
    );
    let histogram = scan(&["scan", "--json", "--histogram-only", image]);
    assert!(
        histogram
            .contains(r#""count":2,"kind":"email","type":"histogram","value":"alice@example.org""#),
        "{histogram}"
    );
    let bad = forensics(&["scan", "--features", "nonsense", image]);
    assert_eq!(bad.status.code(), Some(2));
}
