//! Batch units as Slurm job arrays on a real cluster (`.ci/slurm-up` starts a
//! one-node one): the generated scripts are submitted with `sbatch`, the
//! arrays run with their throttle, the merge waits for all of them. Skips,
//! saying so, when `sinfo` does not answer.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

mod cli;
mod cluster;
mod real;
mod stand_in;

use std::path::{Path, PathBuf};
use std::process::Output;

/// Writes `text` to `path` as an executable script.
fn make_executable(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    let mut permissions = std::fs::metadata(path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(path, permissions).unwrap();
}

/// A directory name with a space, a quote and a dollar: the scripts must
/// carry it through `#SBATCH` lines and the shell unchanged.
fn awkward_tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("slurm e2e 'q' $x ")
        .tempdir()
        .unwrap()
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

/// Runs `forensics` as this test's examiner; it must succeed.
fn forensics_ok(args: &[&str]) -> Output {
    forensics_e2e::forensics_as("Slurm Tester", args)
}
