#!/usr/bin/env bash
# Carving benchmark: `forensics carve` (byte-granular and --aligned 512)
# against foremost, scalpel (stock rules for gif/jpg/png/pdf/zip) and
# photorec on the >= 1 GiB synthetic image of ../shared/docs/baselines.md
# ("Throughput on the 1 GiB synthetic image"): carve-raw.raw (48 MiB)
# followed by 200 MiB of seeded random bytes, repeated, cut at 1 GiB, so it
# holds 5 copies of each of the 14 items. Page cache warm, tools run side by
# side in one sequence (bench/sidebyside.py: median of RUNS wall times), then
# each tool's last output is scored: recall = exact items found / (14 x 5),
# precision = exact files / files written (exact+partial+nested counted good
# in the second figure), as in baselines.md.
#
# Usage: bench/carve.sh [CARVE_RAW]   (default: decompress
#        ../shared/reference/carve-raw.raw.zst; needs ~2.5 GiB in $SCRATCH)
# Env:   FORENSICS_BIN  use this binary instead of building the release one
#        SCRATCH        work directory (default /tmp/forensics-bench-carve)
#        RUNS           timed runs per tool (default 3)
# Prints markdown tables on stdout (paste into BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCRATCH=${SCRATCH:-/tmp/forensics-bench-carve}
RUNS=${RUNS:-3}
REF=${REF:-$ROOT/../shared/reference}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
if [[ -z "${FORENSICS_BIN:-}" ]]; then
    cargo build --release -q -p forensics-cli
    FORENSICS_BIN=$CARGO_TARGET_DIR/release/forensics
fi
FORENSICS_BIN=$(realpath "$FORENSICS_BIN")
mkdir -p "$SCRATCH"
cd "$SCRATCH"
RAW=${1:-$SCRATCH/carve-raw.raw}
[[ -f $RAW ]] || zstd -q -d -f "$REF/carve-raw.raw.zst" -o "$RAW"
KEY=${KEY:-$REF/carve-raw.key.json}
BIG=$SCRATCH/big-1g.raw
if [[ ! -f $BIG ]]; then
    python3 - "$RAW" "$BIG" <<'PY'
import random, sys
raw, big = open(sys.argv[1], "rb").read(), sys.argv[2]
size = 1 << 30
noise = random.Random(7).randbytes(200 << 20)
with open(big, "wb") as out:
    written = 0
    while written < size:
        for part in (raw, noise):
            piece = part[: size - written]
            out.write(piece)
            written += len(piece)
PY
fi
cat "$BIG" > /dev/null   # warm the page cache
SIZE=$(stat -c %s "$BIG")

for tool in foremost scalpel photorec; do
    command -v $tool > /dev/null || { echo "skipped: $tool not installed" >&2; exit 2; }
done
# Stock Debian scalpel.conf with only the gif/jpg/png/pdf/zip lines enabled.
sed -E '/^#\s*(gif|jpg|png|pdf|zip)\s/ s/^#//' /etc/scalpel/scalpel.conf > scalpel-baseline.conf

echo "uptime before the run: $(uptime)"
echo
python3 - "$SIZE" "$RUNS" \
    "foremost=rm -rf fm && foremost -Q -t jpg,gif,png,pdf,zip -i $BIG -o fm" \
    "scalpel=rm -rf sc && scalpel -c scalpel-baseline.conf -o sc $BIG" \
    "photorec=rm -rf pr && mkdir -p pr && photorec /log /d pr/out /cmd $BIG partition_none,fileopt,everything,disable,jpg,enable,png,enable,gif,enable,pdf,enable,zip,enable,sqlite,enable,search" \
    "forensics=rm -rf fx && $FORENSICS_BIN carve $BIG --out fx" \
    "forensics-aligned512=rm -rf fa && $FORENSICS_BIN carve $BIG --aligned 512 --out fa" \
    "forensics-aligned512-gap=rm -rf fn && $FORENSICS_BIN carve $BIG --aligned 512 --gap-carving --out fn" <<'PY'
import resource, statistics, subprocess, sys, time
size, runs = int(sys.argv[1]), int(sys.argv[2])
rows = [arg.split("=", 1) for arg in sys.argv[3:]]
results = {}
for name, command in rows:
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(["bash", "-c", command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    results[name] = (statistics.median(walls), statistics.median(cpus), command)
ref_wall, ref_cpu = results["foremost"][0], results["foremost"][1]
print("| tool | command | median wall s | MB/s (wall) | × foremost (wall) | median CPU s | MB/s (CPU) | × foremost (CPU) |")
print("|---|---|---|---|---|---|---|---|")
for name, (wall, cpu, command) in results.items():
    short = command.split("&& ", 1)[-1]
    print(f"| {name} | `{short}` | {wall:.3f} | {size / wall / 1e6:.0f} | {ref_wall / wall:.2f} | {cpu:.3f} | {size / cpu / 1e6:.0f} | {ref_cpu / cpu:.2f} |")
PY
echo
echo "uptime after the run: $(uptime)"
echo

python3 - "$KEY" "$RAW" <<'PY'
import hashlib, json, sys
from pathlib import Path
key = json.load(open(sys.argv[1]))
items = key["items"]
copies = 5
by_hash = {it["sha256"]: it["id"] for it in items}
nested = {n["sha256"] for it in items for n in (it.get("nested") or [])}
raw = open(sys.argv[2], "rb").read()
heads = {raw[it["offset"]:it["offset"] + 512] for it in items}
print("| tool | files out | exact files | exact items (of 70) | partial | nested | unmatched | recall exact | precision exact | precision (exact+partial+nested) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for name, out in [("foremost", "fm"), ("scalpel", "sc"), ("photorec", "pr"), ("forensics", "fx"), ("forensics-aligned512", "fa"), ("forensics-aligned512-gap", "fn")]:
    files = [p for p in Path(out).rglob("*") if p.is_file() and p.name not in ("audit.txt", "report.xml") and not p.name.endswith(".log")]
    exact, partial, nest, unmatched = {}, 0, 0, 0
    for p in files:
        data = p.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest in by_hash:
            exact[by_hash[digest]] = exact.get(by_hash[digest], 0) + 1
        elif digest in nested:
            nest += 1
        elif len(data) >= 512 and data[:512] in heads:
            partial += 1
        else:
            unmatched += 1
    exact_files = sum(exact.values())
    exact_items = sum(min(n, copies) for n in exact.values())
    good = exact_files + partial + nest
    total = len(files)
    print(f"| {name} | {total} | {exact_files} | {exact_items} | {partial} | {nest} | {unmatched} | {exact_items / (len(items) * copies):.3f} | {exact_files / total if total else 0:.3f} | {good / total if total else 0:.3f} |")
PY
