//! The Features tab: a case scanned through the core is opened in the app,
//! and the bar chart shows the case's most frequent values of the chosen
//! kind, in the core's histogram order.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forensics_core::case::ingest::{IngestOptions, NoProgress, add_evidence};
use forensics_core::case::{Case, CaseInfo, Session, SteppingClock};
use forensics_core::fs::Timestamp;
use forensics_core::scan::ScanOptions;
use forensics_gui::App;

use crate::search::search;
use crate::{bench, harness, run_until, settle, type_into};

/// A case at `dir/scanned.case` holding `images`, ingested with the
/// feature scan on (as `forensics case add --scan` does).
pub(crate) fn scanned_case(dir: &Path, images: &[PathBuf]) -> PathBuf {
    let clock = SteppingClock::new(Timestamp {
        unix_ns: 1_780_000_000_000_000_000,
    });
    let session = Session::new("Test Examiner", Box::new(clock));
    let info = CaseInfo {
        case_number: "2026-T-3".into(),
        title: "scanned".into(),
        examiner: "Test Examiner".into(),
    };
    let path = dir.join("scanned.case");
    let mut case = Case::create(&path, &info, session).unwrap();
    let options = IngestOptions {
        threads: 1,
        scan: Some(ScanOptions {
            threads: 1,
            ..ScanOptions::default()
        }),
        ..IngestOptions::default()
    };
    let summary = add_evidence(
        &mut case,
        images,
        &options,
        &mut NoProgress,
        &AtomicBool::new(false),
    )
    .unwrap();
    assert!(summary.evidence.iter().all(|e| e.error.is_none()));
    path
}

/// A memory-dump-like image full of e-mails, URLs and other features.
pub(crate) fn memdump_image(dir: &Path) -> PathBuf {
    let mut options = corpus::ScenarioOptions::with_seed(5);
    options.image_size_bytes = Some(1 << 20);
    let key = corpus::generate("memdump", &options, dir).unwrap();
    dir.join(&key.image_files[0])
}

/// Opens the case at `path` through the start screen.
pub(crate) fn open_case(harness: &mut Harness<'static, App>, path: &Path) {
    type_into(harness, "Examiner", "Test Examiner");
    type_into(harness, "Case file to open", path.to_str().unwrap());
    harness.get_by_label("Open case").click();
    run_until(harness, "the case to open", |app| {
        app.workbench().is_some_and(|b| b.evidence_count() > 0)
    });
}

#[test]
fn the_features_tab_plots_the_top_values_of_the_chosen_kind() {
    let dir = tempfile::tempdir().unwrap();
    let image = memdump_image(dir.path());
    let case_path = scanned_case(dir.path(), &[image]);
    let histogram = Case::open(&case_path)
        .unwrap()
        .feature_histogram(100)
        .unwrap();
    let top_of = |kind: &str| -> Vec<(String, u64)> {
        histogram
            .iter()
            .filter(|e| e.kind == kind)
            .take(20)
            .map(|e| (e.value.clone(), e.count))
            .collect()
    };
    let first_kind = histogram.first().unwrap().kind.clone();
    assert!(histogram.iter().any(|e| e.kind == "url"), "{histogram:?}");
    assert_ne!(first_kind, "url");

    let mut harness = harness();
    open_case(&mut harness, &case_path);
    harness.get_by_label("Features").click();
    run_until(&mut harness, "the chart", |app| {
        bench(app).plotted_histogram().is_some()
    });
    // With all kinds shown, the chart is of the first kind.
    let (kind, bars) = bench(harness.state()).plotted_histogram().unwrap();
    assert_eq!(kind, first_kind);
    assert_eq!(bars, top_of(&first_kind));
    harness.get_by_label(&format!("Histogram of {first_kind} values"));

    // The kind selector (drawn before the per-kind lists) switches the chart.
    harness.get_all_by_label("url").next().unwrap().click();
    run_until(&mut harness, "the url chart", |app| {
        bench(app)
            .plotted_histogram()
            .is_some_and(|(k, _)| k == "url")
    });
    let (_, bars) = bench(harness.state()).plotted_histogram().unwrap();
    assert_eq!(bars, top_of("url"));
    assert!(!bars.is_empty());
    harness.get_by_label("Histogram of url values");

    // The value filter narrows the bars too.
    let (value, count) = bars[0].clone();
    type_into(&mut harness, "Value contains:", &value);
    run_until(&mut harness, "the filtered chart", |app| {
        bench(app)
            .plotted_histogram()
            .is_some_and(|(_, b)| b.iter().all(|(v, _)| v.contains(&value)))
    });
    let (_, filtered) = bench(harness.state()).plotted_histogram().unwrap();
    assert!(filtered.contains(&(value.clone(), count)));

    // The search finds the value among the features; outside any file
    // (a memory dump has none), the hit belongs to no object.
    search(&mut harness, &value.to_uppercase());
    let (_, results) = bench(harness.state()).search_results().unwrap();
    let features = &results.unwrap().features.hits;
    let hit = features
        .iter()
        .find(|hit| hit.label == format!("url: {value}"))
        .unwrap_or_else(|| panic!("{value} not among {features:?}"));
    assert_eq!(hit.object_id, None);
    assert!(hit.context.contains("outside any file"), "{hit:?}");
    harness.get_by_label(&format!("url: {value}"));
    settle(&mut harness);
}
