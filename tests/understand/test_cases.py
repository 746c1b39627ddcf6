"""The understanding table (tests/understand/cases.yaml): message + history -> case-file fields.

Each row names only the fields its message determines, as dotted paths into
``Case.model_dump(mode="json")``: ``purchases.0.amount.value``, ``asks.len``, ``asks.*.intent``
(some ask has it). The table is the specification ``assistant.understand`` is measured against;
``test_table_is_well_formed`` checks every path and value against the ``Case`` model so a typo
in the table fails even before the implementation exists.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from assistant.understand.case import Case

TABLE = Path(__file__).with_name("cases.yaml")
TODAY = dt.date(2026, 11, 28)
ROWS: list[dict[str, Any]] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))

# Regions with documents in the corpus, and the pinyin codes of provinces (covered or not).
COVERED = set(
    "beijing beijing-etown beijing-shijingshan shanghai guizhou shenzhen hangzhou chengdu qingyang nanning "
    "henan zhengzhou anhui wuhu shandong langfang zhangzhou tianjin qingdao wuhan yangzhou ningxia nanjing "
    "chongqing xiamen guangzhou-huangpu suzhou".split()
)
PROVINCES = set(
    "beijing tianjin hebei shanxi neimenggu liaoning jilin heilongjiang shanghai jiangsu zhejiang anhui fujian "
    "jiangxi shandong henan hubei hunan guangdong guangxi hainan chongqing sichuan guizhou yunnan xizang shaanxi "
    "gansu qinghai ningxia xinjiang xianggang aomen taiwan".split()
)

# ---------------------------------------------------------------- resolving paths in a dumped case

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _norm(value: Any) -> Any:
    """Numbers as Decimal (so "2000000" == "2000000.00" == 2000000), dates as ISO strings."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return Decimal(value.strip())
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    return value


def _values(node: Any, parts: list[str], seen: list[str]) -> list[Any]:
    """The values at ``parts`` below ``node``: one, or one per element where the path has ``*``.
    Going through a ``None`` gives ``None``; a missing index or field raises ``LookupError``."""
    if not parts:
        return [node]
    part, rest, here = parts[0], parts[1:], ".".join(seen) or "<case>"
    if node is None:
        return [None]
    if isinstance(node, list):
        if part == "len":
            return [len(node)]
        if part == "*":
            found: list[Any] = []
            for i, item in enumerate(node):
                try:
                    found += _values(item, rest, [*seen, str(i)])
                except LookupError:
                    pass
            return found
        if not part.isdigit():
            raise LookupError(f"{here} is a list; {part!r} is not an index")
        if int(part) >= len(node):
            raise LookupError(f"{here} has {len(node)} element(s), no [{part}]: {node!r}")
        return _values(node[int(part)], rest, [*seen, part])
    if isinstance(node, dict):
        if part not in node:
            raise LookupError(f"{here} has no key {part!r}")
        return _values(node[part], rest, [*seen, part])
    raise LookupError(f"{here} is {node!r}; cannot take {part!r}")


def _mismatch(data: dict[str, Any], path: str, expected: Any) -> str | None:
    """None when ``path`` holds ``expected``, else a message naming path, expected and actual."""
    try:
        found = _values(data, path.split("."), [])
    except LookupError as exc:
        return f"{path}: expected {expected!r}, but {exc}"
    want = _norm(expected)
    if "*" in path.split("."):
        if any(_norm(v) == want for v in found):
            return None
        return f"{path}: expected some element == {expected!r}, found {found!r}"
    if _norm(found[0]) == want:
        return None
    return f"{path}: expected {expected!r}, got {found[0]!r}"


# ---------------------------------------------------------------- checking paths against the model


def _strip_none(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _leaf(path: str) -> tuple[Any, bool]:
    """The annotation a path ends at (and whether it may be None); ValueError if a part is not a field."""
    annotation: Any = Case
    nullable = False
    parts = path.split(".")
    for i, part in enumerate(parts):
        annotation, optional = _strip_none(annotation)
        nullable = nullable or optional
        origin = typing.get_origin(annotation)
        if origin is list:
            if part == "len":
                if i != len(parts) - 1:
                    raise ValueError(f"{path}: 'len' must be the last part")
                return int, nullable
            if part != "*" and not part.isdigit():
                raise ValueError(f"{path}: {'.'.join(parts[:i]) or '<case>'} is a list, {part!r} is not an index")
            annotation = typing.get_args(annotation)[0]
        elif origin is dict:
            annotation = typing.get_args(annotation)[1]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if part not in annotation.model_fields:
                fields = ", ".join(annotation.model_fields)
                raise ValueError(f"{path}: {annotation.__name__} has no field {part!r} (fields: {fields})")
            annotation = annotation.model_fields[part].annotation
        else:
            raise ValueError(f"{path}: cannot take {part!r} of {annotation!r}")
    annotation, optional = _strip_none(annotation)
    return annotation, nullable or optional


def _value_problem(path: str, annotation: Any, nullable: bool, value: Any) -> str | None:
    if value is None:
        return None if nullable else f"{path}: null, but the field is never None"
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        allowed = typing.get_args(annotation)
        return None if value in allowed else f"{path}: {value!r} is not one of {allowed}"
    if origin is list:
        if not isinstance(value, list):
            return f"{path}: expected a list, got {value!r}"
        item = typing.get_args(annotation)[0]
        return next((p for v in value if (p := _value_problem(path, item, False, v))), None)
    if annotation is bool and not isinstance(value, bool):
        return f"{path}: expected true/false, got {value!r}"
    if annotation in (int, Decimal, float) and not isinstance(_norm(value), Decimal):
        return f"{path}: expected a number, got {value!r}"
    if annotation is dt.date and not isinstance(value, dt.date):
        return f"{path}: expected a date YYYY-MM-DD, got {value!r}"
    last = path.split(".")[-1] if path.split(".")[-1] not in ("*", "len") else path.split(".")[-2]
    codes = value if isinstance(value, list) else [value]
    if last == "regions" and not set(codes) <= COVERED:
        return f"{path}: {sorted(set(codes) - COVERED)} are not covered region codes"
    if last in ("region", "chain") and not set(codes) <= COVERED | PROVINCES:
        return f"{path}: {sorted(set(codes) - COVERED - PROVINCES)} are not region codes"
    return None


def test_table_is_well_formed():
    assert isinstance(ROWS, list)
    assert len(ROWS) >= 170, f"only {len(ROWS)} rows"
    ids = [row.get("id") for row in ROWS]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate ids: {duplicates}"
    problems: list[str] = []
    for row in ROWS:
        rid = row.get("id")
        if set(row) - {"id", "history", "message", "expect", "note"}:
            problems.append(f"{rid}: unknown keys {sorted(set(row) - {'id', 'history', 'message', 'expect', 'note'})}")
        if not isinstance(row.get("message"), str) or not row["message"].strip():
            problems.append(f"{rid}: message must be a non-empty string")
        history = row.get("history")
        if not isinstance(history, list) or not all(isinstance(h, str) and h.strip() for h in history):
            problems.append(f"{rid}: history must be a list of messages")
        expect = row.get("expect")
        if not isinstance(expect, dict) or not expect:
            problems.append(f"{rid}: expect must name at least one path")
            continue
        for path, value in expect.items():
            try:
                annotation, nullable = _leaf(str(path))
            except ValueError as exc:
                problems.append(f"{rid}: {exc}")
                continue
            if problem := _value_problem(str(path), annotation, nullable, value):
                problems.append(f"{rid}: {problem}")
    assert not problems, "\n".join(problems)
    conversational = [r for r in ROWS if r["history"] or (r["expect"].get("asks.len") or 1) > 1]
    assert len(conversational) >= 60, f"only {len(conversational)} rows with history or several asks"


@pytest.mark.parametrize("row", ROWS, ids=[str(row.get("id")) for row in ROWS])
def test_understanding_case(row):
    import assistant.understand as understanding

    understand = getattr(understanding, "understand", None)
    if understand is None:
        pytest.skip("assistant.understand.understand is not written yet")
    case = understand(row["message"], list(row["history"]), today=TODAY)
    data = case.model_dump(mode="json")
    failures = [m for path, value in row["expect"].items() if (m := _mismatch(data, str(path), value))]
    if failures:
        said = " / ".join([*row["history"], row["message"]])
        pytest.fail(f"{row['id']} 「{said}」\n  " + "\n  ".join(failures), pytrace=False)
