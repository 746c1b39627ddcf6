"""The fact catalogue: every fact a profile or a calculation may carry, and how its value is read.

One catalogue serves eligibility, the calculator, the compliance checks and the CLI (which
rejects a ``--set`` name not listed here: a misspelt fact silently ignored gave a figure that
looked right and was not). Each fact has a type, so "是", "yes" and ``True`` all read as the
same bool and a bad value raises ``RulesInputError`` naming the fact, before any rule runs.

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

from typing import Any, Literal

from pydantic import BaseModel

from assistant.rules.errors import RulesInputError
from assistant.rules.regions import normalize_region
from assistant.rules.values import parse_bool, parse_date, parse_int, parse_money, parse_ratio


class FactSpec(BaseModel):
    """One fact: its ``type`` decides how a value is parsed (``normalize_fact``); the questions
    are what the chat and the eligibility check ask when a condition needs the fact."""

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

# compute_type is the one choice users name in many ways (国产, foreign, other ...): each is
# mapped to domestic / non_domestic before the choice is checked.
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
    """Every known fact parsed to its type (other names, such as the calculator's start/end,
    pass through as given); empty values are dropped, so a fact not given is absent and
    conditions report it as missing rather than failed."""
    if facts is None:
        return {}
    if not isinstance(facts, dict):
        raise RulesInputError("facts", "expected a mapping of fact names to values")
    return {k: normalize_fact(k, v) for k, v in facts.items() if v is not None and v != ""}


__all__ = ["FACTS", "FactSpec", "normalize_fact", "normalize_facts"]
