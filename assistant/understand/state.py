"""A conversation's case file: each turn merged into what the earlier turns said.

Later statements win field by field. Purchases: a turn that names a new contract (还有一份,
another) adds it; a turn with an amount and no such word corrects the contract already
described (the one tied to the same region when there are several), keeping what it did not
restate (its date, its domestic chips); a turn that only states a property (国产的呢, 如果是两年
的合同呢, 其中存储80万) changes the contract(s) already there. A correction with nothing but a
figure ("说错了 是100万") corrects the figure the previous turn gave, whatever it was. Vouchers
already received accumulate. Regions: a turn that names a place it asks about asks about it; a
turn that only says where the firm is keeps the regions asked before. A name left ambiguous
earlier ("我们在朝阳") is settled by a later turn that names it with its city ("北京朝阳").
"""

from __future__ import annotations

import re

from assistant.understand.case import Case, Place, Purchase
from assistant.understand.facts import is_additional, is_correction

_PURCHASE_FIELDS = (
    "basis",
    "domestic",
    "supplier_related",
    "signed",
    "start",
    "end",
    "term_months",
    "region",
    "already_claimed",
    "paid",
    "settlement",
    "paid_amount",
    "invoiced",
    "purpose",
    "self_built",
    "via_platform",
)


def _patch(target: Purchase, patch: Purchase) -> Purchase:
    update: dict[str, object] = {f: getattr(patch, f) for f in _PURCHASE_FIELDS if getattr(patch, f) is not None}
    if patch.excluded:
        update["excluded"] = list(target.excluded) + list(patch.excluded)
    return target.model_copy(update=update)


def _inherit(new: Purchase, old: Purchase) -> Purchase:
    update = {f: getattr(old, f) for f in _PURCHASE_FIELDS if getattr(new, f) is None and getattr(old, f) is not None}
    if not new.excluded and old.excluded:
        update["excluded"] = old.excluded
    return new.model_copy(update=update)


def _purchases(prev: Case, cur: Case, last_turn: Case | None) -> list[Purchase]:
    with_amount = [p for p in cur.purchases if p.amount is not None]
    patches = [p for p in cur.purchases if p.amount is None]
    old = list(prev.purchases)
    if not with_amount:
        if patches and old:
            return [_patch(p, patches[0]) for p in old]
        return patches or old
    if old and is_additional(cur.text) and not is_correction(cur.text):
        out = old + with_amount
    elif len(with_amount) == 1 and len(old) > 1 and with_amount[0].region:
        # "北京的其实是400万": the contract tied to that region is corrected
        out = [_inherit(with_amount[0], p) if p.region == with_amount[0].region else p for p in old]
    elif len(old) == 1 and len(with_amount) == 1:
        out = [_inherit(with_amount[0], old[0])]
    else:
        out = with_amount
    if patches:
        out = [_patch(p, patches[0]) for p in out]
    return out


def _settle_place(place: Place | None, cur: Case, regions: list[str]) -> Place | None:
    """An ambiguous place settled by a place that names it with its city ("北京朝阳"), or by the
    one reading that lies in a region the conversation is already about ("我们在北京 / 注册在朝阳")."""
    from assistant.understand.places import resolve_place

    if place is None or not place.ambiguous:
        return place
    for other in cur.places:
        if not other.ambiguous and other.region and place.text in other.text:
            return other
    readings = [r for r in (resolve_place(c) for c in place.candidates) if r is not None]
    inside = [r for r in readings if any(code in regions for code in r.chain)]
    return inside[0].model_copy(update={"text": place.text}) if len(inside) == 1 else place


def merge(prev: Case, cur: Case, last_turn: Case | None = None) -> Case:
    """``cur`` (this turn) merged over ``prev`` (the conversation so far); ``last_turn`` is the
    previous turn read alone (what its figures were)."""
    carried: list[str] = []
    registered = _settle_place(prev.applicant.registered, cur, cur.regions)
    applicant = prev.applicant.model_copy(update={"registered": registered})
    applicant = applicant.model_copy(update={k: v for k, v in cur.applicant if v is not None})
    if cur.applicant.registered is not None and cur.applicant.registered.ambiguous:
        settled_now = _settle_place(cur.applicant.registered, cur, prev.regions)
        applicant = applicant.model_copy(update={"registered": settled_now})
        if settled_now is not None and not settled_now.ambiguous:
            cur = cur.model_copy(update={"clarifications": [c for c in cur.clarifications if c.fact != "place"]})
    received = list(prev.received)
    purchases_turn = cur
    if (
        last_turn is not None
        and is_correction(cur.text)
        and len(cur.purchases) == 1
        and cur.purchases[0].amount
        and not last_turn.purchases
        and last_turn.received
        and received
    ):
        received[-1] = received[-1].model_copy(update={"amount": cur.purchases[0].amount})  # "说错了 是100万"
        purchases_turn = cur.model_copy(update={"purchases": []})
    purchases = _purchases(prev, purchases_turn, last_turn)
    if prev.purchases:
        carried.append("purchases")
    received += [r for r in cur.received if r not in received]
    if prev.received:
        carried.append("received")
    asked_here = [p for p in cur.places if p is not cur.applicant.registered and p is not cur.compute_at]
    settled = registered is not prev.applicant.registered
    if cur.regions and (asked_here or not prev.regions or settled):
        regions = list(cur.regions)
    elif asked_here and cur.unknown_places:
        regions = []  # "那宁波呢": a place with no document, not the region asked before
    else:
        regions = list(prev.regions)
        carried.append("regions")
    unknown = cur.unknown_places if cur.places else prev.unknown_places
    clarifications = list(cur.clarifications)
    if not cur.places and any(c.fact == "place" for c in prev.clarifications) and not regions:
        clarifications += [c for c in prev.clarifications if c.fact == "place"]
    merged = cur.model_copy(
        update={
            "applicant": applicant,
            "purchases": purchases,
            "received": received,
            "regions": regions,
            "places": cur.places or prev.places,
            "unknown_places": [] if regions and not cur.places else unknown,
            "compliance": prev.compliance.model_copy(update=cur.compliance.stated()),
            "rate": cur.rate if cur.rate is not None else prev.rate,
            "target": cur.target if cur.target is not None else prev.target,
            "compute_at": cur.compute_at or prev.compute_at,
            "compute_elsewhere": cur.compute_elsewhere if cur.compute_elsewhere is not None else prev.compute_elsewhere,
            "as_of": cur.as_of or prev.as_of,
            "clarifications": clarifications,
            "notes": cur.notes,
            "carried": carried,
            "turns": prev.turns + 1,
        }
    )
    if cur.language != prev.language and len(re.sub(r"[\W\d_]", "", cur.text)) <= 3:
        merged.language = prev.language  # "是" after an English conversation stays English
    return merged


# A yes/no reply ("是", "没有") answers the question the assistant asked last; these are the
# rules' fact names for such questions and where the case file keeps them.
_PURCHASE_ANSWERS = {
    "supplier_related": "supplier_related",
    "contract_already_claimed": "already_claimed",
    "contract_paid": "paid",
}
_YES = ("是", "对", "有", "嗯", "好", "yes", "yep", "yeah", "correct", "right", "exactly")


def reply_value(text: str) -> bool | None:
    """True for a bare yes, False for a bare no, None for anything else."""
    t = text.strip().lower().rstrip("。.!！")
    if not t or len(t) > 12:
        return None
    if t.startswith(("不是", "不对", "没有", "没", "不", "no", "nope", "还没")):
        return False
    if t.startswith(_YES):
        return True
    return None


def apply_answer(case: Case, fact: str, value: bool) -> Case:
    """The case with the answer to a yes/no question the assistant asked."""
    if fact in type(case.applicant).model_fields and isinstance(
        getattr(case.applicant, fact, None), (bool, type(None))
    ):
        return case.model_copy(update={"applicant": case.applicant.model_copy(update={fact: value})})
    name = _PURCHASE_ANSWERS.get(fact, "")
    if name and case.purchases:
        return case.model_copy(update={"purchases": [p.model_copy(update={name: value}) for p in case.purchases]})
    return case


__all__ = ["apply_answer", "merge", "reply_value"]
