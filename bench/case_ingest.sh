#!/usr/bin/env bash
# Case ingest benchmark: `forensics case add` of a corpus FAT32 image (default
# 1 GiB) with every landed stage (intake digests, layout, file-system walk,
# four digests per file), release build. Prints wall time, throughput and peak
# RSS from /usr/bin/time -v, then the case's file count.
#
# Usage: bench/case_ingest.sh [SIZE_BYTES] [FILES]   (defaults 1073741824, 4000)
# Env:   FORENSICS_BIN, CORPUS_BIN  use these binaries instead of building
#        STAGES  extra `case add` options, e.g. "--carve --scan" for the full pipeline
#        COLD=1  drop the page cache first (needs root) and report how many bytes
#                the ingest read from storage, as a multiple of the image size
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1073741824}
FILES=${2:-4000}
DIR=/tmp/forensics-bench-case-$SIZE-$FILES
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
if [[ -z "${FORENSICS_BIN:-}" || -z "${CORPUS_BIN:-}" ]]; then
    cargo build --release -q -p forensics-cli -p corpus
    FORENSICS_BIN=$CARGO_TARGET_DIR/release/forensics
    CORPUS_BIN=$CARGO_TARGET_DIR/release/corpus
fi
IMAGE=$DIR/fat32.raw
[[ -f $IMAGE ]] || "$CORPUS_BIN" generate fat32 --seed 11 --out "$DIR" --size "$SIZE" --files "$FILES" >/dev/null
if [[ "${COLD:-0}" == 1 ]]; then
    sync && echo 3 > /proc/sys/vm/drop_caches
else
    cat "$IMAGE" > /dev/null   # warm the page cache: the figure is the pipeline, not the disk
fi
CASE=$DIR/bench.fcase
rm -f "$CASE" "$CASE-wal" "$CASE-shm"
export FORENSICS_EXAMINER="Bench"
"$FORENSICS_BIN" case init "$CASE" --case-number BENCH >/dev/null
# shellcheck disable=SC2086
/usr/bin/time -v "$FORENSICS_BIN" case add "$CASE" "$IMAGE" --json ${STAGES:-} 2> "$DIR/time.txt" > "$DIR/add.jsonl" &
timer=$!
# Peak anonymous memory (heap): the peak RSS below also counts the pages of
# the memory-mapped image, which the kernel reclaims at will.
anon_kb=0
while kill -0 "$timer" 2>/dev/null; do
    for child in $(pgrep -P "$timer"); do
        now=$(awk '/^RssAnon:/ {print $2}' "/proc/$child/status" 2>/dev/null || echo 0)
        (( ${now:-0} > anon_kb )) && anon_kb=$now
    done
    sleep 0.05
done
wait "$timer"
head -1 "$DIR/add.jsonl"
echo "peak anonymous memory (RssAnon): $((anon_kb / 1024)) MiB"
wall=$(grep "Elapsed (wall clock)" "$DIR/time.txt" | awk '{print $NF}')
rss_kb=$(grep "Maximum resident set size" "$DIR/time.txt" | awk '{print $NF}')
cpu=$(grep -E "User time|System time" "$DIR/time.txt" | awk '{s+=$NF} END {print s}')
blocks_in=$(grep "File system inputs" "$DIR/time.txt" | awk '{print $NF}')
allocated=$(du -B1 "$IMAGE" | awk '{print $1}')   # corpus images are sparse: holes need no reads
echo "read from storage: $((blocks_in * 512)) bytes = $(python3 -c "print(round($blocks_in * 512 / $allocated, 3))") x the image's $allocated allocated bytes (page cache $( [[ "${COLD:-0}" == 1 ]] && echo cold || echo warm))"
python3 - "$SIZE" "$wall" "$rss_kb" "$cpu" <<'PY'
import sys
size, wall, rss_kb, cpu = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
parts = [float(p) for p in wall.split(":")]
seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
mb_s = size / seconds / 1e6
print(f"| image | wall s | CPU s | MB/s | GB/h | peak RSS MiB |")
print(f"|---|---|---|---|---|---|")
print(f"| {size / 2**30:.2f} GiB FAT32 | {seconds:.2f} | {cpu:.2f} | {mb_s:.0f} | {mb_s * 3.6:.0f} | {rss_kb / 1024:.0f} |")
PY
"$FORENSICS_BIN" case ls "$CASE" --json | wc -l | sed 's/^/files in the case: /'
