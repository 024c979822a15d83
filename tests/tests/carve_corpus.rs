//! The carver against `corpus` carve-blob images: every whole item exact
//! (including the two-fragment JPEG), the truncated one reported as
//! truncated, nested files under their container, nothing marked complete
//! that is not exact.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use corpus::ScenarioOptions;
use corpus::key::AnswerKey;
use forensics_core::carve::{self, CarveOptions, CarveReport, Status};
use forensics_core::evidence;
use forensics_e2e::forensics;

fn build(seed: u64, options: impl FnOnce(&mut ScenarioOptions), dir: &Path) -> AnswerKey {
    let mut scenario = ScenarioOptions::with_seed(seed);
    options(&mut scenario);
    corpus::generate("carve-blob", &scenario, dir).unwrap()
}

fn carve_image(path: &Path, options: &CarveOptions) -> CarveReport {
    let evidence = evidence::open(path).unwrap();
    carve::carve(evidence.source.as_ref(), options).unwrap()
}

/// Checks the report against the key; returns (exact, expected) over the
/// top-level items that can be recovered whole (contiguous, or JPEGs in two
/// fragments).
fn check(key: &AnswerKey, report: &CarveReport) -> (usize, usize) {
    let by_offset: BTreeMap<u64, &carve::Carved> = report
        .files
        .iter()
        .filter(|f| f.nested_in.is_none())
        .map(|f| (f.image_offset, f))
        .collect();
    let mut exact = 0;
    let mut expected = 0;
    for item in key.carved.iter().filter(|i| i.nested_in.is_none()) {
        let found = by_offset.get(&item.image_offset);
        match item.status.as_str() {
            "truncated" => {
                let found = found.unwrap_or_else(|| panic!("{} truncated item not found", item.id));
                assert_eq!(found.status, Status::Truncated, "{}", item.id);
                assert!(
                    found.length < item.length,
                    "{}: truncated item longer than the file",
                    item.id
                );
            }
            _ if item.fragments.len() == 1
                || (item.fragments.len() == 2 && item.file_type == "jpg") =>
            {
                expected += 1;
                let found =
                    found.unwrap_or_else(|| panic!("{} ({}) not found", item.id, item.file_type));
                assert_eq!(
                    found.sha256, item.sha256,
                    "{} ({}) not exact",
                    item.id, item.file_type
                );
                let want = if item.fragments.len() == 2 {
                    Status::Fragmented
                } else {
                    Status::Complete
                };
                assert_eq!(found.status, want, "{}", item.id);
                let fragments: Vec<(u64, u64)> = found
                    .fragments
                    .iter()
                    .map(|f| (f.image_offset, f.length))
                    .collect();
                let key_fragments: Vec<(u64, u64)> = item
                    .fragments
                    .iter()
                    .map(|f| (f.image_offset, f.length))
                    .collect();
                assert_eq!(fragments, key_fragments, "{}", item.id);
                exact += 1;
            }
            _ => {}
        }
    }
    // Nested items: reported under the file at their container's offset.
    for item in key.carved.iter().filter(|i| i.nested_in.is_some()) {
        let container = key
            .carved
            .iter()
            .find(|c| Some(&c.id) == item.nested_in.as_ref())
            .unwrap();
        let found = report
            .files
            .iter()
            .find(|f| f.image_offset == item.image_offset)
            .unwrap_or_else(|| panic!("nested {} not found", item.id));
        let parent = found
            .nested_in
            .map(|p| &report.files[p])
            .unwrap_or_else(|| panic!("{} not nested", item.id));
        assert_eq!(parent.image_offset, container.image_offset, "{}", item.id);
        assert_eq!(found.sha256, item.sha256, "{}", item.id);
        assert!(found.forensic_path.starts_with(&parent.forensic_path));
    }
    // Nothing complete that is not exact.
    let good: Vec<&str> = key.carved.iter().map(|i| i.sha256.as_str()).collect();
    for file in report
        .files
        .iter()
        .filter(|f| f.status != Status::Truncated)
    {
        assert!(
            good.contains(&file.sha256.as_str()),
            "{file:?} is not an item of the key"
        );
    }
    (exact, expected)
}

#[test]
fn default_carve_blob_is_recovered_exactly_with_the_fragmented_jpeg() {
    let dir = tempfile::tempdir().unwrap();
    let key = build(1001, |_| {}, dir.path());
    let report = carve_image(&dir.path().join("carve-blob.raw"), &CarveOptions::default());
    let (exact, expected) = check(&key, &report);
    assert_eq!(exact, expected);
    assert!(
        key.carved.iter().any(|i| i.status == "fragmented"),
        "the scenario has a fragmented item"
    );
}

#[test]
fn other_seeds_with_noise_are_recovered_exactly() {
    for seed in [7u64, 8] {
        let dir = tempfile::tempdir().unwrap();
        let key = build(seed, |o| o.noise = 0.6, dir.path());
        let report = carve_image(&dir.path().join("carve-blob.raw"), &CarveOptions::default());
        let (exact, expected) = check(&key, &report);
        assert_eq!(exact, expected, "seed {seed}");
    }
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    build(3, |_| {}, dir.path());
    let path = dir.path().join("carve-blob.raw");
    let one = rayon_pool(1).install(|| carve_image(&path, &CarveOptions::default()));
    let four = rayon_pool(4).install(|| carve_image(&path, &CarveOptions::default()));
    assert_eq!(one, four);
}

fn rayon_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

#[test]
fn aligned_mode_finds_only_aligned_items() {
    let dir = tempfile::tempdir().unwrap();
    let key = build(1001, |_| {}, dir.path());
    let options = CarveOptions {
        aligned_bytes: 4096,
        ..CarveOptions::default()
    };
    let report = carve_image(&dir.path().join("carve-blob.raw"), &options);
    for file in report.files.iter().filter(|f| f.nested_in.is_none()) {
        assert_eq!(file.image_offset % 4096, 0, "{file:?}");
    }
    for item in key
        .carved
        .iter()
        .filter(|i| i.placement == "aligned" && i.status == "complete")
    {
        assert!(
            report.files.iter().any(|f| f.sha256 == item.sha256),
            "aligned {} missed",
            item.id
        );
    }
}

#[test]
fn cli_writes_files_named_by_offset_an_audit_file_and_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let key = build(1001, |_| {}, dir.path());
    let out = dir.path().join("out");
    let image = dir.path().join("carve-blob.raw");
    let output = forensics(&[
        "carve",
        image.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines = forensics_e2e::json_lines(&output.stdout);
    assert!(out.join("audit.txt").exists());
    for item in key
        .carved
        .iter()
        .filter(|i| i.status == "complete" && i.nested_in.is_none())
    {
        let line = lines
            .iter()
            .find(|l| l["image_offset"] == item.image_offset)
            .unwrap_or_else(|| panic!("{} missing from JSON", item.id));
        assert_eq!(line["sha256"], item.sha256.as_str());
        assert_eq!(line["status"], "complete");
        assert_eq!(line["length"], item.length);
        let name = line["file"].as_str().unwrap();
        assert!(name.contains(&format!("{:012}", item.image_offset)));
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert_eq!(bytes.len() as u64, item.length);
    }
    // A second run into the same (now non-empty) directory is refused.
    let again = forensics(&[
        "carve",
        image.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(2));
}

/// `--aligned` is the fast triage mode: no gap carving unless asked for
/// with `--gap-carving`, which then reassembles the two-fragment JPEG.
#[test]
fn aligned_cli_skips_gap_carving_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    build(1, |_| {}, dir.path());
    let image = dir.path().join("carve-blob.raw");
    let fragmented = |out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let (image, out) = (image.to_str().unwrap(), out.to_str().unwrap());
        let args = [
            &["carve", image, "--aligned", "512", "--out", out, "--json"][..],
            extra,
        ];
        let output = forensics(&args.concat());
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        forensics_e2e::json_lines(&output.stdout)
            .iter()
            .filter(|line| line["status"] == "fragmented")
            .count()
    };
    assert_eq!(fragmented("fast", &[]), 0);
    assert_eq!(fragmented("full", &["--gap-carving"]), 1);
}
