#!/usr/bin/env python3
"""Runs fuzz targets one after another, each until it has used a given amount
of CPU time (not wall time: the figure stays honest on a busy machine), and
appends one result line per target to a JSON Lines log.

    python3 fuzz/campaign.py [--cpu-seconds 600] [--log fuzz/campaign.jsonl] [TARGET ...]

Needs a nightly toolchain and cargo-fuzz. Each target's corpus starts from
seeds/<target>/ and grows in corpus/<target>/; crashes land in
artifacts/<target>/ (libFuzzer's naming), and are counted in the log.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Longest input per target; the file-system targets need room for a volume.
MAX_LEN = {
    "ewf": 262144,
    "lime": 65536,
    "crashdump": 40000,
    "split_naming": 64,
    "ntfs": 256,
    "fat": 65536,
    "ext4": 65536,
    "volume": 65536,
    "hashset": 4096,
}
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU time of a process, in seconds (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def targets_in_manifest():
    text = (HERE / "Cargo.toml").read_text()
    return re.findall(r'\[\[bin\]\]\s*name\s*=\s*"([^"]+)"', text)


def build():
    subprocess.run(["cargo", "+nightly", "fuzz", "build", "--release"], cwd=HERE, check=True)


def run_one(target, cpu_limit):
    corpus = HERE / "corpus" / target
    corpus.mkdir(parents=True, exist_ok=True)
    for seed in sorted((HERE / "seeds" / target).glob("*")):
        if seed.is_file() and not (corpus / seed.name).exists():
            shutil.copy(seed, corpus / seed.name)
    artifacts = HERE / "artifacts" / target
    artifacts.mkdir(parents=True, exist_ok=True)
    before = set(artifacts.iterdir())
    exe = next((HERE / "target").glob(f"*/release/{target}"))
    args = [str(exe), str(corpus), f"-artifact_prefix={artifacts}/",
            f"-max_len={MAX_LEN.get(target, 65536)}", "-print_final_stats=1",
            "-rss_limit_mb=2048", "-timeout=25"]
    log_path = HERE / "artifacts" / f"{target}.log"
    started = time.time()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        used = 0.0
        while proc.poll() is None:
            time.sleep(2)
            used = max(used, cpu_seconds(proc.pid))
            if used >= cpu_limit:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    text = log_path.read_text(errors="replace")
    runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", text)
    if not runs:
        runs = re.findall(r"#(\d+)\s", text)
    crashes = sorted(p.name for p in set(artifacts.iterdir()) - before)
    return {
        "target": target,
        "cpu_seconds": round(used),
        "wall_seconds": round(time.time() - started),
        "executions": int(runs[-1]) if runs else 0,
        "corpus_files": sum(1 for _ in corpus.iterdir()),
        "new_artifacts": crashes,
        "exit_code": proc.returncode,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu-seconds", type=float, default=600)
    parser.add_argument("--log", default=str(HERE / "campaign.jsonl"))
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("targets", nargs="*")
    opts = parser.parse_args()
    targets = opts.targets or targets_in_manifest()
    if not opts.no_build:
        build()
    for target in targets:
        result = run_one(target, opts.cpu_seconds)
        print(json.dumps(result), flush=True)
        with open(opts.log, "a") as log:
            log.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
