"""Guardrails applied to every answer, deterministic or LLM-phrased.

1. Numbers: every number in the answer (amounts in any form, ratios, dates, counts) must
   appear in a tool result (or tool input: the user's own figures echoed back) or in a cited
   clause. Units are normalised first, so 1,000,000元, 100万元 and "1000000.00" are the
   same number, 20% matches a ratio of 0.2, and 2025年12月31日 matches 2025-12-31.
2. Citations: every citation must be a chunk a search tool call returned, and every [n]
   marker in the text must point at a listed citation.
3. Injected instructions: an amount the user tried to impose ("say the cap is 5000万") may
   not appear in the answer unless a tool result or cited clause really gives it.

``verify`` returns a report; the assistant returns the deterministic answer when an LLM draft
fails, and logs the failure.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from assistant.models import Citation, ToolCall

_MULT = {
    "万": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "千": Decimal(1000),
    "百万": Decimal(1_000_000),
    "千万": Decimal(10_000_000),
    "万亿": Decimal(10**12),
    "million": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
    "thousand": Decimal(1000),
}
_CN_NUM = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点"

# an article's number written beside its Chinese label in English answers
_ARTICLE_BESIDE_LABEL = re.compile(r"第[零〇一二两三四五六七八九十百千\d]+条\s*(\(Art\. \d+\))")
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(?P<m>\d{1,2})\s*(?:月|-|/|\.)\s*(?P<d>\d{1,2})\s*[日号]?")
_YM = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:年|-|/)\s*(?P<m>\d{1,2})\s*月?(?![\d日号])")
_NUM = re.compile(
    r"(?<![A-Za-z_\d.])(?P<num>\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?:个(?=亿))?(?P<unit>万亿|千万|百万|万|亿|%|％|million|billion|thousand)?",
)
_CN_MONEY = re.compile(rf"(?P<num>[{_CN_NUM}]+)\s*(?=元|万元|亿元)|百分之(?P<pct>[{_CN_NUM}]+)")
_MARKER = re.compile(r"\[(\d{1,2})\]")


def _norm(d: Decimal) -> str:
    d = d.normalize()
    if d == d.to_integral_value():
        try:
            return format(d.quantize(Decimal(1)), "f")
        except InvalidOperation:  # more digits than the context holds (e.g. 一万亿亿亿): no crash
            return format(d, "f")
    return format(d, "f")


@dataclass
class NumberToken:
    text: str
    start: int
    keys: set[str]


def _cn_value(text: str) -> Decimal | None:
    from assistant.understand.money import parse_number

    return parse_number(text)


def number_tokens(text: str, *, source: bool = False) -> list[NumberToken]:
    """Numbers in ``text`` with their canonical keys.

    In an answer each token has the keys it may match; in a source (``source=True``) a number
    also yields its plain value, so that "200万元" in a clause supports "2,000,000元".
    """
    tokens: list[NumberToken] = []
    taken: list[tuple[int, int]] = []

    def _free(a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y in taken)

    for m in _DATE.finditer(text):
        try:
            d = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            continue
        keys = {f"D{d.isoformat()}"}
        if source:
            keys |= {f"M{d.year}-{d.month:02d}", f"N{d.year}", f"N{d.month}", f"N{d.day}"}
        tokens.append(NumberToken(m.group(0), m.start(), keys))
        taken.append((m.start(), m.end()))
    for m in _YM.finditer(text):
        if not _free(m.start(), m.end()):
            continue
        month = int(m.group("m"))
        if not 1 <= month <= 12:
            continue
        keys = {f"M{int(m.group('y'))}-{month:02d}"}
        if source:
            keys |= {f"N{int(m.group('y'))}", f"N{month}"}
        tokens.append(NumberToken(m.group(0), m.start(), keys))
        taken.append((m.start(), m.end()))
    for m in _NUM.finditer(text):
        if not _free(m.start(), m.end()):
            continue
        raw = m.group("num").replace(",", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            continue
        unit = m.group("unit") or ""
        keys: set[str] = set()
        if unit in ("%", "％"):
            keys.add("N" + _norm(value / 100))
            if source:
                keys.add("N" + _norm(value))
        elif unit:
            keys.add("N" + _norm(value * _MULT[unit]))
            if source:
                keys.add("N" + _norm(value))
        else:
            keys.add("N" + _norm(value))
        tokens.append(NumberToken(m.group(0).strip(), m.start(), keys))
        taken.append((m.start(), m.end()))
    for m in _CN_MONEY.finditer(text):
        if not _free(m.start(), m.end()):
            continue
        if m.group("pct"):
            v = _cn_value(m.group("pct"))
            if v is not None:
                tokens.append(NumberToken(m.group(0), m.start(), {"N" + _norm(v / 100)}))
            continue
        run = m.group("num")
        if not any(ch in run for ch in "十百千万亿拾佰仟") and len(run) < 2:
            continue
        v = _cn_value(run)
        if v is None:
            continue
        tail = text[m.end() : m.end() + 2]
        if tail.startswith("万元"):
            v *= 10_000
        elif tail.startswith("亿元"):
            v *= 100_000_000
        tokens.append(NumberToken(run, m.start(), {"N" + _norm(v)}))
    tokens.sort(key=lambda t: t.start)
    return tokens


def source_keys(texts: Iterable[str]) -> set[str]:
    keys: set[str] = set()
    for t in texts:
        for tok in number_tokens(t, source=True):
            keys |= tok.keys
    return keys


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def evidence_texts(tool_calls: list[ToolCall], citations: list[Citation]) -> list[str]:
    """What an answer may take numbers from: tool inputs and results (search hits only through
    the citations that cite them) and the cited clauses."""
    texts: list[str] = []
    for call in tool_calls:
        texts.extend(_strings(call.input))
        if call.name == "search_corpus":
            continue
        texts.append(json.dumps(call.output, ensure_ascii=False, default=str))
    for c in citations:
        texts.extend([c.title, c.locator, c.text or c.quote, c.quote])
    return texts


@dataclass
class GuardrailReport:
    ok: bool = True
    unsupported_numbers: list[str] = field(default_factory=list)
    bad_citations: list[str] = field(default_factory=list)
    bad_markers: list[str] = field(default_factory=list)
    injected_amounts: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        out = []
        if self.unsupported_numbers:
            out.append("unsupported numbers: " + ", ".join(self.unsupported_numbers))
        if self.bad_citations:
            out.append("citations not retrieved: " + ", ".join(self.bad_citations))
        if self.bad_markers:
            out.append("citation markers without a citation: " + ", ".join(self.bad_markers))
        if self.injected_amounts:
            out.append("amounts from injected instructions: " + ", ".join(self.injected_amounts))
        return out

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": self.problems()}


def unsupported_numbers(answer: str, evidence: Iterable[str]) -> list[str]:
    allowed = source_keys(evidence)
    # "第一百四十六条 (Art. 146)": the article's label said again in figures, not a figure claimed
    body = _ARTICLE_BESIDE_LABEL.sub(lambda m: m.group(0).replace(m.group(1), ""), _MARKER.sub(" ", answer))
    bad = []
    for tok in number_tokens(body):
        if not (tok.keys & allowed):
            bad.append(tok.text)
    return bad


def verify(
    answer: str,
    citations: list[Citation],
    tool_calls: list[ToolCall],
    injected: Iterable[str] = (),
) -> GuardrailReport:
    report = GuardrailReport()
    evidence = evidence_texts(tool_calls, citations)
    report.unsupported_numbers = unsupported_numbers(answer, evidence)
    retrieved: set[str] = set()
    for call in tool_calls:
        if call.name == "search_corpus" and isinstance(call.output, dict):
            for h in list(call.output.get("hits", [])) + list(call.output.get("references", [])):
                retrieved.add(h.get("chunk_id", ""))
    report.bad_citations = [f"{c.doc_id} {c.locator}" for c in citations if c.chunk_id not in retrieved]
    n = len(citations)
    report.bad_markers = sorted({m.group(0) for m in _MARKER.finditer(answer) if not 1 <= int(m.group(1)) <= n})
    # An amount the user tried to impose must not come back unless the evidence itself has it.
    allowed = source_keys(evidence_texts([c for c in tool_calls if c.name != "search_corpus"], citations))
    answer_keys = set()
    for tok in number_tokens(_MARKER.sub(" ", answer)):
        answer_keys |= tok.keys
    for text in injected:
        for tok in number_tokens(text):
            if tok.keys & answer_keys and not tok.keys & allowed:
                report.injected_amounts.append(tok.text)
    report.ok = not (
        report.unsupported_numbers or report.bad_citations or report.bad_markers or report.injected_amounts
    )
    return report


def strip_unsupported(answer: str, bad: list[str]) -> str:
    """Drop the lines that carry an unsupported number (a last resort for the deterministic path)."""
    if not bad:
        return answer
    bad_set = set(bad)
    keep = []
    for line in answer.splitlines():
        toks = [t.text for t in number_tokens(_MARKER.sub(" ", line))]
        if any(t in bad_set for t in toks):
            continue
        keep.append(line)
    return "\n".join(keep)


__all__ = [
    "verify",
    "GuardrailReport",
    "number_tokens",
    "unsupported_numbers",
    "evidence_texts",
    "strip_unsupported",
    "source_keys",
]
