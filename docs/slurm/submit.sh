#!/bin/bash
# Submits the worker job arrays, then the merge once all of them succeeded.
set -euo pipefail
# sbatch hands its environment to the jobs and Slurm keeps it on disk: no secrets.
unset FORENSICS_CASE_PASSPHRASE PGPASSWORD
cd "$(dirname "$0")"
mkdir -p '/lab/case 42/results/slurm-logs'
job_id() { local out; out="$(sbatch --parsable "$@")"; echo "${out%%;*}"; }
w0="$(job_id worker-0.sbatch)"
merge="$(job_id --dependency=afterok:"$w0" merge.sbatch)"
echo "workers: $w0; merge: $merge"
