"""Write data/statements_written.jsonl from written.py (whole written sentences, after the taxonomy):

    python3 data/statement_bank/written_jsonl.py data/statements_written.jsonl
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from written import ROWS  # noqa: E402

import yaml  # noqa: E402

ids = [t["id"] for t in yaml.safe_load((Path(__file__).parents[2] / "config" / "themes.yaml").read_text())["themes"]]
seen = set()
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for text, label, themes, era in ROWS:
        if text in seen:
            continue
        seen.add(text)
        out.write(json.dumps({"text": text, "label": label, "themes": [t for t in ids if t in themes],
                              "format_era": era}, ensure_ascii=False) + "\n")
print(len(seen))
