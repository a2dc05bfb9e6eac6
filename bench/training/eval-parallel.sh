#!/usr/bin/env bash
# Runs the full MT-Bench evaluation as parallel processes (3 splits x 3 seeds x 2 method groups, plus
# GMTRouter-faithful at the paper's 350 episodes on seed 0 of each split), then merges the pooled
# predictions into one table. Needs ~16 cores for ~10 minutes; on 2 cores use the single command
# `python -m training evaluate ...` printed in training/README.md (same protocol, hours instead of minutes).
# Usage: bench/training/eval-parallel.sh [dataset-file] [parts-dir] [results-dir]
#   STAGE=models    only the baselines and our models
#   STAGE=faithful  only gmtrouter-faithful
#   STAGE=merge     only merge parts-dir/*/eval.json into results-dir
#   (default: all three)
set -euo pipefail
PY=${PY:-/usr/bin/python3}
DATA=${1:-training/.cache/mtbench.dataset.json}
PARTS=${2:-training/.cache/eval-parts}
RESULTS=${3:-training/results}
STAGE=${STAGE:-all}
GROUP_A=random,always-best-single-model,global-bt,per-category-bt,per-user-bt,query-knn,mf-routellm,ours,ours-bilinear
GROUP_B=ours-lr2e-3,ours-h128
VARIANTS=(--variant ours-bilinear=default:model.predictor_head=bilinear_mlp
          --variant ours-lr2e-3=default:train.lr=2e-3
          --variant ours-h128=default:model.hidden=128,model.predictor_dim=128)
[ -f "$DATA" ] || $PY -m training import mtbench --in data/mtbench-human --out "$DATA"
mkdir -p "$PARTS"
for split in within_user held_out_questions held_out_users; do
  if [ "$STAGE" = all ] || [ "$STAGE" = models ]; then
    for seed in 0 1 2; do
      for g in A B; do
        methods=GROUP_$g
        OMP_NUM_THREADS=1 timeout 570 $PY -m training evaluate --dataset "$DATA" --splits $split --seed-list $seed \
          --methods ${!methods} "${VARIANTS[@]}" --threads 1 --out "$PARTS/$split-$seed-$g" > "$PARTS/$split-$seed-$g.log" 2>&1 &
      done
    done
  fi
  if [ "$STAGE" = all ] || [ "$STAGE" = faithful ]; then
    OMP_NUM_THREADS=5 timeout 570 $PY -m training evaluate --dataset "$DATA" --splits $split --seed-list 0 \
      --methods gmtrouter-faithful --faithful-epochs 350 --faithful-seeds 1 --threads 5 --out "$PARTS/$split-faithful" > "$PARTS/$split-faithful.log" 2>&1 &
  fi
done
wait || true
if [ "$STAGE" = all ] || [ "$STAGE" = merge ]; then
  $PY -m training evaluate --merge "$PARTS"/*/eval.json --out "$RESULTS"
fi
