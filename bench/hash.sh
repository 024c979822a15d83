#!/usr/bin/env bash
# Hashing benchmark: `forensics hash` against md5sum, sha1sum, sha256sum, b3sum
# and hashdeep on a 1 GiB random file in the page cache, run side by side in
# one sequence (3 runs each, median wall time), plus thread scaling and a
# 10-million-entry SHA-1 hash set (import time, load time, RSS, lookups/s).
#
# Usage: bench/hash.sh [SIZE_BYTES]   (default 1073741824; needs ~2.5 GiB in /tmp)
# Env:   FORENSICS_BIN  use this binary instead of building the release one
#        SKIP_SET=1     skip the hash-set part
#        SKIP_HASH=1    skip the hashing part
# Prints markdown tables on stdout (paste into BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1073741824}
DATA=/tmp/forensics-bench-hash-$SIZE.raw
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
if [[ -z "${FORENSICS_BIN:-}" ]]; then
    cargo build --release -q -p forensics-cli
    cargo build --release -q -p forensics-core --example hashset_lookup
    FORENSICS_BIN=$CARGO_TARGET_DIR/release/forensics
fi
LOOKUP_BIN=$(dirname "$FORENSICS_BIN")/examples/hashset_lookup
if [[ "${SKIP_HASH:-}" != 1 ]]; then
[[ -f $DATA ]] || head -c "$SIZE" /dev/urandom > "$DATA"
cat "$DATA" > /dev/null   # warm the page cache

python3 - "$FORENSICS_BIN" "$DATA" "$SIZE" <<'PY'
import resource, shutil, statistics, subprocess, sys, time
bin, data, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
cpu = {}
def run(cmd):
    """Median wall seconds of 3 runs; the median CPU seconds (user+sys) go to cpu[cmd]."""
    times, cpus = [], []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    cpu[cmd] = statistics.median(cpus)
    return statistics.median(times)
rows = [
    ("forensics hash --algo md5,sha1,sha256,blake3", f"{bin} hash --algo md5,sha1,sha256,blake3 {data}", "md5sum"),
    ("forensics hash --algo md5", f"{bin} hash --algo md5 {data}", "md5sum"),
    ("forensics hash --algo sha1", f"{bin} hash --algo sha1 {data}", "sha1sum"),
    ("forensics hash --algo sha256", f"{bin} hash --algo sha256 {data}", "sha256sum"),
    ("forensics hash --algo blake3", f"{bin} hash --algo blake3 {data}", "b3sum"),
    ("forensics hash --algo blake3 --threads 1", f"{bin} hash --algo blake3 --threads 1 {data}", "b3sum --num-threads 1"),
    ("forensics hash --algo md5,sha1,sha256", f"{bin} hash --algo md5,sha1,sha256 {data}", "hashdeep -c md5,sha1,sha256"),
    ("md5sum", f"md5sum {data}", None),
    ("sha1sum", f"sha1sum {data}", None),
    ("sha256sum", f"sha256sum {data}", None),
    ("b3sum", f"b3sum {data}", None),
    ("b3sum --num-threads 1", f"b3sum --num-threads 1 {data}", None),
    ("hashdeep -c md5,sha1,sha256", f"hashdeep -c md5,sha1,sha256 {data}", None),
]
scaling = [
    ("all four, --threads 1", f"{bin} hash --threads 1 {data}"),
    ("all four, --threads 2", f"{bin} hash --threads 2 {data}"),
    ("all four, --threads 4", f"{bin} hash --threads 4 {data}"),
    ("md5,sha1,sha256, --threads 1", f"{bin} hash --algo md5,sha1,sha256 --threads 1 {data}"),
    ("md5,sha1,sha256, --threads 2", f"{bin} hash --algo md5,sha1,sha256 --threads 2 {data}"),
]
results = {}
for name, cmd, _ in rows:
    tool = cmd.split()[0]
    if shutil.which(tool) is None and not tool.startswith("/") and not tool.startswith("."):
        print(f"skipped: {tool} not installed", file=sys.stderr)
        continue
    results[name] = run(cmd)
mbs = lambda s: size / s / 1e6
commands = {name: cmd for name, cmd, _ in rows}
print(f"| command | median wall s | MB/s | ratio (wall) | CPU s (user+sys) |\n|---|---:|---:|---|---:|")
for name, cmd, baseline in rows:
    if name not in results:
        continue
    s = results[name]
    ratio = ""
    if baseline and baseline in results:
        ratio = f"{results[baseline] / s:.2f} × `{baseline}`"
    print(f"| `{name}` | {s:.3f} | {mbs(s):.0f} | {ratio} | {cpu[cmd]:.2f} |")
print()
print("| threads | median wall s | MB/s | CPU s |\n|---|---:|---:|---:|")
for name, cmd in scaling:
    s = run(cmd)
    print(f"| {name} | {s:.3f} | {mbs(s):.0f} | {cpu[cmd]:.2f} |")
PY
fi

[[ "${SKIP_SET:-}" == 1 ]] && exit 0
SET_DIR=/tmp/forensics-bench-set
mkdir -p "$SET_DIR"
if [[ ! -f $SET_DIR/sha1-10m.txt ]]; then
    python3 - "$SET_DIR/sha1-10m.txt" <<'PY'
import os, sys
with open(sys.argv[1], "w") as out:
    for _ in range(100):
        block = os.urandom(20 * 100_000).hex()
        out.write("\n".join(block[i:i + 40] for i in range(0, len(block), 40)))
        out.write("\n")
PY
fi
echo
echo "| 10 M SHA-1 set | wall s | peak RSS MiB |"
echo "|---|---:|---:|"
measure() {  # label, command...
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$SET_DIR/time.txt" "$@" > "$SET_DIR/out.txt"
    read -r secs kib < "$SET_DIR/time.txt"
    echo "| $label | $secs | $((kib / 1024)) |"
}
measure "import (plain list, 410 MB text)" "$FORENSICS_BIN" hashset import "$SET_DIR/sha1-10m.txt" --out "$SET_DIR/sha1-10m.fhs" --name bench
measure "load + check (\`hashset info\`)" "$FORENSICS_BIN" hashset info "$SET_DIR/sha1-10m.fhs"
measure "load + 2 M lookups (example \`hashset_lookup\`)" "$LOOKUP_BIN" "$SET_DIR/sha1-10m.fhs" "$SET_DIR/sha1-10m.txt" 2000000
echo
cat "$SET_DIR/out.txt"
