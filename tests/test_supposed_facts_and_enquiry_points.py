"""Facts one question of several supposes, and what helpdesk enquiry points ask (the twentieth
session: dev-20 leftovers and dev-21's first run). Amounts are the calculator's
(`python -m assistant calc`), never typed from a source by hand."""

from __future__ import annotations

import pytest

# --------------------------------------------------------- facts supposed by one question


def test_an_unpaid_contract_supposed_in_a_later_point_does_not_fail_the_first(ask_pinned):
    # Langfang pays only after the fee is paid in full; point 1 says it was, point 2 supposes not
    r = ask_pinned(
        "廊坊企业咨询：（1）和本地算力平台签了200万合同，款项已经全部付清，能补多少？（2）如果合同签了但钱还没付，能否申请？"
    )
    first, second = r.asks[0], r.asks[1]
    assert first.verdict == "amount", first.conclusion
    assert [a.amount for a in first.amounts] == ["1000000.00"], first.amounts  # calc langfang 2000000
    assert second.verdict == "not_eligible", second.conclusion


def test_a_kind_of_purchase_asked_about_in_one_point_stays_in_that_point(ask_pinned):
    # Zhengzhou leaves out self-built compute: only the point asking about it is told so
    r = ask_pinned("郑州企业来电：（1）租用智算中心算力，合同100万元，能补多少？（2）企业自建自用的算力能否申请？")
    assert r.asks[0].verdict == "amount", r.asks[0].conclusion
    assert [a.amount for a in r.asks[0].amounts] == ["200000.00"]  # calc zhengzhou 1000000
    assert r.asks[1].verdict == "not_eligible", r.asks[1].conclusion


def test_what_if_the_compute_were_domestic_is_computed_on_that_supposition(ask_pinned):
    r = ask_pinned("杭州，2024年9月签的算力合同200万，用的非国产算力，能补多少？如果是国产算力呢？")
    assert [a.amount for a in r.asks[0].amounts] == ["400000.00"]  # calc hangzhou 2024-09-15, 20%
    assert r.asks[1].verdict == "amount", r.asks[1].conclusion
    assert [a.amount for a in r.asks[1].amounts] == ["600000.00"]  # --domestic, 30%


def test_the_balance_still_owed_is_not_a_second_contract(ask_pinned):
    r = ask_pinned("廊坊，跟本地算力平台签了100万合同，已付60万，剩下40万月底付。付清以后最多能拿多少？")
    last = r.asks[-1]
    assert last.verdict == "amount", last.conclusion
    assert [a.amount for a in last.amounts] == ["500000.00"], last.amounts  # calc langfang 1000000
    assert "②" not in r.answer, r.answer


# ----------------------------------------------------------------- what enquiry points ask


def test_a_programs_yearly_total_is_its_budget_not_an_amount_to_compute(ask_pinned):
    # the 50万 of point 2 bounds a class of contracts: point 1 has no amount to compute
    r = ask_pinned(
        "请协助答复：1、杭州2025年举措中算力券每年总额是多少；2、中小企业全年合同总额在50万元以内的，比例可提高到多少。"
    )
    assert r.asks[0].verdict == "answered", r.asks[0].conclusion
    assert "2.5亿" in r.asks[0].conclusion, r.asks[0].conclusion
    assert not r.asks[1].amounts and "50%" in r.asks[1].conclusion, r.asks[1].conclusion


def test_a_bound_naming_a_class_of_contracts_is_not_a_contract(ask_pinned):
    r = ask_pinned("杭州的中小企业，全年智能算力合同总额在50万元以内的，补贴比例可以到多少？")
    ask = r.asks[0]
    assert ask.verdict != "amount", ask.conclusion
    assert not ask.amounts, ask.amounts
    assert "50%" in ask.conclusion, ask.conclusion


def test_a_document_number_naming_the_text_is_not_asked_for(ask_pinned):
    r = ask_pinned("请答复：（1）武政规〔2025〕3号下算力服务券的抵扣比例；（2）申请主体需要满足哪些条件。")
    assert "发文单位" not in r.asks[0].conclusion, r.asks[0].conclusion
    assert "比例" in r.asks[0].conclusion, r.asks[0].conclusion


# (message, the point whose answer is checked, its verdict or None, a phrase its answer must hold)
_POINTS = [
    # "由哪个部门审核": the clause naming the body that reviews, not only the issuer
    ("关于扬府办发〔2024〕25号：（1）算力券申请由哪个部门审核；（2）补贴比例是多少。", 0, None, "数据局"),
    # a point with no subject of its own is about the text the enquiry names
    (
        "请就《上海市推动人工智能大模型创新发展若干措施(2023-2025年)》答复：（1）租用算力补贴比例；（2）现在是否仍在执行期内。",
        1,
        "ended",
        "2025年12月31日",
    ),
    # what a text requires of applicants is the rule, not a check of the caller
    (
        "上海区级政策咨询：一、松江区专项支持细则对申请主体注册地有何要求；二、浦东的算力券通过哪个平台申报。",
        0,
        "answered",
        "税务登记",
    ),
]


@pytest.mark.parametrize(
    ("message", "point", "verdict", "phrase"), _POINTS, ids=["which-department", "no-subject", "what-it-requires"]
)
def test_each_enquiry_point_is_answered_for_what_it_asks(ask_pinned, message, point, verdict, phrase):
    ask = ask_pinned(message).asks[point]
    if verdict is not None:
        assert ask.verdict == verdict, ask.conclusion
    assert phrase in ask.conclusion, ask.conclusion


def test_whether_a_new_notice_came_out_is_answered_from_the_texts_held(ask_pinned):
    r = ask_pinned("请答复：一、南宁2025年度算力券兑付通知现在还能申报吗；二、今年是否已印发新的兑付通知。")
    assert r.asks[0].verdict == "ended", r.asks[0].conclusion
    assert r.asks[1].verdict == "not_published", r.asks[1].conclusion


def test_whether_only_local_firms_may_use_a_voucher_is_the_rule(ask_pinned):
    r = ask_pinned("贵州的算力券是不是只有在贵州注册的公司才能用？")
    ask = r.asks[0]
    assert ask.verdict in ("answered", "eligible"), ask.conclusion
    assert "省内外" in ask.conclusion or "省外" in ask.conclusion, ask.conclusion


def test_whether_an_exception_may_be_invoked_is_a_question_about_the_law():
    from assistant.understand.case import Ask
    from assistant.understand.words_ask import what_the_words_ask

    # the classifier may read "能不能……作为例外出台" as a firm's eligibility (then asked "where?")
    ask = Ask(
        text="研发用的算力券若限制竞争，能不能援引促进科技进步作为例外出台？",
        intent="eligibility",
        topics=["exception"],
    )
    assert what_the_words_ask(ask).intent == "fact"


def test_a_rule_admitting_only_local_firms_is_the_issuer_finding(ask_pinned):
    r = ask_pinned("有企业反映：某县的算力券只有在本县注册的企业才能申领。这种规定可能涉及《公平竞争审查条例》哪几条？")
    ask = r.asks[0]
    assert ask.intent == "compliance", ask.conclusion
    assert "第九条" in ask.conclusion, ask.conclusion


def test_a_contract_still_to_be_signed_is_no_backdating_but_a_date_moved_earlier_is():
    from assistant.understand.risks import _vetoes

    veto = _vetoes()["contract_backdated"]  # undoes the reading by meaning, never a stated change of date
    assert veto.search("杭州的券，合同要到明年3月才签，到时候还赶得上吗")
    assert veto.search("合同还没签，现在申报来得及吗")
    assert not veto.search("合同要到明年才签，能不能把落款日期写早一点")
    assert not veto.search("合同下个月才签，能不能改成这个月的日期")


# ------------------------------------------------------------------------------ schemes


def test_self_built_deployment_in_shanghai_takes_the_construction_support(ask_pinned):
    r = ask_pinned("上海，我们自主建设智能算力部署项目，投资1亿元，按2025年措施最多能拿多少建设支持？")
    ask = r.asks[0]
    assert ask.verdict == "amount", ask.conclusion
    assert [a.amount for a in ask.amounts] == ["10000000.00"], ask.amounts  # calc shanghai provider self_built
    assert "10%" in ask.conclusion and "国产算力底座" not in ask.conclusion, ask.conclusion


def test_the_domestic_chip_server_part_is_etowns_provider_base(ask_pinned):
    r = ask_pinned(
        "我们是云服务商，在亦庄采购国产智算芯片服务器，采购合同8000万，其中国产智算芯片服务器部分5000万，服务已接入经开区算力调度平台，能支持多少？"
    )
    ask = r.asks[0]
    assert [a.amount for a in ask.amounts] == ["5000000.00"], ask.amounts  # calc beijing-etown provider 5000万
    assert "5000万" in ask.conclusion and "8000万" not in ask.conclusion, ask.conclusion
    assert "是否接入" not in r.answer, r.answer  # "已接入……调度平台" was told: not asked back


# ------------------------------------------------------------------------------ English


@pytest.mark.parametrize(
    ("message", "verdict"),
    [
        ("Nanning: are the 2025 compute vouchers still open for applications?", "ended"),
        ("Could the compute vouchers we got in Qingyang be transferred to our parent company?", "risk"),
    ],
    ids=["still-open", "transferred"],
)
def test_english_wordings_of_questions_answered_in_chinese(ask_pinned, message, verdict):
    r = ask_pinned(message)
    assert r.asks[0].verdict == verdict, r.asks[0].conclusion


def test_an_english_corpus_purchase_is_paid_by_the_corpus_voucher(ask_pinned):
    r = ask_pinned(
        "How much support can we get for it?",
        ["We're a WFOE in Suzhou Industrial Park buying a training corpus from an unrelated vendor for RMB 2 million."],
    )
    ask = r.asks[0]
    assert ask.verdict == "amount", ask.conclusion
    assert [a.amount for a in ask.amounts] == ["400000.00"], ask.amounts  # calc suzhou corpus 2000000


def test_not_eligible_says_plainly_that_one_cannot_apply(ask_pinned):
    r = ask_pinned("扬州的企业，算力合同已经签了但还没付款，现在能申请扬州算力券吗？")
    ask = r.asks[0]
    assert ask.verdict == "not_eligible", ask.conclusion
    assert ask.conclusion.startswith("不符合，不能申请"), ask.conclusion


def test_a_citys_document_named_by_number_is_asked_about_not_the_province_beside_it(ask_pinned):
    r = ask_pinned("请就郑政文〔2024〕62号答复：1、单次申领比例；2、已获河南省级算力券的企业申请市级券有何规定。")
    assert "郑州" in r.asks[0].conclusion and "河南省支持" not in r.asks[0].conclusion, r.asks[0].conclusion
    assert "优先" in r.asks[1].conclusion, r.asks[1].conclusion


def test_the_caps_of_two_schemes_asked_together_are_each_stated(ask_pinned):
    r = ask_pinned("石景山区的算力支持，备案大模型和重点企业的年度上限分别是多少？")
    conclusion = r.asks[0].conclusion
    assert "1000万元" in conclusion and "300万元" in conclusion, conclusion


def test_a_later_point_about_the_support_computed_stays_with_that_support(ask_pinned):
    r = ask_pinned(
        "辖区某云服务商采购国产智算芯片服务器，合同中国产智算芯片服务器部分金额5000万元，并已接入经开区算力调度平台。"
        "请测算可获支持金额，并说明是否有项目上限。"
    )
    assert [a.amount for a in r.asks[0].amounts] == ["5000000.00"], r.asks[0].conclusion  # calc provider 10%
    assert "1000万元" in r.asks[1].conclusion, r.asks[1].conclusion  # the scheme's cap, not the 2000万 of 第一条
    # a point naming compute is about compute, whatever was bought beside it
    r = ask_pinned("苏州，从非关联方采购语料100万，能支持多少？算力使用的补贴比例又是多少？")
    assert r.asks[1].verdict == "not_published", r.asks[1].conclusion


def test_how_often_applications_are_organised_is_the_rhythm_of_that_step(ask_pinned):
    r = ask_pinned("浦东张江的算力券在哪个平台报？一般多久组织一次？")
    assert "季度" in r.asks[1].conclusion, r.asks[1].conclusion  # not the trend of the rates
