"""Errors raised by the rules engine. Each names the input field it is about."""

from __future__ import annotations

from collections.abc import Iterable


class RulesInputError(ValueError):
    """A bad input: the message names the field and says what is wrong with it.

    The calculator never turns bad input into a number; it raises this instead.
    """

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")

    def as_json(self) -> dict[str, str]:
        return {"error": "invalid_input", "field": self.field, "message": self.message}


class UnknownProgramError(RulesInputError):
    """The program id is not one of the loaded programs; the message lists the valid ids."""

    def __init__(self, program_id: str, valid_ids: Iterable[str]):
        self.program_id = program_id
        self.valid_ids = sorted(valid_ids)
        super().__init__(
            "program",
            f"unknown program {program_id!r}; valid ids: {', '.join(self.valid_ids)}",
        )

    def as_json(self) -> dict[str, object]:  # type: ignore[override]
        return {
            "error": "unknown_program",
            "field": "program",
            "message": self.message,
            "valid_ids": self.valid_ids,
        }


class ProgramDefinitionError(Exception):
    """A program YAML file is malformed (a bug in the data, not in the user's input)."""
