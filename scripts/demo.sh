#!/usr/bin/env bash
# Build, then train the GPT benchmark model on text every Debian machine has
# (/usr/share/common-licenses), so the demo needs no downloaded or shared data.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh

echo "demo: training the tiny GPT benchmark model for 300 steps on /usr/share/common-licenses (about a minute); loss goes to stderr, a JSON summary line follows" >&2
exec build/bin/tessera bench gpt --config tiny --train-steps 300 --warmup 3 --log-every 25 \
  --data /usr/share/common-licenses
