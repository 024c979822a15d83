//! Media containers: RIFF (WebP, AVI, WAV) by chunk sizes, MP4/MOV by
//! top-level box sizes, MP3 by ID3v2 tag and MPEG frame headers.

use super::{Ctx, Verdict, is_fourcc};

/// Largest number of chunks/boxes/frames walked.
const MAX_UNITS: usize = 1 << 22;
/// Top-level MP4/QuickTime box types accepted.
const MP4_TOP_LEVEL: &[&[u8; 4]] = &[
    b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"uuid", b"meta", b"moof", b"mfra",
    b"pdin", b"styp", b"sidx", b"udta", b"pnot", b"jP  ",
];

fn riff(ctx: &Ctx<'_>, form: &[u8; 4]) -> Verdict {
    if ctx.bytes(0, 4) != Some(b"RIFF") || ctx.bytes(8, 4) != Some(&form[..]) {
        return Verdict::Invalid;
    }
    let Some(size) = ctx.le32(4) else {
        return Verdict::Invalid;
    };
    let end = u64::from(size) + 8;
    if size < 4 {
        return Verdict::Invalid;
    }
    // Walk the chunks present: ids printable, sizes inside the RIFF size.
    let mut pos = 12u64;
    let mut chunks = 0usize;
    while pos + 8 <= end && chunks < MAX_UNITS {
        let at = pos as usize;
        let (Some(id), Some(len)) = (ctx.bytes(at, 4), ctx.le32(at + 4)) else {
            break;
        };
        if !is_fourcc(id) {
            return if chunks == 0 {
                Verdict::Invalid
            } else {
                ctx.truncated_to(pos)
            };
        }
        let next = pos + 8 + u64::from(len) + u64::from(len & 1);
        if next > end + 1 {
            return if chunks == 0 {
                Verdict::Invalid
            } else {
                ctx.truncated_to(pos)
            };
        }
        pos = next;
        chunks += 1;
    }
    if chunks == 0 {
        return Verdict::Invalid;
    }
    ctx.ends_at(end)
}

/// RIFF WebP.
pub fn validate_webp(ctx: &Ctx<'_>) -> Verdict {
    riff(ctx, b"WEBP")
}

/// RIFF AVI.
pub fn validate_avi(ctx: &Ctx<'_>) -> Verdict {
    riff(ctx, b"AVI ")
}

/// RIFF WAVE.
pub fn validate_wav(ctx: &Ctx<'_>) -> Verdict {
    riff(ctx, b"WAVE")
}

/// MP4/MOV: boxes from `ftyp` on, while the type is a known top-level box.
pub fn validate_mp4(ctx: &Ctx<'_>) -> Verdict {
    if ctx.bytes(4, 4) != Some(b"ftyp") {
        return Verdict::Invalid;
    }
    let mut pos = 0u64;
    let mut has_movie = false;
    for _ in 0..MAX_UNITS {
        let at = pos as usize;
        let Some(kind) = ctx.bytes(at + 4, 4) else {
            break;
        };
        if !MP4_TOP_LEVEL.iter().any(|k| &k[..] == kind) {
            break;
        }
        let Some(size32) = ctx.be32(at) else { break };
        let size = match size32 {
            0 => return Verdict::Invalid,
            1 => match ctx.be64(at + 8) {
                Some(large) if large >= 16 => large,
                _ => return Verdict::Invalid,
            },
            2..=7 => return Verdict::Invalid,
            n => u64::from(n),
        };
        if matches!(kind, b"moov" | b"moof") {
            has_movie = true;
        }
        let Some(next) = pos.checked_add(size) else {
            return Verdict::Invalid;
        };
        if next > ctx.len() as u64 {
            return if ctx.capped || !has_movie && kind != b"mdat" {
                Verdict::Invalid
            } else {
                ctx.truncated_to(ctx.len() as u64)
            };
        }
        pos = next;
    }
    if !has_movie || pos == 0 {
        return Verdict::Invalid;
    }
    Verdict::Complete { len_bytes: pos }
}

/// Length of the MPEG audio frame whose header is `h`, if it is one.
fn mpeg_frame_len(h: [u8; 4]) -> Option<u64> {
    if h[0] != 0xFF || h[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = (h[1] >> 3) & 3; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5
    let layer = (h[1] >> 1) & 3; // 1 = layer III, 2 = II, 3 = I
    let bitrate_index = usize::from(h[2] >> 4);
    let rate_index = usize::from((h[2] >> 2) & 3);
    let padding = u64::from((h[2] >> 1) & 1);
    if version == 1 || layer == 0 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 {
        return None;
    }
    const V1_L3: [u64; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const V1_L2: [u64; 15] = [
        0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
    ];
    const V1_L1: [u64; 15] = [
        0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
    ];
    const V2_L1: [u64; 15] = [
        0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
    ];
    const V2_L23: [u64; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    let kbps = match (version == 3, layer) {
        (true, 1) => V1_L3[bitrate_index],
        (true, 2) => V1_L2[bitrate_index],
        (true, _) => V1_L1[bitrate_index],
        (false, 3) => V2_L1[bitrate_index],
        (false, _) => V2_L23[bitrate_index],
    };
    let base_rate = [44_100u64, 48_000, 32_000][rate_index];
    let rate = match version {
        3 => base_rate,
        2 => base_rate / 2,
        _ => base_rate / 4,
    };
    let len = if layer == 3 {
        (12 * kbps * 1000 / rate + padding) * 4
    } else if layer == 1 && version != 3 {
        72 * kbps * 1000 / rate + padding
    } else {
        144 * kbps * 1000 / rate + padding
    };
    (len >= 24).then_some(len)
}

/// MP3: an ID3v2 tag, then at least four consecutive MPEG audio frames, and
/// an optional ID3v1 tag.
pub fn validate_mp3(ctx: &Ctx<'_>) -> Verdict {
    if ctx.bytes(0, 3) != Some(b"ID3") {
        return Verdict::Invalid;
    }
    let Some(size_bytes) = ctx.bytes(6, 4) else {
        return Verdict::Invalid;
    };
    if size_bytes.iter().any(|b| b & 0x80 != 0) || !matches!(ctx.u8(3), Some(2..=4)) {
        return Verdict::Invalid;
    }
    let tag_len = size_bytes
        .iter()
        .fold(0u64, |acc, &b| (acc << 7) | u64::from(b));
    let footer = if ctx.u8(5).is_some_and(|f| f & 0x10 != 0) {
        10
    } else {
        0
    };
    let mut pos = 10 + tag_len + footer;
    // Some encoders pad the tag with zeros beyond its stated size.
    while ctx.u8(pos as usize) == Some(0) && pos < 10 + tag_len + footer + 4096 {
        pos += 1;
    }
    let mut frames = 0usize;
    while frames < MAX_UNITS {
        let Some(header) = ctx.bytes(pos as usize, 4) else {
            break;
        };
        let Some(len) = mpeg_frame_len([header[0], header[1], header[2], header[3]]) else {
            break;
        };
        if pos + len > ctx.len() as u64 {
            if frames < 4 {
                return Verdict::Invalid;
            }
            return ctx.truncated_to(pos);
        }
        pos += len;
        frames += 1;
    }
    if frames < 4 {
        return Verdict::Invalid;
    }
    if ctx.bytes(pos as usize, 3) == Some(b"TAG") && pos as usize + 128 <= ctx.len() {
        pos += 128;
    }
    Verdict::Complete { len_bytes: pos }
}
