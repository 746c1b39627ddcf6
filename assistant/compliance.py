"""Compliance checks for a described voucher use, contract or voucher measure.

``check_compliance(facts)`` takes structured facts (the eligibility facts of
``assistant.rules.eligibility`` plus the ones below) and returns findings, each with a
severity, the rule or law it touches (corpus document + clause), an explanation and a
recommendation, in Chinese and English. The checks are deterministic rules, not advice; the
assistant presents them with their citations and suggests asking the issuer or a lawyer.

Extra facts (besides the eligibility facts such as ``supplier_related`` or ``line_items``):

==============================  ===============================================================
fact                            meaning
==============================  ===============================================================
program                         rules program id the use or contract falls under (optional)
date                            date the rules are taken at (default: contract_signed or today)
role                            user (default) | issuer: an enterprise using vouchers, or a
                                government body drafting a voucher measure
voucher_action                  own_use | transfer | resale | lending | gift | cash_out
sham_contract                   bool: the contract does not reflect a real purchase (阴阳合同)
contract_amount_inflated        bool: the contract or settlement amount is inflated
kickback                        bool: the supplier pays back part of the fee or subsidy
double_subsidy_same_contract    bool: the same contract/fee already got other fiscal support
contract_split                  bool: one contract split to claim several times
supply_side_also_claims         bool: the supplier also claims a voucher for the same business
local_registration_required     bool (issuer): the measure requires local registration
selective_subsidy               bool (issuer): support reserved to named or specific firms
designated_suppliers            bool (issuer): users must buy from specific operators
discriminates_outside           bool (issuer): worse terms for outside firms or compute
fair_competition_review_done    bool (issuer): the measure went through fair-competition review
criteria_public                 bool (issuer): conditions, ratios and caps are published
has_time_limit                  bool (issuer): the measure has an implementation period
==============================  ===============================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.rules.eligibility import FACTS, evaluate_conditions, normalize_fact, select_version, today
from assistant.rules.errors import RulesInputError
from assistant.rules.loader import get_program, load_programs
from assistant.rules.model import Program, Reference
from assistant.rules.values import parse_bool, parse_date

Severity = Literal["high", "medium", "low", "info"]
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}

_BOOL_FACTS = {
    "sham_contract",
    "contract_amount_inflated",
    "kickback",
    "double_subsidy_same_contract",
    "contract_split",
    "supply_side_also_claims",
    "local_registration_required",
    "selective_subsidy",
    "designated_suppliers",
    "discriminates_outside",
    "fair_competition_review_done",
    "criteria_public",
    "has_time_limit",
}
_VOUCHER_ACTIONS = {"own_use", "transfer", "resale", "sale", "lending", "gift", "cash_out"}
_BAD_ACTIONS = {"transfer", "resale", "sale", "lending", "gift", "cash_out"}
_NON_COMPUTE = ("storage", "network", "security")


def R(doc: str, clause: str) -> Reference:
    return Reference(doc=doc, clause=clause)


class Finding(BaseModel):
    id: str
    severity: Severity
    title_zh: str
    title_en: str
    references: list[Reference]
    explanation_zh: str
    explanation_en: str
    recommendation_zh: str
    recommendation_en: str
    facts: dict[str, Any] = Field(default_factory=dict)

    @property
    def rule(self) -> Reference:
        return self.references[0]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "references": [r.model_dump() for r in self.references],
            "explanation_zh": self.explanation_zh,
            "explanation_en": self.explanation_en,
            "recommendation_zh": self.recommendation_zh,
            "recommendation_en": self.recommendation_en,
            "facts": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.facts.items()},
        }


def _normalize(facts: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(facts, dict):
        raise RulesInputError("facts", "expected a mapping of facts")
    out: dict[str, Any] = {}
    for key, value in facts.items():
        if value is None or value == "":
            continue
        if key in _BOOL_FACTS:
            out[key] = parse_bool(value, key)
        elif key == "voucher_action":
            action = str(value).strip().lower().replace("-", "_")
            if action not in _VOUCHER_ACTIONS:
                raise RulesInputError(key, f"{value!r} is not one of: {', '.join(sorted(_VOUCHER_ACTIONS))}")
            out[key] = action
        elif key == "role":
            role = str(value).strip().lower()
            if role not in ("user", "issuer"):
                raise RulesInputError(key, f"{value!r} is not one of: user, issuer")
            out[key] = role
        elif key == "date":
            out[key] = parse_date(value, key)
        elif key == "program":
            out[key] = get_program(str(value)).id
        elif key in FACTS:
            out[key] = normalize_fact(key, value)
        else:
            out[key] = value
    return out


def _program_refs(programs: list[Program], fact: str, on: dt.date) -> list[tuple[Program, Reference]]:
    """Clauses of the given programs whose conditions need ``fact``."""
    refs: list[tuple[Program, Reference]] = []
    for p in programs:
        version, _, _ = select_version(p, on)
        for c in p.conditions_for(version):
            if c.fact == fact and c.effect == "require":
                refs.append((p, c.reference))
                break
    return refs


class _Ctx(BaseModel):
    facts: dict[str, Any]
    program: Program | None
    programs: list[Program]
    on: dt.date


# ---------------------------------------------------------------- rules


def _transfer(ctx: _Ctx) -> list[Finding]:
    action = ctx.facts.get("voucher_action")
    if action not in _BAD_ACTIONS:
        return []
    what = {
        "transfer": "转让",
        "resale": "转售",
        "sale": "出售",
        "lending": "出借",
        "gift": "赠与",
        "cash_out": "套现",
    }[action]
    return [
        Finding(
            id="voucher_transfer",
            severity="high",
            title_zh=f"算力券{what}",
            title_en=f"Voucher {action.replace('_', ' ')}",
            references=[
                R("qingyang-2024", "第十一条"),
                R("voucher-legal-nature", "五、"),
                R("voucher-legal-nature", "七、"),
                R("civil-code-excerpts", "第五百四十五条"),
            ],
            explanation_zh="按本库分析，算力券是政府基于申领主体自身资格给予的、专属于该主体的行政性给付利益，不是可以流通的货币或证券。"
            "明文禁止的规定目前只见于庆阳的文本（单一来源）：算力券只能由申领主体本人使用，不得转让、赠与、买卖或出借。"
            "其他地区的文本多未明文规定；受让人很可能无法兑付、已领取的支持可能被追回，这是本库的分析，请以当地规定和发券机关答复为准。",
            explanation_en="In our analysis a compute voucher is an administrative benefit tied to the applicant's own eligibility, "
            "not money or a security. An express ban is found only in Qingyang's text (single source): only the claimant "
            "may use it and it may not be transferred, gifted, sold or lent. Most other texts say nothing; that a transferee "
            "probably cannot redeem it and that support may be clawed back is our analysis; the local rules and the issuer's answer prevail.",
            recommendation_zh="只由获批主体自己使用算力券；不要转让、出售、出借或套现。用不完的额度按当地规定处理，并向发券机关确认。",
            recommendation_en="Use the voucher only for the approved applicant's own compute; do not transfer, sell, lend or cash "
            "it out. Ask the issuing body how unused value is handled.",
            facts={"voucher_action": action},
        )
    ]


def _sham(ctx: _Ctx) -> list[Finding]:
    f = ctx.facts
    if not (f.get("sham_contract") or f.get("contract_amount_inflated")):
        return []
    return [
        Finding(
            id="sham_or_inflated_contract",
            severity="high",
            title_zh="虚假或虚高的算力合同",
            title_en="Sham or inflated compute contract",
            references=[
                R("civil-code-excerpts", "第一百四十六条"),
                R("civil-code-excerpts", "第一百五十三条"),
                R("civil-code-excerpts", "第一百五十五条"),
                R("voucher-legal-nature", "八、"),
            ],
            explanation_zh="双方以虚假意思表示签订的合同无效（民法典第一百四十六条）；以骗取财政补贴为目的的合同还可能因违背公序良俗而无效"
            "（第一百五十三条），无效合同自始无效（第一百五十五条），不能作为申领和兑付算力券的依据，已领取的补贴面临追回风险。",
            explanation_en="A contract both parties make with a sham intent is void (Civil Code Art. 146); one made to obtain "
            "subsidies may also be void for breaching public order and good morals (Art. 153), and a void act "
            "has no effect from the start (Art. 155). It cannot support a voucher claim, and money received may be recovered.",
            recommendation_zh="按真实的算力采购签订合同，合同金额、发票和算力交付凭证应一致；已签虚高合同的，应按实际金额更正后再申报。",
            recommendation_en="Contract for the compute actually bought, at the real price, with matching invoice and delivery "
            "proof; correct any inflated contract to the real amount before claiming.",
            facts={k: f[k] for k in ("sham_contract", "contract_amount_inflated") if k in f},
        )
    ]


def _kickback(ctx: _Ctx) -> list[Finding]:
    if not ctx.facts.get("kickback"):
        return []
    return [
        Finding(
            id="collusion_kickback",
            severity="high",
            title_zh="与供应商串通返利",
            title_en="Collusion with the supplier (kickbacks)",
            references=[
                R("civil-code-excerpts", "第一百五十四条"),
                R("civil-code-excerpts", "第一百五十六条"),
                R("voucher-legal-nature", "八、"),
            ],
            explanation_zh="算力使用方与供应商恶意串通，虚增结算金额或回流补贴资金、损害财政资金和其他申请企业利益的，相关约定无效"
            "（民法典第一百五十四条）；即使合同其余部分有效，只有真实、合规的部分才可能作为补贴依据（第一百五十六条）。",
            explanation_en="Malicious collusion between user and supplier that inflates the settlement or routes subsidy money "
            "back harms public funds and other applicants; such arrangements are void (Civil Code Art. 154). "
            "Even if the rest of the contract stands, only its genuine part can support a subsidy (Art. 156).",
            recommendation_zh="不要接受任何返利、回扣或补贴资金回流安排；已有此类约定的，应删除并按实际净价申报。",
            recommendation_en="Accept no rebate, kickback or return of subsidy money; remove any such term and claim on the real net price.",
            facts={"kickback": True},
        )
    ]


def _related(ctx: _Ctx) -> list[Finding]:
    if ctx.facts.get("supplier_related") is not True:
        return []
    refs = [ref for _p, ref in _program_refs(ctx.programs, "supplier_related", ctx.on)]
    if not refs:
        refs = [R("beijing-municipal-2023", "第四条"), R("nanning-2025", "第十条")]
    where = f"（{ctx.program.name}）" if ctx.program else "（如北京市、南宁市）"
    return [
        Finding(
            id="related_party_supplier",
            severity="high" if ctx.program is None or refs else "medium",
            title_zh="算力供应商为关联方",
            title_en="Related-party compute supplier",
            references=refs + [R("civil-code-excerpts", "第一百五十四条")],
            explanation_zh=f"多地算力券只补贴向非关联方租用的算力{where}；向关联方租用的算力不能申请。关联交易还容易被质疑价格不公允或存在串通。",
            explanation_en="Several programmes pay only for compute rented from a non-related party (e.g. Beijing, Nanning); "
            "compute from a related party does not qualify, and related-party deals invite scrutiny for unfair "
            "prices or collusion.",
            recommendation_zh="改向非关联方采购算力，或在申报前向主管部门确认关联方的认定标准。",
            recommendation_en="Rent from a non-related supplier, or ask the programme office how related parties are defined before claiming.",
            facts={"supplier_related": True},
        )
    ]


def _price(ctx: _Ctx) -> list[Finding]:
    if ctx.facts.get("price_vs_fair_market") != "above":
        return []
    return [
        Finding(
            id="price_above_fair_market",
            severity="medium",
            title_zh="合同价格高于市场公允价格",
            title_en="Price above the market fair-price range",
            references=[R("beijing-municipal-2023", "第十三条"), R("civil-code-excerpts", "第一百五十四条")],
            explanation_zh="据起始新闻稿，北京市算力券要求签约价格处在签约时的市场公允价格区间内（未核实）；价格明显偏高的合同容易被认定为虚高，"
            "如与供应商串通抬价，还涉及恶意串通。",
            explanation_en="Per the starting news article, Beijing requires the contract price to be within the market fair-price "
            "range at signing (unverified). A clearly overpriced contract may be treated as inflated, and "
            "price-raising in collusion with the supplier is malicious collusion.",
            recommendation_zh="保留同类算力的比价或报价材料，说明价格合理；价格偏高的，按市场价重新议价或只按公允部分申报。",
            recommendation_en="Keep comparable quotes showing the price is fair; renegotiate to market price or claim only on the fair part.",
            facts={"price_vs_fair_market": "above"},
        )
    ]


def _line_items(ctx: _Ctx) -> list[Finding]:
    items = ctx.facts.get("line_items") or []
    extra = [i for i in items if i in _NON_COMPUTE]
    if not extra:
        return []
    if ctx.program is not None and ctx.program.id == "langfang":
        return [
            Finding(
                id="non_compute_line_items",
                severity="info",
                title_zh="合同含存储等服务（廊坊口径包含）",
                title_en="Storage and similar items (Langfang counts them)",
                references=[R("langfang-2025", "第四条")],
                explanation_zh="廊坊所说的算力服务包括存储和技术支持服务，与北京、南宁把存储排除在外的做法不同。",
                explanation_en="Langfang's definition of compute services includes storage and technical support, unlike Beijing and Nanning.",
                recommendation_zh="按廊坊口径申报即可，但网络、安全等其他服务是否包括仍应向主管部门确认。",
                recommendation_en="Claim under Langfang's definition, but confirm whether network or security services are included.",
                facts={"line_items": items},
            )
        ]
    refs = [ref for _p, ref in _program_refs(ctx.programs, "line_items", ctx.on)]
    if not refs:
        refs = [R("beijing-municipal-2023", "第四条"), R("nanning-2025", "第十一条")]
    return [
        Finding(
            id="non_compute_line_items",
            severity="medium",
            title_zh="合同含非算力项目",
            title_en="Non-compute line items in the contract",
            references=refs,
            explanation_zh=f"合同包含{'、'.join(extra)}。北京市、南宁市等只补贴智能算力本身，存储、网络、安全等服务费用不计入补贴基数。",
            explanation_en=f"The contract includes {', '.join(extra)}. Beijing, Nanning and others pay only for compute itself; "
            "storage, network and security fees are left out of the base.",
            recommendation_zh="在合同或报价单中把算力费用与存储、网络、安全等费用分项列明，只按算力部分申报。",
            recommendation_en="Itemise compute separately from storage, network and security in the contract or quote, and claim only the compute part.",
            facts={"line_items": items},
        )
    ]


def _double(ctx: _Ctx) -> list[Finding]:
    f = ctx.facts
    out: list[Finding] = []
    if f.get("double_subsidy_same_contract") or f.get("other_municipal_subsidy"):
        refs = [ref for _p, ref in _program_refs(ctx.programs, "other_municipal_subsidy", ctx.on)]
        if not refs:
            refs = [R("beijing-municipal-2023", "第三条"), R("nanning-2025", "第十二条"), R("yangzhou-2024", "第五条")]
        out.append(
            Finding(
                id="double_subsidy",
                severity="high",
                title_zh="同一合同重复享受财政支持",
                title_en="Double subsidy for the same contract",
                references=refs,
                explanation_zh="北京市要求申请企业未获得其他市级算力补贴；南宁、扬州规定已获其他财政资金支持的同一算力费用或合同不得再申请。",
                explanation_en="Beijing requires that no other municipal compute subsidy was received; Nanning and Yangzhou bar a "
                "second claim for a fee or contract that already received other fiscal support.",
                recommendation_zh="申报前列明该合同已获得的全部财政支持；已获支持的合同不再申请，或向主管部门确认能否叠加。",
                recommendation_en="List all fiscal support the contract already received; do not claim again for it, or confirm with the programme office whether stacking is allowed.",
                facts={k: f[k] for k in ("double_subsidy_same_contract", "other_municipal_subsidy") if k in f},
            )
        )
    if f.get("contract_already_claimed") or f.get("contract_split"):
        out.append(
            Finding(
                id="one_claim_per_contract",
                severity="high",
                title_zh="一份合同多次申领或拆分申领",
                title_en="Several claims on one contract, or a split contract",
                references=[R("beijing-municipal-2023", "第九条")],
                explanation_zh="北京市算力券实行“一合同一申领”：同一份合同不能重复申领，也不能拆开分几次申领（单一来源）。",
                explanation_en="Beijing applies one claim per contract: a contract cannot be claimed twice or split into several claims (single source).",
                recommendation_zh="每份合同只申领一次；需要追加算力的，另行签订合同。",
                recommendation_en="Claim once per contract; sign a new contract for additional compute.",
                facts={k: f[k] for k in ("contract_already_claimed", "contract_split") if k in f},
            )
        )
    if f.get("supply_side_also_claims"):
        out.append(
            Finding(
                id="supply_and_demand_both_claim",
                severity="medium",
                title_zh="供需双方就同一业务都申领",
                title_en="Supplier and user both claim for the same business",
                references=[R("qingyang-2024", "第十二条")],
                explanation_zh="在庆阳，同一笔算力业务供给方和需求方不能都申领算力券，两方均符合条件时供给方优先。",
                explanation_en="In Qingyang the supplier and the user cannot both claim for the same compute business; the supplier has priority.",
                recommendation_zh="与供应方确认由哪一方申领，避免重复。",
                recommendation_en="Agree with the supplier which side claims, to avoid a double claim.",
                facts={"supply_side_also_claims": True},
            )
        )
    return out


def _windows(ctx: _Ctx) -> list[Finding]:
    """Contract date window and term, checked against the program (or every program)."""
    out: list[Finding] = []
    for fact in ("contract_signed", "contract_term_months"):
        if fact not in ctx.facts:
            continue
        for p in ctx.programs:
            version, _, _ = select_version(p, ctx.on)
            for r in evaluate_conditions(p, version, {fact: ctx.facts[fact]}):
                if r.fact != fact or r.status != "failed" or r.effect != "require":
                    continue
                is_date = fact == "contract_signed"
                out.append(
                    Finding(
                        id=f"{'contract_date_window' if is_date else 'contract_term'}:{p.id}",
                        severity="high" if ctx.program is not None else "medium",
                        title_zh=("合同签订日期不在适用范围内" if is_date else "合同期限超过允许期限")
                        + f"（{p.name}）",
                        title_en=(
                            "Contract signed outside the date window" if is_date else "Contract longer than allowed"
                        )
                        + f" ({p.name_en or p.id})",
                        references=[r.reference],
                        explanation_zh=f"{p.name}要求：{r.requirement_zh}；而本合同{fact} = {r.value if not is_date else r.value.isoformat()}。",
                        explanation_en=f"{p.name_en or p.id} requires: {r.requirement_en}; this contract has {fact} = "
                        f"{r.value if not is_date else r.value.isoformat()}.",
                        recommendation_zh="该合同不能用于这个项目的申领；请核对签订日期和期限，必要时重新签订符合要求的合同。",
                        recommendation_en="This contract cannot be used for this programme; check the dates and term, and sign a compliant contract if needed.",
                        facts={fact: ctx.facts[fact]},
                    )
                )
    return out


def _registration(ctx: _Ctx) -> list[Finding]:
    """A user registered outside a programme that requires local registration: explain the tension."""
    if ctx.program is None or "registered_in" not in ctx.facts or ctx.facts.get("role") == "issuer":
        return []
    version, _, _ = select_version(ctx.program, ctx.on)
    out: list[Finding] = []
    for r in evaluate_conditions(ctx.program, version, {"registered_in": ctx.facts["registered_in"]}):
        if r.fact == "registered_in" and r.status == "failed" and r.effect == "require":
            out.append(
                Finding(
                    id="local_registration_condition",
                    severity="info",
                    title_zh="本地注册条件与全国统一大市场规则的张力",
                    title_en="Local-registration condition vs unified-market rules",
                    references=[
                        r.reference,
                        R("unified-market-guideline-2025", "三、"),
                        R("unified-market-guideline-2025", "六、"),
                        R("fair-competition-review-regulation", "第九条"),
                        R("fair-competition-review-regulation", "第二十二条"),
                    ],
                    explanation_zh=f"{ctx.program.name}要求{r.requirement_zh}，贵单位不符合。《全国统一大市场建设指引(试行)》据转载要求不得以本地注册作为"
                    f"领取补贴的前提，但指引不会自动修改当地条件，是否违规须经审查或监管部门认定。",
                    explanation_en=f"{ctx.program.name_en or ctx.program.id} requires {r.requirement_en}, which you do not meet. The "
                    "unified-market guideline reportedly bars local registration as a precondition for subsidies, "
                    "but it does not change local conditions by itself; a regulator or review must decide.",
                    recommendation_zh="按现行条件准备申请（或选择对外地主体开放的项目，如贵州）；认为条件具有歧视性的，可以向市场监督管理部门反映。",
                    recommendation_en="Apply under the current conditions (or choose an open programme such as Guizhou's); if you think "
                    "the condition is discriminatory, you may report it to the market regulator.",
                    facts={"registered_in": ctx.facts["registered_in"]},
                )
            )
    return out


def _issuer(ctx: _Ctx) -> list[Finding]:
    f = ctx.facts
    if f.get("role") != "issuer":
        return []
    out: list[Finding] = []
    if f.get("fair_competition_review_done") is False:
        out.append(
            Finding(
                id="issuer_no_fair_competition_review",
                severity="high",
                title_zh="政策措施未经公平竞争审查",
                title_en="Measure not put through fair-competition review",
                references=[
                    R("fair-competition-review-regulation", "第二条"),
                    R("fair-competition-review-regulation", "第十八条"),
                    R("fair-competition-review-regulation", "第十三条"),
                    R("fair-competition-review-regulation", "第十四条"),
                    R("anti-monopoly-law", "第五条"),
                ],
                explanation_zh="算力券办法属于涉及经营者经济活动的政策措施，起草单位应当进行公平竞争审查；未经审查的政策措施不得出台。",
                explanation_en="A voucher measure concerns business operators' economic activity, so the drafting body must review "
                "it for fair competition; a measure that was not reviewed may not be issued.",
                recommendation_zh="出台前完成公平竞争审查并形成书面结论（参照武汉市经信局的自我审查做法）。",
                recommendation_en="Complete the fair-competition review with a written conclusion before issuing the measure (as Wuhan's bureau reports it did).",
                facts={"fair_competition_review_done": False},
            )
        )
    if f.get("local_registration_required"):
        out.append(
            Finding(
                id="issuer_local_registration_precondition",
                severity="high",
                title_zh="以本地注册作为领取算力券的前提",
                title_en="Local registration as a precondition for vouchers",
                references=[
                    R("unified-market-guideline-2025", "三、"),
                    R("unified-market-guideline-2025", "二、"),
                    R("fair-competition-review-regulation", "第九条"),
                    R("fair-competition-review-regulation", "第十条"),
                    R("fair-competition-review-rules-2021", "三、"),
                    R("anti-monopoly-law", "第十条"),
                ],
                explanation_zh="《全国统一大市场建设指引(试行)》据转载要求不得把在本地设立法人作为申请扶持政策或领取补贴的前提；"
                "《公平竞争审查条例》第九条禁止强制外地经营者在本地设立机构、对外地经营者设置歧视性补贴，第十条规定没有法律、行政法规依据"
                "或者未经国务院批准，不得给予特定经营者选择性、差异化的补贴。无锡、青海海西州的执法案例把“只奖励本地注册企业”认定为违规"
                "（案例各只见于单一来源）。按本库分析，这还可能涉及《反垄断法》第十条关于行政机关不得滥用行政权力排除、限制竞争的规定。",
                explanation_en="The unified-market guideline reportedly bars making a local legal entity a precondition for support "
                "or subsidies; Art. 9 of the Fair Competition Review Regulation bars forcing outside firms to set up locally "
                "and discriminatory subsidies, and Art. 10 bars selective subsidies to specific operators unless a law, an "
                "administrative regulation or State Council approval provides for them. Enforcement cases in Wuxi and Haixi "
                "(each from a single source) held 'rewards only for locally registered firms' to breach these standards. In "
                "our analysis it may also engage Art. 10 of the Anti-Monopoly Law (no abuse of administrative power to restrict competition).",
                recommendation_zh="改为以算力在本地使用或服务本地场景为条件，而不是以注册地为条件；确需保留的，应在审查结论中说明符合第十二条例外情形的理由并设定实施期限。",
                recommendation_en="Condition support on compute used locally or local use cases rather than registration; if the "
                "condition must stay, justify it under the Art. 12 exceptions in the review conclusion and set a time limit.",
                facts={"local_registration_required": True},
            )
        )
    if f.get("selective_subsidy") or f.get("criteria_public") is False:
        out.append(
            Finding(
                id="issuer_selective_or_opaque_subsidy",
                severity="high" if f.get("selective_subsidy") else "medium",
                title_zh="选择性补贴或补贴条件不公开",
                title_en="Selective subsidy or unpublished criteria",
                references=[
                    R("fair-competition-review-regulation", "第十条"),
                    R("fair-competition-review-rules-2021", "二、"),
                ],
                explanation_zh="没有法律、行政法规依据或国务院批准，不得给予特定经营者选择性、差异化的财政奖励或补贴；依法给予的优惠政策应当向社会公开"
                "（实施细则第十五条）。算力券的申领条件、比例和上限应当公开。",
                explanation_en="Without a basis in law, administrative regulation or State Council approval, a measure may not give "
                "specific operators selective or differentiated subsidies, and lawful preferences must be made public "
                "(2021 rules, Art. 15). Voucher conditions, ratios and caps should be published.",
                recommendation_zh="以公开、统一的条件面向所有符合条件的主体发放，并公布比例、上限和评审办法。",
                recommendation_en="Issue vouchers on published, uniform conditions open to every qualifying entity, and publish ratios, caps and review rules.",
                facts={k: f[k] for k in ("selective_subsidy", "criteria_public") if k in f},
            )
        )
    if f.get("designated_suppliers"):
        out.append(
            Finding(
                id="issuer_designated_suppliers",
                severity="medium",
                title_zh="限定使用特定经营者的算力",
                title_en="Users restricted to specific suppliers",
                references=[
                    R("fair-competition-review-regulation", "第八条"),
                    R("fair-competition-review-regulation", "第十二条"),
                    R("anti-monopoly-law", "第三十九条"),
                ],
                explanation_zh="政策措施不得限定经营、购买或使用特定经营者提供的商品和服务（《公平竞争审查条例》第八条）；《反垄断法》第三十九条"
                "也禁止行政机关滥用行政权力，明示或者变相限定购买、使用其指定的经营者的商品。通过统一调度平台发放的，应保证平台对符合条件的供应商开放。",
                explanation_en="A measure may not restrict users to buying from specific operators (Fair Competition Review "
                "Regulation Art. 8), and Art. 39 of the Anti-Monopoly Law bars administrative organs from abusing their power "
                "to limit, openly or in effect, purchases to operators they designate. If vouchers run through a scheduling "
                "platform, the platform should be open to every qualifying supplier.",
                recommendation_zh="公开供应商入驻条件并对所有符合条件的供应商开放；确需限定的，在审查结论中说明第十二条例外理由。",
                recommendation_en="Publish supplier onboarding criteria open to all who qualify; justify any restriction under Art. 12 in the review conclusion.",
                facts={"designated_suppliers": True},
            )
        )
    if f.get("discriminates_outside"):
        out.append(
            Finding(
                id="issuer_discriminates_outside",
                severity="high",
                title_zh="对外地经营者或外地算力的歧视性待遇",
                title_en="Discrimination against outside firms or compute",
                references=[
                    R("fair-competition-review-regulation", "第九条"),
                    R("fair-competition-review-rules-2021", "三、"),
                ],
                explanation_zh="政策措施不得对外地或进口商品、要素设置歧视性收费、价格或补贴，也不得对外地经营者在本地投资经营设置歧视性要求。",
                explanation_en="A measure may not set discriminatory fees, prices or subsidies for outside goods or factors, or "
                "discriminatory requirements for outside firms operating locally.",
                recommendation_zh="对本地与外地主体适用相同的条件和比例；确有必要的区别对待，须符合第十二条例外情形并在审查结论中说明。",
                recommendation_en="Apply the same conditions and rates to local and outside entities; any justified difference must fit Art. 12 and be explained.",
                facts={"discriminates_outside": True},
            )
        )
    if f.get("has_time_limit") is False:
        out.append(
            Finding(
                id="issuer_no_time_limit",
                severity="low",
                title_zh="政策措施未设实施期限",
                title_en="No implementation period",
                references=[R("fair-competition-review-regulation", "第十二条")],
                explanation_zh="具有限制竞争效果的措施适用例外情形时，必须能够设定合理的实施期限或终止条件。",
                explanation_en="A measure with competition-restricting effects can rely on the exceptions only with a reasonable "
                "implementation period or end condition.",
                recommendation_zh="为算力券办法设定实施期限（例如按年度或三年）和到期评估安排。",
                recommendation_en="Give the voucher measure a time limit (e.g. yearly or three years) and a review at expiry.",
                facts={"has_time_limit": False},
            )
        )
    return out


RULES: list[tuple[str, Callable[[_Ctx], list[Finding]], str]] = [
    ("voucher_transfer", _transfer, "transfer, resale, lending or cash-out of vouchers"),
    ("sham_or_inflated_contract", _sham, "sham or inflated contract amounts"),
    ("collusion_kickback", _kickback, "kickbacks or collusion with the supplier"),
    ("related_party_supplier", _related, "related-party supplier"),
    ("price_above_fair_market", _price, "price above the market fair-price range"),
    ("non_compute_line_items", _line_items, "storage, network or security in the base"),
    ("double_subsidy", _double, "double subsidy, several claims on one contract, supplier and user both claiming"),
    ("contract_window", _windows, "contract outside the date window or longer than allowed"),
    ("local_registration_condition", _registration, "local-registration conditions vs unified-market rules"),
    (
        "issuer",
        _issuer,
        "issuer-side fair-competition review (registration preconditions, selective subsidies, designated suppliers)",
    ),
]


def check_compliance(facts: dict[str, Any]) -> list[Finding]:
    """Findings for a described voucher use, contract or voucher measure, most severe first."""
    f = _normalize(facts)
    program = get_program(f["program"]) if "program" in f else None
    on = f.get("date") or f.get("contract_signed") or today()
    programs = [program] if program else list(load_programs().values())
    ctx = _Ctx(facts=f, program=program, programs=programs, on=on)
    findings: list[Finding] = []
    for _id, rule, _desc in RULES:
        findings.extend(rule(ctx))
    findings.sort(key=lambda x: _SEVERITY_ORDER[x.severity])
    return findings


def checks_performed() -> list[dict[str, str]]:
    return [{"id": i, "description": d} for i, _fn, d in RULES]


__all__ = ["Finding", "check_compliance", "checks_performed", "RULES"]
