"""The Chat tab: questions to ``Assistant.ask``; each answer is shown as an answer card (the
conclusion first, details folded, see ``cards.py``), its citations in one panel beside it,
feedback into the audit record."""

from __future__ import annotations

import logging

import gradio as gr

from assistant.web import render
from assistant.web.cards import answer_card
from assistant.web.context import (
    MAX_HISTORY,
    MAX_QUESTION_CHARS,
    SESSION_TTL_S,
    WebContext,
    clean_text,
    session_of,
)
from assistant.web.labels import labels
from assistant.web.render import md_text

log = logging.getLogger(__name__)


def build_chat(ctx: WebContext) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="对话 Conversation",
                height="min(520px, 62vh)",
                elem_id="chatbot",
                feedback_options=("Like", "Dislike"),
                buttons=["copy"],
                sanitize_html=True,
                autoscroll=False,  # static/app.js shows the top of the new answer card instead
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
                samples=[[q] for q in labels().examples],
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

    history = gr.State([], time_to_live=SESSION_TTL_S)  # earlier user messages, as Assistant.ask expects
    answer_ids = gr.State({}, time_to_live=SESSION_TTL_S)  # chatbot message index -> audit record id
    last_id = gr.State(None, time_to_live=SESSION_TTL_S)

    outputs = [chatbot, msg, history, answer_ids, last_id, cites, warn, quick]
    skip = gr.skip

    def respond(message, messages, hist, ids, request: gr.Request):
        message = clean_text(message).strip()
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
            yield messages, "", skip(), skip(), skip(), skip(), skip(), skip()
            return
        messages.append({"role": "assistant", "content": "正在检索与计算… / Searching and calculating…"})
        yield messages, "", skip(), skip(), skip(), skip(), skip(), gr.Dataset(visible=False)
        try:
            data = ctx.assistant().ask(message, history=list(hist or [])).as_json()
        except Exception:
            log.exception("chat answer failed")
            messages[-1]["content"] = (
                "抱歉，出现内部错误，请稍后重试。 / Sorry, something went wrong; please try again."
            )
            yield messages, skip(), skip(), skip(), skip(), skip(), skip(), skip()
            return
        answer_id = ctx.log(message, data, "chat", request, history=list(hist or []))
        turn = sum(1 for m in messages if m.get("role") == "user")
        messages[-1]["content"] = answer_card(data, turn)
        new_ids = dict(ids or {})
        if answer_id is not None:
            new_ids[len(messages) - 1] = answer_id
        new_hist = (list(hist or []) + [message])[-MAX_HISTORY:]
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
            render.citations_html(data.get("citations"), turn=turn),
            render.warnings_md(warnings),
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
        ctx.records.add_feedback(answer_id, rating, session=session_of(request))
        return "谢谢反馈！ / Thanks for the feedback!"

    chatbot.like(on_like, inputs=answer_ids, outputs=fb_status, api_visibility="private")

    def feedback(rating):
        def handler(answer_id, text, request: gr.Request):
            if answer_id is None:
                return "请先提问，再对回答评价。 / Ask a question first, then rate the answer.", gr.skip()
            problem = ctx.check_rate(request)
            if problem:
                return "⚠ " + problem, gr.skip()
            ctx.records.add_feedback(answer_id, rating, text or "", session=session_of(request))
            return "谢谢反馈，已记录。 / Thanks, your feedback is recorded.", ""

        return handler

    up.click(feedback(1), inputs=[last_id, comment], outputs=[fb_status, comment], api_visibility="private")
    down.click(feedback(-1), inputs=[last_id, comment], outputs=[fb_status, comment], api_visibility="private")
