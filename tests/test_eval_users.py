"""The structured scorer (``assistant/evaluation/scoring.py``) and the users' evaluation.

The unit tests build responses by hand against ``tests/fixtures/users-sample.yaml``: each one
shows a way the first QA scorer was fooled (an amount only in the quoted sources, a fact outside
the conclusion, a forbidden number written another way) and that this scorer is not.

The ``real`` tests are the acceptance gate of issue 9: the development half of the users' set
and the QA set through the real assistant, with every negative control near 0. They are
expected to fail on the assistant before the redesign; they are written with the targets anyway
(deselect them with ``-k "not real"``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from assistant.evaluation.scoring import (
    find_phrase,
    legacy_ask,
    load_users,
    response_asks,
    score_case,
)
from assistant.evaluation.users import HIDDEN_FILES, SPLITS, always_refuse, shuffled, summarise
from assistant.models import AskAmount, AskAnswer, Citation, Response, ToolCall

SAMPLE = Path(__file__).parent / "fixtures" / "users-sample.yaml"


@pytest.fixture(scope="module")
def cases():
    return {c.id: c for c in load_users(SAMPLE).cases}


def _cite(doc_id: str = "beijing-municipal-2023") -> Citation:
    return Citation(doc_id=doc_id, title="北京市人工智能算力券实施方案", locator="第七条", quote="最高为合同金额的20%")


def _amount_ask(conclusion: str, amount: str = "400000.00") -> AskAnswer:
    return AskAnswer(
        text="能补多少",
        intent="calculation",
        verdict="amount",
        conclusion=conclusion,
        amounts=[AskAmount(program="beijing-municipal", base="2000000.00", amount=amount)],
    )


def _response(*asks: AskAnswer, answer: str | None = None, **kw) -> Response:
    text = answer if answer is not None else "\n\n".join(a.conclusion for a in asks)
    return Response(answer=text, asks=list(asks), citations=kw.pop("citations", [_cite()]), **kw)


GOOD = "按北京市算力券，合同2,000,000元（200万元）按20%计算，可得400,000元（40万元）。[1]"


def _failed(score) -> list[str]:
    return [c.name for c in score.checks if not c.ok]


# ---------------------------------------------------------------- the file


def test_sample_file_loads_with_typed_expectations(cases):
    assert list(cases) == ["s001", "s002", "s003", "s004"]
    assert cases["s001"].asks[0].amounts == [Decimal("400000.00")]
    assert cases["s002"].asks[1].verdict == ["ended", "in_force"]
    assert cases["s003"].refused is True and cases["s001"].refused is None


def test_every_case_file_is_in_a_split_and_every_held_out_file_stays_hidden():
    """A case file missing from evals/splits.yaml is never run; a held-out file not marked
    held-out would have its questions and failures printed to whoever works on the code."""
    evals = Path(__file__).parents[1] / "evals"
    on_disk = {p.name for p in evals.glob("users*.yaml")}
    listed = {p.name for p in SPLITS["all"]}
    assert on_disk == listed
    assert all(p.exists() for p in SPLITS["all"])
    assert {p.name for p in HIDDEN_FILES} == {n for n in on_disk if "heldout" in n}
    assert not set(SPLITS["dev"]) & set(HIDDEN_FILES)


def test_malformed_case_names_its_id(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("today: 2026-11-28\ncases:\n  - {id: z9, persona: edge, question: q, asks: [{verdict: maybe}]}\n")
    with pytest.raises(ValueError, match="z9"):
        load_users(bad)


# ---------------------------------------------------------------- the scorer


def test_correct_answer_passes(cases):
    score = score_case(cases["s001"], _response(_amount_ask(GOOD)))
    assert score.passed, [c.describe() for c in score.checks if not c.ok]
    assert not score.legacy
    assert score.tally("amount") == (1, 1) and score.tally("facts") == (1, 1)


def test_wrong_amount_fails(cases):
    wrong = _amount_ask("合同2,000,000元按30%计算，可得600,000元（60万元）。", amount="600000.00")
    score = score_case(cases["s001"], _response(wrong))
    assert not score.passed
    fail = score.first_failure
    assert fail.name == "amount" and "not among the computed amounts" in fail.reason


def test_a_sum_the_answer_gives_counts_as_computed(cases):
    """Two contracts of 1,000,000 each: the case expects the 400,000 for both, which the answer
    states as the total of its two lines."""
    lead = "合同①1,000,000元可得200,000元（20万元）；合同②1,000,000元可得200,000元（20万元）。以上合计400,000元（40万元）。"
    ask = _amount_ask(lead, amount="200000.00").model_copy(
        update={
            "amounts": [AskAmount(program="beijing-municipal", base="1000000.00", amount="200000.00")] * 2,
            "total": "400000.00",
        }
    )
    assert "amount" not in _failed(score_case(cases["s001"], _response(ask)))
    without_total = ask.model_copy(update={"total": None})
    assert "amount" in _failed(score_case(cases["s001"], _response(without_total)))


def test_right_amount_only_in_sources_fails(cases):
    lead = "按北京市算力券，合同2,000,000元按20%计算，可获得算力券。"
    answer = lead + "\n\n**依据**：\n[1] 第七条：……可得400,000元（40万元）"
    score = score_case(cases["s001"], _response(_amount_ask(lead), answer=answer))
    assert _failed(score) == ["amount"]
    assert "does not state it" in score.first_failure.reason


def test_fact_outside_the_conclusion_fails(cases):
    lead = "按北京市算力券，合同2,000,000元，可得400,000元（40万元）。"
    answer = lead + "\n\n**计算过程**：\n- 比例（上限）：20%"
    score = score_case(cases["s001"], _response(_amount_ask(lead), answer=answer))
    assert _failed(score) == ["facts"]
    assert "20%" in score.first_failure.reason


def test_forbidden_number_in_another_form_fails(cases):
    answer = GOOD + "\n\n**注意**：\n- 经开区单个企业封顶50,000,000元。"
    score = score_case(cases["s001"], _response(_amount_ask(GOOD), answer=answer))
    assert _failed(score) == ["forbid"]
    assert "5000万" in score.first_failure.reason


def test_warnings_fail(cases):
    score = score_case(cases["s001"], _response(_amount_ask(GOOD), warnings=["unsupported numbers: 123"]))
    assert _failed(score) == ["warnings"]


def test_too_few_asks_fail(cases):
    only_first = _amount_ask("上海合同3,000,000元按30%计算，可得900,000元（90万元）。", amount="900000.00")
    score = score_case(cases["s002"], _response(only_first))
    assert score.first_failure.name == "asks"
    assert "expected 2 asks" in score.first_failure.reason
    assert score.tally("verdict") == (1, 2) and score.tally("facts") == (0, 1)


def test_two_asks_matched_in_order(cases):
    first = _amount_ask("上海合同3,000,000元按30%计算，可得900,000元（90万元）。", amount="900000.00")
    second = AskAnswer(
        text="还有效吗", intent="validity", verdict="ended", conclusion="北京的方案已于2025年12月31日结束。"
    )
    assert score_case(cases["s002"], _response(first, second)).passed
    swapped = score_case(cases["s002"], _response(second, first))
    assert not swapped.passed and swapped.first_failure.name == "verdict"


def test_refusal_and_gold_docs(cases):
    refused = always_refuse()
    assert score_case(cases["s003"], refused).passed
    not_refused = Response(answer="今天晴。", refused=False)
    assert "refused" in _failed(score_case(cases["s003"], not_refused))
    other_doc = _response(_amount_ask(GOOD), citations=[_cite("shanghai-2025")])
    assert _failed(score_case(cases["s001"], other_doc)) == ["gold_docs"]


def test_english_words_on_word_boundaries(cases):
    ask = AskAnswer(
        text="branch",
        intent="eligibility",
        verdict="not_eligible",
        conclusion="Not eligible: it must be a legal entity.",
    )
    assert score_case(cases["s004"], _response(ask)).passed
    assert find_phrase("legal entity", "LEGAL  Entity") is not None
    assert find_phrase("No", "Nothing is required") is None
    assert find_phrase("transfer", "transferred") is None


def test_numbers_match_by_value_on_number_boundaries():
    assert find_phrase("200万", "可得2,000,000元") is not None
    assert find_phrase("30%", "比例为130%") is None
    assert find_phrase("30%", "比例为30%") is not None
    assert find_phrase("72", "共172家") is None
    assert find_phrase("2025年", "已于2025年12月31日结束") is not None
    assert find_phrase("2025年12月31日", "ends on 2025-12-31") is not None
    assert find_phrase("%", "比例20%") is not None  # a phrase without a number still sees the sign


# ---------------------------------------------------------------- the legacy adapter


def test_legacy_adapter_maps_a_refused_response_to_refused(cases):
    resp = Response(answer="抱歉，这个问题不在本助手的服务范围内。\n我可以帮您查询算力券政策。", refused=True)
    ask = legacy_ask(resp)
    assert ask.verdict == "refused"
    asks, legacy = response_asks(resp)
    assert legacy and asks[0].verdict == "refused"
    score = score_case(cases["s003"], resp)
    assert score.passed and score.legacy


def test_legacy_adapter_reads_amounts_from_tool_results(cases):
    calc = ToolCall(
        name="calculate_voucher",
        input={"program": "beijing-municipal", "amount": "2000000.00"},
        output={"program": "beijing-municipal", "base": "2000000.00", "amount": "400000.00"},
    )
    resp = Response(
        answer=GOOD + "\n\n**计算过程**：\n- 结果：400,000元",
        tool_calls=[calc],
        citations=[_cite()],
        intent="calculation",
    )
    ask = legacy_ask(resp)
    assert ask.verdict == "amount" and [a.amount for a in ask.amounts] == ["400000.00"]
    assert ask.conclusion == GOOD
    assert score_case(cases["s001"], resp).passed


def test_legacy_adapter_verdicts_from_structured_results():
    elig = ToolCall(
        name="check_eligibility",
        input={},
        output={"results": [{"program": "beijing-municipal", "program_name": "北京", "status": "not_eligible"}]},
    )
    assert legacy_ask(Response(answer="不符合。", tool_calls=[elig], intent="eligibility")).verdict == "not_eligible"
    comp = ToolCall(name="check_compliance", input={}, output={"findings": [{"id": "x", "severity": "high"}]})
    assert legacy_ask(Response(answer="有风险。", tool_calls=[comp], intent="compliance")).verdict == "risk"
    none = ToolCall(name="check_compliance", input={}, output={"findings": []})
    assert legacy_ask(Response(answer="未发现。", tool_calls=[none], intent="compliance")).verdict == "no_risk"
    zero = ToolCall(
        name="calculate_voucher", input={}, output={"program": "beijing-municipal", "amount": "0.00", "eligible": False}
    )
    refused_calc = Response(answer="不符合北京市算力券的条件（在北京市注册），可获得0元。", tool_calls=[zero])
    assert legacy_ask(refused_calc).verdict == "not_eligible"  # "not eligible, 0 yuan" is not an amount
    ended = Response(answer="方案执行期已于2025年12月31日结束。\n\n依据……", intent="fact")
    assert legacy_ask(ended).verdict == "ended"
    unpublished = Response(answer="贵州算力券：抵扣比例未见公开。", refused=True, intent="fact")
    assert legacy_ask(unpublished).verdict == "not_published"


def test_shuffled_control_gives_another_case_its_answer_and_fails(cases):
    ids = ["s001", "s002", "s003", "s004"]
    real = [
        _response(_amount_ask(GOOD)),
        _response(
            _amount_ask("上海可得900,000元（90万元）。", amount="900000.00"),
            AskAnswer(text="", intent="validity", verdict="ended", conclusion="已于2025年12月31日结束。"),
        ),
        always_refuse(),
        _response(AskAnswer(text="", intent="eligibility", verdict="not_eligible", conclusion="Not a legal entity.")),
    ]
    assert all(score_case(cases[i], r).passed for i, r in zip(ids, real))
    mixed = [score_case(cases[i], r) for i, r in zip(ids, shuffled(real))]
    assert summarise(mixed, [])["pass_rate"] == 0.0


# ---------------------------------------------------------------- the acceptance gate (real assistant)


@pytest.fixture(scope="module")
def real_assistant(real_index_settings):
    from assistant.assistant import Assistant

    return Assistant.load(real_index_settings, llm=None)


def _gate(rate: float, target: float, controls: dict[str, float], failing: list[str]) -> list[str]:
    """Every unmet part of the gate, so one run shows the pass rate and the controls together."""
    problems = [] if rate >= target else [f"pass rate {rate:.3f} < {target}"]
    problems += [f"negative control {k} = {v:.3f} > 0.1" for k, v in controls.items() if v > 0.1]
    return problems + (failing[:40] if problems else [])


def test_real_users_dev_half_meets_target_with_controls_near_zero(real_assistant):
    from assistant.evaluation.users import evaluate

    report = evaluate("dev", assistant=real_assistant)
    failing = [f"{r['id']}: {r['first_failure']}" for r in report["failures"]]
    problems = _gate(report["overall"]["pass_rate"], 0.9, report["controls"], failing)
    assert not problems, "\n".join(problems)


def test_real_qa_meets_target_with_controls_near_zero(real_assistant):
    from assistant.evaluation.qa import evaluate

    report = evaluate(assistant=real_assistant)
    failing = [f"{r['id']}: {'; '.join(r['why'])}" for r in report["failures"]]
    problems = _gate(report["overall"]["overall"], 0.95, report["controls"], failing)
    assert not problems, "\n".join(problems)
