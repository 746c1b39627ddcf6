"""The warning and note type every part of the rules engine reports in.

It has its own module because version choice, conditions, eligibility and the calculator all
produce notices and none of them should import another just for the type.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Notice(BaseModel):
    """A warning or note, in both languages, with a stable code and, where it reports a figure,
    the figure itself in ``data`` (so an answer never reads numbers back out of the sentence)."""

    code: str
    en: str
    zh: str
    data: dict[str, str] = Field(default_factory=dict)


__all__ = ["Notice"]
