"""The answer text: every ask's conclusion first, in the order asked, then what supports them.

One ask reads as before ("**结论**：…" then 计算过程, 条件核对, … 依据). Several asks open
with a numbered list of conclusions in one paragraph, so the first paragraph answers every
question; the supporting sections follow, each line tagged with the question it belongs to.
"""

from __future__ import annotations

import re

from assistant.answer.draft import AskDraft
from assistant.answer.format import yuanify
from assistant.answer.messages import say
from assistant.models import AskAnswer, Citation

_SECTIONS = ("info", "steps", "table", "reasons", "findings", "details", "questions", "caveats")


def conclusion_of(draft: AskDraft, lang: str) -> str:
    joiner = " " if lang == "en" else ""
    return yuanify(joiner.join(draft.conclusion)).strip()


def render(drafts: list[AskDraft], citations: list[Citation], lang: str, case_caveats: list[str]) -> str:
    colon = ":" if lang == "en" else "："
    head = say(lang, "heads.answer")
    out: list[str] = []
    conclusions = [conclusion_of(d, lang) for d in drafts]
    if len(drafts) == 1:
        if drafts[0].refused:
            out.append(conclusions[0])
        else:
            out.append(f"**{head}**{colon}" + (" " if lang == "en" else "") + conclusions[0])
    else:
        out.append(f"**{head}**{colon}\n" + "\n".join(f"{circled(i)} {c}" for i, c in enumerate(conclusions, 1)))
    many = len(drafts) > 1
    for section in _SECTIONS:
        lines: list[str] = []
        for i, d in enumerate(drafts, 1):
            items = [q.text for q in d.questions] if section == "questions" else list(getattr(d, section))
            if section == "questions":
                items = [q for q in items if q not in d.conclusion]
            tag = say(lang, "heads.ask_n", n=circled(i)) if many else ""
            lines.extend(f"{tag}{x}" for x in items if f"{tag}{x}" not in lines)
        if section == "caveats":
            lines.extend(c for c in case_caveats if c not in lines)
        lines = list(dict.fromkeys(lines))
        if lines:
            out.append(f"\n**{say(lang, 'heads.' + section)}**{colon}")
            out.extend(f"- {yuanify(line)}" for line in lines)
    if citations:
        out.append(f"\n**{say(lang, 'heads.sources')}**{colon}")
        out.extend(c.line(i, lang) for i, c in enumerate(citations, 1))
    return dedupe_markers("\n".join(out).strip())


def circled(n: int) -> str:
    """①②③: numbering that reads as a list marker, not as a figure (the guardrails check every
    digit in an answer against the evidence)."""
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"


def dedupe_markers(text: str) -> str:
    """[1][1][2] -> [1][2]: the same clause cited twice in a row."""

    def fix(m: re.Match[str]) -> str:
        return "".join(dict.fromkeys(re.findall(r"\[\d+\]", m.group(0))))

    return re.sub(r"(?:\[\d+\]){2,}", fix, text)


def _markers(text: str) -> list[int]:
    return sorted({int(x) for x in re.findall(r"\[(\d{1,2})\]", text)})


def ask_answers(drafts: list[AskDraft], lang: str) -> list[AskAnswer]:
    out = []
    for d in drafts:
        conclusion = conclusion_of(d, lang)
        out.append(
            AskAnswer(
                text=d.ask.text,
                intent=d.ask.intent,
                verdict=d.verdict,
                conclusion=conclusion,
                amounts=d.amounts,
                total=d.total,
                programs=list(dict.fromkeys(d.programs)),
                regions=list(dict.fromkeys(d.regions)),
                citations=_markers(conclusion),
            )
        )
    return out


__all__ = ["ask_answers", "conclusion_of", "dedupe_markers", "render"]
