//! `forensics batch plan | run | merge`: units run in shuffled order, some
//! workers killed and retried, stale and damaged shards left behind, the
//! merge done in two steps and once more for nothing; the case must equal a
//! single `case add` of the same evidence, row for row, and its custody
//! chain must verify.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use corpus::ScenarioOptions;
use forensics_core::case::Case;
use forensics_e2e::{forensics_exe, json_lines};

/// Runs `forensics` as this test's examiner; it must succeed.
fn run(args: &[&str]) -> Output {
    forensics_e2e::forensics_as("Batch Tester", args)
}

/// Fails with the first lines that differ unless two normalised dumps are
/// equal.
fn assert_same_dump(got: &[String], expected: &[String]) {
    let missing: Vec<_> = expected
        .iter()
        .filter(|l| !got.contains(l))
        .take(5)
        .collect();
    let extra: Vec<_> = got
        .iter()
        .filter(|l| !expected.contains(l))
        .take(5)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    assert_eq!(got, expected);
}

/// Runs unit `index` to its end.
fn run_unit(manifest: &str, results: &str, index: usize) {
    let index = index.to_string();
    run(&[
        "batch",
        "run",
        "--manifest",
        manifest,
        "--out",
        results,
        "--index",
        &index,
    ]);
}

/// A fixed permutation of `0..n` (a linear congruential shuffle).
fn shuffled(n: usize, mut seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        order.swap(i, (seed >> 33) as usize % (i + 1));
    }
    order
}

/// Starts a worker for unit `index` and kills it after `after`.
fn killed_worker(manifest: &str, results: &str, index: usize, after: Duration) {
    let mut child = Command::new(forensics_exe())
        .args(["batch", "run", "--manifest", manifest, "--out", results])
        .args(["--index", &index.to_string()])
        .env("FORENSICS_EXAMINER", "Batch Tester")
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let _ = child.kill();
    let _ = child.wait();
}

fn unit_ids(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    json_lines(text.as_bytes())
        .iter()
        .map(|unit| unit["unit_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn units_run_anyhow_merge_into_the_case_a_single_ingest_makes() {
    let dir = tempfile::tempdir().unwrap();
    let disk = corpus::generate("disk-mbr", &ScenarioOptions::with_seed(21), dir.path()).unwrap();
    let dump = corpus::generate("memdump", &ScenarioOptions::with_seed(3), dir.path()).unwrap();
    let disk = dir.path().join(&disk.image_files[0]);
    let dump = dir.path().join(&dump.image_files[0]);
    let (disk, dump) = (disk.to_str().unwrap(), dump.to_str().unwrap());
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (manifest, results) = (path("units.jsonl"), path("results"));
    let (single, merged) = (path("single.case"), path("merged.case"));

    run(&["case", "init", &single, "--case-number", "B-1"]);
    run(&["case", "add", &single, disk, dump, "--carve", "--scan"]);

    let plan = [
        "--split",
        "range:16M",
        "--carve",
        "--scan",
        "--out",
        &manifest,
    ];
    run(&[&["batch", "plan", disk, dump][..], &plan[..]].concat());
    let ids = unit_ids(Path::new(&manifest));
    // 4 partition walks, carving and 4 scan ranges of the 64 MiB disk; a
    // walk attempt, carving and one range of the 16 MiB dump.
    assert_eq!(ids.len(), 12, "units: {ids:?}");
    run(&["case", "init", &merged, "--case-number", "B-1"]);

    let order = shuffled(ids.len(), 7);
    let (first_half, second_half) = order.split_at(ids.len() / 2);
    for (step, &index) in first_half.iter().enumerate() {
        if step % 2 == 0 {
            killed_worker(
                &manifest,
                &results,
                index,
                Duration::from_millis(30 * step as u64),
            );
        }
        run_unit(&manifest, &results, index);
    }
    let merge = [
        "batch",
        "merge",
        "--manifest",
        &manifest,
        "--results",
        &results,
        "--case",
        &merged,
        "--json",
    ];
    let partial = json_lines(&run(&merge).stdout).remove(0);
    assert!(partial["waiting"].as_u64().unwrap() > 0, "{partial}");

    // A killed worker's leftovers and a shard damaged after its done record.
    // (A dead worker's shard, as a kill leaves it: a pid that is not ours.)
    let stale = Path::new(&results).join(format!("{}.999999999.tmp", ids[second_half[0]]));
    std::fs::write(&stale, b"half a shard").unwrap();
    let damaged = second_half[1];
    run_unit(&manifest, &results, damaged);
    let shard = Path::new(&results).join(format!("{}.shard", ids[damaged]));
    let mut bytes = std::fs::read(&shard).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&shard, bytes).unwrap();

    let status = [
        "batch",
        "status",
        "--manifest",
        &manifest,
        "--results",
        &results,
        "--json",
    ];
    let pending = json_lines(&run(&status).stdout)
        .into_iter()
        .filter(|unit| unit["state"] == "pending")
        .count();
    assert_eq!(
        pending,
        second_half.len(),
        "the damaged shard counts as not done"
    );

    for &index in second_half {
        run_unit(&manifest, &results, index);
    }
    let rest = json_lines(&run(&merge).stdout).remove(0);
    assert_eq!(rest["waiting"], 0, "{rest}");
    assert_eq!(
        partial["merged"].as_u64().unwrap() + rest["merged"].as_u64().unwrap(),
        ids.len() as u64
    );
    let again = json_lines(&run(&merge).stdout).remove(0);
    assert_eq!(again["merged"], 0, "merging again is a no-op: {again}");

    let expected = Case::open(Path::new(&single))
        .unwrap()
        .normalised_dump()
        .unwrap();
    let got = Case::open(Path::new(&merged))
        .unwrap()
        .normalised_dump()
        .unwrap();
    assert!(expected.iter().any(|line| line.starts_with("features ")));
    assert!(
        expected
            .iter()
            .any(|line| line.starts_with("carved_files "))
    );
    assert_same_dump(&got, &expected);

    // `case add --jobs` takes the same path with a local pool.
    let pooled = path("pooled.case");
    run(&["case", "init", &pooled, "--case-number", "B-1"]);
    let jobs = ["--carve", "--scan", "--jobs", "2", "--split", "range:16M"];
    run(&[&["case", "add", &pooled, disk, dump][..], &jobs[..]].concat());
    let pooled_dump = Case::open(Path::new(&pooled))
        .unwrap()
        .normalised_dump()
        .unwrap();
    assert_eq!(pooled_dump, expected);
    assert!(
        !Path::new(&format!("{pooled}.units")).exists(),
        "shards removed once merged"
    );

    let verify = json_lines(&run(&["case", "verify", &merged, "--json"]).stdout);
    let report = verify.iter().find(|line| line["type"] == "verify").unwrap();
    assert_eq!(report["valid"], true, "{verify:?}");
    assert_eq!(report["evidence_checked"], 2);
    let conn = rusqlite::Connection::open(&merged).unwrap();
    let merges: i64 = conn
        .query_row(
            "SELECT count(*) FROM custody_log WHERE action = 'merge_unit'
             AND json_extract(details_json, '$.worker.host') IS NOT NULL
             AND json_extract(details_json, '$.shard_sha256') IS NOT NULL",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(merges, ids.len() as i64, "one custody entry per unit");

    // The merge's custody entries record the rows: an edited one is found.
    conn.execute(
        "UPDATE features SET value = 'forged' WHERE scan_index = 3",
        [],
    )
    .unwrap();
    let output = Command::new(forensics_exe())
        .args(["case", "verify", &merged, "--json"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let lines = json_lines(&output.stdout);
    assert!(
        lines.iter().any(|line| line["subject"] == "rows"),
        "{lines:?}"
    );
}

use crate::pg_cluster;

/// The same units merged into a PostgreSQL case (a throwaway cluster):
/// twice, the second time a no-op, and the case equal to a single SQLite
/// ingest of the evidence.
#[test]
fn units_merge_into_a_postgresql_case_equal_to_a_single_sqlite_ingest() {
    let Some(cluster) = pg_cluster::PgCluster::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let disk = corpus::generate("disk-mbr", &ScenarioOptions::with_seed(5), dir.path()).unwrap();
    let disk = dir.path().join(&disk.image_files[0]);
    let disk = disk.to_str().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (manifest, results, single) = (path("units.jsonl"), path("results"), path("single.case"));
    run(&["case", "init", &single, "--case-number", "PG-1"]);
    run(&["case", "add", &single, disk, "--scan"]);
    let plan = ["--split", "range:16M", "--scan", "--out", &manifest];
    run(&[&["batch", "plan", disk][..], &plan[..]].concat());
    run(&[
        "batch",
        "run",
        "--manifest",
        &manifest,
        "--all",
        "--jobs",
        "2",
        "--out",
        &results,
    ]);

    let url = cluster.create_database("batch");
    run(&["case", "init", "--store", &url, "--case-number", "PG-1"]);
    let merge = [
        "batch",
        "merge",
        "--manifest",
        &manifest,
        "--results",
        &results,
        "--case",
        &url,
        "--json",
    ];
    let first = json_lines(&run(&merge).stdout).remove(0);
    assert_eq!(first["waiting"], 0, "{first}");
    let again = json_lines(&run(&merge).stdout).remove(0);
    assert_eq!(again["merged"], 0, "{again}");

    let expected = Case::open(Path::new(&single))
        .unwrap()
        .normalised_dump()
        .unwrap();
    let mut store = forensics_core::case::pg::PgCase::open(&url, None).unwrap();
    let got = forensics_core::batch::normalised_dump(&mut store).unwrap();
    assert_same_dump(&got, &expected);
    let report = forensics_core::case::verify::verify_store_chain(&mut store, None).unwrap();
    assert!(report.holds(), "{:?}", report.failures);
    let status = [
        "batch",
        "status",
        "--manifest",
        &manifest,
        "--results",
        &results,
    ];
    let merged = json_lines(&run(&[&status[..], &["--case", &url, "--json"][..]].concat()).stdout);
    assert!(
        merged.iter().all(|unit| unit["state"] == "merged"),
        "{merged:?}"
    );
}
