#!/usr/bin/env bash
# GPU validation in one go on a GPU machine that has the project's Debian packages (a bare one
# needs bench/gpu_bundle.sh instead), sized for about 8 minutes on an H200: build with CUDA,
# run every `cuda` test (op-table parity, the golden GPT on CUDA, device optimizer, mixed
# precision), then the GPT-2 124M bf16 training benchmark and the attention benchmark, and print
# a summary. Exit status: 0 all passed, 1 a parity test failed, 2 the build or a benchmark failed.
#   bench/gpu_check.sh [extra cmake configure arguments]
# Environment: BUILD_DIR (default build-gpu), CUDA_ARCHS (default 90: H100/H200 only, to build
# fast), JOBS (default nproc), GPT_STEPS (default 8).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD=${BUILD_DIR:-build-gpu}
OUT=$BUILD/gpu_check
JOBS=${JOBS:-$(nproc)}
GPT_STEPS=${GPT_STEPS:-8}
start=$SECONDS
phase() { echo "== $* (at $((SECONDS - start)) s)" >&2; }

phase "dependencies"
# A GPU machine may have no package registry: then whatever is installed has to do, and the
# configure step below names what is missing.
scripts/setup-deps.sh >&2 || echo "gpu_check: scripts/setup-deps.sh could not install everything; trying anyway" >&2
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2

phase "configure and build with CUDA (archs ${CUDA_ARCHS:-90}, -j$JOBS)"
mkdir -p "$OUT"
if ! timeout 120 cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTESSERA_CUDA=ON -DTESSERA_MPI=OFF \
    -DCMAKE_CUDA_ARCHITECTURES="${CUDA_ARCHS:-90}" "$@" >"$OUT/configure.log" 2>&1; then
  tail -20 "$OUT/configure.log" >&2
  echo "gpu_check: configure failed (log: $OUT/configure.log)" >&2
  exit 2
fi
if ! timeout 240 cmake --build "$BUILD" -j"$JOBS" >"$OUT/build.log" 2>&1; then
  grep -E "error|Error" "$OUT/build.log" | head -30 >&2
  echo "gpu_check: build failed or ran out of time (log: $OUT/build.log)" >&2
  exit 2
fi

phase "cuda tests"
# One process per test case (a CUDA context each): several at once keep the GPU busy.
timeout 150 ctest --test-dir "$BUILD" -L cuda -j8 --timeout 120 --output-on-failure >"$OUT/ctest.log" 2>&1
tests_rc=$?
grep -q "tests passed" "$OUT/ctest.log" || tests_rc=1  # no cuda test found counts as a failure
tail -25 "$OUT/ctest.log" >&2

phase "GPT-2 124M bf16 training benchmark ($GPT_STEPS steps)"
data=/usr/share/common-licenses
[ -d "$data" ] || data=core  # any tree of text files larger than a few contexts
bench_rc=0
timeout 100 "$BUILD/bin/tessera" bench gpt --device cuda --config gpt2-124m --precision bf16 --data "$data" \
  --train-steps "$GPT_STEPS" --warmup 3 --infer-steps 5 --val-batches 2 --log-every 1 >"$OUT/gpt.json" \
  2>"$OUT/gpt.log" || bench_rc=2
tail -5 "$OUT/gpt.log" >&2

phase "attention benchmark"
attn_rc=0
if "$BUILD/bin/tessera" bench --help 2>/dev/null | grep -q "^ *attention"; then
  timeout 60 "$BUILD/bin/tessera" bench attention --device cuda >"$OUT/attention.json" 2>"$OUT/attention.log" || attn_rc=2
else
  echo "no 'tessera bench attention' in this build" >"$OUT/attention.json"
fi

phase "summary"
summarize() {  # prints the named fields of the JSON line in file $1
  python3 - "$@" <<'PY' 2>/dev/null || cat "$1"
import json, sys
path, fields = sys.argv[1], sys.argv[2:]
j = json.loads(open(path).read().strip().splitlines()[-1])
print("  " + ", ".join(f"{k}={j[k]}" for k in fields if k in j))
PY
}
echo "gpu_check summary ($((SECONDS - start)) s)"
if [ "$tests_rc" -eq 0 ]; then echo "  cuda tests: PASSED"; else echo "  cuda tests: FAILED (see $OUT/ctest.log)"; fi
grep -E "tests passed|tests failed" "$OUT/ctest.log" | sed 's/^/  /'
echo "  GPT-2 124M bf16 training:"
if [ "$bench_rc" -eq 0 ]; then
  summarize "$OUT/gpt.json" device_name precision tokens_per_s_train mfu train_step_ms_median tokens_per_s_infer loss_first loss_last
else
  echo "  FAILED (see $OUT/gpt.log)"
fi
echo "  attention:"
if [ "$attn_rc" -eq 0 ]; then sed 's/^/  /' "$OUT/attention.json"; else echo "  FAILED (see $OUT/attention.log)"; fi

[ "$tests_rc" -eq 0 ] || exit 1
[ "$bench_rc" -eq 0 ] && [ "$attn_rc" -eq 0 ] || exit 2
exit 0
