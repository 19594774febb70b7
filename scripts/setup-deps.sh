#!/usr/bin/env bash
# Install the Debian 12 packages Tessera's build and tests need, idempotently: only missing
# packages are installed, and when nothing is missing apt is not called at all (fast re-runs).
set -euo pipefail

# The one list of build/test dependencies (what CMakeLists.txt finds, plus git and TLS certificates).
PACKAGES=(
  g++ make cmake pkg-config          # toolchain (g++ brings libgomp for OpenMP)
  libeigen3-dev                      # Eigen 3.4
  libhdf5-dev zlib1g-dev             # checkpoints (HDF5 + zlib)
  libopenblas-openmp-dev             # OpenBLAS, OpenMP build (linked from .../openblas-openmp)
  libdnnl-dev ocl-icd-opencl-dev     # oneDNN: bf16 matrix products on the CPU (precision: bf16); its CMake config requires OpenCL, which it only recommends
  libopenmpi-dev openmpi-bin         # TESSERA_MPI=ON by default
  libcli11-dev nlohmann-json3-dev    # CLI parsing, JSON output
  libyaml-cpp-dev                    # run configs (YAML)
  libnetcdf-dev                      # weather fields (NetCDF-C, CF files)
  libgtest-dev                       # GoogleTest for tests/
  librdkit-dev libboost-dev rdkit-data  # molecules: RDKit (SMILES, SDF, descriptors; its headers need Boost); its ChEMBL demo set
  gemmi-dev tao-pegtl-dev tm-align  # proteins: gemmi (PDB/mmCIF, header-only; its mmCIF parser needs PEGTL, which gemmi-dev does not pull in); TMscore as the evaluator's oracle
  t-coffee-examples                  # proteins: PDB files for the quick start and demo
  chromium libpng-dev                # browser-labelled tests: render the HTML reports, read the screenshot
  python3-numpy                      # tests/cuda/emulation: the attention kernels replayed in NumPy (no GPU needed)
  git ca-certificates                # cloning over https
)
# Packages only some scripts need (scripts/fuzz.sh: clang and its libFuzzer runtime) come as arguments.
PACKAGES+=("$@")

# One dpkg-query call for all packages (fast); "installed" means fully installed, not just
# known or half-configured. Packages dpkg has never seen are absent from its output.
installed=" $(dpkg-query -W -f='${Package}:${db:Status-Status} ' "${PACKAGES[@]}" 2>/dev/null || true) "
missing=()
for pkg in "${PACKAGES[@]}"; do
  [[ "$installed" == *" $pkg:installed "* ]] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup-deps: installing ${missing[*]}"
# Root on a fresh minbase has no sudo; elsewhere use sudo when it exists.
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "setup-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
