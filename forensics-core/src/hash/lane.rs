//! A lane: the running digests of some algorithms over one stream, plus the
//! piecewise (hash-window) digests of the same algorithms.
//!
//! The sequential path runs one lane with every selected algorithm; the
//! threaded pipeline runs one lane per worker thread, all fed the same blocks.
//!
//! MD5 comes from the system's libcrypto (OpenSSL's hand-scheduled x86-64
//! code, about 12 % faster here than the RustCrypto assembly): MD5 cannot
//! be split across cores, so its speed bounds the whole pipeline. The case
//! database links the same library (SQLCipher), so this adds no dependency
//! to the binary.

use md5::Digest as _;
use openssl::hash::{Hasher as SslHasher, MessageDigest};

use super::{Algorithm, AlgorithmSet, Digests};

/// Running state of one algorithm.
#[derive(Clone)]
enum State {
    Md5(Box<SslMd5>),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Blake3(Box<blake3::Hasher>),
}

impl State {
    fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Md5 => Self::Md5(Box::new(SslMd5::new())),
            Algorithm::Sha1 => Self::Sha1(sha1::Sha1::new()),
            Algorithm::Sha256 => Self::Sha256(sha2::Sha256::new()),
            Algorithm::Blake3 => Self::Blake3(Box::new(blake3::Hasher::new())),
        }
    }

    fn update(&mut self, data: &[u8], blake3_multithreaded: bool) {
        match self {
            Self::Md5(h) => h.update(data),
            Self::Sha1(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Blake3(h) => {
                if blake3_multithreaded {
                    h.update_rayon(data);
                } else {
                    h.update(data);
                }
            }
        }
    }

    fn finish_into(self, digests: &mut Digests) {
        match self {
            Self::Md5(h) => digests.md5 = h.finish(),
            Self::Sha1(h) => digests.sha1 = Some(h.finalize().into()),
            Self::Sha256(h) => digests.sha256 = Some(h.finalize().into()),
            Self::Blake3(h) => digests.blake3 = Some(*h.finalize().as_bytes()),
        }
    }
}

/// MD5 through libcrypto, or RustCrypto's when the library offers no MD5
/// (a FIPS-only build): the digest is the same. A failed libcrypto update
/// (not seen in practice) poisons the state: no digest rather than a wrong one.
#[derive(Clone)]
enum SslMd5 {
    Ssl(SslHasher),
    Rust(md5::Md5),
    Failed,
}

impl SslMd5 {
    fn new() -> Self {
        SslHasher::new(MessageDigest::md5()).map_or_else(|_| Self::Rust(md5::Md5::new()), Self::Ssl)
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Self::Ssl(hasher) => {
                if hasher.update(data).is_err() {
                    *self = Self::Failed;
                }
            }
            Self::Rust(hasher) => hasher.update(data),
            Self::Failed => {}
        }
    }

    fn finish(self) -> Option<[u8; 16]> {
        match self {
            Self::Ssl(mut hasher) => hasher
                .finish()
                .ok()
                .and_then(|bytes| <[u8; 16]>::try_from(&bytes[..]).ok()),
            Self::Rust(hasher) => Some(hasher.finalize().into()),
            Self::Failed => None,
        }
    }
}

/// The running digests of a set of algorithms.
#[derive(Clone)]
pub(crate) struct MultiHasher {
    states: Vec<State>,
    blake3_multithreaded: bool,
}

impl MultiHasher {
    /// Hashers for `algorithms`; BLAKE3 uses the rayon pool when
    /// `blake3_multithreaded` (only worth it when cores are idle).
    pub(crate) fn new(algorithms: AlgorithmSet, blake3_multithreaded: bool) -> Self {
        Self {
            states: algorithms.iter().map(State::new).collect(),
            blake3_multithreaded,
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        for state in &mut self.states {
            state.update(data, self.blake3_multithreaded);
        }
    }

    pub(crate) fn finish(self) -> Digests {
        let mut digests = Digests::default();
        for state in self.states {
            state.finish_into(&mut digests);
        }
        digests
    }
}

/// The digests of one window of a piecewise hash, from one lane (only that
/// lane's algorithms are set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PiecePart {
    /// Index of the window (0 for the first `piecewise_len_bytes` bytes).
    pub index: u64,
    /// Offset of the window from the start of the hashed data.
    pub data_offset: u64,
    /// Length of the window (short only for the last).
    pub len_bytes: u64,
    /// The lane's digests of the window.
    pub digests: Digests,
}

/// Total digests and piecewise digests of some algorithms over one stream.
pub(crate) struct Lane {
    algorithms: AlgorithmSet,
    total: MultiHasher,
    /// `(window length, hasher of the current window)` when piecewise.
    piece: Option<(u64, MultiHasher)>,
    /// Bytes seen so far.
    position: u64,
    /// Bytes of the current window seen so far.
    piece_filled: u64,
    piece_index: u64,
}

impl Lane {
    /// A lane computing `algorithms`, with windows of `piecewise_len_bytes`
    /// (ignored when 0 or `None`).
    pub(crate) fn new(
        algorithms: AlgorithmSet,
        piecewise_len_bytes: Option<u64>,
        blake3_multithreaded: bool,
    ) -> Self {
        let piece = piecewise_len_bytes
            .filter(|&len| len > 0)
            .map(|len| (len, MultiHasher::new(algorithms, blake3_multithreaded)));
        Self {
            algorithms,
            total: MultiHasher::new(algorithms, blake3_multithreaded),
            piece,
            position: 0,
            piece_filled: 0,
            piece_index: 0,
        }
    }

    /// Feeds the next bytes of the stream; calls `emit` for every window that
    /// this data completes.
    pub(crate) fn update(&mut self, data: &[u8], emit: &mut dyn FnMut(PiecePart)) {
        self.total.update(data);
        self.position += data.len() as u64;
        let Some((window_len, hasher)) = &mut self.piece else {
            return;
        };
        let window_len = *window_len;
        let mut rest = data;
        while !rest.is_empty() {
            let room = window_len - self.piece_filled;
            let take = usize::try_from(room).map_or(rest.len(), |room| room.min(rest.len()));
            let (now, later) = rest.split_at(take);
            hasher.update(now);
            self.piece_filled += take as u64;
            rest = later;
            if self.piece_filled == window_len {
                let fresh = MultiHasher::new(self.algorithms, self.total.blake3_multithreaded);
                let done = std::mem::replace(hasher, fresh);
                emit(PiecePart {
                    index: self.piece_index,
                    data_offset: self.piece_index * window_len,
                    len_bytes: window_len,
                    digests: done.finish(),
                });
                self.piece_index += 1;
                self.piece_filled = 0;
            }
        }
    }

    /// Ends the stream: emits the last, short window (if any bytes are in it)
    /// and returns the digests of the whole stream.
    pub(crate) fn finish(self, emit: &mut dyn FnMut(PiecePart)) -> Digests {
        if let Some((_, hasher)) = self.piece
            && self.piece_filled > 0
        {
            emit(PiecePart {
                index: self.piece_index,
                data_offset: self.position - self.piece_filled,
                len_bytes: self.piece_filled,
                digests: hasher.finish(),
            });
        }
        self.total.finish()
    }
}
