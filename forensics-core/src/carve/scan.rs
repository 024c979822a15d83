//! One multi-pattern pass (Aho-Corasick) over a chunk: candidate headers of
//! the selected types and footer offsets.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::Error;
use super::signatures::Signature;

/// What a pattern of the automaton stands for.
#[derive(Debug, Clone)]
enum PatternKind {
    /// A header shared by these signatures (indices into the selection).
    Header(Vec<usize>),
    /// The footer of these signatures.
    Footer(Vec<usize>),
}

/// A candidate file start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Offset of the file's first byte in the media.
    pub image_offset: u64,
    /// Index of the signature in the selection.
    pub signature: usize,
}

/// The headers tested at one offset from a block start, indexed by their
/// first byte (aligned mode).
struct AlignedProbe {
    /// Offset of the header in the file (`Signature::header_offset`).
    offset: usize,
    /// For each first byte: (header bytes, signature index).
    by_first_byte: Vec<Vec<(&'static [u8], usize)>>,
}

/// The automaton over the selected signatures' headers and footers.
pub struct Scanner {
    automaton: AhoCorasick,
    /// SIMD (Teddy) searcher for the same patterns, where the CPU has one.
    packed: Option<aho_corasick::packed::Searcher>,
    patterns: Vec<&'static [u8]>,
    kinds: Vec<PatternKind>,
    header_offsets: Vec<u64>,
    /// Aligned mode's header tests, one group per distinct header offset.
    aligned_probes: Vec<AlignedProbe>,
    /// Longest pattern plus its offset: the overlap chunks need.
    pub margin_bytes: u64,
}

impl Scanner {
    /// Builds the automaton for `selection`.
    pub fn new(selection: &[&'static Signature]) -> Result<Scanner, Error> {
        let mut patterns: Vec<&'static [u8]> = Vec::new();
        let mut kinds: Vec<PatternKind> = Vec::new();
        let mut margin = 0u64;
        for (index, sig) in selection.iter().enumerate() {
            for &header in sig.headers {
                margin = margin.max(header.len() as u64 + sig.header_offset);
                match patterns.iter().position(|p| *p == header) {
                    Some(at) if matches!(kinds[at], PatternKind::Header(_)) => {
                        if let PatternKind::Header(list) = &mut kinds[at] {
                            list.push(index);
                        }
                    }
                    _ => {
                        patterns.push(header);
                        kinds.push(PatternKind::Header(vec![index]));
                    }
                }
            }
            if let Some(footer) = sig.footer {
                margin = margin.max(footer.len() as u64);
                patterns.push(footer);
                kinds.push(PatternKind::Footer(vec![index]));
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|e| Error::Automaton(e.to_string()))?;
        let packed = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&patterns)
            .build();
        Ok(Scanner {
            automaton,
            packed,
            patterns,
            kinds,
            header_offsets: selection.iter().map(|s| s.header_offset).collect(),
            aligned_probes: aligned_probes(selection),
            margin_bytes: margin,
        })
    }

    /// Scans `data` (media bytes from `base`), keeping hits whose pattern
    /// starts before `own_end`; candidates must be at a multiple of `aligned`
    /// (when not 0) and at most `max_candidates` are kept (`false` when more
    /// were seen). Footer offsets go to `footers[signature]`.
    #[allow(clippy::too_many_arguments)]
    pub fn scan(
        &self,
        data: &[u8],
        base: u64,
        own_end: u64,
        aligned: u64,
        max_candidates: usize,
        candidates: &mut Vec<Candidate>,
        footers: &mut [Vec<u64>],
    ) -> bool {
        let mut complete = true;
        match &self.packed {
            Some(packed) => {
                // Leftmost matches, restarting one byte after each start so
                // that overlapping headers are all seen.
                let mut pos = 0usize;
                while pos < data.len() {
                    let Some(found) =
                        packed.find_in(data, aho_corasick::Span::from(pos..data.len()))
                    else {
                        break;
                    };
                    let start = found.start();
                    let at = base + start as u64;
                    if at >= own_end {
                        break;
                    }
                    for (pattern, bytes) in self.patterns.iter().enumerate() {
                        if data[start..].starts_with(bytes) {
                            complete &= self.record(
                                at,
                                pattern,
                                aligned,
                                max_candidates,
                                candidates,
                                footers,
                            );
                        }
                    }
                    pos = start + 1;
                }
            }
            None => {
                for hit in self.automaton.find_overlapping_iter(data) {
                    let at = base + hit.start() as u64;
                    if at < own_end {
                        complete &= self.record(
                            at,
                            hit.pattern().as_usize(),
                            aligned,
                            max_candidates,
                            candidates,
                            footers,
                        );
                    }
                }
            }
        }
        complete
    }

    /// Files one hit of `pattern` at media offset `at`; `false` when the
    /// candidate cap was hit.
    fn record(
        &self,
        at: u64,
        pattern: usize,
        aligned: u64,
        max_candidates: usize,
        candidates: &mut Vec<Candidate>,
        footers: &mut [Vec<u64>],
    ) -> bool {
        let mut complete = true;
        match &self.kinds[pattern] {
            PatternKind::Header(list) => {
                for &signature in list {
                    let Some(start) = at.checked_sub(self.header_offsets[signature]) else {
                        continue;
                    };
                    if aligned > 1 && start % aligned != 0 {
                        continue;
                    }
                    if candidates.len() >= max_candidates {
                        complete = false;
                        continue;
                    }
                    candidates.push(Candidate {
                        image_offset: start,
                        signature,
                    });
                }
            }
            PatternKind::Footer(list) => {
                for &signature in list {
                    if let Some(list) = footers.get_mut(signature)
                        && list.len() < max_candidates
                    {
                        list.push(at);
                    }
                }
            }
        }
        complete
    }

    /// Aligned mode: tests the headers only at multiples of `aligned` (no
    /// automaton pass: one table lookup per block and header offset), and
    /// finds footers with a vectorised substring search.
    #[allow(clippy::too_many_arguments)]
    pub fn scan_aligned(
        &self,
        data: &[u8],
        base: u64,
        own_end: u64,
        aligned: u64,
        max_candidates: usize,
        candidates: &mut Vec<Candidate>,
        footers: &mut [Vec<u64>],
    ) -> bool {
        let mut complete = true;
        let mut start = base.div_ceil(aligned) * aligned;
        while start < own_end {
            let rel = (start - base) as usize;
            for probe in &self.aligned_probes {
                let at = rel + probe.offset;
                let Some(&first) = data.get(at) else {
                    continue;
                };
                for &(header, signature) in &probe.by_first_byte[usize::from(first)] {
                    if data.get(at..at + header.len()) != Some(header) {
                        continue;
                    }
                    if candidates.len() >= max_candidates {
                        complete = false;
                        continue;
                    }
                    candidates.push(Candidate {
                        image_offset: start,
                        signature,
                    });
                }
            }
            start += aligned;
        }
        for (pattern, kind) in self.patterns.iter().zip(&self.kinds) {
            let PatternKind::Footer(list) = kind else {
                continue;
            };
            for found in memchr::memmem::find_iter(data, pattern) {
                let at = base + found as u64;
                if at >= own_end {
                    break;
                }
                for &signature in list {
                    if let Some(list) = footers.get_mut(signature)
                        && list.len() < max_candidates
                    {
                        list.push(at);
                    }
                }
            }
        }
        complete
    }
}

/// Groups the selection's headers by header offset and first byte.
fn aligned_probes(selection: &[&'static Signature]) -> Vec<AlignedProbe> {
    let mut probes: Vec<AlignedProbe> = Vec::new();
    for (signature, sig) in selection.iter().enumerate() {
        let offset = sig.header_offset as usize;
        let index = match probes.iter().position(|p| p.offset == offset) {
            Some(index) => index,
            None => {
                probes.push(AlignedProbe {
                    offset,
                    by_first_byte: vec![Vec::new(); 256],
                });
                probes.len() - 1
            }
        };
        for &header in sig.headers {
            if let Some(&first) = header.first() {
                probes[index].by_first_byte[usize::from(first)].push((header, signature));
            }
        }
    }
    probes.sort_by_key(|p| p.offset);
    probes
}
