"""The asks of one turn: each question of a message, with its intent, topics, regions and year.

Why its own module: reading a message's questions (splitting, classifying each point, reading
arrangements stated in words, settling fragments onto the question they belong to) is one
responsibility; ``understand`` (the package) merges turns into the case file and decides what to
ask back.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

from assistant.lexicon import patterns
from assistant.understand import topics as topics_mod
from assistant.understand.case import Ask, Case, ComplianceFacts, Note, Purchase
from assistant.understand.documents import year_asked
from assistant.understand.enquiry import after_intro, question_part, topics_asked, without_asides
from assistant.understand.risks import ISSUER_FACTS
from assistant.understand.settle import fragment_of, has_subject, lean_on_legal_questions, settle
from assistant.understand.split import StatementsAskedEach, statements_asked_each
from assistant.understand.subject import domain, names_voucher


def _ask(
    part: str,
    clf: Any,
    today: dt.date,
    cur: Case,
    covered: frozenset[str],
    intent_hint: str | None = None,
    lead: str = "",
    one_of_each: bool = False,
) -> Ask:
    """One ask; ``one_of_each``: it is one of several statements asked the same question ("这两条
    分别有没有问题"), so the facts of its own words are kept apart from the others'."""
    from assistant.understand.facts import applicant_stated
    from assistant.understand.money import find_money
    from assistant.understand.phrases import read_group
    from assistant.understand.topics import article_labels, voucher_type

    own_point = _CLOSING_REQUEST.sub("", part[len(lead) :]).strip() if lead and part.startswith(lead) else ""
    if len(own_point) >= 2:
        # "郑州市政务服务中心：企业咨询郑州算力券，请回复补贴比例": the lead every point of the list
        # shares says who asks and about what; the point ("补贴比例") says what is asked.
        scores = clf.classify(own_point)
        intent, confidence, unclear = clf.decide(scores)
        if unclear:
            scores = clf.classify(without_asides(part))
            intent, confidence, unclear = clf.decide(scores)
    else:
        scores = clf.classify(without_asides(part))
        intent, confidence, unclear = clf.decide(scores)
    point = own_point or after_intro(part)
    if point != part and not own_point:  # "某中心：请答复以下几点：①发文单位和印发日期": the point is what is asked
        p_scores = clf.classify(point)
        p_intent, p_confidence, p_unclear = clf.decide(p_scores)
        if not p_unclear:
            scores, intent, confidence, unclear = p_scores, p_intent, p_confidence, False
    question = question_part(part)
    if (
        unclear and question != part and not find_money(part.replace(question, " "))
    ):  # statements diluted the question: is the question alone clear?
        q_scores = clf.classify(question)
        q_intent, q_confidence, q_unclear = clf.decide(q_scores)
        if not q_unclear and q_intent not in ("greeting", "off_topic"):  # "行吗" alone says nothing
            scores, intent, confidence, unclear = q_scores, q_intent, q_confidence, False
    in_words = read_group(part, "compliance")
    stated = {k: v for k, v in in_words.items() if k != "role"}
    # a purchase fact the phrase tables read ("向其母公司购买语料": a related supplier) explains
    # the arrangement; the reader by meaning would only guess a second one beside it
    explained = bool(_BOUGHT_FROM.search(part)) and any(
        read_group(part, "purchase").get(k) for k in ("supplier_related", "self_built")
    )
    if not stated and not explained and intent not in ("off_topic", "greeting"):
        stated = _risks_in_words(own_point or part, clf, dict(scores), cur, unclear)
    arrangements = {k: v for k, v in stated.items() if k != "role"}
    if (
        arrangements
        and intent not in ("off_topic", "greeting")
        and not (arrangements == {"voucher_action": "own_use"} and intent != "compliance")
    ):
        intent, unclear = "compliance", False  # a risk stated in words is what the ask is about
    if intent_hint is not None:
        intent, unclear = intent_hint, False
    asked_about = topics_asked(without_asides(part), without_asides(point))
    if own_point and intent == "compliance" and not arrangements and set(asked_about) & _RULE_OR_DOCUMENT:
        intent = "fact"  # a point of a list ("……的文号") that states no arrangement asks for a fact

    own = _regions_named(part, cur, covered)
    own_words = {**in_words, **stated}
    if own_words.get("role") is None and set(own_words) & ISSUER_FACTS:
        own_words["role"] = "issuer"  # only a body drafting a measure states these
    return Ask(
        own_facts=ComplianceFacts(**own_words) if intent == "compliance" and one_of_each else None,
        own_purchase=_purchase_in(part) if intent == "compliance" and one_of_each else None,
        own_applicant=applicant_stated(part) if one_of_each else None,
        text=part,
        intent=intent,
        confidence=0.0 if unclear else float(confidence),
        scores={k: round(float(v), 4) for k, v in scores},
        regions=own,
        voucher=voucher_type(part),
        topics=asked_about,
        year=year_asked(part, today),
        articles=article_labels(part),
    )


def _regions_named(part: str, cur: Case, covered: frozenset[str]) -> list[str]:
    """The regions of the case a piece of the message names, in order."""
    from assistant.understand import places as places_mod

    own: list[str] = []
    for pm in places_mod.find_places(part):
        code = places_mod.covered_region(pm.place, covered)
        if code and code in cur.regions and code not in own:
            own.append(code)
    return own


def _purchase_in(part: str) -> Purchase:
    """The purchase facts an ask's own words state (a related supplier, domestic chips)."""
    from assistant.understand.dates import find_terms
    from assistant.understand.phrases import read_group

    terms = find_terms(part)
    facts = {k: v for k, v in read_group(part, "purchase").items() if k in Purchase.model_fields}
    return Purchase(**facts, term_months=terms[0].months if terms else None)


def _intent_of_each(each: StatementsAskedEach | None, clf: Any) -> str | None:
    """The intent of the question asked of each numbered statement ("请逐条说明问题在哪"): every
    statement is asked that question, whatever its own words look like alone ("合同期限签了18个月"
    read alone looks like a question about a period)."""
    if each is None:
        return None
    # "分别有没有问题" says more after "合规部想确认三件事：" (the question may come first: no question)
    for asked in filter(None, (each.intro + each.question, each.question)):
        intent, _, unclear = clf.decide(clf.classify(asked))
        if not unclear and intent not in ("off_topic", "greeting"):
            return str(intent)
    return None


# Questions answered from one message: more than any enquiry lists (a formal one has up to ten
# points), and a bound on the work one message can cause.
MAX_ASKS = 12


# Where the lead shared by the points of a list ends: after its punctuation or its request verb.
_LEAD_END = re.compile(r".*([：:，,；;。的]|请(逐项|逐条|分别)?(回复|答复|说明|确认|提供|明确|告知|核实))", re.S)
_CALCULATE = patterns("asked.yaml", "calculate_asked")
# A point naming a scheme ("北京经开区算力券"), not an applicant ("上海某公司在北京的分公司")
_NAMES_A_SCHEME = re.compile(r"^(?!.*(公司|企业|单位|机构|高校)).*(券|支持|补贴|政策|措施|方案)")
_RULE_OR_DOCUMENT = frozenset({"doc_number", "issuer", "rate", "cap", "budget", "minimum"})
# A request closing every point of a list ("……的补贴比例，请一并答复。") is not what the point asks.
_CLOSING_REQUEST = re.compile(r"[，,]?\s*(请|烦请|麻烦)[^，。,]{0,6}(答复|回复|告知|说明|提供)[。.!！]?\s*$")


def shared_leads(parts: list[str]) -> list[str]:
    """For each part, the lead it shares with another part of the list (the splitter puts a
    formal enquiry's introduction before each of its points), cut back to where the lead ends;
    "" when it shares none."""
    out = []
    for i, part in enumerate(parts):
        best = ""
        for j in (i - 1, i + 1):  # the points of one list stand side by side (and a flood stays linear)
            if not 0 <= j < len(parts):
                continue
            other = parts[j]
            n = len(os.path.commonprefix([part, other]))
            m = _LEAD_END.match(part[:n])
            if m and len(m.group(0)) >= 6 and len(m.group(0)) > len(best):
                best = m.group(0)
        out.append(best)
    return out


CLOSING = patterns("asked.yaml", "closing")
_NOW = patterns("asked.yaml", "now_words")  # "……去年的……这份还能补多少 现在还能去申吗": today
# "向其母公司购买语料", "从兄弟公司租GPU": who the purchase is from, said with the purchase.
_BOUGHT_FROM = re.compile(r"(向|从|跟|找)[^，。？?]{0,10}(购买|采购|租用|租|买)")
# An ask is read for arrangements stated in words (understand/risks.py) only when the intent
# classifier gives compliance at least this share: ordinary amount questions are not read for
# accusations, and a kickback worded as "能拿多少" still has a compliance share well above it.
RISK_READING_MIN_SCORE = 0.12
RISK_READING_MIN_SCORE_UNCLEAR = 0.08


def _risks_in_words(part: str, clf: Any, scores: dict[str, float], cur: Case, unclear: bool = False) -> dict[str, Any]:
    """Compliance facts the patterns missed, read by meaning; recorded in the turn's case. An ask
    no intent clearly wins is read with a lower bar: nothing else explains it better."""
    reader = getattr(clf, "risk_reader", None)
    bar = RISK_READING_MIN_SCORE_UNCLEAR if unclear else RISK_READING_MIN_SCORE
    if reader is None or scores.get("compliance", 0.0) < bar:
        return {}
    found = reader().read(part, cur.text)
    for fact, value in found.items():
        if getattr(cur.compliance, fact) is None:
            setattr(cur.compliance, fact, value)
    return found if set(found) - {"role"} else {}


def read_asks(cur: Case, clf: Any, today: dt.date, previous: list[Ask], covered: frozenset[str]) -> list[Ask]:
    from assistant.understand.followup import is_elliptical, is_followup
    from assistant.understand.phrases import read_group
    from assistant.understand.split import split_asks

    text = cur.text
    for order in cur.injected:  # orders to the assistant are not questions
        text = text.replace(order, " ").strip()
    parts = split_asks(text) if text.strip() else []
    if len(parts) > MAX_ASKS:  # a pasted flood of questions: each ask costs an embedding and an answer
        cur.notes.append(
            Note(
                code="too_many_asks",
                zh=f"一条消息中的问题过多，只回答了前{MAX_ASKS}个；其余请分开提问。",
                en=f"Too many questions in one message: only the first {MAX_ASKS} were answered; ask the rest separately.",
            )
        )
        parts = parts[:MAX_ASKS]
    if previous and is_followup(text) and not CLOSING.search(text):  # "谢谢 那就这样": no question again
        stated = {k for k in read_group(text, "compliance") if k != "role"}
        if stated:
            return [_ask(text, clf, today, cur, covered, "compliance")]
        # Only facts, or "那上海呢": the earlier questions again, about what this turn named.
        if len(parts) > 1 and len(cur.regions) > 1:
            return [
                a.model_copy(update={"regions": [r], "text": part})
                for part, r in zip(parts, cur.regions)
                for a in previous[:1]
            ]
        new_amount = any(p.amount is not None for p in cur.purchases)
        named = topics_mod.voucher_type(text) if names_voucher(text) else None  # "那模型券呢 合同也是400万"
        return [
            a.model_copy(
                update={
                    "voucher": named or a.voucher,
                    "regions": list(cur.regions) or ([] if cur.unknown_places else a.regions),  # "那宁波呢"
                    "intent": "calculation"
                    if new_amount and a.intent in ("fact", "eligibility", "validity", "process")
                    else a.intent,
                }
            )
            for a in previous
        ]
    if cur.injected and not domain(text) and not has_subject(text):
        # Only orders to the assistant: what they are about, answered from the rules.
        from assistant.understand.topics import topics

        return [
            _ask(cur.text, clf, today, cur, covered, "fact").model_copy(
                update={"topics": topics(cur.text) or ["rate", "cap"]}
            )
        ]
    asks: list[Ask] = []
    leads = shared_leads(parts)
    each = statements_asked_each(text)
    of_each = _intent_of_each(each, clf)
    # "能否申请北京市算力券，请分别答复：（1）上海某公司在北京的分公司……": the question names the program
    asked_of = _regions_named(each.intro + each.question, cur, covered) if each else []
    bought = {p.voucher for p in cur.purchases if p.amount is not None}
    only_bought = next(iter(bought)) if len(bought) == 1 and "compute" not in bought else None
    for k, part in enumerate(parts or [cur.text]):
        # "北京能补多少？上海呢？", "初创企业能补多少？不算初创的话又是多少？": the question before's kind
        again = asks and asks[-1].intent == "calculation" and _AGAIN_HOW_MUCH.search(part)
        hint = asks[-1].intent if asks and (is_elliptical(part) or again) else of_each
        ask = _ask(part, clf, today, cur, covered, hint, leads[k] if k < len(leads) else "", each is not None)
        if (
            asks
            and asks[-1].voucher != "compute"
            and not names_voucher(part)
            and (fragment_of(part) or _THAT_SUPPORT.search(part))
        ):
            ask = ask.model_copy(update={"voucher": asks[-1].voucher})  # "模型券也能申吗 最多多少", "该项支持"
        if ask.voucher == "compute" and only_bought and not topics_mod.kinds_named(part):
            ask = ask.model_copy(update={"voucher": only_bought})  # "买语料300万……比例多少": that voucher's
        if asks and ask.year is None and asks[-1].year and fragment_of(part) and not _NOW.search(part):
            ask = ask.model_copy(update={"year": asks[-1].year})  # "2026年的比例是多少 上限多少"
        if asks and not ask.topics and asks[-1].topics and _BARE_FIGURE.match(part.strip()):
            ask = ask.model_copy(update={"topics": list(asks[-1].topics)})  # "比例会不会高一点 具体多少"
        if asked_of:  # the program the question names, unless the point names its own ("（2）北京经开区算力券")
            point = part.replace(each.intro, "", 1) if each else ""
            own = _regions_named(point, cur, covered) if _NAMES_A_SCHEME.search(point) else []
            ask = ask.model_copy(update={"regions": [r for r in own if r not in asked_of] or asked_of})
        asks.append(ask)
    return lean_on_legal_questions([_rule_about_time(a) for a in settle(asks, cur.text, _on_topic(previous))])


# "（2）该项支持的上限按项目还是按企业计算": the support the point before asked about
_THAT_SUPPORT = re.compile(r"(该|这|此|上述)(项|笔|类)?(支持|补贴|资助|奖励)")
# "……又是多少", "那能拿多少": the same amount asked again under another supposition
_AGAIN_HOW_MUCH = re.compile(r"(又|那|则)(会)?(是|能|可以|可)?(拿|补|领|获得|得到)?多少")
# "具体多少", "是多少", "到底多少": a figure asked for about what the question before named
_BARE_FIGURE = re.compile(
    r"^((如|若|如果)(没有|不是|否)[，,]?)?(那|那么)?(具体|到底|究竟|大概|实际)?(是|有|能有|按)?多少(执行|算|计)?[?？呢啊。]?$"
)  # "如没有，按多少执行？"
# "是否仍然有效", "现在还有效吗", "失效了没有": whether a document is in force, however it is named.
_IN_FORCE_ASKED = re.compile(
    r"(是否|还|仍|仍然|依然|现在|目前|今天)[^，。,;；？?]{0,4}(有效|生效|在执行|执行期内|适用)|(失效|废止|到期)了?(吗|没有|没)|"
    r"still (valid|in force|in effect)|in force (now|today)",
    re.I,
)


def _on_topic(previous: list[Ask]) -> bool:
    """Whether the conversation so far was about vouchers (a short follow-up belongs to it)."""
    return any(a.intent not in ("off_topic", "greeting") for a in previous)


def computations_requested(asks: list[Ask], case: Case) -> list[Ask]:
    """ "请测算该企业可申领的金额" after the contract was stated in an earlier turn: a request to
    compute, however the words of the request alone were classified."""
    if not any(p.amount for p in case.purchases):
        return asks
    kinds = ("fact", "process", "eligibility") + (() if case.compliance.stated() else ("compliance",))
    return [
        a.model_copy(update={"intent": "calculation"}) if a.intent in kinds and _CALCULATE.search(a.text) else a
        for a in asks
    ]


def asks_in_force(text: str) -> bool:
    """Whether ``text`` asks if something is (still) in force."""
    return bool(_IN_FORCE_ASKED.search(text))


def _rule_about_time(ask: Ask) -> Ask:
    """ "能连续补几年", "券能用多久", "一年能申请几次": a rule about time (answered from the
    clauses), not whether the program is still in force. "京技管发〔2024〕29号今天是否仍然有效":
    whether it is in force, although a document number reads like a question about the document."""
    if ask.intent == "fact" and "doc_number" in ask.topics and _IN_FORCE_ASKED.search(ask.text):
        return ask.model_copy(update={"intent": "validity"})
    if (
        ask.intent == "validity"
        and "duration" in ask.topics
        and ("period" not in ask.topics or _KEEP_ON.search(ask.text))
    ):
        return ask.model_copy(update={"intent": "fact"})
    if ask.intent == "validity" and "base_period" in ask.topics and not _IN_FORCE_ASKED.search(ask.text):
        return ask.model_copy(update={"intent": "fact"})  # "计算基期是哪段时间": the costs that count
    if ask.intent == "validity" and "stacking" in ask.topics and "period" not in ask.topics:
        return ask.model_copy(update={"intent": "fact"})  # "能同时拿吗": may both be held, a rule
    if ask.intent == "validity" and _CHANGED.search(ask.text) and not _IN_FORCE_ASKED.search(ask.text):
        return ask.model_copy(update={"intent": "fact"})  # "2.0版有没有调整": what the rules now say
    if ask.intent == "validity" and not _IN_FORCE_ASKED.search(ask.text):
        if _DEADLINE.search(ask.text) and not _WHEN.search(ask.text):
            return ask.model_copy(update={"intent": "process"})  # a point "申报截止时间": the guide's step
        if _VOUCHER_LIFE.search(ask.text) or (
            "period" not in ask.topics and set(ask.topics) & {"minimum", "cap", "rate", "budget", "scope"}
        ):
            return ask.model_copy(update={"intent": "fact"})  # "券的有效期", "单次最低申领额": rules
    return ask


_DEADLINE = patterns("asked.yaml", "deadline")  # "申报截止时间": the application deadline, a step
_CHANGED = re.compile(r"(有没有|是否|有无)?(调整|变化|改变|修改|提高|降低|上调|下调)|(改|变)了(吗|没)")
_WHEN = re.compile(r"什么时候|何时|哪天|几号|几月|还(能|来得及|赶得上)")
_KEEP_ON = patterns("asked.yaml", "keep_on")  # "明年还能接着享受吗": how long support runs
_VOUCHER_LIFE = patterns("asked.yaml", "voucher_life")  # "券的有效期": the voucher's own life, a rule
