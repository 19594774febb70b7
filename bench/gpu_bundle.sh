#!/usr/bin/env bash
# Builds here, on a machine without a GPU, everything a bare GPU machine (CUDA toolkit and driver,
# no -dev packages, no registry) needs to check the CUDA backend in one command, and packs it into
# one folder and its gzip archive DIR.tar.gz (at most 60 MB: that is what travels): the CUDA-enabled tessera, the `cuda` test executables (stripped), every shared library
# they load that such a machine lacks, the golden fixture, a text corpus, a weather demo NetCDF, the
# two demo configs and run.sh (bench/gpu_bundle_run.sh). On the GPU machine: DIR/run.sh OUTDIR.
#   bench/gpu_bundle.sh [DIR]          (default: gpu-bundle, ignored by git)
#   bench/gpu_bundle.sh --from-build BUILD [DIR]
#                                      packs an existing CUDA build tree as it is, building nothing:
#                                      its CUDA archs, so the archive may exceed the limit, which is
#                                      then not checked (gpu_bundle_test packs the CI build so)
# oneDNN (the CPU's bf16 products) is left out of its build: 40 MB the GPU check does not use.
# Environment: BUILD_DIR (default build-gpu-bundle), CUDA_ARCHS (default 90-real: H100/H200; 80-real
# for an A100), JOBS (default 2).
# Not packed: glibc, the driver (libcuda) and the CUDA toolkit's libraries (cuBLAS/cuBLASLt, cuFFT,
# cudart, NCCL: over 1 GB); run.sh takes those from CUDA_HOME on the GPU machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
die() { echo "gpu_bundle: error: $*" >&2; exit 2; }
build=${BUILD_DIR:-build-gpu-bundle}
prebuilt=false
if [ "${1:-}" = --from-build ]; then
  [ $# -ge 2 ] || die "--from-build needs a build folder"
  build=$2 prebuilt=true
  shift 2
fi
dir=${1:-gpu-bundle}
limit_mb=60

archs=${CUDA_ARCHS:-90-real}
if $prebuilt; then
  # Without nvcc, CMake's language check leaves CMAKE_CUDA_COMPILER in the cache as ...-NOTFOUND.
  grep -E '^CMAKE_CUDA_COMPILER:' "$build/CMakeCache.txt" 2>/dev/null | grep -qv NOTFOUND ||
    die "$build: not a build tree configured with CUDA"
  # The nvcc flags sit in flags.make (Makefile generator) or build.ninja (Ninja).
  archs=$({ cat "$build"/core/CMakeFiles/*/flags.make "$build"/build.ninja 2>/dev/null || true; } | grep -oE 'code=\[[a-z]+_[0-9]+' |
    cut -d[ -f2 | sort -u | tr '\n' ' ')
else
  launchers=()
  command -v ccache >/dev/null && launchers=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
  mkdir -p "$build"
  log=$build/gpu_bundle_build.log
  { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DTESSERA_CUDA=ON -DTESSERA_DNNL=OFF \
      -DCMAKE_CUDA_ARCHITECTURES="$archs" "${launchers[@]}" &&
    cmake --build "$build" -j"${JOBS:-2}" --target tessera cuda_tests; } >"$log" 2>&1 ||
    { tail -30 "$log" >&2; die "the CUDA build failed (log: $log)"; }
fi
mapfile -t tests < "$build/cuda_tests.txt"
[ ${#tests[@]} -gt 0 ] || die "$build/cuda_tests.txt: no cuda test executable"
for t in "$build/bin/tessera" "${tests[@]}"; do [ -x "$t" ] || die "$t: not built"; done

rm -rf "$dir"
mkdir -p "$dir"/{bin,lib,tests/golden,data/text,configs}
cp "$build/bin/tessera" "$dir/bin/"
for t in "${tests[@]}"; do cp "$t" "$dir/tests/"; done
printf '%s\n' "${tests[@]##*/}" > "$dir/tests/cuda_tests.txt"

# Libraries a plain glibc + CUDA driver + toolkit machine has: everything else is packed.
provided() {
  case ${1##*/} in
    linux-vdso.so* | ld-linux*.so* | libc.so* | libm.so* | libpthread.so* | libdl.so* | librt.so* | \
    libresolv.so* | libutil.so* | libanl.so* | libcuda.so* | libnvidia-*.so*) return 0 ;;
  esac
  case $(readlink -f "$1") in /usr/local/cuda*) return 0 ;; esac
  return 1
}
toolkit_libs=()
for exe in "$dir"/bin/* "$dir"/tests/*_test; do
  while read -r name arrow path _; do
    [ "$arrow" = "=>" ] || continue
    [ "$path" != "not found" ] || die "$exe: $name not found on this machine"
    if provided "$path"; then
      case $(readlink -f "$path") in /usr/local/cuda*) toolkit_libs+=("$name") ;; esac
    elif [ ! -e "$dir/lib/$name" ]; then
      cp -L "$path" "$dir/lib/$name"
    fi
  done < <(ldd "$exe")
done
strip --strip-unneeded "$dir"/bin/* "$dir"/tests/*_test "$dir"/lib/*

cp tests/golden/*.h5 "$dir/tests/golden/"
cp /usr/share/common-licenses/* "$dir/data/text/" 2>/dev/null || cp README.md docs/*.md "$dir/data/text/"
LD_LIBRARY_PATH="$dir/lib" "$dir/bin/tessera" data weather-demo --output "$dir/data/weather-demo.nc" >/dev/null
cp configs/text/demo.yaml "$dir/configs/text-demo.yaml"
cp configs/weather/demo.yaml "$dir/configs/weather-demo.yaml"
cp bench/gpu_bundle_run.sh "$dir/run.sh"
{
  echo "tessera $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +changes), CUDA archs ${archs% }, built $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "expected from the GPU machine's CUDA toolkit (CUDA_HOME/lib64): $(printf '%s\n' "${toolkit_libs[@]}" | sort -u | tr '\n' ' ')"
  echo "opened on the first CUDA op, from the same place: $(strings -a "$build/bin/tessera" | grep -E '^libcu[A-Za-z]+\.so\.[0-9]+$' |
    grep -vxF -f <(printf '%s\n' "${toolkit_libs[@]}") | sort -u | tr '\n' ' ')"
  (cd "$dir" && find . -type f ! -name MANIFEST.txt -printf '%s %p\n' | sort -k2)
} > "$dir/MANIFEST.txt"

tar -C "$(dirname "$dir")" -czf "$dir.tar.gz" "$(basename "$dir")"
size=$(stat -c %s "$dir.tar.gz")
limit="limit $limit_mb MB"
$prebuilt && limit="archs $archs: the $limit_mb MB limit is for the default build, not checked"
echo "gpu_bundle: $dir: $(($(du -sb "$dir" | cut -f1) / 1000000)) MB in $(find "$dir" -type f | wc -l) files;" \
  "$dir.tar.gz: $((size / 1000000)) MB ($limit)"
if ! $prebuilt && [ "$size" -gt $((limit_mb * 1000000)) ]; then
  echo "gpu_bundle: the archive is over $limit_mb MB; the largest files, to drop first:" >&2
  find "$dir" -type f -printf '%s %p\n' | sort -rn | head -8 >&2
  exit 1
fi
