"""A chat conversation as the page keeps it, and its storage per browser in the records DB.

The page state is one model (messages shown, earlier questions, facts given by quick replies,
the audit id of each answer, the latest citations) so that saving, reopening after a reload
and deleting are each one call. The browser holds only a random id (``gr.BrowserState``);
the conversations themselves stay on the server, in SQLite with the audit records.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from assistant.records import Records
from assistant.web import render
from assistant.web.labels import choice_options, fact_label

TITLE_CHARS = 30


class Conversation(BaseModel):
    """What a reload must bring back."""

    id: str = ""
    messages: list[dict[str, Any]] = Field(default_factory=list)
    history: list[str] = Field(default_factory=list)  # earlier user messages, as Assistant.ask expects
    facts: dict[str, Any] = Field(default_factory=dict)  # quick-reply answers: fact -> yes/no or choice code
    answer_ids: dict[str, int] = Field(default_factory=dict)  # chatbot message index -> audit record id
    citations: list[dict[str, Any]] = Field(default_factory=list)  # of the latest answer
    missing: list[dict[str, str]] = Field(default_factory=list)  # facts the latest answer still needs
    turn: int = 0

    @classmethod
    def of(cls, value: Any) -> Conversation:
        return value if isinstance(value, Conversation) else cls.model_validate(value or {})

    @property
    def title(self) -> str:
        first = self.history[0] if self.history else ""
        return first[:TITLE_CHARS] + ("…" if len(first) > TITLE_CHARS else "")

    def citations_html(self) -> str:
        return render.citations_html(self.citations, turn=self.turn)


def new_browser_id() -> str:
    return uuid.uuid4().hex


def save(records: Records, browser: str, conv: Conversation) -> Conversation:
    """Store the conversation under the browser's id (a new one gets its id here)."""
    if not browser:
        return conv
    if not conv.id:
        conv = conv.model_copy(update={"id": uuid.uuid4().hex})
    records.save_conversation(conv.id, browser, conv.title, conv.model_dump(mode="json"))
    return conv


def load(records: Records, browser: str, conv_id: str) -> Conversation | None:
    state = records.conversation(browser, conv_id) if browser and conv_id else None
    return Conversation.model_validate(state) if state else None


def choices(records: Records, browser: str) -> list[tuple[str, str]]:
    """(title, id) of the browser's conversations, latest first, for the side panel."""
    if not browser:
        return []
    return [(r["title"] or "（无标题）", r["id"]) for r in records.conversations(browser)]


# ------------------------------------------------------------------ quick replies


def reply_kind(fact: str) -> str:
    """How a missing fact is answered: yes/no buttons, a choice, or a typed value."""
    from assistant.rules import FACTS

    spec = FACTS.get(fact)
    if spec is None:
        return "text"
    if spec.type == "bool":
        return "bool"
    if spec.type == "choice" and spec.choices:
        return "choice"
    if spec.type in ("money", "int", "ratio"):
        return "number"
    return "text"


def reply_choices(fact: str) -> list[tuple[str, str]]:
    from assistant.rules import FACTS

    spec = FACTS.get(fact)
    return choice_options(spec.choices if spec else None)


def typed_reply(fact: str, value: str) -> str:
    """A typed answer as the message the assistant reads: the fact's name, then the value."""
    from assistant.rules import FACTS

    return f"{fact_label(fact)}：{value}" if fact in FACTS else value
