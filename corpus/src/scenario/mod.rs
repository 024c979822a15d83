//! The scenario table and [`generate`], which builds one scenario into an
//! output directory: the image (raw or split) and `NAME.key.json`.

mod carve;
mod disk;
mod fat;
mod memdump;
mod ntfs;
mod ntfs_small;
mod ntfs_tools;

use crate::digest::hex;
use crate::error::{Error, Result};
use crate::key::{AnswerKey, CarvedKey, Digests, FeatureKey, FileSystemKey, PartitionKey};
use crate::output::{self, OutputFormat};
use crate::rng::Rng;
use crate::sink::ImageSink;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Sector size all images are rounded to.
const SECTOR_BYTES: u64 = 512;
/// Read buffer for hashing the finished image.
const HASH_CHUNK_BYTES: usize = 1 << 20;

/// Knobs shared by all scenarios. `None` means the scenario's default.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioOptions {
    /// Seed: the same seed and options give byte-identical output.
    pub seed: u64,
    /// Image size in bytes (rounded up to 512).
    pub image_size_bytes: Option<u64>,
    /// Number of files (embedded files, FAT files per file system, or
    /// features per kind for `memdump`).
    pub file_count: Option<usize>,
    /// Share (0..=1) of files written in several fragments.
    pub fragmentation_rate: f64,
    /// Share (0..=1) of random data among filler and pages.
    pub noise: f64,
    /// Output format of the image.
    pub format: OutputFormat,
    /// Segment size for [`OutputFormat::Split`].
    pub segment_size_bytes: u64,
}

impl ScenarioOptions {
    /// Default knobs for `seed`.
    pub fn with_seed(seed: u64) -> Self {
        Self {
            seed,
            image_size_bytes: None,
            file_count: None,
            fragmentation_rate: 0.2,
            noise: 0.3,
            format: OutputFormat::Raw,
            segment_size_bytes: 16 << 20,
        }
    }
}

impl Default for ScenarioOptions {
    fn default() -> Self {
        Self::with_seed(1)
    }
}

/// What a scenario's build function reports; [`generate`] adds the image
/// facts and writes the key.
#[derive(Debug, Default)]
pub struct Contents {
    /// `mbr`, `gpt` or `None`.
    pub partition_scheme: Option<String>,
    /// Partitions.
    pub partitions: Vec<PartitionKey>,
    /// File systems and their files.
    pub filesystems: Vec<FileSystemKey>,
    /// Carvable items.
    pub carved: Vec<CarvedKey>,
    /// Features and decoys.
    pub features: Vec<FeatureKey>,
    /// Notes for the key.
    pub notes: Vec<String>,
}

/// Builds a scenario into a sink already sized to the image size.
pub type BuildFn = fn(&ScenarioOptions, &mut Rng, &mut ImageSink) -> Result<Contents>;

/// One entry of the scenario table.
pub struct Scenario {
    /// Name used on the command line.
    pub name: &'static str,
    /// One-line description.
    pub description: &'static str,
    /// Image size when the options give none.
    pub default_size_bytes: u64,
    /// Smallest image size the scenario can be built in.
    pub min_size_bytes: u64,
    /// What "the same seed gives the same output" means for this scenario.
    pub determinism: Determinism,
    build: BuildFn,
}

/// How reproducible a scenario's output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Determinism {
    /// Same seed and options give byte-identical images and keys; another
    /// seed gives different ones.
    Bytes,
    /// Same seed gives the same files (names, sizes, digests, times,
    /// deleted flags) but the image bytes and image hashes differ between
    /// runs (external tools stamp serials and current times).
    Content,
    /// A fixed committed image: every seed gives the same bytes.
    Fixed,
}

const MIB: u64 = 1 << 20;

static SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "carve-blob",
        description: "raw blob of filler (zeros, random, 0xFF, text) with embedded JPEG, PNG, GIF, PDF, ZIP and SQLite files: aligned, unaligned, fragmented, truncated, nested",
        default_size_bytes: 16 * MIB,
        min_size_bytes: 2 * MIB,
        determinism: Determinism::Bytes,
        build: carve::build,
    },
    Scenario {
        name: "memdump",
        description: "memory-dump-like pages (zero, random, heap strings) with e-mails, URLs, IPv4, card numbers, IBANs and bitcoin addresses in ASCII and UTF-16LE, some in gzip, plus decoys",
        default_size_bytes: 16 * MIB,
        min_size_bytes: MIB,
        determinism: Determinism::Bytes,
        build: memdump::build,
    },
    Scenario {
        name: "fat12",
        description: "bare FAT12 file system: directories, long and non-ASCII names, deleted files, a reused cluster",
        default_size_bytes: 2 * MIB,
        min_size_bytes: MIB,
        determinism: Determinism::Bytes,
        build: fat::build_fat12,
    },
    Scenario {
        name: "fat16",
        description: "bare FAT16 file system: directories, long and non-ASCII names, fragmented and deleted files, a reused cluster",
        default_size_bytes: 16 * MIB,
        min_size_bytes: 4 * MIB,
        determinism: Determinism::Bytes,
        build: fat::build_fat16,
    },
    Scenario {
        name: "fat32",
        description: "bare FAT32 file system (FSInfo, backup boot sector): directories, long and non-ASCII names, fragmented and deleted files, a reused cluster",
        default_size_bytes: 40 * MIB,
        min_size_bytes: 34 * MIB,
        determinism: Determinism::Bytes,
        build: fat::build_fat32,
    },
    Scenario {
        name: "disk-mbr",
        description: "MBR disk: two primary partitions and an extended partition with two logical ones, each holding a FAT file system",
        default_size_bytes: 64 * MIB,
        min_size_bytes: 64 * MIB,
        determinism: Determinism::Bytes,
        build: disk::build_mbr,
    },
    Scenario {
        name: "disk-gpt",
        description: "GPT disk (protective MBR, CRC32-checked header and entry array, backup header) with three FAT partitions",
        default_size_bytes: 64 * MIB,
        min_size_bytes: 64 * MIB,
        determinism: Determinism::Bytes,
        build: disk::build_gpt,
    },
    Scenario {
        name: "ntfs",
        description: "NTFS volume made with mkntfs and written through an ntfs-3g mount: nested and non-ASCII directories and names, JPEG/PDF/text files, alternate data streams, deleted files (needs mkntfs, ntfs-3g, FUSE; same files per seed, not same bytes)",
        default_size_bytes: 16 * MIB,
        min_size_bytes: 4 * MIB,
        determinism: Determinism::Content,
        build: ntfs::build,
    },
    Scenario {
        name: "ntfs-small",
        description: "the committed 6 MiB NTFS test volume (streams, LZNT1-compressed, fragmented and deleted files); works without ntfs-3g, ignores the seed",
        default_size_bytes: ntfs_small::VOLUME_BYTES,
        min_size_bytes: ntfs_small::VOLUME_BYTES,
        determinism: Determinism::Fixed,
        build: ntfs_small::build,
    },
];

/// All scenarios, in `corpus list` order.
pub fn scenarios() -> &'static [Scenario] {
    SCENARIOS
}

/// The scenario called `name`.
pub fn find(name: &str) -> Result<&'static Scenario> {
    SCENARIOS
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| Error::UnknownScenario(name.to_string()))
}

/// Builds scenario `name` into `out_dir` (created if missing): the image as
/// `NAME.raw` (or `NAME.001`, `NAME.002`, ... for split output) and the key as
/// `NAME.key.json`. Returns the key.
pub fn generate(name: &str, options: &ScenarioOptions, out_dir: &Path) -> Result<AnswerKey> {
    let scenario = find(name)?;
    if !(0.0..=1.0).contains(&options.fragmentation_rate) || !(0.0..=1.0).contains(&options.noise) {
        return Err(Error::InvalidOption(
            "fragmentation and noise must be between 0 and 1".into(),
        ));
    }
    let size = options
        .image_size_bytes
        .unwrap_or(scenario.default_size_bytes)
        .div_ceil(SECTOR_BYTES)
        * SECTOR_BYTES;
    if size < scenario.min_size_bytes {
        return Err(Error::InvalidOption(format!(
            "scenario {name} needs at least {} bytes, got {size}",
            scenario.min_size_bytes
        )));
    }
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let raw_path = out_dir.join(format!("{name}.raw"));
    let mut sink = ImageSink::create(&raw_path, size)?;
    let mut rng = Rng::new(options.seed);
    let contents = (scenario.build)(options, &mut rng, &mut sink)?;
    sink.finish()?;
    let image_hashes = hash_file(&raw_path)?;
    let image_files = output::convert(&raw_path, name, options)?;
    let mut key = AnswerKey {
        scenario: name.to_string(),
        seed: options.seed,
        generator: format!("corpus {}", env!("CARGO_PKG_VERSION")),
        format: options.format.name().to_string(),
        image_files,
        image_size: size,
        image_hashes,
        partition_scheme: contents.partition_scheme,
        partitions: contents.partitions,
        filesystems: contents.filesystems,
        carved: contents.carved,
        features: contents.features,
        notes: contents.notes,
    };
    key.sort();
    let key_path = out_dir.join(format!("{name}.key.json"));
    std::fs::write(&key_path, key.to_json()).map_err(|e| Error::io(&key_path, e))?;
    Ok(key)
}

/// MD5, SHA-1 and SHA-256 of a file, streamed: SHA-256 on one thread and
/// MD5 + SHA-1 on another, each reading the file (from the page cache).
pub fn hash_file(path: &Path) -> Result<Digests> {
    fn stream(path: &Path, mut update: impl FnMut(&[u8])) -> Result<()> {
        let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut buf = vec![0u8; HASH_CHUNK_BYTES];
        loop {
            let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
            if n == 0 {
                return Ok(());
            }
            update(&buf[..n]);
        }
    }
    std::thread::scope(|scope| {
        let sha256 = scope.spawn(|| {
            let mut hasher = Sha256::new();
            stream(path, |data| hasher.update(data)).map(|()| hex(&hasher.finalize()))
        });
        let mut md5 = Md5::new();
        let mut sha1 = Sha1::new();
        stream(path, |data| {
            md5.update(data);
            sha1.update(data);
        })?;
        let sha256 = sha256
            .join()
            .map_err(|_| Error::InvalidOption("hashing thread failed".into()))??;
        Ok(Digests {
            md5: hex(&md5.finalize()),
            sha1: hex(&sha1.finalize()),
            sha256,
        })
    })
}
