"""Region codes used by programs and profiles, with their parents and Chinese names.

A profile's ``registered_in`` may be a code (``beijing-etown``) or a name (北京经济技术开发区,
亦庄, 浦东, Zhangjiang); ``within_region`` conditions accept a region and everything inside it.
Codes, parents and names come from ``assistant/lexicon/regions.yaml``, the table understanding
and retrieval read, so a place the assistant understands is a place the rules can place.
"""

from __future__ import annotations

from assistant import lexicon

# Code -> the code of the region containing it (beijing-etown -> beijing, shenzhen -> guangdong).
PARENTS: dict[str, str] = {r.code: r.parent for r in lexicon.regions() if r.parent is not None}

# Code -> official Chinese name.
NAMES: dict[str, str] = lexicon.names_zh()

# Every unambiguous name of a region (Chinese names, abbreviations, parks and zones, English
# names lower-cased) -> its code.
_ALIASES: dict[str, str] = lexicon.name_index()


def normalize_region(value: str) -> str:
    """Region code for a code or a name; unknown values come back lower-cased."""
    text = str(value).strip()
    if lexicon.region(text.lower()) is not None:
        return text.lower()
    code = _ALIASES.get(text.lower() if text.isascii() else text)
    return code if code is not None else text.lower().replace("_", "-").replace(" ", "-")


def ancestors(code: str) -> list[str]:
    """The code itself and every region that contains it."""
    chain = [code]
    while chain[-1] in PARENTS and PARENTS[chain[-1]] not in chain:
        chain.append(PARENTS[chain[-1]])
    return chain


def within(code: str, region: str) -> bool:
    return region in ancestors(normalize_region(code))
