"""Feedback on chat answers: the thumbs on a message and the comment form both go to the
audit record, pointing at the answer they are about."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.web.context import WebContext, session_of
from assistant.web.conversation import Conversation


def wire_feedback(
    ctx: WebContext, chatbot: Any, conv_state: Any, last_id: Any, comment: Any, up: Any, down: Any, fb_status: Any
) -> None:
    def on_like(conv, data: gr.LikeData, request: gr.Request):
        liked = data.liked
        rating = 1 if liked in (True, "Like") else -1 if liked in (False, "Dislike") else None
        index = data.index if isinstance(data.index, int) else data.index[0]
        answer_id = Conversation.of(conv).answer_ids.get(str(index))
        if rating is None or answer_id is None:
            return gr.skip()
        if ctx.check_rate(request):
            return "⚠ 操作过于频繁，请稍后再试。"
        ctx.records.add_feedback(answer_id, rating, session=session_of(request))
        return "谢谢反馈！"

    chatbot.like(on_like, inputs=conv_state, outputs=fb_status, api_visibility="private")

    def feedback(rating):
        def handler(answer_id, text, request: gr.Request):
            if answer_id is None:
                return "请先提问，再对回答评价。", gr.skip()
            problem = ctx.check_rate(request)
            if problem:
                return "⚠ " + problem, gr.skip()
            ctx.records.add_feedback(answer_id, rating, text or "", session=session_of(request))
            return "谢谢反馈，已记录。", ""

        return handler

    up.click(feedback(1), inputs=[last_id, comment], outputs=[fb_status, comment], api_visibility="private")
    down.click(feedback(-1), inputs=[last_id, comment], outputs=[fb_status, comment], api_visibility="private")
