//! The committed example Job, throttling, quoting and refusals.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};

use super::*;

/// The Job committed as `docs/kubernetes-indexed-job.yaml`.
fn documented_job() -> IndexedJob {
    let mut job = IndexedJob::new(
        "registry.example.org/forensics:0.1.0".to_owned(),
        PathBuf::from("/results/units.jsonl"),
        PathBuf::from("/results"),
        8,
    );
    job.namespace = Some("forensics-lab".to_owned());
    job.parallel = 2;
    job
}

#[test]
fn job_matches_the_documented_example() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/kubernetes-indexed-job.yaml");
    let yaml = documented_job().to_yaml().unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &yaml).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{}: {err} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert_eq!(
        yaml,
        expected,
        "{} differs from the generator",
        path.display()
    );
}

#[test]
fn parallelism_is_the_throttle_capped_at_the_unit_count() {
    let mut job = documented_job();
    assert!(
        job.to_yaml()
            .unwrap()
            .contains("  completions: 8\n  parallelism: 2\n")
    );
    job.parallel = 50;
    assert!(job.to_yaml().unwrap().contains("  parallelism: 8\n"));
    job.parallel = 0;
    assert!(job.to_yaml().unwrap().contains("  parallelism: 8\n"));
}

#[test]
fn hostile_paths_stay_inside_their_quoted_scalars() {
    let mut job = documented_job();
    job.results = PathBuf::from("/res\"ults: [x]\n  evil: true");
    job.manifest = job.results.join("units.jsonl");
    let yaml = job.to_yaml().unwrap();
    assert_eq!(
        yaml.lines().count(),
        documented_job().to_yaml().unwrap().lines().count(),
        "no value adds a line"
    );
    assert!(
        yaml.contains("mountPath: \"/res\\\"ults: [x]\\n  evil: true\"\n"),
        "{yaml}"
    );
}

#[test]
fn impossible_jobs_are_refused_with_reasons() {
    let refuse = |change: &dyn Fn(&mut IndexedJob)| {
        let mut job = documented_job();
        change(&mut job);
        job.to_yaml().unwrap_err()
    };
    assert!(matches!(refuse(&|j| j.unit_count = 0), Error::NoUnits));
    assert!(matches!(
        refuse(&|j| j.unit_count = MAX_COMPLETIONS + 1),
        Error::TooManyUnits(_)
    ));
    assert!(matches!(
        refuse(&|j| j.name = "Forensics".into()),
        Error::Name { .. }
    ));
    assert!(matches!(
        refuse(&|j| j.name = "-x".into()),
        Error::Name { .. }
    ));
    assert!(matches!(
        refuse(&|j| j.name = "x".repeat(64)),
        Error::Name { .. }
    ));
    assert!(matches!(
        refuse(&|j| j.namespace = Some("a_b".into())),
        Error::Name {
            what: "namespace",
            ..
        }
    ));
    assert!(matches!(
        refuse(&|j| j.image = "a b".into()),
        Error::Image(_)
    ));
    assert!(matches!(
        refuse(&|j| j.image = String::new()),
        Error::Image(_)
    ));
    assert!(matches!(
        refuse(&|j| j.manifest = "units.jsonl".into()),
        Error::Path {
            what: "manifest",
            ..
        }
    ));
    assert!(matches!(
        refuse(&|j| j.manifest = "/home/me/units.jsonl".into()),
        Error::ManifestNotMounted { .. }
    ));
    assert!(matches!(
        refuse(&|j| j.evidence_dir = "/results".into()),
        Error::SameMount(_)
    ));
}

#[test]
fn a_manifest_on_the_evidence_volume_is_accepted() {
    let mut job = documented_job();
    job.manifest = PathBuf::from("/evidence/plans/units.jsonl");
    let yaml = job.to_yaml().unwrap();
    assert!(yaml.contains("            - \"/evidence/plans/units.jsonl\"\n"));
}
