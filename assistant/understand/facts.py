"""One message -> the facts it states, as a (partial) case file.

The finders give mentions with their spans (places, money, dates, terms, percentages); this
module decides what each mention is from the words of the clause it sits in, using the tables
of ``lexicon/facts.yaml``: a place is where the firm is registered or a region asked about; an
amount is a contract or settlement (a purchase, tied to the place named in its clause), a part
of a contract that is not compute, vouchers already received, a target, a figure the user says
the rules contain, or a budget (ignored). Dates in a clause about signing are signing dates;
a month is never a term. Users on a phone separate clauses with spaces, so a space between two
Chinese characters ends a clause too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from assistant.understand import dates as dates_mod
from assistant.understand import money as money_mod
from assistant.understand import places as places_mod
from assistant.understand.case import (
    Applicant,
    Case,
    Clarification,
    ComplianceFacts,
    LineItem,
    Money,
    Note,
    Place,
    Purchase,
    Receipt,
)
from assistant.understand.phrases import first_match, matches, read_group, strip_injection, tables

_CLAUSE_BREAK = re.compile(r"[，。,;；！!？?\n]|(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")
_SIGN = re.compile(r"签|签订|签约|signed|sign\b|contract (dated|of)", re.I)
_CONTRACT = re.compile(r"合同|签|订单|采购|租用|租了|买了|购买|contract|signed|purchase|rent", re.I)
_RATE_CUE = re.compile(r"(按|如果|假设|假如|比例(是|为))|assum|if the rate|at a rate|rate of", re.I)
_RANGE = re.compile(r"(至|到|~|—|–|-|\bto\b|\buntil\b)")
_EACH = re.compile(r"(两|二|三|四|五|2|3|4|5)\s*(份|个|笔|张)[^，。,;；]{0,6}各\s*$")
_COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "2": 2, "3": 3, "4": 4, "5": 5}
# A trait named in a comparison question is about others ("初创企业是不是更高"), not the firm.
_HYPOTHETICAL = re.compile(r"是不是|会不会|有没有|能不能|更高|更多|higher|more than", re.I)
_ISSUER_FACTS = (
    "local_registration_required",
    "selective_subsidy",
    "designated_suppliers",
    "discriminates_outside",
    "fair_competition_review_done",
    "criteria_public",
    "has_time_limit",
)


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
    return out or [Clause(0, 0, "")]


def clause_at(cls: list[Clause], pos: int) -> Clause:
    return next((c for c in cls if c.start <= pos < c.end), cls[-1])


def asks_in(text: str) -> bool:
    from assistant.understand.split import asks_something

    return asks_something(text)


# ---------------------------------------------------------------- places


def _place_role(text: str, clause: Clause, start: int, end: int) -> str:
    """registration | asked: whether a place says where the firm is or what is asked about."""
    cues = tables()["registration_cues"]
    before_all = text[clause.start : start]
    before, before_en = before_all[-10:], before_all[-40:]
    after = text[end : clause.end][:8]
    if first_match(before, [p + "$" for p in cues["asked"]]) or re.match(
        r"^的?(算力券|政策|补贴|规定|券|吗|呢)", after
    ):
        return "asked"
    if re.fullmatch(r"\s*(在|位于)", before) and not text[end : clause.end].strip("，。,;；！!？? "):
        return "registration"  # "…制造业企业，在芜湖，能申请吗": a clause that only says where
    if any(re.search(p + r"\s*$", before_en if p.isascii() else before, re.I) for p in cues["before"]):
        return "registration"
    if any(re.match(r"^\s*" + p, after, re.I) for p in cues["after"]):
        return "registration"
    return "asked"


def _read_places(clean: str, cls: list[Clause], case: Case, covered: frozenset[str]) -> list[tuple[int, Place]]:
    asked: list[tuple[int, Place]] = []
    found = places_mod.find_places(clean)
    for pm in found:
        place = pm.place
        if any(
            o is not pm and place.region and place.region in o.place.chain[1:] and 0 <= pm.start - o.end <= 3
            for o in found
        ):
            continue  # "Yizhuang, Beijing": the city is said only to place the zone
        case.places.append(place)
        role = _place_role(clean, clause_at(cls, pm.start), pm.start, pm.end)
        if place.ambiguous:
            place = _program_reading(clean, pm.end, place, covered)
        if role == "registration" and case.applicant.registered is None:
            case.applicant.registered = place
        else:
            asked.append((pm.start, place))
        if place.ambiguous:
            case.clarifications.append(
                Clarification(fact="place", question_zh="", question_en="", options=place.candidates)
            )
    for _, place in asked:
        code = places_mod.covered_region(place, covered)
        if code and code not in case.regions:
            case.regions.append(code)
        elif code is None and not place.ambiguous and place.text not in case.unknown_places:
            case.unknown_places.append(place.text)
    reg = case.applicant.registered
    if reg is not None:
        code = places_mod.covered_region(reg, covered)
        if code and not case.regions:
            case.regions.append(code)
        elif code and code not in case.regions and re.search(r"同时|也能|也可以|两边|both|also|as well", clean, re.I):
            case.regions.insert(0, code)  # "亦庄的企业能同时申请北京市的吗": both are asked about
        elif code is None and not reg.ambiguous and reg.text not in case.unknown_places:
            case.unknown_places.append(reg.text)
    return asked


def _program_reading(text: str, end: int, place: Place, covered: frozenset[str]) -> Place:
    """An ambiguous name used as a program's name ("经开区算力券") with one reading that has
    documents means that reading; as where the firm is ("经开区的公司") it stays ambiguous."""
    if not re.search(r"(开发区|经开区|高新区|新区)$", place.text) or not re.match(
        r"^(的)?(算力券|政策|券|算力补贴|补贴政策)", text[end : end + 6]
    ):
        return place
    from assistant.rules import load_programs

    with_rules = {p.region for p in load_programs().values()}
    readings = [places_mod.resolve_place(re.sub(r"[（(].*", "", c)) for c in place.candidates]
    hits = [r for r in readings if r is not None and places_mod.covered_region(r, covered) in with_rules]
    return hits[0].model_copy(update={"text": place.text}) if len(hits) == 1 else place


# ---------------------------------------------------------------- amounts


def _amount_role(text: str, clause: Clause, start: int, end: int, floor: int) -> tuple[str, str]:
    """(role, line item) of an amount from the words of its clause (not past the amount before)."""
    roles = tables()["amount_roles"]
    before = text[max(clause.start, floor) : start]
    after = text[end : clause.end]
    window = before[-14:] + " " + after[:10]
    if first_match(window, roles["budget"]):
        return "budget", ""
    near = before[-8:] + " " + after[:4]
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
    if (
        first_match(before[-16:], roles["asserted"])
        or re.search(r"(上限|最高|封顶|最多|顶格)\s*(是|为)?\s*$", before[-6:])
    ) and not _CONTRACT.search(before[-8:]):
        return "asserted", ""
    return "purchase", ""


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
    if re.search(r"(已经|已)(付款|支付|付了)|付款\s*$|paid", clause_text, re.I):
        return "paid"
    if first_match(clause_text, tables()["purchase"]["settled"][True]):
        return "settlement"
    if _CONTRACT.search(clause_text):
        return "contract"
    return None


def _read_amounts(
    clean: str, cls: list[Clause], case: Case, asked: list[tuple[int, Place]], today: dt.date, covered: frozenset[str]
) -> list[tuple[Clause, Purchase]]:
    pcs: list[tuple[Clause, Purchase]] = []
    pending: list[LineItem] = []
    floor = 0
    for mm in money_mod.find_money(clean):
        clause = clause_at(cls, mm.start)
        role, item = _amount_role(clean, clause, mm.start, mm.end, floor)
        floor = mm.end
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
        elif role == "excluded":
            line = LineItem(item=item, amount=money)  # type: ignore[arg-type]
            (pcs[-1][1].excluded.append(line) if pcs else pending.append(line))
        else:
            basis = _basis(clause.text)
            last = pcs[-1][1] if pcs else None
            if (
                last is not None
                and basis == "settlement"
                and last.basis == "contract"
                and last.settlement is None
                and not matches(
                    clean[clean.find(last.amount.text if last.amount else "") : mm.start], "additional_purchase"
                )
            ):
                last.settlement = money  # 合同500万，实际结算420万: one contract, two figures
                continue
            place = next((pl for pos, pl in asked if clause.start <= pos < clause.end), None)
            region = places_mod.covered_region(place, covered) if place is not None else None
            each = _EACH.search(clean[max(clause.start - 12, 0) : mm.start])
            for _ in range(_COUNT[each.group(1)] if each else 1):
                pcs.append((clause, Purchase(amount=money, basis=basis, region=region)))
    if pending:
        if pcs:
            pcs[0][1].excluded.extend(pending)
        else:
            case.purchases.append(Purchase(excluded=pending))
    case.purchases = [p for _, p in pcs] + case.purchases
    return pcs


# ---------------------------------------------------------------- the turn


def read_turn(raw: str, today: dt.date, covered: frozenset[str]) -> Case:
    """The facts of one message (no asks: intent is classified by the caller)."""
    from assistant.understand.text import detect_language, normalise

    norm = normalise(raw)
    clean, dropped = strip_injection(norm)
    case = Case(language=detect_language(norm), text=norm, injected=_one_per_sentence(dropped))
    cls = clauses(clean)
    asked = _read_places(clean, cls, case, covered)
    if dropped and not case.places:  # an injected order still names what it is about
        asked = _read_places("".join(dropped), clauses("".join(dropped)), case, covered)
    pcs = _read_amounts(clean, cls, case, asked, today, covered)
    _purchase_facts(clean, cls, pcs, case)
    _dates(clean, cls, today, pcs, case)
    for pc in dates_mod.find_percents(clean):
        if _RATE_CUE.search(clause_at(cls, pc.start).text):
            case.rate = pc.value
            break
    case.invalid_dates = dates_mod.invalid_dates(clean)
    if case.invalid_dates and _SIGN.search(clean) and not case.purchases:
        case.purchases.append(Purchase())
    case.applicant = _applicant(clean, cls, case.applicant)
    comp = read_group(clean, "compliance")
    if comp.get("role") is None and any(comp.get(k) is not None for k in _ISSUER_FACTS):
        comp["role"] = "issuer"
    case.compliance = ComplianceFacts(**comp)
    return case


def _one_per_sentence(dropped: list[str]) -> list[str]:
    """Dropped clauses of one sentence are one injected order."""
    out: list[str] = []
    for part in dropped:
        if out and not re.search(r"[。！!？?.\n]\s*$", out[-1]):
            out[-1] += part
        else:
            out.append(part)
    return out


def _purchase_facts(text: str, cls: list[Clause], pcs: list[tuple[Clause, Purchase]], case: Case) -> None:
    """Domestic, related supplier, already claimed, paid: per purchase from its own clause; facts in
    other clauses apply to every purchase (or make a purchase with no amount yet)."""
    own_spans = {(c.start, c.end) for c, _ in pcs}
    rest = "".join(c.text for c in cls if (c.start, c.end) not in own_spans)
    general = read_group(rest, "purchase")
    general.pop("settled", None)
    whole = read_group(text, "purchase")  # relations often span clauses ("供应商是…，合同300万")
    for name in ("supplier_related", "already_claimed"):
        if name in whole:
            general.setdefault(name, whole[name])
    for clause, p in pcs:
        own = read_group(clause.text, "purchase")
        own.pop("settled", None)
        for name, value in {**general, **own}.items():
            setattr(p, name, value)
    if not pcs:
        basis = (
            "settlement"
            if first_match(text, tables()["purchase"]["settled"][True]) and re.search(r"是|按|算", text)
            else None
        )
        if general or basis:
            target = case.purchases[0] if case.purchases else Purchase()
            for name, value in general.items():
                setattr(target, name, value)
            if basis and target.amount is None:
                target.basis = basis
            if not case.purchases:
                case.purchases.append(target)


def _dates(text: str, cls: list[Clause], today: dt.date, pcs: list[tuple[Clause, Purchase]], case: Case) -> None:
    def target(clause: Clause) -> Purchase | None:
        return next((p for c, p in pcs if c is clause), pcs[0][1] if len(pcs) == 1 else None)

    found = dates_mod.find_dates(text, today)
    skip: set[int] = set()
    for i, dm in enumerate(found):
        if i in skip:
            continue
        clause = clause_at(cls, dm.start)
        between = text[dm.end : found[i + 1].start] if i + 1 < len(found) else ""
        if i + 1 < len(found) and len(between) <= 3 and _RANGE.search(between):
            p = target(clause) or _patch(case)
            p.start, p.end = dm.value, found[i + 1].last
            skip.add(i + 1)
            continue
        if _SIGN.search(clause.text) and dm.precision != "vague":
            p = _signing_target(text, cls, dm.end, pcs) or target(clause) or _patch(case)
            if p.signed is None:
                p.signed = dm.value
        elif dm.precision == "year":
            continue  # a year is the ask's ("2026年还能申请吗"), set by the caller
        elif case.as_of is None and not re.search(r"领|拿|获", clause.text):
            case.as_of = dm.value
    for tm in dates_mod.find_terms(text):
        clause = clause_at(cls, tm.start)
        p = (
            _nearest_after(tm.end, pcs, clause)
            or target(clause)
            or (case.purchases[0] if case.purchases else _patch(case))
        )
        if p.term_months is None:
            p.term_months = tm.months


def _signing_target(text: str, cls: list[Clause], end: int, pcs: list[tuple[Clause, Purchase]]) -> Purchase | None:
    """1月份签的合同200万，8月份签的合同900万: a date belongs to the next amount in its clause."""
    return _nearest_after(end, pcs, clause_at(cls, end - 1))


def _nearest_after(pos: int, pcs: list[tuple[Clause, Purchase]], clause: Clause) -> Purchase | None:
    later = [(c, p) for c, p in pcs if c.start >= clause.start and c.end <= clause.end + 20 and c.end > pos]
    return later[0][1] if later else None


def _patch(case: Case) -> Purchase:
    """A purchase the message describes without an amount (it may be completed by the history)."""
    if case.purchases:
        return case.purchases[0]
    p = Purchase()
    case.purchases.append(p)
    return p


def _applicant(text: str, cls: list[Clause], applicant: Applicant) -> Applicant:
    """Who the firm is, from statements: a trait named inside a question about others
    ("初创企业是不是更高") is not the firm's, unless the question speaks of "we"."""
    stated = "".join(
        c.text
        for c in cls
        if not _HYPOTHETICAL.search(c.text) or re.search(r"我们|我司|本公司|\bwe\b|\bour\b|we're", c.text, re.I)
    )
    facts = read_group(stated, "applicant")
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


def is_additional(text: str) -> bool:
    return matches(text, "additional_purchase")


def is_correction(text: str) -> bool:
    return matches(text, "correction")


__all__ = ["asks_in", "clauses", "is_additional", "is_correction", "read_turn"]
