//! Two operating-system processes appending to the custody log of one
//! PostgreSQL case at the same time: the chain must stay one line.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use forensics_core::case::backend::CaseStore;
use forensics_core::case::pg::PgCase;
use serde_json::json;

use crate::pg_cluster;
use crate::pg_store::{info, session};

/// Environment of a worker process of the concurrency test.
const WORKER_URL: &str = "FORENSICS_PG_WORKER_URL";
const WORKER_NAME: &str = "FORENSICS_PG_WORKER_NAME";
const WORKER_DIR: &str = "FORENSICS_PG_WORKER_DIR";
/// Entries each worker appends.
const ENTRIES_PER_WORKER: usize = 1000;

/// Not a test of its own: the worker process of
/// [`pg_two_processes_appending_1000_entries_each_keep_one_linear_chain`],
/// started as this test binary with the worker environment set.
#[test]
#[ignore = "worker process of the two-process custody test"]
fn pg_append_worker() {
    let (Ok(url), Ok(name), Ok(dir)) = (
        std::env::var(WORKER_URL),
        std::env::var(WORKER_NAME),
        std::env::var(WORKER_DIR),
    ) else {
        return;
    };
    let dir = Path::new(&dir);
    let mut case = PgCase::open(&url, Some(session(&name, None))).unwrap();
    std::fs::write(dir.join(format!("ready-{name}")), b"").unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !dir.join("go").exists() {
        assert!(Instant::now() < deadline, "no go signal");
        std::thread::sleep(Duration::from_millis(2));
    }
    for index in 0..ENTRIES_PER_WORKER {
        case.write_with_custody("append_test", &mut |_tx| {
            Ok(json!({"worker": name, "index": index}))
        })
        .unwrap();
    }
}

#[test]
fn pg_two_processes_appending_1000_entries_each_keep_one_linear_chain() {
    let Some(cluster) = pg_cluster::shared() else {
        return;
    };
    let url = cluster.create_database("two_writers");
    PgCase::create(&url, &info(), session("Examiner One", None)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let workers: Vec<_> = ["worker-a", "worker-b"]
        .into_iter()
        .map(|name| {
            Command::new(&exe)
                .args(["pg_concurrency::pg_append_worker", "--exact", "--ignored"])
                .args(["--nocapture", "--test-threads=1"])
                .env(WORKER_URL, &url)
                .env(WORKER_NAME, name)
                .env(WORKER_DIR, dir.path())
                .spawn()
                .unwrap()
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !["worker-a", "worker-b"]
        .iter()
        .all(|name| dir.path().join(format!("ready-{name}")).exists())
    {
        assert!(Instant::now() < deadline, "workers did not connect");
        std::thread::sleep(Duration::from_millis(5));
    }
    let started = Instant::now();
    std::fs::write(dir.path().join("go"), b"").unwrap();
    for mut worker in workers {
        assert!(worker.wait().unwrap().success(), "a worker failed");
    }
    let elapsed = started.elapsed();

    let mut case = PgCase::open(&url, None).unwrap();
    let log = case.custody_log().unwrap();
    assert_eq!(log.len(), 2 * ENTRIES_PER_WORKER + 1);
    let seqs: Vec<u64> = log.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=2001).collect::<Vec<u64>>(), "gaps or duplicates");
    let mut prev_hashes: Vec<&str> = log.iter().map(|e| e.prev_hash.as_str()).collect();
    prev_hashes.sort_unstable();
    prev_hashes.dedup();
    assert_eq!(
        prev_hashes.len(),
        log.len(),
        "two entries share a parent: a fork"
    );
    for name in ["worker-a", "worker-b"] {
        let mine: Vec<i64> = log
            .iter()
            .filter(|e| e.examiner == name)
            .map(|e| {
                let details: serde_json::Value = serde_json::from_str(&e.details_json).unwrap();
                details["index"].as_i64().unwrap()
            })
            .collect();
        assert_eq!(
            mine,
            (0..ENTRIES_PER_WORKER as i64).collect::<Vec<_>>(),
            "{name}"
        );
    }
    let switches = log
        .windows(2)
        .filter(|w| w[0].examiner != w[1].examiner)
        .count();
    let report = case.verify_chain(None).unwrap();
    assert!(report.holds(), "{:?}", report.failures);
    assert_eq!(report.entries, 2001);
    println!(
        "two processes appended {} custody entries in {:.2} s ({:.0} entries/s), \
         writers alternated {switches} times",
        2 * ENTRIES_PER_WORKER,
        elapsed.as_secs_f64(),
        (2 * ENTRIES_PER_WORKER) as f64 / elapsed.as_secs_f64()
    );
    assert!(switches > 1, "the two writers never ran at the same time");
}
