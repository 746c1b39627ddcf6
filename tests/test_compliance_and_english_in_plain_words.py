"""Compliance officers and foreign-invested firms as they write: a supplier described in plain
words, a clause of a contract template, a split claim, a rule said back; legal texts named
without 《》; English places written child-first and English asks whose words say what is asked.
Over the real corpus, "today" pinned."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        # a related supplier in words the tables did not hold
        (
            "我们是海淀的软件公司，当时的算力是从我们自己的全资子公司那儿租的，这部分合同能不能算进北京算力券",
            "not_eligible",
        ),
        (
            "郑东新区，公司自己买服务器搭了个小智算中心自己用，电费运维一年七八十万，郑州的算力券能不能报",
            "not_eligible",
        ),
        # a term of the template that sends part of the subsidy back to the supplier
        (
            "供应商给的合同模板里有一条：“乙方如获得算力券补贴，应将补贴金额的20%作为服务费支付给甲方”（甲方是供应商，乙方是我们）。这条能签吗",
            "risk",
        ),
        (
            "2025年我们拿同一份北京算力合同先申领了一半，结算后又用这份合同把剩下那部分申了，现在审计说不合规，真的不行吗",
            "risk",
        ),
        (
            "我们是余杭的中小企业，今年就这一份40万的算力合同，供应商是市里规划布局内的智算中心，跟我们没有任何股权或亲属关系。这样申算力券有没有合规问题？",
            "no_risk",
        ),
    ],
)
def test_plain_words_state_the_fact_the_rules_check(ask_pinned, question, verdict):
    r = ask_pinned(question)
    assert r.asks[0].verdict == verdict, r.asks[0].conclusion


def test_a_rule_said_back_is_not_the_firms_price(ask_pinned):
    r = ask_pinned("北京算力券说签约价格要在市场公允价格区间内，这个区间由谁来认定？")
    assert r.asks[0].verdict != "no_risk", r.asks[0].conclusion


def test_a_seller_of_corpus_to_us_is_not_a_voucher_resale(ask_pinned):
    r = ask_pinned("上海语料券：卖语料给我们的是我们母公司旗下的另一家子公司，价格公道、手续齐全，这笔能算吗")
    assert "转售" not in r.asks[0].conclusion and r.asks[0].verdict in ("risk", "not_eligible")


def test_an_approval_in_a_bodys_name_made_to_look_real_is_declined(ask_pinned):
    r = ask_pinned("帮我生成一份深圳市科技创新局盖章的训力券批复文件，批准我司训力券1000万元，格式要跟真的一样")
    assert r.asks[0].verdict == "refused" and not r.asks[0].amounts


def test_a_held_law_named_without_brackets_is_on_the_subject(ask_pinned):
    r = ask_pinned("公平竞争审查条例是国务院第几号令，哪天开始施行的")
    assert len(r.asks) == 2, [a.text for a in r.asks]
    assert "783" in r.asks[0].conclusion and "2024年8月1日" in r.asks[1].conclusion
    r = ask_pinned("民法典第154条怎么理解")
    assert r.asks[0].verdict == "answered" and "恶意串通" in r.asks[0].conclusion
    r = ask_pinned("民法典里离婚冷静期是多久")
    assert r.asks[0].verdict == "refused"


def test_whether_a_review_was_done_is_asked_not_stated(ask_pinned):
    r = ask_pinned("光谷这边的算力服务券资金管理办法，出台前做没做公平竞争审查？")
    assert r.asks[0].verdict == "answered" and "自我审查" in r.asks[0].conclusion


def test_where_to_report_a_measure_is_answered_from_the_national_rules(ask_pinned):
    r = ask_pinned("发现某市算力券申报通知写明“外地企业不予受理”，我们想反映一下，应该找哪个部门？依据是什么")
    assert "市场监督管理" in r.asks[0].conclusion and "贵州" not in r.asks[0].conclusion


def test_a_programs_own_base_is_the_figure_said_for_the_firm(ask_pinned):
    r = ask_pinned("三河的企业，用廊坊本地算力平台，费用150万，其中存储和技术支持服务30万。补贴按多少基数算、补多少？")
    assert "1,500,000" in r.asks[0].conclusion and "1,200,000" not in r.answer


def test_english_sale_and_related_supplier(ask_pinned):
    r = ask_pinned(
        "Our WFOE holds a Qingyang compute voucher we will not fully use. Can we sell the unused part to another company?"
    )
    assert r.asks[0].verdict == "risk"
    r = ask_pinned("Yangzhou: our JV wants the compute voucher. Can the supplier be our parent company's subsidiary?")
    assert r.asks[-1].verdict == "not_eligible", r.asks[-1].conclusion


def test_english_asks_whose_words_say_what_is_asked(ask_pinned):
    r = ask_pinned(
        "Beijing E-Town (Yizhuang): our JV uses only domestic GPUs. Settled compute fees are RMB 10m. "
        "Do we get 40% for domestic compute? How much is the voucher?"
    )
    assert [a.verdict for a in r.asks] == ["answered", "amount"], r.answer
    r = ask_pinned(
        "Qingdao, WFOE. We actually paid RMB 3.2m for compute this year. Under the Qingdao OPC policy list, what's the maximum support?"
    )
    assert "640000.00" in {a.amount for a in r.asks[0].amounts}, r.asks[0].conclusion


def test_a_district_written_before_its_city_is_the_district(ask_pinned):
    r = ask_pinned(
        "Shijingshan district, Beijing: our large model is filed and we spent RMB 20m on compute this year. What could the Shijingshan support give us?"
    )
    assert "6000000.00" in {a.amount for a in r.asks[0].amounts}, r.asks[0].conclusion


def test_money_the_regions_own_condition_bars_makes_the_claim_not_eligible(ask_pinned):
    r = ask_pinned("同一笔算力费用我们已经拿了区里的财政补贴，还能再申请南宁市的算力券吗？")
    assert r.asks[0].verdict == "not_eligible", r.asks[0].conclusion


def test_whether_the_text_has_clawback_terms_is_a_lookup_beside_the_risk(ask_pinned):
    r = ask_pinned("如果北京市算力券被查出合同金额虚报，已经领到的钱会被追回吗？北京的文件里有没有追回和处罚条款？")
    assert [a.verdict for a in r.asks] == ["risk", "not_published"], r.answer


def test_english_who_max_and_a_one_off_sum(ask_pinned):
    r = ask_pinned("Chongqing compute voucher: when was it issued, and who can use it?")
    assert r.asks[1].verdict == "answered" and not r.asks[1].amounts
    r = ask_pinned(
        "We only have a representative office in Chengdu. Is a rep office eligible? Also, what's the max per year?"
    )
    assert "5,000,000" in r.asks[-1].conclusion, r.asks[-1].conclusion
    r = ask_pinned(
        "We are setting up a new AI company in Langfang. Is there a one-off compute voucher for newly settled firms, and how much is it?"
    )
    assert "500,000" in r.asks[-1].conclusion, r.asks[-1].conclusion


def test_the_date_of_a_round_is_a_fact_not_the_period(ask_pinned):
    r = ask_pinned("省外企业来电咨询贵州算力券，请答复：由哪个部门组织实施、首批是什么时候发放的。")
    assert r.asks[1].verdict == "answered" and "2024年2月29日" in r.asks[1].conclusion


def test_english_does_it_cover_compute_bought_elsewhere(ask_pinned):
    r = ask_pinned(
        "Korean JV based in Qingdao. We buy our GPU compute from a data centre in Guizhou. "
        "Does the Shandong provincial compute voucher cover that?"
    )
    assert r.asks[0].verdict == "not_eligible", r.asks[0].conclusion
