#!/usr/bin/env bash
# Optimizer memory of the three fine-tuning modes (docs/finetuning.md) on one config: pre-trains a
# base, fine-tunes it full, frozen and lora for the same steps, and prints per mode the trainable
# values, the AdamW moment bytes the run holds (from its start line), the peak RSS of the process
# (/usr/bin/time), the checkpoint size and the final validation loss.
#   bench/finetune_memory.sh [CONFIG (configs/molecule/esol.yaml)]
#   BASE_STEPS=200 STEPS=100 RANK=8 bench/finetune_memory.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
config=${1:-configs/molecule/esol.yaml}
base_steps=${BASE_STEPS:-200}
steps=${STEPS:-100}
rank=${RANK:-8}
tessera=build/bin/tessera
[ -x "$tessera" ] || { echo "build first: scripts/build.sh" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
out=runs/finetune-memory
rm -rf "$out"
mkdir -p "$out"
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
"$tessera" train --config "$config" --no-carbon --run-dir "$out/base" --max-steps "$base_steps" > /dev/null 2> "$out/base.log"
printf '%-7s %12s %16s %12s %14s %10s\n' mode trainable moment_bytes peak_rss_mb checkpoint_kb eval_loss
for mode in full frozen lora; do
  lora=()
  [ "$mode" != lora ] || lora=(--set finetune.lora.rank="$rank")
  /usr/bin/time -v "$tessera" train --config "$config" --no-carbon --run-dir "$out/$mode" --max-steps "$steps" \
    --init-from "$out/base/checkpoints/last.h5" --set finetune.mode="$mode" "${lora[@]}" \
    > "$out/$mode.json" 2> "$out/$mode.log"
  trainable=$(sed -n 's/.* tensors (\([0-9]*\) values) train.*/\1/p' "$out/$mode.log")
  moments=$(sed -n 's/.*optimizer moments \([0-9]*\) bytes.*/\1/p' "$out/$mode.log")
  rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$out/$mode.log")
  ckpt_kb=$(( $(stat -c %s "$out/$mode/checkpoints/last.h5") / 1024 ))
  eval_loss=$(python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["eval_loss"])' "$out/$mode.json")
  printf '%-7s %12s %16s %12s %14s %10s\n' "$mode" "$trainable" "$moments" "$((rss_kb / 1024))" "$ckpt_kb" "$eval_loss"
done
