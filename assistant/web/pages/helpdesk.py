"""The Helpdesk tab: a formal draft reply to an enquiry (``Assistant.draft``), editable and
exported as Word or Markdown; a CSV of enquiries drafted in one go."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import gradio as gr

from assistant.web import exports, render
from assistant.web.context import MAX_ENQUIRY_CHARS, SESSION_TTL_S, WebContext
from assistant.web.render import md_text
from assistant.web.security import CSV_SUFFIXES, UploadRejected, check_upload, enquiry_text

log = logging.getLogger(__name__)


def build_helpdesk(ctx: WebContext) -> None:
    gr.Markdown(
        "粘贴来信或来电记录，生成带引用的正式答复草稿；可编辑后导出。  \n"
        "Paste an enquiry to get a formal draft reply with citations; edit it, then export."
    )
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            enquiry = gr.Textbox(label="咨询内容 Enquiry", lines=5, elem_id="hd-enquiry", max_length=MAX_ENQUIRY_CHARS)
            make = gr.Button("生成草稿 Draft reply", variant="primary", elem_id="hd-draft")
            draft = gr.Textbox(
                label="答复草稿（可编辑） Draft (editable)", lines=16, interactive=True, elem_id="hd-text"
            )
            with gr.Row():
                to_docx = gr.Button("导出 Word (.docx)", elem_id="hd-export-docx")
                to_md = gr.Button("导出 Markdown (.md)", elem_id="hd-export-md")
            exported = gr.File(label="下载 Download", elem_id="hd-file", interactive=False)
        with gr.Column(scale=2):
            gr.Markdown("### 引用条款 Citations")
            cites = gr.HTML(render.citations_html([]), elem_id="hd-citations")
    with gr.Accordion("批量处理 Batch (CSV)", open=False, elem_id="hd-batch"):
        gr.Markdown(
            f"上传 CSV（列名 enquiry 或 问题，可选 id），下载每条咨询的答复草稿。一次最多 {ctx.settings.batch_max_rows} 条、"
            f"共 {ctx.settings.batch_max_chars} 字，每条最多 {MAX_ENQUIRY_CHARS} 字。  \n"
            "Upload a CSV with an `enquiry` (or 问题) column and an optional `id`; download a CSV of drafts."
        )
        batch_in = gr.File(label="咨询 CSV Enquiries", file_types=list(CSV_SUFFIXES), elem_id="hd-batch-in")
        batch_run = gr.Button("批量生成 Draft all", elem_id="hd-batch-run")
        batch_status = gr.Markdown(elem_id="hd-batch-status")
        batch_out = gr.File(label="答复 CSV Drafts", elem_id="hd-batch-out", interactive=False)

    draft_cites = gr.State([], time_to_live=SESSION_TTL_S)
    draft_enquiry = gr.State("", time_to_live=SESSION_TTL_S)

    def make_draft(text, request: gr.Request):
        text = (text or "").strip()
        if not text:
            return "", render.citations_html([]), [], "", gr.skip()
        problem = ctx.check_rate(request)
        if problem is None:  # the API bypasses the textbox's max_length
            try:
                text = enquiry_text(text)
            except ValueError as exc:
                problem = str(exc)
        if problem:
            return "⚠ " + problem, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:
            data = ctx.assistant().draft(text).as_json()
        except Exception:
            log.exception("draft failed")
            return "抱歉，生成草稿时出错。 / Sorry, drafting failed.", gr.skip(), gr.skip(), gr.skip(), gr.skip()
        ctx.log(text, data, "helpdesk", request)
        cites_list = data.get("citations") or []
        return data.get("answer", ""), render.citations_html(cites_list), cites_list, text, None

    make.click(
        make_draft,
        inputs=enquiry,
        outputs=[draft, cites, draft_cites, draft_enquiry, exported],
        api_name="draft",
        api_visibility="undocumented",
    )

    def export(kind):
        def handler(text, cites_list, enq):
            if not (text or "").strip():
                raise gr.Error("没有可导出的草稿。 / There is no draft to export.")
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            out_dir = ctx.new_export_dir()
            if kind == "docx":
                path = exports.draft_docx(out_dir / f"答复草稿-{stamp}.docx", text, cites_list or [], enq or "")
            else:
                path = out_dir / f"答复草稿-{stamp}.md"
                path.write_text(exports.draft_markdown(text, cites_list or [], enq or ""), encoding="utf-8")
            return str(path)

        return handler

    to_docx.click(
        export("docx"), inputs=[draft, draft_cites, draft_enquiry], outputs=exported, api_visibility="private"
    )
    to_md.click(export("md"), inputs=[draft, draft_cites, draft_enquiry], outputs=exported, api_visibility="private")

    def run_batch(file, request: gr.Request, progress=gr.Progress()):
        if not file:
            return "请先上传 CSV。 / Upload a CSV first.", None
        problem = ctx.check_rate(request)
        if problem:
            return "⚠ " + md_text(problem), None
        try:
            check_upload(file, CSV_SUFFIXES, ctx.settings.max_upload_bytes)
            rows = exports.read_enquiries(Path(file), ctx.settings.batch_max_rows, ctx.settings.batch_max_chars)
        except (UploadRejected, exports.BatchInputError) as exc:
            return "⚠ " + md_text(exc), None
        assistant = ctx.assistant()
        out = []
        for row in progress.tqdm(rows, desc="生成草稿 drafting"):
            try:
                data = assistant.draft(row["enquiry"]).as_json()  # read_enquiries refused longer rows
            except Exception:
                log.exception("batch draft failed")
                data = {"answer": "（生成失败 / drafting failed）", "citations": [], "refused": True}
            ctx.log(row["enquiry"], data, "helpdesk-batch", request)
            out.append(
                {
                    "id": row["id"],
                    "enquiry": row["enquiry"],
                    "draft": data.get("answer", ""),
                    "citations": exports.citations_cell(data.get("citations")),
                    "refused": "yes" if data.get("refused") else "no",
                    "warnings": "；".join(data.get("warnings") or []),
                }
            )
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = exports.write_drafts_csv(ctx.new_export_dir() / f"drafts-{stamp}.csv", out)
        failed = sum(1 for r in out if r["draft"] == "（生成失败 / drafting failed）")
        note = f"其中 {failed} 条生成失败（见 draft 列）。 / {failed} failed." if failed else ""
        return f"完成 {len(out)} 条。{note} / Drafted {len(out)} enquiries.", str(path)

    batch_run.click(run_batch, inputs=batch_in, outputs=[batch_status, batch_out], api_visibility="private")
