//! Scanning one buffer: the combined automaton over its bytes and over its
//! UTF-16LE text, validators, EXIF, keywords and recursion into containers.

use super::context;
use super::exif;
use super::feature::{Encoding, Feature, Kind};
use super::patterns::{self, Candidate, Container};
use super::recurse;
use super::utf16::Transcoded;
use super::validate;
use super::{MAX_HIT_BYTES, ScanOptions};
use crate::evidence::{EvidenceCursor, EvidenceSource};
use regex_automata::meta::Regex;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;

/// Budget bytes charged for each decoding attempt, whatever it yields.
const ATTEMPT_COST_BYTES: usize = 4096;

/// Where a buffer's bytes are.
pub(crate) enum Place<'a> {
    /// Bytes of the media: byte 0 of the buffer is at `buf_image_offset`;
    /// `source` lets a container that runs past the buffer be read on.
    Media {
        buf_image_offset: u64,
        source: Option<&'a dyn EvidenceSource>,
    },
    /// Decoded bytes of a container at `image_offset` whose forensic path,
    /// up to the inner offset, is `prefix` (e.g. `4329472-GZIP-`).
    Decoded { image_offset: u64, prefix: String },
}

impl Place<'_> {
    /// Image offset and forensic path of buffer position `pos`.
    fn locate(&self, pos: usize) -> (u64, String) {
        match self {
            Place::Media {
                buf_image_offset, ..
            } => {
                let at = buf_image_offset.saturating_add(pos as u64);
                (at, at.to_string())
            }
            Place::Decoded {
                image_offset,
                prefix,
            } => (*image_offset, format!("{prefix}{pos}")),
        }
    }

    /// The place of the decoded bytes of a container found at `pos`.
    fn inside(&self, pos: usize, container: Container) -> Place<'static> {
        let (image_offset, path) = self.locate(pos);
        Place::Decoded {
            image_offset,
            prefix: format!("{path}-{}-", container.path_word()),
        }
    }
}

/// The compiled scanner.
pub(crate) struct Engine<'o> {
    regex: Regex,
    candidates: Vec<Candidate>,
    options: &'o ScanOptions,
}

/// One buffer's text in one encoding, with the map back to the buffer.
struct Text<'t> {
    bytes: &'t [u8],
    encoding: Encoding,
    utf16: Option<&'t Transcoded>,
}

impl Text<'_> {
    fn source_pos(&self, text_pos: usize) -> Option<usize> {
        match self.utf16 {
            None => Some(text_pos),
            Some(t) => t.source_offset(text_pos),
        }
    }
}

impl<'o> Engine<'o> {
    /// Compiles the automaton for `options`.
    pub(crate) fn new(options: &'o ScanOptions) -> Result<Self, String> {
        let recursion = options.recursion.max_depth > 0;
        let (regex, candidates) = patterns::build_for(|c| match c {
            Candidate::Feature(kind) => options.kinds.contains(&kind),
            Candidate::Container(_) => recursion,
            Candidate::Exif => options.kinds.contains(&Kind::Gps),
        })
        .map_err(|e| e.to_string())?;
        Ok(Self {
            regex,
            candidates,
            options,
        })
    }

    /// Scans `buf`, reporting hits whose first byte is in `report`; decodes
    /// containers up to the depth limit, spending from `budget` (bytes).
    pub(crate) fn scan(
        &self,
        buf: &[u8],
        report: Range<usize>,
        place: &Place<'_>,
        depth: u32,
        budget: &mut usize,
        out: &mut Vec<Feature>,
    ) {
        let ascii = Text {
            bytes: buf,
            encoding: Encoding::Ascii,
            utf16: None,
        };
        self.scan_text(&ascii, buf, &report, place, depth, budget, out);
        if self.options.utf16 {
            let transcoded = Transcoded::new(buf);
            if !transcoded.is_empty() {
                let text = Text {
                    bytes: &transcoded.text,
                    encoding: Encoding::Utf16le,
                    utf16: Some(&transcoded),
                };
                self.scan_text(&text, buf, &report, place, depth, budget, out);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn scan_text(
        &self,
        text: &Text<'_>,
        buf: &[u8],
        report: &Range<usize>,
        place: &Place<'_>,
        depth: u32,
        budget: &mut usize,
        out: &mut Vec<Feature>,
    ) {
        for m in self.regex.find_iter(text.bytes) {
            let Some(start) = text.source_pos(m.start()) else {
                continue;
            };
            if !report.contains(&start) {
                continue;
            }
            let Some(&candidate) = self.candidates.get(m.pattern().as_usize()) else {
                continue;
            };
            match candidate {
                Candidate::Feature(kind) => self.feature(text, kind, m.range(), place, out),
                Candidate::Exif if text.utf16.is_none() => {
                    if let Some(value) = exif::gps_position(&text.bytes[m.start()..]) {
                        let (image_offset, forensic_path) = place.locate(start);
                        out.push(Feature {
                            kind: Kind::Gps,
                            value,
                            image_offset,
                            encoding: Encoding::Ascii,
                            forensic_path,
                            context: context::around(
                                buf,
                                start,
                                m.end(),
                                self.options.context_bytes,
                            ),
                        });
                    }
                }
                Candidate::Container(container)
                    if text.utf16.is_none() || container == Container::Base64 =>
                {
                    self.container(container, text, m.start(), start, place, depth, budget, out);
                }
                _ => {}
            }
        }
        if let Some(keywords) = &self.options.keywords {
            for (s, e, _) in keywords.find(text.bytes) {
                match text.source_pos(s) {
                    Some(start) if report.contains(&start) && e - s <= MAX_HIT_BYTES => {
                        self.push(text, Kind::Keyword, s..e, start, place, out);
                    }
                    _ => {}
                }
            }
        }
    }

    fn feature(
        &self,
        text: &Text<'_>,
        kind: Kind,
        range: Range<usize>,
        place: &Place<'_>,
        out: &mut Vec<Feature>,
    ) {
        if range.len() > MAX_HIT_BYTES {
            return;
        }
        let Some(accepted) = validate::check(kind, text.bytes, range) else {
            return;
        };
        if let Some(start) = text.source_pos(accepted.start) {
            self.push(text, kind, accepted, start, place, out);
        }
    }

    fn push(
        &self,
        text: &Text<'_>,
        kind: Kind,
        range: Range<usize>,
        source_start: usize,
        place: &Place<'_>,
        out: &mut Vec<Feature>,
    ) {
        let (image_offset, forensic_path) = place.locate(source_start);
        let value = String::from_utf8_lossy(text.bytes.get(range.clone()).unwrap_or_default());
        out.push(Feature {
            kind,
            value: value.into_owned(),
            image_offset,
            encoding: text.encoding,
            forensic_path,
            context: self.context(text, range),
        });
    }

    /// Context of a hit, kept inside its own UTF-16 run (the transcoded
    /// text joins runs that are far apart in the buffer).
    fn context(&self, text: &Text<'_>, range: Range<usize>) -> String {
        let bounds = match text.utf16 {
            Some(t) => t.run_range(range.start).unwrap_or(range.clone()),
            None => 0..text.bytes.len(),
        };
        let c = self.options.context_bytes;
        let from = range.start.saturating_sub(c).max(bounds.start);
        let to = range.end.saturating_add(c).min(bounds.end.max(range.end));
        context::escape(text.bytes.get(from..to).unwrap_or_default())
    }

    #[allow(clippy::too_many_arguments)]
    fn container(
        &self,
        container: Container,
        text: &Text<'_>,
        text_pos: usize,
        source_pos: usize,
        place: &Place<'_>,
        depth: u32,
        budget: &mut usize,
        out: &mut Vec<Feature>,
    ) {
        let limits = &self.options.recursion;
        if depth >= limits.max_depth || *budget <= ATTEMPT_COST_BYTES {
            return;
        }
        let input = text.bytes.get(text_pos..).unwrap_or_default();
        if !recurse::plausible_header(container, input) {
            return;
        }
        // Every attempt costs, so a page full of header look-alikes stays cheap.
        *budget = budget.saturating_sub(ATTEMPT_COST_BYTES);
        let max_output = limits.max_output_bytes.min(*budget);
        let mut decoded = recurse::decode(container, input, limits, max_output);
        if decoded.input_exhausted
            && let Place::Media {
                buf_image_offset,
                source: Some(source),
            } = place
        {
            let at = buf_image_offset.saturating_add(source_pos as u64);
            let buffer_end = buf_image_offset.saturating_add(text.bytes.len() as u64);
            let mut cursor = EvidenceCursor::new(*source);
            if text.utf16.is_none()
                && buffer_end < source.len()
                && cursor.seek(SeekFrom::Start(at)).is_ok()
            {
                decoded = recurse::decode(container, cursor.by_ref(), limits, max_output);
            }
        }
        if decoded.bytes.is_empty() {
            return;
        }
        *budget = budget.saturating_sub(decoded.bytes.len());
        let inner = place.inside(source_pos, container);
        let len = decoded.bytes.len();
        self.scan(&decoded.bytes, 0..len, &inner, depth + 1, budget, out);
    }
}
