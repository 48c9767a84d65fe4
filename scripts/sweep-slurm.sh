#!/bin/bash
# Runs one chunk of a bitplane sweep as a Slurm job array task (docs/sweeps.md):
#
#   N=$(wc -l < sweep.jsonl); K=4                     # K manifest lines per array task
#   sbatch --array=0-$(( (N + K - 1) / K - 1 ))%50 [--gres=gpu:1] scripts/sweep-slurm.sh sweep.jsonl out/ $K
#
# Submit from the repository root (or set BITPLANE_ROOT): Slurm runs a copy of this script from its
# spool directory, so the repository is found through SLURM_SUBMIT_DIR. Relative paths are taken from
# the job's working directory (the submit directory, unless sbatch --chdir says otherwise). Resubmitting the same array is safe: complete records are skipped, and
# interrupted or diverged runs are redone. The task's exit code is `bitplane run --from`'s: 0 every run
# of the chunk complete, 1 a run diverged or failed, 2 bad input, 130 interrupted (e.g. the time limit).
#SBATCH --job-name=bitplane-sweep
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: sbatch --array=0-M scripts/sweep-slurm.sh SWEEP.jsonl OUT_DIR [CHUNK]" >&2
  exit 2
fi
if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
  echo "sweep-slurm.sh: SLURM_ARRAY_TASK_ID is not set: submit it with sbatch --array" >&2
  exit 2
fi
root="${BITPLANE_ROOT:-${SLURM_SUBMIT_DIR:-$PWD}}"
if [ ! -f "$root/bin/bitplane.mjs" ]; then
  echo "sweep-slurm.sh: no bitplane checkout at $root: submit from the repository root or set BITPLANE_ROOT" >&2
  exit 2
fi
# exec: Slurm's SIGTERM (scancel, the time limit) reaches bitplane, which writes the run in flight.
exec node "$root/bin/bitplane.mjs" run --from "$1" --out-dir "$2" --chunk "${3:-1}" --quiet
