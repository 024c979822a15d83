//! Writes a raw file as an E01 image and prints throughput and digests.
//!
//! `cargo run --release -p forensics-core --example ewf_write -- SOURCE.raw TARGET.E01 [none|fast|best]`

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use forensics_core::evidence::ewf::{EwfCompression, EwfWriteOptions, EwfWriter};

/// Bytes per write call.
const WRITE_BYTES: usize = 16 << 20;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: ewf_write SOURCE TARGET.E01 [none|fast|best]";
    let source = PathBuf::from(args.next().ok_or(usage)?);
    let target = PathBuf::from(args.next().ok_or(usage)?);
    let compression = match args.next().as_deref() {
        None | Some("fast") => EwfCompression::Fast,
        Some("best") => EwfCompression::Best,
        Some("none") => EwfCompression::None,
        Some(other) => return Err(format!("unknown compression {other:?}; {usage}").into()),
    };
    let options = EwfWriteOptions {
        case_number: "example".into(),
        description: source.display().to_string(),
        compression,
        ..EwfWriteOptions::default()
    };
    let start = Instant::now();
    let mut input = std::fs::File::open(&source)?;
    let mut writer = EwfWriter::create(&target, options)?;
    let mut buf = vec![0u8; WRITE_BYTES];
    loop {
        let read = input.read(&mut buf)?;
        if read == 0 {
            break;
        }
        writer.write_all(&buf[..read])?;
    }
    let summary = writer.finish()?;
    let secs = start.elapsed().as_secs_f64();
    println!("md5: {}", summary.md5);
    println!("sha1: {}", summary.sha1);
    println!("segments: {}", summary.segment_files.len());
    println!(
        "wrote {} bytes of media in {secs:.3} s: {:.1} MB/s",
        summary.media_size,
        summary.media_size as f64 / secs / 1e6
    );
    Ok(())
}
