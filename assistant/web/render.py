"""Turn library results into what the page shows. Pure functions, no logic of their own.

Everything that came from a document or a user is escaped here before it reaches HTML or
Markdown, so a document that contains ``<script>`` shows those characters as text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from assistant.models import Citation

STATUS_ZH = {
    "in_force": "现行有效",
    "expired": "已失效",
    "superseded": "已被取代",
    "draft": "征求意见稿",
    "reported": "媒体报道",
    "official": "官方文本",
}
SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低", "info": "提示", "critical": "严重"}


def esc(value: Any) -> str:
    """HTML-escape any value (None becomes an empty string)."""
    return html.escape("" if value is None else str(value), quote=True)


def md_text(value: Any) -> str:
    """Text for a Markdown renderer: HTML tags and entities are shown literally, not run."""
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def status_label(status: str | None) -> str:
    """The document status in words (the stored code never reaches the page)."""
    if not status:
        return ""
    return STATUS_ZH.get(status, "")


def citations_html(
    citations: Iterable[dict[str, Any]], empty: str = "（暂无引用 / no citations yet）", turn: int = 0
) -> str:
    """The citations panel: each cited clause with title, status, dates and full text.

    ``turn`` (the number of answered questions) lets a page or a test see that the panel
    belongs to the latest answer.
    """
    items = list(citations or [])
    if not items:
        return f'<div class="cv-citations cv-empty" data-turn="{int(turn)}">{esc(empty)}</div>'
    parts = [f'<div class="cv-citations" data-turn="{int(turn)}">']
    for i, c in enumerate(items, 1):
        dates = " — ".join(d for d in (c.get("effective_from") or "", c.get("effective_to") or "") if d)
        if c.get("effective_from") and not c.get("effective_to"):
            dates = f"{c['effective_from']} 起 / from"
        status = c.get("status") or ""
        text = c.get("text") or c.get("quote") or ""
        kind = c.get("text_kind") or "summary"
        fields = {"doc_id": "", "title": "", "locator": "", "quote": ""}
        heading = Citation.model_validate({**fields, **{k: v for k, v in c.items() if v is not None}}).heading("zh")
        parts.append(
            f'<div class="cv-citation" id="cv-cite-{int(turn)}-{i}" data-doc-id="{esc(c.get("doc_id"))}" '
            f'data-text-kind="{esc(kind)}">'
            f'<div class="cv-cite-head"><span class="cv-cite-n">[{i}]</span> '
            f'<span class="cv-cite-title">{esc(heading)}</span></div>'
            f'<div class="cv-cite-meta"><span class="cv-badge cv-status-{esc(status)}">{esc(status_label(status))}</span>'
            f"{' <span class=cv-dates>' + esc(dates) + '</span>' if dates else ''}</div>"
            # official text is a quotation; our summary or note is shown as ours, not as a quote
            + (
                f'<blockquote class="cv-cite-text">{esc(text)}</blockquote>'
                if kind == "official"
                else f'<div class="cv-cite-text cv-cite-ours">{esc(text)}</div>'
            )
            + "</div>"
        )
    parts.append("</div>")
    return "".join(parts)


def warnings_md(warnings: Iterable[str]) -> str:
    items = [w for w in (warnings or []) if w]
    if not items:
        return ""
    return "\n".join(f"- ⚠ {md_text(w)}" for w in items)


def _ref_label(ref: Any, titles: dict[str, str] | None = None) -> str:
    """``《title》clause`` when the document's title is known, else ``doc_id clause``."""
    if not ref:
        return ""
    if isinstance(ref, dict):
        doc, clause = str(ref.get("doc") or ""), str(ref.get("clause") or "")
        if titles and doc in titles:
            return f"《{titles[doc]}》{clause}"
        return " ".join(x for x in (doc, clause) if x)
    return str(ref)


def calc_outputs(tool_calls: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Calculator results found in a response's tool calls (an output with ``steps``)."""
    found: list[dict[str, Any]] = []

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("steps"), list) and ("amount" in value or "program" in value):
                found.append(value)
                return
            for v in value.values():
                if isinstance(v, (dict, list)):
                    visit(v)
        elif isinstance(value, list):
            for v in value:
                visit(v)

    for call in tool_calls or []:
        visit(call.get("output") if isinstance(call, dict) else None)
    return found


TRACE_HEADERS = ["方案 Program", "步骤 Step", "数值 Value", "依据条款 Clause"]


def trace_rows(calculations: Iterable[dict[str, Any]], titles: dict[str, str] | None = None) -> list[list[str]]:
    """Rows for the trace table: one per calculation step, with its clause reference."""
    rows: list[list[str]] = []
    for calc in calculations or []:
        name = calc.get("program_name") or calc.get("program") or ""
        for step in calc.get("steps") or []:
            if step.get("kind") == "not_eligible":  # the failed conditions are listed in words above
                continue
            label = step.get("label_zh") or step.get("label") or ""
            if step.get("label") and step.get("label_zh") and step["label"] != step["label_zh"]:
                label = f"{step['label_zh']} / {step['label']}"
            rows.append([name, label, str(step.get("value", "")), _ref_label(step.get("reference"), titles)])
    return rows


def calc_summary_md(calc: dict[str, Any]) -> str:
    """Headline of one calculation: amount, version, cap."""
    name = md_text(calc.get("program_name") or calc.get("program"))
    if calc.get("amount") is None:
        head = f"### {name}\n**无法计算金额 / no amount can be computed**"
    else:
        wan = calc.get("amount_wan")
        head = (
            f"### {name}\n**补贴金额 / Amount: {md_text(calc['amount'])} 元{f'（{md_text(wan)}万元）' if wan else ''}**"
        )
    lines = [head]
    meta = []
    if calc.get("version"):
        meta.append(f"适用版本 version: {md_text(calc.get('version_label') or calc['version'])}")
    if calc.get("rate_percent"):
        meta.append(f"比例 rate: {md_text(calc['rate_percent'])}")
    if calc.get("capped_by"):
        from assistant.web.labels import cap_label

        meta.append(f"封顶 capped by: {md_text(cap_label(calc['capped_by']))}")
    if calc.get("eligible") is False:
        meta.append("**不符合条件 / not eligible**")
    if meta:
        lines.append(" · ".join(meta))
    from assistant.web.cards import condition_label

    for r in calc.get("reasons") or []:
        if r.get("status") == "failed":
            label = condition_label(str(calc.get("program") or ""), str(r.get("condition") or ""))
            lines.append(f"- ✗ 不符合：{md_text(label or '见依据条款')}（{md_text(_ref_label(r.get('reference')))}）")
    return "\n\n".join(lines)


def calc_warnings(calc: dict[str, Any]) -> list[str]:
    zh = calc.get("warnings_zh") or []
    en = calc.get("warnings") or []
    if zh and len(zh) == len(en):
        return [f"{a} / {b}" for a, b in zip(zh, en)]
    return list(zh or en)


ELIGIBILITY_ZH = {
    "eligible": "符合 eligible",
    "undetermined": "待确认 undetermined",
    "not_eligible": "不符合 not eligible",
}


FINDING_HEADERS = ["严重程度 Severity", "问题 Finding", "依据 Legal basis", "建议 Recommendation"]


def _first(d: dict[str, Any], *keys: str, titles: dict[str, str] | None = None) -> str:
    for k in keys:
        v = d.get(k)
        if v:
            if isinstance(v, list):
                return "；".join(_ref_label(x, titles) if isinstance(x, dict) else str(x) for x in v)
            if isinstance(v, dict):
                return _ref_label(v, titles)
            return str(v)
    return ""


def finding_rows(findings: Iterable[dict[str, Any]], titles: dict[str, str] | None = None) -> list[list[str]]:
    rows = []
    for f in findings or []:
        sev = str(f.get("severity", ""))
        title = _first(f, "title_zh", "title", "issue_zh", "issue", "code", "id")
        explanation = _first(f, "explanation_zh", "explanation", "detail_zh", "detail")
        finding = f"{title}：{explanation}" if title and explanation else (title or explanation)
        basis = _first(f, "basis_zh", "basis", "legal_basis", "references", "reference", "law", titles=titles)
        advice = _first(f, "recommendation_zh", "recommendation", "advice_zh", "advice")
        rows.append([f"{SEVERITY_ZH.get(sev, '')} {sev}".strip(), finding, basis, advice])
    return rows
