"""QA evaluation: ``python -m assistant eval qa [--json]``.

Runs every case of ``evals/qa.yaml`` through ``Assistant.ask`` (the same path as the CLI and
the web app) and reports, per category and overall:

- answer accuracy: every expected fact is present in the answer (and nothing forbidden);
- amount exact-match: the expected amount (yuan) is stated in the answer's first paragraph,
  in any form (1,000,000元 / 100万元 / 1000000);
- citation accuracy: a gold document is among the citations;
- refusal precision and recall;
- unsupported numbers: numbers in answers that no tool result or cited clause supports
  (recomputed here with the guardrail checker; must be 0);
- latency p50 / p95 after warm-up, and the cold start (load + first answer);
- overall: the share of cases that pass every check that applies to them.

The report's QA section is written into ``evals/REPORT.md`` between markers, so other
sections of that file (retrieval) are left alone.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from assistant.evaluation.report import REPORT_FILE, write_section
from assistant.settings import PROJECT_ROOT

EVAL_FILE = PROJECT_ROOT / "evals" / "qa.yaml"
TARGETS = {
    "overall": 0.95,
    "amount": 1.0,
    "unsupported_numbers": 0,
    "refusal_precision": 0.95,
    "refusal_recall": 0.95,
    "p50_s": 0.3,
    "p95_s": 1.0,
    "cold_start_s": 10.0,
}


@dataclass
class Case:
    id: str
    category: str
    question: str
    history: list[str] = field(default_factory=list)
    expect: list[Any] = field(default_factory=list)
    forbid: list[str] = field(default_factory=list)
    amount: str | None = None
    gold_docs: list[str] = field(default_factory=list)
    refuse: bool = False


def load_cases(path: Path = EVAL_FILE) -> list[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    cases = []
    for item in raw:
        cases.append(
            Case(
                id=str(item["id"]),
                category=item.get("category", "other"),
                question=item["question"],
                history=list(item.get("history") or []),
                expect=list(item.get("expect") or []),
                forbid=[str(x) for x in item.get("forbid") or []],
                amount=str(item["amount"]) if item.get("amount") is not None else None,
                gold_docs=list(item.get("gold_docs") or []),
                refuse=bool(item.get("refuse", False)),
            )
        )
    return cases


def _norm(text: str) -> str:
    return text.replace(" ", "").lower()


def _present(answer: str, item: Any) -> bool:
    options = item if isinstance(item, list) else [item]
    a = _norm(answer)
    return any(_norm(str(o)) in a for o in options)


def _amount_stated(answer: str, amount: str) -> bool:
    from assistant.guardrails import number_tokens

    lead = answer.split("\n\n")[0]
    want = Decimal(amount).normalize()
    key = "N" + (format(want.quantize(Decimal(1)), "f") if want == want.to_integral_value() else format(want, "f"))
    return any(key in tok.keys for tok in number_tokens(lead))


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    idx = min(len(values) - 1, max(0, int(round(q * (len(values) - 1)))))
    return values[idx]


def evaluate(cases: list[Case] | None = None) -> dict[str, Any]:
    from assistant.guardrails import verify

    cases = cases if cases is not None else load_cases()
    t0 = time.perf_counter()
    from assistant.assistant import Assistant

    assistant = Assistant.load()
    first = assistant.ask("北京算力券每年最多能拿多少？")
    cold_start = time.perf_counter() - t0
    del first
    for q in ("上海合同300万能补多少", "How do I apply for the Beijing compute voucher?", "算力券能转让吗"):
        assistant.ask(q)  # warm-up, not timed

    rows: list[dict[str, Any]] = []
    latencies: list[float] = []
    for c in cases:
        started = time.perf_counter()
        resp = assistant.ask(c.question, c.history)
        elapsed = time.perf_counter() - started
        latencies.append(elapsed)
        answer = resp.answer
        missing = [e for e in c.expect if not _present(answer, e)]
        forbidden = [f for f in c.forbid if _norm(f) in _norm(answer)]
        facts_ok = not missing and not forbidden
        amount_ok = _amount_stated(answer, c.amount) if c.amount is not None else None
        cited = [x.doc_id for x in resp.citations]
        cite_ok = any(d in cited for d in c.gold_docs) if c.gold_docs else None
        refusal_ok = resp.refused == c.refuse
        report = verify(answer, resp.citations, resp.tool_calls)
        unsupported = report.unsupported_numbers
        passed = (
            facts_ok
            and amount_ok is not False
            and cite_ok is not False
            and refusal_ok
            and not unsupported
            and not report.bad_citations
            and not report.bad_markers
        )
        rows.append(
            {
                "id": c.id,
                "category": c.category,
                "question": c.question,
                "passed": passed,
                "facts_ok": facts_ok,
                "missing": missing,
                "forbidden": forbidden,
                "amount_ok": amount_ok,
                "expected_amount": c.amount,
                "cite_ok": cite_ok,
                "cited": sorted(set(cited)),
                "gold_docs": c.gold_docs,
                "refused": resp.refused,
                "expected_refusal": c.refuse,
                "unsupported_numbers": unsupported,
                "bad_citations": report.bad_citations,
                "latency_s": round(elapsed, 4),
                "intent": resp.intent,
                "lead": answer.split("\n\n")[0][:300],
            }
        )
    return _summarise(rows, latencies, cold_start)


def _metrics(rows: list[dict[str, Any]], latencies: list[float] | None = None) -> dict[str, Any]:
    n = len(rows)
    amt = [r for r in rows if r["amount_ok"] is not None]
    cit = [r for r in rows if r["cite_ok"] is not None]
    tp = sum(1 for r in rows if r["refused"] and r["expected_refusal"])
    fp = sum(1 for r in rows if r["refused"] and not r["expected_refusal"])
    fn = sum(1 for r in rows if not r["refused"] and r["expected_refusal"])
    lat = latencies if latencies is not None else [r["latency_s"] for r in rows]
    return {
        "cases": n,
        "overall": round(sum(r["passed"] for r in rows) / n, 4) if n else None,
        "answer_accuracy": round(sum(r["facts_ok"] for r in rows) / n, 4) if n else None,
        "amount_exact": round(sum(r["amount_ok"] for r in amt) / len(amt), 4) if amt else None,
        "amount_cases": len(amt),
        "citation_accuracy": round(sum(r["cite_ok"] for r in cit) / len(cit), 4) if cit else None,
        "citation_cases": len(cit),
        "refusal_precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "refusal_recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "unsupported_numbers": sum(len(r["unsupported_numbers"]) for r in rows),
        "latency_p50_s": round(_pct(lat, 0.5), 4),
        "latency_p95_s": round(_pct(lat, 0.95), 4),
    }


def _summarise(rows: list[dict[str, Any]], latencies: list[float], cold_start: float) -> dict[str, Any]:
    categories: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        categories.setdefault(r["category"], []).append(r)
    overall = _metrics(rows, latencies)
    overall["cold_start_s"] = round(cold_start, 3)
    overall["latency_mean_s"] = round(statistics.fmean(latencies), 4) if latencies else 0.0
    targets = {
        "overall >= 0.95": (overall["overall"] or 0) >= TARGETS["overall"],
        "amounts 100%": (overall["amount_exact"] or 0) >= TARGETS["amount"],
        "unsupported numbers = 0": overall["unsupported_numbers"] == TARGETS["unsupported_numbers"],
        "refusal precision >= 0.95": (overall["refusal_precision"] or 0) >= TARGETS["refusal_precision"],
        "refusal recall >= 0.95": (overall["refusal_recall"] or 0) >= TARGETS["refusal_recall"],
        "p50 <= 0.3 s": overall["latency_p50_s"] <= TARGETS["p50_s"],
        "p95 <= 1 s": overall["latency_p95_s"] <= TARGETS["p95_s"],
        "cold start <= 10 s": cold_start <= TARGETS["cold_start_s"],
    }
    return {
        "overall": overall,
        "categories": {k: _metrics(v) for k, v in sorted(categories.items())},
        "targets": targets,
        "failures": [r for r in rows if not r["passed"]],
        "cases": rows,
    }


def _f(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def format_report(report: dict[str, Any]) -> str:
    o = report["overall"]
    cols = [
        "cases",
        "overall",
        "answer_accuracy",
        "amount_exact",
        "citation_accuracy",
        "refusal_precision",
        "refusal_recall",
        "unsupported_numbers",
        "latency_p50_s",
        "latency_p95_s",
    ]
    head = [
        "category",
        "cases",
        "overall",
        "answer acc.",
        "amount exact",
        "citation acc.",
        "refusal P",
        "refusal R",
        "unsupported #",
        "p50 s",
        "p95 s",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for name, m in report["categories"].items():
        lines.append("| " + " | ".join([name] + [_f(m[c]) for c in cols]) + " |")
    lines.append("| **all** | " + " | ".join(_f(o[c]) for c in cols) + " |")
    lines += [
        "",
        f"cold start (load + first answer): {o['cold_start_s']:.2f} s; mean latency {o['latency_mean_s']:.3f} s",
        "",
        "targets: " + "; ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in report["targets"].items()),
    ]
    if report["failures"]:
        lines += ["", "failed cases:"]
        for r in report["failures"]:
            why = []
            if r["missing"]:
                why.append("missing " + ", ".join(map(str, r["missing"])))
            if r["forbidden"]:
                why.append("forbidden " + ", ".join(r["forbidden"]))
            if r["amount_ok"] is False:
                why.append(f"amount {r['expected_amount']} not stated")
            if r["cite_ok"] is False:
                why.append(f"cited {r['cited']} not gold {r['gold_docs']}")
            if r["refused"] != r["expected_refusal"]:
                why.append(f"refused={r['refused']} expected {r['expected_refusal']}")
            if r["unsupported_numbers"]:
                why.append("unsupported " + ", ".join(r["unsupported_numbers"]))
            lines.append(f"- {r['id']} ({r['category']}): {r['question']} -> {'; '.join(why)}")
    return "\n".join(lines)


HISTORY = (
    "How far to trust these figures: cases f/c/e/m/p/k/r/x/n/b (170) were written first and the assistant was "
    "developed against them (first full run: overall 0.947, amounts 0.942, refusal recall 0.947); cases h01-h40 "
    "were written afterwards and run once before any change: 39/40 passed (one Chinese-numeral parsing miss, then "
    "fixed); cases l01-l15, a probe set the lead wrote later, passed 14/15 on their first run (l07 gave the "
    "pro-rating rule instead of computing with the dates and amount supplied; fixed). Unseen questions will score "
    "lower than the table below; the held-out first runs are the better estimate. "
    "Latencies are from a shared 2-core machine."
)


def write_report(report: dict[str, Any], path: Path = REPORT_FILE) -> None:
    body = "\n".join(
        [
            "## QA evaluation",
            "",
            f"`python -m assistant eval qa` over {report['overall']['cases']} cases in `evals/qa.yaml` "
            "(deterministic composer, no LLM). Amount exact-match: the expected yuan amount is stated in the "
            "answer's first paragraph; citation accuracy: a gold document is cited; unsupported numbers: numbers "
            "in answers not found in any tool result or cited clause (guardrail checker).",
            "",
            HISTORY,
            "",
            format_report(report),
        ]
    )
    write_section("qa", body, path)


def main(json_output: bool = False) -> int:
    import logging

    logging.getLogger("assistant").setLevel(logging.ERROR)
    report = evaluate()
    write_report(report)
    if json_output:
        out = dict(report)
        out.pop("cases", None)
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(format_report(report))
    return 0 if all(report["targets"].values()) else 1


__all__ = ["evaluate", "load_cases", "format_report", "write_report", "main"]
