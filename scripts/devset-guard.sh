#!/usr/bin/env bash
# Parse ../shared/devset and score it; fail below the ratchet (.ci/ratchet.txt), which
# records the levels already reached and only ever moves up.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED_DIR:-../shared}
[ -d "$shared/devset/docs" ] || { echo "devset-guard: no $shared/devset, skipped"; exit 0; }
pred=$(mktemp -d)
.venv/bin/ingest parse "$shared/devset/docs" --out "$pred" --jobs 2 || true
args=()
while read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  args+=(--min "$line")
done < .ci/ratchet.txt
python3 "$shared/eval/score.py" --gold "$shared/devset/gold" --pred "$pred" "${args[@]}"
