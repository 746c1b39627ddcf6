"""Payments told by months of a year, and points of law asked beside another (the nineteenth
session: dev-19 leftovers and dev-20's first run)."""

from __future__ import annotations

import pytest

# ------------------------------------------------------------------ payments told by months


def test_two_payment_periods_of_a_year_each_take_the_rules_of_their_own_months(ask_pinned):
    # Shanghai's 2025 measures (30%) started on 2025-07-28; rent paid before is under the 2023 ones (10%)
    r = ask_pinned("上海的公司，2025年2—5月付了算力租金100万元，9—11月又付了50万元，两段各能补多少？")
    ask = r.asks[0]
    assert ask.verdict == "amount", ask.conclusion
    assert sorted(a.amount for a in ask.amounts) == ["100000.00", "150000.00"], ask.amounts


def test_what_is_left_of_the_yearly_cap_after_a_claim_comes_from_the_calculator(ask_pinned):
    r = ask_pinned("成都的企业，今年已经拿了300万算力券，这次又买了150万的算力服务，能抵多少？抵完今年还剩多少额度？")
    left = r.asks[-1]
    assert left.verdict == "amount", left.conclusion
    assert "110万元" in left.conclusion, left.conclusion  # 500万 - 300万 - 90万 (60% of 150万)
    assert "90万元" in r.asks[0].conclusion, r.asks[0].conclusion


# ------------------------------------------------------------------------ numbered enquiries


# (message, the point whose answer is checked, a phrase its answer must hold)
_NUMBERED = [
    # a document number the enquiry cites is not asked for; "由哪个部门受理、哪个部门拨付" is one point
    (
        "请依据沪经信智〔2025〕489号答复：（1）市级补贴比例是多少；（2）由哪个部门受理、哪个部门拨付；（3）单个主体上限。",
        0,
        "30%",
    ),
    # a point numbered in Chinese may open with a figure ("二、1000万元……")
    (
        "关于深圳训力券，请逐条答复：一、支持比例，初创企业比例；二、1000万元上限按年还是按合同计算；三、政策执行到什么时候。",
        0,
        "60%",
    ),
    # a point asking "有何规定" is not merged into the next
    (
        "郑州算力券：1、单次申领比例；2、已获省级算力券的企业申请市级券有何规定；3、企业自建自用的算力能否申请。",
        1,
        "优先",
    ),
]


@pytest.mark.parametrize(("message", "point", "phrase"), _NUMBERED, ids=["cited-number", "chinese-numeral", "he-rule"])
def test_each_numbered_point_of_an_enquiry_is_one_ask_with_its_own_answer(ask_pinned, message, point, phrase):
    r = ask_pinned(message)
    assert len(r.asks) == 3, [a.text for a in r.asks]
    assert phrase in r.asks[point].conclusion, r.asks[point].conclusion


def test_a_reply_wording_requested_with_what_it_covers_gets_one_ask_per_item(ask_pinned):
    r = ask_pinned("请拟庆阳算力券的答复口径，内容包括申领起点、结算周期以及能否转让。")
    assert len(r.asks) == 3, [a.text for a in r.asks]
    assert "5000" in r.asks[0].conclusion, r.asks[0].conclusion
    assert "季度" in r.asks[1].conclusion, r.asks[1].conclusion


# ------------------------------------------------------------------------ points of law


def test_an_article_asked_after_a_question_naming_the_law_is_an_article_of_that_law(ask_pinned):
    r = ask_pinned(
        "区数据局发放算力券，它属于反垄断法第十条说的行政机关吗？滥用行政权力排除竞争要承担的法律责任在哪一条？"
    )
    assert len(r.asks) == 2
    assert r.asks[1].verdict == "answered", r.asks[1].conclusion
    assert "第六十一条" in r.asks[1].conclusion, r.asks[1].conclusion


def test_two_contracts_one_for_the_claim_and_one_actually_paid_is_a_sham(ask_pinned):
    r = ask_pinned("和供应商签两份合同，申报用的那份写800万，实际按600万付款，北京的券这样操作有没有风险？")
    ask = r.asks[0]
    assert ask.verdict == "risk", ask.conclusion
    assert "第一百四十六条" in ask.conclusion, ask.conclusion


def test_a_drafting_body_keeping_a_local_registration_condition_gets_the_finding_and_the_exception(ask_pinned):
    r = ask_pinned("我们是起草单位，想以维护国家安全为由保留算力券的本地注册条件，可以吗？需要满足哪些条件？")
    assert r.asks[0].verdict == "risk", r.asks[0].conclusion
    assert "第十二条" in r.asks[-1].conclusion, r.asks[-1].conclusion


def test_a_year_asked_in_one_point_is_not_moved_by_a_date_in_another(ask_pinned):
    r = ask_pinned(
        "Is Nanning's compute voucher still open in 2026? Our contract ran 1 March to 31 December 2025"
        " and we settled RMB 400,000 - what would we have got?"
    )
    assert r.asks[0].verdict == "ended", r.asks[0].conclusion  # the 2025 notice ran to 2025-12-31
    assert [a.amount for a in r.asks[1].amounts] == ["120000.00"], r.asks[1].conclusion


def test_an_invoice_not_yet_paid_is_left_out_where_only_fees_actually_paid_count(ask_pinned):
    r = ask_pinned("青岛OPC清单：今年已实际支付算力费用50万，另有一笔20万发票开了但还没付款，能补多少？")
    ask = r.asks[0]
    assert ask.verdict == "amount", ask.conclusion
    assert [a.amount for a in ask.amounts] == ["100000.00"], ask.amounts  # 20% of the 50万 paid
    assert "尚未付款" in ask.conclusion, ask.conclusion


def test_a_fact_told_of_one_payment_is_not_told_of_the_others_in_its_sentence(ask_pinned):
    r = ask_pinned("青岛OPC清单，3月付了30万，5月付了40万，还有一笔10万还没付款。能补多少？")
    assert sorted(a.amount for a in r.asks[0].amounts) == ["60000.00", "80000.00"], r.asks[0].conclusion


def test_compute_hosted_in_another_city_in_english_fails_a_local_compute_condition(ask_pinned):
    r = ask_pinned("Wuhu compute subsidy: our GPUs are actually hosted in a Hefei data centre. Can we claim it?")
    ask = r.asks[0]
    assert ask.verdict == "not_eligible", ask.conclusion


# ------------------------------------------------------------------------ rules asked of a case


def test_which_of_two_versions_a_year_falls_under_is_the_calculators_version_for_that_year(ask_pinned):
    r = ask_pinned("上海企业来电：2024年租的算力，应该适用2023年大模型措施还是2025年的扩大应用措施？")
    ask = r.asks[0]
    assert ask.verdict == "answered", ask.conclusion
    assert "2024年" in ask.conclusion and "10%" in ask.conclusion, ask.conclusion  # the 2023 measures
    assert "不适用" in ask.conclusion, ask.conclusion  # the 2025 measures named as not applying


def test_the_article_a_quoted_requirement_comes_from_is_the_clause_not_an_eligibility_check(ask_pinned):
    r = ask_pinned("工单：北京市算力券要求企业在北京注册、具有独立法人资格，这个要求出自方案哪一条？")
    ask = r.asks[0]
    assert ask.verdict == "answered", ask.conclusion
    assert "第二条" in ask.conclusion, ask.conclusion


def test_materials_asked_for_two_steps_get_each_steps_clause(ask_pinned):
    r = ask_pinned("北京市算力券申领时和兑付时分别要提交什么材料？")
    text = r.asks[0].conclusion
    assert "发票" in text and "合同" in text, text


def test_an_amount_asked_again_under_the_opposite_supposition_is_computed_under_it(ask_pinned):
    r = ask_pinned("深圳训力券，训练用算力合同1000万元。如果我们算初创企业能补多少？不算初创的话又是多少？")
    assert [a.amount for a in r.asks[0].amounts] == ["6000000.00"], r.asks[0].conclusion  # 60% for start-ups
    assert [a.amount for a in r.asks[1].amounts] == ["5000000.00"], r.asks[1].conclusion  # 50% otherwise


def test_how_a_related_party_is_defined_is_not_published_when_no_text_defines_it(ask_pinned):
    r = ask_pinned("北京市算力券要求向非关联方租用，关联方是怎么认定的？")
    assert r.asks[-1].verdict == "not_published", r.asks[-1].conclusion


def test_a_districts_own_voucher_figures_are_not_published_when_the_library_has_no_text_of_it(ask_pinned):
    r = ask_pinned("闵行区的算力券有什么申请要求？补贴比例和上限是多少？")
    figures = r.asks[-1]
    assert figures.verdict == "not_published", figures.conclusion
    assert "闵行区" in figures.conclusion, figures.conclusion


def test_whether_a_cap_is_counted_per_year_when_no_text_says_so_is_not_published(ask_pinned):
    r = ask_pinned("漳州算力券的200万元上限是否按年计算？")
    assert r.asks[0].verdict == "not_published", r.asks[0].conclusion
    r = ask_pinned("Shenzhen training-compute voucher: is the 10 million cap per year?")
    assert r.asks[0].verdict == "not_published", r.asks[0].conclusion


def test_whether_the_conditions_stated_are_a_problem_is_the_check_of_them(ask_pinned):
    r = ask_pinned(
        "我局在起草区级算力券办法，拟规定只有在本区注册的企业才能申领。出台前是否需要做公平竞争审查？"
        "上述条件是否存在问题？"
    )
    assert r.asks[-1].verdict == "risk", r.asks[-1].conclusion
    assert "第九条" in r.asks[-1].conclusion, r.asks[-1].conclusion


def test_the_body_to_ask_is_named_when_the_caller_asks_whom_to_consult(ask_pinned):
    r = ask_pinned("贵州算力券使用中遇到问题，应该向哪些单位咨询？")
    assert "大数据发展管理局" in r.asks[0].conclusion, r.asks[0].conclusion


def test_and_what_is_a_new_question_not_the_previous_one_again(ask_pinned):
    r = ask_pinned("And what's the annual cap per firm?", ["What are the Hangzhou compute voucher rules for 2025?"])
    assert "8,000,000" in r.asks[0].conclusion, r.asks[0].conclusion


def test_what_replaced_an_ended_program_with_no_later_text_is_not_published(ask_pinned):
    r = ask_pinned("北京市算力券现在还能申请吗？被什么政策取代了？")
    assert r.asks[0].verdict == "ended", r.asks[0].conclusion
    assert r.asks[1].verdict == "not_published", r.asks[1].conclusion


def test_a_district_planning_vouchers_for_locally_registered_firms_only_gets_the_finding_in_english(ask_pinned):
    r = ask_pinned(
        "Our county plans vouchers only for firms registered in the county. Is that a risk? Which provisions apply?"
    )
    assert r.asks[0].verdict == "risk", r.asks[0].conclusion
    assert "Art. 9" in r.asks[1].conclusion, r.asks[1].conclusion


def test_whether_a_guideline_for_a_later_year_exists_is_not_published(ask_pinned):
    r = ask_pinned("青岛：2024年度算力券奖补的申报截止时间是哪天？2026年度有没有申报指南？")
    assert r.asks[-1].verdict == "not_published", r.asks[-1].conclusion


def test_a_price_requirement_asked_is_the_clause_on_prices(ask_pinned):
    r = ask_pinned("北京市算力券对签约价格有什么要求？")
    assert r.asks[0].verdict == "answered", r.asks[0].conclusion
    assert "公允" in r.asks[0].conclusion, r.asks[0].conclusion


def test_a_numbered_point_asking_the_lists_release_date_is_a_fact_of_the_text(ask_pinned):
    r = ask_pinned("青岛OPC政策清单：一、支持比例；二、清单发布日期。")
    assert "2026年2月13日" in r.asks[-1].conclusion, r.asks[-1].conclusion
