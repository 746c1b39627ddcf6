"""The library API the assistant's tools and the web app call."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.compliance import check_compliance
from assistant.rules import (
    FACTS,
    RulesInputError,
    UnknownProgramError,
    calculate,
    check_eligibility,
    compare,
    get_program,
    load_programs,
)
from assistant.rules.clauses import clause_text
from assistant.rules.values import wan

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

REQUIRED_IDS = {"beijing-municipal", "beijing-etown", "shanghai", "guizhou"}
REGIONAL = {
    "shenzhen",
    "hangzhou",
    "chengdu",
    "qingyang",
    "nanning",
    "henan",
    "zhengzhou",
    "anhui",
    "wuhu",
    "shandong",
    "langfang",
    "zhangzhou",
    "qingdao",
    "wuhan",
    "tianjin",
}


def test_programs_load() -> None:
    programs = load_programs()
    assert len(programs) >= 16
    assert REQUIRED_IDS <= set(programs)
    assert len(REGIONAL & set(programs)) >= 12
    for p in programs.values():
        assert p.id and p.name and p.region and p.corpus_doc and p.versions
        names = [f.name for f in p.inputs]
        assert names[0] == "amount" and p.inputs[0].required
        assert {"date", "claimed_this_year"} <= set(names)
        for f in p.inputs:
            assert f.label_zh and f.label_en and f.type
        for v in p.versions:
            for c in p.conditions_for(v):
                assert c.question_zh and c.question_en and c.reference


def test_compute_type_input_declared_where_it_matters() -> None:
    etown = get_program("beijing-etown")
    ct = next(f for f in etown.inputs if f.name == "compute_type")
    assert ct.choices == ["domestic", "non_domestic"]
    assert "compute_type" not in [f.name for f in get_program("henan").inputs]


def test_unknown_program() -> None:
    with pytest.raises(UnknownProgramError) as info:
        get_program("beijing")
    assert isinstance(info.value, RulesInputError)
    assert info.value.field == "program"
    assert "beijing-municipal" in str(info.value) and "nanning" in str(info.value)


@pytest.mark.parametrize("amount", ["3000000", 3000000, Decimal("3000000"), "3,000,000", "300万", "300万元", 3000000.0])
def test_amount_forms(amount) -> None:
    assert calculate("beijing-municipal", amount, on=dt.date(2025, 6, 1)).amount == Decimal("600000.00")


@pytest.mark.parametrize("amount", [True, None, "nan", "Infinity", "", "1e3", "12元3", [], "--5"])
def test_bad_amounts(amount) -> None:
    with pytest.raises(RulesInputError) as info:
        calculate("beijing-municipal", amount, on="2025-06-01")
    assert info.value.field == "amount"


def test_json_shape() -> None:
    data = calculate("beijing-municipal", "15000000", on=dt.date(2025, 6, 1)).as_json()
    for key in (
        "program",
        "version",
        "amount",
        "amount_wan",
        "capped_by",
        "steps",
        "warnings",
        "references",
        "base",
        "rate",
    ):
        assert key in data
    assert data["amount"] == "2000000.00" and data["amount_wan"] == "200"
    assert data["base"] == "15000000.00"
    assert all({"label", "value", "reference"} <= set(s) for s in data["steps"])
    json.dumps(data, ensure_ascii=False)


def test_decimal_types() -> None:
    calc = calculate("nanning", "200000", on="2025-06-01", start="2025-01-01", end="2026-12-31")
    assert isinstance(calc.amount, Decimal) and isinstance(calc.rate, Decimal)
    assert calc.amount == Decimal("25102.00") and calc.amount_wan == "2.5102"


def test_wan_formatting() -> None:
    assert wan(Decimal("2000000.00")) == "200"
    assert wan(Decimal("25102.00")) == "2.5102"
    assert wan(Decimal("5000.00")) == "0.5"
    assert wan(Decimal("20000000.00")) == "2000"
    assert wan(Decimal("1.00")) == "0.0001"


def test_start_end_inside_facts() -> None:
    calc = calculate("nanning", "200000", on="2025-06-01", facts={"start": "2025-01-01", "end": "2026-12-31"})
    assert calc.amount == Decimal("25102.00")


def test_facts_are_validated() -> None:
    with pytest.raises(RulesInputError) as info:
        calculate("beijing-municipal", "1000", on="2025-06-01", facts={"supplier_related": "maybe"})
    assert info.value.field == "supplier_related"
    with pytest.raises(RulesInputError) as info:
        calculate("beijing-municipal", "1000", on="2025-06-01", facts={"contract_signed": "2023-02-29"})
    assert info.value.field == "contract_signed"
    # An amount per item is not something the calculator reads: refused, not computed on the
    # whole contract as if the storage part were compute.
    with pytest.raises(RulesInputError) as info:
        calculate(
            "beijing-municipal", "3800000", on="2025-04-18", facts={"line_items": "compute:3200000,storage:600000"}
        )
    assert info.value.field == "line_items" and "storage:600000" in str(info.value)


def test_eligibility_all_programs_and_missing_questions() -> None:
    results = check_eligibility({"date": "2025-06-01"})
    assert len(results) == len(load_programs())
    beijing = next(r for r in results if r.program == "beijing-municipal")
    assert beijing.status == "undetermined"
    for m in beijing.missing:
        assert m.fact and m.question_zh and m.question_en
        assert clause_text(m.reference.doc, m.reference.clause, CORPUS)
    assert len({m.fact for m in beijing.missing}) == len(beijing.missing)


def test_eligibility_reasons_are_cited() -> None:
    (r,) = check_eligibility({"registered_in": "shanghai", "industry": "manufacturing"}, program_id="beijing-municipal")
    assert r.status == "not_eligible"
    failed = r.failed
    assert [f.fact for f in failed] == ["registered_in"]
    assert failed[0].reference.doc == "beijing-municipal-2023" and failed[0].reference.clause == "第二条"
    met = [x for x in r.reasons if x.status == "met"]
    assert [x.fact for x in met] == ["industry"]


def test_region_names_accepted() -> None:
    (r,) = check_eligibility({"registered_in": "北京市"}, program_id="beijing-municipal")
    assert not r.failed


def test_fact_list_documented() -> None:
    """Every fact says what it is (and a choice which values it takes), for people and the CLI."""
    for name, spec in FACTS.items():
        assert spec.about.strip(), name
        if spec.type in ("choice", "list"):
            assert spec.choices, name
    for name in (
        "registered_in",
        "industry",
        "supplier_related",
        "contract_signed",
        "contract_term_months",
        "line_items",
        "price_vs_fair_market",
        "other_municipal_subsidy",
        "enterprise_size",
        "startup",
        "sme",
        "purpose",
        "dishonest_record",
    ):
        assert name in FACTS


def test_compare_ranks_and_explains() -> None:
    profile = {"registered_in": "beijing", "industry": "software_it", "date": "2025-06-01"}
    result = compare(profile, amount="1000000")
    order = {"eligible": 0, "undetermined": 1, "not_eligible": 2}
    statuses = [order[r.status] for r in result.rows]
    assert statuses == sorted(statuses)

    def outside(row) -> bool:
        return any(w.code == "outside_applicant_unaddressed" for w in row.eligibility.warnings)

    for group in range(3):
        for away in (False, True):
            amounts = [
                r.amount
                for r in result.rows
                if order[r.status] == group and outside(r) == away and r.amount is not None
            ]
            assert amounts == sorted(amounts, reverse=True)
        flags = [outside(r) for r in result.rows if order[r.status] == group]
        assert flags == sorted(flags), "home-region programs rank before silent outside ones"
    # A Beijing firm is never told it is eligible for another city's program whose text does
    # not say outside firms may apply.
    for row in result.rows:
        if row.program not in ("beijing-municipal", "beijing-etown", "guizhou"):
            assert row.status != "eligible", row.program
    guizhou = next(r for r in result.rows if r.program == "guizhou")
    assert guizhou.amount is None and "not published" in guizhou.reason
    nanning = next(r for r in result.rows if r.program == "nanning")
    assert nanning.status == "not_eligible" and "Nanning" in nanning.reason
    json.dumps(result.as_json(), ensure_ascii=False)


def test_compare_needs_an_amount() -> None:
    with pytest.raises(RulesInputError) as info:
        compare({"registered_in": "beijing"})
    assert info.value.field == "amount"


def test_every_compliance_finding_is_cited_and_resolves() -> None:
    everything = {
        "voucher_action": "cash_out",
        "sham_contract": True,
        "kickback": True,
        "supplier_related": True,
        "price_vs_fair_market": "above",
        "line_items": ["compute", "storage"],
        "double_subsidy_same_contract": True,
        "contract_split": True,
        "supply_side_also_claims": True,
        "contract_signed": "2023-01-01",
        "contract_term_months": 24,
    }
    issuer = {
        "role": "issuer",
        "local_registration_required": True,
        "selective_subsidy": True,
        "designated_suppliers": True,
        "discriminates_outside": True,
        "fair_competition_review_done": False,
        "criteria_public": False,
        "has_time_limit": False,
    }
    findings = (
        check_compliance(everything)
        + check_compliance(issuer)
        + check_compliance({"program": "beijing-municipal", "registered_in": "shanghai"})
    )
    ids = {f.id for f in findings}
    assert {
        "voucher_transfer",
        "sham_or_inflated_contract",
        "collusion_kickback",
        "related_party_supplier",
        "price_above_fair_market",
        "non_compute_line_items",
        "double_subsidy",
        "one_claim_per_contract",
        "supply_and_demand_both_claim",
        "contract_date_window:beijing-municipal",
        "contract_term:beijing-municipal",
        "issuer_no_fair_competition_review",
        "issuer_local_registration_precondition",
        "issuer_selective_or_opaque_subsidy",
        "issuer_designated_suppliers",
        "issuer_discriminates_outside",
        "issuer_no_time_limit",
        "local_registration_condition",
    } <= ids
    for f in findings:
        assert f.severity in {"high", "medium", "low", "info"}
        assert f.references
        for ref in f.references:
            assert clause_text(ref.doc, ref.clause, CORPUS) is not None, (f.id, ref)
        json.dumps(f.as_json(), ensure_ascii=False)
    severities = [f.severity for f in check_compliance(everything)]
    rank = {"high": 0, "medium": 1, "low": 2, "info": 3}
    assert [rank[s] for s in severities] == sorted(rank[s] for s in severities)


def test_compliance_bad_input() -> None:
    with pytest.raises(RulesInputError) as info:
        check_compliance({"voucher_action": "teleport"})
    assert info.value.field == "voucher_action"
    with pytest.raises(UnknownProgramError):
        check_compliance({"program": "mars"})


# ---------------------------------------------------------------- vouchers beside compute (issue 11)


def test_eligibility_and_compare_by_voucher_type() -> None:
    from assistant.rules import compare

    (e,) = check_eligibility({"supplier_related": True}, program_id="shanghai", voucher="语料券")
    assert (e.voucher, e.scheme, e.status) == ("corpus", "corpus", "not_eligible")
    assert e.as_json()["voucher"] == "corpus"
    rows = compare(
        {"registered_in": "shanghai", "supplier_related": False}, amount="2000000", on="2026-03-01", voucher="corpus"
    ).rows
    assert {r.program for r in rows} == {"shanghai", "shenzhen", "suzhou"}
    assert all(r.voucher == "corpus" for r in rows)
    top = rows[0]
    assert (top.program, top.amount) == ("shanghai", Decimal("600000.00"))  # 30% of 200万, not the compute 30% of rent
    default = compare({"registered_in": "beijing"}, amount="1000000", on="2025-06-01").rows
    assert {r.voucher for r in default} == {"compute"} and {r.scheme for r in default} == {"compute"}


def test_voucher_words_in_both_languages() -> None:
    from assistant.rules import normalize_voucher

    for word, kind in [
        ("模型券", "model"),
        ("Model voucher", "model"),
        ("语料券", "corpus"),
        ("数据券", "data"),
        ("标注券", "labelling"),
        ("训力券", "compute"),
        ("labeling", "labelling"),
    ]:
        assert normalize_voucher(word) == kind
    with pytest.raises(RulesInputError) as info:
        normalize_voucher("金券")
    assert info.value.field == "voucher"
