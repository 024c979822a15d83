//! Reads all media of an E01 image in large reads and prints throughput,
//! MD5 and what the container says about itself.
//!
//! `cargo run --release -p forensics-core --example ewf_read -- image.E01 [--sha1] [--no-hash] [--info]`

use std::path::PathBuf;
use std::time::Instant;

use forensics_core::evidence::ewf;
use md5::{Digest, Md5};
use sha1::Sha1;

/// Bytes per read call.
const READ_BYTES: usize = 16 << 20;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(
        args.next()
            .ok_or("usage: ewf_read IMAGE.E01 [--sha1] [--info]")?,
    );
    let flags: Vec<String> = args.collect();
    let with_sha1 = flags.iter().any(|f| f == "--sha1");
    let with_md5 = !flags.iter().any(|f| f == "--no-hash");
    let start = Instant::now();
    let evidence = ewf::open(&path)?;
    if flags.iter().any(|f| f == "--info") {
        for (key, value) in &evidence.info.metadata {
            println!("{key}: {value}");
        }
        println!("stored md5: {:?}", evidence.info.stored_hashes.md5);
        println!("stored sha1: {:?}", evidence.info.stored_hashes.sha1);
        println!("segments: {}", evidence.info.segment_files.len());
        for problem in &evidence.info.problems {
            println!("problem: {problem}");
        }
    }
    let source = &evidence.source;
    let mut current = vec![0u8; READ_BYTES];
    let mut next = vec![0u8; READ_BYTES];
    let mut md5 = Md5::new();
    let mut sha1 = Sha1::new();
    let mut offset = 0u64;
    let mut current_len = source.read_at(0, &mut current)?;
    // Hash one buffer while the next one is decoded (on the other threads).
    while current_len > 0 {
        offset += current_len as u64;
        let (read_next, _) = rayon::join(
            || source.read_at(offset, &mut next),
            || {
                let data = &current[..current_len];
                rayon::join(
                    || {
                        if with_md5 {
                            md5.update(data);
                        }
                    },
                    || {
                        if with_sha1 {
                            sha1.update(data);
                        }
                    },
                )
            },
        );
        std::mem::swap(&mut current, &mut next);
        current_len = read_next?;
    }
    let secs = start.elapsed().as_secs_f64();
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    println!("md5: {}", hex(&md5.finalize()));
    if with_sha1 {
        println!("sha1: {}", hex(&sha1.finalize()));
    }
    println!(
        "read {offset} bytes in {secs:.3} s: {:.1} MB/s",
        offset as f64 / secs / 1e6
    );
    for problem in source.damaged_ranges() {
        println!("damaged: {problem}");
    }
    Ok(())
}
