//! Lookup throughput of an `.fhs` hash set: opens the set, then looks up N
//! digests, half taken from a plain SHA-1 list (hits) and half random
//! (misses), and prints load time and lookups per second.
//!
//! `cargo run --release --example hashset_lookup -- SET.fhs SHA1_LIST N`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::BufRead;
use std::time::Instant;

use forensics_core::hash::sets::DigestSet;
use forensics_core::hash::{Algorithm, from_hex};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, set_path, list_path, count] = args.as_slice() else {
        eprintln!("usage: hashset_lookup SET.fhs SHA1_LIST N");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("N is a number");
    let started = Instant::now();
    let set = DigestSet::open(set_path.as_ref()).expect("the set opens");
    let load_secs = started.elapsed().as_secs_f64();

    let file = std::io::BufReader::new(std::fs::File::open(list_path).expect("the list opens"));
    let mut queries: Vec<[u8; 20]> = Vec::with_capacity(count);
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for line in file.lines().take(count / 2) {
        let bytes = from_hex(line.expect("the list reads").trim()).expect("hex");
        queries.push(bytes.try_into().expect("20 bytes"));
        let mut miss = [0u8; 20];
        for byte in &mut miss {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = (state >> 24) as u8;
        }
        queries.push(miss);
    }
    // Shuffle so hits do not walk the set in order.
    for i in (1..queries.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        queries.swap(i, (state % (i as u64 + 1)) as usize);
    }
    let started = Instant::now();
    let hits = queries
        .iter()
        .filter(|q| set.contains(Algorithm::Sha1, q.as_slice()).is_some())
        .count();
    let lookup_secs = started.elapsed().as_secs_f64();
    println!(
        "set {}: {} digests; load + check {:.3} s; {} lookups ({} hits) in {:.3} s = {:.2} M lookups/s",
        set.name(),
        set.tables().iter().map(|t| t.count).sum::<u64>(),
        load_secs,
        queries.len(),
        hits,
        lookup_secs,
        queries.len() as f64 / lookup_secs / 1e6
    );
}
