"""Caps and the minimum claim: what limits an amount once the rate has given it.

Caps apply in a fixed order (per claim, per calendar year, cumulative), each net of what the
enterprise has already received under it: this year's amounts for the annual cap, the total so
far (``claimed_total``, else this year's) for the cumulative cap. The lowest remaining room
binds and is reported as ``capped_by``. Then the minimum claim: an amount below it is zero.
A cap the text does not publish is not applied, and the calculator says so.
"""

from __future__ import annotations

from decimal import Decimal

from assistant.rules.calculation import Step
from assistant.rules.inputs import ClaimInputs
from assistant.rules.model import Parameter
from assistant.rules.notices import Notice
from assistant.rules.values import plain, wan, yuan

CAP_ROLES = ("per_claim_cap", "annual_cap", "cumulative_cap")

CAP_LABELS = {
    "per_claim_cap": ("Per-claim cap", "单次上限"),
    "annual_cap": (
        "Annual cap per enterprise, net of amounts received this year",
        "每家企业年度上限（扣除本年已获）",
    ),
    "cumulative_cap": (
        "Cumulative cap per enterprise, net of amounts received so far",
        "每家企业累计上限（扣除已获）",
    ),
}


def limit_amount(
    roles: dict[str, Parameter | None],
    amount: Decimal,
    inp: ClaimInputs,
    steps: list[Step],
    warnings: list[Notice],
    *,
    quiet: bool,
) -> tuple[Decimal, str | None]:
    """``amount`` after the caps and the minimum claim, and the role that bound it (or None)."""
    capped_by: str | None = None
    for role in CAP_ROLES:
        p = roles[role]
        if p is None:
            continue
        if not p.known:
            if not quiet:
                warnings.append(
                    Notice(
                        code=f"cap_unpublished:{role}",
                        en=f"{CAP_LABELS[role][0]}: not published; no cap applied.",
                        zh=f"{CAP_LABELS[role][1]}：未公开，未适用上限。",
                    )
                )
            continue
        received = _received(role, inp, warnings, quiet=quiet)
        bound = _apply_cap(role, p, amount, received, steps, warnings, quiet=quiet)
        if bound is not None:
            amount, capped_by = bound, role
    if inp.claimed and roles["annual_cap"] is None and roles["cumulative_cap"] is None and not quiet:
        warnings.append(
            Notice(
                code="claimed_ignored",
                en="This program states no annual or cumulative cap per enterprise, so the amount already received does not reduce it.",
                zh="该项目未规定企业年度或累计上限，本年已获金额不影响本次金额。",
            )
        )
    amount, capped_by = _apply_minimum(roles["min_claim"], amount, capped_by, steps, warnings)
    for step in steps:  # "抵完以后今年还剩多少额度": the room each cap keeps after this claim
        if step.kind == "cap" and step.role in ("annual_cap", "cumulative_cap"):
            step.numbers["left_after"] = max(step.numbers["remaining"] - amount, Decimal(0))
    if amount == 0 and capped_by in CAP_ROLES and not quiet:
        warnings.append(
            Notice(
                code="cap_exhausted",
                en=f"The {capped_by.replace('_', ' ')} is already used up by the amounts received.",
                zh="已获金额已用尽该上限。",
            )
        )
    return amount, capped_by


def _received(role: str, inp: ClaimInputs, warnings: list[Notice], *, quiet: bool) -> Decimal:
    """What the enterprise already received under the cap ``role``: nothing counts against a
    per-claim cap; this year's amounts against the annual cap; the total so far against the
    cumulative cap (this year's when the total is not given, with a warning)."""
    if role == "annual_cap":
        return inp.claimed
    if role != "cumulative_cap":
        return Decimal(0)
    received: Decimal | None = inp.facts.get("claimed_total")
    if received is None:
        received = inp.claimed
        if inp.claimed and not quiet:
            warnings.append(
                Notice(
                    code="cumulative_assumed",
                    en="claimed_total not given: the amount received this year is taken as the total received so far.",
                    zh="未提供累计已获金额：以本年度已获金额作为累计已获金额。",
                )
            )
    return received


def _apply_cap(
    role: str,
    p: Parameter,
    amount: Decimal,
    received: Decimal,
    steps: list[Step],
    warnings: list[Notice],
    *,
    quiet: bool,
) -> Decimal | None:
    """Record the cap net of ``received`` as a step; when the room left is below ``amount``,
    a "capped" step too, and the room left is returned as the new amount (else None)."""
    cap = p.value
    remaining = max(cap - received, Decimal(0))
    label_en, label_zh = CAP_LABELS[role]
    shown = f"{yuan(cap)} − {yuan(received)} = {yuan(remaining)}" if received else yuan(cap)
    steps.append(
        Step(
            kind="cap",
            role=role,
            numbers={"cap": cap, "received": received, "remaining": remaining},
            label=f"{label_en} ({wan(cap)}万元)",
            label_zh=f"{label_zh}（{wan(cap)}万元）",
            value=shown,
            reference=p.reference,
        )
    )
    if p.status == "unverified" and not quiet:
        warnings.append(
            Notice(
                code=f"unverified:{p.name}",
                en=f"The cap {wan(cap)}万元 is not confirmed by the official text"
                + (f": {p.note.en}" if p.note else "."),
                zh=f"上限{wan(cap)}万元未经官方文本核实" + (f"：{p.note.zh}" if p.note else "。"),
            )
        )
    if not amount > remaining:
        return None
    steps.append(
        Step(
            kind="capped",
            role=role,
            numbers={"amount": remaining},
            label=f"Capped by the {label_en.lower()}",
            label_zh=f"受{label_zh}限制",
            value=yuan(remaining),
            reference=p.reference,
        )
    )
    return remaining


def _apply_minimum(
    mp: Parameter | None, amount: Decimal, capped_by: str | None, steps: list[Step], warnings: list[Notice]
) -> tuple[Decimal, str | None]:
    """The minimum claim as a step; an amount above zero but below it becomes zero (nothing can
    be claimed), reported as bound by ``min_claim``."""
    if mp is None or not mp.known:
        return amount, capped_by
    steps.append(
        Step(
            kind="minimum",
            numbers={"minimum": mp.value},
            label=f"Minimum claim ({yuan(mp.value)} yuan)",
            label_zh=f"最低申领额（{plain(mp.value)}元）",
            value=yuan(mp.value),
            reference=mp.reference,
        )
    )
    if Decimal(0) < amount < mp.value:
        warnings.append(
            Notice(
                code="below_minimum_claim",
                en=f"The amount {yuan(amount)} yuan is below the minimum claim of {plain(mp.value)} yuan, so nothing can be claimed.",
                zh=f"金额{yuan(amount)}元低于最低申领额{plain(mp.value)}元，不能申领。",
            )
        )
        return Decimal("0.00"), "min_claim"
    return amount, capped_by


__all__ = ["CAP_LABELS", "CAP_ROLES", "limit_amount"]
