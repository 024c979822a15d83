//! Hostile variants of the NTFS test volume: every case must end in
//! entries, problems or errors, never a panic or a hang.
#![allow(clippy::unwrap_used)]

use crate::ntfs_support;

use ntfs_support::*;

#[test]
fn corrupt_boot_sector_is_an_error() {
    let mut bytes = image();
    bytes[0x0B] = 0; // bytes per sector
    bytes[0x0C] = 0;
    assert!(open(bytes).is_err());
    let mut bytes = image();
    bytes[0x40] = 0x7F; // absurd record size
    assert!(open(bytes).is_err());
    let mut bytes = image();
    bytes[0x30..0x38].copy_from_slice(&u64::MAX.to_le_bytes()); // $MFT cluster
    assert!(open(bytes).is_err());
}

#[test]
fn bad_fixups_make_a_problem_and_the_rest_is_listed() {
    let clean = image();
    let number = id_of(
        open(clean.clone()).expect("open").as_ref(),
        "/Documents/Reports/summary.txt",
    );
    let mut bytes = clean;
    let at = record_of(&bytes, number);
    bytes[at + 510] ^= 0xFF; // sector end no longer carries the update sequence number
    let fs = open(bytes).expect("open");
    let (listed, problems) = entries(fs.as_ref());
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains(&format!("record {number}"))),
        "{problems:?}"
    );
    assert!(
        !listed
            .iter()
            .any(|e| e.path == "/Documents/Reports/summary.txt")
    );
    assert!(listed.iter().any(|e| e.path == "/Documents/tiny.txt"));
}

/// Turns the security descriptor of the record of `path` into an
/// `$ATTRIBUTE_LIST` of `value_len` bytes whose 32-byte entries name `$DATA`
/// instance 2 in record (`number + record_delta`), with the given entry
/// lengths. Returns the image and the record number.
fn with_attribute_list(path: &str, value_len: u32, entries: &[(u64, u16)]) -> (Vec<u8>, u32) {
    let clean = image();
    let number = id_of(open(clean.clone()).expect("open").as_ref(), path);
    let mut bytes = clean;
    let at = record_of(&bytes, number);
    let sequence = u16::from_le_bytes([bytes[at + 0x10], bytes[at + 0x11]]);
    let (offset, _) = attributes(&bytes, at)
        .into_iter()
        .find(|&(_, ty)| ty == 0x50)
        .expect("security descriptor");
    let attr = at + offset;
    bytes[attr..attr + 4].copy_from_slice(&0x20u32.to_le_bytes());
    bytes[attr + 0x10..attr + 0x14].copy_from_slice(&value_len.to_le_bytes());
    let value = attr + usize::from(u16::from_le_bytes([bytes[attr + 0x14], bytes[attr + 0x15]]));
    for (i, &(record_delta, length)) in entries.iter().enumerate() {
        let entry = value + i * 32;
        let reference = (u64::from(number) + record_delta) | u64::from(sequence) << 48;
        bytes[entry..entry + 4].copy_from_slice(&0x80u32.to_le_bytes());
        bytes[entry + 4..entry + 6].copy_from_slice(&length.to_le_bytes());
        bytes[entry + 6] = 0;
        bytes[entry + 7] = 0x1A;
        bytes[entry + 8..entry + 16].fill(0);
        bytes[entry + 16..entry + 24].copy_from_slice(&reference.to_le_bytes());
        bytes[entry + 24..entry + 26].copy_from_slice(&2u16.to_le_bytes());
    }
    (bytes, number)
}

#[test]
fn attribute_list_pointing_at_itself_does_not_loop() {
    // Entry 1 names the record itself, entry 2 too with length 0 (an
    // iterator that never advances).
    let (bytes, _) = with_attribute_list("/Temp/keep0.tmp", 64, &[(0, 32), (0, 0)]);
    let started = std::time::Instant::now();
    assert!(exercise(bytes) > 20);
    assert!(started.elapsed().as_secs() < 60);
    // An entry that borrows another record's attribute is followed once.
    let (bytes, _) = with_attribute_list("/Temp/keep0.tmp", 64, &[(1, 32), (1, 0)]);
    assert!(exercise(bytes) > 20);
}

#[test]
fn attribute_list_ending_inside_an_entry_is_a_problem() {
    let (bytes, number) = with_attribute_list("/Temp/keep0.tmp", 40, &[(0, 32), (0, 32)]);
    let fs = open(bytes).expect("open");
    let (listed, problems) = entries(fs.as_ref());
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains(&format!("record {number}"))),
        "{problems:?}"
    );
    assert!(listed.iter().any(|e| e.path == "/Documents/tiny.txt"));
}

#[test]
fn directory_containing_its_parent_is_reported_not_followed_forever() {
    let clean = image();
    let fs = open(clean.clone()).expect("open");
    let documents = id_of(fs.as_ref(), "/Documents");
    let reports = id_of(fs.as_ref(), "/Documents/Reports");
    let mut bytes = clean;
    let at = record_of(&bytes, documents);
    let reports_at = record_of(&bytes, reports);
    let reports_sequence = u16::from_le_bytes([bytes[reports_at + 0x10], bytes[reports_at + 0x11]]);
    for (offset, ty) in attributes(&bytes, at) {
        if ty == 0x30 {
            let value = at
                + offset
                + usize::from(u16::from_le_bytes([
                    bytes[at + offset + 0x14],
                    bytes[at + offset + 0x15],
                ]));
            let reference = u64::from(reports) | u64::from(reports_sequence) << 48;
            bytes[value..value + 8].copy_from_slice(&reference.to_le_bytes());
        }
    }
    let fs = open(bytes).expect("open");
    let (listed, problems) = entries(fs.as_ref());
    assert!(
        problems.iter().any(|p| p.message.contains("not reachable")),
        "{problems:?}"
    );
    assert!(listed.iter().any(|e| e.path == "/$OrphanFiles/Documents"));
    assert!(
        listed
            .iter()
            .any(|e| e.path == "/$OrphanFiles/Documents/Reports/summary.txt")
    );
    let mut paths: Vec<&str> = listed.iter().map(|e| e.path.as_str()).collect();
    let total = paths.len();
    paths.sort();
    paths.dedup();
    assert!(total - paths.len() < 4, "entries repeated by the loop");
}

#[test]
fn truncated_volumes_never_panic() {
    let clean = image();
    for len in [
        0,
        100,
        512,
        4096,
        16 * 1024,
        64 * 1024,
        1 << 20,
        3 << 20,
        clean.len() - 4096,
    ] {
        exercise(clean[..len].to_vec());
    }
}

#[test]
fn random_damage_in_the_mft_never_panics() {
    let clean = image();
    let offsets: Vec<usize> = record_offsets(&clean)
        .into_iter()
        .map(|(_, at)| at)
        .collect();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..60 {
        let mut bytes = clean.clone();
        for _ in 0..24 {
            let record = offsets[(next() % offsets.len() as u64) as usize];
            let at = record + (next() % RECORD_BYTES as u64) as usize;
            bytes[at] = next() as u8;
        }
        exercise(bytes);
    }
}

#[test]
fn damaged_compressed_data_is_an_error_or_data_never_a_panic() {
    let clean = image();
    let fs = open(clean.clone()).expect("open");
    let id = id_of(fs.as_ref(), "/Compressed/log.txt").to_string();
    // First chunk: header (2 bytes), tag byte 0, then 8 literal bytes.
    let needle = b"\0compress";
    let start = 1 + clean
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("compressed stream in the image");
    // Chunk header just before the first literal group: make it claim a
    // chunk longer than the unit, then scramble the tuples.
    for (i, value) in [(0usize, 0xFFu8), (1, 0xBF)] {
        let mut bytes = clean.clone();
        let header = start - 3;
        bytes[header + i] = value;
        for at in (start + 40..start + 4000).step_by(7) {
            bytes[at] = bytes[at].wrapping_mul(31).wrapping_add(7);
        }
        let fs = open(bytes).expect("open");
        let result = fs.read_content(&id, None, &mut CappedSink(1 << 20));
        if let Ok(len) = result {
            assert_eq!(len, 150_000);
        }
    }
}

#[test]
fn absurd_mft_size_is_capped_by_the_volume() {
    let mut bytes = image();
    let at = record_of(&bytes, 0);
    let (offset, _) = attributes(&bytes, at)
        .into_iter()
        .find(|&(_, ty)| ty == 0x80)
        .expect("$MFT $DATA");
    let data_size = at + offset + 0x30;
    bytes[data_size..data_size + 8].copy_from_slice(&(1u64 << 50).to_le_bytes());
    let started = std::time::Instant::now();
    let count = exercise(bytes);
    assert!(count > 20);
    assert!(started.elapsed().as_secs() < 60);
}
