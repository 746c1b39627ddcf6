"""What a message states that bars a firm, judged before an ask is routed: a related supplier,
self-built or uncertified compute, other fiscal support for the same fee, a kind of applicant
the program's conditions exclude. The re-reading rules (reread.py) ask these questions; they
are predicates of the case, so they live apart from the rules that use them.
"""

from __future__ import annotations

from assistant.answer.evidence import AskContext
from assistant.lexicon import patterns
from assistant.understand.case import Case, Purchase


def states_a_bar(case: Case) -> bool:
    """Whether the message states something that may bar the firm whatever the period (a related
    supplier, an arrangement, other fiscal support for the same fee): then the conditions are
    checked, the period said beside them."""
    return (
        bool(case.compliance.stated())
        or bool(case.applicant.other_municipal_subsidy)
        or related_supplier(case)
        or any(barred_by_conditions(p) for p in case.purchases)
        # compute bought elsewhere ("济南的公司，买的是贵州那边的算力"), against the region asked
        or (case.compute_at is not None and bool(case.regions) and case.compute_at.region not in case.regions)
    )


def names_a_version(ctx: AskContext) -> bool:
    """ "2.0版出台后": the ask names a version of one of its programs by the name users give it."""
    programs = (ctx.kb.programs[p] for p in ctx.kb.programs_for(ctx.ask.regions))
    return any(n in ctx.ask.text for p in programs for v in p.versions for n in v.names)


_OUTSIDE_FIRM = patterns("asked.yaml", "outside_firm")


def kind_barred(ctx: AskContext) -> bool:
    """Whether the kind of applicant the ask names ("个体工商户", "分公司", "事业单位") fails a
    condition of the program asked about, on the facts of the ask's own words alone."""
    from assistant.answer.facts import rules_date
    from assistant.rules import check_eligibility
    from assistant.understand.phrases import read_group

    facts = read_group(ctx.ask.text, "applicant")
    if ctx.case.applicant.registered is None and _OUTSIDE_FIRM.search(ctx.ask.text):
        facts["registered_in"] = "elsewhere"  # "外地注册的企业能不能申请": a kind the text may exclude
    if not facts or not ctx.ask.regions:
        return False
    pid = next(iter(ctx.kb.programs_for(list(ctx.ask.regions))), None)
    if pid is None:
        return False
    profile = {**facts, "date": rules_date(ctx.case, ctx.ask, ctx.today).isoformat()}
    try:
        found = check_eligibility(profile, pid, voucher=ctx.voucher)
    except Exception:  # the facts do not parse for this program: the rule is answered instead
        return False
    return bool(found) and found[0].status == "not_eligible"


def related_supplier(case: Case) -> bool:
    return any(p.supplier_related for p in case.purchases)


def barred_by_conditions(p: Purchase) -> bool:
    """A purchase a program's own conditions bar: self-built compute, a supplier not certified,
    compute not bought through the platform, a fee not yet paid ("钱还没付，能先申请吗")."""
    return bool(p.self_built) or p.certified_supplier is False or p.via_platform is False or p.paid is False


def bars_by_program_conditions(case: Case) -> bool:
    """A stated fact that only a program's conditions bar (self-built compute, a supplier not
    certified, compute not bought through the platform), with nothing a compliance rule covers."""
    return (
        not case.applicant.other_municipal_subsidy
        and not related_supplier(case)
        and any(barred_by_conditions(p) for p in case.purchases)
    )


def states_clean_purchase(case: Case) -> bool:
    """A purchase whose facts a compliance rule checks are stated, and clean ("跟一家没有任何关联
    关系的服务商签的", "只含GPU算力"): the plan can be checked, not only the firm."""
    return any(p.supplier_related is False for p in case.purchases) and not any(
        barred_by_conditions(p) for p in case.purchases
    )


def states_contract_terms(case: Case) -> bool:
    """Whether the message gives a contract's date, term or payment (which a program's conditions
    test: "合同已经签了但钱还没付 现在能先申吗")."""
    return any(p.signed is not None or p.term_months is not None or p.paid is not None for p in case.purchases)


__all__ = [
    "barred_by_conditions",
    "bars_by_program_conditions",
    "kind_barred",
    "names_a_version",
    "related_supplier",
    "states_a_bar",
    "states_clean_purchase",
    "states_contract_terms",
]
