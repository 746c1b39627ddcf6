"""Answer phrasings, kept as data in ``messages/zh.yaml`` and ``messages/en.yaml``.

``say(lang, key, **values)`` formats one phrasing with ``str.format``; a key missing in English
falls back to Chinese so a new phrasing can never crash an answer. Values are formatted by the
caller (money(), date_text(), names), so no number is ever produced here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_DIR = Path(__file__).parent / "messages"


@lru_cache(maxsize=2)
def _table(lang: str) -> dict[str, str]:
    path = _DIR / f"{'en' if lang == 'en' else 'zh'}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return _flatten(data)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


def say(lang: str, key: str, **values: Any) -> str:
    """The phrasing ``key`` in ``lang`` with ``values`` filled in."""
    table = _table(lang)
    template = table.get(key)
    if template is None:
        template = _table("zh").get(key)
    if template is None:
        raise KeyError(f"no phrasing {key!r}")
    return template.format(**values) if values else template


def sep(lang: str) -> str:
    """The list separator users expect: 、 in Chinese, a comma in English."""
    return ", " if lang == "en" else "、"


__all__ = ["say", "sep"]
