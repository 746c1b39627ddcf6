"""The subsidy calculator: exact, dated, cited.

``calculate`` picks the program version in force on the given date (``versions.py``), checks
the conditions the given facts already decide (``conditions.py``), takes the base, pro-rated
where the program does so (``prorate.py``), resolves the rate from the tiers (``tiers.py``,
``rates.py``: domestic compute, start-ups, SMEs), applies the program's rounding rule
(``rounding.py``), then the caps in order (per claim, per calendar year net of amounts already
received, cumulative) and a minimum claim (``caps.py``). Each step carries the clause it comes
from. Conflicting or overlapping versions and tiers that depend on facts not given are
reported with their amounts in ``warnings`` (``conflicts.py``). A number no public text gives
(Guizhou's ratio) is never invented: the amount is ``None`` unless the user supplies the ratio
as the fact ``rate``.

Rounding: each program's YAML states its rule (``rounding:``). The default is yuan to the fen,
truncated (ROUND_DOWN), so an amount never exceeds rate × base; Nanning truncates to
4 decimals of 万元 as its official worked example does.

This module only orders those steps; each lives in the module named above.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from assistant.rules.calculation import Calculation, Step
from assistant.rules.caps import limit_amount
from assistant.rules.conditions import ConditionResult, evaluate_conditions
from assistant.rules.conflicts import alternative_notice, tier_not_applied_notice
from assistant.rules.errors import RulesInputError
from assistant.rules.inputs import ClaimInputs, parse_inputs
from assistant.rules.model import Program, Tier, Version
from assistant.rules.notices import Notice
from assistant.rules.prorate import base_for_claim
from assistant.rules.rates import amount_before_caps, resolve_rate
from assistant.rules.schemes import get_scheme
from assistant.rules.tiers import choose_tier, param_roles, tier_match
from assistant.rules.values import TEN_THOUSAND, parse_money, wan, yuan
from assistant.rules.versions import select_version, version_notices

# ---------------------------------------------------------------- one version


def _compute(
    program: Program, version: Version, inp: ClaimInputs, *, forced_tier: Tier | None = None, quiet: bool = False
) -> Calculation:
    """The claim under one ``version``, step by step. ``forced_tier`` computes a tier the facts
    do not decide; ``quiet`` leaves out the warnings such a side computation would repeat."""
    calc = _new_calculation(program, version, inp)
    steps: list[Step] = [_version_step(version, inp)]
    warnings: list[Notice] = []
    results, failed = _decided_conditions(program, version, inp, warnings)
    calc.reasons = results
    basis, outside_period = base_for_claim(program, version, inp, steps, warnings, quiet=quiet)
    if outside_period is not None:
        failed.append(outside_period)
        calc.reasons = results + [outside_period]
    if failed:
        return _not_eligible(calc, failed, steps, warnings)

    tier, assumed = choose_tier(version, inp.facts, inp.base, forced_tier)
    warnings.extend(assumed)
    calc.tier = tier.id if tier else None
    roles = param_roles(version, tier)
    user_rate = inp.facts.get("rate")
    calc.rate = resolve_rate(program, version, roles["rate"], user_rate, warnings)
    amount = amount_before_caps(program, basis, calc.rate, tier, roles, user_rate, steps, warnings, quiet=quiet)
    if amount is None:  # no published ratio: no amount, no caps
        calc.steps, calc.warnings = steps, warnings
        return calc

    amount, capped_by = limit_amount(roles, amount, inp, steps, warnings, quiet=quiet)
    steps.append(
        Step(
            kind="result",
            numbers={"amount": amount},
            label="Amount",
            label_zh="金额",
            value=f"{yuan(amount)} ({wan(amount)}万元)",
        )
    )
    calc.amount = amount
    calc.capped_by = capped_by
    calc.steps = steps
    calc.warnings = warnings
    return calc


def _new_calculation(program: Program, version: Version, inp: ClaimInputs) -> Calculation:
    """The result's header: which program, scheme, version and source, before any step."""
    return Calculation(
        **program.identity(),
        version=version.id,
        version_label=version.label_en or version.id,
        version_status=version.status,
        confidence=version.confidence,
        corpus_doc=version.corpus_doc,
        date=inp.on,
        base=inp.base,
        rounding=program.rounding.describe(),
    )


def _version_step(version: Version, inp: ClaimInputs) -> Step:
    """The first step: the version in force on the date, with its span and the clause setting it."""
    return Step(
        kind="version",
        label=f"Version in force on {inp.on.isoformat()}: {version.label_en or version.id} "
        f"({version.effective_from.isoformat()} – {version.effective_to.isoformat() if version.effective_to else 'open'})",
        label_zh=f"{inp.on.isoformat()}适用版本：{version.label_zh or version.id}",
        value=version.id,
        reference=version.reference,
    )


def _decided_conditions(
    program: Program, version: Version, inp: ClaimInputs, warnings: list[Notice]
) -> tuple[list[ConditionResult], list[ConditionResult]]:
    """The conditions the user's own facts already decide (dates outside a window, region ...)
    and, of those, the required ones that fail. Facts not given are left to
    ``check_eligibility``; a failed ``warn`` condition becomes a caveat."""
    results = [r for r in evaluate_conditions(program, version, inp.facts) if r.status != "missing"]
    failed = [r for r in results if r.status == "failed" and r.effect == "require"]
    for r in results:
        if r.status == "failed" and r.effect == "warn":
            warnings.append(Notice(code=f"caveat:{r.condition}", en=r.reason_en, zh=r.reason_zh))
    return results, failed


def _not_eligible(
    calc: Calculation, failed: list[ConditionResult], steps: list[Step], warnings: list[Notice]
) -> Calculation:
    """A failed condition: the amount is zero, with the failed conditions as the last step and
    warning (cited), never a figure that could not be claimed."""
    calc.eligible = False
    calc.amount = Decimal("0.00")
    calc.steps = steps + [
        Step(
            kind="not_eligible",
            numbers={"amount": Decimal("0.00")},
            label="Not eligible: " + "; ".join(r.reason_en for r in failed),
            label_zh="不符合条件：" + "；".join(r.reason_zh for r in failed),
            value="0.00",
            reference=failed[0].reference,
        )
    ]
    calc.warnings = warnings + [
        Notice(
            code="not_eligible",
            en="Not eligible: " + "; ".join(r.reason_en for r in failed),
            zh="不符合条件：" + "；".join(r.reason_zh for r in failed),
        )
    ]
    return calc


# ---------------------------------------------------------------- the public API


def calculate(
    program_id: str,
    amount: Any,
    on: Any = None,
    compute_type: Any = None,
    claimed_this_year: Any = "0",
    facts: dict[str, Any] | None = None,
    start: Any = None,
    end: Any = None,
    voucher: Any = None,
    scheme: Any = None,
) -> Calculation:
    """The voucher amount for one claim under ``program_id`` on date ``on`` (default today).

    ``voucher`` picks the scheme by type (compute, model, corpus, data, labelling, provider,
    award, or 模型券 ...; default the program's compute voucher), ``scheme`` by id.

    ``amount`` is the base in yuan (str, int or Decimal; "150万" accepted). ``claimed_this_year``
    is what the enterprise already received this calendar year (it reduces the annual cap).
    ``facts`` holds eligibility facts and program inputs (see ``assistant.rules.facts``);
    ``start``/``end`` are the contract dates for programs that pro-rate (Nanning).
    Raises ``RulesInputError`` naming the field on bad input, ``UnknownProgramError`` on an
    unknown program.
    """
    program = get_scheme(program_id, voucher, scheme)
    inp = parse_inputs(amount, on, compute_type, claimed_this_year, facts, start, end, base_needed=not program.set_sum)
    version, overlapping, notices = select_version(program, inp.on)
    calc = _compute(program, version, inp)
    calc.warnings = notices + version_notices(version) + calc.warnings
    if calc.eligible is False:
        return calc
    calc.warnings += _tiers_not_applied(program, version, inp, calc)
    calc.warnings += _other_versions(program, version, overlapping, inp)
    return calc


def _tiers_not_applied(program: Program, version: Version, inp: ClaimInputs, calc: Calculation) -> list[Notice]:
    """Tiers ahead of the one used that would apply if a missing fact were known: each one's
    amount, when it differs (the user may well be a start-up without having said so)."""
    out: list[Notice] = []
    chosen_index = next((i for i, t in enumerate(version.tiers) if t.id == calc.tier), len(version.tiers))
    for t in version.tiers[:chosen_index]:
        match, _ = tier_match(t, version, inp.facts, inp.base)
        if match is None:
            alt = _compute(program, version, inp, forced_tier=t, quiet=True)
            missing = [f for f in t.when if inp.facts.get(f) is None]
            if alt.amount is not None and alt.amount != calc.amount:
                out.append(tier_not_applied_notice(t, missing, alt))
    return out


def _other_versions(program: Program, version: Version, overlapping: list[Version], inp: ClaimInputs) -> list[Notice]:
    """Other versions: declared alternatives and versions also in force on the date, each
    computed in full so the conflict is shown with its amount."""
    alt_ids = list(dict.fromkeys(version.alternatives + [v.id for v in overlapping]))
    out: list[Notice] = []
    for alt_id in alt_ids:
        alt_version = program.version(alt_id)
        alt_calc = _compute(program, alt_version, inp, quiet=True)
        out.append(alternative_notice(alt_version, alt_calc))
    return out


def calculate_claims(
    program_id: str,
    amounts: list[Any],
    on: Any = None,
    compute_type: Any = None,
    claimed_this_year: Any = "0",
    facts: dict[str, Any] | None = None,
    voucher: Any = None,
    scheme: Any = None,
) -> list[Calculation]:
    """Several claims in one calendar year, in order: each claim's amounts already received
    include the earlier claims' amounts (a running annual total)."""
    received = parse_money(
        claimed_this_year if claimed_this_year not in (None, "") else 0, "claimed_this_year", allow_zero=True
    )
    results: list[Calculation] = []
    extra = dict(facts or {})
    for i, a in enumerate(amounts):
        f = dict(extra)
        if "claimed_total" in extra:
            f["claimed_total"] = parse_money(extra["claimed_total"], "claimed_total", allow_zero=True) + (
                received - parse_money(claimed_this_year or 0, "claimed_this_year", allow_zero=True)
            )
        try:
            c = calculate(
                program_id,
                a,
                on=on,
                compute_type=compute_type,
                claimed_this_year=received,
                facts=f,
                voucher=voucher,
                scheme=scheme,
            )
        except RulesInputError as exc:
            raise RulesInputError(f"amounts[{i}]" if exc.field == "amount" else exc.field, exc.message) from None
        results.append(c)
        received += c.amount or Decimal(0)
    return results


__all__ = ["Calculation", "Step", "calculate", "calculate_claims", "TEN_THOUSAND"]
