"""One message -> the facts it states, as a (partial) case file.

The finders give mentions with their spans (places, money, dates, terms, percentages); this
module decides what each mention is from the words of the clause it sits in, using the tables
of ``lexicon/facts.yaml``: a place is where the firm is registered or a region asked about; an
amount is a contract or settlement (a purchase, tied to the place named in its clause), a part
of a contract that is not compute, vouchers already received, a target, a figure the user says
the rules contain, or a budget (ignored). Dates in a clause about signing are signing dates;
a month is never a term.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from assistant.understand import dates as dates_mod
from assistant.understand import money as money_mod
from assistant.understand import places as places_mod
from assistant.understand.case import Applicant, Case, ComplianceFacts, LineItem, Money, Note, Place, Purchase, Receipt
from assistant.understand.phrases import first_match, matches, read_group, strip_injection, tables

_CLAUSE_BREAK = re.compile(r"[，。,;；！!？?\n]")
_SIGN = re.compile(r"签|签订|签约|signed|sign\b|contract (dated|of)", re.I)
_CONTRACT = re.compile(r"合同|签|订单|采购|租用|租了|买了|购买|contract|signed|purchase|rent", re.I)
_RATE_CUE = re.compile(r"(按|如果|假设|假如|比例(是|为))|assum|if the rate|at a rate|rate of", re.I)
_RANGE = re.compile(r"(至|到|~|—|–|-|\bto\b|\buntil\b)")


@dataclass
class Clause:
    start: int
    end: int
    text: str


def clauses(text: str) -> list[Clause]:
    out, start = [], 0
    for m in _CLAUSE_BREAK.finditer(text):
        out.append(Clause(start, m.end(), text[start : m.end()]))
        start = m.end()
    if start < len(text):
        out.append(Clause(start, len(text), text[start:]))
    return out


def clause_at(cls: list[Clause], pos: int) -> Clause:
    return next((c for c in cls if c.start <= pos < c.end), cls[-1])


# ---------------------------------------------------------------- places


def _place_role(text: str, clause: Clause, start: int, end: int) -> str:
    """registration | asked: whether a place says where the firm is or what is asked about."""
    cues = tables()["registration_cues"]
    before = text[clause.start : start][-10:]
    after = text[end : clause.end][:8]
    if first_match(before, [p + "$" for p in cues["asked"]]) or re.match(
        r"^的?(算力券|政策|补贴|规定|券|吗|呢)", after
    ):
        return "asked"
    if any(re.search(p + r"\s*$", before, re.I) for p in cues["before"]):
        return "registration"
    if any(re.match(r"^\s*" + p, after, re.I) for p in cues["after"]):
        return "registration"
    return "asked"


# ---------------------------------------------------------------- amounts


def _amount_role(text: str, clause: Clause, start: int, end: int) -> tuple[str, str]:
    """(role, line item) of an amount from the words of its clause."""
    roles = tables()["amount_roles"]
    before = text[clause.start : start]
    after = text[end : clause.end]
    window = before[-14:] + " " + after[:10]
    if first_match(window, roles["budget"]):
        return "budget", ""
    near = before[-8:] + " " + after[:6]
    for item, pats in roles["excluded"].items():
        if first_match(near, pats):
            return "excluded", item
    if first_match(window, roles["received_total"]):
        return "received_total", ""
    if first_match(before[-14:], roles["received"]) or (
        re.match(r"^\s*(了|的)?(算力券|补贴|券|额度)", after) and re.search(r"已经|已|之前|累计", before)
    ):
        return "received", ""
    if first_match(before[-14:], roles["target"]):
        return "target", ""
    if first_match(before[-16:], roles["asserted"]) and not _CONTRACT.search(before[-8:]):
        return "asserted", ""
    return "purchase", ""


def _received_year(clause_text: str, today: dt.date) -> int:
    if re.search(r"去年|last year", clause_text, re.I):
        return today.year - 1
    m = re.search(r"(20\d{2})\s*年", clause_text)
    return int(m.group(1)) if m else today.year


# ---------------------------------------------------------------- the turn


def read_turn(raw: str, today: dt.date, covered: frozenset[str]) -> Case:
    """The facts of one message (no asks: intent is classified by the caller)."""
    from assistant.understand.text import detect_language, normalise

    norm = normalise(raw)
    clean, dropped = strip_injection(norm)
    case = Case(language=detect_language(norm), text=norm, injected=dropped)
    cls = clauses(clean) or [Clause(0, 0, "")]

    # Places: registration or asked about.
    asked_places: list[tuple[int, Place]] = []
    for pm in places_mod.find_places(clean):
        place = pm.place
        case.places.append(place)
        role = _place_role(clean, clause_at(cls, pm.start), pm.start, pm.end)
        if role == "registration" and case.applicant.registered is None:
            case.applicant.registered = place
        else:
            asked_places.append((pm.start, place))
        if place.ambiguous:
            case.clarifications.append(_clarification("place", place.candidates))
    for _, place in asked_places:
        code = places_mod.covered_region(place, covered)
        if code and code not in case.regions:
            case.regions.append(code)
        elif code is None and not place.ambiguous and place.text not in case.unknown_places:
            case.unknown_places.append(place.text)
    reg = case.applicant.registered
    if not case.regions and reg is not None:
        code = places_mod.covered_region(reg, covered)
        if code:
            case.regions.append(code)
        elif not reg.ambiguous and not asked_places:
            case.unknown_places.append(reg.text)

    # Amounts.
    purchase_clauses: list[tuple[Clause, Purchase]] = []
    for mm in money_mod.find_money(clean):
        clause = clause_at(cls, mm.start)
        role, item = _amount_role(clean, clause, mm.start, mm.end)
        money = mm.money
        if money.approx or money.confirm:
            case.notes.append(_approx_note(money))
        if role == "budget":
            continue
        if role == "received_total":
            case.received.append(Receipt(amount=money, scope="total"))
        elif role == "received":
            case.received.append(Receipt(amount=money, year=_received_year(clause.text, today)))
        elif role == "target":
            case.target = money
        elif role == "asserted":
            case.asserted.append(money)
        elif role == "excluded" and purchase_clauses:
            purchase_clauses[-1][1].excluded.append(LineItem(item=item, amount=money))  # type: ignore[arg-type]
        else:
            p = Purchase(amount=money, basis=_basis(clause.text))
            place = next((pl for pos, pl in asked_places if clause.start <= pos < clause.end), None)
            if place is not None:
                p.region = places_mod.covered_region(place, covered)
            purchase_clauses.append((clause, p))
    case.purchases = [p for _, p in purchase_clauses]
    _purchase_facts(clean, cls, purchase_clauses, case)
    _dates(clean, cls, today, purchase_clauses, case)

    for pc in dates_mod.find_percents(clean):
        if _RATE_CUE.search(clause_at(cls, pc.start).text):
            case.rate = pc.value
            break
    case.invalid_dates = dates_mod.invalid_dates(clean)

    case.applicant = _applicant(clean, case.applicant)
    comp = read_group(clean, "compliance")
    if comp.get("role") is None and any(
        comp.get(k) is not None
        for k in (
            "local_registration_required",
            "selective_subsidy",
            "designated_suppliers",
            "discriminates_outside",
            "fair_competition_review_done",
            "criteria_public",
            "has_time_limit",
        )
    ):
        comp["role"] = "issuer"
    case.compliance = ComplianceFacts(**comp)
    return case


def _basis(clause_text: str) -> str | None:
    spec = tables()["purchase"]["settled"]
    if first_match(clause_text, spec[True]):
        return "settlement"
    if _CONTRACT.search(clause_text):
        return "contract"
    return None


def _purchase_facts(text: str, cls: list[Clause], pcs: list[tuple[Clause, Purchase]], case: Case) -> None:
    """Domestic, related supplier, already claimed: per purchase from its own clause; facts in
    other clauses apply to every purchase (or make a purchase with no amount yet)."""
    own_spans = {(c.start, c.end) for c, _ in pcs}
    rest = "".join(c.text for c in cls if (c.start, c.end) not in own_spans)
    general = read_group(rest, "purchase")
    general.pop("settled", None)
    for clause, p in pcs:
        own = read_group(clause.text, "purchase")
        own.pop("settled", None)
        for name, value in {**general, **own}.items():
            setattr(p, name, value)
    if not pcs and general:
        case.purchases.append(Purchase(**general))


def _dates(text: str, cls: list[Clause], today: dt.date, pcs: list[tuple[Clause, Purchase]], case: Case) -> None:
    target = lambda clause: next((p for c, p in pcs if c is clause), pcs[0][1] if len(pcs) == 1 else None)  # noqa: E731
    found = dates_mod.find_dates(text, today)
    for i, dm in enumerate(found):
        clause = clause_at(cls, dm.start)
        between = text[dm.end : found[i + 1].start] if i + 1 < len(found) else ""
        if i + 1 < len(found) and len(between) <= 3 and _RANGE.search(between):
            p = target(clause) or _patch(case)
            p.start, p.end = dm.value, found[i + 1].value
            continue
        if i > 0 and case.purchases and any(p.end == dm.value for p in case.purchases):
            continue
        if _SIGN.search(clause.text) and dm.precision != "vague":
            p = target(clause) or _patch(case)
            if p.signed is None:
                p.signed = dm.value
        elif dm.precision == "year":
            continue  # a year is the ask's ("2026年还能申请吗"), set by the caller
        elif case.as_of is None:
            case.as_of = dm.value
    for tm in dates_mod.find_terms(text):
        clause = clause_at(cls, tm.start)
        p = target(clause) or (case.purchases[0] if case.purchases else _patch(case))
        if p.term_months is None:
            p.term_months = tm.months


def _patch(case: Case) -> Purchase:
    """A purchase the message describes without an amount (it may be completed by the history)."""
    if case.purchases:
        return case.purchases[0]
    p = Purchase()
    case.purchases.append(p)
    return p


def _applicant(text: str, applicant: Applicant) -> Applicant:
    facts = read_group(text, "applicant")
    if facts.get("industry") in ("education", "research"):
        facts.setdefault("entity_type", "university" if facts["industry"] == "education" else "research_institute")
    return applicant.model_copy(update=facts)


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


def _clarification(fact: str, options: list[str]):  # type: ignore[no-untyped-def]
    from assistant.understand.case import Clarification

    return Clarification(fact=fact, question_zh="", question_en="", options=options)


def is_additional(text: str) -> bool:
    return matches(text, "additional_purchase")


def is_correction(text: str) -> bool:
    return matches(text, "correction")


def total_received(case: Case) -> Decimal:
    return sum((r.amount.value for r in case.received), Decimal(0))


__all__ = ["is_additional", "is_correction", "read_turn"]
