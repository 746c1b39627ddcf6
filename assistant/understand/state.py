"""A conversation's case file: each turn merged into what the earlier turns said.

Later statements win field by field. Purchases: a turn that names a new contract (还有一份,
another) adds it; a turn with an amount and no such word corrects the single contract already
described, keeping what it did not restate (its date, its domestic chips); a turn that only
states a property (国产的呢, 如果是两年的合同呢, 5月签的) changes the contract(s) already there.
Vouchers already received accumulate. Regions: a turn that names a place asks about it.
"""

from __future__ import annotations

from assistant.understand.case import Case, Purchase
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
)


def _patch(target: Purchase, patch: Purchase) -> Purchase:
    update = {f: getattr(patch, f) for f in _PURCHASE_FIELDS if getattr(patch, f) is not None}
    if patch.excluded:
        update["excluded"] = patch.excluded
    return target.model_copy(update=update)


def _inherit(new: Purchase, old: Purchase) -> Purchase:
    update = {f: getattr(old, f) for f in _PURCHASE_FIELDS if getattr(new, f) is None and getattr(old, f) is not None}
    return new.model_copy(update=update)


def merge(prev: Case, cur: Case) -> Case:
    """``cur`` (this turn) merged over ``prev`` (the conversation so far)."""
    carried: list[str] = []
    applicant = prev.applicant.model_copy(update={k: v for k, v in cur.applicant if v is not None})
    if applicant != cur.applicant:
        carried.append("applicant")

    with_amount = [p for p in cur.purchases if p.amount is not None]
    patches = [p for p in cur.purchases if p.amount is None]
    if not with_amount:
        purchases = [_patch(p, patches[0]) for p in prev.purchases] if patches else list(prev.purchases)
        if patches and not prev.purchases:
            purchases = patches
        if prev.purchases:
            carried.append("purchases")
    elif prev.purchases and is_additional(cur.text) and not is_correction(cur.text):
        purchases = list(prev.purchases) + with_amount
        carried.append("purchases")
    elif len(prev.purchases) == 1 and len(with_amount) == 1:
        purchases = [_inherit(with_amount[0], prev.purchases[0])]
    else:
        purchases = with_amount
    if patches and with_amount:
        purchases = [_patch(p, patches[0]) for p in purchases]

    received = list(prev.received) + [r for r in cur.received if r not in prev.received]
    if prev.received:
        carried.append("received")
    named_places = bool(cur.places)
    regions = cur.regions if named_places or cur.regions else prev.regions
    if not named_places and prev.regions:
        carried.append("regions")
    compliance = prev.compliance.model_copy(update=cur.compliance.stated())
    merged = cur.model_copy(
        update={
            "applicant": applicant,
            "purchases": purchases,
            "received": received,
            "regions": list(regions),
            "places": cur.places if named_places else prev.places,
            "unknown_places": cur.unknown_places if named_places else prev.unknown_places,
            "compliance": compliance,
            "rate": cur.rate if cur.rate is not None else prev.rate,
            "target": cur.target if cur.target is not None else prev.target,
            "as_of": cur.as_of or prev.as_of,
            "clarifications": [c for c in cur.clarifications],
            "carried": carried,
            "turns": prev.turns + 1,
        }
    )
    if cur.language != prev.language and len(cur.text) < 12:
        merged.language = prev.language  # "是" after an English conversation stays English
    return merged


__all__ = ["merge"]


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
    if fact in case.applicant.model_fields and isinstance(getattr(case.applicant, fact, None), (bool, type(None))):
        return case.model_copy(update={"applicant": case.applicant.model_copy(update={fact: value})})
    if fact == "compute_type":
        fact, name = "domestic", "domestic"
    else:
        name = _PURCHASE_ANSWERS.get(fact, "")
    if name and case.purchases:
        return case.model_copy(update={"purchases": [p.model_copy(update={name: value}) for p in case.purchases]})
    return case
