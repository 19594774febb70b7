#!/usr/bin/env bash
# scripts/fuzz.sh NAME SECONDS: runs the libFuzzer harness tests/fuzz/NAME_fuzz.cpp for SECONDS
# in build-fuzz/ (clang-14, ASan + UBSan, CUDA off), starting from the seeds the harness
# generates plus its committed regression inputs, and prints one summary line. New corpus
# inputs go to build-fuzz/corpus/NAME, crashing / hanging / leaking inputs to
# build-fuzz/findings/NAME/ (exit status 1 when there are any), the log to build-fuzz/findings/NAME.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh NAME SECONDS  (NAME: $(ls tests/fuzz/*_fuzz.cpp | sed 's|.*/||; s|_fuzz.cpp||' | tr '\n' ' '))" >&2
  exit 2
fi
name=$1 seconds=$2
if [ ! -f "tests/fuzz/${name}_fuzz.cpp" ]; then
  echo "fuzz: no harness tests/fuzz/${name}_fuzz.cpp" >&2
  exit 2
fi

scripts/setup-deps.sh clang-14 libclang-rt-14-dev libomp-14-dev
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    -DTESSERA_FUZZ=ON "-DTESSERA_SANITIZE=address;undefined" -DTESSERA_CUDA=OFF -DTESSERA_MPI=OFF -DTESSERA_BLAS=OFF \
    -DTESSERA_TESTS=ON
fi
cmake --build build-fuzz -j"$(nproc)" --target "${name}_fuzz" "${name}_fuzz_replay"

corpus=build-fuzz/corpus/$name findings=build-fuzz/findings/$name log=build-fuzz/findings/$name.log
mkdir -p "$corpus" "$findings"
build-fuzz/tests/fuzz/"${name}_fuzz_replay" --write-seeds "$corpus" >/dev/null
corpora=("$corpus")
[ -d "tests/fuzz/regressions/$name" ] && corpora+=("tests/fuzz/regressions/$name")

# UBSan reports stop an input (they are findings too); LSan skips only HDF5's and NetCDF's caches.
# Fork mode runs the inputs in a child process and keeps going after a crash, hang or OOM, so a
# run always takes SECONDS and collects every finding.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$PWD/tests/sanitizers/ubsan.supp
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp
status=0 started=$SECONDS
build-fuzz/tests/fuzz/"${name}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -artifact_prefix="$findings/" "${corpora[@]}" >"$log" 2>&1 || status=$?

executions=$(grep -ao '^#[0-9]*' "$log" | tail -1 | tr -d '#')
# Slow units (over 10 s once, below the hang limit) are listed apart: on a loaded machine they are
# usually the load; rerun one with build-fuzz/tests/fuzz/NAME_fuzz FILE to see.
found=$(find "$findings" -type f ! -name 'slow-unit-*' | wc -l)
slow=$(find "$findings" -type f -name 'slow-unit-*' | wc -l)
echo "fuzz $name: $((SECONDS - started)) s, ${executions:-0} executions, corpus $(find "$corpus" -type f | wc -l) inputs," \
  "$found findings and $slow slow units in $findings/ (libFuzzer exit $status, log $log)"
[ "$found" -eq 0 ] && [ "$status" -eq 0 ]
