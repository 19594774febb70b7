#!/usr/bin/env bash
# Shared by demo.sh and test.sh: make sure dependencies are installed, then configure and build
# a Release tree in build/. Extra arguments are passed to the cmake configure step.
set -euo pipefail

# Work from the repository root whatever the caller's current directory.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j"$(nproc)"
