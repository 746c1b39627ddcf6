"""What an ask's own words say it asks, whatever the classifier read: how long support runs,
which year's cap, an end date, what an article says, conditions requested for a caller, whether
one may still apply now, a rounding rule, what comes off the base, which rule applied, which
region pays more.

Why its own module: the classifier reads meaning; these are the phrasings whose words settle the
question outright. Reconciling the parts of a message (settle.py) is a different job.
"""

from __future__ import annotations

import re

from assistant.lexicon import patterns
from assistant.understand.case import Ask
from assistant.understand.risks import RISK_ASKED

HOW_MUCH = re.compile(r"多少|几万|能拿|能补|能领|能抵|how much|what would|what will|what do we get|worth", re.I)


_ARTICLE_CONTENT = patterns("asked.yaml", "article_content")
_HOW_LONG = patterns("asked.yaml", "how_long")
RATE_ASKED = patterns("asked.yaml", "rate_asked")
_END_DATE_ASKED = patterns("asked.yaml", "end_date_asked")
_ROUNDING_RULE_ASKED = patterns("asked.yaml", "rounding_rule_asked")
_STILL_OPEN_NOW = patterns("asked.yaml", "still_open_now")
_CONDITIONS_REQUESTED = patterns("asked.yaml", "conditions_requested")
_WHAT_THE_RULE_SAYS = patterns("asked.yaml", "what_the_rule_says")
_MAX_FOR_OUR_FIGURE = patterns("asked.yaml", "max_for_our_figure")
_PLAN_CHECKED = patterns("asked.yaml", "plan_checked")
_WHEN = patterns("asked.yaml", "when_asked")
_DEDUCT_ASKED = patterns("asked.yaml", "deduct_asked")
_WHICH_GIVES_MORE = patterns("asked.yaml", "which_gives_more")
_WHICH_RULE = patterns("asked.yaml", "which_rule_asked")
_VERSION_CHOICE = patterns("asked.yaml", "version_choice")
_ARTICLE_OF_A_RULE = patterns("asked.yaml", "article_of_a_rule")
_SUCCESSOR_ASKED = patterns("asked.yaml", "successor_asked")
_WHO_MAY_APPLY = patterns("asked.yaml", "who_may_apply")
_CLAIM_CHECKED = patterns("asked.yaml", "claim_checked")
_HEARSAY = patterns("asked.yaml", "hearsay")
# "……是什么券", "在哪次发布会上说的": what something is or where it was said, not whether it runs
_WHAT_IT_IS = re.compile(r"(是|为)(什么|哪种|哪类|哪一种)|哪次|哪一次|\bwhat (is|was|kind of)\b", re.I)
# what the firm itself would get ("我们能拿的总额"), as opposed to the program's budget
_CAN_GET = re.compile(r"(能|可以?|可)(拿|领|获得?|补|得到|申请)")


def repeats_a_claim(text: str) -> bool:
    """Whether ``text`` repeats something someone said and asks whether it is right ("网上有篇
    文章说……这几个说法对不对", "Someone told us … Is that right?")."""
    return bool(_CLAIM_CHECKED.search(text) and _HEARSAY.search(text))


def last_question(text: str) -> str:
    """The last sentence of an ask (the facts told before it are its context)."""
    pieces = [p for p in re.split(r"(?<=[。！!；;])", text) if p.strip()]
    return pieces[-1] if pieces else text


# What a document says of itself (its number, date): asked, it is a fact of the text; a lone
# unsure ask about the figures or a voucher's nature ("……的比例和上限，请代拟一段答复") is one too.
DOCUMENT_TOPICS, LONE_FACT_TOPICS = frozenset({"doc_number"}), frozenset({"rate", "cap", "budget", "transfer"})


def what_the_words_ask(a: Ask) -> Ask:
    """An ask whose own words say what is asked, whatever the classifier read: how long support
    runs, which year's cap, the end date, what an article says, conditions requested for a
    caller, whether one may still apply now, a rounding rule."""
    from assistant.understand.money import find_money

    if a.intent == "eligibility" and a.topics == ["duration"] and _HOW_LONG.search(a.text):
        a = a.model_copy(update={"intent": "fact"})  # "可享受几年": how long support runs, a rule
    if "cap_year" in a.topics and a.intent in ("calculation", "validity", "eligibility"):
        a = a.model_copy(update={"intent": "fact"})  # "计入哪一年的200万上限": a rule, not an amount
    if a.intent == "validity" and "batch" in a.topics and _WHEN.search(a.text) and not _STILL_OPEN_NOW.search(a.text):
        a = a.model_copy(update={"intent": "fact"})  # "首批是什么时候发放的": the date of an event, a fact
    if a.intent == "process" and set(a.topics) <= {"period"} and _END_DATE_ASKED.search(a.text):
        a = a.model_copy(update={"intent": "validity"})  # "如已到期，请说明到期日": a date, not a step
    if a.articles and a.intent == "compliance" and _ARTICLE_CONTENT.search(a.text):
        a = a.model_copy(update={"intent": "fact"})  # "反垄断法第三十九条讲的是什么": the article's content
    if (
        a.intent == "eligibility"
        and "materials" in a.topics
        and "applicant" not in a.topics
        and not find_money(a.text)
        and not RISK_ASKED.search(a.text)
        and not _PLAN_CHECKED.search(a.text)  # "想按40%填 会不会有问题": a plan checked
    ):
        a = a.model_copy(update={"intent": "process"})  # "申报要签什么承诺": what to submit, not whether we qualify
    if a.intent == "fact" and a.topics == ["materials"] and not find_money(a.text):
        a = a.model_copy(update={"intent": "process"})  # "What documents do we need?": what to submit
    if a.intent == "eligibility" and _WHO_MAY_APPLY.search(last_question(a.text)) and not find_money(a.text):
        a = a.model_copy(update={"intent": "fact", "topics": sorted({*a.topics, "applicant"})})  # "哪些单位可以申请"
    if a.intent == "eligibility" and _WHAT_THE_RULE_SAYS.search(last_question(a.text)) and not find_money(a.text):
        a = a.model_copy(update={"intent": "fact"})  # "已获省级券的企业申请市级券有何规定": the rule's content
    if a.intent == "eligibility" and _CONDITIONS_REQUESTED.search(a.text) and not find_money(a.text):
        a = a.model_copy(update={"intent": "process"})  # "请答复申请主体条件和发券机构": the rule, stated
    if a.intent == "eligibility" and _STILL_OPEN_NOW.search(a.text) and "stacking" not in a.topics:
        # "We are a WFOE… Can we still apply now?": whether the program still runs
        a = a.model_copy(update={"intent": "validity", "topics": sorted({*a.topics, "period"})})
    if (
        a.intent == "calculation"
        and a.topics == ["applicant"]
        and not find_money(a.text)
        and not HOW_MUCH.search(a.text)
    ):
        a = a.model_copy(update={"intent": "fact"})  # "who can use it?": who may apply, a rule
    if a.intent == "validity" and not a.topics and _WHAT_IT_IS.search(last_question(a.text)):
        a = a.model_copy(update={"intent": "fact"})  # "发布会提到继续发放的是什么券": what was said, a fact
    if a.intent in ("eligibility", "validity") and "exception" in a.topics and not find_money(a.text):
        a = a.model_copy(update={"intent": "fact"})  # "能不能援引……作为例外出台": what the review law allows
    if (
        a.intent == "calculation"
        and a.topics == ["budget"]
        and not find_money(a.text)
        and not _CAN_GET.search(a.text)
        and not patterns("facts.yaml", "first_person").search(a.text)
    ):
        a = a.model_copy(update={"intent": "fact"})  # "算力券每年总额是多少": the program's budget, a rule
    if (
        a.intent == "fact"
        and _MAX_FOR_OUR_FIGURE.search(a.text)
        and find_money(a.text)
        and not RATE_ASKED.search(a.text)
    ):
        a = a.model_copy(update={"intent": "calculation"})  # "we paid RMB 3.2m … what's the maximum support?"
    if a.intent == "calculation" and _WHICH_RULE.search(a.text) and not HOW_MUCH.search(a.text):
        a = a.model_copy(update={"intent": "fact"})  # "……in July 2024 for RMB 5m. Which rule applied then?"
    if a.intent in ("eligibility", "fact") and len(a.regions) > 1 and _WHICH_GIVES_MORE.search(a.text):
        a = a.model_copy(update={"intent": "comparison"})  # "which pays more: Shenzhen's or Hangzhou's?"
    if a.intent == "calculation" and "scope" in a.topics and _DEDUCT_ASKED.search(last_question(a.text)):
        a = a.model_copy(update={"intent": "fact"})  # "里面有五万是存储费 要扣掉吗": what counts, a rule
    if a.intent in ("calculation", "process") and _ROUNDING_RULE_ASKED.search(last_question(a.text)):
        # "结算333,333元。补贴金额按什么规则取整？": the rule is asked; the figures are its context
        a = a.model_copy(update={"intent": "fact", "topics": sorted({*a.topics, "rounding"})})
    if _VERSION_CHOICE.search(last_question(a.text)) and not HOW_MUCH.search(last_question(a.text)):
        # "2024年租的，应适用2023年措施还是2025年措施？": the version in force on the case's date
        a = a.model_copy(update={"intent": "fact", "topics": sorted({*a.topics, "version_choice"})})
    if (
        a.intent in ("eligibility", "compliance")
        and a.topics == ["channel"]
        and not find_money(a.text)
        and not RISK_ASKED.search(a.text)
        and "指定" not in a.text
        and re.search(r"什么|哪个|哪些|哪里|\b(which|what|where)\b", a.text, re.I)  # which one, not "must we"
    ):
        a = a.model_copy(update={"intent": "process"})  # "申请扬州算力券，算力须通过什么渠道租用": where, a step
    if a.topics == ["contact"] and a.intent in ("compliance", "eligibility", "validity"):
        a = a.model_copy(update={"intent": "process"})  # "遇到问题应该向哪些单位咨询": whom to ask, a step
    if a.intent in ("eligibility", "compliance") and _ARTICLE_OF_A_RULE.search(a.text) and not find_money(a.text):
        a = a.model_copy(update={"intent": "fact", "topics": sorted({*a.topics, "law_article"})})  # "出自哪一条"
    if (
        a.intent in ("process", "validity")
        and set(a.topics) in ({"doc_number"}, {"doc_number", "materials"})
        and not _STILL_OPEN_NOW.search(a.text)
    ):
        a = a.model_copy(update={"intent": "fact"})  # "四、清单发布日期": a fact of the text
    if a.intent in ("calculation", "eligibility") and a.topics == ["price"] and not find_money(a.text):
        a = a.model_copy(update={"intent": "fact"})  # "对签约价格有什么要求": the rule on prices
    if _SUCCESSOR_ASKED.search(a.text) and a.intent in ("fact", "eligibility", "compliance"):
        a = a.model_copy(update={"intent": "validity", "topics": sorted({*a.topics, "superseded"})})  # "被什么取代了"
    if "quota_left" in a.topics and a.intent in ("validity", "fact", "eligibility"):
        a = a.model_copy(update={"intent": "calculation"})  # "抵完以后今年还剩多少额度": the cap net of claims
    return a
