"""Places against the table in places.yaml: a district, park, abbreviation or English name in a
message becomes a Place with its province, city, district and lexicon codes; ambiguous names
come back with candidates and no region; common words are not places. Also checks the region
lexicon itself (every province-level division, the corpus regions marked, parents that exist)
and that finding places stays cheap."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant import lexicon
from assistant.understand.case import Place
from assistant.understand.places import covered_region, find_places, resolve_place
from assistant.understand.text import normalise

TABLE: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "places.yaml").read_text(encoding="utf-8"))
ROOT = Path(__file__).resolve().parents[2]

COVERED = set(
    "beijing beijing-etown beijing-shijingshan shanghai guizhou shenzhen hangzhou chengdu qingyang nanning "
    "henan zhengzhou anhui wuhu shandong langfang zhangzhou tianjin qingdao wuhan yangzhou ningxia nanjing "
    "chongqing xiamen guangzhou-huangpu suzhou".split()
)
PROVINCES = set(
    "beijing tianjin hebei shanxi neimenggu liaoning jilin heilongjiang shanghai jiangsu zhejiang anhui fujian "
    "jiangxi shandong henan hubei hunan guangdong guangxi hainan chongqing sichuan guizhou yunnan xizang shaanxi "
    "gansu qinghai ningxia xinjiang xianggang aomen taiwan".split()
)


def _check(place: Place, want: dict[str, Any], where: str) -> None:
    for key, value in want.items():
        if key == "covered":
            got: Any = covered_region(place, COVERED)
        elif key == "candidates":
            if value == []:
                assert place.candidates == [], f"{where}: candidates {place.candidates}"
                continue
            for c in value:
                assert c in place.candidates, f"{where}: {c} not among {place.candidates}"
            continue
        else:
            got = getattr(place, key)
        assert got == value, f"{where}: {key} = {got!r}, want {value!r} ({place})"


@pytest.mark.parametrize("row", TABLE["find"], ids=lambda r: r["text"][:20] or "empty")
def test_find_places(row: dict[str, Any]) -> None:
    text = normalise(row["text"])
    found = find_places(text)
    want = row["places"]
    assert len(found) == len(want), f"{row['text']}: found {[(m.text, m.place.region) for m in found]}"
    for mention, expected in zip(found, want):
        assert text[mention.start : mention.end] == mention.text
        assert mention.place.text == mention.text
        _check(mention.place, expected, row["text"])


@pytest.mark.parametrize("row", TABLE["resolve"], ids=lambda r: r["name"] or "empty")
def test_resolve_place(row: dict[str, Any]) -> None:
    place = resolve_place(row["name"])
    if row["place"] is None:
        assert place is None, place
        return
    assert place is not None, row["name"]
    _check(place, row["place"], row["name"])


def test_ambiguous_places_have_no_region() -> None:
    for row in TABLE["find"]:
        for m in find_places(normalise(row["text"])):
            if m.place.candidates:
                assert m.place.region is None and m.place.chain == [] and m.place.ambiguous


def test_table_size() -> None:
    assert len(TABLE["find"]) >= 40
    assert sum(1 for r in TABLE["find"] if not r["places"]) >= 8


# ---------------------------------------------------------------- the lexicon itself


def test_every_province_level_division() -> None:
    codes = {r.code for r in lexicon.regions() if r.kind in ("province",)}
    assert codes == PROVINCES


def test_corpus_regions_match_the_corpus() -> None:
    """The regions marked `corpus: true` are exactly those with documents in corpus/."""
    found: set[str] = set()
    for path in (ROOT / "corpus").glob("*.md"):
        head = path.read_text(encoding="utf-8").split("---")[1]
        found.add(str(yaml.safe_load(head)["region"]))
    assert set(lexicon.corpus_regions()) == found
    assert set(lexicon.covered_regions()) == COVERED


def test_parents_exist_and_chains_end_at_a_province() -> None:
    for r in lexicon.regions():
        chain = lexicon.chain(r.code)
        assert chain[0] == r.code
        if r.kind not in ("national", "abroad"):
            assert lexicon.region(chain[-1]).kind == "province", chain  # type: ignore[union-attr]


def test_program_regions_are_in_the_lexicon() -> None:
    for path in (ROOT / "assistant" / "rules" / "programs").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert lexicon.region(data["region"]) is not None, path.name


def test_no_name_means_two_regions() -> None:
    seen: dict[str, str] = {}
    for r in lexicon.regions():
        for name in r.all_names():
            assert seen.setdefault(name.lower(), r.code) == r.code, f"{name}: {seen[name.lower()]} and {r.code}"


def test_find_places_is_fast() -> None:
    find_places("预热")
    texts = [normalise(r["text"]) for r in TABLE["find"]]
    start = time.perf_counter()
    for t in texts:
        find_places(t)
    per = (time.perf_counter() - start) / len(texts)
    assert per < 0.005, f"{per * 1000:.2f} ms a message"
