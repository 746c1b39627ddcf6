"""Cutting a loaded document into clause chunks, each with its locator (第八条, 二、（一）, p.4 第二条).

Why apart from loading (``assistant.ingest``): the chunker is what the index, the rules' binding
test and the clause lookup share, and its fingerprint decides when the index is rebuilt; reading
files (Markdown, text, PDF in a bounded child) is a different job with different failure modes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.models import Chunk, Document

_CN_NUM = "一二三四五六七八九十百千零〇两"
# (level, regex) — level decides nesting; the label is group 1.
_LABELS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^(第[{_CN_NUM}\d]+章)")),
    (2, re.compile(rf"^(第[{_CN_NUM}\d]+节)")),
    (3, re.compile(rf"^(第[{_CN_NUM}\d]+条)")),
    (3, re.compile(rf"^([{_CN_NUM}]+、)")),
    (4, re.compile(rf"^([（(][{_CN_NUM}]+[）)])")),
]
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ENGLISH_SUMMARY = re.compile(r"^english summary$", re.IGNORECASE)


def _normalise_label(label: str) -> str:
    return label.replace("(", "（").replace(")", "）")


def _match_label(line: str) -> tuple[int, str] | None:
    clean = line.lstrip("*_ \u3000").replace("**", "")
    for level, pattern in _LABELS:
        m = pattern.match(clean)
        if m:
            return level, _normalise_label(m.group(1))
    return None


@dataclass
class _Section:
    path: list[tuple[int, str]]
    lines: list[str]
    page: int | None


def _locator(path: list[tuple[int, str]]) -> str:
    if not path:
        return "说明"
    level, label = path[-1]
    if level == 4:
        parents = [lab for lv, lab in path[:-1] if lv == 3]
        if parents:
            return parents[-1] + label
    return label


def _split_long(text: str, max_chars: int) -> list[str]:
    """Split an over-long clause at paragraph, then sentence, boundaries."""
    if len(text) <= max_chars:
        return [text]
    pieces = re.split(r"(?<=[。；;！？!?\n])|(?<=\.) ", text)
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > max_chars:
            parts.append(current)
            current = ""
        while len(piece) > max_chars:
            parts.append(piece[:max_chars])
            piece = piece[max_chars:]
        current += piece
    if current.strip():
        parts.append(current)
    return [p.strip() for p in parts if p.strip()]


CHUNKER_VERSION = "2"  # bump when chunk_document's output changes for the same file


@lru_cache(maxsize=1)
def chunking_fingerprint() -> str:
    """What, besides a file's bytes, decides its chunks: the chunker's version and the note rules.
    Part of each document's index hash, so changing either re-chunks every document."""
    rules = (Path(__file__).parent / "data" / "text_kinds.yaml").read_bytes()
    return hashlib.sha256(CHUNKER_VERSION.encode() + b"\0" + rules).hexdigest()[:16]


@lru_cache(maxsize=1)
def _note_rules() -> tuple[frozenset[str], re.Pattern[str]]:
    data = yaml.safe_load((Path(__file__).parent / "data" / "text_kinds.yaml").read_text(encoding="utf-8")) or {}
    return frozenset(data.get("note_tags", [])), re.compile("|".join(data.get("note_phrases", [])) or r"(?!)")


def is_note(locator: str, text: str) -> bool:
    """Our own words in a document (its 说明, how we read the sources): data/text_kinds.yaml."""
    if locator.endswith("说明"):
        return True
    tags, phrases = _note_rules()
    tag = re.search(r"【([^】]{1,30})】", text[:40])
    return bool(tag and tag.group(1) in tags) or bool(phrases.search(text))


def chunk_document(doc: Document, max_chars: int = 600) -> list[Chunk]:
    """Chunk by legal structure: one chunk per clause (split further only if too long)."""
    line_pages: list[tuple[str, int | None]] = []
    if doc.pages is not None:
        for number, page_text in enumerate(doc.pages, 1):
            line_pages.extend((ln, number) for ln in page_text.splitlines())
    else:
        line_pages = [(ln, None) for ln in doc.text.splitlines()]

    sections: list[_Section] = []
    stack: list[tuple[int, str]] = []
    current = _Section(path=[], lines=[], page=line_pages[0][1] if line_pages else None)
    title_seen = False
    for raw_line, page in line_pages:
        line = raw_line.strip()
        heading = _MD_HEADING.match(line)
        text_part = heading.group(2).strip() if heading else line
        label = _match_label(text_part) if text_part else None
        if heading and not label:
            if heading.group(1) == "#" and not title_seen:
                title_seen = True  # the document title: the meta already carries it
                continue
            name = text_part.strip("* ")
            if _ENGLISH_SUMMARY.match(name):
                name = "English summary"
            sections.append(current)
            stack = [(1, name)]
            current = _Section(path=list(stack), lines=[], page=page)
            continue
        if label:
            level, lab = label
            # Items （一）（二） inside an article (第N条) are part of that clause: keep them in it.
            if level == 4 and stack and stack[-1][1].startswith("第") and stack[-1][1].endswith("条"):
                current.lines.append(text_part.replace("**", ""))
                continue
            if (
                level == 4
                and len(stack) >= 2
                and stack[-1][0] == 4
                and stack[-2][1].startswith("第")
                and stack[-2][1].endswith("条")
            ):
                current.lines.append(text_part.replace("**", ""))
                continue
            sections.append(current)
            stack = [item for item in stack if item[0] < level] + [(level, lab)]
            current = _Section(path=list(stack), lines=[text_part.replace("**", "")], page=page)
            continue
        if line:
            current.lines.append(line.replace("**", ""))
        elif current.lines and current.lines[-1] != "":
            current.lines.append("")
    sections.append(current)

    chunks: list[Chunk] = []
    counts: dict[str, int] = {}
    # The heading line of each label, so a sub-item's chunk knows its parent's topic.
    titles = {tuple(s.path): (s.lines[0][:40] if s.lines else "") for s in sections if s.path}
    for position, section in enumerate(sections):
        body = "\n".join(section.lines).strip()
        if not body:
            continue
        # A heading with no text of its own (第一章 总则, 一、支持内容 followed by its items)
        # is context for the chunks below it, not a chunk.
        following = sections[position + 1] if position + 1 < len(sections) else None
        if (
            section.path
            and "\n" not in body
            and len(body) <= 40
            and following is not None
            and following.path[: len(section.path)] == section.path
            and len(following.path) > len(section.path)
        ):
            continue
        locator = _locator(section.path)
        if doc.pages is not None and section.page is not None:
            locator = f"p.{section.page} {locator}"
        parents = [titles.get(tuple(section.path[: i + 1])) or lab for i, (_, lab) in enumerate(section.path[:-1])]
        headings = parents + [lab for _, lab in section.path[-1:]]
        for part in _split_long(body, max_chars):
            n = counts.get(locator, 0)
            counts[locator] = n + 1
            digest = hashlib.sha1(f"{doc.meta.id}|{locator}|{n}|{part}".encode()).hexdigest()[:12]
            chunks.append(
                Chunk(
                    chunk_id=f"{doc.meta.id}::{locator}::{n}::{digest}",
                    doc_id=doc.meta.id,
                    text=part,
                    locator=locator,
                    heading_path=headings,
                    page=section.page,
                    meta=doc.meta,
                    # an official text is the issuer's words throughout; only our texts hold notes
                    note=doc.meta.text != "official" and is_note(locator, part),
                )
            )
    return chunks
