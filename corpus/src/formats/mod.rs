//! Writers for the file formats the scenarios embed. Each writes a valid file
//! of its format whose bytes depend only on the random generator passed in.

pub mod gif;
pub mod jpeg;
pub mod pdf;
pub mod png;
pub mod sqlite;
pub mod zip;

use crate::rng::Rng;
use crate::words;

/// File types a scenario can ask for.
pub const FILE_TYPES: &[&str] = &["jpg", "png", "gif", "pdf", "zip", "sqlite", "txt", "csv"];

/// A file of `file_type` (one of [`FILE_TYPES`]) of roughly `target_len` bytes.
pub fn make_file(rng: &mut Rng, file_type: &str, target_len: usize) -> Vec<u8> {
    match file_type {
        "jpg" => {
            let comment = words::sentence(rng, 4);
            jpeg::encode(rng, target_len, &comment)
        }
        "png" => {
            let title = words::sentence(rng, 3);
            png::encode(rng, target_len, &title)
        }
        "gif" => gif::encode(rng, target_len),
        "pdf" => pdf::encode(rng, (target_len / 90).clamp(3, 5000), None).0,
        "zip" => {
            let a = words::text(rng, target_len / 2);
            let b = words::text(rng, target_len / 4);
            zip::encode(
                &[
                    zip::ZipMember {
                        name: "notes.txt",
                        data: a.as_bytes(),
                        deflate: true,
                    },
                    zip::ZipMember {
                        name: "readme.txt",
                        data: b.as_bytes(),
                        deflate: false,
                    },
                ],
                0x6000,
                0x5A21,
            )
            .0
        }
        "sqlite" => sqlite::encode(rng, (target_len / 4096).clamp(1, 8)),
        "csv" => {
            let mut out = String::from("date,name,amount\n");
            while out.len() < target_len {
                out.push_str(&format!(
                    "2024-{:02}-{:02},{},{}.{:02}\n",
                    rng.range(1, 12),
                    rng.range(1, 28),
                    words::name(rng),
                    rng.below(5000),
                    rng.below(100)
                ));
            }
            out.into_bytes()
        }
        _ => words::text(rng, target_len).into_bytes(),
    }
}
