"""The questions ("asks") in one message, and whether a message only makes sense with the history.

Users put several questions in one message ("北京能补多少？还能申请吗？要什么材料") and each gets
its own answer, in order. A message is cut into segments at punctuation, at spaces between
Chinese characters (phone messages use them as commas), after a sentence-final 吗/呢, and at
conjunctions (另外, 以及, 顺便问一下, "and also", "and how ..."). A segment that asks something
(a question particle or word, a question mark, a request such as 帮我算一下) opens a new ask
when the current ask already has one; a segment that only states facts ("我们是软件企业",
"合同200万") stays with the question it belongs to: the next one, or the last one at the end. So
a single question is never cut at its commas, and the facts told before the first question stay
with it. Asks are slices of the original text, so the finders that run later see the user's
own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from assistant.lexicon import patterns
from assistant.understand.clauses import COMMA_BREAK
from assistant.understand.lists import listed_points, questions_in_a_row

# A segment asks something when (after a polite opening) it has one of these (lexicon/asked.yaml).
_ZH_CUE = patterns("asked.yaml", "asks_something_zh")
_EN_CUE = re.compile(
    r"\?|(?:^|[,;:]\s*)\W*(how|what|which|when|where|who|whom|whose|why|can|could|may|might|is|are|was|were|do|does|did|"
    r"will|would|should|shall|has|have|whether|please|tell me|compare|calculate|list|explain)\b|how (much|many|long)",
    re.I,
)
_AUXILIARIES = frozenset("is are was were do does did has have can could may might will would should shall".split())
# Polite openings that do not ask anything by themselves ("请问，北京能补多少" is one ask).
_OPENING = re.compile(
    r"^\s*(请问一下|请问|问一下|想问(一)?下|我想(问|咨询|了解)(一)?下?|咨询(一)?下|你好|您好|hi|hello|hey|"
    r"excuse me|quick question|i have a question)[\s,，:：!！]*",
    re.I,
)
# Where a message may be cut. Punctuation and spaces between CJK characters are always segment
# ends; conjunctions are cut out of the text; after 吗/呢 (and after 多少 when a new clause
# starts) is a segment end in run-on phone messages.
_BREAK = re.compile(
    r"(?P<punct>[?？!！。;；\n]+|(?<=[a-z0-9)%％])\.\s+(?=[A-Z])|(?:，|"
    + COMMA_BREAK
    + r")+\s*|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff\d]))|"
    r"(?P<conj>另外|还有(?![没吗呢效什])|以及|顺便(问(一)?下)?|再问(一)?下|此外|并且|另问|还问|并问|"
    r"\s*,?\s*\b(?:and also|and|also|plus|as well as)\s+(?=(?:how|what|which|when|where|who|why|can|could|is|are|do|does|"
    r"will|would|should|whether)\b))|"
    r"(?<=[吗呢])(?P<runon>)(?=[\u4e00-\u9fff])|"
    r"(?<=多少)(?P<runon2>)(?=还|要|需要|怎|如何|在哪|去哪|是否|有没有|哪)",
    re.I,
)
# "两个问题：1）…… 2）……", "1. …… 2. ……": each numbered item is an ask of its own.
# Formal enquiries number their points (（一）（二）, ①②, 一是……二是……) the same way.
_ITEM = re.compile(
    r"(?:^|(?<=[\s:：;；,，。？?]))(?:[（(][1-9][)）]|[1-9][)）.、](?!\d)|[1-9][.．、](?=(?:19|20)\d\d\s*年)|[（(][一二三四五六七八九十][)）]|[①②③④⑤⑥⑦⑧⑨⑩]"
    r"|[一二三四五六七八九]是(?![的否不])|(?<![\u4e00-\u9fff])[一二三四五六七八九十][、．](?=[\u4e00-\u9fff\d]))"
)
# Phone messages number their points with a space and no mark ("1 领到的券…… 2 让供应商……",
# "一 政策依据 二 渠道"): counted only as a run 1, 2, 3 … so "合同 5 份" is no list.
_SPACED_ITEM = re.compile(r"(?:^|(?<=[\s:：]))([1-9]|[一二三四五六七八九])\s+(?=[\u4e00-\u9fff])")
_NUMERALS = "一二三四五六七八九"


def _items(text: str) -> list[re.Match[str]]:
    """The numbers of a numbered list: marked ones ("1." "（一）" "①"), else a spaced run."""
    marked = list(_ITEM.finditer(text))
    if len(marked) >= 2:
        return marked
    spaced = list(_SPACED_ITEM.finditer(text))
    numbers = [int(m.group(1)) if m.group(1).isdigit() else _NUMERALS.index(m.group(1)) + 1 for m in spaced]
    return spaced if len(spaced) >= 2 and numbers == list(range(1, len(spaced) + 1)) else marked


# "算力券、模型券、标注券各自的比例和上限": one ask per voucher named, each with the shared question
_TOGETHER = re.compile(r"同时|一起|叠加|都能|都可以|兼得|合并|并用|哪个|哪种|together|both|which", re.I)
_EACH = re.compile(r"分别|各自|各(?=是|为|能|的|多少)")
# Someone else's question reported by the helpdesk ("企业询问", "有企业反映", "来电咨询").
_REPORTED = re.compile(r"(企业|客户|群众|市民|来电|来函|工单|有人|用户)[^，。,;；]{0,8}(询问|咨询|问|反映|来电|提出)")
# "……分别是什么，请答复。", "请核实后回复，谢谢": the closing request of an enquiry asks nothing new.
_CLOSER_ONLY = re.compile(
    r"^(请|烦请|麻烦|望)?(予以|尽快|及时|核实后|核实并|一并|逐项|逐一|分别)?(答复|回复|告知|反馈|说明|处理)(为盼|为谢|是盼)?[，,]?(谢谢|感谢)?\W*$"
    r"|^(请|烦请|麻烦)?(提供|出具|给出|拟|给)(一下|一个|个)?(统一的?)?(答复|回复)?口径[，,]?(谢谢|感谢)?\W*$"
    r"|^(请|烦请|麻烦)?(给出|作出|出具)(明确的?)?(判断|意见|结论)[，,]?(谢谢|感谢)?\W*$"
    r"|^(please )?(reply|advise|respond)( asap| soon)?\W*$",
    re.I,
)
_BASIS_ONLY = re.compile(
    r"^(请)?(说明|给出|告知)?(一下)?(法律|政策)?(依据|理由|原因|出处|根据|法条)(是什么|是啥|有哪些|在哪里?|何在|呢)?\s*[？?。]?\s*$"
    r"|^(是|对应|依据|规定在)?(民法典|法律|条例)?(的)?(哪一条|哪条|第几条)(规定)?(呢)?\s*[？?。]?\s*$"
    r"|^(why|on what (legal )?basis|what is the (legal )?basis)\W*$",
    re.I,
)


def _after_comma(text: str, start: int) -> bool:
    """Whether the piece starting at ``start`` follows a comma ("……要担什么责任，哪一条"), not a
    question mark ("可以向哪个部门反映？依据是什么" asks two things)."""
    return text[:start].rstrip()[-1:] in ("，", ",")


# The purpose of the question just asked, not a question of its own.
_PURPOSE_ONLY = re.compile(
    r"^(让它|让其|使它|使其|好让|以便|从而|这样就能|这样才能|so that|in order to)[^，,。？?]{0,14}[？?。]?$", re.I
)
# The other half of an either-or question.
_ALTERNATIVE = re.compile(r"^(还是|或者还是|or is it|or only)[^，,。？?]{0,20}[？?。]?$", re.I)
# "……for a regular company, not an OPC?": what the question is not about, said after it
_NOT_THAT = re.compile(r"^(not|rather than|instead of|而不是|不是|并非|非)\s*[^，,。？?]{1,20}[？?。]?$", re.I)
# A question asking which / what / how (not yes or no).
_WH = re.compile(r"哪|什么|啥|多少|怎么|如何|谁|何时|几|\b(which|what|how|who|when|where)\b", re.I)
_LAST_POINT_END = re.compile(r"[。？?!！\n]")
_SENTENCE_END = re.compile(r"[?？!！。;；\n]\s*$|\.\s+$")
_INTRO = re.compile(r"[:：]")
# What introduces the points that follow: a colon, or a request with nothing after it ("请告知 1. ……")
_INTRODUCES = re.compile(r"([:：]|(请|烦请|麻烦)[^，。,]{0,6}(告知|答复|回复|说明|提供|明确|核实)(如下|以下)?)\s*$")
_EDGE = re.compile(r"^[\s,，、;；。.!！]+|[\s,，、;；]+$")
# A greeting in front of a question is not part of the question ("你好，上海能补多少").
_GREETING_OPENING = re.compile(
    r"^(你好|您好|嗨|哈喽|早上好|下午好|晚上好|谢谢|多谢|感谢|hi|hello|hey|good (morning|afternoon)|thanks)[\s,，!！.。~～]+",
    re.I,
)
_LEADING_CONJ = re.compile(
    r"^(另外|还有(?![没吗呢效什])|以及|顺便(问(一)?下)?|再问(一)?下|此外|并且|另问|还问|并问|and also|also|and|plus)[\s,，:：]*",
    re.I,
)


@dataclass
class _Segment:
    start: int
    end: int
    asks: bool
    item: bool = False  # starts a numbered item


def asks_something(text: str) -> bool:
    """Whether a piece of text asks a question or requests something (not just states facts)."""
    body = _OPENING.sub("", text.strip())
    en = _EN_CUE.search(body)
    if en and body.endswith(".") and (en.group(1) or "").lower() in _AUXILIARIES:
        en = None  # "(and) is a manufacturer.": a statement with its full stop, not "Is it ...?"
    return bool(body) and bool(_ZH_CUE.search(body) or en)


def _numbered_points(text: str) -> list[re.Match[str]]:
    """The numbers of a numbered list whose points are asks. A list of statements followed by
    the question about them ("一是供应商是关联方；二是合同倒签……这三点分别有什么风险？") is
    one ask: its points are the facts the question is about, not questions of their own."""
    items = _items(text)
    if len(items) < 2:
        return []
    bodies = [text[a.end() : b.start()] for a, b in zip(items, items[1:])]
    last = text[items[-1].end() :]
    end = _LAST_POINT_END.search(last)
    bodies.append(last[: end.end()] if end else last)
    after = last[end.end() :] if end else ""
    if not any(asks_something(b) for b in bodies) and asks_something(after) and not all(map(_requested_item, bodies)):
        return []
    return items


_FACT_STATED = re.compile(
    r"我们|我司|本公司|公司|企业[^，。；;]{0,4}(是|在)|(?<!\d)\d+(?!\d|\s*年)|[一二两三四五六七八九十]+万|签|租了|买了|付了|供应商|服务商"
)


def _requested_item(body: str) -> bool:
    """A numbered point that names something to answer ("智能算力补贴比例", "语料采购支持标准")
    rather than a fact of the case ("合同300万", "供应商是关联方")."""
    from assistant.understand.topics import topics

    text = body.strip(" \t\n,，、;；。.!！")
    return 0 < len(text) <= 24 and bool(topics(text)) and not _FACT_STATED.search(text)


# "这两条分别有没有问题", "逐条说明", "each of these": the question is asked of every point
_OF_EACH_POINT = re.compile(r"分别|各自|逐条|逐项|逐一|每一(条|项|点)|\beach\b", re.I)


class StatementsAskedEach(NamedTuple):
    """Numbered statements followed by one question asked of each of them."""

    intro: str  # the words before the first number ("草案里有两条：")
    bodies: list[str]  # each statement, as written
    question: str  # the one question ("这两条分别有没有问题？")


def statements_asked_each(text: str) -> StatementsAskedEach | None:
    """Numbered statements followed by one question asked of each ("草案里有两条：一是……；二是……。
    这两条分别有没有问题？", "……请逐条说明问题在哪。"); None for any other message."""
    items = _items(text)
    if len(items) < 2:
        return None
    intro = text[: items[0].start()]
    if _OF_EACH_POINT.search(intro) and asks_something(intro):
        # "咨询两类主体能否申请，请分别答复：（1）……（2）……": the question comes first
        bodies = [text[a.end() : b.start()] for a, b in zip(items, items[1:])] + [text[items[-1].end() :]]
        if not any(asks_something(b) for b in bodies):
            return StatementsAskedEach(intro, bodies, "")
    if _numbered_points(text):
        return None
    last = text[items[-1].end() :]
    end = _LAST_POINT_END.search(last)
    question = last[end.end() :].strip() if end else ""
    if not question or not _OF_EACH_POINT.search(question):
        return None
    bodies = [text[a.end() : b.start()] for a, b in zip(items, items[1:])]
    bodies.append(last[: end.end()] if end else last)
    return StatementsAskedEach(text[: items[0].start()], bodies, question)


def _segments(text: str) -> list[_Segment]:
    items = _numbered_points(text)
    item_starts = {m.start() for m in items}
    cuts = sorted(
        [(m.start(), m.end(), True) for m in items] + [(m.start(), m.end(), False) for m in _BREAK.finditer(text)]
    )
    out: list[_Segment] = []
    pos = 0
    item = False
    for start, end, is_item in cuts:
        if start < pos:
            continue
        # punctuation stays with the segment it ends ("能补多少？"); a conjunction or an item
        # number is dropped
        seg_end = end if not is_item and end > start and _is_punct(text[start:end]) else start
        if seg_end > pos:
            out.append(_Segment(pos, seg_end, item or asks_something(text[pos:seg_end]), item))
        item = is_item and start in item_starts
        pos = max(pos, end)
    if pos < len(text):
        out.append(_Segment(pos, len(text), item or asks_something(text[pos:]), item))
    out = [s for s in out if text[s.start : s.end].strip(" \t,，、;；。.!！")]
    # "帮我算一下：上海，合同500万，能补多少？": what follows a colon belongs to the segment that
    # introduced it, up to the end of the sentence.
    merged: list[_Segment] = []
    for seg in out:
        prev = merged[-1] if merged else None
        prev_text = text[prev.start : prev.end] if prev else ""
        after_colon = _INTRO.split(prev_text)[-1] if prev else ""
        if (
            prev
            and _INTRO.search(prev_text)
            and not _SENTENCE_END.search(prev_text)
            and not seg.item
            # "...: how much, and does it matter ...?": a question already after the colon
            # does not swallow the next question
            and not (seg.asks and asks_something(after_colon))
        ):
            merged[-1] = _Segment(prev.start, seg.end, prev.asks or seg.asks, prev.item)
        else:
            merged.append(seg)
    return merged


def _is_punct(piece: str) -> bool:
    return bool(re.fullmatch(r"[\s?？!！。;；,，、.]+", piece))


def _clean(text: str) -> str:
    text = _EDGE.sub("", _HEADER.sub("", text))
    rest = _GREETING_OPENING.sub("", text)
    if rest != text and asks_something(rest):
        text = rest
    return _LEADING_CONJ.sub("", text).strip()


def _without_closing(ask: str) -> str:
    """ "……单次最低申领额度。请予答复，谢谢。": the closing request asks nothing of its own."""
    rest = _CLOSING_TAIL.sub("", ask).strip()
    return rest if rest != ask and (asks_something(rest) or _names_a_topic(rest)) else ask


def _names_a_topic(text: str) -> bool:
    from assistant.understand.topics import topics

    return bool(topics(text))


# A work order's header ("【12345转办】", "【来电记录】"): whose message it is, not what it asks.
_HEADER = re.compile(r"^\s*【[^】]{1,16}】\s*")
# The closing request and thanks after the last question of an enquiry.
_CLOSING_TAIL = re.compile(
    r"(?:[。，,；;\s]*(?:请|烦请|麻烦|望)(?:予以|予|尽快|及时|核实后|核实并)?(?:答复|回复|告知|反馈|给出判断|给出意见|作出判断)(?:为盼|为谢|是盼)?"
    r"|[。，,；;\s]*(?:谢谢|感谢|多谢)(?:您|你)?)+[。.!！\s]*$"
)


def split_asks(text: str) -> list[str]:
    """The questions in one message, in order, as slices of it.

    Facts stated before a question stay with it; facts after the last question stay with the
    last. A message that asks nothing ("合同是800万", "你好") is one ask, the whole message."""
    text = (text or "").strip()
    if not text:
        return []
    each = statements_asked_each(text)
    if each is not None:  # one ask per statement, each with the introduction and the question
        return [
            _clean(each.intro + b.strip(" \t\n,，、;；。.!！") + ("。" + each.question if each.question else ""))
            for b in each.bodies
        ]
    segments = _segments(text)
    groups: list[tuple[int, int]] = []  # (start, end) of each ask
    pending: int | None = None  # start of facts waiting for their question
    pending_end = 0
    for seg in segments:
        if seg.asks and seg.item and pending is not None and groups:
            # "一、支持比例，初创企业比例；二、……": the rest of a numbered point stays in it
            groups[-1], pending = (groups[-1][0], pending_end), None
        if seg.asks:
            groups.append((pending if pending is not None else seg.start, seg.end))
            pending = None
        else:
            pending = seg.start if pending is None else pending
            pending_end = seg.end
    if pending is not None:
        if groups:
            groups[-1] = (groups[-1][0], len(text))
        else:
            groups.append((pending, len(text)))
    # "请提供以下信息：①……②……": the request that introduces numbered points belongs to the first
    for i in range(len(groups) - 1, 0, -1):
        if _INTRODUCES.search(text[groups[i - 1][0] : groups[i - 1][1]]):
            groups[i - 1 : i + 1] = [(groups[i - 1][0], groups[i][1])]
    # A numbered point is one ask, whatever its commas ("2.使用方式，企业是否需要先垫付全款").
    points = _numbered_points(text)
    if points:
        starts = [m.start() for m in points]

        def point_of(pos: int) -> int:
            return max((i for i, st in enumerate(starts) if st <= pos), default=-1)

        merged_groups: list[tuple[int, int]] = []
        for g in groups:
            if merged_groups and point_of(g[0]) >= 0 and point_of(g[0]) == point_of(merged_groups[-1][1] - 1):
                merged_groups[-1] = (merged_groups[-1][0], g[1])
            else:
                merged_groups.append(g)
        groups = merged_groups
    # "企业询问X还能不能申请。请核实并答复：1. …… 2. ……": the enquiry reported before the
    # numbered points is what they are about, not a question of its own
    while (
        len(groups) > 1 and points and groups[0][1] <= points[0].start() and _REPORTED.search(text[slice(*groups[0])])
    ):
        groups[0:2] = [(groups[0][0], groups[1][1])]
    # "……有没有问题，依据是什么？": asking for the basis of the question just asked, after a
    # comma, is part of it; after a question mark ("已经拿到的补贴会怎样？法律依据是什么？") it is a
    # question of its own
    for i in range(len(groups) - 1, 0, -1):
        piece = _clean(text[slice(*groups[i])])
        if (
            (_BASIS_ONLY.match(piece) and _after_comma(text, groups[i][0]))
            or _CLOSER_ONLY.match(piece)
            or _PURPOSE_ONLY.match(piece)  # "……能不能改成12月，让它落进基期里？"
            or _ALTERNATIVE.match(piece)  # "……能不能算进补贴范围，还是只能算纯算力？"
            or (_NOT_THAT.match(piece) and _after_comma(text, groups[i][0]))
        ):
            groups[i - 1 : i + 1] = [(groups[i - 1][0], groups[i][1])]
    asks = [_clean(text[a:b]) for a, b in groups]
    itemised = bool(_numbered_points(text))
    # "请答复X、Y，以及能否Z": the list's last point follows as an ask of its own
    continued = [bool(re.match(r"^[\s,，]*(以及|及)", text[b:])) for _, b in groups]
    asks = [
        part
        for a, more in zip(asks, continued, strict=True)
        if a
        for part in ([a] if itemised else (more and "、" in a and listed_points(a, least=2)) or _points(a))
    ]
    # a numbered point is one ask even when it asks two things ("（3）由哪个部门审核、哪个部门拨付资金")
    asks = [_without_closing(part) for a in asks for part in ([a] if itemised else questions_in_a_row(a))]
    return [a for a in asks if a] or [text]


def _points(ask: str) -> list[str]:
    """The points of one ask that lists several vouchers ("X、Y各自的比例"): one ask per voucher
    with the shared question; the ask itself otherwise."""
    from assistant.understand.topics import voucher_types

    named = list(dict.fromkeys(voucher_types(ask)))
    listed = len(named) >= 3 and not _TOGETHER.search(ask)  # "算力券、模型券和标注券的比例", not "能同时申请吗"
    if listed or (len(named) >= 2 and _EACH.search(ask)):
        from assistant.understand.topics import voucher_mentions

        spans = voucher_mentions(ask)
        head, tail = ask[: spans[0][0]], ask[spans[-1][1] :]
        tail = re.sub(r"^[）)A-Za-z类（(]*", "", tail)  # "数据标注券（A类）各自的……": the class stays with its name
        return [head + ask[s:e] + tail for s, e in spans]
    # "……年限。请予答复，谢谢。": the list before the closing request (which may be its request)
    return listed_points(ask) or listed_points(_without_closing(ask)) or [ask]


__all__ = ["StatementsAskedEach", "asks_something", "split_asks", "statements_asked_each"]
