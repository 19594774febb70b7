#!/usr/bin/env bash
# Shared by demo.sh and test.sh: make sure dependencies are installed, then configure and build
# a Release tree in build/. Extra arguments are passed to the cmake configure step.
# TESSERA_WERROR=ON in the environment makes compiler warnings errors (.ci/run sets it); passed
# on every run so that a build tree never keeps it from an earlier CI run.
set -euo pipefail

# Work from the repository root whatever the caller's current directory.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTESSERA_WERROR="${TESSERA_WERROR:-OFF}" "$@"
cmake --build build -j"$(nproc)"
