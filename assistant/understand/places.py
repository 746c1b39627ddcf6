"""Places in a message: districts, parks, abbreviations and English names to a ``Place``.

Administrative divisions come from JioNLP's gazetteer (the province/city/county table its
``parse_location`` matches against: every district and county to its city and province, 宝安 ->
广东省深圳市宝安区). ``parse_location`` parses one address, not a sentence, and gives a partial
answer for names with several readings (朝阳, 南山), so the spans are found here: the message is
scanned for the longest name at each position among the gazetteer's names, the lexicon's names
(``lexicon/regions.yaml``: zones, parks, nicknames, abbreviations, English names; the lexicon wins
a tie) and the lexicon's ``not_places`` (合作, 比如, 京东: skipped). Adjacent names merge when the
second lies in the first (深圳南山, 北京的朝阳, 郑州高新区). A name with several readings gets
``candidates`` and no region. Resolved places carry the lexicon codes of their chain, most
specific first, so callers map them to the regions that have documents (``covered_region``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assistant import lexicon
from assistant.lexicon import gazetteer
from assistant.lexicon.gazetteer import Reading
from assistant.understand.case import Place
from assistant.understand.mentions import PlaceMention

# What may follow a place to make a zone of it (郑州高新区, 杭州经开区).
_ZONE_SUFFIX = re.compile(
    r"(高新技术产业开发区|经济技术开发区|经济开发区|高新区|经开区|开发区|新区|自贸区|工业园区|产业园|科技园|软件园|园区)"
)
_STREET = ("路", "街", "大道", "大街", "东路", "西路", "南路", "北路", "中路", "巷")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A one-character abbreviation is a place only between these (在豫注册, 黔的, 粤、皖两地).
_ABBR_BEFORE = set("在是于从到和与及、去来至赴驻")
_ABBR_AFTER = tuple("的 地区 地 上 省 籍 企业 企 注册 和 与 及 、 两地 三地 这边 那边 一带 大湾区".split())
_FULL_SUFFIX = ("省", "市", "区", "县", "旗", "州", "盟")


@dataclass
class _Entry:
    """What a surface string can mean."""

    code: str | None = None  # a lexicon region
    sub: int | None = None  # ... reached through one of its parks or zones (index in `places`)
    readings: frozenset[Reading] = frozenset()  # gazetteer readings
    ambiguous: lexicon.AmbiguousName | None = None
    not_place: bool = False
    abbr: str | None = None  # a one-character abbreviation of this code
    risky: bool = False  # ... that is mostly an ordinary word


@dataclass
class _Match:
    start: int
    end: int
    entry: _Entry
    place: Place = field(default_factory=lambda: Place(text=""))


@dataclass
class _Index:
    names: dict[str, _Entry]
    lengths: list[int]
    english: re.Pattern[str]
    english_entries: dict[str, _Entry]
    district_codes: dict[Reading, str]
    city_codes: dict[str, str]
    province_codes: dict[str, str]


def _admin_of(r: lexicon.Region) -> str:
    if r.admin:
        return r.admin
    names = [lexicon.region(c).name_zh for c in reversed(lexicon.chain(r.code))]  # type: ignore[union-attr]
    return "".join(dict.fromkeys(names))


@lru_cache(maxsize=1)
def _index() -> _Index:
    names: dict[str, _Entry] = {}
    for name, readings in gazetteer.towns().items():  # below the counties; any county name wins
        names[name] = _Entry(readings=readings)
    for name, readings in gazetteer.names().items():
        names[name] = _Entry(readings=readings)
    english: dict[str, _Entry] = {}
    district_codes: dict[Reading, str] = {}
    city_codes: dict[str, str] = {}
    province_codes: dict[str, str] = {}
    for r in lexicon.regions():
        if r.kind == "national":
            continue
        own = _Entry(code=r.code)
        for name in r.chinese_names():
            names[name] = own
        for name in r.english_names():
            english[name.lower()] = own
        for ch in r.abbr:
            names[ch] = _Entry(code=r.code, abbr=ch)
        for ch in r.abbr_risky:
            names[ch] = _Entry(code=r.code, abbr=ch, risky=True)
        for k, sub in enumerate(r.places):
            entry = _Entry(code=r.code, sub=k)
            for name in sub.names:
                names[name] = entry
            for name in sub.en:
                english[name.lower()] = entry
        if r.kind == "province":
            province_codes[r.name_zh] = r.code
        elif r.kind == "city":
            city_codes[r.name_zh] = r.code
        elif r.kind == "district":
            district_codes[gazetteer.parse_address(_admin_of(r))] = r.code
    for amb in lexicon.ambiguous_names():
        for name in amb.names:
            names[name] = _Entry(ambiguous=amb)
        for name in amb.en:
            english[name.lower()] = _Entry(ambiguous=amb)
    for word in lexicon.not_places():
        names[word] = _Entry(not_place=True)
    alternation = "|".join(re.escape(n) for n in sorted(english, key=len, reverse=True))
    pattern = re.compile(rf"(?<![A-Za-z])({alternation})(?![A-Za-z])", re.I)
    lengths = sorted({len(n) for n in names}, reverse=True)
    return _Index(names, lengths, pattern, english, district_codes, city_codes, province_codes)


def warm_up() -> None:
    """Load JioNLP and jieba and build the tables so the first message does not pay."""
    _index()
    _jieba()
    for r in lexicon.regions():
        if r.kind != "national":
            _lexicon_place(r.code, None, "")


# ---------------------------------------------------------------- places from entries


def _code_for(reading: Reading) -> str | None:
    idx = _index()
    prov, city, county = reading
    if county and (code := idx.district_codes.get(reading)):
        return code
    if city and (code := idx.city_codes.get(city)) and lexicon.chain(code)[-1] == idx.province_codes.get(prov):
        return code
    return idx.province_codes.get(prov)


def _reduce(readings: frozenset[Reading]) -> list[Reading]:
    """The prominent readings (gazetteer.prominent), those with documents first."""
    return sorted(gazetteer.prominent(readings), key=lambda r: not _corpus_reading(r))


def _corpus_reading(reading: Reading) -> bool:
    code = _code_for(reading)
    return code is not None and any((lexicon.region(c) or _NONE).corpus for c in lexicon.chain(code))


_NONE = lexicon.Region(code="", kind="city", name_zh="", name_en="")


def _reading_place(text: str, reading: Reading) -> Place:
    prov, city, county = reading
    code = _code_for(reading)
    chain = lexicon.chain(code) if code else []
    return Place(text=text, province=prov, city=city, district=county, region=code, chain=chain)


@lru_cache(maxsize=512)
def _lexicon_place(code: str, sub_index: int | None, text: str) -> Place:
    r = lexicon.region(code)
    assert r is not None
    sub = r.places[sub_index] if sub_index is not None else None
    prov, city, county = gazetteer.parse_address(sub.admin if sub and sub.admin else _admin_of(r))
    zone = sub.zone if sub and sub.zone else (r.name_zh if r.kind == "zone" else None)
    return Place(
        text=text, province=prov, city=city, district=county, zone=zone, region=code, chain=lexicon.chain(code)
    )


def _place(text: str, entry: _Entry) -> Place:
    if entry.code is not None:
        return _lexicon_place(entry.code, entry.sub, text).model_copy(update={"text": text})
    if entry.ambiguous is not None:
        return Place(text=text, candidates=[c.label for c in entry.ambiguous.candidates])
    readings = _reduce(entry.readings)
    if len(readings) == 1:
        return _reading_place(text, readings[0])
    return Place(text=text, candidates=[gazetteer.label(r) for r in readings])


# ---------------------------------------------------------------- scanning


def _abbr_ok(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end:]
    return (not before or not _CJK.match(before) or before in _ABBR_BEFORE) and (
        not after or not _CJK.match(after[0]) or after.startswith(_ABBR_AFTER)
    )


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _word_bounds(text: str) -> set[int]:
    """Offsets where jieba's segmentation puts a word boundary."""
    bounds, pos = {0}, 0
    for word in _jieba().lcut(text, HMM=False):
        pos += len(word)
        bounds.add(pos)
    return bounds


def _short_name(entry: _Entry, name: str) -> bool:
    """A gazetteer short name (西城, 新和): a place only where it is a word of the sentence."""
    return entry.code is None and entry.ambiguous is None and not entry.not_place and not name.endswith(_FULL_SUFFIX)


def _scan_chinese(text: str) -> list[_Match]:
    idx = _index()
    out: list[_Match] = []
    bounds: set[int] | None = None
    i, n = 0, len(text)
    while i < n:
        if not _CJK.match(text[i]):
            i += 1
            continue
        entry, size = None, 0
        for length in idx.lengths:
            if i + length <= n and (e := idx.names.get(text[i : i + length])) is not None:
                entry, size = e, length
                break
        if entry is None:
            i += 1
            continue
        if entry.abbr is not None:
            run = i
            while run < n and (e := idx.names.get(text[run])) is not None and e.abbr is not None:
                run += 1
            chars = [idx.names[text[k]] for k in range(i, run)]
            whole = text.strip() == text[i:run]
            ok = whole or (_abbr_ok(text, i, run) and any(not c.risky for c in chars))
            if ok and (run - i > 1 or not chars[0].risky or whole):
                out += [_Match(k, k + 1, c) for k, c in zip(range(i, run), chars)]
            i = run
            continue
        name = text[i : i + size]
        keep = not entry.not_place and not (
            text[i + size :].startswith(_STREET) and entry.sub is None and len(name) <= 3
        )
        if keep and _short_name(entry, name):
            bounds = bounds if bounds is not None else _word_bounds(text)
            keep = i in bounds and i + size in bounds
        if keep:
            out.append(_Match(i, i + size, entry))
        i += size
    return out


def _under(child: Place, parent: Place) -> bool:
    return parent.region is not None and parent.region in child.chain


def _merge(text: str, a: _Match, b: _Match) -> _Match | None:
    """``b`` right after ``a`` (or after 的 or a space) and inside it: one place (深圳南山, 北京的朝阳,
    北京亦庄, 京 经开区)."""
    if a.place.region is None or text[a.end : b.start].strip(" ") not in ("", "的"):
        return None
    span = text[a.start : b.end]
    e = b.entry
    if e.abbr is not None:
        return None
    if e.code is not None:
        return (
            _Match(a.start, b.end, e, b.place.model_copy(update={"text": span})) if _under(b.place, a.place) else None
        )
    if e.ambiguous is not None:
        for cand in e.ambiguous.candidates:
            if cand.code and a.place.region in lexicon.chain(cand.code):
                entry = _Entry(code=cand.code)
                return _Match(a.start, b.end, entry, _place(span, entry))
        return None
    inside = frozenset(
        r
        for r in e.readings
        if r[0] == a.place.province and (a.place.city in (None, a.place.province) or r[1] == a.place.city)
    )
    if not inside:
        return None
    entry = _Entry(readings=inside)
    return _Match(a.start, b.end, entry, _place(span, entry))


# What stands between a place and its city written after it, English style ("Binhai New Area,
# Tianjin", "Gu'an (Langfang)", "Shijingshan district in Beijing").
_BEFORE_ITS_CITY = re.compile(
    r"\s*(district|new area|new district|county|city|zone|park|area|cluster|hub)?\s*[,(（]?\s*(in\s+)?", re.I
)


def _parent_after(text: str, a: _Match, b: _Match) -> bool:
    """``b`` names the region containing ``a`` right after it: one place, ``a``."""
    return (
        a.place.region is not None
        and b.place.region is not None
        and b.place.region != a.place.region
        and _under(a.place, b.place)
        and _BEFORE_ITS_CITY.fullmatch(text[a.end : b.start]) is not None
    )


def _with_zone(text: str, m: _Match) -> _Match:
    """郑州高新区, 杭州经开区: a generic zone word right after a resolved place belongs to it."""
    if m.place.region is None or m.entry.abbr is not None:
        return m
    z = _ZONE_SUFFIX.match(text, m.end)
    if not z:
        return m
    span = text[m.start : z.end()]
    return _Match(m.start, z.end(), m.entry, m.place.model_copy(update={"text": span, "zone": m.place.zone or span}))


def find_places(text: str) -> list[PlaceMention]:
    """Every place named in ``text`` (normalised), in order, with its span."""
    if not text or not text.strip():
        return []
    idx = _index()
    matches = _scan_chinese(text)
    for hit in idx.english.finditer(text):
        matches.append(_Match(hit.start(), hit.end(), idx.english_entries[hit.group(0).lower()]))
    matches.sort(key=lambda m: m.start)
    merged: list[_Match] = []
    for m in matches:
        m.place = _place(text[m.start : m.end], m.entry)
        if merged and (joined := _merge(text, merged[-1], m)) is not None:
            merged[-1] = joined
            continue
        if merged and _parent_after(text, merged[-1], m):
            continue  # "Shijingshan district, Beijing", "Gu'an (Langfang)": the city says where the first is
        if merged and m.entry.ambiguous is not None and merged[-1].end == m.start and merged[-1].place.region:
            continue  # a generic zone word after a place that did not take it
        merged.append(m)
    out: list[PlaceMention] = []
    for m in merged:
        m = _with_zone(text, m)
        out.append(PlaceMention(start=m.start, end=m.end, text=text[m.start : m.end], place=m.place))
    return out


def resolve_place(name: str) -> Place | None:
    """One name on its own (宝安, 亦庄, Zhangjiang, a region code) -> its Place, or None."""
    from assistant.understand.text import normalise

    text = normalise(name)
    if not text:
        return None
    if lexicon.region(text) is not None and lexicon.region(text).kind != "national":  # type: ignore[union-attr]
        return _lexicon_place(text, None, text)
    found = find_places(text)
    if not found:
        return None
    best = max(found, key=lambda m: m.end - m.start)
    return best.place.model_copy(update={"text": name.strip()})


def covered_region(place: Place, covered: set[str] | frozenset[str]) -> str | None:
    """The first code of the place's chain that has documents (石景山 -> beijing-shijingshan when
    that is covered, else beijing); None for an ambiguous place or one with no covered region."""
    return next((c for c in place.chain if c in covered), None)


__all__ = ["covered_region", "find_places", "resolve_place", "warm_up"]
