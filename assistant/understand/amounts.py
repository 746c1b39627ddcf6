"""Amounts in a message and what each one is: a purchase (contract or settlement, tied to the
place named in its clause), a part of a contract that is not compute, vouchers already received,
a target, a figure the user says the rules contain, or a budget (ignored). The words of the
amount's own clause decide, never an amount further on (tables in ``lexicon/facts.yaml``)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from assistant.understand import money as money_mod
from assistant.understand import places as places_mod
from assistant.understand.case import Case, LineItem, Money, Note, Place, Purchase, Receipt
from assistant.understand.clauses import Clause, clause_at
from assistant.understand.phrases import first_match, matches, tables
from assistant.understand.topics import bought_voucher

_CONTRACT = re.compile(r"合同|签|订单|采购|租用|租了|买了|购买|contract|signed|purchase|rent", re.I)
# "两份合同各100万", "签了3个算力合同 每个都是80w": as many purchases as the count says
_EACH = re.compile(
    r"(两|二|三|四|五|六|2|3|4|5|6)\s*(份|个|笔|张)[^，。,;；]{0,6}"
    r"(各|[\s，,]*(每(个|份|笔|张)|都)(都|均)?(是|为)?)\s*$"
)
_COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6}


def _amount_role(text: str, clause: Clause, start: int, end: int, floor: int) -> tuple[str, str]:
    """(role, line item) of an amount from the words of its clause (not past the amount before)."""
    roles = tables()["amount_roles"]
    before = text[max(clause.start, floor) : start]
    after = text[end : clause.end]
    window = before[-14:] + " " + after[:10]
    if first_match(window, roles["budget"]):
        return "budget", ""
    if first_match(after[:8], roles["threshold"]):
        return "threshold", ""  # "合同总额在50万元以内的，比例可提高到多少": a class of contracts
    # the words after a figure up to the next item of a list ("84万、存储费16万": 存储 is 16万's)
    near = before[-8:] + " " + re.split(r"[、，,;；]", after[:4])[0]
    for item, pats in roles["excluded"].items():
        if first_match(near, pats):
            # "存储那份60万", "一份存储合同60万": a contract of its own, not a part of the compute one
            separate = (
                re.search(r"(那|这|一)(份|笔)|(存储|网络|安全|带宽|软件)[^，。,;；]{0,2}(合同|订单)", before[-8:])
                and not re.search(r"合同(里|中|内)|其中|包括|包含|含有", before[-12:])
                and not first_match(before[-8:], roles["excluded_cue"])
            )
            return ("separate" if separate else "excluded"), item
    if first_match(before, roles["claimed_instead"]):
        return "proposed", ""  # "差一点到10万，能不能报成10万": a figure they would claim, not one they paid
    if (
        floor > 0
        and (re.search(r"还是\s*$", before[-4:]) or re.match(r"^\s*(元)?\s*还是", after))
        and not _CONTRACT.search(before[-6:])
    ):
        return "proposed", ""  # "补贴基数是320万还是280万": the choices asked about, not purchases
    if re.search(r"按(照)?[^，。,;；\d]{0,6}$", before) and re.match(
        r"^\s*[^，。,;；]{0,4}(申请|申报|报|算|计算|来算)", after
    ):
        return "proposed", ""  # "能按340万申请吗", "先按已付的180万申请": a base asked about, not a purchase
    if first_match(window, roles["received_total"]):
        return "received_total", ""
    spent = re.match(
        r"^\s*(元)?的?(算力(?!券|补贴|补助|支持)|智算|费用|租金|合同)", after
    )  # "已经用了9000万的算力费用": compute spent
    if (first_match(before[-14:], roles["received"]) and not spent) or (
        re.match(r"^\s*(了|的)?(算力券|补贴|券|额度)", after) and re.search(r"已经|已|之前|累计", before)
    ):
        return "received", ""
    if (
        floor > 0
        and first_match(before[-6:], roles["guessed_before"])
        and (
            first_match(after[:6], roles["guessed_after"])
            or re.search(r"(是不是|是否|是)[^，。？?]{0,3}$", before[-8:-2])
        )
    ):
        return "guessed", ""  # "结算了八千万 按30%算能拿两千四百万吗": their result, to check, not a purchase
    if first_match(before[-14:], roles["target"]):
        return "target", ""
    if re.match(r"^\s*(元)?的?(年度|每年|累计)?(上限|封顶|额度上限|最高额)", after) and not _CONTRACT.search(
        before[-8:]
    ):
        return "asserted", ""  # "那个200万的上限是每年还是累计": a figure of the rules, not a purchase
    if re.match(r"^\s*(元)?的?(一次性)?(算力|模型|语料|数据)?券(?![商])", after) and not _CONTRACT.search(before[-8:]):
        return "asserted", ""  # "一次性50万的券和60%的比例能都拿吗": a voucher the rules give, not a purchase
    if re.search(r"(新落户|落户奖励|一次性|奖励|奖补|启动)(的)?\s*$", before[-6:]) and not _CONTRACT.search(
        before[-8:]
    ):
        return "asserted", ""  # "新落户50万、重大项目60%……能不能叠加": an award the rules give, not a purchase
    if (
        first_match(before[-16:], roles["asserted"])
        or re.search(r"(上限|最高|封顶|最多|顶格)\s*(是|为)?\s*$", before[-6:])
    ) and not _CONTRACT.search(before[-8:]):
        return "asserted", ""
    return "purchase", ""


_TOTAL_CUE = re.compile(
    r"(合计|共计|总计|一共|总共|加起来|合起来|加总|总额|in total|total(ling)?|altogether|combined)\s*(是|为|有|约)?\s*$",
    re.I,
)


def _stated_total(before: str, money: Money, pcs: list[tuple[Clause, Purchase]]) -> bool:
    """Whether an amount is the user's own sum of the purchases already read."""
    amounts = [p.amount.value for _, p in pcs if p.amount is not None]
    return len(amounts) >= 2 and bool(_TOTAL_CUE.search(before[-10:])) and money.value == sum(amounts)


def _received_year(clause_text: str, today: dt.date) -> int | None:
    if re.search(r"去年|last year", clause_text, re.I):
        return today.year - 1
    if re.search(r"今年|本年|this year", clause_text, re.I):
        return today.year
    m = re.search(r"(20\d{2})\s*年", clause_text)
    return int(m.group(1)) if m else None


def _basis(clause_text: str) -> Any:
    if re.search(r"发票|开票|invoice", clause_text, re.I):
        return "invoice"
    if re.search(r"(已经|已|实际)(付款|支付|付了|付)|付了|付款\s*$|paid", clause_text, re.I):
        return "paid"
    if first_match(clause_text, tables()["purchase"]["settled"][True]):
        return "settlement"
    if _CONTRACT.search(clause_text):
        return "contract"
    return None


# Amounts read from one message: far more than anyone describes at once (a pasted table is split
# by the user into questions), and a bound on the work one message can cause.
MAX_AMOUNTS = 30
# The contract a figure just given was paid or settled under, named after it ("（合同签的是300万）").
_SAME_CONTRACT = re.compile(r"(^|[（(，,])\s*(但|而)?(合同|合同额|合同金额)(签的|签了|写的|上写的|约定的)?(是|为)?\s*$")
# Other figures of the contract just described, by what the words around them say they are.
_FIGURE_SLOT = {"settlement": "settlement", "paid": "paid_amount", "invoice": "invoiced"}


Breakdown = tuple[Purchase, list[Purchase]]  # a contract and the parts named after it


def read_amounts(
    clean: str, cls: list[Clause], case: Case, asked: list[tuple[int, Place]], today: dt.date, covered: frozenset[str]
) -> tuple[list[tuple[Clause, Purchase]], list[Breakdown]]:
    """The purchases of a message (with their clauses) and the contracts it breaks into parts
    (settled by ``resolve_parts`` once each purchase has its own facts and dates)."""
    pcs: list[tuple[Clause, Purchase]] = []
    pending: list[LineItem] = []
    floor = 0
    last_end = 0  # where the last purchase's amount ends
    breakdown: Breakdown | None = None
    parts: list[Breakdown] = []
    roles = tables()["amount_roles"]
    compute_fee_named = False  # the last purchase's figure is the compute fee alone ("算力费84万")
    plan_end = 0  # the end of the sentence planning a split: its figures are the plan's
    mentions, unusable = money_mod.scan_money(clean)
    case.notes.extend(_unusable_note(words) for words in unusable)
    if len(mentions) > MAX_AMOUNTS:  # no one describes 50 contracts in one message; a flood costs CPU
        mentions = mentions[:MAX_AMOUNTS]
        case.notes.append(
            Note(
                code="too_many_amounts",
                zh=f"一条消息中金额过多，只读取了前{MAX_AMOUNTS}个；其余请分开提问。",
                en=f"Too many amounts in one message: only the first {MAX_AMOUNTS} were read; ask about the rest separately.",
            )
        )
    for mm in mentions:
        clause = clause_at(cls, mm.start)
        role, item = _amount_role(clean, clause, mm.start, mm.end, floor)
        floor_before, floor = floor, mm.end
        money = mm.money
        if money.approx or money.confirm:
            case.notes.append(_approx_note(money))
        if role in ("budget", "threshold"):
            continue
        if role in ("received", "received_total"):
            year = _received_year(clause.text, today)
            if role == "received_total" and year is None:
                case.received.append(Receipt(amount=money, scope="total"))
            else:  # a year's total ("2025年已累计申领兑付150万元") counts as that year's
                case.received.append(Receipt(amount=money, year=year))
        elif role == "target":
            case.target = money
        elif role == "asserted":
            case.asserted.append(money)
        elif role == "proposed":
            case.proposed.append(money)
        elif role == "guessed":
            case.guessed.append(money)
        elif role == "separate":
            pcs.append((clause, Purchase(amount=money, item=item, basis=_basis(clause.text))))  # type: ignore[arg-type]
        elif role == "excluded":
            beside = (
                bool(pcs)
                and breakdown is None
                and compute_fee_named
                and not first_match(clean[last_end : mm.start], roles["excluded_cue"])
            )
            line = LineItem(item=item, amount=money, beside=beside)  # type: ignore[arg-type]
            # "合同300万，其中GPU220万、存储50万": a line of the contract broken into parts
            owner = breakdown[0] if breakdown is not None else pcs[-1][1] if pcs else None
            lines = owner.excluded if owner is not None else pending
            if len(lines) > 1 and money.value == sum((li.amount.value for li in lines), Decimal(0)):
                continue  # "其中存储12万、网络6万……存储和网络那18万要剔掉吗": the lines' sum said again
            lines.append(line)
        else:
            last_words = clean[max(clause.start, floor_before) : mm.start]  # this figure's own words
            if _stated_total(last_words, money, pcs):
                continue  # "20万和25万，合计45万": the sum of the contracts just named, not a third
            tax_variant = bool(_TAX_VARIANT.search(last_words[-8:]))  # "含税318万、不含税300万"
            if tax_variant and pcs and pcs[-1][1].amount is not None and not _BOTH_FIGURES.search(clean):
                # "含税106万（不含税100万）": the same contract with or without tax, not a second one
                case.notes.append(_tax_note(pcs[-1][1].amount))
                continue
            # "已结算180万、已开票150万、实际付款100万": each figure's own words say what it is
            basis = _basis(last_words) or _basis(clause.text)
            last = pcs[-1][1] if pcs else None
            slot = _FIGURE_SLOT.get(basis or "")
            if (
                last is not None
                and slot is not None
                and last.basis != basis
                and getattr(last, slot) is None
                and not matches(
                    clean[clean.find(last.amount.text if last.amount else "") : mm.start], "additional_purchase"
                )
            ):
                setattr(last, slot, money)  # 合同500万，结算420万，已付380万: one contract, three figures
                continue
            if (
                last is not None
                and last.amount is not None
                and last.paid_amount is not None
                and money.value <= last.amount.value - last.paid_amount.value
                and first_match(last_words[-8:], roles["still_owed"])
            ):
                continue  # "已付款90万，剩下60万下个月付": what is still owed on it, not a second contract
            own = _FIGURE_SLOT.get(last.basis or "") if last is not None else None
            if (
                last is not None
                and own is not None
                and basis == "contract"
                and getattr(last, own) is None
                and _SAME_CONTRACT.search(last_words[-10:])
            ):
                # "实际付了240万（合同签的是300万）": the contract the figure before was paid under
                setattr(last, own, last.amount)
                last.amount, last.basis = money, "contract"
                continue
            settled = [q for _, q in pcs if q.basis != "contract" and q.amount is not None]
            if (
                basis == "contract"
                and settled
                and len(settled) == len(pcs)
                and _UMBRELLA.search(last_words)
                and sum((q.amount.value for q in settled if q.amount), Decimal(0)) <= money.value
            ):
                # "结算单分别是……。合同总额是800万，还没结完": the contract they settle, not one more
                case.notes.append(_umbrella_note())
                last_end = mm.end
                continue
            place = next((pl for pos, pl in asked if clause.start <= pos < clause.end), None)
            region = places_mod.covered_region(place, covered) if place is not None else None
            each = _EACH.search(clean[max(clause.start - 16, 0) : mm.start])
            kind = bought_voucher(last_words[-12:])
            if (
                kind == "compute"
                and first_match(last_words, roles["same_again"])
                and not re.search(r"算力|GPU", last_words)
            ):
                kind = bought_voucher(clean[max(0, mm.start - 24) : mm.start])  # "那要是买模型服务呢 同样200万"
            if kind == "compute" and re.search(r"[A-Za-z]{3,}[^\u4e00-\u9fff]{0,60}$", last_words):
                kind = bought_voucher(last_words[-60:])  # "buying training corpus from a vendor for RMB 3m"
            if kind == "compute" and not last_words.strip():  # "……语料公司签了采购合同 两百八十万"
                kind = bought_voucher(clean[max(0, mm.start - 16) : mm.start])
            if kind == "compute" and re.match(r"^\s*(元)?的", clean[mm.end : clause.end]):
                kind = bought_voucher(clean[mm.end : clause.end][:8])  # "买了300万的语料"
            since_last = clean[last_end : mm.start]
            if breakdown is not None and matches(since_last, "additional_purchase"):
                breakdown = None
            if (last is not None and first_match(since_last, roles["split_planned"])) or mm.start < plan_end:
                # "3000万的合同如果拆成三份1000万，每份就是500万": a split planned and its sums, not contracts
                stop = re.search(r"[。？?！!]", clean[mm.end :])
                plan_end = max(plan_end, mm.end + stop.start() if stop else len(clean))
                last_end = mm.end
                continue
            if (breakdown is not None and re.match(r"^\s*[（(]\s*(其中|含)", since_last)) or (
                last is not None
                and re.search(r"\d\s*(万元|万|元|亿)?\s*[（(]\s*有\s*$", clean[max(0, mm.start - 12) : mm.start])
            ):
                # "GPU400万（其中国产卡部分150万）", "发票开了700万（有80万是预开）": a share of the
                # figure just named, not a purchase of its own
                last_end = mm.end
                continue
            if breakdown is None and last is not None and last_end and _PARTS_CUE.search(since_last):
                breakdown = (last, [])  # "600万的合同，其中国产400万、英伟达200万": the parts follow
            variant = tax_variant and last is not None and last.amount is not None
            for _ in range(_COUNT[each.group(1)] if each else 1):
                pcs.append(
                    (clause, Purchase(amount=money, basis=basis, region=region, voucher=kind, alternative=variant))
                )
                if breakdown is not None:
                    breakdown[1].append(pcs[-1][1])
                    if not parts or parts[-1] is not breakdown:
                        parts.append(breakdown)
            last_end = mm.end
            compute_fee_named = bool(first_match(last_words[-12:], roles["compute_fee"]))
    if pending:
        if pcs:
            pcs[0][1].excluded.extend(pending)
        else:
            case.purchases.append(Purchase(excluded=pending))
    _one_kind_bought(pcs)
    case.purchases = [p for _, p in pcs] + case.purchases
    return pcs, parts


def _one_kind_bought(pcs: list[tuple[Clause, Purchase]]) -> None:
    """ "准备买语料：方案一从兄弟公司买80万，方案二从外部数据商买80万": one kind named for the
    message, so a purchase whose own words name no compute is of that kind too."""
    kinds = {p.voucher for _, p in pcs if p.voucher != "compute"}
    if len(kinds) != 1:
        return
    kind = kinds.pop()
    for clause, p in pcs:
        if p.voucher == "compute" and not _COMPUTE_WORDS.search(clause.text):
            p.voucher = kind


# words by which a purchase names its own kind (a voucher, compute): it keeps the kind it names
_COMPUTE_WORDS = re.compile(r"券|算力|GPU|显卡|服务器|智算|训练|推理|云|机房|机柜|集群|voucher|compute|cloud", re.I)


# The amounts after these words break the contract just named into parts (domestic and not, two
# sites), rather than adding contracts.
_PARTS_CUE = re.compile(r"其中|包括|包含|含有|分别(是|为)|分为|of which|including|^\s*元?(里|中|里面)?\s*[:：]", re.I)


# "两种口径分别是多少": both figures asked for, each computed
_BOTH_FIGURES = re.compile(r"分别|两种|两个口径|各是多少|各多少|both", re.I)
_TAX_VARIANT = re.compile(r"(不含税|含税|税前|税后|未税|价税合计)(金额|价|额|价格)?(为|是|则)?\s*$")


def _tax_note(first: Money) -> Note:
    """The texts do not say whether a base includes tax: the first figure given is used, and said."""
    from assistant.answer.format import money as fmt

    return Note(
        code="tax_basis",
        zh=f"资料库的文件未写明补贴基数按含税还是不含税金额计算；以上按您给出的第一个金额{fmt(first.value)}测算，请向发文单位确认。",
        en=f"The texts do not say whether the base includes tax; the first figure you gave ({fmt(first.value, 'en')}) was used. Please confirm with the issuer.",
    )


_UMBRELLA = re.compile(r"(合同|协议)(的)?(总额|总价|总金额|总共|总计)|总合同|contract (total|value)", re.I)


def _umbrella_note() -> Note:
    return Note(
        code="contract_total",
        zh="您说的合同总额是上述各次结算所依据的合同，未另算一笔；以上按已结算的金额计算。",
        en="The contract total you gave is the contract those settlements fall under, not another purchase; the settled amounts are used.",
    )


def _approx_note(money: Money) -> Note:
    from assistant.answer.format import money as fmt

    return Note(
        code="approx_amount",
        zh=f"“{money.text}”按{fmt(money.value)}理解"
        + ("，请确认" if money.confirm else "；请提供准确金额以得到准确结果")
        + "。",
        en=f"“{money.text}” was read as {fmt(money.value, 'en')}"
        + ("; please confirm." if money.confirm else "; give the exact figure for an exact amount."),
    )


def _unusable_note(words: str) -> Note:
    from assistant.answer.messages import say

    shown = words if len(words) <= 24 else words[:20] + "…"
    return Note(
        code="amount_unusable",
        zh=say("zh", "common.amount_unusable", text=shown),
        en=say("en", "common.amount_unusable", text=shown),
    )


__all__ = ["Breakdown", "read_amounts"]
