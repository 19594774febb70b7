#!/usr/bin/env bash
# Proves that the GPU bundle runs on a machine with none of the project's -dev packages: a fresh
# Debian 12 root (../shared/tools/fresh-machine.sh) gets the bundle's archive and, in
# /usr/local/cuda/lib64, the CUDA toolkit libraries the bundle expects from a GPU machine (its
# MANIFEST.txt names them); run.sh runs there without a GPU. Passes when no binary misses a shared
# library and every test step skips with "no CUDA device"; prints summary.json. Needs root.
#   bench/gpu_bundle_fresh_check.sh [ARCHIVE]    (default gpu-bundle.tar.gz, from bench/gpu_bundle.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
archive=$(readlink -f "${1:-gpu-bundle.tar.gz}")
fresh=${FRESH_MACHINE:-../shared/tools/fresh-machine.sh}
[ -f "$archive" ] || { echo "gpu_bundle_fresh_check: error: $archive: no such archive (run bench/gpu_bundle.sh)" >&2; exit 2; }
name=$(basename "$archive" .tar.gz)  # bench/gpu_bundle.sh names the folder inside after the archive

# fresh-machine.sh clones a git repository into the root: one holding the archive and the libraries.
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
cp "$archive" "$repo/"
mkdir "$repo/cuda-lib64"
for lib in $(tar -xzOf "$archive" "$name/MANIFEST.txt" | sed -n 2p | cut -d: -f2-); do
  cp -L "/usr/local/cuda/lib64/$lib" "$repo/cuda-lib64/"
done
git -C "$repo" init -q
git -C "$repo" add -A
git -C "$repo" -c core.compression=0 -c user.name=check -c user.email=check@localhost commit -qm bundle

bash "$fresh" "$repo" "
  mkdir -p /usr/local/cuda && mv cuda-lib64 /usr/local/cuda/lib64 && tar -xzf ${archive##*/} &&
  $name/run.sh /tmp/gpu-run 2>/dev/null
  cat /tmp/gpu-run/summary.json
  missing=\$(grep -l 'error while loading shared libraries' /tmp/gpu-run/*.log)
  unskipped=\$(grep -L 'no CUDA device' /tmp/gpu-run/test-*.log)
  [ -z \"\$missing\" ] || { echo \"FAIL: a binary misses a shared library: \$missing\"; exit 1; }
  [ -z \"\$unskipped\" ] || { echo \"FAIL: tests that did not skip for want of a device: \$unskipped\"; exit 1; }
  echo \"PASS: every binary loads; \$(ls /tmp/gpu-run/test-*.log | wc -l) test steps skipped with 'no CUDA device'\"
" 1200
