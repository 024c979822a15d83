//! Golden scripts, chunking, quoting through a real shell, and submission
//! through a stand-in `sbatch`.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

/// The job whose scripts are committed under `docs/slurm/`.
fn documented_job() -> SlurmJob {
    let mut job = SlurmJob::new(
        PathBuf::from("/opt/forensics/bin/forensics"),
        PathBuf::from("/lab/case 42/units.jsonl"),
        PathBuf::from("/lab/case 42/results"),
        "/lab/case 42/case.fcase".to_owned(),
        "Dana O'Neil".to_owned(),
        8,
    );
    job.parallel = 2;
    job.partition = Some("forensics".to_owned());
    job.extra_sbatch_options = vec!["--time=02:00:00".to_owned()];
    job.signing_key = Some(PathBuf::from("/lab/keys/dana o'neil.key"));
    job
}

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/slurm")
}

/// Compares `text` with the committed file; `UPDATE_GOLDEN=1` rewrites it.
fn assert_golden(name: &str, text: &str) {
    let path = docs_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(docs_dir()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{}: {err} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert_eq!(
        text,
        expected,
        "{} differs from the generator",
        path.display()
    );
}

#[test]
fn scripts_match_the_documented_examples() {
    let scripts = documented_job().scripts().unwrap();
    assert_eq!(scripts.workers.len(), 1);
    assert!(!scripts.chunks_in_sequence);
    assert_golden("worker-0.sbatch", &scripts.workers[0].1.text);
    assert_golden("merge.sbatch", &scripts.merge.as_ref().unwrap().text);
    assert_golden("submit.sh", &scripts.submit.text);
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(
        documented_job().scripts().unwrap(),
        documented_job().scripts().unwrap()
    );
}

#[test]
fn units_beyond_max_array_size_become_several_arrays() {
    let mut job = documented_job();
    job.unit_count = 2500;
    let chunks = job.chunks().unwrap();
    let starts: Vec<(u64, u64)> = chunks
        .iter()
        .map(|c| (c.first_unit, c.unit_count))
        .collect();
    assert_eq!(starts, [(0, 1001), (1001, 1001), (2002, 498)]);

    let scripts = job.scripts().unwrap();
    assert!(scripts.chunks_in_sequence, "a throttle holds across arrays");
    let arrays: Vec<&str> = scripts
        .workers
        .iter()
        .map(|(_, script)| {
            let line = script
                .text
                .lines()
                .find(|l| l.starts_with("#SBATCH --array="));
            line.unwrap()
        })
        .collect();
    assert_eq!(
        arrays,
        [
            "#SBATCH --array=0-1000%2",
            "#SBATCH --array=0-1000%2",
            "#SBATCH --array=0-497%2"
        ]
    );
    for (offset, (_, script)) in [0, 1001, 2002].iter().zip(&scripts.workers) {
        let index = format!("--index \"$(({offset} + SLURM_ARRAY_TASK_ID))\"");
        assert!(script.text.contains(&index), "{}", script.text);
    }
    assert!(scripts.submit.text.contains(
        "w2=\"$(job_id --dependency=afterany:\"$w1\" worker-2.sbatch)\"\n\
         merge=\"$(job_id --dependency=afterok:\"$w0:$w1:$w2\" merge.sbatch)\""
    ));

    job.parallel = 0;
    let unthrottled = job.scripts().unwrap();
    assert!(!unthrottled.chunks_in_sequence);
    assert!(
        unthrottled.workers[2]
            .1
            .text
            .contains("#SBATCH --array=0-497\n")
    );
}

#[test]
fn exact_multiples_and_single_units_chunk_cleanly() {
    let mut job = documented_job();
    job.unit_count = 2002;
    job.max_array_size = 1001;
    assert_eq!(job.chunks().unwrap().len(), 2);
    job.unit_count = 1;
    let only = job.chunks().unwrap();
    assert_eq!(
        only,
        [ArrayChunk {
            first_unit: 0,
            unit_count: 1
        }]
    );
    assert!(
        job.scripts().unwrap().workers[0]
            .1
            .text
            .contains("--array=0-0%2\n")
    );
}

#[test]
fn impossible_jobs_are_refused_with_reasons() {
    let mut job = documented_job();
    job.unit_count = 0;
    assert!(matches!(job.scripts(), Err(Error::NoUnits)));
    job.unit_count = 5;
    job.max_array_size = 0;
    assert!(matches!(job.scripts(), Err(Error::ZeroMaxArraySize)));
    job.max_array_size = 1;
    job.unit_count = MAX_ARRAY_CHUNKS + 1;
    assert!(matches!(job.scripts(), Err(Error::TooManyChunks { .. })));
    let mut job = documented_job();
    job.job_name = "two words".to_owned();
    assert!(matches!(job.scripts(), Err(Error::JobName(_))));
    let mut job = documented_job();
    job.partition = Some("a\nb".to_owned());
    assert!(matches!(
        job.scripts(),
        Err(Error::LineBreak {
            what: "partition",
            ..
        })
    ));
    let mut job = documented_job();
    job.log_dir = PathBuf::from("/logs\\x");
    assert!(matches!(job.scripts(), Err(Error::Backslash { .. })));
}

/// Writes an executable stand-in that prints each argument on its own line.
fn write_echo_program(path: &Path) {
    std::fs::write(
        path,
        "#!/bin/sh\nfor arg in \"$@\"; do printf '%s\\n' \"$arg\"; done\n",
    )
    .unwrap();
    let mut permissions = std::fs::metadata(path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(path, permissions).unwrap();
}

#[test]
fn hostile_paths_reach_the_worker_and_merge_unchanged_through_bash() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("it's a \"lab\" $HOME `id` ;x");
    std::fs::create_dir(&odd).unwrap();
    let exe = odd.join("forensics stub");
    write_echo_program(&exe);
    let text = |path: &Path| path.to_str().unwrap().to_owned();
    let mut job = SlurmJob::new(
        exe,
        odd.join("units $1.jsonl"),
        odd.join("results\tdir"),
        text(&odd.join("case\\1.fcase")),
        "Dana \"D\" O'Neil $USER".to_owned(),
        2500,
    );
    job.max_array_size = 1001;
    let scripts = job.scripts().unwrap();

    let worker = &scripts.workers[1].1.text;
    let output = Command::new("bash")
        .args(["-c", worker])
        .env("SLURM_ARRAY_TASK_ID", "7")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let args: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let expected = [
        "batch",
        "run",
        "--manifest",
        &text(&job.manifest),
        "--index",
        "1008",
        "--threads",
        "1",
        "--out",
        &text(&job.results),
    ];
    assert_eq!(args, expected);

    let output = Command::new("bash")
        .args(["-c", &scripts.merge.as_ref().unwrap().text])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let printed = String::from_utf8(output.stdout).unwrap();
    let merge_args = [
        "batch",
        "merge",
        "--manifest",
        &text(&job.manifest),
        "--results",
        &text(&job.results),
        "--case",
        &job.case,
        "--examiner",
        &job.examiner,
    ];
    let status_args = [
        "batch",
        "status",
        "--manifest",
        &text(&job.manifest),
        "--results",
        &text(&job.results),
        "--case",
        &job.case,
    ];
    let expected_lines: Vec<&str> = merge_args.iter().chain(&status_args).copied().collect();
    assert_eq!(printed.lines().collect::<Vec<_>>(), expected_lines);
}

#[test]
fn sbatch_lines_quote_log_paths_with_spaces_and_quotes() {
    let mut job = documented_job();
    job.log_dir = PathBuf::from("/lab/logs \"2026\" 100%");
    job.extra_sbatch_options = vec!["--comment=case #42".to_owned()];
    let scripts = job.scripts().unwrap();
    let worker = &scripts.workers[0].1.text;
    assert!(
        worker.contains(
            "#SBATCH --output=\"/lab/logs \\\"2026\\\" 100%%/forensics-batch-%A_%a.out\"\n"
        ),
        "{worker}"
    );
    assert!(
        worker.contains("#SBATCH \"--comment=case #42\"\n"),
        "{worker}"
    );
}

#[test]
fn submission_chains_arrays_and_holds_the_merge_until_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls.txt");
    let sbatch = dir.path().join("fake-sbatch");
    std::fs::write(
        &sbatch,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{calls}'\nn=$(wc -l < '{calls}')\necho \"$((100 + n));lab\"\n",
            calls = calls.display()
        ),
    )
    .unwrap();
    let mut permissions = std::fs::metadata(&sbatch).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&sbatch, permissions).unwrap();

    let mut job = documented_job();
    job.unit_count = 2500;
    job.log_dir = dir.path().join("logs");
    let scripts = job.scripts().unwrap();
    let script_dir = dir.path().join("scripts");
    let submitted = submit_with(&scripts, &script_dir, &sbatch).unwrap();
    assert_eq!(submitted.worker_job_ids, ["101", "102", "103"]);
    assert_eq!(submitted.merge_job_id.as_deref(), Some("104"));
    assert!(job.log_dir.is_dir());
    let script = |name: &str| script_dir.join(name).display().to_string();
    let expected = format!(
        "--parsable {}\n--parsable --dependency=afterany:101 {}\n\
         --parsable --dependency=afterany:102 {}\n--parsable --dependency=afterok:101:102:103 {}\n",
        script("worker-0.sbatch"),
        script("worker-1.sbatch"),
        script("worker-2.sbatch"),
        script("merge.sbatch"),
    );
    assert_eq!(std::fs::read_to_string(&calls).unwrap(), expected);
    assert_eq!(script_paths(&scripts, &script_dir).len(), 5);
    for path in script_paths(&scripts, &script_dir) {
        assert!(path.is_file(), "{} written", path.display());
    }

    let failing = dir.path().join("refusing-sbatch");
    std::fs::write(
        &failing,
        "#!/bin/sh\necho 'sbatch: error: invalid partition' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&failing, std::fs::metadata(&sbatch).unwrap().permissions()).unwrap();
    let err = submit_with(&scripts, &script_dir, &failing).unwrap_err();
    assert!(err.to_string().contains("invalid partition"), "{err}");
}

#[test]
fn without_a_merge_job_only_the_workers_are_submitted() {
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls.txt");
    let sbatch = dir.path().join("fake-sbatch");
    let fake = format!("#!/bin/sh\necho \"$*\" >> '{}'\necho 7\n", calls.display());
    write_echo_program(&sbatch);
    std::fs::write(&sbatch, fake).unwrap();
    let mut job = documented_job();
    job.merge_job = false;
    job.log_dir = dir.path().join("logs");
    let scripts = job.scripts().unwrap();
    assert!(scripts.merge.is_none());
    assert!(
        !scripts.submit.text.contains("merge.sbatch"),
        "{}",
        scripts.submit.text
    );
    let submitted = submit_with(&scripts, &dir.path().join("s"), &sbatch).unwrap();
    assert_eq!(submitted.worker_job_ids, ["7"]);
    assert_eq!(submitted.merge_job_id, None);
    assert_eq!(std::fs::read_to_string(&calls).unwrap().lines().count(), 1);
    assert!(!dir.path().join("s/merge.sbatch").exists());
}
