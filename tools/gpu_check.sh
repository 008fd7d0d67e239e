#!/usr/bin/env bash
# Usage: tools/gpu_check.sh --out DIR [--wheels DIR] [--prefix DIR] [--work DIR] [--rehearse]
#                           [--only STEP ...]
#
# Measures every GPU claim of mmmae in one command, in at most 8 minutes, on a machine with a
# CUDA GPU and its own PyTorch but no internet (such as the lent H200: torch 2.11, torchvision,
# timm, transformers, pytest, scikit-image; none of the OpenMMLab packages).
#
# Before: on a machine with PyPI, `make offline-wheels` (writes .whl/, about 4 MB: mmengine,
# mmcv-lite, mmpretrain and their small dependencies). Bring .whl/ with the checkout; with the
# device tool, name it in `carry`: run(command="bash tools/gpu_check.sh --out $OUT", carry=[".whl"]).
#
# Steps, each a child process with its own time box, cut short at the 8-minute deadline:
#   install           the wheels this python lacks, into --prefix (default /tmp/mmmae-site) with
#                     pip --no-index --no-deps; the machine's own torch and the rest are left alone
#   env               GPU, driver, versions, measured bf16 matmul rate (8192^3)
#   step-b, step-l    ViT-B/16 and ViT-L/16 step, bf16, batch 256: mmmae, mmmae with selective_cp,
#                     MMPretrain's MAE and the official-style MAE; img/s, step time, peak memory
#                     (max_memory_allocated), MFU against the datasheet and the measured matmul
#                     rate, ratios, and each peer's top 15 kernels (torch.profiler)
#   memory-h          ViT-H/14 as its config builds it (batch 512 per GPU, selective_cp): peak
#                     memory and the headroom left on the GPU
#   recipes-b         ViT-B/16 step of each pretraining recipe (standard, CrossMAE's partial
#                     decoding, progressive resolution's 160/192/224 px stages by their epochs):
#                     speed-up and FLOPs ratio against standard
#   data              1,280 ImageNet-like JPEGs (400-500 px) from scikit-image's photographs
#   decode            GPU JPEG decode (DeviceDecodePreprocessor, nvJPEG) img/s, and its loader share
#   train             tools/train.py with the ViT-B ImageNet config (bf16, SDPA), 100 iterations on
#                     that folder through the Runner: the loss must fall, no NaN, a checkpoint
#   train-gpu-decode  the same with the GPU-decode config
#   fsdp-g            tools/dist_train.sh of the FSDP ViT-g config on 1 GPU, batch 128: time, peak
#                     memory, and the memory planner's count beside it
#   parity            pytest -m cuda: the CUDA variants of the parity tests (MMPretrain loss, HF,
#                     timm) and of the speed-numerics tests
#   compile-b, compile-l  the mmmae, MMPretrain and official-style steps of ViT-B and ViT-L,
#                     under torch.compile (last: the slowest to build)
#
# Output in --out: gpu_check.json (every step's status, time, command and results, rewritten after
# each step, plus the targets: met / NO / not measured) and gpu_check.log (every step's output);
# a summary table on stdout. Scratch (data, work dirs, 1.3 GB checkpoints) goes to --work
# (default: a temporary folder, removed at the end), never to --out. Exit 0 when every step is ok.
#
# --rehearse: every step on the CPU at tiny sizes (fp32), through the same commands and readers,
# in about 3 minutes; the test suite runs it (tests/tools/test_gpu_check.py). Without --wheels
# given and .whl/ absent, the installation step is skipped (the stack is already there).
set -uo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
STARTED=$(date +%s.%N)
OUT= WHEELS= PREFIX=/tmp/mmmae-site WORK= REHEARSE=() ONLY=()
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
        --out) OUT=$2; shift 2 ;;
        --wheels) WHEELS=$2; shift 2 ;;
        --prefix) PREFIX=$2; shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        --rehearse) REHEARSE=(--rehearse); shift ;;
        --only) shift; while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do ONLY+=("$1"); shift; done ;;
        *) echo "gpu_check.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [ -z "$OUT" ]; then
    echo "gpu_check.sh: --out DIR is required: where gpu_check.json and gpu_check.log go" >&2
    exit 2
fi
PYTHON=${PYTHON:-python3}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$HERE"
INSTALL=(--install-status skipped)
if [ -z "$WHEELS" ] && [ -d .whl ]; then WHEELS=.whl; fi
if [ -n "$WHEELS" ]; then
    echo "===== install: $WHEELS -> $PREFIX" >> "$OUT/gpu_check.log"
    if "$PYTHON" mmmae/benchmark/offline_install.py "$WHEELS" "$PREFIX" \
            --record "$OUT/install.json" >> "$OUT/gpu_check.log" 2>&1; then
        INSTALL=(--install-status ok --install-record "$OUT/install.json")
    else
        INSTALL=(--install-status failed)
        tail -5 "$OUT/gpu_check.log" >&2
    fi
    export PYTHONPATH="$PREFIX${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
exec "$PYTHON" -m mmmae.benchmark.gpu_check run --out "$OUT" --started "$STARTED" \
    "${INSTALL[@]}" ${WORK:+--work "$WORK"} "${REHEARSE[@]}" ${ONLY[@]:+--only "${ONLY[@]}"}
