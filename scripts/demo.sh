#!/usr/bin/env bash
# The quick start: install what is missing, build, then train a small text model on text every
# Debian machine has (/usr/share/common-licenses, from base-files), generate a sample from it and
# print its validation loss; then the weather, protein and molecule demos. Needs no downloaded or
# shared data; a few minutes each on 2 cores.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh

run=runs/demo
rm -rf "$run"  # the demo always starts fresh
echo "demo: training a 0.8M-parameter byte-level GPT on /usr/share/common-licenses (configs/text/demo.yaml)" >&2
build/bin/tessera train --config configs/text/demo.yaml --run-dir "$run"

echo "demo: a sample from the trained model:" >&2
build/bin/tessera generate --checkpoint "$run/checkpoints/last.h5" --prompt "This License" \
  --max-tokens 300 --temperature 0.8 --top-k 40 --seed 1

echo "demo: validation loss (nats per byte) on the held-out tenth of the corpus:" >&2
grep eval_loss "$run/metrics.jsonl" | tail -n 1

weather=runs/weather-demo
rm -rf "$weather"
mkdir -p "$weather"
echo "demo: 30 days of hourly 2 m temperature from Tessera's advection-diffusion model ($weather/demo.nc)" >&2
build/bin/tessera data weather-demo --output "$weather/demo.nc"
echo "demo: training a small weather model on days 1-24 (configs/weather/demo.yaml)" >&2
build/bin/tessera train --config configs/weather/demo.yaml --run-dir "$weather/run"
echo "demo: 6 h and 12 h forecasts from every hour, written as CF NetCDF ($weather/forecast.nc):" >&2
build/bin/tessera predict weather --checkpoint "$weather/run/checkpoints/last.h5" --input "$weather/demo.nc" \
  --output "$weather/forecast.nc" --steps 2
echo "demo: latitude-weighted scores on days 25-30, beside persistence and climatology:" >&2
build/bin/tessera eval weather --checkpoint "$weather/run/checkpoints/last.h5" --input "$weather/demo.nc" \
  --json "$weather/scores.json"
echo "demo: bias audit of the weather model by latitude band, hemisphere and lead ($weather/run/audit/audit.html):" >&2
build/bin/tessera audit bias --checkpoint "$weather/run/checkpoints/last.h5" --config configs/audit/weather.yaml \
  --set "data.files=[$weather/demo.nc]" --output-dir "$weather/run/audit"
echo "demo: its model card, from the checkpoint, metrics, audit and carbon report ($weather/MODEL_CARD.md):" >&2
build/bin/tessera card --checkpoint "$weather/run/checkpoints/last.h5" --output "$weather/MODEL_CARD.md"

protein=runs/protein-demo
rm -rf "$protein"
mkdir -p "$protein"
echo "demo: training a small protein structure model on t-coffee-examples' PDB files (configs/protein/demo.yaml)" >&2
build/bin/tessera train --config configs/protein/demo.yaml --run-dir "$protein/run"
echo "demo: distogram, contacts, pLDDT and a C-alpha model of 1PPG ($protein/predictions/1PPG_E.pdb, .h5):" >&2
build/bin/tessera predict protein --checkpoint "$protein/run/checkpoints/last.h5" \
  --input /usr/share/doc/t-coffee/examples/1PPG.pdb.gz --output-dir "$protein/predictions"
echo "demo: the model beside the separation-only baseline on its identity-split test chains:" >&2
build/bin/tessera eval protein --checkpoint "$protein/run/checkpoints/last.h5" \
  --input /usr/share/doc/t-coffee/examples --split test --json "$protein/scores.json"

molecule=runs/molecule-demo
rm -rf "$molecule"
mkdir -p "$molecule"
echo "demo: 1,017 ChEMBL molecules with measured activity from Debian's rdkit-data ($molecule/chembl.csv)" >&2
build/bin/tessera data molecule-demo --output "$molecule/chembl.csv"
echo "demo: training a small graph transformer on the random 80% (configs/molecule/demo.yaml)" >&2
build/bin/tessera train --config configs/molecule/demo.yaml --run-dir "$molecule/run"
echo "demo: predicted activity for every molecule of the .smi file ($molecule/predicted.csv)" >&2
build/bin/tessera predict molecule --checkpoint "$molecule/run/checkpoints/last.h5" \
  --input /usr/share/RDKit/Contrib/FreeWilson/data/CHEMBL2321810.smi --output "$molecule/predicted.csv"
echo "demo: scores on the held-out 10%, beside the mean and ridge baselines:" >&2
build/bin/tessera eval molecule --checkpoint "$molecule/run/checkpoints/last.h5" --input "$molecule/chembl.csv" \
  --json "$molecule/scores.json"

echo "demo: one evaluation suite over the four demo models (configs/eval/demo.yaml), report in runs/demo/checkpoints/eval-suite-demo/suite.html:" >&2
build/bin/tessera eval suite --checkpoint runs/demo/checkpoints/last.h5 --suite configs/eval/demo.yaml
