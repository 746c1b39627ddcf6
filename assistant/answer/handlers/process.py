"""How to apply and redeem: the application guide's steps for the region, cited, with the
reminder that windows and materials are set by the issuer's notices."""

from __future__ import annotations

import re

from assistant.answer.evidence import AskContext, Hit, add_details, best_evidence, say_clause_on, search
from assistant.answer.format import shorten, yuanify
from assistant.answer.handlers.fact import PREFER
from assistant.answer.messages import say
from assistant.answer.validity import period_caveat
from assistant.lexicon import patterns

_PREFER_ZH = ["申领", "兑付", "提交", "发票", "平台", "步骤", "第一步", "申请", "材料"]
_STEP = re.compile(r"审核|初审|评审|审批|公示|兑付|拨付|核销|受理")
# Steps a voucher goes through, named apart when each is asked about ("申领时和兑付时分别要交什么")
_STAGE = re.compile(r"申领|兑付|核销|拨付")
# How a voucher is used once granted ("使用方式", "怎么用"), asked beside who may apply.
# "发券机构": who hands the vouchers out, asked beside the conditions
_ISSUING_BODY = re.compile(r"发券(机构|单位|主体)|发放(机构|单位)|who (issues|hands out)", re.I)
_USE = re.compile(r"使用方式|使用方法|怎么(使)?用|如何(使)?用|使用流程|抵扣方式|how (is it|to|do we) use", re.I)
_PAYOUT = patterns("asked.yaml", "payout_asked")
_PAY_ORDER = patterns("asked.yaml", "pay_order")
# "什么时候报", "申报截止时间", "when do we apply": a date or a window is asked for
_WHEN = re.compile(
    r"什么时候|啥时候|何时|哪天|几月|几号|截止|申报时间|申请时间|窗口期|批次|\bwhen\b|deadline|window", re.I
)
_A_TIME = re.compile(
    r"\d{1,2}\s*月|\d{4}\s*年|\d{1,2}\s*日|季度|每年|批次|截止|常年|随时|\b(19|20)\d{2}\b|quarter|annually", re.I
)
_CHANNEL = re.compile(
    r"渠道|平台|入口|系统|网站|在哪(里|儿)?(申报|申请|提交|报)|哪个(网站|系统|平台)|portal|platform|online|where (do|can|should) we (apply|submit)",
    re.I,
)
_APPLYING = re.compile(r"申报|申请|受理|提交|截止|兑付|apply|submit|deadline", re.I)
_PREFER_EN = ["apply", "submit", "redeem", "invoice", "step", "platform"]


def _current_version_first(ctx: AskContext, programs: list[str], hits: list[Hit]) -> list[Hit]:
    """The steps of the version in force: hits from an older version's text ("成都2023年政策的
    申领流程……未见公开") are dropped when the current version's text has some ("经由算力服务
    提供商兑付"); a question naming the older document keeps it."""
    if not programs or ctx.ask.documents:
        return hits
    info = ctx.session.call("program_info", program=programs[0], date=ctx.today.isoformat(), voucher=ctx.voucher)
    if "error" in info:
        return hits
    current = info["version"].get("corpus_doc")
    older = {o.get("corpus_doc") for o in info.get("other_versions", [])} - {current}
    if not any(h["doc_id"] == current for h in hits):
        return hits
    return [h for h in hits if h["doc_id"] not in older]


def handle(ctx: AskContext) -> None:
    d, lang = ctx.draft, ctx.lang
    regions = ctx.ask.regions
    d.regions = list(regions)
    programs = ctx.kb.programs_for(regions)
    found = search(
        ctx,
        regions,
        k=6,
        kinds=["guide", "policy"] if regions else None,
        extra=say(lang, "process.query"),
    )
    hits = found.get("hits", [])
    if not hits or (found.get("weak") and not regions):
        d.verdict = "refused"
        d.say(say(lang, "common.not_found"))
        return
    hits = _current_version_first(ctx, programs, hits)
    asks_steps = bool({"process", "materials"} & set(ctx.ask.topics)) or not ctx.ask.topics
    prefer = (_PREFER_EN if lang == "en" else _PREFER_ZH) if asks_steps else []
    if programs and (
        {"applicant"} & set(ctx.ask.topics)
        or re.search(r"条件|资格|(有什么|哪些)要求|conditions|requirements|who can", ctx.ask.text, re.I)
    ):  # "对申请单位有什么要求": the conditions
        from assistant.answer.handlers import eligibility

        eligibility.handle(ctx)
        d.verdict = "answered"
        if _USE.search(ctx.ask.text):  # "申请主体条件和使用方式": how the voucher is used as well
            say_clause_on(ctx, hits, ["即领即用", "抵扣", "抵减", "支付时", "使用", "deduct", "redeem"])
        if "issuer" in ctx.ask.topics or _ISSUING_BODY.search(ctx.ask.text):  # "申请主体条件和发券机构"
            say_clause_on(ctx, hits, ["发券机构", "发放", "负责", "机构", "issuer", "issued by"])
        return
    named_steps = _STEP.findall(ctx.ask.text)
    if named_steps:  # "审核流程": the clause on that step first
        prefer = list(dict.fromkeys([*named_steps, *prefer]))
    if _PAY_ORDER.search(ctx.ask.text):  # "是先付钱再申请吗", "要垫付吗": the clause on paying first
        prefer = ["全额", "付款", "垫付", "先", "即领即用", "抵扣", "paid", "in full", "pre-pay", "upfront"]
    if _PAYOUT.search(ctx.ask.text):  # "是我们直接拿钱还是怎么弄": who the voucher is paid to
        prefer = ["兑付", "服务商", "服务提供商", "结算", "拨付", "redeem", "provider", "paid to"]
    if _CHANNEL.search(ctx.ask.text):  # "申报渠道", "在哪个平台申报": the platform or system
        prefer = list(PREFER["channel"])
    when = bool(_WHEN.search(ctx.ask.text))
    if when:  # "什么时候报": the clause giving a date or a window
        prefer = ["截止", "申报", "时间", "批次", "月", "日", "deadline", "window"]
    hit, sentence, _score = best_evidence(ctx, hits, prefer, by_heading=True)
    if hit is None:
        d.verdict = "refused"
        d.say(say(lang, "common.not_found"))
        return
    name = ctx.kb.region_name(regions[0], lang) if regions else ""
    if when and not (_A_TIME.search(sentence) and _APPLYING.search(sentence)):
        d.verdict = "not_published"  # no clause gives the window: said, then the steps known
        d.say(say(lang, "process.when_unpublished", region=name))
    d.clauses_said.append(sentence)
    d.say(
        say(
            lang,
            "process.lead",
            region=name,
            title=hit["title"],
            text=yuanify(shorten(sentence, 220)),
            mark=ctx.cite(hit, prefer=prefer),
        )
    )
    stages = list(dict.fromkeys(_STAGE.findall(ctx.ask.text)))
    if len(stages) > 1:  # "申领时和兑付时分别要交什么材料": each step's own clause
        for stage in stages:
            if stage not in sentence:
                say_clause_on(ctx, hits, [stage, "提交", "凭", "材料"], min_score=1.0)
    add_details(ctx, hits, prefer, n=3, limit=200)
    if programs:
        d.programs.append(programs[0])
        period_caveat(ctx, programs[0], regions[0], found, ctx.today)
    issuer = ctx.kb.issuer_of(regions[0] if regions else None, programs[0] if programs else None)
    contact = ctx.kb.contact_of(regions[0] if regions else None, programs[0] if programs else None)
    if contact and {"contact", "issuer"} & set(ctx.ask.topics):
        d.say(say(lang, "process.contact", issuer=contact))
    d.add_caveat(say(lang, "process.notices", issuer=issuer or say(lang, "process.authority")))


__all__ = ["handle"]
