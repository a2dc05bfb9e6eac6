#!/usr/bin/env bash
# Checks training/ on a CUDA machine that has no Node (so nothing can be embedded there): the tests that
# need no Node, the training time on cuda vs the same machine's CPU, and the evaluation metrics of `ours`
# on seed 0 trained on cuda vs on the CPU (same splits, same seed).
# Needs what `python -m training import mtbench` wrote on a machine with Node: training/.cache (the dataset
# file and the embedding cache); the MT-Bench folder travels with the repository (data/mtbench-human).
# Usage: bench/training/gpu-check.sh OUT_DIR   (writes 8 files: env, pytest, bench and eval results)
set -uo pipefail
PY=${PY:-python3}
OUT=${1:?usage: gpu-check.sh OUT_DIR}
DATA=training/.cache/mtbench.dataset.json
WORK=$(mktemp -d)
mkdir -p "$OUT"
{ $PY -c "import sys, torch; print('python', sys.version.split()[0], 'torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.is_available() and torch.cuda.get_device_name(0))"
  nproc; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; } 2>&1 | tee "$OUT/env.txt"

$PY -m pytest test/training -q -p no:cacheprovider 2>&1 | tail -20 | tee "$OUT/pytest.txt"

# timings one after the other, nothing else running
$PY bench/training/bench_train.py --device cuda | tee "$OUT/bench-cuda.json"
$PY bench/training/bench_train.py --device cpu | tee "$OUT/bench-cpu.json"

# seed 0, all splits: cuda in one process; the CPU in one single-threaded process per split, then merged
eval_args=(--dataset "$DATA" --seed-list 0 --methods ours --bootstrap 500)
$PY -m training evaluate "${eval_args[@]}" --device cuda --out "$WORK/cuda" > "$WORK/cuda.log" 2>&1 &
for split in within_user held_out_questions held_out_users; do
  OMP_NUM_THREADS=1 $PY -m training evaluate "${eval_args[@]}" --splits $split --threads 1 --device cpu --out "$WORK/cpu-$split" > "$WORK/cpu-$split.log" 2>&1 &
done
wait
$PY -m training evaluate --merge "$WORK"/cpu-*/eval.json --out "$WORK/cpu" > /dev/null
for d in cuda cpu; do cp "$WORK/$d/eval.md" "$OUT/eval-$d.md"; cp "$WORK/$d/eval.json" "$OUT/eval-$d.json"; done
tail -3 "$WORK"/*.log
cat "$OUT/eval-cuda.md" "$OUT/eval-cpu.md"
