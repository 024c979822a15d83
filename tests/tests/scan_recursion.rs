//! The scanner inside compressed and encoded data, with keywords, EXIF GPS,
//! UTF-16LE text and page boundaries, through the core API.
#![allow(clippy::unwrap_used)]

use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
use forensics_core::scan::{
    Encoding, Feature, Keywords, Kind, RecursionLimits, ScanOptions, histogram, scan_bytes,
};
use std::io::Write;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A ZIP local file header and a deflated entry (no central directory: the
/// scanner reads local headers).
fn zip_entry(name: &str, data: &[u8]) -> Vec<u8> {
    let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    let body = e.finish().unwrap();
    let mut out = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    out.extend_from_slice(&[0; 4]); // time, date
    out.extend_from_slice(&[0; 4]); // crc (not checked)
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&body);
    out
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn utf16(text: &str) -> Vec<u8> {
    text.bytes().flat_map(|b| [b, 0]).collect()
}

fn at(image: &mut Vec<u8>, offset: usize, bytes: &[u8]) {
    if image.len() < offset + bytes.len() {
        image.resize(offset + bytes.len(), 0);
    }
    image[offset..offset + bytes.len()].copy_from_slice(bytes);
}

fn find<'a>(features: &'a [Feature], kind: Kind, value: &str) -> Vec<&'a Feature> {
    features
        .iter()
        .filter(|f| f.kind == kind && f.value == value)
        .collect()
}

const TEXT: &str =
    "Lorem ipsum dolor sit amet.\ncontact: alice.smith@example.org\nmore text follows here.\n";

#[test]
fn features_inside_gzip_zlib_zip_and_base64_carry_forensic_paths() {
    let inner = TEXT.as_bytes();
    let email_at = TEXT.find("alice").unwrap();
    let mut image = vec![0u8; 8192];
    at(&mut image, 1000, &gzip(inner));
    at(&mut image, 2000, &zlib(inner));
    at(&mut image, 3000, &zip_entry("notes.txt", inner));
    let mut b64 = b"\n".to_vec();
    b64.extend_from_slice(base64(inner).as_bytes());
    b64.push(b'\n');
    at(&mut image, 4000, &b64);
    at(&mut image, 5000, &gzip(&gzip(inner)));
    let features = scan_bytes(&image, &ScanOptions::default()).unwrap();
    let hits = find(&features, Kind::Email, "alice.smith@example.org");
    let paths: Vec<(&str, u64)> = hits
        .iter()
        .map(|f| (f.forensic_path.as_str(), f.image_offset))
        .collect();
    let want = [
        (format!("1000-GZIP-{email_at}"), 1000),
        (format!("2000-ZLIB-{email_at}"), 2000),
        (format!("3000-ZIP-{email_at}"), 3000),
        (format!("4001-BASE64-{email_at}"), 4001),
        (format!("5000-GZIP-0-GZIP-{email_at}"), 5000),
    ];
    for (path, offset) in &want {
        assert!(
            paths.contains(&(path.as_str(), *offset)),
            "{path} missing from {paths:?}"
        );
    }
    assert_eq!(hits.len(), want.len(), "each hit once: {paths:?}");
}

#[test]
fn recursion_stops_at_the_depth_limit() {
    // Padding makes every layer compress (a stored deflate block would show
    // the inner stream verbatim, one level up).
    let mut data = TEXT.as_bytes().to_vec();
    for _ in 0..7 {
        data = gzip(&[data, vec![b' '; 4096]].concat());
    }
    let default = scan_bytes(&data, &ScanOptions::default()).unwrap();
    assert!(find(&default, Kind::Email, "alice.smith@example.org").is_empty());
    let options = ScanOptions {
        recursion: RecursionLimits {
            max_depth: 8,
            ..RecursionLimits::default()
        },
        ..ScanOptions::default()
    };
    let deep = scan_bytes(&data, &options).unwrap();
    let hits = find(&deep, Kind::Email, "alice.smith@example.org");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].forensic_path.matches("-GZIP-").count(), 7);
    let off = ScanOptions {
        recursion: RecursionLimits {
            max_depth: 0,
            ..RecursionLimits::default()
        },
        ..ScanOptions::default()
    };
    let flat = scan_bytes(&gzip(TEXT.as_bytes()), &off).unwrap();
    assert!(
        flat.iter().all(|f| !f.forensic_path.contains("GZIP")),
        "{flat:?}"
    );
    assert!(find(&flat, Kind::Email, "alice.smith@example.org").is_empty());
}

#[test]
fn utf16_hits_give_the_offset_of_their_first_byte() {
    let mut image = vec![0u8; 4096];
    at(&mut image, 301, &utf16("mail bob@example.com now"));
    let features = scan_bytes(&image, &ScanOptions::default()).unwrap();
    let hits = find(&features, Kind::Email, "bob@example.com");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].encoding, Encoding::Utf16le);
    assert_eq!(hits[0].image_offset, 301 + 2 * 5);
    assert_eq!(hits[0].forensic_path, (301 + 2 * 5).to_string());
}

#[test]
fn a_hit_across_a_page_boundary_is_reported_once() {
    let options = ScanOptions {
        page_bytes: 4096,
        ..ScanOptions::default()
    };
    for start in 4080..4097 {
        let mut image = vec![0u8; 12288];
        at(&mut image, start, b"carol.jones@example.net");
        at(&mut image, start + 8192 - 40, &utf16("dave@example.com"));
        let features = scan_bytes(&image, &options).unwrap();
        let ascii = find(&features, Kind::Email, "carol.jones@example.net");
        assert_eq!(ascii.len(), 1, "at {start}: {features:?}");
        assert_eq!(ascii[0].image_offset, start as u64);
        assert_eq!(find(&features, Kind::Email, "dave@example.com").len(), 1);
    }
}

#[test]
fn keywords_literal_regex_ignore_case_and_utf16() {
    let mut image = vec![0u8; 4096];
    at(&mut image, 100, b"the Secret Plan is here");
    at(&mut image, 400, &utf16("another secret plan"));
    at(&mut image, 800, b"invoice no. 12345 paid");
    let keywords = Keywords::new(&["secret plan", "re:invoice no\\. [0-9]+"], true).unwrap();
    let options = ScanOptions {
        kinds: Vec::new(),
        keywords: Some(keywords),
        ..ScanOptions::default()
    };
    let features = scan_bytes(&image, &options).unwrap();
    let found: Vec<(u64, &str, Encoding)> = features
        .iter()
        .map(|f| (f.image_offset, f.value.as_str(), f.encoding))
        .collect();
    assert_eq!(
        found,
        vec![
            (104, "Secret Plan", Encoding::Ascii),
            (400 + 2 * 8, "secret plan", Encoding::Utf16le),
            (800, "invoice no. 12345", Encoding::Ascii),
        ]
    );
    assert!(features[0].context.contains("the Secret Plan is"));
    let exact = Keywords::new(&["secret plan"], false).unwrap();
    let options = ScanOptions {
        kinds: Vec::new(),
        keywords: Some(exact),
        ..ScanOptions::default()
    };
    assert_eq!(scan_bytes(&image, &options).unwrap().len(), 1);
}

#[test]
fn every_kind_is_found_and_counted_in_histograms() {
    let text = "x alice@example.org http://www.example.com/a?b=1 www.example.net 10.1.2.3 \
                2001:db8::7 00:1a:2b:3c:4d:5e 4111 1111 1111 1111 DE89 3704 0044 0532 0130 00 \
                +4915123456789 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa \
                bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 \
                0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed alice@example.org y";
    let features = scan_bytes(text.as_bytes(), &ScanOptions::default()).unwrap();
    let kinds: Vec<&str> = features.iter().map(|f| f.kind.name()).collect();
    for kind in [
        "email", "url", "domain", "ipv4", "ipv6", "mac", "ccn", "iban", "phone", "btc", "eth",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing: {features:?}");
    }
    let h = histogram(&features);
    let email = h.iter().find(|e| e.kind == Kind::Email).unwrap();
    assert_eq!(
        (email.value.as_str(), email.count),
        ("alice@example.org", 2)
    );
    // Checksum failures are not reported.
    let bad =
        "x 4111 1111 1111 1112 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb DE88 3704 0044 0532 0130 00 y";
    let found = scan_bytes(bad.as_bytes(), &ScanOptions::default()).unwrap();
    assert!(found.is_empty(), "{found:?}");
}
