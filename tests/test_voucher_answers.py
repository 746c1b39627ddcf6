"""Vouchers other than the compute voucher in answers (issue 11): a question about a region's
model or corpus voucher is computed under that scheme, and a region that issues no such voucher
is told so instead of being answered with its compute voucher's rate."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def assistant(real_index_settings):
    from assistant.assistant import Assistant

    return Assistant.load(real_index_settings, llm=None)


def _ask(assistant, question: str):
    response = assistant.ask(question)
    assert not response.warnings, response.warnings  # every number supported, every citation real
    return response


def test_shanghai_model_voucher_is_computed_under_its_own_scheme(assistant) -> None:
    r = _ask(assistant, "徐汇的公司 今年采购大模型服务六百万 上海的模型券能补多少")
    ask = r.asks[0]
    assert ask.verdict == "amount"
    assert [a.amount for a in ask.amounts] == ["3000000.00"]  # 50%, not the compute voucher's 30%
    assert "模型券" in ask.conclusion and "1,800,000" not in r.answer


def test_corpus_voucher_cap_applies(assistant) -> None:
    r = _ask(assistant, "上海语料券 向第三方买语料花了两千万 能补多少")
    assert [a.amount for a in r.asks[0].amounts] == ["5000000.00"]


def test_a_region_without_that_voucher_is_told_so(assistant) -> None:
    r = _ask(assistant, "北京的模型券能补多少 模型采购合同100万")
    ask = r.asks[0]
    assert ask.verdict == "not_published"
    assert not [a for a in ask.amounts if a.amount]  # no compute-voucher amount in its place
    assert "模型券" in ask.conclusion


def test_rules_of_another_voucher_come_from_its_scheme(assistant) -> None:
    r = _ask(assistant, "深圳的语料券补贴比例是多少")
    assert "30%" in r.asks[0].conclusion
    assert "只覆盖算力券" not in r.answer


def test_comparing_regions_on_another_voucher_compares_that_voucher(assistant) -> None:
    r = _ask(assistant, "上海和深圳的语料券比例哪个高")
    conclusion = r.asks[0].conclusion
    assert "语料券" in conclusion and "训力券" not in conclusion  # not the compute vouchers' 30% vs 50%
    assert "最高的是" not in conclusion  # both 30%: neither is "the highest"


def test_a_region_without_the_voucher_is_left_out_of_the_comparison_and_said_so(assistant) -> None:
    r = _ask(assistant, "北京和上海的模型券比例对比一下")
    assert "50%" in r.asks[0].conclusion
    assert "未见模型券" in r.answer


def test_compute_rent_and_model_services_get_one_line_each_and_the_stacking_question(assistant) -> None:
    r = _ask(assistant, "浦东的公司 今年租算力两百万 另外采购大模型服务三百万 两种券各能补多少")
    ask = r.asks[0]
    assert sorted(a.amount for a in ask.amounts) == ["1500000.00", "600000.00"]  # 30% of 200万, 50% of 300万
    assert "算力券" in ask.conclusion and "模型券" in ask.conclusion
    assert "同时享受" in ask.conclusion  # what the texts say about holding both, or that they say nothing
    assert "2,100,000" not in r.answer  # vouchers of two kinds are not added up as one amount
