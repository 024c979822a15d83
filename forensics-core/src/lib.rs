//! `forensics-core`: everything that knows about evidence.
//!
//! # Brief overview
//! The crate is organised in layers, each a module, and each layer only uses the
//! ones above it in this list:
//!
//! 1. [`evidence`]: the bytes of one acquisition (raw, split raw, E01, memory
//!    dumps) behind one positional-read trait, [`evidence::EvidenceSource`].
//!    [`evidence::open`] detects the format from content.
//! 2. [`hash`]: MD5, SHA-1, SHA-256 and BLAKE3 from one read of the data,
//!    piecewise hashes, hash sets ([`hash::sets`]) and audits ([`hash::audit`]).
//! 3. [`acquire`]: imaging a device or file to raw or E01 with all four
//!    digests from the same read, bad sectors zero-filled and logged, the
//!    written image verified, and a cancelled image marked incomplete.
//! 4. [`case`]: the SQLite case database with its tamper-evident custody log,
//!    resumable ingest ([`case::ingest`]) and verification ([`case::verify`]).
//!
//! Evidence is opened read-only and never written. Corrupt or hostile input gives
//! an [`Error`] or a [`Problem`] record, never a panic, a hang or an unbounded
//! allocation.
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use forensics_core::evidence::{EvidenceSource, MemorySource, Window};
//!
//! let media = Arc::new(MemorySource::new(b"0123456789".to_vec()));
//! let partition = Window::new(media, 2, 5).expect("window inside the media");
//! let mut buf = [0u8; 8];
//! let read = partition.read_at(0, &mut buf).expect("in-memory reads do not fail");
//! assert_eq!(&buf[..read], b"23456");
//! ```
#![deny(unsafe_code)]

pub mod acquire;
pub mod batch;
pub mod carve;
pub mod case;
pub mod error;
pub mod evidence;
pub mod fs;
pub mod hash;
pub mod problem;
pub mod report;
pub mod scan;
pub mod time;
pub mod volume;

pub use error::{Error, Result};
pub use problem::Problem;

/// Name and version of this library, recorded in outputs and custody entries.
pub const TOOL_VERSION: &str = concat!("forensics-core ", env!("CARGO_PKG_VERSION"));
