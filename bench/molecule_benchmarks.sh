#!/usr/bin/env bash
# Trains and scores the molecule configs on ../shared/data the MoleculeNet way: each data set, each
# split, each seed (the split seed and the training seed together), then prints test RMSE as mean
# and standard deviation beside the mean predictor and the better ridge baseline on the same splits.
#   bench/molecule_benchmarks.sh [datasets (esol freesolv lipophilicity)] [splits (random scaffold)] [seeds (0 1 2)]
#   MAX_STEPS=1000 bench/molecule_benchmarks.sh esol random 0     # shorter runs
#   SET=model.conformer=true OUT=runs/molecule-bench-conformer bench/molecule_benchmarks.sh esol   # one more --set
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
datasets=(${1:-esol freesolv lipophilicity})
splits=(${2:-random scaffold})
seeds=(${3:-0 1 2})
tessera=${TESSERA:-build/bin/tessera}
out=${OUT:-runs/molecule-bench}
mkdir -p "$out"
# Idle OpenMP threads sleep instead of spinning: on shared cores spinning costs most of the time.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
for d in "${datasets[@]}"; do
  for s in "${splits[@]}"; do
    for seed in "${seeds[@]}"; do
      run="$out/$d-$s-$seed"
      rm -rf "$run"
      extra=()
      [[ -n "${MAX_STEPS:-}" ]] && extra+=(--set "training.max_steps=$MAX_STEPS")
      [[ -n "${SET:-}" ]] && extra+=(--set "$SET")
      start=$(date +%s)
      "$tessera" train --config "configs/molecule/$d.yaml" --run-dir "$run" --no-carbon \
        --set "data.split=$s" --set "data.split_seed=$seed" --set "training.seed=$((seed + 1))" "${extra[@]}" >/dev/null
      seconds=$(( $(date +%s) - start ))
      input=$(grep -m1 '^  path:' "$run/config.yaml" | sed 's/^  path: *//; s/^"//; s/"$//')
      "$tessera" eval molecule --checkpoint "$run/checkpoints/last.h5" --input "$input" --no-carbon \
        --json "$run/scores.json" >/dev/null 2>&1
      echo "$d $s $seed $seconds" >"$run/wall_seconds"
      echo "bench: $d $s seed $seed: $(python3 -c "import json;j=json.load(open('$run/scores.json'));print('model %.3f mean %.3f ridge_morgan %.3f ridge_descriptors %.3f' % (j['model']['rmse'], j['baselines']['mean']['rmse'], j['baselines']['ridge_morgan']['rmse'], j['baselines']['ridge_descriptors']['rmse']))") (${seconds} s training)" >&2
    done
  done
done
python3 - "$out" "${datasets[*]}" "${splits[*]}" "${seeds[*]}" <<'PY'
import json, statistics, sys
out, datasets, splits, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
def ms(v): return "%.3f +- %.3f" % (statistics.mean(v), statistics.stdev(v) if len(v) > 1 else 0.0)
print("| data | split | seeds | model RMSE | mean | ridge Morgan | ridge descriptors |")
print("|---|---|---|---|---|---|---|")
for d in datasets:
    for s in splits:
        js = [json.load(open(f"{out}/{d}-{s}-{seed}/scores.json")) for seed in seeds]
        col = lambda f: ms([f(j) for j in js])
        print(f"| {d} | {s} | {len(js)} | {col(lambda j: j['model']['rmse'])} | {col(lambda j: j['baselines']['mean']['rmse'])} "
              f"| {col(lambda j: j['baselines']['ridge_morgan']['rmse'])} | {col(lambda j: j['baselines']['ridge_descriptors']['rmse'])} |")
PY
