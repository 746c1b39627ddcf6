"""The answer card: what a chat turn shows first, built from the structured response.

A user comes for one thing (an amount, a yes/no, "not published"), so each ask's conclusion
heads the turn with the program, the version and a status badge; the calculation trace, the
conditions and the full explanation fold away under it. Everything comes from the response's
models (``Response.asks``, the calculator's tool output) and the rules API, never from parsing
the answer text; [n] markers become links to the one citations panel.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from assistant.models import AskAmount, AskAnswer, Response
from assistant.web.labels import CardLabels, labels
from assistant.web.render import calc_outputs, esc

_MARKER = re.compile(r"\[(\d{1,2})\]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@lru_cache(maxsize=1)
def _programs() -> dict[str, Any]:
    from assistant.rules import load_programs

    try:
        return dict(load_programs())
    except Exception:  # a broken rules file: the card falls back to the ids it was given
        return {}


def program_name(pid: str, lang: str = "zh") -> str:
    p = _programs().get(pid)
    if p is None:
        return pid
    return (p.name_en if lang == "en" and getattr(p, "name_en", "") else p.name) or pid


def version_label(pid: str, vid: str, lang: str = "zh") -> str:
    p = _programs().get(pid)
    for v in getattr(p, "versions", []) or []:
        if v.id == vid:
            return (v.label_en if lang == "en" and v.label_en else v.label_zh) or v.label_en or vid
    return vid


def condition_label(pid: str, cid: str, lang: str = "zh") -> str | None:
    """A condition's wording from the program's rules (the reason strings carry fact codes)."""
    p = _programs().get(pid)
    if p is None:
        return None
    for c in [*p.conditions, *(c for v in p.versions for c in v.conditions)]:
        if c.id == cid:
            return c.label_en if lang == "en" else c.label_zh
    return None


def money(value: Any, lang: str = "zh") -> str:
    from assistant.answer.format import money as fmt

    return fmt(value, lang)


def link_markers(text: str, turn: int) -> str:
    """Escape ``text`` and make each [n] a link to citation n of this turn. Line breaks become
    <br>: a blank line would end the HTML block inside the chat's Markdown."""
    html = _BOLD.sub(r"<b>\1</b>", esc(text)).replace("\n", "<br>")
    return _MARKER.sub(
        lambda m: f'<a class="cv-ref" href="#cv-cite-{turn}-{m.group(1)}" data-cite="{m.group(1)}">[{m.group(1)}]</a>',
        html,
    )


def _cite_index(resp: Response, ref: Any) -> int | None:
    if not isinstance(ref, dict):
        return None
    for i, c in enumerate(resp.citations, 1):
        if c.doc_id == ref.get("doc") and c.locator == ref.get("clause"):
            return i
    return None


def _badge(kind: str, text: str) -> str:
    return f'<span class="cv-badge cv-badge-{esc(kind)}">{esc(text)}</span>' if text else ""


def _amount_html(a: AskAmount, words: CardLabels, lang: str) -> str:
    if a.period_ended:
        badge = _badge("ended", words.period_ended)
    else:
        badge = _badge(a.version_status or "official", words.version_status.get(a.version_status or "official", ""))
    figure = money(a.amount, lang) if a.amount is not None else words.no_amount
    where = " · ".join(
        x for x in (program_name(a.program, lang), version_label(a.program, a.version, lang), a.label) if x
    )
    return (
        f'<div class="cv-headline"><span class="cv-amount">{esc(figure)}</span> {badge}</div>'
        f'<div class="cv-program">{esc(where)}</div>'
    )


def _ask_html(ask: AskAnswer, words: CardLabels, lang: str, turn: int, several: bool) -> str:
    parts = [f'<section class="cv-ask" data-verdict="{esc(ask.verdict)}">']
    if several:
        parts.append(f'<div class="cv-ask-q">{esc(ask.text)}</div>')
    if ask.amounts and ask.verdict == "not_eligible":  # a zero amount is not the answer; the verdict is
        parts.append(f'<div class="cv-headline">{_badge(ask.verdict, words.verdict.get(ask.verdict, ""))}</div>')
        names = dict.fromkeys(program_name(a.program, lang) for a in ask.amounts)
        parts.append(f'<div class="cv-program">{esc(" · ".join(names))}</div>')
    elif ask.amounts:
        parts.extend(_amount_html(a, words, lang) for a in ask.amounts)
        if ask.total is not None and len(ask.amounts) > 1:
            parts.append(f'<div class="cv-total">{esc(words.total)}：{esc(money(ask.total, lang))}</div>')
    elif ask.verdict != "answered":
        parts.append(f'<div class="cv-headline">{_badge(ask.verdict, words.verdict.get(ask.verdict, ""))}</div>')
    parts.append(f'<div class="cv-conclusion">{link_markers(ask.conclusion, turn)}</div></section>')
    return "".join(parts)


def _trace_html(resp: Response, calcs: list[dict[str, Any]], words: CardLabels, lang: str, turn: int) -> str:
    rows = []
    for calc in calcs:
        name = program_name(str(calc.get("program") or ""), lang)
        for step in calc.get("steps") or []:
            if step.get("kind") == "not_eligible":  # said in words under the conditions, not with fact codes
                continue
            label = (step.get("label") if lang == "en" else step.get("label_zh")) or step.get("label") or ""
            value = "" if step.get("kind") == "version" else str(step.get("value", ""))  # a version id is a code
            if re.fullmatch(r"\d+(\.\d+)?", value) and step.get("kind") != "rate":
                value = money(value, lang)
            n = _cite_index(resp, step.get("reference"))
            ref = link_markers(f"[{n}]", turn) if n else esc((step.get("reference") or {}).get("clause", ""))
            rows.append(f"<tr><td>{esc(name)}</td><td>{esc(label)}</td><td>{esc(value)}</td><td>{ref}</td></tr>")
    if not rows:
        return ""
    return (
        f'<details class="cv-trace"><summary>{esc(words.trace)}</summary>'
        f'<table class="cv-trace-table">{"".join(rows)}</table></details>'
    )


def _conditions_html(resp: Response, calcs: list[dict[str, Any]], words: CardLabels, lang: str, turn: int) -> str:
    items = []
    for calc in calcs:
        for r in calc.get("reasons") or []:
            status = str(r.get("status") or "")
            label = condition_label(str(calc.get("program") or ""), str(r.get("condition") or ""), lang)
            if not label:
                continue
            n = _cite_index(resp, r.get("reference"))
            mark = link_markers(f"[{n}]", turn) if n else ""
            items.append(
                f'<li class="cv-cond-{esc(status)}">{esc(words.condition_status.get(status, ""))}：{esc(label)}{mark}</li>'
            )
    if not items:  # the calculator's notes are in the full explanation, worded for users
        return ""
    return (
        f'<details class="cv-conditions"><summary>{esc(words.conditions)}</summary><ul>{"".join(items)}</ul></details>'
    )


def answer_card(data: dict[str, Any] | Response, turn: int) -> str:
    """The HTML of one answered turn: conclusions first, then the folded details."""
    resp = data if isinstance(data, Response) else Response.model_validate(data)
    lang = resp.language if resp.language in ("zh", "en") else "zh"
    words = labels().card_for(lang)
    calcs = calc_outputs([c.model_dump(mode="json") for c in resp.tool_calls])
    parts = [f'<div class="cv-card" data-turn="{int(turn)}">']
    several = len(resp.asks) > 1
    parts.extend(_ask_html(a, words, lang, turn, several) for a in resp.asks)
    if not resp.asks:
        parts.append(f'<div class="cv-conclusion">{link_markers(resp.answer, turn)}</div>')
    parts.append(_trace_html(resp, calcs, words, lang, turn))
    parts.append(_conditions_html(resp, calcs, words, lang, turn))
    if resp.asks:
        parts.append(
            f'<details class="cv-full"><summary>{esc(words.full)}</summary>'
            f'<div class="cv-full-text">{link_markers(resp.answer, turn)}</div></details>'
        )
    parts.append("</div>")
    return "".join(parts)
