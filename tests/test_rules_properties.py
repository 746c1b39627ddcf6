"""Property tests (hypothesis) for the calculator.

The bounds come from a table written by hand from the policy texts (not read from the
program files), so the engine is checked against the policies, not against itself.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assistant.rules import calculate, calculate_claims

D = Decimal

# (program, date, compute_type, facts, max rate, cap, cap kind)
SCENARIOS = [
    ("beijing-municipal", "2025-06-01", None, {}, D("0.20"), D(2000000), "annual"),
    ("beijing-etown", "2024-06-01", "domestic", {}, D("0.40"), D(20000000), "annual"),
    ("beijing-etown", "2024-06-01", "non_domestic", {}, D("0.30"), D(20000000), "annual"),
    ("beijing-etown", "2025-06-01", "domestic", {}, D("0.30"), D(20000000), "annual"),
    ("shanghai", "2024-06-01", None, {}, D("0.10"), None, None),
    ("shanghai", "2025-08-01", None, {}, D("0.30"), None, None),
    ("guizhou", "2025-06-01", None, {"rate": "0.25"}, D("0.25"), D(2000000), "annual"),
    ("nanning", "2025-06-01", None, {}, D("0.30"), D(2000000), "cumulative"),
    ("shenzhen", "2025-06-01", None, {}, D("0.50"), D(10000000), "per_claim"),
    ("shenzhen", "2025-06-01", None, {"startup": True}, D("0.60"), D(10000000), "per_claim"),
    ("hangzhou", "2024-10-01", "domestic", {}, D("0.30"), D(8000000), "annual"),
    ("hangzhou", "2024-10-01", None, {}, D("0.20"), D(8000000), "annual"),
    ("hangzhou", "2025-07-01", None, {"sme": True}, D("0.50"), D(8000000), "annual"),
    ("chengdu", "2024-06-01", None, {"project_level": "national"}, D("0.30"), D(3000000), "per_claim"),
    ("chengdu", "2024-06-01", None, {"project_level": "provincial"}, D("0.30"), D(1500000), "per_claim"),
    ("chengdu", "2025-10-01", None, {}, D("0.60"), D(5000000), "annual"),
    ("qingyang", "2024-06-01", None, {}, D("0.30"), D(2000000), "cumulative"),
    ("henan", "2025-10-01", None, {}, D("0.20"), D(1000000), "annual"),
    ("zhengzhou", "2024-06-01", None, {}, D("0.20"), D(1000000), "annual"),
    ("anhui", "2024-06-01", None, {}, D("0.20"), None, None),
    ("wuhu", "2025-06-01", None, {}, D("0.25"), D(20000000), "annual"),
    ("shandong", "2025-06-01", None, {}, D("0.05"), D(5000000), "cumulative"),
    ("langfang", "2025-12-01", None, {"major_project": True}, D("0.60"), D(1000000), "annual"),
    ("langfang", "2025-12-01", None, {}, D("0.50"), D(1000000), "annual"),
    ("zhangzhou", "2025-08-01", None, {}, D("0.50"), D(2000000), "per_claim"),
    ("qingdao", "2026-03-01", None, {}, D("0.20"), D(1000000), "cumulative"),
    ("wuhan", "2026-03-01", None, {"opc": True}, D("0.50"), D(200000), "annual"),
    ("tianjin", "2025-06-01", None, {"rate": "0.1"}, D("0.10"), None, None),
]
SCENARIO_IDS = st.sampled_from(range(len(SCENARIOS)))

# Money in fen, up to 1e10 yuan, biased towards the range where caps bind.
money = st.one_of(
    st.integers(min_value=1, max_value=10**12),
    st.integers(min_value=10**6, max_value=5 * 10**9),
).map(lambda fen: D(fen).scaleb(-2))
claimed_money = st.one_of(st.just(D(0)), money.map(lambda m: m / 100), money).map(lambda m: m.quantize(D("0.01")))

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _calc(i: int, base: Decimal, claimed: Decimal = D(0)):
    program, day, ctype, facts, *_ = SCENARIOS[i]
    return calculate(program, base, on=day, compute_type=ctype, claimed_this_year=claimed, facts=dict(facts))


@SETTINGS
@given(SCENARIO_IDS, money, claimed_money)
def test_amount_is_non_negative_and_within_rate_and_caps(i: int, base: Decimal, claimed: Decimal) -> None:
    program, _day, _ctype, _facts, rate, cap, kind = SCENARIOS[i]
    amount = _calc(i, base, claimed).amount
    assert amount is not None
    assert amount >= 0
    assert amount == amount.quantize(D("0.01")), "amounts are to the fen"
    assert amount <= rate * base, (program, base, amount)
    if cap is not None:
        assert amount <= cap
        if kind in ("annual", "cumulative"):
            assert amount <= max(cap - claimed, D(0)), (program, base, claimed, amount)


@SETTINGS
@given(SCENARIO_IDS, money, money)
def test_monotone_in_the_base(i: int, a: Decimal, b: Decimal) -> None:
    """More base never gives less — within one tier. Some programs have cliffs by design
    (Hangzhou 2025: SMEs whose contracts total ≤ 50万元 get 50%, above that 30%), so a
    base just over the threshold can legitimately give less; that cliff has its own YAML case."""
    low, high = sorted((a, b))
    calc_low, calc_high = _calc(i, low), _calc(i, high)
    assume(calc_low.rate == calc_high.rate)
    assert calc_low.amount <= calc_high.amount


@SETTINGS
@given(SCENARIO_IDS, money, claimed_money, claimed_money)
def test_more_received_never_means_more(i: int, base: Decimal, c1: Decimal, c2: Decimal) -> None:
    low, high = sorted((c1, c2))
    assert _calc(i, base, high).amount <= _calc(i, base, low).amount


@SETTINGS
@given(SCENARIO_IDS, st.lists(money, min_size=1, max_size=6))
def test_split_claims_never_exceed_the_cap(i: int, bases: list[Decimal]) -> None:
    program, day, ctype, facts, rate, cap, kind = SCENARIOS[i]
    results = calculate_claims(program, bases, on=day, compute_type=ctype, facts=dict(facts))
    total = sum((r.amount for r in results), D(0))
    assert total <= rate * sum(bases, D(0))
    if kind in ("annual", "cumulative"):
        assert total <= cap, (program, bases, [r.amount for r in results])
    if kind == "per_claim":
        assert all(r.amount <= cap for r in results)


@SETTINGS
@given(
    money,
    st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2027, 12, 31)),
    st.integers(min_value=1, max_value=1500),
)
def test_nanning_pro_rating_stays_within_30_percent(base: Decimal, start: dt.date, days: int) -> None:
    end = start + dt.timedelta(days=days)
    calc = calculate("nanning", base, on="2025-06-01", start=start, end=end)
    overlap = max((min(end, dt.date(2025, 12, 31)) - max(start, dt.date(2025, 3, 1))).days, 0)
    assert calc.amount >= 0
    assert calc.amount <= D("0.30") * base * overlap / days
    assert calc.amount <= D(2000000)
    # 4 decimals of 万元 = whole yuan
    assert calc.amount == calc.amount.to_integral_value()
