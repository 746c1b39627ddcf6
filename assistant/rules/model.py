"""The program data model: programs, dated versions, parameters with legal references.

Modelled on OpenFisca parameters (a value, a unit, a ``reference`` to the text) and
versions with ``effective_from`` / ``effective_to`` (both inclusive). Programs live as
YAML in ``assistant/rules/programs/<id>.yaml``; see ``loader.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from assistant.rules.ops import Op

# Roles a parameter can play in the calculation; a tier can swap the parameter behind a role.
# ``fixed_amount`` is a one-off award of a set sum (Langfang's 50万 for newly settled firms):
# the amount is that sum whatever the base, still subject to the caps.
ROLES = ("rate", "per_claim_cap", "annual_cap", "cumulative_cap", "min_claim", "fixed_amount")

# What a scheme pays for. Regions issue several vouchers side by side (Shanghai's 算力券, 模型券
# and 语料券), so a question about a 模型券 must never be answered with the compute voucher's rate.
VoucherType = Literal["compute", "model", "corpus", "data", "labelling", "provider", "award", "city_district"]
VOUCHER_TYPES: tuple[str, ...] = get_args(VoucherType)
VOUCHER_LABELS: dict[str, tuple[str, str]] = {
    "compute": ("算力券", "compute voucher"),
    "model": ("模型券", "model voucher"),
    "corpus": ("语料券", "corpus voucher"),
    "data": ("数据券", "data voucher"),
    "labelling": ("标注券", "data-labelling voucher"),
    "provider": ("算力供给方支持", "support for compute providers"),
    "award": ("一次性奖励", "one-off award"),
    # Shanghai's 补早补小: city and district together, a ceiling beside the city's own voucher
    "city_district": ("市区两级合计（补早补小）", "city plus district ceiling (补早补小)"),
}


class Reference(BaseModel):
    """Where a value comes from: a corpus document id and a clause label (第五条, 二、（一）)."""

    model_config = ConfigDict(frozen=True)
    doc: str
    clause: str

    def label(self) -> str:
        return f"{self.doc} {self.clause}"


class Text(BaseModel):
    """A note in both languages."""

    en: str
    zh: str


class Parameter(BaseModel):
    name: str
    value: Any = None  # Decimal for ratio/yuan, date for date, int for months/days; None = unpublished
    unit: Literal["ratio", "yuan", "date", "months", "days"]
    label_zh: str = ""
    label_en: str = ""
    reference: Reference | None = None
    status: Literal["published", "unpublished", "unverified"] = "published"
    upper_bound: bool = False  # the text says 最高 / 不超过: the value is a maximum, set on review
    # For a cap: whether the text says what it is counted per (year, entity, contract). When it
    # does not, the calculator applies one reading (said in the note) and "按年还是按合同" is
    # answered as not published.
    basis_stated: bool = True
    # Only one non-official report gives the figure (Guizhou's 200万 per entity, from a Gansu news
    # item): the calculator still warns, and a question asking for the figure is answered as not
    # published, with the report shown beside it, labelled.
    single_source: bool = False
    note: Text | None = None

    @property
    def known(self) -> bool:
        return self.value is not None and self.status != "unpublished"


class Tier(BaseModel):
    """When every ``when`` fact matches, the roles in ``use`` take other parameters.

    ``when`` maps a fact to a value, or to ``{at_most: PARAM}`` / ``{at_least: PARAM}``.
    The first matching tier wins (like Catala's exceptions over a default rule).
    """

    id: str
    when: dict[str, Any]
    use: dict[str, str]
    label_zh: str = ""
    label_en: str = ""


class Condition(BaseModel):
    """One eligibility condition: the fact it needs, the test, the clause, the question."""

    id: str
    fact: str
    op: Op
    value: Any = None  # a literal; for ops that compare with a parameter use ``param``
    param: str | None = None
    effect: Literal["require", "warn"] = "require"  # warn: failing it is a caveat, not a bar
    reference: Reference
    label_zh: str
    label_en: str
    question_zh: str
    question_en: str
    confidence: str | None = None  # set when weaker than the version's (SA, S1, U)
    # A no-double-funding condition: the levels of other public money its clause bars
    # (municipal, district, provincial, national; lexicon/funding_levels.yaml). None: not stated
    # which, or not such a condition.
    covers: list[Literal["municipal", "district", "provincial", "national"]] | None = None


class Version(BaseModel):
    id: str
    label_zh: str = ""
    label_en: str = ""
    corpus_doc: str
    effective_from: dt.date
    effective_to: dt.date | None = None  # inclusive; None = open-ended or not stated
    # False when the text gives no date (an undated draft): effective_from is only where the
    # calculator starts using the version, and listings show the start as unknown.
    start_stated: bool = True
    status: Literal["official", "reported", "draft"] = "official"
    confidence: Literal["C2", "S1", "SA", "U"] = "S1"
    reference: Reference | None = None  # the clause giving the version's dates or period
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    tiers: list[Tier] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)
    alternatives: list[str] = Field(default_factory=list)
    # What users call this version when several share one text ("2.0版"): an ask naming it is
    # about this version's rules, whatever date it mentions ("2025年8月发布的2.0版").
    names: list[str] = Field(default_factory=list)
    prorate: dict[str, str] | None = None  # {period_start: PARAM, period_end: PARAM}

    def param(self, name: str) -> Parameter | None:
        return self.parameters.get(name)

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class Rounding(BaseModel):
    unit: Literal["yuan", "wan"] = "yuan"
    places: int = 2
    mode: Literal["ROUND_DOWN", "ROUND_HALF_UP"] = "ROUND_DOWN"
    basis_too: bool = False  # also round the (pro-rated) base, as an official example does
    reference: Reference | None = None
    explanation: str = ""

    def describe(self) -> str:
        unit = "万元" if self.unit == "wan" else "元"
        how = "truncated" if self.mode == "ROUND_DOWN" else "rounded half up"
        return f"{how} to {self.places} decimals of {unit}"


class InputField(BaseModel):
    """A declared input, for building forms (web app) and for asking (chat)."""

    name: str
    type: Literal["money", "date", "choice", "bool", "int", "ratio", "list", "str"]
    label_zh: str
    label_en: str
    required: bool = False
    choices: list[str] | None = None
    help_zh: str = ""
    help_en: str = ""


class Statement(BaseModel):
    """The latest known public word on a program's future (it continues, it is being revised),
    with its date and clause, so an answer about an ended or changing program can say what is
    known beyond the text's own dates."""

    date: dt.date
    zh: str
    en: str
    reference: Reference
    confidence: Literal["C2", "S1", "SA", "U", "lead"] = "S1"


class Round(BaseModel):
    """One yearly application round a program's guide opens ("2024年度奖补项目申报"), with the day
    it closed: "还能补报2024年度吗" is answered by that day, not by the program's own period."""

    year: int
    closes: dt.date
    label_zh: str
    label_en: str
    reference: Reference


class _VoucherRules(BaseModel):
    """What a program and each of its schemes state alike: names, the base and its labels, the
    form inputs, the conditions and the versions (each with its own rates and caps)."""

    name: str
    name_en: str = ""
    corpus_doc: str
    # What the base is: the contract amount, the amount actually settled, or the spend (what was
    # paid, else settled, when the user gives several figures).
    base_basis: Literal["contract", "settlement", "spend"] = "contract"
    # Only fees actually paid count (Qingdao 实际支付): an invoice or contract not yet paid is not
    # in the base until it is paid.
    base_paid_only: bool = False
    base_label_zh: str = "合同金额"
    base_label_en: str = "contract amount"
    # Lines of a bill besides compute that the program's own text counts in the base (Langfang
    # 第四条: storage and technical support); every other program takes them out.
    base_includes: list[Literal["storage", "network", "security", "software", "tech_support"]] = Field(
        default_factory=list
    )
    summary_zh: str = ""
    summary_en: str = ""
    inputs: list[InputField] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)  # apply to every version
    # full: the public copies show the whole list of application conditions; partial: only some
    conditions_published: Literal["full", "partial"] = "partial"
    # True where the text itself opens the program to applicants registered elsewhere
    # (Guizhou: 省内外主体均可申领); otherwise an outside applicant is never "eligible"
    # on the strength of conditions the text simply does not publish.
    open_to_outside_applicants: bool = False
    versions: list[Version]


class Scheme(_VoucherRules):
    """Another voucher the program's documents issue beside its compute voucher (a 模型券, a
    语料券, support for providers, a one-off award), in the same shape as the program itself.

    The loader turns each scheme into a ``Program`` carrying the scheme's ``voucher`` and ``id``,
    so the calculator, eligibility and the binding test treat every scheme alike. Fields left
    out (rounding) are taken from the program.
    """

    id: str
    voucher: VoucherType
    rounding: Rounding | None = None


# The fields by which every result names its program and scheme, in this order in its JSON.
IDENTITY_FIELDS = ("program", "voucher", "scheme", "program_name", "program_name_en")


def identity_json(result: Any) -> dict[str, Any]:
    """A result's program and scheme (its ``IDENTITY_FIELDS``), for its JSON."""
    return {k: getattr(result, k) for k in IDENTITY_FIELDS}


class Program(_VoucherRules):
    id: str
    region: str
    region_name: str = ""
    rounding: Rounding = Field(default_factory=Rounding)
    statements: list[Statement] = Field(default_factory=list)  # latest first
    rounds: list[Round] = Field(default_factory=list)  # yearly application rounds with a closing day
    # The scheme this object computes: the program file's top level is its default scheme
    # (compute unless the file says otherwise); ``schemes`` lists the file's other vouchers.
    voucher: VoucherType = "compute"
    scheme: str = "compute"
    schemes: list[Scheme] = Field(default_factory=list)

    def version(self, version_id: str) -> Version:
        for v in self.versions:
            if v.id == version_id:
                return v
        raise KeyError(version_id)

    @property
    def set_sum(self) -> bool:
        """A one-off award of a set sum in every version (Langfang's 50万 for newly settled
        firms): the amount does not depend on a base, so none is needed to compute it."""
        return bool(self.versions) and all(
            v.param("fixed_amount") is not None and v.param("rate") is None for v in self.versions
        )

    def conditions_for(self, version: Version) -> list[Condition]:
        own = {c.id for c in version.conditions}
        return [c for c in self.conditions if c.id not in own] + list(version.conditions)

    def identity(self) -> dict[str, str]:
        """Which program and scheme a result is about, in the field names every result uses
        (calculation, eligibility, comparison row: ``IDENTITY_FIELDS``)."""
        return dict(zip(IDENTITY_FIELDS, (self.id, self.voucher, self.scheme, self.name, self.name_en)))

    def references(self) -> list[Reference]:
        refs: list[Reference] = []
        for v in self.versions:
            refs += [p.reference for p in v.parameters.values() if p.reference]
            refs += [c.reference for c in v.conditions]
            if v.reference:
                refs.append(v.reference)
        refs += [c.reference for c in self.conditions]
        refs += [st.reference for st in self.statements]
        refs += [r.reference for r in self.rounds]
        if self.rounding.reference:
            refs.append(self.rounding.reference)
        return list(dict.fromkeys(refs))

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "name_en": self.name_en,
            "region": self.region,
            "corpus_doc": self.corpus_doc,
            "versions": [
                {
                    "id": v.id,
                    "effective_from": v.effective_from.isoformat(),
                    "effective_to": v.effective_to.isoformat() if v.effective_to else None,
                    "status": v.status,
                    "confidence": v.confidence,
                    "corpus_doc": v.corpus_doc,
                }
                for v in self.versions
            ],
        }
