"""A contract broken into parts after it is named ("600万的合同，其中国产400万、英伟达200万"):
computed part by part when the parts add up to it, kept whole when they do not, and a share
bought from a related party ("一共150万，其中50万是从母公司买的") taken out of the base rather
than failing the whole contract on the related-supplier condition."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.understand.amounts import Breakdown
from assistant.understand.case import Case, LineItem, Money, Purchase
from assistant.understand.clauses import Clause
from assistant.understand.phrases import first_match, read_group, tables
from assistant.understand.sites import compute_local_in

# What a part takes from the contract it is part of, when its own words do not say.
_INHERITED = ("basis", "region", "signed", "start", "end", "term_months", "supplier_related", "paid", "purpose")
# The words that describe a part run to the end of its clause or to the next figure
_PART_END = re.compile(r"[。，,;；？?！!]|\d")


def resolve_parts(
    case: Case, text: str, pcs: list[tuple[Clause, Purchase]], parts: list[Breakdown]
) -> list[tuple[Clause, Purchase]]:
    """Settle each contract named with parts (see the module's docstring); each computed part
    keeps its own facts and takes the contract's date and term."""
    drop: set[int] = set()
    for parent, named in parts:
        if parent.amount is None:
            continue
        total = sum((p.amount.value for p in named if p.amount is not None), Decimal(0))
        lines = sum((li.amount.value for li in parent.excluded if not li.beside), Decimal(0))
        if lines and total == parent.amount.value - lines and len(named) == 1:
            # "总价300万，其中GPU220万、存储50万、网络30万": the contract with its lines, computed
            # on the program's own base; the compute part's facts are the contract's
            for name in ("domestic", "supplier_related", "purpose"):
                if getattr(parent, name) is None:
                    setattr(parent, name, getattr(named[0], name))
            drop.add(id(named[0]))
        elif total == parent.amount.value:
            for p in named:
                _inherit(p, parent)
            drop.add(id(parent))
        elif total < parent.amount.value and parent.voucher == "provider" and [p.domestic for p in named] == [True]:
            # "采购合同1.6亿，其中国产智算芯片服务器部分1.2亿": the domestic part is the provider
            # scheme's own base (北京经开区 第二条), the rest of the contract is not supported
            _inherit(named[0], parent)
            named[0].voucher = parent.voucher
            drop.add(id(parent))
        elif total < parent.amount.value:
            rest = None if _related_shares(text, parent, named) else _remainder(case, text, parent, named, total)
            if rest is None:
                drop.update(id(p) for p in named)
                continue
            # "其中100万用的是合肥的算力，其余都是芜湖本地的": the named parts and the rest, each
            # on its own site; the contract itself is no longer computed whole
            for p in named:
                _inherit(p, parent)
            last = max(i for i, (_, p) in enumerate(pcs) if any(p is q for q in named))
            pcs.insert(last + 1, rest)
            case.purchases.insert(case.purchases.index(pcs[last][1]) + 1, rest[1])
            drop.add(id(parent))
    if drop:
        pcs = [(c, p) for c, p in pcs if id(p) not in drop]
        case.purchases = [p for p in case.purchases if id(p) not in drop]
    return pcs


def _inherit(part: Purchase, parent: Purchase) -> None:
    """The contract's facts a part's own words left unsaid (its date, term, supplier ...)."""
    for name in _INHERITED:
        if getattr(part, name) is None:
            setattr(part, name, getattr(parent, name))


def _remainder(
    case: Case, text: str, parent: Purchase, named: list[Purchase], total: Decimal
) -> tuple[Clause, Purchase] | None:
    """The rest of ``parent`` when the words after its last named part say so ("其余都是本地的"),
    as a purchase of its own in the clause that names it."""
    last = named[-1].amount
    if parent.amount is None or last is None or not last.text:
        return None
    at = text.find(last.text, text.find(parent.amount.text) if parent.amount.text else 0)
    if at < 0:
        return None
    after = text[at + len(last.text) :]
    words = after[: m.start()] if (m := re.search(r"[。？?！!\n]", after)) else after
    cue = first_match(words, tables()["amount_roles"]["remainder"])
    if cue is None or re.search(r"\d", words[: cue.start()]):
        return None
    own = case.applicant.registered.region if case.applicant.registered is not None else None
    if own is None and len(case.regions) == 1:
        own = case.regions[0]
    rest_words = words[cue.start() :]
    amount = Money(value=parent.amount.value - total, per=parent.amount.per)
    rest = parent.model_copy(update={"amount": amount, "excluded": [], "alternative": False})
    if compute_local_in(rest_words) or "本地" in rest_words:
        rest.compute_at = own
    start = at + len(last.text) + cue.start()
    return Clause(start, start + len(rest_words), rest_words), rest


def _related_shares(text: str, parent: Purchase, named: list[Purchase]) -> bool:
    """Parts whose own words say they were bought from a related party become a line taken out
    of the contract; the rest of it is then from other suppliers, as the user sets it apart.
    Whether the contract's parts were settled so (a related share, or a wholly related contract)."""
    if parent.amount is None or not parent.amount.text:
        return False
    pos = text.find(parent.amount.text)
    if pos < 0 or read_group(text[:pos], "purchase").get("supplier_related"):
        return pos >= 0  # the whole contract is from a related party: its parts change nothing
    pos += len(parent.amount.text)
    related: list[Purchase] = []
    for part in named:
        if part.amount is None or not part.amount.text:
            continue
        at = text.find(part.amount.text, pos)
        if at < 0:
            return False
        after = text[at + len(part.amount.text) :]
        stop = _PART_END.search(after)
        words = text[pos:at] + after[: min(stop.start() if stop else len(after), 24)]
        if read_group(words, "purchase").get("supplier_related"):
            related.append(part)
        pos = at + len(part.amount.text)
    if related:
        parent.excluded.extend(LineItem(item="related", amount=p.amount) for p in related if p.amount is not None)
        parent.supplier_related = False
    return bool(related)


__all__ = ["resolve_parts"]
