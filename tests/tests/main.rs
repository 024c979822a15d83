//! One test binary for the whole crate: each module is one subject.
//! (One binary links once, which keeps CI's disk use and link time low.)

mod acquire_bad_sectors;
mod acquire_cli;
mod batch_units;
mod carve_corpus;
mod carve_unallocated;
mod case_cli;
mod case_encrypted;
mod case_read_pg;
mod case_stages;
mod corpus_score;
mod determinism;
mod evidence_untouched;
mod fs_ext4;
mod fs_fat;
mod hostile;
mod info;
mod report_bundle;
mod report_exchange;
mod scan_corpus;
mod scan_pathological;
mod scan_recursion;
mod slurm;

/// The throwaway PostgreSQL cluster of the tests that need one.
#[path = "../../forensics-core/tests/pg_cluster.rs"]
mod pg_cluster;
