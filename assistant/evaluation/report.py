"""evals/REPORT.md is assembled from sections, each owned by one command and fenced by
``<!-- name:start -->`` / ``<!-- name:end -->`` markers, so a run rewrites only its own part."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import PROJECT_ROOT

REPORT_FILE = PROJECT_ROOT / "evals" / "REPORT.md"


def write_section(name: str, body: str, path: Path = REPORT_FILE) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Evaluation report\n"
    if start in text and end in text:
        pre, rest = text.split(start, 1)
        text = pre + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
