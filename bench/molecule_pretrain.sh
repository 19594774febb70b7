#!/usr/bin/env bash
# Does masked-atom pre-training help ESOL? Writes the SMILES of Lipophilicity and FreeSolv (not
# ESOL; ../shared/data/molecules) as runs/molecule-pretrain/corpus.smi, pre-trains
# configs/molecule/pretrain.yaml on it (no labels), then trains configs/molecule/esol.yaml (random
# split, seed 0) for STEPS steps from scratch and fine-tuned from that checkpoint, on each share of
# the training labels in FRACTIONS, and scores the test split (bench/few_labels.sh prints the table).
#   env: PRE_STEPS (1000), STEPS (1000), SEEDS ("1"), FRACTIONS ("0.1 1.0"), OUT (runs/molecule-pretrain),
#        PRETRAINED (an existing pre-trained checkpoint: skips pre-training)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=../shared/data/molecules
OUT=${OUT:-runs/molecule-pretrain}
mkdir -p "$OUT" runs/molecule-pretrain
# Lipophilicity: CMPD_CHEMBLID,exp,smiles; FreeSolv: `;`-separated, `#` comments, id then SMILES.
{
  awk -F, 'NR > 1 { print $3 " " $1 }' "$DATA/lipophilicity.csv"
  awk -F';' '!/^#/ && NF > 2 { gsub(/ /, "", $1); gsub(/ /, "", $2); print $2 " " $1 }' "$DATA/freesolv_database.txt"
} >runs/molecule-pretrain/corpus.smi
PRETRAIN=configs/molecule/pretrain.yaml TARGET_CONFIG=configs/molecule/esol.yaml TARGETS=molecule \
  PRE_STEPS=${PRE_STEPS:-1000} STEPS=${STEPS:-1000} SEEDS=${SEEDS:-1} FRACTIONS=${FRACTIONS:-0.1 1.0} OUT=$OUT \
  bench/few_labels.sh
