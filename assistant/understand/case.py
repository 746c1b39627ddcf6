"""The case file: everything understanding reads out of a conversation, as typed data.

Understanding produces one ``Case`` per conversation turn (earlier turns merged in); every
handler reads it and nothing else of the message. Amounts are ``Decimal`` yuan; places are
resolved to province / city / district and to the region codes of the lexicon; each question
the user asked becomes an ``Ask`` with its own intent, so a message with three questions gets
three answers in the order they were asked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["zh", "en"]
Intent = Literal[
    "calculation",  # how much do we get, with or without an amount
    "eligibility",  # can we apply, do we qualify
    "validity",  # is it still in force, can we still apply (in 2026), deadlines
    "fact",  # what the rules or the law say: rate, cap, budget, issuer, scope, an article
    "process",  # how to apply or redeem: steps, materials, where
    "comparison",  # which region or program is better; several programs side by side
    "compliance",  # is a planned use, contract or measure allowed; risks
    "greeting",  # hello, thanks, what can you do
    "off_topic",  # anything outside compute vouchers and their legal frame
]
INTENTS: tuple[Intent, ...] = (
    "calculation",
    "eligibility",
    "validity",
    "fact",
    "process",
    "comparison",
    "compliance",
    "greeting",
    "off_topic",
)
VoucherType = Literal[
    "compute", "model", "corpus", "data", "labelling", "intelligent", "award", "city_district", "provider"
]
PurchaseItem = Literal[
    "compute",
    "storage",
    "network",
    "security",
    "software",
    "tech_support",
    "model",
    "corpus",
    "data_product",
    "labelling",
    "related",  # a share bought from a related party ("其中50万是从母公司买的"): out of the base
    "other",
]
Industry = Literal["software_it", "manufacturing", "research", "education", "other"]
EntityType = Literal["enterprise", "university", "research_institute", "maker", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Place(_Model):
    """A place as the user named it, resolved as far as the lexicon and the gazetteer allow."""

    text: str  # as written: 西城, 闵行, 亦庄, Zhangjiang
    province: str | None = None  # 北京市
    city: str | None = None  # 北京市
    district: str | None = None  # 西城区
    zone: str | None = None  # a development zone or park from the lexicon: 北京经济技术开发区
    region: str | None = None  # the most specific lexicon region code: beijing-etown, shanghai, guangdong
    chain: list[str] = Field(default_factory=list)  # region codes, most specific first: [beijing-etown, beijing]
    candidates: list[str] = Field(
        default_factory=list
    )  # readings of an ambiguous name (朝阳: 北京市朝阳区 | 辽宁省朝阳市)

    @property
    def ambiguous(self) -> bool:
        return not self.region and len(self.candidates) > 1


class Money(_Model):
    """An amount of money in yuan. Approximate amounts keep their range; other currencies are
    kept but never used as a base."""

    value: Decimal  # yuan; the low end of a range
    high: Decimal | None = None  # the high end when the user gave a range or an approximation
    text: str = ""  # as written: 两百来万, 0.8个亿, 30w
    approx: bool = False  # 两百来万, 八十多万, 小一百万, about
    currency: str = "CNY"
    per: Literal["total", "month", "quarter", "year"] = "total"  # 每月十来万: a monthly figure
    confirm: bool = False  # a reading the user should confirm (3kw as 3千万)


class LineItem(_Model):
    """A part of a bill that is not compute (storage, network ...), named with its amount: inside
    the purchase's amount ("合同100万，其中存储20万"), or beside a figure that is the compute fee
    alone ("算力费84万、存储费16万")."""

    item: PurchaseItem
    amount: Money
    beside: bool = False


class Purchase(_Model):
    """One contract, order or settlement the user describes."""

    amount: Money | None = None
    item: PurchaseItem = "compute"
    voucher: VoucherType = "compute"  # what it buys says which voucher pays for it (模型服务 -> model)
    basis: Literal["contract", "settlement", "paid", "invoice"] | None = None  # what the amount is
    settlement: Money | None = None  # the amount actually settled under this contract (合同500万，实际结算420万)
    paid_amount: Money | None = None  # the amount paid so far under it (已付380万)
    invoiced: Money | None = None  # the amount invoiced under it (开票500万)
    excluded: list[LineItem] = Field(default_factory=list)  # non-compute parts inside the amount
    domestic: bool | None = None  # 国产算力
    supplier_related: bool | None = None  # the supplier is a related party
    signed: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    term_months: int | None = None
    region: str | None = None  # the region this purchase is tied to in the message (two sites, two contracts)
    compute_at: str | None = None  # where this purchase's compute is, when purchases differ ("另外在合肥用了1000万")
    already_claimed: bool | None = None  # this contract was used for a claim before
    paid: bool | None = None  # the fee has been paid in full
    purpose: Literal["training", "inference", "application"] | None = None  # what the compute is for
    self_built: bool | None = None  # self-built compute for own use (自建自用)
    certified_supplier: bool | None = None  # the supplier is certified by the issuer (认定的供应方)
    via_platform: bool | None = None  # rented through the issuer's scheduling platform (走省调度平台)
    # The same contract's figure another way ("含税318万、不含税300万，两种口径分别是多少"): computed
    # beside the first, never added to it.
    alternative: bool = False


class Receipt(_Model):
    """Vouchers already received."""

    amount: Money
    year: int | None = None  # the calendar year it was received in; None when not said
    scope: Literal["year", "total"] = "year"  # this year's total, or everything so far
    program: str | None = None
    region: str | None = None


class Applicant(_Model):
    """Who is asking for the voucher. ``None`` everywhere means "not said"."""

    registered: Place | None = None
    entity_type: EntityType | None = None
    industry: Industry | None = None
    sme: bool | None = None
    startup: bool | None = None
    foreign_invested: bool | None = None
    opc: bool | None = None
    independent_legal_person: bool | None = None
    dishonest_record: bool | None = None
    major_violation: bool | None = None
    new_settled: bool | None = None
    key_ai_firm: bool | None = None  # 北京市重点人工智能企业, or a member of the AGI partner programme
    ai_terminal_firm: bool | None = None  # makes AI terminals (AI眼镜, AI手机): Hangzhou's draft scheme
    major_project: bool | None = None
    project_level: Literal["national", "provincial"] | None = None
    other_municipal_subsidy: bool | None = None
    sound_finance: bool | None = None  # a finance function and sound financial rules
    ai_direction_in_plan: bool | None = None  # the AI field is one the region's industry plan supports


class ComplianceFacts(_Model):
    """Facts a compliance check needs (names as ``assistant.compliance`` reads them)."""

    role: Literal["user", "issuer"] | None = None
    voucher_action: Literal["own_use", "transfer", "resale", "lending", "gift", "cash_out"] | None = None
    sham_contract: bool | None = None
    contract_amount_inflated: bool | None = None
    kickback: bool | None = None
    contract_backdated: bool | None = None  # the contract dated earlier than it was signed (倒签)
    delivery_proof: bool | None = None  # invoice and proof of compute delivery kept (False: none)
    invoice_short_of_fee: bool | None = None  # invoiced only the cash part, not the voucher's (抵扣部分不开票)
    purpose_misstated: bool | None = None  # a use declared that is not the real one (推理写成训练)
    compute_resold: bool | None = None  # the subsidised compute sublet or resold to others (转租)
    double_subsidy_same_contract: bool | None = None
    contract_split: bool | None = None
    supply_side_also_claims: bool | None = None
    non_compute_bundled: bool | None = None  # storage, network, security billed as compute
    non_compute_spend: bool | None = None  # the voucher to pay for what is not compute (工资, 电费, 标注)
    price_vs_fair_market: Literal["above", "within"] | None = None
    local_registration_required: bool | None = None
    selective_subsidy: bool | None = None
    designated_suppliers: bool | None = None
    exit_restricted: bool | None = None  # supported firms must promise not to move away (不迁出)
    discriminates_outside: bool | None = None
    fair_competition_review_done: bool | None = None
    criteria_public: bool | None = None
    has_time_limit: bool | None = None

    def stated(self) -> dict[str, object]:
        """Only the facts the user stated."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Ask(_Model):
    """One question in the message, with what it is about."""

    text: str  # the sub-question as the user wrote it
    intent: Intent
    confidence: float = 1.0
    scores: dict[str, float] = Field(default_factory=dict)  # every intent's score, for the logs
    regions: list[str] = Field(default_factory=list)  # region codes this ask is about
    voucher: VoucherType = "compute"
    topics: list[str] = Field(default_factory=list)  # rate, cap, budget, issuer, period, scope ...
    year: int | None = None  # a year the ask is about ("2026年还能申请吗")
    articles: list[str] = Field(default_factory=list)  # article labels the ask names: 第146条
    purchases: list[int] = Field(default_factory=list)  # the purchases this ask is about (indexes); empty = all
    # The arrangements and purchase facts stated in this ask's own words: a message asking about
    # each of several points ("这三点分别有什么风险") is answered point by point, not with them all.
    own_facts: ComplianceFacts | None = None
    own_purchase: Purchase | None = None
    own_applicant: Applicant | None = None  # the kind of applicant its own words name (分公司, 事业单位)
    # Purchase facts only this ask supposes ("（2）如合同已签但尚未付款，能否申请？"): its answer
    # reads the contract with them, the other asks without.
    supposed_purchase: Purchase | None = None
    # A short question that only makes sense after the one before it ("……能不能作为例外出台？
    # 需要满足哪些条件？"): that question's words, which the search for this one carries.
    leans_on: str = ""
    # Documents the ask is about, named by number, title or year ("上海2023年大模型措施现在还能
    # 申请吗"): a question about that version, not about the program's current one.
    documents: list[str] = Field(default_factory=list)


class Clarification(_Model):
    """Something understanding could not settle and must ask about."""

    fact: str  # region | place | amount | currency | intent | ...
    question_zh: str
    question_en: str
    options: list[str] = Field(default_factory=list)  # what the answer may be (readings of 朝阳)


class Note(_Model):
    """An assumption understanding made, said back to the user."""

    code: str
    zh: str
    en: str


class Case(_Model):
    """The case file of a conversation so far."""

    language: Language = "zh"
    text: str = ""  # the latest message, normalised
    applicant: Applicant = Field(default_factory=Applicant)
    purchases: list[Purchase] = Field(default_factory=list)
    received: list[Receipt] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)  # regions asked about, in order of mention
    places: list[Place] = Field(default_factory=list)  # every place named, resolved or not
    unknown_places: list[str] = Field(default_factory=list)  # places with no document in the corpus
    programs: list[str] = Field(default_factory=list)  # programs named explicitly
    compliance: ComplianceFacts = Field(default_factory=ComplianceFacts)
    asks: list[Ask] = Field(default_factory=list)
    rate: Decimal | None = None  # a ratio the user supplies ("按30%算")
    target: Money | None = None  # "要拿到100万券需要多大合同"
    asserted: list[Money] = Field(default_factory=list)  # figures the user claims the rules say
    compute_at: Place | None = None  # where the compute is bought or used ("在贵州买算力", "合肥的算力中心")
    compute_elsewhere: bool | None = None  # "外地智算中心的算力": outside the region asked, place unnamed
    proposed: list[Money] = Field(default_factory=list)  # a base the user asks to claim on ("能按340万申请吗")
    guessed: list[Money] = Field(default_factory=list)  # a result the user expects ("按30%算能拿2400万吗")
    as_of: dt.date | None = None  # the date the user asks about
    injected: list[str] = Field(default_factory=list)  # orders to the assistant, removed from the text
    invalid_dates: list[str] = Field(default_factory=list)  # dates that do not exist (2023-02-30)
    clarifications: list[Clarification] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    carried: list[str] = Field(default_factory=list)  # case fields taken from earlier turns
    turns: int = 1

    @property
    def compute_purchases(self) -> list[Purchase]:
        return [p for p in self.purchases if p.item == "compute" and p.amount is not None]

    def received_in(self, year: int) -> Decimal:
        """Vouchers received in ``year`` (receipts without a year count as this year's)."""
        return sum((r.amount.value for r in self.received if r.scope == "year" and r.year in (year, None)), Decimal(0))

    def received_total(self) -> Decimal | None:
        totals = [r.amount.value for r in self.received if r.scope == "total"]
        return max(totals) if totals else None


__all__ = [
    "INTENTS",
    "Applicant",
    "Ask",
    "Case",
    "Clarification",
    "ComplianceFacts",
    "Intent",
    "Language",
    "LineItem",
    "Money",
    "Note",
    "Place",
    "Purchase",
    "Receipt",
    "VoucherType",
]
