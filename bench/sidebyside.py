#!/usr/bin/env python3
"""Run commands side by side on the same data, in one sequence, and print a
markdown table: median wall time of N runs, MB/s over the data size, peak RSS,
and the ratio of each row's throughput to the reference row's.

Usage:
    bench/sidebyside.py --bytes N [--runs 3] [--reference NAME] \
        NAME='shell command' NAME2='other command' ...

Times follow ../shared/docs/baselines.md: wall clock around `/usr/bin/time -v
bash -c CMD` (Python perf_counter), so process start-up is included for every
tool alike. MB/s = 10^6 bytes / s. Warm the page cache before calling this.
"""
import argparse
import re
import statistics
import subprocess
import sys
import time


def run_once(command):
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", "bash", "-c", command],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return elapsed, (int(rss.group(1)) / 1024 if rss else float("nan")), proc.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bytes", type=int, required=True, help="size of the data each command processes")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--reference", help="row whose throughput is 1.0 (default: the first)")
    ap.add_argument("rows", nargs="+", help="NAME=COMMAND")
    a = ap.parse_args()
    rows = [r.split("=", 1) for r in a.rows]
    reference = a.reference or rows[0][0]
    results = {}
    for name, command in rows:
        runs = [run_once(command) for _ in range(a.runs)]
        median = statistics.median(r[0] for r in runs)
        results[name] = (median, max(r[1] for r in runs), sorted({r[2] for r in runs}), command)
    ref_rate = a.bytes / results[reference][0]
    print(f"| tool | command | median s | MB/s | × {reference} | peak RSS MiB | exit |")
    print("|---|---|---|---|---|---|---|")
    for name, (median, rss, codes, command) in results.items():
        rate = a.bytes / median
        print(f"| {name} | `{command}` | {median:.3f} | {rate / 1e6:.0f} | {rate / ref_rate:.2f} | {rss:.1f} | {','.join(map(str, codes))} |")
    return 0 if all(codes == [0] for _, _, codes, _ in results.values()) else 1


sys.exit(main())
