"""Points listed without numbers: a request naming several things to answer ("请答复发布日期、
支持对象和补贴比例") and questions of their own joined by 、 ("能否申领、比例是多少"). Each
becomes an ask; a list of names that are compared ("北京、上海哪个多") stays one.

Its own module because the splitter (split.py) cuts a message at its punctuation and numbers;
reading a list inside one piece is a job of its own with its own limits.
"""

from __future__ import annotations

import re

# "……，内容包括": the words that say what an answer asked for covers, before its list
_COVERS = r"[，,]?\s*(?:内容|主要|需|应|须)?(?:包括|包含|涵盖)"
# A formal request and the list that follows it: "请答复发布日期、支持对象和补贴比例",
# "答复企业以下四点：年度总额、最高抵减比例、……".
_REQUEST = re.compile(
    r"(?:请|烦请|麻烦)[^，。；;]{0,12}?(?:答复|回复|说明|提供|告知|确认|核实|明确|出具)"
    # "请拟……答复口径，内容包括申领起点、有效期……": the wording asked for, then what it covers
    rf"(?:(?:口径)?{_COVERS})?"
    r"|以下[几两三四五六七八九十\d]+(?:点|项|个问题)"
    # an enquiry reported ("来电企业（宁夏）咨询……", "……公司，问……的比例、上限、可享受几年")
    r"|(?:(?:企业|公司|单位|来电|来函|客户|市民)(?:[（(][^）)]{1,16}[）)])?|(?<=[，,：:]))(?:询问|咨询|问)(?=[^，。；;]{4})"
    r"|的(?:咨询|询问|问题)(?=[:：])"  # "……关于训力券的咨询：补贴比例、单项上限、责任单位"
)
# A list ends at a sentence end, or where a purpose is given ("……，便于我们统一答复口径").
_LIST_END = re.compile(r"[。？?!！；;\n]|[，,]\s*(?=便于|以便|方便|用于|供|为了|谢谢|感谢|并(?:注明|附|说明|列明|请))")
_LAST_AND = re.compile(r"(?:以及|和|及|与)(?=[^和及与]{2,}$)")
_POINT_BREAK = re.compile(r"[、，,]|(?<=[\u4e00-\u9fff）)])\s+(?=[\u4e00-\u9fff（(])")
MIN_LISTED_POINTS = 3
MAX_POINT_CHARS = 16  # a point of a list is a name ("年度上限", "申领步骤"), not a sentence


def listed_points(ask: str, least: int = MIN_LISTED_POINTS) -> list[str]:
    """A request listing three or more points without numbers, each point naming something to
    answer (a topic: date, rate, cap, issuer ...): one ask per point, each keeping the words
    before the list (who asks about which program) and, when the first point opens with a
    qualifier ("深圳市训力券的政策依据、发文单位和执行期限"), that qualifier. "A和B" stays one
    ask, and so does a list of places or vouchers (those are compared, not itemised). ``least``
    is 2 for a list whose last point was cut off as an ask of its own ("有效期、结算周期，以及能否
    转让")."""
    from assistant.understand.topics import topics

    requests = list(_REQUEST.finditer(ask))
    if not requests:
        return []
    start = requests[-1].end()
    colon = re.search(r"[:：]", ask[start : start + 14])
    if colon:
        start += colon.end()
    end_match = _LIST_END.search(ask, start)
    end = end_match.start() if end_match else len(ask)
    list_first = not ask[start:end].strip(" ，,。.!！") and requests[-1].start() > 0
    if list_first:
        # "文号、渠道要求和补贴比例，请一并答复。": the list comes before the request
        # "……申领步骤呢？请一并答复。": the list's own question mark and 呢 end it
        end = len(re.sub(r"(呢|吗)?[？?。.!！\s]*$", "", ask[: requests[-1].start()].rstrip(" ，,")))
        before = [m.end() for m in _LIST_END.finditer(ask, 0, end)]
        start = before[-1] if before else 0
    # phone messages list with spaces ("请答复发布日期 支持对象和补贴比例")
    listed = ask[start:end]
    # "北京市算力券，合同中包含的存储、网络服务费能否一并计入补贴": with 、 in it, a comma ends a clause
    # (the subject named first), not a point of the list
    breaker = (
        re.compile(r"、|[，,](?=\s*(?:以及|及|和|还有))")
        if "、" in listed and re.search(r"[，,](?!\s*(?:以及|及|和|还有))", listed)
        else _POINT_BREAK
    )
    points = [p.strip(" ，,") for p in breaker.split(listed) if p.strip(" ，,")]
    if points:
        last = _LAST_AND.split(points[-1], maxsplit=1)
        points[-1:] = [p for p in last if p]
    if len(points) < least or sum(bool(topics(p)) for p in points) < len(points) - 1:
        return []
    if list_first and max(len(p) for p in points[1:]) > MAX_POINT_CHARS:
        return []  # "某企业来函称，其在……使用算力，询问……是否仍然适用。请答复": clauses, not a list
    qualifier = points[0][: points[0].rfind("的") + 1] if "的" in points[0][:-1] else ""
    # "……答复口径，内容包括": the words introducing the list are not part of each point's question
    head, tail = re.sub(rf"{_COVERS}[:：]?$", "", ask[:start]), ask[end:]
    return [head + (p if i == 0 or p.startswith(qualifier) else qualifier + p) + tail for i, p in enumerate(points)]


# A word that makes a clause a question of its own (a request such as 请告知 does not).
_QUESTION_WORD = re.compile(
    r"能否|是否|可否|有无|多少|多久|多长|什么|啥|怎么|怎样|如何|哪|吗|有没有|谁|何时|何地|几(时|年|月|天|个|次|家)"
    r"|(?P<x>[\u4e00-\u9fff])[不没](?P=x)"
)


def questions_in_a_row(ask: str) -> list[str]:
    """Questions listed with 、 ("省外企业能否申领、抵扣比例是多少、单个企业最多能领多少"): one
    ask each, when every piece is a question of its own; a list of names ("发布单位、发布时间
    和比例", "北京、上海哪个多") stays whole."""
    pieces = ask.split("、")
    if len(pieces) < 2 or not all(_QUESTION_WORD.search(p) for p in pieces):
        return [ask]
    return [p.strip() for p in pieces if p.strip()]


__all__ = ["listed_points", "questions_in_a_row"]
