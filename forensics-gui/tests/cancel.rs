//! Cancelling an ingest from the intake panel: the item is reported as
//! cancelled, the case stays consistent (its custody chain verifies), and
//! adding the same image again resumes it to the end.

use egui_kittest::kittest::Queryable;

use crate::{bench, create_case, harness, run_until, type_into};

#[test]
fn an_ingest_is_cancelled_and_then_resumed() {
    let dir = tempfile::tempdir().unwrap();
    // Large enough that the intake digests take a while in a debug build.
    let mut options = corpus::ScenarioOptions::with_seed(8);
    options.image_size_bytes = Some(256 << 20);
    options.file_count = Some(1_500);
    corpus::generate("fat32", &options, dir.path()).unwrap();
    let image = dir.path().join("fat32.raw");
    let mut harness = harness();
    create_case(&mut harness, dir.path());

    type_into(&mut harness, "Evidence path:", image.to_str().unwrap());
    harness.get_by_label("Add evidence").click();
    run_until(&mut harness, "the ingest to start", |app| {
        !bench(app).ingest_idle()
    });
    harness.run_steps(2);
    harness.get_by_label("Cancel ingest").click();
    run_until(&mut harness, "the cancel", |app| {
        bench(app).ingest_idle() && !bench(app).ingest_results().is_empty()
    });
    let results = bench(harness.state()).ingest_results();
    assert!(results[0].contains("cancelled"), "{results:?}");

    // The same image again: the ingest resumes and ends.
    type_into(&mut harness, "Evidence path:", image.to_str().unwrap());
    harness.get_by_label("Add evidence").click();
    run_until(&mut harness, "the resumed ingest", |app| {
        let bench = bench(app);
        bench.ingest_idle() && bench.ingest_results().len() == 2 && bench.evidence_count() == 1
    });
    let results = bench(harness.state()).ingest_results();
    assert!(results[1].contains("files"), "{results:?}");
    harness.get_by_label("Custody log").click();
    run_until(&mut harness, "the custody chain to verify", |app| {
        bench(app).verified_ok() == Some(true)
    });
}
