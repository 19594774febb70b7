#!/usr/bin/env bash
# Does pre-training help with few labels? Pre-trains the multi-domain trunk of PRETRAIN (default
# configs/multi/pretrain.yaml: text, weather, Lipophilicity; no ESOL, no protein structures), then
# trains each TARGETS part of configs/multi/realdata.yaml (ESOL, the protein identity split) on
# 10 %, 30 % and 100 % of its training labels (data.label_fraction), from scratch and fine-tuned
# (--init-from the pre-trained checkpoint, full fine-tuning), over SEEDS, and scores the test split
# with the domain's eval command. Prints one Markdown table (mean +- standard deviation over seeds).
#   env: PRE_STEPS (4000), STEPS (fine-tuning and scratch steps, 500), SEEDS ("1 2 3"),
#        FRACTIONS ("0.1 0.3 1.0"), TARGETS ("molecule protein"), OUT (runs/bench-few-labels),
#        PRETRAINED (an existing pre-trained checkpoint: skips pre-training). TARGET_CONFIG may also
#        be one domain's run config (bench/molecule_pretrain.sh: ESOL after masked-atom pre-training).
set -euo pipefail
cd "$(dirname "$0")/.."
PRETRAIN=${PRETRAIN:-configs/multi/pretrain.yaml}
TARGET_CONFIG=${TARGET_CONFIG:-configs/multi/realdata.yaml}
PRE_STEPS=${PRE_STEPS:-4000}
STEPS=${STEPS:-500}
SEEDS=${SEEDS:-1 2 3}
FRACTIONS=${FRACTIONS:-0.1 0.3 1.0}
TARGETS=${TARGETS:-molecule protein}
OUT=${OUT:-runs/bench-few-labels}
export TESSERA=${TESSERA:-build/bin/tessera}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
mkdir -p "$OUT"

quiet_train() {  # run-dir, then train flags
  local run=$1
  shift
  rm -rf "$run"
  "$TESSERA" train --run-dir "$run" --no-carbon --set training.eval_every=0 --set training.checkpoint_every=0 "$@" \
    >/dev/null 2>"$run.log"
}

if [[ -z "${PRETRAINED:-}" ]]; then
  quiet_train "$OUT/pretrain" --config "$PRETRAIN" --set training.max_steps="$PRE_STEPS"
  PRETRAINED=$OUT/pretrain/checkpoints/last.h5
fi

python3 - "$TARGET_CONFIG" "$OUT" "$STEPS" <<'PY'
import sys, yaml
config, out, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
multi = yaml.safe_load(open(config))
# A single-domain run config is one part, named by its domain (configs/molecule/esol.yaml: molecule).
parts = multi["parts"] if "parts" in multi else {multi["task"].split("/")[0]: {k: v for k, v in multi.items() if k != "training"}}
for name, part in parts.items():
    part = dict(part)
    part.pop("weight", None)
    part["training"] = dict(multi["training"], max_steps=steps)
    yaml.safe_dump(part, open(f"{out}/{name}.yaml", "w"), sort_keys=False)
PY

task_of() { python3 -c "import yaml,sys; print(yaml.safe_load(open(sys.argv[1]))['task'])" "$OUT/$1.yaml"; }

: >"$OUT/scores.txt"
for part in $TARGETS; do
  for fraction in $FRACTIONS; do
    for seed in $SEEDS; do
      for start in scratch finetuned; do
        run=$OUT/$part-$fraction-$seed-$start
        init=()
        [[ $start == finetuned ]] && init=(--init-from "$PRETRAINED")
        quiet_train "$run" --config "$OUT/$part.yaml" --set data.label_fraction="$fraction" --set training.seed="$seed" \
          "${init[@]}"
        read -r _ _ value _ <<<"$(bench/domain_score.sh "$(task_of "$part")" "$run" "$OUT/$part.yaml")"
        echo "$part $fraction $seed $start $value" >>"$OUT/scores.txt"
      done
    done
  done
done

python3 - "$OUT/scores.txt" "$PRETRAINED" "$STEPS" "$SEEDS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
metric = {"molecule": "ESOL test RMSE (lower is better)", "protein": "protein test lDDT-CA (higher is better)"}
print(f"Pre-trained: {sys.argv[2]}; {sys.argv[3]} steps per run; seeds {sys.argv[4]}\n")
print("| target | labels | from scratch | fine-tuned from the pre-trained checkpoint |")
print("|---|---|---|---|")
def cell(values):
    return f"{statistics.mean(values):.3f} +- {statistics.stdev(values):.3f}" if len(values) > 1 else f"{values[0]:.3f}"
for part in dict.fromkeys(r[0] for r in rows):
    for fraction in dict.fromkeys(r[1] for r in rows if r[0] == part):
        by = {s: [float(r[4]) for r in rows if r[0] == part and r[1] == fraction and r[3] == s] for s in ("scratch", "finetuned")}
        print(f"| {metric[part]} | {float(fraction) * 100:.0f} % | {cell(by['scratch'])} | {cell(by['finetuned'])} |")
PY
