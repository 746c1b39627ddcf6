"""Issue 9 keeps the understanding and the handlers in small modules a maintainer can read: none
over 400 lines, and the Assistant class under 300."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "assistant"


def _sizes(folder: Path) -> dict[str, int]:
    return {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.py")}


def test_no_understanding_or_handler_module_is_over_400_lines() -> None:
    for folder in (PACKAGE / "understand", PACKAGE / "answer" / "handlers"):
        assert {name: n for name, n in _sizes(folder).items() if n > 400} == {}, folder.name


def test_the_assistant_class_is_under_300_lines() -> None:
    tree = ast.parse((PACKAGE / "assistant.py").read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Assistant")
    assert cls.end_lineno is not None and cls.end_lineno - cls.lineno + 1 < 300
