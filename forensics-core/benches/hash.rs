//! Hashing throughput on 64 MiB in memory: each algorithm alone and all four,
//! on one thread and on two. The side-by-side comparison with md5sum & co.
//! is `bench/hash.sh`.
#![allow(missing_docs, clippy::unwrap_used)]

use std::sync::atomic::AtomicBool;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use forensics_core::evidence::MemorySource;
use forensics_core::hash::{self, Algorithm, AlgorithmSet, HashOptions, NoSink};

const LEN_BYTES: usize = 64 * 1024 * 1024;

fn bench_hash(c: &mut Criterion) {
    let data: Vec<u8> = (0..LEN_BYTES)
        .map(|i| (i as u64).wrapping_mul(0x9e37_79b9) as u8)
        .collect();
    let source = MemorySource::new(data);
    let cancel = AtomicBool::new(false);
    let mut group = c.benchmark_group("hash");
    group.throughput(Throughput::Bytes(LEN_BYTES as u64));
    group.sample_size(10);
    let mut cases: Vec<(String, AlgorithmSet, usize)> = Algorithm::ALL
        .into_iter()
        .map(|a| (a.name().to_string(), AlgorithmSet::of(&[a]), 1))
        .collect();
    cases.push(("all/1-thread".into(), AlgorithmSet::ALL, 1));
    cases.push(("all/2-threads".into(), AlgorithmSet::ALL, 2));
    for (name, algorithms, threads) in cases {
        let options = HashOptions {
            algorithms,
            piecewise_len_bytes: None,
            threads,
        };
        group.bench_function(name, |b| {
            b.iter(|| hash::hash_source(&source, &options, &mut NoSink, &cancel).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, bench_hash);
criterion_main!(benches);
