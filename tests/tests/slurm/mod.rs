//! Batch units as Slurm job arrays on a real cluster (`.ci/slurm-up` starts a
//! one-node one): the generated scripts are submitted with `sbatch`, the
//! arrays run with their throttle, the merge waits for all of them. Skips,
//! saying so, when `sinfo` does not answer.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

mod cluster;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cluster::{slurm_running, wait_for_job};
use forensics_core::batch::slurm::{self, SlurmJob, Submitted};

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

fn make_executable(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    let mut permissions = std::fs::metadata(path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(path, permissions).unwrap();
}

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

/// A directory name with a space, a quote and a dollar: the scripts must
/// carry it through `#SBATCH` lines and the shell unchanged.
fn awkward_tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("slurm e2e 'q' $x ")
        .tempdir()
        .unwrap()
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
        case.clone(),
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

/// A real manifest: a small corpus memory dump planned into range units,
/// with blank lines between them (which are not units); and its unit count.
fn planned_manifest(dir: &Path) -> (PathBuf, usize) {
    let mut options = corpus::ScenarioOptions::with_seed(5);
    options.image_size_bytes = Some(64 << 20);
    let key = corpus::generate("memdump", &options, dir).unwrap();
    let image = dir.join(&key.image_files[0]);
    let manifest = dir.join("units.jsonl");
    let (image, manifest_arg) = (image.to_str().unwrap(), manifest.to_str().unwrap());
    let plan = ["--split", "range:16M", "--scan", "--out", manifest_arg];
    forensics_ok(&[&["batch", "plan", image][..], &plan[..]].concat());
    let text = std::fs::read_to_string(&manifest).unwrap();
    let unit_count = forensics_e2e::json_lines(text.as_bytes()).len();
    assert!(unit_count >= 5, "{unit_count} units");
    std::fs::write(&manifest, text.replace('\n', "\n\n  \n")).unwrap();
    (manifest, unit_count)
}

#[test]
fn the_cli_writes_scripts_and_an_indexed_job_for_the_manifest_units() {
    let dir = awkward_tempdir();
    let (manifest, unit_count) = planned_manifest(dir.path());
    let results = dir.path().join("results");
    let scripts = dir.path().join("scripts");
    let text = |path: &Path| path.to_str().unwrap().to_owned();
    let output = forensics_e2e::forensics(&[
        "batch",
        "slurm",
        "--manifest",
        &text(&manifest),
        "--results",
        &text(&results),
        "--case",
        "case.fcase",
        "--examiner",
        "Dana",
        "--parallel",
        "2",
        "--partition",
        "debug",
        "--max-array-size",
        "2",
        "--sbatch-option=--time=01:00:00",
        "--out",
        &text(&scripts),
        "--json",
    ]);
    assert!(output.status.success(), "{output:?}");
    let report = &forensics_e2e::json_lines(&output.stdout)[0];
    assert_eq!(report["units"], unit_count, "blank lines are not units");
    assert_eq!(report["arrays"], unit_count.div_ceil(2));
    assert!(
        report["merge_job_id"].is_null(),
        "nothing submitted without --submit"
    );
    let worker = std::fs::read_to_string(scripts.join("worker-1.sbatch")).unwrap();
    assert!(worker.contains("#SBATCH --array=0-1%2\n"), "{worker}");
    assert!(
        worker.contains("#SBATCH --partition=\"debug\"\n"),
        "{worker}"
    );
    assert!(worker.contains("#SBATCH \"--time=01:00:00\"\n"), "{worker}");
    assert!(
        worker.contains("--index \"$((2 + SLURM_ARRAY_TASK_ID))\""),
        "{worker}"
    );
    let merge = std::fs::read_to_string(scripts.join("merge.sbatch")).unwrap();
    let case = std::env::current_dir().unwrap().join("case.fcase");
    assert!(
        merge.contains(&format!("--case {} ", text(&case))),
        "case made absolute: {merge}"
    );
    assert!(scripts.join("submit.sh").is_file());

    let output = forensics_e2e::forensics(&[
        "batch",
        "kubernetes",
        "--manifest",
        &text(&manifest),
        "--results",
        &text(dir.path()),
        "--parallel",
        "2",
        "--image",
        "forensics:test",
    ]);
    assert!(output.status.success(), "{output:?}");
    let yaml = String::from_utf8(output.stdout).unwrap();
    assert!(
        yaml.contains(&format!(
            "  completionMode: Indexed\n  completions: {unit_count}\n  parallelism: 2\n"
        )),
        "{yaml}"
    );
    assert!(yaml.contains("image: \"forensics:test\"\n"), "{yaml}");

    let output = forensics_e2e::forensics(&[
        "batch",
        "kubernetes",
        "--manifest",
        &text(&manifest),
        "--results",
        "/elsewhere",
    ]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "manifest on no volume: {output:?}"
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("neither"),
        "{output:?}"
    );
}

/// Runs `forensics` and insists it succeeds.
fn forensics_ok(args: &[&str]) -> Output {
    let output = Command::new(forensics_e2e::forensics_exe())
        .args(args)
        .env("FORENSICS_EXAMINER", "Slurm Tester")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

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
}

#[test]
fn an_encrypted_case_gets_no_merge_job_and_sbatch_never_sees_the_passphrase() {
    let dir = awkward_tempdir();
    let text = |path: &Path| path.to_str().unwrap().to_owned();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let seen = dir.path().join("sbatch-saw.txt");
    let fake_sbatch = format!(
        "#!/bin/sh\nprintf '%s|%s\\n' \"${{FORENSICS_CASE_PASSPHRASE-unset}}\" \"$*\" >> '{}'\necho 42\n",
        text(&seen).replace('\'', "'\\''")
    );
    make_executable(&bin.join("sbatch"), &fake_sbatch);
    let path_env = format!(
        "{}:{}",
        text(&bin),
        std::env::var("PATH").unwrap_or_default()
    );
    let (manifest, _) = planned_manifest(dir.path());
    let case = dir.path().join("sealed.fcase");
    let forensics = |args: &[&str]| {
        Command::new(forensics_e2e::forensics_exe())
            .args(args)
            .env("FORENSICS_EXAMINER", "Dana")
            .env("FORENSICS_CASE_PASSPHRASE", "correct horse battery")
            .env("PATH", &path_env)
            .output()
            .unwrap()
    };
    let init = forensics(&[
        "case",
        "init",
        &text(&case),
        "--case-number",
        "E-1",
        "--encrypt",
    ]);
    assert!(init.status.success(), "{init:?}");

    let (manifest, results) = (text(&manifest), text(&dir.path().join("results")));
    let case = text(&case);
    let slurm = [
        "batch",
        "slurm",
        "--manifest",
        &manifest,
        "--results",
        &results,
    ];
    let submit = [
        &slurm[..],
        &[
            "--case",
            &case,
            "--max-array-size",
            "1001",
            "--submit",
            "--json",
        ],
    ]
    .concat();
    let refused = forensics(&submit);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--no-merge"),
        "{refused:?}"
    );
    assert!(!seen.exists(), "nothing submitted");

    let accepted = forensics(&[&submit[..], &["--no-merge"]].concat());
    assert!(accepted.status.success(), "{accepted:?}");
    let report = &forensics_e2e::json_lines(&accepted.stdout)[0];
    assert_eq!(report["worker_job_ids"], serde_json::json!(["42"]));
    assert!(report["merge_job_id"].is_null(), "{report}");
    let calls = std::fs::read_to_string(&seen).unwrap();
    assert_eq!(calls.lines().count(), 1, "only the worker array: {calls}");
    assert!(
        calls.starts_with("unset|--parsable "),
        "sbatch saw the passphrase: {calls}"
    );
}
