"""Payments told by months of a year, and points of law asked beside another (the nineteenth
session: dev-19 leftovers and dev-20's first run)."""

from __future__ import annotations

# ------------------------------------------------------------------ payments told by months


def test_two_payment_periods_of_a_year_each_take_the_rules_of_their_own_months(ask_pinned):
    # Shanghai's 2025 measures (30%) started on 2025-07-28; rent paid before is under the 2023 ones (10%)
    r = ask_pinned("上海的公司，2025年2—5月付了算力租金100万元，9—11月又付了50万元，两段各能补多少？")
    ask = r.asks[0]
    assert ask.verdict == "amount", ask.conclusion
    assert sorted(a.amount for a in ask.amounts) == ["100000.00", "150000.00"], ask.amounts
