"""JioNLP's gazetteer of China's administrative divisions, as a name index.

JioNLP ships every province, city, district and county with its short names (宝安区 / 宝安) in
the table its ``parse_location`` matches against. ``parse_location`` reads one address; to find
places inside a sentence, and to see when a short name has several readings (朝阳: 北京市朝阳区,
吉林省长春市朝阳区, 辽宁省朝阳市), understanding needs the table itself: ``names()`` maps every
name to its readings. ``parse_address`` is ``parse_location`` for the lexicon's own addresses.
jionlp prints a banner on import and its parser is not thread-safe: both are handled here.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
from functools import lru_cache
from typing import Any

Reading = tuple[str, str | None, str | None]  # (province, city, county) as JioNLP names them

# Short names JioNLP gives zones that are generic words (高新区, 新区, 示范区): never a place alone.
GENERIC = frozenset(
    "高新区 新区 开发区 经开区 经济开发区 经济技术开发区 高新技术产业开发区 产业园 产业园区 工业园 工业园区 "
    "示范区 管理区 化工园区 园区 试验区 实验区 片区 港区 保税区 综合保税区 自贸区 医药高新区 火炬开发区".split()
)
MUNICIPALITIES = frozenset({"北京市", "上海市", "天津市", "重庆市"})
_LOCK = threading.Lock()


def jionlp() -> Any:
    """The jionlp module, imported with its banner kept off stdout (which may carry JSON)."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp as jio

    return jio


@lru_cache(maxsize=1)
def names() -> dict[str, frozenset[Reading]]:
    """Every current name and short name (two characters or more) -> its readings."""
    jio = jionlp()
    with _LOCK:
        jio.parse_location("北京")  # builds the parser's table on first use
        table = [item[:5] for item in jio.parse_location.administrative_map_list]
    out: dict[str, set[Reading]] = {}
    for _code, prov, city, county, current in table:
        if not current:  # an old name JioNLP keeps for conversion
            continue
        city_name = city[0] if city[0] and not str(city[0]).startswith("省直辖") else None
        if county[0]:
            reading: Reading = (prov[0], city_name, county[0])
            found = {county[0], county[1]}
        elif city[0]:
            reading, found = (prov[0], city_name or prov[0], None), {city[0], city[1]}
        else:
            reading, found = (prov[0], None, None), {prov[0], prov[1]}
        for name in found:
            if name and len(name) >= 2 and name not in GENERIC:
                out.setdefault(name, set()).add(reading)
    return {k: frozenset(v) for k, v in out.items()}


MAX_TOWN_READINGS = 3
# Suffixes of towns, streets and zones below a county (燕郊镇, 上地街道, 燕郊经济技术开发区).
_TOWN_SUFFIX = re.compile(
    r"(街道办事处|街道|地区办事处|民族乡|镇|乡|苏木|经济技术开发区|经济开发区|高新技术产业开发区|开发区|工业园区)$"
)


def _word_tags() -> dict[str, str]:
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return dict(jieba.posseg.dt.word_tag_tab)


@lru_cache(maxsize=1)
def towns() -> dict[str, frozenset[Reading]]:
    """Towns, streets and zones below the counties (燕郊, 角美镇), each to its county's reading.

    Users name the town their firm sits in as often as the district. Full names (角美镇) are
    kept when at most a few counties have a town of that name (the user is asked which); a short name (燕郊) only when no other town in China
    has it and jieba's dictionary tags it a place name (ns: 燕郊, 角美; 高楼 and 新集 are words, 在中
    is no word at all and would swallow "我们在中关村"), so a town never turns other words into a place."""
    jio = jionlp()
    with _LOCK:
        detail = jio.china_location_loader(detail=True)
    full: dict[str, set[Reading]] = {}
    short: dict[str, set[Reading]] = {}
    for prov, cities in detail.items():
        for city, counties in _children(cities):
            city_name = None if city.startswith("省直辖") else city
            for county, town_table in _children(counties):
                for town, _ in _children(town_table):
                    reading: Reading = (prov, city_name, county)
                    full.setdefault(town, set()).add(reading)
                    stem = _TOWN_SUFFIX.sub("", town)
                    if len(stem) >= 2 and stem != town:
                        short.setdefault(stem, set()).add(reading)
    tags = _word_tags()
    # 城关镇 is in a hundred counties: a question back listing them helps nobody, so such names stay out
    out = {k: frozenset(v) for k, v in full.items() if len(k) >= 3 and len(v) <= MAX_TOWN_READINGS}
    for stem, readings in short.items():
        if len(readings) == 1 and stem not in out and tags.get(stem, "").startswith("ns"):
            out[stem] = frozenset(readings)
    return out


def _children(table: Any) -> list[tuple[str, Any]]:
    """The named children of one level of JioNLP's nested table (keys starting _ are its data)."""
    if not isinstance(table, dict):
        return []
    return [(k, v) for k, v in table.items() if not k.startswith("_")]


@lru_cache(maxsize=256)
def parse_address(address: str) -> Reading:
    """An address (上海市浦东新区) read by JioNLP's parse_location: (province, city, county)."""
    jio = jionlp()
    with _LOCK:
        res = jio.parse_location(address)
    return (res["province"], res["city"], res["county"])


def label(reading: Reading) -> str:
    """The reading as one name: 北京市朝阳区, 辽宁省朝阳市, 江苏省南通市通州区."""
    prov, city, county = reading
    return prov + (city if city and city != prov else "") + (county or "")


def prominent(readings: frozenset[Reading]) -> list[Reading]:
    """The readings a bare name really has, by prominence: a province beats its namesakes (海南);
    a city beats the county of the same name inside it (长沙市 over 长沙县) and districts elsewhere
    (西安市 over 辽源市西安区) unless one of them is a district of a municipality (朝阳: 北京市朝阳区
    or 辽宁省朝阳市 stays open); a municipality's district beats counties elsewhere (长宁区 over
    长宁县). Several readings left: the name is ambiguous (in label order)."""
    provinces = [r for r in readings if r[1] is None and r[2] is None]
    if len(provinces) == 1:
        return provinces
    cities = {(r[0], r[1]) for r in readings if r[2] is None}
    kept = sorted((r for r in readings if r[2] is None or (r[0], r[1]) not in cities), key=label)
    city_level = [r for r in kept if r[2] is None]
    metro = [r for r in kept if r[2] is not None and r[0] in MUNICIPALITIES]
    if len(city_level) == 1 and not metro:
        return city_level
    if len(metro) == 1 and all(r == metro[0] or str(r[2]).endswith(("县", "旗")) for r in kept):
        return metro
    return kept


__all__ = ["GENERIC", "MUNICIPALITIES", "Reading", "jionlp", "label", "names", "parse_address", "prominent", "towns"]
