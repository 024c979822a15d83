//! One test binary for the whole crate: each module is one subject.
//! (One binary links once, which keeps CI's disk use and link time low.)

mod common;
mod determinism;
mod e01_output;
mod formats;
mod key_consistency;
mod knobs;
mod ntfs;
mod scoring;
mod third_party_tools;
