#!/usr/bin/env bash
# Molecules per second and peak memory of `tessera predict molecule` on a library of N SMILES
# (ESOL's 1,128 repeated; each row its own id), to check that prediction streams.
#   bench/molecule_predict_throughput.sh CHECKPOINT [N (100000)]; env FORMAT: csv (default) or h5, the output's
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
checkpoint=$1
n=${2:-100000}
out=runs/molecule-throughput
mkdir -p "$out"
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
python3 - "$n" "$out/library.csv" <<'PY'
import csv, sys
n, path = int(sys.argv[1]), sys.argv[2]
rows = list(csv.DictReader(open("../shared/data/molecules/esol_delaney-processed.csv")))
with open(path, "w") as f:
    f.write("id,smiles\n")
    for i in range(n):
        f.write("m%d,%s\n" % (i, rows[i % len(rows)]["smiles"].strip()))
PY
/usr/bin/time -f "bench: peak memory %M KiB, wall %e s" build/bin/tessera predict molecule --no-carbon \
  --checkpoint "$checkpoint" --input "$out/library.csv" --output "$out/predicted.${FORMAT:-csv}" --id-column id --smiles-column smiles
