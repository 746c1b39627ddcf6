"""Files the helpdesk downloads: a draft reply as .docx or Markdown, batch drafts as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.records import csv_safe
from assistant.web.security import MAX_ENQUIRY_CHARS

ENQUIRY_COLUMNS = ("enquiry", "question", "问题", "咨询", "咨询内容", "来信内容", "内容", "text")
ID_COLUMNS = ("id", "编号", "序号", "no")


class BatchInputError(ValueError):
    pass


def _citation_line(c: dict[str, Any]) -> str:
    """A source line for an exported draft: quotation marks only around official text."""
    from assistant.models import Citation

    fields = {"doc_id": "", "title": "", "locator": "", **{k: v for k, v in c.items() if v is not None}}
    cite = Citation.model_validate({**fields, "quote": (c.get("quote") or "").strip().replace("\n", " ")})
    if not cite.quote:
        return cite.heading("zh")
    return cite.line(0, "zh").split("] ", 1)[1]


def draft_markdown(text: str, citations: Iterable[dict[str, Any]], enquiry: str = "") -> str:
    lines = ["# 答复意见（草稿） / Draft reply", ""]
    if enquiry.strip():
        lines += ["## 来函 / Enquiry", "", "> " + enquiry.strip().replace("\n", "\n> "), ""]
    lines += ["## 答复 / Reply", "", text.strip(), ""]
    cites = list(citations or [])
    if cites:
        lines += ["## 参考依据 / References", ""]
        lines += [f"{i}. {_citation_line(c)}" for i, c in enumerate(cites, 1)]
        lines.append("")
    lines.append(
        f"_生成时间 Generated: {dt.date.today().isoformat()}；本草稿需经人工审核后发出。"
        " This draft must be reviewed before it is sent._"
    )
    return "\n".join(lines) + "\n"


def draft_docx(path: Path, text: str, citations: Iterable[dict[str, Any]], enquiry: str = "") -> Path:
    """Write the (edited) draft and its references as a Word document."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    doc.add_heading("答复意见（草稿）", level=1)
    if enquiry.strip():
        doc.add_heading("来函内容", level=2)
        for para in enquiry.strip().splitlines():
            if para.strip():
                doc.add_paragraph(para.strip())
        doc.add_heading("答复", level=2)
    for para in text.strip().splitlines():
        if para.strip():
            doc.add_paragraph(para.strip())
    cites = list(citations or [])
    if cites:
        doc.add_heading("参考依据", level=2)
        for c in cites:
            doc.add_paragraph(_citation_line(c), style="List Number")
    doc.add_paragraph(f"生成时间：{dt.date.today().isoformat()}。本草稿需经人工审核后发出。")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def read_enquiries(
    path: Path, max_rows: int | None = None, max_chars: int | None = None, max_row_chars: int = MAX_ENQUIRY_CHARS
) -> list[dict[str, str]]:
    """Rows of a helpdesk CSV: an enquiry column (enquiry/question/问题/…) and an optional id.

    The whole file is checked against the limits (rows and characters from the settings, each
    row the /draft enquiry limit) before anything is drafted: a batch over a limit is refused
    with the limit named, never cut short or truncated without a word."""
    from assistant.settings import get_settings

    max_rows = max_rows or get_settings().batch_max_rows
    max_chars = max_chars or get_settings().batch_max_chars
    data = Path(path).read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BatchInputError("CSV 编码无法识别（请使用 UTF-8） / the CSV is neither UTF-8 nor GB18030")
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in r)]
    except csv.Error:  # e.g. a cell over the csv module's field limit (128 KB)
        raise BatchInputError(
            f"CSV 格式有误或单元格过长（每条咨询最多 {max_row_chars} 字） / the CSV is malformed or a cell is too long "
            f"(max {max_row_chars} characters per enquiry)"
        ) from None
    if not rows:
        raise BatchInputError("CSV 为空 / the CSV is empty")
    header = [h.strip().lower() for h in rows[0]]
    q_col = next((i for i, h in enumerate(header) if h in ENQUIRY_COLUMNS), None)
    id_col = next((i for i, h in enumerate(header) if h in ID_COLUMNS), None)
    body = rows[1:]
    if q_col is None:  # no header: one enquiry per row, in the first column
        q_col, id_col, body = 0, None, rows
    out = []
    for n, r in enumerate(body, 1):
        enquiry = r[q_col].strip() if q_col < len(r) else ""
        if not enquiry:
            continue
        rid = r[id_col].strip() if id_col is not None and id_col < len(r) else str(n)
        out.append({"id": rid or str(n), "enquiry": enquiry})
        if len(enquiry) > max_row_chars:
            raise BatchInputError(
                f"第 {n} 条咨询（编号 {rid or n}）有 {len(enquiry)} 字，超过每条 {max_row_chars} 字的上限，"
                f"整批未处理 / enquiry {n} has {len(enquiry)} characters, over the limit of {max_row_chars} "
                "per enquiry; nothing was drafted"
            )
    if not out:
        raise BatchInputError("CSV 中没有咨询内容 / no enquiries found in the CSV")
    if len(out) > max_rows:
        raise BatchInputError(
            f"CSV 有 {len(out)} 条咨询，一次最多处理 {max_rows} 条，整批未处理，请拆分后上传 / "
            f"{len(out)} enquiries, at most {max_rows} per batch; nothing was drafted, split the file"
        )
    total = sum(len(r["enquiry"]) for r in out)
    if total > max_chars:
        raise BatchInputError(
            f"CSV 中咨询共 {total} 字，一次最多处理 {max_chars} 字，整批未处理，请拆分后上传 / "
            f"{total} characters of enquiries, at most {max_chars} per batch; nothing was drafted, split the file"
        )
    return out


BATCH_COLUMNS = ("id", "enquiry", "draft", "citations", "refused", "warnings")


def write_drafts_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(BATCH_COLUMNS)
        for r in rows:
            writer.writerow([csv_safe(r.get(c, "")) for c in BATCH_COLUMNS])
    return path


def citations_cell(citations: Iterable[dict[str, Any]]) -> str:
    return "；".join(" ".join(x for x in (c.get("title") or "", c.get("locator") or "") if x) for c in citations or [])
