//! Embedded files are valid for the tools that read their formats: SQLite
//! (`sqlite3`), ZIP (`unzip -t`), and our own structural checks for PNG
//! (chunk CRCs) and PDF (cross-reference offsets).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{crc32, have_tool, read_image, small_options};
use std::process::Command;

fn complete_items(kind: &str) -> (tempfile::TempDir, Vec<std::path::PathBuf>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut options = small_options("carve-blob", 13);
    options.file_count = Some(24);
    options.image_size_bytes = Some(8 << 20);
    let key = corpus::generate("carve-blob", &options, dir.path()).expect("generate");
    let image = read_image(dir.path(), "carve-blob");
    let mut paths = Vec::new();
    for item in key
        .carved
        .iter()
        .filter(|c| c.file_type == kind && c.status == "complete")
    {
        let path = dir.path().join(format!("{}.{kind}", item.id));
        let start = item.image_offset as usize;
        std::fs::write(&path, &image[start..start + item.length as usize]).expect("write");
        paths.push(path);
    }
    assert!(!paths.is_empty(), "at least one {kind}");
    (dir, paths)
}

#[test]
fn sqlite_databases_pass_integrity_check() {
    if !have_tool("sqlite3") {
        return;
    }
    let (_dir, paths) = complete_items("sqlite");
    for path in paths {
        let out = Command::new("sqlite3")
            .arg(&path)
            .arg("PRAGMA integrity_check; SELECT count(*) FROM sqlite_master;")
            .output()
            .expect("sqlite3");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.starts_with("ok\n"), "{}: {text}", path.display());
    }
}

#[test]
fn zip_archives_pass_unzip_test() {
    if !have_tool("unzip") {
        return;
    }
    let (_dir, paths) = complete_items("zip");
    for path in paths {
        let out = Command::new("unzip")
            .arg("-t")
            .arg(&path)
            .output()
            .expect("unzip");
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn png_chunks_have_correct_crcs() {
    let (_dir, paths) = complete_items("png");
    for path in paths {
        let data = std::fs::read(&path).expect("read");
        let mut at = 8;
        let mut kinds = Vec::new();
        while at + 12 <= data.len() {
            let len = u32::from_be_bytes(data[at..at + 4].try_into().expect("4")) as usize;
            let body = &data[at + 4..at + 8 + len];
            let crc = u32::from_be_bytes(data[at + 8 + len..at + 12 + len].try_into().expect("4"));
            assert_eq!(crc32(body), crc);
            kinds.push(String::from_utf8_lossy(&body[..4]).into_owned());
            at += 12 + len;
        }
        assert_eq!(at, data.len());
        assert_eq!(kinds.first().map(String::as_str), Some("IHDR"));
        assert_eq!(kinds.last().map(String::as_str), Some("IEND"));
    }
}

#[test]
fn pdf_xref_offsets_point_at_objects() {
    let (_dir, paths) = complete_items("pdf");
    for path in paths {
        let data = std::fs::read(&path).expect("read");
        let text = String::from_utf8_lossy(&data);
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|l| l.parse().ok())
            .expect("startxref");
        assert!(data[startxref..].starts_with(b"xref\n"));
        let table = String::from_utf8_lossy(&data[startxref..]);
        for (n, line) in table
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .enumerate()
        {
            let offset: usize = line[..10].parse().expect("offset");
            assert!(
                data[offset..].starts_with(format!("{} 0 obj", n + 1).as_bytes()),
                "object {}",
                n + 1
            );
        }
        assert!(data.ends_with(b"%%EOF\n"));
    }
}

/// Huffman table: (code length, code) -> symbol.
type Huffman = std::collections::BTreeMap<(u32, u32), u8>;

fn huffman(counts: &[u8], symbols: &[u8]) -> Huffman {
    let mut table = Huffman::new();
    let mut code = 0u32;
    let mut next = 0;
    for (i, &count) in counts.iter().enumerate() {
        for _ in 0..count {
            table.insert((i as u32 + 1, code), symbols[next]);
            next += 1;
            code += 1;
        }
        code <<= 1;
    }
    table
}

struct Bits<'a> {
    data: &'a [u8],
    bit: usize,
}

impl Bits<'_> {
    fn read(&mut self, n: u32) -> Option<u32> {
        let mut v = 0;
        for _ in 0..n {
            let byte = *self.data.get(self.bit / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - self.bit % 8)) & 1);
            self.bit += 1;
        }
        Some(v)
    }

    fn symbol(&mut self, table: &Huffman) -> Option<u8> {
        let mut code = 0;
        for len in 1..=16 {
            code = (code << 1) | self.read(1)?;
            if let Some(&s) = table.get(&(len, code)) {
                return Some(s);
            }
        }
        None
    }
}

/// Decodes the entropy-coded data of a baseline JPEG with its own tables:
/// every block of every MCU must decode and the data must end at EOI.
fn check_baseline_jpeg(jpeg: &[u8]) {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let mut at = 2;
    let (mut width, mut height, mut components) = (0usize, 0usize, 0usize);
    let mut tables: std::collections::BTreeMap<u8, Huffman> = Default::default();
    loop {
        assert_eq!(jpeg[at], 0xFF);
        let marker = jpeg[at + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        let body = &jpeg[at + 4..at + 2 + len];
        match marker {
            0xC0 => {
                height = usize::from(u16::from_be_bytes([body[1], body[2]]));
                width = usize::from(u16::from_be_bytes([body[3], body[4]]));
                components = usize::from(body[5]);
            }
            0xC4 => {
                let mut p = 0;
                while p < body.len() {
                    let class_id = body[p];
                    let counts = &body[p + 1..p + 17];
                    let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
                    tables.insert(class_id, huffman(counts, &body[p + 17..p + 17 + total]));
                    p += 17 + total;
                }
            }
            _ => {}
        }
        at += 2 + len;
        if marker == 0xDA {
            break;
        }
    }
    let end = jpeg.len() - 2;
    assert_eq!(&jpeg[end..], &[0xFF, 0xD9]);
    let mut data = Vec::new();
    let mut i = at;
    while i < end {
        data.push(jpeg[i]);
        if jpeg[i] == 0xFF {
            assert_eq!(jpeg[i + 1], 0x00, "only stuffed 0xFF inside entropy data");
            i += 1;
        }
        i += 1;
    }
    let (dc, ac) = (&tables[&0x00], &tables[&0x10]);
    let mut bits = Bits {
        data: &data,
        bit: 0,
    };
    for _ in 0..(width / 8) * (height / 8) * components {
        let size = bits.symbol(dc).expect("DC code");
        bits.read(u32::from(size)).expect("DC bits");
        let mut k = 1;
        while k < 64 {
            let symbol = bits.symbol(ac).expect("AC code");
            if symbol == 0x00 {
                break;
            }
            let (run, size) = (symbol >> 4, symbol & 0x0F);
            bits.read(u32::from(size)).expect("AC bits");
            k += usize::from(run) + 1;
        }
        assert!(k <= 64, "block overruns 64 coefficients");
    }
    let left = data.len() * 8 - bits.bit;
    assert!(left < 8, "{left} bits left after the last block");
    while bits.bit < data.len() * 8 {
        assert_eq!(bits.read(1), Some(1), "padding bits are ones");
    }
}

#[test]
fn jpegs_decode_block_by_block_to_eoi() {
    let (_dir, paths) = complete_items("jpg");
    for path in paths {
        check_baseline_jpeg(&std::fs::read(&path).expect("read"));
    }
}
