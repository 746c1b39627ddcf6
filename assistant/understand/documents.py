"""Documents a message names by their number ("京技管发〔2024〕29号") or title in 《》.

Why: a helpdesk enquiry often names the document instead of the place ("企业问京技管发〔2024〕29号
今天是否仍然有效"), and a place word that is ambiguous on its own ("经开区": Beijing's, Guangzhou's,
any city's) is settled by the document the same message names. The documents come from the
loaded index (``Knowledge.docs``), passed in by the caller: the understanding reads no files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")
_TITLE = re.compile(r"《([^》]{4,80})》")
_BRACKETED = re.compile(r"[（(][^）)]*[）)]|\s")
MIN_TITLE_CHARS = 8  # a shorter quoted name ("若干措施") says too little to pick one document


@dataclass(frozen=True)
class DocRef:
    """What the understanding needs of one indexed document."""

    doc_id: str
    region: str
    title: str
    doc_number: str | None = None


def _plain_number(text: str) -> str:
    return re.sub(r"[\[［(（]", "〔", re.sub(r"[\]］)）]", "〕", re.sub(r"\s", "", text)))


def _plain_title(text: str) -> str:
    return _BRACKETED.sub("", text)


def named_documents(text: str, documents: Iterable[DocRef]) -> list[DocRef]:
    """The indexed documents ``text`` names, in the order named (a document once)."""
    docs = list(documents)
    found: list[tuple[int, DocRef]] = []
    numbers = [(d, _plain_number(d.doc_number)) for d in docs if d.doc_number]
    for m in _DOC_NUMBER.finditer(text):
        number = _plain_number(m.group(0))  # may carry words before the issuer's code, or fewer
        found += [(m.start(), d) for d, own in numbers if own and (own in number or number in own)]
    for m in _TITLE.finditer(text):
        asked = _plain_title(m.group(1))
        if len(asked) < MIN_TITLE_CHARS:
            continue
        for d in docs:
            title = _plain_title(d.title)
            if title and (asked in title or title in asked):
                found.append((m.start(), d))
    out: list[DocRef] = []
    for _, d in sorted(found, key=lambda f: f[0]):
        if d not in out:
            out.append(d)
    return out


__all__ = ["DocRef", "named_documents"]
