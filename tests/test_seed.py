"""The seed report (the real report this product started from) parses to its expected record."""
import json
from pathlib import Path

from ingest.evaluate import score_records
from ingest.pipeline import parse_file

SEED = Path(__file__).parent / "data" / "seed"


def test_seed_matches_expected_on_every_scored_field():
    expected = json.loads((SEED / "expected.json").read_text(encoding="utf-8"))
    record = parse_file(SEED / "shilong-kjj-2024.txt").to_json_dict()
    assert record["meta"] == expected["meta"]
    assert record["tables"] == expected["tables"]
    assert record["checks"] == expected["checks"]
    summary = score_records([expected], [record])
    assert summary["section_sentences"] == 1.0
    assert summary["table_cells"] == 1.0
    assert summary["statements"]["f1"] == 1.0, record["statements"]
    assert summary["themes"]["f1"] == 1.0, record["statements"]
