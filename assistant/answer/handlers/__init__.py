"""One handler per intent: ``HANDLERS[intent](ctx)`` fills ``ctx.draft`` for one ask."""

from __future__ import annotations

from collections.abc import Callable

from assistant.answer.evidence import AskContext
from assistant.answer.handlers import (
    calculation,
    comparison,
    compliance,
    eligibility,
    fact,
    process,
    simple,
    validity,
)

HANDLERS: dict[str, Callable[[AskContext], None]] = {
    "calculation": calculation.handle,
    "eligibility": eligibility.handle,
    "validity": validity.handle,
    "fact": fact.handle,
    "process": process.handle,
    "comparison": comparison.handle,
    "compliance": compliance.handle,
    "greeting": simple.greeting,
    "off_topic": simple.off_topic,
}

__all__ = ["HANDLERS"]
