"""What a program's own text says on a matter (related-party suppliers, transfers, local
registration): its condition, its clause, or "the text does not say" — never a finding written
around another region's clause, never "eligible" because nothing failed.

Also: a level named relative to the place before ("省里的券呢"), and how a voucher is taxed.
"""

from __future__ import annotations


def test_a_program_silent_on_related_suppliers_says_so_and_names_texts_that_are_not(ask_pinned):
    r = ask_pinned("深圳训力券对关联交易有没有限制？")
    a = r.asks[0]
    assert a.verdict == "not_published", a.conclusion
    assert "没有关于" in a.conclusion
    # the corpus voucher's non-related-seller rule is shown as another voucher's, not the answer
    assert "语料券" in a.conclusion and "不适用于您问的券" in a.conclusion
    assert "北京市人工智能算力券实施方案" in r.answer  # a text that does say it, labelled as elsewhere


def test_a_program_with_a_condition_on_the_matter_states_it_with_its_clause(ask_pinned):
    r = ask_pinned("北京算力券对关联方有没有限制")
    a = r.asks[0]
    assert a.verdict == "answered" and "非关联方" in a.conclusion and "第四条" in a.conclusion
    r = ask_pinned("天津算力券有没有要求在天津注册")
    assert r.asks[0].verdict == "answered" and "第四条" in r.asks[0].conclusion


def test_the_users_own_facts_against_the_condition_are_a_risk(ask_pinned):
    r = ask_pinned("我们的算力是从子公司租的，北京的算力券对关联交易有没有限制")
    assert r.asks[0].verdict == "risk", r.asks[0].conclusion


def test_asking_whether_a_rule_exists_is_not_a_review_of_an_issuers_draft(ask_pinned):
    r = ask_pinned("杭州的算力券要求本地注册吗")
    assert r.asks[0].verdict == "not_published", r.asks[0].conclusion
    assert "公平竞争审查条例" not in r.asks[0].conclusion
    # an issuer drafting the same condition still gets the review
    r = ask_pinned("我们区拟规定申请企业须在本区注册，这符合公平竞争审查吗")
    assert r.asks[0].verdict == "risk"


def test_a_transfer_ban_in_the_regions_own_text_is_quoted(ask_pinned):
    r = ask_pinned("庆阳的算力券文件里有没有规定能不能转让")
    assert r.asks[-1].verdict == "answered" and "不得转让" in r.asks[-1].conclusion


def test_the_province_asked_about_after_a_city_is_the_province(ask_pinned):
    r = ask_pinned("省里的券呢 能补多少", ["郑东新区的 租算力 0.8个亿 能补多少"])
    assert r.asks[-1].regions == ["henan"], r.asks[-1].conclusion
    assert "河南" in r.answer and "郑州市支持" not in r.asks[-1].conclusion
    r = ask_pinned("省里的呢", ["深圳南山的 训力券能补多少 合同100万"])
    assert r.asks[0].verdict == "refused" and "广东" in r.asks[0].conclusion


def test_how_a_voucher_is_taxed_is_not_answered_from_another_clause(ask_pinned):
    r = ask_pinned("领到的算力券要不要交企业所得税？会计上记营业外收入还是冲减成本")
    assert r.asks and all(a.verdict == "not_published" for a in r.asks), r.answer
    assert "税务机关" in r.answer and "[1]" not in r.asks[0].conclusion
    r = ask_pinned("北京个人所得税专项附加扣除，住房租金每月能扣多少？")
    assert r.asks[0].verdict == "refused"


def test_a_clawback_rule_the_text_does_not_publish_is_not_published(ask_pinned):
    r = ask_pinned("2024年领了北京市的算力券，后来发现供应商虚开了一部分发票。北京这个方案里有没有追回的规定？")
    a = r.asks[0]
    assert a.verdict == "not_published", a.conclusion
    assert "北京市人工智能算力券实施方案" in r.answer and "第一百五十五条" in r.answer


def test_whether_a_party_counts_as_related_is_the_rule_and_not_defined(ask_pinned):
    r = ask_pinned("北京市算力券要求向非关联方租算力，供应商持有我们5%的股份，这种算不算关联方")
    a = r.asks[0]
    assert a.verdict == "undetermined" and "第四条" in a.conclusion and "没有界定" in a.conclusion
    r = ask_pinned(
        "对方是我们参股20%的公司，我们没有控制权，这算不算关联方？还能申语料券吗",
        ["我们在徐汇，想买一批行业语料训练模型，准备申上海的语料券"],
    )
    assert r.asks[0].verdict == "undetermined" and "语料券" in r.asks[0].conclusion
