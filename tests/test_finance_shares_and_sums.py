"""Messages from finance staff, by cause (dev-15 and dev-16): part of a contract bought from a
related party, and other figures an accountant writes beside the contract amount.
"""

from __future__ import annotations

from decimal import Decimal


def test_a_share_bought_from_a_related_party_comes_out_of_the_base(ask_pinned, amounts_of):
    r = ask_pinned("上海的语料券 今年采购语料合计一百六十万 其中四十万是向我们集团子公司买的 能补多少")
    ask = r.asks[0]
    assert ask.verdict == "amount", ask.conclusion
    # 120万 from outside suppliers at 30%, not the whole 160万 and not refused for the related share
    assert Decimal("360000.00") in amounts_of(r) and Decimal("480000.00") not in amounts_of(r), r.answer
    assert "关联方" in r.answer


def test_a_contract_wholly_from_a_related_party_still_fails_the_condition(ask_pinned):
    r = ask_pinned("上海的语料券 从我们母公司买语料 合同160万 其中40万是标注服务 能补多少")
    assert r.asks[0].verdict == "not_eligible", r.asks[0].conclusion


def test_a_set_sum_award_is_computed_without_a_contract(ask_pinned, amounts_of):
    r = ask_pinned("刚搬到廊坊的人工智能企业 新落户的一次性算力券能给多少")
    ask = r.asks[0]
    assert ask.verdict == "amount" and Decimal("500000.00") in amounts_of(r), r.answer
    # no contract amount is asked for: the sum does not depend on one
    assert "合同金额或实际结算金额是多少" not in r.answer and "与合同金额无关" in ask.conclusion


def test_the_city_plus_district_ceiling_is_computed_beside_the_citys_share(ask_pinned):
    r = ask_pinned("上海的小微初创 租了一年算力 租金共80万 市里补多少 算上区里最多又是多少")
    city, both = r.asks
    assert Decimal("240000.00") in {Decimal(a.amount) for a in city.amounts if a.amount}, city.conclusion
    assert Decimal("800000.00") in {Decimal(a.amount) for a in both.amounts if a.amount}, both.conclusion


def test_a_firm_chosen_scheme_is_checked_on_its_own_conditions(ask_pinned):
    r = ask_pinned("石景山这边 我们是北京市重点人工智能企业 区里的算力支持我们能申请吗")
    ask = r.asks[0]
    # the key-firm scheme's condition is met; the filed-model scheme's question is not asked
    assert ask.verdict == "eligible" and "重点企业" in ask.conclusion, ask.conclusion
    # a firm named only as "北京市" is not said to be registered outside Shijingshan
    assert "不在北京市石景山区" not in r.answer


def test_an_english_question_gets_the_summary_sentence_that_answers_it(ask_pinned):
    r = ask_pinned("Which period counts for Nanning's 2025 compute vouchers when fees are pro-rated?")
    assert "1 March to 31 December 2025" in r.asks[0].conclusion, r.asks[0].conclusion


def test_a_capped_amount_shows_no_uncapped_product(ask_pinned, amounts_of):
    r = ask_pinned("深圳的训力券 我们不是初创 训练合同4000万 能补多少")
    assert Decimal("10000000.00") in amounts_of(r), r.answer
    # 4000万 × 50% is no amount anyone gets: the steps say it is above the cap, without the figure
    assert "2000万" not in r.answer and "20,000,000" not in r.answer, r.answer


def test_the_second_contract_is_claimed_after_the_first(ask_pinned):
    r = ask_pinned("郑州这边 今年两份算力合同 2月一份400万 7月一份300万 都找的第三方 一共能拿多少？第二份能拿多少？")
    second = {Decimal(a.amount) for a in r.asks[1].amounts if a.amount}
    # 400万 × 20% = 80万 of the 100万 yearly cap first; then 300万 × 20% = 60万 is cut to 20万
    assert second == {Decimal("200000.00")}, r.asks[1].conclusion


def test_settlements_under_one_contract_are_not_joined_by_the_contract_total(ask_pinned, amounts_of):
    r = ask_pinned("亦庄的公司 上半年结了两次算力费 分别是120万和80万 合同总额500万还没结完 已结算的能补多少")
    # (120万 + 80万) × 30%: the 500万 contract they are settled under is not a third line
    assert sum(amounts_of(r)) == Decimal("600000.00") and Decimal("1500000.00") not in amounts_of(r), r.answer


def test_the_sum_of_the_lines_said_again_is_not_a_third_line(ask_pinned, amounts_of):
    r = ask_pinned(
        "北京的合同，2025年5月签，总价250万，其中存储10万、网络5万。按当时的规则能补多少？存储网络这15万要扣掉吧？"
    )
    assert Decimal("470000.00") in amounts_of(r), r.answer  # (250万 − 15万) × 20%


def test_a_day_without_a_year_is_in_the_year_just_named(ask_pinned, amounts_of):
    r = ask_pinned("北京的软件企业，2025年已经领了北京市算力券180万，11月3日又签了300万的智算合同，这份还能领多少？")
    # 300万 × 20% = 60万, cut to the 20万 left of 2025's 200万 (not a 2026 contract with a fresh cap)
    assert Decimal("200000.00") in amounts_of(r), r.answer


def test_a_corrected_figure_is_computed_again_when_asked(ask_pinned, amounts_of):
    history = ["成都的企业 月租算力20万 租了6个月 能补多少"]
    r = ask_pinned("不好意思月数写错了 是10个月 麻烦重新算一下。另外每年最多能拿多少", history)
    assert len(r.asks) == 2 and r.asks[0].intent == "calculation", [a.intent for a in r.asks]
    assert Decimal("1200000.00") in amounts_of(r), r.answer  # 20万 × 10 × 60%


def test_each_point_of_a_list_gets_its_own_voucher(ask_pinned):
    r = ask_pinned("上海 分别算一下：1. 模型券，模型服务合同200万；2. 语料券，向我们母公司买的语料100万。")
    model, corpus = r.asks
    assert model.verdict == "amount" and corpus.verdict == "not_eligible", (model.conclusion, corpus.conclusion)


def test_a_claim_below_the_programs_minimum_cannot_be_made(ask_pinned):
    r = ask_pinned("庆阳的 有份小合同一万二 按30%算也就3600 这个能申领吗")
    ask = r.asks[0]
    assert ask.verdict == "not_eligible" and "最低" in ask.conclusion and "5,000元" in ask.conclusion, ask.conclusion


def test_what_counts_in_the_base_is_answered_beside_the_amount(ask_pinned):
    r = ask_pinned(
        "廊坊 付给供应商的200万里：算力150万、存储40万、技术支持10万，全款付清。存储能算进基数吗？能补多少？"
    )
    counts, amount = r.asks
    assert counts.intent == "fact" and "存储" in counts.conclusion, (counts.intent, counts.conclusion)
    assert amount.verdict == "amount", amount.conclusion


def test_what_a_cap_counts_is_answered_beside_the_amount(ask_pinned):
    r = ask_pinned(
        "北京的企业 2025年已到账北京市算力券100万 9月又签了300万的合同 还能领多少？200万上限按到账算还是按申领算？"
    )
    assert r.asks[1].intent == "fact" and "申领与兑付" in r.asks[1].conclusion, r.asks[1].conclusion
