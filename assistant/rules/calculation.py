"""What a calculation returns: the amount with every step that led to it, each step cited.

Steps are data first (``kind``, exact Decimals in ``numbers``, the cap's ``role``) and words
second, so answers are built from the numbers and never parse the words back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.rules.conditions import ConditionResult
from assistant.rules.model import Reference, identity_json
from assistant.rules.notices import Notice
from assistant.rules.values import percent, plain, wan, yuan

StepKind = Literal[
    "version",  # the version in force on the date
    "base",  # the base amount (yuan)
    "period_days",  # days of the contract inside the base period (pro-rating)
    "contract_days",  # days of the whole contract
    "prorated_base",  # base × period_days / contract_days
    "rate",  # the rate applied (a ratio)
    "rate_unpublished",  # no published rate: no amount
    "fixed",  # a one-off award of a set sum (no rate)
    "product",  # base × rate before rounding
    "rounding",  # the program's rounding rule applied
    "cap",  # a cap, net of what was received (numbers: cap, received, remaining)
    "capped",  # the amount was limited by that cap
    "minimum",  # the minimum claim
    "not_eligible",  # a condition the facts fail
    "result",  # the amount
]


class Step(BaseModel):
    """One step of a calculation. ``kind`` and ``numbers`` are the data (exact Decimals, day
    counts, the cap's role); ``label``/``value`` are the same step in words for the CLI. Answers
    are built from the data and never parse the words back."""

    kind: StepKind
    label: str
    label_zh: str
    value: str
    reference: Reference | None = None
    numbers: dict[str, Decimal] = Field(default_factory=dict)
    role: str | None = None  # for cap/capped steps: per_claim_cap | annual_cap | cumulative_cap

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "numbers": {k: plain(v) for k, v in self.numbers.items()},
            "role": self.role,
            "label": self.label,
            "label_zh": self.label_zh,
            "value": self.value,
            "reference": self.reference.model_dump() if self.reference else None,
        }


class Calculation(BaseModel):
    """One claim computed under one version: the amount (``None`` when no public text gives the
    ratio), the rate and tier used, the cap that bound, the steps and the warnings."""

    program: str
    voucher: str = "compute"  # the scheme's voucher type (compute, model, corpus, ...)
    scheme: str = "compute"  # the scheme id within the program file
    program_name: str
    program_name_en: str = ""
    version: str
    version_label: str = ""
    version_status: str = ""
    confidence: str = ""
    corpus_doc: str = ""
    date: dt.date
    base: Decimal
    rate: Decimal | None = None
    tier: str | None = None
    amount: Decimal | None = None
    capped_by: str | None = None
    # False when a fact given to calculate fails a condition (amount 0, reasons cited); None
    # otherwise: only the facts given are checked here, check_eligibility decides the rest.
    eligible: bool | None = None
    reasons: list[ConditionResult] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    warnings: list[Notice] = Field(default_factory=list)
    rounding: str = ""

    @property
    def amount_wan(self) -> str | None:
        return wan(self.amount) if self.amount is not None else None

    @property
    def references(self) -> list[Reference]:
        refs = [s.reference for s in self.steps if s.reference]
        refs += [r.reference for r in self.reasons]
        return list(dict.fromkeys(refs))

    def warning_texts(self) -> list[str]:
        return [w.en for w in self.warnings]

    def as_json(self) -> dict[str, Any]:
        return {
            **identity_json(self),
            "version": self.version,
            "version_label": self.version_label,
            "version_status": self.version_status,
            "confidence": self.confidence,
            "corpus_doc": self.corpus_doc,
            "date": self.date.isoformat(),
            "base": yuan(self.base),
            "rate": plain(self.rate) if self.rate is not None else None,
            "rate_percent": percent(self.rate) if self.rate is not None else None,
            "tier": self.tier,
            "amount": yuan(self.amount) if self.amount is not None else None,
            "amount_wan": self.amount_wan,
            "capped_by": self.capped_by,
            "eligible": self.eligible,
            "reasons": [
                {
                    "condition": r.condition,
                    "status": r.status,
                    "reason_en": r.reason_en,
                    "reason_zh": r.reason_zh,
                    "reference": r.reference.model_dump(),
                }
                for r in self.reasons
                if r.status != "missing"
            ],
            "steps": [s.as_json() for s in self.steps],
            "warnings": [w.en for w in self.warnings],
            "warnings_zh": [w.zh for w in self.warnings],
            "warning_codes": [w.code for w in self.warnings],
            "warning_data": [w.data for w in self.warnings],
            "references": [r.model_dump() for r in self.references],
            "rounding": self.rounding,
        }


__all__ = ["Calculation", "Step", "StepKind"]
