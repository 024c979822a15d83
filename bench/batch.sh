#!/usr/bin/env bash
# Batch-ingest benchmark: one `case add --scan` process against the same
# work cut into units (`--split range:SIZE`: a walk per partition and scan
# ranges) run by a local pool of 2, and the three batch steps timed apart
# (plan, run --all --jobs 2, merge). The image is a corpus `disk-mbr` disk
# (four FAT partitions) of SIZE bytes, in the page cache. The batch-made
# cases are verified (custody chain, row digests, evidence) at the end.
#
# Usage: bench/batch.sh [SIZE_BYTES] [RANGE]   (default 1073741824 and 128M)
# Env:   FORENSICS_BIN / CORPUS_BIN  use these binaries instead of building
# Prints a markdown table on stdout (paste into BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1073741824}
RANGE=${2:-128M}
WORK=/tmp/forensics-bench-batch
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
if [[ -z "${FORENSICS_BIN:-}" || -z "${CORPUS_BIN:-}" ]]; then
    cargo build --release -q -p forensics-cli -p corpus
    FORENSICS_BIN=$CARGO_TARGET_DIR/release/forensics
    CORPUS_BIN=$CARGO_TARGET_DIR/release/corpus
fi
export FORENSICS_EXAMINER="Bench"
mkdir -p "$WORK"
IMG=$WORK/disk-mbr.raw
if [[ ! -f $IMG || $(stat -c %s "$IMG") != "$SIZE" ]]; then
    "$CORPUS_BIN" generate disk-mbr --seed 1 --size "$SIZE" --out "$WORK" >/dev/null
fi
cat "$IMG" >/dev/null
cd "$WORK"
rm -rf single.case* pooled.case* steps.case* units.jsonl results
"$FORENSICS_BIN" case init single.case --case-number BENCH >/dev/null
"$FORENSICS_BIN" case init pooled.case --case-number BENCH >/dev/null
"$FORENSICS_BIN" case init steps.case --case-number BENCH >/dev/null
echo "uptime before the run: $(uptime)"
python3 - "$FORENSICS_BIN" "$SIZE" "$RANGE" <<'PY'
import subprocess, sys, time
exe, size, rng = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def timed(args):
    start = time.perf_counter()
    subprocess.run([exe] + args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start
rows = []
rows.append(("case add --scan (one process)", f"forensics case add single.case disk-mbr.raw --scan",
             timed(["case", "add", "single.case", "disk-mbr.raw", "--scan"])))
rows.append((f"case add --scan --jobs 2 --split range:{rng}", "forensics case add pooled.case disk-mbr.raw --scan --jobs 2 --split range:" + rng,
             timed(["case", "add", "pooled.case", "disk-mbr.raw", "--scan", "--jobs", "2", "--split", f"range:{rng}"])))
plan = timed(["batch", "plan", "disk-mbr.raw", "--scan", "--split", f"range:{rng}", "--out", "units.jsonl"])
run = timed(["batch", "run", "--manifest", "units.jsonl", "--all", "--jobs", "2", "--out", "results"])
merge = timed(["batch", "merge", "--manifest", "units.jsonl", "--results", "results", "--case", "steps.case"])
units = sum(1 for line in open("units.jsonl") if line.strip())
print(f"\n{units} units; image {size} bytes\n")
print("| run | command | wall s | MB/s | x one process |")
print("|---|---|---|---|---|")
base = rows[0][2]
for name, cmd, secs in rows:
    print(f"| {name} | `{cmd}` | {secs:.2f} | {size / secs / 1e6:.0f} | {base / secs:.2f} |")
total = plan + run + merge
print(f"| batch plan + run --all --jobs 2 + merge | plan {plan:.2f} s, run {run:.2f} s, merge {merge:.2f} s | {total:.2f} | {size / total / 1e6:.0f} | {base / total:.2f} |")
PY
echo
for case in pooled.case steps.case; do
    if "$FORENSICS_BIN" case verify "$case" --json >/dev/null; then
        echo "$case: custody chain and evidence verify"
    else
        echo "$case: VERIFY FAILED"
    fi
done
