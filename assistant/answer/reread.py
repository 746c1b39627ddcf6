"""What an ask really asks, judged with the whole case before its handler runs.

The classifier reads each question alone; some only show what they ask beside the rest of the
message: a helpdesk's "能不能申请" about a kind of applicant asks for the rule, "最多能拿多少"
after the purchase is stated asks for the amount, "能不能都拿" asks whether supports stack,
"还能再报吗" after a fact that bars the firm asks for the check of that fact. Each rule below
changes the intent of one kind of ask; they run in order, the rules about the rules first.

Why its own module: routing (orchestrate.py) decides which handler answers; re-reading an ask
with its case is a job of its own, and it grew with every kind of message users send.
"""

from __future__ import annotations

import re

from assistant.answer.bars import (
    bars_by_program_conditions,
    kind_barred,
    names_a_version,
    related_supplier,
    states_a_bar,
    states_clean_purchase,
    states_contract_terms,
)
from assistant.answer.evidence import AskContext
from assistant.answer.handlers.common import CAP_BASIS_ASKED
from assistant.answer.other_points import HOW_MUCH as _HOW_MUCH
from assistant.answer.other_points import ON_A_FIGURE as _ON_A_FIGURE
from assistant.answer.other_points import (
    amount_asked_before,
    amount_asked_elsewhere,
    another_voucher,
    rule_question,
)
from assistant.lexicon import patterns
from assistant.understand import asks_in_force
from assistant.understand.case import Ask, Case
from assistant.understand.money import find_money
from assistant.understand.risks import RISK_ASKED
from assistant.understand.sites import compute_elsewhere_in
from assistant.understand.words_ask import repeats_a_claim


def _read_as(ctx: AskContext, intent: str, topics: list[str] | None = None) -> Ask:
    """The ask with the intent its case shows (and the topics, when they change too)."""
    update: dict[str, object] = {"intent": intent, **({"topics": topics} if topics is not None else {})}
    ctx.ask = ctx.draft.ask = ctx.ask.model_copy(update=update)
    return ctx.ask


def reread(ctx: AskContext) -> Ask:
    """The ask as its case shows it (``ctx.ask`` and ``ctx.draft.ask`` are set to it)."""
    ask, case = ctx.ask, ctx.case
    if (
        ask.intent == "eligibility"
        and set(ask.topics) & {"doc_number", "issuer", "exists"}
        and not _QUALIFY.search(ask.text)
        and not states_a_bar(case)  # "没经过数据局认定的供应商……可以吗": the bar is checked
    ):
        # "请答复：1. 政策措施文号", "厦门有没有算力补贴": about the document or the program
        ask = _read_as(ctx, "fact")
    if ask.intent == "eligibility" and _UNDER_THE_LAW.search(ask.text):
        ask = _read_as(ctx, "compliance")  # "……从公平竞争审查的角度，这种条件站得住吗": the rule weighed
    if ask.intent == "comparison" and len(ask.regions) == 1 and (not _WHICH.search(ask.text) or "basis" in ask.topics):
        # one region compares nothing ("按哪个算" asks for its base; "分别算一下：模型券……200万" the amounts)
        if _names_an_amount(ask.text) and "basis" not in ask.topics:
            ask = _read_as(ctx, "calculation")
        else:  # "我们在贵州租的算力 能用山东的算力券吗": whether, on the facts told
            ask = _read_as(ctx, "eligibility" if _QUALIFY.search(ask.text) else "fact")
    if ask.intent == "eligibility" and set(ask.topics) & {"cap", "rate", "budget"} and not _CAN_WE.search(ask.text):
        ask = _read_as(ctx, "fact")  # "询问年度上限和比例"
    if (
        ask.intent == "eligibility"
        and (_ABOUT_OTHERS.search(ask.text) or (_WHAT_CONDITIONS.search(ask.text) and not _states_facts(case)))
        and not _ABOUT_US.search(case.text)
        and not kind_barred(ctx)  # "个体工商户能否申请" where a legal person is required: not eligible
    ):
        # a helpdesk asking whether a kind of applicant may apply ("省外企业能不能申领", "还没注册
        # 公司的创客能不能申请") or what the conditions are ("申请主体需要满足什么条件？"): the rule,
        # not a check of facts nobody gave
        topics = list(dict.fromkeys([*ask.topics, "applicant"]))
        ask = _read_as(ctx, "fact", topics)
    if ask.intent == "fact" and _QUALIFY.search(ask.text) and not ask.documents and kind_barred(ctx):
        # "某外地公司在南宁设立的分公司，能否申请南宁市算力券？": the kind fails a condition
        ask = _read_as(ctx, "eligibility")
    if (
        ask.intent in ("process", "eligibility", "fact")
        and _CALCULATE_ASKED.search(ask.text)
        and any(p.amount is not None for p in case.purchases)
    ):
        # "请协助测算可申请的训力券金额" with the contract stated: the amount
        ask = _read_as(ctx, "calculation")
    if CAP_BASIS_ASKED.search(ask.text) and re.search(
        r"上限|封顶|最高|额度|\bcap\b|^\s*[\d.]+万(元)?是", ask.text, re.I
    ):
        # "2000万的上限是按企业按年度算还是按项目算": what the cap is counted per, a rule
        ask = _read_as(ctx, "fact", ["cap"])
    if ask.intent in ("eligibility", "process") and _DEFINED.search(ask.text) and not _CAN_WE.search(ask.text):
        # "初创企业是怎么认定的", "并说明初创企业的认定标准": how the text defines a kind of
        # applicant (a rule, often unpublished), not whether we qualify or how to apply
        ask = _read_as(ctx, "fact", list(dict.fromkeys([*ask.topics, "applicant"])))
    if ask.intent in ("fact", "process", "compliance") and ask.documents and asks_in_force(ask.text):
        # "引用《…(2023-2025年)》中'最高10%'的规定，询问该措施目前是否仍在执行": its validity
        ask = _read_as(ctx, "validity")
    if (
        ask.intent == "validity"
        and set(ask.topics) & {"rate", "cap"}
        and re.search(r"\d\s*[%％]|万", ask.text)
        and names_a_version(ctx)
    ):
        # "2.0版出台后，20%的比例是否仍然适用": whether the figure stands, a rule of the version now
        ask = _read_as(ctx, "fact")
    told = any(p.amount or p.paid is not None for p in case.purchases)
    if ask.intent == "eligibility" and _PAY_ORDER.search(ask.text) and not told and not states_a_bar(case):
        ask = _read_as(ctx, "process")  # "听说……也得先把算力费全部垫付了才能申请，是这样吗": how it is paid
    barred = case.applicant.major_violation or case.applicant.dishonest_record  # "被列入失信名单……"
    again = _APPLY_AGAIN.search(ask.text) and (case.applicant.other_municipal_subsidy or barred)
    if (ask.intent in ("fact", "validity") and again) or (barred and _BAR_MATTERS.search(ask.text)):
        # "这份合同已经拿过市里另一项财政资金，还能再申算力券吗", "罚过款……申请受影响吗": checked
        ask = _read_as(ctx, "eligibility")
    if ask.intent == "eligibility" and ask.documents and _STILL_APPLY.search(ask.text) and not _states_facts(case):
        # "上海2023年大模型措施里的租用补贴现在还能申请吗": whether that document still applies
        ask = _read_as(ctx, "validity")
    if (
        ask.intent == "eligibility"
        and set(ask.topics) & {"channel", "domestic"}
        and _MUST_WE.search(ask.text)
        and not states_a_bar(case)
    ):
        # "do we have to rent compute through a specific platform?", "是否要求必须使用国产芯片": a rule
        ask = _read_as(ctx, "fact")
    if (
        ask.intent == "eligibility"
        and "scope" in ask.topics
        and _WHAT_COUNTS.search(ask.text)
        and not states_a_bar(case)
    ):
        # "存储和技术支持服务费能不能算进补贴范围": what the program covers, not whether we qualify
        ask = _read_as(ctx, "fact")
    if (
        ask.intent in ("process", "validity")
        and set(ask.topics) & {"issuer", "doc_number"}
        and "materials" not in ask.topics
        and not (ask.intent == "validity" and asks_in_force(ask.text))
    ):
        # "政策依据、发文单位和执行期限": facts about the document, not the steps of applying
        ask = _read_as(ctx, "fact")
    if ask.intent == "compliance" and repeats_a_claim(ask.text) and not case.compliance.stated():
        ask = _read_as(ctx, "fact")  # "网上有篇文章说……这几个说法对不对": what the texts say of the claims
    if ask.intent == "validity" and (_DISTRICT_ADDON.search(ask.text) or _CLAIM_CHECKED.search(ask.text)):
        ask = _read_as(ctx, "fact")  # "闵行区自己还有没有补的", "网上说……靠谱吗": what the texts say
    if ask.intent == "validity" and "channel" in ask.topics and not asks_in_force(ask.text):
        ask = _read_as(ctx, "process")  # "张江那边还有没有另外的申报渠道": where to apply
    if ask.intent == "validity" and _WHEN_TO_APPLY.search(ask.text) and not asks_in_force(ask.text):
        ask = _read_as(ctx, "process")  # "上海的算力券什么时候申报": the window, not the period
    if ask.intent == "process" and "duration" in ask.topics and "materials" not in ask.topics:
        ask = _read_as(ctx, "fact")  # "按什么周期结算": a rule
    if (
        ask.intent == "fact"
        and _CAN_WE.search(ask.text)
        # "能拿芜湖那个25%的补贴吗": a figure naming the program, not asked for
        and not (set(ask.topics) & _FIGURES and _FIGURE_ASKED.search(ask.text))
        and (states_a_bar(case) or compute_elsewhere_in(ask.text))  # "购买省外算力能否获得支持"
        and not _VOUCHER_LIFE.search(ask.text)  # "过期了能不能延期": the voucher's own life, a rule
        and not (ask.leans_on and "law_article" in ask.topics)  # "例外条款能用吗？要满足哪些条件": the law's
    ):
        # "同一个老板的公司提供的算力，能不能算进算力券": the stated bar is checked
        ask = _read_as(ctx, "eligibility")
    if (
        ask.intent == "fact"
        and (
            _ON_A_FIGURE.search(ask.text)
            or _names_an_amount(ask.text)
            or not ask.topics
            # not "能补多少 另外封顶多少"; but "市级最多补多少；补早补小合计最多补多少" asks the second amount
            or (set(ask.topics) == {"cap"} and (not amount_asked_before(ctx) or another_voucher(ctx)))
        )
        and not _GENERIC_SUBJECT.search(ask.text)
        and _HOW_MUCH.search(ask.text)
        and any(p.amount is not None for p in case.purchases)
    ):
        # "如果按含税金额算，最多能补多少？", "两种口径分别是多少？", "最多能拿多少？" about the
        # purchase stated: an amount, not the cap ("每家企业最多多少" stays the cap)
        ask = _read_as(ctx, "calculation")
    if (
        ask.intent == "fact"
        and (ask.regions or case.places)  # "国家的算力券补多少": no place; the national texts say there is none
        and not ask.topics
        and not ask.documents
        and _SUBSIDY_ASKED.search(ask.text)
    ):
        # "开发区那个算力券补多少啊" naming no figure or text: the amount (the rate and cap, and
        # the contract amount asked for), not a sentence about the document
        ask = _read_as(ctx, "calculation")
    if (
        ask.intent not in ("compliance", "calculation")
        and RISK_ASKED.search(ask.text)
        and (case.compliance.stated() or case.applicant.other_municipal_subsidy or related_supplier(case))
    ):
        # "已经拿了另一个市级项目的补贴……请回溯评估一下合规性", "从关联公司买……就行了吧": a check
        ask = _read_as(ctx, "compliance")
    if (
        ask.intent == "compliance"
        and _HOW_MUCH.search(ask.text)
        and not RISK_ASKED.search(ask.text)
        and find_money(ask.text)
    ):
        ask = _read_as(ctx, "calculation")  # "如果合同直接按扣掉返点后的920万签，能补多少": the clean amount
    if (
        ask.intent == "validity"
        and "applicant" in ask.topics
        and "period" not in ask.topics
        and not asks_in_force(ask.text)
        and not _STILL_APPLY.search(ask.text)  # "Can we still apply … now?": the period
    ):
        ask = _read_as(ctx, "fact")  # "南京的算力券要求在南京注册吗": who may apply, not the period
    if (
        ask.intent in ("eligibility", "calculation")
        and not ask.regions
        and _NATIONAL_LAW.search(ask.text)
        and not (ask.intent == "calculation" and _HOW_MUCH.search(ask.text))
    ):
        # "……另签一份补充协议，民法典上这两份合同怎么认定？": what the law makes of it
        ask = _read_as(ctx, "compliance")  # "按《公平竞争审查条例》第十二条需要同时满足哪些条件"
    if (
        ask.intent in ("validity", "fact", "eligibility", "process")
        and (_LEGAL_CONCEPT.search(ask.text) or _CONTRACT_VALID.search(ask.text))  # "合同还有效吗": the law's
        and not (ask.articles and _ARTICLE_CONTENT.search(ask.text))  # "第三十九条讲的是什么"
    ):
        ask = _read_as(ctx, "compliance")  # "要是不能 这是不是地方保护": what the law makes of it
    if ask.intent == "eligibility" and RISK_ASKED.search(ask.text) and states_clean_purchase(case):
        ask = _read_as(ctx, "compliance")  # "……无关联的服务商签的合同，申请算力券合规上有问题吗"
    if ask.intent == "compliance" and not case.compliance.stated() and bars_by_program_conditions(case):
        # "自己建了机房自用……拿去报郑州算力券，行不行": the program's own conditions decide it
        ask = _read_as(ctx, "eligibility")
    if ask.intent == "calculation" and RISK_ASKED.search(ask.text) and not _HOW_MUCH.search(ask.text):
        # "……从我们参股30%的公司租；合同400万。这样申请训力券合规吗？": whether it is allowed
        ask = _read_as(ctx, "compliance")
    if (
        ask.intent in ("validity", "eligibility")
        and not asks_in_force(ask.text)
        and _about_stacking(ask)
        and not _STILL_NOW.search(ask.text)  # "北京市级算力券现在还能申请吗": whether it still runs
        # "已经拿过北京市别的算力补贴了，还能再申请吗": a fact the program's conditions test
        and not (ask.intent == "eligibility" and case.applicant.other_municipal_subsidy)
    ):
        # "省里的还能再拿吗", "我司已获得河南省级算力券，请问：是否还能申请郑州市级算力券"
        ask = _read_as(ctx, "fact", list(dict.fromkeys([*ask.topics, "stacking"])))
    if ask.intent == "calculation" and _STILL_APPLY.search(ask.text) and not _HOW_MUCH.search(ask.text):
        ask = _read_as(ctx, "validity")  # "今年3月签的合同300万 北京市的算力券还能申吗": whether it runs
    if (
        ask.intent == "calculation"
        and "duration" in ask.topics
        and not find_money(ask.text)
        and amount_asked_elsewhere(ctx)
    ):
        ask = _read_as(ctx, "fact")  # "能拿多少 能拿几年": how long support runs, beside the amount
    if ask.intent == "calculation" and "stacking" in ask.topics and not _HOW_MUCH.search(ask.text):
        # "新落户的50万券和本地平台50%的支持能不能都拿？": whether they stack, not how much
        ask = _read_as(ctx, "fact")
    if (
        ask.intent == "calculation"
        and "basis" in ask.topics
        and (not _HOW_MUCH.search(ask.text) or _BASE_ASKED.search(ask.text))
    ):
        # "算力券是按哪个数算的？", "按含税还是不含税算？", "按多少基数算？": which figure (and
        # what it comes to), not how much
        ask = _read_as(ctx, "fact")
    if (
        ask.intent == "calculation"
        and _WHAT_COUNTS.search(_last_sentence(ask.text))
        and not _HOW_MUCH.search(ask.text)
        and amount_asked_elsewhere(ctx)
    ):
        # "……GPU算力120万、存储30万。存储能算进基数吗？能补多少？": what counts here, the amount there
        ask = _read_as(ctx, "fact", list(dict.fromkeys([*ask.topics, "scope"])))
    if ask.intent == "calculation" and _RATE_CONFIRMED.search(ask.text) and amount_asked_elsewhere(ctx):
        # "能按50%补吗？两份加起来能拿多少？": the rate is confirmed here, the amount there
        ask = _read_as(ctx, "fact", list(dict.fromkeys([*ask.topics, "rate"])))
    if ask.intent == "calculation" and _WHICH_TEXT.search(ask.text) and not _HOW_MUCH.search(ask.text):
        # "2024年6月签的，应该按哪份文件算？": the version that applies on that date
        ask = _read_as(ctx, "fact", list(dict.fromkeys([*ask.topics, "rate"])))
    if (
        (
            ask.intent in ("validity", "process")
            or (ask.intent == "calculation" and not any(p.amount for p in case.purchases))
        )
        and _APPLY_ASKED.search(ask.text)
        and (states_a_bar(case) or states_contract_terms(case))
    ):
        # "这笔费用还能再报一次吗" after other support for it, "8月20日签的合同能不能用来申领": the
        # stated facts are checked (the period is said beside them), not only the period
        ask = _read_as(ctx, "eligibility")
    if ask.intent == "calculation" and _QUALIFY.search(ask.text) and not _HOW_MUCH.search(ask.text):
        # "…the contract is CNY 12M. Do foreign-invested companies qualify?": whether, not how much
        ask = _read_as(ctx, "eligibility")
    if (
        ask.intent == "eligibility"
        and _HOW_MUCH.search(ask.text)
        and not _CAN_WE.search(ask.text)
        and any(p.amount is not None for p in case.purchases)
    ):
        # "若该企业属于初创企业，又是多少？" after the contract: the amount on that reading
        ask = _read_as(ctx, "calculation")
    if ask.intent == "calculation" and "rate" in ask.topics and _WHICH_RATE.search(ask.text):
        # "A consultant told us 40%. Which rate is right": the rate, not an amount
        ask = _read_as(ctx, "fact")
    if ask.intent == "calculation" and "duration" in ask.topics and not _HOW_MUCH.search(ask.text):
        # "最长可享受年限": how long support runs, a rule
        ask = _read_as(ctx, "fact")
    if ask.intent == "calculation" and "cost_share" in ask.topics and not _CALCULATE_ASKED.search(ask.text):
        # "这笔钱省里和市里各出多少": how the voucher's cost is shared, a rule
        ask = _read_as(ctx, "fact")
    if ask.intent == "calculation" and rule_question(ctx):
        ask = _read_as(ctx, "fact")
    return ask


_NATIONAL_LAW = patterns("asked.yaml", "national_law")
# "这是不是地方保护", "算不算指定交易": a word of competition law (lexicon/compliance_questions.yaml)
_LEGAL_CONCEPT = patterns("compliance_questions.yaml", "legal_concepts")
_CAN_WE = patterns("asked.yaml", "can_we")
_ABOUT_OTHERS = patterns("asked.yaml", "about_others")
_WHICH_RATE = patterns("asked.yaml", "which_rate")
_MUST_WE = patterns("asked.yaml", "must_we")
_WHAT_COUNTS = patterns("asked.yaml", "what_counts")
_WHAT_CONDITIONS = patterns("asked.yaml", "what_conditions")
_GENERIC_SUBJECT = patterns("asked.yaml", "generic_subject")
_SUBSIDY_ASKED = patterns("asked.yaml", "subsidy_asked")
_RATE_CONFIRMED = patterns("asked.yaml", "rate_confirmed")
_APPLY_AGAIN = patterns("asked.yaml", "apply_again")
_BAR_MATTERS = patterns("asked.yaml", "bar_matters")
_CONTRACT_VALID = patterns("asked.yaml", "contract_validity")
_PAY_ORDER = patterns("asked.yaml", "pay_order")


def _about_stacking(ask: Ask) -> bool:
    """Whether the ask is about taking two supports, judged on all its words (its topics are read
    from the question alone, and "我司已获得省级算力券" is said before it)."""
    from assistant.understand.topics import topics

    return "stacking" in ask.topics or "stacking" in topics(ask.text)


def _last_sentence(text: str) -> str:
    parts = [p for p in re.split(r"(?<=[。！？!?])", text) if p.strip()]
    return parts[-1] if parts else text


def _names_an_amount(text: str) -> bool:
    """Whether an ask's own words state a purchase amount ("上海，租金¥150万：1. 最多补多少")."""
    from assistant.understand.money import find_money

    return bool(find_money(text))


def _states_facts(case: Case) -> bool:
    """Whether the message describes a purchase or an arrangement of its own (who "we" are is
    checked apart: a helpdesk naming "企业" describes nobody)."""
    return bool(case.purchases or case.compliance.stated() or case.applicant.registered)


_ABOUT_US = re.compile(r"我们|我司|本公司|我公司|我单位|咱们|\bwe\b|\bour\b|\bus\b", re.I)
_WHICH = re.compile(r"哪(里|儿|个|些)|各地|全国|其他地方|别的地方|which|across|other regions", re.I)
_APPLY_ASKED = patterns("asked.yaml", "apply_asked")
# A request to work out the amount ("请协助测算……金额", "请按通知口径测算补贴").
_CALCULATE_ASKED = patterns("asked.yaml", "calculate_asked")
_ARTICLE_CONTENT = patterns("asked.yaml", "article_content")
# "现在还能申请吗" with no word of a second support (再, 也, 同时, 都): whether it still runs.
_STILL_NOW = re.compile(
    r"^(?!.*(再|也|同时|叠加|都|一起|另外)).*(现在|目前|今年|如今|20\d\d年)[^，。？?]{0,4}还(能|可以)"
)
_DEFINED = patterns("asked.yaml", "defined_asked")  # how the text defines a kind of applicant
_STILL_APPLY = patterns("asked.yaml", "still_apply")
_WHEN_TO_APPLY = patterns("asked.yaml", "when_to_apply")
_QUALIFY = patterns("asked.yaml", "qualify_asked")
_DISTRICT_ADDON = patterns("asked.yaml", "district_addon")
_CLAIM_CHECKED = patterns("asked.yaml", "claim_checked")
_UNDER_THE_LAW = patterns("asked.yaml", "weighed_under_the_law")
_BASE_ASKED = re.compile(r"按多少(的)?(基数|金额|数)|基数(是|为|有)?多少|基数(怎么|如何|咋)(算|计算|定|确定)")
_WHICH_TEXT = patterns("asked.yaml", "which_text")
# "能拿多少" asks how much; "两个都能拿吗" asks whether
_FIGURES = frozenset({"rate", "cap", "budget", "minimum"})  # a figure asked for, not whether
_FIGURE_ASKED = patterns("asked.yaml", "figure_asked")
_VOUCHER_LIFE = patterns("asked.yaml", "voucher_life")


__all__ = ["reread"]
