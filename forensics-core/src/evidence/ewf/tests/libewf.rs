//! Interoperability with libewf's tools (skipped when ewf-tools is missing):
//! images from `ewfacquire` read back exactly, and our images pass
//! `ewfverify` and show their metadata in `ewfinfo`.

use std::process::Command;

use super::*;
use crate::evidence::ewf;

#[test]
fn ewfacquire_images_read_back_exactly() {
    if !tool_available("ewfacquire") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // 6 MiB with random runs: compressed and plain chunks, 1 MiB segments.
    let data = media(6 << 20, 77);
    let raw = dir.path().join("source.raw");
    std::fs::write(&raw, &data).expect("write raw");
    let target = dir.path().join("acquired");
    let output = Command::new("ewfacquire")
        .args(["-u", "-q", "-c", "deflate:best", "-d", "sha1", "-S", "1MiB"])
        .args(["-C", "CASE-42", "-D", "Seized laptop", "-E", "EV-42-1"])
        .args(["-e", "J. Examiner", "-N", "imaged in the lab"])
        .arg("-t")
        .arg(&target)
        .arg(&raw)
        .output()
        .expect("run ewfacquire");
    assert!(output.status.success(), "ewfacquire failed: {output:?}");
    let evidence = ewf::open(&target.with_extension("E01")).expect("open");
    let info = &evidence.info;
    assert!(
        info.segment_files.len() >= 3,
        "segments {:?}",
        info.segment_files
    );
    let (compressed, plain) = chunk_kinds(&info.segment_files);
    assert!(
        compressed > 10 && plain > 10,
        "{compressed} compressed, {plain} plain"
    );
    assert_eq!(info.problems, vec![]);
    assert_eq!(info.media_size, data.len() as u64);
    assert_eq!(
        info.stored_hashes.md5.as_deref(),
        Some(md5_hex(&data).as_str())
    );
    assert_eq!(
        info.stored_hashes.sha1.as_deref(),
        Some(sha1_hex(&data).as_str())
    );
    for (key, value) in [
        ("case_number", "CASE-42"),
        ("description", "Seized laptop"),
        ("evidence_number", "EV-42-1"),
        ("examiner_name", "J. Examiner"),
        ("notes", "imaged in the lab"),
        ("password", "N/A"),
        ("media_type", "fixed disk"),
        ("compression_level", "best compression"),
    ] {
        assert_eq!(info.metadata_value(key), Some(value), "metadata {key}");
    }
    assert!(info.metadata_value("acquiry_date").is_some());
    assert_eq!(read_all(&evidence, 3 << 20), data);
    assert_odd_reads(evidence.source.as_ref(), &data);
    assert!(evidence.source.damaged_ranges().is_empty());
}

/// The value `ewfinfo` prints after `label`.
fn ewfinfo_value(report: &str, label: &str) -> Option<String> {
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .map(|v| v.trim().to_owned())
}

#[test]
fn our_images_pass_ewfverify_and_show_their_metadata_in_ewfinfo() {
    if !tool_available("ewfverify") || !tool_available("ewfinfo") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let data = media(5 << 20, 13);
    let mut options = small_options(EwfCompression::Best);
    options.sectors_per_chunk = 64;
    options.segment_size_bytes = 1 << 20;
    // A single-digit day: checks the ctime layout of dates.
    options.acquiry_unix_secs = 1_775_379_723; // 2026-04-05 09:02:03 UTC
    options.examiner_name = "Examiner A. Test".into();
    let path = write_image(dir.path(), "ours", &data, options);
    let verify = Command::new("ewfverify")
        .args(["-q", "-d", "sha1"])
        .arg(&path)
        .output()
        .expect("run ewfverify");
    let verify_text = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "ewfverify failed: {verify_text}");
    assert!(verify_text.contains("SUCCESS"), "{verify_text}");
    assert!(verify_text.contains(&md5_hex(&data)), "{verify_text}");
    let info = Command::new("ewfinfo")
        .arg(&path)
        .output()
        .expect("run ewfinfo");
    let report = String::from_utf8_lossy(&info.stdout);
    let evidence = ewf::open(&path).expect("open");
    assert!(evidence.info.segment_files.len() >= 3);
    for (label, key) in [
        ("Case number:", "case_number"),
        ("Description:", "description"),
        ("Examiner name:", "examiner_name"),
        ("Evidence number:", "evidence_number"),
        ("Notes:", "notes"),
        ("Acquisition date:", "acquiry_date"),
        ("System date:", "system_date"),
        ("Operating system used:", "acquiry_operating_system"),
        ("Software version used:", "acquiry_software_version"),
        ("Password:", "password"),
        ("Media type:", "media_type"),
        ("Compression level:", "compression_level"),
    ] {
        assert_eq!(
            ewfinfo_value(&report, label).as_deref(),
            evidence.info.metadata_value(key),
            "{label} in:\n{report}"
        );
    }
    assert_eq!(
        ewfinfo_value(&report, "Case number:").as_deref(),
        Some("CASE-7")
    );
}

#[test]
fn every_ewfacquire_v1_format_reads_back_without_problems() {
    if !tool_available("ewfacquire") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let data = media(3 << 20, 78);
    let raw = dir.path().join("source.raw");
    std::fs::write(&raw, &data).expect("write raw");
    let formats = [
        "ewf", "smart", "ftk", "encase2", "encase3", "encase4", "encase5", "encase6", "encase7",
        "linen5", "linen6", "linen7", "ewfx",
    ];
    for format in formats {
        let target = dir.path().join(format);
        let output = Command::new("ewfacquire")
            .args(["-u", "-q", "-c", "fast", "-S", "1MiB", "-f", format])
            .args(["-C", "c", "-D", "d", "-E", "e", "-e", "x", "-N", "n"])
            .arg("-t")
            .arg(&target)
            .arg(&raw)
            .output()
            .expect("run ewfacquire");
        assert!(
            output.status.success(),
            "ewfacquire -f {format}: {output:?}"
        );
        // SMART writes .s01, "ewf" and "ewfx" write lowercase .e01.
        let first = ["E01", "e01", "s01"]
            .iter()
            .map(|ext| target.with_extension(ext))
            .find(|p| p.is_file())
            .expect("a first segment");
        let evidence = ewf::open(&first).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert!(
            evidence.info.segment_files.len() >= 2,
            "{format}: one segment"
        );
        assert_eq!(evidence.info.problems, vec![], "{format}");
        assert_eq!(
            evidence.info.metadata_value("case_number"),
            Some("c"),
            "{format}"
        );
        assert_eq!(
            evidence.info.stored_hashes.md5.as_deref(),
            Some(md5_hex(&data).as_str()),
            "{format}"
        );
        assert!(
            read_all(&evidence, 1 << 20) == data,
            "{format}: media differs"
        );
        assert!(evidence.source.damaged_ranges().is_empty(), "{format}");
    }
}

#[test]
fn ewfverify_accepts_several_tables_per_segment() {
    if !tool_available("ewfverify") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let chunk_count = crate::evidence::ewf::table::MAX_ENTRIES_PER_TABLE as usize + 700;
    let data = media(chunk_count * 512, 14);
    let mut options = small_options(EwfCompression::Fast);
    options.sectors_per_chunk = 1;
    options.segment_size_bytes = 4 << 20;
    let path = write_image(dir.path(), "tables", &data, options);
    let verify = Command::new("ewfverify")
        .arg("-q")
        .arg(&path)
        .output()
        .expect("run ewfverify");
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success() && text.contains("SUCCESS"),
        "{text}"
    );
    assert!(text.contains(&md5_hex(&data)), "{text}");
}

#[test]
fn ewfverify_and_ewfinfo_accept_our_error2_section() {
    if !tool_available("ewfverify") || !tool_available("ewfinfo") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.E01");
    let data = media(128 * 512, 15);
    let mut writer = EwfWriter::create(&path, small_options(EwfCompression::Best)).expect("create");
    writer.write_all(&data[..64 * 512]).expect("write");
    writer.write_unreadable(8 * 512).expect("mark");
    writer.write_all(&data[72 * 512..]).expect("write");
    writer.finish().expect("finish");
    let verify = Command::new("ewfverify")
        .arg("-q")
        .arg(&path)
        .output()
        .expect("run ewfverify");
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success() && text.contains("SUCCESS"),
        "{text}"
    );
    let info = Command::new("ewfinfo")
        .arg(&path)
        .output()
        .expect("run ewfinfo");
    let report = String::from_utf8_lossy(&info.stdout);
    assert!(
        report.contains("at sector(s): 64 - 71 number: 8"),
        "{report}"
    );
}
