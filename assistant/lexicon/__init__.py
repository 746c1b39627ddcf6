"""Words as data: the YAML files of this package, loaded once and typed.

Understanding, retrieval and the rules read the same region table (``regions.yaml``) and the
same typo table (``typos.yaml``) through the functions here, so a new park, nickname or typo is
one line in one file and every part of the assistant sees it. Loaders are cached: the files are
read once per process.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

HERE = Path(__file__).resolve().parent
RegionKind = Literal["province", "city", "district", "zone", "national", "abroad"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubPlace(_Model):
    """A park, zone, district or landmark users name instead of the region it belongs to."""

    names: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    zone: str | None = None  # the zone's official name, for Place.zone
    admin: str | None = None  # where it lies, as an address (上海市浦东新区)


class Region(_Model):
    """One region code with every name it goes by (see the header of regions.yaml)."""

    code: str
    kind: RegionKind
    name_zh: str
    names: list[str] = Field(default_factory=list)
    abbr: list[str] = Field(default_factory=list)
    abbr_risky: list[str] = Field(default_factory=list)
    name_en: str
    aliases_en: list[str] = Field(default_factory=list)
    parent: str | None = None
    corpus: bool = False
    admin: str | None = None
    places: list[SubPlace] = Field(default_factory=list)
    voucher_names: list[str] = Field(default_factory=list)  # a voucher only this region issues (训力券)
    reading_hints: list[str] = Field(default_factory=list)  # what only this region's program is about (大模型训练)

    def chinese_names(self) -> list[str]:
        """Official name and other Chinese names of the region itself (no abbreviations)."""
        return _unique([self.name_zh, *self.names])

    def english_names(self) -> list[str]:
        return _unique([self.name_en, *self.aliases_en])

    def all_names(self) -> list[str]:
        """Every name that resolves to this code, sub-places included."""
        out = [*self.chinese_names(), *self.abbr, *self.abbr_risky, *self.english_names()]
        for p in self.places:
            out += [*p.names, *p.en]
        return _unique(out)


class Candidate(_Model):
    label: str  # as the clarification shows it: 北京市朝阳区
    code: str | None = None  # the region of this reading, when the lexicon has one


class AmbiguousName(_Model):
    """A name with several readings (经开区, Huangpu): never resolved on its own."""

    names: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    candidates: list[Candidate]
    retrieval: str | None = None  # the reading retrieval boosts (it never filters on it)


class RegionLexicon(_Model):
    regions: list[Region]
    ambiguous: list[AmbiguousName] = Field(default_factory=list)
    not_places: list[str] = Field(default_factory=list)


class Typos(_Model):
    words: dict[str, str] = Field(default_factory=dict)  # wrong -> right
    traditional: dict[str, str] = Field(default_factory=dict)  # one character -> one character


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


@lru_cache(maxsize=16)
def load_yaml(name: str) -> Any:
    """A YAML file of this package, parsed (cached: callers must not mutate the result)."""
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=32)
def patterns(name: str, key: str) -> re.Pattern[str]:
    """One list of regular expressions in a YAML file of this package, as one pattern (any case)."""
    return re.compile("|".join(load_yaml(name)[key]), re.I)


@lru_cache(maxsize=16)
def pattern_table(name: str, key: str) -> dict[str, re.Pattern[str]]:
    """A table of regular-expression lists in a YAML file of this package (label -> list), each
    list as one pattern (any case), in file order."""
    return {label: re.compile("|".join(rxs), re.I) for label, rxs in load_yaml(name)[key].items()}


@lru_cache(maxsize=1)
def region_lexicon() -> RegionLexicon:
    """regions.yaml, validated: unknown fields, unknown parents and duplicate codes fail loudly."""
    lex = RegionLexicon.model_validate(load_yaml("regions.yaml"))
    codes = [r.code for r in lex.regions]
    if len(codes) != len(set(codes)):
        raise ValueError("regions.yaml: a region code appears twice")
    for r in lex.regions:
        if r.parent is not None and r.parent not in codes:
            raise ValueError(f"regions.yaml: {r.code} has unknown parent {r.parent}")
    return lex


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Region]:
    return {r.code: r for r in region_lexicon().regions}


def regions() -> list[Region]:
    """Every region of the lexicon, in file order."""
    return list(region_lexicon().regions)


def region(code: str) -> Region | None:
    return _by_code().get(code)


def parent(code: str) -> str | None:
    r = region(code)
    return r.parent if r else None


@lru_cache(maxsize=512)
def _chain(code: str) -> tuple[str, ...]:
    out = [code]
    while (p := parent(out[-1])) is not None and p not in out:
        out.append(p)
    return tuple(out)


def chain(code: str) -> list[str]:
    """The code and every region containing it, most specific first: [beijing-etown, beijing]."""
    return list(_chain(code)) if region(code) is not None else [code]


def corpus_regions() -> list[str]:
    """Codes with documents in corpus/ (``national`` included)."""
    return [r.code for r in region_lexicon().regions if r.corpus]


def covered_regions() -> list[str]:
    """Regions with documents of their own: what a place can be mapped to (``national`` is not a
    place)."""
    return [r.code for r in region_lexicon().regions if r.corpus and r.kind != "national"]


def names_zh() -> dict[str, str]:
    """Code -> official Chinese name."""
    return {r.code: r.name_zh for r in region_lexicon().regions}


@lru_cache(maxsize=1)
def name_index() -> dict[str, str]:
    """Every unambiguous name (Chinese, abbreviations, English lower-cased, sub-places) -> code."""
    out: dict[str, str] = {}
    for r in region_lexicon().regions:
        for name in r.all_names():
            out.setdefault(name.lower() if name.isascii() else name, r.code)
    return out


def aliases_by_region(codes: list[str]) -> dict[str, list[str]]:
    """Each of ``codes`` -> every way users write it, its official name first; English names
    lower-cased. A region not in ``codes`` is an alias of the nearest region containing it that is
    (贵阳, 贵安新区 -> guizhou when guizhou is listed and they are not), parks and zones are aliases
    of their region (张江 -> shanghai), and an ambiguous name is an alias of the reading marked
    ``retrieval:`` (经开区 -> beijing-etown). Retrieval builds REGION_ALIASES from this."""

    def cased(names: list[str]) -> list[str]:
        return [n.lower() if n.isascii() else n for n in names]

    out: dict[str, list[str]] = {}
    for code in codes:
        r = region(code)
        if r is not None:
            out[code] = cased([*r.chinese_names(), *r.abbr, *r.abbr_risky, *r.english_names()])
    for r in region_lexicon().regions:
        target = next((c for c in chain(r.code) if c in out), None)
        if target is not None:
            out[target] += cased(r.all_names())
    for amb in region_lexicon().ambiguous:
        if amb.retrieval in out:
            out[amb.retrieval] += cased([*amb.names, *amb.en])
    return {code: list(dict.fromkeys(names)) for code, names in out.items()}


def ambiguous_names() -> list[AmbiguousName]:
    return list(region_lexicon().ambiguous)


def not_places() -> list[str]:
    return list(region_lexicon().not_places)


@lru_cache(maxsize=1)
def typos() -> Typos:
    """typos.yaml, validated: traditional entries must map one character to one character."""
    t = Typos.model_validate(load_yaml("typos.yaml"))
    bad = [k for k, v in t.traditional.items() if len(k) != 1 or len(v) != 1]
    if bad:
        raise ValueError(f"typos.yaml: traditional entries must be single characters: {bad}")
    return t


__all__ = [
    "AmbiguousName",
    "aliases_by_region",
    "Candidate",
    "Region",
    "RegionLexicon",
    "SubPlace",
    "Typos",
    "ambiguous_names",
    "chain",
    "corpus_regions",
    "covered_regions",
    "load_yaml",
    "name_index",
    "names_zh",
    "not_places",
    "parent",
    "patterns",
    "region",
    "region_lexicon",
    "regions",
    "typos",
]
