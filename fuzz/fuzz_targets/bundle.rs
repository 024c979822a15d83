//! Export bundles: `verify_bundle` must give a result (holds, or the list of
//! failures) for any file, never panic or read without bound. An input that
//! starts with `PK` is the bundle itself; any other input is split on
//! `\n--8<--\n` into manifest, custody log, report and files, which are
//! stored in a well-formed ZIP first, so the fuzzer reaches the manifest,
//! chain and digest checks instead of stopping at the ZIP reader.
#![no_main]

use std::io::Write;

use forensics_core::report::bundle::verify_bundle;
use libfuzzer_sys::fuzz_target;

const SEPARATOR: &[u8] = b"\n--8<--\n";
const NAMES: [&str; 3] = ["manifest.json", "custody_log.jsonl", "report.html"];

fn split_parts(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        parts.push(&rest[..at]);
        rest = &rest[at + SEPARATOR.len()..];
    }
    parts.push(rest);
    parts
}

fn assemble(data: &[u8], out: &mut std::fs::File) -> zip::result::ZipResult<()> {
    let mut writer = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    for (index, part) in split_parts(data).into_iter().enumerate() {
        let name = match NAMES.get(index) {
            Some(name) => (*name).to_string(),
            None => format!("files/e1/{}-part.bin", index + 17),
        };
        writer.start_file(name, options)?;
        writer.write_all(part)?;
    }
    writer.finish()?;
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("bundle.zip");
    let Ok(mut file) = std::fs::File::create(&path) else {
        return;
    };
    let written = if data.starts_with(b"PK") {
        file.write_all(data).is_ok()
    } else {
        assemble(data, &mut file).is_ok()
    };
    drop(file);
    if written && let Ok(check) = verify_bundle(&path) {
        let _ = check.holds();
    }
});
