"""The helpdesk letter: a formal reply built from the same per-ask drafts as the chat answer.

Official-letter tone in Chinese (答复意见, 测算过程 … 特此答复), a formal letter in English. Every
figure in it comes from the drafts, so from tools and cited clauses; an amount under an ended
program reads as a reference there exactly as in the chat answer.
"""

from __future__ import annotations

import datetime as dt

from assistant.answer.draft import AskDraft
from assistant.answer.format import date_text
from assistant.answer.render import circled, conclusion_of
from assistant.models import Citation

_CN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


def _collect(drafts: list[AskDraft], lang: str) -> dict[str, list[str]]:
    many = len(drafts) > 1
    out: dict[str, list[str]] = {k: [] for k in ("answer", "steps", "table", "conditions", "questions", "caveats")}
    for i, d in enumerate(drafts, 1):
        tag = circled(i) if many else ""
        out["answer"].append(tag + conclusion_of(d, lang))
        out["steps"] += [tag + s for s in d.steps]
        out["table"] += [tag + s for s in d.table]
        out["conditions"] += [tag + s for s in d.reasons + d.findings + d.details + d.info]
        out["questions"] += [tag + q.text for q in d.questions if q.text not in d.conclusion]
        out["caveats"] += [c for c in d.caveats]
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def helpdesk_letter(
    drafts: list[AskDraft], citations: list[Citation], case_caveats: list[str], issuer: str, lang: str, today: dt.date
) -> str:
    parts = _collect(drafts, lang)
    parts["caveats"] = list(dict.fromkeys(parts["caveats"] + case_caveats))
    if lang == "en":
        titles = {
            "answer": "Answer",
            "steps": "Calculation",
            "table": "Comparison",
            "conditions": "Conditions and rules to check",
            "questions": "Information still needed",
            "caveats": "Notes",
        }
        lines = [
            "Subject: Reply to your enquiry about compute vouchers (算力券)",
            "",
            "Dear Sir or Madam,",
            "",
            "Thank you for your enquiry. Having reviewed the applicable policy documents, we reply as follows.",
        ]
        letters = iter("ABCDEFG")
        for key, title in titles.items():
            if parts[key]:
                body = [" ".join(parts[key])] if key == "answer" else [f"   - {s}" for s in parts[key]]
                lines += ["", f"{next(letters)}. {title}", *body]
        if citations:
            lines += ["", "References:"] + [f"[{i}] {c.heading('en')}" for i, c in enumerate(citations, 1)]
        lines += [
            "",
            "This reply is based on public copies of the documents above; the issuing authority's official text "
            f"prevails. Please contact {issuer or 'the issuing authority'} to confirm before applying.",
            "",
            "Yours faithfully,",
            "Compute Voucher Helpdesk",
            date_text(today, "en"),
        ]
        return "\n".join(lines)
    titles = {
        "answer": "答复意见",
        "steps": "测算过程",
        "table": "政策比较",
        "conditions": "需核对的条件和规定",
        "questions": "尚需补充的信息",
        "caveats": "有关说明",
    }
    lines = ["关于算力券有关问题的答复", "", "您好：", "", "来信收悉。经查阅相关政策文件，现将有关情况答复如下："]
    n = 0
    for key, title in titles.items():
        if not parts[key]:
            continue
        items = ["".join(parts[key])] if len(drafts) == 1 and key == "answer" else parts[key]
        lines += ["", f"{_CN[n]}、{title}"]
        lines += [f"（{_CN[j] if j < len(_CN) else j + 1}）{b}" for j, b in enumerate(items)]
        n += 1
    if citations:
        lines += ["", "参考依据："] + [f"[{k}] {c.heading('zh')}" for k, c in enumerate(citations, 1)]
    lines += [
        "",
        f"以上答复依据相关文件的公开文本整理，具体以发文单位正式文本为准。申报前请向{issuer or '发文单位'}咨询确认。",
        "",
        "特此答复。",
        "",
        "算力券政策咨询服务",
        date_text(today, "zh"),
    ]
    return "\n".join(lines)


__all__ = ["helpdesk_letter"]
