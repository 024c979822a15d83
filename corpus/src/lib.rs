//! `corpus`: deterministic evidence images with answer keys, for tests,
//! benchmarks and training courses.
//!
//! Every scenario is built from a seed with [`rng::Rng`] (SplitMix64): the same
//! seed and options give byte-identical images and keys on every machine,
//! except `ntfs` (same files, not same bytes) and the fixed `ntfs-small`.
//!
//! ```no_run
//! let mut options = corpus::ScenarioOptions::with_seed(7);
//! options.image_size_bytes = Some(4 << 20);
//! let key = corpus::generate("fat16", &options, std::path::Path::new("/tmp/out"))?;
//! for (partition, file) in key.all_files() {
//!     println!("{partition:?} {} {} deleted={}", file.path, file.digests.sha256, file.deleted);
//! }
//! # Ok::<(), corpus::Error>(())
//! ```
//!
//! - [`scenarios`] lists the scenarios (`carve-blob`, `memdump`, `fat12`,
//!   `fat16`, `fat32`, `disk-mbr`, `disk-gpt`, `ntfs`, `ntfs-small`);
//!   [`generate`] builds one into a directory as `NAME.raw` (or split
//!   `NAME.001`...) plus `NAME.key.json`. `ntfs` drives mkntfs and ntfs-3g
//!   and is only content-deterministic (see [`Determinism`]).
//! - [`key`] holds the answer-key types; [`score`] scores findings against a
//!   key; [`pack`] writes exercise packs for trainers.
//! - [`fat`] is the FAT12/16/32 writer, [`formats`] the writers of the files
//!   embedded in images (JPEG, PNG, GIF, PDF, ZIP, SQLite).
//! - Output formats are in [`output::OutputFormat`]; container formats (E01)
//!   plug in there, converting from the raw image.

pub mod digest;
pub mod error;
pub mod fat;
pub mod features;
pub mod formats;
pub mod key;
pub mod output;
pub mod pack;
pub mod rng;
pub mod scenario;
pub mod score;
pub mod sink;
pub mod words;

pub use error::{Error, Result};
pub use key::AnswerKey;
pub use output::OutputFormat;
pub use scenario::{Determinism, ScenarioOptions, generate, scenarios};
