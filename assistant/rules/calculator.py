"""The subsidy calculator: exact, dated, cited.

``calculate`` picks the program version in force on the given date, resolves the rate (tiers
such as domestic compute, start-ups or SMEs), applies the program's rounding rule, then the
caps in order (per claim, per calendar year net of amounts already received, cumulative), then
a minimum claim. Each step carries the clause it comes from. Conflicting or overlapping
versions and tiers that depend on facts not given are reported with their amounts in
``warnings``. A number no public text gives (Guizhou's ratio) is never invented: the amount is
``None`` unless the user supplies the ratio as the fact ``rate``.

Rounding: each program's YAML states its rule (``rounding:``). The default is yuan to the fen,
truncated (ROUND_DOWN), so an amount never exceeds rate × base; Nanning truncates to
4 decimals of 万元 as its official worked example does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.rules.eligibility import (
    ConditionResult,
    Notice,
    evaluate_conditions,
    normalize_fact,
    normalize_facts,
    select_version,
    today,
)
from assistant.rules.errors import RulesInputError
from assistant.rules.model import Parameter, Program, Reference, Tier, Version
from assistant.rules.schemes import get_scheme
from assistant.rules.values import (
    TEN_THOUSAND,
    parse_date,
    parse_money,
    percent,
    plain,
    quantize,
    wan,
    yuan,
)

CAP_ROLES = ("per_claim_cap", "annual_cap", "cumulative_cap")


StepKind = Literal[
    "version",  # the version in force on the date
    "base",  # the base amount (yuan)
    "period_days",  # days of the contract inside the base period (pro-rating)
    "contract_days",  # days of the whole contract
    "prorated_base",  # base × period_days / contract_days
    "rate",  # the rate applied (a ratio)
    "rate_unpublished",  # no published rate: no amount
    "fixed",  # a one-off award of a set sum (no rate)
    "product",  # base × rate before rounding
    "rounding",  # the program's rounding rule applied
    "cap",  # a cap, net of what was received (numbers: cap, received, remaining)
    "capped",  # the amount was limited by that cap
    "minimum",  # the minimum claim
    "not_eligible",  # a condition the facts fail
    "result",  # the amount
]


class Step(BaseModel):
    """One step of a calculation. ``kind`` and ``numbers`` are the data (exact Decimals, day
    counts, the cap's role); ``label``/``value`` are the same step in words for the CLI. Answers
    are built from the data and never parse the words back."""

    kind: StepKind
    label: str
    label_zh: str
    value: str
    reference: Reference | None = None
    numbers: dict[str, Decimal] = Field(default_factory=dict)
    role: str | None = None  # for cap/capped steps: per_claim_cap | annual_cap | cumulative_cap

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "numbers": {k: plain(v) for k, v in self.numbers.items()},
            "role": self.role,
            "label": self.label,
            "label_zh": self.label_zh,
            "value": self.value,
            "reference": self.reference.model_dump() if self.reference else None,
        }


class Calculation(BaseModel):
    program: str
    voucher: str = "compute"  # the scheme's voucher type (compute, model, corpus, ...)
    scheme: str = "compute"  # the scheme id within the program file
    program_name: str
    program_name_en: str = ""
    version: str
    version_label: str = ""
    version_status: str = ""
    confidence: str = ""
    corpus_doc: str = ""
    date: dt.date
    base: Decimal
    rate: Decimal | None = None
    tier: str | None = None
    amount: Decimal | None = None
    capped_by: str | None = None
    # False when a fact given to calculate fails a condition (amount 0, reasons cited); None
    # otherwise: only the facts given are checked here, check_eligibility decides the rest.
    eligible: bool | None = None
    reasons: list[ConditionResult] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    warnings: list[Notice] = Field(default_factory=list)
    rounding: str = ""

    @property
    def amount_wan(self) -> str | None:
        return wan(self.amount) if self.amount is not None else None

    @property
    def references(self) -> list[Reference]:
        refs = [s.reference for s in self.steps if s.reference]
        refs += [r.reference for r in self.reasons]
        return list(dict.fromkeys(refs))

    def warning_texts(self) -> list[str]:
        return [w.en for w in self.warnings]

    def as_json(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "voucher": self.voucher,
            "scheme": self.scheme,
            "program_name": self.program_name,
            "program_name_en": self.program_name_en,
            "version": self.version,
            "version_label": self.version_label,
            "version_status": self.version_status,
            "confidence": self.confidence,
            "corpus_doc": self.corpus_doc,
            "date": self.date.isoformat(),
            "base": yuan(self.base),
            "rate": plain(self.rate) if self.rate is not None else None,
            "rate_percent": percent(self.rate) if self.rate is not None else None,
            "tier": self.tier,
            "amount": yuan(self.amount) if self.amount is not None else None,
            "amount_wan": self.amount_wan,
            "capped_by": self.capped_by,
            "eligible": self.eligible,
            "reasons": [
                {
                    "condition": r.condition,
                    "status": r.status,
                    "reason_en": r.reason_en,
                    "reason_zh": r.reason_zh,
                    "reference": r.reference.model_dump(),
                }
                for r in self.reasons
                if r.status != "missing"
            ],
            "steps": [s.as_json() for s in self.steps],
            "warnings": [w.en for w in self.warnings],
            "warnings_zh": [w.zh for w in self.warnings],
            "warning_codes": [w.code for w in self.warnings],
            "warning_data": [w.data for w in self.warnings],
            "references": [r.model_dump() for r in self.references],
            "rounding": self.rounding,
        }


# ---------------------------------------------------------------- inputs


class _Inputs(BaseModel):
    base: Decimal
    on: dt.date
    claimed: Decimal
    facts: dict[str, Any]
    start: dt.date | None = None
    end: dt.date | None = None


def _parse_inputs(
    amount: Any, on: Any, compute_type: Any, claimed_this_year: Any, facts: Any, start: Any, end: Any
) -> _Inputs:
    base = parse_money(amount, "amount")
    claimed = parse_money(
        claimed_this_year if claimed_this_year not in (None, "") else 0, "claimed_this_year", allow_zero=True
    )
    facts = normalize_facts(dict(facts or {}))
    if compute_type not in (None, ""):
        facts["compute_type"] = normalize_fact("compute_type", compute_type)
    day = parse_date(on, "date") if on not in (None, "") else today()
    start_d = parse_date(start, "start") if start not in (None, "") else facts.pop("start", None)
    end_d = parse_date(end, "end") if end not in (None, "") else facts.pop("end", None)
    if isinstance(start_d, str):
        start_d = parse_date(start_d, "start")
    if isinstance(end_d, str):
        end_d = parse_date(end_d, "end")
    if start_d and end_d and end_d <= start_d:
        raise RulesInputError(
            "end", f"the end date {end_d.isoformat()} must be after the start date {start_d.isoformat()}"
        )
    if (start_d is None) != (end_d is None):
        missing = "end" if end_d is None else "start"
        raise RulesInputError(missing, "give both the start and the end date of the contract, or neither")
    return _Inputs(base=base, on=day, claimed=claimed, facts=facts, start=start_d, end=end_d)


# ---------------------------------------------------------------- tiers


def _tier_match(tier: Tier, version: Version, facts: dict[str, Any], base: Decimal) -> tuple[bool | None, list[Notice]]:
    """True / False, or None when a fact it needs is missing."""
    notes: list[Notice] = []
    unknown = False
    for fact, spec in tier.when.items():
        value = facts.get(fact)
        if isinstance(spec, dict):
            if value is None and spec.get("fallback") == "base":
                value = base
                notes.append(
                    Notice(
                        code=f"assumed:{fact}",
                        en=f"{fact} not given: assumed this amount is the only one declared this year.",
                        zh=f"未提供{fact}：假定本次金额为本年度唯一申报金额。",
                    )
                )
            if value is None:
                unknown = True
                continue
            for op, pname in spec.items():
                if op == "fallback":
                    continue
                limit = version.parameters[pname].value
                if op == "at_most" and not value <= limit:
                    return False, []
                if op == "at_least" and not value >= limit:
                    return False, []
        else:
            if value is None:
                unknown = True
                continue
            if value != spec:
                return False, []
    return (None if unknown else True), notes


def _roles(version: Version, tier: Tier | None) -> dict[str, Parameter | None]:
    roles = {r: version.param(r) for r in ("rate",) + CAP_ROLES + ("min_claim", "fixed_amount")}
    if tier:
        for role, pname in tier.use.items():
            roles[role] = version.parameters[pname]
    return roles


# ---------------------------------------------------------------- core


def _compute(
    program: Program, version: Version, inp: _Inputs, *, forced_tier: Tier | None = None, quiet: bool = False
) -> Calculation:
    steps: list[Step] = []
    warnings: list[Notice] = []
    facts = inp.facts
    calc = Calculation(
        program=program.id,
        voucher=program.voucher,
        scheme=program.scheme,
        program_name=program.name,
        program_name_en=program.name_en,
        version=version.id,
        version_label=version.label_en or version.id,
        version_status=version.status,
        confidence=version.confidence,
        corpus_doc=version.corpus_doc,
        date=inp.on,
        base=inp.base,
        rounding=program.rounding.describe(),
    )
    steps.append(
        Step(
            kind="version",
            label=f"Version in force on {inp.on.isoformat()}: {version.label_en or version.id} "
            f"({version.effective_from.isoformat()} – {version.effective_to.isoformat() if version.effective_to else 'open'})",
            label_zh=f"{inp.on.isoformat()}适用版本：{version.label_zh or version.id}",
            value=version.id,
            reference=version.reference,
        )
    )

    # Conditions the user's own facts already decide (dates outside a window, region, ...).
    results = [r for r in evaluate_conditions(program, version, facts) if r.status != "missing"]
    calc.reasons = results
    failed = [r for r in results if r.status == "failed" and r.effect == "require"]
    for r in results:
        if r.status == "failed" and r.effect == "warn":
            warnings.append(Notice(code=f"caveat:{r.condition}", en=r.reason_en, zh=r.reason_zh))

    # Base, pro-rated by day count where the program does so.
    basis = inp.base
    steps.append(
        Step(
            kind="base",
            label=f"Base: {program.base_label_en}",
            label_zh=f"计算基数：{program.base_label_zh}",
            value=yuan(basis),
            numbers={"base": basis},
        )
    )
    if version.prorate:
        ps = version.parameters[version.prorate["period_start"]]
        pe = version.parameters[version.prorate["period_end"]]
        if inp.start and inp.end:
            overlap = (min(inp.end, pe.value) - max(inp.start, ps.value)).days
            total = (inp.end - inp.start).days
            steps.append(
                Step(
                    kind="period_days",
                    numbers={"days": Decimal(max(overlap, 0))},
                    label=f"Days in the base period {ps.value.isoformat()}–{pe.value.isoformat()} "
                    f"(min(end, {pe.value.isoformat()}) − max(start, {ps.value.isoformat()}), a date difference, no +1)",
                    label_zh=f"基期内天数（{ps.value.isoformat()}至{pe.value.isoformat()}，日期相减，不加1）",
                    value=str(max(overlap, 0)),
                    reference=ps.reference,
                )
            )
            steps.append(
                Step(
                    kind="contract_days",
                    numbers={"days": Decimal(total)},
                    label="Contract days (end − start, a date difference, no +1)",
                    label_zh="合同天数（结束日期减开始日期，不加1）",
                    value=str(total),
                    reference=ps.reference,
                )
            )
            if overlap <= 0:
                failed.append(
                    ConditionResult(
                        condition="within_base_period",
                        fact="start/end",
                        status="failed",
                        effect="require",
                        value=f"{inp.start.isoformat()}..{inp.end.isoformat()}",
                        requirement_zh="合同期与基期有重叠",
                        requirement_en="the contract period overlaps the base period",
                        reason_zh=f"不符合：合同期{inp.start.isoformat()}至{inp.end.isoformat()}与基期"
                        f"{ps.value.isoformat()}至{pe.value.isoformat()}无重叠",
                        reason_en=f"Not met: the contract period {inp.start.isoformat()}..{inp.end.isoformat()} does not overlap "
                        f"the base period {ps.value.isoformat()}..{pe.value.isoformat()}",
                        reference=ps.reference,
                    )
                )
                calc.reasons = results + failed[-1:]
            else:
                basis = basis * Decimal(overlap) / Decimal(total)
                if program.rounding.basis_too:
                    basis = quantize(basis, program.rounding.unit, program.rounding.places, program.rounding.mode)
                steps.append(
                    Step(
                        kind="prorated_base",
                        numbers={"base": basis, "period_days": Decimal(overlap), "contract_days": Decimal(total)},
                        label=f"Pro-rated base = base × {overlap}/{total}"
                        + (f", {program.rounding.describe()}" if program.rounding.basis_too else ""),
                        label_zh=f"折算基数 = 基数 × {overlap}/{total}",
                        value=f"{yuan(basis)} ({wan(basis)}万元)",
                        reference=ps.reference,
                    )
                )
        elif not quiet:
            warnings.append(
                Notice(
                    code="prorate_assumed_full",
                    en=f"Contract start and end dates not given: the whole amount is treated as settled within the base period "
                    f"{ps.value.isoformat()}–{pe.value.isoformat()}. Give start and end to pro-rate by day count.",
                    zh=f"未提供合同起止日期：按全部金额均发生在基期（{ps.value.isoformat()}至{pe.value.isoformat()}）内计算；"
                    f"提供起止日期可按天数折算。",
                )
            )

    if failed:
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

    # Tier and rate.
    tier = forced_tier
    if tier is None:
        for t in version.tiers:
            match, notes = _tier_match(t, version, facts, inp.base)
            if match:
                tier = t
                warnings.extend(notes)
                break
    calc.tier = tier.id if tier else None
    roles = _roles(version, tier)
    rate_p = roles["rate"]
    rate: Decimal | None = rate_p.value if rate_p and rate_p.known else None
    user_rate = facts.get("rate")
    if user_rate is not None:
        if rate is None:
            rate = user_rate
            warnings.append(
                Notice(
                    code="user_supplied_rate",
                    en=f"The ratio {percent(user_rate)} was supplied by the user; no public text gives this program's ratio. "
                    f"The amount is illustrative only.",
                    zh=f"比例{percent(user_rate)}为用户提供；公开文本未载明该项目的比例，金额仅供参考。",
                )
            )
        elif rate_p is not None and rate_p.upper_bound and user_rate <= rate:
            rate = user_rate
            warnings.append(
                Notice(
                    code="user_supplied_rate",
                    en=f"Rate {percent(user_rate)} supplied by the user (the text allows at most {percent(rate_p.value)}).",
                    zh=f"比例{percent(user_rate)}为用户提供（文本规定最高{percent(rate_p.value)}）。",
                )
            )
        else:
            assert rate_p is not None
            how = "at most" if rate_p.upper_bound else "fixed at"
            raise RulesInputError(
                "rate",
                f"{program.id} {version.id}: the rate is {how} {percent(rate_p.value)} "
                f"({rate_p.reference.label() if rate_p.reference else ''}); got {percent(user_rate)}",
            )
    calc.rate = rate
    fixed_p = roles["fixed_amount"]
    if rate is None and fixed_p is not None and fixed_p.known:
        # A one-off award: the set sum, whatever the base (then the caps below).
        amount = fixed_p.value
        steps.append(
            Step(
                kind="fixed",
                numbers={"amount": amount},
                label=f"One-off award of a set sum ({wan(amount)}万元), whatever the base",
                label_zh=f"一次性定额（{wan(amount)}万元），与基数无关",
                value=yuan(amount),
                reference=fixed_p.reference,
            )
        )
    else:
        if rate is None:
            why = rate_p.note.en if rate_p and rate_p.note else "No public text consulted gives this program's ratio."
            why_zh = rate_p.note.zh if rate_p and rate_p.note else "所查公开文本均未载明该项目的比例。"
            steps.append(
                Step(
                    kind="rate_unpublished",
                    label="Rate: not published",
                    label_zh="比例：未公开",
                    value="unknown",
                    reference=rate_p.reference if rate_p else None,
                )
            )
            warnings.append(
                Notice(
                    code="rate_unpublished",
                    en=f"No amount: {why} The calculator does not invent a ratio. To see an illustrative amount, "
                    f"supply the ratio yourself as the fact `rate` (CLI: --set rate=0.3).",
                    zh=f"无法计算金额：{why_zh}计算器不会自行假设比例。如需示意金额，请自行提供比例（事实 rate，命令行 --set rate=0.3）。",
                )
            )
            calc.steps, calc.warnings = steps, warnings
            return calc
        rate_ref = rate_p.reference if rate_p and rate_p.reference and user_rate is None else None
        tier_label = f" ({tier.label_en})" if tier and tier.label_en else ""
        tier_label_zh = f"（{tier.label_zh}）" if tier and tier.label_zh else ""
        steps.append(
            Step(
                kind="rate",
                numbers={"rate": rate},
                label=f"Rate{tier_label}"
                + (" — a maximum (最高/不超过)" if rate_p and rate_p.upper_bound and user_rate is None else ""),
                label_zh=f"比例{tier_label_zh}"
                + ("（上限）" if rate_p and rate_p.upper_bound and user_rate is None else ""),
                value=percent(rate),
                reference=rate_ref or (rate_p.reference if rate_p else None),
            )
        )
        if rate_p and rate_p.upper_bound and user_rate is None and not quiet:
            warnings.append(
                Notice(
                    code="rate_is_maximum",
                    en=f"{percent(rate)} is the maximum the text allows (最高/不超过); the rate actually granted is set on review, "
                    f"so this amount is a ceiling.",
                    zh=f"{percent(rate)}为文本规定的上限（最高/不超过），实际比例以评审核定为准，本金额为上限。",
                )
            )
        if rate_p and rate_p.status == "unverified" and not quiet:
            warnings.append(
                Notice(
                    code=f"unverified:{rate_p.name}",
                    en=f"The rate {percent(rate)} is not confirmed by the official text"
                    + (f": {rate_p.note.en}" if rate_p.note else "."),
                    zh=f"比例{percent(rate)}未经官方文本核实" + (f"：{rate_p.note.zh}" if rate_p.note else "。"),
                )
            )

        raw = basis * rate
        steps.append(
            Step(
                kind="product",
                numbers={"base": basis, "rate": rate, "product": raw},
                label=f"Base × rate = {yuan(basis)} × {plain(rate)}",
                label_zh="基数 × 比例",
                value=plain(raw),
            )
        )
        r = program.rounding
        amount = quantize(raw, r.unit, r.places, r.mode)
        steps.append(
            Step(
                kind="rounding",
                numbers={"before": raw, "after": amount},
                label=f"Rounding: {r.describe()}",
                label_zh="取整规则："
                + ("截断（不四舍五入）" if r.mode == "ROUND_DOWN" else "四舍五入")
                + f"，保留{'万元' if r.unit == 'wan' else '元'}{r.places}位小数",
                value=f"{yuan(amount)} ({wan(amount)}万元)",
                reference=r.reference,
            )
        )
    capped_by: str | None = None

    # Caps.
    cap_labels = {
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
    for role in CAP_ROLES:
        p = roles[role]
        if p is None:
            continue
        if not p.known:
            if not quiet:
                warnings.append(
                    Notice(
                        code=f"cap_unpublished:{role}",
                        en=f"{cap_labels[role][0]}: not published; no cap applied.",
                        zh=f"{cap_labels[role][1]}：未公开，未适用上限。",
                    )
                )
            continue
        cap = p.value
        received = Decimal(0)
        if role == "annual_cap":
            received = inp.claimed
        elif role == "cumulative_cap":
            received = facts.get("claimed_total")
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
        remaining = max(cap - received, Decimal(0))
        label_en, label_zh = cap_labels[role]
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
        if amount > remaining:
            amount = remaining
            capped_by = role
            steps.append(
                Step(
                    kind="capped",
                    role=role,
                    numbers={"amount": amount},
                    label=f"Capped by the {label_en.lower()}",
                    label_zh=f"受{label_zh}限制",
                    value=yuan(amount),
                    reference=p.reference,
                )
            )
    if inp.claimed and roles["annual_cap"] is None and roles["cumulative_cap"] is None and not quiet:
        warnings.append(
            Notice(
                code="claimed_ignored",
                en="This program states no annual or cumulative cap per enterprise, so the amount already received does not reduce it.",
                zh="该项目未规定企业年度或累计上限，本年已获金额不影响本次金额。",
            )
        )

    # Minimum claim.
    mp = roles["min_claim"]
    if mp is not None and mp.known:
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
            amount = Decimal("0.00")
            capped_by = "min_claim"
    if amount == 0 and capped_by in CAP_ROLES and not quiet:
        warnings.append(
            Notice(
                code="cap_exhausted",
                en=f"The {capped_by.replace('_', ' ')} is already used up by the amounts received.",
                zh="已获金额已用尽该上限。",
            )
        )
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


def _version_notices(program: Program, version: Version) -> list[Notice]:
    out = [Notice(code=f"note:{version.id}:{i}", en=n.en, zh=n.zh) for i, n in enumerate(version.notes)]
    if version.status != "official":
        out.append(
            Notice(
                code="version_status",
                en=f"Version {version.id} is {version.status} (confidence {version.confidence}): not a confirmed official text.",
                zh=f"版本{version.id}为{version.status}（可信度{version.confidence}），并非已核实的官方文本。",
            )
        )
    elif version.confidence == "S1":
        out.append(
            Notice(
                code="single_source",
                en=f"The parameters of {version.id} come from a single public copy (S1); confirm with the issuer.",
                zh=f"{version.id}的参数仅见单一公开来源（S1），请向发文单位核实。",
            )
        )
    return out


def _alternative_notice(program: Program, alt: Version, alt_calc: Calculation) -> Notice:
    amount_en = (
        f"{yuan(alt_calc.amount)} yuan ({alt_calc.amount_wan}万元)" if alt_calc.amount is not None else "no amount"
    )
    amount_zh = f"{yuan(alt_calc.amount)}元（{alt_calc.amount_wan}万元）" if alt_calc.amount is not None else "无法计算"
    rate = f"rate {percent(alt_calc.rate)}" if alt_calc.rate is not None else "rate unknown"
    span = f"{alt.effective_from.isoformat()}" + (
        f" to {alt.effective_to.isoformat()}" if alt.effective_to else " onward"
    )
    return Notice(
        code=f"alternative:{alt.id}",
        data={
            "version": alt.id,
            "status": alt.status,
            "rate": plain(alt_calc.rate) if alt_calc.rate is not None else "",
            "amount": yuan(alt_calc.amount) if alt_calc.amount is not None else "",
        },
        en=f"Alternative version {alt.id} — {alt.label_en or alt.id} ({alt.status}, {alt.corpus_doc}, {span}): "
        f"{rate} gives {amount_en}.",
        zh=f"另一版本{alt.id}——{alt.label_zh or alt.id}（{alt.status}，{alt.corpus_doc}，{span}）：比例"
        f"{percent(alt_calc.rate) if alt_calc.rate is not None else '未知'}，金额{amount_zh}。",
    )


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
    ``facts`` holds eligibility facts and program inputs (see ``assistant.rules.eligibility``);
    ``start``/``end`` are the contract dates for programs that pro-rate (Nanning).
    Raises ``RulesInputError`` naming the field on bad input, ``UnknownProgramError`` on an
    unknown program.
    """
    program = get_scheme(program_id, voucher, scheme)
    inp = _parse_inputs(amount, on, compute_type, claimed_this_year, facts, start, end)
    version, overlapping, notices = select_version(program, inp.on)
    calc = _compute(program, version, inp)
    calc.warnings = notices + _version_notices(program, version) + calc.warnings
    if calc.eligible is False:
        return calc

    # Tiers that would apply if a missing fact were known: show their amounts.
    chosen_index = next((i for i, t in enumerate(version.tiers) if t.id == calc.tier), len(version.tiers))
    for t in version.tiers[:chosen_index]:
        match, _ = _tier_match(t, version, inp.facts, inp.base)
        if match is None:
            alt = _compute(program, version, inp, forced_tier=t, quiet=True)
            missing = [f for f in t.when if inp.facts.get(f) is None]
            if alt.amount is not None and alt.amount != calc.amount:
                calc.warnings.append(
                    Notice(
                        code=f"tier_not_applied:{t.id}",
                        data={
                            "tier": t.id,
                            "missing": ",".join(missing),
                            "rate": plain(alt.rate) if alt.rate is not None else "",
                            "amount": yuan(alt.amount),
                        },
                        en=f"Not applied because {', '.join(missing)} was not given: if {t.label_en or t.id}, the rate is "
                        f"{percent(alt.rate)} and the amount {yuan(alt.amount)} yuan ({alt.amount_wan}万元).",
                        zh=f"因未提供{'、'.join(missing)}而未适用：若{t.label_zh or t.id}，比例为{percent(alt.rate)}，"
                        f"金额{yuan(alt.amount)}元（{alt.amount_wan}万元）。",
                    )
                )

    # Other versions: declared alternatives and versions also in force on the date.
    alt_ids = list(dict.fromkeys(version.alternatives + [v.id for v in overlapping]))
    for alt_id in alt_ids:
        alt_version = program.version(alt_id)
        alt_calc = _compute(program, alt_version, inp, quiet=True)
        calc.warnings.append(_alternative_notice(program, alt_version, alt_calc))
    return calc


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
