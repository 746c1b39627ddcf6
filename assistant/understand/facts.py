"""One message -> the facts it states, as a (partial) case file.

The finders give mentions with their spans (places, money, dates, terms, percentages); this
module decides what each mention is from the words of the clause it sits in, using the tables
of ``lexicon/facts.yaml``: what each place stands for is read in ``place_roles.py``;
amounts are read in ``amounts.py``; dates in a clause about signing are signing dates; a month
is never a term; facts about a purchase stay with the purchase of their clause.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from assistant.compliance import issuer_facts
from assistant.understand import dates as dates_mod
from assistant.understand.amounts import read_amounts
from assistant.understand.case import (
    Applicant,
    Case,
    ComplianceFacts,
    Purchase,
)
from assistant.understand.clauses import Clause, clause_at, clauses
from assistant.understand.parts import resolve_parts
from assistant.understand.percents import find_percents
from assistant.understand.phrases import first_match, matches, read_group, strip_injection, tables
from assistant.understand.place_roles import read_places
from assistant.understand.sites import compute_elsewhere_in, compute_local_in, place_purchases

_SIGN = re.compile(r"签|签订|签约|signed|sign\b|contract (dated|of)", re.I)
# A rate the user assumes ("按30%算", "比例是30%的话"); "比例为100%" alone claims a rule, not an assumption.
_RATE_CUE = re.compile(r"(按|如果|假设|假如|要是|若)|的话|assum|if the rate|at a rate", re.I)
_RANGE = re.compile(r"(至|到|~|—|–|-|\bto\b|\buntil\b)")
# A trait named in a comparison question is about others ("初创企业是不是更高"), not the firm.
_HYPOTHETICAL = re.compile(r"是不是|会不会|有没有|能不能|更高|更多|higher|more than", re.I)
_ISSUER_FACTS = issuer_facts()  # only a body drafting or running a measure states these


def asks_in(text: str) -> bool:
    from assistant.understand.split import asks_something

    return asks_something(text)


# ---------------------------------------------------------------- places


# ---------------------------------------------------------------- the turn


def read_turn(raw: str, today: dt.date, covered: frozenset[str]) -> Case:
    """The facts of one message (no asks: intent is classified by the caller)."""
    from assistant.understand.text import detect_language, normalise

    norm = normalise(raw)
    clean, dropped = strip_injection(norm)
    # The language is that of the user's own words, not an injected order's ("Ignore previous ...").
    lang = detect_language(clean) if clean.strip() else detect_language(norm)
    case = Case(language=lang, text=norm, injected=_one_per_sentence(dropped))
    cls = clauses(clean)
    asked = read_places(clean, cls, case, covered)
    if dropped and not case.places:  # an injected order still names what it is about
        asked = read_places("".join(dropped), clauses("".join(dropped)), case, covered)
    if case.compute_at is None and compute_local_in(clean):
        # "用本地智算中心": the compute is where the firm is, or in the place asked about
        case.compute_at = case.applicant.registered or next((p for _, p in asked), None)
    if case.compute_at is None and compute_elsewhere_in(clean):
        case.compute_elsewhere = True
    pcs, breakdowns = read_amounts(clean, cls, case, asked, today, covered)
    _purchase_facts(clean, cls, pcs, case)
    place_purchases(pcs, case, asked)
    _dates(clean, cls, today, pcs, case)
    pcs = resolve_parts(case, clean, pcs, breakdowns)
    for pc in find_percents(clean):
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
    spanning: dict[str, Any] = {k: whole[k] for k in ("supplier_related", "already_claimed") if k in whole}
    general = {**spanning, **general}
    # "自建机房自己用的算力，一年300万，能申吗？另外租用外部算力的合同150万……": a fact told in a
    # sentence that names purchases is about those, not about the purchases of another sentence
    sentence = {(c.start, c.end): len(_SENTENCE_END.findall(text, 0, c.start)) for c in cls}
    with_purchase = {sentence.get((c.start, c.end)) for c, _ in pcs} - {None}
    for clause, p in pcs:
        facts = general
        mine = sentence.get((clause.start, clause.end))
        if len(with_purchase) > 1 and mine is not None:
            told = "".join(
                c.text
                for c in cls
                if (c.start, c.end) not in own_spans
                and (sentence[(c.start, c.end)] == mine or sentence[(c.start, c.end)] not in with_purchase)
            )
            facts = {**spanning, **read_group(told, "purchase")}
            facts.pop("settled", None)
        elif mine is not None:  # "同一实控人……能申吗？如果换一家完全无关的公司，采购300万": its own sentence wins
            near = "".join(  # another purchase's own clause tells about that one ("还有一笔12万还没付款")
                c.text
                for c in cls
                if sentence.get((c.start, c.end)) == mine and c is not clause and (c.start, c.end) not in own_spans
            )
            facts = {**facts, **{k: v for k, v in read_group(near, "purchase").items() if k != "settled"}}
        own = read_group(_own_words(clause, p, pcs), "purchase")
        own.pop("settled", None)
        for name, value in {**facts, **own}.items():
            setattr(p, name, value)
        owed = p.settlement or p.amount  # "已付款180万，合同额300万": paid in part, not in full
        if p.paid and p.paid_amount is not None and owed is not None and p.paid_amount.value < owed.value:
            p.paid = False
    if not pcs:
        basis: Literal["settlement"] | None = (
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


def _own_words(clause: Clause, purchase: Purchase, pcs: list[tuple[Clause, Purchase]]) -> str:
    """The words of a clause that describe this purchase: the whole clause, or, when it names
    several ("其中国产400万、英伟达200万"), the stretch from the amount before to its own."""
    mine = [p for c, p in pcs if c is clause]
    if len(mine) < 2:
        return clause.text
    pos = 0
    for p in mine:
        found = clause.text.find(p.amount.text, pos) if p.amount is not None else -1
        end = found + len(p.amount.text) if found >= 0 and p.amount is not None else len(clause.text)
        if p is purchase:
            return clause.text[pos:end]
        pos = end
    return clause.text


def _document_date(text: str, end: int) -> bool:
    """A date that names a version or a text ("2025年8月的2.0版") is not the date asked about."""
    from assistant import lexicon

    return bool(lexicon.patterns("facts.yaml", "document_date_after").search(text[end : end + 12]))


def _dates(text: str, cls: list[Clause], today: dt.date, pcs: list[tuple[Clause, Purchase]], case: Case) -> None:
    def target(clause: Clause) -> Purchase | None:
        own = next((p for c, p in pcs if c is clause), pcs[0][1] if len(pcs) == 1 else None)
        return own or _in_sentence(text, clause, pcs)

    found = dates_mod.find_dates(text, today)
    skip: set[int] = set()
    for i, dm in enumerate(found):
        if i in skip:
            continue
        clause = clause_at(cls, dm.start)
        between = text[dm.end : found[i + 1].start] if i + 1 < len(found) else ""
        span = dm.precision == "span"  # "2025年1—6月": one mention with both ends
        if span or (i + 1 < len(found) and len(between.strip()) <= 5 and _RANGE.search(between)):
            p = target(clause) or _patch(case)
            p.start, p.end = dm.value, dm.last if span else found[i + 1].last
            if not span:
                skip.add(i + 1)  # the range's other end is read
            continue
        if _SIGN.search(clause.text) and dm.precision != "vague":
            p = _signing_target(text, cls, dm.end, pcs) or target(clause) or _patch(case)
            if p.signed is None:
                p.signed = dm.value
        elif dm.precision == "year":
            continue  # a year is the ask's ("2026年还能申请吗"), set by the caller
        elif case.as_of is None and not re.search(r"领|拿|获", clause.text) and not _document_date(text, dm.end):
            case.as_of = dm.value
    for tm in dates_mod.find_terms(text):
        clause = clause_at(cls, tm.start)
        p = (
            _nearest_after(tm.end, pcs, clause)
            or target(clause)
            or (case.purchases[0] if case.purchases else _patch(case))
        )
        if p.amount is not None and p.amount.per == "month" and tm.months == 1:
            continue  # "一个月算力大概三万": the unit of a monthly figure, not a one-month term
        if p.term_months is None:
            p.term_months = tm.months


def _signing_target(text: str, cls: list[Clause], end: int, pcs: list[tuple[Clause, Purchase]]) -> Purchase | None:
    """1月份签的合同200万，8月份签的合同900万: a date belongs to the next amount in its clause."""
    return _nearest_after(end, pcs, clause_at(cls, end - 1))


def _nearest_after(pos: int, pcs: list[tuple[Clause, Purchase]], clause: Clause) -> Purchase | None:
    later = [(c, p) for c, p in pcs if c.start >= clause.start and c.end <= clause.end + 20 and c.end > pos]
    return later[0][1] if later else None


def _in_sentence(text: str, clause: Clause, pcs: list[tuple[Clause, Purchase]]) -> Purchase | None:
    """ "A合同2025年1月1日至12月31日，合同期内结算48万；B合同……": a clause naming no amount
    describes the purchase its sentence names next (else the one it named last)."""
    after = [p for c, p in pcs if c.start >= clause.end and not _SENTENCE_END.search(text[clause.end : c.start])]
    if after:
        return after[0]
    before = [p for c, p in pcs if c.end <= clause.start and not _SENTENCE_END.search(text[c.end : clause.start])]
    return before[-1] if before else None


_SENTENCE_END = re.compile(r"[；;。\n！!？?]")


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
    return applicant.model_copy(update=_traits(stated))


def _traits(text: str) -> dict[str, Any]:
    facts = read_group(text, "applicant")
    if facts.get("industry") in ("education", "research"):
        facts.setdefault("entity_type", "university" if facts["industry"] == "education" else "research_institute")
    return facts


def applicant_stated(text: str) -> Applicant:
    """The kind of applicant a piece of text names: one of several asked about each
    ("（1）外地公司的分公司；（2）事业单位性质的研究院") is judged on its own words."""
    return Applicant(**_traits(text))


def is_additional(text: str) -> bool:
    return matches(text, "additional_purchase")


def is_correction(text: str) -> bool:
    return matches(text, "correction")


__all__ = ["applicant_stated", "asks_in", "clauses", "is_additional", "is_correction", "read_turn"]
