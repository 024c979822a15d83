//! A byte-bounded cache of decoded chunks shared by all reading threads.
//!
//! Sharded by chunk number so that threads reading different chunks rarely
//! wait on one lock. Each shard evicts first-in-first-out once its share of
//! the byte budget is used; sequential reads gain nothing from LRU order, and
//! FIFO keeps the bookkeeping to one queue.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// Default byte budget of the chunk cache: 64 MiB.
pub const DEFAULT_CACHE_BYTES: usize = 64 << 20;
/// Most independently locked shards.
const MAX_SHARDS: usize = 16;

#[derive(Default)]
struct Shard {
    chunks: HashMap<u64, Arc<[u8]>>,
    order: VecDeque<u64>,
    bytes: usize,
}

/// Decoded chunks by chunk number, at most about `capacity_bytes` in total.
pub struct ChunkCache {
    shards: Vec<Mutex<Shard>>,
    shard_capacity_bytes: usize,
}

impl ChunkCache {
    /// A cache holding up to `capacity_bytes` of chunks of up to
    /// `chunk_size` bytes (0 disables it). Fewer shards are used for large
    /// chunks so that each shard holds at least one.
    pub fn new(capacity_bytes: usize, chunk_size: usize) -> Self {
        let shard_count = (capacity_bytes / chunk_size.max(1)).clamp(1, MAX_SHARDS);
        Self {
            shards: (0..shard_count)
                .map(|_| Mutex::new(Shard::default()))
                .collect(),
            shard_capacity_bytes: capacity_bytes / shard_count,
        }
    }

    fn shard(&self, chunk: u64) -> MutexGuard<'_, Shard> {
        let index = (chunk % self.shards.len() as u64) as usize;
        // A panic while holding the lock cannot leave the map inconsistent in
        // a way that matters for a cache, so a poisoned lock is reused.
        self.shards[index]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached data of `chunk`.
    pub fn get(&self, chunk: u64) -> Option<Arc<[u8]>> {
        self.shard(chunk).chunks.get(&chunk).cloned()
    }

    /// Caches `data` as `chunk`, evicting the oldest entries of its shard.
    pub fn insert(&self, chunk: u64, data: Arc<[u8]>) {
        if data.len() > self.shard_capacity_bytes {
            return;
        }
        let mut shard = self.shard(chunk);
        if shard.chunks.contains_key(&chunk) {
            return;
        }
        while shard.bytes + data.len() > self.shard_capacity_bytes {
            let Some(oldest) = shard.order.pop_front() else {
                break;
            };
            if let Some(old) = shard.chunks.remove(&oldest) {
                shard.bytes -= old.len();
            }
        }
        shard.bytes += data.len();
        shard.order.push_back(chunk);
        shard.chunks.insert(chunk, data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_within_its_byte_budget() {
        let cache = ChunkCache::new(MAX_SHARDS * 100, 40);
        let shards = MAX_SHARDS as u64;
        for chunk in 0..100u64 {
            cache.insert(chunk * shards, Arc::from(vec![1u8; 40]));
        }
        let held = (0..100u64)
            .filter(|c| cache.get(c * shards).is_some())
            .count();
        assert_eq!(held, 2);
        assert!(cache.get(99 * shards).is_some());
        // Chunks larger than a sixteenth of the budget are still cached.
        let big = ChunkCache::new(1000, 600);
        big.insert(5, Arc::from(vec![1u8; 600]));
        assert!(big.get(5).is_some());
        let disabled = ChunkCache::new(0, 40);
        disabled.insert(1, Arc::from(vec![1u8; 1]));
        assert!(disabled.get(1).is_none());
    }
}
