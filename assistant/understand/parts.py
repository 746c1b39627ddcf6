"""A contract broken into parts after it is named ("600万的合同，其中国产400万、英伟达200万"):
computed part by part when the parts add up to it, kept whole when they do not, and a share
bought from a related party ("一共150万，其中50万是从母公司买的") taken out of the base rather
than failing the whole contract on the related-supplier condition."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.understand.amounts import Breakdown
from assistant.understand.case import Case, LineItem, Purchase
from assistant.understand.clauses import Clause
from assistant.understand.phrases import read_group

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
                for name in _INHERITED:
                    if getattr(p, name) is None:
                        setattr(p, name, getattr(parent, name))
            drop.add(id(parent))
        elif total < parent.amount.value:
            _related_shares(text, parent, named)
            drop.update(id(p) for p in named)
    if drop:
        pcs = [(c, p) for c, p in pcs if id(p) not in drop]
        case.purchases = [p for p in case.purchases if id(p) not in drop]
    return pcs


def _related_shares(text: str, parent: Purchase, named: list[Purchase]) -> None:
    """Parts whose own words say they were bought from a related party become a line taken out
    of the contract; the rest of it is then from other suppliers, as the user sets it apart."""
    if parent.amount is None or not parent.amount.text:
        return
    pos = text.find(parent.amount.text)
    if pos < 0 or read_group(text[:pos], "purchase").get("supplier_related"):
        return  # the whole contract is from a related party: its parts change nothing
    pos += len(parent.amount.text)
    related: list[Purchase] = []
    for part in named:
        if part.amount is None or not part.amount.text:
            continue
        at = text.find(part.amount.text, pos)
        if at < 0:
            return
        after = text[at + len(part.amount.text) :]
        stop = _PART_END.search(after)
        words = text[pos:at] + after[: min(stop.start() if stop else len(after), 24)]
        if read_group(words, "purchase").get("supplier_related"):
            related.append(part)
        pos = at + len(part.amount.text)
    if related:
        parent.excluded.extend(LineItem(item="related", amount=p.amount) for p in related if p.amount is not None)
        parent.supplier_related = False


__all__ = ["resolve_parts"]
