#!/usr/bin/env bash
# Does sharing one trunk help? Trains the multi-domain config (default configs/multi/demo.yaml) for
# STEPS steps, and each of its parts alone (the part's own config, same model and training section)
# for the steps that part drew in the multi run (STEPS x its sampling share), then scores every
# checkpoint with the domain's own eval command on the same data. Prints one Markdown table.
#   bench/sharing.sh [multi-config] ; env: STEPS (default 2000), SEED (default 1), OUT (default runs/bench-sharing)
# Needs the demo data the config names (scripts/demo.sh makes the weather and molecule sets).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${1:-configs/multi/demo.yaml}
STEPS=${STEPS:-2000}
SEED=${SEED:-1}
OUT=${OUT:-runs/bench-sharing}
TESSERA=${TESSERA:-build/bin/tessera}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
rm -rf "$OUT" && mkdir -p "$OUT"

train() {  # config run-dir steps
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

# The domain's own score of a run's checkpoint, as "metric better value [baseline value]"; text
# scores its validation split (the final evaluation in metrics.jsonl; "<part>_eval_loss" in a
# multi-domain run), which `eval text` cannot single out of the training file.
score() {  # task run-dir config part
  local task=$1 checkpoint=$2/checkpoints/last.h5 config=$3
  case "$task" in
    text/*)
      python3 - "$2/metrics.jsonl" "$4" <<'PY'
import json, math, sys
last = [json.loads(l) for l in open(sys.argv[1]) if "eval_loss" in l][-1]
loss = last.get(sys.argv[2] + "_eval_loss", last["eval_loss"])
print("validation_bits_per_byte (lower)", round(loss / math.log(2), 4), "-")
PY
      ;;
    weather/*)
      "$TESSERA" eval weather --no-carbon --checkpoint "$checkpoint" --lead-hours 6 \
        --input $(python3 -c "import yaml,sys; print(' '.join(yaml.safe_load(open(sys.argv[1]))['data']['files']))" "$config") 2>/dev/null |
        python3 -c "import json,sys; s={x['system']:x for x in json.load(sys.stdin)['scores']}; print('rmse_6h (lower)', round(s['model']['rmse'],4), 'persistence', round(s['persistence']['rmse'],4))" ;;
    molecule/*)
      "$TESSERA" eval molecule --no-carbon --checkpoint "$checkpoint" \
        --input "$(python3 -c "import yaml,sys; print(yaml.safe_load(open(sys.argv[1]))['data']['path'])" "$config")" 2>/dev/null |
        python3 -c "import json,sys; j=json.load(sys.stdin); print('test_rmse (lower)', round(j['model']['rmse'],4), 'mean', round(j['baselines']['mean']['rmse'],4))" ;;
    protein/*)
      "$TESSERA" eval protein --checkpoint "$checkpoint" --split test \
        --input "$(python3 -c "import yaml,sys; p=yaml.safe_load(open(sys.argv[1]))['data']['path']; print(p if isinstance(p,str) else p[0])" "$config")" 2>/dev/null |
        python3 -c "import json,sys; j=json.load(sys.stdin); print('test_lddt_ca (higher)', round(j['model']['mean']['lddt_ca'],4), 'separation', round(j['baseline']['mean']['lddt_ca'],4))" ;;
  esac
}

echo "Sharing: $CONFIG, $STEPS multi-domain steps, seed $SEED (each single-domain run: the steps its part drew)"
echo
echo "| part | steps alone | metric | one trunk (multi) | alone | baseline |"
echo "|---|---|---|---|---|---|"
while read -r name task steps; do
  read -r metric better multi_value _ <<<"$(score "$task" "$OUT/multi" "$OUT/$name.yaml" "$name")"
  read -r _ _ alone_value baseline_name baseline_value <<<"$(score "$task" "$OUT/$name" "$OUT/$name.yaml" "$name")"
  echo "| $name | $steps | $metric $better | $multi_value | $alone_value | ${baseline_name:-} ${baseline_value:-} |"
done <"$OUT/parts.txt"
