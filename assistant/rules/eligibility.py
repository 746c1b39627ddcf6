"""Eligibility: which program conditions an enterprise meets, fails, or has not told us.

Every condition lives in the program YAML with the fact it needs, its clause reference and
a question in Chinese and English. ``check_eligibility`` returns, per program, a status
(``eligible`` | ``not_eligible`` | ``undetermined``), the reason for each condition met or
failed (cited), and the missing facts with the questions to ask for them.

Facts (the names the chat's slot extractor fills; a profile is a dict of these):

==========================  ==================================================================
fact                        meaning
==========================  ==================================================================
registered_in               where the applicant is registered: a region code (beijing,
                            beijing-etown, shanghai, zhengzhou ...) or its Chinese name
industry                    software_it | manufacturing | research | education | other
entity_type                 enterprise | university | research_institute | maker | other
independent_legal_person    bool: an independent legal person (独立法人)
supplier_related            bool: the compute supplier is a related party (关联方)
contract_signed             date the compute contract was signed (YYYY-MM-DD)
contract_term_months        int: the contract's term in months
contract_paid               bool: the contract has been signed and paid
line_items                  list of what the contract buys: compute, storage, network,
                            security, software, other
price_vs_fair_market        above | within: contract price against the market fair-price range
other_municipal_subsidy     bool: another municipal-level (or same-level) fiscal subsidy for
                            compute was received, incl. for the same contract (double funding)
contract_already_claimed    bool: this contract was already used for a voucher claim
enterprise_size             large | medium | small | micro
sme                         bool: a small or medium-sized enterprise (中小企业)
startup                     bool: a start-up (初创企业)
purpose                     training | inference | application: what the compute is used for
dishonest_record            bool: on a dishonesty (失信) list within the last 3 years
major_violation             bool: a major penalty, crime or safety accident in the last 3 years
compute_type                domestic | non_domestic: Chinese-made (国产) compute or other
compute_location            region code where the rented compute sits (in-province rules)
via_platform                bool: rented through the designated scheduling/matching platform
self_built                  bool: the compute is self-built for own use (自建自用)
major_project               bool: lead of a national or provincial major AI project
project_level               national | provincial: level of that major project
opc                         bool: a one-person company (OPC, 一人公司) under OPC measures
new_settled                 bool: newly settled in the region (新落地企业)
certified_supplier          bool: the supplier is one the issuer has certified (认定的算力供应方)
model_filed                 bool: the large model is filed under the generative-AI measures (已备案)
key_ai_firm                 bool: a municipal key AI firm or AGI partner-programme member
benchmark_project           bool: a recognised compute-application benchmark project (标杆项目)
ai_terminal_firm            bool: an AI terminal (device) firm (人工智能终端企业)
sound_finance               bool: has a finance function and sound financial rules (财务机构和制度健全)
ai_direction_in_plan        bool: the AI work is in a field the region's industry plan supports
                            (Beijing: 《北京市"十四五"时期高精尖产业发展规划》)
annual_contract_total       money: total compute contracts declared this year (yuan)
claimed_total               money: vouchers received so far in total (for cumulative caps)
rate                        ratio: a rate supplied by the user where the text gives none
==========================  ==================================================================
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.rules.errors import RulesInputError
from assistant.rules.loader import load_programs
from assistant.rules.model import Condition, Program, Reference, Text, Version
from assistant.rules.ops import holds
from assistant.rules.regions import normalize_region
from assistant.rules.values import parse_bool, parse_date, parse_int, parse_money, parse_ratio

TODAY_OVERRIDE: dt.date | None = None  # tests may pin "today"


def today() -> dt.date:
    return TODAY_OVERRIDE or dt.date.today()


class FactSpec(BaseModel):
    name: str
    type: Literal["region", "choice", "bool", "date", "int", "list", "money", "ratio"]
    meaning: str
    choices: list[str] | None = None
    question_zh: str
    question_en: str


def _f(name: str, type_: str, meaning: str, q_zh: str, q_en: str, choices: list[str] | None = None) -> FactSpec:
    return FactSpec(name=name, type=type_, meaning=meaning, choices=choices, question_zh=q_zh, question_en=q_en)


FACTS: dict[str, FactSpec] = {
    f.name: f
    for f in [
        _f(
            "registered_in",
            "region",
            "registration place (region code)",
            "贵单位在哪里注册？",
            "Where is your organisation registered?",
        ),
        _f(
            "industry",
            "choice",
            "industry",
            "贵单位属于什么行业（软件和信息服务业、制造业或其他）？",
            "Which industry are you in (software/IT services, manufacturing, other)?",
            ["software_it", "manufacturing", "research", "education", "other"],
        ),
        _f(
            "entity_type",
            "choice",
            "kind of applicant",
            "申请主体是企业、高校、科研院所还是创客？",
            "Is the applicant an enterprise, university, research institute or maker?",
            ["enterprise", "university", "research_institute", "maker", "other"],
        ),
        _f(
            "independent_legal_person",
            "bool",
            "independent legal person",
            "贵单位是否为独立法人？",
            "Is the applicant an independent legal person?",
        ),
        _f(
            "supplier_related",
            "bool",
            "supplier is a related party",
            "算力供应商是否为贵单位的关联方？",
            "Is the compute supplier a related party of yours?",
        ),
        _f(
            "contract_signed",
            "date",
            "contract signing date",
            "算力合同是哪天签订的？",
            "On what date was the compute contract signed?",
        ),
        _f(
            "contract_term_months",
            "int",
            "contract term in months",
            "合同期限是几个月？",
            "How many months does the contract run?",
        ),
        _f(
            "contract_paid",
            "bool",
            "contract signed and paid",
            "合同是否已签订并支付？",
            "Has the contract been signed and paid?",
        ),
        _f(
            "line_items",
            "list",
            "what the contract buys",
            "合同包含哪些内容（算力、存储、网络、安全等）？",
            "What does the contract cover (compute, storage, network, security ...)?",
            ["compute", "storage", "network", "security", "software", "other"],
        ),
        _f(
            "price_vs_fair_market",
            "choice",
            "price vs the market fair-price range",
            "合同价格是否在市场公允价格区间内？",
            "Is the contract price within the market fair-price range?",
            ["above", "within"],
        ),
        _f(
            "other_municipal_subsidy",
            "bool",
            "other municipal compute subsidy received",
            "是否已获得其他市级（同级）财政算力补贴？",
            "Have you received any other municipal (same-level) fiscal subsidy for compute?",
        ),
        _f(
            "contract_already_claimed",
            "bool",
            "contract already used for a claim",
            "这份合同是否已经申领过算力券？",
            "Has this contract already been used for a voucher claim?",
        ),
        _f(
            "enterprise_size",
            "choice",
            "enterprise size",
            "企业规模是大型、中型、小型还是微型？",
            "Is the enterprise large, medium, small or micro?",
            ["large", "medium", "small", "micro"],
        ),
        _f(
            "sme",
            "bool",
            "small or medium enterprise",
            "贵单位是否为中小企业？",
            "Are you a small or medium-sized enterprise?",
        ),
        _f("startup", "bool", "start-up", "贵单位是否为初创企业？", "Are you a start-up?"),
        _f(
            "purpose",
            "choice",
            "what the compute is for",
            "算力用于模型训练、推理还是应用？",
            "Is the compute for model training, inference or applications?",
            ["training", "inference", "application"],
        ),
        _f(
            "dishonest_record",
            "bool",
            "dishonesty record in 3 years",
            "近三年是否有失信记录？",
            "Any dishonesty (失信) record in the last three years?",
        ),
        _f(
            "major_violation",
            "bool",
            "major penalty, crime or safety accident in 3 years",
            "近三年是否受过重大处罚、有犯罪记录或重大安全事故？",
            "Any major penalty, crime or major safety accident in the last three years?",
        ),
        _f(
            "compute_type",
            "choice",
            "domestic or other compute",
            "使用的是国产算力还是其他算力？",
            "Is the compute domestic (Chinese chips) or other?",
            ["domestic", "non_domestic"],
        ),
        _f(
            "compute_location",
            "region",
            "where the compute sits",
            "所租用的算力部署在哪里？",
            "Where is the rented compute located?",
        ),
        _f(
            "via_platform",
            "bool",
            "rented via the designated platform",
            "是否通过指定的算力调度/撮合平台租用？",
            "Was the compute rented through the designated scheduling or matching platform?",
        ),
        _f(
            "self_built",
            "bool",
            "self-built, self-used compute",
            "是否为自建自用的算力？",
            "Is this self-built compute for your own use?",
        ),
        _f(
            "major_project",
            "bool",
            "lead of a major AI project",
            "是否牵头承担国家或省级重大人工智能项目？",
            "Do you lead a national or provincial major AI project?",
        ),
        _f(
            "project_level",
            "choice",
            "level of the major project",
            "该重大项目是国家级还是省级？",
            "Is that major project national or provincial?",
            ["national", "provincial"],
        ),
        _f(
            "opc",
            "bool",
            "one-person company",
            "是否为一人公司（OPC）？",
            "Is the applicant a one-person company (OPC)?",
        ),
        _f(
            "new_settled",
            "bool",
            "newly settled firm",
            "是否为新落地的人工智能企业？",
            "Are you a newly settled AI firm?",
        ),
        _f(
            "model_filed",
            "bool",
            "the large model is filed under the generative-AI measures",
            "大模型是否已按生成式人工智能服务管理办法完成备案？",
            "Is the large model filed under the generative-AI measures?",
        ),
        _f(
            "key_ai_firm",
            "bool",
            "a municipal key AI firm or an AGI partner-programme member",
            "是否为市级重点人工智能企业或通用人工智能产业创新伙伴计划成员？",
            "Are you a municipal key AI firm or a member of the AGI partner programme?",
        ),
        _f(
            "benchmark_project",
            "bool",
            "a recognised compute-application benchmark project",
            "项目是否被认定为算力应用标杆项目？",
            "Is the project a recognised compute-application benchmark project?",
        ),
        _f(
            "ai_terminal_firm",
            "bool",
            "an AI terminal (device) firm",
            "贵单位是否为人工智能终端企业？",
            "Is your firm an AI terminal (device) maker?",
        ),
        _f(
            "certified_supplier",
            "bool",
            "supplier certified by the issuer",
            "算力供应方是否为发券机关认定的供应方？",
            "Is the compute supplier one the issuing body has certified?",
        ),
        _f(
            "sound_finance",
            "bool",
            "finance function and financial rules in place",
            "贵单位是否设有财务机构、财务管理制度是否健全？",
            "Does the applicant have a finance function and sound financial management rules?",
        ),
        _f(
            "ai_direction_in_plan",
            "bool",
            "AI field within the region's industry plan",
            "贵单位从事的人工智能方向是否属于本地产业规划支持的范围？",
            "Is your AI work in a field the region's industry plan supports?",
        ),
        _f(
            "annual_contract_total",
            "money",
            "contracts declared this year",
            "本年度申报的算力合同总额是多少元？",
            "What is the total of compute contracts you declare this year (yuan)?",
        ),
        _f(
            "claimed_total",
            "money",
            "vouchers received so far in total",
            "累计已获得算力券多少元？",
            "How much have you received in vouchers so far in total (yuan)?",
        ),
        _f("rate", "ratio", "user-supplied ratio", "适用的补贴比例是多少？", "What subsidy ratio applies?"),
    ]
}

_COMPUTE_ALIASES = {
    "domestic": "domestic",
    "国产": "domestic",
    "国产算力": "domestic",
    "non_domestic": "non_domestic",
    "non-domestic": "non_domestic",
    "nondomestic": "non_domestic",
    "other": "non_domestic",
    "foreign": "non_domestic",
    "非国产": "non_domestic",
    "其他": "non_domestic",
}


def normalize_fact(name: str, value: Any) -> Any:
    """Parse one fact to its type; raises RulesInputError naming the fact."""
    spec = FACTS.get(name)
    if value is None or spec is None:
        return value
    if spec.type == "bool":
        return parse_bool(value, name)
    if spec.type == "date":
        return parse_date(value, name)
    if spec.type == "int":
        return parse_int(value, name, minimum=1)
    if spec.type == "money":
        return parse_money(value, name, allow_zero=True)
    if spec.type == "ratio":
        return parse_ratio(value, name)
    if spec.type == "region":
        return normalize_region(value)
    if spec.type == "list":
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple, set)):
            raise RulesInputError(name, f"expected a list, got {value!r}")
        return [str(i).strip().lower() for i in items if str(i).strip()]
    if spec.type == "choice":
        text = str(value).strip().lower().replace("-", "_")
        if name == "compute_type":
            text = _COMPUTE_ALIASES.get(str(value).strip().lower(), text)
        if spec.choices and text not in spec.choices:
            raise RulesInputError(name, f"{value!r} is not one of: {', '.join(spec.choices)}")
        return text
    return value  # pragma: no cover


def normalize_facts(facts: dict[str, Any] | None) -> dict[str, Any]:
    if facts is None:
        return {}
    if not isinstance(facts, dict):
        raise RulesInputError("facts", "expected a mapping of fact names to values")
    return {k: normalize_fact(k, v) for k, v in facts.items() if v is not None and v != ""}


# ---------------------------------------------------------------- conditions


class Notice(BaseModel):
    """A warning or note, in both languages, with a stable code and, where it reports a figure,
    the figure itself in ``data`` (so an answer never reads numbers back out of the sentence)."""

    code: str
    en: str
    zh: str
    data: dict[str, str] = Field(default_factory=dict)


class ConditionResult(BaseModel):
    condition: str
    fact: str
    status: Literal["met", "failed", "missing"]
    effect: Literal["require", "warn"]
    value: Any = None
    requirement_zh: str
    requirement_en: str
    reason_zh: str
    reason_en: str
    reference: Reference
    confidence: str | None = None

    def as_json(self) -> dict[str, Any]:
        d = self.model_dump(mode="json")
        return d


class MissingFact(BaseModel):
    fact: str
    question_zh: str
    question_en: str
    condition: str
    reference: Reference


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    return str(value)


def _param_value(version: Version, cond: Condition) -> Any:
    if cond.param:
        p = version.param(cond.param)
        return p.value if p else None
    return cond.value


def evaluate_condition(cond: Condition, version: Version, facts: dict[str, Any]) -> ConditionResult:
    value = facts.get(cond.fact)
    extra_en = extra_zh = ""
    if value is None:
        status = "missing"
    else:
        target = _param_value(version, cond)
        op = cond.op
        ok = holds(op, value, target)
        if op == "covers_compute":
            left_out = [i for i in list(value) if i in set(target or [])]
            if ok and left_out:
                extra_en = f"; leave {', '.join(left_out)} out of the amount, it is not covered"
                extra_zh = f"；{'、'.join(left_out)}不在支持范围内，应从金额中扣除"
        status = "met" if ok else "failed"
    shown = _show(value) if value is not None else "?"
    if status == "met":
        reason_en = f"Met: {cond.label_en} ({cond.fact} = {shown}){extra_en}"
        reason_zh = f"符合：{cond.label_zh}（{cond.fact} = {shown}）{extra_zh}"
    elif status == "failed":
        reason_en = f"Not met: {cond.label_en} ({cond.fact} = {shown})"
        reason_zh = f"不符合：{cond.label_zh}（{cond.fact} = {shown}）"
    else:
        reason_en = f"Unknown: {cond.label_en} — {cond.question_en}"
        reason_zh = f"未知：{cond.label_zh}——{cond.question_zh}"
    return ConditionResult(
        condition=cond.id,
        fact=cond.fact,
        status=status,
        effect=cond.effect,
        value=value,
        requirement_zh=cond.label_zh,
        requirement_en=cond.label_en,
        reason_zh=reason_zh,
        reason_en=reason_en,
        reference=cond.reference,
        confidence=cond.confidence,
    )


def evaluate_conditions(program: Program, version: Version, facts: dict[str, Any]) -> list[ConditionResult]:
    return [evaluate_condition(c, version, facts) for c in program.conditions_for(version)]


# ---------------------------------------------------------------- versions


ENDS_SOON_DAYS = 90  # a program ending within this many days of the date asked about is flagged


def select_version(program: Program, on: dt.date) -> tuple[Version, list[Version], list[Notice]]:
    """The version in force on ``on`` (latest start wins), other versions in force, notices.

    Before the first version: the first version, with a "not yet in force" notice. After the
    last version ended: the last version, with a "period ended" notice (never a refusal).
    """
    in_force = [v for v in program.versions if v.in_force_on(on)]
    notices: list[Notice] = []
    if in_force:
        chosen = max(in_force, key=lambda v: v.effective_from)
        others = [v for v in in_force if v is not chosen]
        end_day = chosen.effective_to
        if end_day is not None and (end_day - on).days <= ENDS_SOON_DAYS:
            notices.append(
                Notice(
                    code="ends_soon",
                    en=f"{chosen.label_en or chosen.id} ends on {end_day.isoformat()}, within {ENDS_SOON_DAYS} days; "
                    "claims may need to be filed before then. Confirm the deadline with the issuer.",
                    zh=f"{chosen.label_zh or chosen.id}将于{end_day.isoformat()}到期（{ENDS_SOON_DAYS}天内），"
                    "申领可能需在到期前提交，请向发文单位确认截止安排。",
                )
            )
        return chosen, others, notices
    started = [v for v in program.versions if v.effective_from <= on]
    if not started:
        chosen = min(program.versions, key=lambda v: v.effective_from)
        notices.append(
            Notice(
                code="not_yet_in_force",
                en=f"{program.name_en or program.id} was not yet in force on {on.isoformat()}; it starts on "
                f"{chosen.effective_from.isoformat()}. Computed under that first version.",
                zh=f"{program.name}在{on.isoformat()}尚未施行，{chosen.effective_from.isoformat()}起施行；按该版本计算。",
            )
        )
        return chosen, [], notices
    chosen = max(started, key=lambda v: (v.effective_to or dt.date.max, v.effective_from))
    end = chosen.effective_to.isoformat() if chosen.effective_to else "?"
    # The latest public word after the period (e.g. Beijing's bureau on 2026-01-22) is part of
    # the warning: "ended" alone would say less than is known.
    latest = next(
        (st for st in program.statements if chosen.effective_to is None or st.date > chosen.effective_to), None
    )
    said_en = f" Latest known: {latest.en.rstrip('.')} ({latest.date.isoformat()})." if latest else ""
    said_zh = f"最新情况：{latest.zh.rstrip('。')}。" if latest else ""
    notices.append(
        Notice(
            code="period_ended",
            en=f"The program period ended on {end} ({chosen.label_en or chosen.id}); no successor text is in the corpus, "
            f"so this is computed under the last version.{said_en} Confirm with the issuer whether the program continues.",
            zh=f"该政策执行期已于{end}结束（{chosen.label_zh or chosen.id}）；语料库中未见后续文件，按最后版本计算。"
            f"{said_zh}请向发文单位确认政策是否延续。",
        )
    )
    return chosen, [], notices


# ---------------------------------------------------------------- results


class Eligibility(BaseModel):
    program: str
    voucher: str = "compute"  # the scheme's voucher type
    scheme: str = "compute"  # the scheme id within the program file
    program_name: str
    program_name_en: str = ""
    version: str
    date: dt.date
    status: Literal["eligible", "not_eligible", "undetermined"]
    reasons: list[ConditionResult] = Field(default_factory=list)
    missing: list[MissingFact] = Field(default_factory=list)
    warnings: list[Notice] = Field(default_factory=list)

    @property
    def failed(self) -> list[ConditionResult]:
        return [r for r in self.reasons if r.status == "failed" and r.effect == "require"]

    def as_json(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "voucher": self.voucher,
            "scheme": self.scheme,
            "program_name": self.program_name,
            "program_name_en": self.program_name_en,
            "version": self.version,
            "date": self.date.isoformat(),
            "status": self.status,
            "reasons": [
                {
                    "condition": r.condition,
                    "fact": r.fact,
                    "status": r.status,
                    "effect": r.effect,
                    "value": _show(r.value) if r.value is not None else None,
                    "reason_en": r.reason_en,
                    "reason_zh": r.reason_zh,
                    "reference": r.reference.model_dump(),
                    "confidence": r.confidence,
                }
                for r in self.reasons
            ],
            "missing": [m.model_dump() for m in self.missing],
            "warnings": [w.en for w in self.warnings],
            "warnings_zh": [w.zh for w in self.warnings],
        }


def profile_date(profile: dict[str, Any]) -> dt.date:
    value = profile.get("date") or profile.get("on")
    return parse_date(value, "date") if value else today()


def _facts_from_profile(profile: dict[str, Any]) -> dict[str, Any]:
    skip = {"date", "on", "amount", "claimed_this_year", "start", "end", "program"}
    return normalize_facts({k: v for k, v in profile.items() if k not in skip})


def eligibility_for(program: Program, facts: dict[str, Any], on: dt.date) -> Eligibility:
    version, _others, notices = select_version(program, on)
    results = evaluate_conditions(program, version, facts)
    missing: dict[str, MissingFact] = {}
    warnings = list(notices)
    for r in results:
        if r.status == "missing" and r.effect == "require" and r.fact not in missing:
            cond = next(c for c in program.conditions_for(version) if c.id == r.condition)
            missing[r.fact] = MissingFact(
                fact=r.fact,
                question_zh=cond.question_zh,
                question_en=cond.question_en,
                condition=cond.id,
                reference=cond.reference,
            )
        if r.status == "failed" and r.effect == "warn":
            warnings.append(Notice(code=f"caveat:{r.condition}", en=r.reason_en, zh=r.reason_zh))
        if r.status == "met" and r.confidence in ("SA", "U"):
            warnings.append(
                Notice(
                    code=f"unverified:{r.condition}",
                    en=f"The condition '{r.requirement_en}' is not confirmed by the official text ({r.confidence}).",
                    zh=f"条件“{r.requirement_zh}”未经官方文本核实（{r.confidence}）。",
                )
            )
    if any(r.status == "failed" and r.effect == "require" for r in results):
        status = "not_eligible"
    elif missing:
        status = "undetermined"
    else:
        status = "eligible"
    outside = _registered_outside(program, version, facts)
    if outside and status == "eligible":
        status = "undetermined"
    if outside:
        warnings.append(
            Notice(
                code="outside_applicant_unaddressed",
                en=f"You are registered in {outside}, outside {program.region_name or program.region}; the published "
                "text does not say whether firms registered elsewhere may apply. Ask the issuer before relying on it.",
                zh=f"贵单位注册地（{outside}）不在{program.region_name or program.region}；公开文本未说明外地注册企业能否申请，"
                "请先向主管部门确认。",
            )
        )
    if program.conditions_published == "partial":
        warnings.append(
            Notice(
                code="conditions_incomplete",
                en="Only the conditions visible in public copies are checked; the full application conditions are not "
                "published (未见公开), so 'eligible' means no known condition excludes you. Confirm with the issuer.",
                zh="只核对了公开资料中可见的条件；完整申请条件未见公开，“符合”仅表示没有已知条件排除贵单位，请向主管部门确认。",
            )
        )
    if version.status != "official":
        warnings.append(
            Notice(
                code="version_status",
                en=f"The applicable version ({version.id}) is {version.status} (confidence {version.confidence}), not a confirmed official text.",
                zh=f"适用版本（{version.id}）为{version.status}，可信度{version.confidence}，并非已核实的官方文本。",
            )
        )
    return Eligibility(
        program=program.id,
        voucher=program.voucher,
        scheme=program.scheme,
        program_name=program.name,
        program_name_en=program.name_en,
        version=version.id,
        date=on,
        status=status,
        reasons=results,
        missing=list(missing.values()),
        warnings=warnings,
    )


def _registered_outside(program: Program, version: Any, facts: dict[str, Any]) -> str | None:
    """The applicant's registration region when it lies outside a local program that has no
    published rule on where applicants must be registered (and does not say it is open)."""
    from assistant.rules.regions import within

    registered = facts.get("registered_in")
    if not registered or program.open_to_outside_applicants or program.region in ("national", ""):
        return None
    if any(c.fact == "registered_in" for c in program.conditions_for(version)):
        return None  # the program's own condition decides
    if within(str(registered), program.region):
        return None
    return str(registered)


def check_eligibility(
    profile: dict[str, Any], program_id: str | None = None, voucher: Any = None, scheme: Any = None
) -> list[Eligibility]:
    """Eligibility of one enterprise profile for one program (``program_id``) or for all.

    ``voucher`` (model, 语料券, ...) or ``scheme`` picks that scheme of the program; without a
    program, ``voucher`` checks every scheme of that type (default: every compute voucher).
    """
    from assistant.rules.schemes import all_schemes, get_scheme, normalize_voucher

    if not isinstance(profile, dict):
        raise RulesInputError("profile", "expected a mapping of facts")
    on = profile_date(profile)
    facts = _facts_from_profile(profile)
    if program_id:
        programs = [get_scheme(program_id, voucher, scheme)]
    elif voucher not in (None, ""):
        kind = normalize_voucher(voucher)
        programs = [s for s in all_schemes() if s.voucher == kind]
    else:
        programs = list(load_programs().values())
    return [eligibility_for(p, facts, on) for p in programs]


__all__ = [
    "FACTS",
    "Eligibility",
    "ConditionResult",
    "MissingFact",
    "Notice",
    "check_eligibility",
    "evaluate_conditions",
    "normalize_facts",
    "select_version",
    "Text",
]
