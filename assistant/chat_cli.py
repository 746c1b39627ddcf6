"""The ``ask`` and ``draft`` commands: thin wrappers over ``Assistant.ask`` / ``Assistant.draft``.

Batch mode (``ask --jsonl FILE`` or ``-`` for stdin) loads the models once and writes one JSON
object per input line: ``id``, ``answer``, ``citations`` ({doc_id, title, locator, quote}),
``tool_calls`` ({name, input, output}), ``refused``, ``language``. A line that cannot be read
gets ``{"id": ..., "error": ...}`` and the batch goes on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from assistant.models import Response


def response_record(resp: Response, id_: Any = None, full: bool = False) -> dict[str, Any]:
    """The batch/JSON shape of a response (the web app and the QA evaluation use the same)."""
    rec: dict[str, Any] = {}
    if id_ is not None or not full:
        rec["id"] = id_
    rec.update(
        {
            "answer": resp.answer,
            "citations": [
                {
                    "doc_id": c.doc_id,
                    "title": c.title,
                    "locator": c.locator,
                    "quote": c.quote,
                    "text_kind": c.text_kind,
                    "numbering": c.numbering,
                }
                for c in resp.citations
            ],
            "tool_calls": [{"name": t.name, "input": t.input, "output": t.output} for t in resp.tool_calls],
            "refused": resp.refused,
            "language": resp.language,
        }
    )
    if full:
        rec.update(
            {
                "intent": resp.intent,
                "missing_facts": resp.missing_facts,
                "warnings": resp.warnings,
                "latency_ms": resp.latency_ms,
            }
        )
    return rec


def _clean(text: str) -> str:
    """Lone surrogates (a JSON line's "\\ud800", undecodable argv bytes) become "?": UTF-8 output and
    the SQLite audit record cannot hold them."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _history(value: Any) -> list[str]:
    """Earlier user messages; chat-style [{role, content}] lists are accepted too."""
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    out: list[str] = []
    for item in value:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and item.get("role", "user") == "user":
            out.append(str(item.get("content") or item.get("text") or ""))
    return [_clean(h) for h in out if h.strip()]


def _lines(path: str) -> Iterable[str]:
    if path == "-":
        yield from sys.stdin
    else:
        with open(path, encoding="utf-8") as fh:
            yield from fh


def _dump(obj: Any, indent: int | None = None) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=indent, default=str) + "\n")
    sys.stdout.flush()


def _audit(question: str, resp: Any, history: list[str], channel: str) -> None:
    """Every answer is recorded, whichever client asked; a failing store never hides the answer."""
    try:
        from assistant.records import get_records

        get_records().log_answer(question, resp, history=history, channel=channel)
    except Exception as exc:  # noqa: BLE001 - the audit log is secondary to answering
        print(f"warning: could not write the audit record: {exc}", file=sys.stderr)


def run_ask(args: argparse.Namespace) -> int:
    if not args.jsonl and not args.question:
        print("error: give a question, or --jsonl FILE for a batch", file=sys.stderr)
        return 2
    from assistant.assistant import Assistant

    assistant = Assistant.load()
    if args.jsonl:
        for n, line in enumerate(_lines(args.jsonl), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                    raise ValueError('each line must be an object with a "question" string')
            except ValueError as exc:
                _dump({"id": None, "line": n, "error": str(exc)})
                continue
            history = _history(item.get("history"))
            question = _clean(item["question"])
            resp = assistant.ask(question, history)
            _audit(question, resp, history, "cli-batch")
            _dump(response_record(resp, item.get("id")))
        return 0
    history = _history(args.history)
    question = _clean(args.question)
    resp = assistant.ask(question, history)
    _audit(question, resp, history, "cli")
    if args.json:
        _dump(response_record(resp, full=True), indent=2)
    else:
        print(resp.answer)
    return 0


def run_draft(args: argparse.Namespace) -> int:
    from assistant.assistant import Assistant

    assistant = Assistant.load()
    resp = assistant.draft(args.enquiry)
    _audit(args.enquiry, resp, [], "cli-draft")
    if args.json:
        _dump(response_record(resp, full=True), indent=2)
    else:
        print(resp.answer)
    return 0
