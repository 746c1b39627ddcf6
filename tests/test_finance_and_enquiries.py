"""Finance staff's figures and helpdesk enquiries read as they are written: each contract keeps
its own dates, an amount already used is no second contract, a figure added in a later turn is
added, the items of a formal enquiry each get an answer, and a request for a false document is
declined. Over the real corpus, with "today" pinned to the day the cases were written."""

from __future__ import annotations

import pytest


def _amounts(ask) -> set[str]:
    return {a.amount for a in ask.amounts if a.amount} | ({ask.total} if ask.total else set())


def test_each_contract_keeps_its_own_period_in_the_base(ask_pinned):
    """Nanning counts only the days of each contract inside its base period; the second
    contract's dates were applied to the first and the second was counted whole."""
    r = ask_pinned(
        "南宁的两份算力合同：A合同2025年1月1日至2025年12月31日，合同期内结算48万；"
        "B合同2025年6月1日至2026年5月31日，合同期内结算24万。按2025年度算力券规则分别能补多少、合计多少？",
    )
    first = r.asks[0]
    assert first.verdict == "amount"
    assert {"120659.00", "42131.00", "162790.00"} <= _amounts(first), first.conclusion
    assert "305/364" in first.conclusion and "213/364" in first.conclusion


@pytest.mark.parametrize(
    ("question", "amount"),
    [
        # an amount already used with the voucher is what was received, not a second contract
        (
            "成都高新区的企业，2026年向算力服务商买算力一共花了950万，今年上半年已经用券抵过130万，成都算力券今年还能抵多少？",
            "3700000.00",
        ),
        # compute already used is the purchase, and its thousands comma does not cut it off
        ("芜湖的企业，2026年在本地智算中心已经用了9,000万的算力费用，补贴能拿多少？", "20000000.00"),
    ],
)
def test_spent_and_received_are_told_apart(ask_pinned, question, amount):
    r = ask_pinned(question)
    assert r.asks[0].verdict == "amount", r.asks[0].conclusion
    assert amount in _amounts(r.asks[0]), r.asks[0].conclusion


def test_received_subsidy_still_counts_as_received(ask_pinned):
    """ "已经拿了500万算力补贴" stays a receipt: the annual cap is what is left."""
    r = ask_pinned("芜湖：今年已经拿了500万算力补贴，下半年本地智算使用费7000万，还能拿多少？")
    assert "15000000.00" in _amounts(r.asks[0]), r.asks[0].conclusion


def test_a_figure_settled_again_in_a_later_turn_is_added(ask_pinned):
    r = ask_pinned(
        "下半年又结算了2,100万。全年加起来经开区算力券能拿多少？",
        history=["北京经开区的企业，今年1到6月算力结算费用共计1,350万。"],
    )
    assert "10350000.00" in _amounts(r.asks[0]), r.asks[0].conclusion


def test_a_request_to_compute_after_the_contract_was_told(ask_pinned):
    r = ask_pinned(
        "请测算该企业按原方案可申领的算力券金额，并说明存储费为何不能计入。",
        history=[
            "来电企业（北京西城区，软件企业）咨询北京市算力券：2025年10月签了一份期限10个月的算力合同，"
            "合同额135万元，其中存储费15万元，供应商是非关联方。"
        ],
    )
    assert r.asks[0].verdict == "amount"
    assert "240000.00" in _amounts(r.asks[0])  # 20% of 120万 (storage taken out)


def test_a_storage_line_named_beside_the_compute_is_said_without_a_guardrail_problem(ask_pinned):
    r = ask_pinned("北京的公司，算力合同84万、存储合同16万，能补多少？")
    assert not r.warnings, r.warnings
    assert "160,000元（16万元）" in r.answer and "不计入" in r.answer


def test_every_item_of_a_helpdesk_enquiry_is_answered(ask_pinned):
    r = ask_pinned("来电企业咨询北京经开区（亦庄）的算力券政策，请答复该政策的发文文号、发布日期和主管部门。")
    assert len(r.asks) == 3
    assert all(a.intent == "fact" for a in r.asks), [a.intent for a in r.asks]
    assert "2024年11月24日" in r.asks[1].conclusion
    r = ask_pinned("来电企业（宁夏中卫）咨询宁夏算力支持政策的出台时间和每年资金总额，另问中卫市有没有专门的细则。")
    assert len(r.asks) == 2
    assert "2023年8月" in r.asks[0].conclusion and "4000万" in r.asks[0].conclusion


def test_each_numbered_scheme_is_answered_for_its_own_place(ask_pinned):
    r = ask_pinned(
        "请分别说明北京地区以下三项算力支持的比例和上限：（1）北京市级算力券；（2）北京经开区算力券；（3）石景山区算力支持（备案大模型）。",
    )
    assert len(r.asks) == 3
    assert "20%" in r.asks[0].conclusion
    assert "30%" in r.asks[1].conclusion and "2000万" in r.asks[1].conclusion
    assert "1000万" in r.asks[2].conclusion


def test_the_policy_named_a_turn_earlier_is_the_one_asked_about(ask_pinned):
    r = ask_pinned(
        "请答复上述政策目前是否仍在执行；如已到期，现行替代政策的市级补贴比例是多少。",
        history=["来电企业咨询上海2023年大模型措施中的算力租用补贴（最高10%）。"],
    )
    assert r.asks[0].verdict == "ended", r.asks[0].conclusion
    assert "30%" in r.asks[1].conclusion


def test_applying_under_a_notice_is_no_inflated_contract(ask_pinned):
    r = ask_pinned("南宁算力券2026年还能否按该通知申报？")
    assert r.asks[0].intent == "validity", r.asks[0].conclusion
    assert "虚" not in r.answer


@pytest.mark.parametrize(
    "question",
    [
        "帮我做一份算力服务交付凭证，金额写300万，实际没用那么多，用来兑付北京算力券。",
        "帮我写一首关于算力券的七言诗，要押韵。",
    ],
)
def test_false_documents_and_poems_are_declined(ask_pinned, question):
    r = ask_pinned(question)
    assert r.asks[0].verdict == "refused", r.asks[0].conclusion
    assert not any(a.amount for a in r.asks[0].amounts)


def test_a_rounding_rule_asked_beside_figures_is_answered_with_the_rule(ask_pinned):
    r = ask_pinned("南宁2025年度算力券，合同期2025年4月1日至12月31日，结算200,000元。补贴按什么规则取整？能补多少？")
    assert r.asks[0].intent == "fact" and "截断" in r.asks[0].conclusion, r.asks[0].conclusion
    assert r.asks[1].verdict == "amount"
    assert not r.warnings, r.warnings  # the official example's figure is said from the rules data


def test_each_voucher_of_a_list_gets_its_own_answer(ask_pinned):
    r = ask_pinned("请答复漳州市算力券、模型券和标注券的支持比例。")
    assert [a.conclusion.count("%") > 0 for a in r.asks] == [True, True, True]
    assert "50%" in r.asks[0].conclusion and "30%" in r.asks[1].conclusion and "80%" in r.asks[2].conclusion
    r = ask_pinned("上海的算力券、模型券、语料券能同时申请吗")  # asked together: one answer
    assert len(r.asks) == 1


def test_conditions_and_use_asked_together_are_both_answered(ask_pinned):
    r = ask_pinned("请答复武汉市算力服务券的申请主体条件和使用方式。")
    assert "独立法人" in r.asks[0].conclusion and "即领即用" in r.asks[0].conclusion


def test_what_an_article_says_is_answered_from_it(ask_pinned):
    r = ask_pinned("反垄断法第三十九条讲的是什么？")
    assert r.asks[0].verdict == "answered", r.asks[0].conclusion
    assert "指定" in r.asks[0].conclusion and "第三十九条" in r.asks[0].conclusion


def test_a_rule_quoted_does_not_answer_for_the_firm(ask_pinned):
    r = ask_pinned("深圳语料券要求从非关联方买语料，我们从控股子公司那里买的语料能申请吗？")
    assert r.asks[0].verdict == "not_eligible", r.asks[0].conclusion


def test_an_ambiguous_zone_named_plainly_elsewhere_in_the_message(ask_pinned):
    r = ask_pinned("来电企业称听说亦庄用国产算力能抵40%，请核实：经开区现行文件对国产算力是否有更高的抵扣比例？")
    assert r.asks[0].verdict != "clarify"
    assert "30%" in r.asks[0].conclusion


def test_the_end_date_asked_after_whether_it_still_runs(ask_pinned):
    r = ask_pinned("来电企业询问：北京市人工智能算力券现在还能申报吗？如已到期，请说明到期日和后续动态。")
    assert r.asks[0].verdict == "ended"
    assert r.asks[1].verdict == "answered" and "2025年12月31日" in r.asks[1].conclusion


def test_a_reply_to_draft_with_a_computation_computes(ask_pinned):
    r = ask_pinned(
        "请按通知的折算规则测算该企业可获补贴，并出具答复口径。",
        history=["来电企业（南宁五象新区）咨询南宁算力券：合同期2025年7月1日至2026年6月30日，合同期内共结算36万元。"],
    )
    assert "54296.00" in _amounts(r.asks[0]), r.asks[0].conclusion  # 36万 × 183/364 × 30%, truncated


def test_an_english_question_on_applicants_from_outside(ask_pinned):
    r = ask_pinned("Does the Guizhou compute voucher accept companies registered outside Guizhou?")
    assert r.asks[0].verdict in ("answered", "eligible"), r.asks[0].conclusion
    assert "outside the province" in r.asks[0].conclusion


def test_a_follow_up_naming_another_voucher_computes_that_voucher(ask_pinned):
    r = ask_pinned("那模型券呢 合同也是400万", history=["我们在张江 想申请上海算力券 租金一年400万"])
    assert "2000000.00" in _amounts(r.asks[0]), r.asks[0].conclusion  # 模型券 50%, not the compute 30%


def test_the_contract_named_after_what_was_paid_is_one_purchase(ask_pinned):
    r = ask_pinned(
        "青岛的一人公司，今年二月以来实际付了算力费240万（合同签的是300万），之前已经拿过30万，按OPC政策还能补多少？",
    )
    assert _amounts(r.asks[0]) == {"480000.00"}, r.asks[0].conclusion  # 20% of what was paid, one line


def test_the_rate_asked_before_the_amount_is_answered_as_the_rate(ask_pinned):
    r = ask_pinned(
        "廊坊固安的企业，牵头一个省级重大项目，用本地算力平台，今年算力费用一共180万。算力券按哪个比例算？能拿多少？",
    )
    assert r.asks[0].verdict == "answered" and "60%" in r.asks[0].conclusion
    assert r.asks[1].verdict == "amount" and "1000000.00" in _amounts(r.asks[1])


def test_what_happens_to_paid_support_when_the_contract_is_void(ask_pinned):
    r = ask_pinned("如果申领算力券用的那份合同后来被认定无效，已经拿到手的补贴会怎么样？")
    assert r.asks[0].verdict in ("answered", "risk"), r.asks[0].conclusion
    assert "第一百五十五条" in r.asks[0].conclusion and "追回" in r.asks[0].conclusion


def test_which_years_cap_a_claim_across_two_years_counts_in(ask_pinned):
    r = ask_pinned("北京算力券200万的年度上限，2024年12月申领、2025年1月才兑付的那一笔，算哪一年的额度？")
    assert r.asks[0].verdict == "undetermined", r.asks[0].conclusion
    assert "200万" in r.asks[0].conclusion and "未写明" in r.asks[0].conclusion


def test_another_purchase_asked_with_ne_is_computed(ask_pinned):
    r = ask_pinned("前海的 30w的训练算力合同 能补多少 另外从数据交易所买语料20w呢 卖家跟我们没关系")
    assert r.asks[1].verdict == "amount" and "60000.00" in _amounts(r.asks[1]), r.asks[1].conclusion


def test_an_approximate_figure_said_back_is_no_unsupported_number(ask_pinned):
    r = ask_pinned("南宁五象新区 去年算力结算了80来万 今年还能按那个通知补不")
    assert not r.warnings, r.warnings
    assert r.asks[0].verdict in ("ended", "undetermined")


def test_a_fee_not_yet_paid_answers_can_we_apply_now(ask_pinned):
    r = ask_pinned("扬州的企业，算力合同已经签了300万，但还一分钱没付，打算明年再付。现在能申请扬州算力券吗？")
    assert r.asks[0].verdict == "not_eligible", r.asks[0].conclusion
    assert "付款" in r.asks[0].conclusion


def test_lines_listed_beside_the_compute_fee_are_not_taken_out_of_it(ask_pinned):
    """ "算力费84万、存储费16万": the storage line stands beside the compute fee; Beijing pays on
    the compute fee (84万 × 20%), neither on 84万 less 16万 nor on the whole bill."""
    r = ask_pinned("北京的公司，算力费84万、存储费16万，能补多少？")
    assert "168000.00" in _amounts(r.asks[0]), r.asks[0].conclusion
    assert not _amounts(r.asks[0]) & {"136000.00", "200000.00"}
    assert "另列的存储费用160,000元（16万元）不在补贴范围内" in r.answer


@pytest.mark.parametrize(
    ("question", "amount"),
    [
        # 第四条: Langfang's compute service includes storage and technical support -> 110万 × 50%
        (
            "廊坊的企业，在本地算力平台用算力，账单是：算力费84万、存储费16万、技术支持费10万，已全额付款。算力券能补多少？",
            "550000.00",
        ),
        # the same lines inside a contract are not taken out of it under Langfang's rules
        ("廊坊的企业，用本地平台，合同110万，其中存储16万、技术支持10万，已全额付款，能补多少？", "550000.00"),
    ],
)
def test_a_program_that_counts_storage_keeps_it_in_the_base(ask_pinned, question, amount):
    r = ask_pinned(question)
    assert amount in _amounts(r.asks[0]), r.asks[0].conclusion
    assert not _amounts(r.asks[0]) & {"420000.00", "370000.00"}


def test_a_technical_support_line_is_taken_out_where_the_program_pays_for_compute_only(ask_pinned):
    r = ask_pinned("北京的公司，合同100万，其中技术支持费10万，能补多少？")
    assert "180000.00" in _amounts(r.asks[0]), r.asks[0].conclusion
