"""Whether a message only makes sense with the earlier turns ("那上海呢", "是", "合同是800万"),
and whether a question borrows its predicate from the one before it ("北京能补多少？上海呢？").

Why its own module: cutting a message into questions (split.py) and deciding whether a message
or a question leans on what came before are two jobs; the second reads the first's output.
"""

from __future__ import annotations

import re

from assistant.understand.split import asks_something, split_asks

# A bare answer to a question the assistant asked back: "是", "没有", "对的是软件企业", "yes".
_ANSWER = re.compile(
    r"^(是的?|对的?|对啊|没错|不是|不对|没有|没|有的?|有|嗯+|好的?|不|yes|yep|yeah|no|nope|correct|right|exactly)"
    r"(?=$|[\s,，.。!！]|[\u4e00-\u9fff])",
    re.I,
)
# Leans on the previous question: "那上海呢", "如果是两年的合同呢", "what about Shanghai?".
_ELLIPSIS_START = re.compile(
    r"^(那(?![个份笔张些项条])么?|那如果|如果|要是|假如|假设|换成|改成|换做|若是|那要是)|^(what|how) about\b|^what if\b|^and (if|for|in|with|what about)\b|"
    r"^(same|ditto) for\b|^if\b",
    re.I,
)
_ELLIPSIS_END = re.compile(r"(呢|的话|的话呢)\s*[?？]?\s*$")
# "那上海呢 同样300万的租金": the elliptical question first, then the facts it is about
_ELLIPSIS_CLAUSE = re.compile(r"(呢|的话)\s*[?？]?(?=[\s,，;；])")
# A message that only states facts for the open case: amounts, contracts, who we are, corrections.
_FACT_MARK = re.compile(
    r"\d|[万亿元]|合同|我们|我司|公司|企业|注册|国产|签|年|月|金额|结算|不对|更正|应该是|其实是|"
    r"\b(we|our|it's|it is|the contract|contract|registered|million|rmb|yuan)\b",
    re.I,
)
LISTED_TOPICS = 3  # a follow-up naming this many things to answer lists its own questions
SHORT_ANSWER_CHARS = 12  # a statement this short, asking nothing, answers the last question
_GREETING_ONLY = re.compile(
    r"^(你好|您好|嗨|哈喽|谢谢|多谢|感谢|辛苦|再见|拜拜|好的|收到|hi|hello|hey|thanks|thank you|bye|ok)\W*$", re.I
)


def is_followup(text: str) -> bool:
    """Whether a message only makes sense with the earlier turns, so the caller reuses the
    previous asks with the new facts: an elliptical question ("那上海呢", "国产的呢", "what
    about Shanghai?"), a bare answer ("是", "没有", "对的是软件企业"), or facts alone ("合同是
    800万", "还有一份200万的", "在杭州"). A full question ("那上海能补多少") is classifiable alone: not one."""
    t = (text or "").strip()
    if not t or _GREETING_ONLY.match(t):
        return False
    asks = split_asks(t)
    if len(asks) > 1:  # "那上海呢？深圳呢？": every question in it leans on the history
        return all(_followup_ask(a) for a in asks)
    return _followup_ask(t)


def is_elliptical(text: str) -> bool:
    """A question that borrows its predicate from the one before ("上海呢？", "那如果是国产的",
    "what about Shanghai?"), as opposed to a short point of a list ("结算周期", "发票开具要求"),
    which is a question of its own."""
    t = (text or "").strip()
    body = re.sub(r"[?？]", "", _ELLIPSIS_END.sub("", _ELLIPSIS_START.sub("", t))).strip()
    return bool(_ELLIPSIS_START.match(t) or _ELLIPSIS_END.search(t)) and not asks_something(body)


def _followup_ask(t: str) -> bool:
    from assistant.understand.topics import topics

    body = re.sub(r"[?？]", "", _ELLIPSIS_END.sub("", _ELLIPSIS_START.sub("", t))).strip()
    if _ELLIPSIS_START.match(t):
        body = _ELLIPSIS_CLAUSE.sub("", body)
    # "上海市的比例、年度上限、申领步骤呢": a list of things asked is a question of its own
    own_question = asks_something(body) or len(topics(body)) >= LISTED_TOPICS
    if (_ANSWER.match(t) or _ELLIPSIS_START.match(t) or _ELLIPSIS_END.search(t)) and not own_question:
        return True
    if asks_something(t):
        return False
    # facts alone: a short answer to a question asked back (北京朝阳, 在杭州, 两年) or a statement
    # that names something of the case (合同是800万, 我们是软件企业)
    return len(t) <= SHORT_ANSWER_CHARS or bool(_FACT_MARK.search(t))


__all__ = ["is_elliptical", "is_followup"]
