"""The Chat tab: questions to ``Assistant.ask``; each answer is an answer card (the conclusion
first, details folded, see ``cards.py``) with its citations in one panel beside it.

Conversations are kept per browser (``conversation.py``): listed beside the chat, reopened
after a reload, deletable. A fact the answer still needs is a chip; clicking it offers the
answers that make sense (yes/no, a choice, a value) and sends a yes/no or a choice to
``Assistant.ask`` as a structured fact, never as text to be re-read.
"""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from assistant.web import conversation as convs
from assistant.web import render
from assistant.web.cards import answer_card
from assistant.web.context import MAX_HISTORY, MAX_QUESTION_CHARS, SESSION_TTL_S, WebContext, clean_text
from assistant.web.conversation import Conversation
from assistant.web.feedback import wire_feedback
from assistant.web.labels import labels
from assistant.web.render import md_text
from assistant.web.security import browser_secret

log = logging.getLogger(__name__)
BUSY = "正在检索与计算…"


def build_chat(ctx: WebContext) -> dict[str, Any]:
    """Lay out the tab and wire it; returns the page-load hook app.py registers."""
    browser = gr.BrowserState("", storage_key="cv-browser-id", secret=browser_secret(ctx.settings))
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
                placeholder="请提问：补贴比例、上限、资格条件、金额计算、申领流程…",
            )
            quick = gr.Dataset(
                components=[gr.Textbox(visible=False)],
                samples=[[""]],
                type="index",
                visible=False,
                label="还需要这些信息（点击作答）",
                elem_id="quick-replies",
                samples_per_page=8,
            )
            with gr.Group(visible=False, elem_id="quick-reply") as reply_box:
                reply_q = gr.Markdown(elem_id="quick-question")
                with gr.Row():
                    yes = gr.Button("是", elem_id="quick-yes", min_width=60)
                    no = gr.Button("否", elem_id="quick-no", min_width=60)
                    choice = gr.Dropdown([], label="请选择", elem_id="quick-choice", visible=False)
                    value = gr.Textbox(label="请填写", elem_id="quick-value", visible=False, max_length=200)
                    send_reply = gr.Button("回答", variant="primary", elem_id="quick-send", visible=False)
            with gr.Row():
                msg = gr.Textbox(
                    show_label=False,
                    placeholder="输入问题，回车发送",
                    scale=6,
                    lines=1,
                    max_lines=6,
                    elem_id="chat-input",
                    autofocus=True,
                    # Opened by the load event once the browser has its id: a message sent
                    # before then would not be saved and would vanish on reload.
                    interactive=False,
                    max_length=MAX_QUESTION_CHARS,
                )
                send = gr.Button(
                    "发送", variant="primary", scale=1, min_width=70, elem_id="chat-send", interactive=False
                )
                new = gr.Button("新对话", scale=1, min_width=70, elem_id="chat-new")
            examples = gr.Dataset(
                components=[gr.Textbox(visible=False)],
                samples=[[q] for q in labels().examples],
                label="示例问题 Examples",
                elem_id="chat-examples",
                samples_per_page=6,
            )
            with gr.Accordion("反馈 Feedback", open=False, elem_id="chat-feedback"):
                comment = gr.Textbox(label="意见（可选）", lines=2, elem_id="feedback-comment", max_length=2000)
                with gr.Row():
                    up = gr.Button("▲ 有帮助", elem_id="feedback-up")
                    down = gr.Button("▼ 没帮助", elem_id="feedback-down")
                fb_status = gr.Markdown(elem_id="feedback-status")
        with gr.Column(scale=2):
            with gr.Accordion("对话记录 Conversations", open=True, elem_id="conv-panel"):
                conv_list = gr.Radio([], show_label=False, elem_id="conv-list")
                delete = gr.Button("删除此对话", size="sm", variant="stop", elem_id="conv-delete")
                conv_status = gr.Markdown(elem_id="conv-status")
            gr.Markdown("### 引用条款 Citations")
            cites = gr.HTML(render.citations_html([]), elem_id="citations")
            warn = gr.Markdown(elem_id="chat-warnings")

    conv_state = gr.State(Conversation().model_dump(), time_to_live=SESSION_TTL_S)
    reply_fact = gr.State("", time_to_live=SESSION_TTL_S)
    last_id = gr.State(None, time_to_live=SESSION_TTL_S)
    outputs = [chatbot, msg, conv_state, last_id, cites, warn, quick, reply_box, conv_list]
    skip = gr.skip

    def quick_samples(conv: Conversation) -> gr.Dataset:
        questions = [[m.get("question") or m.get("fact", "")] for m in conv.missing]
        return gr.Dataset(samples=questions or [[""]], visible=bool(questions))

    def turn(message: str, conv: Conversation, browser_id: str, request: gr.Request, facts: dict[str, Any]):
        message = clean_text(message).strip()
        if not message:
            yield (skip(),) * len(outputs)
            return
        shown = [*conv.messages, {"role": "user", "content": md_text(message)}]
        problem = ctx.check_rate(request)
        if problem is None and len(message) > MAX_QUESTION_CHARS:
            problem = f"问题过长（最多 {MAX_QUESTION_CHARS} 字）。"
        if problem:
            yield [*shown, {"role": "assistant", "content": "⚠ " + md_text(problem)}], "", *(skip(),) * 7
            return
        yield (
            [*shown, {"role": "assistant", "content": BUSY}],
            "",
            *(skip(),) * 4,
            gr.Dataset(visible=False),
            *(
                gr.update(visible=False),
                skip(),
            ),
        )
        given = {**conv.facts, **facts}
        try:
            data = ctx.assistant().ask(message, history=list(conv.history), facts=given).as_json()
        except Exception:
            log.exception("chat answer failed")
            yield [*shown, {"role": "assistant", "content": "抱歉，出现内部错误，请稍后重试。"}], *(skip(),) * 8
            return
        answer_id = ctx.log(message, data, "chat", request, history=list(conv.history))
        n = conv.turn + 1
        shown.append({"role": "assistant", "content": answer_card(data, n)})
        ids = dict(conv.answer_ids)
        if answer_id is not None:
            ids[str(len(shown) - 1)] = answer_id
        conv = conv.model_copy(
            update={
                "messages": shown,
                "history": [*conv.history, message][-MAX_HISTORY:],
                "facts": given,
                "answer_ids": ids,
                "citations": data.get("citations") or [],
                "missing": data.get("missing_facts") or [],
                "turn": n,
            }
        )
        try:
            conv = convs.save(ctx.records, browser_id, conv)
        except Exception:  # the answer still reaches the user; the failure is in the server log
            log.exception("could not save the conversation")
        listed = gr.update(choices=convs.choices(ctx.records, browser_id), value=conv.id or None)
        yield (
            shown,
            skip(),
            conv.model_dump(),
            answer_id,
            conv.citations_html(),
            render.warnings_md(data.get("warnings") or []),
            quick_samples(conv),
            gr.update(visible=False),
            listed,
        )

    def respond(message, conv, browser_id, request: gr.Request):
        yield from turn(message, Conversation.of(conv), browser_id, request, {})

    common = dict(
        fn=respond,
        inputs=[msg, conv_state, browser],
        outputs=outputs,
        api_visibility="undocumented",
        show_progress="hidden",
    )
    msg.submit(**common, api_name="chat")
    send.click(**common, api_name="chat_send")

    def open_reply(index, conv):
        """Offer the answers that make sense for the fact the chip asks about."""
        conv = Conversation.of(conv)
        if not isinstance(index, int) or index >= len(conv.missing):
            return (skip(),) * 8
        fact = conv.missing[index].get("fact", "")
        kind = convs.reply_kind(fact)
        return (
            gr.update(visible=True),
            f"**{md_text(conv.missing[index].get('question', ''))}**",
            gr.update(visible=kind == "bool"),
            gr.update(visible=kind == "bool"),
            gr.update(visible=kind == "choice", choices=convs.reply_choices(fact), value=None),
            gr.update(visible=kind in ("number", "text"), value="", placeholder="例如 24" if kind == "number" else ""),
            gr.update(visible=kind != "bool"),
            fact,
        )

    quick.click(
        open_reply,
        inputs=[quick, conv_state],
        outputs=[reply_box, reply_q, yes, no, choice, value, send_reply, reply_fact],
        api_visibility="private",
    )

    def answer_yes_no(answer: bool):
        def handler(fact, conv, browser_id, request: gr.Request):
            yield from turn("是" if answer else "否", Conversation.of(conv), browser_id, request, {fact: answer})

        return handler

    reply_io = dict(inputs=[reply_fact, conv_state, browser], outputs=outputs, api_visibility="private")
    yes.click(answer_yes_no(True), **reply_io)
    no.click(answer_yes_no(False), **reply_io)

    def answer_value(fact, picked, typed, conv, browser_id, request: gr.Request):
        conv = Conversation.of(conv)
        if picked:
            label = dict((v, k) for k, v in convs.reply_choices(fact)).get(picked, picked)
            yield from turn(label, conv, browser_id, request, {fact: picked})
        else:
            yield from turn(convs.typed_reply(fact, str(typed or "").strip()), conv, browser_id, request, {})

    send_reply.click(
        answer_value,
        inputs=[reply_fact, choice, value, conv_state, browser],
        outputs=outputs,
        api_visibility="private",
    )

    def show(conv: Conversation, browser_id: str, note: str = ""):
        return (
            conv.messages,
            conv.model_dump(),
            conv.citations_html(),
            quick_samples(conv),
            gr.update(visible=False),
            gr.update(choices=convs.choices(ctx.records, browser_id), value=conv.id or None),
            note,
        )

    shown_outputs = [chatbot, conv_state, cites, quick, reply_box, conv_list, conv_status]

    def on_load(browser_id):
        """The browser's id (made on its first visit) and its latest conversation, reopened;
        then the input opens."""
        browser_id = browser_id or convs.new_browser_id()
        listed = convs.choices(ctx.records, browser_id)
        conv = (convs.load(ctx.records, browser_id, listed[0][1]) if listed else None) or Conversation()
        ready = gr.update(interactive=True)
        return (browser_id, ready, ready, *show(conv, browser_id))

    def open_conv(conv_id, browser_id):
        conv = convs.load(ctx.records, browser_id, conv_id or "")
        return show(conv, browser_id) if conv else (skip(),) * len(shown_outputs)

    conv_list.input(open_conv, inputs=[conv_list, browser], outputs=shown_outputs, api_visibility="private")

    def reset(browser_id):
        return show(Conversation(), browser_id)

    new.click(reset, inputs=browser, outputs=shown_outputs, api_visibility="private")
    chatbot.clear(reset, inputs=browser, outputs=shown_outputs, api_visibility="private")

    def remove(conv, browser_id):
        conv = Conversation.of(conv)
        if not conv.id:
            return (skip(),) * (len(shown_outputs) - 1) + ("没有可删除的已保存对话。",)
        ctx.records.delete_conversation(browser_id, conv.id)
        return show(Conversation(), browser_id, f"已删除对话「{md_text(conv.title)}」。")

    delete.click(remove, inputs=[conv_state, browser], outputs=shown_outputs, api_visibility="private")

    examples.click(lambda s: s[0] if s else "", inputs=examples, outputs=msg, api_visibility="private")

    wire_feedback(ctx, chatbot, conv_state, last_id, comment, up, down, fb_status)
    return {"fn": on_load, "inputs": [browser], "outputs": [browser, msg, send, *shown_outputs]}
