"""What an ask is about, which voucher it names, and which articles of law it cites.

Word lists, not code: ``lexicon/topics.yaml`` says which words mean "rate", "cap", "issuer" ...,
``lexicon/vouchers.yaml`` which names mean a model voucher or a corpus voucher (with the usual
typos of 券), so a new phrasing is a new line in a YAML file. Article numbers are normalised to the
labels the corpus uses (第146条, 第 146 条, Article 146 -> 第一百四十六条), so a cited article can be
looked up by its label.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import cast

import yaml

from assistant.understand.case import VoucherType

LEXICON = Path(__file__).resolve().parent.parent / "lexicon"
TOPICS_PATH = LEXICON / "topics.yaml"
VOUCHERS_PATH = LEXICON / "vouchers.yaml"
VOUCHER_TYPES: tuple[VoucherType, ...] = (
    "compute",
    "model",
    "corpus",
    "data",
    "labelling",
    "intelligent",
    "award",
    "city_district",
    "provider",
)

_LATIN = re.compile(r"[A-Za-z]")


def _word_pattern(word: str) -> str:
    """A Chinese word matches anywhere; a Latin word or phrase only as whole words, any spacing."""
    escaped = r"\s+".join(re.escape(part) for part in word.split())
    if _LATIN.search(word):
        return rf"(?<![A-Za-z])(?<![Pp]ro-){escaped}(?![A-Za-z])"  # "pro-rate" names no rate
    return escaped


def _compile(words: list[str], patterns: list[str]) -> re.Pattern[str]:
    # longest words first, so "data-labelling voucher" is not read as a shorter name
    alternatives = [_word_pattern(w) for w in sorted(set(words), key=len, reverse=True)] + list(patterns)
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.I)


@lru_cache(maxsize=1)
def _topic_table() -> tuple[tuple[str, re.Pattern[str]], ...]:
    data = yaml.safe_load(TOPICS_PATH.read_text(encoding="utf-8")) or {}
    table = []
    for name, spec in data.items():
        words = [str(w) for w in spec.get("words") or []]
        patterns = [str(p) for p in spec.get("patterns") or []]
        table.append((str(name), _compile(words, patterns)))
    return tuple(table)


@lru_cache(maxsize=1)
def _voucher_table() -> tuple[tuple[VoucherType, re.Pattern[str]], ...]:
    data = yaml.safe_load(VOUCHERS_PATH.read_text(encoding="utf-8")) or {}
    suffixes = [str(s) for s in data.get("typo_suffixes") or []]
    table = []
    for name, names in (data.get("types") or {}).items():
        if name not in VOUCHER_TYPES:
            raise ValueError(f"{VOUCHERS_PATH}: unknown voucher type {name!r}")
        words = [str(n) for n in names]
        words += [w[:-1] + s for w in words if w.endswith("券") for s in suffixes]
        table.append((cast(VoucherType, name), _compile(words, [])))
    return tuple(table)


def topic_names() -> list[str]:
    """Every topic the lexicon defines, in file order."""
    return [name for name, _ in _topic_table()]


def topics(text: str) -> list[str]:
    """The topics an ask is about, in the order the text first mentions them."""
    found: list[tuple[int, int, str]] = []
    for order, (name, rx) in enumerate(_topic_table()):
        m = rx.search(text or "")
        if m:
            found.append((m.start(), order, name))
    return [name for _, _, name in sorted(found)]


def voucher_types(text: str) -> list[VoucherType]:
    """Every voucher type the text names, in order of first mention."""
    found: list[tuple[int, VoucherType]] = []
    for kind, rx in _voucher_table():
        m = rx.search(text or "")
        if m:
            found.append((m.start(), kind))
    return [kind for _, kind in sorted(found)]


@lru_cache(maxsize=1)
def _bought_table() -> tuple[tuple[VoucherType, re.Pattern[str]], ...]:
    data = yaml.safe_load(VOUCHERS_PATH.read_text(encoding="utf-8")) or {}
    return tuple(
        (cast(VoucherType, kind), _compile([str(w) for w in words], []))
        for kind, words in (data.get("bought") or {}).items()
    )


def bought_voucher(words_before: str) -> VoucherType:
    """The voucher that pays for what the words before an amount say was bought ("买了大模型服务"
    -> model); compute when they name compute or nothing else."""
    if re.search(r"算力|GPU|显卡|compute", words_before, re.I):
        return "compute"
    found = [(m.start(), kind) for kind, rx in _bought_table() if (m := rx.search(words_before))]
    return max(found)[1] if found else "compute"


def kinds_named(text: str) -> set[VoucherType]:
    """Every kind of purchase the words name ("语料能补多少？算力呢" -> corpus, compute)."""
    named: set[VoucherType] = {kind for kind, rx in _bought_table() if rx.search(text)}
    if re.search(r"算力|GPU|显卡|compute", text, re.I):
        named.add("compute")
    return named


def voucher_mentions(text: str) -> list[tuple[int, int]]:
    """Where each voucher name stands in the text, in order (one span per mention)."""
    spans = [(m.start(), m.end()) for _, rx in _voucher_table() for m in rx.finditer(text or "")]
    return sorted(spans)


def voucher_type(text: str) -> VoucherType:
    """The voucher the ask is about: the first one it names, else the one paying for what it says
    is bought; compute vouchers when it names neither (the programs are compute-voucher programs)."""
    named = voucher_types(text)
    # "语料采购支持标准", "模型服务按什么比例": what is bought names the voucher that pays for it
    return named[0] if named else bought_voucher(text or "")


# ---------------------------------------------------------------- article labels

_CN_NUM = "0-9零〇一二两三四五六七八九十百千"
_ZH_ARTICLES = re.compile(rf"第\s*([{_CN_NUM}]+(?:\s*[、，,和及与至到-]\s*(?:第\s*)?[{_CN_NUM}]+)*)\s*条")
_EN_ARTICLES = re.compile(r"\b(?:Art(?:icle)?s?\.?)\s*(\d+(?:\s*(?:,|and|to|-|&)\s*\d+)*)", re.I)
_NUMBER = re.compile(rf"[{_CN_NUM}]+")
# "民法典545条": users drop the 第 right after the name of a law.
_BARE_ARTICLES = re.compile(r"(?:民法典|反垄断法|条例|细则|指引|法)\s*(\d{1,4})\s*条")


def _to_int(raw: str) -> int | None:
    import cn2an

    if raw.isdigit():
        return int(raw)
    try:
        return int(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def article_number(label: str) -> int | None:
    """The number of an article label: 第一百四十六条 -> 146; None for a section ("三、")."""
    m = re.fullmatch(rf"第\s*([{_CN_NUM}]+)\s*条", label.strip())
    return _to_int(m.group(1)) if m else None


def article_label(number: int) -> str:
    """The corpus's label for an article number: 146 -> 第一百四十六条, 10 -> 第十条, 509 -> 第五百零九条."""
    import cn2an

    return f"第{cn2an.an2cn(str(number))}条"


def article_labels(text: str) -> list[str]:
    """Article labels the text names, in order, each once: 第146条, 第 146 条, 第一百四十六条,
    民法典146条, Article 146 and Art. 146 all give 第一百四十六条; "第146、154条" gives both."""
    hits: list[tuple[int, str]] = []
    for m in _ZH_ARTICLES.finditer(text or ""):
        hits += [(m.start(1) + n.start(), n.group(0)) for n in _NUMBER.finditer(m.group(1))]
    for m in _BARE_ARTICLES.finditer(text or ""):
        hits.append((m.start(1), m.group(1)))
    for m in _EN_ARTICLES.finditer(text or ""):
        hits += [(m.start(1) + n.start(), n.group(0)) for n in re.finditer(r"\d+", m.group(1))]
    out: list[str] = []
    for _, raw in sorted(hits):
        n = _to_int(raw)
        if n is not None and 0 < n < 2000:
            label = article_label(n)
            if label not in out:
                out.append(label)
    return out


__all__ = [
    "voucher_mentions",
    "bought_voucher",
    "article_label",
    "article_labels",
    "topic_names",
    "topics",
    "voucher_type",
    "voucher_types",
]
