//! `forensics batch slurm` and `forensics batch kubernetes` without a
//! cluster: scripts and YAML for a planned manifest, an encrypted case and
//! the passphrase kept from `sbatch` (a stand-in `sbatch` on the `PATH`).

use std::path::Path;
use std::process::Command;

use super::{awkward_tempdir, make_executable, planned_manifest};

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

#[test]
fn a_postgres_store_is_named_as_given_and_no_password_reaches_a_script() {
    let dir = awkward_tempdir();
    let (manifest, _) = planned_manifest(dir.path());
    let text = |path: &Path| path.to_str().unwrap().to_owned();
    let (manifest, results) = (text(&manifest), text(&dir.path().join("results")));
    let scripts = dir.path().join("scripts");
    let scripts_arg = text(&scripts);
    let run = |case: &str, extra: &[&str], pgpassword: Option<&str>| {
        let mut command = Command::new(forensics_e2e::forensics_exe());
        command
            .args([
                "batch",
                "slurm",
                "--manifest",
                &manifest,
                "--results",
                &results,
            ])
            .args([
                "--case",
                case,
                "--examiner",
                "Dana",
                "--max-array-size",
                "1001",
            ])
            .args(["--out", &scripts_arg])
            .args(extra)
            .env_remove("PGPASSWORD");
        if let Some(password) = pgpassword {
            command.env("PGPASSWORD", password);
        }
        command.output().unwrap()
    };
    let store = "postgres://lab@db.example.org:5432/case42";
    let output = run(store, &[], None);
    assert!(output.status.success(), "{output:?}");
    let merge = std::fs::read_to_string(scripts.join("merge.sbatch")).unwrap();
    assert!(merge.contains(&format!("--case {store} ")), "{merge}");

    let output = run("postgres://lab:Tr0ub4dor@db.example.org/case42", &[], None);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("PGPASSWORD"));

    let output = run(store, &[], Some("Tr0ub4dor"));
    assert_eq!(
        output.status.code(),
        Some(2),
        "a merge job cannot get it: {output:?}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("--no-merge"));
    std::fs::remove_dir_all(&scripts).unwrap();
    let output = run(store, &["--no-merge"], Some("Tr0ub4dor"));
    assert!(output.status.success(), "{output:?}");
    assert!(!scripts.join("merge.sbatch").exists());
    for entry in std::fs::read_dir(&scripts).unwrap() {
        let script = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!script.contains("Tr0ub4dor"), "{script}");
    }
}
