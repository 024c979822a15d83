//! One test binary for the whole crate: each module is one subject.
//! (One binary links once, which keeps CI's disk use and link time low.)

mod case_store_cli;
mod hash_cli;
mod usage;
