#!/usr/bin/env bash
# Side-by-side CPU benchmark: Tessera's `bench gpt` and the tuned PyTorch reference, alternating
# in one session (these machines are noisy), then medians and Tessera/PyTorch ratios, per config
# and precision (bf16: Tessera's --precision bf16 beside torch.autocast's).
# usage: bench/compare_with_torch.sh [CONFIG...] (default: tiny small); RUNS=N (default 3);
#        PRECISIONS="fp32 bf16" (the default)
# Needs python3-torch and libopenblas0-openmp (apt-get install -y python3-torch libopenblas0-openmp).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
configs=("${@:-tiny small}")
[ $# -gt 0 ] || configs=(tiny small)
runs=${RUNS:-3}
precisions=(${PRECISIONS:-fp32 bf16})
reference=${TORCH_REF:-bench/torch_ref.py}
tessera=build/bin/tessera
[ -x "$tessera" ] || { echo "build first: scripts/build.sh" >&2; exit 2; }
[ -f "$reference" ] || { echo "no PyTorch reference at $reference (set TORCH_REF)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for config in "${configs[@]}"; do
  for ((i = 1; i <= runs; i++)); do
    for precision in "${precisions[@]}"; do
      "$tessera" bench gpt --config "$config" --threads 2 --precision "$precision" | tail -n 1 \
        >> "$out/tessera-$config-$precision.jsonl"
      LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp ATEN_CPU_CAPABILITY=avx512 \
        /usr/bin/python3 "$reference" --config "$config" --threads 2 --precision "$precision" | tail -n 1 \
        >> "$out/torch-$config-$precision.jsonl"
    done
  done
done
/usr/bin/python3 - "$out" "${#configs[@]}" "${configs[@]}" "${precisions[@]}" <<'PY'
import json, statistics, sys
out, n = sys.argv[1], int(sys.argv[2])
configs, precisions = sys.argv[3:3 + n], sys.argv[3 + n:]
fields = ["tokens_per_s_train", "tokens_per_s_infer", "peak_rss_mb", "mfu", "val_loss", "bg_cpu_frac_train"]
for config, precision in ((c, p) for c in configs for p in precisions):
    rows = {e: [json.loads(l) for l in open(f"{out}/{e}-{config}-{precision}.jsonl")] for e in ("tessera", "torch")}
    med = {e: {f: statistics.median(r[f] for r in rs) for f in fields} for e, rs in rows.items()}
    print(f"{config} {precision} ({len(rows['tessera'])} runs each, medians)")
    print(f"  {'field':<22}{'tessera':>12}{'pytorch':>12}{'ratio':>8}")
    for f in fields:
        t, p = med["tessera"][f], med["torch"][f]
        print(f"  {f:<22}{t:>12.4g}{p:>12.4g}{(t / p if p else float('nan')):>8.2f}")
PY
