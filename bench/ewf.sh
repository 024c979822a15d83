#!/usr/bin/env bash
# E01 reading benchmark: our reader against libewf on the same 1 GiB E01, side
# by side in one sequence (bench/sidebyside.py: 3 runs, median wall time).
#
#   decode only : forensics hash --algo blake3 (BLAKE3 costs ~0.4 s/GiB)
#                 vs ewfexport -f raw -t - > /dev/null
#   with MD5    : forensics hash --algo md5  vs  ewfverify -q (MD5)
#
# The media is 1 GiB of 40 % zeros, 30 % random bytes and 30 % log text, acquired
# with ewfacquire (deflate fast). Usage: bench/ewf.sh [WORK_DIR]  (needs ewf-tools)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-/tmp/forensics-bench-ewf}
mkdir -p "$WORK"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
if [[ -z "${FORENSICS_BIN:-}" ]]; then
    cargo build --release -q -p forensics-cli
    FORENSICS_BIN=$CARGO_TARGET_DIR/release/forensics
fi
RAW=$WORK/media.raw
E01=$WORK/media.E01
if [[ ! -f $E01 ]]; then
    python3 - "$RAW" <<'PY'
import os, random, sys
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
    ewfacquire -u -q -t "$WORK/media" -c deflate:fast -S 2GiB -C bench -D bench -E 1 -e bench -N bench "$RAW" >/dev/null
    rm -f "$RAW"
fi
cat "$WORK"/media.E* > /dev/null   # warm the page cache
SIZE=$("$FORENSICS_BIN" info --json "$E01" | python3 -c 'import json,sys; print(json.load(sys.stdin)["media_size"])')
echo "E01: $(du -b "$E01" | cut -f1) bytes holding $SIZE bytes of media"
bench/sidebyside.py --bytes "$SIZE" --reference ewfexport \
    "ewfexport=ewfexport -q -u -f raw -t - $E01 > /dev/null" \
    "forensics (decode + BLAKE3)=$FORENSICS_BIN hash --algo blake3 $E01" \
    "forensics (decode + BLAKE3, one thread)=RAYON_NUM_THREADS=1 $FORENSICS_BIN hash --algo blake3 --threads 1 $E01"
bench/sidebyside.py --bytes "$SIZE" --reference ewfverify \
    "ewfverify=ewfverify -q $E01" \
    "forensics verify=$FORENSICS_BIN verify $E01" \
    "forensics hash --algo md5=$FORENSICS_BIN hash --algo md5 $E01"
