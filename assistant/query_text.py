"""Query and chunk text for retrieval: region names, the domain glossary, and the tokenizer.

Split from ``retrieval`` (search) because the tokenizer is shared by the persisted BM25 postings,
whose key includes ``tokenizer_fingerprint``: everything that decides a token lives here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path


def _region_aliases() -> dict[str, list[str]]:
    """Only regions with documents are keys (a code retrieval cannot filter on is no use here);
    see ``lexicon.aliases_by_region`` for what each one collects."""
    from assistant import lexicon

    return lexicon.aliases_by_region(lexicon.corpus_regions())


# Canonical region codes and the ways users write them (from the lexicon). Longest aliases match first.
REGION_ALIASES: dict[str, list[str]] = _region_aliases()
# Single-character abbreviations (京, 沪, 黔) are too ambiguous inside running text.
_AMBIGUOUS = {a for aliases in REGION_ALIASES.values() for a in aliases if len(a) == 1}


@lru_cache(maxsize=1)
def _alias_patterns() -> list[tuple[str, str, re.Pattern[str] | None]]:
    """(alias, code, whole-word pattern for Latin aliases), longest alias first."""
    pairs = sorted(
        ((a.lower(), code) for code, aliases in REGION_ALIASES.items() for a in aliases if a not in _AMBIGUOUS),
        key=lambda p: -len(p[0]),
    )
    return [
        (a, code, re.compile(rf"(?<![a-z0-9]){re.escape(a)}(?![a-z0-9])") if a.isascii() else None) for a, code in pairs
    ]


_STOP = set("的了吗呢吧啊呀么是在和与及或就都也还要会能可以我们你们他们这那个些有没多少什么怎么哪如何请问一下")
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def normalise_query(text: str) -> str:
    """Typos of the domain's words and traditional characters fixed (``lexicon/typos.yaml``, the
    table understanding reads), so 算力卷 in a query meets 算力券 in a clause."""
    from assistant.understand.text import fix_typos, simplify

    return fix_typos(simplify(text))


@lru_cache(maxsize=1)
def _glossary() -> list[tuple[str, list[str]]]:
    import yaml

    data = yaml.safe_load((Path(__file__).parent / "data" / "glossary.yaml").read_text(encoding="utf-8"))
    pairs = [(k.lower(), [str(t) for t in v]) for section in data.values() for k, v in section.items()]
    return sorted(pairs, key=lambda p: -len(p[0]))


def expand_query(text: str) -> str:
    """Append the policy-text words for English or colloquial terms in the query.

    Small multilingual embedders match English questions to Chinese clauses poorly and
    BM25 cannot match them at all; a domain glossary bridges both legs.
    """
    lowered = text.lower()
    extra: list[str] = []
    for term, words in _glossary():
        if term.isascii():
            found = re.search(rf"(?<![a-z]){re.escape(term)}(?![a-z])", lowered)
        else:
            found = term in lowered
        if found:
            lowered = lowered.replace(term, " ")
            extra.extend(w for w in words if w not in extra and w not in text)
    for code in regions_in(text):
        names = [a for a in REGION_ALIASES.get(code, []) if _CJK_RUN.fullmatch(a)]
        if names and names[0] not in text:
            extra.append(names[0])
    return f"{text} {' '.join(extra)}" if extra else text


def region_of(text: str) -> str | None:
    """The canonical region code named in ``text`` (or a code passed as is)."""
    found = regions_in(text)
    return found[0] if found else None


def regions_in(text: str) -> list[str]:
    """Every region named in ``text``, in order of first mention, most specific first."""
    if not text:
        return []
    lowered = text.lower().strip()
    if lowered in REGION_ALIASES:
        return [lowered]
    hits: list[tuple[int, str]] = []
    masked = lowered
    for alias, code, word in _alias_patterns():
        found = word.search(masked) if word is not None else None
        pos = found.start() if found else (masked.find(alias) if word is None else -1)
        if pos >= 0:
            hits.append((pos, code))
            masked = masked[:pos] + "\x00" * len(alias) + masked[pos + len(alias) :]
            while word is None and (pos := masked.find(alias)) >= 0:  # later mentions of the same name
                masked = masked[:pos] + "\x00" * len(alias) + masked[pos + len(alias) :]
    if not hits and lowered in {a for a in _AMBIGUOUS}:
        return [code for code, aliases in REGION_ALIASES.items() if lowered in aliases]
    seen: list[str] = []
    for _, code in sorted(hits):
        if code not in seen:
            seen.append(code)
    return seen


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.load_userdict(str(Path(__file__).parent / "data" / "user_dict.txt"))
    for _code, aliases in REGION_ALIASES.items():
        for alias in aliases:
            if _CJK_RUN.fullmatch(alias) and len(alias) > 1:
                jieba.add_word(alias, freq=2000)
    return jieba


def words(text: str) -> list[str]:
    """``text`` cut into words by the same segmenter (and user dictionary) retrieval uses."""
    return [w for w in _jieba().lcut(text) if w.strip()]


def tokenize(text: str) -> list[str]:
    """jieba search-mode words plus CJK character bigrams, lower-cased, stopwords dropped.

    Bigrams keep recall when jieba segments a query differently from the clause.
    """
    jieba = _jieba()
    text = normalise_query(text).lower()
    tokens = [t.strip() for t in jieba.lcut_for_search(text)]
    tokens = [t for t in tokens if t and not _PUNCT.match(t) and not (len(t) == 1 and t in _STOP)]
    for run in _CJK_RUN.findall(text):
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


TOKENIZER_VERSION = "1"  # bump when tokenize() changes in a way its inputs below do not show


@lru_cache(maxsize=1)
def tokenizer_fingerprint() -> str:
    """What decides a chunk's tokens besides its text; part of the persisted postings' key."""
    import hashlib
    import json

    import jieba

    here = Path(__file__).parent
    h = hashlib.sha256(f"{TOKENIZER_VERSION}|{jieba.__version__}|{''.join(sorted(_STOP))}".encode())
    for path in (here / "data" / "user_dict.txt", here / "lexicon" / "typos.yaml"):
        h.update(path.read_bytes() if path.exists() else b"-")
    h.update(json.dumps(REGION_ALIASES, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:16]
