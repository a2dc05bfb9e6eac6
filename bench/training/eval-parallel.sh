#!/usr/bin/env bash
# Runs the full MT-Bench evaluation as 12 parallel processes (3 splits x 3 seeds for baselines and our
# models, plus GMTRouter-faithful at the paper's 350 episodes on seed 0 of each split), then merges the
# pooled predictions into one table. Needs ~15 cores for ~10 minutes; on 2 cores run the single command
# `python -m training evaluate` instead (same numbers up to floating-point/thread nondeterminism, ~1.5 h).
# Usage: bench/training/eval-parallel.sh [dataset-file] [parts-dir] [results-dir]
set -euo pipefail
PY=${PY:-/usr/bin/python3}
DATA=${1:-training/.cache/mtbench.dataset.json}
PARTS=${2:-training/.cache/eval-parts}
RESULTS=${3:-training/results}
METHODS=random,always-best-single-model,global-bt,per-category-bt,per-user-bt,query-knn,mf-routellm,ours,ours-bilinear,ours-fullctx,ours-resptext
VARIANTS=(--variant ours-bilinear=default:model.predictor_head=bilinear_mlp
          --variant ours-fullctx=default:data.query_mode=full_context
          --variant ours-resptext=default:model.response_text=true)
[ -f "$DATA" ] || $PY -m training import mtbench --in ../shared/data/mtbench-human --out "$DATA"
mkdir -p "$PARTS"
for split in within_user held_out_questions held_out_users; do
  for seed in 0 1 2; do
    OMP_NUM_THREADS=1 timeout 570 $PY -m training evaluate --dataset "$DATA" --splits $split --seed-list $seed \
      --methods $METHODS "${VARIANTS[@]}" --threads 1 --out "$PARTS/$split-$seed" > "$PARTS/$split-$seed.log" 2>&1 &
  done
  OMP_NUM_THREADS=2 timeout 570 $PY -m training evaluate --dataset "$DATA" --splits $split --seed-list 0 \
    --methods gmtrouter-faithful --faithful-epochs 350 --faithful-seeds 1 --threads 2 --out "$PARTS/$split-faithful" > "$PARTS/$split-faithful.log" 2>&1 &
done
wait || true
$PY -m training evaluate --merge "$PARTS"/*/eval.json --out "$RESULTS"
