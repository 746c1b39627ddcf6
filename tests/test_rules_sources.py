"""A version's status comes from evidence (issue 10): `official` only when an official source is
listed for it (a government site among its document's sources) or the text is corroborated by
two or more independent copies (confidence C2); a version known from one repost or news report
is `reported`, and the calculator says so."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from assistant.rules import calculate, load_programs

ROOT = Path(__file__).resolve().parent.parent
GOV = re.compile(r"gov\.cn|\.gov\b")


def _sources(doc_id: str) -> list[str]:
    head = (ROOT / "corpus" / f"{doc_id}.md").read_text(encoding="utf-8")[4:].split("\n---\n", 1)[0]
    return list(yaml.safe_load(head).get("sources") or [])


def test_official_status_needs_an_official_source_or_corroboration():
    wrong = []
    for pid, program in load_programs().items():
        for v in program.versions:
            if v.status != "official":
                continue
            has_gov = any(GOV.search(s) for s in _sources(v.corpus_doc))
            if not (has_gov or v.confidence == "C2"):
                wrong.append(f"{pid} {v.id} ({v.confidence}, no official source)")
    assert not wrong, wrong


def test_versions_known_only_from_one_report_are_reported():
    programs = load_programs()
    for pid in ("henan", "qingyang", "chengdu", "wuhu", "qingdao"):
        latest = max(programs[pid].versions, key=lambda v: v.effective_from)
        assert latest.status == "reported", (pid, latest.id)
    calc = calculate("henan", "8000000", "2026-11-28").as_json()
    assert calc["version_status"] == "reported"


def test_single_source_dates_are_said_to_be_so():
    programs = load_programs()
    guizhou = programs["guizhou"].versions[0]
    assert any("单一来源" in n.zh for n in guizhou.notes)
    shandong = programs["shandong"].versions[0]
    assert any("本库的理解" in n.zh for n in shandong.notes)
