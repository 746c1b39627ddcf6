"""What is left of a yearly or cumulative cap after a claim ("抵完以后今年还剩多少额度"): the
calculator's own figures (the cap, what was received, what this claim takes, the room after it),
never arithmetic of ours on the conclusion's words."""

from __future__ import annotations

from typing import Any

from assistant.answer.evidence import AskContext, Search, cite_ref
from assistant.answer.format import money
from assistant.answer.messages import say


def quota_left_lines(ctx: AskContext, calc: dict[str, Any], found: Search) -> None:
    """One line per cap the calculator netted against what was received; a program with no
    yearly or cumulative cap says so (then nothing is used up)."""
    caps = [
        s
        for s in calc.get("steps", [])
        if s.get("kind") == "cap" and s.get("role") in ("annual_cap", "cumulative_cap") and "left_after" in s["numbers"]
    ]
    if not caps:
        ctx.draft.say(say(ctx.lang, "calc.no_quota"))
        return
    for step in caps:
        n = step["numbers"]
        ctx.draft.say(
            say(
                ctx.lang,
                f"calc.quota_left_{step['role']}",
                cap=money(n["cap"], ctx.lang),
                received=money(n["received"], ctx.lang),
                amount=money(calc.get("amount") or "0", ctx.lang),
                left=money(n["left_after"], ctx.lang),
                mark=cite_ref(ctx, found, step.get("reference"), ["万元", "上限"]),
            )
        )


__all__ = ["quota_left_lines"]
