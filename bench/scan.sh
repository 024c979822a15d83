#!/usr/bin/env bash
# Feature-scan benchmark: `forensics scan` (all kinds, ASCII + UTF-16LE,
# recursion on) against `strings -a -t d` (one encoding) and
# `strings -a -e l -t d` on the ≥ 1 GiB image of ../shared/docs/baselines.md
# (carve-raw.raw followed by 200 MiB of random.Random(7) bytes, repeated, cut
# at 1 GiB), in the page cache, side by side in one run (3 runs each, median
# wall time, peak RSS). Then the pathological inputs: 1 GiB of `@`, of
# digits, of `.` (one run each).
#
# Usage: bench/scan.sh [SIZE_BYTES]   (default 1073741824; needs ~4.5 GiB in /tmp)
# Env:   FORENSICS_BIN  use this binary instead of building the release one
#        REFERENCE      directory with carve-raw.raw.zst (default ../shared/reference)
#        SKIP_PATHOLOGICAL=1  skip the 1 GiB runs of one byte
# Prints markdown tables on stdout (paste into BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1073741824}
REFERENCE=${REFERENCE:-../shared/reference}
IMG=/tmp/forensics-bench-scan-$SIZE.raw
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
if [[ -z "${FORENSICS_BIN:-}" ]]; then
    cargo build --release -q -p forensics-cli
    FORENSICS_BIN=$CARGO_TARGET_DIR/release/forensics
fi
if [[ ! -f $IMG ]]; then
    zstd -q -d -f "$REFERENCE/carve-raw.raw.zst" -o /tmp/forensics-bench-carve-raw.raw
    python3 - /tmp/forensics-bench-carve-raw.raw "$IMG" "$SIZE" <<'PY'
import random, sys
carve, out, size = open(sys.argv[1], "rb").read(), sys.argv[2], int(sys.argv[3])
rng = random.Random(7)
noise = rng.randbytes(200 << 20)
with open(out, "wb") as f:
    written = 0
    while written < size:
        for block in (carve, noise):
            part = block[: size - written]
            f.write(part)
            written += len(part)
            if written >= size:
                break
PY
fi
cat "$IMG" > /dev/null   # warm the page cache

python3 - "$FORENSICS_BIN" "$IMG" "$SIZE" "${SKIP_PATHOLOGICAL:-}" <<'PY'
import os, resource, statistics, subprocess, sys, time
bin, img, size, skip_patho = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
def run(cmd, runs=3):
    """Median wall seconds and peak RSS (MiB) over `runs` runs of `cmd`."""
    times, rss = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "bash", "-c", cmd + " > /dev/null"],
                           check=True, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        rss = max(rss, int(p.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(times), rss
rows = [
    ("strings -a -t d (ASCII)", f"strings -a -t d {img}"),
    ("strings -a -e l -t d (UTF-16LE)", f"strings -a -e l -t d {img}"),
    ("forensics scan --json (all kinds, ASCII+UTF-16LE, recursion)", f"{bin} scan --json {img}"),
    ("forensics scan --json --threads 1", f"{bin} scan --json --threads 1 {img}"),
    ("forensics scan --json --no-utf16", f"{bin} scan --json --no-utf16 {img}"),
]
results = {name: run(cmd) for name, cmd in rows}
base = results[rows[0][0]][0]
load = os.getloadavg()[0]
print(f"image: {size} bytes ({img}); load average at the end: {load:.2f}\n")
print("| command | median wall s | MB/s | × strings -a | peak RSS MiB |")
print("|---|---|---|---|---|")
for name, _ in rows:
    t, rss = results[name]
    print(f"| `{name}` | {t:.2f} | {size / t / 1e6:.0f} | {base / t:.2f} | {rss:.0f} |")
if skip_patho:
    sys.exit()
print("\n| pathological input (1 run) | wall s | MB/s | peak RSS MiB | features |")
print("|---|---|---|---|---|")
for label, byte in (("`@`", b"@"), ("digits `7`", b"7"), ("`.`", b".")):
    path = f"/tmp/forensics-bench-scan-one-byte.raw"
    with open(path, "wb") as f:
        chunk = byte * (64 << 20)
        for _ in range(size // len(chunk)):
            f.write(chunk)
        f.write(byte * (size % len(chunk)))
    subprocess.run(f"cat {path} > /dev/null", shell=True, check=True)
    t, rss = run(f"{bin} scan --json {path}", runs=1)
    n = subprocess.run(f"{bin} scan --json {path} | wc -l", shell=True, check=True, capture_output=True, text=True).stdout.strip()
    print(f"| {size} bytes of {label} | {t:.2f} | {size / t / 1e6:.0f} | {rss:.0f} | {n} |")
    os.remove(path)
PY
