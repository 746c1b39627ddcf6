"""Normalisation and language: the first step for every message.

Users type on phones: full-width digits (２００万), traditional characters (還能申請嗎), typos of the
domain's words (算力卷, 模形券). Every later step (places, money, dates, intents, retrieval) reads
the normalised text, so each of those forms is handled once, here, from ``lexicon/typos.yaml``.
Chinese punctuation (，。？！：；（）) is kept: it is how Chinese is written, and the splitter cuts on it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant import lexicon
from assistant.understand.case import Language

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
# Full-width forms that are ordinary Chinese punctuation stay as they are.
_KEEP = set("！，：；？（）")


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):  # the full-width copy of printable ASCII
        if chr(code) not in _KEEP:
            table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    table[0xFFE5] = "¥"  # full-width yen sign
    for trad, simp in lexicon.typos().traditional.items():
        table[ord(trad)] = simp
    return table


@lru_cache(maxsize=1)
def _typo_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    words = {k.lower(): v for k, v in lexicon.typos().words.items()}
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(alternation, re.I), words


# "１，２００，０００元", "10：30": full-width comma or colon between digits is a number's separator.
_DIGIT_SEP = re.compile(r"(?<=\d)[，：](?=\d)")


@lru_cache(maxsize=1)
def _traditional() -> dict[int, str]:
    return {ord(t): s for t, s in lexicon.typos().traditional.items()}


def simplify(text: str) -> str:
    """Only the traditional characters of typos.yaml to simplified (length unchanged)."""
    return text.translate(_traditional())


def fix_typos(text: str) -> str:
    """Only the typo words of typos.yaml (retrieval uses this on queries and documents alike)."""
    pattern, words = _typo_pattern()
    return pattern.sub(lambda m: words[m.group(0).lower()], text)


# "24年10月签的", "25年底", "24年在平台上用了": a year written with two digits, when what follows
# makes it a date (a month, 底/初/年中, 签, 的, 在); "为期2年" or "24个月" are not touched.
_SHORT_YEAR = re.compile(
    r"(?<![\d.第期为共])(?P<y>1[5-9]|2\d|3[0-5])\s*年(?=\s*(?:\d{1,2}\s*月|[一二三四五六七八九十]{1,2}月|底|末|初|年中|上半年|下半年|度|签|的|在|开始|起|那|用|租|买|花|我们|就))"
)


def _full_years(text: str) -> str:
    return _SHORT_YEAR.sub(lambda m: f"20{m.group('y')}年", text)


_INVISIBLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")


def normalise(text: str | None) -> str:
    """Full-width digits, letters and ASCII punctuation to ASCII, traditional domain characters
    to simplified, typos fixed, runs of spaces squeezed (newlines kept), ends stripped."""
    if not text:
        return ""
    # Lone surrogates (a broken paste) cannot even be encoded; control and zero-width characters
    # split words invisibly. Neither carries meaning, so both go before anything reads the text.
    text = _INVISIBLE.sub("", text)
    text = _DIGIT_SEP.sub(lambda m: "," if m.group(0) == "，" else ":", text)
    text = text.translate(_char_table())
    text = _full_years(fix_typos(text))
    return _SPACES.sub(" ", text).strip()


def detect_language(text: str) -> Language:
    """``zh`` when the message is mainly Chinese, ``en`` when mainly English: Chinese characters
    against Latin words, so an English question naming 北京 stays English."""
    cjk = len(_CJK.findall(text or ""))
    words = len(_LATIN_WORD.findall(text or ""))
    if cjk == 0:
        return "en" if words else "zh"
    return "zh" if cjk >= words else "en"


__all__ = ["detect_language", "fix_typos", "normalise", "simplify"]
