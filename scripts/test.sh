#!/usr/bin/env bash
# Build, then run the test suite. Everything runs by default; optional label filters:
#   TESSERA_TEST_LABELS=regex   -> ctest -L  (only tests with a matching label)
#   TESSERA_TEST_EXCLUDE=regex  -> ctest -LE (skip tests with a matching label)
# Exits non-zero when any test fails (ctest's own exit status).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh

filters=()
if [ -n "${TESSERA_TEST_LABELS:-}" ]; then filters+=(-L "$TESSERA_TEST_LABELS"); fi
if [ -n "${TESSERA_TEST_EXCLUDE:-}" ]; then filters+=(-LE "$TESSERA_TEST_EXCLUDE"); fi

# A filter that matches no test is an error, not a silent pass.
exec ctest --test-dir build --output-on-failure --no-tests=error -j2 "${filters[@]}"
