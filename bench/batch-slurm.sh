#!/usr/bin/env bash
# Slurm batch benchmark: a corpus `memdump` image of SIZE bytes planned into
# scan ranges (`--split range:RANGE --scan`: one walk attempt and SIZE/RANGE
# ranges), run
#   (a) as one local loop of `forensics batch run --index I --threads 1`, and
#   (b) as a Slurm job array with `--parallel 2` and its merge job
#       (`forensics batch slurm --submit`), from submission to the merge
#       job's end;
# plus the merge alone (`forensics batch merge` of the loop's results).
# Needs a running cluster (.ci/slurm-up starts a one-node one). The image is
# in the page cache. (That both ways give the same case is the e2e test's job:
# tests/tests/slurm/.)
#
# Usage: bench/batch-slurm.sh [SIZE_BYTES] [RANGE]   (default 1073741824 and 128M)
# Env:   FORENSICS_BIN / CORPUS_BIN  use these binaries instead of building
# Prints a markdown table on stdout (paste into BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1073741824}
RANGE=${2:-128M}
WORK=/tmp/forensics-bench-slurm
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
if ! sinfo -h >/dev/null 2>&1; then
    echo "needs a Slurm cluster: sinfo does not answer (.ci/slurm-up starts one)" >&2
    exit 2
fi
if [[ -z "${FORENSICS_BIN:-}" || -z "${CORPUS_BIN:-}" ]]; then
    cargo build --release -q -p forensics-cli -p corpus
    FORENSICS_BIN=$CARGO_TARGET_DIR/release/forensics
    CORPUS_BIN=$CARGO_TARGET_DIR/release/corpus
fi
FORENSICS_BIN=$(realpath "$FORENSICS_BIN")
export FORENSICS_EXAMINER="Bench"
mkdir -p "$WORK"
IMG=$WORK/memdump.raw
if [[ ! -f $IMG || $(stat -c %s "$IMG") != "$SIZE" ]]; then
    "$CORPUS_BIN" generate memdump --seed 1 --size "$SIZE" --out "$WORK" >/dev/null
fi
cat "$IMG" >/dev/null
cd "$WORK"
rm -rf units.jsonl loop slurm loop.case* slurm.case*
"$FORENSICS_BIN" batch plan "$IMG" --scan --split "range:$RANGE" --out units.jsonl >/dev/null
"$FORENSICS_BIN" case init loop.case --case-number BENCH >/dev/null
"$FORENSICS_BIN" case init slurm.case --case-number BENCH >/dev/null
echo "uptime before the run: $(uptime)"
python3 - "$FORENSICS_BIN" "$SIZE" "$RANGE" <<'PY'
import datetime, glob, json, re, subprocess, sys, time
exe, size, rng = sys.argv[1], int(sys.argv[2]), sys.argv[3]
units = sum(1 for line in open("units.jsonl") if line.strip())

def run(args, **kw):
    return subprocess.run([exe] + args, check=True, stdout=subprocess.PIPE, **kw).stdout

def utc(text):
    base, _, frac = text.rstrip("Z").partition(".")
    whole = datetime.datetime.fromisoformat(base).replace(tzinfo=datetime.timezone.utc)
    return whole.timestamp() + float("0." + (frac or "0"))

def span(results):
    records = [json.load(open(f)) for f in glob.glob(results + "/*.done")]
    starts = [utc(r["started_utc"]) for r in records]
    ends = [utc(r["finished_utc"]) for r in records]
    return max(ends) - min(starts), sum(e - s for s, e in zip(starts, ends))

start = time.perf_counter()
for index in range(units):
    run(["batch", "run", "--manifest", "units.jsonl", "--index", str(index), "--threads", "1", "--out", "loop"])
loop = time.perf_counter() - start
loop_span, loop_work = span("loop")

start = time.perf_counter()
submitted = json.loads(run(["batch", "slurm", "--manifest", "units.jsonl", "--results", "slurm",
                            "--case", "slurm.case", "--examiner", "Bench", "--parallel", "2",
                            "--submit", "--json"]))
merge_job = submitted["merge_job_id"]
while True:
    shown = subprocess.run(["scontrol", "show", "job", "-o", merge_job],
                           stdout=subprocess.PIPE, text=True).stdout
    state = re.search(r"JobState=(\S+)", shown)
    if state and state.group(1) not in ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING"):
        break
    time.sleep(0.1)
slurm_total = time.perf_counter() - start
if state.group(1) != "COMPLETED":
    sys.exit(f"merge job {merge_job} ended {state.group(1)}; logs in slurm/slurm-logs")
array_span, array_work = span("slurm")

start = time.perf_counter()
run(["batch", "merge", "--manifest", "units.jsonl", "--results", "loop", "--case", "loop.case",
     "--examiner", "Bench"])
merge = time.perf_counter() - start

print(f"\n{units} units (1 walk attempt, {units - 1} scan ranges of {rng}); image {size} bytes\n")
print("| run | command | wall s | unit work s | MB/s |")
print("|---|---|---|---|---|")
print(f"| local loop, one unit at a time | `for I in 0..{units - 1}: forensics batch run --manifest units.jsonl --index I --threads 1 --out loop` | {loop:.2f} | {loop_work:.2f} | {size / loop / 1e6:.0f} |")
print(f"| Slurm array `--parallel 2`, first unit start to last unit end | `forensics batch slurm --manifest units.jsonl --results slurm --case slurm.case --examiner Bench --parallel 2 --submit` | {array_span:.2f} | {array_work:.2f} | {size / array_span / 1e6:.0f} |")
print(f"| Slurm array + merge job, submission to merge job end | (same) | {slurm_total:.2f} | | {size / slurm_total / 1e6:.0f} |")
print(f"| merge alone | `forensics batch merge --manifest units.jsonl --results loop --case loop.case` | {merge:.2f} | | |")
PY
