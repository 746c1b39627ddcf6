"""The fact catalogue: every fact a profile or a calculation may carry, and how its value is read.

One catalogue serves eligibility, the calculator, the compliance checks and the CLI (which
rejects a ``--set`` name not listed here: a misspelt fact silently ignored gave a figure that
looked right and was not). Each fact has a type, so "是", "yes" and ``True`` all read as the
same bool and a bad value raises ``RulesInputError`` naming the fact, before any rule runs.

The catalogue itself is data: ``facts.yaml`` beside this module lists each fact with its type,
the values it accepts, what it means and the questions asked for it; the CLI names the known
facts from it when a ``--set`` name is not one of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from assistant.rules.errors import RulesInputError
from assistant.rules.regions import normalize_region
from assistant.rules.values import parse_bool, parse_date, parse_int, parse_money, parse_ratio


class FactSpec(BaseModel):
    """One fact: its ``type`` decides how a value is parsed (``normalize_fact``); the questions
    are what the chat and the eligibility check ask when a condition needs the fact."""

    name: str
    type: Literal["region", "choice", "bool", "date", "int", "list", "money", "ratio"]
    meaning: str
    about: str = ""  # what the fact is and the values it takes, for people and help texts
    choices: list[str] | None = None
    question_zh: str
    question_en: str
    # whose fact it is: the applicant's (who may apply) or the purchase's (what a claim must be
    # for); "can we apply" is answered once the applicant's are met
    about_the: Literal["applicant", "purchase"] = "applicant"


FACTS_FILE = Path(__file__).with_name("facts.yaml")


def _load() -> tuple[dict[str, FactSpec], dict[str, str]]:
    raw = yaml.safe_load(FACTS_FILE.read_text(encoding="utf-8"))
    specs = [FactSpec.model_validate(f) for f in raw["facts"]]
    return {f.name: f for f in specs}, {str(k): str(v) for k, v in raw["compute_type_aliases"].items()}


FACTS, _COMPUTE_ALIASES = _load()


def normalize_fact(name: str, value: Any) -> Any:
    """Parse one fact to its type; raises RulesInputError naming the fact."""
    spec = FACTS.get(name)
    if value is None or spec is None:
        return value
    if spec.type == "bool":
        return parse_bool(value, name)
    if spec.type == "date":
        return parse_date(value, name)
    if spec.type == "int":
        return parse_int(value, name, minimum=1)
    if spec.type == "money":
        return parse_money(value, name, allow_zero=True)
    if spec.type == "ratio":
        return parse_ratio(value, name)
    if spec.type == "region":
        return normalize_region(value)
    if spec.type == "list":
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple, set)):
            raise RulesInputError(name, f"expected a list, got {value!r}")
        listed = [str(i).strip().lower() for i in items if str(i).strip()]
        unknown = [i for i in listed if spec.choices and i not in spec.choices]
        if unknown:  # "compute:3200000" read as an item would pass silently on the whole amount
            raise RulesInputError(name, f"{', '.join(unknown)} not among: {', '.join(spec.choices or [])}")
        return listed
    if spec.type == "choice":
        text = str(value).strip().lower().replace("-", "_")
        if name == "compute_type":
            text = _COMPUTE_ALIASES.get(str(value).strip().lower(), text)
        if spec.choices and text not in spec.choices:
            raise RulesInputError(name, f"{value!r} is not one of: {', '.join(spec.choices)}")
        return text
    return value  # pragma: no cover


def normalize_facts(facts: dict[str, Any] | None) -> dict[str, Any]:
    """Every known fact parsed to its type (other names, such as the calculator's start/end,
    pass through as given); empty values are dropped, so a fact not given is absent and
    conditions report it as missing rather than failed."""
    if facts is None:
        return {}
    if not isinstance(facts, dict):
        raise RulesInputError("facts", "expected a mapping of fact names to values")
    return {k: normalize_fact(k, v) for k, v in facts.items() if v is not None and v != ""}


__all__ = ["FACTS", "FactSpec", "normalize_fact", "normalize_facts"]
