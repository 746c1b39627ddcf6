"""Asks judged together, after each was classified alone: a part that reads as off-topic inside a
message about vouchers is about vouchers, an unsure part that names an amount asks how much, an
unsure fragment ("那北京的算力券呢") belongs to the ask beside it.

Why its own module: classifying one part (asks.py) and reconciling the parts of one message are
two jobs; the second grew with every kind of message the first could not read alone.
"""

from __future__ import annotations

import re

from assistant.lexicon import patterns
from assistant.understand.case import Ask
from assistant.understand.phrases import read_group
from assistant.understand.subject import (
    about_support,
    domain,
    names_voucher,
    off_subject_always,
    other_subject,
    speaks_of_support,
)
from assistant.understand.words_ask import (
    DOCUMENT_TOPICS,
    HOW_MUCH,
    LONE_FACT_TOPICS,
    RATE_ASKED,
    last_question,
    what_the_words_ask,
)


def fragment_of(text: str) -> bool:
    """A short follow-on part with no subject of its own ("最多多少", "要什么材料")."""
    return len(text.strip()) <= 10 and not has_subject(text)


# "请协助测算……金额", "请按通知口径测算补贴": a request is a question of its own.
_REQUESTS = re.compile(
    r"(请|烦请|麻烦|帮|替)[^，。？?]{0,20}(测算|计算|核算|算一|说明|提供|告知|答复|回复|列出|比较|对比|评估|解释)"
)


def _fragment(text: str) -> bool:
    """A part that only sets the subject ("那北京的算力券呢") rather than asking a question."""
    from assistant.understand.followup import is_followup

    return (
        is_followup(text)
        or not _REQUESTS.search(text)
        and not re.search(
            r"[？?吗么]|多少|几|哪|怎么|如何|是否|能否|什么|啥|咋|有没有|有何|何时|何种|为何|([\u4e00-\u9fff])[不没]\1"
            r"|how|what|which|when|can|is|does",
            text,
            re.I,
        )
    )


def has_subject(text: str) -> bool:
    """Whether what is left of a message names an amount or a place of its own."""
    from assistant.understand.money import find_money
    from assistant.understand.places import find_places

    return bool(find_money(text) or find_places(text))


_CALCULATE = patterns("asked.yaml", "calculate_asked")  # "请测算该企业可申领的金额"
_PREFACE = patterns("asked.yaml", "preface")
_IT = patterns("asked.yaml", "it_follow_on")


def _read_beside_each_other(out: list[Ask]) -> list[Ask]:
    """Asks of one message read beside the one before or after: another purchase asked with 呢
    after an amount, and the rate asked as its own question before the amount."""
    from assistant.understand.money import find_money

    out = list(out)
    for i in range(1, len(out)):
        a, before = out[i], out[i - 1]
        if a.voucher == "compute" and before.voucher != "compute" and not names_voucher(a.text) and _IT.search(a.text):
            # "一次性算力券有吗？多少钱？", "how much is it?": about the voucher just named
            out[i] = a = a.model_copy(update={"voucher": before.voucher})
        if (
            a.intent == "compliance"
            and out[i - 1].intent == "calculation"
            and "呢" in a.text
            and find_money(a.text)
            and not {k for k in read_group(a.text, "compliance") if k != "role"}
        ):  # "……能补多少 另外从数据交易所买语料20w呢 卖家跟我们没关系": the same question of another purchase
            out[i] = a.model_copy(update={"intent": "calculation"})
    for i, a in enumerate(out[:-1]):
        later = out[i + 1]
        if (
            a.intent == "calculation"
            and RATE_ASKED.search(last_question(a.text))
            and re.search(r"[?？]\s*$", a.text)  # asked as a question of its own ("按哪个比例算 能补多少" is one)
            and later.intent == "calculation"
            and HOW_MUCH.search(later.text)
        ):  # "按哪个比例算？能拿多少？": the rate, then the amount
            out[i] = a.model_copy(update={"intent": "fact", "topics": sorted({*a.topics, "rate"})})
    return out


# The classifier's share for another subject above which a part of a message that names nothing of
# the vouchers is off-topic on its own ("……截止时间？还有北京今天天气怎么样").
OWN_OFF_TOPIC_MIN = 0.6


def _plainly_elsewhere(a: Ask) -> bool:
    """A part the classifier puts on another subject with confidence, naming no voucher, no topic
    of the rules and no word of support (or another subject's words beside them: "落户政策")."""
    return (
        a.scores.get("off_topic", 0.0) >= OWN_OFF_TOPIC_MIN
        and not a.topics
        and not domain(a.text)
        and (not speaks_of_support(a.text) or other_subject(a.text))
        and not _fragment(a.text)
    )


def settle(asks: list[Ask], whole: str = "", in_conversation: bool = False) -> list[Ask]:
    """Asks judged together: a part that reads as off-topic inside a message about vouchers is
    about vouchers (its best other intent); a part the classifier is unsure of that names an
    amount asks how much; another unsure part ("那北京的算力券呢") belongs to the ask beside it."""
    from assistant.understand.documents import names_held_law
    from assistant.understand.money import find_money

    # asks on the subject by their own words ("要多久" after a taxi fare is not)
    elsewhere = ((other_subject(whole) and not domain(whole)) or off_subject_always(whole)) and not in_conversation
    on_subject = (
        []
        if elsewhere
        else [
            a
            for a in asks
            if a.intent not in ("off_topic", "greeting")
            and (domain(a.text) or (not fragment_of(a.text) and about_support(whole)))
        ]  # "AI会不会取代会计岗位？我们部门要不要转型": nothing of support, nothing on the subject
    )
    out: list[Ask] = []
    for a in asks:
        # "闵行区的200元餐饮消费券过期了"; "比特币现在多少钱？" beside a question about the vouchers
        own_elsewhere = (not in_conversation and other_subject(a.text) and not about_support(a.text)) or (
            len(asks) > 1 and _plainly_elsewhere(a)
        )
        # "深圳的比例是多少？顺便推荐几只AI股票": the question about the vouchers stays one
        stays = (
            len(asks) > 1
            and (domain(a.text) or bool(a.topics))
            and not off_subject_always(a.text)
            and not other_subject(a.text)
        )
        if (elsewhere and not stays and (a.intent != "greeting" or off_subject_always(a.text))) or own_elsewhere:
            a = a.model_copy(update={"intent": "off_topic", "confidence": a.scores.get("off_topic", 0.0) or 0.01})
        runner_up = sorted(a.scores, key=lambda k: -a.scores[k])[:2]  # the scores never change below
        if (
            a.intent not in ("off_topic", "greeting")
            and "off_topic" in runner_up
            and not about_support(whole)
            and not in_conversation  # "那上海呢 同样200万" after a question about vouchers
        ):
            # "公司在上海，团建去迪士尼两百人要花多少钱": a place and money, but nothing about
            # vouchers, subsidies or applying; the classifier's second thought is the right one
            a = a.model_copy(update={"intent": "off_topic", "confidence": a.scores.get("off_topic", 0.0) or 0.01})
        if (
            a.confidence <= 0
            and max(a.scores, key=lambda k: a.scores[k], default="") == "off_topic"
            and not domain(whole)
            and not in_conversation
        ):
            a = a.model_copy(update={"intent": "off_topic", "confidence": a.scores.get("off_topic", 0.0) or 0.01})
        rules_ask = bool(set(a.topics) & {"cap", "rate", "budget", "period"}) and domain(whole) and not elsewhere
        if a.intent == "greeting" and len(asks) > 1 and (a.topics or not _fragment(a.text)):
            a = a.model_copy(update={"intent": "off_topic"})  # "能同时拿吗" beside a question is no greeting
        # "成都的算力券怎么兑付": unsure, names the vouchers and asks about one of their topics
        unsure_on_subject = a.confidence <= 0 and bool(a.topics) and domain(a.text)
        if (
            a.intent == "off_topic"
            and not own_elsewhere
            and (
                (on_subject and len(asks) > 1)
                or rules_ask
                or unsure_on_subject
                or (in_conversation and bool(speaks_of_support(a.text)))  # "省里的券呢 也能拿吗" after a question
            )
        ):
            best = max(
                ((k, v) for k, v in a.scores.items() if k not in ("off_topic", "greeting", "_noise")),
                key=lambda kv: kv[1],
            )
            a = a.model_copy(update={"intent": best[0], "confidence": best[1]})
        if (
            a.intent == "off_topic"
            and not own_elsewhere
            and names_held_law(a.text)
            and (a.articles or "doc_number" in a.topics)
        ):
            # "民法典第154条怎么理解", "反垄断法是哪年通过的": an article or the facts of a legal text
            # the library holds (not "民法典里离婚冷静期多久")
            a = a.model_copy(update={"intent": "fact", "confidence": a.scores.get("fact", 0.0) or 0.01})
        if a.confidence <= 0 and "period" in a.topics and "validity" in runner_up:
            # "现在还能申北京的算力券吗" with a contract in it: whether it still runs, not how much
            a = a.model_copy(update={"intent": "validity", "confidence": a.scores.get("validity", 0.0) or 0.01})
        elif a.confidence <= 0 and a.intent == "validity" and "eligibility" in runner_up and "period" not in a.topics:
            # "模型券也能申吗": whether we may apply; no word of time makes it "is it still open"
            a = a.model_copy(update={"intent": "eligibility", "confidence": a.scores.get("eligibility", 0.0) or 0.01})
        if a.confidence <= 0 and (
            find_money(a.text)
            or (
                ("calculation" in runner_up or _CALCULATE.search(a.text))  # "……说错了，重新算一下"
                and (HOW_MUCH.search(a.text) or _CALCULATE.search(a.text))
                and (find_money(whole) or in_conversation)
            )
        ):  # unsure, and it names an amount or asks "how much / what would it be" of one named before
            a = a.model_copy(update={"intent": "calculation", "confidence": a.scores.get("calculation", 0.0) or 0.01})
        if a.confidence <= 0 and (
            (a.topics and set(a.topics) <= DOCUMENT_TOPICS) or (len(asks) == 1 and set(a.topics) & LONE_FACT_TOPICS)
        ):
            # "……请答复该政策的发布日期": unsure, and it asks only what a document itself says;
            # "领到的券能不能拿去质押融资" alone: what the texts make of the voucher's nature
            a = a.model_copy(update={"intent": "fact", "confidence": a.scores.get("fact", 0.0) or 0.01})
        if (
            a.confidence <= 0 and len(asks) > 1 and (a.topics or not _fragment(a.text))
        ):  # "有没有封顶": its own question
            best = max(
                ((k, v) for k, v in a.scores.items() if k not in ("off_topic", "greeting", "_noise")),
                key=lambda kv: kv[1],
            )
            a = a.model_copy(update={"intent": best[0], "confidence": best[1]})
        out.append(what_the_words_ask(a))
    out = _read_beside_each_other(out)
    if not domain(whole) and out and out[0].intent == "off_topic" and out[0].confidence > 0:
        # "张江到虹桥机场打车多少钱 要多久": the short follow-on belongs to the off-topic question
        first, rest = out[0], out[1:]
        tail = [a for a in rest if fragment_of(a.text)]
        out = [first.model_copy(update={"text": " ".join([first.text, *(a.text for a in tail)])})] + [
            a for a in rest if not fragment_of(a.text)
        ]
    merged: list[Ask] = []
    carry = ""
    for i, a in enumerate(out):
        unsure = (a.confidence <= 0 and len(out) > 1 and not a.topics and _fragment(a.text)) or bool(
            len(out) > 1 and _PREFACE.search(a.text)  # "先说下我们情况 …… 能补多少啊"
        )
        if unsure and i + 1 < len(out):
            carry += a.text + " "
            continue
        if unsure and merged:
            last = merged[-1]
            merged[-1] = last.model_copy(
                update={"text": last.text + " " + a.text, "topics": list(dict.fromkeys(last.topics + a.topics))}
            )
            continue
        if carry:
            a = a.model_copy(update={"text": carry + a.text, "regions": a.regions})
            carry = ""
        merged.append(a)
    return merged


# A question about a legal text or an article ("按《公平竞争审查条例》能不能作为例外？").
_NAMES_A_TEXT = re.compile(r"《[^》]+》|第[一二三四五六七八九十百零\d]+条")
_LEGAL = re.compile(_NAMES_A_TEXT.pattern + r"|法律|条例|细则|指引|民法典|反垄断法|公平竞争|例外情形|审查结论")
_LEANING_MAX_CHARS = 16
# "能不能用这一条来说明合理", "能否据此转让": words pointing back at the text just asked about, so a
# longer question continues it too
_REFERS_BACK = re.compile(
    r"这一?条|该条|此条|上述|前述|据此|依此|按此|照此|这个例外|该例外|this (article|provision|exception)"
    # "……的法律责任规定在哪一条？" after a question naming the law: an article of that law
    r"|(?:规定)?在哪一?条|是第几条|哪几条|which (article|provision)s?\b",
    re.I,
)
_REFERRING_MAX_CHARS = 40


_TOPIC_CARRY_MAX_CHARS = 8


def lean_on_legal_questions(asks: list[Ask]) -> list[Ask]:
    """A short question with no subject of its own after a question about a legal text ("需要满足
    哪些条件？", "文号是多少？", "应该以哪个文件为准？") continues that question: it is answered from
    the same texts, not asked for a region. "How much" after a compliance check of a contract whose
    amount was told ("这么拆有风险吗？不拆的话最多拿多少") is the amount, computed."""
    from assistant.understand.money import find_money

    out: list[Ask] = []
    for a in asks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.intent == "compliance"
            and HOW_MUCH.search(a.text)
            and find_money(prev.text + a.text)
            and not {k for k in read_group(a.text, "compliance") if k != "role"}
        ):  # "这么拆有风险吗？不拆的话最多拿多少": the check, then the amount of the contract told
            out.append(a.model_copy(update={"intent": "calculation", "confidence": max(a.confidence, 0.01)}))
            continue
        if (
            prev is not None
            and (
                prev.intent == "compliance"
                or (prev.intent in ("fact", "eligibility") and (_LEGAL.search(prev.text) or prev.articles))
            )
            and (
                (len(a.text) <= _LEANING_MAX_CHARS and not names_voucher(a.text))
                or (len(a.text) <= _REFERRING_MAX_CHARS and _REFERS_BACK.search(a.text))
            )
            and not has_subject(a.text)
            and not _NAMES_A_TEXT.search(a.text)  # "民法典第545条呢" asks about a text of its own
        ):
            a = a.model_copy(
                update={
                    "leans_on": (prev.leans_on + " " + prev.text).strip(),
                    # a question of law read as one of eligibility ("能不能按例外情形出台") is the law's
                    "intent": a.intent
                    if a.intent in ("compliance", "fact")
                    else ("compliance" if prev.intent == "eligibility" else prev.intent),
                    # "怎么退": the refund the question before asked about ("合同无效从什么时候起算" asks its own)
                    "topics": a.topics
                    or (prev.topics if len(a.text.strip(" ？?。")) <= _TOPIC_CARRY_MAX_CHARS else []),
                    "regions": a.regions or prev.regions,
                    "confidence": max(a.confidence, 0.01),
                }
            )
        out.append(a)
    return out
