#!/usr/bin/env bash
# The sanitizer pass (.ci/run runs it after scripts/test.sh): builds build-sanitize/ with GCC's
# AddressSanitizer and UndefinedBehaviorSanitizer, then runs tests under them. Any report fails the
# test whose process made it: ASan aborts on a bad access, UBSan halts on its first report,
# LeakSanitizer fails a process that leaks. A test and every `tessera` it starts are sanitized
# alike (the options below travel in the environment).
#   TESSERA_SANITIZE_LABELS="core fuzz" (default)  the in-process tests with these labels: the
#       engine's (tensors, ops, autograd, layers, optimizer, checkpoints, configs) and every
#       reader's fuzz replay, built without the whole executable so that CI's two cores finish
#   TESSERA_SANITIZE_LABELS=all                    everything but slow|cuda|mpi tests
# -O1 keeps the build and the run short; CUDA and MPI are off: no GPU runs here, and OpenMPI's own
# allocations are not ours to check. Warnings stay warnings here, even in CI: instrumented -O1 code
# makes gcc 12 warn falsely inside libstdc++ (std::function in <regex>: -Wmaybe-uninitialized);
# the normal build is the one that treats warnings as errors.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup-deps.sh
launchers=()
command -v ccache >/dev/null && launchers=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launchers[@]}" \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1" \
  "-DTESSERA_SANITIZE=address;undefined" -DTESSERA_CUDA=OFF -DTESSERA_MPI=OFF \
  -DTESSERA_WERROR=OFF >/dev/null

labels=(${TESSERA_SANITIZE_LABELS:-core fuzz})
filters=(-LE "slow|realdata|cuda|mpi")
if [ "${labels[*]}" = all ]; then
  cmake --build build-sanitize -j"$(nproc)"
  filters=(-LE "slow|cuda|mpi")
else
  cmake --build build-sanitize -j"$(nproc)" --target "${labels[@]/#/in_process_tests_}"
  filters+=(-L in-process -L "$(IFS='|'; echo "${labels[*]}")")
fi

suppressions=$PWD/tests/sanitizers
export ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$suppressions/ubsan.supp
# print_suppressions=0: the report of suppressed leaks would follow a failing run's one-line error.
export LSAN_OPTIONS=suppressions=$suppressions/lsan.supp:print_suppressions=0
exec ctest --test-dir build-sanitize --output-on-failure --no-tests=error -j2 "${filters[@]}"
