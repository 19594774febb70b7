#!/usr/bin/env bash
# run.sh of the GPU bundle (bench/gpu_bundle.sh copies it in): checks a bare GPU machine in one
# command. Runs the CUDA tests (first with CUDA_LAUNCH_BLOCKING=1, then timed), the GPT-2 124M bf16
# and attention benchmarks, a short text and weather training on the GPU, and compute-sanitizer
# memcheck/racecheck on the attention and kernel tests, each under its own time limit (the limits
# add up to 465 s). A step that fails or times out does not stop the others. Writes one log per
# step and summary.json (per step: command, exit code, seconds, key numbers) into OUTDIR.
# Needs only bash and coreutils: on a machine without a GPU every step runs and the tests skip.
#   run.sh OUTDIR
# Environment: CUDA_HOME (default /usr/local/cuda; its lib64 holds cuBLAS, cuFFT and NCCL, which
# the bundle does not carry), GPT_STEPS (default 8, 3 of them warm-up).
set -u
[ $# -eq 1 ] || { echo "usage: run.sh OUTDIR" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1" && out=$(cd "$1" && pwd) || { echo "run.sh: error: $1: cannot create the folder" >&2; exit 2; }
cuda_home=${CUDA_HOME:-/usr/local/cuda}
export LD_LIBRARY_PATH="$here/lib:$cuda_home/lib64:$cuda_home/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export TESSERA_SOURCE_DIR=$here OMP_WAIT_POLICY=passive  # the golden test's fixture is in the bundle
work=$(mktemp -d)  # training runs write checkpoints: keep them out of OUTDIR
trap 'rm -rf "$work"' EXIT
tessera=$here/bin/tessera
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t_all=$(date +%s%N)
records=()

json_string() {  # a JSON string literal of $1
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "${s//$'\n'/ }"
}

# `"key": value` pairs of the numbers in a step's log, comma-separated (empty when there are none).
numbers_of() {
  local kind=$1 log=$2
  case $kind in
    gtest)  # gtest's closing lines, summed over the executable's suites
      awk '/^\[  PASSED  \]/{p+=$4} /^\[  SKIPPED \]/ && / tests?, listed below/{s+=$4}
           /^\[  FAILED  \]/ && / tests?, listed below/{f+=$4}
           /tests? from .* test suites? ran\./{gsub(/[(]/,"",$0); for(i=1;i<=NF;i++) if($(i+1)=="ms") ms=$i}
           /: Skipped$/ && !why {getline why; gsub(/["\\]/,"",why)}
           END{printf "\"passed\": %d, \"skipped\": %d, \"failed\": %d, \"ms\": %d", p, s, f, ms;
               if(why) printf ", \"skip_message\": \"%s\"", why}' "$log" ;;
    json)  # the named fields of the last JSON line; $3... are the fields
      shift 2
      local line field value sep=""
      line=$(grep '^{' "$log" | tail -1)
      for field in "$@"; do
        value=$(printf '%s' "$line" | grep -o "\"$field\":[^,}]*" | head -1 | cut -d: -f2-)
        [ -n "$value" ] && printf '%s"%s": %s' "$sep" "$field" "$value" && sep=", "
      done ;;
    attention)  # one TFLOP/s figure a shape: "seqS_dD_dtype": forward/backward/both
      grep '^{' "$log" | awk -F'[,:{}]' '{
        for(i=1;i<=NF;i++){k=$i; gsub(/"/,"",k); v[k]=$(i+1)}
        gsub(/"/,"",v["dtype"]);
        printf "%s\"seq%s_d%s_%s%s\": {\"forward_tflops\": %s, \"backward_tflops\": %s, \"forward_backward_tflops\": %s}",
          (n++ ? ", " : ""), v["seq"], v["head_dim"], v["dtype"], (v["causal"]=="true" ? "_causal" : ""),
          v["forward_tflops"], v["backward_tflops"], v["forward_backward_tflops"] }' ;;
  esac
}

# step NAME SECONDS KIND [FIELDS] -- COMMAND...: COMMAND under `timeout`, its output in OUTDIR/NAME.log.
step() {
  local name=$1 limit=$2 kind=$3; shift 3
  local fields=()
  while [ "$1" != "--" ]; do fields+=("$1"); shift; done
  shift
  echo "== $name (limit ${limit} s): $*" >&2
  local t0 rc
  t0=$(date +%s%N)
  timeout -k 2 "$limit" "$@" >"$out/$name.log" 2>&1
  rc=$?
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  { [ $rc -eq 124 ] || [ $rc -eq 137 ]; } && echo "   timed out after ${limit} s" >&2
  records+=("{\"name\": $(json_string "$name"), \"command\": $(json_string "$*"), \"exit_code\": $rc, \"timed_out\": $([ $rc -eq 124 ] || [ $rc -eq 137 ] && echo true || echo false), \"seconds\": $((ms / 1000)).$(printf %03d $((ms % 1000))), \"limit_s\": $limit, \"log\": \"$name.log\", \"numbers\": {$(numbers_of "$kind" "$out/$name.log" "${fields[@]}")}}")
}

skipped() {  # skipped NAME WHY: a step that could not run here
  echo "== $1 skipped: $2" >&2
  records+=("{\"name\": $(json_string "$1"), \"skipped\": $(json_string "$2")}")
}

step nvidia-smi 5 none -- nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv

tests=()
while read -r t; do tests+=("$t"); done < "$here/tests/cuda_tests.txt"

limit_of() {  # limit_of TEST: seconds for its blocking pass (the timed pass gets half)
  case $1 in
    op_table_cuda_test) echo 50 ;;
    flash_attention_test) echo 24 ;;
    cuda_backend_test | gpt_golden_cuda_test) echo 20 ;;
    cuda_kernels_test) echo 16 ;;
    *) echo 10 ;;
  esac
}

# Blocking launches first: a kernel fault is then reported at the launch that made it.
for t in "${tests[@]}"; do
  step "test-blocking-$t" "$(limit_of "$t")" gtest -- env CUDA_LAUNCH_BLOCKING=1 "$here/tests/$t"
done

step bench-gpt 100 json device_name precision mfu tokens_per_s_train train_step_ms_median tokens_per_s_infer loss_first loss_last val_loss -- \
  "$tessera" bench gpt --device cuda --config gpt2-124m --precision bf16 --data "$here/data/text" \
  --train-steps "${GPT_STEPS:-8}" --warmup 3 --infer-steps 5 --val-batches 2 --log-every 1
step bench-attention 40 attention -- "$tessera" bench attention --device cuda
step train-text 25 json step loss eval_loss -- "$tessera" train --config "$here/configs/text-demo.yaml" --device cuda \
  --max-steps 200 --max-minutes 0.25 --no-carbon --run-dir "$work/text" --set "data.path=$here/data/text"
step train-weather 25 json step loss eval_loss -- "$tessera" train --config "$here/configs/weather-demo.yaml" --device cuda \
  --max-steps 200 --max-minutes 0.25 --no-carbon --run-dir "$work/weather" --set "data.files=[$here/data/weather-demo.nc]"

for t in "${tests[@]}"; do
  step "test-$t" $(($(limit_of "$t") / 2)) gtest -- "$here/tests/$t"
done

sanitizer=$(command -v compute-sanitizer || echo "$cuda_home/bin/compute-sanitizer")
for tool in memcheck racecheck; do
  for t in flash_attention_test cuda_kernels_test; do
    if [ ! -x "$sanitizer" ]; then skipped "$tool-$t" "no compute-sanitizer"; continue; fi
    step "$tool-$t" 15 gtest -- "$sanitizer" --tool "$tool" --error-exitcode 3 "$here/tests/$t"
  done
done

ms=$(( ($(date +%s%N) - t_all) / 1000000 ))
{
  printf '{"bundle": %s, "started": "%s", "seconds": %d.%03d, "steps": [\n' \
    "$(json_string "$(head -1 "$here/MANIFEST.txt" 2>/dev/null)")" "$started" $((ms / 1000)) $((ms % 1000))
  for i in "${!records[@]}"; do
    printf '  %s%s\n' "${records[$i]}" "$([ "$i" -lt $((${#records[@]} - 1)) ] && echo ,)"
  done
  printf ']}\n'
} >"$out/summary.json"
echo "run.sh: $((ms / 1000)) s; logs and summary.json in $out" >&2
