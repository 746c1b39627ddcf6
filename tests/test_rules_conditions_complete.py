"""A rules file that says its conditions are published in full must encode every condition its
document lists (issue 10): otherwise a profile is called "eligible" without being asked."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.chunking import chunk_document
from assistant.ingest import load_file
from assistant.rules import load_programs

ROOT = Path(__file__).resolve().parent.parent
LISTED = yaml.safe_load((ROOT / "tests" / "fixtures" / "listed_conditions.yaml").read_text(encoding="utf-8"))


def test_every_program_claiming_full_conditions_has_its_listed_conditions_encoded():
    programs = load_programs()
    full = {pid for pid, p in programs.items() if getattr(p, "conditions_published", None) == "full"}
    assert full, "no program claims full conditions: the check would be empty"
    assert full <= set(LISTED), f"programs claiming full conditions with no listed-conditions row: {full - set(LISTED)}"
    for pid in sorted(full):
        program = programs[pid]
        clauses = {c.locator: c.text for c in chunk_document(load_file(ROOT / "corpus" / f"{program.corpus_doc}.md"))}
        ids = {c.id for c in program.conditions}
        for row in LISTED[pid]:
            assert row["phrase"] in clauses[row["clause"]], (pid, row)  # the document does list it
            assert row["condition"] in ids, f"{pid}: '{row['phrase']}' ({row['clause']}) is not encoded"
