"""Amounts under versions a message names, places that only name something else, and years,
kinds and rules read from plain words (the eighteenth session: dev-18 leftovers and probes).
"""

from __future__ import annotations

# ------------------------------------------------------------------ amounts under named versions


def test_an_amount_asked_under_two_named_versions_gets_one_line_each_and_no_sum(ask_pinned):
    r = ask_pinned("杭州滨江区企业来电：使用非国产算力，合同300万元，按2024年措施和2025年举措分别可支持多少？")
    ask = r.asks[0]
    assert ask.verdict == "amount", ask.conclusion
    assert [a.amount for a in ask.amounts] == ["600000.00", "900000.00"], ask.amounts
    assert "60万元" in ask.conclusion and "90万元" in ask.conclusion, ask.conclusion
    assert ask.total is None  # two versions of one program are alternatives, never added up


def test_a_signed_date_still_picks_the_one_version_that_applied(ask_pinned):
    r = ask_pinned("杭州企业，2024年10月签的非国产算力合同300万元，按2024年措施和2025年举措能补多少？")
    ask = r.asks[0]
    assert [a.amount for a in ask.amounts] == ["600000.00"], ask.amounts


# ------------------------------------------------------------------------ places naming something else


def test_a_city_that_only_names_a_partner_programme_yields_to_the_registered_district(ask_pinned):
    r = ask_pinned(
        "We're a member of Beijing's AGI partner programme based in Shijingshan, with RMB 8m of compute spend"
        " this year. What support could we get?"
    )
    ask = r.asks[0]
    assert ask.regions == ["beijing-shijingshan"], ask.regions
    assert [a.program for a in ask.amounts] == ["beijing-shijingshan"], ask.amounts


def test_a_city_whose_voucher_is_named_is_still_the_one_asked(ask_pinned):
    r = ask_pinned("我们注册在石景山，北京市的算力券还能申请吗")
    assert r.asks[0].regions == ["beijing"], r.asks[0].regions


# ------------------------------------------------------------------- years, makers, rules quoted


def test_a_two_digit_year_dates_the_rules_asked(ask_pinned):
    r = ask_pinned("成都 我们23年牵头国家级项目 用的超算中心算力500万 按当时的政策能补多少")
    assert [a.amount for a in r.asks[0].amounts] == ["1500000.00"], r.asks[0].conclusion


def test_an_independent_developer_not_incorporated_is_a_maker(ask_pinned):
    r = ask_pinned(
        "I'm an independent developer in Langfang, not incorporated yet. Can I apply for the Langfang compute voucher?"
    )
    assert r.asks[0].verdict in ("eligible", "answered"), r.asks[0].conclusion


def test_a_holder_of_the_provincial_voucher_asking_to_apply_again_gets_the_citys_rule(ask_pinned):
    r = ask_pinned("郑州高新区企业来电：已获河南省级算力券，还能否申请郑州市级算力券？郑州单份合同300万元可补多少？")
    assert "优先" in r.asks[0].conclusion, r.asks[0].conclusion


def test_a_rules_place_and_traits_said_back_are_not_the_firms(ask_pinned):
    r = ask_pinned(
        "北京市算力券要求在北京注册的独立法人，这跟《全国统一大市场建设指引(试行)》冲突吗？"
        "我们注册在天津，能不能拿这份指引直接去申请北京的券？"
    )
    again = r.asks[1]
    assert again.regions == ["beijing"], again.regions
    assert again.verdict in ("not_eligible", "ended") and "北京" in again.conclusion, again.conclusion
