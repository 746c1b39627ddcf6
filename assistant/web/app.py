"""The Gradio app: five tabs over the library API (views only).

Chat -> ``Assistant.ask``; Calculator -> ``rules.calculate`` / ``rules.compare``;
Compliance -> ``compliance.check_compliance`` (facts pre-filled by ``understand``'s
extractors from an uploaded contract); Helpdesk -> ``Assistant.draft``; Library -> the
index (``build_index``, ``reset_retrievers``). Every answer is written to the audit record.

The API endpoint ``/ask`` returns exactly ``Response.as_json()``, the object that
``python -m assistant ask --json`` prints.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402

from assistant.records import get_records  # noqa: E402
from assistant.settings import Settings, get_settings  # noqa: E402
from assistant.web import exports, library, render  # noqa: E402
from assistant.web.render import md_text  # noqa: E402
from assistant.web.security import (  # noqa: E402
    CONTRACT_SUFFIXES,
    CSV_SUFFIXES,
    RateLimiter,
    TokenGuard,
    UploadRejected,
    check_upload,
    client_key,
    token_ok,
)

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 4000
# A session's state (history, drafts) is dropped after this long without use, so abandoned
# sessions do not hold memory until the server restarts.
SESSION_TTL_S = 2 * 3600
MAX_ENQUIRY_CHARS = 20000
MAX_HISTORY = 20
COMPARE = "__compare_all__"
TRACE_WIDTHS = ["18%", "42%", "22%", "18%"]

EXAMPLES = [
    "北京算力券每年最多补贴多少？",
    "我们是北京注册的软件企业，向非关联方租用智能算力，合同额500万元，能拿多少算力券？",
    "我们在北京经开区，用的是国产算力，这次结算了50万元，能抵扣多少？",
    "上海和北京的算力券有什么区别？",
    "算力券可以转让给其他企业吗？",
    "How much can a Shanghai company get from the compute voucher?",
]

CSS = """
:root, body, .gradio-container { font-family: "Source Sans Pro", "WenQuanYi Micro Hei", "Noto Sans CJK SC",
  "PingFang SC", "Microsoft YaHei", ui-sans-serif, system-ui, sans-serif; }
.cv-citations { max-height: 560px; overflow-y: auto; font-size: 0.92em; }
.cv-citation { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin-bottom: 8px; }
.cv-cite-head { font-weight: 600; }
.cv-cite-n { color: var(--color-accent); }
.cv-cite-loc { color: var(--body-text-color-subdued); margin-left: 4px; }
.cv-cite-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 2px 0 4px; }
.cv-badge { border-radius: 4px; padding: 0 6px; background: var(--background-fill-secondary); }
.cv-status-in_force { background: #dcfce7; color: #166534; }
.cv-status-expired, .cv-status-superseded { background: #fee2e2; color: #991b1b; }
.cv-status-reported, .cv-status-draft { background: #fef9c3; color: #854d0e; }
.cv-cite-text { white-space: pre-wrap; margin: 4px 0 0; padding-left: 8px; border-left: 3px solid var(--border-color-accent); }
.cv-docid { font-family: var(--font-mono); }
.cv-empty { color: var(--body-text-color-subdued); }
.cv-clauses details { margin-bottom: 6px; }
.cv-clauses blockquote { white-space: pre-wrap; margin: 4px 0 4px 8px; }
#cv-header h1 { margin-bottom: 0; }
.gradio-container table, .gradio-container table * { font-family: var(--font) !important; }
#chat-trace, #calc-trace, #calc-compare, #comp-findings, #lib-docs, #lib-chunks { --font-mono: var(--font); }
"""

FIELD_TYPES_TEXT = ("money", "date", "int", "ratio", "str")
BOOL_CHOICES = [("未填 unknown", ""), ("是 yes", "true"), ("否 no", "false")]

# Labels for the compliance form. The facts themselves are those ``check_compliance``
# documents; eligibility facts take their wording from ``rules.FACTS``.
COMPLIANCE_BOOLS_USER = [
    ("supplier_related", "供应商为关联方", "supplier is a related party"),
    ("other_municipal_subsidy", "已获其他同级财政算力补贴", "other same-level fiscal compute subsidy received"),
    ("contract_already_claimed", "该合同已申领过算力券", "contract already used for a claim"),
    ("sham_contract", "合同不反映真实采购（阴阳合同等）", "sham contract"),
    ("contract_amount_inflated", "合同或结算金额虚高", "contract amount inflated"),
    ("kickback", "供应商返还部分费用或补贴（返点、回扣）", "supplier pays back part of the fee (kickback)"),
    ("double_subsidy_same_contract", "同一合同已获其他财政支持", "same contract already subsidised"),
    ("contract_split", "拆分合同多次申领", "contract split to claim several times"),
    ("supply_side_also_claims", "供应商也为同一业务申领", "supplier also claims for the same business"),
]
COMPLIANCE_BOOLS_ISSUER = [
    ("local_registration_required", "要求本地注册", "measure requires local registration"),
    ("selective_subsidy", "仅支持特定企业", "support reserved to specific firms"),
    ("designated_suppliers", "限定供应商", "users must buy from designated operators"),
    ("discriminates_outside", "对外地企业或算力区别对待", "worse terms for outside firms or compute"),
    ("fair_competition_review_done", "已开展公平竞争审查", "fair-competition review done"),
    ("criteria_public", "条件、比例、上限已公开", "conditions, ratios and caps published"),
    ("has_time_limit", "设有实施期限", "measure has an implementation period"),
]
VOUCHER_ACTIONS = [
    ("未填 unknown", ""),
    ("自用 own use", "own_use"),
    ("转让 transfer", "transfer"),
    ("转售 resale", "resale"),
    ("出借 lending", "lending"),
    ("赠送 gift", "gift"),
    ("套现 cash out", "cash_out"),
]


def _text(value: Any) -> str:
    """User text as the assistant and the audit record take it: a str (an API caller may send a
    number or null) without lone surrogates (valid JSON, but SQLite's UTF-8 refuses them)."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return text.encode("utf-8", "replace").decode("utf-8")


def _session(request: gr.Request | None) -> str:
    return getattr(request, "session_hash", None) or "anonymous"


def _bool_value(v: Any) -> bool | None:
    if v in ("true", True):
        return True
    if v in ("false", False):
        return False
    return None


def _bool_choice(v: Any) -> str:
    return "true" if v is True else "false" if v is False else ""


class WebContext:
    """What the handlers share: settings, the loaded assistant, records, the rate limiter."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.limiter = RateLimiter(self.settings.rate_limit_per_minute)
        self.token_guard = TokenGuard(self.settings.admin_max_failures, self.settings.admin_lockout_s)
        self._assistant = None
        self._lock = threading.Lock()
        self.export_dir = Path(tempfile.mkdtemp(prefix="cv-exports-"))

    @property
    def records(self):
        return get_records(self.settings)

    def assistant(self):
        with self._lock:
            if self._assistant is None:
                from assistant.assistant import Assistant

                self._assistant = Assistant.load(self.settings)
            return self._assistant

    def index_changed(self) -> None:
        """The index was rewritten: load a fresh assistant over it (the old one keeps serving until then)."""
        from assistant.assistant import Assistant
        from assistant.retrieval import reset_retrievers

        reset_retrievers()
        fresh = Assistant.load(self.settings)
        with self._lock:
            self._assistant = fresh

    def new_export_dir(self) -> Path:
        """A fresh directory for one generated file; directories older than a day are removed."""
        cutoff = time.time() - 86400
        for old in self.export_dir.iterdir():
            try:
                if old.stat().st_mtime < cutoff:
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                pass
        return Path(tempfile.mkdtemp(dir=self.export_dir))

    def client(self, request: gr.Request | None) -> str:
        return client_key(request, self.settings.trusted_proxies)

    def check_rate(self, request: gr.Request | None) -> str | None:
        wait = self.limiter.retry_after(self.client(request))
        return self.limiter.message(wait) if wait else None

    def admin_refusal(self, token: str | None, request: gr.Request | None) -> str | None:
        """None when the admin token is right; else why not (wrong, locked out, not configured)."""
        key = self.client(request)
        wait = self.token_guard.locked_for(key)
        if wait:
            return self.token_guard.message(wait)
        if token_ok(token, self.settings.admin_token):
            self.token_guard.succeeded(key)
            return None
        if self.settings.admin_token:
            self.token_guard.failed(key)
        return "✗ 管理员令牌无效：已拒绝，未做任何更改。 / Invalid admin token: refused, nothing was changed."

    def log(
        self,
        question: str,
        data: dict[str, Any],
        channel: str,
        request: gr.Request | None,
        history: list[str] | None = None,
    ) -> int | None:
        try:
            return self.records.log_answer(question, data, history=history, channel=channel, session=_session(request))
        except Exception:  # the answer still reaches the user; the failure is in the server log
            log.exception("could not write the audit record")
            return None

    def titles(self) -> dict[str, str]:
        """Document titles by id, for showing references."""
        try:
            return {doc_id: d.title for doc_id, d in self.assistant().kb.docs.items()}
        except Exception:
            return {}

    def clause_html(self, references: list[dict[str, Any]]) -> str:
        """The text of each referenced clause, for the trace's clause links."""
        refs = []
        for r in references or []:
            if r and (r.get("doc"), r.get("clause")) not in [(x.get("doc"), x.get("clause")) for x in refs]:
                refs.append(r)
        if not refs:
            return ""
        a = self.assistant()
        parts = ['<div class="cv-clauses"><b>依据条款 Clauses</b>']
        for r in refs:
            chunk = a.kb.clauses.find(r.get("doc", ""), r.get("clause", ""))
            doc = a.kb.docs.get(r.get("doc", ""))
            title = doc.title if doc else r.get("doc", "")
            text = chunk.text if chunk else "（资料库中未找到该条款文本 / clause text not found in the index）"
            parts.append(
                f"<details><summary>{render.esc(title)} {render.esc(r.get('clause'))} "
                f'<span class="cv-docid">({render.esc(r.get("doc"))})</span></summary>'
                f"<blockquote>{render.esc(text)}</blockquote></details>"
            )
        parts.append("</div>")
        return "".join(parts)


# ====================================================================== chat


def _chunks(text: str, size: int = 24) -> list[str]:
    """Growing prefixes of ``text``, for streaming the answer into the chat."""
    out, pos = [], 0
    while pos < len(text):
        pos = min(len(text), pos + size)
        out.append(text[:pos])
    return out


def build_chat(ctx: WebContext) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="对话 Conversation",
                height=460,
                elem_id="chatbot",
                feedback_options=("Like", "Dislike"),
                buttons=["copy"],
                sanitize_html=True,
                placeholder="请提问：补贴比例、上限、资格条件、金额计算、申领流程…<br>"
                "Ask about ratios, caps, eligibility, amounts, how to apply…",
            )
            quick = gr.Dataset(
                components=[gr.Textbox(visible=False)],
                samples=[[""]],
                visible=False,
                label="还需要这些信息（点击后在输入框作答） / Still needed — click, then answer",
                elem_id="quick-replies",
                samples_per_page=8,
            )
            with gr.Row():
                msg = gr.Textbox(
                    show_label=False,
                    placeholder="输入问题，回车发送 / Type a question, Enter to send",
                    scale=6,
                    lines=1,
                    max_lines=6,
                    elem_id="chat-input",
                    autofocus=True,
                    max_length=MAX_QUESTION_CHARS,
                )
                send = gr.Button("发送 Send", variant="primary", scale=1, min_width=90, elem_id="chat-send")
                new = gr.Button("新对话 New", scale=1, min_width=80, elem_id="chat-new")
            examples = gr.Dataset(
                components=[gr.Textbox(visible=False)],
                samples=[[q] for q in EXAMPLES],
                label="示例问题 Examples",
                elem_id="chat-examples",
                samples_per_page=6,
            )
            with gr.Accordion("反馈 Feedback", open=False, elem_id="chat-feedback"):
                comment = gr.Textbox(
                    label="意见（可选） Comment (optional)", lines=2, elem_id="feedback-comment", max_length=2000
                )
                with gr.Row():
                    up = gr.Button("▲ 有帮助 Helpful", elem_id="feedback-up")
                    down = gr.Button("▼ 没帮助 Not helpful", elem_id="feedback-down")
                fb_status = gr.Markdown(elem_id="feedback-status")
        with gr.Column(scale=2):
            gr.Markdown("### 引用条款 Citations")
            cites = gr.HTML(render.citations_html([]), elem_id="citations")
            warn = gr.Markdown(elem_id="chat-warnings")
    trace = gr.Dataframe(
        headers=render.TRACE_HEADERS,
        value=[],
        label="计算过程 Calculation trace",
        elem_id="chat-trace",
        interactive=False,
        wrap=True,
        max_height=420,
        column_widths=TRACE_WIDTHS,
        visible=False,
    )

    history = gr.State([], time_to_live=SESSION_TTL_S)  # earlier user messages, as Assistant.ask expects
    answer_ids = gr.State({}, time_to_live=SESSION_TTL_S)  # chatbot message index -> audit record id
    last_id = gr.State(None, time_to_live=SESSION_TTL_S)

    outputs = [chatbot, msg, history, answer_ids, last_id, cites, warn, trace, quick]
    skip = gr.skip

    def respond(message, messages, hist, ids, request: gr.Request):
        message = _text(message).strip()
        messages = list(messages or [])
        if not message:
            yield (skip(),) * len(outputs)
            return
        messages.append({"role": "user", "content": md_text(message)})
        problem = ctx.check_rate(request)
        if problem is None and len(message) > MAX_QUESTION_CHARS:
            problem = f"问题过长（最多 {MAX_QUESTION_CHARS} 字） / The question is too long (max {MAX_QUESTION_CHARS} characters)."
        if problem:
            messages.append({"role": "assistant", "content": "⚠ " + md_text(problem)})
            yield messages, "", skip(), skip(), skip(), skip(), skip(), skip(), skip()
            return
        messages.append({"role": "assistant", "content": "正在检索与计算… / Searching and calculating…"})
        yield messages, "", skip(), skip(), skip(), skip(), skip(), skip(), gr.Dataset(visible=False)
        try:
            data = ctx.assistant().ask(message, history=list(hist or [])).as_json()
        except Exception:
            log.exception("chat answer failed")
            messages[-1]["content"] = (
                "抱歉，出现内部错误，请稍后重试。 / Sorry, something went wrong; please try again."
            )
            yield messages, skip(), skip(), skip(), skip(), skip(), skip(), skip(), skip()
            return
        answer_id = ctx.log(message, data, "chat", request, history=list(hist or []))
        text = md_text(data.get("answer", ""))
        for part in _chunks(text)[:-1]:
            messages[-1]["content"] = part
            yield messages, skip(), skip(), skip(), skip(), skip(), skip(), skip(), skip()
        messages[-1]["content"] = text
        new_ids = dict(ids or {})
        if answer_id is not None:
            new_ids[len(messages) - 1] = answer_id
        new_hist = (list(hist or []) + [message])[-MAX_HISTORY:]
        calcs = render.calc_outputs(data.get("tool_calls"))
        warnings = list(data.get("warnings") or [])
        missing = data.get("missing_facts") or []
        lang = data.get("language", "zh")
        questions = [
            [m.get("question") or (m.get("question_en") if lang == "en" else m.get("question_zh")) or m.get("fact", "")]
            for m in missing
        ]
        yield (
            messages,
            skip(),
            new_hist,
            new_ids,
            answer_id,
            render.citations_html(data.get("citations"), turn=sum(1 for m in messages if m.get("role") == "user")),
            render.warnings_md(warnings),
            gr.update(value=render.trace_rows(calcs, ctx.titles()), visible=bool(calcs)),
            gr.Dataset(samples=questions or [[""]], visible=bool(questions)),
        )

    common = dict(
        fn=respond,
        inputs=[msg, chatbot, history, answer_ids],
        outputs=outputs,
        api_visibility="undocumented",
        show_progress="hidden",
    )
    msg.submit(**common, api_name="chat")
    send.click(**common, api_name="chat_send")

    def reset():
        return (
            [],
            "",
            [],
            {},
            None,
            render.citations_html([]),
            "",
            gr.update(value=[], visible=False),
            gr.Dataset(samples=[[""]], visible=False),
            "",
        )

    new.click(reset, outputs=outputs + [fb_status], api_visibility="private")
    chatbot.clear(reset, outputs=outputs + [fb_status], api_visibility="private")

    def use_example(sample):
        return sample[0] if sample else ""

    examples.click(use_example, inputs=examples, outputs=msg, api_visibility="private")

    def use_quick(sample):
        q = sample[0] if sample else ""
        return gr.Textbox(value="", placeholder=f"请回答：{q}" if q else None, autofocus=True)

    quick.click(use_quick, inputs=quick, outputs=msg, api_visibility="private")

    def on_like(ids, data: gr.LikeData, request: gr.Request):
        liked = data.liked
        rating = 1 if liked in (True, "Like") else -1 if liked in (False, "Dislike") else None
        answer_id = (ids or {}).get(data.index if isinstance(data.index, int) else data.index[0])
        if rating is None or answer_id is None:
            return gr.skip()
        if ctx.check_rate(request):
            return "⚠ 操作过于频繁 / too many requests"
        ctx.records.add_feedback(answer_id, rating, session=_session(request))
        return "谢谢反馈！ / Thanks for the feedback!"

    chatbot.like(on_like, inputs=answer_ids, outputs=fb_status, api_visibility="private")

    def feedback(rating):
        def handler(answer_id, text, request: gr.Request):
            if answer_id is None:
                return "请先提问，再对回答评价。 / Ask a question first, then rate the answer.", gr.skip()
            problem = ctx.check_rate(request)
            if problem:
                return "⚠ " + problem, gr.skip()
            ctx.records.add_feedback(answer_id, rating, text or "", session=_session(request))
            return "谢谢反馈，已记录。 / Thanks, your feedback is recorded.", ""

        return handler

    up.click(feedback(1), inputs=[last_id, comment], outputs=[fb_status, comment], api_visibility="private")
    down.click(feedback(-1), inputs=[last_id, comment], outputs=[fb_status, comment], api_visibility="private")


# ====================================================================== calculator


def _field_component(f, elem_prefix: str):
    label = f"{f.label_zh} {f.label_en}"
    info = (f.help_zh + (" / " + f.help_en if f.help_en else "")) if (f.help_zh or f.help_en) else None
    elem_id = f"{elem_prefix}-{f.name}"
    if f.type == "choice" and f.choices:
        return gr.Dropdown(
            choices=[("未填 unknown", "")] + [(c, c) for c in f.choices],
            value="",
            label=label,
            info=info,
            elem_id=elem_id,
            visible=False,
        )
    if f.type == "bool":
        return gr.Radio(choices=BOOL_CHOICES, value="", label=label, info=info, elem_id=elem_id, visible=False)
    if f.type == "list" and f.choices:
        return gr.CheckboxGroup(choices=f.choices, value=[], label=label, info=info, elem_id=elem_id, visible=False)
    placeholder = {"date": "YYYY-MM-DD", "money": "例如 5000000 或 500万", "ratio": "例如 0.2", "int": "例如 12"}.get(
        f.type
    )
    return gr.Textbox(label=label, info=info, placeholder=placeholder, elem_id=elem_id, visible=False, max_length=200)


def _field_value(f, raw: Any) -> Any:
    if raw is None or raw == "" or raw == []:
        return None
    if f.type == "bool":
        return _bool_value(raw)
    if isinstance(raw, str):
        return raw.strip() or None
    return raw


CALC_KWARGS = {
    "amount": "amount",
    "date": "on",
    "compute_type": "compute_type",
    "claimed_this_year": "claimed_this_year",
    "start": "start",
    "end": "end",
}


def build_calculator(ctx: WebContext) -> None:
    from assistant.rules import load_programs

    try:
        programs = load_programs()
    except Exception as exc:  # a broken program file: say so instead of failing the whole app
        log.exception("programs failed to load")
        gr.Markdown(f"⚠ 计算规则加载失败 / the rules failed to load: {md_text(exc)}")
        return
    fields: dict[str, Any] = {}
    for p in programs.values():
        for f in p.inputs:
            fields.setdefault(f.name, f)
    names = list(fields)
    choices = [("全部方案比较 Compare all programs", COMPARE)] + [
        (f"{p.name}（{p.id}）", p.id) for p in sorted(programs.values(), key=lambda p: p.id)
    ]
    default = (
        "beijing-municipal" if "beijing-municipal" in programs else (choices[1][1] if len(choices) > 1 else COMPARE)
    )

    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            program = gr.Dropdown(choices=choices, value=default, label="方案 Program", elem_id="calc-program")
            about = gr.Markdown(elem_id="calc-about")
            comps = {name: _field_component(fields[name], "calc") for name in names}
            run = gr.Button("计算 Calculate", variant="primary", elem_id="calc-run")
        with gr.Column(scale=3):
            summary = gr.Markdown(elem_id="calc-summary")
            warn = gr.Markdown(elem_id="calc-warnings")
            table = gr.Dataframe(
                headers=render.COMPARE_HEADERS,
                value=[],
                label="比较结果 Comparison (ranked)",
                elem_id="calc-compare",
                interactive=False,
                wrap=True,
                visible=False,
            )
            chart = gr.BarPlot(
                x="program",
                y="amount_wan",
                label="各方案金额（万元） Amount by program",
                elem_id="calc-chart",
                visible=False,
                x_label_angle=-30,
                sort="-y",
                y_title="万元",
                x_title="方案 Program",
                height=360,
            )
            trace = gr.Dataframe(
                headers=render.TRACE_HEADERS,
                value=[],
                label="计算过程 Trace",
                elem_id="calc-trace",
                interactive=False,
                wrap=True,
                column_widths=TRACE_WIDTHS,
            )
            clauses = gr.HTML(elem_id="calc-clauses")

    comp_list = [comps[n] for n in names]

    def on_program(pid):
        if pid == COMPARE:
            updates = [gr.update(visible=True, label=f"{fields[n].label_zh} {fields[n].label_en}") for n in names]
            about_md = (
                "比较全部方案：填写企业情况和金额，按资格与金额排序。 / Compare every program for one profile, ranked."
            )
            return [about_md] + updates
        p = programs[pid]
        declared = {f.name: f for f in p.inputs}
        updates = [
            gr.update(
                visible=n in declared, label=f"{declared[n].label_zh} {declared[n].label_en}" if n in declared else None
            )
            for n in names
        ]
        about_md = (
            f"**{md_text(p.name)}** {md_text(p.name_en)}\n\n{md_text(p.summary_zh)}\n\n{md_text(p.summary_en)}"
            f"\n\n计算基数 Base: {md_text(p.base_label_zh)} / {md_text(p.base_label_en)}"
        )
        return [about_md] + updates

    program.change(on_program, inputs=program, outputs=[about] + comp_list, api_visibility="private")

    def calculate(request: gr.Request, pid, *values):
        from assistant.rules import RulesInputError, compare
        from assistant.rules import calculate as calc_fn

        hidden = gr.update(visible=False)
        problem = ctx.check_rate(request)
        if problem:
            return "⚠ " + md_text(problem), "", hidden, hidden, [], ""
        declared = names if pid == COMPARE else [f.name for f in programs[pid].inputs] if pid in programs else []
        kwargs: dict[str, Any] = {}
        facts: dict[str, Any] = {}
        for name, raw in zip(names, values):
            if name not in declared:
                continue
            value = _field_value(fields[name], raw)
            if value is None:
                continue
            if name in CALC_KWARGS:
                kwargs[CALC_KWARGS[name]] = value
            else:
                facts[name] = value
        try:
            if pid == COMPARE:
                result = compare(
                    facts,
                    amount=kwargs.get("amount"),
                    on=kwargs.get("on"),
                    compute_type=kwargs.get("compute_type"),
                    claimed_this_year=kwargs.get("claimed_this_year"),
                ).as_json()
                rows = render.compare_rows(result)
                chart_rows = render.compare_chart_rows(result)
                import pandas as pd

                df = pd.DataFrame(chart_rows or [], columns=["program", "amount_wan", "status"])
                head = (
                    f"### 方案比较 Comparison\n基数 base: {md_text(result['base'])} 元 · 日期 date: "
                    f"{md_text(result['date'])} · {len(rows)} 个方案 programs"
                )
                return (
                    head,
                    "",
                    gr.update(value=rows, visible=True),
                    gr.update(value=df, visible=True),
                    gr.update(value=[], visible=False),
                    "",
                )
            if pid not in programs:
                return "⚠ 请选择方案 / choose a program", "", hidden, hidden, [], ""
            calc = calc_fn(pid, kwargs.pop("amount", None), facts=facts, **kwargs).as_json()
        except RulesInputError as exc:
            return (
                f"⚠ 输入有误 / Invalid input — **{md_text(exc.field)}**: {md_text(exc.message)}",
                "",
                hidden,
                hidden,
                [],
                "",
            )
        except Exception:
            log.exception("calculation failed")
            return "⚠ 计算失败，请检查输入。 / The calculation failed; check the inputs.", "", hidden, hidden, [], ""
        refs = [s.get("reference") for s in calc.get("steps") or []] + [
            r.get("reference") for r in calc.get("reasons") or []
        ]
        return (
            render.calc_summary_md(calc),
            render.warnings_md(render.calc_warnings(calc)),
            hidden,
            hidden,
            gr.update(value=render.trace_rows([calc], ctx.titles()), visible=True),
            ctx.clause_html([r for r in refs if r]),
        )

    run.click(
        calculate,
        inputs=[program] + comp_list,
        outputs=[summary, warn, table, chart, trace, clauses],
        api_name="calculate",
        api_visibility="undocumented",
    )
    return program, about, comp_list, on_program


# ====================================================================== compliance


def _bool_grid(specs: list[tuple[str, str, str]]) -> list[Any]:
    """Yes/no/unknown radios for boolean facts, two to a row."""
    comps = []
    for i in range(0, len(specs), 2):
        with gr.Row(equal_height=True):
            for name, zh, en in specs[i : i + 2]:
                comps.append(
                    gr.Radio(BOOL_CHOICES, value="", label=f"{zh} {en}", elem_id=f"comp-{name}", min_width=200)
                )
    return comps


def build_compliance(ctx: WebContext) -> None:
    from assistant.rules import FACTS, load_programs

    try:
        program_choices = [("未指定 any", "")] + [
            (f"{p.name}（{p.id}）", p.id) for p in sorted(load_programs().values(), key=lambda p: p.id)
        ]
    except Exception:
        program_choices = [("未指定 any", "")]
    line_choices = (FACTS["line_items"].choices if "line_items" in FACTS else None) or [
        "compute",
        "storage",
        "network",
        "security",
        "software",
        "other",
    ]

    gr.Markdown(
        "描述计划的算力券用途或合同（填写表单，或上传合同 PDF/文本自动识别后确认），查看合规风险。  \n"
        "Describe the planned voucher use or contract (fill the form, or upload a contract to pre-fill it), "
        "then check it."
    )
    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            contract = gr.File(
                label="上传合同 Upload contract (PDF / TXT / MD)",
                file_types=list(CONTRACT_SUFFIXES),
                elem_id="comp-contract",
            )
            describe = gr.Textbox(
                label="或用文字描述 Or describe it", lines=3, elem_id="comp-describe", max_length=MAX_ENQUIRY_CHARS
            )
            extract_btn = gr.Button("从描述中识别 Extract facts", elem_id="comp-extract", size="sm")
            parse_status = gr.Markdown(elem_id="comp-parse-status")
            role = gr.Radio(
                [("使用方 user", "user"), ("发文单位 issuer", "issuer")],
                value="user",
                label="角色 Role",
                elem_id="comp-role",
            )
            program = gr.Dropdown(program_choices, value="", label="适用方案 Program", elem_id="comp-program")
            action = gr.Dropdown(
                VOUCHER_ACTIONS, value="", label="算力券用途 Voucher use", elem_id="comp-voucher_action"
            )
            signed = gr.Textbox(
                label="合同签订日期 Contract date", placeholder="YYYY-MM-DD", elem_id="comp-contract_signed"
            )
            term = gr.Textbox(label="合同期限（月） Term (months)", elem_id="comp-contract_term_months")
            price = gr.Dropdown(
                [("未填 unknown", ""), ("高于公允价 above", "above"), ("在公允区间 within", "within")],
                value="",
                label="价格 vs 市场公允价 Price vs fair market",
                elem_id="comp-price_vs_fair_market",
            )
            lines = gr.CheckboxGroup(line_choices, label="合同内容 Line items", elem_id="comp-line_items")
            registered = gr.Textbox(
                label="注册地 Registered in",
                placeholder="例如 北京 / beijing",
                elem_id="comp-registered_in",
                max_length=100,
            )
            user_bools = _bool_grid(COMPLIANCE_BOOLS_USER)
            with gr.Accordion("发文单位事项（公平竞争审查） Issuer side (fair-competition review)", open=False):
                issuer_bools = _bool_grid(COMPLIANCE_BOOLS_ISSUER)
            check = gr.Button("检查 Check", variant="primary", elem_id="comp-run")
        with gr.Column(scale=3):
            summary = gr.Markdown(elem_id="comp-summary")
            findings = gr.Dataframe(
                headers=render.FINDING_HEADERS,
                value=[],
                label="检查结果 Findings",
                elem_id="comp-findings",
                interactive=False,
                wrap=True,
                column_widths=["11%", "43%", "18%", "28%"],
            )
            clauses = gr.HTML(elem_id="comp-clauses")

    bool_specs = COMPLIANCE_BOOLS_USER + COMPLIANCE_BOOLS_ISSUER
    bool_comps = user_bools + issuer_bools
    form = [role, program, action, signed, term, price, lines, registered] + bool_comps
    labels = {
        "role": "角色",
        "voucher_action": "算力券用途",
        "contract_signed": "合同签订日期",
        "contract_term_months": "合同期限",
        "price_vs_fair_market": "价格",
        "line_items": "合同内容",
        "registered_in": "注册地",
        **{name: zh for name, zh, _ in bool_specs},
    }

    def prefill(text: str, source: str):
        from assistant.answer.facts import case_facts
        from assistant.rules.eligibility import today
        from assistant.understand.facts import read_turn

        # The same reader the chat uses: a contract or a description becomes a case file.
        case = read_turn(text, today(), frozenset(ctx.assistant().kb.covered))
        facts = {**case_facts(case), **case.compliance.stated()}
        found = [labels[k] for k in labels if k in facts]
        updates = [
            gr.update(value=facts.get("role", "user")),
            gr.skip(),
            gr.update(value=facts.get("voucher_action", "")),
            gr.update(value=str(facts["contract_signed"]) if facts.get("contract_signed") else ""),
            gr.update(value=str(facts["contract_term_months"]) if facts.get("contract_term_months") else ""),
            gr.update(value=facts.get("price_vs_fair_market", "")),
            gr.update(value=[x for x in facts.get("line_items", []) if x in line_choices]),
            gr.update(value=str(facts.get("registered_in") or "")),
        ] + [gr.update(value=_bool_choice(facts.get(name))) for name, _, _ in bool_specs]
        note = (
            f"已从{source}识别：{md_text('、'.join(found))}。请核对后再检查。 / Recognised from the {source}: "
            f"{md_text(', '.join(k for k in labels if k in facts))}. Please confirm, then check."
            if found
            else f"未从{source}中识别出事实，请手动填写。 / No facts recognised; please fill the form."
        )
        return [note] + updates

    def on_contract(file, request: gr.Request):
        from assistant.ingest import CONTRACT_PDF_LIMITS, IngestError, load_file

        if not file:
            return [gr.skip()] * (1 + len(form))
        problem = ctx.check_rate(request)
        if problem:
            return ["⚠ " + md_text(problem)] + [gr.skip()] * len(form)
        path = Path(file)
        try:
            check_upload(path, CONTRACT_SUFFIXES, ctx.settings.max_upload_bytes)
            text = load_file(path, max_bytes=ctx.settings.max_upload_bytes, pdf_limits=CONTRACT_PDF_LIMITS).text
        except UploadRejected as exc:
            return ["⚠ " + md_text(exc)] + [gr.skip()] * len(form)
        except IngestError as exc:
            return [
                f"⚠ 无法读取合同文本 / cannot read the contract {md_text(Path(file).name)}: {md_text(exc.reason)}"
            ] + [gr.skip()] * len(form)
        return prefill(text, "合同 contract")

    contract.upload(on_contract, inputs=contract, outputs=[parse_status] + form, api_visibility="private")

    def on_describe(text, request: gr.Request):
        if not (text or "").strip():
            return ["请先输入描述。 / Enter a description first."] + [gr.skip()] * len(form)
        problem = ctx.check_rate(request)
        if problem:
            return ["⚠ " + md_text(problem)] + [gr.skip()] * len(form)
        return prefill(text[:MAX_ENQUIRY_CHARS], "描述 description")

    extract_btn.click(on_describe, inputs=describe, outputs=[parse_status] + form, api_visibility="private")

    def run_check(request: gr.Request, role_v, program_v, action_v, signed_v, term_v, price_v, lines_v, reg_v, *bools):
        from assistant.compliance import check_compliance
        from assistant.rules import RulesInputError

        problem = ctx.check_rate(request)
        if problem:
            return "⚠ " + md_text(problem), [], ""
        facts: dict[str, Any] = {"role": role_v or "user"}
        for key, value in (
            ("program", program_v),
            ("voucher_action", action_v),
            ("contract_signed", signed_v),
            ("contract_term_months", term_v),
            ("price_vs_fair_market", price_v),
            ("registered_in", reg_v),
        ):
            if value not in (None, ""):
                facts[key] = value.strip() if isinstance(value, str) else value
        if lines_v:
            facts["line_items"] = list(lines_v)
        for (name, _, _), value in zip(bool_specs, bools):
            b = _bool_value(value)
            if b is not None:
                facts[name] = b
        try:
            found = [f.as_json() for f in check_compliance(facts)]
        except RulesInputError as exc:
            return f"⚠ 输入有误 / Invalid input — **{md_text(exc.field)}**: {md_text(exc.message)}", [], ""
        except Exception:
            log.exception("compliance check failed")
            return "⚠ 检查失败，请检查输入。 / The check failed; check the inputs.", [], ""
        counts: dict[str, int] = {}
        for f in found:
            counts[f["severity"]] = counts.get(f["severity"], 0) + 1
        if found:
            head = f"发现 {len(found)} 项风险提示 / {len(found)} finding(s): " + "，".join(
                f"{render.SEVERITY_ZH.get(k, k)} {k}: {v}" for k, v in counts.items()
            )
        else:
            head = "未发现风险。 / No findings for the facts given."
        head += "\n\n_以上为基于规则的合规提示，不构成法律意见。 Rule-based checks, not legal advice._"
        refs = [r for f in found for r in f.get("references", [])]
        return head, render.finding_rows(found, ctx.titles()), ctx.clause_html(refs)

    check.click(
        run_check,
        inputs=form,
        outputs=[summary, findings, clauses],
        api_name="check_compliance",
        api_visibility="undocumented",
    )


# ====================================================================== helpdesk


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
            "上传 CSV（列名 enquiry 或 问题，可选 id），下载每条咨询的答复草稿。  \n"
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
        if problem is None and len(text) > MAX_ENQUIRY_CHARS:  # the API bypasses the textbox's max_length
            problem = f"咨询内容过长（最多 {MAX_ENQUIRY_CHARS} 字） / The enquiry is too long (max {MAX_ENQUIRY_CHARS} characters)."
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
            rows = exports.read_enquiries(Path(file))
        except (UploadRejected, exports.BatchInputError) as exc:
            return "⚠ " + md_text(exc), None
        assistant = ctx.assistant()
        out = []
        for row in progress.tqdm(rows, desc="生成草稿 drafting"):
            try:
                data = assistant.draft(row["enquiry"][:MAX_ENQUIRY_CHARS]).as_json()
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
        return f"完成 {len(out)} 条。 / Drafted {len(out)} enquiries.", str(path)

    batch_run.click(run_batch, inputs=batch_in, outputs=[batch_status, batch_out], api_visibility="private")


# ====================================================================== library

STATUS_CHOICES = [
    ("未填 unset", ""),
    ("现行有效 in_force", "in_force"),
    ("已失效 expired", "expired"),
    ("已被取代 superseded", "superseded"),
    ("征求意见稿 draft", "draft"),
    ("媒体报道 reported", "reported"),
]
CONFIDENCE_CHOICES = [("未填 unset", ""), ("C2", "C2"), ("S1", "S1"), ("SA", "SA"), ("U", "U"), ("X", "X")]


def build_library(ctx: WebContext):
    gr.Markdown(
        "资料库文档与分块；上传和删除需要管理员令牌。  \n"
        "Documents and chunks in the knowledge base; upload and delete need the admin token."
    )
    token = gr.Textbox(label="管理员令牌 Admin token", type="password", elem_id="admin-token", max_length=500)
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
        column_widths=["16%", "28%", "9%", "8%", "9%", "9%", "6%", "5%", "10%"],
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
        with gr.Column(scale=2):
            files = gr.File(
                label="上传 Upload (PDF / Markdown / TXT)",
                file_count="multiple",
                file_types=[".pdf", ".md", ".markdown", ".txt"],
                elem_id="lib-upload",
            )
            with gr.Accordion("元数据（可选） Metadata (optional)", open=True):
                m_id = gr.Textbox(label="文档ID id", elem_id="lib-meta-id", max_length=100)
                m_title = gr.Textbox(label="标题 title", elem_id="lib-meta-title", max_length=300)
                m_region = gr.Textbox(label="地区代码 region (e.g. beijing)", elem_id="lib-meta-region", max_length=100)
                m_region_name = gr.Textbox(
                    label="地区名称 region name (e.g. 北京市)", elem_id="lib-meta-region-name", max_length=100
                )
                m_status = gr.Dropdown(STATUS_CHOICES, value="", label="状态 status", elem_id="lib-meta-status")
                m_from = gr.Textbox(label="生效日期 effective_from", placeholder="YYYY-MM-DD", elem_id="lib-meta-from")
                m_to = gr.Textbox(label="失效日期 effective_to", placeholder="YYYY-MM-DD", elem_id="lib-meta-to")
                m_conf = gr.Dropdown(
                    CONFIDENCE_CHOICES, value="", label="可信度 confidence", elem_id="lib-meta-confidence"
                )
                m_yaml = gr.Textbox(
                    label="其他元数据（YAML） More metadata (YAML)",
                    placeholder="program: beijing-municipal\ntext: official    # official | summary | analysis\nnumbering: official",
                    lines=3,
                    elem_id="lib-meta-yaml",
                    max_length=5000,
                )
            upload = gr.Button("上传并索引 Upload and index", variant="primary", elem_id="lib-upload-run")
    status = gr.Markdown(elem_id="lib-status")

    def snapshot():
        try:
            rows = library.list_documents(ctx.settings)
        except Exception:
            log.exception("listing documents failed")
            return [], gr.update(choices=[])
        return [r.as_list() for r in rows], gr.update(choices=[(f"{r.doc_id} · {r.title}", r.doc_id) for r in rows])

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
            return "⚠ " + md_text(problem), gr.skip(), gr.skip()
        denied = ctx.admin_refusal(tok, request)
        if denied:
            if not ctx.settings.admin_token:
                return (
                    (
                        "✗ 未配置管理员令牌（ASSISTANT_ADMIN_TOKEN），上传已禁用。 / No admin token is configured "
                        "(ASSISTANT_ADMIN_TOKEN): uploads are disabled."
                    ),
                    gr.skip(),
                    gr.skip(),
                )
            return denied, gr.skip(), gr.skip()
        paths = [p for p in (paths or []) if p]
        if not paths:
            return "请选择要上传的文件。 / Choose a file to upload.", gr.skip(), gr.skip()
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
            return "多个文件时不能指定同一个文档ID。 / One id cannot be given to several files.", gr.skip(), gr.skip()
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
                lines.append(
                    f"✓ {md_text(name)}：{md_text(report.summary())}" + (f" ⚠ {md_text(errors)}" if errors else "")
                )
            except UploadRejected as exc:
                lines.append(f"✗ {md_text(original)}：{md_text(exc)}")
            except Exception as exc:
                log.exception("upload failed")
                lines.append(f"✗ {md_text(original)}：索引失败 / indexing failed ({md_text(exc.__class__.__name__)})")
        if changed:
            ctx.index_changed()
        table, picks = snapshot()
        return "\n\n".join(lines), table, picks

    upload.click(
        do_upload,
        inputs=[token, files, m_id, m_title, m_region, m_region_name, m_status, m_from, m_to, m_conf, m_yaml],
        outputs=[status, docs, pick],
        api_visibility="private",
        concurrency_limit=1,
        concurrency_id="index-write",
    )

    def do_delete(tok, doc_id, request: gr.Request, progress=gr.Progress(track_tqdm=True)):
        problem = ctx.check_rate(request)
        if problem:
            return "⚠ " + md_text(problem), gr.skip(), gr.skip(), gr.skip()
        denied = ctx.admin_refusal(tok, request)
        if denied:
            return denied, gr.skip(), gr.skip(), gr.skip()
        if not doc_id:
            return "请先选择文档。 / Choose a document first.", gr.skip(), gr.skip(), gr.skip()
        try:
            report = library.delete_document(ctx.settings, doc_id, progress=True)
        except UploadRejected as exc:
            return "✗ " + md_text(exc), gr.skip(), gr.skip(), gr.skip()
        ctx.index_changed()
        table, picks = snapshot()
        return f"✓ 已删除 deleted {md_text(doc_id)}：{md_text(report.summary())}", table, picks, []

    delete.click(
        do_delete,
        inputs=[token, pick],
        outputs=[status, docs, pick, chunks],
        api_visibility="private",
        concurrency_limit=1,
        concurrency_id="index-write",
    )
    return snapshot, docs, pick


# ====================================================================== API and app


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
        with gr.Tabs():
            with gr.Tab("对话 Chat", id="chat", elem_id="tab-chat"):
                build_chat(ctx)
            with gr.Tab("计算器 Calculator", id="calculator", elem_id="tab-calculator"):
                calc_parts = build_calculator(ctx)
            with gr.Tab("合规检查 Compliance", id="compliance", elem_id="tab-compliance"):
                build_compliance(ctx)
            with gr.Tab("答复草稿 Helpdesk", id="helpdesk", elem_id="tab-helpdesk"):
                build_helpdesk(ctx)
            with gr.Tab("资料库 Library", id="library", elem_id="tab-library"):
                snapshot, docs, pick = build_library(ctx)

        def ask(question: str, history: list[str] | None = None, request: gr.Request = None) -> dict:
            """Answer a question about compute-voucher policies; returns the same JSON as `ask --json`."""
            problem = ctx.check_rate(request)
            if problem:
                raise gr.Error(problem)
            question = _text(question).strip()
            if not question:
                raise gr.Error("问题为空。 / The question is empty.")
            if len(question) > MAX_QUESTION_CHARS:
                raise gr.Error(
                    f"问题过长（最多 {MAX_QUESTION_CHARS} 字） / The question is too long "
                    f"(max {MAX_QUESTION_CHARS} characters)."
                )
            if isinstance(history, str):
                history = [history]
            hist = [_text(h) for h in (history or [])][-MAX_HISTORY:]
            if any(len(h) > MAX_QUESTION_CHARS for h in hist):  # 20 x 100 KB of history took ~8 s of CPU
                raise gr.Error(
                    f"历史消息过长（每条最多 {MAX_QUESTION_CHARS} 字） / An earlier message in the history is "
                    f"too long (max {MAX_QUESTION_CHARS} characters each)."
                )
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
    return demo.launch(
        server_name=host,
        server_port=port,
        prevent_thread_lock=not block,
        quiet=quiet,
        share=False,
        max_file_size=settings.max_upload_bytes,
        footer_links=["api", "settings"],
        ssr_mode=False,
        theme=theme(),
        css=CSS,
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
    ctx = WebContext(settings)
    ctx.assistant()  # warm up: the first question should not wait for the index
    demo = build_app(ctx=ctx)
    return demo, launch(demo, host or settings.host, port or settings.port, settings, block=block, quiet=quiet)
