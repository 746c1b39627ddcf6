"""The pages' wording, read from ``labels.yaml``: choices, examples and messages live in data so
a maintainer changes what users read without touching page code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

LABELS_FILE = Path(__file__).with_name("labels.yaml")

Choice = tuple[str, str]  # (label shown, value sent)
FactLabel = tuple[str, str, str]  # (fact, zh, en)


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
    compliance_bools_user: list[FactLabel]
    compliance_bools_issuer: list[FactLabel]
    voucher_actions: list[Choice]
    status_choices: list[Choice]
    confidence_choices: list[Choice]
    messages: dict[str, str] = Field(default_factory=dict)
    card: dict[str, CardLabels]

    def card_for(self, lang: str) -> CardLabels:
        return self.card.get(lang) or self.card["zh"]


@lru_cache(maxsize=1)
def labels() -> WebLabels:
    return WebLabels.model_validate(yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8")))


def msg(key: str, **values: object) -> str:
    """A message of the pages by key, with ``{name}`` fields filled in."""
    text = labels().messages.get(key, key)
    return text.format(**values) if values else text
