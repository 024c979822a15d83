//! ZIP writer (APPNOTE 6.3.x): local file headers, stored or deflated data,
//! central directory and end-of-central-directory record.

use flate2::{Compression, write::DeflateEncoder};
use std::io::Write;

/// One member to put into an archive.
pub struct ZipMember<'a> {
    /// Name inside the archive.
    pub name: &'a str,
    /// Uncompressed content.
    pub data: &'a [u8],
    /// Deflate (method 8) instead of storing (method 0).
    pub deflate: bool,
}

/// The archive bytes and, for every member, the offset of its data in them.
pub fn encode(members: &[ZipMember<'_>], dos_time: u16, dos_date: u16) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let mut data_offsets = Vec::with_capacity(members.len());
    for member in members {
        let crc = crc32fast::hash(member.data);
        let (method, stored): (u16, Vec<u8>) = if member.deflate {
            let mut encoder = DeflateEncoder::new(Vec::new(), Compression::new(6));
            let _ = encoder.write_all(member.data);
            (8, encoder.finish().unwrap_or_default())
        } else {
            (0, member.data.to_vec())
        };
        let header_offset = out.len() as u32;
        let name = member.name.as_bytes();
        let common = |buf: &mut Vec<u8>| {
            buf.extend_from_slice(&20u16.to_le_bytes()); // version needed
            buf.extend_from_slice(&0u16.to_le_bytes()); // flags
            buf.extend_from_slice(&method.to_le_bytes());
            buf.extend_from_slice(&dos_time.to_le_bytes());
            buf.extend_from_slice(&dos_date.to_le_bytes());
            buf.extend_from_slice(&crc.to_le_bytes());
            buf.extend_from_slice(&(stored.len() as u32).to_le_bytes());
            buf.extend_from_slice(&(member.data.len() as u32).to_le_bytes());
            buf.extend_from_slice(&(name.len() as u16).to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // extra length
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name);
        data_offsets.push(out.len());
        out.extend_from_slice(&stored);

        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        common(&mut central);
        central.extend_from_slice(&[0; 6]); // comment len, disk, internal attrs
        central.extend_from_slice(&0u32.to_le_bytes()); // external attrs
        central.extend_from_slice(&header_offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    (out, data_offsets)
}
