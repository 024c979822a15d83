//! Generated arrays on the real cluster with a stand-in worker: chunking at
//! MaxArraySize, the `%P` throttle across chunks, and the merge after all.

use std::path::PathBuf;

use forensics_core::batch::slurm::{self, SlurmJob, Submitted};

use super::cluster::{slurm_running, wait_for_job};
use super::{awkward_tempdir, make_executable};

/// A stand-in for `forensics batch run|merge|status`: `run` records its
/// unit (the manifest line of `--index`) with start and end times, `merge`
/// lists the records into the case file, `status` prints them.
const STAND_IN: &str = r#"#!/bin/sh
set -eu
case "$2" in
run)
    unit="$(sed -n "$(($6 + 1))p" "$4")"
    start="$(date +%s.%N)"
    sleep 1
    [ "$7" = --threads ] && [ "$8" = 1 ] || exit 65
    printf '%s %s %s\n' "$unit" "$start" "$(date +%s.%N)" > "${10}/$6.done"
    ;;
merge)
    cat "$6"/*.done | sort > "$8"
    printf 'examiner %s\n' "${10}" >> "$8"
    ;;
status)
    ls "$6" ;;
*) exit 64 ;;
esac
"#;

/// Most intervals `[start, end)` overlapping at any moment.
fn peak_overlap(intervals: &[(f64, f64)]) -> usize {
    intervals
        .iter()
        .map(|(start, _)| {
            let at = *start;
            intervals
                .iter()
                .filter(|(s, e)| *s <= at && at < *e)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn a_chunked_throttled_array_runs_every_unit_once_then_merges() {
    if !slurm_running() {
        println!("skipped: Slurm not running (.ci/slurm-up starts it)");
        return;
    }
    let dir = awkward_tempdir();
    let stand_in = dir.path().join("forensics stand-in");
    make_executable(&stand_in, STAND_IN);
    let manifest = dir.path().join("units.jsonl");
    let units: Vec<String> = (0..7)
        .map(|i| format!("{{\"unit_id\":\"u{i}\"}}"))
        .collect();
    std::fs::write(&manifest, units.join("\n") + "\n").unwrap();
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    let case = dir.path().join("case file.txt");

    let mut job = SlurmJob::new(
        stand_in,
        manifest,
        results.clone(),
        case.to_str().unwrap().to_owned(),
        "Dana O'Neil".to_owned(),
        units.len() as u64,
    );
    job.parallel = 2;
    let cluster_max = slurm::query_max_array_size();
    assert!(
        cluster_max.is_some_and(|n| n >= 3),
        "MaxArraySize {cluster_max:?}"
    );
    job.max_array_size = 3; // 7 units: arrays of 3, 3 and 1
    let scripts = job.scripts().unwrap();
    assert_eq!(scripts.workers.len(), 3);
    let Submitted {
        worker_job_ids,
        merge_job_id,
    } = slurm::submit(&scripts, &dir.path().join("scripts")).unwrap();
    let merge_job_id = merge_job_id.unwrap();

    let merge_states = wait_for_job(&merge_job_id);
    assert_eq!(merge_states, ["COMPLETED"], "merge job {merge_job_id}");
    for id in &worker_job_ids {
        let states = wait_for_job(id);
        assert!(states.iter().all(|s| s == "COMPLETED"), "{id}: {states:?}");
    }

    let merged = std::fs::read_to_string(&case).unwrap();
    let mut seen = Vec::new();
    let mut intervals = Vec::new();
    for line in merged.lines().filter(|l| !l.starts_with("examiner ")) {
        let fields: Vec<&str> = line.split(' ').collect();
        seen.push(fields[0].to_owned());
        intervals.push((
            fields[1].parse::<f64>().unwrap(),
            fields[2].parse().unwrap(),
        ));
    }
    assert_eq!(seen, units, "every unit ran exactly once, by its own index");
    assert!(merged.ends_with("examiner Dana O'Neil\n"), "{merged}");
    let peak = peak_overlap(&intervals);
    assert!(peak <= 2, "at most --parallel 2 units at once, saw {peak}");
    let logs: Vec<PathBuf> = std::fs::read_dir(&job.log_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(
        logs.len(),
        7 + 1,
        "one log per task and the merge: {logs:?}"
    );
}
