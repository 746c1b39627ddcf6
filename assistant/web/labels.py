"""The pages' wording, read from ``labels.yaml``: choices, examples and messages live in data so
a maintainer changes what users read without touching page code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

LABELS_FILE = Path(__file__).with_name("labels.yaml")

Choice = tuple[str, str]  # (label shown, value sent)


class CardLabels(BaseModel):
    """Words of the answer card in one language: verdicts, version statuses, section titles."""

    verdict: dict[str, str]
    version_status: dict[str, str]
    period_ended: str
    no_amount: str
    total: str
    trace: str
    conditions: str
    notes: str
    full: str
    condition_status: dict[str, str]
    version: str


class WebLabels(BaseModel):
    """Everything ``labels.yaml`` holds, validated once at start-up."""

    examples: list[str]
    bool_choices: list[Choice]
    status_choices: list[Choice]
    confidence_choices: list[Choice]
    messages: dict[str, str] = Field(default_factory=dict)
    card: dict[str, CardLabels]
    facts: dict[str, tuple[str, str]] = Field(default_factory=dict)
    choices: dict[str, tuple[str, str]] = Field(default_factory=dict)
    caps: dict[str, tuple[str, str]] = Field(default_factory=dict)

    def card_for(self, lang: str) -> CardLabels:
        return self.card.get(lang) or self.card["zh"]


@lru_cache(maxsize=1)
def labels() -> WebLabels:
    return WebLabels.model_validate(yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8")))


def msg(key: str, **values: object) -> str:
    """A message of the pages by key, with ``{name}`` fields filled in."""
    text = labels().messages.get(key, key)
    return text.format(**values) if values else text


def _pick(pair: tuple[str, str] | None, lang: str, fallback: str) -> str:
    if not pair:
        return fallback
    return pair[1] if lang == "en" else pair[0]


def fact_label(name: str, lang: str = "zh") -> str:
    """A fact's name in words; an unknown fact shows as a neutral phrase, never as its code."""
    return _pick(labels().facts.get(name), lang, "其他信息" if lang != "en" else "other information")


def choice_label(code: str, lang: str = "zh") -> str:
    return _pick(labels().choices.get(code), lang, code)


def cap_label(code: str | None, lang: str = "zh") -> str:
    if not code:
        return ""
    return _pick(labels().caps.get(code), lang, labels().caps.get("cap", ("上限", "cap"))[0])


def choice_options(codes: list[str] | None, lang: str = "zh") -> list[tuple[str, str]]:
    """(label, code) pairs for a dropdown or checkbox group: users read words, the form sends codes."""
    return [(choice_label(c, lang), c) for c in codes or []]


def input_error(field_label: str, field_type: str) -> str:
    """A bad-input message in Chinese naming the field (the engine's English message stays in the log)."""
    hint = msg(
        {"money": "hint_money", "date": "hint_date", "int": "hint_int", "ratio": "hint_ratio"}.get(
            field_type, "hint_other"
        )
    )
    return msg("invalid_input", field=field_label, hint=hint)
