//! A valid SQLite 3 database file built by hand (SQLite file format, sections
//! 1.3 "The database header" and 1.6 "B-tree pages"): page 1 holds the
//! schema table, every user table is one leaf page of rows.

use crate::rng::Rng;
use crate::words;

/// Page size in bytes.
const PAGE_SIZE: usize = 4096;
/// SQLITE_VERSION_NUMBER written into the header (3.40.1).
const SQLITE_VERSION: u32 = 3_040_001;

fn varint(out: &mut Vec<u8>, value: u64) {
    // Values here stay below 2^56, so the 9-byte form is never needed.
    let mut groups = Vec::new();
    let mut v = value;
    loop {
        groups.push((v & 0x7F) as u8);
        v >>= 7;
        if v == 0 {
            break;
        }
    }
    for (i, group) in groups.iter().rev().enumerate() {
        out.push(if i + 1 < groups.len() {
            group | 0x80
        } else {
            *group
        });
    }
}

/// One column value of a record.
enum Value {
    Null,
    Int(i32),
    Text(String),
}

fn record(values: &[Value]) -> Vec<u8> {
    let mut header = Vec::new();
    let mut body = Vec::new();
    for value in values {
        match value {
            Value::Null => varint(&mut header, 0),
            Value::Int(n) => {
                varint(&mut header, 4);
                body.extend_from_slice(&n.to_be_bytes());
            }
            Value::Text(s) => {
                varint(&mut header, 13 + 2 * s.len() as u64);
                body.extend_from_slice(s.as_bytes());
            }
        }
    }
    // Header size counts itself; it stays below 128 here.
    let mut out = vec![(header.len() + 1) as u8];
    out.extend_from_slice(&header);
    out.extend_from_slice(&body);
    out
}

/// Writes a table-leaf page with `cells` (rowid, record) into `page`,
/// whose b-tree header starts at `header_at`.
fn leaf_page(page: &mut [u8], header_at: usize, cells: &[(u64, Vec<u8>)]) {
    let mut content_start = PAGE_SIZE;
    let mut pointers = Vec::with_capacity(cells.len());
    for (rowid, payload) in cells {
        let mut cell = Vec::new();
        varint(&mut cell, payload.len() as u64);
        varint(&mut cell, *rowid);
        cell.extend_from_slice(payload);
        content_start -= cell.len();
        page[content_start..content_start + cell.len()].copy_from_slice(&cell);
        pointers.push(content_start as u16);
    }
    page[header_at] = 0x0D;
    page[header_at + 3..header_at + 5].copy_from_slice(&(cells.len() as u16).to_be_bytes());
    page[header_at + 5..header_at + 7].copy_from_slice(&(content_start as u16).to_be_bytes());
    for (i, pointer) in pointers.iter().enumerate() {
        let at = header_at + 8 + 2 * i;
        page[at..at + 2].copy_from_slice(&pointer.to_be_bytes());
    }
}

/// A database with `tables` tables (1..=8) of random rows, one page each.
pub fn encode(rng: &mut Rng, tables: usize) -> Vec<u8> {
    let tables = tables.clamp(1, 8);
    let page_count = tables + 1;
    let mut file = vec![0u8; PAGE_SIZE * page_count];
    let mut schema_rows = Vec::new();
    for t in 0..tables {
        let name = format!("{}_{t}", words::word(rng));
        let sql = format!(
            "CREATE TABLE {name}(id INTEGER PRIMARY KEY, name TEXT, amount INTEGER, note TEXT)"
        );
        schema_rows.push((
            t as u64 + 1,
            record(&[
                Value::Text("table".into()),
                Value::Text(name.clone()),
                Value::Text(name),
                Value::Int(t as i32 + 2),
                Value::Text(sql),
            ]),
        ));
        let mut rows = Vec::new();
        let mut used = 8;
        for rowid in 1u64.. {
            let payload = record(&[
                Value::Null,
                Value::Text(words::name(rng)),
                Value::Int(rng.below(100_000) as i32),
                Value::Text(words::sentence(rng, 6)),
            ]);
            // cell = payload + up to 2+3 varint bytes, plus a 2-byte pointer.
            if used + payload.len() + 7 > PAGE_SIZE - 16 {
                break;
            }
            used += payload.len() + 7;
            rows.push((rowid, payload));
        }
        let start = PAGE_SIZE * (t + 1);
        leaf_page(&mut file[start..start + PAGE_SIZE], 0, &rows);
    }
    leaf_page(&mut file[..PAGE_SIZE], 100, &schema_rows);
    let header = &mut file[..100];
    header[..16].copy_from_slice(b"SQLite format 3\0");
    header[16..18].copy_from_slice(&(PAGE_SIZE as u16).to_be_bytes());
    header[18] = 1;
    header[19] = 1;
    header[21] = 64;
    header[22] = 32;
    header[23] = 32;
    header[24..28].copy_from_slice(&1u32.to_be_bytes()); // change counter
    header[28..32].copy_from_slice(&(page_count as u32).to_be_bytes());
    header[40..44].copy_from_slice(&1u32.to_be_bytes()); // schema cookie
    header[44..48].copy_from_slice(&4u32.to_be_bytes()); // schema format
    header[56..60].copy_from_slice(&1u32.to_be_bytes()); // UTF-8
    header[92..96].copy_from_slice(&1u32.to_be_bytes()); // version-valid-for
    header[96..100].copy_from_slice(&SQLITE_VERSION.to_be_bytes());
    file
}
