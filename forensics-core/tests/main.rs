//! One test binary for the whole crate: each module is one subject.
//! (One binary links once, which keeps CI's disk use and link time low.)

mod carve_fuzz_replay;
mod carve_hostile;
mod case_ingest;
mod case_tamper;
mod evidence_split;
mod ext4;
mod ext4_common;
mod ext4_hostile;
mod fuzz_replay;
mod hash_audit;
mod hash_engine;
mod hash_sets;
mod ntfs;
mod ntfs_hostile;
mod ntfs_support;
mod pg_cluster;
mod pg_concurrency;
mod pg_portable;
mod pg_roles;
mod pg_store;
mod scan_fuzz_replay;
mod volume;
