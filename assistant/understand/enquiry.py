"""The point of a message written as a formal enquiry: its sender ("XX局工单："), the
introduction before the point asked, figures quoted aside in brackets, and the sentences that
ask rather than state.

Why its own module: helpdesk messages wrap every question in an introduction; reading where the
question is, before classifying it (asks.py), is one job on its own.
"""

from __future__ import annotations

import re

_QUESTION = re.compile(
    r"[？?吗么]|多少|几|哪|怎么|如何|是否|能否|能不能|可不可以"
    r"|^\s*(how|what|which|when|where|who|can|could|is|are|does|do|will|may|should|would)\b",
    re.I,
)
# a space between Chinese words ends a sentence in a message typed on a phone
_SENTENCE = re.compile(r"(?<=[。！!？?])\s*|(?<=[.])\s+(?=[A-Z])|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def after_intro(part: str) -> str:
    """The point after the introduction of a formal enquiry ("XX局工单：企业咨询……，请答复：（一）文号"
    -> "（一）文号"), when there is an introduction and a point of some length after it."""
    pieces = re.split(r"[：:]", part)
    tail = pieces[-1].strip()
    return tail if len(pieces) > 1 and len(tail) >= 4 and len(part) - len(tail) >= 8 else part


# Who writes a formal enquiry ("重庆市大数据局工单：", "杭州市经信局窗口：", "北京市12345转办："):
# the sender, not what is asked ("数据局" there is not a question about the issuer).
_SENDER = re.compile(
    r"^\s*[^：:，,。？?]{0,20}(局|委|委员会|办|办公室|中心|厅|政府|管委会|窗口|热线|工单|转办|来函|政务服务)"
    r"[^：:，,。？?]{0,6}[：:]"
)


# "（最高5%、累计500万）": figures the user quotes in brackets describe what the question is about;
# they do not ask for a rate or a cap
_FIGURES_ASIDE = re.compile(r"[（(][^（）()？?]{0,30}\d[^（）()？?]{0,30}[）)]")


# A document number followed by words placing something inside that text ("〔2025〕3号下的", "……中的").
_NUMBER_QUALIFIES = re.compile(r"(〔\d{4}〕|\[\d{4}\]\s*)\d+号\s*(文件)?(项下|之下|下|中|里|所称|规定)")


def without_asides(text: str) -> str:
    return _FIGURES_ASIDE.sub("", text)


def topics_asked(part: str, point: str) -> list[str]:
    """What an ask is about, read from the point it asks when it follows an introduction, and
    never from its sender's name."""
    from assistant.understand.topics import topics

    if point != part:
        found = _number_named(point, topics(_SENDER.sub("", point)))
        if found:
            return found
    found = _number_named(part, topics(_SENDER.sub("", part)))
    if point != part and "doc_number" in found and _QUESTION.search(point):
        # "请依据扬府办发〔2024〕25号说明：（1）……": the text the points are about, not its number asked
        # (the point itself named no topic, or it would have been returned above)
        found = [t for t in found if t != "doc_number"]
    return found


def _number_named(text: str, found: list[str]) -> list[str]:
    """ "（1）武政规〔2025〕3号下算力服务券的抵扣比例": the number says which text, the rate is asked."""
    from assistant.understand.topics import topics

    if "doc_number" not in found or len(found) < 2 or not _NUMBER_QUALIFIES.search(text):
        return found
    plain = topics(_SENDER.sub("", _NUMBER_QUALIFIES.sub("", text)))
    return found if "doc_number" in plain else [t for t in found if t != "doc_number"]


def question_part(part: str) -> str:
    """The sentences of an ask that ask something ("Is it still open? We're a WFOE in Chaoyang."
    -> the first): tried when the whole ask is unclear and the statements name no amount (an
    amount stated beside "What's the subsidy?" makes it a calculation)."""
    sentences = [s for s in _SENTENCE.split(part) if s.strip()]
    asking = [s for s in sentences if _QUESTION.search(s)]
    return " ".join(asking) if asking and len(asking) < len(sentences) else part


__all__ = ["after_intro", "question_part", "topics_asked", "without_asides"]
