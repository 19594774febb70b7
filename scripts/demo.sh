#!/usr/bin/env bash
# The tour of Tessera on embedded defaults (no downloaded or shared data): install what is missing,
# build, make the demo data sets, pre-train one small trunk on four domains at once, fine-tune its
# molecule part with LoRA, predict with every domain's command, run the evaluation suite, audit the
# weather part for bias, write a model card; every run writes its carbon report. About 10 minutes
# on 2 cores; each step says where its output is.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
tessera=build/bin/tessera
# Idle OpenMP threads spin on shared cores; waiting passively keeps the tour quick there.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

weather=runs/weather-demo molecule=runs/molecule-demo multi=runs/multi-demo
rm -rf "$weather" "$molecule" "$multi"  # the tour always starts fresh
mkdir -p "$weather" "$molecule"
echo "demo: 30 days of hourly 2 m temperature from Tessera's advection-diffusion model -> $weather/demo.nc" >&2
$tessera data weather-demo --output "$weather/demo.nc"
echo "demo: 1,017 ChEMBL molecules with measured activity from Debian's rdkit-data -> $molecule/chembl.csv" >&2
$tessera data molecule-demo --output "$molecule/chembl.csv"

echo "demo: pre-training one trunk on text (/usr/share/common-licenses), weather, protein (t-coffee-examples)" \
  "and molecule batches (configs/multi/demo.yaml) -> $multi" >&2
$tessera train --config configs/multi/demo.yaml --run-dir "$multi"
checkpoint=$multi/checkpoints/last.h5
echo "demo: the one checkpoint, by part:" >&2
$tessera info --checkpoint "$checkpoint" | grep -A6 '"modules"'

echo "demo: fine-tuning the molecule part with LoRA adapters (configs/molecule/finetune-demo.yaml) -> $molecule/finetuned" >&2
$tessera train --config configs/molecule/finetune-demo.yaml --run-dir "$molecule/finetuned"

echo "demo: text part: a sample" >&2
$tessera generate --checkpoint "$checkpoint" --prompt "This License" --max-tokens 200 --temperature 0.8 --top-k 40 --seed 1
echo >&2
echo "demo: weather part: 6 h and 12 h forecasts from every hour, CF NetCDF -> $weather/forecast.nc" >&2
$tessera predict weather --checkpoint "$checkpoint" --input "$weather/demo.nc" --output "$weather/forecast.nc" --steps 2
echo "demo: protein part: distogram, contacts, pLDDT and a C-alpha model of 1PPG -> $multi/protein/ (1PPG_E.pdb, .h5)" >&2
$tessera predict protein --checkpoint "$checkpoint" --input /usr/share/doc/t-coffee/examples/1PPG.pdb.gz \
  --output-dir "$multi/protein"
echo "demo: fine-tuned molecule model: activity of every molecule of a .smi file -> $molecule/predicted.csv" >&2
$tessera predict molecule --checkpoint "$molecule/finetuned/checkpoints/last.h5" \
  --input /usr/share/RDKit/Contrib/FreeWilson/data/CHEMBL2321810.smi --output "$molecule/predicted.csv"

echo "demo: the evaluation suite, every domain beside its baselines (configs/eval/demo.yaml)" \
  "-> $multi/checkpoints/eval-suite-demo/suite.html (.md, .json)" >&2
$tessera eval suite --checkpoint "$checkpoint" --suite configs/eval/demo.yaml
echo "demo: bias audit of the weather part by latitude band, hemisphere and lead -> $multi/audit/audit.html" >&2
$tessera audit bias --checkpoint "$checkpoint" --config configs/audit/weather.yaml \
  --set "data.files=[$weather/demo.nc]" --output-dir "$multi/audit"
echo "demo: the model card, from the checkpoint, metrics, evaluations, audit and carbon report -> $multi/MODEL_CARD.md" >&2
$tessera card --checkpoint "$checkpoint" --output "$multi/MODEL_CARD.md"
echo "demo: energy and carbon: $multi/carbon.html (.md, .json, emissions.csv) over the pre-training and every" \
  "predict, eval and audit run on its checkpoint; $molecule/finetuned/carbon.html for the fine-tuning" >&2
