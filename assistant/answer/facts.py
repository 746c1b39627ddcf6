"""The case file as the rules engine's facts: the applicant, one purchase, the rules date.

Handlers call the rules with these; the names are the rules' own (``registered_in``,
``supplier_related``, ``contract_signed`` ...), so nothing is renamed twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any, NamedTuple

from assistant.understand.case import Ask, Case, LineItem, Money, Purchase
from assistant.understand.sites import compute_elsewhere_in, compute_local_in, site_named

_APPLICANT_FACTS = (
    "entity_type",
    "industry",
    "sme",
    "startup",
    "opc",
    "independent_legal_person",
    "dishonest_record",
    "major_violation",
    "new_settled",
    "key_ai_firm",
    "ai_terminal_firm",
    "major_project",
    "project_level",
    "other_municipal_subsidy",
    "sound_finance",
    "ai_direction_in_plan",
)


def applicant_facts(case: Case, ask: Ask | None = None) -> dict[str, Any]:
    """The applicant's facts; with ``ask``, the traits its own words state (a supposition, "若该
    企业属于初创企业") win for that ask."""
    a = case.applicant
    facts: dict[str, Any] = {k: getattr(a, k) for k in _APPLICANT_FACTS if getattr(a, k) is not None}
    if ask is not None and ask.own_applicant is not None:
        facts.update(
            {k: getattr(ask.own_applicant, k) for k in _APPLICANT_FACTS if getattr(ask.own_applicant, k) is not None}
        )
    if a.registered is not None and a.registered.region:
        facts["registered_in"] = a.registered.region
    if case.compute_at is not None and case.compute_at.region:
        facts["compute_location"] = case.compute_at.region
    elif case.compute_elsewhere:
        facts["compute_location"] = "elsewhere"  # within no region: a local-compute condition fails
    site = site_named(ask.text, case) if ask is not None and len(case.asks) > 1 else None
    if site:
        facts["compute_location"] = site  # "1、使用合肥的智算中心算力能否申请……2、若改用芜湖本地智算": this point's
    elif ask is not None and len(case.asks) > 1 and a.registered is not None and compute_local_in(ask.text):
        facts["compute_location"] = a.registered.region  # "使用本地智算中心……；如使用合肥的算力": this ask's
    if ask is not None and compute_elsewhere_in(ask.text):
        facts["compute_location"] = "elsewhere"  # "本地的算多少？外地的能否一并申请？": this ask's compute
    elif ask is not None and not site and _site_told_later(case, ask):
        facts.pop("compute_location", None)  # "1. 高校能否申请？2. 企业使用合肥的算力能否申请？": point 2's
    total = case.received_total()
    if total is not None:
        facts["claimed_total"] = str(total)
    if case.rate is not None:
        facts["rate"] = str(case.rate)
    return facts


def _site_told_later(case: Case, ask: Ask) -> bool:
    """Whether the compute site is told only in a later question of the message: a later
    point's own facts do not reach back to the question before it (an earlier one's carry on)."""
    at = case.compute_at
    i = next((k for k, a in enumerate(case.asks) if a is ask or a.text == ask.text), None)
    if at is None or not at.region or i is None:
        return False
    told = [site_named(a.text, case) == at.region for a in case.asks]
    return not any(told[: i + 1]) and any(told[i + 1 :])


def purchase_facts(purchase: Purchase | None) -> dict[str, Any]:
    if purchase is None:
        return {}
    facts: dict[str, Any] = {}
    if purchase.supplier_related is not None:
        facts["supplier_related"] = purchase.supplier_related
    if purchase.compute_at is not None:
        facts["compute_location"] = purchase.compute_at  # this contract's own site, over the case's
    if purchase.signed is not None:
        facts["contract_signed"] = purchase.signed.isoformat()
    if purchase.term_months is not None:
        facts["contract_term_months"] = purchase.term_months
    if purchase.domestic is not None:
        facts["compute_type"] = "domestic" if purchase.domestic else "non_domestic"
    if purchase.already_claimed is not None:
        facts["contract_already_claimed"] = purchase.already_claimed
    if purchase.purpose is not None:
        facts["purpose"] = purchase.purpose
    if purchase.certified_supplier is not None:
        facts["certified_supplier"] = purchase.certified_supplier
    if purchase.self_built is not None:
        facts["self_built"] = purchase.self_built
    if purchase.via_platform is not None:
        facts["via_platform"] = purchase.via_platform
    if purchase.paid is not None:
        facts["contract_paid"] = purchase.paid
    items = {li.item for li in purchase.excluded if li.item != "related"}  # a related share is no service line
    if items:
        facts["line_items"] = ["compute", *sorted(items)]
    return facts


def case_facts(case: Case, purchase: Purchase | None = None, ask: Ask | None = None) -> dict[str, Any]:
    """Applicant facts (as ``ask`` reads them, when given) plus one purchase's (the first compute
    purchase when none is named)."""
    if purchase is None and case.compute_purchases:
        purchase = case.compute_purchases[0]
    elif purchase is None and case.purchases:
        purchase = case.purchases[0]
    return {**applicant_facts(case, ask), **purchase_facts(purchase)}


def as_supposed(case: Case, ask: Ask) -> Case:
    """The case as one ask sees it: its contracts with the facts that ask alone supposes
    ("（2）如合同已签但尚未付款，能否申请？"); a copy, the other asks keep the case as told."""
    supposed = ask.supposed_purchase
    if supposed is None:
        return case
    overlay = {k: getattr(supposed, k) for k in supposed.model_fields_set}
    if overlay.get("paid"):
        overlay["paid_amount"] = None  # "全部付清以后": the part paid so far is no longer the figure
    purchases = [p.model_copy(update=overlay) for p in case.purchases] or [supposed]
    return case.model_copy(update={"purchases": purchases})


def ask_facts(case: Case, ask: Ask) -> dict[str, Any]:
    """The case's facts for one ask: an ask about one of several kinds of applicant ("分别答复：
    （1）分公司；（2）事业单位") takes the traits its own words name, not the message's."""
    own_purchase = case.purchases[ask.purchases[0]] if len(ask.purchases) == 1 else None  # "合肥那部分"
    facts = case_facts(case, own_purchase, ask=ask)
    if ask.own_applicant is None:
        return facts
    own = ask.own_applicant
    return {
        **{k: v for k, v in facts.items() if k not in _APPLICANT_FACTS},
        **{k: getattr(own, k) for k in _APPLICANT_FACTS if getattr(own, k) is not None},
    }


def rules_date(case: Case, ask: Ask, today: dt.date, purchase: Purchase | None = None) -> dt.date:
    """The date the rules are taken at: the contract's signing date (else the start of the period
    it was paid for), else the date or the year the user asks about, else today."""
    if purchase is not None and purchase.signed is not None:
        return purchase.signed
    if purchase is not None and purchase.start is not None and purchase.start <= today:
        return purchase.start  # "2025年1—6月付了……": paid under the rules of its period
    signed = [p.signed for p in case.purchases if p.signed is not None]
    if purchase is None and signed:
        return signed[0]
    if case.as_of is not None:
        return case.as_of
    year = ask.year
    if year is not None and 2015 <= year <= today.year + 1:
        return min(dt.date(year, 12, 31), today) if year == today.year else dt.date(year, 12, 31)
    return today


def figure_for(purchase: Purchase, basis: str) -> Money | None:
    """The figure of a purchase the program pays on: actual spend is what was paid (else settled),
    settlement what was settled; otherwise, and when the user gave only one figure, that figure."""
    if basis == "spend":
        return purchase.paid_amount or purchase.settlement or purchase.amount
    if basis == "settlement":
        return purchase.settlement or purchase.amount
    return purchase.amount


class LineRoles(NamedTuple):
    """A purchase's non-compute lines by what the program's base does with them."""

    taken: list[LineItem]  # inside the amount and not in the base: taken out
    added: list[LineItem]  # beside the compute fee and in the base: added
    counted: list[LineItem]  # in the base, inside or beside
    left_out: list[LineItem]  # beside the compute fee and not in the base


def line_roles(purchase: Purchase, includes: Collection[str] = ()) -> LineRoles:
    """The lines of ``purchase`` under a program whose base counts the items ``includes``."""
    lines = purchase.excluded
    return LineRoles(
        taken=[li for li in lines if not li.beside and li.item not in includes],
        added=[li for li in lines if li.beside and li.item in includes],
        counted=[li for li in lines if li.item in includes],
        left_out=[li for li in lines if li.beside and li.item not in includes],
    )


def base_of(
    purchase: Purchase, basis: str = "contract", session: Any = None, includes: Collection[str] = ()
) -> Decimal | None:
    """The compute part of a purchase in yuan, on the program's basis: the settled amount for a
    program that pays on settlement or spend (when the user gave it), else the contract amount;
    lines such as storage taken out of it, unless the program counts them (``includes``), in which
    case lines listed beside the compute fee are added."""
    money = figure_for(purchase, basis)
    if money is None:
        return None
    taken, added = line_roles(purchase, includes)[:2]
    if not taken and not added:
        return money.value
    result = money.value - sum((li.amount.value for li in taken), Decimal(0))
    result += sum((li.amount.value for li in added), Decimal(0))
    if session is not None:  # recorded, so the answer's numbers trace to the user's figures
        lines = {"gross": money.value, **_lines(taken), **_lines(added, "plus_")}
        session.derive("less_excluded" if not added else "base_lines", lines, result)
    return result


def _lines(lines: list[LineItem], prefix: str = "") -> dict[str, Decimal]:
    """Line items as the inputs of a recorded derivation (two lines of one kind keep both)."""
    out: dict[str, Decimal] = {}
    for li in lines:
        key = prefix + li.item
        out[key if key not in out else f"{key}_{len(out)}"] = li.amount.value
    return out


__all__ = [
    "LineRoles",
    "line_roles",
    "applicant_facts",
    "as_supposed",
    "ask_facts",
    "base_of",
    "figure_for",
    "case_facts",
    "purchase_facts",
    "rules_date",
]
