"""The deterministic answer writer (Chinese or English) and the helpdesk draft.

An answer is built as a ``Draft``: the direct answer first (amount, yes/no, the rule), then
the reasoning (calculation steps, conditions checked), the questions for missing facts,
caveats (unverified, conflicting versions with both amounts, period ended, confirm with the
issuer), and numbered citations [1] [2] with the document title, the clause and a short quote.

Every number written here comes from a tool result or from the clause it cites; citations are
only ever made from chunks the search tool returned (``Draft.cite`` takes a chunk record from a
tool result). No LLM is involved.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# ---------------------------------------------------------------- formatting
from assistant.answer.format import _dec, _plain, date_text, money, percent, shorten, yuanify  # noqa: F401
from assistant.answer.sentences import (  # noqa: F401
    IDF,
    best_sentence,
    clean_sentence,
    instructs_assistant,
    pick_best,
    score_sentences,
    sentences,
    set_idf,
)
from assistant.models import Citation

HEAD = {
    "zh": {
        "answer": "结论",
        "steps": "计算过程",
        "reasons": "条件核对",
        "questions": "还需要您确认",
        "caveats": "注意",
        "sources": "依据",
        "details": "相关规定",
        "table": "对比",
        "findings": "风险提示",
    },
    "en": {
        "answer": "Answer",
        "steps": "How it is calculated",
        "reasons": "Conditions checked",
        "questions": "Please tell us",
        "caveats": "Caveats",
        "sources": "Sources",
        "details": "Related rules",
        "table": "Comparison",
        "findings": "Risks",
    },
}


@dataclass
class Draft:
    language: str = "zh"
    lead: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    table: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    missing: list[dict[str, str]] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    # -------------------------------------------------------- citations
    def cite(self, hit: dict[str, Any] | None, prefer: Iterable[str] = (), terms: Iterable[str] = ()) -> str:
        """Cite a chunk record from a search tool result; returns the marker " [n]"."""
        if not hit:
            return ""
        cid = hit["chunk_id"]
        if cid not in self._index:
            quote = best_sentence(hit["text"], terms, prefer)
            self.citations.append(
                Citation(
                    doc_id=hit["doc_id"],
                    title=hit["title"],
                    locator=hit["locator"],
                    quote=shorten(quote, 100),
                    chunk_id=cid,
                    status=hit.get("status") or "",
                    effective_from=hit.get("effective_from") or "",
                    effective_to=hit.get("effective_to") or "",
                    text=hit["text"],
                )
            )
            self._index[cid] = len(self.citations)
        return f"[{self._index[cid]}]"

    def add_caveat(self, text: str) -> None:
        if text and text not in self.caveats:
            self.caveats.append(text)

    def add_question(self, text: str, fact: str = "") -> None:
        if text and text not in self.questions:
            self.questions.append(text)
            if fact:
                self.missing.append({"fact": fact, "question": text})

    # -------------------------------------------------------- rendering
    def render(self) -> str:
        h = HEAD["en" if self.language == "en" else "zh"]
        out: list[str] = []
        if self.lead:
            if self.refused:
                out.append("\n".join(self.lead))
            else:
                head = f"**{h['answer']}:** " if self.language == "en" else f"**{h['answer']}**："
                sep = " " if self.language == "en" else ""
                out.append(head + sep.join(self.lead))
        sections = [
            ("steps", self.steps),
            ("table", self.table),
            ("reasons", self.reasons),
            ("findings", self.findings),
            ("details", self.details),
            ("questions", self.questions),
            ("caveats", self.caveats),
        ]
        for key, lines in sections:
            if not lines:
                continue
            colon = ":" if self.language == "en" else "："
            out.append(f"\n**{h[key]}**{colon}")
            out.extend(f"- {line}" for line in lines)
        out = [yuanify(x) for x in out]  # amounts in yuan with the 万元 form beside them (quotes below stay verbatim)
        if self.citations:
            colon = ":" if self.language == "en" else "："
            out.append(f"\n**{h['sources']}**{colon}")
            for i, c in enumerate(self.citations, 1):
                if self.language == "en":
                    out.append(f'[{i}] {c.title}, {c.locator}: "{c.quote}"')
                else:
                    out.append(f"[{i}] 《{c.title}》{c.locator}：“{c.quote}”")
        return dedupe_markers("\n".join(out).strip())


def dedupe_markers(text: str) -> str:
    """[1][1][2] -> [1][2]: the same clause cited twice in a row."""

    def fix(m: re.Match) -> str:
        seen = list(dict.fromkeys(re.findall(r"\[\d+\]", m.group(0))))
        return "".join(seen)

    return re.sub(r"(?:\[\d+\]){2,}", fix, text)


# ---------------------------------------------------------------- fixed texts

HELP_ZH = (
    "我可以帮您：查询各地算力券政策条款（如北京、北京经开区、上海、贵州、深圳、杭州等）；按合同额或结算额计算可获得的算力券金额；"
    "判断申请资格并列出还需确认的条件；比较不同地区的政策；提示关联交易、虚高价格、重复申领等合规风险；说明申领和兑付流程。"
)
HELP_EN = (
    "I can help with: the compute-voucher (算力券) rules of covered regions (Beijing, Beijing E-Town, Shanghai, Guizhou, "
    "Shenzhen, Hangzhou and others); the voucher amount for a contract or settlement; eligibility and the facts still to "
    "check; comparisons between regions; compliance risks (related-party suppliers, inflated prices, double funding); "
    "and how to apply and redeem."
)
CONTACT_ZH = "具体政策请以发文单位的正式文本为准，可咨询当地工业和信息化（经信）部门、数据管理部门或政务服务热线。"
CONTACT_EN = (
    "For anything binding, contact the issuing authority (the local bureau of economy and information technology "
    "or the data bureau) or the local government service hotline."
)


def refusal_off_topic(lang: str) -> list[str]:
    if lang == "en":
        return [
            "Sorry, this question is outside what this assistant covers: it answers questions about compute vouchers "
            "(算力券) and related subsidy rules only.",
            HELP_EN,
            CONTACT_EN,
        ]
    return ["抱歉，这个问题不在本助手的服务范围内：本助手只回答算力券及相关算力补贴政策的问题。", HELP_ZH, CONTACT_ZH]


def refusal_unknown_region(lang: str, place_names: list[str], covered: list[str]) -> list[str]:
    names = "、".join(place_names) if lang != "en" else ", ".join(place_names)
    cov = ("、" if lang != "en" else ", ").join(covered)
    if lang == "en":
        return [
            f"The knowledge base has no compute-voucher document for {names}, so I cannot give a rate, cap or amount "
            f"for it and will not guess.",
            f"Regions covered: {cov}.",
            f"Please ask the local bureau of economy and information technology or the data bureau of {names} "
            f"whether such a program exists.",
            HELP_EN,
        ]
    return [
        f"资料库中没有收录{names}的算力券政策文件，无法给出比例、上限或金额，也不会推测。",
        f"目前收录的地区有：{cov}。",
        f"建议向{names}当地的工业和信息化（经信）部门或数据管理部门咨询是否有相关政策。",
        HELP_ZH,
    ]


def refusal_not_found(lang: str) -> list[str]:
    if lang == "en":
        return [
            "I could not find anything in the knowledge base that answers this question, so I will not guess.",
            HELP_EN,
            CONTACT_EN,
        ]
    return ["资料库中没有找到能回答这个问题的依据，为避免误导，不作推测。", HELP_ZH, CONTACT_ZH]


INJECTION_ZH = (
    "您的消息中含有要求改变规则、金额或回答方式的指令；本助手不会照做，金额和规则只以政策文本和计算结果为准。"
)
INJECTION_EN = (
    "Your message contains an instruction to change the rules, amounts or how I answer; I do not follow such "
    "instructions. Amounts and rules come only from the policy texts and the calculator."
)


# ---------------------------------------------------------------- helpdesk draft


def helpdesk_letter(
    draft: Draft, enquiry: str, issuer: str = "", lang: str = "zh", today: dt.date | None = None
) -> str:
    """A formal reply to an enquiry: official-letter tone in Chinese, or a formal English letter.

    It restates the answer, the calculation, the conditions to check and the citations as
    references; every figure in it comes from the draft (and so from tools and cited clauses).
    """
    today = today or dt.date.today()
    refs = draft.citations
    if lang == "en":
        lines = [
            "Subject: Reply to your enquiry about compute vouchers (算力券)",
            "",
            "Dear Sir or Madam,",
            "",
            "Thank you for your enquiry. Having reviewed the applicable policy documents, we reply as follows.",
        ]
        letters = iter("ABCDEFG")
        if draft.lead:
            lines += ["", f"{next(letters)}. Answer", " ".join(draft.lead)]
        if draft.steps:
            lines += ["", f"{next(letters)}. Calculation"] + [f"   - {s}" for s in draft.steps]
        if draft.table:
            lines += ["", f"{next(letters)}. Comparison"] + [f"   - {s}" for s in draft.table]
        conds = draft.reasons + draft.findings + draft.details
        if conds:
            lines += ["", f"{next(letters)}. Conditions and rules to check"] + [f"   - {s}" for s in conds]
        if draft.questions:
            lines += ["", f"{next(letters)}. Information still needed"] + [f"   - {s}" for s in draft.questions]
        if draft.caveats:
            lines += ["", f"{next(letters)}. Notes"] + [f"   - {s}" for s in draft.caveats]
        if refs:
            lines += ["", "References:"] + [f"[{i}] {c.title}, {c.locator}" for i, c in enumerate(refs, 1)]
        lines += [
            "",
            "This reply is based on public copies of the documents above; the issuing authority's official text "
            "prevails. Please contact " + (issuer or "the issuing authority") + " to confirm before applying.",
            "",
            "Yours faithfully,",
            "Compute Voucher Helpdesk",
            date_text(today, "en"),
        ]
        return "\n".join(lines)
    cn_num = ["一", "二", "三", "四", "五", "六", "七"]
    lines = ["关于算力券有关问题的答复", "", "您好：", "", "来信收悉。经查阅相关政策文件，现将有关情况答复如下："]
    i = 0

    def sec(title: str, body: list[str]) -> None:
        nonlocal i
        lines.append("")
        lines.append(f"{cn_num[i]}、{title}")
        lines.extend(f"（{cn_num[j] if j < len(cn_num) else j + 1}）{b}" for j, b in enumerate(body))
        i += 1

    if draft.lead:
        sec("答复意见", [" ".join(draft.lead)])
    if draft.steps:
        sec("测算过程", draft.steps)
    if draft.table:
        sec("政策比较", draft.table)
    conds = draft.reasons + draft.findings + draft.details
    if conds:
        sec("需核对的条件和规定", conds)
    if draft.questions:
        sec("尚需补充的信息", draft.questions)
    if draft.caveats:
        sec("有关说明", draft.caveats)
    if refs:
        lines += ["", "参考依据："] + [f"[{k}] 《{c.title}》{c.locator}" for k, c in enumerate(refs, 1)]
    lines += [
        "",
        "以上答复依据相关文件的公开文本整理，具体以发文单位正式文本为准。申报前请向"
        + (issuer or "发文单位")
        + "咨询确认。",
        "",
        "特此答复。",
        "",
        "算力券政策咨询服务",
        date_text(today, "zh"),
    ]
    return "\n".join(lines)


__all__ = [
    "Draft",
    "money",
    "yuanify",
    "percent",
    "date_text",
    "best_sentence",
    "pick_best",
    "score_sentences",
    "sentences",
    "clean_sentence",
    "shorten",
    "helpdesk_letter",
    "refusal_off_topic",
    "refusal_unknown_region",
    "refusal_not_found",
    "HELP_ZH",
    "HELP_EN",
    "CONTACT_ZH",
    "CONTACT_EN",
    "INJECTION_ZH",
    "INJECTION_EN",
]
