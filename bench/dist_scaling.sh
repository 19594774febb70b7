#!/usr/bin/env bash
# Data-parallel scaling on one machine: training tokens/s on 1 rank and on 2 ranks (1 thread
# each, the same per-rank batch, so 2 ranks train twice the global batch), and how much of the
# gradient communication the backward pass hides.
#
# Hidden share: the trainer logs comm_wait_s, the time a step waits for gradient buckets after its
# backward pass (on the rank that finished last, so waiting for a slower rank is left out). With one bucket (bucket_mb huge) nothing leaves before the backward pass ends, so
# that wait is the whole exposed communication; with small buckets most of it runs during the
# backward pass. hidden = 1 - wait(small buckets) / wait(one bucket).
#
# usage: bench/dist_scaling.sh [--set key=value ...]   (extra config overrides)
#        STEPS=N (default 40), CONFIG=... (default configs/text/demo.yaml)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tessera=build/bin/tessera
[ -x "$tessera" ] || { echo "build first: scripts/build.sh" >&2; exit 2; }
steps=${STEPS:-40}
config=${CONFIG:-configs/text/demo.yaml}
mpirun=(env OMPI_MCA_mpi_yield_when_idle=1 mpirun --oversubscribe -np 2)
[ "$(id -u)" -ne 0 ] || mpirun+=(--allow-run-as-root)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common=(--config "$config" --set training.threads=1 --set training.max_steps="$steps" --set training.eval_every=0
        --set training.eval_batches=1 --set training.checkpoint_every=0 --set training.log_every=1 "$@")
quietly() { "$@" >"$out/log" 2>&1 || { cat "$out/log" >&2; exit 1; }; }
quietly "$tessera" train "${common[@]}" --run-dir "$out/one" --set training.grad_accumulation=1
quietly "${mpirun[@]}" "$tessera" train "${common[@]}" --run-dir "$out/two" --set training.grad_accumulation=2 \
  --set training.bucket_mb=1
quietly "${mpirun[@]}" "$tessera" train "${common[@]}" --run-dir "$out/two_one_bucket" --set training.grad_accumulation=2 \
  --set training.bucket_mb=65536
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
out = sys.argv[1]
def steps(run):  # training steps after the first five (warm-up), not the final evaluation line
    rows = [json.loads(l) for l in open(f"{out}/{run}/metrics.jsonl")]
    return [r for r in rows if "tokens_per_s" in r and r["step"] > 5]
def median(run, field):
    return statistics.median(r[field] for r in steps(run))
one, two = median("one", "tokens_per_s"), median("two", "tokens_per_s")
wait_buckets, wait_one_bucket = median("two", "comm_wait_s"), median("two_one_bucket", "comm_wait_s")
print(json.dumps({
    "tokens_per_s_1_rank": round(one), "tokens_per_s_2_ranks": round(two),
    "scaling_efficiency": round(two / (2 * one), 3),
    "comm_wait_s_buckets": round(wait_buckets, 5), "comm_wait_s_one_bucket": round(wait_one_bucket, 5),
    "hidden_share": round(1 - wait_buckets / wait_one_bucket, 3) if wait_one_bucket > 0 else None,
}))
PY
