"""The users' evaluation: ``python -m assistant eval users [--split dev|heldout|...|all]``.

Runs the case files of a split (``evals/splits.yaml``: the development half is ``evals/users.yaml``
with ``evals/users-dev-2.yaml``; the held-out halves are listed there) through ``Assistant.ask`` with "today" pinned to each file's date, scores them
with ``scoring.score_case`` and reports per persona: pass rate, verdict, amount and fact
accuracy, latency. Three negative controls go through the same scorer (a retrieval-only answer,
another case's answer, an always-refuse answer): a scorer they pass is not measuring answers.

Why the held-out half is reported in aggregate only: its cases must stay unseen by whoever
works on the assistant, so no question, expectation or failure reason of it is printed or
written to ``evals/REPORT.md``; only counts per persona.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from assistant.evaluation.report import REPORT_FILE, write_section
from assistant.evaluation.scoring import CaseScore, UserCase, load_users, score_case
from assistant.models import Citation, Response, ToolCall
from assistant.settings import PROJECT_ROOT, Settings

SPLITS_FILE = PROJECT_ROOT / "evals" / "splits.yaml"


def _load_splits() -> tuple[dict[str, tuple[Path, ...]], tuple[Path, ...]]:
    """The split table lives beside the case files (why each set was written is said there);
    ``all`` is every file it lists, development sets first."""
    raw = yaml.safe_load(SPLITS_FILE.read_text(encoding="utf-8"))
    evals = SPLITS_FILE.parent
    splits = {name: tuple(evals / f for f in files) for name, files in raw["splits"].items()}
    hidden = tuple(evals / f for f in raw["held_out"])
    every = [p for files in splits.values() for p in files]
    splits["all"] = tuple(sorted(dict.fromkeys(every), key=lambda p: p in hidden))
    return splits, hidden


SPLITS, HIDDEN_FILES = _load_splits()
TARGET_PASS = 0.9
TARGET_CONTROL = 0.1
WARM_UP = ("北京算力券每年最多能拿多少？", "上海合同300万能补多少", "How do I apply for the Beijing compute voucher?")
REFUSAL_TEXT = "抱歉，这个问题不在本助手的服务范围内，请咨询当地主管部门。"
CONTROLS = {
    "retrieval": "retrieval-only (top 5 retrieved clauses as the answer)",
    "shuffled": "shuffled (case i gets case i+n/2's real answer)",
    "refuse": "always-refuse (a fixed refusal)",
}


@contextlib.contextmanager
def pinned_today(day: dt.date | None) -> Iterator[None]:
    """Pin the rules' "today" for the cases written for that date; restore it afterwards."""
    from assistant.rules import eligibility

    before = eligibility.TODAY_OVERRIDE
    eligibility.TODAY_OVERRIDE = day
    try:
        yield
    finally:
        eligibility.TODAY_OVERRIDE = before


# ---------------------------------------------------------------- negative controls


def retrieval_only(retriever: Any, question: str, k: int = 5) -> Response:
    """The top ``k`` retrieved clause texts as the answer, those clauses cited, no asks. The
    search is recorded as a tool call so the citations are legitimate: the control fails (or
    passes) on content, not on the guardrails."""
    from assistant.tools import hit_json

    hits = retriever.search(question, k=k).hits
    return Response(
        answer="\n\n".join(h.chunk.text for h in hits),
        citations=[Citation.from_chunk(h.chunk) for h in hits],
        tool_calls=[
            ToolCall(
                name="search_corpus",
                input={"query": question, "k": k},
                output={"hits": [hit_json(h.chunk, h.score) for h in hits]},
            )
        ],
        intent="fact",
    )


def always_refuse() -> Response:
    return Response(answer=REFUSAL_TEXT, refused=True, intent="out_of_scope")


def shuffled(responses: list[Response]) -> list[Response]:
    """Case i gets case (i + n//2)'s response: far enough that follow-ups of one conversation
    do not get each other's answers."""
    n = len(responses)
    k = max(1, n // 2)
    return [responses[(i + k) % n] for i in range(n)]


def control_responses(assistant: Any, questions: list[str], responses: list[Response]) -> dict[str, list[Response]]:
    """The three controls' responses, one per case, in the cases' order."""
    return {
        "retrieval": [retrieval_only(assistant.retriever, q) for q in questions],
        "shuffled": shuffled(responses),
        "refuse": [always_refuse() for _ in questions],
    }


# ---------------------------------------------------------------- running and summarising


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * (len(values) - 1)))))]


def _ratio(ok: int, n: int) -> float | None:
    return round(ok / n, 4) if n else None


def summarise(scores: list[CaseScore], latencies: list[float]) -> dict[str, Any]:
    """Pass rate over cases; verdict / amount / fact accuracy over the expected asks, amounts and
    fact groups (an ask the response lacks counts as wrong)."""
    tallies = {name: [s.tally(name) for s in scores] for name in ("verdict", "amount", "facts")}
    acc = {name: _ratio(sum(a for a, _ in t), sum(n for _, n in t)) for name, t in tallies.items()}
    return {
        "cases": len(scores),
        "passed": sum(s.passed for s in scores),
        "pass_rate": _ratio(sum(s.passed for s in scores), len(scores)),
        "verdict_accuracy": acc["verdict"],
        "amount_accuracy": acc["amount"],
        "fact_accuracy": acc["facts"],
        "legacy_adapter": sum(s.legacy for s in scores),
        "latency_p50_s": round(pct(latencies, 0.5), 4),
        "latency_p95_s": round(pct(latencies, 0.95), 4),
    }


def _shown(path: Path | None) -> str:
    path = Path(path or "").resolve()
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def evaluate(
    split: str = "dev", settings: Settings | None = None, assistant: Any = None, paths: tuple[Path, ...] = ()
) -> dict[str, Any]:
    """Run the split's cases (or the files in ``paths``) and the controls; the report keeps the
    held-out file's cases out of every list."""
    files = [load_users(p) for p in paths or SPLITS[split]]
    cold_start = None
    if assistant is None:
        from assistant.assistant import Assistant

        t0 = time.perf_counter()
        assistant = Assistant.load(settings, llm=None)
        with pinned_today(files[0].today):
            assistant.ask(WARM_UP[0])
        cold_start = time.perf_counter() - t0
    cases: list[UserCase] = []
    hidden: list[bool] = []
    responses: list[Response] = []
    latencies: list[float] = []
    for f in files:
        with pinned_today(f.today):
            for q in WARM_UP:
                assistant.ask(q)  # warm-up, not timed
            for c in f.cases:
                started = time.perf_counter()
                responses.append(assistant.ask(c.question, c.history))
                latencies.append(time.perf_counter() - started)
                cases.append(c)
                hidden.append(Path(f.path or "").resolve() in {h.resolve() for h in HIDDEN_FILES})
    scores = [score_case(c, r, recheck=True) for c, r in zip(cases, responses)]
    controls = control_responses(assistant, [c.question for c in cases], responses)
    control_rates = {}
    for name, resps in controls.items():
        cs = [score_case(c, r, recheck=True) for c, r in zip(cases, resps)]
        control_rates[name] = _ratio(sum(s.passed for s in cs), len(cs))
    personas: dict[str, list[int]] = {}
    for i, c in enumerate(cases):
        personas.setdefault(c.persona, []).append(i)
    overall = summarise(scores, latencies)
    overall["cold_start_s"] = round(cold_start, 3) if cold_start is not None else None
    targets = {
        f"pass rate >= {TARGET_PASS}": (overall["pass_rate"] or 0) >= TARGET_PASS,
        f"every negative control <= {TARGET_CONTROL}": all((v or 0) <= TARGET_CONTROL for v in control_rates.values()),
    }
    rows = []
    for i, s in enumerate(scores):
        row = {"id": s.id, "persona": s.persona, "passed": s.passed, "latency_s": round(latencies[i], 4)}
        if not hidden[i]:
            row.update(s.as_json())
            row["question"] = cases[i].question
        rows.append(row)
    return {
        "split": split,
        "files": [_shown(f.path) for f in files],
        "today": [f.today.isoformat() for f in files],
        "run_on": dt.date.today().isoformat(),
        "overall": overall,
        "personas": {
            p: summarise([scores[i] for i in ix], [latencies[i] for i in ix]) for p, ix in sorted(personas.items())
        },
        "controls": control_rates,
        "targets": targets,
        "failures": [r for r, h in zip(rows, hidden) if not r["passed"] and not h],
        "hidden_failures": sum(1 for s, h in zip(scores, hidden) if h and not s.passed),
        "cases": [r for r, h in zip(rows, hidden) if not h],
    }


# ---------------------------------------------------------------- the report


def _f(v: Any) -> str:
    if v is None:
        return "—"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def persona_table(report: dict[str, Any]) -> list[str]:
    cols = ["cases", "passed", "pass_rate", "verdict_accuracy", "amount_accuracy", "fact_accuracy"]
    head = ["persona", "cases", "passed", "pass rate", "verdict acc.", "amount acc.", "fact acc.", "p50 s", "p95 s"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for name, m in [*report["personas"].items(), ("**all**", report["overall"])]:
        cells = [_f(m[c]) for c in cols] + [_f(m["latency_p50_s"]), _f(m["latency_p95_s"])]
        lines.append("| " + " | ".join([name, *cells]) + " |")
    return lines


def control_table(report: dict[str, Any], real_label: str = "the assistant") -> list[str]:
    lines = [
        "| answer scored | pass rate |",
        "| --- | --- |",
        f"| {real_label} | {_f(report['overall']['pass_rate'])} |",
    ]
    lines += [f"| {CONTROLS[k]} | {_f(v)} |" for k, v in report["controls"].items()]
    return lines


def format_report(report: dict[str, Any], failures: bool = True) -> str:
    o = report["overall"]
    lines = [
        f"Users' evaluation, split {report['split']}: {o['cases']} cases from {', '.join(report['files'])} "
        f"(today pinned to {', '.join(report['today'])}; run on {report['run_on']})",
        "",
        *persona_table(report),
        "",
        f"cold start (load + first answer): {_f(o['cold_start_s'])} s; latencies after warm-up",
        f"legacy adapter: {o['legacy_adapter']} of {o['cases']} responses had no asks and were read from the "
        "first paragraph and the tool results",
        "",
        "negative controls (same cases, same scorer; each should be near 0):",
        "",
        *control_table(report),
        "",
        "targets: " + "; ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in report["targets"].items()),
    ]
    if failures and report["failures"]:
        lines += ["", "failed cases (first failing check):"]
        for r in report["failures"]:
            lines.append(f"- {r['id']} ({r['persona']}): {r['first_failure']}")
    if report["hidden_failures"]:
        lines += [
            "",
            f"held-out cases failed: {report['hidden_failures']} (not listed: the held-out half stays unseen)",
        ]
    return "\n".join(lines)


HOW_TO_READ = (
    "How to read this: a case passes only when every check of `evals/README-users.md` holds: as many asks as "
    "the case lists, each ask's verdict, each expected amount among the ask's computed amounts **and** stated in "
    "its one-paragraph conclusion, each fact group in that conclusion (not in the quoted sources), no forbidden "
    "phrase anywhere, refusal and gold citation when given, no guardrail problem. Numbers are compared by value "
    "(200万 = 2,000,000元; 30% is not 130%). Verdict / amount / fact accuracy count expected asks, amounts and "
    "fact groups. Responses without per-ask answers (the assistant before issue 9) are read by a legacy adapter "
    "(first paragraph as the conclusion, verdict from the tool results, see `scoring.legacy_ask`); the count is "
    "given. The negative controls are scored by the same code and must stay near 0: if one rises, the scorer "
    "has a hole. The held-out half is reported in aggregate only."
)


def _blocks(text: str) -> dict[str, str]:
    return {
        m.group(1): m.group(2).strip()
        for m in re.finditer(r"<!-- users-([a-z0-9-]+):start -->\n?(.*?)<!-- users-\1:end -->", text, re.S)
    }


def write_report(report: dict[str, Any], *, baseline: bool = False, path: Path = REPORT_FILE) -> None:
    """Write this run into the users section of ``evals/REPORT.md``; other runs' blocks stay (a
    baseline block is written only when asked, so later runs never overwrite it)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if "<!-- users:start -->" not in text and "<!-- qa:end -->" in text:  # first run: beside the QA section
        text = text.replace("<!-- qa:end -->", "<!-- qa:end -->\n\n<!-- users:start -->\n<!-- users:end -->", 1)
        path.write_text(text, encoding="utf-8")
    current = (
        text.split("<!-- users:start -->", 1)[1].split("<!-- users:end -->", 1)[0]
        if "<!-- users:start -->" in text
        else ""
    )
    blocks = _blocks(current)
    split = report["split"]
    show_failures = split in ("dev", "dev3")
    if baseline:
        title = {
            "dev": "development half",
            "heldout": "held-out half",
            "heldout2": "second held-out half",
            "dev3": "development cases for compliance, helpdesk and finance staff",
            "heldout3": "third held-out half",
            "heldout4": "fourth held-out half",
            "all": "both halves",
        }[split]
        body = [
            f"### Baseline (the assistant before the issue-9 redesign), first run: {title}",
            "",
            f"Command: `python -m assistant eval users --split {split}`, run {report['run_on']}.",
            "",
            format_report(report, failures=False),
        ]
        if show_failures and report["failures"]:
            body += ["", "<details><summary>failed development cases (first failing check)</summary>", ""]
            body += [f"- {r['id']} ({r['persona']}): {r['first_failure']}" for r in report["failures"]]
            body += ["", "</details>"]
        blocks[f"baseline-{split}"] = "\n".join(body)
    else:
        blocks[f"latest-{split}"] = "\n".join(
            [
                f"### Latest run: split {split}",
                "",
                f"Command: `python -m assistant eval users --split {split}`, run {report['run_on']}.",
                "",
                format_report(report, failures=show_failures),
            ]
        )
    order = [
        f"{kind}-{s}"
        for kind in ("baseline", "latest")
        for s in ("dev", "dev3", "heldout", "heldout2", "heldout3", "heldout4", "all")
    ]
    parts = [
        "## Users' evaluation",
        "",
        f"Command: `python -m assistant eval users [--split {'|'.join(SPLITS)}] [--json]` over the case files "
        "that `evals/README-users.md` lists (development sets and held-out halves), questions written the way "
        "users write (format and scoring in the same file); deterministic composer, no LLM.",
        "",
        HOW_TO_READ,
    ]
    for name in sorted(blocks, key=lambda n: order.index(n) if n in order else 99):
        parts += ["", f"<!-- users-{name}:start -->", blocks[name], f"<!-- users-{name}:end -->"]
    write_section("users", "\n".join(parts), path)


def main(split: str = "dev", json_output: bool = False) -> int:
    """Print the report (text or JSON) and write it to REPORT.md. Exit 0 even below target: the
    numbers are the result, and the targets are printed met / NOT met."""
    import logging

    logging.getLogger("assistant").setLevel(logging.ERROR)
    report = evaluate(split)
    write_report(report)
    if json_output:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(format_report(report))
    return 0


__all__ = ["evaluate", "format_report", "write_report", "main", "control_responses", "pinned_today", "summarise"]
