"""The Gradio app: assembles one page module per tab (``assistant.web.pages``) over the library API.

Chat -> ``Assistant.ask``; Calculator -> ``rules.calculate`` / ``rules.compare``;
Compliance -> ``compliance.check_compliance``; Helpdesk -> ``Assistant.draft``; Library -> the
index. Every answer is written to the audit record. The Gradio endpoint ``/ask`` returns
``Response.as_json()``; the REST API (``assistant.api``, mounted at ``/api/v1``) returns what
``python -m assistant ask --json`` prints.

Styles live in ``static/app.css`` and wording in ``labels.yaml``; nothing is fetched from a CDN.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402

from assistant.settings import Settings, get_settings  # noqa: E402
from assistant.web.context import (  # noqa: E402
    MAX_ENQUIRY_CHARS,
    MAX_HISTORY,
    MAX_QUESTION_CHARS,
    WebContext,
)
from assistant.web.pages import calculator, chat, compare, compliance, helpdesk, library  # noqa: E402
from assistant.web.security import history_texts, question_text  # noqa: E402

STATIC = Path(__file__).with_name("static")
CSS_FILE = STATIC / "app.css"
JS_FILE = STATIC / "app.js"

__all__ = ["MAX_ENQUIRY_CHARS", "MAX_QUESTION_CHARS", "WebContext", "build_app", "launch", "serve"]


def build_app(settings: Settings | None = None, ctx: WebContext | None = None) -> gr.Blocks:
    ctx = ctx or WebContext(settings)
    # delete_cache: uploads and generated files older than a day are removed every hour.
    with gr.Blocks(
        title="算力券助手 Compute-Voucher Assistant", analytics_enabled=False, delete_cache=(3600, 86400)
    ) as demo:
        gr.Markdown(
            "# 算力券助手 · Compute-Voucher Assistant\n"
            "政策问答、金额计算、合规检查与答复草稿；每个数字都有出处。  "
            "Policy answers, exact amounts, compliance checks and draft replies — every figure cited.",
            elem_id="cv-header",
        )
        with gr.Tabs(overflow_behavior="wrap"):  # a phone shows every tab, none behind "…"
            with gr.Tab("对话 Chat", id="chat", elem_id="tab-chat"):
                chat_load = chat.build_chat(ctx)
            with gr.Tab("计算器 Calculator", id="calculator", elem_id="tab-calculator"):
                calc_parts = calculator.build_calculator(ctx)
            with gr.Tab("方案比较 Compare", id="compare", elem_id="tab-compare"):
                compare.build_compare(ctx)
            with gr.Tab("合规检查 Compliance", id="compliance", elem_id="tab-compliance"):
                compliance.build_compliance(ctx)
            with gr.Tab("答复草稿 Helpdesk", id="helpdesk", elem_id="tab-helpdesk"):
                helpdesk.build_helpdesk(ctx)
            with gr.Tab("资料库 Library", id="library", elem_id="tab-library"):
                snapshot, docs, pick = library.build_library(ctx)

        def ask(question: str, history: list[str] | None = None, request: gr.Request = None) -> dict:
            """Answer a question about compute-voucher policies; returns the same JSON as `ask --json`."""
            problem = ctx.check_rate(request)
            if problem:
                raise gr.Error(problem)
            if isinstance(history, str):
                history = [history]
            try:
                question = question_text(question)
                hist = history_texts(list(history or [])[-MAX_HISTORY:])
            except ValueError as exc:  # the same limits and words as the REST API
                raise gr.Error(str(exc)) from None
            data = ctx.assistant().ask(question, history=hist).as_json()
            ctx.log(question, data, "api", request, history=hist)
            return data

        gr.api(ask, api_name="ask")

        def on_load():
            table, picks = snapshot()
            outs = [table, picks]
            if calc_parts:
                program, _about, _comps, on_program = calc_parts
                outs += on_program(program.value)
            return outs

        load_outputs = [docs, pick]
        if calc_parts:
            program, about, comp_list, _ = calc_parts
            load_outputs += [about] + comp_list
        demo.load(on_load, outputs=load_outputs, api_visibility="private")
        demo.load(**chat_load, api_visibility="private")  # the browser's conversations
    # settings.concurrency_limit / queue_max_size: chosen from evals/load.py, see evals/REPORT.md.
    demo.queue(default_concurrency_limit=ctx.settings.concurrency_limit, max_size=ctx.settings.queue_max_size)
    demo.cv_context = ctx  # for tests and serve()
    return demo


def theme() -> gr.themes.Base:
    font = [
        gr.themes.LocalFont("Source Sans Pro"),
        "WenQuanYi Micro Hei",
        "Noto Sans CJK SC",
        "PingFang SC",
        "Microsoft YaHei",
        "ui-sans-serif",
        "system-ui",
        "sans-serif",
    ]
    return gr.themes.Default(font=font)


def launch(demo: gr.Blocks, host: str, port: int, settings: Settings, block: bool = True, quiet: bool = False):
    # The REST API (/api/v1) is served by the same process, over the UI's loaded assistant, rate
    # limiter and token guard: one index in memory, one rate-limit budget per client.
    from assistant.api import mount

    ctx = getattr(demo, "cv_context", None)
    shared = dict(assistant=ctx.assistant, limiter=ctx.limiter, token_guard=ctx.token_guard) if ctx else {}
    return demo.launch(
        app_kwargs={"routes": [mount(settings, **shared)]},
        server_name=host,
        server_port=port,
        prevent_thread_lock=not block,
        quiet=quiet,
        share=False,
        max_file_size=settings.max_upload_bytes,
        footer_links=["api", "settings"],
        ssr_mode=False,
        theme=theme(),
        css=CSS_FILE.read_text(encoding="utf-8"),
        head=f"<script>{JS_FILE.read_text(encoding='utf-8')}</script>",
        show_error=False,
        mcp_server=False,
        pwa=False,
    )


def serve(
    host: str | None = None,
    port: int | None = None,
    settings: Settings | None = None,
    block: bool = True,
    quiet: bool = False,
):
    """Load the assistant (building the index if missing), then serve the app."""
    settings = settings or get_settings()
    if block and threading.current_thread() is threading.main_thread():
        import signal

        def _stop(signum: int, frame: Any) -> None:  # SIGTERM stops the server like Ctrl-C, at once
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, _stop)
    from assistant.api import warm_up

    ctx = WebContext(settings)
    warm_up(ctx.assistant())  # the first question should not wait for the index nor race a lazy parser
    demo = build_app(ctx=ctx)
    return demo, launch(demo, host or settings.host, port or settings.port, settings, block=block, quiet=quiet)
