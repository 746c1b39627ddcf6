"""Files the helpdesk downloads: a draft reply as .docx or Markdown, batch drafts as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.records import csv_safe

ENQUIRY_COLUMNS = ("enquiry", "question", "问题", "咨询", "咨询内容", "来信内容", "内容", "text")
ID_COLUMNS = ("id", "编号", "序号", "no")
MAX_BATCH_ROWS = 500


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


def read_enquiries(path: Path) -> list[dict[str, str]]:
    """Rows of a helpdesk CSV: an enquiry column (enquiry/question/问题/…) and an optional id."""
    data = Path(path).read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BatchInputError("CSV 编码无法识别（请使用 UTF-8） / the CSV is neither UTF-8 nor GB18030")
    reader = csv.reader(io.StringIO(text))
    rows = [r for r in reader if any(cell.strip() for cell in r)]
    if not rows:
        raise BatchInputError("CSV 为空 / the CSV is empty")
    header = [h.strip().lower() for h in rows[0]]
    q_col = next((i for i, h in enumerate(header) if h in ENQUIRY_COLUMNS), None)
    id_col = next((i for i, h in enumerate(header) if h in ID_COLUMNS), None)
    body = rows[1:]
    if q_col is None:  # no header: one enquiry per row, in the first column
        q_col, id_col, body = 0, None, rows
    if len(body) > MAX_BATCH_ROWS:
        raise BatchInputError(f"一次最多处理 {MAX_BATCH_ROWS} 条咨询 / at most {MAX_BATCH_ROWS} enquiries per batch")
    out = []
    for n, r in enumerate(body, 1):
        enquiry = r[q_col].strip() if q_col < len(r) else ""
        if not enquiry:
            continue
        rid = r[id_col].strip() if id_col is not None and id_col < len(r) else str(n)
        out.append({"id": rid or str(n), "enquiry": enquiry})
    if not out:
        raise BatchInputError("CSV 中没有咨询内容 / no enquiries found in the CSV")
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
