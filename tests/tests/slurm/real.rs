//! The real `forensics batch run` and `merge` as a Slurm array and its merge
//! job: the case equals a local `case add` of the same evidence.

use std::path::Path;

use super::cluster::{slurm_running, wait_for_job};
use super::{awkward_tempdir, forensics_ok};

#[test]
fn real_units_on_slurm_merge_into_the_case_a_local_ingest_makes() {
    if !slurm_running() {
        println!("skipped: Slurm not running (.ci/slurm-up starts it)");
        return;
    }
    let dir = awkward_tempdir();
    let disk = corpus::generate(
        "disk-mbr",
        &corpus::ScenarioOptions::with_seed(21),
        dir.path(),
    );
    let dump = corpus::generate(
        "memdump",
        &corpus::ScenarioOptions::with_seed(3),
        dir.path(),
    );
    let disk = dir.path().join(&disk.unwrap().image_files[0]);
    let dump = dir.path().join(&dump.unwrap().image_files[0]);
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let (disk, dump) = (disk.to_str().unwrap(), dump.to_str().unwrap());
    let (manifest, results) = (path("units.jsonl"), path("results"));
    let (local, merged) = (path("local.fcase"), path("slurm.fcase"));

    forensics_ok(&["case", "init", &local, "--case-number", "S-1"]);
    forensics_ok(&["case", "add", &local, disk, dump, "--carve", "--scan"]);

    let plan = [
        "--split",
        "range:16M",
        "--carve",
        "--scan",
        "--out",
        &manifest,
    ];
    forensics_ok(&[&["batch", "plan", disk, dump][..], &plan[..]].concat());
    let unit_count = forensics_e2e::json_lines(&std::fs::read(&manifest).unwrap()).len();
    assert!(unit_count >= 4, "{unit_count} units");
    forensics_ok(&["case", "init", &merged, "--case-number", "S-1"]);

    let submit = [
        "batch",
        "slurm",
        "--manifest",
        &manifest,
        "--results",
        &results,
        "--case",
        &merged,
        "--examiner",
        "Dana O'Neil",
        "--parallel",
        "2",
        "--submit",
        "--json",
    ];
    let submitted = forensics_e2e::json_lines(&forensics_ok(&submit).stdout).remove(0);
    assert_eq!(submitted["units"], unit_count);
    let merge_job = submitted["merge_job_id"].as_str().unwrap();
    let merge_states = wait_for_job(merge_job);
    let logs = std::fs::read_dir(Path::new(&results).join("slurm-logs"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect::<Vec<_>>()
        .join("\n---\n");
    assert_eq!(
        merge_states,
        ["COMPLETED"],
        "merge job {merge_job}; logs:\n{logs}"
    );

    let status = [
        "batch",
        "status",
        "--manifest",
        &manifest,
        "--results",
        &results,
        "--json",
    ];
    let states = forensics_e2e::json_lines(&forensics_ok(&status).stdout);
    assert_eq!(states.len(), unit_count);
    assert!(
        states.iter().all(|unit| unit["state"] == "done"),
        "every unit done: {states:?}"
    );
    let with_case = [&status[..], &["--case", &merged]].concat();
    let states = forensics_e2e::json_lines(&forensics_ok(&with_case).stdout);
    assert!(
        states.iter().all(|unit| unit["state"] == "merged"),
        "every unit merged: {states:?}"
    );

    let expected = forensics_core::case::Case::open(Path::new(&local))
        .unwrap()
        .normalised_dump()
        .unwrap();
    let got = forensics_core::case::Case::open(Path::new(&merged))
        .unwrap()
        .normalised_dump()
        .unwrap();
    assert!(expected.iter().any(|line| line.starts_with("features ")));
    assert!(
        expected
            .iter()
            .any(|line| line.starts_with("carved_files "))
    );
    assert_eq!(
        got, expected,
        "the Slurm-merged case equals the local ingest"
    );

    let verify =
        forensics_e2e::json_lines(&forensics_ok(&["case", "verify", &merged, "--json"]).stdout);
    let report = verify.iter().find(|line| line["type"] == "verify").unwrap();
    assert_eq!(report["valid"], true, "{verify:?}");

    // The same units merged by a Slurm merge job into a PostgreSQL case (a
    // throwaway cluster; the workers find their units done and skip them).
    let Some(cluster) = crate::pg_cluster::PgCluster::start() else {
        return;
    };
    let url = cluster.create_database("slurm");
    forensics_ok(&["case", "init", "--store", &url, "--case-number", "S-1"]);
    let to_store: Vec<&str> = submit
        .iter()
        .map(|arg| {
            if *arg == merged.as_str() {
                url.as_str()
            } else {
                *arg
            }
        })
        .collect();
    let submitted = forensics_e2e::json_lines(&forensics_ok(&to_store).stdout).remove(0);
    let merge_job = submitted["merge_job_id"].as_str().unwrap();
    assert_eq!(
        wait_for_job(merge_job),
        ["COMPLETED"],
        "merge job {merge_job} into PostgreSQL"
    );
    let mut store = forensics_core::case::pg::PgCase::open(&url, None).unwrap();
    let in_postgres = forensics_core::batch::normalised_dump(&mut store).unwrap();
    assert_eq!(
        in_postgres, expected,
        "the PostgreSQL case equals the local ingest"
    );
}
