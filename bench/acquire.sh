#!/usr/bin/env bash
# Acquisition benchmark: a 1 GiB file imaged to compressed E01 (deflate fast)
# by libewf's ewfacquire and by `forensics acquire`, side by side in one
# sequence (bench/sidebyside.py: 3 runs each, median wall time), then the
# size of each image.
#
#   ewfacquire            : MD5 (its default digest), no re-read
#   ewfacquire -d sha1,sha256 : MD5 + SHA-1 + SHA-256
#   forensics --no-verify : MD5 + SHA-1 + SHA-256 + BLAKE3, no re-read
#   forensics             : the same, plus re-reading the written E01 and
#                           comparing all four digests (the default)
#
# The media is 1 GiB of 40 % zeros, 30 % random bytes and 30 % log text (the
# same recipe as bench/ewf.sh). Usage: bench/acquire.sh [WORK_DIR]
# (needs ewf-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-/tmp/forensics-bench-acquire}
mkdir -p "$WORK"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
if [[ -z "${FORENSICS_BIN:-}" ]]; then
    cargo build --release -q -p forensics-cli
    FORENSICS_BIN=$CARGO_TARGET_DIR/release/forensics
fi
RAW=$WORK/media.raw
if [[ ! -f $RAW ]]; then
    python3 - "$RAW" <<'PY'
import random, sys
rng = random.Random(7)
line = b"2026-11-28T10:00:00Z host sshd[4242]: Accepted publickey for jdoe from 192.0.2.10 port 52144\n"
with open(sys.argv[1], "wb") as out:
    for block in range(1024):          # 1 MiB blocks
        kind = rng.random()
        if kind < 0.4:
            out.write(bytes(1 << 20))
        elif kind < 0.7:
            out.write(rng.randbytes(1 << 20))
        else:
            out.write((line * ((1 << 20) // len(line) + 1))[: 1 << 20])
PY
fi
cat "$RAW" > /dev/null   # warm the page cache
SIZE=$(stat -c %s "$RAW")
OUT=$WORK/out
mkdir -p "$OUT"
META="-C bench -D bench -E 1 -e bench -N bench"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench/sidebyside.py --bytes "$SIZE" --reference ewfacquire \
    "ewfacquire=rm -f $OUT/ea.* && ewfacquire -u -q -c deflate:fast -S 2GiB $META -t $OUT/ea $RAW" \
    "ewfacquire -d sha1,sha256=rm -f $OUT/eb.* && ewfacquire -u -q -c deflate:fast -S 2GiB -d sha1,sha256 $META -t $OUT/eb $RAW" \
    "forensics --no-verify=rm -f $OUT/fa.* && $FORENSICS_BIN acquire $RAW $OUT/fa.E01 --compression fast --no-verify --case-number bench --evidence-number 1 --examiner bench --description bench --notes bench" \
    "forensics (with verification)=rm -f $OUT/fb.* && $FORENSICS_BIN acquire $RAW $OUT/fb.E01 --compression fast --case-number bench --evidence-number 1 --examiner bench --description bench --notes bench"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| image | bytes | × ewfacquire size |"
echo "|---|---|---|"
REF=$(stat -c %s "$OUT/ea.E01")
for name in ea eb fa fb; do
    BYTES=$(cat "$OUT/$name".E0* | wc -c)
    python3 -c "import sys; print(f'| $name.E01 | $BYTES | {$BYTES / $REF:.3f} |')"
done
ewfverify -q "$OUT/fa.E01" | grep -E "SUCCESS|FAILURE"
