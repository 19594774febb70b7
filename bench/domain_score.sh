#!/usr/bin/env bash
# The test score of a run's checkpoint by its domain's own eval command, on the data its config
# names, as one line: "<metric> (<lower|higher>) <model> <baseline name> <baseline>". Shared by the
# benchmarks that compare runs (bench/sharing.sh, bench/few_labels.sh).
#   bench/domain_score.sh <task> <run-dir> <part config (a domain's run config)> [<part name>]
# Text is scored on its validation split: the run's final evaluation in metrics.jsonl
# ("<part>_eval_loss" in a multi-domain run), which `eval text` cannot single out of the training
# file. Proteins are scored on the test split of all folders of data.path together.
set -euo pipefail
task=$1 run=$2 config=$3 part=${4:-}
TESSERA=${TESSERA:-build/bin/tessera}
checkpoint=$run/checkpoints/last.h5
data() { python3 -c "import yaml,sys; v=yaml.safe_load(open(sys.argv[1]))['data'][sys.argv[2]]; print(' '.join(v) if isinstance(v,list) else v)" "$config" "$1"; }
case "$task" in
  text/*)
    python3 - "$run/metrics.jsonl" "$part" <<'PY'
import json, math, sys
last = [json.loads(l) for l in open(sys.argv[1]) if "eval_loss" in l][-1]
loss = last.get(sys.argv[2] + "_eval_loss", last["eval_loss"])
print("validation_bits_per_byte (lower)", round(loss / math.log(2), 4), "- -")
PY
    ;;
  weather/*)
    # shellcheck disable=SC2046
    "$TESSERA" eval weather --no-carbon --checkpoint "$checkpoint" --lead-hours 6 --input $(data files) 2>/dev/null |
      python3 -c "import json,sys; s={x['system']:x for x in json.load(sys.stdin)['scores']}; print('rmse_6h (lower)', round(s['model']['rmse'],4), 'persistence', round(s['persistence']['rmse'],4))" ;;
  molecule/*)
    "$TESSERA" eval molecule --no-carbon --checkpoint "$checkpoint" --input "$(data path)" 2>/dev/null |
      python3 -c "import json,sys; j=json.load(sys.stdin); print('test_rmse (lower)', round(j['model']['rmse'],4), 'mean', round(j['baselines']['mean']['rmse'],4))" ;;
  protein/*)
    # shellcheck disable=SC2046
    "$TESSERA" eval protein --checkpoint "$checkpoint" --split test --input $(data path) 2>/dev/null |
      python3 -c "import json,sys; j=json.load(sys.stdin); print('test_lddt_ca (higher)', round(j['model']['mean']['lddt_ca'],4), 'separation', round(j['baseline']['mean']['lddt_ca'],4))" ;;
  *) echo "bench/domain_score.sh: no score for task $task" >&2; exit 2 ;;
esac
