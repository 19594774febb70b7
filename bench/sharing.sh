#!/usr/bin/env bash
# Does sharing one trunk help? Trains the multi-domain config (default configs/multi/demo.yaml) for
# STEPS steps, and each of its parts alone (the part's own config, same model and training section)
# for the steps that part drew in the multi run (STEPS x its sampling share), then scores every
# checkpoint with the domain's own eval command on the same data. Prints one Markdown table.
#   bench/sharing.sh [multi-config] ; env: STEPS (default 2000), SEED (default 1), OUT (default runs/bench-sharing),
#   SCORE_ONLY=1 (score the runs already in OUT again, without training)
# Needs the demo data the config names (scripts/demo.sh makes the weather and molecule sets).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${1:-configs/multi/demo.yaml}
STEPS=${STEPS:-2000}
SEED=${SEED:-1}
OUT=${OUT:-runs/bench-sharing}
export TESSERA=${TESSERA:-build/bin/tessera}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
[[ -z "${SCORE_ONLY:-}" ]] && rm -rf "$OUT"
mkdir -p "$OUT"

train() {  # config run-dir steps
  [[ -n "${SCORE_ONLY:-}" ]] && return
  "$TESSERA" train --config "$1" --run-dir "$2" --no-carbon --set training.max_steps="$3" --set training.seed="$SEED" \
    --set training.eval_every=0 --set training.checkpoint_every=0 >/dev/null 2>"$2.log"
}

train "$CONFIG" "$OUT/multi" "$STEPS"
# One config per part: the part's section plus the multi run's training section.
python3 - "$CONFIG" "$OUT" "$STEPS" <<'PY'
import sys, yaml
config, out, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
multi = yaml.safe_load(open(config))
parts = multi["parts"]
t = float(multi.get("sampling_temperature", 1.0))
weights = {n: float(p.get("weight", 1.0)) ** (1.0 / t) for n, p in parts.items()}
total = sum(weights.values())
with open(f"{out}/parts.txt", "w") as listing:
    for name, part in parts.items():
        part = dict(part)
        part.pop("weight", None)
        part["training"] = multi["training"]
        yaml.safe_dump(part, open(f"{out}/{name}.yaml", "w"), sort_keys=False)
        listing.write(f"{name} {part['task']} {max(1, round(steps * weights[name] / total))}\n")
PY
while read -r name task steps; do
  train "$OUT/$name.yaml" "$OUT/$name" "$steps"
done <"$OUT/parts.txt"

echo "Sharing: $CONFIG, $STEPS multi-domain steps, seed $SEED (each single-domain run: the steps its part drew)"
echo
echo "| part | steps alone | metric | one trunk (multi) | alone | baseline |"
echo "|---|---|---|---|---|---|"
while read -r name task steps; do
  read -r metric better multi_value _ <<<"$(bench/domain_score.sh "$task" "$OUT/multi" "$OUT/$name.yaml" "$name")"
  read -r _ _ alone_value baseline_name baseline_value <<<"$(bench/domain_score.sh "$task" "$OUT/$name" "$OUT/$name.yaml" "$name")"
  [[ $baseline_name == - ]] && baseline_name="" baseline_value=""
  echo "| $name | $steps | $metric $better | $multi_value | $alone_value | $baseline_name $baseline_value |"
done <"$OUT/parts.txt"
