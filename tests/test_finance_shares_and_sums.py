"""Messages from finance staff, by cause (dev-15 and dev-16): part of a contract bought from a
related party, and other figures an accountant writes beside the contract amount.
"""

from __future__ import annotations

from decimal import Decimal


def _amounts(response) -> set[Decimal]:
    return {Decimal(a.amount) for ask in response.asks for a in ask.amounts if a.amount is not None}


def test_a_share_bought_from_a_related_party_comes_out_of_the_base(ask_pinned):
    r = ask_pinned("上海的语料券 今年采购语料合计一百六十万 其中四十万是向我们集团子公司买的 能补多少")
    ask = r.asks[0]
    assert ask.verdict == "amount", ask.conclusion
    # 120万 from outside suppliers at 30%, not the whole 160万 and not refused for the related share
    assert Decimal("360000.00") in _amounts(r) and Decimal("480000.00") not in _amounts(r), r.answer
    assert "关联方" in r.answer


def test_a_contract_wholly_from_a_related_party_still_fails_the_condition(ask_pinned):
    r = ask_pinned("上海的语料券 从我们母公司买语料 合同160万 其中40万是标注服务 能补多少")
    assert r.asks[0].verdict == "not_eligible", r.asks[0].conclusion
