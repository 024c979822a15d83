//! The signature table: one row per file type. Adding a type is one row here
//! plus one validator under `validate/`.

use super::validate::{
    Ctx, Verdict, archive, document, email, exec, gif, image, jpeg, media, ole2, png, sqlite,
    windows, zip,
};

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// One carvable file type.
#[derive(Debug)]
pub struct Signature {
    /// Type name used in outputs and `--types` (`jpg`, `zip`, ...).
    pub name: &'static str,
    /// Default extension of carved files.
    pub extension: &'static str,
    /// Header patterns; any of them starts a candidate.
    pub headers: &'static [&'static [u8]],
    /// Offset of the header pattern from the start of the file (4 for MP4's `ftyp`).
    pub header_offset: u64,
    /// Footer pattern whose offsets the validator is given.
    pub footer: Option<&'static [u8]>,
    /// Largest file accepted; the validator's view is at most this long.
    pub max_len_bytes: u64,
    /// Structural validator.
    pub validate: fn(&Ctx<'_>) -> Verdict,
    /// Refines the extension from a complete file (docx inside zip, ...).
    pub subtype: Option<fn(&[u8]) -> &'static str>,
}

/// Every type the carver knows, in a fixed order.
pub static SIGNATURES: &[Signature] = &[
    row(
        "jpg",
        "jpg",
        &[b"\xFF\xD8\xFF"],
        0,
        None,
        64 * MIB,
        jpeg::validate,
    ),
    row(
        "png",
        "png",
        &[png::SIGNATURE],
        0,
        None,
        64 * MIB,
        png::validate,
    ),
    row(
        "gif",
        "gif",
        &[b"GIF87a", b"GIF89a"],
        0,
        None,
        32 * MIB,
        gif::validate,
    ),
    row(
        "bmp",
        "bmp",
        &[b"BM"],
        0,
        None,
        64 * MIB,
        image::validate_bmp,
    ),
    row(
        "tif",
        "tif",
        &[b"II*\0", b"MM\0*"],
        0,
        None,
        256 * MIB,
        image::validate_tiff,
    ),
    row(
        "webp",
        "webp",
        &[b"RIFF"],
        0,
        None,
        64 * MIB,
        media::validate_webp,
    ),
    row(
        "pdf",
        "pdf",
        &[b"%PDF-"],
        0,
        Some(b"%%EOF"),
        256 * MIB,
        document::validate_pdf,
    ),
    Signature {
        subtype: Some(zip::subtype),
        ..row(
            "zip",
            "zip",
            &[b"PK\x03\x04"],
            0,
            Some(b"PK\x05\x06"),
            512 * MIB,
            zip::validate,
        )
    },
    row(
        "rar",
        "rar",
        &[b"Rar!\x1a\x07"],
        0,
        None,
        GIB,
        archive::validate_rar,
    ),
    row(
        "7z",
        "7z",
        &[b"7z\xBC\xAF\x27\x1C"],
        0,
        None,
        GIB,
        archive::validate_7z,
    ),
    row(
        "gz",
        "gz",
        &[b"\x1F\x8B\x08"],
        0,
        None,
        GIB,
        archive::validate_gzip,
    ),
    row(
        "sqlite",
        "sqlite",
        &[sqlite::MAGIC],
        0,
        None,
        GIB,
        sqlite::validate,
    ),
    row(
        "exe",
        "exe",
        &[b"MZ"],
        0,
        None,
        256 * MIB,
        exec::validate_pe,
    ),
    row(
        "elf",
        "elf",
        &[b"\x7FELF"],
        0,
        None,
        256 * MIB,
        exec::validate_elf,
    ),
    row(
        "mp4",
        "mp4",
        &[b"ftyp"],
        4,
        None,
        4 * GIB,
        media::validate_mp4,
    ),
    row(
        "avi",
        "avi",
        &[b"RIFF"],
        0,
        None,
        4 * GIB,
        media::validate_avi,
    ),
    row(
        "wav",
        "wav",
        &[b"RIFF"],
        0,
        None,
        4 * GIB,
        media::validate_wav,
    ),
    row(
        "mp3",
        "mp3",
        &[b"ID3"],
        0,
        None,
        64 * MIB,
        media::validate_mp3,
    ),
    Signature {
        subtype: Some(ole2::subtype),
        ..row(
            "ole",
            "ole",
            &[ole2::SIGNATURE],
            0,
            None,
            256 * MIB,
            ole2::validate,
        )
    },
    row(
        "evtx",
        "evtx",
        &[b"ElfFile\0"],
        0,
        None,
        256 * MIB,
        windows::validate_evtx,
    ),
    row(
        "regf",
        "dat",
        &[b"regf"],
        0,
        None,
        512 * MIB,
        windows::validate_regf,
    ),
    row(
        "eml",
        "eml",
        &[
            b"Return-Path: ",
            b"Received: from ",
            b"MIME-Version: 1.0",
            b"Delivered-To: ",
        ],
        0,
        None,
        16 * MIB,
        email::validate_eml,
    ),
    row(
        "mbox",
        "mbox",
        &[b"From "],
        0,
        None,
        64 * MIB,
        email::validate_mbox,
    ),
];

#[allow(clippy::too_many_arguments)]
const fn row(
    name: &'static str,
    extension: &'static str,
    headers: &'static [&'static [u8]],
    header_offset: u64,
    footer: Option<&'static [u8]>,
    max_len_bytes: u64,
    validate: fn(&Ctx<'_>) -> Verdict,
) -> Signature {
    Signature {
        name,
        extension,
        headers,
        header_offset,
        footer,
        max_len_bytes,
        validate,
        subtype: None,
    }
}

/// The row of type `name`.
pub fn by_name(name: &str) -> Option<&'static Signature> {
    SIGNATURES
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(name))
}

/// Names of all types, in table order.
pub fn names() -> Vec<&'static str> {
    SIGNATURES.iter().map(|s| s.name).collect()
}
