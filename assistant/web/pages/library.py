"""The Library tab: the indexed documents and their chunks; upload and delete (admin token)
through ``assistant.web.library``, which re-indexes incrementally."""

from __future__ import annotations

import logging
from pathlib import Path

import gradio as gr

from assistant.web import library
from assistant.web.context import WebContext
from assistant.web.labels import labels, msg
from assistant.web.render import STATUS_ZH, md_text
from assistant.web.security import UploadRejected

log = logging.getLogger(__name__)


def _row(r: library.DocRow) -> list:
    """A table row with the status in words (the stored code is for the index, not for people)."""
    cells = r.as_list()
    cells[3] = STATUS_ZH.get(r.status, r.status) if r.status else "未填"
    cells[8] = _index_words(r)
    return cells


def _index_words(r: library.DocRow) -> str:
    """Whether retrieval serves all of the document: a half-written one must never look complete,
    and the admin learns what happens to it (served as before, finished or rolled back at start)."""
    if r.pending is None:
        return msg("lib_index_complete")
    which = ("update" if r.pending.previous_version_visible else "new") + "_" + r.pending.state
    return msg(f"lib_pending_{which}", n=r.pending.chunks_expected)


def _pick_label(r: library.DocRow) -> str:
    return f"{r.doc_id} · {r.title}" + (msg("lib_pending_pick") if r.pending is not None else "")


def _table(rows: list[library.DocRow]):
    """The document rows, with the number still being written in the table's label."""
    pending = sum(1 for r in rows if r.pending is not None)
    label = "文档 Documents" + (msg("lib_pending_count", n=pending) if pending else "")
    return gr.update(value=[_row(r) for r in rows], label=label)


def _report_zh(report) -> str:
    """What the re-index did, in words an admin reads."""
    return (
        f"新增 {len(report.added)} 篇、更新 {len(report.updated)} 篇、移除 {len(report.removed)} 篇"
        + (f"、失败 {len(report.errors)} 篇" if report.errors else "")
        + f"；资料库现有 {report.total_chunks} 个分块。"
    )


def build_library(ctx: WebContext):
    gr.Markdown(
        "资料库文档与分块；上传和删除需要管理员令牌。  \n"
        "Documents and chunks in the knowledge base; upload and delete need the admin token."
    )
    token = gr.Textbox(label="管理员令牌 Admin token", type="password", elem_id="admin-token", max_length=500)
    status = gr.Markdown(elem_id="lib-status")  # what just happened, at the top where the admin looks
    with gr.Row():
        refresh = gr.Button("刷新 Refresh", size="sm", elem_id="lib-refresh")
    docs = gr.Dataframe(
        headers=library.DOC_HEADERS,
        value=[],
        label="文档 Documents",
        elem_id="lib-docs",
        interactive=False,
        wrap=True,
        max_height=420,
        show_search="search",
        column_widths=["14%", "24%", "8%", "7%", "8%", "8%", "6%", "5%", "12%", "8%"],
    )
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            pick = gr.Dropdown(
                choices=[], label="查看文档分块 / Show chunks of", elem_id="lib-pick", allow_custom_value=False
            )
            chunks = gr.Dataframe(
                headers=library.CHUNK_HEADERS,
                value=[],
                label="分块 Chunks",
                elem_id="lib-chunks",
                interactive=False,
                wrap=True,
                max_height=420,
            )
            delete = gr.Button("删除所选文档 Delete this document", variant="stop", elem_id="lib-delete")
            with gr.Group(visible=False, elem_id="lib-confirm") as confirm_box:
                confirm_text = gr.Markdown(elem_id="lib-confirm-text")
                with gr.Row():
                    confirm = gr.Button("确认删除 Delete", variant="stop", elem_id="lib-delete-confirm")
                    cancel = gr.Button("取消 Cancel", elem_id="lib-delete-cancel")
        with gr.Column(scale=2):
            files = gr.File(
                label="上传 Upload (PDF / Markdown / TXT)",
                file_count="multiple",
                file_types=[".pdf", ".md", ".markdown", ".txt"],
                elem_id="lib-upload",
            )
            with gr.Accordion("元数据（可选） Metadata (optional)", open=True):
                m_id = gr.Textbox(label="文档ID Document ID", elem_id="lib-meta-id", max_length=100)
                m_title = gr.Textbox(label="标题 Title", elem_id="lib-meta-title", max_length=300)
                m_region = gr.Textbox(
                    label="地区代码 Region code（如 beijing）", elem_id="lib-meta-region", max_length=100
                )
                m_region_name = gr.Textbox(
                    label="地区名称 Region name（如 北京市）", elem_id="lib-meta-region-name", max_length=100
                )
                m_status = gr.Dropdown(
                    labels().status_choices, value="", label="状态 Status", elem_id="lib-meta-status"
                )
                m_from = gr.Textbox(label="生效日期 Effective from", placeholder="YYYY-MM-DD", elem_id="lib-meta-from")
                m_to = gr.Textbox(label="失效日期 Effective to", placeholder="YYYY-MM-DD", elem_id="lib-meta-to")
                m_conf = gr.Dropdown(
                    labels().confidence_choices, value="", label="可信度 Confidence", elem_id="lib-meta-confidence"
                )
                m_yaml = gr.Textbox(
                    label="其他元数据（YAML） More metadata (YAML)",
                    placeholder="program: beijing-municipal\ntext: official    # official | summary | analysis\nnumbering: official",
                    lines=3,
                    elem_id="lib-meta-yaml",
                    max_length=5000,
                )
            upload = gr.Button("上传并索引 Upload and index", variant="primary", elem_id="lib-upload-run")

    def snapshot():
        try:
            rows = library.list_documents(ctx.settings)
        except Exception:
            log.exception("listing documents failed")
            return [], gr.update(choices=[])
        return _table(rows), gr.update(choices=[(_pick_label(r), r.doc_id) for r in rows])

    refresh.click(snapshot, outputs=[docs, pick], api_visibility="private")

    def show_chunks(doc_id):
        if not doc_id:
            return []
        return library.document_chunks(ctx.settings, doc_id)

    pick.change(show_chunks, inputs=pick, outputs=chunks, api_visibility="private")

    def do_upload(
        tok,
        paths,
        mid,
        mtitle,
        mregion,
        mregion_name,
        mstatus,
        mfrom,
        mto,
        mconf,
        myaml,
        request: gr.Request,
        progress=gr.Progress(track_tqdm=True),
    ):
        problem = ctx.check_rate(request)
        if problem:
            return "⚠ " + md_text(problem), gr.skip(), gr.skip(), gr.skip()
        denied = ctx.admin_refusal(tok, request)
        if denied:
            if not ctx.settings.admin_token:
                denied = "✗ 未配置管理员令牌（ASSISTANT_ADMIN_TOKEN），上传已禁用。"
            return denied, gr.skip(), gr.skip(), gr.skip()
        # The same file added twice (e.g. again after a refusal) is one upload: the last copy wins.
        by_name = {getattr(p, "orig_name", None) or Path(str(p)).name: p for p in (paths or []) if p}
        paths = list(by_name.values())
        if not paths:
            return "请选择要上传的文件。", gr.skip(), gr.skip(), gr.skip()
        meta = {
            "id": mid,
            "title": mtitle,
            "region": mregion,
            "region_name": mregion_name,
            "status": mstatus,
            "effective_from": mfrom,
            "effective_to": mto,
            "confidence": mconf,
        }
        meta = {k: v.strip() for k, v in meta.items() if isinstance(v, str) and v.strip()}
        if len(paths) > 1 and "id" in meta:
            return "多个文件时不能指定同一个文档ID。", gr.skip(), gr.skip(), gr.skip()
        lines = []
        changed = False
        for p in paths:
            original = getattr(p, "orig_name", None) or Path(str(p)).name
            try:
                progress(0, desc=f"索引 indexing {original}")
                name, report = library.add_document(
                    ctx.settings, str(p), original, meta=meta, meta_yaml=myaml, progress=True
                )
                changed = True
                errors = "; ".join(f"{Path(e.path).name}: {e.reason}" for e in report.errors)
                lines.append(f"✓ {md_text(name)}：{_report_zh(report)}" + (f" ⚠ {md_text(errors)}" if errors else ""))
            except UploadRejected as exc:
                lines.append(f"✗ {md_text(original)}：{md_text(exc)}")
            except Exception as exc:
                log.exception("upload failed")
                lines.append(f"✗ {md_text(original)}：索引失败（{md_text(exc.__class__.__name__)}），资料库未改变。")
        if changed:
            ctx.index_changed()
        table, picks = snapshot()
        return "\n\n".join(lines), table, picks, (gr.update(value=None) if changed else gr.skip())

    upload.click(
        do_upload,
        inputs=[token, files, m_id, m_title, m_region, m_region_name, m_status, m_from, m_to, m_conf, m_yaml],
        outputs=[status, docs, pick, files],
        api_visibility="private",
        concurrency_limit=1,
        concurrency_id="index-write",
    )

    def ask_delete(doc_id):
        """Deleting re-indexes and cannot be undone: say which document, and wait for a yes."""
        if not doc_id:
            return "请先选择文档。", gr.skip(), gr.skip()
        title = next((r.title for r in library.list_documents(ctx.settings) if r.doc_id == doc_id), doc_id)
        return (
            "",
            f"确定删除《{md_text(title)}》（{md_text(doc_id)}）吗？删除后需重新上传才能恢复。",
            gr.update(visible=True),
        )

    delete.click(ask_delete, inputs=pick, outputs=[status, confirm_text, confirm_box], api_visibility="private")
    cancel.click(
        lambda: ("已取消删除。", gr.update(visible=False)), outputs=[status, confirm_box], api_visibility="private"
    )

    def do_delete(tok, doc_id, request: gr.Request, progress=gr.Progress(track_tqdm=True)):
        hide = gr.update(visible=False)
        problem = ctx.check_rate(request)
        if problem:
            return "⚠ " + md_text(problem), gr.skip(), gr.skip(), gr.skip(), hide
        denied = ctx.admin_refusal(tok, request)
        if denied:
            return denied, gr.skip(), gr.skip(), gr.skip(), hide
        if not doc_id:
            return "请先选择文档。", gr.skip(), gr.skip(), gr.skip(), hide
        try:
            report = library.delete_document(ctx.settings, doc_id, progress=True)
        except UploadRejected as exc:
            return "✗ " + md_text(exc), gr.skip(), gr.skip(), gr.skip(), hide
        ctx.index_changed()
        table, picks = snapshot()
        return f"✓ 已删除 {md_text(doc_id)}：{_report_zh(report)}", table, picks, [], hide

    confirm.click(
        do_delete,
        inputs=[token, pick],
        outputs=[status, docs, pick, chunks, confirm_box],
        api_visibility="private",
        concurrency_limit=1,
        concurrency_id="index-write",
    )
    return snapshot, docs, pick
