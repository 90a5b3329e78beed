#!/usr/bin/env bash
# Runs the GPU measurement of issue 14 on a machine with PyTorch (CUDA) and no dotnet, no network: unpacks the bundle
# that deploy/gpu/build-bundle.sh made, points TorchSharp at PyTorch's own libtorch (torch/lib), runs the PyTorch peer
# (peer_flip_pretrain.py, batch 128 and 1024, fp32 and bf16) and then ours (`flip bench flip-gpu`, TinyBERT shape and
# the default PLM's MiniLM-L6 shape, same batches and precisions, full and sampled-softmax MLM) in this one call, prints one side-by-side table and
# writes flip-gpu.json, peer.txt and the logs into the output folder.
#
#   bash deploy/gpu/run.sh [--bundle FILE.tar.xz] [--out DIR] [--work DIR] [--quick] [--dry-run]
#
#   --bundle   the bundle (default: .gpu/flip-gpu-bundle.tar.xz beside the repo root, else next to this script)
#   --out      results folder (default: $OUT when set, as on the device machine, else ./flip-gpu-results)
#   --work     where the bundle is unpacked (default: ${TMPDIR:-/tmp}/flip-gpu)
#   --quick    fewer steps (2 warm-up, 10 timed, 3 phase-timed) for a first look; same cases
#   --dry-run  print the commands it would run and exit (no bundle, torch or GPU needed)
#   --needs    print the bundle paths this script uses, one a line (build-bundle.sh's list must cover them)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." 2>/dev/null && pwd || echo "$here")"
bundle=""
out="${OUT:-$PWD/flip-gpu-results}"
work="${TMPDIR:-/tmp}/flip-gpu"
quick=0
dry=0

# Paths inside the unpacked bundle that this script reads.
needs() {
  cat <<'EOF'
flip-gpu/app/flip
flip-gpu/app/flip.dll
flip-gpu/app/TorchSharp.dll
flip-gpu/app/libLibTorchSharp.so
flip-gpu/data/movielens-1m/movies.dat
flip-gpu/data/movielens-1m/ratings.dat
flip-gpu/data/movielens-1m/users.dat
flip-gpu/plm/vocab.txt
flip-gpu/peer_flip_pretrain.py
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --bundle) bundle="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    --dry-run) dry=1; shift ;;
    --needs) needs; exit 0 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [[ -z "$bundle" ]]; then
  for candidate in "$repo/.gpu/flip-gpu-bundle.tar.xz" "$here/flip-gpu-bundle.tar.xz"; do
    if [[ -f "$candidate" ]]; then bundle="$candidate"; break; fi
  done
  bundle="${bundle:-$repo/.gpu/flip-gpu-bundle.tar.xz}"
fi

# The commands below are word-split: folders with spaces are refused rather than half-handled.
for p in "$work" "$out" "$bundle"; do
  [[ "$p" != *" "* ]] || { echo "run.sh: '$p' has a space; choose another folder" >&2; exit 2; }
done

if [[ $quick -eq 1 ]]; then warmup=2; steps=10; phase=3; else warmup=5; steps=30; phase=10; fi
root="$work/flip-gpu"
batches=(128 1024)
peer_cmds=()
for b in "${batches[@]}"; do
  for amp in 0 1; do peer_cmds+=("python3 $root/peer_flip_pretrain.py $b $amp $steps"); done
done
ours_cmd="$root/app/flip bench flip-gpu --dataset movielens-1m --path $root/data/movielens-1m --vocab $root/plm/vocab.txt \
--plm tinybert,minilm-l6 --batch-sizes 128,1024 --precision fp32,bf16 --mlm-sampled 0,4096 --warmup $warmup --steps $steps --phase-steps $phase \
--device cuda --peer $out/peer.txt --out $out/flip-gpu.json"

if [[ $dry -eq 1 ]]; then
  echo "mkdir -p $work $out && tar -xJf $bundle -C $work"
  echo "export LD_LIBRARY_PATH=\$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')/lib:\$LD_LIBRARY_PATH"
  for c in "${peer_cmds[@]}"; do echo "$c >> $out/peer.txt"; done
  echo "$ours_cmd"
  exit 0
fi

if [[ ! -f "$bundle" ]]; then
  echo "run.sh: no bundle at $bundle (build it with deploy/gpu/build-bundle.sh, or pass --bundle)" >&2
  exit 2
fi
mkdir -p "$work" "$out"
rm -rf "$root"
tar -xJf "$bundle" -C "$work"
while read -r path; do
  [[ -e "$work/$path" ]] || { echo "run.sh: the bundle lacks $path" >&2; exit 2; }
done < <(needs)

torch_info="$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__));print(torch.__version__);print(torch.cuda.is_available())')" \
  || { echo "run.sh: python3 cannot import torch" >&2; exit 2; }
torch_dir="$(sed -n 1p <<<"$torch_info")"
torch_version="$(sed -n 2p <<<"$torch_info")"
echo "PyTorch $torch_version at $torch_dir (CUDA available: $(sed -n 3p <<<"$torch_info"))"
# TorchSharp 0.107's native glue (libLibTorchSharp.so) is built against libtorch 2.10: another minor version's C++ ABI
# does not match.
case "$torch_version" in
  2.10.*) ;;
  *) echo "run.sh: WARNING: TorchSharp 0.107 expects libtorch 2.10.x, this machine has torch $torch_version; ours may fail to load" >&2 ;;
esac
export LD_LIBRARY_PATH="$torch_dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | tee "$out/gpu.txt" || true

: > "$out/peer.txt"
for c in "${peer_cmds[@]}"; do
  echo "+ $c"
  # One failing peer case (e.g. out of memory) leaves the others standing.
  $c 2>>"$out/peer.log" | tee -a "$out/peer.txt" || echo "peer failed: $c (see peer.log)" | tee -a "$out/peer.txt"
done

echo "+ $ours_cmd"
$ours_cmd 2> >(tee "$out/ours.log" >&2)
echo "results in $out (flip-gpu.json, peer.txt, peer.log, ours.log, gpu.txt)"
