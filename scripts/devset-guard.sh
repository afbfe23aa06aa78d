#!/usr/bin/env bash
# Parse a scored set of ../shared (devset, realdev) and score it; fail below its ratchet, which
# records the levels already reached and only ever moves up:
#   devset  -> .ci/ratchet.txt          realdev -> .ci/ratchet-realdev.txt
# A set with expected-exits.json (realdev's not-reports) must also give those exit codes.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED_DIR:-../shared}
set_name=${1:-devset}
ratchet=.ci/ratchet.txt
[ "$set_name" = devset ] || ratchet=.ci/ratchet-$set_name.txt
[ -d "$shared/$set_name/docs" ] || { echo "guard: no $shared/$set_name, skipped"; exit 0; }
pred=$(mktemp -d)
.venv/bin/ingest parse "$shared/$set_name/docs" --out "$pred" --jobs 2 || true
exits="$shared/$set_name/expected-exits.json"
if [ -f "$exits" ]; then
  python3 - "$exits" "$shared/$set_name/docs" <<'PY'
import json, subprocess, sys
expected, docs = json.load(open(sys.argv[1])), sys.argv[2]
bad = []
for name, code in expected.items():
    got = subprocess.run([".venv/bin/ingest", "parse", f"{docs}/{name}", "--json"],
                         capture_output=True).returncode
    print(f"{name}: exit {got} (expected {code})")
    bad += [name] if got != code else []
sys.exit(f"guard: wrong exit code for {', '.join(bad)}" if bad else 0)
PY
fi
args=()
while read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  args+=(--min "$line")
done < "$ratchet"
python3 "$shared/eval/score.py" --gold "$shared/$set_name/gold" --pred "$pred" "${args[@]}"
