"""Understanding a conversation: every message becomes a typed case file (``Case``).

See docs/understanding.md for the design; the pieces are small modules beside this one
(text, split, places, money, dates, facts, intent, state).
"""

from assistant.understand.case import (
    INTENTS,
    Applicant,
    Ask,
    Case,
    Clarification,
    ComplianceFacts,
    LineItem,
    Money,
    Note,
    Place,
    Purchase,
    Receipt,
)

__all__ = [
    "INTENTS",
    "Applicant",
    "Ask",
    "Case",
    "Clarification",
    "ComplianceFacts",
    "LineItem",
    "Money",
    "Note",
    "Place",
    "Purchase",
    "Receipt",
]
