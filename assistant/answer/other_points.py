"""What the other points of the same message ask, read when one point is re-read: "一年最多能拿多少"
after "能补多少" asks the rule, not a second amount; a voucher the earlier points did not name
gets its own amount.
"""

from __future__ import annotations

import re

from assistant.answer.evidence import AskContext
from assistant.understand.case import Ask

HOW_MUCH = re.compile(r"多少|几万|能(拿|补|领|抵)(?![吗么不]|到吗)|how much|what would|what will", re.I)
ON_A_FIGURE = re.compile(r"按[^，。？?]{0,8}(金额|价|数|额)[^，。？?]{0,2}算")


def earlier_asks(ctx: AskContext) -> list[Ask]:
    """The asks of the message before this one (found by its words: routing may have changed
    its intent)."""
    asks = ctx.case.asks
    return next((asks[:i] for i, a in enumerate(asks) if a.text == ctx.ask.text), [])


def amount_asked_before(ctx: AskContext) -> bool:
    """Whether an earlier ask of the message asks how much ("能补多少 另外封顶多少")."""
    return any(a.intent == "calculation" and HOW_MUCH.search(a.text) for a in earlier_asks(ctx))


def amount_asked_elsewhere(ctx: AskContext) -> bool:
    """Whether another ask of the message asks how much."""
    return any(a.text != ctx.ask.text and HOW_MUCH.search(a.text) for a in ctx.case.asks)


def another_voucher(ctx: AskContext) -> bool:
    """Whether the ask names a voucher the asks before it did not."""
    return ctx.ask.voucher != "compute" and all(a.voucher != ctx.ask.voucher for a in earlier_asks(ctx))


_RULE_TOPICS = frozenset({"cap", "rate", "domestic", "minimum", "budget"})


def rule_question(ctx: AskContext) -> bool:
    """A "how much" ask about the rules, not an amount: it names no figure of its own, asks about
    a cap or a rate, and an earlier ask of the same message already computes the amount
    ("能补多少 一年最多能拿多少")."""
    from assistant.understand.money import find_money

    ask = ctx.ask
    return (
        not ON_A_FIGURE.search(ask.text)  # "如果按含税金额算，最多能补多少": computed on that figure
        and bool(set(ask.topics) & _RULE_TOPICS)
        and not find_money(ask.text)
        and amount_asked_before(ctx)
        and not another_voucher(ctx)  # "补早补小合计最多补多少" after the city voucher: its own amount
        and ask.supposed_purchase is None  # "如果用的是国产算力呢": the amount on that supposition
    )


__all__ = [
    "HOW_MUCH",
    "ON_A_FIGURE",
    "amount_asked_before",
    "amount_asked_elsewhere",
    "another_voucher",
    "earlier_asks",
    "rule_question",
]
