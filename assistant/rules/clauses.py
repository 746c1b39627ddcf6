"""Find the text of a clause in a corpus document, by its label.

A clause runs from the line starting with its label (第五条, 二、, （一）) to the next label
of the same or a higher level, a Markdown heading, or the end of the document. A compound
locator such as ``二、（一）`` is the sub-item （一） inside section 二、. Used by the binding
test (every parameter's value must appear in its clause) and to show the cited text.
"""

from __future__ import annotations

import re
from pathlib import Path

_CN_NUM = "一二三四五六七八九十百千零〇两"
_LABELS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^(第[{_CN_NUM}\d]+章)")),
    (2, re.compile(rf"^(第[{_CN_NUM}\d]+节)")),
    (3, re.compile(rf"^(第[{_CN_NUM}\d]+条)")),
    (3, re.compile(rf"^([{_CN_NUM}]+、)")),
    (4, re.compile(rf"^([（(][{_CN_NUM}]+[）)])")),
]
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_COMPOUND = re.compile(rf"^([{_CN_NUM}]+、|第[{_CN_NUM}\d]+条)([（(][{_CN_NUM}]+[）)])$")


def _norm(label: str) -> str:
    return label.replace("(", "（").replace(")", "）")


def _body(text: str) -> list[str]:
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            text = text[end + 4:]
    return text.splitlines()


def _labels(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line index, level, label) for every label line; headings are level 0 or 1."""
    out: list[tuple[int, int, str]] = []
    for i, line in enumerate(lines):
        h = _HEADING.match(line.strip())
        clean = line.lstrip("*_ \u3000").replace("**", "")
        if h:
            title = h.group(1).strip()
            m = _LABELS[0][1].match(title) or _LABELS[1][1].match(title)
            out.append((i, 1 if m else 0, title))
            continue
        for level, pattern in _LABELS:
            m = pattern.match(clean)
            if m:
                out.append((i, level, _norm(m.group(1))))
                break
    return out


def _span(lines: list[str], labels: list[tuple[int, int, str]], k: int, stop: int | None = None) -> str:
    start, level, _ = labels[k]
    end = stop if stop is not None else len(lines)
    for i, lv, _lab in labels[k + 1:]:
        if i >= end:
            break
        if lv <= level:
            end = i
            break
    return "\n".join(lines[start:end]).strip()


def find_clause(text: str, clause: str) -> str | None:
    """The text of ``clause`` in a document's Markdown ``text``, or None if absent."""
    lines = _body(text)
    labels = _labels(lines)
    clause = _norm(clause.strip())
    m = _COMPOUND.match(clause)
    if m:
        parent, child = m.group(1), m.group(2)
        for k, (i, lv, lab) in enumerate(labels):
            if lv == 3 and lab == parent:
                parent_text_end = None
                for i2, lv2, _ in labels[k + 1:]:
                    if lv2 <= 3:
                        parent_text_end = i2
                        break
                for k2 in range(k + 1, len(labels)):
                    i2, lv2, lab2 = labels[k2]
                    if parent_text_end is not None and i2 >= parent_text_end:
                        break
                    if lv2 == 4 and lab2 == child:
                        return _span(lines, labels, k2, parent_text_end)
        return None
    if clause.lower() == "english summary":
        for k, (i, lv, lab) in enumerate(labels):
            if lv == 0 and lab.lower() == "english summary":
                return _span(lines, labels, k)
        return None
    for k, (i, lv, lab) in enumerate(labels):
        if lv >= 1 and lab == clause:
            return _span(lines, labels, k)
    return None


def corpus_path(doc_id: str, corpus_dir: Path | None = None) -> Path:
    if corpus_dir is None:
        from assistant.settings import get_settings

        corpus_dir = get_settings().corpus_dir
    return Path(corpus_dir) / f"{doc_id}.md"


def clause_text(doc_id: str, clause: str, corpus_dir: Path | None = None) -> str | None:
    """The clause's text from ``corpus/<doc_id>.md``; None if the file or clause is missing."""
    path = corpus_path(doc_id, corpus_dir)
    if not path.exists():
        return None
    return find_clause(path.read_text(encoding="utf-8"), clause)
